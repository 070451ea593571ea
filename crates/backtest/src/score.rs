//! The scores a backtest reports (docs/validity.md): absolute error as a
//! share of the scale, Brier score and log loss of a probability, and for a
//! ranking the AUC (per case, and stratified by case when pooling) and the
//! hits among its top k.

/// Probabilities are held this far from 0 and 1 in the log loss, so one
/// confident miss costs ln(1000) ≈ 6.9 rather than infinity.
pub const LOG_LOSS_FLOOR: f64 = 1e-3;

/// `|forecast − realised| / |max − min|`: the error as a share of the scale.
pub fn scaled_error(forecast: f64, realised: f64, min: f64, max: f64) -> f64 {
    let width = (max - min).abs();
    if width > 0.0 {
        (forecast - realised).abs() / width
    } else {
        0.0
    }
}

/// The Brier score of probability `p` for an event that did (`true`) or did not happen.
pub fn brier(p: f64, happened: bool) -> f64 {
    let o = if happened { 1.0 } else { 0.0 };
    (p - o).powi(2)
}

/// The log loss `−ln p` (or `−ln(1 − p)`), with `p` held in [floor, 1 − floor].
pub fn log_loss(p: f64, happened: bool) -> f64 {
    let p = p.clamp(LOG_LOSS_FLOOR, 1.0 - LOG_LOSS_FLOOR);
    -(if happened { p } else { 1.0 - p }).ln()
}

/// Concordant pairs of a ranking: for every (observed, unobserved) pair, 1 if
/// the observed one scores higher, ½ on a tie. Returns (concordant, pairs).
pub fn concordance(scores: &[f64], observed: &[bool]) -> (f64, u64) {
    let mut pos: Vec<f64> = Vec::new();
    let mut neg: Vec<f64> = Vec::new();
    for (&s, &o) in scores.iter().zip(observed) {
        if o {
            pos.push(s);
        } else {
            neg.push(s);
        }
    }
    // Sort the negatives once; each positive counts those below it and ties by
    // binary search: O((p + n) log n).
    neg.sort_by(f64::total_cmp);
    let mut concordant = 0.0;
    for p in &pos {
        let below = neg.partition_point(|x| x.total_cmp(p).is_lt());
        let tied = neg.partition_point(|x| x.total_cmp(p).is_le()) - below;
        concordant += below as f64 + 0.5 * tied as f64;
    }
    (concordant, pos.len() as u64 * neg.len() as u64)
}

/// The area under the ROC curve (the Mann–Whitney statistic, ties counted ½):
/// the probability that a random observed dyad scores above a random
/// unobserved one. `None` when either class is empty.
pub fn auc(scores: &[f64], observed: &[bool]) -> Option<f64> {
    let (c, pairs) = concordance(scores, observed);
    (pairs > 0).then(|| c / pairs as f64)
}

/// AUC stratified by case: pairs are formed only within a case, so scores
/// need not be comparable across cases. Equal to the pair-weighted mean of
/// the cases' AUCs.
pub fn stratified_auc<'a>(cases: impl IntoIterator<Item = (&'a [f64], &'a [bool])>) -> Option<f64> {
    let (mut c, mut pairs) = (0.0, 0u64);
    for (s, o) in cases {
        let (ci, pi) = concordance(s, o);
        c += ci;
        pairs += pi;
    }
    (pairs > 0).then(|| c / pairs as f64)
}

/// Expected number of observed items among the top `k` by score, with ties
/// at the cut shared out evenly (what a random tie-break gives on average),
/// so a ranking that ties everything gets the chance rate, not a lucky order.
pub fn top_k_hits(scores: &[f64], observed: &[bool], k: usize) -> f64 {
    let mut idx: Vec<usize> = (0..scores.len().min(observed.len())).collect();
    idx.sort_by(|&x, &y| scores[y].total_cmp(&scores[x]));
    let k = k.min(idx.len());
    if k == 0 {
        return 0.0;
    }
    let cut = scores[idx[k - 1]];
    let mut hits = 0.0;
    let (mut tied, mut tied_hits, mut above) = (0usize, 0usize, 0usize);
    for &i in &idx {
        if scores[i].total_cmp(&cut).is_gt() {
            above += 1;
            hits += f64::from(u8::from(observed[i]));
        } else if scores[i].total_cmp(&cut).is_eq() {
            tied += 1;
            tied_hits += usize::from(observed[i]);
        }
    }
    let slots = k - above;
    hits + tied_hits as f64 * slots as f64 / tied as f64
}

/// Points of the ROC curve (false-positive rate, true-positive rate), from
/// (0, 0) to (1, 1), one step per distinct score. Empty when a class is empty.
pub fn roc(scores: &[f64], observed: &[bool]) -> Vec<[f64; 2]> {
    let p = observed.iter().filter(|&&o| o).count();
    let n = observed.len() - p;
    if p == 0 || n == 0 {
        return Vec::new();
    }
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&x, &y| scores[y].total_cmp(&scores[x]));
    let mut out = vec![[0.0, 0.0]];
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut k = 0;
    while k < idx.len() {
        let s = scores[idx[k]];
        while k < idx.len() && scores[idx[k]].total_cmp(&s).is_eq() {
            if observed[idx[k]] {
                tp += 1;
            } else {
                fp += 1;
            }
            k += 1;
        }
        out.push([fp as f64 / n as f64, tp as f64 / p as f64]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn auc_by_hand() {
        // Observed scores 0.9 and 0.4; unobserved 0.8, 0.4, 0.1.
        // Pairs: 0.9 beats all three (3); 0.4 beats 0.1 (1), ties 0.4 (½), loses to 0.8 (0).
        // AUC = 4.5 / 6 = 0.75.
        let s = [0.9, 0.8, 0.4, 0.4, 0.1];
        let o = [true, false, true, false, false];
        assert_eq!(auc(&s, &o), Some(0.75));
        assert_eq!(auc(&s, &[false; 5]), None);
    }

    #[test]
    fn stratified_auc_pools_pairs_within_cases() {
        // Case 1: perfect (1 pair, concordant); case 2: inverted (2 pairs, none concordant).
        let (s1, o1) = ([0.9, 0.1], [true, false]);
        let (s2, o2) = ([0.1, 0.5, 0.9], [true, false, false]);
        let a = stratified_auc([(&s1[..], &o1[..]), (&s2[..], &o2[..])]).unwrap();
        assert!((a - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn brier_and_log_loss_by_hand() {
        assert!((brier(0.3, false) - 0.09).abs() < 1e-12);
        assert!((brier(0.3, true) - 0.49).abs() < 1e-12);
        assert!((log_loss(0.5, true) - std::f64::consts::LN_2).abs() < 1e-12);
        assert!((log_loss(0.0, true) - 1000f64.ln()).abs() < 1e-9);
    }

    #[test]
    fn scaled_error_by_hand() {
        // Forecast 60 on a 0–90 scale, realised 3.67: error 56.33 / 90.
        assert!((scaled_error(60.0, 3.67, 0.0, 90.0) - 56.33 / 90.0).abs() < 1e-12);
    }

    #[test]
    fn top_k_shares_ties_at_the_cut() {
        // Top 2 of: 1.0 (hit), then three tied at 0.5 of which one is a hit.
        let s = [1.0, 0.5, 0.5, 0.5];
        let o = [true, false, true, false];
        assert!((top_k_hits(&s, &o, 2) - (1.0 + 1.0 / 3.0)).abs() < 1e-12);
        assert_eq!(top_k_hits(&s, &o, 10), 2.0);
    }

    #[test]
    fn roc_runs_corner_to_corner() {
        let r = roc(&[0.9, 0.8, 0.4, 0.4, 0.1], &[true, false, true, false, false]);
        assert_eq!(r.first(), Some(&[0.0, 0.0]));
        assert_eq!(r.last(), Some(&[1.0, 1.0]));
    }

    proptest! {
        // Reversing a ranking turns AUC a into 1 − a; a constant ranking is ½.
        #[test]
        fn auc_reverses_and_is_half_when_flat(
            v in proptest::collection::vec((0.0f64..1.0, any::<bool>()), 2..40)
        ) {
            let s: Vec<f64> = v.iter().map(|x| x.0).collect();
            let o: Vec<bool> = v.iter().map(|x| x.1).collect();
            let neg: Vec<f64> = s.iter().map(|x| -x).collect();
            if let (Some(a), Some(b)) = (auc(&s, &o), auc(&neg, &o)) {
                prop_assert!((a + b - 1.0).abs() < 1e-9);
                prop_assert!((0.0..=1.0).contains(&a));
                prop_assert_eq!(auc(&vec![0.3; s.len()], &o), Some(0.5));
            }
        }

        // The expected top-k hits lie between 0 and min(k, hits), and all k gives every hit.
        #[test]
        fn top_k_is_bounded(v in proptest::collection::vec((0u8..4, any::<bool>()), 1..30), k in 0usize..40) {
            let s: Vec<f64> = v.iter().map(|x| f64::from(x.0)).collect();
            let o: Vec<bool> = v.iter().map(|x| x.1).collect();
            let total = o.iter().filter(|&&x| x).count() as f64;
            let h = top_k_hits(&s, &o, k);
            prop_assert!(h >= -1e-12 && h <= total.min(k as f64) + 1e-9);
            prop_assert!((top_k_hits(&s, &o, s.len()) - total).abs() < 1e-9);
        }
    }
}
