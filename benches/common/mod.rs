//! What the benches share: the median and 95th percentile of a run, and
//! PASS or MISS against a target.

use std::time::Duration;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The median and 95th percentile of `times`, in milliseconds.
pub fn median_p95(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let median = ms(times[times.len() / 2]);
    let p95 = ms(times[(times.len() * 95 / 100).min(times.len() - 1)]);
    (median, p95)
}

/// PASS when the median is at or under the target, otherwise by how much it misses.
pub fn verdict(median_ms: f64, target_ms: f64) -> String {
    if median_ms <= target_ms {
        "PASS".to_owned()
    } else {
        format!("MISS ({:.1}x)", median_ms / target_ms)
    }
}
