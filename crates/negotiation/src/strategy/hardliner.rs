//! The hard-liner: never concedes.

use super::{range, Proposal, Response, Strategy, View};
use crate::protocol::table::OutcomeId;

/// Always offers its best outcome; accepts only offers worth at least
/// `u_max − margin · (u_max − u_min)` (with `margin = 0`: only its best utility).
#[derive(Debug, Clone)]
pub struct HardLiner {
    margin: f64,
}

impl HardLiner {
    /// A hard-liner accepting within `margin` (a share of its range, in `[0, 1]`) of its best.
    pub fn new(margin: f64) -> Self {
        HardLiner { margin }
    }
}

impl Strategy for HardLiner {
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response {
        let own = view.own();
        if own.n_acceptable() == 0 {
            return Response::End;
        }
        let (best, floor) = range(&own);
        if view.utility(offer) >= best - self.margin * (best - floor) {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, view: &View<'_>) -> Proposal {
        if view.own().n_acceptable() == 0 {
            return Proposal::End;
        }
        Proposal::Offer(view.own().best())
    }
}
