//! A direct, O(n³)-per-round transcription of the model, written from the
//! formulas without the prefix-sum machinery, to check the fast core against.
#![allow(clippy::type_complexity, clippy::needless_range_loop)]

use demarche_forecast::InteractionKind;
use demarche_scenario::settings::bdm::*;

#[derive(Clone, Debug)]
pub struct NaiveRound {
    pub risk: Vec<f64>,
    /// (other, kind, own EU, other EU, new position) per actor.
    pub moves: Vec<Option<(usize, InteractionKind, f64, f64, f64)>>,
    /// (kind, own EU, other EU) per ordered pair, None for equal positions.
    pub dyads: Vec<Option<(InteractionKind, f64, f64)>>,
    pub positions: Vec<f64>,
}

struct State<'a> {
    w: Vec<f64>,
    s: &'a [f64],
    x: Vec<f64>,
    scale: f64,
    set: &'a BdmSettings,
}

fn pw(b: f64, r: f64) -> f64 {
    if r == 1.0 {
        b
    } else {
        b.powf(r)
    }
}

impl State<'_> {
    fn vote(&self, k: usize, xa: f64, xb: f64, rho: f64) -> f64 {
        let d = |y: f64| (self.x[k] - y).abs() / self.scale;
        self.w[k] * (pw(d(xb), rho) - pw(d(xa), rho))
    }

    fn all_votes(&self, rho: &[f64]) -> f64 {
        let n = self.x.len();
        let mut t = 0.0;
        for k in 0..n {
            for a in 0..n {
                for b in 0..n {
                    t += self.vote(k, self.x[a], self.x[b], rho[k]).abs();
                }
            }
        }
        t
    }

    fn prob(&self, xa: f64, xb: f64, rho: &[f64], all: f64) -> f64 {
        if xa == xb {
            return 0.0;
        }
        let (mut pos, mut neg, mut net) = (0.0, 0.0, 0.0);
        for k in 0..self.x.len() {
            let v = self.vote(k, xa, xb, rho[k]);
            pos += v.max(0.0);
            neg += (-v).max(0.0);
            net += v;
        }
        let num = match self.set.probability_numerator {
            Numerator::PositiveVotes => pos,
            Numerator::NetVotes => net.max(0.0),
        };
        let den = match self.set.probability_denominator {
            Denominator::AllVotes => all,
            Denominator::Dyad => pos + neg,
        };
        if den > 0.0 {
            num / den
        } else {
            0.0
        }
    }

    fn mean(&self) -> f64 {
        let t: f64 = self.w.iter().sum();
        if t > 0.0 {
            self.x.iter().zip(&self.w).map(|(x, w)| x * w).sum::<f64>() / t
        } else {
            self.x.iter().sum::<f64>() / self.x.len() as f64
        }
    }

    /// Argmin over held positions of Σ w|x − y| (lowest on ties).
    fn median(&self) -> f64 {
        let f = |y: f64| self.x.iter().zip(&self.w).map(|(x, w)| w * (x - y).abs()).sum::<f64>();
        let mut best = (f64::INFINITY, f64::INFINITY);
        for &y in &self.x {
            let v = f(y);
            if v < best.0 - 1e-12 * v.abs().max(1e-300) || ((v - best.0).abs() <= 1e-12 * v.abs() && y < best.1) {
                best = (v, y);
            }
        }
        best.1
    }

    /// EU of the challenger at `xc` against the target at `xt` (salience `st`),
    /// seen with exponent r.
    fn eu(&self, r: f64, xc: f64, xt: f64, st: f64, p: f64, mu: f64) -> f64 {
        let dist = (xc - xt).abs();
        let us = 2.0 - 4.0 * pw((0.5 - 0.5 * dist / self.scale).max(0.0), r);
        let uf = 2.0 - 4.0 * pw(0.5 + 0.5 * dist / self.scale, r);
        let usq = 2.0 - 4.0 * pw(0.5, r);
        let e = ((xc - mu).abs() + dist) / self.scale;
        let ub = 2.0 - 4.0 * pw((0.5 - 0.25 * e).max(0.0), r);
        let uw = 2.0 - 4.0 * pw(0.5 + 0.25 * e, r);
        let (q, t) = (self.set.q, self.set.t);
        let sq = if q == 1.0 { usq } else { q * usq + (1.0 - q) * (t * ub + (1.0 - t) * uw) };
        st * (p * us + (1.0 - p) * uf) + (1.0 - st) * us - sq
    }
}

pub fn naive_run(c: &[f64], x: &[f64], s: &[f64], scale: f64, set: &BdmSettings, rounds: u32) -> Vec<NaiveRound> {
    let n = x.len();
    let mut st = State { w: c.iter().zip(s).map(|(c, s)| c * s).collect(), s, x: x.to_vec(), scale, set };
    let mut out = Vec::new();
    for _ in 0..rounds {
        let mu = match set.reference_point {
            ReferencePoint::Median => st.median(),
            ReferencePoint::Mean => st.mean(),
        };
        let ones = vec![1.0; n];
        let mut r = ones.clone();
        let distinct = st.x.iter().any(|&v| v != st.x[0]);
        if set.risk == RiskModel::Security && distinct {
            let all = st.all_votes(&ones);
            let danger: Vec<f64> = (0..n)
                .map(|i| {
                    (0..n)
                        .filter(|&j| j != i)
                        .map(|j| st.eu(1.0, st.x[j], st.x[i], s[i], st.prob(st.x[j], st.x[i], &ones, all), mu))
                        .sum()
                })
                .collect();
            let lo = danger.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = danger.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if hi > lo {
                for i in 0..n {
                    let big = (2.0 * danger[i] - hi - lo) / (hi - lo);
                    r[i] = (1.0 - big / 3.0) / (1.0 + big / 3.0);
                }
            }
        }
        let rho = if set.vote_risk == VoteRisk::Voter { r.clone() } else { ones.clone() };
        let all = st.all_votes(&rho);
        let mut moves = vec![None; n];
        let mut dyads = vec![None; n * n];
        for i in 0..n {
            let mut offers: Vec<(usize, InteractionKind, f64, f64, f64)> = Vec::new();
            for j in 0..n {
                if st.x[j] == st.x[i] {
                    continue;
                }
                let own = st.eu(r[i], st.x[i], st.x[j], s[j], st.prob(st.x[i], st.x[j], &rho, all), mu);
                let other = st.eu(r[i], st.x[j], st.x[i], s[i], st.prob(st.x[j], st.x[i], &rho, all), mu);
                let kind = if own > 0.0 && other > 0.0 {
                    InteractionKind::Conflict
                } else if other > 0.0 || own > 0.0 {
                    let (gain, loss) = if other > 0.0 { (other, own.abs()) } else { (own, other.abs()) };
                    if gain > loss {
                        InteractionKind::Compromise
                    } else {
                        InteractionKind::Capitulation
                    }
                } else {
                    InteractionKind::Stalemate
                };
                dyads[i * n + j] = Some((kind, own, other));
                if other > own && own > 0.0 {
                    offers.push((j, InteractionKind::Conflict, own, other, st.x[j]));
                } else if other > 0.0 && own < 0.0 && other > -own {
                    offers.push((
                        j,
                        InteractionKind::Compromise,
                        own,
                        other,
                        st.x[i] + (st.x[j] - st.x[i]) * (own / other).abs(),
                    ));
                } else if other > 0.0 && own < 0.0 && other < -own && set.capitulation == Capitulation::LossExceedsGain
                {
                    offers.push((j, InteractionKind::Capitulation, own, other, st.x[j]));
                }
            }
            let xi = st.x[i];
            let dist = |o: &(usize, InteractionKind, f64, f64, f64)| (xi - o.4).abs();
            let first_min =
                |list: Vec<&(usize, InteractionKind, f64, f64, f64)>,
                 key: &dyn Fn(&(usize, InteractionKind, f64, f64, f64)) -> f64| {
                    let mut best: Option<&(usize, InteractionKind, f64, f64, f64)> = None;
                    for o in list {
                        if best.is_none_or(|b| key(o) < key(b)) {
                            best = Some(o);
                        }
                    }
                    best.copied()
                };
            let of = |k: InteractionKind| offers.iter().filter(|o| o.1 == k).collect::<Vec<_>>();
            moves[i] = match set.offer_selection {
                OfferSelection::Replication | OfferSelection::PriorityNearest => {
                    let comp_key = |o: &(usize, InteractionKind, f64, f64, f64)| {
                        if set.offer_selection == OfferSelection::Replication {
                            (o.2.abs() * xi + o.3.abs() * st.x[o.0]) / (o.2.abs() + o.3.abs())
                        } else {
                            dist(o)
                        }
                    };
                    first_min(of(InteractionKind::Conflict), &dist)
                        .or_else(|| first_min(of(InteractionKind::Compromise), &comp_key))
                        .or_else(|| first_min(of(InteractionKind::Capitulation), &dist))
                }
                OfferSelection::Nearest => first_min(offers.iter().collect(), &dist),
                OfferSelection::Strongest => {
                    let top = offers.iter().map(|o| o.3).fold(f64::NEG_INFINITY, f64::max);
                    first_min(offers.iter().filter(|o| o.3 == top).collect(), &dist)
                }
            };
        }
        for (i, mv) in moves.iter().enumerate() {
            if let Some(mv) = mv {
                st.x[i] = mv.4;
            }
        }
        out.push(NaiveRound { risk: r, moves, dyads, positions: st.x.clone() });
    }
    out
}
