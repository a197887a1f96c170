//! "How it works": the method and the formula in words, worked through with
//! the open map's own numbers, so a new analyst can check a figure by hand
//! and knows how sure the pick is before a steering meeting asks.

use crate::domain::model::{Map, Step};
use crate::domain::money::NumberStyle;
use crate::scoring::certainty::{Certainty, chance_text};
use crate::scoring::{Ranking, Verdict, score_step};

/// One part of the guide: a heading and its paragraphs.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub heading: &'static str,
    pub paragraphs: Vec<String>,
}

/// The guide for `map` as ranked, with its simulation when it is ready.
pub fn how_it_works(map: &Map, (ranking, certainty): (&Ranking, Option<&Certainty>), fmt: NumberStyle) -> Vec<Section> {
    vec![
        Section {
            heading: "The method",
            paragraphs: vec![
                "1. Map the manual friction: each lane is a candidate workflow, each step says how many \
                 items pass a month, how many minutes of hands-on work each takes, how many are sent back \
                 and redone, and how long each waits for a decision."
                    .to_owned(),
                "2. Pick one lane: the ranking puts the lane whose friction costs most each month first. \
                 Fix that one, not several at once."
                    .to_owned(),
                "3. Carry it through: Pick first records a baseline; the Plan tab asks for one owner, a \
                 metric with a 90-day target, how exceptions are handled, and a weekly review."
                    .to_owned(),
            ],
        },
        Section {
            heading: "How a step's friction is worked out",
            paragraphs: worked_step(map, ranking, fmt),
        },
        Section {
            heading: "How sure the pick is",
            paragraphs: verdict(map, ranking, certainty, fmt),
        },
    ]
}

/// The formula in words, worked through for the step that drives the top
/// lane (or the first step with figures).
fn worked_step(map: &Map, ranking: &Ranking, fmt: NumberStyle) -> Vec<String> {
    let mut out = vec![
        "Handling = items a month × minutes each ÷ 60 × the labour cost of an hour. Waiting = items × \
         hours each waits × what one item waiting an hour costs. Rework: a share r of items goes round \
         again, so each item passes 1 ÷ (1 − r) times, and handling and waiting grow by that much. A \
         step's friction is the three added up; a lane's is the sum of its steps'."
            .to_owned(),
    ];
    let Some(step) = example(map, ranking) else {
        out.push("Add a step with its figures to see them worked through here.".to_owned());
        return out;
    };
    let rates = &map.rates;
    let cur = &map.currency;
    let score = score_step(step, rates).point;
    let passes = 1.0 / (1.0 - step.rework_rate);
    out.push(format!(
        "Take “{}”: {} items a month, {} minutes each, {} redone, {} hours waiting.",
        step.name,
        fmt.number(step.volume_per_month),
        fmt.number(step.handle_minutes),
        fmt.percent(step.rework_rate * 100.0),
        fmt.number(step.approval_delay_hours)
    ));
    out.push(format!(
        "Handling: {} × {} min ÷ 60 × {} an hour = {}.",
        fmt.number(step.volume_per_month),
        fmt.number(step.handle_minutes),
        fmt.money(rates.hourly_cost, cur),
        fmt.money(score.handling, cur)
    ));
    out.push(format!(
        "Waiting: {} × {} h × {} = {}.",
        fmt.number(step.volume_per_month),
        fmt.number(step.approval_delay_hours),
        fmt.money_cents(rates.delay_cost_per_hour, cur),
        fmt.money(score.delay, cur)
    ));
    out.push(format!(
        "Rework: 1 ÷ (1 − {}) = {} passes, so {} more: {}.",
        fmt.number(step.rework_rate),
        fmt.number(passes),
        fmt.percent((passes - 1.0) * 100.0),
        fmt.money(score.rework, cur)
    ));
    out.push(format!("Friction: {} a month.", fmt.money(score.friction(), cur)));
    out
}

/// The step the guide works through: the top lane's driver, else the first
/// step with figures.
fn example<'a>(map: &'a Map, ranking: &Ranking) -> Option<&'a Step> {
    let driver = ranking.top().and_then(|l| l.top_driver.as_ref());
    driver
        .and_then(|d| map.step(&d.step_id))
        .or_else(|| map.steps.iter().find(|s| !s.needs_estimates()))
}

fn verdict(map: &Map, ranking: &Ranking, certainty: Option<&Certainty>, fmt: NumberStyle) -> Vec<String> {
    let mut out = vec![
        "Figures are estimates. A step may carry a low and a high estimate for any of its four values. \
         Friction Map then draws thousands of scenarios: in each, every value with a range is drawn \
         between its low and its high, most often near the value entered (a Beta-PERT distribution), \
         and the lanes are added up again. A lane's chance of being the costliest is the share of \
         scenarios in which it comes out on top. When the likeliest lane leads the next by 15 points or \
         more, fix it first; closer than that, the pick is too close to call, and the ranking names the \
         estimates that could change it: narrow those before anyone commits."
            .to_owned(),
    ];
    let verdict = ranking.verdict();
    match (ranking.lanes.as_slice(), certainty) {
        ([], _) => out.push("This map has no lanes yet.".to_owned()),
        ([only], _) => out.push(format!("This map has one lane, “{}”: nothing to compare.", only.lane)),
        ([_, _, ..], _) if verdict == Verdict::NoFriction => out.push(
            "Here no lane has friction yet: enter volumes and minutes on the steps to rank the lanes.".to_owned(),
        ),
        ([top, second, ..], Some(c)) if c.uncertain_inputs == 0 => out.push(format!(
            "Here no ranges were entered: “{}” costs {} a month and “{}” {}. Add low and high estimates to \
             the steps you are least sure of to see how sure the pick is.",
            top.lane,
            fmt.money(top.monthly_friction, &map.currency),
            second.lane,
            fmt.money(second.monthly_friction, &map.currency),
        )),
        ([_, _, ..], Some(c)) => {
            let (first, second) = c.two_likeliest().unwrap_or((0, 1));
            let lane = |row: usize| {
                format!(
                    "“{}” in {}",
                    ranking.lanes[row].lane,
                    chance_text(fmt, c.lanes[row].p_costliest)
                )
            };
            out.push(format!(
                "Here, of {} scenarios, the costliest lane was {}, {}. {}.",
                fmt.thousands(c.draws as f64, 0),
                lane(first),
                lane(second),
                c.verdict_line(map, ranking, fmt)
            ));
        }
        ([_, _, ..], None) => out.push("Here the scenarios are still being drawn.".to_owned()),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simulated(map: &Map, ranking: &Ranking) -> Certainty {
        crate::scoring::certainty::simulate_to_end(map, ranking, map.simulation)
    }

    #[test]
    fn the_worked_step_adds_up_to_the_step_friction_the_ranking_uses() {
        let map = crate::formats::samples::sample_maps().unwrap().swap_remove(0);
        let ranking = crate::scoring::rank(&map);
        let fmt = NumberStyle::COMMA;
        let certainty = simulated(&map, &ranking);
        let guide = how_it_works(&map, (&ranking, Some(&certainty)), fmt);
        let step = example(&map, &ranking).unwrap();
        let total = fmt.money(score_step(step, &map.rates).point.friction(), &map.currency);
        let worked = guide[1].paragraphs.join("\n");
        assert!(worked.contains(&format!("Take “{}”", step.name)), "{worked}");
        assert!(worked.contains(&format!("Friction: {total} a month.")), "{worked}");
        let verdict = guide[2].paragraphs.join("\n");
        assert!(verdict.contains(&ranking.lanes[0].lane), "{verdict}");
        assert!(
            verdict.contains("of 10.000 scenarios, the costliest lane was"),
            "{verdict}"
        );
    }

    #[test]
    fn a_volume_below_one_a_month_is_worked_with_its_decimals() {
        let mut map = crate::formats::samples::sample_maps().unwrap().swap_remove(0);
        map.steps.for_each_mut(|_, s| s.volume_per_month = 0.48);
        let ranking = crate::scoring::rank(&map);
        let worked = worked_step(&map, &ranking, NumberStyle::COMMA).join("\n");
        assert!(worked.contains("0,48 items a month"), "{worked}");
        assert!(worked.contains("Handling: 0,48 × "), "{worked}");
    }

    #[test]
    fn an_empty_map_gets_words_not_numbers() {
        let map = Map::new("Empty");
        let guide = how_it_works(&map, (&crate::scoring::rank(&map), None), NumberStyle::POINT);
        assert!(guide[1].paragraphs.last().unwrap().starts_with("Add a step"));
        assert_eq!(guide[2].paragraphs.last().unwrap(), "This map has no lanes yet.");
    }

    /// Without ranges, or without friction, the guide claims no winner.
    #[test]
    fn the_verdict_paragraph_follows_the_ranking_panel() {
        let mut map = crate::formats::samples::sample_maps().unwrap().swap_remove(0);
        for i in 0..map.steps.len() {
            if let Some(mut step) = map.steps.get_mut(i) {
                step.low = Default::default();
                step.high = Default::default();
            }
        }
        let said = |map: &Map| {
            let ranking = crate::scoring::rank(map);
            let certainty = simulated(map, &ranking);
            how_it_works(map, (&ranking, Some(&certainty)), NumberStyle::POINT)[2]
                .paragraphs
                .last()
                .cloned()
                .unwrap_or_default()
        };
        let text = said(&map);
        assert!(text.contains("Here no ranges were entered"), "{text}");
        assert!(
            !text.contains("a clear winner") && !text.contains("too close to call"),
            "{text}"
        );
        for i in 0..map.steps.len() {
            if let Some(mut step) = map.steps.get_mut(i) {
                step.volume_per_month = 0.0;
            }
        }
        let text = said(&map);
        assert!(text.contains("Here no lane has friction yet"), "{text}");
    }
}
