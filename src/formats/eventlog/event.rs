//! What a log reader hands on: each event's text fields in file order, and
//! each event it could not make out. The readers (`csv_log`, `xes`) know
//! their format; everything after them (`measure`) sees only this.

/// One event as the file gives it, before its times are read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event<'a> {
    /// Where it is: the CSV line of its row, or the line of the XES
    /// `<event>` tag, counted from 1.
    pub line: u64,
    /// The case (process instance) it belongs to.
    pub case: &'a str,
    pub activity: &'a str,
    /// When it happened: the completion time, or the time of a lifecycle
    /// transition (`start`) when the log has them.
    pub time: &'a str,
    /// A start time given beside the completion time (a start-timestamp
    /// column); `None` when there is none or the cell is empty.
    pub start: Option<&'a str>,
    /// The lifecycle transition (`start`, `complete`, `schedule`…), if the
    /// log has them.
    pub lifecycle: Option<&'a str>,
    pub resource: Option<&'a str>,
    /// The value of the case attribute lanes are made by, when one was
    /// asked for and this event's case has it (for a CSV, the value on the
    /// row; the measurer keeps the one of each case's first row).
    pub lane: Option<&'a str>,
}

/// Where a reader puts what it reads.
pub trait EventSink {
    /// An event, in file order.
    fn event(&mut self, event: &Event<'_>);
    /// An event the reader could not make out (no case, activity or time),
    /// at `line`, and why, in words (`no case id`).
    fn unreadable(&mut self, line: u64, why: &str);
}

/// A sink for the readers' tests: what it was handed, owned.
#[cfg(test)]
pub(crate) mod collect {
    use super::{Event, EventSink};

    /// An event as a reader handed it.
    #[derive(Debug, Default, PartialEq)]
    pub struct Handed {
        pub line: u64,
        pub case: String,
        pub activity: String,
        pub time: String,
        pub start: Option<String>,
        pub lifecycle: Option<String>,
        pub resource: Option<String>,
        pub lane: Option<String>,
    }

    /// The events handed over, and each unreadable line with why.
    #[derive(Default)]
    pub struct Collect {
        pub events: Vec<Handed>,
        pub unreadable: Vec<(u64, String)>,
    }

    impl EventSink for Collect {
        fn event(&mut self, e: &Event<'_>) {
            let own = |s: Option<&str>| s.map(str::to_owned);
            self.events.push(Handed {
                line: e.line,
                case: e.case.to_owned(),
                activity: e.activity.to_owned(),
                time: e.time.to_owned(),
                start: own(e.start),
                lifecycle: own(e.lifecycle),
                resource: own(e.resource),
                lane: own(e.lane),
            });
        }
        fn unreadable(&mut self, line: u64, why: &str) {
            self.unreadable.push((line, why.to_owned()));
        }
    }
}
