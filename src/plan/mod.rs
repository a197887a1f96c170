//! The lane plan: picking one lane to fix first and carrying it through a
//! baseline, a 90-day target, one accountable owner and a weekly review.
//! Pure data and rules; no UI, no storage.

pub mod brief;
pub mod guide;

use chrono::{Days, NaiveDate, Weekday};

use crate::domain::locale::Formats;
use crate::domain::model::Map;
use crate::domain::money::NumberStyle;
use crate::scoring::certainty::{Certainty, Sureness, chance_text};
use crate::scoring::{LaneScore, Ranking, Verdict};

/// Days from the pick to the default target date.
pub const TARGET_DAYS: u64 = 90;
/// A review older than this many days is overdue.
pub const REVIEW_OVERDUE_DAYS: i64 = 7;

pub use crate::domain::model::pick::{Baseline, Direction, Metric, Pick, PickState, Review};

impl Pick {
    /// A new active pick of a lane on `today`, with its baseline taken now
    /// and the target date 90 days out.
    pub fn new(id: impl Into<String>, score: &LaneScore, today: NaiveDate) -> Self {
        Self {
            id: id.into(),
            lane: score.lane_id.clone(),
            picked_on: today,
            state: PickState::Active,
            closed_on: None,
            close_reason: String::new(),
            baseline: score.baseline(),
            owner_at_close: String::new(),
            metric: Metric {
                target_date: today.checked_add_days(Days::new(TARGET_DAYS)).unwrap_or(today),
                ..Metric::default()
            },
            exception_policy: String::new(),
            exception_reviewer: String::new(),
            review_day: None,
            reviews: Vec::new(),
        }
    }
}

/// What [`merge_pick_owners`] changed in one pick.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnerMerge {
    /// The pick's index in the map's picks.
    pub pick: usize,
    pub message: String,
}

/// The words that start the line a merge adds to a lane's notes.
pub const FORMER_OWNER_NOTE: &str = "Lane owner before the plan's owner became the lane's:";

/// Gives every lane one owner. Maps written before that rule could hold a
/// second owner in an active pick, the plan's "accountable owner", which
/// the lane and the ranking CSV never showed. That owner becomes the
/// lane's, since it was set for the launch; a different lane owner is kept
/// as a line of the lane's notes, so nothing is lost. Running it again
/// changes nothing.
pub fn merge_pick_owners(map: &mut Map) -> Vec<OwnerMerge> {
    let mut merged = Vec::new();
    for (index, pick) in map.picks.iter_mut().enumerate() {
        let owner = pick.owner_at_close.trim().to_owned();
        if !pick.is_active() || owner.is_empty() {
            continue;
        }
        let Some(lane) = map.lanes.iter_mut().find(|l| l.id == pick.lane) else {
            // Validation names a pick of a missing lane.
            continue;
        };
        let former = lane.owner.trim().to_owned();
        let message = if former.is_empty() || former == owner {
            format!("the plan's owner {owner:?} is now the lane's owner")
        } else {
            let line = format!("{FORMER_OWNER_NOTE} {former}");
            lane.notes = if lane.notes.trim().is_empty() {
                line
            } else {
                format!("{}\n\n{line}", lane.notes.trim_end())
            };
            format!(
                "the plan's owner {owner:?} is now the lane's owner; the former one, {former:?}, is kept in the lane's notes"
            )
        };
        lane.owner = owner;
        pick.owner_at_close.clear();
        merged.push(OwnerMerge { pick: index, message });
    }
    merged
}

// ------------------------------------------------------------ readiness

/// The five questions asked before any new spend, in order.
pub const QUESTIONS: [&str; 5] = [
    "Which workflow first, and why this one?",
    "What does the friction cost each month?",
    "Who owns the outcome in production?",
    "Which metric will prove impact in 90 days?",
    "What exception policy and governance are defined?",
];

/// One of the five questions and its answer, if it is fully answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub question: &'static str,
    /// `None` while anything the question needs is missing (see
    /// [`Readiness::missing`] for what).
    pub answer: Option<String>,
}

/// The readiness check of a picked lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Readiness {
    /// Exactly five, in the order of [`QUESTIONS`].
    pub answers: Vec<Answer>,
    /// What is still missing or wrong, in plain language, in question order.
    pub missing: Vec<String>,
    /// Things worth a second look that do not block the launch.
    pub warnings: Vec<String>,
}

impl Readiness {
    /// Ready to launch: every question is answered.
    pub fn is_ready(&self) -> bool {
        self.missing.is_empty()
    }
}

/// What is missing when the owner is empty or names several people.
pub const OWNER_MISSING: &str = "an owner: name exactly one person";

/// Checks that an owner names exactly one person. The error is the missing
/// item for the readiness list, for example `an owner: name exactly one person`.
pub fn check_owner(owner: &str) -> Result<(), String> {
    let owner = owner.trim();
    if owner.is_empty() {
        return Err(OWNER_MISSING.to_owned());
    }
    let lower = owner.to_lowercase();
    // "Dana Ruiz, AP lead" is one person with a role; two commas list people.
    let several =
        [" and ", "&", "/", ";", " + "].iter().any(|sep| lower.contains(sep)) || owner.matches(',').count() > 1;
    if several {
        Err(format!("{OWNER_MISSING} ({owner:?} names several)"))
    } else {
        Ok(())
    }
}

/// Single words that name an activity rather than an outcome.
const ACTIVITY_WORDS: &[&str] = &[
    "usage",
    "login",
    "logins",
    "logons",
    "adoption",
    "sessions",
    "clicks",
    "pageviews",
    "views",
    "downloads",
    "visits",
    "visitors",
    "signups",
    "engagement",
    "impressions",
    "dau",
    "mau",
    "wau",
];

/// Phrases (as consecutive words) that name an activity.
const ACTIVITY_PHRASES: &[&[&str]] = &[
    &["number", "of", "users"],
    &["count", "of", "users"],
    &["user", "count"],
    &["users", "count"],
    &["active", "users"],
    &["total", "users"],
    &["new", "users"],
    &["registered", "users"],
    &["log", "ins"],
    &["sign", "ups"],
    &["page", "views"],
];

/// A warning when a metric measures activity (usage, logins, adoption,
/// number of users, sessions, clicks, page views, downloads…) rather than
/// an outcome. Matches whole words, ignoring case.
pub fn activity_metric_warning(metric_name: &str) -> Option<String> {
    let lower = metric_name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let single = words.iter().any(|w| ACTIVITY_WORDS.contains(w));
    let phrase = ACTIVITY_PHRASES.iter().any(|p| words.windows(p.len()).any(|w| w == *p));
    (single || phrase).then(|| {
        format!(
            "\u{201c}{}\u{201d} measures activity, not outcome: prove impact with cycle time, error rate, throughput or cost instead",
            metric_name.trim()
        )
    })
}

/// `Monday`, `Tuesday`, ….
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// A user's text to be followed by a period: trimmed, without the periods
/// it may end with already ("reviewed weekly." would end in "..").
pub fn clause(text: &str) -> &str {
    text.trim().trim_end_matches('.').trim_end()
}

/// The lane's low-to-high estimate, or that no ranges were entered (low
/// and high are then the point figure, and "X to X" would say nothing).
pub fn range_text(fmt: NumberStyle, s: &LaneScore, cur: &str) -> String {
    if has_range(s) {
        format!(
            "estimates {} to {}",
            fmt.money(s.friction_low, cur),
            fmt.money(s.friction_high, cur)
        )
    } else {
        "no low/high estimates were entered".to_owned()
    }
}

/// Whether a lane's low and high differ by as much as shows in whole money.
pub fn has_range(s: &LaneScore) -> bool {
    (s.friction_high - s.friction_low).abs() >= 0.5
}

/// `lower is better` or `higher is better`.
pub fn direction_text(direction: Direction) -> &'static str {
    match direction {
        Direction::Lower => "lower is better",
        Direction::Higher => "higher is better",
    }
}

/// A metric value for people: thousands separators, no trailing zeros, and
/// enough decimals for small values (`1,234.5`, `9.5`, `0.0042`).
pub fn format_value(fmt: NumberStyle, value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let a = value.abs();
    let decimals = if a == 0.0 || a >= 1000.0 {
        1
    } else if a >= 1.0 {
        3
    } else {
        ((-a.log10()).ceil() as usize + 2).min(12)
    };
    fmt.trimmed(value, decimals)
}

/// A value with its unit: `9.5 days`, `2.4%`.
pub fn with_unit(fmt: NumberStyle, value: f64, unit: &str) -> String {
    let unit = unit.trim();
    match unit {
        "" => format_value(fmt, value),
        "%" => format!("{}%", format_value(fmt, value)),
        _ => format!("{} {unit}", format_value(fmt, value)),
    }
}

/// Whether `value` is at least as good as `target` in `direction`.
fn reaches(value: f64, target: f64, direction: Direction) -> bool {
    let slack = 1e-9 * target.abs().max(1.0);
    match direction {
        Direction::Lower => value <= target + slack,
        Direction::Higher => value >= target - slack,
    }
}

/// The readiness check of `pick`: the five questions, each answered or
/// not, what is missing, and warnings. `ranking` is the ranking of `map`
/// and `certainty` its simulation, when it has been run.
///
/// The first two answers come from the ranking and the simulation (the
/// lane's figures today and how sure its place is); the other three from
/// the pick. A target that is not better than the baseline, or a target
/// date not after the pick, counts as missing.
pub fn readiness(
    map: &Map,
    (ranking, certainty): (&Ranking, Option<&Certainty>),
    pick: &Pick,
    formats: Formats,
) -> Readiness {
    let cur = map.currency.as_str();
    let fmt = formats.numbers;
    let mut missing = Vec::new();
    let mut warnings = Vec::new();
    let score = ranking.lane(&pick.lane);

    // 1 and 2: the figures.
    let (why, cost) = match score {
        None => {
            missing.push("the picked lane: it is no longer on the map".to_owned());
            (None, None)
        }
        Some(s) => {
            let why = why_this_lane(map, (ranking, certainty), s, fmt);
            if s.rank > 1
                && let Some(top) = ranking.top()
            {
                warnings.push(format!(
                    "{} ranks above this lane ({} against {} a month): note why this lane goes first",
                    top.lane,
                    fmt.money(top.monthly_friction, cur),
                    fmt.money(s.monthly_friction, cur)
                ));
            }
            let cost = if s.monthly_friction > 0.0 {
                let effort = map.lane(&pick.lane).and_then(|l| l.effort_weeks);
                Some(cost_text(s, pick, effort, cur, formats))
            } else {
                missing.push("the lane's monthly friction: it is 0; give its steps volumes and minutes".to_owned());
                None
            };
            (Some(why), cost)
        }
    };

    // 3: one owner.
    let owner = match check_owner(pick.owner(map)) {
        Ok(()) => Some(pick.owner(map).trim().to_owned()),
        Err(item) => {
            missing.push(item);
            None
        }
    };

    // 4: the metric.
    let before = missing.len();
    let metric = metric_answer(pick, &mut missing, formats);
    let metric = (missing.len() == before).then_some(metric).flatten();
    if let Some(warning) = activity_metric_warning(&pick.metric.name) {
        warnings.push(warning);
    }

    // 5: exceptions and governance.
    let policy = clause(&pick.exception_policy);
    let reviewer = clause(&pick.exception_reviewer);
    if policy.is_empty() {
        missing.push("the exception policy: how exceptions are handled".to_owned());
    }
    if reviewer.is_empty() {
        missing.push("the exception reviewer: who reviews exceptions".to_owned());
    }
    if pick.review_day.is_none() {
        missing.push("the weekly review day".to_owned());
    }
    let governance = match (policy.is_empty() || reviewer.is_empty(), pick.review_day) {
        (false, Some(day)) => Some(format!(
            "Exceptions: {policy}. Reviewed by {reviewer}. Weekly review every {}.",
            weekday_name(day)
        )),
        _ => None,
    };

    let answers = QUESTIONS
        .iter()
        .zip([why, cost, owner, metric, governance])
        .map(|(question, answer)| Answer { question, answer })
        .collect();
    Readiness {
        answers,
        missing,
        warnings,
    }
}

/// Why this lane: its place, its money and its top driver, and how sure
/// its place is: the chance the simulation gives it when there is one
/// (the verdict the ranking shows), else whether its range clears the
/// runner-up's.
fn why_this_lane(
    map: &Map,
    (ranking, certainty): (&Ranking, Option<&Certainty>),
    s: &LaneScore,
    fmt: NumberStyle,
) -> String {
    let cur = map.currency.as_str();
    let mut text = format!(
        "{}: rank {} of {}, {} a month ({} of the map's friction).",
        s.lane,
        s.rank,
        ranking.lanes.len(),
        fmt.money(s.monthly_friction, cur),
        fmt.percent(s.share_pct)
    );
    match &s.top_driver {
        Some(d) => text.push_str(&format!(
            " Top driver: {} ({} a month).",
            d.describe(),
            fmt.money(d.amount, cur)
        )),
        None => text.push_str(" No top driver: the lane has no friction yet."),
    }
    let runner_up = ranking.lanes.get(1);
    let sureness = certainty.map(|c| (c, c.sureness(ranking)));
    let verdict = match (s.rank, runner_up, sureness) {
        (1, None, _) => "The only lane on the map.".to_owned(),
        (_, Some(_), Some((c, sure @ (Sureness::FixFirst { .. } | Sureness::TooClose { .. })))) => {
            let chance = c.lane(&s.lane_id).map_or(0.0, |l| l.p_costliest);
            let first = matches!(sure, Sureness::FixFirst { row } if ranking.lanes[row].lane_id == s.lane_id);
            let then = if first {
                ": fix it first.".to_owned()
            } else {
                format!("; {}.", c.verdict_line(map, ranking, fmt))
            };
            format!(
                "It is the costliest lane in {} of {} scenarios drawn from the low and high estimates{then}",
                chance_text(fmt, chance),
                fmt.thousands(c.draws as f64, 0),
            )
        }
        (1, Some(_), _) if ranking.verdict() == Verdict::NoRanges => {
            "It leads, but no low/high estimates were entered, so how sure the lead is cannot be told yet.".to_owned()
        }
        (1, Some(r), _) if ranking.clear_winner => format!(
            "A clear winner: its low estimate ({}) beats the runner-up's high estimate ({}).",
            fmt.money(s.friction_low, cur),
            fmt.money(r.friction_high, cur)
        ),
        (1, Some(r), _) => format!(
            "Too close to call: its low estimate ({}) does not beat the runner-up's high estimate ({}); refine the estimates.",
            fmt.money(s.friction_low, cur),
            fmt.money(r.friction_high, cur)
        ),
        _ => match ranking.top() {
            Some(top) => format!(
                "Not the top lane: {} ranks first at {} a month.",
                top.lane,
                fmt.money(top.monthly_friction, cur)
            ),
            None => String::new(),
        },
    };
    if !verdict.is_empty() {
        text.push(' ');
        text.push_str(&verdict);
    }
    text
}

fn cost_text(s: &LaneScore, pick: &Pick, effort_weeks: Option<f64>, cur: &str, formats: Formats) -> String {
    let fmt = formats.numbers;
    let mut text = format!(
        "{} a month: handling {}, rework {}, delay {}; {}; {} FTE of touch time ({} hours a month).",
        fmt.money(s.monthly_friction, cur),
        fmt.money(s.handling, cur),
        fmt.money(s.rework, cur),
        fmt.money(s.delay, cur),
        range_text(fmt, s, cur),
        fmt.thousands(s.fte, 1),
        fmt.thousands(s.touch_hours, 0)
    );
    if let Some(per_week) = friction_per_effort_week(s, effort_weeks) {
        text.push_str(&format!(
            " {} of friction per week of effort ({} weeks).",
            fmt.money(per_week, cur),
            format_value(fmt, effort_weeks.unwrap_or_default())
        ));
    }
    if (pick.baseline.monthly_friction - s.monthly_friction).abs() >= 0.5 {
        text.push_str(&format!(
            " At the pick on {} it was {} a month.",
            formats.dates.format(pick.picked_on),
            fmt.money(pick.baseline.monthly_friction, cur)
        ));
    }
    text
}

/// The metric answer; pushes what is missing.
fn metric_answer(pick: &Pick, missing: &mut Vec<String>, formats: Formats) -> Option<String> {
    let (fmt, date) = (formats.numbers, |d: NaiveDate| formats.dates.format(d));
    let m = &pick.metric;
    let name = m.name.trim();
    let unit = m.unit.trim();
    if name.is_empty() {
        missing.push("the metric's name".to_owned());
    }
    if unit.is_empty() {
        missing.push("the metric's unit".to_owned());
    }
    if m.direction.is_none() {
        missing.push("the metric's direction: is lower or higher better?".to_owned());
    }
    if m.baseline_value.is_none() {
        missing.push("the metric's baseline value".to_owned());
    }
    if m.baseline_date.is_none() {
        missing.push("the metric's baseline date".to_owned());
    }
    if m.target_value.is_none() {
        missing.push("the metric's target value".to_owned());
    }
    if let (Some(direction), Some(baseline), Some(target)) = (m.direction, m.baseline_value, m.target_value) {
        let better = match direction {
            Direction::Lower => target < baseline,
            Direction::Higher => target > baseline,
        };
        if !better {
            let side = match direction {
                Direction::Lower => "below",
                Direction::Higher => "above",
            };
            missing.push(format!(
                "a target better than the baseline: {}, so the target must be {side} {}",
                direction_text(direction),
                with_unit(fmt, baseline, unit)
            ));
        }
    }
    if m.target_date <= pick.picked_on {
        missing.push(format!(
            "a target date after the pick date {} (it is {})",
            date(pick.picked_on),
            date(m.target_date)
        ));
    }
    if let Some(bd) = m.baseline_date
        && bd >= m.target_date
    {
        missing.push(format!(
            "a baseline date before the target date {} (it is {})",
            date(m.target_date),
            date(bd)
        ));
    }
    let (direction, baseline, baseline_date, target) =
        (m.direction?, m.baseline_value?, m.baseline_date?, m.target_value?);
    Some(format!(
        "{name} ({unit}, {}): from {} on {} to {} by {}.",
        direction_text(direction),
        with_unit(fmt, baseline, unit),
        date(baseline_date),
        with_unit(fmt, target, unit),
        date(m.target_date)
    ))
}

// ------------------------------------------------------------ weekly review

/// Where the weekly review stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReviewStatus {
    /// Whether the trend reaches the target by the target date; `None`
    /// without a trend or without a target value and direction.
    pub on_track: Option<bool>,
    /// An active pick whose last entry (or, with none, whose pick date) is
    /// more than [`REVIEW_OVERDUE_DAYS`] days old.
    pub overdue: bool,
    /// Days from the last entry to today.
    pub days_since_last: Option<i64>,
    /// The trend's value at the target date.
    pub projected_at_target: Option<f64>,
}

impl ReviewStatus {
    /// One line for people, for example `on track`,
    /// `off track · review overdue (9 days since the last entry)`.
    pub fn describe(&self) -> String {
        let mut parts = vec![match (self.on_track, self.projected_at_target) {
            (Some(true), _) => "on track".to_owned(),
            (Some(false), _) => "off track".to_owned(),
            (None, Some(_)) => "no target yet: set the metric's target value and direction".to_owned(),
            (None, None) => "no trend yet: log at least two reviews".to_owned(),
        }];
        if self.overdue {
            parts.push(match self.days_since_last {
                Some(days) => format!("review overdue ({days} days since the last entry)"),
                None => "review overdue (no entry since the pick)".to_owned(),
            });
        }
        parts.join(" · ")
    }
}

/// The straight line through the points by least squares, as
/// `(mean x, mean y, slope)`; `None` unless two different x values exist.
fn least_squares(points: &[(f64, f64)]) -> Option<(f64, f64, f64)> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then_some((mx, my, sxy / sxx))
}

/// The review status of `pick` on `today`.
///
/// The trend is the least-squares line through the review entries (value
/// against date). With exactly one entry, the metric's baseline value and
/// date, when both are set and the date differs, stand in as the second
/// point. With fewer points, or all on one date, there is no trend. The
/// pick is on track when the trend's value at the target date is at least
/// as good as the target. Closed picks are never overdue.
pub fn review_status(pick: &Pick, today: NaiveDate) -> ReviewStatus {
    let origin = pick.picked_on;
    let day = |d: NaiveDate| d.signed_duration_since(origin).num_days() as f64;
    let mut points: Vec<(f64, f64)> = pick.reviews.iter().map(|r| (day(r.date), r.value)).collect();
    if points.len() == 1
        && let (Some(value), Some(date)) = (pick.metric.baseline_value, pick.metric.baseline_date)
    {
        points.push((day(date), value));
    }
    let projected_at_target = least_squares(&points)
        .map(|(mx, my, slope)| my + slope * (day(pick.metric.target_date) - mx))
        .filter(|v| v.is_finite());
    let on_track = match (projected_at_target, pick.metric.target_value, pick.metric.direction) {
        (Some(projected), Some(target), Some(direction)) => Some(reaches(projected, target, direction)),
        _ => None,
    };
    let last = pick.reviews.iter().map(|r| r.date).max();
    let days_since_last = last.map(|d| today.signed_duration_since(d).num_days());
    let overdue = pick.is_active()
        && days_since_last.unwrap_or_else(|| today.signed_duration_since(pick.picked_on).num_days())
            > REVIEW_OVERDUE_DAYS;
    ReviewStatus {
        on_track,
        overdue,
        days_since_last,
        projected_at_target,
    }
}

// ------------------------------------------------------------ picks

/// The active picks, in map order. More than one means several pilots at once.
pub fn active_picks(map: &Map) -> Vec<&Pick> {
    map.picks.iter().filter(|p| p.is_active()).collect()
}

/// The lane's most recent pick: the latest `picked_on`, and of those the
/// last in the map.
pub fn latest_pick_of_lane<'a>(map: &'a Map, lane_id: &str) -> Option<&'a Pick> {
    map.picks
        .iter()
        .filter(|p| p.lane == lane_id)
        .max_by_key(|p| p.picked_on)
}

/// Monthly friction per week of effort (cost of delay divided by duration),
/// when the lane has a positive, finite effort estimate.
pub fn friction_per_effort_week(score: &LaneScore, effort_weeks: Option<f64>) -> Option<f64> {
    effort_weeks
        .filter(|w| w.is_finite() && *w > 0.0)
        .map(|w| score.monthly_friction / w)
        .filter(|v| v.is_finite())
}

/// A pick id no pick of the map uses: `pick-N`, one above the highest N.
pub fn next_pick_id(map: &Map) -> String {
    let highest = map
        .picks
        .iter()
        .filter_map(|p| p.id.strip_prefix("pick-")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let mut n = highest.saturating_add(1);
    loop {
        let id = format!("pick-{n}");
        if !map.picks.iter().any(|p| p.id == id) || n == u64::MAX {
            return id;
        }
        n += 1;
    }
}
