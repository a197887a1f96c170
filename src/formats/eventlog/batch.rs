//! Reading and measuring side by side: the reader's events are copied into
//! batches and handed to a second thread, which measures them while the
//! reader parses on. On two cores a million-event log takes about half the
//! time it takes on one.

use std::sync::mpsc::{Receiver, Sender, SyncSender};

use super::event::{Event, EventSink};

/// Events per batch, and the text a batch may hold before it is sent.
const EVENTS: usize = 8192;
const TEXT_BYTES: usize = 4 << 20;
/// A field the event does not have.
const NONE: (u32, u32) = (u32::MAX, 0);

/// Events and unreadable rows, their text in one buffer.
#[derive(Default)]
pub struct Batch {
    text: String,
    /// Each event's line and the spans of its case, activity, time, start,
    /// lifecycle, resource and lane in `text`.
    events: Vec<(u64, [(u32, u32); 7])>,
    unreadable: Vec<(u64, String)>,
}

impl Batch {
    fn span(&mut self, field: Option<&str>) -> (u32, u32) {
        match field {
            None => NONE,
            Some(text) => {
                let start = self.text.len() as u32;
                self.text.push_str(text);
                (start, text.len() as u32)
            }
        }
    }

    fn field(&self, (start, len): (u32, u32)) -> Option<&str> {
        (start != u32::MAX).then(|| &self.text[start as usize..(start + len) as usize])
    }

    /// Hands the batch's events, then its unreadable rows, to `sink`.
    pub fn replay(&self, sink: &mut dyn EventSink) {
        for &(line, spans) in &self.events {
            let [case, activity, time, start, lifecycle, resource, lane] = spans.map(|s| self.field(s));
            sink.event(&Event {
                line,
                case: case.unwrap_or_default(),
                activity: activity.unwrap_or_default(),
                time: time.unwrap_or_default(),
                start,
                lifecycle,
                resource,
                lane,
            });
        }
        for (line, why) in &self.unreadable {
            sink.unreadable(*line, why);
        }
    }
}

impl Batch {
    fn with_capacity() -> Self {
        Self {
            text: String::with_capacity(EVENTS * 64),
            events: Vec::with_capacity(EVENTS),
            unreadable: Vec::new(),
        }
    }

    /// Empty again, keeping its memory for the next batch.
    pub fn clear(&mut self) {
        self.text.clear();
        self.events.clear();
        self.unreadable.clear();
    }
}

/// A sink that fills batches and sends each full one. Batches come back
/// empty, to be filled again: fresh ones for each would spend the time in
/// the system giving out and zeroing memory.
pub struct BatchSink {
    batch: Batch,
    send: SyncSender<Batch>,
    spare: Receiver<Batch>,
}

/// The measuring end: full batches in, emptied ones back.
pub struct Batches {
    pub full: Receiver<Batch>,
    pub empty: Sender<Batch>,
}

impl BatchSink {
    /// A sink, and the measuring end, which holds at most a few batches
    /// ahead of the measuring.
    pub fn channel() -> (Self, Batches) {
        let (send, full) = std::sync::mpsc::sync_channel(4);
        let (empty, spare) = std::sync::mpsc::channel();
        let sink = Self {
            batch: Batch::with_capacity(),
            send,
            spare,
        };
        (sink, Batches { full, empty })
    }

    fn send(&mut self) {
        let next = self.spare.try_recv().unwrap_or_else(|_| Batch::with_capacity());
        let full = std::mem::replace(&mut self.batch, next);
        // The measuring thread only stops when this sink is dropped.
        let _ = self.send.send(full);
    }

    /// Sends what is left.
    pub fn finish(mut self) {
        self.send();
    }
}

impl EventSink for BatchSink {
    fn event(&mut self, e: &Event<'_>) {
        let b = &mut self.batch;
        let spans = [
            Some(e.case),
            Some(e.activity),
            Some(e.time),
            e.start,
            e.lifecycle,
            e.resource,
            e.lane,
        ]
        .map(|field| b.span(field));
        b.events.push((e.line, spans));
        if b.events.len() >= EVENTS || b.text.len() >= TEXT_BYTES {
            self.send();
        }
    }

    fn unreadable(&mut self, line: u64, why: &str) {
        self.batch.unreadable.push((line, why.to_owned()));
    }
}
