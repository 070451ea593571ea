//! Aspiration: exponential concession that never asks for less than it was already offered.

use super::{offer_or_end, range, Proposal, Response, StepMemo, Strategy, View};
use crate::protocol::table::OutcomeId;

/// Concedes along Faratin et al.'s (1998) exponential curve
///
/// `τ(t) = u_max − (u_max − u_min) · (e^{βt} − 1) / (e^β − 1)`   (`τ(t) = u_max − (u_max − u_min)·t` at `β = 0`)
///
/// (`β > 0` concedes late, Boulware-like; `β < 0` early), but its aspiration never drops
/// below the best offer it has received: once `τ(t)` falls to that level it offers that
/// very outcome back. Accepts an offer worth at least `τ(t)` (the floor shapes offers, not
/// acceptance: with several parties, insisting on the best offer anyone made can deadlock).
#[derive(Debug, Clone)]
pub struct Aspiration {
    beta: f64,
    memo: StepMemo,
    cursor: usize,
    best_received: Option<(OutcomeId, f64)>,
}

impl Aspiration {
    /// An aspiration strategy with curvature `beta`.
    pub fn new(beta: f64) -> Self {
        Aspiration { beta, memo: StepMemo::default(), cursor: 0, best_received: None }
    }

    /// The concession curve `g(t) ∈ [0, 1]`.
    #[inline]
    pub fn curve(beta: f64, t: f64) -> f64 {
        let t = t.clamp(0.0, 1.0);
        if beta.abs() < 1e-9 {
            t
        } else {
            (beta * t).exp_m1() / beta.exp_m1()
        }
    }

    fn observe(&mut self, view: &View<'_>) {
        let (offers, next) = view.offers_by_others_since(self.cursor);
        for id in offers {
            let u = view.utility(id);
            if self.best_received.is_none_or(|(_, b)| u > b) {
                self.best_received = Some((id, u));
            }
        }
        self.cursor = next;
    }

    /// The aspiration `τ(t)`, or `None` when nothing is acceptable.
    fn tau(&self, view: &View<'_>) -> Option<f64> {
        let own = view.own();
        (own.n_acceptable() > 0).then(|| {
            let (best, floor) = range(&own);
            best - (best - floor) * Self::curve(self.beta, view.time_or_estimate())
        })
    }

    /// The planned offer.
    fn plan(&mut self, view: &View<'_>) -> Option<OutcomeId> {
        self.observe(view);
        let beta = self.beta;
        let best_received = self.best_received;
        self.memo.get_or(view.step(), || {
            let own = view.own();
            if own.n_acceptable() == 0 {
                return None;
            }
            let (best, floor) = range(&own);
            let tau = best - (best - floor) * Self::curve(beta, view.time_or_estimate());
            match best_received {
                Some((id, u)) if u >= tau && u >= own.reservation() => Some(id),
                _ => super::offer_for(&own, tau),
            }
        })
    }
}

impl Strategy for Aspiration {
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response {
        self.observe(view);
        match self.tau(view) {
            Some(tau) if view.utility(offer) >= tau => Response::Accept,
            Some(_) => Response::Reject,
            None => Response::End,
        }
    }

    fn propose(&mut self, view: &View<'_>) -> Proposal {
        offer_or_end(self.plan(view))
    }
}
