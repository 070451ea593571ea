//! What one request may cost, checked before any work starts.
//!
//! A request's cost comes from the request *and* from the scenario it carries
//! (a scenario's own `[engines.bdm] rounds` or `[simulation] runs` count the
//! same as the request's), so both are read here. The ceilings are generous for
//! analysis (the seed with every model, 2,000 draws, or 20,000 simulation runs
//! fits) and refuse what would hold a core for minutes.

use axum::http::StatusCode;
use demarche_scenario::Scenario;

use crate::error::ApiError;

/// Ceilings on the work and memory one server spends.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Rounds (bdm) or turns (smp) one forecast may run per issue.
    pub max_rounds: u32,
    /// Draws of the stated uncertainty one forecast may ask for.
    pub max_draws: u32,
    /// Monte Carlo runs of one simulation.
    pub max_sim_runs: u32,
    /// Rounds of one simulated negotiation (`[simulation] deadline_rounds`).
    pub max_sim_rounds: u32,
    /// Grid points per issue of a simulation's zone of agreement.
    pub max_sim_resolution: u32,
    /// Actors × issues of a scenario the server runs models on.
    pub max_cells: usize,
    /// Estimated work units of one forecast (see [`forecast_cost`]).
    pub max_work: f64,
    /// Largest answer (JSON) one request may produce, in bytes.
    pub max_answer_bytes: usize,
    /// Pieces of work (forecasts, jobs, simulations) running at once.
    pub max_running: usize,
    /// Pieces of work waiting for a free worker; beyond this, 429.
    pub max_waiting: usize,
    /// Bytes of finished job results kept in memory; the oldest are dropped.
    pub results_budget_bytes: usize,
    /// Open connections; more are closed at once.
    pub max_connections: usize,
    /// A client has this long to send its request line and headers.
    pub header_timeout: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_rounds: 1_000,
            max_draws: 2_000,
            max_sim_runs: 20_000,
            max_sim_rounds: 200,
            max_sim_resolution: 1 << 14,
            max_cells: 20_000,
            max_work: 2e9,
            max_answer_bytes: 32 << 20,
            max_running: 4,
            max_waiting: 16,
            results_budget_bytes: 128 << 20,
            max_connections: 128,
            header_timeout: std::time::Duration::from_secs(10),
        }
    }
}

fn too_much(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, message)
}

/// What one forecast request would run.
pub struct ForecastPlan<'a> {
    pub models: &'a [&'static str],
    /// The request's `rounds` (wins over the scenario's settings).
    pub rounds: Option<u32>,
    /// Draws of the stated uncertainty (0: none).
    pub draws: u32,
    /// Options given with the request (`bdm.rounds=…` counts like the scenario's).
    pub overrides: &'a demarche_engines::Overrides,
}

/// Rounds engine `model` would run per issue, and where that number comes from.
fn rounds_of(model: &str, sc: &Scenario, plan: &ForecastPlan<'_>) -> (u64, &'static str) {
    if let Some(r) = plan.rounds {
        return (u64::from(r), "the request's `rounds`");
    }
    let option = |key: &str| {
        plan.overrides
            .entries
            .iter()
            .rev()
            .find(|(e, k, _)| e == model && k == key)
            .and_then(|(_, _, v)| v.parse().ok())
    };
    match model {
        "bdm" => match option("rounds") {
            Some(r) => (r, "the option `bdm.rounds`"),
            None => {
                (u64::from(sc.engines.bdm.clone().unwrap_or_default().rounds), "the scenario's `[engines.bdm] rounds`")
            }
        },
        "exchange" => match option("rounds") {
            Some(r) => (r, "the option `exchange.rounds`"),
            None => (
                u64::from(sc.engines.exchange.clone().unwrap_or_default().rounds),
                "the scenario's `[engines.exchange] rounds`",
            ),
        },
        "smp" => match option("max_turns") {
            Some(r) => (r, "the option `smp.max_turns`"),
            None => (
                u64::from(sc.engines.smp.clone().unwrap_or_default().max_turns),
                "the scenario's `[engines.smp] max_turns`",
            ),
        },
        _ => (1, ""),
    }
}

/// Estimated work units of a forecast: per model and draw, rounds × issues ×
/// actors² for the iterative models (every dyad is looked at each round), one
/// pass over the stances for the closed-form ones.
pub fn forecast_cost(sc: &Scenario, plan: &ForecastPlan<'_>) -> f64 {
    let n = sc.actors.len() as f64;
    let issues = sc.issues.len() as f64;
    let per_draw: f64 = plan
        .models
        .iter()
        .map(|m| match *m {
            "bdm" | "smp" => rounds_of(m, sc, plan).0 as f64 * issues * n * n,
            // Every pick of a round re-ranks the round's candidate exchanges (up to
            // a quarter of the actor pairs on each pair of issues).
            "exchange" => {
                let candidates = issues * (issues - 1.0) / 2.0 * n * n / 4.0;
                rounds_of(m, sc, plan).0 as f64 * candidates * candidates
            }
            _ => issues * n,
        })
        .sum();
    per_draw * (1.0 + f64::from(plan.draws))
}

/// Refuse a forecast whose cost is over the ceilings, saying which number to lower.
pub fn check_forecast(limits: &Limits, sc: &Scenario, plan: &ForecastPlan<'_>) -> Result<(), ApiError> {
    check_size(limits, sc)?;
    for m in plan.models {
        let (rounds, from) = rounds_of(m, sc, plan);
        if rounds > u64::from(limits.max_rounds) {
            return Err(too_much(format!(
                "{m} would run {rounds} rounds per issue ({from}); the workbench runs at most {}. Ask for fewer \
                 `rounds`, or run it with the command line (`demarche forecast`)",
                limits.max_rounds
            )));
        }
    }
    if plan.draws > limits.max_draws {
        return Err(too_much(format!("`runs` must be between 1 and {}", limits.max_draws)));
    }
    let cost = forecast_cost(sc, plan);
    if cost > limits.max_work {
        return Err(too_much(format!(
            "this forecast is too large for the workbench: about {cost:.1e} units of work (rounds × issues × \
             actors² × (draws + 1)) against a limit of {:.1e}. Ask for fewer rounds, draws or models, or use the \
             command line",
            limits.max_work
        )));
    }
    Ok(())
}

/// Refuse a scenario too large to run models on in the workbench.
pub fn check_size(limits: &Limits, sc: &Scenario) -> Result<(), ApiError> {
    let cells = sc.actors.len().saturating_mul(sc.issues.len());
    if cells > limits.max_cells {
        return Err(too_much(format!(
            "{} actors × {} issues is more than the workbench runs models on ({} cells); use the command line",
            sc.actors.len(),
            sc.issues.len(),
            limits.max_cells
        )));
    }
    Ok(())
}

/// Refuse a simulation whose effective settings (the scenario's `[simulation]`
/// table with the request's values on top) are over the ceilings.
pub fn check_simulation(
    limits: &Limits,
    sc: &Scenario,
    settings: &demarche_scenario::settings::simulation::SimulationSettings,
    runs_from_request: bool,
) -> Result<(), ApiError> {
    check_size(limits, sc)?;
    if settings.runs > limits.max_sim_runs {
        let from = if runs_from_request { "`runs`" } else { "the scenario's `[simulation] runs`" };
        return Err(too_much(format!(
            "{from} is {}; the workbench simulates at most {} runs (send `runs` to choose fewer, or use `demarche \
             simulate`)",
            settings.runs, limits.max_sim_runs
        )));
    }
    if settings.deadline_rounds > limits.max_sim_rounds {
        return Err(too_much(format!(
            "the scenario's `[simulation] deadline_rounds` is {}; the workbench simulates at most {} rounds",
            settings.deadline_rounds, limits.max_sim_rounds
        )));
    }
    if settings.resolution > limits.max_sim_resolution {
        return Err(too_much(format!(
            "the scenario's `[simulation] resolution` is {}; the workbench allows at most {}",
            settings.resolution, limits.max_sim_resolution
        )));
    }
    Ok(())
}

/// An answer as JSON text, refused when larger than the ceiling.
pub fn answer_text(limits: &Limits, answer: &serde_json::Value) -> Result<String, ApiError> {
    let text =
        serde_json::to_string(answer).map_err(|e| ApiError::internal(format!("cannot write the answer: {e}")))?;
    if text.len() > limits.max_answer_bytes {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "the answer would be {:.1} MiB, more than the workbench's limit of {} MiB; ask for `charts: false`, \
                 fewer rounds or fewer models",
                text.len() as f64 / f64::from(1 << 20),
                limits.max_answer_bytes >> 20
            ),
        ));
    }
    Ok(text)
}
