//! Negotiation strategies: what a party offers, and what it accepts.
//!
//! A [`Strategy`] sees the negotiation only through a [`View`] the protocol builds for it:
//! its own profile, its own utilities of the candidate outcomes (ranked best first), the
//! offers made so far, the step, round and — when the deadline is public — the relative time.
//! Other parties' utilities are not reachable from a view, and the ids of outcomes it may
//! offer ([`OutcomeId`]) can only come from the view, so information hiding is a property of
//! the API rather than of good manners.
//!
//! Offers are picked from the party's ranked candidates with one binary search
//! ([`OwnOutcomes::rank_for_target`]), so a step costs `O(log n)` in the number of
//! candidates, whatever the strategy.
//!
//! Built-in strategies, by name (see [`StrategySpec::parse`]):
//!
//! | name | strategy |
//! |---|---|
//! | `boulware`, `linear`, `conceder`, `timedep:e=E` | [`TimeDependent`] (Faratin et al. 1998), `e` = 0.2, 1, 2 (Genius's), or `E` |
//! | `negmas:boulware`, `negmas:linear`, `negmas:conceder`, `negmas:aspiration` | [`NegmasTimeBased`]: NegMAS's curves (`1 − t^x`, x = 4, 1, 0.25), clock and acceptance |
//! | `aspiration[:beta=B]` | [`Aspiration`]: exponential concession with a best-offer floor |
//! | `tft` | [`TitForTat`]: relative tit-for-tat in utility space |
//! | `hardliner[:margin=M]` | [`HardLiner`]: always its best offer |
//! | `random[:accept=P]` | [`RandomStrategy`] (seeded) |
//! | `staller[:share=S][:margin=M][:e=E]` | [`Staller`]: holds near its best for a share of the time, then concedes |

mod aspiration;
mod hardliner;
mod random;
mod spec;
mod staller;
mod time_dependent;
mod tit_for_tat;

pub use aspiration::Aspiration;
pub use hardliner::HardLiner;
pub use random::RandomStrategy;
pub use spec::{NegmasCurve, StrategySpec, STRATEGY_NAMES};
pub use staller::Staller;
pub use time_dependent::{NegmasTimeBased, TimeDependent};
pub use tit_for_tat::TitForTat;

use crate::domain::{Outcome, OutcomeSpace};
use crate::protocol::sao::{Action, Event};
use crate::protocol::table::{OutcomeId, OutcomeTable, OwnOutcomes};
use crate::protocol::Deadline;
use crate::utility::Profile;

/// When the deadline is private, time-dependent strategies assume it falls after this many
/// steps (their own guess; the protocol still ends the negotiation at the real deadline).
pub const PRIVATE_HORIZON_STEPS: u64 = 1000;

/// A strategy's answer to a standing offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    /// Accept the standing offer (overruled by the protocol if below the reservation value).
    Accept,
    /// Reject it; the protocol then asks for a counter-offer.
    Reject,
    /// Walk away from the negotiation.
    End,
}

/// A strategy's move when it has the floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proposal {
    /// Put this outcome on the table.
    Offer(OutcomeId),
    /// Walk away.
    End,
}

/// A negotiating party's decision rules.
///
/// Strategies are built fresh for each negotiation (from a [`StrategySpec`] and a seed), so
/// they may keep any state they like between calls. In one turn of the stacked alternating
/// offers protocol a party is first asked to [`respond`](Strategy::respond) to the standing
/// offer (if there is one it did not make) and, unless it accepts, to
/// [`propose`](Strategy::propose); both calls see the same view.
pub trait Strategy: Send {
    /// Accept, reject, or walk away from the standing offer `offer`.
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response;

    /// Make an offer (or walk away).
    fn propose(&mut self, view: &View<'_>) -> Proposal;

    /// In a mediated negotiation: accept (`true`) or veto (`false`) moving from the current
    /// text to the mediator's proposal. Default: accept any change that is no worse for me.
    fn vote(&mut self, view: &VoteView<'_>) -> bool {
        view.proposal_utility() >= view.current_utility()
    }
}

/// What the protocol shows a strategy in the stacked alternating offers protocol.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    pub(crate) me: usize,
    pub(crate) table: &'a OutcomeTable,
    pub(crate) own: OwnOutcomes<'a>,
    pub(crate) history: &'a [Event],
    pub(crate) step: u64,
    pub(crate) round: u64,
    pub(crate) time: Option<f64>,
    pub(crate) deadline: Option<Deadline>,
    pub(crate) standing: Option<(usize, OutcomeId)>,
}

impl<'a> View<'a> {
    /// My seat (0-based; seat 0 moves first).
    #[inline]
    pub fn me(&self) -> usize {
        self.me
    }

    /// Number of parties.
    #[inline]
    pub fn n_parties(&self) -> usize {
        self.table.n_parties()
    }

    /// My profile (utility function, reservation value, discount).
    #[inline]
    pub fn profile(&self) -> &'a Profile {
        &self.table.profiles()[self.me]
    }

    /// My utilities of the candidate outcomes, ranked.
    #[inline]
    pub fn own(&self) -> OwnOutcomes<'a> {
        self.own
    }

    /// My utility of candidate `id` (shorthand for `own().utility(id)`).
    #[inline]
    pub fn utility(&self, id: OutcomeId) -> f64 {
        self.own.utility(id)
    }

    /// The outcome space.
    pub fn space(&self) -> &'a OutcomeSpace {
        self.table.space()
    }

    /// The values of candidate `id`.
    pub fn outcome(&self, id: OutcomeId) -> Outcome {
        self.table.outcome(id)
    }

    /// Every action so far, in order.
    #[inline]
    pub fn history(&self) -> &'a [Event] {
        self.history
    }

    /// Actions taken before this one (0-based index of the current action).
    #[inline]
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Completed rounds.
    #[inline]
    pub fn round(&self) -> u64 {
        self.round
    }

    /// Relative time in `[0, 1]`, if the deadline is public.
    #[inline]
    pub fn time(&self) -> Option<f64> {
        self.time
    }

    /// Relative time if public, else my estimate `step / PRIVATE_HORIZON_STEPS` (capped at 1).
    #[inline]
    pub fn time_or_estimate(&self) -> f64 {
        self.time.unwrap_or_else(|| (self.step as f64 / PRIVATE_HORIZON_STEPS as f64).min(1.0))
    }

    /// The deadline, if public.
    #[inline]
    pub fn deadline(&self) -> Option<Deadline> {
        self.deadline
    }

    /// The standing offer and who made it.
    #[inline]
    pub fn standing_offer(&self) -> Option<(usize, OutcomeId)> {
        self.standing
    }

    /// Offers made by other parties since history index `from`, with the index to resume
    /// from next time (lets strategies scan the history incrementally, `O(1)` amortised).
    pub fn offers_by_others_since(&self, from: usize) -> (impl Iterator<Item = OutcomeId> + 'a, usize) {
        let me = self.me;
        let new = self.history.get(from..).unwrap_or(&[]);
        let iter = new.iter().filter(move |e| e.party as usize != me).filter_map(|e| match e.action {
            Action::Offer(id) => Some(id),
            _ => None,
        });
        (iter, self.history.len())
    }
}

/// What a party sees when a mediator asks it to accept or veto a change of text.
#[derive(Debug, Clone, Copy)]
pub struct VoteView<'a> {
    pub(crate) me: usize,
    pub(crate) n_parties: usize,
    pub(crate) profile: &'a Profile,
    pub(crate) step: u64,
    pub(crate) time: Option<f64>,
    pub(crate) current_utility: f64,
    pub(crate) proposal_utility: f64,
}

impl<'a> VoteView<'a> {
    /// My seat.
    pub fn me(&self) -> usize {
        self.me
    }

    /// Number of parties.
    pub fn n_parties(&self) -> usize {
        self.n_parties
    }

    /// My profile.
    pub fn profile(&self) -> &'a Profile {
        self.profile
    }

    /// Proposals made before this one.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Relative time, if the deadline is public.
    pub fn time(&self) -> Option<f64> {
        self.time
    }

    /// My utility of the current text.
    pub fn current_utility(&self) -> f64 {
        self.current_utility
    }

    /// My utility of the proposed text.
    pub fn proposal_utility(&self) -> f64 {
        self.proposal_utility
    }
}

/// The concession range shared by the concession strategies: my best utility and my floor
/// (the worst candidate still at or above my reservation value).
#[inline]
pub(crate) fn range(own: &OwnOutcomes<'_>) -> (f64, f64) {
    (own.best_utility(), own.worst_acceptable_utility())
}

/// The cheapest acceptable candidate worth at least `target` to me.
#[inline]
pub(crate) fn offer_for(own: &OwnOutcomes<'_>, target: f64) -> Option<OutcomeId> {
    own.rank_for_target(target).and_then(|r| own.at_rank(r))
}

/// A per-step memo: `respond` and `propose` in the same turn plan once.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct StepMemo {
    step: Option<u64>,
    plan: Option<OutcomeId>,
}

impl StepMemo {
    #[inline]
    pub(crate) fn get_or(&mut self, step: u64, plan: impl FnOnce() -> Option<OutcomeId>) -> Option<OutcomeId> {
        if self.step != Some(step) {
            self.plan = plan();
            self.step = Some(step);
        }
        self.plan
    }
}

/// Accept-if-no-worse-than-my-next-offer (AC_next, Baarslag, Hindriks & Jonker 2014), the acceptance
/// rule of every concession strategy here.
#[inline]
pub(crate) fn ac_next(view: &View<'_>, offer: OutcomeId, next: Option<OutcomeId>) -> Response {
    match next {
        Some(n) if view.utility(offer) >= view.utility(n) => Response::Accept,
        Some(_) => Response::Reject,
        None => Response::End,
    }
}

/// Maps a proposal plan to a [`Proposal`].
#[inline]
pub(crate) fn offer_or_end(plan: Option<OutcomeId>) -> Proposal {
    match plan {
        Some(id) => Proposal::Offer(id),
        None => Proposal::End,
    }
}
