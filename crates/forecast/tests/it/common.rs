//! Building small one-issue scenarios in code.

use demarche_scenario::*;

/// One issue on [min, max] with the given actors (capability, position, salience).
pub fn one_issue(min: f64, max: f64, sq: Option<f64>, actors: &[(f64, f64, f64)]) -> Scenario {
    Scenario {
        meta: Meta { title: "test".into(), ..Default::default() },
        actors: actors
            .iter()
            .enumerate()
            .map(|(i, &(c, _, _))| Actor {
                id: format!("a{i}"),
                name: format!("A{i}"),
                capability: c,
                ..Default::default()
            })
            .collect(),
        issues: vec![Issue {
            id: "x".into(),
            name: "X".into(),
            min,
            max,
            low: "low".into(),
            high: "high".into(),
            status_quo: sq,
            ..Default::default()
        }],
        stances: actors
            .iter()
            .enumerate()
            .map(|(i, &(_, p, s))| Stance {
                actor: format!("a{i}"),
                issue: "x".into(),
                position: p,
                salience: s,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}
