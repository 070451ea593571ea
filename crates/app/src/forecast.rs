//! Forecasting a scenario with any models, and their bands under the stated
//! uncertainty: the one implementation behind `demarche forecast`, `report`,
//! `demo` and the workbench's `/api/forecast`.

use demarche_engines::Overrides;
use demarche_forecast::{EngineError, Forecast, Observer, Request};
use demarche_scenario::Scenario;
use demarche_sim::uncertainty::ForecastUncertainty;

/// How the models run: options on top of the scenario's `[engines.*]`, and the
/// request (issues, round limit).
#[derive(Clone, Debug, Default)]
pub struct ModelRun {
    pub overrides: Overrides,
    pub request: Request,
}

impl ModelRun {
    /// Options given as `engine.key=value`.
    pub fn with_options(options: &[String], request: Request) -> Result<Self, demarche_engines::OptionError> {
        let mut overrides = Overrides::default();
        for o in options {
            overrides.push_str(o)?;
        }
        Ok(ModelRun { overrides, request })
    }
}

/// Why the models did not run.
#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    /// An unknown model or option.
    #[error(transparent)]
    Options(#[from] demarche_engines::OptionError),
    #[error("{model}: {source}")]
    Engine {
        model: &'static str,
        #[source]
        source: EngineError,
    },
    #[error("no model could run this scenario")]
    NothingRan,
}

/// The forecasts, and the models left out (with why) under `skip_unsupported`.
#[derive(Debug, Default)]
pub struct Forecasts {
    pub forecasts: Vec<Forecast>,
    pub skipped: Vec<(&'static str, EngineError)>,
}

/// Run each model in turn; `before(k, n, model)` is told before each, and
/// `observer` watches every engine (progress, cancellation). With
/// `skip_unsupported` (`--model all`), a model that cannot run this scenario
/// is left out and listed in `skipped` rather than failing the whole run.
pub fn run_models(
    sc: &Scenario,
    models: &[&'static str],
    how: &ModelRun,
    skip_unsupported: bool,
    mut before: impl FnMut(usize, usize, &str),
    observer: &mut dyn Observer,
) -> Result<Forecasts, ForecastError> {
    let mut out = Forecasts::default();
    for (k, m) in models.iter().enumerate() {
        before(k, models.len(), m);
        let engine = demarche_engines::build(m, &sc.engines, &how.overrides)?;
        match engine.forecast(sc, &how.request, observer) {
            Ok(f) => out.forecasts.push(f),
            Err(e @ EngineError::Unsupported { .. }) if skip_unsupported => out.skipped.push((m, e)),
            Err(source) => return Err(ForecastError::Engine { model: m, source }),
        }
    }
    if out.forecasts.is_empty() && !models.is_empty() {
        return Err(ForecastError::NothingRan);
    }
    Ok(out)
}

/// The models that ran on the stated scenario (`stated`), run again on `runs`
/// draws of its stated uncertainty (seeded; identical for any thread count).
pub fn bands(sc: &Scenario, stated: &[Forecast], how: &ModelRun, runs: u32, seed: u64) -> ForecastUncertainty {
    bands_until(sc, stated, how, runs, seed, &demarche_forecast::Unattended)
}

/// Why one draw of a forecast under uncertainty failed (it is then left out
/// of the bands, and the first failure noted).
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    #[error("cancelled")]
    Cancelled,
    #[error(transparent)]
    Option(#[from] demarche_engines::OptionError),
    #[error(transparent)]
    Engine(#[from] demarche_forecast::EngineError),
}

/// [`bands`], telling `control` how many draws are done and asking it before
/// each draw whether to stop (a cancelled draw fails, so the caller should
/// check `control.cancelled()` afterwards and drop the result).
pub fn bands_until(
    sc: &Scenario,
    stated: &[Forecast],
    how: &ModelRun,
    runs: u32,
    seed: u64,
    control: &dyn demarche_forecast::RunControl,
) -> ForecastUncertainty {
    let done = std::sync::atomic::AtomicU64::new(0);
    let run = |draw: &Scenario| -> Result<Vec<Forecast>, DrawError> {
        if control.cancelled() {
            return Err(DrawError::Cancelled);
        }
        let out = stated
            .iter()
            .map(|f| {
                let engine = demarche_engines::build(&f.engine, &draw.engines, &how.overrides)?;
                Ok(demarche_forecast::run(engine.as_ref(), draw, &how.request)?)
            })
            .collect();
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        control.progress(n, u64::from(runs));
        out
    };
    demarche_sim::uncertainty::forecast_uncertainty(sc, stated, runs, seed, run)
}

/// The forecasts as `forecast --format json` prints them (without the final
/// newline), for every front end: the scenario's identity, the forecasts and,
/// when the models also ran under the stated uncertainty, their bands.
pub fn forecasts_json(sc: &Scenario, forecasts: &[Forecast], uncertainty: Option<&ForecastUncertainty>) -> String {
    let mut v = serde_json::json!({
        "scenario": { "title": sc.meta.title, "as_of": sc.meta.as_of },
        "forecasts": forecasts,
    });
    if let Some(u) = uncertainty {
        v["uncertainty"] = serde_json::to_value(u).unwrap_or_default();
    }
    // Plain data with string keys: this cannot fail.
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    /// Counts the draws it is told about; cancels once told to.
    #[derive(Default)]
    struct Watch {
        done: AtomicU64,
        total: AtomicU64,
        stop: AtomicBool,
    }

    impl demarche_forecast::RunControl for Watch {
        fn progress(&self, done: u64, total: u64) {
            self.done.fetch_max(done, Ordering::Relaxed);
            self.total.store(total, Ordering::Relaxed);
        }
        fn cancelled(&self) -> bool {
            self.stop.load(Ordering::Relaxed)
        }
    }

    #[test]
    fn a_failed_draw_says_why_in_the_words_it_had() {
        assert_eq!(DrawError::Cancelled.to_string(), "cancelled");
        let e = DrawError::from(demarche_engines::OptionError::CompromiseHasNoOptions("x".into()));
        assert_eq!(e.to_string(), "the compromise model has no option `x`");
    }

    #[test]
    fn bands_report_their_draws_and_stop_when_cancelled() {
        let sc = demarche_scenario::seed().expect("the seed loads").scenario;
        let how = ModelRun::default();
        let stated = run_models(&sc, &["compromise"], &how, false, |_, _, _| {}, &mut demarche_forecast::NoObserver)
            .unwrap()
            .forecasts;
        let watch = Watch::default();
        let u = bands_until(&sc, &stated, &how, 40, 1, &watch);
        assert_eq!((watch.done.into_inner(), watch.total.into_inner()), (40, 40));
        assert_eq!(u, bands(&sc, &stated, &how, 40, 1), "watching changes nothing");
        let cancelled = Watch { stop: AtomicBool::new(true), ..Watch::default() };
        bands_until(&sc, &stated, &how, 40, 1, &cancelled);
        assert_eq!(cancelled.done.into_inner(), 0, "no draw ran once cancelled");
    }
}
