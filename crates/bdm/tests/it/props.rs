//! Invariants of the numeric core, and agreement with the naive O(n³)
//! transcription of the formulas under every combination of options.
#![allow(clippy::field_reassign_with_default)]

use super::common;

use common::naive::naive_run;
use demarche_bdm::model::{code, kind_of_code};
use demarche_bdm::{run, BdmSettings, Inputs, Model, Record};
use demarche_scenario::settings::bdm::*;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Clone, Debug)]
struct Case {
    c: Vec<f64>,
    x: Vec<f64>,
    s: Vec<f64>,
}

impl Case {
    fn scale(&self) -> f64 {
        let lo = self.x.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = self.x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if hi > lo {
            hi - lo
        } else {
            1.0
        }
    }
    fn inputs(&self) -> Inputs<'_> {
        Inputs { capability: &self.c, position: &self.x, salience: &self.s, scale: self.scale() }
    }
}

/// Positions either continuous or on a coarse grid (so that actors share them).
fn case(max_n: usize) -> impl Strategy<Value = Case> {
    cases(max_n, true)
}

fn cases(max_n: usize, allow_grid: bool) -> impl Strategy<Value = Case> {
    (2..=max_n, any::<bool>()).prop_flat_map(move |(n, grid)| {
        let grid = grid && allow_grid;
        let pos = if grid { (0u8..6).prop_map(|k| f64::from(k) * 2.0).boxed() } else { (0.0..10.0f64).boxed() };
        (prop::collection::vec(0.01..1.0f64, n), prop::collection::vec(pos, n), prop::collection::vec(0.0..=1.0f64, n))
            .prop_map(|(c, x, s)| Case { c, x, s })
    })
}

fn settings() -> impl Strategy<Value = BdmSettings> {
    (
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        (prop_oneof![Just(1.0), 0.0..1.0f64], 0.0..=1.0f64),
        (any::<bool>(), any::<bool>(), 0usize..4),
    )
        .prop_map(|((num, den, vote, refp), (q, t), (risk, cap, sel))| {
            let mut s = BdmSettings::default();
            s.probability_numerator = if num { Numerator::PositiveVotes } else { Numerator::NetVotes };
            s.probability_denominator = if den { Denominator::AllVotes } else { Denominator::Dyad };
            s.vote_risk = if vote { VoteRisk::Voter } else { VoteRisk::Neutral };
            s.reference_point = if refp { ReferencePoint::Median } else { ReferencePoint::Mean };
            s.q = q;
            s.t = t;
            s.risk = if risk { RiskModel::Security } else { RiskModel::Neutral };
            s.capitulation = if cap { Capitulation::Never } else { Capitulation::LossExceedsGain };
            s.offer_selection = [
                OfferSelection::Replication,
                OfferSelection::PriorityNearest,
                OfferSelection::Nearest,
                OfferSelection::Strongest,
            ][sel];
            s.convergence = Convergence::None;
            s
        })
}

/// The largest difference between the fast core and the naive transcription
/// over `rounds` rounds (positions, risk exponents, EUs, relative to their
/// size), or an error naming the first discrete disagreement.
fn compare_with_naive(case: &Case, set: &BdmSettings, rounds: u32) -> Result<f64, String> {
    let n = case.x.len();
    let naive = naive_run(&case.c, &case.x, &case.s, case.scale(), set, rounds);
    let mut model = Model::new(case.inputs(), set).map_err(|e| e.to_string())?;
    let mut worst = 0.0f64;
    let rel = |a: f64, b: f64| (a - b).abs() / b.abs().max(1.0);
    for (t, nr) in naive.iter().enumerate() {
        let mut dyads = vec![None; n * n];
        let report = model.step(|d| dyads[d.actor * n + d.other] = Some((d.kind, d.actor_eu, d.other_eu)));
        for i in 0..n {
            worst = worst.max(rel(report.risk[i], nr.risk[i]));
            match (report.moves[i], nr.moves[i]) {
                (None, None) => {}
                (Some(a), Some(b)) => {
                    if a.kind != b.1 || a.other != b.0 {
                        return Err(format!("round {}: actor {i} accepts {a:?}, naive {b:?}", t + 1));
                    }
                    worst = worst.max(rel(a.own_eu, b.2)).max(rel(a.other_eu, b.3)).max(rel(a.new_position, b.4));
                }
                (a, b) => return Err(format!("round {}: actor {i} accepts {a:?}, naive {b:?}", t + 1)),
            }
            for j in 0..n {
                match (dyads[i * n + j], nr.dyads[i * n + j]) {
                    (None, None) => {}
                    (Some(a), Some(b)) if a.0 == b.0 => worst = worst.max(rel(a.1, b.1)).max(rel(a.2, b.2)),
                    (a, b) => return Err(format!("round {}: dyad {i}->{j} {a:?}, naive {b:?}", t + 1)),
                }
            }
        }
        for (a, b) in model.positions().iter().zip(&nr.positions) {
            worst = worst.max(rel(*a, *b));
        }
    }
    Ok(worst)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn fast_core_matches_the_naive_formulas(case in case(9), set in settings()) {
        match compare_with_naive(&case, &set, 3) {
            Ok(worst) => prop_assert!(worst <= 1e-10, "deviation {worst}"),
            Err(e) => prop_assert!(false, "{e}"),
        }
    }

    #[test]
    fn positions_stay_within_the_input_range(case in case(40), set in settings()) {
        let out = run(case.inputs(), &set, 8, Record { kinds: true }).unwrap();
        let lo = case.x.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = case.x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let eps = 1e-12 * (hi - lo).max(1.0);
        for (t, xs) in out.positions.iter().enumerate() {
            for &x in xs {
                prop_assert!(x.is_finite() && x >= lo - eps && x <= hi + eps, "round {t}: {x} outside [{lo}, {hi}]");
            }
            prop_assert!(out.outcome[t] >= lo - eps && out.outcome[t] <= hi + eps);
        }
        for r in &out.rounds {
            for &ri in &r.risk {
                prop_assert!((0.5 - 1e-12..=2.0 + 1e-12).contains(&ri), "risk exponent {ri}");
            }
        }
        // The kind matrix marks exactly the dyads of actors at different positions.
        let n = case.x.len();
        for (t, kinds) in out.kinds.iter().enumerate() {
            let xs = &out.positions[t];
            for i in 0..n {
                for j in 0..n {
                    let k = kinds[i * n + j];
                    prop_assert_eq!(k == code::NONE, xs[i] == xs[j]);
                    prop_assert!(k == code::NONE || kind_of_code(k).is_some());
                }
            }
        }
    }

    /// Offers tied exactly (two challengers at the same distance on either
    /// side) go to the first actor in input order, as in the replication; so
    /// this holds for positions without such ties (continuous ones).
    #[test]
    fn permuting_actors_permutes_the_results(case in cases(20, false), set in settings(), seed in any::<u64>()) {
        let n = case.x.len();
        let mut perm: Vec<usize> = (0..n).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for i in (1..n).rev() {
            perm.swap(i, rng.random_range(0..=i));
        }
        let p = Case {
            c: perm.iter().map(|&i| case.c[i]).collect(),
            x: perm.iter().map(|&i| case.x[i]).collect(),
            s: perm.iter().map(|&i| case.s[i]).collect(),
        };
        let a = run(case.inputs(), &set, 5, Record::default()).unwrap();
        let b = run(p.inputs(), &set, 5, Record::default()).unwrap();
        prop_assert_eq!(a.positions.len(), b.positions.len());
        let tol = 1e-9 * case.scale();
        for (xa, xb) in a.positions.iter().zip(&b.positions) {
            for (k, &i) in perm.iter().enumerate() {
                prop_assert!((xb[k] - xa[i]).abs() <= tol, "actor {i}: {} vs {}", xa[i], xb[k]);
            }
        }
    }

    #[test]
    fn runs_are_deterministic(case in case(30), set in settings()) {
        let a = run(case.inputs(), &set, 6, Record { kinds: true }).unwrap();
        let b = run(case.inputs(), &set, 6, Record { kinds: true }).unwrap();
        prop_assert_eq!(a, b);
    }
}

/// Seeded cases at the sizes the tables are meant for; the deviation from the
/// naive sums is reported (run with --nocapture) and bounded.
#[test]
fn deviation_from_naive_on_seeded_cases() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut worst = 0.0f64;
    for _ in 0..40 {
        let n = rng.random_range(2..=24);
        let case = Case {
            c: (0..n).map(|_| rng.random_range(0.01..1.0)).collect(),
            x: (0..n).map(|_| rng.random_range(0.0..100.0)).collect(),
            s: (0..n).map(|_| rng.random_range(0.0..1.0)).collect(),
        };
        for preset in [Preset::ScholzReplication, Preset::ScholzDescribed] {
            let set = BdmSettings::preset(preset);
            worst = worst.max(compare_with_naive(&case, &set, 4).unwrap());
        }
    }
    eprintln!("largest relative deviation from the naive formulas: {worst:e}");
    assert!(worst <= 1e-12, "{worst}");
}
