//! Relative tit-for-tat in utility space.

use super::{ac_next, offer_for, offer_or_end, range, Proposal, Response, StepMemo, Strategy, View};
use crate::protocol::table::OutcomeId;

/// Reciprocates the other side's concessions in proportion (relative tit-for-tat, Faratin et
/// al. 1998; Baarslag et al. 2013), measured in my own utility since the other side's is
/// hidden. With `u₀` my utility of the first offer I received and `u*` my utility of the best
/// offer received so far, the other side has conceded the share
///
/// `c = clamp((u* − u₀) / (u_max − u₀), 0, 1)`
///
/// of the distance to my best outcome; I concede the same share of my own range:
/// `τ = u_max − c · (u_max − u_min)`. Before any offer arrives `τ = u_max`. Accepts an
/// offer worth at least its next offer (AC_next). Two tit-for-tat players never move first,
/// so they never agree: that is the strategy, not a bug.
#[derive(Debug, Clone, Default)]
pub struct TitForTat {
    memo: StepMemo,
    cursor: usize,
    first: Option<f64>,
    best: Option<f64>,
}

impl TitForTat {
    /// A relative tit-for-tat strategy.
    pub fn new() -> Self {
        Self::default()
    }

    fn observe(&mut self, view: &View<'_>) {
        let (offers, next) = view.offers_by_others_since(self.cursor);
        for id in offers {
            let u = view.utility(id);
            self.first.get_or_insert(u);
            if self.best.is_none_or(|b| u > b) {
                self.best = Some(u);
            }
        }
        self.cursor = next;
    }

    fn plan(&mut self, view: &View<'_>) -> Option<OutcomeId> {
        self.observe(view);
        let (first, best_seen) = (self.first, self.best);
        self.memo.get_or(view.step(), || {
            let own = view.own();
            if own.n_acceptable() == 0 {
                return None;
            }
            let (best, floor) = range(&own);
            let share = match (first, best_seen) {
                (Some(u0), Some(us)) if best > u0 => ((us - u0) / (best - u0)).clamp(0.0, 1.0),
                _ => 0.0,
            };
            offer_for(&own, best - share * (best - floor))
        })
    }
}

impl Strategy for TitForTat {
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response {
        let next = self.plan(view);
        ac_next(view, offer, next)
    }

    fn propose(&mut self, view: &View<'_>) -> Proposal {
        offer_or_end(self.plan(view))
    }
}
