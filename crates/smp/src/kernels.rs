//! The hot loops, written so the compiler can vectorise them without changing
//! any result: every sum still runs over its terms in KTAB's order; only
//! independent sums are computed side by side.
//!
//! Each kernel is generic over the voting rule (a zero-sized type), so the rule
//! is resolved at compile time instead of in the innermost loop.

use demarche_scenario::settings::smp::VotingRule;
use rayon::prelude::*;

use crate::pce::{Square, MIN_COALITION};

/// A voting rule as a type: `vote(w, du)` is the influence for a utility
/// difference `du` (see [`crate::rules::vote`], which this must match exactly).
pub trait Rule: Copy + Send + Sync + 'static {
    fn vote(w: f64, ua: f64, ub: f64) -> f64;
}

macro_rules! rule_type {
    ($name:ident, $variant:ident) => {
        #[derive(Clone, Copy)]
        pub struct $name;
        impl Rule for $name {
            #[inline(always)]
            fn vote(w: f64, ua: f64, ub: f64) -> f64 {
                crate::rules::vote(VotingRule::$variant, w, ua, ub)
            }
        }
    };
}

rule_type!(Binary, Binary);
rule_type!(PropBin, PropBin);
rule_type!(Prop, Prop);
rule_type!(PropCbc, PropCbc);
rule_type!(Cubic, Cubic);
rule_type!(ASymProsp, ASymProsp);

/// Call `$body` with `$R` bound to the rule type of `$rule`.
#[macro_export]
#[doc(hidden)]
macro_rules! with_rule {
    ($rule:expr, $R:ident => $body:expr) => {
        match $rule {
            demarche_scenario::settings::smp::VotingRule::Binary => {
                type $R = $crate::kernels::Binary;
                $body
            }
            demarche_scenario::settings::smp::VotingRule::PropBin => {
                type $R = $crate::kernels::PropBin;
                $body
            }
            demarche_scenario::settings::smp::VotingRule::Prop => {
                type $R = $crate::kernels::Prop;
                $body
            }
            demarche_scenario::settings::smp::VotingRule::PropCbc => {
                type $R = $crate::kernels::PropCbc;
                $body
            }
            demarche_scenario::settings::smp::VotingRule::Cubic => {
                type $R = $crate::kernels::Cubic;
                $body
            }
            demarche_scenario::settings::smp::VotingRule::ASymProsp => {
                type $R = $crate::kernels::ASymProsp;
                $body
            }
        }
    };
}

/// Below this many options the coalition matrix is filled on one thread.
const PAR_MIN_OPTIONS: usize = 48;

/// Coalition strengths of `options` options among voters whose utilities are
/// the rows of `util` (row-major, `stride` entries per row): for a > b,
/// `c(a,b) = ε + Σₖ max(0, vₖ(a:b))` and `c(b,a) = ε + Σₖ max(0, −vₖ(a:b))`,
/// each sum over voters in order.
pub fn coalitions(rule: VotingRule, weights: &[f64], util: &[f64], stride: usize, options: usize) -> Square {
    with_rule!(rule, R => coalitions_for::<R>(weights, util, stride, options))
}

fn coalitions_for<R: Rule>(weights: &[f64], util: &[f64], stride: usize, n: usize) -> Square {
    // Row a of the lower triangle: for every b < a, both sums.
    let row = |a: usize| -> (Vec<f64>, Vec<f64>) {
        let mut pos = vec![MIN_COALITION; a];
        let mut neg = vec![MIN_COALITION; a];
        for (k, &wk) in weights.iter().enumerate() {
            let u = &util[k * stride..k * stride + n];
            let ua = u[a];
            for b in 0..a {
                let v = R::vote(wk, ua, u[b]);
                pos[b] += if v > 0.0 { v } else { 0.0 };
                neg[b] -= if v < 0.0 { v } else { 0.0 };
            }
        }
        (pos, neg)
    };
    let rows: Vec<(Vec<f64>, Vec<f64>)> =
        if n >= PAR_MIN_OPTIONS { (0..n).into_par_iter().map(row).collect() } else { (0..n).map(row).collect() };
    let mut c = Square::zeros(n);
    for (a, (pos, neg)) in rows.into_iter().enumerate() {
        for b in 0..a {
            c.set(a, b, pos[b]);
            c.set(b, a, neg[b]);
        }
        c.set(a, a, MIN_COALITION);
    }
    c
}
