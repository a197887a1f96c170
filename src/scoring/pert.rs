//! Beta-PERT draws by inverse transform from a table of quantiles.
//!
//! A PERT with shape 4 between a minimum `a`, a most likely value `m` and a
//! maximum `b` is `a + (b − a)·X` with `X ~ Beta(1 + 4t, 5 − 4t)` and
//! `t = (m − a) / (b − a)`: the two shape parameters always add up to 6, so
//! one number, `t`, picks the distribution. The quantile function of `X` is
//! tabulated once for 65 values of `t` at 4,097 probabilities each (1 MB),
//! from the Beta density integrated numerically. A draw takes one 32-bit
//! random number and interpolates linearly between the entries around it
//! in the two rows around its `t`; an input drawn more often than the rows
//! are long blends the two rows into a row of its own first, so a draw
//! reads two entries. Either way a few loads and multiplications, where a
//! rejection sampler (Cheng's) spends tens of nanoseconds. The
//! tests check the table against closed forms of the Beta distribution:
//! within 2·10⁻⁵ of the range between the 1st and 99th percentiles, and
//! 2·10⁻⁴ in the tails, where the quantile function is steepest.

use std::sync::OnceLock;

/// Intervals between the tabulated values of `t`.
const SHAPES: usize = 64;
/// Intervals between the tabulated probabilities.
const PROBS: usize = 4096;
/// Intervals of the numerical integration of each density.
const STEPS: usize = 1 << 14;

/// `QUANTILES[k][j]` is the quantile at probability `j / PROBS` of
/// `Beta(1 + 4t, 5 − 4t)` with `t = k / SHAPES`.
type Table = Vec<[f32; PROBS + 1]>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build)
}

fn build() -> Table {
    // ln x and ln(1 − x) at the midpoints of the integration steps, shared
    // by every shape: the midpoint rule never evaluates x = 0 or x = 1.
    let h = 1.0 / STEPS as f64;
    let logs: Vec<(f64, f64)> = (0..STEPS)
        .map(|i| {
            let x = (i as f64 + 0.5) * h;
            (x.ln(), (1.0 - x).ln())
        })
        .collect();
    let mut cdf = vec![0.0_f64; STEPS + 1];
    (0..=SHAPES)
        .map(|k| {
            let t = k as f64 / SHAPES as f64;
            let (a1, b1) = (4.0 * t, 4.0 - 4.0 * t);
            for (i, &(lx, l1x)) in logs.iter().enumerate() {
                cdf[i + 1] = cdf[i] + (a1 * lx + b1 * l1x).exp();
            }
            let total = cdf[STEPS];
            let mut row = [0.0_f32; PROBS + 1];
            let mut i = 0;
            for (j, q) in row.iter_mut().enumerate() {
                let target = j as f64 / PROBS as f64 * total;
                while i < STEPS && cdf[i + 1] < target {
                    i += 1;
                }
                *q = if j == PROBS {
                    1.0
                } else {
                    // Linear within the step: the density is nearly flat over
                    // 1/65,536 of the range.
                    let mass = cdf[i + 1] - cdf[i];
                    let within = if mass > 0.0 { (target - cdf[i]) / mass } else { 0.0 };
                    ((i as f64 + within.clamp(0.0, 1.0)) * h) as f32
                };
            }
            row
        })
        .collect()
}

/// One uncertain input: where its PERT lies and which rows of the table it
/// reads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pert {
    min: f64,
    max: f64,
    width: f64,
    row: usize,
    blend: f32,
}

impl Pert {
    /// The PERT from `low` through `likely` to `high`; `None` when the
    /// three are equal or not numbers, so nothing is uncertain. A most
    /// likely value outside the range widens the range to it.
    pub fn new(low: f64, likely: f64, high: f64) -> Option<Pert> {
        let (min, max) = (low.min(likely), high.max(likely));
        let width = max - min;
        if !(width > 0.0 && width.is_finite() && likely.is_finite()) {
            return None;
        }
        let at = ((likely - min) / width).clamp(0.0, 1.0) * SHAPES as f64;
        let row = (at.floor() as usize).min(SHAPES - 1);
        Some(Pert {
            min,
            max,
            width,
            row,
            blend: (at - row as f64) as f32,
        })
    }

    /// The least and the greatest value a draw can take.
    pub fn bounds(&self) -> (f64, f64) {
        (self.min, self.max)
    }

    /// The value at probability `u / 2³²`, read from the two table rows
    /// around this PERT's shape.
    #[inline]
    pub fn quantile(&self, u: u32) -> f64 {
        let table = table();
        let (j, within) = split(u);
        let at = |row: &[f32; PROBS + 1]| f64::from(row[j]) + f64::from(row[j + 1] - row[j]) * within;
        let low = at(&table[self.row]);
        let q = low + (at(&table[self.row + 1]) - low) * f64::from(self.blend);
        self.min + self.width * q
    }

    /// A sampler of this PERT for `draws` draws: with many, the two table
    /// rows are blended once into a row of its own, so that a draw reads
    /// two entries instead of four.
    pub fn sampler(&self, draws: usize) -> Sampler {
        if draws <= PROBS {
            return Sampler::Table(*self);
        }
        let table = table();
        let (lower, upper) = (&table[self.row], &table[self.row + 1]);
        let mut values = Box::new([0.0; PROBS + 1]);
        for (j, v) in values.iter_mut().enumerate() {
            let (low, high) = (f64::from(lower[j]), f64::from(upper[j]));
            *v = self.min + self.width * (low + (high - low) * f64::from(self.blend));
        }
        Sampler::Row(OwnRow(values))
    }
}

/// The interval a probability `u / 2³²` falls in (its top 12 bits) and
/// where in it (the other 20).
#[inline]
fn split(u: u32) -> (usize, f64) {
    ((u >> 20) as usize, f64::from(u & 0xF_FFFF) * (1.0 / (1 << 20) as f64))
}

/// A draw from a PERT at probability `u / 2³²`.
pub trait Draw {
    fn at(&self, u: u32) -> f64;
}

impl Draw for Pert {
    #[inline]
    fn at(&self, u: u32) -> f64 {
        self.quantile(u)
    }
}

/// A PERT's quantiles at every tabulated probability, in its own units.
pub struct OwnRow(Box<[f64; PROBS + 1]>);

impl Draw for OwnRow {
    #[inline]
    fn at(&self, u: u32) -> f64 {
        let (j, within) = split(u);
        self.0[j] + (self.0[j + 1] - self.0[j]) * within
    }
}

/// How one PERT is drawn from: its own row when it is drawn often, the
/// table otherwise. Both give the same values up to rounding; callers pick
/// the branch once, outside their loop over draws.
pub enum Sampler {
    Row(OwnRow),
    Table(Pert),
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The regularised incomplete Beta function for whole shape parameters
    /// adding up to 6: the chance that at least `alpha` of 5 uniforms fall
    /// below `x`.
    pub(in crate::scoring) fn beta_cdf_whole(alpha: u32, x: f64) -> f64 {
        let choose = [1.0, 5.0, 10.0, 10.0, 5.0, 1.0];
        (alpha..=5)
            .map(|j| choose[j as usize] * x.powi(j as i32) * (1.0 - x).powi(5 - j as i32))
            .sum()
    }

    /// The value at which `cdf` reaches `p`, by bisection.
    fn invert(cdf: impl Fn(f64) -> f64, p: f64) -> f64 {
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..60 {
            let mid = (lo + hi) / 2.0;
            if cdf(mid) < p { lo = mid } else { hi = mid }
        }
        (lo + hi) / 2.0
    }

    #[test]
    fn the_table_matches_the_beta_distribution_where_it_has_a_closed_form() {
        // t = 0, 1/4, 1/2, 3/4, 1 give Beta(1,5), (2,4), (3,3), (4,2), (5,1).
        for alpha in 1..=5_u32 {
            let pert = Pert::new(0.0, (alpha - 1) as f64 / 4.0, 1.0).unwrap();
            // Between the 1st and the 99th percentile, and in the tails,
            // where the quantile function is steepest.
            let (mut body, mut tails): (f64, f64) = (0.0, 0.0);
            for step in 1..1000 {
                let p = step as f64 / 1000.0;
                let exact = invert(|x| beta_cdf_whole(alpha, x), p);
                let u = (p * 4_294_967_296.0) as u32;
                let off = (pert.quantile(u) - exact).abs();
                if let Sampler::Row(row) = pert.sampler(10_000) {
                    assert!((row.at(u) - pert.quantile(u)).abs() < 1e-12);
                }
                if (0.01..=0.99).contains(&p) {
                    body = body.max(off);
                } else {
                    tails = tails.max(off);
                }
            }
            assert!(body < 2e-5, "Beta({alpha}, {}): off by {body}", 6 - alpha);
            assert!(
                tails < 2e-4,
                "Beta({alpha}, {}): off by {tails} in the tails",
                6 - alpha
            );
        }
    }

    #[test]
    fn between_tabulated_shapes_the_blend_stays_close() {
        // t = 0.3 lies between rows: compare with Beta(2.2, 3.8) integrated
        // on its own by Simpson's rule.
        let (a1, b1) = (1.2, 2.8);
        let density = |x: f64| x.powf(a1) * (1.0 - x).powf(b1);
        let n = 200_000;
        let h = 1.0 / n as f64;
        let mut cdf = vec![0.0; n + 1];
        for i in 0..n {
            let x = i as f64 * h;
            cdf[i + 1] = cdf[i] + h / 6.0 * (density(x) + 4.0 * density(x + h / 2.0) + density(x + h));
        }
        let total = cdf[n];
        let pert = Pert::new(10.0, 13.0, 20.0).unwrap();
        for p in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99] {
            let i = cdf.partition_point(|&c| c < p * total);
            let exact = 10.0 + 10.0 * i as f64 * h;
            let got = pert.quantile((p * 4_294_967_296.0) as u32);
            assert!((got - exact).abs() < 10.0 * 2e-4, "p {p}: {got} against {exact}");
        }
    }

    #[test]
    fn degenerate_ranges_are_not_uncertain_and_the_range_covers_the_value() {
        assert_eq!(Pert::new(5.0, 5.0, 5.0), None);
        assert_eq!(Pert::new(4.0, f64::NAN, 6.0), None);
        let wide = Pert::new(8.0, 5.0, 6.0).unwrap();
        assert_eq!((wide.min, wide.width), (5.0, 1.0));
        assert_eq!(wide.quantile(0), 5.0);
        assert!((wide.quantile(u32::MAX) - 6.0).abs() < 1e-6);
    }
}
