//! The mediator of the `mediated` channel: a single-negotiating-text mediator
//! (Fisher's Camp David procedure as described by Raiffa 1982) that plugs into
//! the negotiation crate's mediated protocol through its `Mediator` and
//! `Belief` traits. This is an adapter, not a fork: the crate's own mediators
//! propose single-issue changes, and on our agenda (every issue's candidates
//! lie between the two ideal points) every single-issue change hurts one side,
//! so they would never move the text. Ours also proposes two-issue trades.
//!
//! * **Belief.** The mediator sees each party through noise: believed ideal
//!   θ̃ = θ' + σ·R·z, believed weights ω̃ ∝ ω·max(0, 1 + σ·z'), z, z' standard
//!   normal per party and issue, σ = `mediator.noise`; believed reservation =
//!   believed utility of the no-deal point + the party's stated no-deal shift.
//! * **Bias.** Towards party f by b: bargaining weights α_f = (1 + b)/2,
//!   α_other = (1 − b)/2.
//! * **First text.** The believed asymmetric Nash point: the candidate
//!   maximising Σ α_p ln(ũ_p − r̃_p) among those it believes both accept; if it
//!   believes none acceptable, the one with the smallest weighted shortfall.
//! * **Changes.** Single-issue moves and two-issue trades of one grid step
//!   that it believes make nobody worse off and someone better, best first by
//!   the same criterion; a change vetoed twice since the text last moved is
//!   dropped; it stops when it believes nothing improves the text.

use std::collections::HashMap;

use demarche_negotiation::domain::{Outcome, Value};
use demarche_negotiation::protocol::mediated::{Belief, Mediator, MediatorContext};
use demarche_negotiation::protocol::table::OutcomeId;
use demarche_negotiation::strategy::{Proposal, Response, Strategy, View, VoteView};

use crate::bargain::{value, Bargain};

/// What the mediator believes: per party and agenda issue, the value of each grid point.
#[derive(Clone, Debug)]
pub struct BeliefModel {
    /// `values[p][k][j]`: believed weighted value of grid point j of issue k for party p.
    values: [Vec<Vec<f64>>; 2],
    pub reservation: [f64; 2],
}

impl BeliefModel {
    /// The mediator's picture of `b` given error draws `z_ideal`, `z_weight`
    /// (`[p · K + k]`), noise σ and each party's stated no-deal shift.
    pub fn new(b: &Bargain, z_ideal: &[f64], z_weight: &[f64], noise: f64, shifts: [f64; 2]) -> Self {
        let k_n = b.grid.len();
        let mut values = [Vec::with_capacity(k_n), Vec::with_capacity(k_n)];
        let mut reservation = [0.0; 2];
        for p in 0..2 {
            let ideal: Vec<f64> = (0..k_n).map(|k| b.ideal[p][k] + noise * b.range[k] * z_ideal[p * k_n + k]).collect();
            let mut w: Vec<f64> =
                (0..k_n).map(|k| b.weight[p][k] * (1.0 + noise * z_weight[p * k_n + k]).max(0.0)).collect();
            let s: f64 = w.iter().sum();
            if s > 0.0 {
                w.iter_mut().for_each(|x| *x /= s);
            } else {
                w = b.weight[p].clone();
            }
            let v = |k: usize, x: f64| w[k] * value(b.loss, (x - ideal[k]) / b.range[k]);
            values[p] = (0..k_n).map(|k| b.grid[k].iter().map(|&x| v(k, x)).collect()).collect();
            reservation[p] =
                b.no_deal.iter().enumerate().map(|(k, x)| x.map(|x| v(k, x)).unwrap_or(0.0)).sum::<f64>() + shifts[p];
        }
        BeliefModel { values, reservation }
    }

    #[inline]
    fn of_indices(&self, p: usize, idx: &[u32]) -> f64 {
        idx.iter().enumerate().map(|(k, &j)| self.values[p][k][j as usize]).sum()
    }
}

fn indices(outcome: &[Value]) -> Vec<u32> {
    outcome
        .iter()
        .map(|v| match *v {
            Value::Index(j) => j,
            Value::Real(_) => 0,
        })
        .collect()
}

impl Belief for BeliefModel {
    fn utility(&self, party: usize, outcome: &[Value]) -> f64 {
        self.of_indices(party.min(1), &indices(outcome))
    }
}

/// The mediator (see the module docs).
pub struct SingleText {
    belief: BeliefModel,
    alpha: [f64; 2],
    sizes: Vec<u32>,
    vetoes: HashMap<Vec<u32>, u8>,
}

impl SingleText {
    /// `favour`: the party it leans towards and by how much (0–1).
    pub fn new(belief: BeliefModel, sizes: Vec<u32>, favour: Option<(usize, f64)>) -> Self {
        let alpha = match favour {
            Some((f, b)) if f < 2 => {
                let mut a = [(1.0 - b) / 2.0; 2];
                a[f] = (1.0 + b) / 2.0;
                a
            }
            _ => [0.5, 0.5],
        };
        SingleText { belief, alpha, sizes, vetoes: HashMap::new() }
    }

    /// Larger is better: (−weighted shortfall below reservations, weighted log Nash product).
    fn score(&self, u: [f64; 2]) -> (f64, f64) {
        let mut short = 0.0;
        let mut nash = 0.0;
        for ((&u, &r), &alpha) in u.iter().zip(&self.belief.reservation).zip(&self.alpha) {
            let gain = u - r;
            short += alpha * gain.min(0.0);
            nash += alpha * gain.max(1e-12).ln();
        }
        (short, nash)
    }

    fn better(a: (f64, f64), b: (f64, f64)) -> bool {
        a.0 > b.0 + 1e-12 || ((a.0 - b.0).abs() <= 1e-12 && a.1 > b.1 + 1e-12)
    }
}

impl Mediator for SingleText {
    fn name(&self) -> String {
        "single-text".into()
    }

    fn initial_text(&mut self, _ctx: &MediatorContext<'_>) -> Outcome {
        // Enumerate the grid (bounded by the resolution setting) for the believed Nash point.
        let n: usize = self.sizes.iter().map(|&s| s as usize).product();
        let mut idx = vec![0u32; self.sizes.len()];
        let mut best: Option<((f64, f64), Vec<u32>)> = None;
        for _ in 0..n {
            let u = [self.belief.of_indices(0, &idx), self.belief.of_indices(1, &idx)];
            let s = self.score(u);
            if best.as_ref().is_none_or(|(b, _)| Self::better(s, *b)) {
                best = Some((s, idx.clone()));
            }
            for k in (0..idx.len()).rev() {
                idx[k] += 1;
                if idx[k] < self.sizes[k] {
                    break;
                }
                idx[k] = 0;
            }
        }
        best.map(|(_, i)| i).unwrap_or_default().into_iter().map(Value::Index).collect()
    }

    fn propose(&mut self, _ctx: &MediatorContext<'_>, current: &Outcome) -> Option<Outcome> {
        let cur = indices(current);
        let base = [self.belief.of_indices(0, &cur), self.belief.of_indices(1, &cur)];
        let k_n = cur.len();
        let mut best: Option<((f64, f64), Vec<u32>)> = None;
        let step = |j: u32, d: i32, size: u32| -> Option<u32> {
            let t = j as i64 + d as i64;
            (t >= 0 && t < size as i64).then_some(t as u32)
        };
        let consider = |cand: Vec<u32>, best: &mut Option<((f64, f64), Vec<u32>)>| {
            if self.vetoes.get(&cand).is_some_and(|&v| v >= 2) {
                return;
            }
            let u = [self.belief.of_indices(0, &cand), self.belief.of_indices(1, &cand)];
            let (d0, d1) = (u[0] - base[0], u[1] - base[1]);
            if d0 < -1e-12 || d1 < -1e-12 || d0 + d1 <= 1e-12 {
                return;
            }
            let s = self.score(u);
            if best.as_ref().is_none_or(|(b, _)| Self::better(s, *b)) {
                *best = Some((s, cand));
            }
        };
        for k in 0..k_n {
            for dk in [-1, 1] {
                let Some(jk) = step(cur[k], dk, self.sizes[k]) else { continue };
                let mut c = cur.clone();
                c[k] = jk;
                consider(c.clone(), &mut best);
                for l in k + 1..k_n {
                    for dl in [-1, 1] {
                        let Some(jl) = step(cur[l], dl, self.sizes[l]) else { continue };
                        let mut c2 = c.clone();
                        c2[l] = jl;
                        consider(c2, &mut best);
                    }
                }
            }
        }
        best.map(|(_, c)| c.into_iter().map(Value::Index).collect())
    }

    fn observe(&mut self, proposal: &Outcome, adopted: bool) {
        if adopted {
            self.vetoes.clear();
        } else {
            *self.vetoes.entry(indices(proposal)).or_insert(0) += 1;
        }
    }
}

/// A party's behaviour in mediated talks: it vetoes every change while it
/// stalls (relative time below `stall_until`), then accepts any change that
/// leaves it no worse off.
#[derive(Clone, Debug)]
pub struct Voter {
    pub stall_until: f64,
}

impl Strategy for Voter {
    fn respond(&mut self, _view: &View<'_>, _offer: OutcomeId) -> Response {
        Response::Reject
    }

    fn propose(&mut self, _view: &View<'_>) -> Proposal {
        Proposal::End
    }

    fn vote(&mut self, view: &VoteView<'_>) -> bool {
        if view.time().unwrap_or(0.0) < self.stall_until {
            return false;
        }
        view.proposal_utility() >= view.current_utility()
    }
}
