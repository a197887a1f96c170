//! The JSON map file: reading with clear, located errors, and writing.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::{FORMAT_VERSION, Map};
use crate::validate::{Problems, validate};

/// The largest map file accepted, in bytes.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// Why a map file was refused. Each variant names the file and the place.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{source_name}: cannot read the file: {error}")]
    Read { source_name: String, error: std::io::Error },
    #[error("{source_name}: the file is {size} bytes, above the {} MB limit", MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge { source_name: String, size: u64 },
    #[error("{source_name}: the file is empty")]
    Empty { source_name: String },
    #[error("{source_name}: not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { source_name: String, offset: usize },
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
    format_version: Option<serde_json::Value>,
}

/// Reads and validates a map file.
pub fn read_map_file(path: &Path) -> Result<Map, InputError> {
    let source_name = path.display().to_string();
    let read_error = |error| InputError::Read {
        source_name: source_name.clone(),
        error,
    };
    let size = std::fs::metadata(path).map_err(read_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(InputError::TooLarge { source_name, size });
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    parse_map(&bytes, &source_name)
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
    let text = std::str::from_utf8(bytes).map_err(|e| InputError::NotUtf8 {
        source_name: source_name.clone(),
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(InputError::Empty { source_name });
    }

    // The version is checked first, so a future file gets a version message
    // rather than a confusing complaint about one of its new fields.
    let probe: VersionProbe = parse_json(text, &source_name)?;
    match probe.format_version {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(FORMAT_VERSION)) => {}
        Some(other) => {
            return Err(InputError::Version {
                source_name,
                found: other.to_string(),
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
    let map: Map = parse_json(text, &source_name)?;
    validate(&map).map_err(|problems| InputError::Invalid { source_name, problems })?;
    Ok(map)
}

fn parse_json<T: serde::de::DeserializeOwned>(text: &str, source_name: &str) -> Result<T, InputError> {
    let json_error = |path: String, error: serde_json::Error| InputError::Json {
        source_name: source_name.to_owned(),
        path,
        message: error.to_string(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { "(top level)".to_owned() } else { path };
        json_error(path, e.into_inner())
    })?;
    de.end().map_err(|e| json_error("(after the map)".to_owned(), e))?;
    Ok(value)
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
