//! Forecasts under the stances' stated uncertainty: every stance's position
//! and salience drawn from its `position_sd` / `salience_sd` (a normal
//! truncated to the red line ∩ scale, and to [0, 1]), the forecasting models
//! run on each draw, and each model's outcome per issue summarised by its
//! median and 10–90 % band.
//!
//! The models are whatever the caller runs (a closure from a scenario to
//! forecasts), so this module knows no engine. Run i draws from ChaCha8
//! seeded by (seed, i) and results are kept in run order: the same seed gives
//! the same bands whatever the number of threads.

use demarche_forecast::Forecast;
use demarche_scenario::Scenario;
use rayon::prelude::*;
use serde::Serialize;

use crate::dist::truncated_normal;
use crate::report::{summarise, Summary};

/// Most runs one analysis may ask for (memory grows with runs × models × issues).
pub const MAX_RUNS: u32 = 100_000;

/// One model's outcome on one issue: as stated, and over the draws.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Band {
    pub engine: String,
    pub issue: String,
    /// The outcome on the stated positions and saliences.
    pub stated: f64,
    /// Over the runs where the model gave an outcome (`None` if it never did).
    pub summary: Option<Summary>,
    pub runs: u32,
}

/// Every model's bands, issue by issue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForecastUncertainty {
    pub runs: u32,
    pub seed: u64,
    /// Stances with a positive position or salience spread (the rest stay as stated).
    pub uncertain_stances: usize,
    pub bands: Vec<Band>,
    /// Runs in which a model failed, with the first error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The scenario of run `index`: each stance's position and salience drawn
/// from its spread.
pub fn draw(sc: &Scenario, seed: u64, index: u64) -> Scenario {
    let u = crate::uniforms(seed, index, 2 * sc.stances.len());
    let mut out = sc.clone();
    for (k, s) in out.stances.iter_mut().enumerate() {
        let Some(issue) = sc.issues.iter().find(|i| i.id == s.issue) else { continue };
        let (mut lo, mut hi) = (issue.min, issue.max);
        if let Some([a, b]) = s.red_line {
            (lo, hi) = (lo.max(a), hi.min(b));
        }
        s.position = truncated_normal(u[2 * k], s.position, s.position_sd.unwrap_or(0.0), lo, hi);
        s.salience = truncated_normal(u[2 * k + 1], s.salience, s.salience_sd.unwrap_or(0.0), 0.0, 1.0);
    }
    out
}

/// Runs `forecast` on `runs` draws of `sc` and summarises each model's
/// outcome per issue; `stated` are the forecasts on the scenario as written
/// (they fix which models and issues are reported, in their order). A draw
/// whose forecast fails is left out, and the first failure noted.
pub fn forecast_uncertainty<F, E>(
    sc: &Scenario,
    stated: &[Forecast],
    runs: u32,
    seed: u64,
    forecast: F,
) -> ForecastUncertainty
where
    F: Fn(&Scenario) -> Result<Vec<Forecast>, E> + Sync,
    E: std::fmt::Display + Send,
{
    let runs = runs.min(MAX_RUNS);
    // (forecast index, issue id) of every reported outcome, in output order.
    let slots: Vec<(usize, &str, f64)> = stated
        .iter()
        .enumerate()
        .flat_map(|(f, fc)| fc.issues.iter().map(move |i| (f, i.issue.as_str(), i.outcome)))
        .collect();
    let outcomes: Vec<Result<Vec<f64>, E>> = (0..runs as u64)
        .into_par_iter()
        .map(|i| {
            let fs = forecast(&draw(sc, seed, i))?;
            Ok(slots
                .iter()
                .map(|&(f, issue, _)| {
                    fs.iter()
                        .find(|x| x.engine == stated[f].engine)
                        .and_then(|x| x.issues.iter().find(|y| y.issue == issue))
                        .map_or(f64::NAN, |y| y.outcome)
                })
                .collect())
        })
        .collect();
    let mut notes = Vec::new();
    let failed: Vec<&E> = outcomes.iter().filter_map(|r| r.as_ref().err()).collect();
    if let Some(first) = failed.first() {
        notes.push(format!("{} of {runs} runs failed and are left out; the first: {first}", failed.len()));
    }
    let ok: Vec<&Vec<f64>> = outcomes.iter().filter_map(|r| r.as_ref().ok()).collect();
    let bands = slots
        .iter()
        .enumerate()
        .map(|(k, &(f, issue, stated_outcome))| {
            let values: Vec<f64> = ok.iter().map(|v| v[k]).collect();
            Band {
                engine: stated[f].engine.clone(),
                issue: issue.to_string(),
                stated: stated_outcome,
                runs: values.iter().filter(|x| x.is_finite()).count() as u32,
                summary: summarise(&values),
            }
        })
        .collect();
    let uncertain_stances = sc
        .stances
        .iter()
        .filter(|s| s.position_sd.is_some_and(|x| x > 0.0) || s.salience_sd.is_some_and(|x| x > 0.0))
        .count();
    ForecastUncertainty { runs, seed, uncertain_stances, bands, notes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_forecast::{Compromise, PerIssue, Request};

    fn scenario() -> Scenario {
        demarche_scenario::load_str(
            r#"
[meta]
title = "t"
[[actors]]
id = "a"
name = "A"
capability = 1
[[actors]]
id = "b"
name = "B"
capability = 1
[[issues]]
id = "x"
name = "X"
min = 0
max = 100
low = "none"
high = "all"
[[stances]]
actor = "a"
issue = "x"
position = 20
salience = 1
position_sd = 10
red_line = [10, 30]
[[stances]]
actor = "b"
issue = "x"
position = 80
salience = 1
"#,
            Some(demarche_scenario::Format::Toml),
            None,
        )
        .unwrap()
        .scenario
    }

    fn compromise(sc: &Scenario) -> Result<Vec<Forecast>, String> {
        demarche_forecast::run(&PerIssue(Compromise), sc, &Request::default())
            .map(|f| vec![f])
            .map_err(|e| e.to_string())
    }

    #[test]
    fn draws_stay_within_red_lines_and_scales_and_the_band_brackets_the_stated_outcome() {
        let sc = scenario();
        for i in 0..200 {
            let d = draw(&sc, 3, i);
            assert!((10.0..=30.0).contains(&d.stances[0].position), "{}", d.stances[0].position);
            assert_eq!(d.stances[1].position, 80.0, "no spread, no draw");
            assert!(!demarche_scenario::validate::validate(&d).has_errors(), "a draw is a valid scenario");
        }
        let stated = compromise(&sc).unwrap();
        let u = forecast_uncertainty(&sc, &stated, 400, 3, compromise);
        assert_eq!(u.uncertain_stances, 1);
        let b = &u.bands[0];
        let s = b.summary.clone().unwrap();
        assert_eq!((b.runs, b.stated), (400, 50.0));
        // The mean of a (20 ± spread, 80) pair moves by half the draw: within (45, 55).
        assert!(45.0 <= s.p10 && s.p10 < 50.0 && 50.0 < s.p90 && s.p90 <= 55.0, "{s:?}");
    }

    #[test]
    fn the_same_seed_gives_the_same_bands_whatever_the_thread_count() {
        let sc = scenario();
        let stated = compromise(&sc).unwrap();
        let with = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| forecast_uncertainty(&sc, &stated, 300, 11, compromise))
        };
        assert_eq!(with(1), with(2));
        assert_ne!(with(1), forecast_uncertainty(&sc, &stated, 300, 12, compromise), "another seed, other draws");
    }
}
