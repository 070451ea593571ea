//! KTAB's Spatial Model of Politics (SMP), reimplemented.
//!
//! The SMP (Wise, Efird, Lester et al., KAPSARC; the KAPSARC Toolkit for
//! Behavioral Analysis) forecasts multi-dimensional bargaining: each actor has
//! a capability, a position on every issue (dimension) and a salience for it.
//! Every turn, each actor estimates — through its own view of everyone's risk
//! attitude — which challenge would gain it most, the pair interpolates a
//! bargain, and every actor then adopts the proposal (or keeps its position)
//! that a probabilistic Condorcet election among the proposals involving it
//! favours. Ideals may drift toward positions. The run stops when a turn moves
//! the actors less than 2% as much as the first did.
//!
//! Deterministic runs reproduce KTAB (lsyaseen/KTAB) number for number: every
//! formula keeps KTAB's order of floating-point operations, quirks included
//! (see docs/models.md, `## smp`). What is faster is the work per turn: KTAB
//! fills logging tables with an O(n⁴) sweep nobody reads; this crate skips it,
//! computes each value once, prunes challenges that cannot win, vectorises the
//! inner loops and spreads them over threads with fixed-order reductions, so
//! results are bit-identical whatever the thread count.
//!
//! Entry points: [`Smp`] (the [`Engine`]), [`write_trajectory_csv`] and
//! [`write_probability_csv`] (KTAB-style output files), [`random`] (random
//! scenarios for benchmarks). Settings are
//! [`SmpSettings`](demarche_scenario::settings::smp::SmpSettings).

// Index loops mirror KTAB's formulas term by term; NaN-aware negated
// comparisons (`!(x > 0.0)`) are deliberate.
#![allow(clippy::needless_range_loop, clippy::too_many_arguments, clippy::neg_cmp_op_on_partial_ord)]

pub mod challenge;
pub mod input;
pub mod kernels;
pub mod model;
pub mod output;
pub mod pce;
pub mod random;
pub mod rules;
pub mod run;
pub mod turn;

use std::collections::BTreeMap;

use demarche_forecast::engine::{actor_refs, select_issues};
use demarche_forecast::{Control, Engine, EngineError, Event, Forecast, IssueForecast, Observer, Request};
use demarche_scenario::Scenario;

pub use demarche_scenario::settings::smp::SmpSettings;
pub use output::{write_probability_csv, write_trajectory_csv};
pub use run::{History, Stopping};

/// The SMP engine.
#[derive(Clone, Debug, Default)]
pub struct Smp {
    pub settings: SmpSettings,
}

impl Smp {
    pub fn new(settings: SmpSettings) -> Self {
        Smp { settings }
    }

    /// The engine with the scenario's own `[engines.smp]` settings (KTAB
    /// defaults if it has none).
    pub fn for_scenario(scenario: &Scenario) -> Self {
        Smp { settings: scenario.engines.smp.clone().unwrap_or_default() }
    }

    /// Run and return the raw history (states on the [0,1] scale).
    pub fn history(
        &self,
        scenario: &Scenario,
        request: &Request,
        observer: &mut dyn Observer,
    ) -> Result<(input::Prepared, History), EngineError> {
        let issues = select_issues(scenario, request)?;
        let prepared = input::prepare(scenario, &issues, &self.settings)
            .map_err(|e| EngineError::Unsupported { engine: "smp", reason: e.to_string() })?;
        let stop = self.stopping(request);
        let m = &prepared.model;
        let scales: Vec<(f64, f64)> =
            prepared.issues.iter().map(|&i| (scenario.issues[i].min, scenario.issues[i].max)).collect();
        let mut buf = Vec::new();
        let mut watch = |turn: usize, s: &model::State, _: &model::Assessed| -> bool {
            buf.clear();
            for a in 0..m.n {
                for (k, &(lo, hi)) in scales.iter().enumerate() {
                    buf.push(lo + s.pos[a * m.dims + k] * (hi - lo));
                }
            }
            // (positions of the participating actors, actor-major)
            observer.observe(&Event::Round { issue: "", round: turn as u32, positions: &buf }) == Control::Continue
        };
        let h = run::run(m, prepared.start.clone(), stop, self.settings.seed, &mut watch).map_err(|e| match e {
            run::RunError::Cancelled => EngineError::Cancelled,
            run::RunError::Model(e) => EngineError::Unsupported { engine: "smp", reason: e.to_string() },
        })?;
        Ok((prepared, h))
    }

    fn stopping(&self, request: &Request) -> Stopping {
        let max = request.max_rounds.map(|r| r as usize).unwrap_or(self.settings.max_turns as usize).max(1);
        Stopping {
            min_turns: (self.settings.min_turns as usize).min(max),
            max_turns: max,
            movement_ratio: self.settings.movement_ratio,
        }
    }
}

impl Engine for Smp {
    fn name(&self) -> &'static str {
        "smp"
    }

    fn settings(&self) -> BTreeMap<String, String> {
        self.settings.entries()
    }

    fn forecast(
        &self,
        scenario: &Scenario,
        request: &Request,
        observer: &mut dyn Observer,
    ) -> Result<Forecast, EngineError> {
        let (prepared, h) = self.history(scenario, request, observer)?;
        let f = to_forecast(self, scenario, &prepared, &h);
        for issue in &f.issues {
            demarche_forecast::check_finite("smp", issue)?;
        }
        Ok(f)
    }
}

/// The history on the scenario's scales.
fn to_forecast(engine: &Smp, scenario: &Scenario, prepared: &input::Prepared, h: &History) -> Forecast {
    let m = &prepared.model;
    let (n, dims) = (m.n, m.dims);
    let turns = h.states.len() - 1;
    let issues = prepared
        .issues
        .iter()
        .enumerate()
        .map(|(k, &ix)| {
            let iss = &scenario.issues[ix];
            let scale = |x: f64| iss.min + x * (iss.max - iss.min);
            let trajectory: Vec<Vec<f64>> =
                h.states.iter().map(|s| (0..n).map(|a| scale(s.pos[a * dims + k])).collect()).collect();
            let ideals: Vec<Vec<f64>> =
                h.states.iter().map(|s| (0..n).map(|a| scale(s.ideal[a * dims + k])).collect()).collect();
            // The expected outcome: positions weighted by their chance of prevailing.
            let outcome_path: Vec<f64> = h
                .states
                .iter()
                .zip(&h.assessed)
                .map(|(s, a)| {
                    let mut x = 0.0;
                    for (u, &rep) in a.unique.iter().enumerate() {
                        x += a.unique_prob[u] * s.pos[rep * dims + k];
                    }
                    scale(x)
                })
                .collect();
            let outcome = outcome_path.last().copied().unwrap_or(f64::NAN);
            let mut stats = BTreeMap::new();
            stats.insert("turns".to_string(), turns as f64);
            IssueForecast {
                issue: iss.id.clone(),
                outcome,
                participants: prepared.actors.clone(),
                trajectory,
                ideals,
                outcome_path,
                converged: Some(h.converged),
                interactions: Vec::new(),
                stats,
                notes: Vec::new(),
            }
        })
        .collect();
    let mut notes = prepared.notes.clone();
    notes.push(if h.converged {
        format!("converged after {turns} turns (movement below the stopping ratio)")
    } else {
        format!("stopped at the turn limit ({turns} turns) before the movement test was met")
    });
    notes.push(
        "outcome: each issue's expected outcome, the positions weighted by their probability of prevailing".into(),
    );
    Forecast {
        engine: "smp".into(),
        settings: engine.settings.entries(),
        actors: actor_refs(scenario),
        issues,
        // Actors that take no part hold no position that could prevail.
        exchanges: None,
        win_probabilities: Some(
            h.assessed
                .iter()
                .map(|a| {
                    let mut row = vec![0.0; scenario.actors.len()];
                    for (m, &x) in prepared.actors.iter().enumerate() {
                        row[x] = a.win_prob[m];
                    }
                    row
                })
                .collect(),
        ),
        notes,
    }
}
