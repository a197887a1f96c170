//! Defines the command line: with no subcommand the GUI opens; each
//! subcommand runs headless. Exit codes: 0 success, 2 invalid input, 1 other.

pub mod args;
mod interchange;
mod log;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

/// Writes one line of a command's output to stdout. Unlike `println!` it
/// does not panic when stdout is closed early (`frictionmap rank m.json |
/// head`): the failed write ends the command with an error, and [`run`]
/// ends quietly on a closed pipe.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}
pub(crate) use say;

use crate::cli::args::{BriefArgs, Command, GenArgs, PictureArgs, RankArgs};
use crate::domain::model::{Map, Simulation};
use crate::domain::money::{NumberFormat, NumberStyle};
use crate::domain::synth::{GenParams, generate, max_edges};
use crate::domain::validate::escape_controls;
use crate::formats::fsutil::atomic_write;
use crate::formats::mapfile::{InputError, read_map_file, to_json};
use crate::formats::ranking_csv::{ranking_csv, ranking_json};
use crate::plan::brief::lane_brief;
use crate::plan::{Pick, active_picks, latest_pick_of_lane};
use crate::scoring::certainty::{Certainty, chance_text, simulate_to_end};
use crate::scoring::{Ranking, rank};
use crate::store::backup::{self, Reason, Replaced};
use crate::store::instance::InstanceLock;
use crate::store::seed::seed_if_empty;
use crate::store::{MapId, Store, StoreError};

/// A command's input that does not fit the stored data (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Says that `file` was imported as the map `name`, and which name was
/// taken when it had to be renamed.
pub(crate) fn say_imported(file: &Path, name: &str, taken: Option<&str>) -> anyhow::Result<()> {
    let file = escape_controls(&file.display().to_string()).into_owned();
    match taken {
        None => say!("Imported map {name:?} from {file}"),
        Some(taken) => say!("Imported {file} as {name:?} ({taken:?} was taken)"),
    }
    Ok(())
}

/// Runs a headless command and maps its outcome to an exit code.
pub fn run(db: Option<PathBuf>, command: Command) -> ExitCode {
    // Even a command that never opens the database must not write over it.
    if let Ok(path) = crate::store::paths::resolve_db_path(db.clone()) {
        crate::formats::fsutil::protect_database(&path, &backup::folder(&path));
    }
    match execute(db, command) {
        Ok(()) => ExitCode::SUCCESS,
        // Whoever read the output stopped reading; there is no one to tell.
        Err(error) if is_closed_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(exit_code(&error))
        }
    }
}

fn is_closed_pipe(error: &anyhow::Error) -> bool {
    (error.chain()).any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// 2 when the user's input was at fault, 1 for everything else.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    let input = error.chain().any(|cause| {
        cause.is::<InputError>()
            || cause.is::<UsageError>()
            || matches!(
                cause.downcast_ref::<StoreError>(),
                Some(StoreError::NoSuchName(_) | StoreError::Invalid { .. })
            )
    });
    if input { 2 } else { 1 }
}

pub(crate) fn open_store(db: Option<PathBuf>) -> anyhow::Result<Store> {
    let store = open_store_quietly(db)?;
    for orphans in store.orphans()? {
        eprintln!(
            "warning: the database holds rows of a map that was deleted with another tool (id {}: {}); \
             the app, or any command that writes, recovers them as a map",
            orphans.map_id,
            orphans.describe()
        );
    }
    Ok(store)
}

fn open_store_quietly(db: Option<PathBuf>) -> anyhow::Result<Store> {
    let path = crate::store::paths::resolve_db_path(db)?;
    let mut store = Store::open(&path).map_err(|e| {
        let hint = if e.is_damage() {
            "; run `frictionmap restore --latest` (or start the app) to restore a backup"
        } else {
            ""
        };
        anyhow::Error::new(e).context(format!("cannot open the database {}{hint}", path.display()))
    })?;
    seed_if_empty(&mut store)?;
    Ok(store)
}

/// Loads stored map `id` for a command: refused (exit code 2) with its
/// problems when it does not pass validation; what was read as something
/// else is said on stderr.
pub(crate) fn load_map(store: &Store, id: MapId) -> anyhow::Result<Map> {
    let (map, notes) = store.load_checked(id)?.into_valid(id)?;
    for note in notes {
        eprintln!(
            "warning: map {:?}: {}",
            printable(&map.name),
            printable(&note.to_string())
        );
    }
    Ok(map)
}

/// Text for the terminal: control characters shown as `\u{1b}`, never
/// sent raw, and at most 200 characters.
pub fn printable(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == crate::domain::validate::MAX_NAME_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() && c != '\n' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The lock a command that writes to the database holds while it runs, so
/// it never writes under an open window.
fn lock_db(db: &Option<PathBuf>) -> anyhow::Result<InstanceLock> {
    let path = crate::store::paths::resolve_db_path(db.clone())?;
    Ok(InstanceLock::acquire(&path)?)
}

/// The store for a command that writes to it, with the lock held for as
/// long as the returned guard lives. Rows of maps deleted with another tool
/// are recovered as maps first.
pub(crate) fn open_store_to_write(db: Option<PathBuf>) -> anyhow::Result<(InstanceLock, Store)> {
    let lock = lock_db(&db)?;
    let mut store = open_store_quietly(db)?;
    for (orphans, name) in store.recover_orphans()? {
        eprintln!(
            "note: rows of a map deleted with another tool ({}) were recovered as the map {:?}",
            orphans.describe(),
            printable(&name)
        );
    }
    Ok((lock, store))
}

fn backups_command(db: Option<PathBuf>) -> anyhow::Result<()> {
    let path = crate::store::paths::resolve_db_path(db)?;
    let backups = backup::list(&path);
    if backups.is_empty() {
        say!("No backups yet in {}", backup::folder(&path).display());
    }
    for (i, b) in backups.iter().enumerate() {
        say!("{:>3}  {}  {}", i + 1, b.summary(), b.path.display());
    }
    Ok(())
}

fn restore_command(db: Option<PathBuf>, chosen: Option<String>) -> anyhow::Result<()> {
    let _lock = lock_db(&db)?;
    let path = crate::store::paths::resolve_db_path(db)?;
    let source = match chosen {
        None => {
            backup::newest_good(&path)
                .ok_or_else(|| anyhow::anyhow!("no good backup of {} was found", path.display()))?
                .0
                .path
        }
        Some(text) => match text.parse::<usize>() {
            Ok(n) => {
                let backups = backup::list(&path);
                let found = n.checked_sub(1).and_then(|i| backups.get(i));
                found
                    .ok_or_else(|| UsageError(format!("there is no backup number {n}; see `frictionmap backups`")))?
                    .path
                    .clone()
            }
            Err(_) => PathBuf::from(text),
        },
    };
    let replaced = backup::restore(&source, &path).with_context(|| format!("cannot restore {}", source.display()))?;
    say!("Restored {} into {}", source.display(), path.display());
    match replaced {
        Replaced::BackedUp(p) => say!("The database it replaced was backed up as {}", p.display()),
        Replaced::MovedAside(p) => say!("The unreadable database it replaced was moved aside to {}", p.display()),
        Replaced::Nothing => {}
    }
    Ok(())
}

fn picture_command(db: Option<PathBuf>, args: PictureArgs, chart: bool) -> anyhow::Result<()> {
    use crate::formats::picture::{Picture, chart::ChartPicture, map::MapPicture, png::PngError};
    let map = interchange::resolve_map(db, &args.map)?;
    let ranking = rank(&map);
    // A picture may come from a map file, with no database to read View ▸
    // Number format from: figures follow the computer's locale.
    let fmt = crate::domain::locale::Formats::of_locale(&crate::domain::locale::system_locale()).numbers;
    let certainty = simulate_to_end(&map, &ranking, map.simulation);
    let verdict = certainty.verdict_line(&map, &ranking, fmt);
    let picture: Box<dyn Picture> = if chart {
        Box::new(ChartPicture::new(&map.name, &ranking).numbers(fmt).verdict(verdict))
    } else {
        Box::new(MapPicture::new(&map, &ranking).numbers(fmt).verdict(verdict))
    };
    let refused = |out: &Path, e: PngError| UsageError(format!("{}: {e}", out.display()));
    // A PNG too large to make is refused before anything is drawn or written.
    if let Some(out) = &args.png {
        picture.png_size(args.scale).map_err(|e| refused(out, e))?;
    }
    if let Some(out) = &args.svg {
        write_file(out, picture.svg().as_bytes())?;
        say!("Wrote {}", out.display());
    }
    if let Some(out) = &args.png {
        let png = picture.png(args.scale).map_err(|e| refused(out, e))?;
        write_file(out, &png)?;
        say!("Wrote {} (scale {})", out.display(), args.scale);
    }
    Ok(())
}

fn execute(db: Option<PathBuf>, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Rank(args) => rank_command(db, args),
        Command::Import { file, replace } => {
            let mut map = read_map_file(&file)?;
            let (_lock, mut store) = open_store_to_write(db)?;
            match store.find_by_name(&map.name) {
                Ok(id) if replace => {
                    store.save(id, &map)?;
                    say!("Replaced map {:?} from {}", map.name, file.display());
                }
                _ => {
                    let (_, taken) = store.create_under_free_name(&mut map)?;
                    say_imported(&file, &map.name, taken.as_deref())?;
                }
            }
            Ok(())
        }
        Command::Export { name, out } => {
            let store = open_store(db)?;
            let map = load_map(&store, interchange::find_stored(&store, &name)?)?;
            write_file(&out, to_json(&map).as_bytes())?;
            say!("Wrote {}", out.display());
            Ok(())
        }
        Command::Brief(args) => brief_command(db, args),
        Command::Gen(args) => gen_command(args),
        Command::Backup => {
            let store = open_store(db)?;
            let taken = backup::take(&store, Reason::Manual)?;
            say!("Backed up to {}", taken.path.display());
            Ok(())
        }
        Command::Backups => backups_command(db),
        Command::Restore { backup, .. } => restore_command(db, backup),
        Command::Render(args) => picture_command(db, args, false),
        Command::Chart(args) => picture_command(db, args, true),
        Command::Bpmn(command) => interchange::bpmn_command(db, command),
        Command::Steps(command) => interchange::steps_command(db, command),
        Command::Log(command) => log::log_command(db, command),
        Command::GenLog(args) => log::gen_log_command(args),
        Command::List => {
            let store = open_store(db)?;
            let maps = store.list()?;
            if maps.is_empty() {
                say!("No maps yet. Import one with: frictionmap import MAP.json");
            }
            for m in maps {
                let loaded = store.load_checked(m.id)?;
                let mark = match (loaded.problems.0.len(), loaded.notes.len()) {
                    (0, 0) => String::new(),
                    (0, _) => "  (read with corrections: see `frictionmap check`)".to_owned(),
                    (1, _) => "  ⚠ 1 problem: see `frictionmap check`".to_owned(),
                    (n, _) => format!("  ⚠ {n} problems: see `frictionmap check`"),
                };
                say!("{}  ({} lanes, {} steps){mark}", printable(&m.name), m.lanes, m.steps);
            }
            Ok(())
        }
        Command::Check => check_command(db),
    }
}

fn check_command(db: Option<PathBuf>) -> anyhow::Result<()> {
    let store = open_store_quietly(db)?;
    let maps = store.list()?;
    let mut bad = 0;
    for m in &maps {
        let loaded = store.load_checked(m.id)?;
        if loaded.problems.0.is_empty() && loaded.notes.is_empty() {
            continue;
        }
        let problems = loaded.problems.0.len();
        if problems > 0 {
            bad += 1;
        }
        match problems {
            0 => say!("{} (id {}): read with corrections", printable(&m.name), m.id.0),
            n => say!(
                "{} (id {}): {n} problem{}, so it is not used until they are fixed",
                printable(&m.name),
                m.id.0,
                if n == 1 { "" } else { "s" }
            ),
        }
        for p in &loaded.problems.0 {
            say!("  {}", printable(&p.to_string()));
        }
        for note in &loaded.notes {
            say!("  read as shown: {}", printable(&note.to_string()));
        }
    }
    let orphans = store.orphans()?;
    for o in &orphans {
        say!(
            "Rows of a map deleted with another tool (id {}): {}; the app, or any command that writes, recovers them as a map",
            o.map_id,
            o.describe()
        );
    }
    if bad == 0 && orphans.is_empty() {
        say!("All {} maps are fine.", maps.len());
        return Ok(());
    }
    Err(UsageError(format!(
        "{bad} of {} maps have problems{}; open a map in the app to see and fix its problems",
        maps.len(),
        if orphans.is_empty() {
            ""
        } else {
            ", and rows of deleted maps were found"
        }
    ))
    .into())
}

fn rank_command(db: Option<PathBuf>, args: RankArgs) -> anyhow::Result<()> {
    let map: Map = match (&args.file, &args.map) {
        (Some(file), _) => {
            crate::formats::fsutil::protect_input(file);
            read_map_file(file)?
        }
        (None, Some(name)) => {
            let store = open_store(db)?;
            load_map(&store, interchange::find_stored(&store, name)?)?
        }
        (None, None) => anyhow::bail!("give a map file or --map NAME"),
    };
    let ranking = rank(&map);
    let settings = Simulation {
        draws: args.draws.unwrap_or(map.simulation.draws),
        seed: args.seed.unwrap_or(map.simulation.seed),
    };
    let certainty = simulate_to_end(&map, &ranking, settings);
    if args.json {
        say!(
            "{}",
            serde_json::to_string_pretty(&ranking_json(&map, &ranking, &certainty))?
        );
    } else {
        std::io::stdout()
            .lock()
            .write_all(ranking_table(&map, &ranking, &certainty).as_bytes())?;
    }
    if let Some(out) = &args.csv {
        write_file(out, &ranking_csv(&ranking, Some(&certainty), !args.no_bom))?;
        if !args.json {
            say!("Wrote {}", out.display());
        }
    }
    // The process ends next, and the system takes the memory back at once;
    // freeing a 100,000-step map piece by piece first would cost 10 ms.
    std::mem::forget(map);
    Ok(())
}

fn gen_command(args: GenArgs) -> anyhow::Result<()> {
    let params = GenParams {
        lanes: args.lanes,
        steps: args.steps,
        edges: args.edges.unwrap_or(args.steps.saturating_add(args.steps / 4)),
        seed: args.seed,
    };
    params.check().map_err(UsageError)?;
    if params.edges_written() < params.edges {
        eprintln!(
            "warning: --edges {} is more than the {} distinct edges possible between {} steps; writing {}",
            params.edges,
            max_edges(params.steps),
            params.steps,
            params.edges_written()
        );
    }
    let map = generate(&params);
    write_file(&args.out, to_json(&map).as_bytes())?;
    say!(
        "Wrote {} ({} lanes, {} steps, {} edges, seed {})",
        args.out.display(),
        map.lanes.len(),
        map.steps.len(),
        map.edges.len(),
        params.seed
    );
    Ok(())
}

fn brief_command(db: Option<PathBuf>, args: BriefArgs) -> anyhow::Result<()> {
    let store = open_store(db)?;
    let map = load_map(&store, interchange::find_stored(&store, &args.map)?)?;
    let pick = choose_pick(&map, args.lane.as_deref())?;
    let today = args.today.unwrap_or_else(|| chrono::Local::now().date_naive());
    let ranking = rank(&map);
    // The brief is written as the window shows numbers: the number format
    // chosen in View ▸ Number format, or the computer's.
    let format = store
        .setting(NumberFormat::SETTING_KEY)?
        .map_or_else(NumberFormat::default, |v| NumberFormat::from_key(&v));
    let formats = crate::domain::locale::Formats::chosen(format, &crate::domain::locale::system_locale());
    let certainty = simulate_to_end(&map, &ranking, map.simulation);
    let text = lane_brief(&map, (&ranking, &certainty), pick, today, formats);
    write_file(&args.out, text.as_bytes())?;
    let lane = map.lane(&pick.lane).map_or(pick.lane.as_str(), |l| l.name.as_str());
    say!(
        "Wrote {} (the brief of {lane:?}, picked on {})",
        args.out.display(),
        pick.picked_on
    );
    Ok(())
}

/// The pick a brief is about: the given lane's latest pick, or else the
/// map's active pick, or else (nothing active) its most recent pick.
pub fn choose_pick<'a>(map: &'a Map, lane: Option<&str>) -> Result<&'a Pick, UsageError> {
    let lane_label = |id: &str| map.lane(id).map_or(id.to_owned(), |l| l.name.clone());
    if let Some(wanted) = lane {
        let by_id = map.lanes.iter().find(|l| l.id == wanted);
        let by_name: Vec<_> = map.lanes.iter().filter(|l| l.name == wanted).collect();
        let found = match (by_id, by_name.as_slice()) {
            (Some(l), _) | (None, &[l]) => l,
            (None, []) => {
                return Err(UsageError(format!(
                    "map {:?} has no lane named {wanted:?} (or with that id)",
                    map.name
                )));
            }
            (None, _) => {
                return Err(UsageError(format!(
                    "map {:?} has {} lanes named {wanted:?}; give the lane's id instead",
                    map.name,
                    by_name.len()
                )));
            }
        };
        return latest_pick_of_lane(map, &found.id).ok_or_else(|| {
            UsageError(format!(
                "lane {:?} of map {:?} has never been picked; pick it in the app first",
                found.name, map.name
            ))
        });
    }
    match active_picks(map).as_slice() {
        [one] => Ok(one),
        [] => map.picks.iter().max_by_key(|p| p.picked_on).ok_or_else(|| {
            UsageError(format!(
                "map {:?} has no picked lane yet; pick one in the app first",
                map.name
            ))
        }),
        several => Err(UsageError(format!(
            "map {:?} has {} active lanes ({}); choose one with --lane",
            map.name,
            several.len(),
            several
                .iter()
                .map(|p| format!("{:?}", lane_label(&p.lane)))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::formats::fsutil::check_target(path).map_err(|e| UsageError(e.to_string()))?;
    atomic_write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// The ranking as a plain-text table for the terminal.
pub fn ranking_table(map: &Map, ranking: &Ranking, certainty: &Certainty) -> String {
    let map_name = &map.name;
    // Scripts read this table like the ranking CSV: it keeps the point
    // style whatever the locale.
    let fmt = NumberStyle::POINT;
    let cur = &ranking.currency;
    let mut out = Vec::new();
    let _ = writeln!(
        out,
        "{map_name}: total friction {} per month",
        fmt.money(ranking.total_friction, cur)
    );
    let rows: Vec<[String; 8]> = ranking
        .lanes
        .iter()
        .map(|l| {
            [
                l.rank.to_string(),
                l.lane.clone(),
                fmt.money(l.monthly_friction, cur),
                fmt.percent(l.share_pct),
                certainty
                    .lane(&l.lane_id)
                    .map_or_else(|| "—".into(), |c| chance_text(fmt, c.p_costliest)),
                certainty.lane(&l.lane_id).map_or_else(
                    || "—".into(),
                    |c| {
                        format!(
                            "{} – {}",
                            fmt.money(c.friction_p10, cur),
                            fmt.money(c.friction_p90, cur)
                        )
                    },
                ),
                format!(
                    "{} – {}",
                    fmt.money(l.friction_low, cur),
                    fmt.money(l.friction_high, cur)
                ),
                l.top_driver
                    .as_ref()
                    .map(|d| d.describe())
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    let header = [
        "#",
        "lane",
        "friction/month",
        "share",
        "costliest",
        "P10 – P90",
        "range (low – high)",
        "top driver",
    ];
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([header[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: [&str; 8]| {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            // Numbers align right, text left.
            if matches!(i, 0 | 2 | 3 | 4) {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else {
                s.push_str(cell);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(pad));
                }
            }
            if i + 1 < cells.len() {
                s.push_str("  ");
            }
        }
        s
    };
    let _ = writeln!(out, "{}", line(header));
    for r in &rows {
        let _ = writeln!(
            out,
            "{}",
            line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7]])
        );
    }
    let _ = writeln!(out, "{}.", certainty.verdict_line(map, ranking, fmt));
    String::from_utf8(out).unwrap_or_default()
}
