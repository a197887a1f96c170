//! The samples of one figure (an activity's waits, or its handling times,
//! in one lane) and their 25th, 50th and 75th percentiles, computed as
//! numpy computes them by default: linear between the closest ranks.
//!
//! The percentiles are always exact, and memory does not grow with the
//! log. Up to [`EXACT_UP_TO`] samples are kept one by one. Past that, a
//! first reading counts them in bins ([`Bins`]): a bin holds the values
//! whose floating-point bits agree in the exponent and the first
//! [`BIN_BITS`] bits of the mantissa, a range at most 2⁻¹¹ of its value
//! wide (one array over the octaves between the smallest and the largest
//! sample, 16 KB an octave; samples below [`TINY`], finer than any log's
//! clock, share the bin of 0). The bins tell in which bin each
//! percentile's ranks fall; a second reading ([`Samples::refining`]) keeps
//! only the samples of those bins, from which the percentiles are exact.
//! A log held in memory anyway keeps every sample ([`Samples::every`]).

use ahash::AHashMap;

/// Samples kept one by one in a first reading: 1 MB a figure at most.
pub const EXACT_UP_TO: usize = 1 << 17;
/// Bits of the mantissa that choose a sample's bin.
pub const BIN_BITS: u32 = 11;
const SHIFT: u32 = 52 - BIN_BITS;
/// Samples smaller than this share the bin of 0 (2⁻³⁰: 3.4 µs in hours).
pub const TINY: f64 = 1.0 / (1u64 << 30) as f64;

/// The 25th, 50th and 75th percentiles of some samples, and how many there were.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Spread {
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub n: u64,
}

/// The quantiles a spread has.
const QUANTILES: [f64; 3] = [0.25, 0.5, 0.75];

impl Spread {
    /// The spread of `samples` (reordered here).
    pub fn of(samples: &mut [f64]) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        let p75 = percentile(samples, 0.75);
        let p50 = percentile(samples, 0.5);
        let p25 = percentile(samples, 0.25);
        Some(Self {
            p25,
            p50,
            p75,
            n: samples.len() as u64,
        })
    }

    /// The spread of `n` samples given the value at each 0-based rank in
    /// sorted order.
    fn by_rank(n: u64, value_at: impl Fn(u64) -> f64) -> Option<Self> {
        if n == 0 {
            return None;
        }
        let [p25, p50, p75] = QUANTILES.map(|q| {
            let (lower, fraction) = rank(n, q);
            let at = value_at(lower);
            if fraction > 0.0 {
                at + (value_at(lower + 1) - at) * fraction
            } else {
                at
            }
        });
        Some(Self { p25, p50, p75, n })
    }
}

/// The 0-based rank below the `q` percentile of `n` samples, and how far
/// the percentile lies towards the next rank.
fn rank(n: u64, q: f64) -> (u64, f64) {
    let position = q * (n - 1) as f64;
    let lower = position.floor();
    (lower as u64, position - lower)
}

/// The `q` percentile of samples, linear between closest ranks, found by
/// selection rather than a sort. Reorders the samples: those below the
/// percentile's rank end up before it.
pub fn percentile(samples: &mut [f64], q: f64) -> f64 {
    let (lower, fraction) = rank(samples.len() as u64, q);
    let (_, &mut at, above) = samples.select_nth_unstable_by(lower as usize, f64::total_cmp);
    match above.iter().copied().min_by(f64::total_cmp) {
        Some(next) if fraction > 0.0 => at + (next - at) * fraction,
        _ => at,
    }
}

/// The median of values 0, 1, 2… given how many of each there are, as
/// [`percentile`] computes it over the values themselves.
pub fn median_of_counts(counts: &[u64]) -> f64 {
    let n: u64 = counts.iter().sum();
    if n == 0 {
        return 0.0;
    }
    // The values at 0-based ranks k and k + 1 of the sorted values.
    let value_at = |rank: u64| {
        let mut seen = 0;
        counts
            .iter()
            .position(|&c| {
                seen += c;
                seen > rank
            })
            .unwrap_or(0) as f64
    };
    let k = (n - 1) / 2;
    if (n - 1).is_multiple_of(2) {
        value_at(k)
    } else {
        (value_at(k) + value_at(k + 1)) / 2.0
    }
}

/// Samples of a figure that is never negative (hours, minutes).
#[derive(Clone, Debug)]
pub enum Samples {
    /// Each sample, while there are at most [`EXACT_UP_TO`].
    Exact(Vec<f64>),
    /// Each sample, however many.
    Every(Vec<f64>),
    /// Counted by bin, past [`EXACT_UP_TO`].
    Binned(Bins),
    /// A second reading: the first's bins, and the samples in the bins
    /// where the percentiles' ranks fall.
    Refining(Refine),
}

impl Default for Samples {
    fn default() -> Self {
        Self::Exact(Vec::new())
    }
}

/// The bin of a sample: 0 for 0 and samples below [`TINY`], else its bits
/// without the mantissa's last bits (the bits of positive numbers sort as
/// the numbers do, so bins sort as their samples do).
fn bin_of(value: f64) -> u64 {
    if value >= TINY { value.to_bits() >> SHIFT } else { 0 }
}

/// The value a bin stands for: the middle of its range (0 for bin 0).
fn value_of(bin: u64) -> f64 {
    if bin == 0 {
        return 0.0;
    }
    let low = f64::from_bits(bin << SHIFT);
    let high = f64::from_bits((bin + 1) << SHIFT);
    low + (high - low) / 2.0
}

/// Samples counted by bin: how many were in bin 0, and how many fell in
/// each bin from `first` on.
#[derive(Clone, Debug, Default)]
pub struct Bins {
    zeros: u64,
    first: u64,
    counts: Vec<u64>,
}

impl Bins {
    fn n(&self) -> u64 {
        self.zeros + self.counts.iter().sum::<u64>()
    }

    fn add(&mut self, bin: u64, count: u64) {
        if bin == 0 {
            self.zeros += count;
            return;
        }
        if self.counts.is_empty() {
            self.first = bin;
        } else if bin < self.first {
            // Room below: the array starts at the new bin.
            let more = (self.first - bin) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, more));
            self.first = bin;
        }
        let at = (bin - self.first) as usize;
        if at >= self.counts.len() {
            self.counts.resize(at + 1, 0);
        }
        self.counts[at] += count;
    }

    fn merge(&mut self, other: Bins) {
        self.zeros += other.zeros;
        for (i, count) in other.counts.into_iter().enumerate().filter(|&(_, c)| c > 0) {
            self.add(other.first + i as u64, count);
        }
    }

    /// The bin of the sample at 0-based `rank` in sorted order, and how
    /// many samples of that bin come before it.
    fn bin_at_rank(&self, rank: u64) -> (u64, u64) {
        if rank < self.zeros {
            return (0, rank);
        }
        let mut below = self.zeros;
        for (i, &count) in self.counts.iter().enumerate() {
            if below + count > rank {
                return (self.first + i as u64, rank - below);
            }
            below += count;
        }
        (self.first + self.counts.len().saturating_sub(1) as u64, 0)
    }

    /// The spread as the bins tell it, each bin standing for its middle:
    /// within 2⁻¹² of the exact one.
    fn spread(&self) -> Option<Spread> {
        Spread::by_rank(self.n(), |rank| value_of(self.bin_at_rank(rank).0))
    }

    /// The bins the percentiles' ranks fall in, sorted, each once.
    fn wanted(&self) -> Vec<u64> {
        let n = self.n();
        let mut bins: Vec<u64> = QUANTILES
            .iter()
            .flat_map(|&q| {
                let (lower, _) = rank(n, q);
                [lower, (lower + 1).min(n - 1)]
            })
            .map(|rank| self.bin_at_rank(rank).0)
            .collect();
        bins.sort_unstable();
        bins.dedup();
        bins
    }
}

/// A figure's samples read a second time, past [`EXACT_UP_TO`].
#[derive(Clone, Debug)]
pub struct Refine {
    /// The first reading's bins.
    bins: Bins,
    /// Each bin a percentile's ranks fall in, sorted, with how many times
    /// each value (by its bits) came in it.
    kept: Vec<(u64, AHashMap<u64, u64>)>,
}

impl Refine {
    fn push(&mut self, value: f64) {
        let bin = bin_of(value);
        if let Ok(i) = self.kept.binary_search_by_key(&bin, |&(b, _)| b) {
            *self.kept[i].1.entry(value.to_bits()).or_default() += 1;
        }
    }

    /// The exact value at `rank`: the sample at its place among those of
    /// its bin; the bin's middle if the second reading did not meet as
    /// many samples there as the first (the file changed in between).
    fn value_at(&self, rank: u64) -> f64 {
        let (bin, within) = self.bins.bin_at_rank(rank);
        let Ok(i) = self.kept.binary_search_by_key(&bin, |&(b, _)| b) else {
            return value_of(bin);
        };
        let mut values: Vec<(u64, u64)> = self.kept[i].1.iter().map(|(&v, &c)| (v, c)).collect();
        values.sort_unstable();
        let mut below = 0;
        for (bits, count) in values {
            below += count;
            if below > within {
                return f64::from_bits(bits);
            }
        }
        value_of(bin)
    }
}

impl Samples {
    /// Samples kept one by one however many there are (for a log held in
    /// memory anyway).
    pub fn every() -> Self {
        Self::Every(Vec::new())
    }

    /// Samples read a second time after a first reading counted them in
    /// `bins`: only those in the bins of the percentiles are kept.
    pub fn refining(bins: Bins) -> Self {
        let kept = bins.wanted().into_iter().map(|b| (b, AHashMap::new())).collect();
        Self::Refining(Refine { bins, kept })
    }

    /// The bins of samples counted by bin, which a second reading makes exact.
    pub fn binned(&self) -> Option<&Bins> {
        match self {
            Self::Binned(bins) => Some(bins),
            _ => None,
        }
    }

    /// Adds a sample; a negative one (or not a number) counts as 0.
    pub fn push(&mut self, value: f64) {
        let value = if value > 0.0 { value } else { 0.0 };
        match self {
            Self::Exact(values) if values.len() < EXACT_UP_TO => values.push(value),
            Self::Exact(_) => {
                self.bin();
                self.push(value);
            }
            Self::Every(values) => values.push(value),
            Self::Binned(bins) => bins.add(bin_of(value), 1),
            Self::Refining(refine) => refine.push(value),
        }
    }

    /// Adds another figure's samples to these (lanes sharing "Other"), in
    /// one reading: figures being refined are never merged.
    pub fn merge(&mut self, other: Samples) {
        match (&mut *self, other) {
            (Self::Every(values), Self::Every(more) | Self::Exact(more)) => values.extend(more),
            (Self::Exact(values), Self::Exact(more)) if values.len() + more.len() <= EXACT_UP_TO => {
                values.extend(more);
            }
            (Self::Binned(bins), other) => bins.merge(other.into_bins()),
            // Anything else is counted in bins (held samples are merged
            // only with held ones, and refined ones never).
            (_, other) => {
                self.bin();
                self.merge(other);
            }
        }
    }

    fn into_bins(self) -> Bins {
        match self {
            Self::Exact(values) | Self::Every(values) => {
                let mut bins = Bins::default();
                values.into_iter().for_each(|v| bins.add(bin_of(v), 1));
                bins
            }
            Self::Binned(bins) => bins,
            Self::Refining(refine) => refine.bins,
        }
    }

    /// Counts the samples in bins from now on.
    fn bin(&mut self) {
        *self = Self::Binned(std::mem::take(self).into_bins());
    }

    /// The spread of the samples, or `None` when there are none: exact,
    /// except for samples counted in bins and not yet read again.
    pub fn spread(self) -> Option<Spread> {
        match self {
            Self::Exact(mut values) | Self::Every(mut values) => Spread::of(&mut values),
            Self::Binned(bins) => bins.spread(),
            Self::Refining(refine) => Spread::by_rank(refine.bins.n(), |rank| refine.value_at(rank)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_counts_is_the_median_of_the_values() {
        assert_eq!(median_of_counts(&[1, 1]), 0.5);
        assert_eq!(median_of_counts(&[0, 3, 0, 1]), 1.0);
        assert_eq!(median_of_counts(&[2, 0, 0, 2]), 1.5);
        assert_eq!(median_of_counts(&[]), 0.0);
        let mut values = vec![0.0, 2.0, 2.0, 5.0, 5.0, 5.0];
        assert_eq!(median_of_counts(&[1, 0, 2, 0, 0, 3]), percentile(&mut values, 0.5));
    }

    #[test]
    fn percentiles_are_numpy_linear() {
        let mut samples = vec![4.0, 1.0, 3.0, 2.0];
        let s = Spread::of(&mut samples).unwrap();
        assert_eq!((s.p25, s.p50, s.p75, s.n), (1.75, 2.5, 3.25, 4));
        assert_eq!(Spread::of(&mut [7.0]).unwrap().p75, 7.0);
        assert!(Spread::of(&mut []).is_none());
        assert!(Samples::default().spread().is_none());
    }

    /// Waits in whole seconds (as hours) spread over five orders of
    /// magnitude, a tenth of them 0 and many repeated.
    fn waits(count: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        (0..count)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                if u < 0.1 {
                    0.0
                } else {
                    (3.6 * 1e5_f64.powf(u)).round() / 3600.0
                }
            })
            .collect()
    }

    fn fill(samples: &mut Samples, values: &[f64]) {
        values.iter().for_each(|&v| samples.push(v));
    }

    /// What two readings give: the first counts, the second refines.
    fn two_readings(values: &[f64]) -> Option<Spread> {
        let mut first = Samples::default();
        fill(&mut first, values);
        let Some(bins) = first.binned() else {
            return first.spread();
        };
        let mut second = Samples::refining(bins.clone());
        fill(&mut second, values);
        second.spread()
    }

    #[test]
    fn past_the_exact_limit_two_readings_give_the_exact_percentiles() {
        for (count, seed) in [(EXACT_UP_TO + 1, 1), (400_000, 2), (300_007, 3)] {
            let values = waits(count, seed);
            let exact = Spread::of(&mut values.clone());
            assert_eq!(two_readings(&values), exact, "{count} samples");
            // The first reading alone is within the bins' accuracy.
            let mut first = Samples::default();
            fill(&mut first, &values);
            let (got, want) = (first.spread().unwrap(), exact.unwrap());
            for (g, w) in [(got.p25, want.p25), (got.p50, want.p50), (got.p75, want.p75)] {
                assert!((g - w).abs() <= w / (1u64 << (BIN_BITS + 1)) as f64, "{g} against {w}");
            }
        }
        // Mostly zeros, and a single value: exact too.
        let mut zeros = vec![0.0; EXACT_UP_TO + 5];
        zeros.extend([2.0, 3.0]);
        assert_eq!(two_readings(&zeros), Spread::of(&mut zeros.clone()));
        let same = vec![35.9; EXACT_UP_TO * 2];
        assert_eq!(two_readings(&same).unwrap().p75, 35.9);
    }

    #[test]
    fn merged_samples_have_the_spread_of_all_of_them() {
        let (a, b) = (waits(100_000, 5), waits(60_000, 6));
        let all: Vec<f64> = a.iter().chain(&b).copied().collect();
        let made = |values: &[f64]| {
            let mut s = Samples::default();
            fill(&mut s, values);
            s
        };
        // Within the limit they stay exact.
        let mut small = made(&a[..100]);
        small.merge(made(&a[100..300]));
        assert_eq!(small.spread(), Spread::of(&mut a[..300].to_vec()));
        // Past it, either way round, the bins are those of all the samples.
        for (x, y) in [(&a, &b), (&b, &a)] {
            let mut merged = made(x);
            merged.merge(made(y));
            let bins = merged.binned().expect("binned").clone();
            let mut second = Samples::refining(bins);
            fill(&mut second, &all);
            assert_eq!(second.spread(), Spread::of(&mut all.clone()));
        }
        let mut held = Samples::every();
        fill(&mut held, &all);
        assert_eq!(held.spread(), Spread::of(&mut all.clone()));
    }
}
