#!/usr/bin/env python3
"""Independent reference for the figures a process map takes from an event log.

Reads an event log (CSV, XES or gzip XES) and prints, as JSON, the figures the
app derives from it: months covered, per lane and activity the cases,
executions, volume per month, rework rate, wait and handling percentiles and
display order, and the directly-follows edges. Standard library only; written
from the written definitions, without reading the Rust implementation, so that
Rust tests can compare the two.

Usage:
    python3 eventlog_calc.py LOG [--case COL] [--activity COL] [--timestamp COL]
        [--start COL] [--lifecycle COL] [--lane-by ATTR]
        [--working-hours "Mon-Fri 09:00-17:00"] [--min-edge-share 0.01]
        [--tz-offset-hours H]
    python3 eventlog_calc.py --self-test

Rows that cannot be read (missing case, activity or timestamp; a timestamp that
does not parse) are skipped; their count and the first ten line numbers go to
stderr (CSV: physical line where the record starts, header = line 1; XES: the
1-based number of the <event> element in document order).

Definitions (the brief's, with the choices this script makes where it is
silent marked "choice"):

* Execution = a completed event: lifecycle missing, empty (choice) or
  "complete" (case-insensitive, surrounding blanks trimmed). A "start" event
  pairs FIFO with the next completed event of the same activity in the same
  case, in file order. Other transitions are ignored. A start-timestamp
  column/attribute, when present, gives the start directly and disables the
  pairing; an empty cell means no start known.
* Within a case executions are sorted by completion time, ties in file order.
* Wait (hours) = start (or completion when no start) minus the previous
  execution's completion, clamped at 0; none for a case's first execution.
  With --working-hours only the part inside the weekly window counts.
* Handling (minutes) = completion - start, clamped at 0, only with a start.
* Months = max(days between first and last completion of all executions, 1)
  / 30.4375.
* Lanes by a case attribute (CSV: the value on the case's first readable row;
  XES: the trace attribute), "(none)" when empty, "All cases" without
  --lane-by; more than 24 values -> the 23 with most cases (ties by name)
  plus "Other".
* Steps per (lane, activity); percentiles as numpy's default (linear); order =
  median of the 0-based positions of the activity's executions.
* Edges = directly-follows pairs a->b (a != b) per lane, kept when
  count >= share * lane executions (compared exactly, see keep_edge).

Self-test log (hand-worked figures are asserted in self_test(); 2024-01-05 is
a Friday, 2024-01-08 the Monday after):

    case:concept:name,concept:name,time:timestamp,lifecycle:transition,region
    A,Receive,2024-01-05 09:00:00,complete,North
    A,Review,2024-01-05 15:00:00,start,
    A,Review,2024-01-05 16:00:00,start,
    A,Review,2024-01-08 10:00:00,complete,
    A,Approve,2024-01-08 11:00:00,assign,
    A,Review,2024-01-08 11:30:00,COMPLETE,
    B,Receive,2024-01-05 16:00:00,complete,South
    B,Decide,2024-01-08 10:30:00,complete,
    B,Review,2024-01-08 10:30:00,complete,
    C,Receive,2024-01-10 12:00:00,complete,North
    C,Receive,2024-01-10T12:30:00+01:00,complete,
    C,Decide,2024-01-10 13:00:00Z,complete,
    C,Decide,not-a-date,complete,
    ,Receive,2024-01-10 13:00:00,complete,

Worked by hand:
  unreadable: lines 14 (bad timestamp) and 15 (no case) -> 2
  A: Receive Fri 09:00 | Review done Mon 10:00, paired with start Fri 15:00
     | Review done Mon 11:30, paired with start Fri 16:00 (FIFO);
     the "assign" row is ignored.
     waits: Review#1 15:00-09:00 = 6 h; Review#2 Fri 16:00 - Mon 10:00 < 0 -> 0
     handling: 67 h = 4020 min and 67.5 h = 4050 min
  B: Receive Fri 16:00 | Decide Mon 10:30 | Review Mon 10:30 (tie: file order)
     waits: Decide 66.5 h (working hours Mon-Fri 09-17: 1 h Fri + 1.5 h Mon
     = 2.5 h); Review 0 h
  C: 12:30+01:00 = 11:30 UTC sorts before 12:00 -> Receive 11:30, Receive
     12:00, Decide 13:00; waits 0.5 h and 1 h
  executions 9, cases 3, span 5 d 4 h -> months = (31/6) / 30.4375
  All cases: Receive cases 3 exec 4 rework 0.25 wait {0.5 x3, n 1} order 0
             Decide  cases 2 exec 2 rework 0 wait p25 17.375 p50 33.75
                     p75 50.125 (n 2) order 1.5
             Review  cases 2 exec 3 rework 1/3 wait p25 0 p50 0 p75 3 (n 3)
                     handle p25 4027.5 p50 4035 p75 4042.5 (n 2) order 2
             edges Receive->Decide 2, Receive->Review 1, Decide->Review 1
             (Review->Review and Receive->Receive are self-loops: dropped)
  --lane-by region: North = A, C (2 cases, 6 executions); South = B (1, 3)
  --working-hours "Mon-Fri 09:00-17:00": Decide waits [1, 2.5] -> p50 1.75
  --min-edge-share 0.2: threshold 1.8 -> only Receive->Decide (2) kept
"""

import argparse
import calendar
import csv
import gzip
import io
import json
import math
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from fractions import Fraction

DAYS_PER_MONTH = 30.4375
MAX_LANES = 24
ALL_CASES = "All cases"
NONE_LANE = "(none)"
OTHER_LANE = "Other"
REWORK_CAP = 0.95

# Header candidates in order of preference (pm4py-style names first).
# Compared after normalise_header(): lower case, spaces/underscores removed.
CASE_HEADERS = ["case:concept:name", "Case ID", "CaseID"]
ACTIVITY_HEADERS = ["concept:name", "Activity"]
TIMESTAMP_HEADERS = ["time:timestamp", "Timestamp", "Complete Timestamp"]
START_HEADERS = ["start_timestamp", "Start Timestamp"]
LIFECYCLE_HEADERS = ["lifecycle:transition"]
RESOURCE_HEADERS = ["org:resource", "Resource"]  # detected, used by no figure

# XES keys (event level unless stated).
XES_CASE_KEY = "concept:name"  # trace level
XES_ACTIVITY_KEY = "concept:name"
XES_TIMESTAMP_KEY = "time:timestamp"
XES_LIFECYCLE_KEY = "lifecycle:transition"
XES_START_KEYS = ["start_timestamp"]  # choice: same name as the CSV column
XES_ATTRIBUTE_TAGS = {"string", "date", "int", "float", "boolean", "id"}

DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class UsageError(Exception):
    """Bad options or a column that does not exist: exit status 2."""


# --------------------------------------------------------------------------
# Timestamps
# --------------------------------------------------------------------------

TS_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_timestamp(text, tz_offset_hours=0.0):
    """ISO 8601 text -> UTC seconds since the epoch (float), or None.

    Accepts `YYYY-MM-DD HH:MM:SS[.f...]` with a space or `T`, then optionally
    `Z` or an offset `+hh:mm` (also `+hhmm` and `+hh`, as ISO 8601 allows).
    A time without an offset is local to UTC+tz_offset_hours (UTC by default).
    """
    m = TS_RE.match(text.strip())
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    if m.group(7):
        seconds += float("0." + m.group(7))
    offset = m.group(8)
    if offset is None:
        seconds -= tz_offset_hours * 3600.0
    elif offset not in ("Z", "z"):
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        oh = int(digits[:2])
        om = int(digits[2:4]) if len(digits) > 2 else 0
        if oh > 23 or om > 59:
            return None
        seconds -= sign * (oh * 3600 + om * 60)
    return float(seconds)


def format_utc(seconds):
    """UTC seconds -> 'YYYY-MM-DDTHH:MM:SS[.fff]Z'."""
    whole = math.floor(seconds)
    frac = seconds - whole
    s = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
    micros = round(frac * 1e6)
    if micros >= 1000000:  # rounding spilled over: redo with the next second
        return format_utc(float(whole + 1))
    if micros:
        s += ".%03d" % (micros // 1000) if micros % 1000 == 0 else ".%06d" % micros
    return s + "Z"


# --------------------------------------------------------------------------
# Reading: both readers produce the same plain records
# --------------------------------------------------------------------------


class Event:
    """One readable event row/element, in file order (seq)."""

    __slots__ = ("seq", "case", "activity", "ts", "lifecycle", "start")

    def __init__(self, seq, case, activity, ts, lifecycle, start):
        self.seq = seq
        self.case = case
        self.activity = activity
        self.ts = ts  # completion (or the event's own) time, UTC seconds
        self.lifecycle = lifecycle  # lower-cased, "" when none
        self.start = start  # start from a start-timestamp field, or None


class LoadedLog:
    def __init__(self):
        self.events = []  # readable events, file order
        self.case_lane_value = {}  # case id -> raw lane attribute value ("" if none)
        self.unreadable = []  # line numbers (CSV) / event numbers (XES)
        self.start_mode = False  # a start-timestamp column/attribute exists
        self.columns = {}  # what was detected, for the stderr note


def normalise_header(name):
    return name.strip().lower().replace(" ", "").replace("_", "")


def find_column(header, wanted, candidates, what, required):
    """Index of the column for `what`: the option if given, else a candidate."""
    if wanted is not None:
        if wanted in header:
            return header.index(wanted)
        norm = [normalise_header(h) for h in header]
        if normalise_header(wanted) in norm:
            return norm.index(normalise_header(wanted))
        raise UsageError("column %r (%s) not in the header" % (wanted, what))
    norm = [normalise_header(h) for h in header]
    for cand in candidates:  # preference order: first candidate present wins
        if normalise_header(cand) in norm:
            return norm.index(normalise_header(cand))
    if required:
        raise UsageError("no %s column found (give it with an option)" % what)
    return None


def detect_separator(header_line):
    """',' or ';', whichever occurs more often outside quotes (tie: ',')."""
    counts = {",": 0, ";": 0}
    in_quotes = False
    for ch in header_line:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in counts:
            counts[ch] += 1
    return ";" if counts[";"] > counts[","] else ","


def read_csv(stream, opts):
    """Read CSV text from `stream` (a text file opened with newline='')."""
    log = LoadedLog()
    text = stream.read()
    if text.startswith("\ufeff"):
        text = text[1:]
    first_line = text.split("\n", 1)[0]
    sep = detect_separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except StopIteration:
        return log
    header = [h.strip() for h in header]
    c_case = find_column(header, opts.case, CASE_HEADERS, "case id", True)
    c_act = find_column(header, opts.activity, ACTIVITY_HEADERS, "activity", True)
    c_ts = find_column(header, opts.timestamp, TIMESTAMP_HEADERS, "timestamp", True)
    c_start = find_column(header, opts.start, START_HEADERS, "start timestamp", False)
    c_life = find_column(header, opts.lifecycle, LIFECYCLE_HEADERS, "lifecycle", False)
    c_res = find_column(header, None, RESOURCE_HEADERS, "resource", False)
    c_lane = None
    if opts.lane_by is not None:
        # choice: the attribute name itself, else pm4py's "case:" prefixed form
        try:
            c_lane = find_column(header, opts.lane_by, [], "lane", True)
        except UsageError:
            c_lane = find_column(header, "case:" + opts.lane_by, [], "lane", True)
    log.start_mode = c_start is not None
    log.columns = {
        k: (header[i] if i is not None else None)
        for k, i in [("case", c_case), ("activity", c_act), ("timestamp", c_ts),
                     ("start", c_start), ("lifecycle", c_life), ("resource", c_res),
                     ("lane", c_lane)]
    }
    log.columns["separator"] = sep

    def cell(row, i):
        return row[i].strip() if i is not None and i < len(row) else ""

    seq = 0
    prev_line = reader.line_num  # physical lines consumed so far (the header)
    for row in reader:
        line = prev_line + 1  # line where this record starts
        prev_line = reader.line_num
        if not row or (len(row) == 1 and row[0].strip() == ""):
            continue  # choice: blank lines are neither events nor unreadable
        case, act, ts_text = cell(row, c_case), cell(row, c_act), cell(row, c_ts)
        ts = parse_timestamp(ts_text, opts.tz_offset_hours) if ts_text else None
        start = None
        start_text = cell(row, c_start)
        start_bad = False
        if start_text:
            start = parse_timestamp(start_text, opts.tz_offset_hours)
            start_bad = start is None  # choice: a bad non-empty start is unreadable
        if not case or not act or ts is None or start_bad:
            log.unreadable.append(line)
            continue
        if case not in log.case_lane_value:  # first readable row of the case
            log.case_lane_value[case] = cell(row, c_lane)
        log.events.append(Event(seq, case, act, ts, cell(row, c_life).lower(), start))
        seq += 1
    return log


def local_name(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def xes_attributes(element):
    """Direct attribute children of a <trace> or <event>: key -> value text.

    Nested children of an attribute (lists, containers, meta values) are not
    looked at. A key given twice keeps its first value (choice).
    """
    attrs = {}
    for child in element:
        if local_name(child.tag) in XES_ATTRIBUTE_TAGS:
            key = child.get("key")
            if key is not None and key not in attrs:
                attrs[key] = child.get("value", "")
    return attrs


def read_xes(stream, opts):
    """Read XES from a binary stream with iterparse, one trace at a time."""
    log = LoadedLog()
    case_key = opts.case or XES_CASE_KEY
    act_key = opts.activity or XES_ACTIVITY_KEY
    ts_key = opts.timestamp or XES_TIMESTAMP_KEY
    life_key = opts.lifecycle or XES_LIFECYCLE_KEY
    start_keys = [opts.start] if opts.start else XES_START_KEYS
    lane_keys = []
    if opts.lane_by is not None:
        lane_keys = [opts.lane_by]
        if opts.lane_by.startswith("case:"):  # choice: pm4py's CSV name works too
            lane_keys.append(opts.lane_by[len("case:"):])
    log.columns = {"case": case_key, "activity": act_key, "timestamp": ts_key,
                   "lifecycle": life_key, "start": start_keys[0], "lane": opts.lane_by}
    seq = 0
    event_no = 0
    for _, elem in ET.iterparse(stream, events=("end",)):
        if local_name(elem.tag) != "trace":
            continue
        tattrs = xes_attributes(elem)
        case = tattrs.get(case_key, "").strip()
        lane_value = ""
        for k in lane_keys:
            if k in tattrs:
                lane_value = tattrs[k].strip()
                break
        for ev in elem:
            if local_name(ev.tag) != "event":
                continue
            event_no += 1
            eattrs = xes_attributes(ev)
            act = eattrs.get(act_key, "").strip()
            ts_text = eattrs.get(ts_key, "").strip()
            ts = parse_timestamp(ts_text, opts.tz_offset_hours) if ts_text else None
            start = None
            start_bad = False
            for k in start_keys:
                if k in eattrs:
                    log.start_mode = True  # the attribute exists in the log
                    st = eattrs[k].strip()
                    if st:
                        start = parse_timestamp(st, opts.tz_offset_hours)
                        start_bad = start is None
                    break
            if not case or not act or ts is None or start_bad:
                log.unreadable.append(event_no)
                continue
            if case not in log.case_lane_value:  # a repeated trace id merges
                log.case_lane_value[case] = lane_value
            life = eattrs.get(life_key, "").strip().lower()
            log.events.append(Event(seq, case, act, ts, life, start))
            seq += 1
        elem.clear()  # free the trace's subtree
    return log


def load_log(path, opts):
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":  # gzip: only XES is expected compressed
        with gzip.open(path, "rb") as f:
            return read_xes(f, opts)
    lower = path.lower()
    if lower.endswith(".xes"):
        with open(path, "rb") as f:
            return read_xes(f, opts)
    with open(path, "r", encoding="utf-8", newline="") as f:
        return read_csv(f, opts)


# --------------------------------------------------------------------------
# Executions: lifecycle pairing, per-case ordering
# --------------------------------------------------------------------------


class Execution:
    __slots__ = ("seq", "activity", "end", "start")

    def __init__(self, seq, activity, end, start):
        self.seq, self.activity, self.end, self.start = seq, activity, end, start


def build_cases(log):
    """case id -> executions sorted by completion (ties: file order)."""
    cases = {}
    pending = {}  # (case, activity) -> FIFO list of start times not yet paired
    for ev in log.events:  # file order
        completed = ev.lifecycle in ("", "complete")
        if log.start_mode:
            if completed:
                cases.setdefault(ev.case, []).append(
                    Execution(ev.seq, ev.activity, ev.ts, ev.start))
            continue  # start-timestamp field wins: no lifecycle pairing
        key = (ev.case, ev.activity)
        if ev.lifecycle == "start":
            pending.setdefault(key, []).append(ev.ts)
        elif completed:
            queue = pending.get(key)
            start = queue.pop(0) if queue else None
            cases.setdefault(ev.case, []).append(
                Execution(ev.seq, ev.activity, ev.ts, start))
        # any other transition: ignored entirely
    for execs in cases.values():
        execs.sort(key=lambda x: (x.end, x.seq))  # stable by file order on ties
    return cases


# --------------------------------------------------------------------------
# Working hours
# --------------------------------------------------------------------------


def parse_working_hours(spec):
    """'Mon-Fri 09:00-17:00' -> (set of weekdays 0=Mon, start s, end s).

    Days: one name, a range (wrapping allowed, e.g. Sat-Mon) or a comma list of
    those. Hours: HH:MM-HH:MM within one day, end after start (24:00 allowed).
    """
    m = re.match(r"^\s*([A-Za-z,\- ]+?)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", spec)
    if not m:
        raise UsageError("working hours must look like 'Mon-Fri 09:00-17:00'")
    days = set()
    for part in m.group(1).replace(" ", "").split(","):
        ends = part.split("-")
        try:
            idx = [DAY_NAMES.index(e.lower()[:3]) for e in ends]
        except ValueError:
            raise UsageError("unknown day in %r" % part)
        if len(idx) == 1:
            days.add(idx[0])
        elif len(idx) == 2:
            d = idx[0]
            while True:
                days.add(d)
                if d == idx[1]:
                    break
                d = (d + 1) % 7
        else:
            raise UsageError("bad day range %r" % part)
    h1, m1, h2, m2 = (int(m.group(i)) for i in range(2, 6))
    start, end = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
    if m1 > 59 or m2 > 59 or not (0 <= start < end <= 86400):
        raise UsageError("working hours need start < end within one day")
    return days, start, end


def working_seconds(a, b, window, tz_offset_hours):
    """Seconds of [a, b] (UTC seconds) inside the weekly window, day by day."""
    if b <= a:
        return 0.0
    days, ws, we = window
    shift = tz_offset_hours * 3600.0
    la, lb = a + shift, b + shift  # local wall-clock seconds
    total = 0.0
    day = math.floor(la / 86400.0)
    last = math.floor(lb / 86400.0)
    while day <= last:
        weekday = (day + 3) % 7  # 1970-01-01 (day 0) was a Thursday
        if weekday in days:
            lo = max(la, day * 86400.0 + ws)
            hi = min(lb, day * 86400.0 + we)
            if hi > lo:
                total += hi - lo
        day += 1
    return total


# --------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------


def percentile(sorted_xs, q):
    """numpy's default (linear) percentile of already sorted samples."""
    n = len(sorted_xs)
    pos = q * (n - 1)
    lower = math.floor(pos)
    frac = pos - lower
    if lower + 1 < n:
        return sorted_xs[lower] + (sorted_xs[lower + 1] - sorted_xs[lower]) * frac
    return sorted_xs[lower]


def summary(samples):
    if not samples:
        return None
    xs = sorted(samples)
    return {"p25": percentile(xs, 0.25), "p50": percentile(xs, 0.5),
            "p75": percentile(xs, 0.75), "n": len(xs)}


def keep_edge(count, lane_executions, share):
    """count >= share * lane executions, compared exactly (choice).

    `share` is a Fraction made from the option's decimal text, so 7 of 700 at
    0.01 is kept, where the float product 0.01 * 700 = 7.000000000000001 would
    drop it.
    """
    return count >= share * lane_executions


# --------------------------------------------------------------------------
# The figures
# --------------------------------------------------------------------------


def assign_lanes(case_ids, log, lane_by):
    """case id -> lane name."""
    if lane_by is None:
        return {c: ALL_CASES for c in case_ids}
    value = {c: (log.case_lane_value.get(c, "") or NONE_LANE) for c in case_ids}
    counts = {}
    for v in value.values():
        counts[v] = counts.get(v, 0) + 1
    if len(counts) > MAX_LANES:
        ranked = sorted(counts, key=lambda v: (-counts[v], v))
        keep = set(ranked[:MAX_LANES - 1])
        return {c: (v if v in keep else OTHER_LANE) for c, v in value.items()}
    return value


def compute(log, opts):
    cases = build_cases(log)
    window = parse_working_hours(opts.working_hours) if opts.working_hours else None
    share = Fraction(str(opts.min_edge_share))

    all_ends = [x.end for execs in cases.values() for x in execs]
    first = min(all_ends) if all_ends else None
    last = max(all_ends) if all_ends else None
    days = (last - first) / 86400.0 if all_ends else 0.0
    months = max(days, 1.0) / DAYS_PER_MONTH

    lane_of = assign_lanes(list(cases), log, opts.lane_by)

    lanes = {}  # lane -> {"cases", "executions"}
    steps = {}  # (lane, activity) -> accumulators
    edges = {}  # (lane, a, b) -> count
    for case, execs in cases.items():
        lane = lane_of[case]
        lt = lanes.setdefault(lane, {"cases": 0, "executions": 0})
        lt["cases"] += 1
        lt["executions"] += len(execs)
        seen = set()
        for pos, x in enumerate(execs):
            st = steps.setdefault((lane, x.activity), {
                "cases": 0, "executions": 0, "wait": [], "handle": [], "pos": []})
            st["executions"] += 1
            st["pos"].append(pos)
            if x.activity not in seen:
                seen.add(x.activity)
                st["cases"] += 1
            if pos > 0:
                prev = execs[pos - 1]
                begin = x.start if x.start is not None else x.end
                if window is None:
                    wait = max(begin - prev.end, 0.0) / 3600.0
                else:
                    wait = working_seconds(prev.end, begin, window, opts.tz_offset_hours) / 3600.0
                st["wait"].append(wait)
                if prev.activity != x.activity:
                    k = (lane, prev.activity, x.activity)
                    edges[k] = edges.get(k, 0) + 1
            if x.start is not None:
                st["handle"].append(max(x.end - x.start, 0.0) / 60.0)

    step_rows = []
    for (lane, act), st in steps.items():
        c, e = st["cases"], st["executions"]
        capped = 20 * c < e  # exactly 1 - c/e > 0.95, in integers
        step_rows.append({
            "lane": lane,
            "activity": act,
            "cases": c,
            "executions": e,
            "volume_per_month": c / months,
            "rework_rate": REWORK_CAP if capped else 1.0 - c / e,
            "rework_capped": capped,
            "wait_hours": summary(st["wait"]),
            "handle_minutes": summary(st["handle"]),
            "order": float(percentile(sorted(st["pos"]), 0.5)),
        })
    step_rows.sort(key=lambda s: (s["lane"], s["order"], s["activity"]))

    edge_rows = [
        {"lane": lane, "from": a, "to": b, "count": n}
        for (lane, a, b), n in edges.items()
        if keep_edge(n, lanes[lane]["executions"], share)
    ]
    edge_rows.sort(key=lambda r: (r["lane"], r["from"], r["to"]))

    return {
        "months": months,
        "cases": len(cases),
        "executions": len(all_ends),
        "unreadable": len(log.unreadable),
        "first": format_utc(first) if first is not None else None,
        "last": format_utc(last) if last is not None else None,
        "lanes": [{"lane": k, "cases": v["cases"], "executions": v["executions"]}
                  for k, v in sorted(lanes.items())],
        "steps": step_rows,
        "edges": edge_rows,
    }


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def make_parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("log", nargs="?", help="CSV, XES or XES.gz event log")
    p.add_argument("--case", help="case id column (XES: trace attribute key)")
    p.add_argument("--activity", help="activity column (XES: event key)")
    p.add_argument("--timestamp", help="completion timestamp column (XES: event key)")
    p.add_argument("--start", help="start timestamp column (XES: event key)")
    p.add_argument("--lifecycle", help="lifecycle column (XES: event key)")
    p.add_argument("--lane-by", dest="lane_by", help="case attribute giving the lanes")
    p.add_argument("--working-hours", dest="working_hours",
                   help='weekly hours waits count in, e.g. "Mon-Fri 09:00-17:00"')
    p.add_argument("--min-edge-share", dest="min_edge_share", default="0.01",
                   help="keep a directly-follows edge from this share of the "
                        "lane's executions (default 0.01)")
    p.add_argument("--tz-offset-hours", dest="tz_offset_hours", type=float, default=0.0,
                   help="offset of times written without one (default 0 = UTC)")
    p.add_argument("--self-test", dest="self_test", action="store_true",
                   help="run the hand-worked checks and exit")
    return p


def options(argv):
    opts = make_parser().parse_args(argv)
    try:
        Fraction(str(opts.min_edge_share))
    except (ValueError, ZeroDivisionError):
        raise UsageError("--min-edge-share must be a number")
    return opts


def report_unreadable(log, path):
    if not log.unreadable:
        return
    unit = "events" if log.columns.get("separator") is None else "lines"
    print("%s: %d unreadable rows skipped; first %s: %s" % (
        path, len(log.unreadable), unit,
        ", ".join(str(n) for n in log.unreadable[:10])), file=sys.stderr)


def main(argv):
    try:
        opts = options(argv)
        if opts.self_test:
            self_test()
            return 0
        if not opts.log:
            raise UsageError("give an event log (or --self-test)")
        log = load_log(opts.log, opts)
        result = compute(log, opts)
    except UsageError as e:
        print("eventlog_calc: %s" % e, file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError, ET.ParseError, csv.Error) as e:
        print("eventlog_calc: cannot read %s: %s" % (opts.log, e), file=sys.stderr)
        return 2
    report_unreadable(log, opts.log)
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


# --------------------------------------------------------------------------
# Self-test: figures worked out by hand (see the module docstring)
# --------------------------------------------------------------------------


def _docstring_log():
    block = __doc__.split("Self-test log", 1)[1].split("\n\n", 2)[1]
    return "\n".join(line[4:] for line in block.splitlines()) + "\n"


def _run_csv(text, *args):
    opts = options(["x.csv", *args])
    return compute(read_csv(io.StringIO(text, newline=""), opts), opts)


def _run_xes(text, *args):
    opts = options(["x.xes", *args])
    return compute(read_xes(io.BytesIO(text.encode("utf-8")), opts), opts)


def _step(result, activity, lane=ALL_CASES):
    (s,) = [s for s in result["steps"] if s["lane"] == lane and s["activity"] == activity]
    return s


def _close(a, b):
    return abs(a - b) < 1e-9


def self_test():
    text = _docstring_log()
    r = _run_csv(text)
    # unreadable rows and totals
    opts = options(["x.csv"])
    log = read_csv(io.StringIO(text, newline=""), opts)
    assert log.unreadable == [14, 15], log.unreadable
    assert (r["cases"], r["executions"], r["unreadable"]) == (3, 9, 2), r
    assert r["first"] == "2024-01-05T09:00:00Z" and r["last"] == "2024-01-10T13:00:00Z", r
    assert _close(r["months"], (31 / 6) / 30.4375), r["months"]
    # pairing (FIFO), handling, the negative gap clamped to 0
    rev = _step(r, "Review")
    assert (rev["cases"], rev["executions"]) == (2, 3)
    assert _close(rev["rework_rate"], 1 / 3) and not rev["rework_capped"]
    assert rev["wait_hours"] == {"p25": 0.0, "p50": 0.0, "p75": 3.0, "n": 3}, rev
    assert rev["handle_minutes"] == {"p25": 4027.5, "p50": 4035.0, "p75": 4042.5, "n": 2}
    assert rev["order"] == 2.0
    # ties in file order (B: Decide before Review), sorting by UTC (C)
    dec = _step(r, "Decide")
    assert dec["wait_hours"] == {"p25": 17.375, "p50": 33.75, "p75": 50.125, "n": 2}, dec
    assert dec["order"] == 1.5 and dec["rework_rate"] == 0.0
    rec = _step(r, "Receive")
    assert (rec["cases"], rec["executions"], rec["rework_rate"]) == (3, 4, 0.25)
    assert rec["wait_hours"] == {"p25": 0.5, "p50": 0.5, "p75": 0.5, "n": 1}
    assert rec["handle_minutes"] is None and rec["order"] == 0.0
    assert _close(rec["volume_per_month"], 3 / ((31 / 6) / 30.4375))
    assert [s["activity"] for s in r["steps"]] == ["Receive", "Decide", "Review"]
    assert [(e["from"], e["to"], e["count"]) for e in r["edges"]] == [
        ("Decide", "Review", 1), ("Receive", "Decide", 2), ("Receive", "Review", 1)], r["edges"]
    # edge share threshold
    r2 = _run_csv(text, "--min-edge-share", "0.2")
    assert [(e["from"], e["to"]) for e in r2["edges"]] == [("Receive", "Decide")]
    # lanes from the case's first row
    r3 = _run_csv(text, "--lane-by", "region")
    assert r3["lanes"] == [{"lane": "North", "cases": 2, "executions": 6},
                           {"lane": "South", "cases": 1, "executions": 3}], r3["lanes"]
    # weekend wait with working hours: Fri 16:00 -> Mon 10:30 = 1 h + 1.5 h
    r4 = _run_csv(text, "--working-hours", "Mon-Fri 09:00-17:00")
    assert _step(r4, "Decide")["wait_hours"] == {"p25": 1.375, "p50": 1.75, "p75": 2.125, "n": 2}
    assert _step(r4, "Review")["wait_hours"]["p75"] == 3.0
    win = parse_working_hours("Mon-Fri 09:00-17:00")
    fri16 = parse_timestamp("2024-01-05 16:00:00")
    assert working_seconds(fri16, parse_timestamp("2024-01-08 10:30:00"), win, 0) == 2.5 * 3600
    # all inside one weekend: nothing counts
    assert working_seconds(parse_timestamp("2024-01-06 10:00:00"),
                           parse_timestamp("2024-01-07 18:00:00"), win, 0) == 0.0
    # shifted clock: 08:00 UTC at UTC+2 is 10:00 local, so 1 h until 09:00 UTC
    assert working_seconds(parse_timestamp("2024-01-08 08:00:00"),
                           parse_timestamp("2024-01-08 09:00:00"), win, 2) == 3600
    # capping at 0.95: 21 executions in 1 case -> 0.952.. capped; 20 -> 0.95 exactly
    rows = ["case:concept:name,concept:name,time:timestamp"]
    rows += ["X,Ping,2024-02-01 10:%02d:00" % i for i in range(21)]
    rows += ["Y,Pong,2024-02-01 11:%02d:00" % i for i in range(20)]
    r5 = _run_csv("\n".join(rows) + "\n")
    ping, pong = _step(r5, "Ping"), _step(r5, "Pong")
    assert ping["rework_rate"] == 0.95 and ping["rework_capped"], ping
    assert _close(pong["rework_rate"], 0.95) and not pong["rework_capped"], pong
    assert ping["wait_hours"]["n"] == 20 and _close(ping["wait_hours"]["p50"], 1 / 60)
    assert r5["edges"] == []  # only self-loops
    # more than 24 lane values: z (3 cases), y (2), then a..u by name; v, w, x -> Other
    rows = ["CaseID;Activity;Timestamp;team"]
    letters = "abcdefghijklmnopqrstuvwxyz"
    n = 0
    for letter in letters:
        for _ in range({"z": 3, "y": 2}.get(letter, 1)):
            n += 1
            rows.append("c%d;Work;2024-03-01T10:00:00Z;%s" % (n, letter))
    r6 = _run_csv("\ufeff" + "\r\n".join(rows) + "\r\n", "--lane-by", "team")
    names = [l["lane"] for l in r6["lanes"]]
    assert len(names) == 24 and "Other" in names and "v" not in names and "u" in names, names
    assert {l["lane"]: l["cases"] for l in r6["lanes"]}["Other"] == 3
    # CSV and XES of case A agree; XES pairing uses lifecycle attributes
    csv_a = "\n".join(text.splitlines()[:7]) + "\n"
    xes_a = """<?xml version="1.0" encoding="UTF-8"?>
<log xmlns="http://www.xes-standard.org/">
 <trace><string key="concept:name" value="A"/><string key="region" value="North"/>
  <event><string key="concept:name" value="Receive"/>
   <date key="time:timestamp" value="2024-01-05T09:00:00.000+00:00"/></event>
  <event><string key="concept:name" value="Review"/><string key="lifecycle:transition" value="start"/>
   <date key="time:timestamp" value="2024-01-05T15:00:00Z"/></event>
  <event><string key="concept:name" value="Review"/><string key="lifecycle:transition" value="start"/>
   <date key="time:timestamp" value="2024-01-05T16:00:00Z"/></event>
  <event><string key="concept:name" value="Review"/><string key="lifecycle:transition" value="complete"/>
   <date key="time:timestamp" value="2024-01-08T11:00:00+01:00"/></event>
  <event><string key="concept:name" value="Approve"/><string key="lifecycle:transition" value="assign"/>
   <date key="time:timestamp" value="2024-01-08T11:00:00Z"/></event>
  <event><string key="concept:name" value="Review"/><string key="lifecycle:transition" value="Complete"/>
   <date key="time:timestamp" value="2024-01-08T11:30:00Z"/></event>
 </trace>
</log>
"""
    assert _run_csv(csv_a, "--lane-by", "region") == _run_xes(xes_a, "--lane-by", "region")
    # the same XES gzip-compressed, through the file loader (sniffs the magic)
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        gz_path = os.path.join(tmp, "a.xes.gz")
        with gzip.open(gz_path, "wb") as f:
            f.write(xes_a.encode("utf-8"))
        gz_opts = options([gz_path, "--lane-by", "region"])
        assert compute(load_log(gz_path, gz_opts), gz_opts) == _run_csv(csv_a, "--lane-by", "region")
    # a start-timestamp column wins over lifecycle pairing; empty = no start
    r7 = _run_csv("CaseID,Activity,Timestamp,Start Timestamp\n"
                  "K,Fill,2024-01-02 10:00:00,2024-01-02 09:30:00\n"
                  "K,Check,2024-01-02 12:00:00,\n"
                  "K,Send,2024-01-02 13:00:00,2024-01-02 14:00:00\n")
    assert _step(r7, "Fill")["handle_minutes"]["p50"] == 30.0
    assert _step(r7, "Check")["handle_minutes"] is None
    assert _step(r7, "Check")["wait_hours"]["p50"] == 2.0
    assert _step(r7, "Send")["handle_minutes"]["p50"] == 0.0  # start after end: 0
    assert _step(r7, "Send")["wait_hours"]["p50"] == 2.0  # 14:00 - 12:00
    # percentile against numpy's documented default on a small sample
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.25) == 1.75
    assert percentile([7.0], 0.75) == 7.0
    # timestamps
    assert parse_timestamp("2024-01-05T10:00:00+01:00") == parse_timestamp("2024-01-05 09:00:00")
    assert parse_timestamp("2024-01-05 09:00:00", 2) == parse_timestamp("2024-01-05T07:00:00Z")
    assert parse_timestamp("2024-02-30 09:00:00") is None
    assert format_utc(parse_timestamp("2024-01-05 09:00:00.250")) == "2024-01-05T09:00:00.250Z"
    print("self-test: 1 passed, 0 failed")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
