//! `--format json`: the forecasts as they are, plus the scenario's identity.

use demarche_forecast::Forecast;
use demarche_scenario::Scenario;

pub fn forecasts(sc: &Scenario, forecasts: &[Forecast]) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&serde_json::json!({
        "scenario": { "title": sc.meta.title, "as_of": sc.meta.as_of },
        "forecasts": forecasts,
    }))
}
