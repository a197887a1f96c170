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

/// Opens the Map menu and clicks the item whose label contains `item`.
pub fn menu(harness: &mut Harness<'static, FrictionApp>, item: &str) {
    harness.get_by_label("Map").click();
    harness.run();
    harness.get_by_label_contains(item).click();
    harness.run();
}

/// Types `path` into the path field that stands in for a file dialog, and
/// presses Enter.
pub fn type_path(harness: &mut Harness<'static, FrictionApp>, path: &Path) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("File path").type_text(path.to_str().unwrap());
    harness.key_press(Key::Enter);
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
    /// The child's peak resident memory, in KiB.
    pub peak_kib: i64,
}

/// Runs `cmd` to its end, failing the test when it takes longer than
/// `limit` (the child is killed) or when a signal ends it. Reaps the child
/// with `wait4` to learn its own peak memory.
#[cfg(unix)]
// The child is reaped with `wait4`, which clippy does not see.
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
    let (status, usage) = loop {
        let mut status = 0;
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits for our own child, with valid out-pointers.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break (status, usage);
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
        peak_kib: usage.ru_maxrss,
    };
    assert!(
        !signalled,
        "{cmd:?} was ended by signal {}:\n{}",
        libc::WTERMSIG(status),
        out.stderr
    );
    out
}
