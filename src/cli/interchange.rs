//! The interchange commands of the command line: pictures' map lookup,
//! BPMN export/import and the steps CSV round trip. Kept beside `cli` so
//! that file stays about argument parsing and the core commands.

use std::path::{Path, PathBuf};

use crate::cli::args::{BpmnCommand, StepsCommand};
use crate::cli::{UsageError, load_map, open_store, open_store_to_write, say, say_imported, write_file};
use crate::domain::model::Map;
use crate::domain::validate::escape_controls;
use crate::formats::mapfile::read_map_file;
use crate::store::{MapId, Store};

/// A map named on the command line: an existing file is read as a JSON map
/// file; anything else is a stored map's name, or else its numeric id.
pub fn resolve_map(db: Option<PathBuf>, spec: &str) -> anyhow::Result<Map> {
    let path = Path::new(spec);
    if path.is_file() {
        crate::formats::fsutil::protect_input(path);
        return Ok(read_map_file(path)?);
    }
    if spec.to_ascii_lowercase().ends_with(".json") {
        return Err(UsageError(format!("{spec}: no such map file")).into());
    }
    let store = open_store(db)?;
    load_map(&store, find_stored(&store, spec)?)
}

/// A stored map by name, or else by numeric id.
pub(crate) fn find_stored(store: &Store, spec: &str) -> anyhow::Result<MapId> {
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

pub fn bpmn_command(db: Option<PathBuf>, command: BpmnCommand) -> anyhow::Result<()> {
    match command {
        BpmnCommand::Export { map, out } => {
            let map = resolve_map(db, &map)?;
            write_file(&out, crate::formats::bpmn::to_bpmn(&map).as_bytes())?;
            say!(
                "Wrote {} ({} lanes, {} tasks, {} flows between tasks)",
                out.display(),
                map.lanes.len(),
                map.steps.len(),
                map.edges.len()
            );
            Ok(())
        }
        BpmnCommand::Import { file, name, out } => {
            crate::formats::fsutil::protect_input(&file);
            let (mut map, summary) =
                crate::formats::bpmn::import::read_bpmn_file(&file).map_err(|e| UsageError(e.to_string()))?;
            if let Some(name) = name {
                crate::domain::validate::check_name(&name).map_err(|m| UsageError(format!("--name: {m}")))?;
                map.name = name;
            }
            match out {
                Some(out) => {
                    write_file(&out, crate::formats::mapfile::to_json(&map).as_bytes())?;
                    say!("Wrote {} from {}", out.display(), file.display());
                }
                None => store_new(db, &mut map, &file)?,
            }
            for line in summary.lines() {
                say!("  {line}");
            }
            Ok(())
        }
    }
}

/// Adds an imported map to the database under a free name.
fn store_new(db: Option<PathBuf>, map: &mut Map, file: &Path) -> anyhow::Result<()> {
    let (_lock, mut store) = open_store_to_write(db)?;
    let (_, taken) = store.create_under_free_name(map)?;
    say_imported(file, &map.name, taken.as_deref())
}

pub fn steps_command(db: Option<PathBuf>, command: StepsCommand) -> anyhow::Result<()> {
    match command {
        StepsCommand::Export { map, out, no_bom } => {
            let map = resolve_map(db, &map)?;
            write_file(&out, &crate::formats::steps_csv::steps_csv(&map, !no_bom))?;
            say!("Wrote {} ({} steps)", out.display(), map.steps.len());
            Ok(())
        }
        StepsCommand::Import {
            file,
            into,
            name,
            dry_run,
        } => {
            if let Some(name) = &name {
                crate::domain::validate::check_name(name).map_err(|m| UsageError(format!("--name: {m}")))?;
            }
            let shown = escape_controls(&file.display().to_string()).into_owned();
            // The whole file is read and checked before the database is
            // opened: a refused file never touches it.
            let usage = |e: crate::formats::steps_csv::StepsCsvError| UsageError(e.to_string());
            let bytes = crate::formats::steps_csv::read_file(&file).map_err(usage)?;
            let rows = crate::formats::steps_csv::parse(&bytes, &shown).map_err(usage)?;
            drop(bytes);
            let report = match into {
                Some(spec) if dry_run => {
                    // Only reads, so it works beside an open window.
                    let store = open_store(db)?;
                    let before = load_map(&store, find_stored(&store, &spec)?)?;
                    rows.update(&before).map_err(usage)?.1
                }
                Some(spec) => {
                    let (_lock, mut store) = open_store_to_write(db)?;
                    let id = find_stored(&store, &spec)?;
                    let before = load_map(&store, id)?;
                    let (after, report) = rows.update(&before).map_err(usage)?;
                    if report.changes_nothing() {
                        say!("Map {:?} already matches {shown}; nothing was written.", before.name);
                    } else {
                        store.save(id, &after)?;
                        say!("Updated map {:?} from {shown}", after.name);
                    }
                    report
                }
                None => {
                    let stem = file
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let (mut map, report) = rows.into_new_map(name.as_deref().unwrap_or(&stem)).map_err(usage)?;
                    if !dry_run {
                        store_new(db, &mut map, &file)?;
                    }
                    report
                }
            };
            if dry_run {
                say!("Dry run: nothing was stored.");
            }
            for line in report.lines() {
                say!("  {line}");
            }
            Ok(())
        }
    }
}
