//! The engine trait, observers, and the executor that runs one-dimensional
//! engines over every issue of a scenario.

use std::collections::BTreeMap;

use demarche_scenario::{Diagnostics, IssueView, Scenario};

use crate::forecast::{ActorRef, Forecast, IssueForecast};

/// What to forecast.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Only these issues (by id); all when `None`.
    pub issues: Option<Vec<String>>,
    /// Upper bound on rounds for iterative engines (their own default otherwise).
    pub max_rounds: Option<u32>,
}

/// Something that happened during a run, for progress bars, recorders and
/// cancellation.
#[derive(Debug)]
pub enum Event<'a> {
    IssueStarted {
        issue: &'a str,
        index: usize,
        of: usize,
    },
    /// A round finished; `positions` are those of the issue's participants
    /// (for joint engines, `issue` is empty and positions are actor-major).
    Round {
        issue: &'a str,
        round: u32,
        positions: &'a [f64],
    },
    IssueFinished {
        issue: &'a str,
        outcome: f64,
    },
}

/// Whether the engine should go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    Continue,
    Stop,
}

/// Watches a run. Returning [`Control::Stop`] cancels it.
pub trait Observer {
    fn observe(&mut self, event: &Event<'_>) -> Control;
}

/// Observes nothing.
pub struct NoObserver;

impl Observer for NoObserver {
    fn observe(&mut self, _: &Event<'_>) -> Control {
        Control::Continue
    }
}

impl<F: FnMut(&Event<'_>) -> Control> Observer for F {
    fn observe(&mut self, event: &Event<'_>) -> Control {
        self(event)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("the scenario is not valid:\n{0}")]
    InvalidScenario(Diagnostics),
    #[error("unknown issue `{id}`{hint}")]
    UnknownIssue { id: String, hint: String },
    #[error("{engine} cannot run this scenario: {reason}")]
    Unsupported { engine: &'static str, reason: String },
    #[error("the run was cancelled")]
    Cancelled,
    /// The engine's arithmetic left the finite numbers (validation bounds the
    /// inputs so that this should not happen; reported rather than printed).
    #[error(
        "{engine} produced a number that is not finite ({what}) on issue `{issue}`; \
         the inputs are probably too extreme for it (rescale capabilities or the scale)"
    )]
    NonFinite { engine: String, issue: String, what: String },
}

/// `Err(NonFinite)` naming the first outcome, position or ideal point of `f`
/// that is NaN or infinite.
pub fn check_finite(engine: &str, f: &IssueForecast) -> Result<(), EngineError> {
    let bad = |what: String| EngineError::NonFinite { engine: engine.to_string(), issue: f.issue.clone(), what };
    if !f.outcome.is_finite() {
        return Err(bad(format!("outcome {}", f.outcome)));
    }
    if let Some((t, x)) = f.outcome_path.iter().enumerate().find(|(_, x)| !x.is_finite()) {
        return Err(bad(format!("outcome {x} after round {t}")));
    }
    for (name, rounds) in [("position", &f.trajectory), ("ideal point", &f.ideals)] {
        for (t, row) in rounds.iter().enumerate() {
            if let Some((k, x)) = row.iter().enumerate().find(|(_, x)| !x.is_finite()) {
                let who = f.participants.get(k).map(|a| format!("actor {a}")).unwrap_or_else(|| format!("entry {k}"));
                return Err(bad(format!("{name} {x} of {who} after round {t}")));
            }
        }
    }
    if let Some(i) = f.interactions.iter().find(|i| i.new_position.is_some_and(|x| !x.is_finite())) {
        return Err(bad(format!("an offer of {} in round {}", i.new_position.unwrap_or(f64::NAN), i.round)));
    }
    Ok(())
}

/// A forecasting engine: scenario in, [`Forecast`] out.
pub trait Engine: Send + Sync {
    /// Short name used on the command line (`bdm`).
    fn name(&self) -> &'static str;
    /// Every option with its value, defaults included.
    fn settings(&self) -> BTreeMap<String, String>;
    fn forecast(
        &self,
        scenario: &Scenario,
        request: &Request,
        observer: &mut dyn Observer,
    ) -> Result<Forecast, EngineError>;
}

/// An engine of one issue at a time (compromise, nash, bdm). Wrap it in
/// [`PerIssue`] to run a whole scenario.
pub trait IssueEngine: Send + Sync {
    fn name(&self) -> &'static str;
    fn settings(&self) -> BTreeMap<String, String>;
    fn forecast_issue(
        &self,
        view: &IssueView<'_>,
        request: &Request,
        observer: &mut dyn Observer,
    ) -> Result<IssueForecast, EngineError>;
}

/// Runs an [`IssueEngine`] over the requested issues of a scenario.
pub struct PerIssue<E>(pub E);

impl<E: IssueEngine> Engine for PerIssue<E> {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn settings(&self) -> BTreeMap<String, String> {
        self.0.settings()
    }

    fn forecast(
        &self,
        scenario: &Scenario,
        request: &Request,
        observer: &mut dyn Observer,
    ) -> Result<Forecast, EngineError> {
        let chosen = select_issues(scenario, request)?;
        let mut issues = Vec::with_capacity(chosen.len());
        let index = scenario.index();
        for (k, &i) in chosen.iter().enumerate() {
            let view = index.issue_view(i);
            let id = view.issue.id.as_str();
            if observer.observe(&Event::IssueStarted { issue: id, index: k, of: chosen.len() }) == Control::Stop {
                return Err(EngineError::Cancelled);
            }
            let f =
                if view.is_empty() { empty_issue(&view) } else { self.0.forecast_issue(&view, request, observer)? };
            check_finite(self.0.name(), &f)?;
            if observer.observe(&Event::IssueFinished { issue: id, outcome: f.outcome }) == Control::Stop {
                return Err(EngineError::Cancelled);
            }
            issues.push(f);
        }
        Ok(Forecast {
            engine: self.0.name().to_string(),
            settings: self.0.settings(),
            actors: actor_refs(scenario),
            issues,
            win_probabilities: None,
            exchanges: None,
            notes: Vec::new(),
        })
    }
}

/// An issue nobody takes a stance on: the status quo stands (or the midpoint).
fn empty_issue(view: &IssueView<'_>) -> IssueForecast {
    let iss = view.issue;
    let outcome = iss.status_quo.unwrap_or((iss.min + iss.max) / 2.0);
    IssueForecast {
        issue: iss.id.clone(),
        outcome,
        participants: Vec::new(),
        trajectory: vec![Vec::new()],
        ideals: Vec::new(),
        outcome_path: vec![outcome],
        converged: None,
        interactions: Vec::new(),
        stats: BTreeMap::new(),
        notes: vec!["no actor takes a stance on this issue; the status quo (or the scale's midpoint) stands".into()],
    }
}

pub fn actor_refs(scenario: &Scenario) -> Vec<ActorRef> {
    scenario.actors.iter().map(|a| ActorRef { id: a.id.clone(), name: a.name.clone() }).collect()
}

/// Indices of the issues a request asks for, in scenario order.
pub fn select_issues(scenario: &Scenario, request: &Request) -> Result<Vec<usize>, EngineError> {
    match &request.issues {
        None => Ok((0..scenario.issues.len()).collect()),
        Some(ids) => {
            let mut out = Vec::new();
            for id in ids {
                match scenario.issue_index(id) {
                    Some(i) => out.push(i),
                    None => {
                        let known: Vec<&str> = scenario.issues.iter().map(|i| i.id.as_str()).collect();
                        let hint = demarche_scenario::diag::suggest(id, &known);
                        return Err(EngineError::UnknownIssue { id: id.clone(), hint: format!(" ({hint})") });
                    }
                }
            }
            out.sort_unstable();
            out.dedup();
            Ok(out)
        }
    }
}

/// Run an engine without observing it.
pub fn run(engine: &dyn Engine, scenario: &Scenario, request: &Request) -> Result<Forecast, EngineError> {
    engine.forecast(scenario, request, &mut NoObserver)
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_scenario::{Actor, Issue, Meta, Stance};

    /// An engine whose arithmetic has gone wrong.
    struct Broken(f64);

    impl IssueEngine for Broken {
        fn name(&self) -> &'static str {
            "broken"
        }
        fn settings(&self) -> BTreeMap<String, String> {
            BTreeMap::new()
        }
        fn forecast_issue(
            &self,
            view: &IssueView<'_>,
            _: &Request,
            _: &mut dyn Observer,
        ) -> Result<IssueForecast, EngineError> {
            let mut f = IssueForecast::closed_form(view, 0.5, BTreeMap::new(), Vec::new());
            f.trajectory.push(vec![self.0; view.len()]);
            f.outcome_path.push(0.5);
            Ok(f)
        }
    }

    fn scenario() -> Scenario {
        Scenario {
            meta: Meta { title: "t".into(), ..Default::default() },
            actors: (0..2)
                .map(|i| Actor { id: format!("a{i}"), name: format!("A{i}"), capability: 1.0, ..Default::default() })
                .collect(),
            issues: vec![Issue {
                id: "tariff".into(),
                name: "Tariff".into(),
                min: 0.0,
                max: 1.0,
                low: "l".into(),
                high: "h".into(),
                ..Default::default()
            }],
            stances: (0..2)
                .map(|i| Stance {
                    actor: format!("a{i}"),
                    issue: "tariff".into(),
                    position: 0.5,
                    salience: 0.5,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_non_finite_position_is_an_error_naming_the_issue() {
        let sc = scenario();
        assert!(run(&PerIssue(Broken(0.25)), &sc, &Request::default()).is_ok());
        for bad in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            let err = match run(&PerIssue(Broken(bad)), &sc, &Request::default()) {
                Ok(f) => panic!("{bad} accepted: {:?}", f.issues[0].trajectory),
                Err(e) => e.to_string(),
            };
            assert!(err.contains("broken") && err.contains("`tariff`") && err.contains("not finite"), "{err}");
        }
    }
}
