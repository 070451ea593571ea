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
    /// The exchanges of positions an exchange model executed, round by round
    /// (the `exchange` engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchanges: Option<Exchanges>,
}

/// What an exchange model did: every executed exchange in order, and the
/// places where its result turned on a near-tie.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Exchanges {
    pub executed: Vec<ExecutedExchange>,
    /// Picks where the best exchange's gain was within the near-tie tolerance of
    /// a rival's: the order, and so the forecast, hinges on the tie rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub near_ties: Vec<NearTie>,
    /// Exchanges whose outcome cap was decided at the edge (the outcome already on
    /// the partner's position, within the tolerance): a result there hinges on
    /// rounding in any implementation.
    #[serde(default)]
    pub knife_edges: u32,
}

/// Two actors trade: each moves toward the other on the issue it cares less
/// about (its supply issue) in return for the other's move on the issue it
/// cares more about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExecutedExchange {
    /// 1-based.
    pub round: u32,
    /// Order within the round, 1-based.
    pub seq: u32,
    /// The two sides, indices into [`Forecast::actors`].
    pub sides: [ExchangeSide; 2],
    /// The expected gain in utility each side gets (equal by construction).
    pub gain: f64,
    /// The change in expected utility the exchange brings each third party
    /// (indices into [`Forecast::actors`]), positive when the outcomes move toward it;
    /// `inner` when it sits on one of the exchangers' sides of both outcomes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub externalities: Vec<Externality>,
}

/// One side of an exchange.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExchangeSide {
    pub actor: usize,
    /// The issue it moves on (its supply issue), by id.
    pub supplies: String,
    /// The issue it gains on (its demand issue), by id.
    pub demands: String,
    /// Its voting position on the supply issue before and after, on the issue's scale.
    pub from: f64,
    pub to: f64,
}

/// An exchange's effect on a third party.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Externality {
    pub actor: usize,
    pub value: f64,
    pub inner: bool,
}

/// A pick decided by a near-tie.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NearTie {
    pub round: u32,
    /// The pick within the round (1-based).
    pub pick: u32,
    /// The relative gap between the chosen exchange's gain and its closest rival's.
    pub relative_gap: f64,
    /// The chosen and the rival exchange, as "A gives X for B's Y".
    pub chosen: String,
    pub rival: String,
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
