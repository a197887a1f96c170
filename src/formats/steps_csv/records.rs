//! CSV records read straight off the text, as RFC 4180 writes them and as
//! spreadsheets bend it: cells split by one delimiter, quoted cells with
//! doubled quotes inside, and CRLF, LF or CR line ends. Each record knows
//! the line it starts on, counted as a text editor counts it; a quote that
//! is never closed is an error at the line it opened on (instead of the
//! rest of the file silently becoming one cell). Cells borrow the text
//! where they can, and a record keeps only as many cells as asked: a line
//! of a million commas costs a count, not a million cells.

use std::borrow::Cow;

/// Records of a text, read one at a time.
#[derive(Clone)]
pub(super) struct Records<'a> {
    text: &'a str,
    pos: usize,
    line: u64,
    delimiter: u8,
}

/// What [`Records::next_into`] read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Record {
    /// The line the record starts on, from 1.
    pub line: u64,
    /// How many cells it has (the cells kept may be fewer).
    pub cells: usize,
    /// Whether every cell is empty or spaces.
    pub blank: bool,
}

/// A quoted cell that the end of the text cut off; it opened on `line`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Unclosed {
    pub line: u64,
}

/// Line ends in `bytes`: each LF, and each CR not followed by LF.
fn line_ends(bytes: &[u8]) -> u64 {
    let lone_crs = memchr::memchr_iter(b'\r', bytes)
        .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
        .count();
    (memchr::memchr_iter(b'\n', bytes).count() + lone_crs) as u64
}

/// Whether a cell is empty or spaces (quick for the usual cell, which
/// starts with something else).
fn is_blank(cell: &str) -> bool {
    match cell.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_alphanumeric() => false,
        Some(_) => cell.trim().is_empty(),
    }
}

impl<'a> Records<'a> {
    pub fn new(text: &'a str, delimiter: u8) -> Self {
        Self {
            text,
            pos: 0,
            line: 1,
            delimiter,
        }
    }

    /// Reads the next record, putting its first `keep` cells into `cells`
    /// (cleared first). `None` at the end of the text.
    pub fn next_into(&mut self, cells: &mut Vec<Cow<'a, str>>, keep: usize) -> Option<Result<Record, Unclosed>> {
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        cells.clear();
        let mut record = Record {
            line: self.line,
            cells: 0,
            blank: true,
        };
        loop {
            let cell = if bytes.get(self.pos) == Some(&b'"') {
                match self.quoted() {
                    Ok(cell) => cell,
                    Err(unclosed) => {
                        // Nothing after it can be read as records.
                        self.pos = bytes.len();
                        return Some(Err(unclosed));
                    }
                }
            } else {
                Cow::Borrowed(self.unquoted())
            };
            record.cells += 1;
            record.blank = record.blank && is_blank(&cell);
            if cells.len() < keep {
                cells.push(cell);
            }
            match bytes.get(self.pos) {
                Some(&b) if b == self.delimiter => self.pos += 1,
                Some(b'\r') => {
                    self.pos += if bytes.get(self.pos + 1) == Some(&b'\n') { 2 } else { 1 };
                    self.line += 1;
                    break;
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    break;
                }
                _ => break,
            }
        }
        Some(Ok(record))
    }

    /// The text from here to the next delimiter or line end.
    fn unquoted(&mut self) -> &'a str {
        let bytes = &self.text.as_bytes()[self.pos..];
        let len = memchr::memchr3(self.delimiter, b'\n', b'\r', bytes).unwrap_or(bytes.len());
        // Delimiters and line ends are ASCII, so this is a character boundary.
        let cell = &self.text[self.pos..self.pos + len];
        self.pos += len;
        cell
    }

    /// A cell that starts with a quote: up to the closing quote, with `""`
    /// read as `"`; text after the closing quote (not RFC 4180, but
    /// spreadsheets write it) is kept as it is.
    fn quoted(&mut self) -> Result<Cow<'a, str>, Unclosed> {
        let opened_on = self.line;
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let mut at = start;
        let mut doubled = false;
        let close = loop {
            let Some(offset) = memchr::memchr(b'"', &bytes[at..]) else {
                return Err(Unclosed { line: opened_on });
            };
            let quote = at + offset;
            if bytes.get(quote + 1) == Some(&b'"') {
                doubled = true;
                at = quote + 2;
            } else {
                break quote;
            }
        };
        self.line += line_ends(&bytes[start..close]);
        let inside = &self.text[start..close];
        self.pos = close + 1;
        let after = self.unquoted();
        Ok(match (doubled, after.is_empty()) {
            (false, true) => Cow::Borrowed(inside),
            (true, true) => Cow::Owned(inside.replace("\"\"", "\"")),
            (_, false) => Cow::Owned(format!("{}{after}", inside.replace("\"\"", "\""))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as (line, cells) until the end or an unclosed quote.
    fn read(text: &str) -> Vec<Result<(u64, Vec<String>), Unclosed>> {
        let mut records = Records::new(text, b',');
        let mut cells = Vec::new();
        let mut out = Vec::new();
        while let Some(record) = records.next_into(&mut cells, usize::MAX) {
            out.push(record.map(|r| {
                assert_eq!(r.cells, cells.len());
                (r.line, cells.iter().map(|c| c.to_string()).collect())
            }));
        }
        out
    }

    fn ok(line: u64, cells: &[&str]) -> Result<(u64, Vec<String>), Unclosed> {
        Ok((line, cells.iter().map(|c| (*c).to_owned()).collect()))
    }

    #[test]
    fn cells_quotes_and_line_ends() {
        assert_eq!(
            read("a,b\r\n\"c,\"\"d\"\"\",e\n\"multi\r\nline\",f\rg,\n,\n"),
            vec![
                ok(1, &["a", "b"]),
                ok(2, &["c,\"d\"", "e"]),
                ok(3, &["multi\r\nline", "f"]),
                ok(5, &["g", ""]),
                ok(6, &["", ""]),
            ]
        );
        assert_eq!(read("x"), vec![ok(1, &["x"])]);
        assert_eq!(
            read("a,\"q\"tail,5\" screen"),
            vec![ok(1, &["a", "qtail", "5\" screen"])]
        );
        assert_eq!(read(""), vec![]);
        assert_eq!(read("\n\n"), vec![ok(1, &[""]), ok(2, &[""])]);
    }

    #[test]
    fn a_quote_never_closed_is_an_error_at_its_line() {
        assert_eq!(
            read("lane,step\nA,B\nA,\"never\nclosed,1\nA,C\n"),
            vec![ok(1, &["lane", "step"]), ok(2, &["A", "B"]), Err(Unclosed { line: 3 })]
        );
        assert_eq!(read("\""), vec![Err(Unclosed { line: 1 })]);
    }

    #[test]
    fn only_the_cells_asked_for_are_kept() {
        let text = format!("a{}\nb\n", ",x".repeat(100_000));
        let mut records = Records::new(&text, b',');
        let mut cells = Vec::new();
        let first = records.next_into(&mut cells, 3).unwrap().unwrap();
        assert_eq!((first.cells, cells.len(), first.blank), (100_001, 3, false));
        let second = records.next_into(&mut cells, 3).unwrap().unwrap();
        assert_eq!((second.line, second.cells, cells[0].as_ref()), (2, 1, "b"));
        assert!(records.next_into(&mut cells, 3).is_none());
    }
}
