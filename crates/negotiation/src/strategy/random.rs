//! The random negotiator (seeded).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Proposal, Response, Strategy, View};
use crate::protocol::table::OutcomeId;

/// Offers a uniformly random outcome among those worth at least its reservation value, and
/// accepts an acceptable offer with probability `accept`. Its generator is seeded, so a run
/// is reproducible.
#[derive(Debug, Clone)]
pub struct RandomStrategy {
    accept: f64,
    rng: ChaCha8Rng,
}

impl RandomStrategy {
    /// A random negotiator accepting with probability `accept`, seeded with `seed`.
    pub fn new(accept: f64, seed: u64) -> Self {
        RandomStrategy { accept: accept.clamp(0.0, 1.0), rng: ChaCha8Rng::seed_from_u64(seed) }
    }
}

impl Strategy for RandomStrategy {
    fn respond(&mut self, view: &View<'_>, offer: OutcomeId) -> Response {
        let own = view.own();
        if own.n_acceptable() == 0 {
            return Response::End;
        }
        // Draw whatever the offer, so the stream does not depend on the offer's worth.
        let draw: f64 = self.rng.random();
        if view.utility(offer) >= own.reservation() && draw < self.accept {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, view: &View<'_>) -> Proposal {
        let own = view.own();
        match own.n_acceptable() {
            0 => Proposal::End,
            n => match own.at_rank(self.rng.random_range(0..n)) {
                Some(id) => Proposal::Offer(id),
                None => Proposal::End,
            },
        }
    }

    fn vote(&mut self, view: &super::VoteView<'_>) -> bool {
        let draw: f64 = self.rng.random();
        view.proposal_utility() >= view.current_utility() || draw < self.accept
    }
}
