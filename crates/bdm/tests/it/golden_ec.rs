//! The default settings reproduce the public Python replication's log of the
//! EC car-emissions case (Scholz et al. 2011), round by round.

use super::common;

use demarche_bdm::{explain::phrase, run, Bdm, BdmSettings, Inputs, Preset, Record};
use demarche_forecast::{IssueEngine, NoObserver, Request};

const TOL: f64 = 1e-6;

fn close(a: f64, b: f64, what: &str) {
    if std::env::var_os("BDM_SHOW_DEVIATION").is_some() {
        eprintln!("deviation {:e} {what}", (a - b).abs());
    }
    assert!((a - b).abs() <= TOL * b.abs().max(1.0), "{what}: got {a}, the log says {b}");
}

#[test]
fn default_settings_reproduce_the_ec_emissions_log() {
    require_shared!();
    let text = std::fs::read_to_string(common::shared("ec-emissions-scholz-10-rounds.log")).unwrap();
    let log = common::parse_log(&text);
    assert_eq!(log.rounds.len(), 10);
    let sc = common::load("ec-emissions-actors.csv");
    let view = sc.issue_view(0);
    let names: Vec<String> = sc.actors.iter().map(|a| a.name.clone()).collect();
    let settings = BdmSettings::default();
    assert_eq!(settings.matching_preset(), Some(Preset::ScholzReplication));
    let inputs = Inputs {
        capability: &view.capability,
        position: &view.position,
        salience: &view.salience,
        scale: view.issue.range(),
    };
    let out = run(inputs, &settings, 10, Record::default()).unwrap();
    assert_eq!(out.rounds.len(), 10, "the run stopped early");

    // Round 0: the true weighted median and the mean.
    close(out.median[0], log.median[0], "median before round 1");
    close(out.mean[0], log.mean[0], "mean before round 1");

    // The log's positions: the input, then each round's moves.
    let mut expected = view.position.clone();
    for (t, moves) in log.rounds.iter().enumerate() {
        let report = &out.rounds[t];
        let ours: Vec<_> = report.moves.iter().enumerate().filter_map(|(i, m)| m.map(|m| (i, m))).collect();
        assert_eq!(ours.len(), moves.len(), "round {}: number of moves", t + 1);
        for ((i, mv), lm) in ours.iter().zip(moves) {
            let ctx = format!("round {} {}", t + 1, lm.actor);
            assert_eq!(names[*i], lm.actor, "{ctx}: who moves");
            assert_eq!(names[mv.other], lm.other, "{ctx}: towards whom");
            assert_eq!(phrase(mv.kind), lm.verb, "{ctx}: classification");
            close(mv.own_eu, lm.own_eu, &format!("{ctx}: own EU"));
            close(mv.other_eu, lm.other_eu, &format!("{ctx}: other's EU"));
            close(mv.new_position, lm.new_position, &format!("{ctx}: new position"));
            expected[*i] = lm.new_position;
        }
        for (i, (&got, &want)) in out.positions[t + 1].iter().zip(&expected).enumerate() {
            close(got, want, &format!("round {} position of {}", t + 1, names[i]));
        }
        close(out.mean[t + 1], log.mean[t + 1], &format!("round {} mean", t + 1));
        // The replication's quirk: after round 0 its "Median position" is the mean.
        close(log.median[t + 1], log.mean[t + 1], "the log's median line");
    }

    // The engine gives the same trajectory, and the mean as its outcome.
    let f =
        Bdm::default().forecast_issue(&view, &Request { issues: None, max_rounds: Some(10) }, &mut NoObserver).unwrap();
    assert_eq!(f.trajectory, out.positions);
    for (t, &m) in log.mean.iter().enumerate() {
        close(f.outcome_path[t], m, &format!("outcome after round {t}"));
    }
    assert_eq!(f.converged, Some(false));
    assert_eq!(f.stats["rounds"], 10.0);
}

#[test]
fn explanation_reads_like_the_log() {
    require_shared!();
    let sc = common::load("ec-emissions-actors.csv");
    let view = sc.issue_view(0);
    let names: Vec<String> = sc.actors.iter().map(|a| a.name.clone()).collect();
    let inputs = Inputs {
        capability: &view.capability,
        position: &view.position,
        salience: &view.salience,
        scale: view.issue.range(),
    };
    let out = run(inputs, &BdmSettings::default(), 10, Record::default()).unwrap();
    let text = demarche_bdm::explain::explain(&out, &names);
    let parsed = common::parse_log(&text);
    let text = std::fs::read_to_string(common::shared("ec-emissions-scholz-10-rounds.log")).unwrap();
    let log = common::parse_log(&text);
    assert_eq!(parsed.rounds.len(), log.rounds.len());
    for (a, b) in parsed.rounds.iter().zip(&log.rounds) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert_eq!((&x.actor, x.verb, &x.other), (&y.actor, y.verb, &y.other));
            close(x.new_position, y.new_position, "explained new position");
        }
    }
}
