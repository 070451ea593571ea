//! The confrontation indicator: Bueno de Mesquita's expected-utility model
//! (the `demarche-bdm` engine) run on every issue of one draw, and each dyad
//! marked when, in the last round of the run on some issue, either side's
//! exchange with the other is classified as *conflict* (both expect to gain
//! by challenging the other) and the two are materially apart
//! ([`MATERIAL_GAP`]) both where they started and where they ended. It is a model indicator of where interests
//! collide, not a prediction of war.
//!
//! Without a deal the draw's positions are used as they are; with a deal the
//! two principals are held at its terms on the agenda issues (they have
//! committed to them), and everyone else moves as the model says.

use demarche_bdm::model::{code, Inputs};
use demarche_bdm::Record;
use demarche_scenario::settings::bdm::Scale;
use demarche_scenario::Scenario;

use crate::draw::Draw;
use crate::plan::Plan;

/// Smallest gap between two positions (stated, and final), as a fraction of
/// the issue's range, for their conflict classification to count.
pub const MATERIAL_GAP: f64 = 0.1;

/// Bit index of the dyad of `plan.bdm_actors[i]` and `[j]` (i < j).
#[inline]
pub fn dyad_bit(m: usize, i: usize, j: usize) -> usize {
    let (a, b) = if i < j { (i, j) } else { (j, i) };
    a * m + b
}

/// Words in a dyad bitset for `m` actors.
pub fn words(m: usize) -> usize {
    (m * m).div_ceil(64)
}

/// Dyads in confrontation for draw `d`; `deal`, if any, holds the principals
/// at these values per scenario issue (None: not settled).
pub fn confrontations(sc: &Scenario, plan: &Plan, d: &Draw, deal: Option<&[Option<f64>]>) -> Vec<u64> {
    let m = plan.bdm_actors.len();
    let mut bits = vec![0u64; words(m)];
    let mut cap = Vec::with_capacity(m);
    let mut pos = Vec::with_capacity(m);
    let mut sal = Vec::with_capacity(m);
    let mut who = Vec::with_capacity(m);
    for (i, iss) in sc.issues.iter().enumerate() {
        cap.clear();
        pos.clear();
        sal.clear();
        who.clear();
        for (slot, &a) in plan.bdm_actors.iter().enumerate() {
            let Some((mut x, s)) = d.stance(plan, a, i) else { continue };
            if let Some(v) = deal.and_then(|v| v[i]) {
                if plan.principals.contains(&a) && plan.agenda.contains(&i) {
                    x = v;
                }
            }
            cap.push(sc.actors[a].capability);
            pos.push(x);
            sal.push(s);
            who.push(slot);
        }
        if who.len() < 2 {
            continue;
        }
        let spread =
            pos.iter().copied().fold(f64::NEG_INFINITY, f64::max) - pos.iter().copied().fold(f64::INFINITY, f64::min);
        let scale = match plan.bdm.scale {
            Scale::Positions if spread > 0.0 => spread,
            _ => iss.range(),
        };
        let inputs = Inputs { capability: &cap, position: &pos, salience: &sal, scale };
        let Ok(run) = demarche_bdm::run(inputs, &plan.bdm, plan.bdm.rounds, Record { kinds: true }) else { continue };
        let (Some(last), Some(end)) = (run.kinds.last(), run.positions.last()) else { continue };
        let n = who.len();
        let gap = MATERIAL_GAP * iss.range();
        for x in 0..n {
            for y in 0..n {
                // Both the stated and the final positions must be materially apart: the model's
                // low-salience actors can swap places round after round, and a "conflict" between
                // two who started together is that churn, not colliding interests.
                let apart = (end[x] - end[y]).abs() >= gap && (pos[x] - pos[y]).abs() >= gap;
                if x != y && last[x * n + y] == code::CONFLICT && apart {
                    let bit = dyad_bit(m, who[x], who[y]);
                    bits[bit / 64] |= 1 << (bit % 64);
                }
            }
        }
    }
    bits
}

/// Whether the dyad bit is set.
#[inline]
pub fn has(bits: &[u64], bit: usize) -> bool {
    bits.get(bit / 64).is_some_and(|w| w >> (bit % 64) & 1 == 1)
}
