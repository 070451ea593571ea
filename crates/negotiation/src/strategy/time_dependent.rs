//! Time-dependent concession (Faratin, Sierra & Jennings 1998, polynomial family).

use super::{ac_next, offer_for, offer_or_end, range, Proposal, Response, StepMemo, Strategy, View};
use crate::protocol::table::OutcomeId;
use crate::protocol::Deadline;

/// Concedes on a fixed schedule of relative time `t ∈ [0, 1]`:
///
/// `τ(t) = u_min + (u_max − u_min) · (1 − t^(1/e))`
///
/// where `u_max` is my best utility and `u_min` my floor (the worst candidate still at or
/// above my reservation value). `e < 1` is Boulware (holds firm, concedes late), `e = 1`
/// linear, `e > 1` Conceder. It offers the cheapest candidate worth at least `τ(t)` and
/// accepts any offer worth at least as much as that (AC_next).
#[derive(Debug, Clone)]
pub struct TimeDependent {
    e: f64,
    memo: StepMemo,
}

impl TimeDependent {
    /// A time-dependent strategy with concession exponent `e > 0`.
    pub fn new(e: f64) -> Self {
        TimeDependent { e, memo: StepMemo::default() }
    }

    /// The target utility at relative time `t`, given my range.
    #[inline]
    pub fn target(e: f64, t: f64, best: f64, floor: f64) -> f64 {
        floor + (best - floor) * (1.0 - t.clamp(0.0, 1.0).powf(1.0 / e))
    }

    fn plan(&mut self, view: &View<'_>) -> Option<OutcomeId> {
        let e = self.e;
        self.memo.get_or(view.step(), || {
            let own = view.own();
            if own.n_acceptable() == 0 {
                return None;
            }
            let (best, floor) = range(&own);
            offer_for(&own, Self::target(e, view.time_or_estimate(), best, floor))
        })
    }
}

impl Strategy for TimeDependent {
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response {
        let next = self.plan(view);
        ac_next(view, offer, next)
    }

    fn propose(&mut self, view: &View<'_>) -> Proposal {
        offer_or_end(self.plan(view))
    }
}

/// NegMAS's time-based concession (`BoulwareTBNegotiator`, `LinearTBNegotiator`,
/// `ConcederTBNegotiator`, and `AspirationNegotiator`'s default), as NegMAS 0.16 defines
/// it, for comparing with NegMAS:
///
/// `τ(t) = m + (M − m) · (1 − t^x)`, `x` = 4 (boulware), 1 (linear), 0.25 (conceder),
///
/// with `M` my best utility, `m = max(my worst utility, my reservation value)` and NegMAS's
/// clock `t = (k + 1)/(N + 1)` in round `k` (0-based) of an `N`-round deadline, the same for
/// every party in a round. It offers the cheapest acceptable candidate worth at least
/// `τ − ε` and accepts any offer worth at least `max(m, τ − ε)` — a threshold on the curve,
/// not AC_next — with `ε` = 10⁻⁴ (10⁻³ for the aspiration negotiator). Under other
/// deadlines `t` is the protocol's relative time (or its estimate when private).
///
/// In demarche's terms `x = 1/e`: NegMAS's "boulware" is `timedep:e=0.25` and its
/// "conceder" `timedep:e=4`, not Genius's 0.2 and 2 (demarche's `boulware`, `conceder`).
#[derive(Debug, Clone)]
pub struct NegmasTimeBased {
    exponent: f64,
    slack: f64,
    memo: StepMemo,
}

impl NegmasTimeBased {
    /// NegMAS's curve `1 − t^exponent` with offer and acceptance slack `slack`.
    pub fn new(exponent: f64, slack: f64) -> Self {
        NegmasTimeBased { exponent, slack, memo: StepMemo::default() }
    }

    /// NegMAS's relative time for this action.
    fn time(view: &View<'_>) -> f64 {
        match view.deadline() {
            Some(Deadline::Rounds { rounds }) => (view.round() + 1) as f64 / (rounds + 1) as f64,
            _ => view.time_or_estimate(),
        }
    }

    /// My target utility now and my floor `m`.
    fn target(&self, view: &View<'_>) -> (f64, f64) {
        let own = view.own();
        let best = own.best_utility();
        let floor = own.worst_utility().max(own.reservation());
        let t = Self::time(view).clamp(0.0, 1.0);
        (floor + (best - floor) * (1.0 - t.powf(self.exponent)), floor)
    }

    /// This step's offer, given its target.
    fn plan(&mut self, view: &View<'_>, target: f64) -> Option<OutcomeId> {
        let slack = self.slack;
        self.memo.get_or(view.step(), || {
            let own = view.own();
            if own.n_acceptable() == 0 {
                return None;
            }
            offer_for(&own, target - slack)
        })
    }
}

impl Strategy for NegmasTimeBased {
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response {
        let (target, floor) = self.target(view);
        if self.plan(view, target).is_none() {
            return Response::End;
        }
        if view.utility(offer) >= floor.max(target - self.slack) {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, view: &View<'_>) -> Proposal {
        let (target, _) = self.target(view);
        offer_or_end(self.plan(view, target))
    }
}
