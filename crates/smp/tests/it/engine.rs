//! The engine on demarche's own scenarios: settings from `[engines.smp]`,
//! inputs KTAB's format cannot express, requests, observers and errors.

use demarche_forecast::{Control, Engine, EngineError, Event, NoObserver, Request};
use demarche_scenario::settings::smp::{BargnModel, VotingRule, WinProbGrouping};
use demarche_scenario::{load_str, Format};
use demarche_smp::{Smp, SmpSettings};

const TOML: &str = r#"
[meta]
title = "Four actors, two issues"

[[actors]]
id = "a"
name = "A"
capability = 100

[[actors]]
id = "b"
name = "B"
capability = 60

[[actors]]
id = "c"
name = "C"
capability = 40

[[actors]]
id = "d"
name = "D"
capability = 80

[[issues]]
id = "tax"
name = "Tax rate"
min = 10
max = 50
low = "10%"
high = "50%"
status_quo = 30

[[issues]]
id = "spend"
name = "Spending"
min = 0
max = 1
low = "none"
high = "all"

[[stances]]
actor = "a"
issue = "tax"
position = 15
salience = 0.9

[[stances]]
actor = "a"
issue = "spend"
position = 0.2
salience = 0.6

[[stances]]
actor = "b"
issue = "tax"
position = 45
salience = 0.5

[[stances]]
actor = "b"
issue = "spend"
position = 0.9
salience = 0.4

[[stances]]
actor = "c"
issue = "tax"
position = 30
salience = 0.7

[[stances]]
actor = "d"
issue = "spend"
position = 0.6
salience = 0.8

[engines.smp]
voting_rule = "PropCbc"
bargn_model = 2
max_turns = 30
win_prob_grouping = "canonical"

[[engines.smp.ideal_adjustment]]
actor = "b"
toward = "b"
rate = 0.5

[[engines.smp.ideal_adjustment]]
actor = "b"
toward = "a"
rate = 0.2
"#;

#[test]
fn settings_come_from_the_scenario_file() {
    let loaded = load_str(TOML, Some(Format::Toml), Some("four.toml")).unwrap();
    let s = loaded.scenario.engines.smp.clone().unwrap();
    assert_eq!(s.voting_rule, VotingRule::PropCbc);
    assert_eq!(s.bargn_model, BargnModel::PWCompInterp);
    assert_eq!(s.max_turns, 30);
    assert_eq!(s.win_prob_grouping, WinProbGrouping::Canonical);
    assert_eq!(s.ideal_adjustment.len(), 2);
    assert_eq!(s.to_ktab_list(), "0,0,0,3,1,1,1,1,2");
}

#[test]
fn bad_settings_in_the_file_are_located() {
    let bad = TOML.replace("voting_rule = \"PropCbc\"", "voting_rule = \"PropCubic\"\nbig_r_adjust = \"Full\"");
    let e = load_str(&bad, Some(Format::Toml), Some("bad.toml")).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("unknown value `PropCubic`") && msg.contains("PropCbc"), "{msg}");
    let e = load_str(&TOML.replace("bargn_model = 2", "bargn_model = 7"), Some(Format::Toml), None).unwrap_err();
    assert!(e.to_string().contains("code 7 is out of range"), "{e}");
    let e =
        load_str(&TOML.replace("max_turns = 30", "max_turns = 30\nturns = 4"), Some(Format::Toml), None).unwrap_err();
    assert!(e.to_string().contains("unknown field `turns`"), "{e}");
}

#[test]
fn runs_on_scales_other_than_ktabs_with_missing_stances_noted() {
    let loaded = load_str(TOML, Some(Format::Toml), Some("four.toml")).unwrap();
    let sc = &loaded.scenario;
    let engine = Smp::for_scenario(sc);
    let f = engine.forecast(sc, &Request::default(), &mut NoObserver).unwrap();
    assert_eq!(f.engine, "smp");
    assert_eq!(f.issues.len(), 2);
    assert_eq!(f.settings["voting_rule"], "PropCbc");
    let joined = f.notes.join("\n");
    assert!(joined.contains("had no stance"), "{joined}");
    assert!(joined.contains("were divided by their total"), "{joined}");
    for iss in &f.issues {
        let scale = sc.issues.iter().find(|i| i.id == iss.issue).unwrap();
        for row in iss.trajectory.iter().chain(&iss.ideals) {
            assert_eq!(row.len(), 4);
            for &x in row {
                assert!(x >= scale.min - 1e-9 && x <= scale.max + 1e-9, "{x} outside [{}, {}]", scale.min, scale.max);
            }
        }
        assert!(iss.outcome >= scale.min && iss.outcome <= scale.max);
        assert_eq!(iss.trajectory.len(), iss.outcome_path.len());
    }
    // Actor C has no stance on spending: it sits at the midpoint (no status quo).
    assert!((f.issues[1].trajectory[0][2] - 0.5).abs() < 1e-12);
    let probs = f.win_probabilities.as_ref().unwrap();
    assert_eq!(probs.len(), f.issues[0].trajectory.len());
    // B's ideal lags its position (accommodation 0.5 to itself, 0.2 to A).
    let last = f.issues[0].ideals.len() - 1;
    if last > 0 {
        assert!(f.issues.iter().any(|i| (i.ideals[last][1] - i.trajectory[last][1]).abs() > 1e-9));
    }
}

#[test]
fn requests_choose_issues_and_bound_turns() {
    let loaded = load_str(TOML, Some(Format::Toml), None).unwrap();
    let sc = &loaded.scenario;
    let req = Request { issues: Some(vec!["tax".into()]), max_rounds: Some(1) };
    let f = Smp::new(SmpSettings::default()).forecast(sc, &req, &mut NoObserver).unwrap();
    assert_eq!(f.issues.len(), 1);
    assert_eq!(f.issues[0].issue, "tax");
    assert_eq!(f.issues[0].trajectory.len(), 2, "one turn after the start");
    // D has no stance on tax: it takes no part, and says so.
    assert_eq!(f.issues[0].participants, vec![0, 1, 2]);
    assert!(f.notes.iter().any(|n| n.contains("take no part") && n.contains('d')), "{:?}", f.notes);
    assert_eq!(f.win_probabilities.as_ref().unwrap()[0][3], 0.0);
    let mut csv = Vec::new();
    demarche_smp::write_trajectory_csv(&f, sc, &mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(text.lines().count(), 1 + 2 * 3, "{text}");
    assert!(text.lines().nth(1).unwrap().starts_with("0,0,A,0,12.5,12.5"), "{text}");
    let bad = Request { issues: Some(vec!["taxes".into()]), max_rounds: None };
    match Smp::default().forecast(sc, &bad, &mut NoObserver) {
        Err(EngineError::UnknownIssue { hint, .. }) => assert!(hint.contains("tax"), "{hint}"),
        other => panic!("expected an unknown-issue error, got {other:?}"),
    }
}

#[test]
fn observers_see_every_turn_and_can_cancel() {
    let loaded = load_str(TOML, Some(Format::Toml), None).unwrap();
    let sc = &loaded.scenario;
    let mut rounds = Vec::new();
    let mut watch = |e: &Event<'_>| {
        if let Event::Round { round, positions, .. } = e {
            rounds.push(*round);
            assert_eq!(positions.len(), 4 * 2);
        }
        Control::Continue
    };
    let f = Smp::default().forecast(sc, &Request::default(), &mut watch).unwrap();
    assert_eq!(rounds, (0..f.issues[0].trajectory.len() as u32).collect::<Vec<_>>());
    let mut stop = |e: &Event<'_>| match e {
        Event::Round { round: 2, .. } => Control::Stop,
        _ => Control::Continue,
    };
    assert!(matches!(Smp::default().forecast(sc, &Request::default(), &mut stop), Err(EngineError::Cancelled)));
}

#[test]
fn unusable_inputs_are_clear_errors() {
    let loaded = load_str(TOML, Some(Format::Toml), None).unwrap();
    let mut sc = loaded.scenario.clone();
    sc.actors.truncate(2);
    sc.stances.retain(|s| s.actor == "a" || s.actor == "b");
    match Smp::default().forecast(&sc, &Request::default(), &mut NoObserver) {
        Err(EngineError::Unsupported { reason, .. }) => assert!(reason.contains("at least 3 actors"), "{reason}"),
        other => panic!("expected an error, got {other:?}"),
    }
    let mut s = SmpSettings::default();
    s.ideal_adjustment.push(demarche_scenario::settings::smp::IdealAdjustment {
        actor: "a".into(),
        toward: "zed".into(),
        rate: 0.5,
    });
    match Smp::new(s).forecast(&loaded.scenario, &Request::default(), &mut NoObserver) {
        Err(EngineError::Unsupported { reason, .. }) => assert!(reason.contains("`zed`"), "{reason}"),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn every_parameter_combination_runs_or_is_refused_clearly() {
    let sc = demarche_smp::random::scenario(9, 2, 5);
    let mut ran = 0;
    for code in 0..(5 * 3 * 6 * 5 * 3 * 3 * 3 * 3) {
        // Walk a sample of the 36,450 combinations (and both transition modes).
        if code % 97 != 0 {
            continue;
        }
        let mut c = code;
        let mut next = |k: usize| {
            let v = c % k;
            c /= k;
            v
        };
        let (vpm, pcem, vr, bra, brr, tpc, ivb, bm) =
            (next(5), next(3), next(6), next(5), next(3), next(3), next(3), next(3));
        let stm = code % 2;
        let list = format!("{vpm},{pcem},{stm},{vr},{bra},{brr},{tpc},{ivb},{bm}");
        match SmpSettings::from_ktab_list(&list) {
            Err(e) => assert!(bra == 4 && e.to_string().contains("Full"), "{list}: {e}"),
            Ok(mut s) => {
                s.max_turns = 10;
                match Smp::new(s).forecast(&sc, &Request::default(), &mut NoObserver) {
                    Ok(f) => {
                        ran += 1;
                        for row in f.win_probabilities.unwrap() {
                            assert!(row.iter().all(|p| p.is_finite() && (0.0..=1.0 + 1e-9).contains(p)), "{list}");
                        }
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        assert!(msg.contains("turn"), "{list}: {msg}");
                    }
                }
            }
        }
    }
    assert!(ran > 200, "only {ran} combinations ran");
}
