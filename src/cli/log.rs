//! `frictionmap log stats|import` and `frictionmap gen-log`: event logs
//! measured into figures and maps from the command line.

use std::io::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use crate::cli::args::{GenLogArgs, LogArgs, LogCommand};
use crate::cli::interchange::find_stored;
use crate::cli::{UsageError, load_map, open_store, open_store_to_write, say, say_imported, write_file};
use crate::domain::model::{Map, Rates};
use crate::domain::validate::{check_name, escape_controls};
use crate::formats::eventlog::build::{BuildOptions, build_map};
use crate::formats::eventlog::csv_log::ColumnChoice;
use crate::formats::eventlog::measure::{LogStats, Spread};
use crate::formats::eventlog::synth::{LogParams, write_log};
use crate::formats::eventlog::time::describe;
use crate::formats::eventlog::update::update_from_log;
use crate::formats::eventlog::{LogOptions, measure_file};
use crate::formats::input_file::Watch;
use crate::formats::mapfile::to_json;

impl LogArgs {
    fn options(&self) -> LogOptions {
        LogOptions {
            columns: ColumnChoice {
                case: self.case.clone(),
                activity: self.activity.clone(),
                time: self.timestamp.clone(),
                start: self.start.clone(),
                lifecycle: self.lifecycle.clone(),
                resource: self.resource.clone(),
                lane_by: self.lane_by.clone(),
            },
            time_zone: self.time_zone.clone(),
            date_format: self.date_format.clone(),
            working_hours: self.working_hours.clone(),
            min_edge_share: self.min_edge_share,
        }
    }

    /// Reads and measures the log; a log that cannot be read is the
    /// user's input at fault (exit code 2).
    fn measure(&self) -> anyhow::Result<LogStats> {
        crate::formats::fsutil::protect_input(&self.file);
        let stats =
            measure_file(&self.file, &self.options(), &Watch::default()).map_err(|e| UsageError(e.to_string()))?;
        if stats.unreadable.count > 0 {
            eprintln!(
                "warning: {} rows could not be read and were left out: {}",
                stats.unreadable.count,
                stats.unreadable.describe()
            );
        }
        Ok(stats)
    }

    fn file_name(&self) -> String {
        let name = self
            .file
            .file_name()
            .map_or_else(|| self.file.display().to_string(), |n| n.to_string_lossy().into_owned());
        escape_controls(&name).into_owned()
    }
}

pub fn log_command(db: Option<PathBuf>, command: LogCommand) -> anyhow::Result<()> {
    match command {
        LogCommand::Stats { log, json } => {
            let stats = log.measure()?;
            if json {
                say!("{}", serde_json::to_string_pretty(&StatsJson::of(&stats))?);
            } else {
                std::io::stdout()
                    .lock()
                    .write_all(stats_table(&log.file_name(), &stats).as_bytes())?;
            }
            Ok(())
        }
        LogCommand::Import {
            log,
            name,
            out,
            into,
            hourly_cost,
            delay_cost,
            dry_run,
        } => {
            if let Some(name) = &name {
                check_name(name).map_err(|m| UsageError(format!("--name: {m}")))?;
            }
            for (option, rate) in [("--hourly-cost", hourly_cost), ("--delay-cost", delay_cost)] {
                if let Some(rate) = rate
                    && !(rate.is_finite() && rate >= 0.0)
                {
                    return Err(UsageError(format!("{option} must be a number of 0 or more, not {rate}")).into());
                }
            }
            // The log is read and measured before the database is opened:
            // a refused log never touches it.
            let stats = log.measure()?;
            let (currency, mut rates) = last_rates(db.clone());
            rates.hourly_cost = hourly_cost.unwrap_or(rates.hourly_cost);
            rates.delay_cost_per_hour = delay_cost.unwrap_or(rates.delay_cost_per_hour);
            let stem = log
                .file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let options = BuildOptions {
                name: name.unwrap_or_else(|| stem.trim_end_matches(".xes").to_owned()),
                currency,
                rates,
                source: log.file_name(),
                lane_by: log.lane_by.clone(),
                working_hours: log.working_hours.clone(),
            };
            let mut map = build_map(&stats, &options);
            crate::domain::validate::validate(&map).map_err(|problems| {
                UsageError(format!(
                    "{}: the map it makes would not be valid:\n{problems}",
                    log.file_name()
                ))
            })?;
            match (into, out) {
                (Some(spec), _) => update_stored(db, &spec, &map, dry_run),
                (None, Some(out)) => {
                    if !dry_run {
                        write_file(&out, to_json(&map).as_bytes())?;
                        say!("Wrote {} ({})", out.display(), summary(&map));
                    }
                    dry_run_note(dry_run)
                }
                (None, None) => {
                    if !dry_run {
                        let (_lock, mut store) = open_store_to_write(db)?;
                        let (_, taken) = store.create_under_free_name(&mut map)?;
                        say_imported(&log.file, &map.name, taken.as_deref())?;
                    }
                    say!("  {}", summary(&map));
                    dry_run_note(dry_run)
                }
            }
        }
    }
}

fn dry_run_note(dry_run: bool) -> anyhow::Result<()> {
    if dry_run {
        say!("Dry run: nothing was stored.");
    }
    Ok(())
}

fn summary(map: &Map) -> String {
    let numbers = crate::domain::money::NumberStyle::default();
    format!(
        "{}, {}, {}",
        numbers.count(map.lanes.len(), "lane"),
        numbers.count(map.steps.len(), "step"),
        numbers.count(map.edges.len(), "edge")
    )
}

/// Re-measures a stored map from the log's map.
fn update_stored(db: Option<PathBuf>, spec: &str, measured: &Map, dry_run: bool) -> anyhow::Result<()> {
    let report = if dry_run {
        let store = open_store(db)?;
        let before = load_map(&store, find_stored(&store, spec)?)?;
        update_from_log(&before, measured).2
    } else {
        let (_lock, mut store) = open_store_to_write(db)?;
        let id = find_stored(&store, spec)?;
        let before = load_map(&store, id)?;
        let (after, _, report) = update_from_log(&before, measured);
        if after == before {
            say!("Map {:?} already matches the log; nothing was written.", before.name);
        } else {
            store.save(id, &after)?;
            say!("Updated map {:?} from the log", after.name);
        }
        report
    };
    for line in report.lines() {
        say!("  {line}");
    }
    dry_run_note(dry_run)
}

/// The currency and rates of the map opened last, or the defaults: a log
/// has no money in it.
fn last_rates(db: Option<PathBuf>) -> (String, Rates) {
    let fallback = || ("USD".to_owned(), Rates::default());
    let Ok(store) = open_store(db) else { return fallback() };
    let last = store
        .setting("last_map_id")
        .ok()
        .flatten()
        .and_then(|id| id.parse::<i64>().ok());
    let Some(id) = last else { return fallback() };
    match store.load_checked(crate::domain::model::MapId(id)) {
        Ok(stored) => {
            let map = stored.into_valid(crate::domain::model::MapId(id)).map(|(map, _)| map);
            map.map_or_else(|_| fallback(), |m| (m.currency, m.rates))
        }
        Err(_) => fallback(),
    }
}

pub fn gen_log_command(args: GenLogArgs) -> anyhow::Result<()> {
    let params = LogParams {
        cases: args.cases,
        activities: args.activities,
        seed: args.seed,
    };
    params.check().map_err(UsageError)?;
    crate::formats::fsutil::check_target(&args.out).map_err(|e| UsageError(e.to_string()))?;
    let mut events = 0;
    crate::formats::fsutil::atomic_write_with(&args.out, |mut out| {
        events = write_log(params, &mut out)?;
        Ok(())
    })
    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", args.out.display()))?;
    say!(
        "Wrote {} ({} cases, {events} events, {} activities, seed {})",
        args.out.display(),
        args.cases,
        args.activities,
        args.seed
    );
    Ok(())
}

/// A percentile spread as JSON: `{p25, p50, p75, n}` or null.
#[derive(Serialize)]
struct StepJson<'a> {
    lane: &'a str,
    activity: &'a str,
    cases: u64,
    executions: u64,
    volume_per_month: f64,
    rework_rate: f64,
    rework_capped: bool,
    wait_hours: Option<Spread>,
    handle_minutes: Option<Spread>,
}

#[derive(Serialize)]
struct EdgeJson<'a> {
    lane: &'a str,
    from: &'a str,
    to: &'a str,
    count: u64,
}

#[derive(Serialize)]
struct LaneJson<'a> {
    lane: &'a str,
    cases: u64,
    executions: u64,
}

/// `log stats --json`: the figures as the README defines them.
#[derive(Serialize)]
struct StatsJson<'a> {
    months: f64,
    cases: u64,
    executions: u64,
    events: u64,
    unreadable: u64,
    first: String,
    last: String,
    lanes: Vec<LaneJson<'a>>,
    steps: Vec<StepJson<'a>>,
    edges: Vec<EdgeJson<'a>>,
}

impl<'a> StatsJson<'a> {
    fn of(stats: &'a LogStats) -> Self {
        let iso = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .map_or_else(String::new, |t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        };
        let lanes = stats.lanes.iter();
        Self {
            months: stats.months,
            cases: stats.cases,
            executions: stats.executions,
            events: stats.events,
            unreadable: stats.unreadable.count,
            first: iso(stats.first),
            last: iso(stats.last),
            lanes: (lanes.clone())
                .map(|l| LaneJson {
                    lane: &l.name,
                    cases: l.cases,
                    executions: l.executions,
                })
                .collect(),
            steps: (lanes.clone())
                .flat_map(|l| {
                    l.steps.iter().map(|s| StepJson {
                        lane: &l.name,
                        activity: &s.activity,
                        cases: s.cases,
                        executions: s.executions,
                        volume_per_month: s.volume_per_month,
                        rework_rate: s.rework_rate,
                        rework_capped: s.rework_capped,
                        wait_hours: s.wait_hours,
                        handle_minutes: s.handle_minutes,
                    })
                })
                .collect(),
            edges: lanes
                .flat_map(|l| {
                    l.edges.iter().map(|e| EdgeJson {
                        lane: &l.name,
                        from: &l.steps[e.from].activity,
                        to: &l.steps[e.to].activity,
                        count: e.count,
                    })
                })
                .collect(),
        }
    }
}

/// The figures as a table for people.
fn stats_table(file: &str, stats: &LogStats) -> String {
    let mut out = String::new();
    let period = format!("{} to {}", describe(stats.first), describe(stats.last));
    out += &format!(
        "{file}: {} cases, {} executions, {period} ({:.2} months)\n",
        stats.cases, stats.executions, stats.months
    );
    if stats.ignored_transitions > 0 || stats.unpaired_starts > 0 {
        out += &format!(
            "  {} lifecycle transitions other than start and complete ignored; {} starts without a completion\n",
            stats.ignored_transitions, stats.unpaired_starts
        );
    }
    if !stats.handling_measured {
        out += "  no start times: handling is not measured (enter it as an estimate)\n";
    }
    let spread = |s: &Option<Spread>| {
        s.map_or_else(
            || "—".to_owned(),
            |s| format!("{:.1} ({:.1}–{:.1})", s.p50, s.p25, s.p75),
        )
    };
    for lane in &stats.lanes {
        out += &format!(
            "\n{}: {} cases, {} executions\n",
            escape_controls(&lane.name),
            lane.cases,
            lane.executions
        );
        out += &format!(
            "  {:<32} {:>7} {:>9} {:>9} {:>7}  {:<24} {:<24}\n",
            "activity", "cases", "execs", "per month", "rework", "wait h: P50 (P25–P75)", "handling min"
        );
        for s in &lane.steps {
            let name: String = escape_controls(&s.activity).chars().take(32).collect();
            out += &format!(
                "  {name:<32} {:>7} {:>9} {:>9.1} {:>6.1}%{} {:<24} {:<24}\n",
                s.cases,
                s.executions,
                s.volume_per_month,
                s.rework_rate * 100.0,
                if s.rework_capped { "*" } else { " " },
                spread(&s.wait_hours),
                spread(&s.handle_minutes)
            );
        }
    }
    if stats.lanes.iter().flat_map(|l| &l.steps).any(|s| s.rework_capped) {
        out += "\n* rework cut to 95%, the most a map holds\n";
    }
    out
}
