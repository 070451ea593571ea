//! The staller: buys time near its best offer, then concedes.

use super::{offer_for, offer_or_end, range, Proposal, Response, Strategy, View};
use crate::protocol::table::OutcomeId;

/// Delays concession ("buying time"). For the first share `s` of the time it holds near its
/// best: its aspiration is `h = u_max − m · (u_max − u_min)` and it cycles through the
/// candidates worth at least `h`, so it keeps "moving" without giving anything away. After
/// that it concedes from `h` to its floor on the remaining time:
///
/// `τ(t) = h` for `t < s`,  `τ(t) = h − (h − u_min) · ((t − s)/(1 − s))^(1/e)` for `t ≥ s`.
///
/// Accepts offers worth at least its aspiration `τ(t)`.
#[derive(Debug, Clone)]
pub struct Staller {
    share: f64,
    margin: f64,
    e: f64,
    planned_at: Option<u64>,
    planned: Option<OutcomeId>,
    turn: usize,
}

impl Staller {
    /// A staller holding for `share` of the time within `margin` of its best, then conceding
    /// with exponent `e`.
    pub fn new(share: f64, margin: f64, e: f64) -> Self {
        Staller { share, margin, e, planned_at: None, planned: None, turn: 0 }
    }

    /// The aspiration at relative time `t`.
    #[inline]
    pub fn target(&self, t: f64, best: f64, floor: f64) -> f64 {
        let hold = best - self.margin * (best - floor);
        if t < self.share || self.share >= 1.0 {
            hold
        } else {
            let x = ((t - self.share) / (1.0 - self.share)).clamp(0.0, 1.0);
            hold - (hold - floor) * x.powf(1.0 / self.e)
        }
    }

    fn plan(&mut self, view: &View<'_>) -> Option<OutcomeId> {
        if self.planned_at == Some(view.step()) {
            return self.planned;
        }
        let own = view.own();
        let planned = if own.n_acceptable() == 0 {
            None
        } else {
            let t = view.time_or_estimate();
            let (best, floor) = range(&own);
            let target = self.target(t, best, floor);
            if t < self.share {
                // Cycle through everything worth at least the hold level.
                let n = own.count_at_least(target).max(1);
                own.at_rank(self.turn % n)
            } else {
                offer_for(&own, target)
            }
        };
        self.turn = self.turn.wrapping_add(1);
        self.planned_at = Some(view.step());
        self.planned = planned;
        planned
    }
}

impl Strategy for Staller {
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response {
        // Judged against the aspiration itself (while stalling, the offers cycle above it).
        if self.plan(view).is_none() {
            return Response::End;
        }
        let own = view.own();
        let (best, floor) = range(&own);
        if view.utility(offer) >= self.target(view.time_or_estimate(), best, floor) {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, view: &View<'_>) -> Proposal {
        offer_or_end(self.plan(view))
    }
}
