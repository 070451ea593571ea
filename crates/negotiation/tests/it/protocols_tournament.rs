//! Tournaments: schedule, determinism across thread counts, reference distances.

use super::proto_support;

use demarche_negotiation::protocol::sao::SaoConfig;
use demarche_negotiation::protocol::TableOptions;
use demarche_negotiation::strategy::StrategySpec;
use demarche_negotiation::tournament::{run_tournament, TournamentConfig, TournamentDomain};
use proto_support::*;

fn domains() -> Vec<TournamentDomain> {
    [negmas_domain(3), random_domain(2, 2, 8, 3), easy_domain()]
        .into_iter()
        .map(|(s, p)| TournamentDomain::new(s, p, &TableOptions::default()).unwrap())
        .collect()
}

fn config(threads: Option<usize>) -> TournamentConfig {
    TournamentConfig {
        strategies: StrategySpec::parse_list("boulware,conceder,linear,aspiration,tft,random").unwrap(),
        repetitions: 2,
        sao: SaoConfig::rounds(100),
        seed: 17,
        threads,
        self_play: true,
    }
}

#[test]
fn the_report_is_byte_identical_whatever_the_thread_count() {
    require_shared!();
    let d = domains();
    let reports: Vec<String> = [Some(1), Some(2), Some(3), None]
        .iter()
        .map(|&t| serde_json::to_string(&run_tournament(&d, &config(t)).unwrap()).unwrap())
        .collect();
    assert!(reports.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn the_schedule_covers_every_pairing_in_both_role_orders() {
    require_shared!();
    let d = domains();
    let c = config(None);
    let r = run_tournament(&d, &c).unwrap();
    let s = c.strategies.len();
    assert_eq!(r.negotiations as usize, d.len() * s * s * 2 * 2);
    assert_eq!(r.records.len() as u64, r.negotiations);
    for dom in 0..d.len() {
        for a in 0..s {
            for b in 0..s {
                for profiles in [[0, 1], [1, 0]] {
                    let n = r
                        .records
                        .iter()
                        .filter(|x| x.domain == dom && x.strategies == [a, b] && x.profiles == profiles)
                        .count();
                    assert_eq!(n, 2);
                }
            }
        }
    }
    // Self-play off drops the diagonal.
    let r2 = run_tournament(&d, &TournamentConfig { self_play: false, ..c.clone() }).unwrap();
    assert_eq!(r2.negotiations as usize, d.len() * s * (s - 1) * 2 * 2);
    // Summary adds up: each negotiation counts once per seat.
    assert_eq!(r.summary.iter().map(|x| x.negotiations).sum::<u64>(), 2 * r.negotiations);
}

#[test]
fn distances_are_zero_on_the_frontier_and_only_for_agreements() {
    require_shared!();
    let d = domains();
    let r = run_tournament(&d, &config(None)).unwrap();
    for rec in &r.records {
        assert_eq!(rec.pareto_distance.is_some(), rec.agreed);
        if let Some(p) = rec.pareto_distance {
            assert!(p >= 0.0 && p.is_finite());
            let n = rec.nash_distance.unwrap();
            assert!(n + 1e-12 >= p, "nash distance {n} below frontier distance {p}");
        }
    }
    // The frontier's own points are at distance 0 and the Nash point is on the frontier.
    for dom in &d {
        let re = dom.reference();
        let nash = re.nash.unwrap();
        assert!(re.frontier.contains(&nash));
        assert_eq!(re.pareto_distance(re.frontier[0]), 0.0);
        // Frontier is strictly decreasing in the second party's utility... increasing as the first's falls.
        assert!(re.frontier.windows(2).all(|w| w[0][0] > w[1][0] && w[0][1] < w[1][1]));
    }
}

#[test]
fn agreement_rates_reflect_the_strategies() {
    require_shared!();
    let d = domains();
    let r = run_tournament(&d, &config(None)).unwrap();
    let rate = |name: &str| r.summary.iter().find(|s| s.strategy == name).unwrap().agreement_rate;
    assert!(rate("conceder") > 0.8, "{}", rate("conceder"));
    assert!(rate("tft") < rate("conceder"));
    assert!(r.agreements > 0 && r.agreements < r.negotiations);
}

#[test]
fn empty_or_oversized_tournaments_are_errors() {
    require_shared!();
    let d = domains();
    assert!(run_tournament(&[], &config(None)).is_err());
    assert!(run_tournament(&d, &TournamentConfig { strategies: vec![], ..config(None) }).is_err());
    assert!(run_tournament(&d, &TournamentConfig { repetitions: u32::MAX, ..config(None) }).is_err());
}

#[test]
fn the_reference_points_agree_with_a_brute_force_over_the_table() {
    require_shared!();
    use demarche_negotiation::tournament::{Reference, ReferenceSource};
    for dom in domains() {
        let analytic = dom.reference();
        assert_eq!(analytic.source, ReferenceSource::Analytics);
        let brute = Reference::of_table(dom.table());
        assert_eq!(analytic.frontier.len(), brute.frontier.len());
        for (a, b) in analytic.frontier.iter().zip(&brute.frontier) {
            assert!((a[0] - b[0]).abs() < 1e-12 && (a[1] - b[1]).abs() < 1e-12, "{a:?} vs {b:?}");
        }
        let (a, b) = (analytic.nash.unwrap(), brute.nash.unwrap());
        assert!((a[0] - b[0]).abs() < 1e-12 && (a[1] - b[1]).abs() < 1e-12);
    }
}
