//! The SVG writer pictures draw into: shapes and text in user units
//! (1 unit = 1 px at 1×), every text measured and cut to its place.

use std::fmt::Write as _;

use super::text::{self, FONT_FAMILY, Weight};
use super::{Anchor, Font, escape, hex, num};

/// An SVG document being written, in user units (1 unit = 1 px at 1×).
pub struct SvgDoc {
    body: String,
    width: f32,
    height: f32,
    title: String,
    defs: String,
}

impl SvgDoc {
    pub fn new(width: f32, height: f32, title: &str) -> Self {
        Self {
            body: String::new(),
            width,
            height,
            title: text::shorten(title),
            defs: String::new(),
        }
    }

    pub fn defs(&mut self, xml: &str) {
        self.defs.push_str(xml);
    }

    pub fn raw(&mut self, xml: &str) {
        self.body.push_str(xml);
    }

    pub fn rect(&mut self, r: emath::Rect, radius: f32, fill: [u8; 3], stroke: Option<([u8; 3], f32)>) {
        let (x, y, w, h) = (r.min.x, r.min.y, r.width(), r.height());
        let _ = write!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}""#,
            num(x),
            num(y),
            num(w),
            num(h)
        );
        if radius > 0.0 {
            let _ = write!(self.body, r#" rx="{}""#, num(radius));
        }
        let _ = write!(self.body, r#" fill="{}""#, hex(fill));
        if let Some((color, width)) = stroke {
            let _ = write!(self.body, r#" stroke="{}" stroke-width="{}""#, hex(color), num(width));
        }
        self.body.push_str("/>\n");
    }

    pub fn line(&mut self, a: (f32, f32), b: (f32, f32), color: [u8; 3], width: f32) {
        let _ = writeln!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>"#,
            num(a.0),
            num(a.1),
            num(b.0),
            num(b.1),
            hex(color),
            num(width)
        );
    }

    /// One line of text whose box top is at `top` (not its baseline), cut
    /// with "…" to `max_width` (see [`text::fit`]): no text is drawn whole
    /// without having been measured.
    pub fn text(&mut self, x: f32, top: f32, text: &str, font: Font, color: [u8; 3], max_width: f32) {
        self.text_anchored(x, top, text, font, color, max_width, Anchor::Start);
    }

    /// Like [`SvgDoc::text`], with `x` at the text's start, middle or end.
    #[allow(clippy::too_many_arguments)]
    pub fn text_anchored(
        &mut self,
        x: f32,
        top: f32,
        text: &str,
        font: Font,
        color: [u8; 3],
        max_width: f32,
        anchor: Anchor,
    ) {
        let shown = text::fit(text, font.size, font.weight, max_width);
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
        let _ = writeln!(self.body, r#" fill="{}">{}</text>"#, hex(color), escape(&shown));
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
        if !self.defs.is_empty() {
            let _ = writeln!(out, "<defs>{}</defs>", self.defs);
        }
        let _ = writeln!(
            out,
            r#"<rect width="100%" height="100%" fill="{}"/>"#,
            hex(crate::theme::print::BACKGROUND)
        );
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        out
    }
}
