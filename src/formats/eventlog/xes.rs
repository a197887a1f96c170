//! Event logs as XES (IEEE 1849): a `<log>` of `<trace>`s (the cases), each
//! holding its attributes and its `<event>`s, every value an element of its
//! own (`<string key="concept:name" value="…"/>`). Read as a stream with
//! quick-xml: memory holds one tag, and the events of a trace only while its
//! `concept:name` (or the lane attribute) is still to come.

use std::borrow::Cow;
use std::io::{self, BufRead, Read};
use std::ops::Range;

use ahash::{AHashMap, AHashSet};
use quick_xml::Reader;
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::escape::EscapeError;
use quick_xml::events::{BytesStart, Event as XmlEvent};

use super::event::{Event, EventSink};
use super::{LogError, MAX_SURVEY_VALUES};
use crate::domain::validate::escape_controls;
use crate::formats::input_file::{FileError, wide_text};

/// A tag, text or comment longer than this refuses the file: no XES value
/// is that long, and the parser holds a whole tag in memory.
pub const MAX_TOKEN_BYTES: u64 = 1 << 20;
/// Elements nested deeper than this refuse the file: XES nests six deep
/// (a value in a list in an event), and the parser keeps every open name.
pub const MAX_DEPTH: usize = 64;
/// The most the events of one trace may take in memory while they wait
/// for its `concept:name` or lane attribute, in bytes.
pub const MAX_WAITING_BYTES: usize = 64 << 20;
/// The most trace attributes, and event attribute keys, a survey lists.
pub const MAX_SURVEY_KEYS: usize = 100;
/// A survey cuts longer keys and values: they are for showing, and this
/// bounds what it keeps to [`MAX_SURVEY_KEYS`] × [`MAX_SURVEY_VALUES`]
/// values of this many characters whatever the file.
pub const MAX_SURVEY_CHARS: usize = 200;

/// The elements that hold one value. XES's `list` and `container` hold
/// several and are skipped.
const VALUE_TAGS: [&[u8]; 6] = [b"string", b"date", b"int", b"float", b"boolean", b"id"];

/// What reading an XES log found besides its events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct XesSummary {
    /// `<trace>` elements, with or without a case id.
    pub traces: u64,
    /// Events handed to the sink.
    pub events: u64,
    /// Events reported as unreadable (those outside a trace and those of a
    /// trace without a case id among them).
    pub unreadable: u64,
    /// Cases without the lane attribute asked for: their events have no lane.
    pub cases_without_lane: u64,
}

/// Reads an XES log (IEEE 1849) as a stream, handing each event to `sink`.
/// `lane_by` names a trace attribute whose value becomes `Event::lane`.
///
/// The case id is the trace's `concept:name`; an event's activity, time,
/// lifecycle and resource are its `concept:name`, `time:timestamp`,
/// `lifecycle:transition` and `org:resource`, trimmed, a blank one taken as
/// missing. A trace's events wait in memory until its case id and lane
/// attribute are known, so either may come after them; a trace without the
/// lane attribute waits to its end, and one whose lane attribute has not
/// come within [`MAX_WAITING_BYTES`] of events gives the rest no lane.
pub fn read_xes(
    input: &mut dyn BufRead,
    source_name: &str,
    lane_by: Option<&str>,
    sink: &mut dyn EventSink,
) -> Result<XesSummary, LogError> {
    let mut reader = EventReader::new(sink, lane_by, MAX_WAITING_BYTES);
    scan(input, source_name, &mut reader)?;
    Ok(reader.summary)
}

/// What a dialog shows of an XES log before importing it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct XesSurvey {
    pub traces: u64,
    /// Events inside traces.
    pub events: u64,
    /// The trace (case) attributes in the order first seen, `concept:name`
    /// among them: what lanes can be made by.
    pub trace_attributes: Vec<AttributeValues>,
    /// Whether the traces had more attributes than the [`MAX_SURVEY_KEYS`] listed.
    pub more_trace_attributes: bool,
    /// The keys of the event attributes, in the order first seen.
    pub event_keys: Vec<String>,
    /// Whether the events had more keys than the [`MAX_SURVEY_KEYS`] listed.
    pub more_event_keys: bool,
    /// The first events, as many as were asked for.
    pub first_events: Vec<SurveyedEvent>,
}

/// One trace attribute over the cases.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttributeValues {
    pub key: String,
    /// Cases that have it.
    pub cases: u64,
    /// Its distinct values (up to [`MAX_SURVEY_VALUES`]) with the cases
    /// that have each, most cases first.
    pub values: Vec<(String, u64)>,
    /// Cases whose value is not in `values`, because the list was full
    /// when it first came.
    pub other_cases: u64,
}

/// An event as the file gives it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SurveyedEvent {
    /// The line of its `<event>` tag.
    pub line: u64,
    /// Its trace's `concept:name`, if the trace has one.
    pub case: Option<String>,
    /// Its attributes in file order, nested ones left out.
    pub attributes: Vec<(String, String)>,
}

/// What a dialog shows before importing: the trace attributes with up to
/// N distinct values each and their case counts, the event attribute keys,
/// and the first `rows` events as (key, value) pairs.
///
/// Reads the whole file, as the import does, since the values of a trace
/// attribute are counted over every case. Values are cut to
/// [`MAX_SURVEY_CHARS`], and one that is not UTF-8 or has a broken
/// reference is shown as best it can be (the import reports it).
pub fn survey_xes(input: &mut dyn BufRead, source_name: &str, rows: usize) -> Result<XesSurvey, LogError> {
    let mut surveyor = Surveyor {
        rows,
        ..Surveyor::default()
    };
    scan(input, source_name, &mut surveyor)?;
    Ok(surveyor.finish())
}

/// What the scanner finds, in file order. Keys have their references
/// replaced; values come raw, so a visitor decodes only those it uses.
/// An `Err` is a message for the line being read.
trait Visitor {
    fn trace_start(&mut self, line: u64);
    fn trace_attribute(&mut self, key: &[u8], raw_value: &[u8]) -> Result<(), String>;
    fn trace_end(&mut self);
    fn event_start(&mut self, line: u64);
    fn event_attribute(&mut self, key: &[u8], raw_value: &[u8]) -> Result<(), String>;
    fn event_end(&mut self) -> Result<(), String>;
    fn event_outside_trace(&mut self, line: u64);
}

/// Where the scanner is in the XES structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    BeforeLog,
    Log,
    Trace,
    Event,
    AfterLog,
}

/// An element whose content is passed over (log attributes, `<global>`,
/// nested values…): its name and line, for the message when the file ends
/// inside it.
struct Skipped {
    name: String,
    line: u64,
    depth: usize,
}

/// Reads the XML of `input`, checks that it is one `<log>`, and tells
/// `visitor` its traces, events and their attributes.
fn scan(input: &mut dyn BufRead, source_name: &str, visitor: &mut impl Visitor) -> Result<(), LogError> {
    let at = |line: u64, message: String| LogError::At {
        source_name: source_name.to_owned(),
        line,
        message,
    };
    let head = input.fill_buf().map_err(|error| FileError::Io {
        name: source_name.to_owned(),
        error,
    })?;
    if let Some(wide) = wide_text(head) {
        return Err(LogError::File {
            source_name: source_name.to_owned(),
            message: format!("{wide}; save the log as UTF-8"),
        });
    }
    let mut reader = Reader::from_reader(CountingInput::new(input));
    let mut buf = Vec::with_capacity(4096);
    let mut place = Place::BeforeLog;
    let mut open = OpenLines::default();
    let mut skipped: Option<Skipped> = None;
    loop {
        buf.clear();
        // Reading stops at the end of each event, so the next one starts here.
        let line = reader.get_ref().newlines + 1;
        reader.get_mut().token_bytes = 0;
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(error) => {
                let innermost = innermost(place, &open, skipped.as_ref());
                return Err(xml_error(error, reader.get_ref(), innermost, line, source_name));
            }
        };
        if let Some(skipping) = &mut skipped {
            match event {
                XmlEvent::Start(_) if skipping.depth + 3 >= MAX_DEPTH => {
                    return Err(at(
                        line,
                        format!("elements nest more than {MAX_DEPTH} deep here; an XES log nests six deep"),
                    ));
                }
                XmlEvent::Start(_) => skipping.depth += 1,
                XmlEvent::End(_) if skipping.depth == 1 => skipped = None,
                XmlEvent::End(_) => skipping.depth -= 1,
                XmlEvent::Eof => return Err(at(line, cut_off(innermost(place, &open, Some(skipping))))),
                _ => {}
            }
            continue;
        }
        match event {
            XmlEvent::Start(ref tag) | XmlEvent::Empty(ref tag) => {
                let has_content = matches!(event, XmlEvent::Start(_));
                let name = tag.local_name();
                let name = name.as_ref();
                let skip_content = match place {
                    Place::BeforeLog if name == b"log" => {
                        place = if has_content { Place::Log } else { Place::AfterLog };
                        open.log = line;
                        false
                    }
                    Place::BeforeLog => {
                        return Err(LogError::File {
                            source_name: source_name.to_owned(),
                            message: format!(
                                "this is XML but not an XES log: its root element is <{}>",
                                shown_name(tag.name().as_ref())
                            ),
                        });
                    }
                    Place::AfterLog => {
                        return Err(at(
                            line,
                            format!(
                                "<{}> after </log>: an XES log is one <log> element",
                                shown_name(tag.name().as_ref())
                            ),
                        ));
                    }
                    Place::Log if name == b"trace" => {
                        visitor.trace_start(line);
                        if has_content {
                            place = Place::Trace;
                            open.trace = line;
                        } else {
                            visitor.trace_end();
                        }
                        false
                    }
                    Place::Log if name == b"event" => {
                        visitor.event_outside_trace(line);
                        true
                    }
                    Place::Trace if name == b"event" => {
                        visitor.event_start(line);
                        if has_content {
                            place = Place::Event;
                            open.event = line;
                        } else {
                            visitor.event_end().map_err(|message| at(line, message))?;
                        }
                        false
                    }
                    Place::Trace | Place::Event if VALUE_TAGS.contains(&name) => {
                        if let Some((key, value)) = key_and_value(tag).map_err(|message| at(line, message))? {
                            let told = if place == Place::Trace {
                                visitor.trace_attribute(&key, &value)
                            } else {
                                visitor.event_attribute(&key, &value)
                            };
                            told.map_err(|message| at(line, message))?;
                        }
                        true
                    }
                    // Log attributes, <extension>, <global>, <classifier>,
                    // lists, containers and anything unknown.
                    Place::Log | Place::Trace | Place::Event => true,
                };
                if skip_content && has_content {
                    skipped = Some(Skipped {
                        name: shown_name(tag.name().as_ref()),
                        line,
                        depth: 1,
                    });
                }
            }
            XmlEvent::End(_) => match place {
                Place::Event => {
                    visitor.event_end().map_err(|message| at(line, message))?;
                    place = Place::Trace;
                }
                Place::Trace => {
                    visitor.trace_end();
                    place = Place::Log;
                }
                Place::Log => place = Place::AfterLog,
                // quick-xml refuses an end tag that closes nothing.
                Place::BeforeLog | Place::AfterLog => {
                    return Err(at(line, "a closing tag here closes no open element".to_owned()));
                }
            },
            XmlEvent::Text(ref text)
                if matches!(place, Place::BeforeLog | Place::AfterLog) && !text.iter().all(u8::is_ascii_whitespace) =>
            {
                return Err(at(line, text_outside_log(place)));
            }
            XmlEvent::CData(_) | XmlEvent::GeneralRef(_) if matches!(place, Place::BeforeLog | Place::AfterLog) => {
                return Err(at(line, text_outside_log(place)));
            }
            XmlEvent::DocType(ref doctype) => {
                if let Some(offset) = memchr::memmem::find(doctype, b"<!ENTITY") {
                    return Err(at(
                        line + count_newlines(&doctype[..offset]),
                        "the file declares XML entities (<!ENTITY …>); an XES log has none, and expanding \
                         them could make a small file huge"
                            .to_owned(),
                    ));
                }
            }
            XmlEvent::Eof => {
                return match place {
                    Place::AfterLog => Ok(()),
                    Place::BeforeLog => Err(LogError::File {
                        source_name: source_name.to_owned(),
                        message: "the file holds no XML element; an XES log is a <log> element".to_owned(),
                    }),
                    Place::Log | Place::Trace | Place::Event => Err(at(line, cut_off(innermost(place, &open, None)))),
                };
            }
            // Text inside the log (XES has none), comments, the XML
            // declaration and processing instructions.
            _ => {}
        }
    }
}

/// The lines the open `<log>`, `<trace>` and `<event>` start on.
#[derive(Default)]
struct OpenLines {
    log: u64,
    trace: u64,
    event: u64,
}

/// The innermost open element and its line, for the message when the file
/// ends inside it.
fn innermost<'a>(place: Place, open: &OpenLines, skipped: Option<&'a Skipped>) -> Option<(&'a str, u64)> {
    match (skipped, place) {
        (Some(skipped), _) => Some((skipped.name.as_str(), skipped.line)),
        (None, Place::Log) => Some(("log", open.log)),
        (None, Place::Trace) => Some(("trace", open.trace)),
        (None, Place::Event) => Some(("event", open.event)),
        (None, Place::BeforeLog | Place::AfterLog) => None,
    }
}

/// The message for a file that ends inside an element.
fn cut_off(innermost: Option<(&str, u64)>) -> String {
    match innermost {
        Some((name, line)) => format!("the file ends inside <{name}> opened on line {line}: it was cut off"),
        None => "the file ends early: it was cut off".to_owned(),
    }
}

fn text_outside_log(place: Place) -> String {
    if place == Place::BeforeLog {
        "this is not an XES log: there is text before its <log> element".to_owned()
    } else {
        "there is text after </log>, which ends an XES log".to_owned()
    }
}

/// A quick-xml error in words, at the line of the markup it was reading.
fn xml_error(
    error: XmlError,
    input: &CountingInput<'_>,
    innermost: Option<(&str, u64)>,
    line: u64,
    source_name: &str,
) -> LogError {
    let at = |message: String| LogError::At {
        source_name: source_name.to_owned(),
        line,
        message,
    };
    if input.token_too_long {
        return at(format!(
            "a tag or text starting here runs over {} MB; no XES value is that long, so the file is refused",
            MAX_TOKEN_BYTES >> 20
        ));
    }
    let inside = match innermost {
        Some((name, opened)) => format!(" inside <{name}> opened on line {opened}"),
        None => String::new(),
    };
    let unclosed = |what: &str| {
        at(format!(
            "the file ends{inside} in {what} that starts here: it was cut off"
        ))
    };
    match error {
        XmlError::Io(error) => LogError::Read(FileError::Io {
            name: source_name.to_owned(),
            error: io::Error::new(error.kind(), error.to_string()),
        }),
        XmlError::Syntax(SyntaxError::UnclosedTag) => unclosed("a tag"),
        XmlError::Syntax(SyntaxError::UnclosedComment) => unclosed("a comment (<!-- without -->)"),
        XmlError::Syntax(SyntaxError::UnclosedCData) => unclosed("a CDATA section"),
        XmlError::Syntax(SyntaxError::UnclosedDoctype) => unclosed("a <!DOCTYPE …>"),
        XmlError::Syntax(SyntaxError::UnclosedPIOrXmlDecl) => unclosed("a <? … ?>"),
        XmlError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => at(format!(
            "</{}> closes <{}>: the tags do not match",
            shown_name(found.as_bytes()),
            shown_name(expected.as_bytes())
        )),
        XmlError::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
            at(format!("</{}> closes no open element", shown_name(name.as_bytes())))
        }
        other => at(format!("the XML is broken here: {other}")),
    }
}

/// An element name from the file as a message shows it: cut, without
/// control characters.
fn shown_name(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    let cut: String = name.chars().take(40).collect();
    escape_controls(&cut).into_owned()
}

/// The `key` and the raw `value` of a value element.
type KeyAndValue<'t> = (Cow<'t, [u8]>, Cow<'t, [u8]>);

/// The `key` and `value` of a value element, the key with its references
/// replaced; `None` when either is missing.
fn key_and_value<'t>(tag: &'t BytesStart<'_>) -> Result<Option<KeyAndValue<'t>>, String> {
    let (mut key, mut value) = (None, None);
    let mut attributes = tag.attributes();
    // The duplicate check keeps a list of the keys seen in every tag.
    attributes.with_checks(false);
    for attribute in attributes {
        let attribute = attribute
            .map_err(|error| format!("a broken attribute in <{}>: {error}", shown_name(tag.name().as_ref())))?;
        match attribute.key.as_ref() {
            b"key" => key = Some(attribute.value),
            b"value" => value = Some(attribute.value),
            _ => continue,
        }
        if key.is_some() && value.is_some() {
            break;
        }
    }
    let (Some(key), Some(value)) = (key, value) else {
        return Ok(None);
    };
    if memchr::memchr(b'&', &key).is_none() {
        return Ok(Some((key, value)));
    }
    let key = decode(&key)?.into_owned().into_bytes();
    Ok(Some((Cow::Owned(key), value)))
}

/// The text of a value: UTF-8, its references (`&amp;`, `&#233;`) replaced.
fn decode(raw: &[u8]) -> Result<Cow<'_, str>, String> {
    let text =
        std::str::from_utf8(raw).map_err(|_| "a value here is not UTF-8 text; save the log as UTF-8".to_owned())?;
    if memchr::memchr(b'&', raw).is_none() {
        return Ok(Cow::Borrowed(text));
    }
    quick_xml::escape::unescape(text).map_err(|error| match error {
        EscapeError::UnrecognizedEntity(_, name) => format!(
            "a value here uses the entity &{}; which XML does not define (XES values use only &amp; &lt; \
             &gt; &quot; &apos; and numeric references such as &#233;)",
            shown_name(name.as_bytes())
        ),
        other => format!("a value here has a broken reference: {other}"),
    })
}

fn count_newlines(bytes: &[u8]) -> u64 {
    // Most of what the parser consumes at a time is a short tag or the
    // indentation between two, where a plain loop beats memchr's set-up.
    if bytes.len() < 64 {
        bytes.iter().filter(|&&b| b == b'\n').count() as u64
    } else {
        memchr::memchr_iter(b'\n', bytes).count() as u64
    }
}

/// The bytes under the parser, in a buffer of its own. It counts the lines
/// quick-xml consumes (quick-xml gives byte positions only) and stops a
/// tag, text or comment that grows past [`MAX_TOKEN_BYTES`], which
/// quick-xml would hold whole. (Counting in the input's own buffer would
/// take a second `fill_buf` through `dyn` for every `consume`.)
struct CountingInput<'r> {
    inner: &'r mut dyn BufRead,
    buffer: Box<[u8]>,
    /// The part of `buffer` not consumed yet.
    unread: Range<usize>,
    newlines: u64,
    /// Bytes consumed since the scanner started its current event.
    token_bytes: u64,
    /// Whether reading stopped for the token's size, to say so instead of
    /// the I/O error quick-xml passes on.
    token_too_long: bool,
}

impl<'r> CountingInput<'r> {
    fn new(inner: &'r mut dyn BufRead) -> Self {
        Self {
            inner,
            buffer: vec![0; 1 << 16].into_boxed_slice(),
            unread: 0..0,
            newlines: 0,
            token_bytes: 0,
            token_too_long: false,
        }
    }
}

impl Read for CountingInput<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for CountingInput<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.token_bytes > MAX_TOKEN_BYTES {
            self.token_too_long = true;
            return Err(io::Error::other("a token over the size limit"));
        }
        if self.unread.is_empty() {
            let n = loop {
                match self.inner.read(&mut self.buffer) {
                    Ok(n) => break n,
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                    Err(error) => return Err(error),
                }
            };
            self.unread = 0..n;
        }
        // At most one byte over the limit, so the next call stops the token.
        let room = usize::try_from(MAX_TOKEN_BYTES + 1 - self.token_bytes).unwrap_or(usize::MAX);
        let end = self.unread.end.min(self.unread.start.saturating_add(room));
        Ok(&self.buffer[self.unread.start..end])
    }

    fn consume(&mut self, amount: usize) {
        let end = self.unread.end.min(self.unread.start + amount);
        self.newlines += count_newlines(&self.buffer[self.unread.start..end]);
        self.token_bytes += (end - self.unread.start) as u64;
        self.unread.start = end;
    }
}

/// The visitor of [`read_xes`]: fills reused strings with the fields of
/// the current trace and event, and hands each event on.
struct EventReader<'s> {
    sink: &'s mut dyn EventSink,
    lane_by: Option<&'s [u8]>,
    max_waiting_bytes: usize,
    summary: XesSummary,
    trace: TraceFields,
    event: EventFields,
    waiting: WaitingEvents,
}

#[derive(Default)]
struct TraceFields {
    line: u64,
    /// The case id, trimmed; empty until the trace gives a non-blank one.
    case: String,
    lane: String,
    /// Whether its events go to the sink as they come: its case id and
    /// lane are known (or the lane was given up on).
    passing: bool,
    /// Whether its lane attribute was still to come when its waiting
    /// events filled [`EventReader::max_waiting_bytes`].
    lane_given_up: bool,
}

/// The current event's fields, trimmed; empty when missing.
#[derive(Default)]
struct EventFields {
    line: u64,
    activity: String,
    time: String,
    lifecycle: String,
    resource: String,
}

impl EventFields {
    /// Why the event cannot be handed on, if it cannot.
    fn missing(&self) -> Option<&'static str> {
        if self.activity.is_empty() {
            Some("no activity")
        } else if self.time.is_empty() {
            Some("no time:timestamp")
        } else {
            None
        }
    }
}

/// The events of a trace that wait for its case id or lane, their text in
/// one string.
#[derive(Default)]
struct WaitingEvents {
    text: String,
    events: Vec<WaitingEvent>,
}

struct WaitingEvent {
    line: u64,
    /// Where its activity, time, lifecycle and resource are in the text
    /// (an empty range when missing), or why it is unreadable.
    fields: Result<[Range<usize>; 4], &'static str>,
}

impl WaitingEvents {
    fn push(&mut self, event: &EventFields) {
        let fields = match event.missing() {
            Some(why) => Err(why),
            None => Ok(
                [&event.activity, &event.time, &event.lifecycle, &event.resource].map(|field| {
                    let start = self.text.len();
                    self.text.push_str(field);
                    start..self.text.len()
                }),
            ),
        };
        self.events.push(WaitingEvent {
            line: event.line,
            fields,
        });
    }

    fn bytes(&self) -> usize {
        self.text.len() + self.events.len() * size_of::<WaitingEvent>()
    }

    fn clear(&mut self) {
        self.text.clear();
        self.events.clear();
    }
}

/// `Some(text)` unless it is empty.
fn given(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

/// Puts `value`, trimmed, in `field`, reusing its memory.
fn set(field: &mut String, value: &str) {
    field.clear();
    field.push_str(value.trim());
}

impl<'s> EventReader<'s> {
    fn new(sink: &'s mut dyn EventSink, lane_by: Option<&'s str>, max_waiting_bytes: usize) -> Self {
        Self {
            sink,
            lane_by: lane_by.map(str::as_bytes),
            max_waiting_bytes,
            summary: XesSummary::default(),
            trace: TraceFields::default(),
            event: EventFields::default(),
            waiting: WaitingEvents::default(),
        }
    }

    /// Whether the current trace's events can go to the sink.
    fn trace_is_known(&self) -> bool {
        !self.trace.case.is_empty()
            && (self.lane_by.is_none() || !self.trace.lane.is_empty() || self.trace.lane_given_up)
    }

    /// Hands the waiting events on with the trace's case id and lane.
    fn release_waiting(&mut self) {
        let Self {
            sink,
            summary,
            trace,
            waiting,
            ..
        } = self;
        for waiting_event in &waiting.events {
            match &waiting_event.fields {
                Ok([activity, time, lifecycle, resource]) => {
                    summary.events += 1;
                    sink.event(&Event {
                        line: waiting_event.line,
                        case: &trace.case,
                        activity: &waiting.text[activity.clone()],
                        time: &waiting.text[time.clone()],
                        start: None,
                        lifecycle: given(&waiting.text[lifecycle.clone()]),
                        resource: given(&waiting.text[resource.clone()]),
                        lane: given(&trace.lane),
                    });
                }
                Err(why) => {
                    summary.unreadable += 1;
                    sink.unreadable(waiting_event.line, why);
                }
            }
        }
        waiting.clear();
    }
}

impl Visitor for EventReader<'_> {
    fn trace_start(&mut self, line: u64) {
        self.summary.traces += 1;
        let trace = &mut self.trace;
        trace.line = line;
        trace.case.clear();
        trace.lane.clear();
        trace.passing = false;
        trace.lane_given_up = false;
    }

    fn trace_attribute(&mut self, key: &[u8], raw_value: &[u8]) -> Result<(), String> {
        // Once events have gone on, a later value would split the case.
        if self.trace.passing {
            return Ok(());
        }
        let is_case = key == b"concept:name";
        let is_lane = self.lane_by == Some(key);
        if !is_case && !is_lane {
            return Ok(());
        }
        let value = decode(raw_value)?;
        if is_case {
            set(&mut self.trace.case, &value);
        }
        if is_lane {
            set(&mut self.trace.lane, &value);
        }
        if self.trace_is_known() {
            self.release_waiting();
            self.trace.passing = true;
        }
        Ok(())
    }

    fn trace_end(&mut self) {
        if !self.trace.passing {
            if self.trace.case.is_empty() {
                for waiting_event in &self.waiting.events {
                    let why = waiting_event
                        .fields
                        .as_ref()
                        .err()
                        .unwrap_or(&"the trace has no concept:name");
                    self.summary.unreadable += 1;
                    self.sink.unreadable(waiting_event.line, why);
                }
                self.waiting.clear();
            } else {
                self.release_waiting();
            }
        }
        if self.lane_by.is_some() && !self.trace.case.is_empty() && self.trace.lane.is_empty() {
            self.summary.cases_without_lane += 1;
        }
    }

    fn event_start(&mut self, line: u64) {
        let event = &mut self.event;
        event.line = line;
        event.activity.clear();
        event.time.clear();
        event.lifecycle.clear();
        event.resource.clear();
    }

    fn event_attribute(&mut self, key: &[u8], raw_value: &[u8]) -> Result<(), String> {
        let field = match key {
            b"concept:name" => &mut self.event.activity,
            b"time:timestamp" => &mut self.event.time,
            b"lifecycle:transition" => &mut self.event.lifecycle,
            b"org:resource" => &mut self.event.resource,
            _ => return Ok(()),
        };
        set(field, &decode(raw_value)?);
        Ok(())
    }

    fn event_end(&mut self) -> Result<(), String> {
        if !self.trace.passing {
            self.waiting.push(&self.event);
            if self.waiting.bytes() <= self.max_waiting_bytes {
                return Ok(());
            }
            if self.trace.case.is_empty() {
                return Err(format!(
                    "the trace opened on line {} has over {} MB of events before its concept:name; put each \
                     trace's concept:name before its events",
                    self.trace.line,
                    self.max_waiting_bytes >> 20
                ));
            }
            self.trace.lane_given_up = true;
            self.release_waiting();
            self.trace.passing = true;
            return Ok(());
        }
        let event = &self.event;
        match event.missing() {
            Some(why) => {
                self.summary.unreadable += 1;
                self.sink.unreadable(event.line, why);
            }
            None => {
                self.summary.events += 1;
                self.sink.event(&Event {
                    line: event.line,
                    case: &self.trace.case,
                    activity: &event.activity,
                    time: &event.time,
                    start: None,
                    lifecycle: given(&event.lifecycle),
                    resource: given(&event.resource),
                    lane: given(&self.trace.lane),
                });
            }
        }
        Ok(())
    }

    fn event_outside_trace(&mut self, line: u64) {
        self.summary.unreadable += 1;
        self.sink.unreadable(line, "the event is outside any <trace>");
    }
}

/// The visitor of [`survey_xes`].
#[derive(Default)]
struct Surveyor {
    rows: usize,
    survey: XesSurvey,
    /// The current trace's attributes: key and shown value.
    trace_attributes: Vec<(String, String)>,
    /// The first of `survey.first_events` in the current trace.
    trace_first_row: usize,
    /// Whether the current event is among the first ones, its row the last.
    row_open: bool,
    /// Where each trace attribute is in `survey.trace_attributes`.
    attribute_index: AHashMap<String, usize>,
    /// The values of each trace attribute with their cases.
    value_cases: Vec<AHashMap<String, u64>>,
    event_keys_seen: AHashSet<Vec<u8>>,
}

/// A key or value as a survey shows it: decoded as far as it can be, and
/// cut to [`MAX_SURVEY_CHARS`].
fn shown(raw: &[u8]) -> String {
    let text = decode(raw).unwrap_or_else(|_| String::from_utf8_lossy(raw));
    match text.char_indices().nth(MAX_SURVEY_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.into_owned(),
    }
}

impl Surveyor {
    fn finish(mut self) -> XesSurvey {
        for (attribute, value_cases) in self.survey.trace_attributes.iter_mut().zip(self.value_cases) {
            let mut values: Vec<(String, u64)> = value_cases.into_iter().collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            attribute.values = values;
        }
        self.survey
    }
}

impl Visitor for Surveyor {
    fn trace_start(&mut self, _line: u64) {
        self.survey.traces += 1;
        self.trace_attributes.clear();
        self.trace_first_row = self.survey.first_events.len();
    }

    fn trace_attribute(&mut self, key: &[u8], raw_value: &[u8]) -> Result<(), String> {
        let (key, value) = (shown(key), shown(raw_value));
        match self.trace_attributes.iter_mut().find(|(seen, _)| *seen == key) {
            Some(attribute) => attribute.1 = value,
            None => self.trace_attributes.push((key, value)),
        }
        Ok(())
    }

    fn trace_end(&mut self) {
        let case = self.trace_attributes.iter().find(|(key, _)| key == "concept:name");
        if let Some((_, case)) = case.filter(|(_, case)| !case.trim().is_empty()) {
            for row in &mut self.survey.first_events[self.trace_first_row..] {
                row.case = Some(case.clone());
            }
        }
        for (key, value) in self.trace_attributes.drain(..) {
            let index = match self.attribute_index.get(&key) {
                Some(&index) => index,
                None if self.value_cases.len() < MAX_SURVEY_KEYS => {
                    self.survey.trace_attributes.push(AttributeValues {
                        key: key.clone(),
                        ..AttributeValues::default()
                    });
                    self.value_cases.push(AHashMap::new());
                    self.attribute_index.insert(key, self.value_cases.len() - 1);
                    self.value_cases.len() - 1
                }
                None => {
                    self.survey.more_trace_attributes = true;
                    continue;
                }
            };
            let attribute = &mut self.survey.trace_attributes[index];
            attribute.cases += 1;
            let value_cases = &mut self.value_cases[index];
            if let Some(cases) = value_cases.get_mut(&value) {
                *cases += 1;
            } else if value_cases.len() < MAX_SURVEY_VALUES {
                value_cases.insert(value, 1);
            } else {
                attribute.other_cases += 1;
            }
        }
    }

    fn event_start(&mut self, line: u64) {
        self.survey.events += 1;
        self.row_open = self.survey.first_events.len() < self.rows;
        if self.row_open {
            self.survey.first_events.push(SurveyedEvent {
                line,
                ..SurveyedEvent::default()
            });
        }
    }

    fn event_attribute(&mut self, key: &[u8], raw_value: &[u8]) -> Result<(), String> {
        if !self.event_keys_seen.contains(key) {
            if self.event_keys_seen.len() < MAX_SURVEY_KEYS {
                self.event_keys_seen.insert(key.to_vec());
                self.survey.event_keys.push(shown(key));
            } else {
                self.survey.more_event_keys = true;
            }
        }
        if self.row_open
            && let Some(row) = self.survey.first_events.last_mut()
        {
            row.attributes.push((shown(key), shown(raw_value)));
        }
        Ok(())
    }

    fn event_end(&mut self) -> Result<(), String> {
        self.row_open = false;
        Ok(())
    }

    fn event_outside_trace(&mut self, _line: u64) {}
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::Path;

    use super::*;
    use crate::formats::eventlog::OpenLog;
    use crate::formats::eventlog::event::collect::{Collect, Handed};
    use crate::formats::fsutil::atomic_write;
    use crate::formats::input_file::Watch;

    fn read(text: &str, lane_by: Option<&str>) -> Result<(Collect, XesSummary), LogError> {
        let mut sink = Collect::default();
        let summary = read_xes(&mut text.as_bytes(), "log.xes", lane_by, &mut sink)?;
        Ok((sink, summary))
    }

    /// The message of a refusal at a line, as (line, message).
    fn refusal(text: &str) -> (u64, String) {
        match read(text, None) {
            Err(LogError::At { line, message, .. }) => (line, message),
            Err(other) => panic!("expected a refusal at a line, got {other}"),
            Ok((sink, _)) => panic!("expected a refusal, read {} events", sink.events.len()),
        }
    }

    fn event(
        line: u64,
        case: &str,
        activity: &str,
        time: &str,
        lifecycle: Option<&str>,
        resource: Option<&str>,
        lane: Option<&str>,
    ) -> Handed {
        let own = |s: Option<&str>| s.map(str::to_owned);
        Handed {
            line,
            case: case.into(),
            activity: activity.into(),
            time: time.into(),
            start: None,
            lifecycle: own(lifecycle),
            resource: own(resource),
            lane: own(lane),
        }
    }

    const TWO_TRACES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <trace>
    <string key="concept:name" value="c1"/>
    <string key="region" value="North"/>
    <event>
      <string key="concept:name" value="Register"/>
      <date key="time:timestamp" value="2024-01-02T09:00:00.000+01:00"/>
      <string key="lifecycle:transition" value="complete"/>
      <string key="org:resource" value="Ann"/>
    </event>
    <event>
      <date key="time:timestamp" value="2024-01-02T10:00:00"/>
      <string key="org:resource" value="Bob"/>
      <string key="concept:name" value="Check"/>
      <int key="cost" value="12"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="c2"/>
    <event><string key="concept:name" value="Register"/><date key="time:timestamp" value="2024-01-03"/></event>
  </trace>
</log>
"#;

    #[test]
    fn case_activity_time_lifecycle_and_resource_are_read_with_the_line_of_each_event() {
        let (sink, summary) = read(TWO_TRACES, None).unwrap();
        assert_eq!(
            sink.events,
            [
                event(
                    6,
                    "c1",
                    "Register",
                    "2024-01-02T09:00:00.000+01:00",
                    Some("complete"),
                    Some("Ann"),
                    None
                ),
                event(12, "c1", "Check", "2024-01-02T10:00:00", None, Some("Bob"), None),
                event(21, "c2", "Register", "2024-01-03", None, None, None),
            ]
        );
        assert!(sink.unreadable.is_empty());
        assert_eq!(
            summary,
            XesSummary {
                traces: 2,
                events: 3,
                unreadable: 0,
                cases_without_lane: 0
            }
        );
    }

    #[test]
    fn lines_count_the_newlines_inside_tags_comments_and_crlf_endings() {
        let text = "<log>\r\n<!-- a comment\r\n over two lines -->\r\n<trace\r\n>\r\n\
                    <string key=\"concept:name\"\r\n value=\"c\"/>\r\n\
                    <event><string key=\"concept:name\" value=\"A\"/><date key=\"time:timestamp\" value=\"1\"/></event>\r\n\
                    </trace></log>";
        let (sink, _) = read(text, None).unwrap();
        assert_eq!(sink.events, [event(8, "c", "A", "1", None, None, None)]);
    }

    #[test]
    fn the_lane_is_the_trace_attribute_asked_for() {
        let (sink, summary) = read(TWO_TRACES, Some("region")).unwrap();
        let lanes: Vec<_> = sink
            .events
            .iter()
            .map(|e| (e.case.as_str(), e.lane.as_deref()))
            .collect();
        assert_eq!(lanes, [("c1", Some("North")), ("c1", Some("North")), ("c2", None)]);
        assert_eq!(summary.cases_without_lane, 1);
        // The case id itself can make the lanes.
        let (sink, _) = read(TWO_TRACES, Some("concept:name")).unwrap();
        assert_eq!(sink.events[2].lane.as_deref(), Some("c2"));
    }

    #[test]
    fn nested_attributes_and_log_level_elements_are_skipped() {
        let text = r#"<log>
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <global scope="event"><string key="concept:name" value="GLOBAL"/></global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="the log"><string key="concept:name" value="inner"/></string>
  <event><string key="concept:name" value="outside"/><date key="time:timestamp" value="t"/></event>
  <trace>
    <list key="concept:name"><values><string key="concept:name" value="LIST"/></values></list>
    <string key="concept:name" value="c1"><string key="concept:name" value="NESTED"/></string>
    <container key="x"><string key="org:resource" value="CONTAINER"/></container>
    <event>
      <string key="concept:name" value="A"><string key="concept:name" value="NESTED"/></string>
      <list key="org:resource"><values><string key="org:resource" value="LIST"/></values></list>
      <container key="c"><date key="time:timestamp" value="CONTAINER"/></container>
      <date key="time:timestamp" value="2024-01-01"/>
      <unknown><string key="org:resource" value="UNKNOWN"/></unknown>
    </event>
  </trace>
</log>"#;
        let (sink, summary) = read(text, None).unwrap();
        assert_eq!(sink.events, [event(11, "c1", "A", "2024-01-01", None, None, None)]);
        assert_eq!(sink.unreadable, [(6, "the event is outside any <trace>".to_owned())]);
        assert_eq!((summary.events, summary.unreadable), (1, 1));
    }

    #[test]
    fn entities_and_character_references_are_decoded() {
        let text = r#"<log><trace>
  <string key="concept:name" value="R&amp;D &#x41;&#66;"/>
  <event>
    <string key="concept:name" value="Caf&#233; &lt;check&gt; &quot;now&quot; &apos;ok&apos;"/>
    <date key="time:timestamp" value="  2024-01-01  "/>
  </event>
</trace></log>"#;
        let (sink, _) = read(text, None).unwrap();
        assert_eq!(sink.events[0].case, "R&D AB");
        assert_eq!(sink.events[0].activity, "Café <check> \"now\" 'ok'");
        assert_eq!(sink.events[0].time, "2024-01-01", "values are trimmed");
    }

    #[test]
    fn an_unknown_entity_or_a_value_that_is_not_utf8_is_refused_at_its_line() {
        let (line, message) =
            refusal("<log><trace>\n<event>\n<string key=\"concept:name\" value=\"a&nbsp;b\"/></event></trace></log>");
        assert_eq!(line, 3);
        assert!(
            message.contains("&nbsp;") && message.contains("XML does not define"),
            "{message}"
        );
        let mut bytes = b"<log><trace><string key=\"concept:name\" value=\"".to_vec();
        bytes.extend_from_slice(b"Caf\xe9\"/></trace></log>");
        let error = read_xes(&mut bytes.as_slice(), "log.xes", None, &mut Collect::default()).unwrap_err();
        assert!(
            error.to_string().contains("line 1: a value here is not UTF-8 text"),
            "{error}"
        );
    }

    #[test]
    fn events_without_activity_or_time_are_unreadable() {
        let text = r#"<log><trace><string key="concept:name" value="c1"/>
<event><date key="time:timestamp" value="2024-01-01"/></event>
<event><string key="concept:name" value="A"/></event>
<event><string key="concept:name" value="  "/><date key="time:timestamp" value="2024-01-01"/></event>
<event/>
<event><string key="concept:name" value="B"/><date key="time:timestamp" value="2024-01-01"/></event>
</trace></log>"#;
        let (sink, summary) = read(text, None).unwrap();
        assert_eq!(
            sink.unreadable,
            [
                (2, "no activity".to_owned()),
                (3, "no time:timestamp".to_owned()),
                (4, "no activity".to_owned()),
                (5, "no activity".to_owned()),
            ]
        );
        assert_eq!(sink.events, [event(6, "c1", "B", "2024-01-01", None, None, None)]);
        assert_eq!((summary.events, summary.unreadable), (1, 4));
    }

    #[test]
    fn the_events_of_a_trace_without_concept_name_are_unreadable() {
        let text = r#"<log>
<trace><string key="other" value="x"/>
<event><string key="concept:name" value="A"/><date key="time:timestamp" value="2024-01-01"/></event>
<event><date key="time:timestamp" value="2024-01-01"/></event>
</trace>
<trace/>
<trace><string key="concept:name" value="c2"/>
<event><string key="concept:name" value="A"/><date key="time:timestamp" value="2024-01-01"/></event>
</trace>
</log>"#;
        let (sink, summary) = read(text, None).unwrap();
        assert_eq!(
            sink.unreadable,
            [
                (3, "the trace has no concept:name".to_owned()),
                (4, "no activity".to_owned())
            ]
        );
        assert_eq!(sink.events, [event(8, "c2", "A", "2024-01-01", None, None, None)]);
        assert_eq!(summary.traces, 3);
    }

    #[test]
    fn a_concept_name_and_lane_after_the_events_still_name_them() {
        let text = r#"<log>
<trace>
<event><string key="concept:name" value="A"/><date key="time:timestamp" value="1"/><string key="org:resource" value="Ann"/></event>
<event><string key="concept:name" value="B"/></event>
<string key="concept:name" value="late"/>
<event><string key="concept:name" value="C"/><date key="time:timestamp" value="3"/></event>
<string key="region" value="South"/>
<event><string key="concept:name" value="D"/><date key="time:timestamp" value="4"/></event>
</trace>
</log>"#;
        let (sink, _) = read(text, None).unwrap();
        assert_eq!(
            sink.events,
            [
                event(3, "late", "A", "1", None, Some("Ann"), None),
                event(6, "late", "C", "3", None, None, None),
                event(8, "late", "D", "4", None, None, None),
            ]
        );
        assert_eq!(sink.unreadable, [(4, "no time:timestamp".to_owned())]);
        // With lanes asked for, the events wait for the lane too.
        let (sink, summary) = read(text, Some("region")).unwrap();
        let got: Vec<_> = sink
            .events
            .iter()
            .map(|e| (e.activity.as_str(), e.case.as_str(), e.lane.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("A", "late", Some("South")),
                ("C", "late", Some("South")),
                ("D", "late", Some("South"))
            ]
        );
        assert_eq!(summary.cases_without_lane, 0);
    }

    #[test]
    fn events_waiting_past_the_memory_cap_are_refused_or_given_no_lane() {
        let mut text = String::from("<log>\n<trace>\n");
        for _ in 0..20 {
            text.push_str(
                r#"<event><string key="concept:name" value="A"/><date key="time:timestamp" value="1"/></event>"#,
            );
            text.push('\n');
        }
        let no_case = format!("{text}</trace></log>");
        let mut sink = Collect::default();
        let error = scan(
            &mut no_case.as_bytes(),
            "log.xes",
            &mut EventReader::new(&mut sink, None, 500),
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("the trace opened on line 2 has over 0 MB of events before its concept:name"),
            "{error}"
        );
        // With the case id known, events stop waiting for a lane and go on without one.
        let late_lane = text.replace("<trace>\n", "<trace>\n<string key=\"concept:name\" value=\"c\"/>\n")
            + "<string key=\"region\" value=\"late\"/></trace></log>";
        let mut sink = Collect::default();
        let mut reader = EventReader::new(&mut sink, Some("region"), 500);
        scan(&mut late_lane.as_bytes(), "log.xes", &mut reader).unwrap();
        assert_eq!(reader.summary.cases_without_lane, 1);
        assert_eq!(sink.events.len(), 20);
        assert!(sink.events.iter().all(|e| e.case == "c" && e.lane.is_none()));
    }

    #[test]
    fn a_truncated_file_is_refused_with_the_line_and_the_element_it_ends_in() {
        let (line, message) = refusal(&TWO_TRACES[..TWO_TRACES.find("<event><string").unwrap()]);
        assert_eq!(line, 21);
        assert_eq!(
            message,
            "the file ends inside <trace> opened on line 19: it was cut off"
        );
        let cut_in_tag = &TWO_TRACES[..TWO_TRACES.find("Check").unwrap()];
        let (line, message) = refusal(cut_in_tag);
        assert_eq!(line, 15);
        assert_eq!(
            message,
            "the file ends inside <event> opened on line 12 in a tag that starts here: it was cut off"
        );
        // Cut anywhere before </log>, the file is refused, never read as a shorter log.
        let end = TWO_TRACES.find("</log>").unwrap();
        for cut in 0..=end {
            if TWO_TRACES.is_char_boundary(cut) {
                assert!(read(&TWO_TRACES[..cut], None).is_err(), "cut at byte {cut} was read");
            }
        }
    }

    #[test]
    fn mismatched_tags_garbage_and_a_second_root_are_refused_at_their_line() {
        let (line, message) = refusal("<log>\n<trace>\n</event>\n</log>");
        assert_eq!(
            (line, message.as_str()),
            (3, "</event> closes <trace>: the tags do not match")
        );
        let (line, message) = refusal("\n\nthis is not XML at all");
        assert_eq!(line, 1);
        assert!(message.contains("text before its <log> element"), "{message}");
        let (line, message) = refusal("<log/>\n<log/>");
        assert_eq!(
            (line, message.as_str()),
            (2, "<log> after </log>: an XES log is one <log> element")
        );
        let (_, message) = refusal("<log></log>\njunk");
        assert!(message.contains("text after </log>"), "{message}");
        let (line, message) = refusal("<log>\n<trace <string/></trace></log>");
        assert_eq!(line, 2, "{message}");
        let garbage: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        assert!(read_xes(&mut garbage.as_slice(), "log.xes", None, &mut Collect::default()).is_err());
    }

    #[test]
    fn a_doctype_declaring_entities_is_refused() {
        let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE log [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<log><trace><string key="concept:name" value="&lol2;"/></trace></log>"#;
        let (line, message) = refusal(bomb);
        assert_eq!(line, 3);
        assert!(
            message.starts_with("the file declares XML entities (<!ENTITY …>)"),
            "{message}"
        );
        // A DOCTYPE without entities is let through.
        let (sink, _) = read(
            &format!("<!DOCTYPE log>\n{TWO_TRACES}").replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", ""),
            None,
        )
        .unwrap();
        assert_eq!(sink.events.len(), 3);
    }

    #[test]
    fn a_file_that_is_not_an_xes_log_is_refused_whole() {
        let file_message = |text: &[u8]| match read_xes(&mut &text[..], "log.xes", None, &mut Collect::default()) {
            Err(LogError::File { message, .. }) => message,
            other => panic!("expected a refusal of the whole file, got {:?}", other.map(|_| ())),
        };
        assert_eq!(
            file_message(b"<?xml version=\"1.0\"?>\n<html><body/></html>"),
            "this is XML but not an XES log: its root element is <html>"
        );
        assert_eq!(
            file_message(b""),
            "the file holds no XML element; an XES log is a <log> element"
        );
        assert_eq!(
            file_message(b"<!-- only a comment -->"),
            "the file holds no XML element; an XES log is a <log> element"
        );
        let utf16: Vec<u8> = b"\xFF\xFE<\0l\0o\0g\0/\0>\0".to_vec();
        assert!(file_message(&utf16).starts_with("the file is UTF-16 text"));
    }

    #[test]
    fn a_value_over_a_megabyte_and_deep_nesting_are_refused() {
        let long = format!(
            "<log>\n<trace><string key=\"concept:name\" value=\"{}\"/></trace></log>",
            "x".repeat(3 << 20)
        );
        let (line, message) = refusal(&long);
        assert_eq!(line, 2);
        assert!(message.contains("runs over 1 MB"), "{message}");
        let deep = format!("<log>{}", "<a>".repeat(10_000));
        let (line, message) = refusal(&deep);
        assert_eq!(line, 1);
        assert!(message.contains("nest more than 64 deep"), "{message}");
    }

    #[test]
    fn the_survey_lists_trace_attributes_event_keys_and_the_first_events() {
        let survey = survey_xes(&mut TWO_TRACES.as_bytes(), "log.xes", 2).unwrap();
        assert_eq!((survey.traces, survey.events), (2, 3));
        let attributes: Vec<_> = survey
            .trace_attributes
            .iter()
            .map(|a| (a.key.as_str(), a.cases, a.values.clone()))
            .collect();
        assert_eq!(
            attributes,
            [
                ("concept:name", 2, vec![("c1".to_owned(), 1), ("c2".to_owned(), 1)]),
                ("region", 1, vec![("North".to_owned(), 1)]),
            ]
        );
        assert_eq!(
            survey.event_keys,
            [
                "concept:name",
                "time:timestamp",
                "lifecycle:transition",
                "org:resource",
                "cost"
            ]
        );
        assert_eq!(survey.first_events.len(), 2);
        assert_eq!(survey.first_events[1].line, 12);
        assert_eq!(survey.first_events[1].case.as_deref(), Some("c1"));
        assert_eq!(
            survey.first_events[1].attributes[3],
            ("cost".to_owned(), "12".to_owned())
        );
    }

    #[test]
    fn the_survey_caps_values_and_keys_and_counts_the_rest() {
        let mut text = String::from("<log>\n");
        for case in 0..MAX_SURVEY_VALUES + 5 {
            text.push_str(&format!(
                "<trace><string key=\"n\" value=\"{case}\"/><string key=\"same\" value=\"{}\"/></trace>\n",
                "v".repeat(500)
            ));
        }
        text.push_str("<trace>");
        for key in 0..MAX_SURVEY_KEYS {
            text.push_str(&format!("<int key=\"k{key}\" value=\"1\"/>"));
        }
        text.push_str("<event>");
        for key in 0..MAX_SURVEY_KEYS + 1 {
            text.push_str(&format!("<int key=\"e{key}\" value=\"1\"/>"));
        }
        text.push_str("</event></trace></log>");
        let survey = survey_xes(&mut text.as_bytes(), "log.xes", 10).unwrap();
        let n = &survey.trace_attributes[0];
        assert_eq!(
            (n.key.as_str(), n.cases, n.values.len(), n.other_cases),
            ("n", 1005, MAX_SURVEY_VALUES, 5)
        );
        let same = &survey.trace_attributes[1];
        assert_eq!(same.values.len(), 1);
        assert_eq!(
            same.values[0].0.chars().count(),
            MAX_SURVEY_CHARS + 1,
            "cut, with an ellipsis"
        );
        assert_eq!(survey.trace_attributes.len(), MAX_SURVEY_KEYS);
        assert!(survey.more_trace_attributes);
        assert_eq!(survey.event_keys.len(), MAX_SURVEY_KEYS);
        assert!(survey.more_event_keys);
        assert_eq!(survey.first_events[0].attributes.len(), MAX_SURVEY_KEYS + 1);
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn read_file(path: &Path) -> Result<(Collect, XesSummary), LogError> {
        let mut log = OpenLog::open(path, &Watch::default())?;
        let mut sink = Collect::default();
        let summary = read_xes(&mut log.reader, &log.name, None, &mut sink)?;
        Ok((sink, summary))
    }

    #[test]
    fn a_gzipped_log_reads_as_the_plain_one_and_a_truncated_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.xes.gz");
        let packed = gzip(TWO_TRACES.as_bytes());
        atomic_write(&path, &packed).unwrap();
        let (sink, summary) = read_file(&path).unwrap();
        assert_eq!(sink.events, read(TWO_TRACES, None).unwrap().0.events);
        assert_eq!(summary.events, 3);
        atomic_write(&path, &packed[..packed.len() / 2]).unwrap();
        let error = read_file(&path).err().unwrap().to_string();
        assert!(
            error.contains("log.xes.gz") && error.contains("damaged or cut off"),
            "{error}"
        );
    }

    #[test]
    fn a_gzip_bomb_is_refused_as_one() {
        // Gzip members follow one another in one file, so one packed megabyte
        // of comments, written 300 times, unpacks to 300 MB.
        let comment = format!("<!--{}-->\n", "x".repeat(1000));
        let packed_comments = gzip(comment.repeat(1000).as_bytes());
        let mut packed = gzip(b"<log>\n");
        for _ in 0..300 {
            packed.extend_from_slice(&packed_comments);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.xes.gz");
        atomic_write(&path, &packed).unwrap();
        let error = read_file(&path).err().unwrap().to_string();
        assert!(error.contains("unpacks to more than"), "{error}");
    }

    /// The logs in ../shared/eventlogs, with the traces and events counted
    /// by `grep -c '<trace>'` and `grep -c '<event>'`.
    #[test]
    fn the_shared_logs_read_with_the_counts_grep_gives() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eventlogs");
        if !folder.is_dir() {
            println!("skipped: ../shared/eventlogs not found");
            return;
        }
        for (name, traces, events) in [
            ("running-example.xes", 6, 42),
            ("reviewing.xes", 100, 3730),
            ("roadtraffic100traces.xes", 100, 390),
        ] {
            let (sink, summary) = read_file(&folder.join(name)).unwrap();
            assert_eq!(
                summary,
                XesSummary {
                    traces,
                    events,
                    unreadable: 0,
                    cases_without_lane: 0
                },
                "{name}"
            );
            assert_eq!(sink.events.len() as u64, events);
        }
        let (sink, _) = read_file(&folder.join("running-example.xes")).unwrap();
        assert_eq!(
            sink.events[0],
            event(
                23,
                "3",
                "register request",
                "2010-12-30T14:32:00.000+01:00",
                None,
                Some("Pete"),
                None
            )
        );
        // Python's ElementTree counts 1,452 start events in reviewing.xes.
        let (sink, _) = read_file(&folder.join("reviewing.xes")).unwrap();
        assert_eq!(
            sink.events
                .iter()
                .filter(|e| e.lifecycle.as_deref() == Some("start"))
                .count(),
            1452
        );
    }
}
