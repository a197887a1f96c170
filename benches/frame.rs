//! Frame time of the whole window, measured headless on the CPU: egui layout
//! plus tessellation through `egui::Context::run_ui`, no GPU. One line per
//! sample map, and one for a generated 20,000-step / 25,000-edge / 40-lane
//! map, with the median and 95th percentile over 200 frames (20 for
//! maps above 1,000 steps).
//!
//!     cargo bench --bench frame

use std::time::{Duration, Instant};

use eframe::egui;
use frictionmap::app::{AppConfig, Workspace};
use frictionmap::samples::seed_if_empty;
use frictionmap::store::Store;
use frictionmap::synth::{GenParams, generate};
use frictionmap::theme;
use frictionmap::ui::Action;

const WARMUP_FRAMES: usize = 20;
const FRAMES: usize = 200;
/// Maps above this many steps get fewer frames, so the bench ends in time.
const LARGE_MAP_STEPS: usize = 1_000;
const LARGE_WARMUP_FRAMES: usize = 2;
const LARGE_FRAMES: usize = 20;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = AppConfig {
        native_dialogs: false,
        ..AppConfig::new(dir.path().join("bench.sqlite3"))
    };
    {
        // The samples first (as on a first run), then the generated map.
        let mut store = Store::open(&config.db_path).expect("the database opens");
        seed_if_empty(&mut store).expect("the samples load");
        let params = GenParams {
            lanes: 40,
            steps: 20_000,
            edges: 25_000,
            seed: 2024,
        };
        store.create(&generate(&params)).expect("the generated map is stored");
    }
    let ctx = egui::Context::default();
    theme::install_fonts(&ctx);
    let mut ws = Workspace::open(&ctx, config).expect("the database opens");
    let maps: Vec<_> = ws.maps().to_vec();
    println!("{:<52} {:>6} {:>10} {:>10}", "map", "steps", "median", "p95");
    for summary in maps {
        ws.handle(&ctx, Action::OpenMap(summary.id));
        let input = || egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1500.0, 940.0))),
            ..Default::default()
        };
        let (warmup, frames) = if summary.steps > LARGE_MAP_STEPS {
            (LARGE_WARMUP_FRAMES, LARGE_FRAMES)
        } else {
            (WARMUP_FRAMES, FRAMES)
        };
        let mut times: Vec<Duration> = Vec::with_capacity(frames);
        for i in 0..warmup + frames {
            let start = Instant::now();
            let output = ctx.run_ui(input(), |ui| ws.ui(ui));
            let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
            std::hint::black_box(primitives);
            if i >= warmup {
                times.push(start.elapsed());
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{:<52} {:>6} {:>8.2}ms {:>8.2}ms",
            summary.name,
            summary.steps,
            ms(times[frames / 2]),
            ms(times[(frames * 95 / 100).min(frames - 1)])
        );
    }
}
