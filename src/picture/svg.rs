//! The SVG canvas: every shape and text becomes an element, in user units
//! (1 unit = 1 px at 1×).

use std::fmt::Write as _;

use emath::{Pos2, Rect};

use super::text::{self, FONT_FAMILY, Weight};
use super::{Anchor, Canvas, Fill, Font, Stroke, escape, hex, num};
use crate::theme::{heat_stops, print};

/// An SVG document being written.
pub struct SvgDoc {
    body: String,
    width: f32,
    height: f32,
    title: String,
    /// Whether the heat-scale gradient is used, so its definition is needed.
    heat_scale: bool,
}

impl SvgDoc {
    pub fn new(width: f32, height: f32, title: &str) -> Self {
        Self {
            body: String::new(),
            width,
            height,
            title: text::shorten(title),
            heat_scale: false,
        }
    }

    fn fill(&mut self, fill: Fill) {
        match fill {
            Fill::Solid(rgb) => {
                let _ = write!(self.body, r#" fill="{}""#, hex(rgb));
            }
            Fill::HeatScale => {
                self.heat_scale = true;
                self.body.push_str(r#" fill="url(#heat)""#);
            }
        }
    }

    fn stroke(&mut self, stroke: Stroke) {
        let _ = write!(
            self.body,
            r#" stroke="{}" stroke-width="{}""#,
            hex(stroke.color),
            num(stroke.width)
        );
        if let Some([dash, gap]) = stroke.dash {
            let _ = write!(self.body, r#" stroke-dasharray="{} {}""#, num(dash), num(gap));
        }
    }

    fn rect_start(&mut self, r: Rect) {
        let _ = write!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}""#,
            num(r.min.x),
            num(r.min.y),
            num(r.width()),
            num(r.height())
        );
    }

    pub fn finish(self) -> String {
        let (w, h) = (num(self.width.ceil()), num(self.height.ceil()));
        let mut out = String::with_capacity(self.body.len() + 1024);
        let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{}">"#,
            escape(FONT_FAMILY)
        );
        let _ = writeln!(out, "<title>{}</title>", escape(&self.title));
        if self.heat_scale {
            out.push_str(r#"<defs><linearGradient id="heat" x1="0" y1="0" x2="1" y2="0">"#);
            for (at, rgb) in heat_stops(false) {
                let _ = write!(
                    out,
                    r#"<stop offset="{}" stop-color="{}"/>"#,
                    num(*at as f32),
                    hex(*rgb)
                );
            }
            out.push_str("</linearGradient></defs>\n");
        }
        let _ = writeln!(
            out,
            r#"<rect width="100%" height="100%" fill="{}"/>"#,
            hex(print::BACKGROUND)
        );
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        out
    }
}

impl Canvas for SvgDoc {
    fn rect(&mut self, r: Rect, radius: f32, fill: Fill, stroke: Option<Stroke>) {
        self.rect_start(r);
        if radius > 0.0 {
            let _ = write!(self.body, r#" rx="{}""#, num(radius));
        }
        self.fill(fill);
        if let Some(stroke) = stroke {
            self.stroke(stroke);
        }
        self.body.push_str("/>\n");
    }

    fn noted_rect(&mut self, r: Rect, fill: [u8; 3], note: &str) {
        self.rect_start(r);
        self.fill(Fill::Solid(fill));
        let _ = writeln!(self.body, "><title>{}</title></rect>", escape(&text::shorten(note)));
    }

    fn line(&mut self, a: Pos2, b: Pos2, stroke: Stroke) {
        let _ = write!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}""#,
            num(a.x),
            num(a.y),
            num(b.x),
            num(b.y)
        );
        self.stroke(stroke);
        self.body.push_str("/>\n");
    }

    fn curve(&mut self, [start, c1, c2, end]: [Pos2; 4], stroke: Stroke) {
        let _ = write!(
            self.body,
            r#"<path d="M{} {} C{} {} {} {} {} {}" fill="none""#,
            num(start.x),
            num(start.y),
            num(c1.x),
            num(c1.y),
            num(c2.x),
            num(c2.y),
            num(end.x),
            num(end.y),
        );
        self.stroke(stroke);
        self.body.push_str("/>\n");
    }

    fn triangle(&mut self, [a, b, c]: [Pos2; 3], fill: [u8; 3]) {
        let _ = write!(
            self.body,
            r#"<path d="M{} {} L{} {} L{} {} Z""#,
            num(a.x),
            num(a.y),
            num(b.x),
            num(b.y),
            num(c.x),
            num(c.y),
        );
        self.fill(Fill::Solid(fill));
        self.body.push_str("/>\n");
    }

    fn fitted_text(&mut self, x: f32, top: f32, shown: &str, font: Font, color: [u8; 3], anchor: Anchor) {
        let _ = write!(
            self.body,
            r#"<text x="{}" y="{}" font-size="{}""#,
            num(x),
            num(top + text::ascent(font.size)),
            num(font.size)
        );
        if font.weight == Weight::Bold {
            let _ = write!(self.body, r#" font-weight="{}""#, font.weight.css());
        }
        match anchor {
            Anchor::Start => {}
            Anchor::Middle => self.body.push_str(r#" text-anchor="middle""#),
            Anchor::End => self.body.push_str(r#" text-anchor="end""#),
        }
        let _ = writeln!(self.body, r#" fill="{}">{}</text>"#, hex(color), escape(shown));
    }
}
