//! Coalitions and the probabilistic Condorcet election (PCE): who would back
//! each option against each other, how likely each option is to beat each
//! other, and how likely each is to prevail overall.

use demarche_scenario::settings::smp::{PceModel, VictoryProbModel, VotingRule};

use crate::kernels;
use crate::rules::victory_prob;

/// The smallest coalition strength: keeps 0/0 out of victory probabilities.
pub const MIN_COALITION: f64 = 1e-8;

/// A square matrix, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Square {
    pub n: usize,
    pub data: Vec<f64>,
}

impl Square {
    pub fn zeros(n: usize) -> Self {
        Square { n, data: vec![0.0; n * n] }
    }

    #[inline(always)]
    pub fn at(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.n + j]
    }

    #[inline(always)]
    pub fn set(&mut self, i: usize, j: usize, x: f64) {
        self.data[i * self.n + j] = x;
    }
}

/// Why a PCE could not be computed.
#[derive(Clone, Debug, PartialEq)]
pub enum PceError {
    /// A Markov chain did not settle within the iteration limit.
    NoConvergence { model: PceModel, iterations: usize },
}

impl std::fmt::Display for PceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PceError::NoConvergence { model, iterations } => {
                write!(f, "the {model} Condorcet election did not converge in {iterations} iterations")
            }
        }
    }
}

/// Coalition strengths `c(a,b)` of the options whose utilities to the voters
/// are the columns of `util` (voters × options, row-major with `stride`):
/// `c(a,b) = ε + Σₖ max(0, vₖ(a:b))` over voters k in order.
pub fn coalitions(rule: VotingRule, weights: &[f64], util: &[f64], stride: usize, options: usize) -> Square {
    kernels::coalitions(rule, weights, util, stride, options)
}

/// Pairwise victory probabilities from coalition strengths; the diagonal is ½.
pub fn victory_matrix(model: VictoryProbModel, c: &Square) -> Square {
    let n = c.n;
    let mut p = Square::zeros(n);
    for i in 0..n {
        for j in 0..i {
            let (pij, pji) = victory_prob(model, c.at(i, j), c.at(j, i));
            p.set(i, j, pij);
            p.set(j, i, pji);
        }
        p.set(i, i, 0.5);
    }
    p
}

/// The probability of each option prevailing, from coalition strengths.
pub fn probabilities(pce: PceModel, vpm: VictoryProbModel, c: &Square) -> Result<Vec<f64>, PceError> {
    let pv = victory_matrix(vpm, c);
    match pce {
        PceModel::Conditional => Ok(conditional(&pv)),
        PceModel::MarkovIncentive => markov_incentive(c, &pv),
        PceModel::MarkovUniform => markov_uniform(&pv),
    }
}

/// One-step conditional PCE: the probability that an option beats every other
/// (the product of its pairwise probabilities, ½ against itself), conditioned
/// on some option doing so.
pub fn conditional(pv: &Square) -> Vec<f64> {
    let n = pv.n;
    let mut p: Vec<f64> = (0..n)
        .map(|i| {
            let mut pi = 1.0;
            for &x in &pv.data[i * n..(i + 1) * n] {
                pi *= x;
            }
            pi
        })
        .collect();
    let total = crate::rules::sum(&p);
    for x in &mut p {
        *x /= total;
    }
    p
}

const MARKOV_MAX_ITERATIONS: usize = 1000;

/// Markov PCE in which the chance that option a challenges the current
/// favourite b is proportional to a's incentive `c(a,b)·P(a>b)`.
pub fn markov_incentive(c: &Square, pv: &Square) -> Result<Vec<f64>, PceError> {
    const TOL: f64 = 1e-8;
    const EPS_SUPPORT: f64 = 1e-10;
    let n = c.n;
    let mut inc = Square::zeros(n);
    for i in 0..n {
        for j in 0..n {
            let mut x = c.at(i, j) * pv.at(i, j);
            if i == j {
                x += EPS_SUPPORT;
            }
            inc.set(i, j, x);
        }
    }
    let col_sums: Vec<f64> = (0..n)
        .map(|j| {
            let mut s = 0.0;
            for k in 0..n {
                s += inc.at(k, j);
            }
            s
        })
        .collect();
    // chlg[a][b]: probability that a challenges when b is the favourite.
    let mut chlg = Square::zeros(n);
    for i in 0..n {
        for j in 0..n {
            chlg.set(i, j, inc.at(i, j) / col_sums[j]);
        }
    }
    let mut p = vec![1.0 / n as f64; n];
    let mut q = p.clone();
    let mut ct = Square::zeros(n);
    let mut change = 1.0;
    let mut iter = 0;
    while TOL < change {
        if iter >= MARKOV_MAX_ITERATIONS {
            return Err(PceError::NoConvergence { model: PceModel::MarkovIncentive, iterations: iter });
        }
        for i in 0..n {
            for j in 0..n {
                ct.set(i, j, p[i] * chlg.at(j, i));
            }
        }
        change = 0.0;
        for i in 0..n {
            let mut qi = 0.0;
            for j in 0..n {
                qi += pv.at(i, j) * (ct.at(i, j) + ct.at(j, i));
            }
            q[i] = qi;
            let d = (qi - p[i]).abs();
            change = if d > change { d } else { change };
        }
        for i in 0..n {
            p[i] = (p[i] + q[i]) / 2.0;
        }
        iter += 1;
    }
    if iter >= MARKOV_MAX_ITERATIONS {
        return Err(PceError::NoConvergence { model: PceModel::MarkovIncentive, iterations: iter });
    }
    Ok(p)
}

/// Markov PCE in which every option is equally likely to challenge.
pub fn markov_uniform(pv: &Square) -> Result<Vec<f64>, PceError> {
    const TOL: f64 = 1e-6;
    let n = pv.n;
    let mut p = vec![1.0 / n as f64; n];
    let mut q = p.clone();
    let mut change = 1.0;
    let mut iter = 0;
    while TOL < change {
        if iter >= MARKOV_MAX_ITERATIONS {
            return Err(PceError::NoConvergence { model: PceModel::MarkovUniform, iterations: iter });
        }
        change = 0.0;
        for i in 0..n {
            let mut pi = 0.0;
            for j in 0..n {
                pi += pv.at(i, j) * (p[i] + p[j]);
            }
            q[i] = pi / n as f64;
            let d = (q[i] - p[i]).abs();
            change = if d > change { d } else { change };
        }
        for i in 0..n {
            p[i] = (p[i] + q[i]) / 2.0;
        }
        iter += 1;
    }
    if iter >= MARKOV_MAX_ITERATIONS {
        return Err(PceError::NoConvergence { model: PceModel::MarkovUniform, iterations: iter });
    }
    Ok(p)
}

/// The PCE of options valued by voters: `util` is voters × options
/// (row-major, `stride` columns), `weights` the voters' strengths.
pub fn scalar_pce(
    rule: VotingRule,
    vpm: VictoryProbModel,
    pce: PceModel,
    weights: &[f64],
    util: &[f64],
    stride: usize,
    options: usize,
) -> Result<Vec<f64>, PceError> {
    let c = coalitions(rule, weights, util, stride, options);
    probabilities(pce, vpm, &c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums_to_one(p: &[f64]) -> bool {
        (p.iter().sum::<f64>() - 1.0).abs() < 1e-8
    }

    #[test]
    fn every_model_gives_a_distribution_favouring_the_majority_option() {
        // Three voters; options 0 and 1; two voters prefer option 0.
        let w = [1.0, 1.0, 1.0];
        let u = [1.0, 0.0, 1.0, 0.0, 0.0, 1.0];
        for pce in [PceModel::Conditional, PceModel::MarkovIncentive, PceModel::MarkovUniform] {
            for vpm in VictoryProbModel::ALL {
                let p = scalar_pce(VotingRule::Prop, *vpm, pce, &w, &u, 2, 2).unwrap();
                assert!(sums_to_one(&p), "{pce:?} {vpm:?} {p:?}");
                assert!(p[0] > p[1], "{pce:?} {vpm:?} {p:?}");
            }
        }
    }

    #[test]
    fn coalitions_add_positive_votes() {
        let w = [2.0, 1.0];
        let u = [0.9, 0.1, 0.2, 0.6];
        let c = coalitions(VotingRule::Prop, &w, &u, 2, 2);
        assert!((c.at(0, 1) - (MIN_COALITION + 2.0 * 0.8)).abs() < 1e-15);
        assert!((c.at(1, 0) - (MIN_COALITION + 0.4)).abs() < 1e-15);
        assert_eq!(c.at(0, 0), MIN_COALITION);
    }
}
