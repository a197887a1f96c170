//! The command line's arguments (clap), apart from what runs them
//! (`cli::run` and the commands beside it).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "frictionmap",
    version,
    about = "Map manual friction in a process and pick the one lane to fix first."
)]
#[command(after_help = "With no command, the desktop app opens.")]
pub struct Cli {
    /// The database file (default: the platform data folder).
    #[arg(long, global = true, env = "FRICTIONMAP_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "one command is parsed per run")]
pub enum Command {
    /// Rank a map's lanes by monthly friction cost.
    Rank(RankArgs),
    /// Add a map file to the database.
    Import {
        /// The map file (JSON, format_version 1).
        file: PathBuf,
        /// Replace a stored map of the same name instead of adding a copy.
        #[arg(long)]
        replace: bool,
    },
    /// Write a stored map to a JSON file.
    Export {
        /// The stored map's name (or its numeric id).
        name: String,
        /// Where to write the map file.
        #[arg(long, value_name = "MAP.json")]
        out: PathBuf,
    },
    /// List the maps in the database (a map with problems is marked).
    List,
    /// Check every stored map as a map file is checked, and look for rows
    /// of deleted maps (after editing the database with another tool).
    Check,
    /// Write the one-page Markdown brief of a stored map's picked lane.
    Brief(BriefArgs),
    /// Write a synthetic map of any size (for performance tests).
    Gen(GenArgs),
    /// Back up the database now (into the `backups` folder beside it).
    Backup,
    /// List the database's backups, newest first.
    Backups,
    /// Replace the database with a backup. The current database is backed
    /// up first (or moved aside if it is damaged), never deleted.
    Restore {
        /// The backup file, or its number in `frictionmap backups` (1 = newest).
        #[arg(required_unless_present = "latest")]
        backup: Option<String>,
        /// Restore the newest backup that passes an integrity check.
        #[arg(long, conflicts_with = "backup")]
        latest: bool,
    },
    /// Draw the whole map as SVG and/or PNG (title, lanes, steps, edges, legend).
    Render(PictureArgs),
    /// Draw the ranking chart as SVG and/or PNG.
    Chart(PictureArgs),
    /// BPMN 2.0 XML: export a map for BPMN modelers, or import a BPMN file.
    #[command(subcommand)]
    Bpmn(BpmnCommand),
    /// The steps as CSV for spreadsheets: one row per step, and back.
    #[command(subcommand)]
    Steps(StepsCommand),
    /// Event logs (CSV or XES): measure the figures from the rows a process
    /// left behind, and make a map of them.
    #[command(subcommand)]
    Log(LogCommand),
    /// Write a synthetic event log as CSV (for benchmarks and trials).
    GenLog(GenLogArgs),
}

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Print each lane's and activity's figures: cases, executions, volume,
    /// rework, wait and handling (25th, 50th and 75th percentiles).
    Stats {
        #[command(flatten)]
        log: LogArgs,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Make a map of a log and store it (or write it with --out), or update
    /// a stored map from a newer log (--into).
    Import {
        #[command(flatten)]
        log: LogArgs,
        /// The new map's name (default: the file name).
        #[arg(long, value_name = "NAME", conflicts_with = "into")]
        name: Option<String>,
        /// Write the map to this JSON file instead of storing it.
        #[arg(long, value_name = "MAP.json", conflicts_with = "into")]
        out: Option<PathBuf>,
        /// Re-measure this stored map (name or id): steps matched by lane
        /// and activity, values and evidence replaced, new ones added.
        #[arg(long, value_name = "MAP")]
        into: Option<String>,
        /// Labour cost per hour (default: the last map's rate).
        #[arg(long, value_name = "RATE")]
        hourly_cost: Option<f64>,
        /// Delay cost per item per hour of waiting (default: the last map's rate).
        #[arg(long, value_name = "RATE")]
        delay_cost: Option<f64>,
        /// Report what would change without storing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Which log, and how to read it.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// The log: CSV (one row per event), or XES (.xes or .xes.gz).
    pub file: PathBuf,
    /// The CSV column of the case id (found by its usual names otherwise).
    #[arg(long, value_name = "COLUMN")]
    pub case: Option<String>,
    /// The CSV column of the activity.
    #[arg(long, value_name = "COLUMN")]
    pub activity: Option<String>,
    /// The CSV column of the completion time.
    #[arg(long, value_name = "COLUMN")]
    pub timestamp: Option<String>,
    /// The CSV column of the start time, if there is one.
    #[arg(long, value_name = "COLUMN")]
    pub start: Option<String>,
    /// The CSV column of the lifecycle transition (start, complete…).
    #[arg(long, value_name = "COLUMN")]
    pub lifecycle: Option<String>,
    /// The CSV column of the resource.
    #[arg(long, value_name = "COLUMN")]
    pub resource: Option<String>,
    /// Make a lane per value of this case attribute (a CSV column, its value
    /// on each case's first row; an XES trace attribute). One lane otherwise.
    #[arg(long, value_name = "ATTRIBUTE")]
    pub lane_by: Option<String>,
    /// How times are written when not as ISO 8601 (chrono's %d.%m.%Y %H:%M).
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// The time zone of times written without an offset (default UTC).
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Option<String>,
    /// Count waits only in these hours, e.g. "Mon-Fri 09:00-17:00".
    #[arg(long, value_name = "HOURS")]
    pub working_hours: Option<String>,
    /// The share of a lane's executions a directly-follows pair needs to
    /// become an edge.
    #[arg(long, value_name = "SHARE", default_value_t = 0.01)]
    pub min_edge_share: f64,
}

#[derive(Debug, Args)]
pub struct GenLogArgs {
    /// Number of cases.
    #[arg(long, value_name = "N")]
    pub cases: u64,
    /// Number of activities (2 to 200).
    #[arg(long, value_name = "A", default_value_t = 12)]
    pub activities: usize,
    /// Random seed; the same seed gives the same log.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Where to write the log.
    #[arg(long, value_name = "LOG.csv")]
    pub out: PathBuf,
}

/// How a command names a map: a JSON map file, or a stored map's name or id.
const MAP_HELP: &str = "A map file (.json), or the name or numeric id of a map in the database";

#[derive(Debug, Args)]
pub struct PictureArgs {
    #[arg(help = MAP_HELP)]
    pub map: String,
    /// Write an SVG picture here.
    #[arg(long, value_name = "OUT.svg", required_unless_present = "png")]
    pub svg: Option<PathBuf>,
    /// Write a PNG picture here.
    #[arg(long, value_name = "OUT.png")]
    pub png: Option<PathBuf>,
    /// PNG pixels per SVG unit: 1 for screens, 2 for print and retina slides.
    #[arg(long, default_value_t = 1.0, value_name = "N", requires = "png")]
    pub scale: f32,
}

#[derive(Debug, Subcommand)]
pub enum BpmnCommand {
    /// Write a map as a BPMN 2.0 file (one pool, a lane per lane, a task per step).
    Export {
        #[arg(help = MAP_HELP)]
        map: String,
        /// Where to write the BPMN file.
        #[arg(long, value_name = "OUT.bpmn")]
        out: PathBuf,
    },
    /// Read a BPMN 2.0 file into a new map in the database (or a JSON file with --out).
    Import {
        /// The BPMN 2.0 XML file.
        file: PathBuf,
        /// The new map's name (default: the pool or process name, else the file name).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Write the map as a JSON map file instead of storing it.
        #[arg(long, value_name = "MAP.json")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum StepsCommand {
    /// Write every step as one CSV row (lane, step, the four values, low/high, notes).
    Export {
        #[arg(help = MAP_HELP)]
        map: String,
        /// Where to write the CSV.
        #[arg(long, value_name = "OUT.csv")]
        out: PathBuf,
        /// Leave out the UTF-8 byte-order mark that Excel needs.
        #[arg(long)]
        no_bom: bool,
    },
    /// Read a steps CSV: as a new map, or as an update of a stored map.
    Import {
        /// The CSV file (comma or semicolon separated, decimal point or comma).
        file: PathBuf,
        /// Update this stored map (name or id), matching rows by lane and step name.
        #[arg(long, value_name = "MAP", conflicts_with = "name")]
        into: Option<String>,
        /// The new map's name (default: the file name).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Report what would change without storing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// Number of lanes (at least 1).
    #[arg(long, value_name = "L")]
    pub lanes: usize,
    /// Number of steps (at least one per lane, at most 2,000,000).
    #[arg(long, value_name = "N")]
    pub steps: usize,
    /// Number of edges (default: 1.25 per step); capped at what the steps allow.
    #[arg(long, value_name = "E")]
    pub edges: Option<usize>,
    /// Random seed; the same seed gives the same map.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Where to write the map file.
    #[arg(long, value_name = "MAP.json")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct BriefArgs {
    /// The stored map's name (or its numeric id).
    #[arg(long, value_name = "NAME")]
    pub map: String,
    /// The lane (name or id) whose latest pick to write; by default the
    /// map's active pick.
    #[arg(long, value_name = "LANE")]
    pub lane: Option<String>,
    /// Where to write the brief.
    #[arg(long, value_name = "BRIEF.md")]
    pub out: PathBuf,
    /// The date the brief is written for (default: today), YYYY-MM-DD.
    #[arg(long, value_name = "DATE", hide = true, value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| format!("{text:?} is not a date (YYYY-MM-DD)"))
}

#[derive(Debug, Args)]
pub struct RankArgs {
    /// A map file to rank.
    #[arg(required_unless_present = "map", conflicts_with = "map")]
    pub file: Option<PathBuf>,
    /// Rank a stored map by name (or numeric id) instead of a file.
    #[arg(long, value_name = "NAME")]
    pub map: Option<String>,
    /// Also write the ranked lanes as CSV.
    #[arg(long, value_name = "OUT.csv")]
    pub csv: Option<PathBuf>,
    /// Leave out the UTF-8 byte-order mark that Excel needs.
    #[arg(long, requires = "csv")]
    pub no_bom: bool,
    /// Print the ranking as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Scenarios drawn to tell how sure the pick is (the map's own, 10,000
    /// unless it says otherwise).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub draws: Option<u32>,
    /// Seed of the scenarios' random generator (the map's own, 1 unless it
    /// says otherwise).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
}
