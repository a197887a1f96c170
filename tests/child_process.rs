//! Runs the command line as a child process with a time limit, and reads its
//! peak memory: a hostile input must neither hang a command nor let it take
//! the machine's memory.

#![allow(dead_code)]

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A child's address space is capped at this: a command that takes memory
/// without bound fails at once instead of filling the machine's while the
/// test waits, and no spike between two readings of its peak can pass
/// unseen beyond it.
const ADDRESS_SPACE_CAP: u64 = 4 << 30;

/// How a bounded run ended.
pub struct Finished {
    /// The exit code; `None` when a signal ended the child (or the test
    /// killed it at the time limit).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The child's peak resident memory in bytes: the highest `VmHWM` read
    /// from `/proc/<pid>/status` while it ran (see [`peak_rss`]).
    pub peak_rss_bytes: u64,
    pub timed_out: bool,
    pub elapsed: Duration,
}

impl Finished {
    /// A line for assertion messages: how it ended, and what it printed.
    pub fn describe(&self) -> String {
        format!(
            "exit {:?}{} after {:.1} s, peak RSS {} MiB\nstdout:\n{}\nstderr:\n{}",
            self.code,
            if self.timed_out {
                " (killed at the time limit)"
            } else {
                ""
            },
            self.elapsed.as_secs_f64(),
            self.peak_rss_bytes >> 20,
            cut(&self.stdout),
            cut(&self.stderr)
        )
    }
}

fn cut(text: &str) -> String {
    if text.chars().count() <= 2000 {
        return text.to_owned();
    }
    let head: String = text.chars().take(2000).collect();
    format!("{head}… ({} bytes in all)", text.len())
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Runs `command` (stdin closed) for at most `limit`, then kills it.
// The child is reaped with waitpid, which std's Child cannot do without
// blocking.
#[allow(clippy::zombie_processes)]
pub fn run_bounded(mut command: Command, limit: Duration) -> Finished {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe and touches no memory of the
    // parent; nothing else runs between fork and exec.
    unsafe {
        command.pre_exec(|| {
            let cap = libc::rlimit {
                rlim_cur: ADDRESS_SPACE_CAP,
                rlim_max: ADDRESS_SPACE_CAP,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &cap) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = command.spawn().expect("the command starts");
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let pid = child.id() as libc::pid_t;
    let program = Path::new(command.get_program())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut timed_out = false;
    let mut peak = 0;
    let status = loop {
        peak = peak.max(peak_rss(pid, &program).unwrap_or(0));
        let mut status = 0;
        let flags = if timed_out { 0 } else { libc::WNOHANG };
        // SAFETY: `pid` is our own child, not reaped yet; the pointer is to a local.
        let reaped = unsafe { libc::waitpid(pid, &mut status, flags) };
        if reaped == pid {
            break status;
        }
        assert!(reaped == 0, "waitpid: {}", std::io::Error::last_os_error());
        if started.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            continue;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let elapsed = started.elapsed();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Finished {
        code,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        peak_rss_bytes: peak,
        timed_out,
        elapsed,
    }
}

/// The peak resident memory of process `pid` so far, in bytes, once it
/// runs `program`. `VmHWM` belongs to the process's own memory, which exec
/// starts afresh; before exec the child still has (or shares) the test's.
/// The rusage of a child is no use here: Linux counts the parent's peak
/// into it at exec. Read every millisecond, it can miss a spike shorter
/// than that, which is what the address-space cap is for.
pub fn peak_rss(pid: libc::pid_t, program: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let name = status.lines().find_map(|l| l.strip_prefix("Name:"))?.trim();
    // The kernel keeps the first 15 bytes of a program's name.
    if !program.starts_with(name) {
        return None;
    }
    let kib: u64 = (status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?)
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Runs `f` on a thread of its own and waits at most `limit` for it. A
/// call that blocks forever (reading a named pipe) fails the test instead
/// of hanging it; its thread is left behind.
pub fn within<T: Send + 'static>(limit: Duration, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    });
    match receive.recv_timeout(limit) {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("{what}: still running after {:.0} s", limit.as_secs_f64()),
    }
}

#[test]
fn the_peak_memory_read_is_the_childs_own() {
    let dir = tempfile::tempdir().unwrap();
    let run = |steps: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_frictionmap"));
        command
            .args(["gen", "--lanes", "10", "--steps", steps, "--out"])
            .arg(dir.path().join(format!("{steps}.json")));
        run_bounded(command, Duration::from_secs(120))
    };
    // This test's own process is far larger than the small command.
    let _ballast = vec![1u8; 256 << 20];
    let small = run("10");
    let big = run("300000");
    assert_eq!((small.code, big.code), (Some(0), Some(0)), "{}", big.describe());
    assert!(small.peak_rss_bytes < 64 << 20, "{}", small.describe());
    assert!(
        big.peak_rss_bytes > small.peak_rss_bytes + (64 << 20),
        "{}",
        big.describe()
    );
}
