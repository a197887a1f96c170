//! The event-log import dialog: what the log holds (its first rows, events
//! and cases), which columns are the case, activity and times (found by
//! their usual names, changeable), which attribute makes the lanes with
//! its values and cases, how times are read and waits counted, and the
//! rates a log cannot give. Nothing is measured until the user says so;
//! the measuring then runs off the UI thread with a progress bar.

use std::path::PathBuf;

use eframe::egui::{self, Id, Modal, RichText};

use crate::domain::model::Rates;
use crate::domain::validate::{DELAY_COST_RANGE, HOURLY_COST_RANGE, check_name, check_number};
use crate::formats::eventlog::build::BuildOptions;
use crate::formats::eventlog::csv_log::ColumnChoice;
use crate::formats::eventlog::measure::MAX_LANES;
use crate::formats::eventlog::{LaneChoice, LogFormat, LogOptions, LogSurvey};
use crate::ui::dialogs::FilePurpose;
use crate::ui::fields::NumberField;
use crate::ui::theme;

/// The dialog's state, from the survey of its log.
pub struct LogImportDialog {
    pub purpose: FilePurpose,
    pub path: PathBuf,
    survey: LogSurvey,
    /// Column indices (CSV).
    case: usize,
    activity: usize,
    time: usize,
    start: Option<usize>,
    lifecycle: Option<usize>,
    /// An index into the survey's lane choices.
    lane: Option<usize>,
    time_zone: String,
    date_format: String,
    count_working_hours: bool,
    working_hours: String,
    rates: Rates,
    currency: String,
    name: String,
}

/// What the user did with the dialog this frame.
pub enum LogImportOutcome {
    Open,
    Cancel,
    /// Measure with these options.
    Import(Box<(LogOptions, BuildOptions)>),
}

impl LogImportDialog {
    /// The dialog for `survey`, with the columns found by their usual
    /// names and the open map's rates.
    pub fn new(purpose: FilePurpose, path: PathBuf, survey: LogSurvey, rates: Rates, currency: String) -> Self {
        let found = survey.found.as_ref().ok();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
            .trim_end_matches(".gz")
            .trim_end_matches(".xes")
            .trim_end_matches(".csv")
            .to_owned();
        Self {
            purpose,
            case: found.map_or(0, |c| c.case),
            activity: found.map_or(1, |c| c.activity),
            time: found.map_or(2, |c| c.time),
            start: found.and_then(|c| c.start),
            lifecycle: found.and_then(|c| c.lifecycle),
            lane: None,
            time_zone: "UTC".to_owned(),
            date_format: String::new(),
            count_working_hours: false,
            working_hours: "Mon-Fri 09:00-17:00".to_owned(),
            rates,
            currency,
            name,
            path,
            survey,
        }
    }

    fn column(&self, index: usize) -> String {
        self.survey.columns.get(index).cloned().unwrap_or_default()
    }

    /// The options as set, or what is wrong with them.
    fn request(&self) -> Result<(LogOptions, BuildOptions), String> {
        let csv = self.survey.format == LogFormat::Csv;
        let lane_by = self
            .lane
            .and_then(|i| self.survey.lane_choices.get(i))
            .map(|c| c.name.clone());
        let columns = ColumnChoice {
            case: csv.then(|| self.column(self.case)),
            activity: csv.then(|| self.column(self.activity)),
            time: csv.then(|| self.column(self.time)),
            start: self.start.filter(|_| csv).map(|i| self.column(i)),
            lifecycle: self.lifecycle.filter(|_| csv).map(|i| self.column(i)),
            resource: None,
            lane_by: lane_by.clone(),
        };
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let options = LogOptions {
            columns,
            time_zone: text(&self.time_zone),
            date_format: text(&self.date_format),
            working_hours: self.count_working_hours.then(|| self.working_hours.trim().to_owned()),
            min_edge_share: 0.01,
        };
        options.measure_options()?;
        if csv {
            let chosen = [self.case, self.activity, self.time];
            if chosen[0] == chosen[1] || chosen[0] == chosen[2] || chosen[1] == chosen[2] {
                return Err("the case, the activity and the completion time must be three different columns".into());
            }
        }
        let name = self.name.trim();
        if self.purpose == FilePurpose::ImportEventLog {
            check_name(name).map_err(|m| format!("the map's name {m}"))?;
        }
        let source = self
            .path
            .file_name()
            .map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let build = BuildOptions {
            name: name.to_owned(),
            currency: self.currency.clone(),
            rates: self.rates,
            source,
            lane_by,
            working_hours: options.working_hours.clone(),
        };
        Ok((options, build))
    }
}

/// Shows the dialog.
pub fn log_import_ui(ctx: &egui::Context, d: &mut LogImportDialog) -> LogImportOutcome {
    let mut outcome = LogImportOutcome::Open;
    let max_height = ctx.content_rect().height() * 0.85;
    Modal::new(Id::unique("log-import")).show(ctx, |ui| {
        ui.set_max_width(780.0);
        ui.heading(d.purpose.title());
        let file = d.path.display().to_string();
        ui.add(egui::Label::new(RichText::new(file).strong()).truncate());
        let fmt = crate::ui::number_style(ui.ctx());
        ui.label(format!(
            "{} events in {} cases ({}).",
            fmt.thousands(d.survey.rows as f64, 0),
            fmt.thousands(d.survey.cases as f64, 0),
            if d.survey.format == LogFormat::Csv {
                "CSV"
            } else {
                "XES"
            }
        ));
        egui::ScrollArea::vertical()
            .max_height(max_height - 140.0)
            .show(ui, |ui| {
                preview(ui, &d.survey);
                ui.add_space(8.0);
                if d.survey.format == LogFormat::Csv {
                    columns_ui(ui, d);
                    ui.add_space(8.0);
                }
                lanes_ui(ui, d);
                ui.add_space(8.0);
                times_ui(ui, d);
                // An update keeps the map's rates and name.
                if d.purpose == FilePurpose::ImportEventLog {
                    ui.add_space(8.0);
                    rates_ui(ui, d);
                }
            });
        ui.separator();
        let request = d.request();
        if let Err(why) = &request {
            ui.colored_label(theme::ERROR, why);
        }
        ui.horizontal(|ui| {
            let go = if d.purpose == FilePurpose::ImportEventLog {
                "Measure and import"
            } else {
                "Measure and update this map"
            };
            if ui.add_enabled(request.is_ok(), egui::Button::new(go)).clicked()
                && let Ok(request) = request
            {
                outcome = LogImportOutcome::Import(Box::new(request));
            }
            if ui.button("Cancel").clicked() {
                outcome = LogImportOutcome::Cancel;
            }
        });
    });
    outcome
}

/// The first rows, cut to fit.
fn preview(ui: &mut egui::Ui, survey: &LogSurvey) {
    ui.label(RichText::new("First rows").strong());
    egui::ScrollArea::horizontal().id_salt("log-preview").show(ui, |ui| {
        egui::Grid::new("log-preview-grid").striped(true).show(ui, |ui| {
            for column in &survey.columns {
                ui.label(RichText::new(cut(column, 24)).strong());
            }
            ui.end_row();
            for row in &survey.first_rows {
                for cell in row.iter().take(survey.columns.len()) {
                    ui.label(cut(cell, 24));
                }
                ui.end_row();
            }
        });
    });
}

fn cut(text: &str, chars: usize) -> String {
    let escaped = crate::domain::validate::escape_controls(text);
    if escaped.chars().count() <= chars {
        escaped.into_owned()
    } else {
        escaped.chars().take(chars - 1).chain(['…']).collect()
    }
}

/// A choice of column; `optional` adds "none".
fn column_choice(ui: &mut egui::Ui, label: &str, columns: &[String], chosen: &mut Option<usize>, optional: bool) {
    ui.label(label);
    let shown = chosen
        .and_then(|i| columns.get(i))
        .map_or("(none)".to_owned(), |c| cut(c, 30));
    egui::ComboBox::from_id_salt(("log-column", label))
        .selected_text(shown)
        .show_ui(ui, |ui| {
            if optional {
                ui.selectable_value(chosen, None, "(none)");
            }
            for (i, column) in columns.iter().enumerate() {
                ui.selectable_value(chosen, Some(i), cut(column, 40));
            }
        });
    ui.end_row();
}

fn columns_ui(ui: &mut egui::Ui, d: &mut LogImportDialog) {
    ui.label(RichText::new("Columns").strong());
    if let Err(why) = &d.survey.found {
        ui.colored_label(theme::WARNING, format!("Choose them: {why}."));
    }
    let columns = d.survey.columns.clone();
    egui::Grid::new("log-columns").num_columns(2).show(ui, |ui| {
        let one = |ui: &mut egui::Ui, label: &str, value: &mut usize| {
            let mut chosen = Some(*value);
            column_choice(ui, label, &columns, &mut chosen, false);
            *value = chosen.unwrap_or(*value);
        };
        one(ui, "Case id", &mut d.case);
        one(ui, "Activity", &mut d.activity);
        one(ui, "Completion time", &mut d.time);
        column_choice(ui, "Start time (optional)", &columns, &mut d.start, true);
        column_choice(ui, "Lifecycle (optional)", &columns, &mut d.lifecycle, true);
    });
}

fn lanes_ui(ui: &mut egui::Ui, d: &mut LogImportDialog) {
    ui.label(RichText::new("Lanes").strong());
    // The columns already read as the case, activity or times make no lanes.
    let mapped: Vec<String> = if d.survey.format == LogFormat::Csv {
        [Some(d.case), Some(d.activity), Some(d.time), d.start, d.lifecycle]
            .into_iter()
            .flatten()
            .map(|i| d.column(i))
            .collect()
    } else {
        Vec::new()
    };
    let choices = &d.survey.lane_choices;
    let shown = d
        .lane
        .and_then(|i| choices.get(i))
        .map_or("One lane for all cases".to_owned(), |c| {
            format!("{} ({} values)", cut(&c.name, 30), value_count(c))
        });
    ui.horizontal(|ui| {
        ui.label("A lane per value of");
        egui::ComboBox::from_id_salt("log-lane")
            .selected_text(shown)
            .width(300.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut d.lane, None, "One lane for all cases");
                for (i, c) in choices.iter().enumerate().filter(|(_, c)| !mapped.contains(&c.name)) {
                    ui.selectable_value(
                        &mut d.lane,
                        Some(i),
                        format!("{} ({} values)", cut(&c.name, 40), value_count(c)),
                    );
                }
            });
    });
    if let Some(LaneChoice { values, more, .. }) = d.lane.and_then(|i| choices.get(i)) {
        let fmt = crate::ui::number_style(ui.ctx());
        let listed: Vec<String> = (values.iter().take(12))
            .map(|(value, cases)| {
                let value = if value.is_empty() {
                    "(none)".to_owned()
                } else {
                    cut(value, 28)
                };
                format!("{value}: {} cases", fmt.thousands(*cases as f64, 0))
            })
            .collect();
        ui.label(listed.join(" · "));
        if values.len() > MAX_LANES || *more {
            ui.colored_label(
                theme::WARNING,
                format!(
                    "More than {MAX_LANES} values: the {} with the most cases get a lane each, the rest share “Other”.",
                    MAX_LANES - 1
                ),
            );
        }
    }
}

/// How many values an attribute has: `12`, or `over 1000` when the survey
/// stopped listing them.
fn value_count(choice: &LaneChoice) -> String {
    if choice.more {
        format!("over {}", choice.values.len())
    } else {
        choice.values.len().to_string()
    }
}

fn times_ui(ui: &mut egui::Ui, d: &mut LogImportDialog) {
    ui.label(RichText::new("Times").strong());
    egui::Grid::new("log-times").num_columns(2).show(ui, |ui| {
        ui.label("Time zone of times without an offset");
        ui.add(
            egui::TextEdit::singleline(&mut d.time_zone)
                .desired_width(220.0)
                .hint_text("UTC"),
        );
        ui.end_row();
        ui.label("Date format, if not ISO 8601");
        ui.add(
            egui::TextEdit::singleline(&mut d.date_format)
                .desired_width(220.0)
                .hint_text("%d.%m.%Y %H:%M"),
        );
        ui.end_row();
        ui.checkbox(&mut d.count_working_hours, "Count waits only in working hours");
        ui.add_enabled(
            d.count_working_hours,
            egui::TextEdit::singleline(&mut d.working_hours).desired_width(220.0),
        );
        ui.end_row();
    });
    ui.label(
        RichText::new("A wait is counted from one step's completion to the next step's start (or completion).")
            .small()
            .color(ui.visuals().weak_text_color()),
    );
}

fn rates_ui(ui: &mut egui::Ui, d: &mut LogImportDialog) {
    ui.label(RichText::new("Money (a log has none)").strong());
    egui::Grid::new("log-rates").num_columns(2).show(ui, |ui| {
        ui.label(format!("Labour cost / hour ({})", d.currency));
        let (lo, hi) = HOURLY_COST_RANGE;
        if let Some(Some(v)) = NumberField::new(Id::unique("log-hourly"), "Labour cost / hour", d.rates.hourly_cost)
            .show(ui, |v| check_number(v, lo, hi))
        {
            d.rates.hourly_cost = v;
        }
        ui.end_row();
        ui.label(format!("Delay cost / item / hour ({})", d.currency));
        let (lo, hi) = DELAY_COST_RANGE;
        if let Some(Some(v)) = NumberField::new(
            Id::unique("log-delay"),
            "Delay cost / item / hour",
            d.rates.delay_cost_per_hour,
        )
        .show(ui, |v| check_number(v, lo, hi))
        {
            d.rates.delay_cost_per_hour = v;
        }
        ui.end_row();
        ui.label("Name of the new map");
        ui.add(egui::TextEdit::singleline(&mut d.name).desired_width(300.0));
        ui.end_row();
    });
}
