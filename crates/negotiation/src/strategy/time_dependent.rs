//! Time-dependent concession (Faratin, Sierra & Jennings 1998, polynomial family).

use super::{ac_next, offer_for, offer_or_end, range, Proposal, Response, StepMemo, Strategy, View};
use crate::protocol::table::OutcomeId;

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
