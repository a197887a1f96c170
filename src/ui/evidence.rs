//! A measured step's evidence in words, in the inspector: where its
//! figures came from ("measured from 1,434 cases in claims.xes, Oct 2010 –
//! Jan 2011"), and for each value whether it is the one measured (with its
//! spread and samples), one the user typed over ("edited (measured
//! 35.9 h)"), or one the log could not measure ("not measured: enter an
//! estimate").

use eframe::egui::{self, RichText};

use crate::domain::model::{Attr, Evidence, Measured, Standing, Step};
use crate::domain::money::NumberStyle;
use crate::ui::theme;

/// How a line reads: plain, or asking for attention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Attention,
}

/// A value with its unit: `35.9 h`, `12 min`, `7.3 a month`, `33.3%`.
fn with_unit(fmt: NumberStyle, attr: Attr, v: f64) -> String {
    match attr {
        Attr::VolumePerMonth => format!("{} a month", fmt.number(v)),
        Attr::HandleMinutes => format!("{} min", fmt.number(v)),
        Attr::ReworkRate => fmt.percent(v * 100.0),
        Attr::ApprovalDelayHours => format!("{} h", fmt.number(v)),
    }
}

/// What was measured of `attr`, as a phrase.
fn measured_phrase(fmt: NumberStyle, attr: Attr, m: &Measured) -> String {
    let samples = |noun: &str| fmt.count(m.n as usize, noun);
    match (attr, m.p25, m.p75) {
        (Attr::ApprovalDelayHours | Attr::HandleMinutes, Some(p25), Some(p75)) => {
            let what = if attr == Attr::ApprovalDelayHours {
                "wait"
            } else {
                "handling"
            };
            format!(
                "median {what} {}, P25 {} – P75 {} ({})",
                with_unit(fmt, attr, m.value),
                with_unit(fmt, attr, p25),
                with_unit(fmt, attr, p75),
                samples(what)
            )
        }
        (Attr::VolumePerMonth, ..) => format!("{} ({})", with_unit(fmt, attr, m.value), samples("case")),
        _ => format!("{} ({})", with_unit(fmt, attr, m.value), samples("execution")),
    }
}

/// The line under a value's fields, if the step was measured.
pub fn attr_line(fmt: NumberStyle, evidence: &Evidence, step: &Step, attr: Attr) -> (String, Tone) {
    match evidence.standing(step, attr) {
        Standing::Measured(m) => (format!("measured: {}", measured_phrase(fmt, attr, &m)), Tone::Plain),
        Standing::Edited(m) => (
            format!("edited (measured {})", with_unit(fmt, attr, m.value)),
            Tone::Attention,
        ),
        Standing::NotMeasured => ("not measured: enter an estimate".to_owned(), Tone::Attention),
    }
}

/// Where the figures came from, in one sentence.
pub fn header(fmt: NumberStyle, evidence: &Evidence) -> String {
    let month = |d: chrono::NaiveDate| d.format("%b %Y").to_string();
    let period = if month(evidence.from) == month(evidence.to) {
        month(evidence.from)
    } else {
        format!("{} – {}", month(evidence.from), month(evidence.to))
    };
    format!(
        "Measured from {} in {}, {period}: {}.",
        fmt.count(evidence.cases as usize, "case"),
        crate::domain::validate::escape_controls(&evidence.source),
        fmt.count(evidence.executions as usize, "execution")
    )
}

/// Shows a line in its tone, wrapped to the panel.
pub fn show(ui: &mut egui::Ui, (text, tone): (String, Tone)) {
    let text = RichText::new(text).small();
    let text = match tone {
        Tone::Plain => text.color(ui.visuals().weak_text_color()),
        Tone::Attention => text.color(theme::WARNING),
    };
    ui.add(egui::Label::new(text).wrap());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measured_edited_and_unmeasured_values_read_as_such() {
        let fmt = NumberStyle::POINT;
        let mut step = Step::new("s1", "l1", "Check");
        step.approval_delay_hours = 35.9;
        let e = crate::domain::model::example_evidence();
        assert_eq!(
            header(fmt, &e),
            "Measured from 1,434 cases in claims.xes, Oct 2010 – Jan 2011: 1,500 executions."
        );
        assert_eq!(
            attr_line(fmt, &e, &step, Attr::ApprovalDelayHours),
            (
                "measured: median wait 35.9 h, P25 12 h – P75 70.1 h (1,433 waits)".to_owned(),
                Tone::Plain
            )
        );
        step.approval_delay_hours = 40.0;
        assert_eq!(
            attr_line(fmt, &e, &step, Attr::ApprovalDelayHours),
            ("edited (measured 35.9 h)".to_owned(), Tone::Attention)
        );
        assert_eq!(
            attr_line(fmt, &e, &step, Attr::HandleMinutes),
            ("not measured: enter an estimate".to_owned(), Tone::Attention)
        );
        // A decimal comma where the user reads one.
        assert_eq!(
            attr_line(NumberStyle::COMMA, &e, &step, Attr::ApprovalDelayHours).0,
            "edited (measured 35,9 h)"
        );
    }
}
