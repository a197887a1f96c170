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
    /// An event as the cells of a row: case, activity, time, start,
    /// lifecycle, resource and lane, as bytes, untrimmed and not yet
    /// checked as text (`None`: the row has no such cell). By default they
    /// are checked here ([`checked`]); a sink that hands events to another
    /// thread checks them there, off the reader's path.
    fn cells(&mut self, line: u64, cells: Cells<'_>) {
        match checked(line, cells) {
            Ok(event) => self.event(&event),
            Err(why) => self.unreadable(line, why),
        }
    }
}

/// An event's cells as a CSV row gives them (see [`EventSink::cells`]).
pub type Cells<'a> = [Option<&'a [u8]>; 7];

/// The event a row's cells make: each cell trimmed of white space, an
/// empty one taken as missing; or why there is none: a case, an activity
/// or a time missing, or a cell that is not UTF-8 text.
pub fn checked(line: u64, cells: Cells<'_>) -> Result<Event<'_>, &'static str> {
    let mut text: [Option<&str>; 7] = [None; 7];
    for (text, cell) in text.iter_mut().zip(cells) {
        if let Some(bytes) = cell {
            *text = Some(std::str::from_utf8(bytes).map_err(|_| NOT_TEXT)?);
        }
    }
    checked_text(line, text)
}

/// Why a cell is not read.
const NOT_TEXT: &str = "not UTF-8 text";

/// The event a row's cells make once they are known to be text, as
/// [`checked`] says.
pub fn checked_text(line: u64, cells: [Option<&str>; 7]) -> Result<Event<'_>, &'static str> {
    fn text(cell: Option<&str>) -> Option<&str> {
        cell.map(str::trim).filter(|t| !t.is_empty())
    }
    let [case, activity, time, start, lifecycle, resource, lane] = cells.map(text);
    Ok(Event {
        line,
        case: case.ok_or("no case id")?,
        activity: activity.ok_or("no activity")?,
        time: time.ok_or("no time")?,
        start,
        lifecycle,
        resource,
        lane,
    })
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
