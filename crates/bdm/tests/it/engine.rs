//! The engine on the published cases: it runs, stays on the scale, respects
//! the request, reports dyads, and can be cancelled.

use super::common;

use demarche_bdm::{Bdm, BdmSettings, Preset};
use demarche_forecast::{Control, Engine, EngineError, Event, IssueEngine, NoObserver, PerIssue, Request};
use demarche_scenario::settings::bdm::Interactions;

const CASES: [&str; 4] =
    ["ec-emissions-actors.csv", "sultan-actors.csv", "china-actors.csv", "honduras-crisis-actors.csv"];

#[test]
fn every_published_case_runs_finite_and_on_the_scale() {
    require_shared!();
    for file in CASES {
        let sc = common::load(file);
        for preset in [Preset::ScholzReplication, Preset::ScholzDescribed] {
            let engine = PerIssue(Bdm::new(BdmSettings::preset(preset)));
            let f = engine.forecast(&sc, &Request { issues: None, max_rounds: Some(25) }, &mut NoObserver).unwrap();
            let iss = &f.issues[0];
            let (lo, hi) = (sc.issues[0].min, sc.issues[0].max);
            let eps = 1e-9 * (hi - lo);
            assert!(
                iss.outcome.is_finite() && iss.outcome >= lo - eps && iss.outcome <= hi + eps,
                "{file}: {}",
                iss.outcome
            );
            assert!(iss.trajectory.len() >= 2 && iss.trajectory.len() <= 26, "{file}");
            assert_eq!(iss.outcome_path.len(), iss.trajectory.len());
            for xs in &iss.trajectory {
                assert_eq!(xs.len(), sc.actors.len());
                assert!(xs.iter().all(|x| x.is_finite() && *x >= lo - eps && *x <= hi + eps), "{file}: {xs:?}");
            }
            assert!(!iss.interactions.is_empty(), "{file}: no interactions recorded");
            for it in &iss.interactions {
                assert!(it.actor_eu.is_finite() && it.other_eu.is_finite());
                assert_ne!(it.actor, it.other);
            }
            assert_eq!(f.settings["preset"], preset.as_str());
        }
    }
}

#[test]
fn china_saliences_are_read_as_fractions() {
    require_shared!();
    let sc = common::load("china-actors.csv");
    assert!(sc.stances.iter().all(|s| (0.0..=1.0).contains(&s.salience)));
    let f = Bdm::default()
        .forecast_issue(&sc.issue_view(0), &Request { issues: None, max_rounds: Some(5) }, &mut NoObserver)
        .unwrap();
    assert_eq!(f.rounds(), 5);
}

#[test]
fn rounds_observer_and_cancellation() {
    require_shared!();
    let sc = common::load("ec-emissions-actors.csv");
    let view = sc.issue_view(0);
    let mut seen = Vec::new();
    let mut obs = |e: &Event<'_>| {
        if let Event::Round { round, positions, .. } = e {
            seen.push((*round, positions.len()));
        }
        Control::Continue
    };
    let f = Bdm::default().forecast_issue(&view, &Request { issues: None, max_rounds: Some(3) }, &mut obs).unwrap();
    assert_eq!(seen, vec![(1, 10), (2, 10), (3, 10)]);
    assert_eq!(f.rounds(), 3);
    assert_eq!(f.converged, Some(false));

    // The settings' own round count applies when the request names none.
    let mut s = BdmSettings::default();
    s.set("rounds", "4").unwrap();
    let f = Bdm::new(s).forecast_issue(&view, &Request::default(), &mut NoObserver).unwrap();
    assert_eq!(f.rounds(), 4);

    let mut stop_after_two = |e: &Event<'_>| match e {
        Event::Round { round, .. } if *round >= 2 => Control::Stop,
        _ => Control::Continue,
    };
    let err = Bdm::default()
        .forecast_issue(&view, &Request { issues: None, max_rounds: Some(10) }, &mut stop_after_two)
        .unwrap_err();
    assert!(matches!(err, EngineError::Cancelled));
}

#[test]
fn interactions_all_moves_and_none() {
    require_shared!();
    let sc = common::load("ec-emissions-actors.csv");
    let view = sc.issue_view(0);
    let req = Request { issues: None, max_rounds: Some(2) };
    let with = |mode: &str| {
        let mut s = BdmSettings::default();
        s.set("interactions", mode).unwrap();
        Bdm::new(s).forecast_issue(&view, &req, &mut NoObserver).unwrap()
    };
    let all = with("all");
    let moves = with("moves");
    let none = with("none");
    assert!(none.interactions.is_empty());
    // Every move of the log appears, with its mover and new position.
    assert_eq!(moves.interactions.len(), 6);
    for m in &moves.interactions {
        assert_eq!(m.mover, Some(m.actor));
        let hit = all
            .interactions
            .iter()
            .find(|a| a.round == m.round && a.actor == m.actor && a.other == m.other)
            .expect("the move is among all dyads");
        assert_eq!(hit.new_position, m.new_position);
        assert_eq!(hit.kind, m.kind);
    }
    // Round 1: dyads between actors at different positions (4, 7 and 10:
    // 4 + 3 + 3 actors), seen from both sides.
    let round1 = all.interactions.iter().filter(|a| a.round == 1).count();
    assert_eq!(round1, 2 * (4 * 3 + 4 * 3 + 3 * 3));
    assert_eq!(all.trajectory, none.trajectory);
    let auto = Bdm::default().forecast_issue(&view, &req, &mut NoObserver).unwrap();
    assert_eq!(auto.interactions, all.interactions);
    let _ = Interactions::Auto;
}

#[test]
#[allow(clippy::type_complexity)]
fn bad_inputs_are_errors_not_panics() {
    use demarche_bdm::{run, Inputs, Record};
    let s = BdmSettings::default();
    let ok = [1.0, 1.0];
    let cases: [(&[f64], &[f64], &[f64], f64); 5] = [
        (&ok, &[0.0, 1.0], &[0.5], 1.0),
        (&[], &[], &[], 1.0),
        (&ok, &[0.0, f64::NAN], &[0.5, 0.5], 1.0),
        (&ok, &[0.0, 1.0], &[0.5, 1.5], 1.0),
        (&ok, &[0.0, 1.0], &[0.5, 0.5], 0.0),
    ];
    for (c, x, sal, scale) in cases {
        assert!(run(Inputs { capability: c, position: x, salience: sal, scale }, &s, 3, Record::default()).is_err());
    }
    // Everyone agrees: nothing moves, and the run converges at once.
    let out = run(
        Inputs { capability: &[1.0, 2.0], position: &[3.0, 3.0], salience: &[0.5, 0.5], scale: 1.0 },
        &s,
        5,
        Record::default(),
    )
    .unwrap();
    assert!(out.converged);
    assert_eq!(out.positions.last().unwrap(), &vec![3.0, 3.0]);
}
