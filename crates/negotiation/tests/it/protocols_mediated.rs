//! Mediated single-text negotiation: red lines, determinism, beliefs, termination.

use super::proto_support;

use demarche_negotiation::protocol::mediated::{
    run_mediated, run_mediated_specs, ExactBelief, HillClimbMediator, MediatedConfig, MediatorSpec,
};
use demarche_negotiation::protocol::{Deadline, EndReason};
use demarche_negotiation::strategy::{Strategy, StrategySpec};
use demarche_negotiation::{Profile, Value};
use proptest::prelude::*;
use proto_support::*;

fn specs(names: &[&str]) -> Vec<StrategySpec> {
    names.iter().map(|n| StrategySpec::parse(n).unwrap()).collect()
}

fn config(steps: u64) -> MediatedConfig {
    MediatedConfig { deadline: Deadline::steps(steps), public_deadline: true }
}

#[test]
fn both_mediators_reach_an_agreement_no_worse_than_the_start_for_anyone() {
    let (space, profiles) = mixed_domain(4, 4, 6, 0);
    let sp = specs(&["linear"; 4]);
    for mediator in [MediatorSpec::Veto { screen: 8 }, MediatorSpec::HillClimb] {
        let trace = run_mediated_specs(&space, &profiles, &sp, mediator, None, &config(1000), 3).unwrap();
        assert!(trace.result.agreed(), "{mediator:?}");
        assert!(trace.result.steps <= 1000);
        // Every adopted move was accepted by everyone, and parties accept only moves that do
        // not hurt them, so nobody ends below its utility of the initial text.
        for (p, u) in profiles.iter().zip(&trace.result.utilities) {
            assert!(*u >= p.utility(&trace.initial) - 1e-12);
        }
        assert!(trace.events.iter().all(|e| e.adopted == e.votes.iter().all(|&v| v)));
        assert_eq!(trace.replay(&profiles).unwrap(), Some(trace.result.utilities.clone()));
        // A tampered trace does not replay.
        let mut forged = trace.clone();
        if let Some(e) = forged.events.iter_mut().find(|e| !e.adopted) {
            e.adopted = true;
            assert!(forged.replay(&profiles).is_err());
        }
    }
}

#[test]
fn the_hill_climber_stops_at_a_local_optimum_of_its_belief() {
    let (space, profiles) = mixed_domain(3, 3, 5, 4);
    let trace = run_mediated_specs(
        &space,
        &profiles,
        &specs(&["linear"; 3]),
        MediatorSpec::HillClimb,
        None,
        &config(10_000),
        1,
    )
    .unwrap();
    assert!(trace.result.steps < 10_000);
    assert_eq!(trace.result.end, EndReason::Agreement);
    // No single-issue change helps someone without hurting someone else (it also tried
    // random two-issue changes before stopping).
    let text = &trace.text;
    for (i, issue) in space.issues.iter().enumerate() {
        for k in 0..issue.cardinality().unwrap() {
            let mut o = text.clone();
            o[i] = Value::Index(k);
            let gains: Vec<f64> = profiles.iter().map(|p| p.utility(&o) - p.utility(text)).collect();
            assert!(!(gains.iter().all(|g| *g >= 0.0) && gains.iter().any(|g| *g > 0.0)), "{o:?} improves {text:?}");
        }
    }
}

#[test]
fn the_mediator_sees_parties_through_its_belief() {
    let (space, profiles) = mixed_domain(3, 3, 6, 8);
    // A belief that inverts party 0's preferences: the mediator proposes moves it thinks help
    // party 0, which party 0 then vetoes, so it gets nowhere.
    let inverted = |party: usize, o: &[Value]| {
        let u = profiles[party].utility(o);
        if party == 0 {
            1.0 - u
        } else {
            u
        }
    };
    let run = |belief: Option<&dyn demarche_negotiation::protocol::mediated::Belief>| {
        let mut parties: Vec<Box<dyn Strategy>> = specs(&["linear"; 3]).iter().map(|s| s.build(0)).collect();
        let mut m = HillClimbMediator::new(5);
        run_mediated(&space, &profiles, &mut parties, &mut m, belief, &config(500)).unwrap()
    };
    let exact = ExactBelief::new(&profiles);
    let (with_truth, _, _, ev_truth) = run(Some(&exact));
    let (with_inverted, _, _, ev_inverted) = run(Some(&inverted));
    let adopted =
        |ev: &[demarche_negotiation::protocol::mediated::MediatedEvent]| ev.iter().filter(|e| e.adopted).count();
    assert!(adopted(&ev_truth) > 0);
    assert_eq!(adopted(&ev_inverted), 0);
    assert!(with_truth.utilities.iter().sum::<f64>() > with_inverted.utilities.iter().sum::<f64>());
    // `None` means the exact belief.
    let (with_default, ..) = run(None);
    assert_eq!(with_default, with_truth);
}

#[test]
fn a_text_below_a_red_line_is_no_agreement() {
    let (space, mut profiles) = split_the_pie(11);
    profiles[0].reservation = 0.6;
    profiles[1].reservation = 0.6;
    for mediator in [MediatorSpec::Veto { screen: 0 }, MediatorSpec::HillClimb] {
        let trace =
            run_mediated_specs(&space, &profiles, &specs(&["linear", "linear"]), mediator, None, &config(300), 2)
                .unwrap();
        assert!(!trace.result.agreed());
        assert_eq!(trace.result.utilities, vec![0.6, 0.6]);
    }
}

#[test]
fn mediated_traces_are_byte_identical_for_a_seed() {
    let (space, profiles) = mixed_domain(3, 4, 5, 9);
    let sp = specs(&["random", "linear", "random:accept=0.3"]);
    let json = |seed| {
        serde_json::to_string(
            &run_mediated_specs(&space, &profiles, &sp, MediatorSpec::Veto { screen: 4 }, None, &config(400), seed)
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(json(5), json(5));
    assert_ne!(json(5), json(6));
}

#[test]
fn mediator_names_parse() {
    assert_eq!(MediatorSpec::parse("veto").unwrap(), MediatorSpec::Veto { screen: 8 });
    assert_eq!(MediatorSpec::parse("veto:screen=0").unwrap(), MediatorSpec::Veto { screen: 0 });
    assert_eq!(MediatorSpec::parse("hillclimb").unwrap(), MediatorSpec::HillClimb);
    assert!(MediatorSpec::parse("veto:screen=x").is_err());
    assert!(MediatorSpec::parse("auction").is_err());
    assert!(MediatorSpec::HillClimb.build(0).name().contains("hill"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn mediated_agreements_respect_every_reservation_value(
        parties in 2usize..=4,
        issues in 1usize..=3,
        values in 2u32..=5,
        domain_seed in 0u64..500,
        reservations in proptest::collection::vec(0.0f64..0.9, 4),
        hill in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let (space, profiles) = mixed_domain(parties, issues, values, domain_seed);
        let profiles: Vec<Profile> = profiles.into_iter().zip(&reservations).map(|(p, &r)| p.with_reservation(r).unwrap()).collect();
        let mediator = if hill { MediatorSpec::HillClimb } else { MediatorSpec::Veto { screen: 2 } };
        let sp = specs(&["random"; 4][..parties]);
        let trace = run_mediated_specs(&space, &profiles, &sp, mediator, None, &config(200), seed).unwrap();
        if let Some(o) = &trace.result.agreement {
            for p in &profiles {
                prop_assert!(p.utility(o) >= p.reservation);
            }
        }
        prop_assert_eq!(trace.replay(&profiles).unwrap(), trace.result.agreement.as_ref().map(|_| trace.result.utilities.clone()));
    }
}
