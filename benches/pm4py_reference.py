#!/usr/bin/env python3
"""Timing reference: per-activity figures of a CSV event log with pm4py/pandas.

    python3 benches/pm4py_reference.py LOG.csv [--case COL] [--activity COL]
        [--timestamp COL] [--start COL]

Reads the CSV with pandas, hands it to `pm4py.format_dataframe`, then computes
per activity, with pandas groupby/shift on that dataframe:

* executions  - completed events of the activity (rows whose
                lifecycle:transition, when the column exists, is empty or
                "complete"; no start/complete pairing is done here)
* cases       - distinct cases containing the activity
* median wait - hours from the previous execution's completion in the same
                case to this execution's start (its completion when there is
                no start_timestamp column or the cell is empty), clamped at 0;
                executions ordered by completion, ties in file order

It is the pm4py-way baseline the app's timings are compared with; its counts
(and median waits) should equal tests/expected/eventlog_calc.py for the same
log. The table goes to stdout, the time taken to stderr. When pm4py (or
pandas) cannot be imported it says so and exits 0, so benches can skip it.
"""

import argparse
import sys
import time


def detect_separator(path):
    """',' or ';', whichever occurs more often outside quotes in the header."""
    with open(path, "r", encoding="utf-8-sig", newline="") as f:
        header = f.readline()
    counts = {",": 0, ";": 0}
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    return ";" if counts[";"] > counts[","] else ","


def main(argv):
    p = argparse.ArgumentParser(description="per-activity figures with pm4py")
    p.add_argument("log")
    p.add_argument("--case", default="case:concept:name")
    p.add_argument("--activity", default="concept:name")
    p.add_argument("--timestamp", default="time:timestamp")
    p.add_argument("--start", default="start_timestamp",
                   help="start timestamp column, used when present")
    args = p.parse_args(argv)

    try:
        import pandas as pd
        import pm4py
    except ImportError as e:  # not installed: nothing to compare, not an error
        print("pm4py_reference: skipped, cannot import pm4py/pandas (%s); "
              "`pip install pm4py` installs it" % e, file=sys.stderr)
        return 0

    t0 = time.perf_counter()
    df = pd.read_csv(args.log, sep=detect_separator(args.log), encoding="utf-8-sig",
                     dtype=str, keep_default_na=False)
    # Mixed offsets (e.g. +01:00 and +02:00) need utc=True; naive times are UTC.
    # Unparseable timestamps become NaT and are dropped like unreadable rows.
    df[args.timestamp] = pd.to_datetime(df[args.timestamp].str.strip(), utc=True,
                                        format="ISO8601", errors="coerce")
    has_start = args.start in df.columns
    if has_start:
        df[args.start] = pd.to_datetime(df[args.start].str.strip().replace("", None),
                                        utc=True, format="ISO8601", errors="coerce")
    df[args.case] = df[args.case].str.strip()
    df[args.activity] = df[args.activity].str.strip()
    df = df[(df[args.case] != "") & (df[args.activity] != "") & df[args.timestamp].notna()]
    df = df.assign(file_row=range(len(df)))  # file order, for ties

    df = pm4py.format_dataframe(df, case_id=args.case, activity_key=args.activity,
                                timestamp_key=args.timestamp)
    case, act, ts = "case:concept:name", "concept:name", "time:timestamp"

    if "lifecycle:transition" in df.columns:
        life = df["lifecycle:transition"].astype(str).str.strip().str.lower()
        df = df[life.isin(["", "complete", "nan"])]

    # Executions per case by completion time, ties in file order.
    df = df.sort_values([case, ts, "file_row"], kind="mergesort")
    prev_end = df.groupby(case, sort=False)[ts].shift(1)
    begin = df[args.start].fillna(df[ts]) if has_start else df[ts]
    wait_h = (begin - prev_end).dt.total_seconds() / 3600.0
    df = df.assign(wait_hours=wait_h.clip(lower=0.0))  # first in case stays NaN

    table = df.groupby(act).agg(
        executions=(case, "size"),
        cases=(case, "nunique"),
        median_wait_hours=("wait_hours", "median"),
    ).sort_index()
    elapsed = time.perf_counter() - t0

    print("%-40s %10s %7s %18s" % ("activity", "executions", "cases", "median wait (h)"))
    for name, row in table.iterrows():
        med = row["median_wait_hours"]
        med_text = "-" if pd.isna(med) else "%.6f" % med
        print("%-40s %10d %7d %18s" % (name, row["executions"], row["cases"], med_text))
    print("%-40s %10d %7d" % ("(total)", len(df), df[case].nunique()))
    print("pm4py_reference: %s in %.3f s (pm4py %s, pandas %s)"
          % (args.log, elapsed, pm4py.__version__, pd.__version__), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
