//! The bdm engine: the numeric core wrapped as a [`demarche_forecast::IssueEngine`].

use std::collections::BTreeMap;

use demarche_forecast::{Control, EngineError, Event, Interaction, IssueEngine, IssueForecast, Observer, Request};
use demarche_scenario::settings::bdm::{BdmSettings, Interactions, Outcome, Scale, MAX_ROUNDS};
use demarche_scenario::IssueView;

use crate::model::{Dyad, Inputs, Model};
use crate::run::{drive, Next, Termination};

/// `interactions = all` refuses runs that would record more dyads than this.
pub const MAX_RECORDED_DYADS: u64 = 5_000_000;
/// `interactions = auto` records every dyad up to this many, moves beyond.
pub const AUTO_ALL_DYADS: u64 = 1_000_000;

/// Bueno de Mesquita's expected-utility model (Scholz et al. 2011).
#[derive(Clone, Debug, Default)]
pub struct Bdm {
    pub settings: BdmSettings,
}

impl Bdm {
    pub fn new(settings: BdmSettings) -> Self {
        Bdm { settings }
    }
}

/// R for an issue under the `scale` option, with a note when it falls back.
pub fn scale_for(view: &IssueView<'_>, scale: Scale) -> (f64, Option<String>) {
    let lo = view.position.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = view.position.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let positions = hi - lo;
    let issue = view.issue.range();
    let ok = |r: f64| r.is_finite() && r > 0.0;
    match scale {
        Scale::Positions if ok(positions) => (positions, None),
        Scale::Issue if ok(issue) => (issue, None),
        _ => {
            let r = if ok(issue) {
                issue
            } else if ok(positions) {
                positions
            } else {
                1.0
            };
            (r, Some(format!("the chosen scale has no length; distances are divided by {r}")))
        }
    }
}

/// What the engine keeps of a run, round by round.
#[derive(Default)]
struct Recording {
    trajectory: Vec<Vec<f64>>,
    outcome_path: Vec<f64>,
    interactions: Vec<Interaction>,
    /// Where each actor's dyads start in `interactions` this round (`interactions = all` only).
    row_start: Vec<usize>,
    last_moves: usize,
}

impl IssueEngine for Bdm {
    fn name(&self) -> &'static str {
        "bdm"
    }

    fn settings(&self) -> BTreeMap<String, String> {
        self.settings.entries()
    }

    fn forecast_issue(
        &self,
        view: &IssueView<'_>,
        request: &Request,
        observer: &mut dyn Observer,
    ) -> Result<IssueForecast, EngineError> {
        let unsupported = |reason: String| EngineError::Unsupported { engine: "bdm", reason };
        let iss = view.issue;
        let mut notes = Vec::new();
        let (scale, note) = scale_for(view, self.settings.scale);
        notes.extend(note);
        let inputs = Inputs { capability: &view.capability, position: &view.position, salience: &view.salience, scale };
        let mut model =
            Model::new(inputs, &self.settings).map_err(|e| unsupported(format!("issue `{}`: {e}", iss.id)))?;
        let rounds = request.max_rounds.unwrap_or(self.settings.rounds);
        if rounds > MAX_ROUNDS {
            return Err(unsupported(format!("{rounds} rounds is more than the limit of {MAX_ROUNDS}")));
        }
        let n = model.len();
        let dyads = (n as u64) * (n as u64).saturating_sub(1) * u64::from(rounds);
        let record = match self.settings.interactions {
            Interactions::Auto if dyads <= AUTO_ALL_DYADS => Interactions::All,
            Interactions::Auto => {
                notes.push(format!(
                    "{dyads} dyadic interactions would be recorded; only accepted offers are (set interactions = \"all\" to keep every dyad)"
                ));
                Interactions::Moves
            }
            Interactions::All if dyads > MAX_RECORDED_DYADS => {
                return Err(unsupported(format!(
                    "recording every dyad would keep {dyads} interactions (limit {MAX_RECORDED_DYADS}); set interactions = \"moves\" or \"none\""
                )))
            }
            other => other,
        };

        let who = &view.actors;
        let mut rec = Recording {
            trajectory: vec![model.positions().to_vec()],
            outcome_path: vec![model.outcome()],
            ..Recording::default()
        };
        let end = drive(
            &mut model,
            rounds,
            &mut rec,
            |rec, m| {
                let Recording { interactions, row_start, .. } = rec;
                if record != Interactions::All {
                    return m.advance();
                }
                let round = m.round() + 1;
                row_start.clear();
                row_start.resize(n, usize::MAX);
                m.step(|d: Dyad| {
                    if row_start[d.actor] == usize::MAX {
                        row_start[d.actor] = interactions.len();
                    }
                    interactions.push(Interaction {
                        round,
                        actor: who[d.actor],
                        other: who[d.other],
                        kind: d.kind,
                        actor_eu: d.actor_eu,
                        other_eu: d.other_eu,
                        new_position: None,
                        mover: None,
                    });
                })
            },
            |rec, m, report| {
                let Recording { interactions, row_start, trajectory, outcome_path, last_moves } = rec;
                let round = m.round();
                *last_moves = report.moves.iter().flatten().count();
                for (i, mv) in report.moves.iter().enumerate() {
                    let Some(mv) = mv else { continue };
                    match record {
                        Interactions::All => {
                            let from = row_start[i].min(interactions.len());
                            if let Some(e) = interactions[from..]
                                .iter_mut()
                                .take_while(|e| e.actor == who[i])
                                .find(|e| e.other == who[mv.other])
                            {
                                e.new_position = Some(mv.new_position);
                                e.mover = Some(who[i]);
                            }
                        }
                        Interactions::Moves => interactions.push(Interaction {
                            round,
                            actor: who[i],
                            other: who[mv.other],
                            kind: mv.kind,
                            actor_eu: mv.own_eu,
                            other_eu: mv.other_eu,
                            new_position: Some(mv.new_position),
                            mover: Some(who[i]),
                        }),
                        _ => {}
                    }
                }
                trajectory.push(m.positions().to_vec());
                outcome_path.push(report.outcome);
                let event = Event::Round { issue: &iss.id, round, positions: m.positions() };
                if observer.observe(&event) == Control::Stop {
                    Next::Stop
                } else {
                    Next::Continue
                }
            },
        );
        let converged = match end {
            Termination::Stopped => return Err(EngineError::Cancelled),
            Termination::Converged => true,
            Termination::RoundLimit => false,
        };
        let Recording { trajectory, outcome_path, interactions, last_moves, .. } = rec;

        let mut stats = BTreeMap::new();
        stats.insert("rounds".into(), model.round() as f64);
        stats.insert("scale".into(), scale);
        stats.insert("mean".into(), model.mean());
        stats.insert("median".into(), model.median());
        stats.insert("moves_last_round".into(), last_moves as f64);
        let what = match self.settings.outcome {
            Outcome::Mean => "weighted mean",
            Outcome::Median => "weighted median",
        };
        notes.push(format!(
            "outcome: the {what} of the positions after round {} ({})",
            model.round(),
            if converged { "converged" } else { "not converged: positions were still moving" }
        ));
        Ok(IssueForecast {
            issue: iss.id.clone(),
            outcome: outcome_path.last().copied().unwrap_or(f64::NAN),
            participants: view.actors.clone(),
            trajectory,
            ideals: Vec::new(),
            outcome_path,
            converged: Some(converged),
            interactions,
            stats,
            notes,
        })
    }
}
