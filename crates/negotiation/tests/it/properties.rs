//! Invariants of the frontier algorithms on small random domains.

use demarche_negotiation::pareto::{dominates, pareto_frontier, FrontierOptions};
use demarche_negotiation::{AdditiveUtility, Issue, IssueUtility, OutcomeSpace, Profile, Utility, Value};
use proptest::prelude::*;

/// A random additive domain: `parties` profiles over issues with the given value counts.
/// `coarse` draws utilities from {0, 1/4, ..., 1} and weights from {1/16, ..., 15/16} summing
/// to 1, so every sum is exact in binary and exact ties (equal utility vectors) are common.
fn build(cards: &[usize], parties: usize, raw: &[f64], coarse: bool) -> (OutcomeSpace, Vec<Profile>) {
    let issues: Vec<Issue> = cards
        .iter()
        .enumerate()
        .map(|(i, &c)| Issue::categorical(format!("i{i}"), (0..c).map(|v| format!("v{v}")).collect()).unwrap())
        .collect();
    let space = OutcomeSpace::new("random", issues).unwrap();
    let mut it = raw.iter().copied().cycle();
    let mut next = move || it.next().unwrap_or(0.5);
    let profiles = (0..parties)
        .map(|p| {
            let w: Vec<f64> = if coarse {
                // Sixteenths: one each, the rest handed out by the random stream.
                let mut units = vec![1u32; cards.len()];
                for _ in cards.len()..16 {
                    let k = ((next() * cards.len() as f64) as usize).min(cards.len() - 1);
                    units[k] += 1;
                }
                units.iter().map(|&u| u as f64 / 16.0).collect()
            } else {
                let raw: Vec<f64> = cards.iter().map(|_| next() + 0.05).collect();
                let s: f64 = raw.iter().sum();
                raw.iter().map(|x| x / s).collect()
            };
            let evals = cards
                .iter()
                .map(|&c| {
                    IssueUtility::Table(
                        (0..c).map(|_| if coarse { (next() * 5.0).floor() / 4.0 } else { next() }).collect(),
                    )
                })
                .collect();
            Profile::new(format!("p{p}"), Utility::Additive(AdditiveUtility::new(&space, w, evals).unwrap()))
        })
        .collect();
    (space, profiles)
}

fn check(cards: Vec<usize>, parties: usize, raw: Vec<f64>, coarse: bool) -> Result<(), TestCaseError> {
    let (space, profiles) = build(&cards, parties, &raw, coarse);
    let merged = pareto_frontier(&space, &profiles, &FrontierOptions::default()).unwrap();
    let brute =
        pareto_frontier(&space, &profiles, &FrontierOptions { force_enumeration: true, ..FrontierOptions::default() })
            .unwrap();
    // Same utility vectors, bit for bit.
    let mu: Vec<&Vec<f64>> = merged.points.iter().map(|p| &p.utilities).collect();
    let bu: Vec<&Vec<f64>> = brute.points.iter().map(|p| &p.utilities).collect();
    prop_assert_eq!(mu, bu);
    // The same number of outcomes behind each point when sums are exact; with rounding, two
    // outcomes that differ in exact arithmetic can land on the same float vector, and the merge
    // (which prunes the dominated one early) may count fewer of them — never more.
    for (m, b) in merged.points.iter().zip(&brute.points) {
        if coarse {
            prop_assert_eq!(m.multiplicity, b.multiplicity, "{:?}", m.utilities);
        } else {
            prop_assert!(m.multiplicity <= b.multiplicity && m.multiplicity >= 1);
        }
    }
    prop_assert_eq!(&merged.worst, &brute.worst);
    // Representatives achieve their utilities.
    for p in merged.points.iter().chain(&brute.points) {
        let u: Vec<f64> = profiles.iter().map(|pr| pr.utility(&p.outcome)).collect();
        prop_assert_eq!(&u, &p.utilities);
    }
    // Mutually non-dominated.
    for a in &merged.points {
        for b in &merged.points {
            prop_assert!(!dominates(&a.utilities, &b.utilities));
        }
    }
    // Every outcome is dominated by or equal to a frontier point.
    for idx in space.iter_outcomes() {
        let o: Vec<Value> = idx.iter().map(|&k| Value::Index(k)).collect();
        let u: Vec<f64> = profiles.iter().map(|p| p.utility(&o)).collect();
        prop_assert!(
            merged.points.iter().any(|p| p.utilities == u || dominates(&p.utilities, &u)),
            "outcome {:?} with {:?} is not covered",
            idx,
            u
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn two_party_merge_equals_enumeration(
        cards in prop::collection::vec(1usize..6, 1..6),
        raw in prop::collection::vec(0.0f64..1.0, 8..64),
        coarse in any::<bool>(),
    ) {
        check(cards, 2, raw, coarse)?;
    }

    #[test]
    fn n_party_merge_equals_enumeration(
        cards in prop::collection::vec(1usize..5, 1..5),
        parties in 1usize..5,
        raw in prop::collection::vec(0.0f64..1.0, 8..64),
        coarse in any::<bool>(),
    ) {
        check(cards, parties, raw, coarse)?;
    }
}

/// Two additive parties over categorical and integer issues, with reservation values that
/// an outcome reaches exactly (`tie`) or anywhere on the scale.
fn zone_case(cards: &[usize], raw: &[f64], coarse: bool, tie: bool) -> (OutcomeSpace, Vec<Profile>) {
    let issues: Vec<Issue> = cards
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if i % 2 == 1 {
                Issue::integer(format!("n{i}"), 3, 3 + c as i64 - 1).unwrap()
            } else {
                Issue::categorical(format!("i{i}"), (0..c).map(|v| format!("v{v}")).collect()).unwrap()
            }
        })
        .collect();
    let space = OutcomeSpace::new("zone", issues).unwrap();
    let mut it = raw.iter().copied().cycle();
    let mut next = move || it.next().unwrap_or(0.5);
    let level = |next: &mut dyn FnMut() -> f64| if coarse { (next() * 5.0).floor() / 4.0 } else { next() };
    let mut profiles: Vec<Profile> = (0..2)
        .map(|p| {
            let raw: Vec<f64> = cards.iter().map(|_| if coarse { 1.0 } else { next() + 0.05 }).collect();
            let total: f64 = raw.iter().sum();
            let w: Vec<f64> = raw.iter().map(|x| x / total).collect();
            let evals = cards
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    if i % 2 == 1 {
                        let hi = 3.0 + c as f64 - 1.0;
                        IssueUtility::Linear(vec![(3.0, level(&mut next)), (hi, level(&mut next))])
                    } else {
                        IssueUtility::Table((0..c).map(|_| level(&mut next)).collect())
                    }
                })
                .collect();
            Profile::new(format!("p{p}"), Utility::Additive(AdditiveUtility::new(&space, w, evals).unwrap()))
        })
        .collect();
    for p in &mut profiles {
        let size = space.size().unwrap();
        let r = if tie {
            let o = space.outcome_at(((next() * size as f64) as u128).min(size - 1)).unwrap();
            p.utility(&o)
        } else {
            next()
        };
        *p = p.clone().with_reservation(r).unwrap();
    }
    (space, profiles)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The zone of agreement counted without enumeration equals the enumerated count, to the
    /// outcome, including reservation values that outcomes reach exactly.
    #[test]
    fn zone_count_equals_enumeration(
        cards in prop::collection::vec(1usize..7, 1..7),
        raw in prop::collection::vec(0.0f64..1.0, 8..64),
        coarse in any::<bool>(),
        tie in any::<bool>(),
    ) {
        let (space, profiles) = zone_case(&cards, &raw, coarse, tie);
        let frontier = pareto_frontier(&space, &profiles, &FrontierOptions::default()).unwrap();
        let counted = demarche_negotiation::solutions::zopa(&space, &profiles, &frontier, 0).unwrap();
        let enumerated = demarche_negotiation::solutions::acceptable_outcomes(&space, &profiles).count() as u128;
        prop_assert_eq!(counted.size, Some(enumerated));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A space with continuous issues has no count; its zone is counted on the grid the
    /// frontier samples it on, equal to checking every grid point.
    #[test]
    fn the_sampled_zone_of_a_continuous_space_equals_checking_every_grid_point(
        raw in prop::collection::vec(0.0f64..1.0, 8..32),
        samples in 2u32..9,
    ) {
        let issues = vec![
            Issue::continuous("x", 0.0, 10.0).unwrap(),
            Issue::categorical("c", vec!["a".into(), "b".into(), "c".into()]).unwrap(),
            Issue::continuous("y", -1.0, 1.0).unwrap(),
        ];
        let space = OutcomeSpace::new("mixed", issues).unwrap();
        let mut it = raw.iter().copied().cycle();
        let mut next = move || it.next().unwrap_or(0.5);
        let profiles: Vec<Profile> = (0..2)
            .map(|p| {
                let evals = vec![
                    IssueUtility::Linear(vec![(0.0, next()), (10.0, next())]),
                    IssueUtility::Table(vec![next(), next(), next()]),
                    IssueUtility::Linear(vec![(-1.0, next()), (1.0, next())]),
                ];
                let u = AdditiveUtility::new(&space, vec![0.5, 0.25, 0.25], evals).unwrap();
                Profile::new(format!("p{p}"), Utility::Additive(u)).with_reservation(0.2 + 0.4 * next()).unwrap()
            })
            .collect();
        let options = FrontierOptions { continuous_samples: samples, ..FrontierOptions::default() };
        let frontier = pareto_frontier(&space, &profiles, &options).unwrap();
        let z = demarche_negotiation::solutions::zopa_sampled(&space, &profiles, &frontier, 0, samples).unwrap();
        let grid = |lo: f64, hi: f64| -> Vec<Value> {
            (0..samples).map(|k| Value::Real(lo + (hi - lo) * k as f64 / (samples - 1) as f64)).collect()
        };
        let mut brute = 0u128;
        for x in grid(0.0, 10.0) {
            for c in 0..3 {
                for y in grid(-1.0, 1.0) {
                    let o = [x, Value::Index(c), y];
                    brute += u128::from(profiles.iter().all(|p| p.accepts(&o)));
                }
            }
        }
        let sampled = z.sampled.expect("a continuous space is counted on its grid");
        prop_assert_eq!(z.size, None);
        prop_assert_eq!((sampled.acceptable, sampled.of), (brute, 3 * u128::from(samples) * u128::from(samples)));
    }
}
