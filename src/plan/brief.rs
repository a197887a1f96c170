//! The lane brief: one page of Markdown about a picked lane (the five
//! answers, the figures, the metric's baseline and target, and the review
//! log), ready to paste into an email or a wiki. Pure text; no files.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::domain::locale::Formats;
use crate::domain::model::Map;
use crate::domain::money::NumberStyle;
use crate::plan::{
    Pick, PickState, direction_text, format_value, friction_per_effort_week, readiness, review_status, with_unit,
};
use crate::scoring::Ranking;
use crate::scoring::certainty::{Certainty, Swing, chance_text};

/// Text on one line: each line is trimmed and the lines are joined with one
/// space, so user text cannot break a heading, a list item or a table row.
fn inline(text: &str) -> String {
    text.split(['\n', '\r', '\u{2028}', '\u{2029}'])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Markdown table cell: on one line, with `|` escaped.
pub fn table_cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}

/// The one-page brief of `pick` on `today`. `ranking` is the ranking of
/// `map` and `certainty` its simulation. Numbers and dates are written in
/// `formats`, as the window shows them.
pub fn lane_brief(
    map: &Map,
    (ranking, certainty): (&Ranking, &Certainty),
    pick: &Pick,
    today: NaiveDate,
    formats: Formats,
) -> String {
    let cur = map.currency.as_str();
    let fmt = formats.numbers;
    let date = |d: NaiveDate| formats.dates.format(d);
    let lane_name = map.lane(&pick.lane).map_or(pick.lane.as_str(), |l| l.name.as_str());
    let score = ranking.lane(&pick.lane);
    let check = readiness(map, (ranking, Some(certainty)), pick, formats);
    let status = review_status(pick, today);
    let mut out = String::new();

    // Writing to a String cannot fail, so the results are ignored.
    let _ = writeln!(out, "# Lane brief: {} ({})", inline(lane_name), inline(&map.name));
    let _ = writeln!(out);
    let state = match (pick.state, pick.closed_on) {
        (PickState::Active, _) => "active".to_owned(),
        (state, Some(on)) => format!("{} on {}", state.text(), date(on)),
        (state, None) => state.text().to_owned(),
    };
    let _ = writeln!(
        out,
        "Picked on {} · {state} · brief of {}  ",
        date(pick.picked_on),
        date(today)
    );
    if !pick.close_reason.trim().is_empty() {
        let _ = writeln!(out, "Reason for closing: {}  ", inline(&pick.close_reason));
    }
    let verdict = if check.is_ready() {
        "ready to launch".to_owned()
    } else {
        format!("not ready to launch ({} missing)", check.missing.len())
    };
    let _ = writeln!(out, "Readiness: {verdict}  ");
    let _ = writeln!(out, "Review status: {}", status.describe());
    let _ = writeln!(out);

    let _ = writeln!(out, "## The five questions");
    let _ = writeln!(out);
    for (i, answer) in check.answers.iter().enumerate() {
        let _ = writeln!(out, "{}. **{}**  ", i + 1, answer.question);
        let text = match &answer.answer {
            Some(text) => inline(text),
            None => draft_answer(i, map, pick).map_or_else(
                || "_Not answered yet._".to_owned(),
                |draft| format!("{} _(incomplete)_", inline(&draft)),
            ),
        };
        let _ = writeln!(out, "   {text}");
    }
    let _ = writeln!(out);
    if !check.missing.is_empty() {
        let _ = writeln!(out, "**Missing before launch:**");
        let _ = writeln!(out);
        for item in &check.missing {
            let _ = writeln!(out, "- {}", inline(item));
        }
        let _ = writeln!(out);
    }
    if !check.warnings.is_empty() {
        let _ = writeln!(out, "**Warnings:**");
        let _ = writeln!(out);
        for item in &check.warnings {
            let _ = writeln!(out, "- {}", inline(item));
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "## Figures");
    let _ = writeln!(out);
    let b = &pick.baseline;
    let _ = writeln!(
        out,
        "| figure | at the pick ({}) | today ({}) |",
        date(pick.picked_on),
        date(today)
    );
    let _ = writeln!(out, "|---|---:|---:|");
    let lanes = ranking.lanes.len();
    let now = |f: &dyn Fn(&crate::scoring::LaneScore) -> String| score.map_or_else(|| "—".to_owned(), f);
    let range = |low: f64, high: f64| {
        if (high - low).abs() >= 0.5 {
            format!("{} – {}", fmt.money(low, cur), fmt.money(high, cur))
        } else {
            "no ranges entered".to_owned()
        }
    };
    let rows: [(&str, String, String); 9] = [
        ("Rank", b.rank.to_string(), now(&|s| format!("{} of {lanes}", s.rank))),
        (
            "Monthly friction",
            fmt.money(b.monthly_friction, cur),
            now(&|s| fmt.money(s.monthly_friction, cur)),
        ),
        (
            "Handling",
            fmt.money(b.handling, cur),
            now(&|s| fmt.money(s.handling, cur)),
        ),
        ("Rework", fmt.money(b.rework, cur), now(&|s| fmt.money(s.rework, cur))),
        ("Delay", fmt.money(b.delay, cur), now(&|s| fmt.money(s.delay, cur))),
        (
            "Range (low – high)",
            range(b.friction_low, b.friction_high),
            now(&|s| range(s.friction_low, s.friction_high)),
        ),
        (
            "Share of the map",
            fmt.percent(b.share_pct),
            now(&|s| fmt.percent(s.share_pct)),
        ),
        (
            "Touch hours a month",
            fmt.thousands(b.touch_hours, 0),
            now(&|s| fmt.thousands(s.touch_hours, 0)),
        ),
        ("FTE", fmt.thousands(b.fte, 1), now(&|s| fmt.thousands(s.fte, 1))),
    ];
    for (label, then, today) in rows {
        let _ = writeln!(out, "| {label} | {} | {} |", table_cell(&then), table_cell(&today));
    }
    let effort = map.lane(&pick.lane).and_then(|l| l.effort_weeks);
    if let (Some(s), Some(weeks)) = (score, effort)
        && let Some(per_week) = friction_per_effort_week(s, Some(weeks))
    {
        let _ = writeln!(
            out,
            "| Friction per week of effort ({} weeks) | — | {} |",
            format_value(fmt, weeks),
            fmt.money(per_week, cur)
        );
    }
    let _ = writeln!(out);
    sureness_section(&mut out, map, (ranking, certainty), &pick.lane, fmt);

    let _ = writeln!(out, "## Metric: baseline → target");
    let _ = writeln!(out);
    let m = &pick.metric;
    let name = if m.name.trim().is_empty() {
        "(no metric yet)".to_owned()
    } else {
        inline(&m.name)
    };
    let unit = m.unit.trim();
    let direction = m.direction.map_or("direction not set", direction_text);
    let unit_text = if unit.is_empty() {
        String::new()
    } else {
        format!(" ({})", inline(unit))
    };
    let _ = writeln!(out, "{name}{unit_text}, {direction}  ");
    let value = |v: Option<f64>| v.map_or_else(|| "not set".to_owned(), |v| inline(&with_unit(fmt, v, unit)));
    let baseline_date = m.baseline_date.map_or_else(|| "no date".to_owned(), date);
    let _ = writeln!(
        out,
        "Baseline {} on {baseline_date} → target {} by {}  ",
        value(m.baseline_value),
        value(m.target_value),
        date(m.target_date)
    );
    match status.projected_at_target {
        Some(projected) => {
            let _ = writeln!(
                out,
                "Trend of the review entries: {} by {}",
                inline(&with_unit(fmt, projected, unit)),
                date(m.target_date)
            );
        }
        None => {
            let _ = writeln!(out, "Trend of the review entries: none yet");
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "## Weekly review log");
    let _ = writeln!(out);
    if pick.reviews.is_empty() {
        let _ = writeln!(out, "No review entries yet.");
    } else {
        let mut reviews: Vec<_> = pick.reviews.iter().collect();
        reviews.sort_by_key(|r| r.date);
        let _ = writeln!(out, "| date | value | note |");
        let _ = writeln!(out, "|---|---:|---|");
        for r in reviews {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                date(r.date),
                table_cell(&with_unit(fmt, r.value, unit)),
                table_cell(&r.note)
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Status on {}: {}", date(today), status.describe());
    out
}

/// What is known of an unanswered question (3 to 5, by index), for the
/// brief; `None` when nothing is.
fn draft_answer(index: usize, map: &Map, pick: &Pick) -> Option<String> {
    let or_unset = |text: &str, what: &str| {
        let text = text.trim();
        if text.is_empty() {
            format!("{what} not set")
        } else {
            text.to_owned()
        }
    };
    match index {
        2 => Some(pick.owner(map).trim())
            .filter(|o| !o.is_empty())
            .map(str::to_owned),
        3 => {
            (!pick.metric.name.trim().is_empty()).then(|| format!("{} (see the metric below)", pick.metric.name.trim()))
        }
        4 => {
            let nothing = pick.exception_policy.trim().is_empty()
                && pick.exception_reviewer.trim().is_empty()
                && pick.review_day.is_none();
            (!nothing).then(|| {
                format!(
                    "Exceptions: {}. Reviewed by: {}. Weekly review: {}.",
                    or_unset(crate::plan::clause(&pick.exception_policy), "policy"),
                    or_unset(crate::plan::clause(&pick.exception_reviewer), "reviewer"),
                    pick.review_day.map_or("day not set", crate::plan::weekday_name)
                )
            })
        }
        _ => None,
    }
}

/// How sure the pick is today, in words: the verdict, the lane's chance of
/// being the costliest and its likely range, and what could change the pick.
fn sureness_section(
    out: &mut String,
    map: &Map,
    (ranking, certainty): (&Ranking, &Certainty),
    lane_id: &str,
    fmt: NumberStyle,
) {
    let cur = map.currency.as_str();
    let _ = writeln!(out, "## How sure the pick is");
    let _ = writeln!(out);
    let _ = writeln!(out, "{}.", inline(&certainty.verdict_line(map, ranking, fmt)));
    let _ = writeln!(out);
    if certainty.uncertain_inputs == 0 {
        return;
    }
    let name = map.lane(lane_id).map_or(lane_id, |l| l.name.as_str());
    if let Some(chance) = certainty.lane(lane_id) {
        let _ = writeln!(
            out,
            "{} is the costliest lane in {} of {} scenarios drawn from the low/high estimates; \
             its friction is between {} and {} a month in 80% of them.",
            inline(name),
            chance_text(fmt, chance.p_costliest),
            fmt.thousands(certainty.draws as f64, 0),
            fmt.money(chance.friction_p10, cur),
            fmt.money(chance.friction_p90, cur)
        );
        let _ = writeln!(out);
    }
    let describe = |s: &Swing| {
        let step = map.steps.get(s.step);
        let step_name = step.as_ref().map_or("?", |st| st.name.as_str());
        format!(
            "{}'s {} ({} – {})",
            inline(step_name),
            s.attr.noun(),
            fmt.number(s.low * s.attr.display_scale()),
            fmt.number(s.high * s.attr.display_scale())
        )
    };
    let changers: Vec<String> = certainty.pick_changers().take(5).map(describe).collect();
    if changers.is_empty() {
        let _ = writeln!(
            out,
            "No single input can change the pick. The inputs that move the lead most:"
        );
        let _ = writeln!(out);
        for swing in certainty.swings.iter().take(3) {
            let _ = writeln!(out, "- {}", describe(swing));
        }
    } else {
        let _ = writeln!(
            out,
            "Narrowing these estimates could change the pick (at one end of each range another lane would be costliest):"
        );
        let _ = writeln!(out);
        for line in changers {
            let _ = writeln!(out, "- {line}");
        }
    }
    let _ = writeln!(out);
}
