//! Shared test fixtures: a small scenario and a forecast of it.

#![allow(dead_code)]

use std::time::SystemTime;

use demarche_forecast::{Compromise, Forecast, Nash, PerIssue, Request};
use demarche_scenario::Scenario;
use demarche_store::NewRun;

pub const SCENARIO: &str = r#"
[meta]
title = "Store test"

[[actors]]
id = "a"
name = "Alpha"
capability = 1.0

[[actors]]
id = "b"
name = "Beta"
capability = 2.0

[[issues]]
id = "x"
name = "Tariff"
min = 0
max = 100
low = "none"
high = "prohibitive"
status_quo = 80

[[stances]]
actor = "a"
issue = "x"
position = 20
salience = 1.0

[[stances]]
actor = "b"
issue = "x"
position = 50
salience = 0.5
"#;

pub fn scenario() -> Scenario {
    demarche_scenario::load_str(SCENARIO, Some(demarche_scenario::Format::Toml), None).unwrap().scenario
}

pub fn forecasts(sc: &Scenario) -> Vec<Forecast> {
    let compromise = PerIssue(Compromise);
    let nash = PerIssue(Nash { settings: Default::default() });
    vec![
        demarche_forecast::run(&compromise, sc, &Request::default()).unwrap(),
        demarche_forecast::run(&nash, sc, &Request::default()).unwrap(),
    ]
}

pub fn new_run<'a>(sc: &'a Scenario, fs: &'a [Forecast]) -> NewRun<'a> {
    NewRun::forecast(sc, fs, serde_json::json!({"model": "all"}), "0.1.0-test", SystemTime::now())
}
