//! The one result type every forecasting engine returns.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What an engine predicts for a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// The engine's name (`compromise`, `nash`, `bdm`, `smp`).
    pub engine: String,
    /// Every option the engine ran with, by name, including defaults, so that a
    /// forecast can be reproduced from its own record.
    pub settings: BTreeMap<String, String>,
    /// All actors of the scenario, in scenario order; indices elsewhere refer here.
    pub actors: Vec<ActorRef>,
    /// One entry per issue forecast, in scenario order.
    pub issues: Vec<IssueForecast>,
    /// Per turn, each actor's win probability (`[turn][actor]`), for engines that
    /// model it jointly across issues (smp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub win_probabilities: Option<Vec<Vec<f64>>>,
    /// Engine diagnostics in plain words (convergence, fallbacks taken).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActorRef {
    pub id: String,
    pub name: String,
}

/// The forecast for one issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueForecast {
    pub issue: String,
    /// Predicted outcome on the issue's own scale.
    pub outcome: f64,
    /// Scenario indices of the actors that took part (those with a stance).
    pub participants: Vec<usize>,
    /// Positions per round on the issue's scale: `trajectory[t][k]` is the
    /// position of `participants[k]` after round `t`; round 0 is the input.
    /// Closed-form engines have a single round.
    pub trajectory: Vec<Vec<f64>>,
    /// Ideal points per round, laid out like `trajectory`, for engines in which
    /// ideals themselves move (smp's ideal-point accommodation); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ideals: Vec<Vec<f64>>,
    /// Predicted outcome after each round (same length as `trajectory`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcome_path: Vec<f64>,
    /// Whether an iterative engine met its stopping rule (None: closed form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub converged: Option<bool>,
    /// Dyadic interactions per round (bdm): the model's conflict signal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interactions: Vec<Interaction>,
    /// Named scalar diagnostics (e.g. `nash_product`, `rounds`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stats: BTreeMap<String, f64>,
    /// Plain-language notes about this issue's run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl IssueForecast {
    /// The forecast of a closed-form engine: one round (the input positions)
    /// and the outcome.
    pub fn closed_form(
        view: &demarche_scenario::IssueView<'_>,
        outcome: f64,
        stats: BTreeMap<String, f64>,
        notes: Vec<String>,
    ) -> Self {
        IssueForecast {
            issue: view.issue.id.clone(),
            outcome,
            participants: view.actors.clone(),
            trajectory: vec![view.position.clone()],
            ideals: Vec::new(),
            outcome_path: vec![outcome],
            converged: None,
            interactions: Vec::new(),
            stats,
            notes,
        }
    }

    /// The number of rounds after the initial one.
    pub fn rounds(&self) -> usize {
        self.trajectory.len().saturating_sub(1)
    }

    /// Final position of each participant.
    pub fn final_positions(&self) -> &[f64] {
        self.trajectory.last().map(Vec::as_slice).unwrap_or(&[])
    }

    /// Participants ranked by how far they moved from their input position,
    /// farthest first: `(scenario actor index, signed movement)`.
    pub fn movers(&self) -> Vec<(usize, f64)> {
        let (Some(first), Some(last)) = (self.trajectory.first(), self.trajectory.last()) else {
            return Vec::new();
        };
        let mut m: Vec<(usize, f64)> =
            self.participants.iter().zip(first.iter().zip(last)).map(|(&a, (x0, x1))| (a, x1 - x0)).collect();
        m.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        m
    }
}

/// How a dyadic exchange in an expected-utility model resolves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractionKind {
    /// Both sides expect to gain by challenging: a confrontation.
    Conflict,
    /// One side expects to gain but less than the other expects to lose; they meet part way.
    Compromise,
    /// One side expects to gain and the other agrees it would lose: it gives in.
    Capitulation,
    /// Neither side expects to gain by challenging.
    Stalemate,
}

impl InteractionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InteractionKind::Conflict => "conflict",
            InteractionKind::Compromise => "compromise",
            InteractionKind::Capitulation => "capitulation",
            InteractionKind::Stalemate => "stalemate",
        }
    }
}

/// One dyadic exchange in one round, seen from `actor` towards `other`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    pub round: u32,
    /// Scenario index of the actor whose view this is.
    pub actor: usize,
    /// Scenario index of the counterpart.
    pub other: usize,
    pub kind: InteractionKind,
    /// `actor`'s expected utility of challenging `other`.
    pub actor_eu: f64,
    /// `other`'s expected utility of challenging `actor`.
    pub other_eu: f64,
    /// The position the exchange moves the yielding side to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_position: Option<f64>,
    /// Scenario index of the actor that moves, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mover: Option<usize>,
}
