//! The interchange commands of the command line: pictures' map lookup,
//! BPMN export/import and the steps CSV round trip. Kept beside `cli` so
//! that file stays about argument parsing and the core commands.

use std::path::{Path, PathBuf};

use crate::cli::{BpmnCommand, StepsCommand, UsageError, open_store, write_file};
use crate::mapfile::read_map_file;
use crate::model::Map;
use crate::store::{MapId, Store};

/// A map named on the command line: an existing file is read as a JSON map
/// file; anything else is a stored map's name, or else its numeric id.
pub fn resolve_map(db: Option<PathBuf>, spec: &str) -> anyhow::Result<Map> {
    let path = Path::new(spec);
    if path.is_file() {
        return Ok(read_map_file(path)?);
    }
    if spec.to_ascii_lowercase().ends_with(".json") {
        return Err(UsageError(format!("{spec}: no such map file")).into());
    }
    let store = open_store(db)?;
    Ok(store.load(find_stored(&store, spec)?)?)
}

fn find_stored(store: &Store, spec: &str) -> anyhow::Result<MapId> {
    match store.find_by_name(spec) {
        Ok(id) => Ok(id),
        Err(error) => {
            if let Ok(n) = spec.trim().parse::<i64>()
                && store.list()?.iter().any(|m| m.id.0 == n)
            {
                return Ok(MapId(n));
            }
            Err(error.into())
        }
    }
}

pub fn bpmn_command(_db: Option<PathBuf>, _command: BpmnCommand) -> anyhow::Result<()> {
    anyhow::bail!("not yet")
}

pub fn steps_command(_db: Option<PathBuf>, _command: StepsCommand) -> anyhow::Result<()> {
    anyhow::bail!("not yet")
}

#[allow(dead_code)]
fn _unused(p: &Path) -> anyhow::Result<()> {
    write_file(p, b"")
}
