//! How sure a sample is: the one-sided Clopper–Pearson upper bound on the
//! share of objects that differ, from `differing` found among `checked`.

/// The confidence every bound is stated at.
pub const CONFIDENCE: f64 = 0.95;

/// The method, as reports name it.
pub const METHOD: &str = "Clopper-Pearson (one-sided, 95%)";

/// The largest share `p` of objects that could differ while finding at most
/// `differing` in `checked` still has probability `1 - confidence`: the
/// one-sided Clopper–Pearson upper bound. With nothing found it is
/// `1 - (1 - confidence)^(1/checked)`, about `3 / checked` at 95% (the rule
/// of three). `None` when nothing was checked.
pub fn upper_bound(differing: u64, checked: u64, confidence: f64) -> Option<f64> {
    if checked == 0 {
        return None;
    }
    if differing >= checked {
        return Some(1.0);
    }
    let alpha = 1.0 - confidence;
    // P(X <= differing) falls as p grows: bisect for where it is alpha.
    let (mut lo, mut hi) = (differing as f64 / checked as f64, 1.0f64);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if binomial_cdf(differing, checked, mid) > alpha {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(hi)
}

/// P(X <= k) for X ~ Binomial(n, p), summed in log space (n may be millions).
fn binomial_cdf(k: u64, n: u64, p: f64) -> f64 {
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return if k >= n { 1.0 } else { 0.0 };
    }
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    // log pmf(0) = n ln(1-p); pmf(i+1) = pmf(i) (n-i)/(i+1) p/(1-p).
    let mut log_pmf = n as f64 * lq;
    let mut log_sum = log_pmf;
    for i in 0..k.min(n) {
        log_pmf += ((n - i) as f64).ln() - ((i + 1) as f64).ln() + lp - lq;
        let (a, b) = if log_sum > log_pmf {
            (log_sum, log_pmf)
        } else {
            (log_pmf, log_sum)
        };
        log_sum = a + (b - a).exp().ln_1p();
    }
    log_sum.exp().min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_found_is_the_rule_of_three() {
        let b = upper_bound(0, 1000, 0.95).unwrap();
        // 1 - 0.05^(1/1000) = 0.002991…
        assert!((b - 0.002_991).abs() < 1e-5, "{b}");
        assert!((b * 1000.0 - 3.0).abs() < 0.01);
    }

    #[test]
    fn matches_published_clopper_pearson_bounds() {
        // One-sided 95% upper limits (beta quantile 0.95 of Beta(k+1, n-k)):
        // k=1, n=10: 0.3942; k=5, n=100: 0.1023.
        let b = upper_bound(1, 10, 0.95).unwrap();
        assert!((b - 0.3942).abs() < 1e-3, "{b}");
        let b = upper_bound(5, 100, 0.95).unwrap();
        assert!((b - 0.1023).abs() < 1e-3, "{b}");
        assert_eq!(upper_bound(0, 0, 0.95), None);
        assert_eq!(upper_bound(3, 3, 0.95), Some(1.0));
    }
}
