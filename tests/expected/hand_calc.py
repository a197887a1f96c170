#!/usr/bin/env python3
"""Independent hand calculation of a Friction Map ranking.

Reads a process map JSON (format_version 1), validates it, and writes the
expected lane ranking as CSV. Standard library only; deliberately written
without reference to the Rust implementation.

Usage:
    python3 hand_calc.py MAP.json                  # CSV to stdout
    python3 hand_calc.py MAP.json ... --out-dir D  # writes D/<map stem>.csv

A short summary (total friction, clear winner or not, sanity warnings) goes
to stderr. Exit status is 1 if any map breaks a rule, 2 on usage errors.

Per step (a lane is the sum over its steps):
    passes      = 1 / (1 - rework_rate)
    handling    = volume_per_month * handle_minutes / 60 * hourly_cost
    delay       = volume_per_month * approval_delay_hours * delay_cost_per_hour
    rework      = (passes - 1) * (handling + delay)
    friction    = handling + delay + rework
    touch_hours = volume_per_month * handle_minutes / 60 * passes
    fte         = touch_hours / hours_per_fte_month
friction_low / friction_high use each step's "low" / "high" estimates where
present, else the point value.
"""

import csv
import json
import math
import os
import sys

ATTRS = ("volume_per_month", "handle_minutes", "rework_rate", "approval_delay_hours")
LIMITS = {
    "volume_per_month": (0.0, 1e9),
    "handle_minutes": (0.0, 1e5),
    "rework_rate": (0.0, 0.95),
    "approval_delay_hours": (0.0, 1e5),
}
HEADER = [
    "rank", "lane", "monthly_friction", "handling", "rework", "delay",
    "friction_low", "friction_high", "share_pct", "cumulative_pct",
    "touch_hours", "fte", "steps", "top_driver",
]
COMPONENTS = ("handling", "rework", "delay")

# Layout convention for sample maps (cards are 180 x 96 px, relative to lane band).
CARD_X0, CARD_DX = 40, 220
ROW_YS = (32, 152)
MAX_STEP_NAME = 40


# ---------------------------------------------------------------- validation

def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_name(errors, where, obj):
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append(f"{where}: name must be a non-empty string")
    elif len(name) > 200:
        errors.append(f"{where}: name longer than 200 characters")


def validate(m):
    """Return (errors, warnings) for a parsed map."""
    errors, warnings = [], []

    if m.get("format_version") != 1:
        errors.append("format_version must be 1")
    check_name(errors, "map", m)
    if not isinstance(m.get("currency"), str) or not m["currency"].strip():
        errors.append("currency must be a non-empty string")
    if not isinstance(m.get("notes", ""), str):
        errors.append("map notes must be a string")

    rates = m.get("rates")
    if not isinstance(rates, dict):
        errors.append("rates must be an object")
        rates = {}
    for key in ("hourly_cost", "delay_cost_per_hour", "hours_per_fte_month"):
        v = rates.get(key)
        if not is_number(v) or v < 0:
            errors.append(f"rates.{key} must be a finite number >= 0")
    if is_number(rates.get("hours_per_fte_month")) and rates["hours_per_fte_month"] <= 0:
        errors.append("rates.hours_per_fte_month must be > 0")

    lanes = m.get("lanes")
    steps = m.get("steps")
    edges = m.get("edges", [])
    if not isinstance(lanes, list) or not isinstance(steps, list) or not isinstance(edges, list):
        errors.append("lanes, steps and edges must be arrays")
        return errors, warnings

    # Lanes: unique ids, names, 3-6 of them.
    lane_ids = []
    for i, lane in enumerate(lanes):
        where = f"lane #{i} ({lane.get('id')!r})" if isinstance(lane, dict) else f"lane #{i}"
        if not isinstance(lane, dict):
            errors.append(f"{where}: must be an object")
            continue
        if not isinstance(lane.get("id"), str) or not lane["id"]:
            errors.append(f"{where}: id must be a non-empty string")
        else:
            lane_ids.append(lane["id"])
        check_name(errors, where, lane)
        for opt in ("owner", "notes"):
            if opt in lane and not isinstance(lane[opt], str):
                errors.append(f"{where}: {opt} must be a string")
    if not 3 <= len(lanes) <= 6:
        errors.append(f"map has {len(lanes)} lanes; expected 3-6")
    dup = sorted({x for x in lane_ids if lane_ids.count(x) > 1})
    if dup:
        errors.append(f"duplicate lane ids: {dup}")

    # Steps: unique ids, lane references, ranges, low <= value <= high.
    step_ids = []
    per_lane = {lid: [] for lid in lane_ids}
    cells = {}
    for i, s in enumerate(steps):
        if not isinstance(s, dict):
            errors.append(f"step #{i}: must be an object")
            continue
        where = f"step {s.get('id')!r}"
        if not isinstance(s.get("id"), str) or not s["id"]:
            errors.append(f"step #{i}: id must be a non-empty string")
        else:
            step_ids.append(s["id"])
        check_name(errors, where, s)
        if isinstance(s.get("name"), str) and len(s["name"]) > MAX_STEP_NAME:
            warnings.append(f"{where}: name longer than {MAX_STEP_NAME} characters")
        if s.get("lane") not in per_lane:
            errors.append(f"{where}: lane {s.get('lane')!r} does not exist")
        else:
            per_lane[s["lane"]].append(s)
        if "notes" in s and not isinstance(s["notes"], str):
            errors.append(f"{where}: notes must be a string")

        for a in ATTRS:
            v = s.get(a)
            lo_lim, hi_lim = LIMITS[a]
            if not is_number(v) or not lo_lim <= v <= hi_lim:
                errors.append(f"{where}: {a}={v!r} outside {lo_lim:g}..={hi_lim:g}")
        for bound in ("low", "high"):
            est = s.get(bound)
            if est is None:
                continue
            if not isinstance(est, dict):
                errors.append(f"{where}: {bound} must be an object")
                continue
            for a, v in est.items():
                if a not in ATTRS:
                    errors.append(f"{where}: {bound}.{a} is not an estimable attribute")
                    continue
                lo_lim, hi_lim = LIMITS[a]
                if not is_number(v) or not lo_lim <= v <= hi_lim:
                    errors.append(f"{where}: {bound}.{a}={v!r} outside {lo_lim:g}..={hi_lim:g}")
                    continue
                point = s.get(a)
                if not is_number(point):
                    continue
                if bound == "low" and v > point:
                    errors.append(f"{where}: low.{a}={v} > value {point}")
                if bound == "high" and v < point:
                    errors.append(f"{where}: high.{a}={v} < value {point}")

        # Layout convention (warnings only).
        x, y = s.get("x"), s.get("y")
        if not is_number(x) or not is_number(y):
            errors.append(f"{where}: x and y must be numbers")
        else:
            if x < CARD_X0 or (x - CARD_X0) % CARD_DX != 0 or y not in ROW_YS:
                warnings.append(f"{where}: position ({x}, {y}) off the layout grid")
            cell = (s.get("lane"), x, y)
            if cell in cells:
                warnings.append(f"{where}: overlaps step {cells[cell]!r}")
            cells[cell] = s.get("id")

    dup = sorted({x for x in step_ids if step_ids.count(x) > 1})
    if dup:
        errors.append(f"duplicate step ids: {dup}")
    clash = sorted(set(step_ids) & set(lane_ids))
    if clash:
        errors.append(f"ids used by both a lane and a step: {clash}")
    for lid, ss in per_lane.items():
        if not 4 <= len(ss) <= 12:
            errors.append(f"lane {lid!r} has {len(ss)} steps; expected 4-12")

    # Edges: existing ids, no self-edges, no duplicates.
    known = set(step_ids)
    seen = set()
    for i, e in enumerate(edges):
        if not isinstance(e, dict):
            errors.append(f"edge #{i}: must be an object")
            continue
        f, t = e.get("from"), e.get("to")
        for end in (f, t):
            if end not in known:
                errors.append(f"edge #{i}: unknown step id {end!r}")
        if f == t:
            errors.append(f"edge #{i}: self-edge on {f!r}")
        if (f, t) in seen:
            errors.append(f"edge #{i}: duplicate edge {f!r} -> {t!r}")
        seen.add((f, t))

    return errors, warnings


# ---------------------------------------------------------------- calculation

def step_costs(step, rates, which=None):
    """Cost components for one step; which=None/'low'/'high' picks estimates."""
    vals = {a: step[a] for a in ATTRS}
    if which is not None:
        vals.update(step.get(which) or {})
    passes = 1.0 / (1.0 - vals["rework_rate"])
    handling = vals["volume_per_month"] * vals["handle_minutes"] / 60.0 * rates["hourly_cost"]
    delay = vals["volume_per_month"] * vals["approval_delay_hours"] * rates["delay_cost_per_hour"]
    rework = (passes - 1.0) * (handling + delay)
    touch_hours = vals["volume_per_month"] * vals["handle_minutes"] / 60.0 * passes
    return {
        "handling": handling,
        "delay": delay,
        "rework": rework,
        "friction": handling + delay + rework,
        "touch_hours": touch_hours,
    }


def rank_lanes(m):
    rates = m["rates"]
    rows = []
    for lane in m["lanes"]:
        steps = [s for s in m["steps"] if s["lane"] == lane["id"]]
        tot = {"handling": 0.0, "rework": 0.0, "delay": 0.0, "friction": 0.0,
               "touch_hours": 0.0, "low": 0.0, "high": 0.0}
        driver, driver_amount = "", -1.0
        for s in steps:
            c = step_costs(s, rates)
            for k in ("handling", "rework", "delay", "friction", "touch_hours"):
                tot[k] += c[k]
            tot["low"] += step_costs(s, rates, "low")["friction"]
            tot["high"] += step_costs(s, rates, "high")["friction"]
            # Largest single amount; ties keep the earliest (file order, then
            # handling < rework < delay).
            for comp in COMPONENTS:
                if c[comp] > driver_amount:
                    driver, driver_amount = f"{s['name']}: {comp}", c[comp]
        tot.update(lane=lane, steps=len(steps), top_driver=driver)
        rows.append(tot)

    rows.sort(key=lambda r: (-r["friction"], r["lane"]["name"], r["lane"]["id"]))
    total = sum(r["friction"] for r in rows)
    cumulative = 0.0
    for r in rows:
        r["share"] = r["friction"] / total * 100.0 if total > 0 else 0.0
        cumulative += r["share"]
        r["cumulative"] = cumulative
        r["fte"] = r["touch_hours"] / rates["hours_per_fte_month"]
    return rows, total


def clear_winner(rows):
    return len(rows) < 2 or rows[0]["low"] > rows[1]["high"]


def write_csv(rows, out):
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    for rank, r in enumerate(rows, start=1):
        w.writerow([
            rank, r["lane"]["name"],
            f"{r['friction']:.2f}", f"{r['handling']:.2f}", f"{r['rework']:.2f}",
            f"{r['delay']:.2f}", f"{r['low']:.2f}", f"{r['high']:.2f}",
            f"{r['share']:.2f}", f"{r['cumulative']:.2f}",
            f"{r['touch_hours']:.2f}", f"{r['fte']:.3f}", r["steps"], r["top_driver"],
        ])


def sanity_warnings(rows):
    """Flag figures an operations analyst would find implausible."""
    out = []
    for r in rows:
        name = r["lane"]["name"]
        if not 1_000 <= r["friction"] <= 500_000:
            out.append(f"lane {name!r}: monthly friction {r['friction']:.0f} outside 1k-500k")
        if r["handling"] > 0 and r["delay"] > 100 * r["handling"]:
            out.append(f"lane {name!r}: delay is over 100x handling")
        if r["delay"] > 0 and r["handling"] > 100 * r["delay"]:
            out.append(f"lane {name!r}: handling is over 100x delay")
    return out


# ---------------------------------------------------------------- main

def main(argv):
    out_dir = None
    paths = []
    it = iter(argv)
    for arg in it:
        if arg == "--out-dir":
            out_dir = next(it, None)
            if out_dir is None:
                print("--out-dir needs a directory", file=sys.stderr)
                return 2
        else:
            paths.append(arg)
    if not paths or (len(paths) > 1 and out_dir is None):
        print(__doc__, file=sys.stderr)
        return 2

    status = 0
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            m = json.load(fh)
        errors, warnings = validate(m)
        for w in warnings:
            print(f"{path}: warning: {w}", file=sys.stderr)
        if errors:
            for e in errors:
                print(f"{path}: error: {e}", file=sys.stderr)
            status = 1
            continue

        rows, total = rank_lanes(m)
        if out_dir is None:
            write_csv(rows, sys.stdout)
        else:
            stem = os.path.splitext(os.path.basename(path))[0]
            with open(os.path.join(out_dir, stem + ".csv"), "w", encoding="utf-8", newline="") as fh:
                write_csv(rows, fh)

        cur = m["currency"]
        verdict = "clear winner" if clear_winner(rows) else "too close to call"
        print(f"{path}: total {total:,.2f} {cur}/month; {verdict}", file=sys.stderr)
        for rank, r in enumerate(rows, start=1):
            print(f"  {rank}. {r['lane']['name']}: {r['friction']:,.2f} "
                  f"[{r['low']:,.2f} .. {r['high']:,.2f}] "
                  f"(handling {r['handling']:,.0f}, rework {r['rework']:,.0f}, "
                  f"delay {r['delay']:,.0f}; {r['fte']:.2f} FTE) top: {r['top_driver']}",
                  file=sys.stderr)
        for w in sanity_warnings(rows):
            print(f"{path}: sanity: {w}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
