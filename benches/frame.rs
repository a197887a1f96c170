//! Frame time of the whole window, measured headless on the CPU: egui layout
//! plus tessellation through `egui::Context::run_ui`, no GPU. One line per
//! sample map with the median and 95th percentile over 200 frames.
//!
//!     cargo bench --bench frame

use std::time::{Duration, Instant};

use eframe::egui;
use frictionmap::app::{AppConfig, Workspace};
use frictionmap::theme;
use frictionmap::ui::Action;

const WARMUP_FRAMES: usize = 20;
const FRAMES: usize = 200;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = AppConfig {
        db_path: dir.path().join("bench.sqlite3"),
        native_dialogs: false,
        report_first_frame_since: None,
    };
    let ctx = egui::Context::default();
    theme::install_fonts(&ctx);
    let mut ws = Workspace::open(&ctx, config).expect("the database opens");
    let maps: Vec<_> = ws.maps().to_vec();
    println!("{:<44} {:>6} {:>10} {:>10}", "map", "steps", "median", "p95");
    for summary in maps {
        ws.handle(&ctx, Action::OpenMap(summary.id));
        let input = || egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1500.0, 940.0))),
            ..Default::default()
        };
        let mut times: Vec<Duration> = Vec::with_capacity(FRAMES);
        for i in 0..WARMUP_FRAMES + FRAMES {
            let start = Instant::now();
            let output = ctx.run_ui(input(), |ui| ws.ui(ui));
            let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
            std::hint::black_box(primitives);
            if i >= WARMUP_FRAMES {
                times.push(start.elapsed());
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{:<44} {:>6} {:>8.2}ms {:>8.2}ms",
            summary.name,
            summary.steps,
            ms(times[FRAMES / 2]),
            ms(times[FRAMES * 95 / 100])
        );
    }
}
