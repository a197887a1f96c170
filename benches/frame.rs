//! Frame time of the whole window, measured headless on the CPU: egui layout
//! plus tessellation through `egui::Context::run_ui`, no GPU. One line per
//! sample map (fitted to the window), then generated maps of 20,000 and
//! 100,000 steps fitted to the window, at 100% zoom, and while a step is
//! dragged at 100% zoom; median and 95th percentile, with the target.
//!
//!     cargo bench --bench frame
//!
//! Arguments filter the rows by name (`cargo bench --bench frame -- 20,000`).

use std::time::{Duration, Instant};

mod common;
use common::{median_p95, verdict};

use eframe::egui::{self, Event, Modifiers, PointerButton, Pos2, Rect, emath::TSTransform, vec2};
use frictionmap::app::{AppConfig, Workspace};
use frictionmap::domain::synth::{GenParams, generate};
use frictionmap::layout::Layout;
use frictionmap::store::seed::seed_if_empty;
use frictionmap::store::{MapId, Store};
use frictionmap::ui::Action;
use frictionmap::ui::theme;

const SCREEN: egui::Vec2 = vec2(1500.0, 940.0);

fn wanted(row: &str) -> bool {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    filters.is_empty() || filters.iter().any(|f| row.contains(f.as_str()))
}

struct Bench {
    ctx: egui::Context,
    ws: Workspace,
    events: Vec<Event>,
}

impl Bench {
    /// One whole frame: layout of every panel, then tessellation.
    fn frame(&mut self) -> Duration {
        let input = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SCREEN)),
            events: std::mem::take(&mut self.events),
            ..Default::default()
        };
        let start = Instant::now();
        let output = self.ctx.run_ui(input, |ui| self.ws.ui(ui));
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(primitives);
        start.elapsed()
    }

    fn frames(&mut self, warmup: usize, frames: usize, mut before: impl FnMut(&mut Self, usize)) -> Vec<Duration> {
        (0..warmup + frames)
            .map(|i| {
                before(self, i);
                self.frame()
            })
            .skip(warmup)
            .collect()
    }

    /// The canvas layer's scene-to-screen transform.
    fn scene_to_screen(&self) -> TSTransform {
        self.ctx
            .memory(|m| m.to_global.values().copied().find(|t| *t != TSTransform::IDENTITY))
            .unwrap_or_default()
    }

    /// Shows the map at 100% zoom centred on the card of step `index`, and
    /// returns that card's centre on screen.
    fn zoom_100_at(&mut self, index: usize) -> Pos2 {
        let doc = self.ws.document();
        let layout = Layout::new(doc.map(), |id| doc.step_index(id));
        let card = layout.cards[index];
        let size = self.ws.view.scene_rect.size() * self.ws.view.zoom;
        self.ws.view.scene_rect = Rect::from_center_size(card.center(), size);
        self.frame();
        self.frame();
        self.scene_to_screen() * card.center()
    }
}

fn report(row: &str, steps: usize, times: Vec<Duration>, target_ms: f64) {
    let runs = times.len();
    let (median, p95) = median_p95(times);
    let verdict = verdict(median, target_ms);
    println!("{row:<52} {steps:>7} {runs:>4} {median:>8.2}ms {p95:>8.2}ms  target ≤ {target_ms}ms  {verdict}");
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = AppConfig {
        native_dialogs: false,
        ..AppConfig::new(dir.path().join("bench.sqlite3"))
    };
    let mut generated: Vec<(MapId, usize)> = Vec::new();
    {
        // The samples first (as on a first run), then the generated maps.
        let mut store = Store::open(&config.db_path).expect("the database opens");
        seed_if_empty(&mut store).expect("the samples load");
        for (steps, edges) in [(20_000, 25_000), (100_000, 125_000)] {
            if !wanted(&format!("{steps_fmt} steps", steps_fmt = thousands(steps))) && !wanted("generated") {
                continue;
            }
            let params = GenParams {
                lanes: 40,
                steps,
                edges,
                seed: 2024,
            };
            let id = store.create(&generate(&params)).expect("the generated map is stored");
            generated.push((id, steps));
        }
    }
    let ctx = egui::Context::default();
    theme::install_fonts(&ctx);
    let ws = Workspace::open(&ctx, config).expect("the database opens");
    let samples: Vec<_> = ws.maps().iter().filter(|m| m.steps < 1000).cloned().collect();
    let mut bench = Bench {
        ctx,
        ws,
        events: Vec::new(),
    };
    println!(
        "{:<52} {:>7} {:>4} {:>10} {:>10}",
        "frame", "steps", "runs", "median", "p95"
    );
    for summary in samples {
        let row = format!("sample: {}", summary.name);
        if !wanted(&row) {
            continue;
        }
        bench.ws.handle(&bench.ctx.clone(), Action::OpenMap(summary.id));
        let times = bench.frames(20, 200, |_, _| {});
        report(&row, summary.steps, times, 8.0);
    }
    for (id, steps) in generated {
        let target = if steps > 20_000 { 16.0 } else { 8.0 };
        let name = format!("{} steps", thousands(steps));
        bench.ws.handle(&bench.ctx.clone(), Action::OpenMap(id));
        bench.ws.view.request_fit();
        let times = bench.frames(3, 40, |_, _| {});
        report(&format!("{name}, fit to the window"), steps, times, target);

        // 100% zoom on a card in the middle of the map.
        let index = steps / 2 + 7;
        let card = bench.zoom_100_at(index);
        let times = bench.frames(3, 60, |_, _| {});
        report(&format!("{name}, 100% zoom"), steps, times, target);

        // Dragging that card: press on it, then move a little every frame.
        bench.events.push(Event::PointerMoved(card));
        bench.frame();
        bench.events.push(Event::PointerButton {
            pos: card,
            button: PointerButton::Primary,
            pressed: true,
            modifiers: Modifiers::NONE,
        });
        bench.frame();
        let times = bench.frames(3, 60, |b, i| {
            let pos = card + vec2(3.0 + i as f32 * 4.0, i as f32 * 2.0);
            b.events.push(Event::PointerMoved(pos));
        });
        report(&format!("{name}, dragging a step at 100%"), steps, times, target);
        let revision = bench.ws.document().revision();
        bench.events.push(Event::PointerButton {
            pos: card + vec2(250.0, 120.0),
            button: PointerButton::Primary,
            pressed: false,
            modifiers: Modifiers::NONE,
        });
        bench.frame();
        assert_eq!(
            bench.ws.document().revision(),
            revision + 1,
            "the drag ends in one edit, so the bench really dragged a card"
        );
    }
}

fn thousands(n: usize) -> String {
    frictionmap::domain::money::NumberStyle::POINT.thousands(n as f64, 0)
}
