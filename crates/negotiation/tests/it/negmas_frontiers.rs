//! The NegMAS baseline's random domains (shared/bench/negmas/domains) give the same frontier
//! as NegMAS computed (shared/bench/negmas/frontiers: sorted [uA, uB] pairs rounded to 1e-9),
//! through both the additive merge and enumeration.

use std::path::{Path, PathBuf};

use demarche_negotiation::io::tables;
use demarche_negotiation::pareto::{pareto_frontier, FrontierOptions};

fn bench_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/negmas")).to_path_buf()
}

fn rounded(points: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let mut v: Vec<Vec<f64>> = points.iter().map(|p| p.iter().map(|u| (u * 1e9).round() / 1e9).collect()).collect();
    v.sort_by(|a, b| {
        a.iter().zip(b).map(|(x, y)| x.total_cmp(y)).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
    });
    v
}

#[test]
fn negmas_random_domains_have_negmas_frontiers() {
    require_shared!();
    for n in 3..=6 {
        let text = std::fs::read_to_string(bench_dir().join(format!("domains/domain_{n}x10.json"))).expect("domain");
        let (space, profiles) = tables::parse(&text, "negmas").expect("parse");
        assert_eq!(space.size(), Some(10u128.pow(n)));
        let expected: Vec<Vec<f64>> = serde_json::from_str(
            &std::fs::read_to_string(bench_dir().join(format!("frontiers/frontier_{n}x10.json"))).expect("frontier"),
        )
        .expect("json");
        for force_enumeration in [false, true] {
            let opts = FrontierOptions { force_enumeration, ..FrontierOptions::default() };
            let f = pareto_frontier(&space, &profiles, &opts).expect("frontier");
            let ours: Vec<Vec<f64>> = f.points.iter().map(|p| p.utilities.clone()).collect();
            let ours = rounded(&ours);
            assert_eq!(ours.len(), expected.len(), "{n}x10 (enumeration: {force_enumeration})");
            for (a, b) in ours.iter().zip(&expected) {
                assert!(a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 2e-9), "{n}x10: {a:?} vs {b:?}");
            }
        }
    }
}
