//! Backups while the app runs, on a thread of their own so the window never
//! waits for one: a backup at start-up when the database changed since its
//! newest backup, then at most one per period while edits are being saved.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::store::Store;
use crate::store::backup::{self, Backup, Reason};

/// The outcome of the newest backup attempt.
pub type LastBackup = Option<Result<Backup, String>>;

pub struct AutoBackup {
    edits: Option<Sender<()>>,
    last: Arc<Mutex<LastBackup>>,
    thread: Option<JoinHandle<()>>,
}

impl AutoBackup {
    /// Starts the backup thread for the database at `db`.
    pub fn start(db: PathBuf, period: Duration) -> Self {
        let (tx, rx) = mpsc::channel();
        let last = Arc::new(Mutex::new(None));
        let thread_last = Arc::clone(&last);
        let thread = std::thread::Builder::new()
            .name("backup".into())
            .spawn(move || backup_loop(&db, period, &rx, &thread_last))
            .ok();
        Self {
            edits: Some(tx),
            last,
            thread,
        }
    }

    /// Tells the thread that an edit was saved.
    pub fn note_edit(&self) {
        if let Some(tx) = &self.edits {
            let _ = tx.send(());
        }
    }

    pub fn last(&self) -> LastBackup {
        lock(&self.last).clone()
    }
}

impl Drop for AutoBackup {
    fn drop(&mut self) {
        drop(self.edits.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn lock(last: &Mutex<LastBackup>) -> std::sync::MutexGuard<'_, LastBackup> {
    last.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn backup_loop(db: &std::path::Path, period: Duration, edits: &Receiver<()>, last: &Mutex<LastBackup>) {
    let take = |reason| {
        let outcome = Store::open(db)
            .and_then(|store| backup::take(&store, reason))
            .map_err(|e| e.to_string());
        *lock(last) = Some(outcome);
    };
    if backup::changed_since_newest(db) {
        take(Reason::Start);
    }
    let mut last_taken = Instant::now();
    let mut edited = false;
    loop {
        let next = if edited {
            edits.recv_timeout(period.saturating_sub(last_taken.elapsed()))
        } else {
            edits.recv().map_err(|_| RecvTimeoutError::Disconnected)
        };
        match next {
            Ok(()) => edited = true,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if edited && last_taken.elapsed() >= period {
            take(Reason::Periodic);
            last_taken = Instant::now();
            edited = false;
        }
    }
}
