//! Autosave: a background thread with its own database connection writes
//! map snapshots, so a save never stalls the UI. A snapshot is the whole
//! map or only the steps updated in place since the previous one
//! (`document::Snapshot`); the thread keeps the newest map of each in its
//! `SaveCache`, so queued snapshots merge into one save. Only the rows that
//! differ from what is stored are written (`Store::save_cached`). When no
//! save has come for a moment, the thread checkpoints the database, so the
//! copy from SQLite's write-ahead log into the file is not part of a save.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::document::Snapshot;
use crate::store::{MapId, SaveCache, Store};

/// How long the save thread waits for more work after a save before it
/// checkpoints the database (`Store::checkpoint`).
const CHECKPOINT_WHEN_IDLE: Duration = Duration::from_secs(2);

/// How the latest save went.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    Saved,
    /// The latest attempt failed, for this reason. It stays so until a save
    /// succeeds.
    Failed(String),
}

/// The outcome of the latest save, read by the UI each frame.
#[derive(Clone, Debug, PartialEq)]
pub struct SaveStatus {
    pub state: SaveState,
    /// The newest revision known to be on disk, per map.
    pub saved: Vec<(MapId, u64)>,
    /// Whether snapshots are queued or being written.
    pub in_flight: bool,
    /// When the latest attempt ended.
    pub finished_at: Option<Instant>,
}

impl SaveStatus {
    pub fn saved_revision(&self, id: MapId) -> Option<u64> {
        self.saved.iter().find(|(m, _)| *m == id).map(|(_, r)| *r)
    }
}

enum Job {
    Save {
        id: MapId,
        revision: u64,
        snapshot: Snapshot,
    },
    Flush(Sender<()>),
}

pub struct Saver {
    jobs: Option<Sender<Job>>,
    status: Arc<Mutex<SaveStatus>>,
    thread: Option<JoinHandle<()>>,
}

impl Saver {
    /// Starts the save thread on the database at `path`. `notify` runs after
    /// every batch of saves, so the UI can wake up and show the outcome.
    pub fn start(path: PathBuf, notify: impl Fn() + Send + 'static) -> Self {
        let (tx, rx) = mpsc::channel();
        let status = Arc::new(Mutex::new(SaveStatus {
            state: SaveState::Saved,
            saved: Vec::new(),
            in_flight: false,
            finished_at: None,
        }));
        let thread_status = Arc::clone(&status);
        let thread = std::thread::Builder::new()
            .name("autosave".into())
            .spawn(move || save_loop(&path, &rx, &thread_status, &notify))
            .ok();
        Self {
            jobs: Some(tx),
            status,
            thread,
        }
    }

    /// Queues a snapshot of a map for saving. A [`Snapshot::Steps`] builds
    /// on the snapshots of the map sent before it.
    pub fn save(&self, id: MapId, revision: u64, snapshot: Snapshot) {
        lock(&self.status).in_flight = true;
        let sent = self
            .jobs
            .as_ref()
            .is_some_and(|jobs| jobs.send(Job::Save { id, revision, snapshot }).is_ok());
        if !sent {
            set_state(&self.status, SaveState::Failed("the save thread has stopped".into()));
        }
    }

    /// Waits until every queued save has been attempted.
    pub fn flush(&self) {
        let (done_tx, done_rx) = mpsc::channel();
        if let Some(jobs) = &self.jobs
            && jobs.send(Job::Flush(done_tx)).is_ok()
        {
            let _ = done_rx.recv();
        }
    }

    pub fn status(&self) -> SaveStatus {
        lock(&self.status).clone()
    }
}

impl Drop for Saver {
    /// Finishes every queued save before the app goes away.
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The status, even if a thread panicked while holding it.
fn lock(status: &Mutex<SaveStatus>) -> std::sync::MutexGuard<'_, SaveStatus> {
    status.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn set_state(status: &Mutex<SaveStatus>, state: SaveState) {
    lock(status).state = state;
}

fn save_loop(path: &std::path::Path, rx: &Receiver<Job>, status: &Mutex<SaveStatus>, notify: &dyn Fn()) {
    // The connection, opened lazily and reopened after a failure to open,
    // and the newest map of each, which outlives a failed open or save.
    let mut store: Option<Store> = None;
    let mut cache = SaveCache::default();
    // Whether saves went into the write-ahead log since the last checkpoint.
    let mut logged = false;
    loop {
        let next = if logged {
            rx.recv_timeout(CHECKPOINT_WHEN_IDLE)
        } else {
            rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
        };
        let first = match next {
            Ok(job) => job,
            Err(RecvTimeoutError::Timeout) => {
                // Idle: copy the log into the database now, off every save's
                // path. One try: what a reader still needs, or a failed
                // try, waits for the next idle moment after a save.
                if let Some(s) = &store {
                    let _ = s.checkpoint();
                }
                logged = false;
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        // Take everything queued into the cache: one save per map, of its
        // newest revision.
        let mut jobs = vec![first];
        jobs.extend(rx.try_iter());
        let mut flushes = Vec::new();
        // Each map's newest revision, and why its snapshots could not be
        // taken in, if they could not.
        let mut latest: Vec<(MapId, u64, Option<String>)> = Vec::new();
        for job in jobs {
            match job {
                Job::Flush(done) => flushes.push(done),
                Job::Save { id, revision, snapshot } => {
                    let refused = latest.iter().find(|(m, _, _)| *m == id).and_then(|(_, _, e)| e.clone());
                    let refused = match snapshot {
                        Snapshot::Whole(map) => {
                            cache.put(id, *map);
                            None
                        }
                        Snapshot::Steps(steps) => match cache.put_steps(id, steps) {
                            Ok(()) => refused,
                            Err(e) => Some(e.to_string()),
                        },
                    };
                    latest.retain(|(m, _, _)| *m != id);
                    latest.push((id, revision, refused));
                }
            }
        }
        let mut failure = None;
        let attempted = !latest.is_empty();
        for (id, revision, refused) in latest {
            let result = match refused {
                Some(why) => Err(why),
                None => match &mut store {
                    Some(s) => s.save_cached(&mut cache, id),
                    None => Store::open(path).and_then(|s| store.insert(s).save_cached(&mut cache, id)),
                }
                .map_err(|e| e.to_string()),
            };
            let mut s = lock(status);
            match result {
                Ok(_) => {
                    logged = true;
                    s.saved.retain(|(m, _)| *m != id);
                    s.saved.push((id, revision));
                }
                // The first failure is the cause of any later ones.
                Err(why) => {
                    failure.get_or_insert(why);
                }
            }
        }
        {
            let mut s = lock(status);
            // A batch of flushes alone says nothing about how saving goes;
            // it must not clear the failure of the save before it.
            if attempted {
                s.state = match failure {
                    Some(why) => SaveState::Failed(why),
                    None => SaveState::Saved,
                };
                s.finished_at = Some(Instant::now());
                s.in_flight = false;
            }
        }
        notify();
        for done in flushes {
            let _ = done.send(());
        }
    }
}
