//! The SVG canvas: every shape and text becomes an element, in user units
//! (1 unit = 1 px at 1×). Numbers, colours and text are appended to one
//! string as they come, without a string of their own each: the SVG of a
//! 100,000-step map has millions of them.

use std::fmt::Write as _;

use emath::{Pos2, Rect};

use super::text::{self, FONT_FAMILY, Weight};
use super::{Anchor, Canvas, Fill, Font, Stroke, escape, hex, num, push_escaped, push_hex, push_num};
use crate::layout::tokens::{heat_stops, print};

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

    /// ` name="v"`.
    fn number(&mut self, name: &str, v: f32) {
        self.body.push(' ');
        self.body.push_str(name);
        self.body.push_str("=\"");
        push_num(&mut self.body, v);
        self.body.push('"');
    }

    /// ` name="#rrggbb"`.
    fn color(&mut self, name: &str, rgb: [u8; 3]) {
        self.body.push(' ');
        self.body.push_str(name);
        self.body.push_str("=\"");
        push_hex(&mut self.body, rgb);
        self.body.push('"');
    }

    /// `x y` of a path's point, after `prefix` (a command letter).
    fn point(&mut self, prefix: &str, p: Pos2) {
        self.body.push_str(prefix);
        push_num(&mut self.body, p.x);
        self.body.push(' ');
        push_num(&mut self.body, p.y);
    }

    fn fill(&mut self, fill: Fill) {
        match fill {
            Fill::Solid(rgb) => self.color("fill", rgb),
            Fill::HeatScale => {
                self.heat_scale = true;
                self.body.push_str(r#" fill="url(#heat)""#);
            }
        }
    }

    fn stroke(&mut self, stroke: Stroke) {
        self.color("stroke", stroke.color);
        self.number("stroke-width", stroke.width);
        if let Some([dash, gap]) = stroke.dash {
            self.body.push_str(r#" stroke-dasharray=""#);
            push_num(&mut self.body, dash);
            self.body.push(' ');
            push_num(&mut self.body, gap);
            self.body.push('"');
        }
    }

    fn rect_start(&mut self, r: Rect) {
        self.body.push_str("<rect");
        self.number("x", r.min.x);
        self.number("y", r.min.y);
        self.number("width", r.width());
        self.number("height", r.height());
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
            self.number("rx", radius);
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
        self.body.push_str("><title>");
        push_escaped(&mut self.body, &text::shorten(note));
        self.body.push_str("</title></rect>\n");
    }

    fn line(&mut self, a: Pos2, b: Pos2, stroke: Stroke) {
        self.body.push_str("<line");
        self.number("x1", a.x);
        self.number("y1", a.y);
        self.number("x2", b.x);
        self.number("y2", b.y);
        self.stroke(stroke);
        self.body.push_str("/>\n");
    }

    fn curve(&mut self, pieces: &[[Pos2; 4]], stroke: Stroke) {
        let Some(first) = pieces.first() else { return };
        self.body.push_str(r#"<path d=""#);
        self.point("M", first[0]);
        for &[_, c1, c2, end] in pieces {
            self.point(" C", c1);
            self.point(" ", c2);
            self.point(" ", end);
        }
        self.body.push_str(r#"" fill="none""#);
        self.stroke(stroke);
        self.body.push_str("/>\n");
    }

    fn triangle(&mut self, [a, b, c]: [Pos2; 3], fill: [u8; 3]) {
        self.body.push_str(r#"<path d=""#);
        self.point("M", a);
        self.point(" L", b);
        self.point(" L", c);
        self.body.push_str(r#" Z""#);
        self.fill(Fill::Solid(fill));
        self.body.push_str("/>\n");
    }

    fn fitted_text(&mut self, x: f32, top: f32, shown: &str, font: Font, color: [u8; 3], anchor: Anchor) {
        self.body.push_str("<text");
        self.number("x", x);
        self.number("y", top + text::ascent(font.size));
        self.number("font-size", font.size);
        if font.weight == Weight::Bold {
            let _ = write!(self.body, r#" font-weight="{}""#, font.weight.css());
        }
        match anchor {
            Anchor::Start => {}
            Anchor::Middle => self.body.push_str(r#" text-anchor="middle""#),
            Anchor::End => self.body.push_str(r#" text-anchor="end""#),
        }
        self.color("fill", color);
        self.body.push('>');
        push_escaped(&mut self.body, shown);
        self.body.push_str("</text>\n");
    }
}
