//! Runs the command line as a child process with a time limit, and reads its
//! peak memory: a hostile input must neither hang a command nor let it take
//! the machine's memory.

#![allow(dead_code)]

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A child's address space is capped at this, so that a command that reads
/// without bound fails on its own instead of filling the machine's memory
/// while the test waits for it.
const ADDRESS_SPACE_CAP: u64 = 3 << 30;

/// How a bounded run ended.
pub struct Finished {
    /// The exit code; `None` when a signal ended the child (or the test
    /// killed it at the time limit).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The child's peak resident memory, in bytes (`ru_maxrss`).
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
// The child is reaped with wait4, which also gives its peak memory.
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
    let mut timed_out = false;
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let flags = if timed_out { 0 } else { libc::WNOHANG };
        // SAFETY: `pid` is our own child, not reaped yet; the pointers are to locals.
        let reaped = unsafe { libc::wait4(pid, &mut status, flags, &mut usage) };
        if reaped == pid {
            break (status, usage);
        }
        assert!(reaped == 0, "wait4: {}", std::io::Error::last_os_error());
        if started.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            continue;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Finished {
        code,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        // Linux gives ru_maxrss in KiB.
        peak_rss_bytes: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
        timed_out,
        elapsed,
    }
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
