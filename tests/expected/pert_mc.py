#!/usr/bin/env python3
"""Independent Monte Carlo of "how sure is the pick" for a Friction Map.

Reads a process map JSON (format_version 1, as in sample_maps/*.json) and
simulates the uncertainty in its step estimates to say how likely the lane
ranked first on point values really is the costliest one. Python 3 + numpy
only; it imports nothing from, and calls nothing in, the Rust code. It is a
cross-check for the Rust implementation, so the two should agree
statistically (not draw-for-draw: the random streams differ).

Usage:
    python3 pert_mc.py MAP.json [--draws N] [--seed S]
                                [--add-ranges] [--write-map PATH]
    python3 pert_mc.py --self-check [--draws N] [--seed S]

    --draws N         number of Monte Carlo draws (default 10000)
    --seed S          seed for numpy.random.default_rng (default 1)
    --add-ranges      add estimates to the map before simulating (see below)
    --write-map PATH  write the map actually simulated (after --add-ranges,
                      if given) to PATH as JSON, so a test can load exactly
                      the same map
    --self-check      compare the simulation with exact values on a tiny
                      two-lane map and exit (status 1 on disagreement)

Friction of one step per month (lane friction = sum over its steps, added in
the order of the file's steps list):
    passes   = 1 / (1 - rework_rate)
    handling = volume_per_month * handle_minutes / 60 * rates.hourly_cost
    delay    = volume_per_month * approval_delay_hours * rates.delay_cost_per_hour
    rework   = (passes - 1) * (handling + delay)
    friction = handling + delay + rework

Uncertainty: a step attribute (volume_per_month, handle_minutes, rework_rate,
approval_delay_hours) with an entry in the step's optional "low" and/or
"high" objects is uncertain. It is drawn from a Beta-PERT distribution with
shape 4: a = low (or the value when there is no low), m = the value,
b = high (or the value when there is no high);
    alpha = 1 + 4 (m - a) / (b - a),  beta = 1 + 4 (b - m) / (b - a),
    draw  = a + (b - a) * Beta(alpha, beta).
If b == a the attribute is fixed. All other attributes and the map's rates
are fixed. Every uncertain attribute is drawn independently
(numpy.random.Generator.beta, one array of N draws per attribute, taken in
file order of steps and, within a step, in the attribute order above).

Over N draws (each draw evaluates every step and sums each lane):
    p_costliest    share of draws in which the lane has the highest friction;
                   lanes whose sums are exactly equal to the draw's maximum
                   share that draw equally.
    friction_p10/p50/p90
                   percentiles of the lane's friction over the draws
                   (numpy.percentile, default linear method).
    expected_regret
                   mean over draws of (highest lane friction in the draw -
                   friction of the top lane in the draw). The top lane is the
                   lane ranked first on point values: lanes sorted by point
                   friction descending, ties broken by lane name, then lane
                   id (the ranking of hand_calc.py).

Output (stdout, JSON):
    {"draws": N, "seed": S, "expected_regret": x,
     "lanes": [{"lane_id", "lane", "point", "p_costliest",
                "friction_p10", "friction_p50", "friction_p90"}, ...]}
with lanes in point-rank order ("point" = lane friction at point values).

--add-ranges (so sample maps, which have few ranges, get ranges everywhere):
    * every step with handle_minutes > 0 gets
          low.handle_minutes  = round(0.7 * handle_minutes, 1)
          high.handle_minutes = round(1.5 * handle_minutes, 1)
    * every third step (index i in the file's steps list with i % 3 == 0)
      gets
          low.volume_per_month  = round(0.8 * volume_per_month)   (whole items)
          high.volume_per_month = round(1.3 * volume_per_month)
    These replace any estimate the step already had for that attribute;
    other estimates are kept. Rounding is Python's round(). As a guard the
    results are clamped so that low <= value <= high and high stays within
    the map limits (handle_minutes <= 1e5, volume_per_month <= 1e9); for
    realistic values this never changes anything. --write-map writes the
    modified map: the same JSON structure as the input (key order kept,
    indent 2), only these estimates added.
"""

import argparse
import copy
import json
import math
import sys

import numpy as np

ATTRS = ("volume_per_month", "handle_minutes", "rework_rate", "approval_delay_hours")
LIMITS = {
    "volume_per_month": (0.0, 1e9),
    "handle_minutes": (0.0, 1e5),
    "rework_rate": (0.0, 0.95),
    "approval_delay_hours": (0.0, 1e5),
}
PERT_SHAPE = 4.0


# ---------------------------------------------------------------- map handling

def estimates(step, bound):
    """The step's "low" or "high" object ({} when absent or null)."""
    est = step.get(bound)
    return est if isinstance(est, dict) else {}


def check_map(m):
    """Minimal checks needed for the simulation to be meaningful."""
    errors = []
    rates = m.get("rates") or {}
    for key in ("hourly_cost", "delay_cost_per_hour"):
        v = rates.get(key)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
            errors.append(f"rates.{key} must be a finite number")
    lane_ids = {lane.get("id") for lane in m.get("lanes", [])}
    for i, s in enumerate(m.get("steps", [])):
        where = f"step #{i} ({s.get('id')!r})"
        if s.get("lane") not in lane_ids:
            errors.append(f"{where}: lane {s.get('lane')!r} does not exist")
        for a in ATTRS:
            v = s.get(a)
            lo_lim, hi_lim = LIMITS[a]
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not lo_lim <= v <= hi_lim:
                errors.append(f"{where}: {a}={v!r} outside {lo_lim:g}..={hi_lim:g}")
                continue
            lo = estimates(s, "low").get(a, v)
            hi = estimates(s, "high").get(a, v)
            if not lo_lim <= lo <= v <= hi <= hi_lim:
                errors.append(f"{where}: {a} needs low <= value <= high within limits "
                              f"(low {lo!r}, value {v!r}, high {hi!r})")
    return errors


def add_ranges(m):
    """Copy of m with the --add-ranges estimates (see module docstring)."""
    m = copy.deepcopy(m)

    def put(step, attr, lo, hi):
        v = step[attr]
        lo = min(lo, v)
        hi = min(max(hi, v), LIMITS[attr][1])
        for bound, x in (("low", lo), ("high", hi)):
            if not isinstance(step.get(bound), dict):
                step[bound] = {}
            step[bound][attr] = x

    for i, s in enumerate(m["steps"]):
        hm = s["handle_minutes"]
        if hm > 0:
            put(s, "handle_minutes", round(0.7 * hm, 1), round(1.5 * hm, 1))
        if i % 3 == 0:
            v = s["volume_per_month"]
            put(s, "volume_per_month", round(0.8 * v), round(1.3 * v))
    return m


# ---------------------------------------------------------------- simulation

def pert_params(a, m, b):
    """(alpha, beta) of the Beta-PERT(a, m, b) with shape 4; None if fixed."""
    if b == a:
        return None
    return (1.0 + PERT_SHAPE * (m - a) / (b - a),
            1.0 + PERT_SHAPE * (b - m) / (b - a))


def step_friction(vals, rates):
    """Monthly friction; vals may hold scalars or numpy arrays."""
    passes = 1.0 / (1.0 - vals["rework_rate"])
    handling = vals["volume_per_month"] * vals["handle_minutes"] / 60.0 * rates["hourly_cost"]
    delay = vals["volume_per_month"] * vals["approval_delay_hours"] * rates["delay_cost_per_hour"]
    rework = (passes - 1.0) * (handling + delay)
    return handling + delay + rework


def point_ranking(m):
    """Lanes with point friction, in rank order (hand_calc.py ordering)."""
    rates = m["rates"]
    point = {lane["id"]: 0.0 for lane in m["lanes"]}
    for s in m["steps"]:
        point[s["lane"]] += step_friction({a: s[a] for a in ATTRS}, rates)
    order = sorted(m["lanes"], key=lambda l: (-point[l["id"]], l["name"], l["id"]))
    return order, point


def simulate(m, draws, seed):
    rng = np.random.default_rng(seed)
    rates = m["rates"]
    lanes, point = point_ranking(m)
    col = {lane["id"]: j for j, lane in enumerate(lanes)}
    sums = np.zeros((draws, len(lanes)))
    for s in m["steps"]:
        lo, hi = estimates(s, "low"), estimates(s, "high")
        vals = {}
        for a in ATTRS:
            v = s[a]
            a_, b_ = lo.get(a, v), hi.get(a, v)
            ab = pert_params(a_, v, b_)
            if ab is None:
                vals[a] = float(v)
            else:
                vals[a] = a_ + (b_ - a_) * rng.beta(ab[0], ab[1], size=draws)
        sums[:, col[s["lane"]]] += step_friction(vals, rates)

    out = {"draws": draws, "seed": seed, "expected_regret": 0.0, "lanes": []}
    if not lanes or draws <= 0:
        return out
    best = sums.max(axis=1)
    is_max = sums == best[:, None]
    share = is_max / is_max.sum(axis=1, keepdims=True)
    p_costliest = share.mean(axis=0)
    pct = np.percentile(sums, [10, 50, 90], axis=0)
    out["expected_regret"] = float(np.mean(best - sums[:, 0]))
    for j, lane in enumerate(lanes):
        out["lanes"].append({
            "lane_id": lane["id"],
            "lane": lane["name"],
            "point": float(point[lane["id"]]),
            "p_costliest": float(p_costliest[j]),
            "friction_p10": float(pct[0, j]),
            "friction_p50": float(pct[1, j]),
            "friction_p90": float(pct[2, j]),
        })
    return out


# ---------------------------------------------------------------- self-check

def beta_cdf_quad(x, al, be, n=200001):
    """Regularized incomplete beta I_x(al, be) by trapezoid integration."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    t = np.linspace(0.0, 1.0, n)
    logc = math.lgamma(al + be) - math.lgamma(al) - math.lgamma(be)
    with np.errstate(divide="ignore"):
        pdf = np.exp(logc + (al - 1) * np.log(t) + (be - 1) * np.log1p(-t))
    pdf = np.nan_to_num(pdf, nan=0.0, posinf=0.0)
    cum = np.concatenate(([0.0], np.cumsum((pdf[1:] + pdf[:-1]) * 0.5 * np.diff(t))))
    return float(np.interp(x, t, cum) / cum[-1])


def self_check(draws, seed):
    """Two-lane map: A has one step with PERT volume, B one fixed step."""
    rates = {"hourly_cost": 60, "delay_cost_per_hour": 0, "hours_per_fte_month": 140}
    a, m_, b = 60.0, 100.0, 200.0          # lane A volume: low, value, high
    hm = 30.0                              # minutes, so A's friction = 30 * volume
    vol_b = 110.0                          # lane B: fixed, friction 3300
    m = {
        "format_version": 1, "name": "self-check", "currency": "USD", "rates": rates,
        "lanes": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "steps": [
            {"id": "a1", "lane": "a", "name": "A1", "x": 40, "y": 32,
             "volume_per_month": m_, "handle_minutes": hm, "rework_rate": 0,
             "approval_delay_hours": 0,
             "low": {"volume_per_month": a}, "high": {"volume_per_month": b}},
            {"id": "b1", "lane": "b", "name": "B1", "x": 40, "y": 32,
             "volume_per_month": vol_b, "handle_minutes": hm, "rework_rate": 0,
             "approval_delay_hours": 0},
        ],
        "edges": [],
    }
    k = hm / 60.0 * rates["hourly_cost"]   # friction of A per item
    f_b = k * vol_b
    x_star = f_b / k
    al, be = pert_params(a, m_, b)
    z = (x_star - a) / (b - a)

    try:
        from scipy import stats, integrate
        dist = stats.beta(al, be)
        p_exact = float(dist.sf(z))
        q_exact = {q: k * (a + (b - a) * float(dist.ppf(q / 100))) for q in (10, 50, 90)}
        # B is the point top lane (3300 > 3000): regret = E[max(F_A - F_B, 0)].
        regret_exact = float(integrate.quad(
            lambda t: max(k * (a + (b - a) * t) - f_b, 0.0) * dist.pdf(t), z, 1)[0])
        method = "scipy.stats.beta"
    except ImportError:
        p_exact = 1.0 - beta_cdf_quad(z, al, be)
        q_exact = None
        t = np.linspace(z, 1.0, 200001)
        logc = math.lgamma(al + be) - math.lgamma(al) - math.lgamma(be)
        with np.errstate(divide="ignore"):
            pdf = np.exp(logc + (al - 1) * np.log(t) + (be - 1) * np.log1p(-t))
        y = (k * (a + (b - a) * t) - f_b) * pdf
        regret_exact = float(np.sum((y[1:] + y[:-1]) * 0.5 * np.diff(t)))
        method = "numpy trapezoid integration"

    res = simulate(m, draws, seed)
    lanes = {l["lane_id"]: l for l in res["lanes"]}
    p_mc = lanes["a"]["p_costliest"]
    se = math.sqrt(p_exact * (1 - p_exact) / draws)
    ok = abs(p_mc - p_exact) <= 4 * se
    ok &= abs(lanes["a"]["p_costliest"] + lanes["b"]["p_costliest"] - 1) < 1e-12
    ok &= res["lanes"][0]["lane_id"] == "b"
    report = {
        "method": method, "draws": draws, "seed": seed,
        "pert": {"a": a, "m": m_, "b": b, "alpha": al, "beta": be},
        "x_star": x_star, "z": z,
        "p_costliest_A_exact": p_exact, "p_costliest_A_mc": p_mc,
        "mc_standard_error": se, "z_score": (p_mc - p_exact) / se,
        "expected_regret_exact": regret_exact, "expected_regret_mc": res["expected_regret"],
    }
    if q_exact is not None:
        report["A_percentiles_exact"] = q_exact
        report["A_percentiles_mc"] = {q: lanes["a"][f"friction_p{q}"] for q in (10, 50, 90)}
        for q in (10, 50, 90):
            ok &= abs(report["A_percentiles_mc"][q] - q_exact[q]) < 0.02 * q_exact[q]
    ok &= abs(res["expected_regret"] - regret_exact) < 0.05 * regret_exact + 1.0

    # No ranges at all: everything collapses onto the point values.
    fixed = copy.deepcopy(m)
    for s in fixed["steps"]:
        s.pop("low", None)
        s.pop("high", None)
    r0 = simulate(fixed, 1000, seed)
    for l in r0["lanes"]:
        ok &= l["friction_p10"] == l["friction_p50"] == l["friction_p90"] == l["point"]
    ok &= r0["lanes"][0]["p_costliest"] == 1.0 and r0["expected_regret"] == 0.0
    report["no_ranges_check"] = r0
    report["ok"] = bool(ok)
    print(json.dumps(report, indent=2))
    return 0 if ok else 1


# ---------------------------------------------------------------- main

def main(argv):
    p = argparse.ArgumentParser(
        description="Independent PERT Monte Carlo of a Friction Map's lane pick.")
    p.add_argument("map", nargs="?", help="map JSON file")
    p.add_argument("--draws", type=int, default=None, help="draws (default 10000; "
                   "200000 for --self-check)")
    p.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    p.add_argument("--add-ranges", action="store_true",
                   help="add handle_minutes / volume estimates first (see docstring)")
    p.add_argument("--write-map", metavar="PATH", help="write the simulated map here")
    p.add_argument("--self-check", action="store_true", help="run the self-check")
    args = p.parse_args(argv)

    if args.self_check:
        return self_check(args.draws or 200000, args.seed)
    if args.map is None:
        p.print_usage(sys.stderr)
        return 2
    draws = 10000 if args.draws is None else args.draws
    if draws <= 0:
        print("--draws must be positive", file=sys.stderr)
        return 2

    with open(args.map, encoding="utf-8") as fh:
        m = json.load(fh)
    if args.add_ranges:
        m = add_ranges(m)
    errors = check_map(m)
    if errors:
        for e in errors:
            print(f"{args.map}: error: {e}", file=sys.stderr)
        return 1
    if args.write_map:
        with open(args.write_map, "w", encoding="utf-8") as fh:
            json.dump(m, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
    print(json.dumps(simulate(m, draws, args.seed), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
