//! Stokman & Van Oosten's exchange model of voting positions (the Equal Gain
//! variant), as decide-exchange-model computes it: see [`model`].
//!
//! [`Exchange`] is the engine (`--model exchange`): it reads a scenario's stances
//! (positions on each issue's scale, saliences) and the actors' capabilities as
//! their power, runs the model on decide's 0–100 scale and reports, on the
//! issues' own scales, each actor's position after every round, each issue's
//! outcome, and every executed exchange with its gains and externalities.

#![forbid(unsafe_code)]

pub mod model;

use std::collections::BTreeMap;

use demarche_forecast::engine::{actor_refs, select_issues};
use demarche_forecast::{
    Control, Engine, EngineError, Event, ExchangeSide, Exchanges, ExecutedExchange, Externality, Forecast,
    IssueForecast, NearTie, Observer, Request,
};
use demarche_scenario::Scenario;

pub use demarche_scenario::settings::exchange::ExchangeSettings;

/// The exchange engine.
#[derive(Clone, Debug, Default)]
pub struct Exchange {
    pub settings: ExchangeSettings,
}

impl Exchange {
    pub fn new(settings: ExchangeSettings) -> Self {
        Exchange { settings }
    }

    fn options(&self, request: &Request) -> model::Options {
        model::Options {
            rounds: request.max_rounds.map_or(self.settings.rounds, |r| r.min(self.settings.rounds)),
            gain_tie: self.settings.gain_tie,
            nbs_tie: self.settings.nbs_tie,
            near_tie: self.settings.near_tie,
        }
    }
}

/// The scenario's issues as the model sees them: every stance at
/// `(position − min)·100/(max − min)`, power = capability.
struct Prepared {
    issues: Vec<usize>,
    input: model::Input,
}

fn prepare(scenario: &Scenario, issues: &[usize]) -> Result<Prepared, EngineError> {
    let n = scenario.actors.len();
    let m = issues.len();
    let mut input = model::Input {
        actors: n,
        issues: m,
        position: vec![None; n * m],
        salience: vec![0.0; n * m],
        power: vec![0.0; n * m],
    };
    let index = scenario.index();
    let mut problems = Vec::new();
    for st in &scenario.stances {
        let (Some(a), Some(k)) =
            (index.actor(&st.actor), issues.iter().position(|&i| scenario.issues[i].id == st.issue))
        else {
            continue;
        };
        let iss = &scenario.issues[issues[k]];
        let cell = a * m + k;
        input.position[cell] = Some((st.position - iss.min) * (100.0 / (iss.max - iss.min)));
        input.salience[cell] = st.salience;
        input.power[cell] = scenario.actors[a].capability;
        if st.salience <= 0.0 {
            problems.push(format!("{} on {}: salience 0 (the exchange model divides by it)", st.actor, st.issue));
        }
        if scenario.actors[a].capability <= 0.0 {
            problems.push(format!("{}: capability 0 (the exchange model divides by it)", st.actor));
        }
    }
    if m < 2 {
        problems.push("the exchange model trades between issues: it needs at least two".into());
    }
    // Each pick of a round re-ranks the round's candidates, so their number is bounded
    // before any work: at most a quarter of the actor pairs on each pair of issues.
    let candidates: usize = (0..m)
        .flat_map(|p| (p + 1..m).map(move |q| (p, q)))
        .map(|(p, q)| {
            let both = (0..n).filter(|&a| input.position[a * m + p].is_some() && input.position[a * m + q].is_some());
            let k = both.count();
            k * k / 4 + 1
        })
        .sum();
    if candidates > model::MAX_CANDIDATES {
        problems.push(format!(
            "up to {candidates} candidate exchanges a round, over the limit of {}; forecast fewer issues (--issue)",
            model::MAX_CANDIDATES
        ));
    }
    problems.dedup();
    if !problems.is_empty() {
        return Err(EngineError::Unsupported { engine: "exchange", reason: problems.join("; ") });
    }
    Ok(Prepared { issues: issues.to_vec(), input })
}

impl Engine for Exchange {
    fn name(&self) -> &'static str {
        "exchange"
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
        let issues = select_issues(scenario, request)?;
        let prepared = prepare(scenario, &issues)?;
        let run = model::run(&prepared.input, &self.options(request))
            .map_err(|e| EngineError::Unsupported { engine: "exchange", reason: e.to_string() })?;
        for (t, r) in run.rounds.iter().enumerate() {
            let positions: Vec<f64> = r.after.iter().map(|p| p.unwrap_or(f64::NAN)).collect();
            let event = Event::Round { issue: "", round: t as u32 + 1, positions: &positions };
            if observer.observe(&event) == Control::Stop {
                return Err(EngineError::Cancelled);
            }
        }
        let f = to_forecast(self, scenario, &prepared, &run);
        for issue in &f.issues {
            demarche_forecast::check_finite("exchange", issue)?;
        }
        Ok(f)
    }
}

fn to_forecast(engine: &Exchange, scenario: &Scenario, prepared: &Prepared, run: &model::Run) -> Forecast {
    let m = prepared.input.issues;
    let n = prepared.input.actors;
    let scale = |k: usize, x: f64| {
        let iss = &scenario.issues[prepared.issues[k]];
        iss.min + x * ((iss.max - iss.min) / 100.0)
    };
    let start = &prepared.input.position;
    let issues = (0..m)
        .map(|k| {
            let iss = &scenario.issues[prepared.issues[k]];
            let participants: Vec<usize> = (0..n).filter(|&a| start[a * m + k].is_some()).collect();
            let row = |state: &[Option<f64>]| -> Vec<f64> {
                participants.iter().map(|&a| scale(k, state[a * m + k].unwrap_or(0.0))).collect()
            };
            let mut trajectory = vec![row(start)];
            trajectory.extend(run.rounds.iter().map(|r| row(&r.after)));
            let mut outcome_path = vec![scale(k, run.start_outcome[k])];
            outcome_path.extend(run.rounds.iter().map(|r| scale(k, r.outcome[k])));
            let mut stats = BTreeMap::new();
            stats.insert("rounds".to_string(), run.rounds.len() as f64);
            let exchanges_on =
                run.rounds.iter().flat_map(|r| &r.executed).filter(|e| e.i.supplies == k || e.j.supplies == k).count();
            stats.insert("exchanges".to_string(), exchanges_on as f64);
            IssueForecast {
                issue: iss.id.clone(),
                outcome: *outcome_path.last().unwrap_or(&f64::NAN),
                participants,
                ideals: Vec::new(),
                trajectory,
                outcome_path,
                // The model runs a fixed number of rounds; it has no convergence test.
                converged: None,
                interactions: Vec::new(),
                stats,
                notes: Vec::new(),
            }
        })
        .collect();
    let id = |k: usize| scenario.issues[prepared.issues[k]].id.clone();
    let mut executed = Vec::new();
    let mut near_ties = Vec::new();
    let mut knife_edges = 0;
    for (t, r) in run.rounds.iter().enumerate() {
        let round = t as u32 + 1;
        for (s, e) in r.executed.iter().enumerate() {
            let side = |x: &model::Side| ExchangeSide {
                actor: x.actor,
                supplies: id(x.supplies),
                demands: id(x.demands),
                from: scale(x.supplies, x.from),
                to: scale(x.supplies, x.to),
            };
            let externalities = (0..n)
                .filter(|&a| a != e.i.actor && a != e.j.actor && e.externalities[a] != 0.0)
                .map(|a| Externality { actor: a, value: e.externalities[a], inner: e.inner[a] })
                .collect();
            executed.push(ExecutedExchange {
                round,
                seq: s as u32 + 1,
                sides: [side(&e.i), side(&e.j)],
                gain: e.gain,
                externalities,
            });
        }
        for tie in &r.near_ties {
            let words = |(ia, isup, ja, jsup): (usize, usize, usize, usize)| {
                let actor = |a: usize| scenario.actors[a].name.clone();
                let issue = |k: usize| scenario.issues[prepared.issues[k]].name.clone();
                format!("{} moving on {} for {}'s move on {}", actor(ia), issue(isup), actor(ja), issue(jsup))
            };
            near_ties.push(NearTie {
                round,
                pick: tie.pick,
                relative_gap: tie.relative_gap,
                chosen: words(tie.chosen),
                rival: words(tie.rival),
            });
        }
        knife_edges += r.knife_edges;
    }
    let mut notes = Vec::new();
    if !near_ties.is_empty() {
        notes.push(format!(
            "{} pick(s) turned on a near-tie (gains within a relative {:e}); the order, and the forecast, \
             follow the tie rule (the earlier in decide's list order), see the exchanges' near_ties",
            near_ties.len(),
            engine.settings.near_tie
        ));
    }
    if knife_edges > 0 {
        notes.push(format!(
            "{knife_edges} exchange(s) met an outcome already on the partner's position (within {:e}): \
             there the result hinges on rounding in any implementation, decide's included",
            engine.settings.nbs_tie
        ));
    }
    Forecast {
        engine: "exchange".into(),
        settings: engine.settings.entries(),
        actors: actor_refs(scenario),
        issues,
        win_probabilities: None,
        notes,
        exchanges: Some(Exchanges { executed, near_ties, knife_edges }),
    }
}
