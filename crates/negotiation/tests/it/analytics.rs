//! Bargaining solutions, the ZOPA and continuous issues, checked against brute force.

use std::path::Path;

use demarche_negotiation::io::genius;
use demarche_negotiation::pareto::{pareto_frontier, FrontierOptions};
use demarche_negotiation::report::FrontierReport;
use demarche_negotiation::solutions::{acceptable_outcomes, solutions, zopa, Disagreement};
use demarche_negotiation::{
    generate, load_domain_with_profiles, AdditiveUtility, Discount, Issue, IssueUtility, OutcomeSpace, Profile,
    Utility, Value,
};

/// All outcomes with their utility vectors.
fn brute(space: &OutcomeSpace, profiles: &[Profile]) -> Vec<(Vec<Value>, Vec<f64>)> {
    space
        .iter_outcomes()
        .map(|idx| {
            let o: Vec<Value> = idx.iter().map(|&k| Value::Index(k)).collect();
            let u = profiles.iter().map(|p| p.utility(&o)).collect();
            (o, u)
        })
        .collect()
}

#[test]
fn solutions_match_brute_force_definitions_with_reservations() {
    for seed in 0..20u64 {
        let (space, mut profiles) = generate::random_additive(4, 5, 2 + (seed % 2) as usize, seed).expect("domain");
        for (k, p) in profiles.iter_mut().enumerate() {
            p.reservation = 0.2 + 0.1 * ((seed as usize + k) % 3) as f64;
        }
        let all = brute(&space, &profiles);
        let r: Vec<f64> = profiles.iter().map(|p| p.reservation).collect();
        let f = pareto_frontier(&space, &profiles, &FrontierOptions::default()).expect("frontier");
        let sol = solutions(&f, &r, Disagreement::Reservation);
        let ok = |u: &[f64]| u.iter().zip(&r).all(|(x, r)| x >= r);
        let acceptable: Vec<&Vec<f64>> = all.iter().map(|(_, u)| u).filter(|u| ok(u)).collect();
        let best =
            |score: &dyn Fn(&[f64]) -> f64| acceptable.iter().map(|u| score(u)).fold(f64::NEG_INFINITY, f64::max);
        let nash_score = |u: &[f64]| u.iter().zip(&r).map(|(x, d)| x - d).product::<f64>();
        let egal_score = |u: &[f64]| u.iter().zip(&r).map(|(x, d)| x - d).fold(f64::INFINITY, f64::min);
        let welfare = |u: &[f64]| u.iter().sum::<f64>();
        match sol.nash {
            Some(k) => {
                let u = &f.points[k].utilities;
                assert!(ok(u));
                assert_eq!(nash_score(u), best(&nash_score), "seed {seed}: nash over all acceptable outcomes");
                assert_eq!(egal_score(&f.points[sol.egalitarian.expect("egal")].utilities), best(&egal_score));
                assert_eq!(welfare(&f.points[sol.max_welfare.expect("mw")].utilities), best(&welfare));
                assert!(sol.kalai_smorodinsky.is_some());
            }
            None => {
                assert!(acceptable.is_empty(), "seed {seed}: no solution but {} acceptable", acceptable.len());
                assert!(sol.kalai_smorodinsky.is_none() && sol.egalitarian.is_none() && sol.max_welfare.is_none());
            }
        }
        let z = zopa(&space, &profiles, &f, u128::MAX).expect("zopa");
        assert_eq!(z.size, Some(acceptable.len() as u128), "seed {seed}: zopa size");
        assert_eq!(acceptable_outcomes(&space, &profiles).count(), acceptable.len());
        assert_eq!(z.frontier_points, f.points.iter().filter(|p| ok(&p.utilities)).count());
    }
}

#[test]
fn red_lines_that_never_meet_give_no_solution() {
    let (space, mut profiles) = generate::random_additive(3, 4, 2, 7).expect("domain");
    profiles[0].reservation = 0.99;
    profiles[1].reservation = 0.99;
    let report = FrontierReport::compute(&space, &profiles, &FrontierOptions::default(), Disagreement::default())
        .expect("report");
    assert!(report.nash.is_none() && report.kalai_smorodinsky.is_none());
    assert_eq!(report.zopa.size, Some(0));
    assert!(report.to_table().contains("no agreement meets every reservation value"));
}

#[test]
fn textbook_disagreement_changes_the_party_domain_nash_point() {
    require_shared!();
    // With d = reservation = 0 the Nash product favours the max-welfare point; the reference
    // convention (d = worst outcome) picks another point (see docs/models.md).
    let dir =
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/negotiation/genius/partydomain"));
    let loaded = load_domain_with_profiles(
        &dir.join("party_domain.xml"),
        &[dir.join("party1_utility.xml"), dir.join("party2_utility.xml")],
    )
    .expect("party");
    let f = pareto_frontier(&loaded.space, &loaded.profiles, &FrontierOptions::default()).expect("frontier");
    let textbook = solutions(&f, &[0.0, 0.0], Disagreement::Reservation);
    let reference = solutions(&f, &[0.0, 0.0], Disagreement::ReservationOrWorst);
    assert_eq!(textbook.nash, textbook.max_welfare);
    assert_ne!(textbook.nash, reference.nash);
    assert_eq!(reference.disagreement, f.worst);
    // The worst outcomes are strictly positive on Genius's 0–1 scale.
    assert!(f.worst.iter().all(|w| *w > 0.0));
    let u = &f.points[textbook.nash.expect("nash")].utilities;
    let prod = u[0] * u[1];
    assert!(f.points.iter().all(|p| p.utilities[0] * p.utilities[1] <= prod));
}

#[test]
fn continuous_issues_are_sampled_and_flagged() {
    let text = r#"<negotiation_template><objective>
        <issue index="1" name="price" etype="real" lowerbound="10" upperbound="20"/>
        <issue index="2" name="colour" etype="discrete"><item value="red"/><item value="blue"/></issue>
        </objective></negotiation_template>"#;
    let d = genius::parse_domain(text, "shop").expect("domain");
    let buyer = r#"<utility_space><objective>
        <issue index="1" name="price" etype="real" lowerbound="10" upperbound="20"><evaluator ftype="linear" slope="-0.1" offset="2"/></issue>
        <issue index="2" name="colour" etype="discrete"><item value="red" evaluation="1"/><item value="blue" evaluation="2"/></issue>
        <weight index="1" value="0.75"/><weight index="2" value="0.25"/></objective></utility_space>"#;
    // Genius's own attribute names for real issues: parameter0 = offset, parameter1 = slope.
    let seller = buyer.replace(r#"slope="-0.1" offset="2""#, r#"parameter1="0.1" parameter0="-1""#);
    let b = genius::parse_profile(buyer, &d, "buyer").expect("buyer");
    let s = genius::parse_profile(&seller, &d, "seller").expect("seller");
    // price 10 is worth 1 to the buyer, 0 to the seller.
    assert_eq!(b.utility(&[Value::Real(10.0), Value::Index(1)]), 1.0);
    assert_eq!(s.utility(&[Value::Real(10.0), Value::Index(1)]), 0.25);
    let opts = FrontierOptions { continuous_samples: 11, ..FrontierOptions::default() };
    let f = pareto_frontier(&d.space, &[b, s], &opts).expect("frontier");
    assert!(f.approximate);
    // Price is zero-sum; both prefer blue: 11 grid prices × blue.
    assert_eq!(f.points.len(), 11);
    assert!(f.points.iter().all(|p| p.outcome[1] == Value::Index(1)));
    assert_eq!(d.space.size(), None);
}

#[test]
fn genius_integer_evaluators_count_from_the_lower_bound_and_clamp() {
    let text = r#"<negotiation_template><objective>
        <issue index="1" name="days" etype="integer" lowerbound="1" upperbound="9"/></objective></negotiation_template>"#;
    let d = genius::parse_domain(text, "d").expect("domain");
    let prof = r#"<utility_space><objective>
        <issue index="1" name="days" etype="integer"><range lowerbound="1" upperbound="9"/><evaluator ftype="linear" slope="0.25" offset="0"/></issue>
        <weight index="1" value="1"/></objective></utility_space>"#;
    let p = genius::parse_profile(prof, &d, "p").expect("profile");
    // u(x) = 0.25·(x − 1), clamped at 1 from x = 5 on.
    let u = |x: u32| p.utility(&[Value::Index(x - 1)]);
    assert_eq!((u(1), u(3), u(5), u(9)), (0.0, 0.5, 1.0, 1.0));
    let bad = prof.replace(r#"ftype="linear""#, r#"ftype="triangular""#);
    let err = genius::parse_profile(&bad, &d, "p").unwrap_err();
    assert!(err.to_string().contains("not supported"), "{err}");
}

#[test]
fn outcome_space_helpers_agree() {
    let space = OutcomeSpace::new(
        "s",
        vec![
            Issue::ordinal("a", vec!["lo".into(), "mid".into(), "hi".into()]).expect("a"),
            Issue::integer("b", -2, 1).expect("b"),
        ],
    )
    .expect("space");
    assert_eq!(space.size(), Some(12));
    let all: Vec<Vec<u32>> = space.iter_outcomes().collect();
    assert_eq!(all.len(), 12);
    for (rank, idx) in all.iter().enumerate() {
        let o = space.outcome_at(rank as u128).expect("rank");
        assert_eq!(o, idx.iter().map(|&k| Value::Index(k)).collect::<Vec<_>>());
        space.check_outcome(&o).expect("valid");
    }
    assert!(space.outcome_at(12).is_none());
    assert_eq!(
        space.labels(&[Value::Index(2), Value::Index(0)]),
        vec![("a".into(), "hi".into()), ("b".into(), "-2".into())]
    );
    let o = space.outcome_from_names([("b", "1"), ("a", "mid")]).expect("names");
    assert_eq!(o, vec![Value::Index(1), Value::Index(3)]);
    assert!(space.outcome_from_names([("a", "mid")]).is_err());
    assert!(space.check_outcome(&[Value::Index(3), Value::Index(0)]).is_err());
    // Integer-issue linear evaluator maps index k to the integer low + k.
    let u = AdditiveUtility::new(
        &space,
        vec![0.5, 0.5],
        vec![IssueUtility::Table(vec![0.0, 0.5, 1.0]), IssueUtility::Linear(vec![(-2.0, 0.0), (1.0, 1.0)])],
    )
    .expect("utility");
    let p = Profile::new("p", Utility::Additive(u)).with_discount(Discount::round(0.5).expect("d"));
    assert_eq!(p.utility(&[Value::Index(2), Value::Index(3)]), 1.0);
    assert_eq!(p.utility(&[Value::Index(0), Value::Index(1)]), 0.5 * (1.0 / 3.0));
    assert_eq!(p.discount.apply(1.0, 0.0, 2), 0.25);
    assert!(Discount::time(1.5).is_err() && Discount::time(0.0).is_err());
}

#[test]
fn enumeration_is_identical_whatever_the_thread_count() {
    // 4 parties over 7^5 outcomes spans several enumeration blocks.
    let (space, profiles) = generate::random_additive(5, 7, 4, 11).expect("domain");
    let opts = FrontierOptions { force_enumeration: true, ..FrontierOptions::default() };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        pool.install(|| pareto_frontier(&space, &profiles, &opts).expect("frontier"))
    };
    let one = run(1);
    assert!(one.points.len() > 10);
    for threads in [2, 3, 8] {
        assert_eq!(run(threads), one, "{threads} threads");
    }
}

#[test]
fn report_json_names_every_point() {
    require_shared!();
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/negotiation/anl2023/domain15"));
    let loaded = demarche_negotiation::load_domain(dir).expect("domain15");
    let report = FrontierReport::for_domain(&loaded, &FrontierOptions::default()).expect("report");
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!(json["outcome_space_size"], 512);
    assert_eq!(json["frontier"].as_array().expect("frontier").len(), report.frontier.len());
    for key in ["nash", "kalai_smorodinsky", "egalitarian", "max_welfare"] {
        let p = &json[key];
        assert_eq!(p["utility"].as_array().expect("utility").len(), 2, "{key}");
        let outcome = p["outcome"].as_object().expect("outcome");
        assert_eq!(outcome.len(), loaded.space.len(), "{key}");
        for issue in &loaded.space.issues {
            let v = outcome[&issue.name].as_str().expect("value name");
            assert!(issue.index_of(v).is_some(), "{key}: {v}");
        }
    }
    assert_eq!(json["parties"], serde_json::json!(["profileA", "profileB"]));
    assert_eq!(json["zopa"]["size"], 512);
}
