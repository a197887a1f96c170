//! Reading and measuring side by side: the reader's events are copied into
//! batches and handed to a second thread, which measures them while the
//! reader parses on. On two cores a million-event log takes about half the
//! time it takes on one. A CSV row's cells are copied as bytes and checked
//! as text on the measuring thread: the reader is the slower of the two.

use std::sync::mpsc::{Receiver, Sender, SyncSender};

use super::event::{Cells, Event, EventSink, checked, checked_text};

/// Events per batch, and the text a batch may hold before it is sent.
const EVENTS: usize = 8192;
const TEXT_BYTES: usize = 4 << 20;
/// A field the event does not have.
const NONE: (u32, u32) = (u32::MAX, 0);

/// Where each of an event's seven fields is in a batch's bytes.
type Spans = [(u32, u32); 7];

/// Events and unreadable rows, the bytes of their fields in one buffer.
#[derive(Default)]
pub struct Batch {
    bytes: Vec<u8>,
    /// Each event's line, whether its fields are a row's cells still to be
    /// checked ([`checked`]) or an event's text, and the spans of its case,
    /// activity, time, start, lifecycle, resource and lane in `bytes`.
    events: Vec<(u64, bool, Spans)>,
    unreadable: Vec<(u64, String)>,
}

impl Batch {
    fn span(&mut self, field: Option<&[u8]>) -> (u32, u32) {
        match field {
            None => NONE,
            Some(bytes) => {
                let start = self.bytes.len() as u32;
                self.bytes.extend_from_slice(bytes);
                (start, bytes.len() as u32)
            }
        }
    }

    fn field(&self, (start, len): (u32, u32)) -> Option<&[u8]> {
        (start != u32::MAX).then(|| &self.bytes[start as usize..(start + len) as usize])
    }

    /// Hands the batch's events, then its unreadable rows, to `sink`; a
    /// row whose cells do not make an event is handed on as unreadable in
    /// its place.
    pub fn replay(&self, sink: &mut dyn EventSink) {
        // The text is checked as UTF-8 once for the whole batch (an
        // event's fields always are; a row's cells nearly always). When it
        // is, a field is text exactly when it starts and ends on a
        // character boundary; otherwise the row's cells are checked one by one.
        let text = std::str::from_utf8(&self.bytes).ok();
        for &(line, cells, spans) in &self.events {
            let mut fields: [Option<&str>; 7] = [None; 7];
            let mut whole = text.is_some();
            for (field, (start, len)) in fields.iter_mut().zip(spans) {
                if start != u32::MAX {
                    *field = text.and_then(|t| t.get(start as usize..(start + len) as usize));
                    whole &= field.is_some();
                }
            }
            let event = match (cells, whole) {
                // An event's fields came in as text.
                (false, true) => {
                    let [case, activity, time, start, lifecycle, resource, lane] = fields;
                    Ok(Event {
                        line,
                        case: case.unwrap_or_default(),
                        activity: activity.unwrap_or_default(),
                        time: time.unwrap_or_default(),
                        start,
                        lifecycle,
                        resource,
                        lane,
                    })
                }
                (true, true) => checked_text(line, fields),
                (_, false) => checked(line, spans.map(|s| self.field(s))),
            };
            match event {
                Ok(event) => sink.event(&event),
                Err(why) => sink.unreadable(line, why),
            }
        }
        for (line, why) in &self.unreadable {
            sink.unreadable(*line, why);
        }
    }
}

impl Batch {
    fn with_capacity() -> Self {
        Self {
            bytes: Vec::with_capacity(EVENTS * 64),
            events: Vec::with_capacity(EVENTS),
            unreadable: Vec::new(),
        }
    }

    /// Empty again, keeping its memory for the next batch.
    pub fn clear(&mut self) {
        self.bytes.clear();
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

impl BatchSink {
    fn push(&mut self, line: u64, cells: bool, fields: Cells<'_>) {
        let b = &mut self.batch;
        let spans = fields.map(|field| b.span(field));
        b.events.push((line, cells, spans));
        if b.events.len() >= EVENTS || b.bytes.len() >= TEXT_BYTES {
            self.send();
        }
    }
}

impl EventSink for BatchSink {
    fn event(&mut self, e: &Event<'_>) {
        let fields = [
            Some(e.case),
            Some(e.activity),
            Some(e.time),
            e.start,
            e.lifecycle,
            e.resource,
            e.lane,
        ]
        .map(|field| field.map(str::as_bytes));
        self.push(e.line, false, fields);
    }

    fn cells(&mut self, line: u64, cells: Cells<'_>) {
        self.push(line, true, cells);
    }

    fn unreadable(&mut self, line: u64, why: &str) {
        self.batch.unreadable.push((line, why.to_owned()));
    }
}
