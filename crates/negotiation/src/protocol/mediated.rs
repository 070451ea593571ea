//! Mediated single-text negotiation (Raiffa 1982; Klein et al. 2003).
//!
//! A mediator holds one text (a complete outcome). Each step it proposes a changed text;
//! every party votes to accept or veto the change ([`Strategy::vote`]); the text moves only
//! when nobody vetoes. At the end (deadline, or the mediator has nothing left to propose)
//! the current text is the agreement if it reaches every party's reservation value — the
//! protocol checks that itself, so no party ends up below its red line.
//!
//! The mediator never reads the parties' utility functions directly: it sees them through a
//! [`Belief`] — exact by default ([`ExactBelief`]), but a noisy or biased belief can be
//! plugged in to model a mediator with imperfect information (any
//! `Fn(party, &[Value]) -> f64` is a belief).
//!
//! Mediators:
//! * [`VetoMediator`] — Klein et al.'s (2003) veto-based mediator: proposes random
//!   mutations of the text (a uniformly random number of issues, each to a random other
//!   value); optionally screens them with its belief, proposing first those it believes
//!   nobody will veto.
//! * [`HillClimbMediator`] — proposes, among the text's single-issue neighbours it believes
//!   make nobody worse off, the one with the largest believed welfare gain (when there is
//!   none, the best of [`JUMP_SAMPLES`] random changes of 2 or more issues); skips proposals that were
//!   vetoed; stops at a (believed) local optimum.

use std::collections::HashSet;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{derive_seed, Clock, Deadline, EndReason, NegotiationResult};
use crate::domain::{IssueValues, Outcome, OutcomeSpace, Value};
use crate::error::NegotiationError;
use crate::strategy::{Strategy, StrategySpec, VoteView};
use crate::utility::Profile;

/// What the mediator believes a party's utility of an outcome is.
pub trait Belief: Send + Sync {
    /// Believed utility of `outcome` for party `party`.
    fn utility(&self, party: usize, outcome: &[Value]) -> f64;
}

impl<F> Belief for F
where
    F: Fn(usize, &[Value]) -> f64 + Send + Sync,
{
    fn utility(&self, party: usize, outcome: &[Value]) -> f64 {
        self(party, outcome)
    }
}

/// The exact belief: the parties' true utilities.
#[derive(Debug, Clone, Copy)]
pub struct ExactBelief<'a> {
    profiles: &'a [Profile],
}

impl<'a> ExactBelief<'a> {
    /// Beliefs equal to `profiles`' utilities.
    pub fn new(profiles: &'a [Profile]) -> Self {
        ExactBelief { profiles }
    }
}

impl Belief for ExactBelief<'_> {
    fn utility(&self, party: usize, outcome: &[Value]) -> f64 {
        self.profiles.get(party).map(|p| p.utility(outcome)).unwrap_or(0.0)
    }
}

/// What a mediator may look at.
pub struct MediatorContext<'a> {
    /// The outcome space.
    pub space: &'a OutcomeSpace,
    /// Its beliefs about the parties.
    pub belief: &'a dyn Belief,
    /// Number of parties.
    pub n_parties: usize,
    /// Proposals made so far.
    pub step: u64,
    /// Relative time in `[0, 1]`.
    pub time: f64,
}

/// A single-text mediator.
pub trait Mediator: Send {
    /// The mediator's name in traces.
    fn name(&self) -> String;
    /// The first text.
    fn initial_text(&mut self, ctx: &MediatorContext<'_>) -> Outcome;
    /// The next proposed text, or `None` when there is nothing left worth proposing.
    fn propose(&mut self, ctx: &MediatorContext<'_>, current: &Outcome) -> Option<Outcome>;
    /// Whether the last proposal was adopted.
    fn observe(&mut self, _proposal: &Outcome, _adopted: bool) {}
}

fn random_outcome(space: &OutcomeSpace, rng: &mut ChaCha8Rng) -> Outcome {
    space.issues.iter().map(|issue| random_value(&issue.values, rng)).collect()
}

fn random_value(values: &IssueValues, rng: &mut ChaCha8Rng) -> Value {
    match *values {
        IssueValues::Continuous { low, high } => {
            Value::Real(if high > low { rng.random_range(low..=high) } else { low })
        }
        IssueValues::Categorical { ref values } | IssueValues::Ordinal { ref values } => {
            Value::Index(rng.random_range(0..values.len().max(1) as u32))
        }
        IssueValues::Integer { low, high } => {
            Value::Index(rng.random_range(0..=(high as i128 - low as i128).clamp(0, u32::MAX as i128) as u32))
        }
    }
}

/// A random change of `k` distinct issues of `text` (partial Fisher–Yates over the issues).
fn mutate_k(space: &OutcomeSpace, text: &Outcome, k: usize, rng: &mut ChaCha8Rng) -> Outcome {
    let n = space.issues.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut out = text.clone();
    for j in 0..k.min(n) {
        let pick = rng.random_range(j..n);
        order.swap(j, pick);
        change_issue(space, &mut out, order[j], rng);
    }
    out
}

/// A random change of one issue of `text` (to a different value when there is one).
fn mutate(space: &OutcomeSpace, text: &Outcome, rng: &mut ChaCha8Rng) -> Outcome {
    let mut out = text.clone();
    let i = rng.random_range(0..space.issues.len());
    change_issue(space, &mut out, i, rng);
    out
}

/// Moves issue `i` of `out` to a random different value (continuous: within ±10 % of the range).
fn change_issue(space: &OutcomeSpace, out: &mut Outcome, i: usize, rng: &mut ChaCha8Rng) {
    let value = out[i];
    let issue = &space.issues[i];
    match (issue.cardinality(), &issue.values) {
        (Some(card), _) if card > 1 => {
            let current = match value {
                Value::Index(k) => k,
                Value::Real(_) => 0,
            };
            let k = rng.random_range(0..card - 1);
            out[i] = Value::Index(if k >= current { k + 1 } else { k });
        }
        (None, IssueValues::Continuous { low, high }) if high > low => {
            let x = match value {
                Value::Real(x) => x,
                Value::Index(_) => *low,
            };
            let step = (high - low) * 0.1;
            out[i] = Value::Real((x + rng.random_range(-step..=step)).clamp(*low, *high));
        }
        _ => {}
    }
}

/// Klein et al.'s (2003) veto mediator; see the module docs.
#[derive(Debug, Clone)]
pub struct VetoMediator {
    rng: ChaCha8Rng,
    screen: u32,
}

impl VetoMediator {
    /// A veto mediator seeded with `seed` that draws up to `screen` random mutations per step
    /// and proposes the first it believes nobody would veto (0: no screening, pure Klein).
    pub fn new(seed: u64, screen: u32) -> Self {
        VetoMediator { rng: ChaCha8Rng::seed_from_u64(seed), screen }
    }
}

impl Mediator for VetoMediator {
    fn name(&self) -> String {
        format!("veto:screen={}", self.screen)
    }

    fn initial_text(&mut self, ctx: &MediatorContext<'_>) -> Outcome {
        random_outcome(ctx.space, &mut self.rng)
    }

    fn propose(&mut self, ctx: &MediatorContext<'_>, current: &Outcome) -> Option<Outcome> {
        let n = ctx.space.issues.len();
        let draw = |rng: &mut ChaCha8Rng| {
            let k = rng.random_range(1..=n);
            mutate_k(ctx.space, current, k, rng)
        };
        let mut candidate = draw(&mut self.rng);
        let base: Vec<f64> = if self.screen > 1 {
            (0..ctx.n_parties).map(|p| ctx.belief.utility(p, current)).collect()
        } else {
            Vec::new()
        };
        for _ in 1..self.screen.max(1) {
            let believed_ok = base.iter().enumerate().all(|(p, &b)| ctx.belief.utility(p, &candidate) >= b);
            if believed_ok {
                break;
            }
            candidate = draw(&mut self.rng);
        }
        Some(candidate)
    }
}

/// Neighbours considered per step at most (sampled beyond this).
pub const MAX_NEIGHBOURS: usize = 4096;

/// The hill-climbing mediator; see the module docs.
#[derive(Debug, Clone)]
pub struct HillClimbMediator {
    rng: ChaCha8Rng,
    /// Proposals vetoed since the text last moved.
    vetoed: HashSet<Vec<u64>>,
}

impl HillClimbMediator {
    /// A hill-climbing mediator seeded with `seed` (for the initial text and sampling).
    pub fn new(seed: u64) -> Self {
        HillClimbMediator { rng: ChaCha8Rng::seed_from_u64(seed), vetoed: HashSet::new() }
    }

    fn neighbours(&mut self, space: &OutcomeSpace, text: &Outcome) -> Vec<Outcome> {
        let total: u64 = space
            .issues
            .iter()
            .map(|i| match i.cardinality() {
                Some(c) => c.saturating_sub(1) as u64,
                None => 2,
            })
            .sum();
        if total as usize > MAX_NEIGHBOURS {
            return (0..MAX_NEIGHBOURS).map(|_| mutate(space, text, &mut self.rng)).collect();
        }
        let mut out = Vec::with_capacity(total as usize);
        for (i, issue) in space.issues.iter().enumerate() {
            match (&issue.values, issue.cardinality()) {
                (_, Some(card)) => {
                    for k in 0..card {
                        if text[i] != Value::Index(k) {
                            let mut o = text.clone();
                            o[i] = Value::Index(k);
                            out.push(o);
                        }
                    }
                }
                (IssueValues::Continuous { low, high }, None) => {
                    let x = match text[i] {
                        Value::Real(x) => x,
                        Value::Index(_) => *low,
                    };
                    for dx in [-0.05, 0.05] {
                        let y = (x + dx * (high - low)).clamp(*low, *high);
                        if y != x {
                            let mut o = text.clone();
                            o[i] = Value::Real(y);
                            out.push(o);
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

impl HillClimbMediator {
    /// The believed total gain of moving to `cand`, if nobody is believed worse off, somebody
    /// better off, and the move was not vetoed since the text last moved.
    fn believed_gain(&self, ctx: &MediatorContext<'_>, base: &[f64], cand: &Outcome) -> Option<f64> {
        let mut gain = 0.0;
        for (p, b) in base.iter().enumerate() {
            let d = ctx.belief.utility(p, cand) - b;
            if d < 0.0 {
                return None;
            }
            gain += d;
        }
        (gain > 0.0 && !self.vetoed.contains(&key(cand))).then_some(gain)
    }
}

/// Random multi-issue changes the hill climber tries once single changes are exhausted.
pub const JUMP_SAMPLES: usize = 256;

fn key(outcome: &[Value]) -> Vec<u64> {
    outcome
        .iter()
        .map(|v| match *v {
            Value::Index(k) => k as u64,
            Value::Real(x) => x.to_bits(),
        })
        .collect()
}

impl Mediator for HillClimbMediator {
    fn name(&self) -> String {
        "hillclimb".into()
    }

    fn initial_text(&mut self, ctx: &MediatorContext<'_>) -> Outcome {
        random_outcome(ctx.space, &mut self.rng)
    }

    fn propose(&mut self, ctx: &MediatorContext<'_>, current: &Outcome) -> Option<Outcome> {
        let base: Vec<f64> = (0..ctx.n_parties).map(|p| ctx.belief.utility(p, current)).collect();
        let mut best: Option<(f64, Outcome)> = None;
        for cand in self.neighbours(ctx.space, current) {
            if let Some(gain) = self.believed_gain(ctx, &base, &cand) {
                if best.as_ref().is_none_or(|(g, _)| gain > *g) {
                    best = Some((gain, cand));
                }
            }
        }
        if best.is_none() && ctx.space.issues.len() > 1 {
            // No single change helps: try random changes of several issues before giving up.
            let n = ctx.space.issues.len();
            for _ in 0..JUMP_SAMPLES {
                let k = self.rng.random_range(2..=n);
                let cand = mutate_k(ctx.space, current, k, &mut self.rng);
                if let Some(gain) = self.believed_gain(ctx, &base, &cand) {
                    if best.as_ref().is_none_or(|(g, _)| gain > *g) {
                        best = Some((gain, cand));
                    }
                }
            }
        }
        best.map(|(_, o)| o)
    }

    fn observe(&mut self, proposal: &Outcome, adopted: bool) {
        if adopted {
            self.vetoed.clear();
        } else {
            self.vetoed.insert(key(proposal));
        }
    }
}

/// Which mediator to use, by name: `veto[:screen=N]` or `hillclimb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum MediatorSpec {
    /// [`VetoMediator`].
    Veto { screen: u32 },
    /// [`HillClimbMediator`].
    HillClimb,
}

impl MediatorSpec {
    /// Parses `veto`, `veto:screen=N` (N ≤ 1000) or `hillclimb`.
    pub fn parse(text: &str) -> Result<Self, NegotiationError> {
        let t = text.trim().to_ascii_lowercase();
        let (name, param) = t.split_once(':').map(|(a, b)| (a, Some(b))).unwrap_or((t.as_str(), None));
        match (name, param) {
            ("veto", None) => Ok(MediatorSpec::Veto { screen: 8 }),
            ("veto", Some(p)) => {
                let n =
                    p.strip_prefix("screen=").and_then(|v| v.parse::<u32>().ok()).filter(|n| *n <= 1000).ok_or_else(
                        || NegotiationError::invalid(format!("mediator '{text}': expected veto:screen=N, N ≤ 1000")),
                    )?;
                Ok(MediatorSpec::Veto { screen: n })
            }
            ("hillclimb" | "hill-climb" | "hillclimbing", None) => Ok(MediatorSpec::HillClimb),
            _ => {
                Err(NegotiationError::invalid(format!("unknown mediator '{text}'; known: veto[:screen=N], hillclimb")))
            }
        }
    }

    /// A fresh mediator seeded with `seed`.
    pub fn build(&self, seed: u64) -> Box<dyn Mediator> {
        match *self {
            MediatorSpec::Veto { screen } => Box::new(VetoMediator::new(seed, screen)),
            MediatorSpec::HillClimb => Box::new(HillClimbMediator::new(seed)),
        }
    }
}

/// Settings of a mediated negotiation.
#[derive(Debug, Clone, PartialEq)]
pub struct MediatedConfig {
    /// The deadline (a round is one proposal).
    pub deadline: Deadline,
    /// Whether parties are told the relative time.
    pub public_deadline: bool,
}

/// One mediator proposal and the parties' votes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediatedEvent {
    /// Step (0-based).
    pub step: u64,
    /// The proposed text.
    pub proposal: Outcome,
    /// Each party's vote (true: accept), in seat order.
    pub votes: Vec<bool>,
    /// Whether the text moved.
    pub adopted: bool,
}

/// A finished mediated negotiation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediatedTrace {
    /// Always `"mediated"`.
    pub protocol: String,
    /// The mediator.
    pub mediator: String,
    /// The domain's name.
    pub domain: String,
    /// The parties' profile names and strategies.
    pub parties: Vec<super::sao::TraceParty>,
    /// The deadline.
    pub deadline: Deadline,
    /// The seed.
    pub seed: u64,
    /// The first text.
    pub initial: Outcome,
    /// Every proposal.
    pub events: Vec<MediatedEvent>,
    /// The final text (the agreement if it is acceptable to all).
    pub text: Outcome,
    /// The result.
    pub result: NegotiationResult,
}

/// Runs a mediated negotiation. `belief` defaults to the exact utilities.
pub fn run_mediated(
    space: &OutcomeSpace,
    profiles: &[Profile],
    strategies: &mut [Box<dyn Strategy>],
    mediator: &mut dyn Mediator,
    belief: Option<&dyn Belief>,
    config: &MediatedConfig,
) -> Result<(NegotiationResult, Outcome, Outcome, Vec<MediatedEvent>), NegotiationError> {
    let n = profiles.len();
    if strategies.len() != n || n < 2 {
        return Err(NegotiationError::invalid(format!(
            "{} strategies for {n} parties (a negotiation needs at least two)",
            strategies.len()
        )));
    }
    space.validate()?;
    let exact = ExactBelief::new(profiles);
    let belief: &dyn Belief = belief.unwrap_or(&exact);
    let mut clock = Clock::new(config.deadline, 1, &[], 1)?;
    let ctx = |step: u64, time: f64| MediatorContext { space, belief, n_parties: n, step, time };
    let initial = mediator.initial_text(&ctx(0, 0.0));
    space.check_outcome(&initial).map_err(|e| NegotiationError::invalid(format!("mediator's initial text: {e}")))?;
    let mut text = initial.clone();
    let mut text_utils: Vec<f64> = profiles.iter().map(|p| p.utility(&text)).collect();
    let mut events = Vec::with_capacity(clock.max_steps().min(4096) as usize);
    let mut step = 0u64;
    let mut stopped = false;
    while clock.open(step) {
        let time = clock.relative(step);
        let Some(proposal) = mediator.propose(&ctx(step, time), &text) else {
            stopped = true;
            break;
        };
        space.check_outcome(&proposal).map_err(|e| NegotiationError::invalid(format!("mediator's proposal: {e}")))?;
        let prop_utils: Vec<f64> = profiles.iter().map(|p| p.utility(&proposal)).collect();
        let votes: Vec<bool> = strategies
            .iter_mut()
            .enumerate()
            .map(|(p, s)| {
                s.vote(&VoteView {
                    me: p,
                    n_parties: n,
                    profile: &profiles[p],
                    step,
                    time: config.public_deadline.then_some(time),
                    current_utility: text_utils[p],
                    proposal_utility: prop_utils[p],
                })
            })
            .collect();
        let adopted = votes.iter().all(|&v| v);
        mediator.observe(&proposal, adopted);
        if adopted {
            text = proposal.clone();
            text_utils = prop_utils;
        }
        events.push(MediatedEvent { step, proposal, votes, adopted });
        clock.tick(0);
        step += 1;
    }
    // The time when the last action ended (1 when the deadline ran out).
    let relative_time = clock.relative(step);
    let acceptable = profiles.iter().zip(&text_utils).all(|(p, &u)| u >= p.reservation);
    let end = match (acceptable, stopped) {
        (true, _) => EndReason::Agreement,
        (false, true) => EndReason::MediatorStopped,
        (false, false) => EndReason::Deadline,
    };
    let result = NegotiationResult::build(
        profiles,
        acceptable.then(|| (text.clone(), text_utils.clone())),
        end,
        step,
        step,
        step,
        relative_time,
    );
    Ok((result, initial, text, events))
}

/// Builds the strategies and mediator from specs with seeds derived from `seed`, runs the
/// negotiation with `belief` (exact if `None`), and returns its trace.
pub fn run_mediated_specs(
    space: &OutcomeSpace,
    profiles: &[Profile],
    specs: &[StrategySpec],
    mediator: MediatorSpec,
    belief: Option<&dyn Belief>,
    config: &MediatedConfig,
    seed: u64,
) -> Result<MediatedTrace, NegotiationError> {
    let mut strategies: Vec<Box<dyn Strategy>> =
        specs.iter().enumerate().map(|(seat, s)| s.build(derive_seed(seed, &[seat as u64]))).collect();
    let mut med = mediator.build(derive_seed(seed, &[u64::MAX]));
    let (result, initial, text, events) = run_mediated(space, profiles, &mut strategies, med.as_mut(), belief, config)?;
    Ok(MediatedTrace {
        protocol: "mediated".into(),
        mediator: med.name(),
        domain: space.name.clone(),
        parties: profiles
            .iter()
            .zip(specs)
            .map(|(p, s)| super::sao::TraceParty {
                profile: p.name.clone(),
                strategy: s.to_string(),
                reservation: p.reservation,
            })
            .collect(),
        deadline: config.deadline,
        seed,
        initial,
        events,
        text,
        result,
    })
}

impl MediatedTrace {
    /// Re-derives the final text and agreement from the recorded proposals and votes alone,
    /// checking the protocol's rules (a text moves exactly when every party accepts; the
    /// agreement is the final text iff it reaches every reservation value). Returns each
    /// party's utility of the agreement (`None` without agreement). `profiles` are the
    /// parties' profiles in seat order.
    pub fn replay(&self, profiles: &[Profile]) -> Result<Option<Vec<f64>>, NegotiationError> {
        let n = profiles.len();
        if n != self.parties.len() || n < 2 {
            return Err(NegotiationError::invalid("trace and profiles disagree on the number of parties"));
        }
        let mut text = &self.initial;
        for (k, e) in self.events.iter().enumerate() {
            let bad = |msg: &str| Err(NegotiationError::invalid(format!("trace step {}: {msg}", e.step)));
            if e.step != k as u64 || e.votes.len() != n {
                return bad("out of order, or not one vote per party");
            }
            if e.adopted != e.votes.iter().all(|&v| v) {
                return bad("the text moved against a veto, or stayed despite unanimity");
            }
            if e.adopted {
                text = &e.proposal;
            }
        }
        if *text != self.text {
            return Err(NegotiationError::invalid("the recorded final text does not follow from the votes"));
        }
        let utilities: Vec<f64> = profiles.iter().map(|p| p.utility(text)).collect();
        let acceptable = profiles.iter().zip(&utilities).all(|(p, &u)| u >= p.reservation);
        Ok(acceptable.then_some(utilities))
    }
}
