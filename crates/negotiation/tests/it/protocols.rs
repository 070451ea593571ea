//! Stacked alternating offers: termination, red lines, determinism, replay, discounting,
//! deadlines, and the expected outcomes of a few classic pairings.

use super::proto_support;

use demarche_negotiation::protocol::sao::{run_sao, run_sao_specs, Action, SaoConfig, TraceAction};
use demarche_negotiation::protocol::{Deadline, EndReason, Note, OutcomeId, OutcomeTable, TableOptions};
use demarche_negotiation::strategy::{Proposal, Response, Strategy, StrategySpec, View};
use demarche_negotiation::{Discount, OutcomeSpace, Profile};
use proptest::prelude::*;
use proto_support::*;

fn table(space: OutcomeSpace, profiles: Vec<Profile>) -> OutcomeTable {
    OutcomeTable::new(space, profiles, &TableOptions::default()).unwrap()
}

fn specs(names: &[&str]) -> Vec<StrategySpec> {
    names.iter().map(|n| StrategySpec::parse(n).unwrap()).collect()
}

fn with_reservations(mut profiles: Vec<Profile>, r: &[f64]) -> Vec<Profile> {
    for (p, &r) in profiles.iter_mut().zip(r) {
        p.reservation = r;
    }
    profiles
}

#[test]
fn every_pairing_terminates_within_the_deadline_and_replays() {
    require_shared!();
    let domains = [random_domain(2, 3, 10, 1), random_domain(2, 2, 6, 2), negmas_domain(3), split_the_pie(21)];
    for (space, profiles) in domains {
        let t = table(space, profiles.clone());
        for a in ALL_STRATEGIES {
            for b in ALL_STRATEGIES {
                let sp = specs(&[a, b]);
                let config = SaoConfig::rounds(100);
                let run = run_sao_specs(&t, &sp, &config, 7).unwrap();
                let r = &run.result;
                assert!(r.steps <= 200, "{a} vs {b}: {} steps", r.steps);
                assert_eq!(run.events.len() as u64, r.steps);
                assert!(r.relative_time <= 1.0);
                if !r.agreed() {
                    assert_ne!(r.end, EndReason::Agreement);
                }
                let trace = run.trace(&t, &sp, &config, 7);
                let replayed = trace.replay(&profiles).unwrap();
                assert_eq!(replayed, r.agreement.as_ref().map(|_| r.utilities.clone()), "{a} vs {b}");
            }
        }
    }
}

#[test]
fn hardliner_against_hardliner_with_incompatible_demands_never_agrees() {
    let t = table(random_domain(2, 3, 10, 5).0, random_domain(2, 3, 10, 5).1);
    let run = run_sao_specs(&t, &specs(&["hardliner", "hardliner"]), &SaoConfig::rounds(50), 0).unwrap();
    assert!(!run.result.agreed());
    assert_eq!(run.result.end, EndReason::Deadline);
    assert_eq!(run.result.steps, 100);
    // Both keep repeating their best outcome.
    let offers: Vec<_> = run
        .events
        .iter()
        .filter_map(|e| match e.action {
            Action::Offer(id) => Some((e.party, id)),
            _ => None,
        })
        .collect();
    assert!(offers.iter().all(|&(p, id)| t.utility(p as usize, id) == t.own(p as usize).best_utility()));
}

#[test]
fn conceder_against_conceder_on_an_easy_domain_agrees() {
    let (space, profiles) = easy_domain();
    let t = table(space, profiles);
    let run = run_sao_specs(&t, &specs(&["conceder", "conceder"]), &SaoConfig::rounds(100), 0).unwrap();
    assert!(run.result.agreed());
    assert_eq!(run.result.end, EndReason::Agreement);
    // On this domain the shared issues are worth 0.8 to both: a sensible deal gives both a lot.
    assert!(run.result.utilities.iter().all(|&u| u >= 0.7), "{:?}", run.result.utilities);
}

#[test]
fn no_zone_of_agreement_means_no_deal_for_every_pairing() {
    let (space, profiles) = split_the_pie(11);
    // u_A + u_B = 1 everywhere: reservations 0.6 + 0.6 leave nothing both accept.
    let t = table(space, with_reservations(profiles, &[0.6, 0.6]));
    for a in ALL_STRATEGIES {
        for b in ALL_STRATEGIES {
            let run = run_sao_specs(&t, &specs(&[a, b]), &SaoConfig::rounds(60), 3).unwrap();
            assert!(!run.result.agreed(), "{a} vs {b} agreed on {:?}", run.result.agreement);
            assert_eq!(run.result.utilities, vec![0.6, 0.6]);
        }
    }
}

#[test]
fn a_party_with_nothing_acceptable_ends_the_negotiation() {
    let (space, profiles) = split_the_pie(11);
    let t = table(space, with_reservations(profiles, &[0.0, 1.5]));
    let run = run_sao_specs(&t, &specs(&["conceder", "conceder"]), &SaoConfig::rounds(60), 3).unwrap();
    assert_eq!(run.result.end, EndReason::NothingAcceptable { party: 1 });
    assert_eq!(run.result.steps, 2);
}

/// A strategy that tries to break the red lines: accepts anything, offers its worst outcome.
struct Reckless;

impl Strategy for Reckless {
    fn respond(&mut self, _: &View<'_>, _: OutcomeId) -> Response {
        Response::Accept
    }
    fn propose(&mut self, view: &View<'_>) -> Proposal {
        let own = view.own();
        Proposal::Offer(own.at_rank(own.ranked().len() - 1).unwrap())
    }
}

#[test]
fn the_protocol_overrules_acceptances_and_offers_below_reservation() {
    let (space, profiles) = split_the_pie(11);
    let t = table(space, with_reservations(profiles, &[0.7, 0.2]));
    let mut parties: Vec<Box<dyn Strategy>> =
        vec![Box::new(Reckless), StrategySpec::parse("hardliner").unwrap().build(0)];
    let run = run_sao(&t, &mut parties, &SaoConfig::rounds(20)).unwrap();
    // Reckless's worst offer (u = 0) is replaced by its best; the hard-liner's best (u_A = 0)
    // cannot be accepted by Reckless.
    assert_eq!(run.events[0].note, Note::OfferCorrected);
    assert!(run.events.iter().any(|e| e.note == Note::AcceptOverruledAndOfferCorrected));
    assert!(!run.result.agreed());
}

#[test]
fn a_time_limit_in_simulated_seconds_bounds_the_steps() {
    let (space, profiles) = random_domain(2, 3, 10, 9);
    let t = table(space, profiles);
    let config = SaoConfig {
        deadline: Deadline::Time { seconds: 10.0 },
        public_deadline: true,
        seconds_per_action: vec![0.1, 0.4],
    };
    let run = run_sao_specs(&t, &specs(&["hardliner", "hardliner"]), &config, 0).unwrap();
    // Each round costs 0.5 s: 20 rounds fit in 10 s.
    assert_eq!(run.result.steps, 40);
    assert_eq!(run.result.end, EndReason::Deadline);
}

#[test]
fn agreement_utilities_are_discounted_by_the_time_of_agreement() {
    let (space, profiles) = easy_domain();
    let profiles: Vec<Profile> = profiles.into_iter().map(|p| p.with_discount(Discount::time(0.5).unwrap())).collect();
    let t = table(space, profiles);
    let run = run_sao_specs(&t, &specs(&["boulware", "boulware"]), &SaoConfig::rounds(100), 0).unwrap();
    let r = &run.result;
    assert!(r.agreed() && r.relative_time > 0.0);
    for (u, d) in r.utilities.iter().zip(&r.discounted) {
        assert!((d - u * 0.5f64.powf(r.relative_time)).abs() < 1e-12);
    }
}

#[test]
fn the_same_seed_gives_byte_identical_traces() {
    let (space, profiles) = random_domain(3, 3, 6, 11);
    let t = table(space, profiles);
    let sp = specs(&["random", "random:accept=0.05", "aspiration"]);
    let config = SaoConfig::rounds(200);
    let json = |seed| {
        serde_json::to_string(&run_sao_specs(&t, &sp, &config, seed).unwrap().trace(&t, &sp, &config, seed)).unwrap()
    };
    assert_eq!(json(42), json(42));
    assert_ne!(json(42), json(43));
}

#[test]
fn multilateral_agreement_needs_every_other_party_to_accept() {
    let (space, profiles) = random_domain(4, 4, 6, 3);
    let t = table(space, profiles.clone());
    let sp = specs(&["conceder", "linear", "aspiration", "conceder"]);
    let config = SaoConfig::rounds(200);
    let run = run_sao_specs(&t, &sp, &config, 1).unwrap();
    assert!(run.result.agreed());
    let tail: Vec<_> = run.events.iter().rev().take(3).collect();
    assert!(tail.iter().all(|e| matches!(e.action, Action::Accept(_))));
    let Action::Offer(agreed) = run.events[run.events.len() - 4].action else { panic!("no offer before the accepts") };
    assert_eq!(run.result.agreement.as_ref(), Some(&t.outcome(agreed)));
    let trace = run.trace(&t, &sp, &config, 1);
    assert_eq!(trace.events.last().unwrap().action, TraceAction::Accept);
    assert_eq!(trace.replay(&profiles).unwrap(), Some(run.result.utilities.clone()));
}

#[test]
fn private_deadlines_hide_the_time_from_strategies() {
    let (space, profiles) = split_the_pie(5);
    let t = table(space, profiles);
    // A private deadline yields `None`, a public one `Some`.
    for public in [true, false] {
        let probe = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        struct Shared(std::sync::Arc<std::sync::Mutex<Vec<Option<f64>>>>);
        impl Strategy for Shared {
            fn respond(&mut self, view: &View<'_>, _: OutcomeId) -> Response {
                self.0.lock().unwrap().push(view.time());
                Response::Reject
            }
            fn propose(&mut self, view: &View<'_>) -> Proposal {
                self.0.lock().unwrap().push(view.time());
                Proposal::Offer(view.own().best())
            }
        }
        let config = SaoConfig { public_deadline: public, ..SaoConfig::rounds(5) };
        let mut parties: Vec<Box<dyn Strategy>> =
            vec![Box::new(Shared(probe.clone())), StrategySpec::parse("hardliner").unwrap().build(0)];
        run_sao(&t, &mut parties, &config).unwrap();
        let seen = probe.lock().unwrap();
        assert!(!seen.is_empty());
        assert!(seen.iter().all(|t| t.is_some() == public));
    }
}

#[test]
fn time_dependent_offers_never_rise_in_own_utility() {
    require_shared!();
    let (space, profiles) = negmas_domain(3);
    let t = table(space, profiles);
    for name in ["boulware", "linear", "conceder", "aspiration"] {
        let run = run_sao_specs(&t, &specs(&[name, "hardliner"]), &SaoConfig::rounds(300), 0).unwrap();
        let mine: Vec<f64> = run
            .events
            .iter()
            .filter(|e| e.party == 0)
            .filter_map(|e| match e.action {
                Action::Offer(id) => Some(t.utility(0, id)),
                _ => None,
            })
            .collect();
        assert!(mine.len() > 10);
        assert!(mine.windows(2).all(|w| w[1] <= w[0] + 1e-12), "{name}: {mine:?}");
        // …and they do concede by the end.
        assert!(mine.last().unwrap() < mine.first().unwrap(), "{name}");
    }
}

#[test]
fn the_staller_holds_near_its_best_until_its_share_of_the_time() {
    require_shared!();
    let (space, profiles) = negmas_domain(3);
    let t = table(space, profiles);
    let run =
        run_sao_specs(&t, &specs(&["staller:share=0.7:margin=0.05", "hardliner"]), &SaoConfig::rounds(100), 0).unwrap();
    let own = t.own(0);
    let hold = own.best_utility() - 0.05 * (own.best_utility() - own.worst_acceptable_utility());
    let mut distinct = std::collections::BTreeSet::new();
    for e in run.events.iter().filter(|e| e.party == 0) {
        if let Action::Offer(id) = e.action {
            let time = e.step as f64 / 200.0;
            if time < 0.7 {
                assert!(t.utility(0, id) >= hold - 1e-12);
                distinct.insert(id);
            }
        }
    }
    // It keeps moving among its near-best outcomes while stalling.
    assert!(distinct.len() > 1);
    let last = run
        .events
        .iter()
        .rev()
        .find_map(|e| match (e.party, e.action) {
            (0, Action::Offer(id)) => Some(id),
            _ => None,
        })
        .unwrap();
    assert!(t.utility(0, last) < hold);
}

#[test]
fn strategy_names_parse_and_errors_suggest_the_nearest_name() {
    for name in ALL_STRATEGIES {
        let spec = StrategySpec::parse(name).unwrap();
        assert_eq!(StrategySpec::parse(&spec.to_string()).unwrap(), spec);
    }
    assert_eq!(StrategySpec::parse("timedep:e=0.2").unwrap(), StrategySpec::parse("boulware").unwrap());
    let e = StrategySpec::parse("boulwar").unwrap_err().to_string();
    assert!(e.contains("did you mean 'boulware'"), "{e}");
    let e = StrategySpec::parse("staller:shar=0.5").unwrap_err().to_string();
    assert!(e.contains("did you mean 'share'"), "{e}");
    assert!(StrategySpec::parse("staller:share=1.5").is_err());
    assert!(StrategySpec::parse("timedep:e=-1").is_err());
    assert!(StrategySpec::parse("timedep:e").is_err());
    assert!(StrategySpec::parse("timedep:e=nan").is_err());
    assert_eq!(StrategySpec::parse_list("boulware, tft").unwrap().len(), 2);
    assert!(StrategySpec::parse_list(" , ").is_err());
}

#[test]
fn bad_configurations_are_errors_not_panics() {
    let (space, profiles) = split_the_pie(5);
    let t = table(space, profiles);
    let sp = specs(&["linear", "linear"]);
    assert!(run_sao_specs(&t, &sp[..1], &SaoConfig::rounds(5), 0).is_err());
    assert!(run_sao_specs(&t, &sp, &SaoConfig::rounds(0), 0).is_err());
    assert!(run_sao_specs(&t, &sp, &SaoConfig::steps(u64::MAX), 0).is_err());
    let c = SaoConfig { deadline: Deadline::Time { seconds: f64::NAN }, ..SaoConfig::rounds(1) };
    assert!(run_sao_specs(&t, &sp, &c, 0).is_err());
    let c = SaoConfig {
        deadline: Deadline::Time { seconds: 1e9 },
        public_deadline: true,
        seconds_per_action: vec![1e-9, 1.0],
    };
    assert!(run_sao_specs(&t, &sp, &c, 0).is_err());
}

fn arb_strategy() -> impl proptest::strategy::Strategy<Value = &'static str> {
    proptest::sample::select(ALL_STRATEGIES)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// No agreement ever falls below any party's reservation value, whatever the domain,
    /// strategies and red lines; and the trace replays to the same result.
    #[test]
    fn agreements_respect_every_reservation_value(
        parties in 2usize..=3,
        issues in 1usize..=3,
        values in 2u32..=6,
        domain_seed in 0u64..1000,
        reservations in proptest::collection::vec(0.0f64..0.9, 3),
        names in proptest::collection::vec(arb_strategy(), 3),
        seed in any::<u64>(),
        rounds in 1u64..80,
    ) {
        let (space, profiles) = random_domain(parties, issues, values, domain_seed);
        let profiles = with_reservations(profiles, &reservations);
        let t = table(space, profiles.clone());
        let sp = specs(&names[..parties]);
        let config = SaoConfig::rounds(rounds);
        let run = run_sao_specs(&t, &sp, &config, seed).unwrap();
        prop_assert!(run.result.steps <= rounds * parties as u64);
        if let Some(o) = &run.result.agreement {
            for (p, u) in profiles.iter().zip(&run.result.utilities) {
                prop_assert!(*u >= p.reservation);
                prop_assert_eq!(*u, p.utility(o));
            }
        } else {
            prop_assert_eq!(&run.result.utilities, &reservations[..parties].to_vec());
        }
        let trace = run.trace(&t, &sp, &config, seed);
        prop_assert_eq!(trace.replay(&profiles).unwrap(), run.result.agreement.as_ref().map(|_| run.result.utilities.clone()));
    }
}

#[test]
fn four_aspiration_or_boulware_parties_reach_agreement() {
    // Regression: with a best-offer floor in its acceptance rule, aspiration deadlocked
    // among four parties (each insisted on the best offer anyone had made it).
    let (space, profiles) = mixed_domain(4, 4, 6, 0);
    let t = table(space, profiles);
    for name in ["aspiration", "boulware"] {
        let run = run_sao_specs(&t, &specs(&[name; 4]), &SaoConfig::rounds(1000), 0).unwrap();
        assert!(run.result.agreed(), "{name}");
    }
}
