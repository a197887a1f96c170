//! Timings of the core paths on generated maps (`frictionmap::domain::synth`), no UI:
//! one line per path with the median and 95th percentile over repeated runs,
//! the target, and PASS or MISS against the median.
//!
//!     cargo bench --bench core

use std::time::{Duration, Instant};

mod common;
use common::{median_p95, verdict};

use frictionmap::document::edit::Edit;
use frictionmap::document::{Document, Snapshot};
use frictionmap::domain::model::{Attr, Map};
use frictionmap::domain::synth::{GenParams, generate};
use frictionmap::formats::bpmn::import::parse_bpmn;
use frictionmap::formats::bpmn::to_bpmn;
use frictionmap::formats::mapfile::{parse_map, to_json};
use frictionmap::formats::picture::{Picture, chart::ChartPicture, map::MapPicture};
use frictionmap::formats::ranking_csv::ranking_csv;
use frictionmap::formats::steps_csv::{import_new, import_update, parse, steps_csv, update_edit};
use frictionmap::scoring::{ScoreCache, rank};
use frictionmap::store::{MapId, SaveCache, Store};

fn map(lanes: usize, steps: usize, edges: usize) -> Map {
    generate(&GenParams {
        lanes,
        steps,
        edges,
        seed: 2024,
    })
}

/// Whether a row runs: every row without arguments, otherwise the rows
/// whose name contains one of them (`cargo bench --bench core -- rank`).
fn wanted(path: &str) -> bool {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    filters.is_empty() || filters.iter().any(|f| path.contains(f.as_str()))
}

/// Prints one result line: the median and p95 of `times`, and the target.
fn report(path: &str, times: Vec<Duration>, target_ms: f64) {
    row(path, times, |median| {
        format!("target ≤ {target_ms}ms  {}", verdict(median, target_ms))
    });
}

/// Prints a line that explains another (a part of it, or the same work the
/// long way round), so it has no target of its own.
fn inform(path: &str, times: Vec<Duration>) {
    row(path, times, |_| "(no target)".to_owned());
}

/// One line: the path, the runs, the median and p95, and what `tail` says
/// of the median.
fn row(path: &str, times: Vec<Duration>, tail: impl FnOnce(f64) -> String) {
    let runs = times.len();
    let (median, p95) = median_p95(times);
    println!("{path:<52} {runs:>4} {median:>10.3}ms {p95:>10.3}ms  {}", tail(median));
}

/// Runs `f` `warmup + runs` times and keeps the times of the last `runs`.
fn time<T>(warmup: usize, runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    let mut times = Vec::with_capacity(runs);
    for i in 0..warmup + runs {
        let start = Instant::now();
        std::hint::black_box(f());
        if i >= warmup {
            times.push(start.elapsed());
        }
    }
    times
}

fn main() {
    println!("{:<52} {:>4} {:>12} {:>12}", "path", "runs", "median", "p95");
    if wanted("rank") {
        rank_big();
    }
    if wanted("edit") {
        edit_rescore();
    }
    if wanted("store") {
        store_paths();
    }
    if wanted("parse") {
        json_import();
    }
    if wanted("csv") {
        csv_export();
    }
    if wanted("steps csv") {
        steps_csv_import();
    }
    if wanted("picture") {
        pictures();
    }
    if wanted("bpmn") {
        bpmn_paths();
    }
    if wanted("certainty") {
        certainty();
    }
}

/// Every step of a generated map given a low and a high on `attrs`: 0.7×
/// and 1.5× its value (rework at most 0.9).
fn with_ranges(mut map: Map, attrs: &[Attr]) -> Map {
    for i in 0..map.steps.len() {
        if let Some(mut step) = map.steps.get_mut(i) {
            step.low = Default::default();
            step.high = Default::default();
            for &attr in attrs {
                let value = step.value(attr);
                let high = if attr == Attr::ReworkRate {
                    (value * 1.5).min(0.9).max(value)
                } else {
                    value * 1.5
                };
                step.low.set(attr, Some(value * 0.7));
                step.high.set(attr, Some(high));
            }
        }
    }
    map
}

/// How sure the pick is: 10,000 scenarios of a 20,000-step map.
fn certainty() {
    use frictionmap::scoring::certainty::simulate;
    use std::sync::atomic::AtomicBool;
    let base = map(40, 20_000, 0);
    let cases = [
        (
            "certainty: 20,000 steps, a range on one value of each",
            with_ranges(base.clone(), &[Attr::HandleMinutes]),
        ),
        (
            "  … ranges on all four values of each step",
            with_ranges(base.clone(), &Attr::ALL),
        ),
    ];
    for (k, (name, map)) in cases.iter().enumerate() {
        let ranking = rank(map);
        let times = time(1, 7, || {
            simulate(map, &ranking, map.simulation, &AtomicBool::new(false)).map(|c| c.lanes.len())
        });
        if k == 0 {
            report(name, times, 300.0);
        } else {
            inform(name, times);
        }
    }
}

/// Scoring and ranking a very large map. Edges play no part in scoring.
fn rank_big() {
    let big = map(100, 1_000_000, 0);
    report("rank: 1,000,000 steps / 100 lanes", time(2, 15, || rank(&big)), 20.0);
    inform(
        "  only reading what rank reads of each step",
        time(2, 15, || read_what_rank_reads(&big)),
    );
}

/// The memory floor under `rank`: every step's scoring row (values, lane
/// number, range number), read on as many threads, with no scoring.
fn read_what_rank_reads(map: &Map) -> f64 {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rows = map.steps.score_columns().rows;
    let per_thread = rows.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (rows.chunks(per_thread))
            .map(|rows| {
                scope.spawn(move || {
                    rows.iter()
                        .map(|r| {
                            let [v, h, rework, delay] = r.values;
                            v * h + rework + delay - f64::from(r.lane) + f64::from(r.range)
                        })
                        .sum::<f64>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a reader")).sum()
    })
}

/// A change to one step of every 7,919th, round the map.
fn next_step(i: &mut usize, steps: usize) -> usize {
    *i = (*i + 7919) % steps;
    *i
}

/// One step's value changes in the open document: the edit, its undo
/// entry, and rescoring (only that step's lane is re-added).
fn edit_rescore() {
    let mut doc = Document::new(MapId(1), map(40, 20_000, 25_000));
    let mut i = 0;
    let times = (0..220)
        .map(|_| {
            let mut step = doc.map().steps[next_step(&mut i, 20_000)].clone();
            step.volume_per_month += 1.0;
            let start = Instant::now();
            doc.apply(Edit::UpdateSteps(vec![step]), None)
                .expect("the edit applies");
            std::hint::black_box(doc.ranking());
            start.elapsed()
        })
        .skip(20)
        .collect();
    inform("Document::apply of one step edit: 20,000 steps", times);
    assert_eq!(
        doc.ranking(),
        &rank(doc.map()),
        "the incremental ranking is the full one"
    );

    // The scoring alone: rescore the changed step, re-add its lane, rank.
    let mut map = doc.map().clone();
    let mut cache = ScoreCache::new(&map);
    let times = (0..220)
        .map(|_| {
            let k = next_step(&mut i, 20_000);
            map.steps.get_mut(k).unwrap().volume_per_month += 1.0;
            let start = Instant::now();
            cache.update_steps(&map, &[k]);
            std::hint::black_box(cache.ranking(&map));
            start.elapsed()
        })
        .skip(20)
        .collect();
    report("rescore after one step changes: 20,000 steps", times, 0.1);
    assert_eq!(
        cache.ranking(&map),
        rank(&map),
        "the incremental ranking is the full one"
    );
}

/// The database: create, delete and replace a whole map, load it, and
/// autosave one edit.
fn store_paths() {
    let mut doc = Document::new(MapId(1), map(40, 20_000, 25_000));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut store = Store::open(&dir.path().join("bench.sqlite3")).expect("the database opens");
    // A whole map written as new rows: what an import or a new map costs.
    // Each run's map is deleted again, timed on a line of its own.
    let (mut creates, mut deletes) = (Vec::new(), Vec::new());
    for run in 0..11 {
        let start = Instant::now();
        let id = store.create(doc.map()).expect("the map is stored");
        let created = start.elapsed();
        let start = Instant::now();
        store.delete(id).expect("deleted");
        if run > 0 {
            creates.push(created);
            deletes.push(start.elapsed());
        }
    }
    report("Store::create (whole map): 20,000 steps / 25,000 edges", creates, 150.0);
    inform("  Store::delete of that map", deletes);

    // A whole map written over its stored version, every row different:
    // each save swaps between two versions in which every step moved and
    // changed its volume, and the edges run in the other order.
    let id = store.create(doc.map()).expect("the map is stored");
    let mut other = doc.map().clone();
    other.steps.for_each_mut(|_, step| {
        step.x += 40.0;
        step.volume_per_month += 1.0;
    });
    other.edges.reverse();
    let versions = [&other, doc.map()];
    let mut run = 0;
    report(
        "Store::save (whole map, every row changed): 20,000 steps",
        time(1, 10, || {
            run += 1;
            store.save(id, versions[run % 2]).expect("saved")
        }),
        150.0,
    );
    let checkpoints = (0..10)
        .map(|_| {
            run += 1;
            store.save(id, versions[run % 2]).expect("saved");
            let start = Instant::now();
            store.checkpoint().expect("checkpointed");
            start.elapsed()
        })
        .collect();
    inform("  the checkpoint the save thread then runs when idle", checkpoints);
    let stored = versions[run % 2];
    inform(
        "Store::save of the stored map again, no row changed",
        time(1, 10, || store.save(id, stored).expect("saved")),
    );
    report(
        "Store::load: 20,000 steps / 25,000 edges",
        time(1, 10, || store.load(id).expect("loaded")),
        150.0,
    );

    // Autosave after one edit, as the app does it: the UI thread takes the
    // document's snapshot (only the edited step), and the save thread puts
    // it into its cache and writes what changed.
    let mut cache = SaveCache::default();
    let Snapshot::Whole(first) = doc.take_snapshot() else {
        panic!("a new document's first snapshot is the whole map")
    };
    store
        .save_changes(&mut cache, id, *first)
        .expect("the first save reads the stored map");
    let mut i = 0;
    let mut written = 0;
    let (mut totals, mut snapshots) = (Vec::new(), Vec::new());
    for run in 0..60 {
        let mut step = doc.map().steps[next_step(&mut i, 20_000)].clone();
        step.handle_minutes += 0.5;
        doc.apply(Edit::UpdateSteps(vec![step]), None)
            .expect("the edit applies");
        let start = Instant::now();
        let snapshot = doc.take_snapshot();
        let taken = start.elapsed();
        let Snapshot::Steps(steps) = snapshot else {
            panic!("an in-place edit sends only its step")
        };
        cache.put_steps(id, steps).expect("the step fits the cached map");
        written = store.save_cached(&mut cache, id).expect("saved").written;
        if run >= 10 {
            totals.push(start.elapsed());
            snapshots.push(taken);
        }
    }
    report("autosave after one edit: snapshot + save", totals, 10.0);
    inform("  of which the snapshot (UI thread)", snapshots);
    assert_eq!(written, 2, "the map row and the one step row");
    assert_eq!(&store.load(id).expect("loaded"), doc.map());
}

fn json_import() {
    let json = to_json(&map(100, 100_000, 125_000)).into_bytes();
    let label = format!("parse_map: 100,000 steps ({:.1} MB)", json.len() as f64 / 1e6);
    report(
        &label,
        time(1, 7, || parse_map(&json, "bench").expect("parses")),
        1000.0,
    );
}

/// CSV export of a ranking with many lanes.
fn csv_export() {
    let ranking = rank(&map(10_000, 30_000, 0));
    report(
        "ranking_csv: 10,000 lanes",
        time(3, 30, || ranking_csv(&ranking, None, true)),
        50.0,
    );
}

/// A generated map whose steps have names of their own: generated names
/// repeat within a lane, and the steps CSV rejects a lane and step named
/// twice.
fn map_for_csv(lanes: usize, steps: usize, edges: usize) -> Map {
    let mut map = map(lanes, steps, edges);
    map.steps
        .for_each_mut(|i, step| step.name = format!("{} {i}", step.name));
    map
}

/// The steps of a generated map as a spreadsheet user writes them: lane,
/// step and the four values. (The export's fifteen columns take about 97
/// bytes a row, so a million rows would pass the 50 MB limit.)
fn four_columns(lanes: usize, steps: usize) -> Vec<u8> {
    let map = map(lanes, steps, 0);
    let mut out = String::from("lane,step,volume_per_month,handle_minutes,rework_rate,approval_delay_hours\n");
    for (i, step) in map.steps.iter().enumerate() {
        let [volume, minutes, rework, delay] = Attr::ALL.map(|a| step.value(a));
        out.push_str(&format!(
            "Lane {},Step {i},{volume},{minutes},{rework},{delay}\n",
            step.lane
        ));
    }
    out.into_bytes()
}

/// The steps CSV read as a new map, and as an update of the map it came from.
fn steps_csv_import() {
    let big = four_columns(100, 1_000_000);
    let label = format!(
        "steps csv import: 1,000,000 rows, new map ({:.0} MB)",
        big.len() as f64 / 1e6
    );
    report(
        &label,
        time(1, 5, || import_new(&big, "bench.csv", "Bench").expect("imports")),
        10_000.0,
    );
    inform(
        "  of which reading the rows",
        time(1, 5, || parse(&big, "bench.csv").expect("reads")),
    );
    drop(big);

    let stored = map_for_csv(40, 20_000, 25_000);
    let own = steps_csv(&stored, true);
    report(
        "steps csv update: 20,000-step map from its own CSV",
        time(2, 20, || import_update(&own, "bench.csv", &stored).expect("updates")),
        200.0,
    );
    // Every row changes its step: the update, and the one edit the window
    // applies for it (with its undo entry and rescoring).
    let mut changed = stored.clone();
    changed.steps.for_each_mut(|_, step| step.volume_per_month += 1.0);
    let changed = steps_csv(&changed, true);
    let (after, report_) = import_update(&changed, "bench.csv", &stored).expect("updates");
    assert_eq!(report_.changed.count, 20_000);
    inform(
        "  every row changing its step",
        time(2, 20, || {
            import_update(&changed, "bench.csv", &stored).expect("updates")
        }),
    );
    let times = (0..5)
        .map(|_| {
            let mut doc = Document::new(MapId(1), stored.clone());
            let edit = update_edit(&stored, &after);
            let start = Instant::now();
            doc.apply(edit, None).expect("the update's edit applies");
            start.elapsed()
        })
        .collect();
    inform("  … then Document::apply of its edit (the window)", times);
}

/// The pictures: the map as SVG (what `render --svg` builds) and as PNG,
/// and the ranking chart of very many lanes.
fn pictures() {
    let big = map(40, 100_000, 125_000);
    let ranking = rank(&big);
    let picture = MapPicture::new(&big, &ranking);
    let mut bytes = 0;
    let times = time(1, 5, || bytes = picture.svg().len());
    report(
        &format!("picture: map SVG, 100,000 steps ({:.0} MB)", bytes as f64 / 1e6),
        times,
        3000.0,
    );
    report(
        "picture: map PNG of that map at 2×, refused",
        time(1, 20, || {
            MapPicture::new(&big, &ranking).png(2.0).expect_err("too large")
        }),
        200.0,
    );

    let middle = map(40, 20_000, 25_000);
    let ranking = rank(&middle);
    report(
        "picture: map PNG, 20,000 steps at 1×, refused",
        time(1, 20, || {
            MapPicture::new(&middle, &ranking).png(1.0).expect_err("too large")
        }),
        200.0,
    );
    let picture = MapPicture::new(&middle, &ranking);
    let times = time(1, 5, || bytes = picture.png(0.25).expect("drawn").len());
    report(
        &format!("picture: map PNG, 20,000 steps at 0.25× ({:.0} MB)", bytes as f64 / 1e6),
        times,
        10_000.0,
    );

    let lanes = map(10_000, 30_000, 0);
    let ranking = rank(&lanes);
    let chart = ChartPicture::new(&lanes.name, &ranking);
    report("picture: chart SVG, 10,000 lanes", time(1, 10, || chart.svg()), 1000.0);
    report(
        "picture: chart PNG of 10,000 lanes, refused",
        time(1, 20, || chart.png(1.0).expect_err("too large")),
        200.0,
    );
}

/// A BPMN file of one process holding `body`, with no diagram.
fn bpmn_file(body: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n\
         <process id=\"p\">\n{body}</process>\n</definitions>\n"
    )
    .into_bytes()
}

/// BPMN import of the hard cases of the hostile corpus (the files
/// `tests/hostile_bpmn.rs` writes), of our own export of a big map, and the
/// export of a 100,000-step map. Each import is the whole reader: decoding,
/// the scan, parsing, the map and its validation.
fn bpmn_paths() {
    let import = |label: &str, bytes: &[u8], steps: usize, runs: usize, target_ms: Option<f64>| {
        let times = time(1, runs, || {
            let (map, _) = parse_bpmn(bytes, "bench.bpmn", "bench").expect("imports");
            assert_eq!(map.steps.len(), steps, "{label}");
            map
        });
        let label = format!("{label} ({:.1} MB)", bytes.len() as f64 / 1e6);
        match target_ms {
            Some(target) => report(&label, times, target),
            None => inform(&label, times),
        }
    };

    let n = 50_000;
    let tasks: String = (0..n)
        .map(|i| format!("<task id=\"t{i}\" name=\"Task {i}\"/>\n"))
        .collect();
    let flows: String = (1..n)
        .map(|i| {
            format!(
                "<sequenceFlow id=\"f{i}\" sourceRef=\"t{}\" targetRef=\"t{i}\"/>\n",
                i - 1
            )
        })
        .collect();
    import(
        "bpmn import: 50,000 tasks in a row, no diagram",
        &bpmn_file(&(tasks + &flows)),
        n,
        7,
        Some(3000.0),
    );

    let mut ladder =
        String::from("<task id=\"start\"/><sequenceFlow id=\"s\" sourceRef=\"start\" targetRef=\"g0\"/>\n");
    for i in 0..20_000 {
        ladder += &format!(
            "<exclusiveGateway id=\"g{i}\"/><task id=\"t{i}\"/><sequenceFlow id=\"a{i}\" sourceRef=\"g{i}\" targetRef=\"t{i}\"/>\
             <sequenceFlow id=\"b{i}\" sourceRef=\"t{i}\" targetRef=\"g{}\"/><sequenceFlow id=\"c{i}\" sourceRef=\"g{i}\" targetRef=\"g{}\"/>\n",
            i + 1,
            i + 1
        );
    }
    ladder += "<task id=\"end\"/><exclusiveGateway id=\"g20000\"/><sequenceFlow id=\"e\" sourceRef=\"g20000\" targetRef=\"end\"/>\n";
    let bytes = bpmn_file(&ladder);
    let junctions = parse_bpmn(&bytes, "bench", "bench")
        .expect("imports")
        .1
        .junctions
        .values()
        .sum::<usize>();
    import(
        "bpmn import: 20,000 gateways in a ladder",
        &bytes,
        20_002 + junctions,
        7,
        Some(3000.0),
    );

    let mut lanes = String::from("<laneSet id=\"ls\">");
    let mut tasks = String::new();
    for i in 0..30_000 {
        lanes += &format!("<lane id=\"l{i}\" name=\"Lane {i}\"><flowNodeRef>t{i}</flowNodeRef></lane>\n");
        tasks += &format!("<task id=\"t{i}\"/>\n");
    }
    import(
        "bpmn import: 30,000 lanes of a task each",
        &bpmn_file(&(lanes + "</laneSet>\n" + &tasks)),
        30_000,
        7,
        Some(3000.0),
    );

    let mut fan = String::from("<parallelGateway id=\"g\"/>\n");
    for i in 0..3_000 {
        fan += &format!(
            "<task id=\"a{i}\"/><task id=\"b{i}\"/><sequenceFlow id=\"fa{i}\" sourceRef=\"a{i}\" targetRef=\"g\"/>\
             <sequenceFlow id=\"fb{i}\" sourceRef=\"g\" targetRef=\"b{i}\"/>\n"
        );
    }
    import(
        "bpmn import: one gateway from 3,000 tasks to 3,000",
        &bpmn_file(&fan),
        6_001,
        15,
        Some(3000.0),
    );

    let export = to_bpmn(&map(40, 48_000, 60_000)).into_bytes();
    import(
        "bpmn import: our export of 48,000 steps / 60,000 edges",
        &export,
        48_000,
        5,
        None,
    );

    let big = map(40, 100_000, 125_000);
    let mut size = 0;
    let times = time(1, 5, || {
        let xml = to_bpmn(&big);
        size = xml.len();
        xml
    });
    report(
        &format!(
            "bpmn export: 100,000 steps / 125,000 edges ({:.0} MB)",
            size as f64 / 1e6
        ),
        times,
        3000.0,
    );
}
