//! The JSON map file: reading with clear, located errors, and writing.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::model::{FORMAT_VERSION, Map};
use crate::domain::validate::{Problems, validate};
use crate::formats::input_file::{FileError, read_input, wide_text};

/// The largest map file accepted, in bytes.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// Why a map file was refused. Each variant names the file and the place.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("{source_name}: the file is {size} bytes, above the {} MB limit", MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge { source_name: String, size: u64 },
    #[error("{source_name}: the file is empty")]
    Empty { source_name: String },
    #[error(
        "{source_name}: not UTF-8 text (invalid byte 0x{byte:02X} at offset {offset}, line {line} column {column})"
    )]
    NotUtf8 {
        source_name: String,
        offset: usize,
        byte: u8,
        line: usize,
        column: usize,
    },
    #[error("{source_name}: {what}")]
    Encoding { source_name: String, what: String },
    #[error("{source_name}: {path}: {message}")]
    Json {
        source_name: String,
        path: String,
        message: String,
    },
    #[error(
        "{source_name}: format_version {found} is not supported; this version of Friction Map reads format_version {FORMAT_VERSION}"
    )]
    Version { source_name: String, found: String },
    #[error("{source_name} is not a valid map:\n{problems}")]
    Invalid { source_name: String, problems: Problems },
}

#[derive(Serialize)]
struct MapFileOut<'a> {
    format_version: u32,
    #[serde(flatten)]
    map: &'a Map,
}

#[derive(Deserialize)]
struct VersionProbe {
    // A `null` is kept as a value so it is reported as such, not as missing.
    #[serde(default, deserialize_with = "present")]
    format_version: Option<serde_json::Value>,
}

fn present<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(de).map(Some)
}

/// Reads and validates a map file.
pub fn read_map_file(path: &Path) -> Result<Map, InputError> {
    let bytes = read_input(path, MAX_FILE_BYTES)?;
    parse_map(&bytes, &path.display().to_string())
}

/// Parses and validates map-file bytes. `source_name` names them in errors.
pub fn parse_map(bytes: &[u8], source_name: &str) -> Result<Map, InputError> {
    let source_name = source_name.to_owned();
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(InputError::TooLarge {
            source_name,
            size: bytes.len() as u64,
        });
    }
    let text = decode(bytes, &source_name)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(InputError::Empty { source_name });
    }
    check_top_level(text, &source_name)?;

    // The version is checked first, so a future file gets a version message
    // rather than a confusing complaint about one of its new fields.
    match format_version(text, &source_name)? {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(FORMAT_VERSION)) => {}
        Some(other) => {
            return Err(InputError::Version {
                source_name,
                found: shorten(&other.to_string(), 40),
            });
        }
        None => {
            return Err(InputError::Json {
                source_name,
                path: "format_version".into(),
                message: format!("missing; a map file starts with {{\"format_version\": {FORMAT_VERSION}, …}}"),
            });
        }
    }
    let mut map: Map = parse_json(text, &source_name)?;
    // Files written before one owner per lane: the lane's notes record it.
    crate::plan::merge_pick_owners(&mut map);
    validate(&map).map_err(|problems| InputError::Invalid { source_name, problems })?;
    Ok(map)
}

/// The top-level `format_version`. It is read key by key up to that key
/// only, so a file that gives it first (as ours do) says its version after a
/// few bytes instead of after a pass over the whole file; otherwise the whole
/// file is read for it, which also names a syntax error where it is.
fn format_version(text: &str, source_name: &str) -> Result<Option<serde_json::Value>, InputError> {
    struct UpToVersion<'a>(&'a mut Option<serde_json::Value>);
    impl<'de> serde::de::Visitor<'de> for UpToVersion<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                if key == "format_version" {
                    *self.0 = Some(map.next_value()?);
                    return Ok(());
                }
                map.next_value::<serde::de::IgnoredAny>()?;
            }
            Ok(())
        }
    }
    let mut found = None;
    // Stopping at the key leaves the object unfinished, which serde_json
    // reports as an error; only `found` matters here.
    let _ =
        serde::Deserializer::deserialize_map(&mut serde_json::Deserializer::from_str(text), UpToVersion(&mut found));
    if found.is_some() {
        return Ok(found);
    }
    let probe: VersionProbe = parse_json(text, source_name)?;
    Ok(probe.format_version)
}

/// The bytes as text: UTF-8 without NUL bytes, with UTF-16/32 named as such.
fn decode<'a>(bytes: &'a [u8], source_name: &str) -> Result<&'a str, InputError> {
    let encoding = |what: String| InputError::Encoding {
        source_name: source_name.to_owned(),
        what,
    };
    if let Some(wide) = wide_text(bytes) {
        return Err(encoding(format!("{wide}; a map file is UTF-8: save it as UTF-8")));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let (line, column) = line_column(&bytes[..offset]);
        InputError::NotUtf8 {
            source_name: source_name.to_owned(),
            offset,
            byte: bytes.get(offset).copied().unwrap_or_default(),
            line,
            column,
        }
    })?;
    // A raw NUL is never valid JSON (inside strings it must be escaped), and
    // it is the usual sign of UTF-16 without a byte-order mark or of a binary file.
    if let Some(offset) = text.find('\0') {
        let (line, column) = line_column(&bytes[..offset]);
        return Err(encoding(format!(
            "a NUL byte at offset {offset} (line {line} column {column}): \
             a map file is UTF-8 JSON text, and this looks like UTF-16 or a binary file"
        )));
    }
    Ok(text)
}

/// The 1-based line and column (in bytes) just after `before`.
fn line_column(before: &[u8]) -> (usize, usize) {
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (line, before.len() - line_start + 1)
}

/// Refuses anything but a JSON object at the top, naming what was found
/// (serde would otherwise read an array as the fields in order).
fn check_top_level(text: &str, source_name: &str) -> Result<(), InputError> {
    let start = text.trim_start();
    let found = match start.chars().next() {
        Some('{') => return Ok(()),
        Some('[') => "an array".to_owned(),
        Some('"') => "a string".to_owned(),
        Some('-' | '0'..='9') => "a number".to_owned(),
        _ if start.starts_with("true") || start.starts_with("false") => "true or false".to_owned(),
        _ if start.starts_with("null") => "null".to_owned(),
        _ => format!("{:?}, which is not JSON", shorten(start, 20)),
    };
    Err(InputError::Json {
        source_name: source_name.to_owned(),
        path: "(top level)".to_owned(),
        message: format!(
            "a map file is a JSON object {{\"format_version\": {FORMAT_VERSION}, …}}, but this file starts with {found}"
        ),
    })
}

fn parse_json<T: serde::de::DeserializeOwned>(text: &str, source_name: &str) -> Result<T, InputError> {
    let json_error = |path: String, error: serde_json::Error| InputError::Json {
        source_name: source_name.to_owned(),
        path: shorten(&path, 120),
        message: json_message(text, &error),
    };
    // The happy path reads the text once, without tracking where it is; a
    // file that fails is read again with the path kept, to say where.
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        // serde_path_to_error writes "?" for a map key it could not read.
        let path = e.path().to_string();
        let path = path.trim_end_matches('?').trim_end_matches('.');
        let path = if path.is_empty() {
            "(top level)".to_owned()
        } else {
            path.to_owned()
        };
        json_error(path, e.into_inner())
    })?;
    de.end().map_err(|e| json_error("(after the map)".to_owned(), e))?;
    Ok(value)
}

/// serde_json's message, with a hint where its own words are not enough and
/// the text found at the place of a syntax error.
fn json_message(text: &str, error: &serde_json::Error) -> String {
    let message = error.to_string();
    if message.starts_with("recursion limit exceeded") {
        return format!("nested too deeply (more than 128 levels of arrays and objects): {message}");
    }
    if !error.is_syntax() {
        return message;
    }
    // For a number out of range serde_json points at its last digit.
    let number = message.starts_with("number out of range");
    let found = text_at(text, error.line(), error.column(), number);
    let hint = match found.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("") {
        "NaN" | "nan" | "Infinity" | "inf" | "infinity" => " (JSON has no NaN or infinity; give a finite number)",
        _ if found.starts_with("-Infinity") || found.starts_with("-inf") => {
            " (JSON has no NaN or infinity; give a finite number)"
        }
        _ if found.starts_with("//") || found.starts_with("/*") => " (JSON has no comments)",
        _ if found.starts_with('\'') => " (JSON strings use double quotes)",
        _ if found.starts_with(['}', ']']) => " (a comma before it with nothing after?)",
        _ if message.contains("hex escape") || message.contains("surrogate") => {
            " (a \\uD800 to \\uDFFF escape must be half of a surrogate pair)"
        }
        _ => "",
    };
    if found.is_empty() {
        format!("{message}{hint}")
    } else {
        format!("{message}, near {:?}{hint}", shorten(&found, 24))
    }
}

/// The text from the 1-based line and column serde_json reports (the column
/// is that of the offending character), up to 30 characters; `number` backs
/// up to the start of the number that ends there.
fn text_at(text: &str, line: usize, column: usize, number: bool) -> String {
    let Some(line_text) = text.split('\n').nth(line.saturating_sub(1)) else {
        return String::new();
    };
    let mut start = column.saturating_sub(1).min(line_text.len());
    while !line_text.is_char_boundary(start) {
        start -= 1;
    }
    if number {
        let digits = line_text[..start]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
            .count();
        start -= digits;
    }
    line_text[start..].chars().take(30).collect()
}

/// At most `max` characters of `text`, with "…" where the rest was cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(max).collect();
        short.push('…');
        short
    }
}

/// The map as a pretty-printed version-1 JSON document.
pub fn to_json(map: &Map) -> String {
    let out = MapFileOut {
        format_version: FORMAT_VERSION,
        map,
    };
    // Serializing plain data with string keys cannot fail.
    let mut json = serde_json::to_string_pretty(&out).unwrap_or_default();
    json.push('\n');
    json
}
