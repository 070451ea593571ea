//! The ANAC-2014 nonlinear domains (hyper-rectangle utilities through the general hook).
//!
//! 10^10 and 10^30 outcomes. Hyper-rectangle utilities only distinguish values at box edges,
//! so enumeration visits one value per class of interchangeable values: 25,401,600 outcomes for
//! the 10-issue domain, whose exact frontier must equal the `pareto.xml` Genius ships (stored as
//! f32). The 30-issue domain still has ~3·10^24 classes and is refused with a clear error; there
//! we check that 10^5 seeded samples never beat the published frontier.

use std::path::{Path, PathBuf};

use demarche_negotiation::pareto::{dominates, pareto_frontier, FrontierOptions};
use demarche_negotiation::{load_domain, NegotiationError, Value};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn shared(rel: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/negotiation/genius")).join(rel)
}

fn published_front(path: &Path) -> Vec<[f64; 2]> {
    std::fs::read_to_string(path)
        .expect("pareto.xml")
        .lines()
        .filter_map(|l| {
            let (a, b) = l.split_once(',')?;
            Some([a.trim().parse().ok()?, b.trim().parse().ok()?])
        })
        .collect()
}

fn check(folder: &str, issues: usize) {
    let loaded = load_domain(&shared(folder)).unwrap_or_else(|e| panic!("{folder}: {e}"));
    assert_eq!(loaded.space.len(), issues);
    assert_eq!(loaded.profiles.len(), 2);
    assert!(loaded.profiles.iter().all(|p| p.utility.as_additive().is_none()));
    assert_eq!(loaded.space.size(), Some(10u128.pow(issues as u32)));

    let front = published_front(&shared(&format!("{folder}/pareto.xml")));
    assert_eq!(front.len(), 10);
    // Genius stores the frontier as f32.
    let tol = 1e-6;

    match pareto_frontier(&loaded.space, &loaded.profiles, &FrontierOptions::default()) {
        Ok(ours) => {
            assert_eq!(issues, 10, "only the 10-issue domain is small enough");
            let mut got: Vec<[f64; 2]> = ours.points.iter().map(|p| [p.utilities[0], p.utilities[1]]).collect();
            got.sort_by(|a, b| a[0].total_cmp(&b[0]));
            assert_eq!(got.len(), front.len(), "{got:?}");
            for (g, f) in got.iter().zip(&front) {
                assert!((g[0] - f[0]).abs() < tol && (g[1] - f[1]).abs() < tol, "{g:?} vs published {f:?}");
            }
            // Multiplicities count real outcomes, and representatives achieve their utilities.
            for p in &ours.points {
                assert!(p.multiplicity >= 1);
                assert_eq!(loaded.profiles[0].utility(&p.outcome), p.utilities[0]);
                assert_eq!(loaded.profiles[1].utility(&p.outcome), p.utilities[1]);
            }
        }
        Err(err) => {
            assert_eq!(issues, 30, "{err}");
            assert!(matches!(err, NegotiationError::TooLarge { .. }), "{err}");
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(2014);
    let mut outcome = vec![Value::Index(0); issues];

    for _ in 0..100_000 {
        for v in outcome.iter_mut() {
            *v = Value::Index(rng.random_range(0..10));
        }
        let u = [loaded.profiles[0].utility(&outcome), loaded.profiles[1].utility(&outcome)];
        assert!((0.0..=1.0 + 1e-12).contains(&u[0]) && (0.0..=1.0 + 1e-12).contains(&u[1]), "{u:?}");

        let lifted = [u[0] - tol, u[1] - tol];
        assert!(
            !front.iter().any(|f| dominates(&lifted, f)),
            "{folder}: sampled outcome {u:?} dominates the published frontier"
        );
    }
}

#[test]
fn anac2014_10_issue_domain() {
    require_shared!();
    check("10issues", 10);
}

#[test]
fn anac2014_30_issue_domain() {
    require_shared!();
    check("30issues", 30);
}
