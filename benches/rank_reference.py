#!/usr/bin/env python3
"""The plain-Python reference for `frictionmap rank MAP --csv OUT`.

Loads the map's JSON, sums each lane's monthly friction (point, low and high
estimates, components, touch hours, top driver) in one pass over the steps,
ranks the lanes and writes the ranked-lanes CSV. No validation: it is the
least work a script needs for the same figures, so `benches/cli.rs` can say
how many times faster the app is. Its figures are checked against the app's.

    python3 benches/rank_reference.py MAP.json OUT.csv
"""

import csv
import json
import sys

ATTRS = ("volume_per_month", "handle_minutes", "rework_rate", "approval_delay_hours")
HEADER = [
    "rank", "lane", "owner", "monthly_friction", "handling", "rework", "delay",
    "friction_low", "friction_high", "share_pct", "cumulative_pct", "touch_hours",
    "fte", "steps", "top_driver",
]


def costs(v, hourly, delay_rate):
    passes = 1.0 / (1.0 - v["rework_rate"])
    handling = v["volume_per_month"] * v["handle_minutes"] / 60.0 * hourly
    delay = v["volume_per_month"] * v["approval_delay_hours"] * delay_rate
    rework = (passes - 1.0) * (handling + delay)
    touch = v["volume_per_month"] * v["handle_minutes"] / 60.0 * passes
    return handling, delay, rework, touch


def bound(step, which, hourly, delay_rate):
    est = step.get(which)
    if not est:
        return None
    v = {a: step[a] for a in ATTRS}
    v.update(est)
    h, d, r, _ = costs(v, hourly, delay_rate)
    return h + d + r


def main(path, out):
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    rates = m["rates"]
    hourly, delay_rate = rates["hourly_cost"], rates["delay_cost_per_hour"]
    lanes = {lane["id"]: [lane, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, "", -1.0] for lane in m["lanes"]}
    for s in m["steps"]:
        t = lanes[s["lane"]]
        h, d, r, touch = costs(s, hourly, delay_rate)
        point = h + d + r
        low = bound(s, "low", hourly, delay_rate)
        high = bound(s, "high", hourly, delay_rate)
        t[1] += h
        t[2] += d
        t[3] += r
        t[4] += touch
        t[5] += point if low is None else low
        t[6] += point if high is None else high
        t[7] += 1
        for name, amount in (("handling", h), ("rework", r), ("delay", d)):
            if amount > t[9]:
                t[8], t[9] = f"{s['name']}: {name}", amount
    rows = sorted(lanes.values(), key=lambda t: (-(t[1] + t[2] + t[3]), t[0]["name"], t[0]["id"]))
    total = sum(t[1] + t[2] + t[3] for t in rows)
    cumulative = 0.0
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADER)
        for rank, t in enumerate(rows, start=1):
            lane, h, d, r, touch, low, high, steps, driver, _ = t
            friction = h + d + r
            share = friction / total * 100.0 if total > 0 else 0.0
            cumulative += share
            w.writerow([
                rank, lane["name"], lane.get("owner", ""), f"{friction:.2f}", f"{h:.2f}",
                f"{r:.2f}", f"{d:.2f}", f"{low:.2f}", f"{high:.2f}", f"{share:.2f}",
                f"{cumulative:.2f}", f"{touch:.2f}", f"{touch / rates['hours_per_fte_month']:.3f}",
                steps, driver,
            ])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
