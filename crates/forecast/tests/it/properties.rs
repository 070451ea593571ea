//! Invariants of the closed-form engines (proptest).

use super::common;

use common::one_issue;
use demarche_forecast::compromise::weighted_mean;
use demarche_forecast::{run, Compromise, Engine, Nash, PerIssue, Request};
use demarche_scenario::settings::nash::{Disagreement, NashSettings};
use proptest::prelude::*;

fn actors() -> impl Strategy<Value = Vec<(f64, f64, f64)>> {
    prop::collection::vec((0.01f64..100.0, 0.0f64..100.0, 0.0f64..=1.0), 1..40)
}

fn engines() -> Vec<Box<dyn Engine>> {
    vec![
        Box::new(PerIssue(Compromise)),
        Box::new(PerIssue(Nash { settings: NashSettings { disagreement: Disagreement::StatusQuo } })),
        Box::new(PerIssue(Nash { settings: NashSettings { disagreement: Disagreement::Worst } })),
    ]
}

fn outcome(e: &dyn Engine, sc: &demarche_scenario::Scenario) -> f64 {
    run(e, sc, &Request::default()).unwrap().issues[0].outcome
}

proptest! {
    #[test]
    fn forecasts_lie_within_the_hull_of_positions(a in actors(), sq in 0.0f64..100.0) {
        let sc = one_issue(0.0, 100.0, Some(sq), &a);
        let lo = a.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
        let hi = a.iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
        for e in engines() {
            let x = outcome(e.as_ref(), &sc);
            prop_assert!(x >= lo - 1e-9 && x <= hi + 1e-9, "{} gave {x} outside [{lo}, {hi}]", e.name());
        }
    }

    #[test]
    fn forecasts_do_not_depend_on_actor_order(a in actors(), sq in 0.0f64..100.0, seed in any::<u64>()) {
        let mut b = a.clone();
        // A seeded Fisher–Yates shuffle keeps the case reproducible.
        let mut s = seed;
        for i in (1..b.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            b.swap(i, (s >> 33) as usize % (i + 1));
        }
        let (sa, sb) = (one_issue(0.0, 100.0, Some(sq), &a), one_issue(0.0, 100.0, Some(sq), &b));
        for e in engines() {
            let (x, y) = (outcome(e.as_ref(), &sa), outcome(e.as_ref(), &sb));
            prop_assert!((x - y).abs() <= 1e-9 * 100.0, "{}: {x} vs {y}", e.name());
        }
    }

    #[test]
    fn forecasts_move_with_an_affine_rescaling_of_the_scale(
        a in actors(), sq in 0.0f64..100.0, k in 0.01f64..50.0, shift in -1000.0f64..1000.0,
    ) {
        let sc = one_issue(0.0, 100.0, Some(sq), &a);
        let scaled: Vec<_> = a.iter().map(|&(c, p, s)| (c, p * k + shift, s)).collect();
        let sc2 = one_issue(shift, 100.0 * k + shift, Some(sq * k + shift), &scaled);
        for e in engines() {
            let (x, y) = (outcome(e.as_ref(), &sc), outcome(e.as_ref(), &sc2));
            prop_assert!((x * k + shift - y).abs() <= 1e-7 * (100.0 * k).max(1.0), "{}: {x}→{y} (k={k}, shift={shift})", e.name());
        }
    }

    #[test]
    fn compromise_equals_the_closed_form(a in actors()) {
        let sc = one_issue(0.0, 100.0, None, &a);
        let num: f64 = a.iter().map(|&(c, p, s)| c * s * p).sum();
        let den: f64 = a.iter().map(|&(c, _, s)| c * s).sum();
        prop_assume!(den > 1e-9);
        let x = outcome(&PerIssue(Compromise), &sc);
        prop_assert!((x - num / den).abs() <= 1e-9 * 100.0);
        let w: Vec<f64> = a.iter().map(|&(c, _, s)| c * s).collect();
        let p: Vec<f64> = a.iter().map(|x| x.1).collect();
        prop_assert_eq!(weighted_mean(&p, &w), Some(x));
    }

    #[test]
    fn nash_maximises_the_weighted_log_product(
        a in prop::collection::vec((0.01f64..100.0, 0.0f64..90.0, 0.0f64..=1.0), 1..40), sq in 90.5f64..100.0,
    ) {
        // No point of a fine grid over the feasible set does better than the solution.
        let p: Vec<f64> = a.iter().map(|x| x.1).collect();
        let w: Vec<f64> = a.iter().map(|&(c, _, s)| c * s).collect();
        let r: Vec<f64> = p.iter().map(|x| (sq - x).abs()).collect();
        let sol = demarche_forecast::nash::solve(&p, &w, &r, 0.0, 100.0, sq);
        prop_assume!(sol.interior);
        let f = |x: f64| -> f64 {
            p.iter().zip(&w).zip(&r)
                .map(|((p, w), r)| if *w > 0.0 { w * (r - (x - p).abs()).ln() } else { 0.0 }).sum()
        };
        let (lo, hi) = sol.feasible;
        for i in 1..200 {
            let x = lo + (hi - lo) * i as f64 / 200.0;
            let v = f(x);
            if v.is_finite() {
                prop_assert!(v <= sol.log_product + 1e-7 * sol.log_product.abs().max(1.0), "x={x}: {v} > {}", sol.log_product);
            }
        }
    }
}
