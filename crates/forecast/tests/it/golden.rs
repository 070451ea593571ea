//! Hand-checkable cases for the closed-form engines.

use super::common;

use common::one_issue;
use demarche_forecast::{run, Compromise, Nash, PerIssue, Request};
use demarche_scenario::settings::nash::{Disagreement, NashSettings};

fn compromise(sc: &demarche_scenario::Scenario) -> f64 {
    run(&PerIssue(Compromise), sc, &Request::default()).unwrap().issues[0].outcome
}

fn nash(sc: &demarche_scenario::Scenario, d: Disagreement) -> (f64, Vec<String>) {
    let f = run(&PerIssue(Nash { settings: NashSettings { disagreement: d } }), sc, &Request::default()).unwrap();
    (f.issues[0].outcome, f.issues[0].notes.clone())
}

#[test]
fn compromise_is_the_capability_salience_weighted_mean() {
    // weights 1·1 = 1, 2·0.5 = 1, 1·0.5 = 0.5 → (20 + 50 + 30) / 2.5 = 40
    let sc = one_issue(0.0, 100.0, Some(80.0), &[(1.0, 20.0, 1.0), (2.0, 50.0, 0.5), (1.0, 60.0, 0.5)]);
    assert!((compromise(&sc) - 40.0).abs() < 1e-12);
}

#[test]
fn compromise_with_all_zero_saliences_falls_back_to_capability() {
    let sc = one_issue(0.0, 10.0, None, &[(1.0, 0.0, 0.0), (3.0, 8.0, 0.0)]);
    assert!((compromise(&sc) - 6.0).abs() < 1e-12);
}

#[test]
fn nash_on_one_side_of_the_status_quo_gives_the_midpoint_of_the_feasible_interval() {
    // Both below the status quo 100: gains are 100 − x and 20 + x on [−20, 40] → equal
    // weights equalise gains at x = 40, the ideal of the party nearer the status quo.
    let sc = one_issue(0.0, 100.0, Some(100.0), &[(1.0, 0.0, 1.0), (1.0, 40.0, 1.0)]);
    let (x, _) = nash(&sc, Disagreement::StatusQuo);
    assert!((x - 40.0).abs() < 1e-9, "{x}");
}

#[test]
fn nash_weights_tilt_toward_the_stronger_party() {
    // max w₁ ln(100 − x) + w₂ ln(20 + x): x = (−20 w₁ + 100 w₂) / (w₁ + w₂), capped at 40.
    // w = (3, 1) → x = 10.
    let sc = one_issue(0.0, 100.0, Some(100.0), &[(3.0, 0.0, 1.0), (1.0, 40.0, 1.0)]);
    assert!((nash(&sc, Disagreement::StatusQuo).0 - 10.0).abs() < 1e-9);
    // w = (1, 3) → 70, capped at the kink 40.
    let sc = one_issue(0.0, 100.0, Some(100.0), &[(1.0, 0.0, 1.0), (3.0, 40.0, 1.0)]);
    assert!((nash(&sc, Disagreement::StatusQuo).0 - 40.0).abs() < 1e-9);
    // w = (2, 0.5·1) via salience: x = (−40 + 50) / 2.5 = 4.
    let sc = one_issue(0.0, 100.0, Some(100.0), &[(2.0, 0.0, 1.0), (1.0, 40.0, 0.5)]);
    assert!((nash(&sc, Disagreement::StatusQuo).0 - 4.0).abs() < 1e-9);
}

#[test]
fn nash_with_actors_on_both_sides_of_the_status_quo_is_deadlock() {
    let sc = one_issue(0.0, 100.0, Some(50.0), &[(1.0, 20.0, 1.0), (1.0, 80.0, 1.0)]);
    let (x, notes) = nash(&sc, Disagreement::StatusQuo);
    assert_eq!(x, 50.0);
    assert!(notes.iter().any(|n| n.contains("deadlock")), "{notes:?}");
}

#[test]
fn nash_worst_disagreement_on_a_symmetric_case_is_the_midpoint() {
    let sc = one_issue(0.0, 100.0, Some(50.0), &[(1.0, 20.0, 1.0), (1.0, 80.0, 1.0)]);
    let (x, _) = nash(&sc, Disagreement::Worst);
    assert!((x - 50.0).abs() < 1e-9, "{x}");
}

#[test]
fn nash_without_a_status_quo_uses_the_worst_point_and_says_so() {
    let sc = one_issue(0.0, 100.0, None, &[(1.0, 20.0, 1.0), (1.0, 80.0, 1.0)]);
    let (x, notes) = nash(&sc, Disagreement::StatusQuo);
    assert!((x - 50.0).abs() < 1e-9);
    assert!(notes.iter().any(|n| n.contains("no status quo")));
}
