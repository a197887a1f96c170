//! A quick pass over the XML text before it is parsed, for what the parser
//! would pay for too dearly. roxmltree recurses once per nested element (a
//! file nested 20,000 deep overflowed the stack), compares each attribute
//! with the others on its element and each namespace declaration with those
//! in scope (quadratic within one element: 60,000 declarations on one
//! element took 25 s), and keeps every node in memory (13 million empty
//! elements in 50 MB took 1 GB). The pass refuses such files at the line
//! where the limit is passed, and notes where the text ends while an
//! element, a comment or a tag is still open, which the parser reports only
//! as "line 1".
//!
//! It reads the text the way roxmltree does up to the first thing that is
//! not well-formed, and stops there: the parser then reports that, and goes
//! no deeper than the pass went.

/// Deepest nesting of elements read. BPMN files nest a dozen or so deep
/// (definitions, process, subprocesses, a task, its extension elements).
pub const MAX_DEPTH: usize = 128;
/// Most attributes on one element (a BPMN element has a handful).
pub const MAX_ELEMENT_ATTRIBUTES: usize = 100;
/// Most XML namespace declarations in scope at one element.
pub const MAX_NAMESPACES_IN_SCOPE: usize = 64;
/// Most XML namespace declarations in a file (modelers declare a few on the
/// root element).
pub const MAX_NAMESPACE_DECLARATIONS: usize = 10_000;
/// Most nodes (elements, runs of text, comments, …) in a file. Our own
/// export of 48,000 steps (48 MB) has about a million; at the limits of
/// nodes and attributes the parsed file takes about 370 MB.
pub const MAX_NODES: usize = 2_000_000;
/// Most attributes in a file (our export of 48,000 steps has 1.45 million).
pub const MAX_ATTRIBUTES: usize = 3_000_000;

/// Why the pass refused a text, and where: a byte offset into it.
#[derive(Debug, PartialEq)]
pub struct Refusal {
    pub offset: usize,
    pub message: String,
}

/// What the pass found in a text it did not refuse.
#[derive(Debug, Default, PartialEq)]
pub struct Outline {
    /// Set when the text ends while something is still open: the end of
    /// the text and what was open, to report if the parser fails there.
    pub unfinished: Option<Refusal>,
}

/// Reads `text` for its shape; see the module comment.
pub fn outline(text: &str) -> Result<Outline, Refusal> {
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        at: 0,
        open: Vec::new(),
        namespaces_in_scope: 0,
        namespace_declarations: 0,
        nodes: 0,
        attributes: 0,
    };
    match scanner.run() {
        Ok(()) => Ok(Outline {
            unfinished: scanner.open.last().map(|open| Refusal {
                offset: text.len(),
                message: format!(
                    "the file ends while <{}> (opened at line {}) is still open: is the file cut short?",
                    &text[open.name.clone()],
                    line_at(text, open.at)
                ),
            }),
        }),
        Err(Stop::NotWellFormed) => Ok(Outline::default()),
        Err(Stop::Unfinished { what, at }) => Ok(Outline {
            unfinished: Some(Refusal {
                offset: text.len(),
                message: format!(
                    "the file ends inside {what} begun at line {}: is the file cut short?",
                    line_at(text, at)
                ),
            }),
        }),
        Err(Stop::Refused(refusal)) => Err(refusal),
    }
}

/// The line (from 1) that byte `offset` of `text` is on.
pub fn line_at(text: &str, offset: usize) -> u32 {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let lines = before.iter().filter(|&&b| b == b'\n').count() + 1;
    u32::try_from(lines).unwrap_or(u32::MAX)
}

/// Why the pass stopped before the end of the text.
enum Stop {
    /// Something the parser will report on its own.
    NotWellFormed,
    /// The text ended inside `what`, which began at byte `at`.
    Unfinished {
        what: String,
        at: usize,
    },
    Refused(Refusal),
}

/// An element whose end tag has not come yet.
struct Open {
    at: usize,
    name: std::ops::Range<usize>,
    namespaces: usize,
}

struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    open: Vec<Open>,
    namespaces_in_scope: usize,
    namespace_declarations: usize,
    nodes: usize,
    attributes: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl Scanner<'_> {
    /// The offset of the next `needle` at or after `from`.
    fn find(&self, from: usize, needle: &[u8]) -> Option<usize> {
        let hay = self.bytes.get(from..)?;
        if let [one] = needle {
            return hay.iter().position(|b| b == one).map(|i| from + i);
        }
        hay.windows(needle.len()).position(|w| w == needle).map(|i| from + i)
    }

    fn refuse(&self, offset: usize, message: String) -> Stop {
        Stop::Refused(Refusal { offset, message })
    }

    fn count_node(&mut self, at: usize) -> Result<(), Stop> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(self.refuse(
                at,
                format!("the file has more than {MAX_NODES} XML nodes (elements, texts, comments); it is refused before it is read"),
            ));
        }
        Ok(())
    }

    /// Skips a comment, CDATA section or processing instruction begun at
    /// `self.at`, whose opening is `open` bytes long.
    fn skip_past(&mut self, open: usize, close: &[u8], what: &str) -> Result<(), Stop> {
        let begun = self.at;
        let end = self.find(begun + open, close).ok_or_else(|| Stop::Unfinished {
            what: what.to_owned(),
            at: begun,
        })?;
        self.at = end + close.len();
        self.count_node(begun)
    }

    fn run(&mut self) -> Result<(), Stop> {
        while let Some(lt) = self.find(self.at, b"<") {
            if lt > self.at {
                self.count_node(self.at)?;
            }
            self.at = lt;
            let rest = &self.bytes[lt..];
            if rest.starts_with(b"<!--") {
                self.skip_past(4, b"-->", "a comment")?;
            } else if rest.starts_with(b"<![CDATA[") {
                self.skip_past(9, b"]]>", "a CDATA section")?;
            } else if rest.starts_with(b"<?") {
                self.skip_past(2, b"?>", "a processing instruction")?;
            } else if rest.starts_with(b"<!DOCTYPE") {
                return Err(self.refuse(
                    lt,
                    "the file has a DOCTYPE: BPMN files have none, and document type definitions \
                     (and the entities they declare) are not read"
                        .to_owned(),
                ));
            } else if rest.starts_with(b"<!") {
                return Err(Stop::NotWellFormed);
            } else if rest.starts_with(b"</") {
                let end = self.find(lt + 2, b">").ok_or_else(|| Stop::Unfinished {
                    what: "an end tag".to_owned(),
                    at: lt,
                })?;
                self.at = end + 1;
                let open = self.open.pop().ok_or(Stop::NotWellFormed)?;
                if self.text[lt + 2..end].trim_end() != &self.text[open.name] {
                    return Err(Stop::NotWellFormed);
                }
                self.namespaces_in_scope -= open.namespaces;
            } else {
                self.start_tag()?;
            }
        }
        Ok(())
    }

    fn skip_spaces(&mut self) {
        while self.bytes.get(self.at).is_some_and(|&b| is_space(b)) {
            self.at += 1;
        }
    }

    /// Reads a start tag begun at `self.at`, with its attributes.
    fn start_tag(&mut self) -> Result<(), Stop> {
        let begun = self.at;
        let name_start = begun + 1;
        self.at = name_start;
        while self
            .bytes
            .get(self.at)
            .is_some_and(|&b| !is_space(b) && b != b'>' && b != b'/')
        {
            self.at += 1;
        }
        let name = name_start..self.at;
        if name.is_empty() {
            return Err(Stop::NotWellFormed);
        }
        let unfinished = || Stop::Unfinished {
            what: format!("the tag <{}", &self.text[name.clone()]),
            at: begun,
        };
        let (mut attributes, mut namespaces) = (0, 0);
        let is_open = loop {
            self.skip_spaces();
            match self.bytes.get(self.at) {
                None => return Err(unfinished()),
                Some(b'>') => {
                    self.at += 1;
                    break true;
                }
                Some(b'/') => match self.bytes.get(self.at + 1) {
                    None => return Err(unfinished()),
                    Some(b'>') => {
                        self.at += 2;
                        break false;
                    }
                    Some(_) => return Err(Stop::NotWellFormed),
                },
                Some(_) => {
                    let attribute = self.at;
                    while self
                        .bytes
                        .get(self.at)
                        .is_some_and(|&b| !is_space(b) && !matches!(b, b'=' | b'>' | b'/' | b'<'))
                    {
                        self.at += 1;
                    }
                    let attribute_name = &self.bytes[attribute..self.at];
                    self.skip_spaces();
                    match self.bytes.get(self.at) {
                        None => return Err(unfinished()),
                        Some(b'=') => self.at += 1,
                        Some(_) => return Err(Stop::NotWellFormed),
                    }
                    self.skip_spaces();
                    let quote = match self.bytes.get(self.at) {
                        None => return Err(unfinished()),
                        Some(&q @ (b'"' | b'\'')) => q,
                        Some(_) => return Err(Stop::NotWellFormed),
                    };
                    let rest = &self.bytes[self.at + 1..];
                    match rest.iter().position(|&b| b == quote || b == b'<') {
                        None => return Err(unfinished()),
                        Some(i) if rest[i] == b'<' => return Err(Stop::NotWellFormed),
                        Some(i) => self.at += i + 2,
                    }
                    attributes += 1;
                    if attribute_name == b"xmlns" || attribute_name.starts_with(b"xmlns:") {
                        namespaces += 1;
                    }
                }
            }
        };
        self.count_node(begun)?;
        let element = &self.text[name.clone()];
        if self.open.len() + 1 > MAX_DEPTH {
            return Err(self.refuse(
                begun,
                format!(
                    "<{element}> is nested more than {MAX_DEPTH} elements deep (BPMN files nest a dozen or so); \
                     the file is refused before it is read"
                ),
            ));
        }
        if attributes > MAX_ELEMENT_ATTRIBUTES {
            return Err(self.refuse(
                begun,
                format!("<{element}> has {attributes} attributes, more than the {MAX_ELEMENT_ATTRIBUTES} read on one element"),
            ));
        }
        self.attributes += attributes;
        if self.attributes > MAX_ATTRIBUTES {
            return Err(self.refuse(
                begun,
                format!("the file has more than {MAX_ATTRIBUTES} attributes; it is refused before it is read"),
            ));
        }
        if namespaces > 0 {
            self.namespace_declarations += namespaces;
            if self.namespaces_in_scope + namespaces > MAX_NAMESPACES_IN_SCOPE {
                return Err(self.refuse(
                    begun,
                    format!(
                        "<{element}> has {} XML namespace declarations in scope, more than the {MAX_NAMESPACES_IN_SCOPE} read",
                        self.namespaces_in_scope + namespaces
                    ),
                ));
            }
            if self.namespace_declarations > MAX_NAMESPACE_DECLARATIONS {
                return Err(self.refuse(
                    begun,
                    format!("the file has more than {MAX_NAMESPACE_DECLARATIONS} XML namespace declarations"),
                ));
            }
        }
        if is_open {
            self.namespaces_in_scope += namespaces;
            self.open.push(Open {
                at: begun,
                name,
                namespaces,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(text: &str) -> (u32, String) {
        let r = outline(text).unwrap_err();
        (line_at(text, r.offset), r.message)
    }

    #[test]
    fn well_formed_text_passes_with_nothing_open() {
        let text = "<?xml version=\"1.0\"?>\n<!-- a <b> -->\n<a x='1>' y = \"2\"><b/><![CDATA[<c>]]><?pi <d>?>t</a>\n";
        assert_eq!(outline(text), Ok(Outline::default()));
    }

    #[test]
    fn nesting_past_the_limit_is_refused_at_its_line() {
        let deep = |n: usize| format!("<r>\n{}{}</r>", "<a>".repeat(n), "</a>".repeat(n));
        assert!(outline(&deep(MAX_DEPTH - 1)).is_ok());
        let (line, message) = refusal(&deep(MAX_DEPTH));
        assert_eq!(line, 2);
        assert!(
            message.contains("<a> is nested more than 128 elements deep"),
            "{message}"
        );
        // Self-closing elements count at their depth too.
        assert!(outline(&format!("{}<b/>{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH))).is_err());
    }

    #[test]
    fn where_a_cut_text_ends_is_noted() {
        let cut = outline("<a>\n<b>\n<c/>").unwrap().unfinished.unwrap();
        assert_eq!(cut.offset, 12);
        assert!(
            cut.message.contains("<b> (opened at line 2) is still open"),
            "{}",
            cut.message
        );
        let cut = outline("<a>\n<b x=\"1").unwrap().unfinished.unwrap();
        assert!(
            cut.message.contains("inside the tag <b begun at line 2"),
            "{}",
            cut.message
        );
        let cut = outline("<a>\n\n<!-- x").unwrap().unfinished.unwrap();
        assert!(
            cut.message.contains("inside a comment begun at line 3"),
            "{}",
            cut.message
        );
    }

    #[test]
    fn what_the_parser_reports_itself_ends_the_pass() {
        for text in ["<a><b></a>", "<a x=1>", "<a <b>", "<!ELEMENT a>", "</a>", "<a x='<'>"] {
            assert_eq!(outline(text), Ok(Outline::default()), "{text}");
        }
    }

    #[test]
    fn doctypes_and_element_and_namespace_floods_are_refused() {
        let (line, message) = refusal("<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"y\">]><a/>");
        assert_eq!(line, 2);
        assert!(message.contains("DOCTYPE"), "{message}");
        let attrs: String = (0..=MAX_ELEMENT_ATTRIBUTES).map(|i| format!(" a{i}=\"\"")).collect();
        assert!(refusal(&format!("<e{attrs}/>")).1.contains("101 attributes"));
        let xmlns: String = (0..MAX_NAMESPACES_IN_SCOPE)
            .map(|i| format!(" xmlns:p{i}=\"u\""))
            .collect();
        assert!(outline(&format!("<e{xmlns}/>")).is_ok());
        let inner = format!("<e{xmlns}><f xmlns:q=\"u\"/></e>");
        assert!(refusal(&inner).1.contains("65 XML namespace declarations in scope"));
        let many = format!("<e>{}</e>", "<f xmlns:q=\"u\"/>".repeat(MAX_NAMESPACE_DECLARATIONS + 1));
        assert!(refusal(&many).1.contains("more than 10000 XML namespace declarations"));
    }
}
