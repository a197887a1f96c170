//! One harness factory for every UI test, so window size, fonts and
//! snapshot thresholds agree.

#![allow(dead_code)]

pub mod disk;

use std::path::Path;

use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use frictionmap::app::{AppConfig, FrictionApp, Workspace};

pub const SIZE: [f32; 2] = [1440.0, 900.0];

/// The real app on the database at `db`, with the path field instead of
/// native file dialogs.
pub fn app(db: &Path) -> Harness<'static, FrictionApp> {
    app_with(AppConfig {
        native_dialogs: false,
        ..AppConfig::new(db.to_owned())
    })
}

/// The real app with this configuration.
pub fn app_with(config: AppConfig) -> Harness<'static, FrictionApp> {
    build(config, false)
}

/// The real app on `db`, drawing a box for characters that no font has
/// (as the app does) instead of failing the test: for names that another
/// tool wrote into the database.
pub fn app_drawing_missing_glyphs(db: &Path) -> Harness<'static, FrictionApp> {
    build(
        AppConfig {
            native_dialogs: false,
            ..AppConfig::new(db.to_owned())
        },
        true,
    )
}

fn build(config: AppConfig, missing_glyphs: bool) -> Harness<'static, FrictionApp> {
    // The guide that opens on a first run would cover what tests click;
    // `tests/ui_flows.rs` checks it on its own.
    let config = AppConfig {
        first_run_guide: false,
        ..config
    };
    build_as_is(config, missing_glyphs)
}

/// The real app exactly as configured.
pub fn build_as_is(config: AppConfig, missing_glyphs: bool) -> Harness<'static, FrictionApp> {
    // The harness would otherwise impose its own theme; light is the app's default.
    let mut builder = Harness::builder()
        .with_size(SIZE)
        .with_theme(eframe::egui::Theme::Light);
    if missing_glyphs {
        builder = builder.allow_missing_glyphs();
    }
    let mut harness = builder.build_eframe(move |cc| FrictionApp::new(&cc.egui_ctx, config));
    harness.run();
    harness
}

pub fn ws<'a>(harness: &'a Harness<'static, FrictionApp>) -> &'a Workspace {
    harness.state().workspace().expect("the workspace opened")
}

pub fn ws_mut<'a>(harness: &'a mut Harness<'static, FrictionApp>) -> &'a mut Workspace {
    harness.state_mut().workspace_mut().expect("the workspace opened")
}

/// Moves the pointer over the middle of the canvas, which gives the canvas
/// the keyboard for the single-letter map keys.
pub fn hover_canvas(harness: &mut Harness<'static, FrictionApp>) {
    let centre = ws(harness).view.on_screen.center();
    harness.event(eframe::egui::Event::PointerMoved(centre));
    harness.run();
}

/// Opens the Map menu and clicks the item whose label contains `item`.
pub fn menu(harness: &mut Harness<'static, FrictionApp>, item: &str) {
    harness.get_by_label("Map").click();
    harness.run();
    harness.get_by_label_contains(item).click();
    harness.run();
}

/// Types `path` into the path field that stands in for a file dialog, and
/// presses Enter. An import runs on a thread of its own: this waits for it
/// to finish (at most 60 s: a debug build reads a million-row file slowly;
/// tests that care bound it more tightly themselves).
pub fn type_path(harness: &mut Harness<'static, FrictionApp>, path: &Path) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("File path").type_text(path.to_str().unwrap());
    harness.key_press(Key::Enter);
    wait_for_import(harness);
}

/// Runs frames until no file is being imported.
pub fn wait_for_import(harness: &mut Harness<'static, FrictionApp>) {
    let started = std::time::Instant::now();
    harness.step();
    while harness.state().workspace().is_some_and(|ws| ws.is_importing()) {
        assert!(started.elapsed().as_secs() < 60, "the import did not finish");
        std::thread::sleep(std::time::Duration::from_millis(5));
        harness.step();
    }
    harness.run();
}

/// Renames the open map through the same action the inspector uses.
pub fn rename_map(harness: &mut Harness<'static, FrictionApp>, name: &str) {
    let mut meta = frictionmap::edit::MapMeta::of(ws(harness).document().map());
    meta.name = name.to_owned();
    let ctx = harness.ctx.clone();
    ws_mut(harness).handle(
        &ctx,
        frictionmap::ui::Action::edit(frictionmap::edit::Edit::SetMeta(meta)),
    );
}

/// What a child process did, run with [`run_bounded`].
pub struct Bounded {
    /// The exit code; `None` when a signal ended it.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The child's peak resident memory, in KiB, as often as it was seen
    /// (every 10 ms; a child that runs away is caught).
    pub peak_kib: i64,
}

/// The peak resident memory of process `pid` since it started its program
/// (`VmHWM`), in KiB. (`wait4`'s `ru_maxrss` would count the test process
/// it was forked from.)
fn peak_kib_of(pid: u32) -> Option<i64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `cmd` to its end, failing the test when it takes longer than
/// `limit` (the child is killed) or when a signal ends it.
#[cfg(unix)]
// The child is reaped with `waitpid`, which clippy does not see.
#[allow(clippy::zombie_processes)]
pub fn run_bounded(cmd: &mut std::process::Command, limit: std::time::Duration) -> Bounded {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().unwrap()));
    let stderr = read_all(Box::new(child.stderr.take().unwrap()));
    let pid = child.id() as libc::pid_t;
    let started = std::time::Instant::now();
    let mut peak_kib = 0;
    let status = loop {
        peak_kib = peak_kib.max(peak_kib_of(child.id()).unwrap_or(0));
        let mut status = 0;
        // SAFETY: waits for our own child, with a valid out-pointer.
        let reaped = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if reaped == pid {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("{cmd:?} ran longer than {limit:?}: killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let signalled = libc::WIFSIGNALED(status);
    let out = Bounded {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        peak_kib,
    };
    assert!(
        !signalled,
        "{cmd:?} was ended by signal {}:\n{}",
        libc::WTERMSIG(status),
        out.stderr
    );
    out
}
