//! The simulation of how sure the pick is, for the map the window shows
//! (the saved map, or the workshop's what-ifs). A new version of the map
//! cancels the run in progress and starts another, off the UI thread; the
//! last figures stay on screen, marked as updating, until the new ones come.
//! A run small enough to take about a millisecond or less (the sample
//! maps' take a few tenths of one) is done at once instead: a thread and a
//! frame of "simulating…" would cost more than the run.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use eframe::egui;

use crate::document::Document;
use crate::scoring::certainty::{Certainty, simulate, simulate_to_end, values_to_draw};

/// Runs that draw fewer values than this are done on the UI thread, unless
/// the app is configured otherwise ([`super::AppConfig`]).
pub const AT_ONCE: u64 = 500_000;

/// The figures of one version of a map ([`Document::version`]).
struct Figures {
    version: (u64, u64),
    certainty: Arc<Certainty>,
}

/// What [`CertaintyRunner::latest`] has to show.
pub struct Latest {
    /// Whether these are the figures of the map as it is now.
    pub current: bool,
    pub certainty: Arc<Certainty>,
}

struct Running {
    version: (u64, u64),
    cancel: Arc<AtomicBool>,
    result: Receiver<Option<Certainty>>,
}

pub struct CertaintyRunner {
    running: Option<Running>,
    done: Option<Figures>,
    at_once_below: u64,
}

impl CertaintyRunner {
    /// Runs drawing fewer than `at_once_below` values are done at once.
    pub fn new(at_once_below: u64) -> Self {
        Self {
            running: None,
            done: None,
            at_once_below,
        }
    }

    /// The latest figures: `doc`'s own, or an earlier version's while a run
    /// for `doc` is under way (started here when `doc` changed since the
    /// last run; it asks `ctx` for a frame when it ends).
    pub fn latest(&mut self, doc: &Document, ctx: &egui::Context) -> Option<Latest> {
        self.take_result();
        let version = doc.version();
        let current = |v: Option<(u64, u64)>| v == Some(version);
        if !current(self.done.as_ref().map(|f| f.version)) && !current(self.running.as_ref().map(|r| r.version)) {
            let ctx = ctx.clone();
            self.start(doc, move || ctx.request_repaint());
        }
        self.done.as_ref().map(|f| Latest {
            current: f.version == version,
            certainty: Arc::clone(&f.certainty),
        })
    }

    /// The finished figures of `doc` as it is now, if there are any.
    pub fn current(&self, doc: &Document) -> Option<&Certainty> {
        (self.done.as_ref())
            .filter(|f| f.version == doc.version())
            .map(|f| &*f.certainty)
    }

    /// The figures for `doc`, simulated here and now unless a finished run
    /// has them: for exports, which must not go out without them.
    pub fn now(&mut self, doc: &Document) -> Arc<Certainty> {
        self.take_result();
        let version = doc.version();
        if let Some(done) = self.done.as_ref().filter(|f| f.version == version) {
            return Arc::clone(&done.certainty);
        }
        let map = doc.map();
        let certainty = Arc::new(simulate_to_end(map, doc.ranking(), map.simulation));
        self.done = Some(Figures {
            version,
            certainty: Arc::clone(&certainty),
        });
        certainty
    }

    fn take_result(&mut self) {
        let Some(running) = &self.running else { return };
        match running.result.try_recv() {
            Ok(Some(certainty)) => {
                self.done = Some(Figures {
                    version: running.version,
                    certainty: Arc::new(certainty),
                });
                self.running = None;
            }
            Ok(None) | Err(TryRecvError::Disconnected) => self.running = None,
            Err(TryRecvError::Empty) => {}
        }
    }

    fn start(&mut self, doc: &Document, wake: impl Fn() + Send + 'static) {
        if let Some(old) = self.running.take() {
            old.cancel.store(true, Ordering::Relaxed);
        }
        if values_to_draw(doc.map()) < self.at_once_below {
            self.now(doc);
            return;
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let (send, result) = channel();
        let (map, ranking) = (doc.map().clone(), doc.ranking().clone());
        let stop = Arc::clone(&cancel);
        let spawned = std::thread::Builder::new().name("certainty".into()).spawn(move || {
            let settings = map.simulation;
            let _ = send.send(simulate(&map, &ranking, settings, &stop));
            wake();
        });
        if spawned.is_ok() {
            self.running = Some(Running {
                version: doc.version(),
                cancel,
                result,
            });
        }
    }
}

impl Drop for CertaintyRunner {
    fn drop(&mut self) {
        if let Some(running) = &self.running {
            running.cancel.store(true, Ordering::Relaxed);
        }
    }
}
