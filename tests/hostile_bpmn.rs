//! Hostile BPMN files. Every file in `tests/hostile_bpmn/` (listed with what
//! it is in `CORPUS` below) and the large ones written at run time go
//! through `frictionmap bpmn import` and through the app's Map ▸ Import
//! BPMN…. A bad file is refused with a message that names the file and the
//! problem (exit code 2, or an error dialog) and leaves the database
//! byte-for-byte unchanged; a hard but valid file imports into a map that
//! validates. Nothing panics, no run takes more than `TIME_LIMIT`, and no
//! command's peak memory passes `MEMORY_LIMIT_MB`.

use crate::common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use eframe::egui::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use frictionmap::app::FrictionApp;
use frictionmap::bpmn::import::read_bpmn_file;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

/// The longest any import may take, refused or not (debug build).
const TIME_LIMIT: Duration = Duration::from_secs(10);
/// The most memory (peak resident set) any import may take.
const MEMORY_LIMIT_MB: u64 = 1024;

/// What must come of a file, with words its message must contain.
#[derive(Clone, Copy)]
enum Outcome {
    /// Refused: exit code 2 on the command line, an error dialog in the app.
    Refused(&'static [&'static str]),
    /// Imported into a valid map; the summary holds these words.
    Imported(&'static [&'static str]),
}

/// One committed file: its name in `tests/hostile_bpmn/`, what it is, and
/// what must come of it.
struct Case {
    file: &'static str,
    what: &'static str,
    outcome: Outcome,
}

const fn refused(file: &'static str, what: &'static str, words: &'static [&'static str]) -> Case {
    Case {
        file,
        what,
        outcome: Outcome::Refused(words),
    }
}

const fn imported(file: &'static str, what: &'static str, words: &'static [&'static str]) -> Case {
    Case {
        file,
        what,
        outcome: Outcome::Imported(words),
    }
}

/// The committed corpus. `base.bpmn` is a valid file with a pool, two lanes,
/// three tasks, a gateway and a diagram; most others break one thing in it.
const CORPUS: &[Case] = &[
    imported(
        "base.bpmn",
        "the valid file the others are made from",
        &["1 pool(s), 2 lane(s), 3 step(s), 3 edge(s)"],
    ),
    // Encodings.
    imported(
        "utf16le-bom.bpmn",
        "the base file as UTF-16 little-endian with its byte-order mark",
        &["3 step(s)"],
    ),
    imported(
        "utf16be-bom.bpmn",
        "the base file as UTF-16 big-endian with its byte-order mark",
        &["3 step(s)"],
    ),
    refused(
        "utf16-lone-surrogate.bpmn",
        "UTF-16 holding half a surrogate pair",
        &["line 1: not UTF-16 text: unpaired surrogate found: d800"],
    ),
    imported(
        "latin1-declared.bpmn",
        "a task name in ISO-8859-1 (ü as FC), which the XML declaration names",
        &["3 step(s)"],
    ),
    refused(
        "latin1-undeclared.bpmn",
        "the same bytes without the declaration",
        &["line 21: not UTF-8 text (invalid byte 0xFC at offset 1322, column 42)"],
    ),
    refused(
        "binary-png.bpmn",
        "the start of a PNG image",
        &["line 1: not UTF-8 text (invalid byte 0x89 at offset 0, column 1)"],
    ),
];

/// A hostile file ready to import, from the corpus or made at run time.
struct Hostile {
    path: PathBuf,
    what: String,
    refused: bool,
    words: Vec<String>,
}

impl Hostile {
    fn new(path: PathBuf, what: &str, outcome: Outcome) -> Self {
        let (refused, words) = match outcome {
            Outcome::Refused(words) => (true, words),
            Outcome::Imported(words) => (false, words),
        };
        Self {
            path,
            what: what.to_owned(),
            refused,
            words: words.iter().map(|w| (*w).to_owned()).collect(),
        }
    }

    fn name(&self) -> String {
        format!("{} ({})", self.path.display(), self.what)
    }
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile_bpmn")
}

/// The large and special files, made in `dir` at run time.
fn generated(dir: &Path) -> Vec<Hostile> {
    let mut out = Vec::new();
    #[cfg(unix)]
    {
        let fifo = dir.join("pipe.bpmn");
        let made = Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        let folder = dir.join("folder.bpmn");
        std::fs::create_dir_all(&folder).unwrap();
        let mut special = vec![(folder, "a folder")];
        if made {
            special.push((fifo, "a named pipe nobody writes to"));
        }
        if Path::new("/dev/zero").exists() {
            special.push((PathBuf::from("/dev/zero"), "/dev/zero, endless zero bytes"));
        }
        for (path, what) in special {
            out.push(Hostile::new(
                path,
                what,
                Outcome::Refused(&["cannot read the file: not a regular file"]),
            ));
        }
    }
    out
}

/// The corpus and the generated files.
fn all_hostile_files(dir: &Path) -> Vec<Hostile> {
    let mut all: Vec<Hostile> = CORPUS
        .iter()
        .map(|c| Hostile::new(corpus_dir().join(c.file), c.what, c.outcome))
        .collect();
    all.extend(generated(dir));
    all
}

/// What a child process did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    peak_rss_mb: u64,
    elapsed: Duration,
    timed_out: bool,
}

/// Runs `command` to its end, or kills it once it has run for `limit`;
/// reaps it with `wait4` to learn its own peak memory.
#[cfg(unix)]
// The child is reaped by `wait4`, which `Child` does not know about.
#[allow(clippy::zombie_processes)]
fn run_bounded(mut command: Command, limit: Duration) -> Run {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut timed_out = false;
    loop {
        // SAFETY: plain system call on our own child, with valid pointers.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break;
        }
        assert_eq!(reaped, 0, "wait4 failed");
        if started.elapsed() > limit {
            timed_out = true;
            child.kill().unwrap();
            // SAFETY: as above; this time wait for the killed child.
            unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Run {
        code,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        peak_rss_mb: u64::try_from(usage.ru_maxrss).unwrap_or(0) / 1024,
        elapsed: started.elapsed(),
        timed_out,
    }
}

/// Every file of a folder, by name. Folders (the app's `backups`) and the
/// empty lock file a writer holds are not database content and are left out.
fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file() && !e.file_name().to_string_lossy().ends_with(".lock"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_manifest_lists_every_corpus_file_and_nothing_else() {
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus_dir())
        .map(|dir| {
            dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name != "README.md")
                .collect()
        })
        .unwrap_or_default();
    on_disk.sort();
    let mut listed: Vec<String> = CORPUS.iter().map(|c| c.file.to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    for c in CORPUS {
        assert!(!c.what.is_empty(), "{}", c.file);
        if let Outcome::Refused(words) = c.outcome {
            assert!(!words.is_empty(), "{}", c.file);
        }
    }
}

#[cfg(unix)]
#[test]
fn the_command_line_refuses_or_imports_every_hostile_file_in_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = data.join("frictionmap.sqlite3");
    let command = |args: &[&std::ffi::OsStr]| {
        let mut c = Command::new(BIN);
        c.env_remove("FRICTIONMAP_DB").arg("--db").arg(&db).args(args);
        c
    };
    assert!(run_bounded(command(&["list".as_ref()]), TIME_LIMIT).code == Some(0));
    let mut report = Vec::new();
    for file in all_hostile_files(dir.path()) {
        let name = file.name();
        let before = files_in(&data);
        let out = dir.path().join("out.json");
        let _ = std::fs::remove_file(&out);
        for to_file in [false, true] {
            let mut args: Vec<&std::ffi::OsStr> = vec!["bpmn".as_ref(), "import".as_ref(), file.path.as_os_str()];
            if to_file {
                args.extend(["--out".as_ref(), out.as_os_str()]);
            }
            let run = run_bounded(command(&args), TIME_LIMIT);
            report.push(format!(
                "{:>7.2} s {:>5} MB  {}",
                run.elapsed.as_secs_f64(),
                run.peak_rss_mb,
                name
            ));
            assert!(!run.timed_out, "{name}: still running after {TIME_LIMIT:?}");
            assert!(
                run.peak_rss_mb <= MEMORY_LIMIT_MB,
                "{name}: peak memory {} MB",
                run.peak_rss_mb
            );
            assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
            if file.refused {
                assert_eq!(run.code, Some(2), "{name}: exit code; stderr:\n{}", run.stderr);
                assert!(run.stdout.is_empty(), "{name}: nothing on stdout:\n{}", run.stdout);
                assert!(
                    run.stderr.starts_with(&format!("error: {}", file.path.display())),
                    "{name}: the message starts with the file:\n{}",
                    run.stderr
                );
                for word in &file.words {
                    assert!(
                        run.stderr.contains(word.as_str()),
                        "{name}: stderr lacks {word:?}:\n{}",
                        run.stderr
                    );
                }
                assert!(!out.exists(), "{name}: no map file written");
                assert_eq!(
                    files_in(&data),
                    before,
                    "{name}: the database is byte-for-byte unchanged"
                );
            } else {
                assert_eq!(run.code, Some(0), "{name}: exit code; stderr:\n{}", run.stderr);
                for word in &file.words {
                    assert!(
                        run.stdout.contains(word.as_str()),
                        "{name}: the summary lacks {word:?}:\n{}",
                        run.stdout
                    );
                }
                if to_file {
                    let map = frictionmap::mapfile::read_map_file(&out).unwrap_or_else(|e| panic!("{name}: {e}"));
                    assert!(frictionmap::validate::validate(&map).is_ok(), "{name}");
                }
            }
        }
    }
    println!("{}", report.join("\n"));
}

/// Whether some label on screen contains every one of `words`.
fn shown(harness: &Harness<'static, FrictionApp>, words: &[String]) -> bool {
    let words = words.to_vec();
    harness
        .query_all_by(move |node| {
            let text = if node.role() == Role::Label {
                node.value()
            } else {
                node.label()
            };
            text.is_some_and(|t| words.iter().all(|w| t.contains(w.as_str())))
        })
        .next()
        .is_some()
}

const FAILED: &str = "Import a BPMN 2.0 file failed";

#[test]
fn the_app_refuses_or_imports_every_hostile_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut harness = common::app(&data.join("fm.sqlite3"));
    let files = all_hostile_files(dir.path());
    // The refused files first: none of them may change anything.
    let maps_before = common::ws(&harness).maps().to_vec();
    let open_before = common::ws(&harness).document().map().clone();
    let files_before = files_in(&data);
    for file in files.iter().filter(|f| f.refused) {
        let name = file.name();
        common::menu(&mut harness, "Import BPMN…");
        common::type_path(&mut harness, &file.path);
        assert!(shown(&harness, &[FAILED.to_owned()]), "{name}: no error dialog");
        assert!(
            shown(&harness, &file.words),
            "{name}: the dialog lacks {:?}",
            file.words
        );
        // A long message's dialog grows for a few frames before it settles.
        for _ in 0..20 {
            harness.step();
        }
        harness.get_by_label("OK").click();
        harness.run();
        assert!(!shown(&harness, &[FAILED.to_owned()]), "{name}: the dialog closes");
        assert_eq!(
            common::ws(&harness).maps(),
            maps_before.as_slice(),
            "{name}: the library changed"
        );
        assert_eq!(
            common::ws(&harness).document().map(),
            &open_before,
            "{name}: the open map changed"
        );
    }
    harness.run();
    assert_eq!(
        files_in(&data),
        files_before,
        "the database is byte-for-byte unchanged after the refused imports"
    );
    // Then the hard files that must import: each opens with its report.
    for file in files.iter().filter(|f| !f.refused) {
        let name = file.name();
        let maps = common::ws(&harness).maps().len();
        common::menu(&mut harness, "Import BPMN…");
        common::type_path(&mut harness, &file.path);
        assert!(shown(&harness, &["BPMN import".to_owned()]), "{name}: no report");
        assert!(
            shown(&harness, &file.words),
            "{name}: the report lacks {:?}",
            file.words
        );
        for _ in 0..20 {
            harness.step();
        }
        harness.get_by_label("OK").click();
        harness.run();
        assert_eq!(common::ws(&harness).maps().len(), maps + 1, "{name}: one new map");
        let map = common::ws(&harness).document().map();
        assert!(frictionmap::validate::validate(map).is_ok(), "{name}");
    }
}

#[test]
fn the_library_refuses_or_imports_every_hostile_file() {
    let dir = tempfile::tempdir().unwrap();
    for file in all_hostile_files(dir.path()) {
        let name = file.name();
        match read_bpmn_file(&file.path) {
            Err(error) => {
                assert!(file.refused, "{name}: refused: {error}");
                let error = error.to_string();
                assert!(error.starts_with(&file.path.display().to_string()), "{name}: {error}");
                for word in &file.words {
                    assert!(
                        error.contains(word.as_str()),
                        "{name}: the message lacks {word:?}:\n{error}"
                    );
                }
            }
            Ok((map, summary)) => {
                assert!(!file.refused, "{name}: imported");
                assert!(frictionmap::validate::validate(&map).is_ok(), "{name}");
                let text = summary.to_string();
                for word in &file.words {
                    assert!(
                        text.contains(word.as_str()),
                        "{name}: the summary lacks {word:?}:\n{text}"
                    );
                }
            }
        }
    }
}
