//! Which pairs of actors are headed for coercion or force: the confrontation
//! indicator and the two naive baselines it is measured against
//! (`demarche backtest`, docs/validity.md).
//!
//! The indicator is computed from what the scenario states, with the
//! expected-utility model's conflict classification ([`crate::escalation`])
//! as one ingredient among five. For the dyad of actors `a` and `b`
//! (docs/models.md, "Confrontation indicator"):
//!
//! - **disagreement** `D = Σᵢ |xₐ − x_b| / wᵢ · min(sₐ, s_b) / n` over the
//!   issues both hold a stance on (`wᵢ` the scale's width, `n` the number of
//!   issues in the scenario): how far apart they are on what both care about,
//!   0–1. Its unnormalised sum is the `disagreement` baseline.
//! - **red-line clash** `R`, 0–1: the largest, over shared issues, of (i) one
//!   side's position lying outside the other's stated red line, weighted by the
//!   salience of the side that wants it, and (ii) the likely outcome (the
//!   compromise model's capability × salience weighted mean) crossing one
//!   side's red line while the other side stands nearer that outcome.
//! - **hostility** `H`: the weight of a `hostile` relation between them (1
//!   when it has none), half the patron's when a patron of one (`proxy_of`)
//!   is hostile to the other, else 0. Alone it is
//!   the `hostile` baseline.
//! - **expected-utility conflict** `E`: the share of the simulated runs it was
//!   estimated on in which the expected-utility model, run on the draw's
//!   positions without a deal, classifies their exchange as conflict (absent
//!   when the simulation did not compute it; the other weights are then
//!   rescaled to sum to one).
//! - **alignment** `A`: an `allied` relation, a `proxy_of` relation between
//!   the two, or stances that nearly coincide (mean gap under 5 % of the scale
//!   on at least one shared issue) — aligned actors are damped by
//!   [`ALIGNED_DAMPING`] so they cannot lead the ranking.
//!
//! `score = (1 − A · (1 − ALIGNED_DAMPING)) · (0.4 D + 0.25 R + 0.25 H + 0.1 E)`,
//! 0–1. It orders dyads by how strongly the inputs point to a collision; it is
//! a model indicator, not the probability that either side uses force.
//!
//! **Escalation from events** (optional, [`with_escalation`]): given event
//! data, the dyad's rise in material-conflict events (`X`, 0–1, the events
//! crate's escalation signal) joins as a further ingredient of weight
//! [`ESCALATION_WEIGHT`] against the others' one:
//! `score = damping · (raw + 0.2 X) / 1.2`.

use std::collections::BTreeMap;

use demarche_forecast::compromise::weighted_mean;
use demarche_scenario::{RelationKind, Scenario};
use serde::Serialize;

/// How much of its score an aligned dyad keeps.
pub const ALIGNED_DAMPING: f64 = 0.25;
/// Mean gap on shared issues (share of the scale) under which two actors'
/// stances count as near-identical.
pub const NEAR_IDENTICAL: f64 = 0.05;
/// Weights of disagreement, red-line clash, hostility and expected-utility
/// conflict (fixed a priori, not fitted: see docs/validity.md).
pub const WEIGHTS: [f64; 4] = [0.4, 0.25, 0.25, 0.1];
/// Weight of the events' escalation signal against the other ingredients'
/// one (fixed before any backtest case carried events: docs/validity.md).
pub const ESCALATION_WEIGHT: f64 = 0.2;

/// One dyad's confrontation indicator and what it is made of.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DyadScore {
    pub a: String,
    pub b: String,
    /// The indicator, 0–1 (see the module docs).
    pub score: f64,
    /// Salience-weighted disagreement on shared issues, averaged over the scenario's issues (0–1).
    pub disagreement: f64,
    /// Red-line clash (0–1).
    pub red_line: f64,
    /// Hostility (0, ½ through a patron, 1).
    pub hostility: f64,
    /// Share of runs the expected-utility model classifies as conflict (absent: not computed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_utility: Option<f64>,
    /// The events' escalation signal (0–1; absent: no events given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation: Option<f64>,
    /// Allied, patron and proxy, or near-identical stances.
    pub aligned: bool,
    /// The issue that weighs most in the disagreement, if they share one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main_issue: Option<String>,
}

/// The actors a dyad measure ranks: those with at least one stance, in
/// scenario order (the same actors the expected-utility model sees).
pub fn ranked_actors(sc: &Scenario) -> Vec<usize> {
    let ix = sc.index();
    let mut has = vec![false; sc.actors.len()];
    for s in &sc.stances {
        if let Some(a) = ix.actor(&s.actor) {
            has[a] = true;
        }
    }
    (0..sc.actors.len()).filter(|&a| has[a]).collect()
}

/// Per-dyad ingredients computed once from the scenario.
struct Ingredients {
    actors: Vec<usize>,
    /// Unnormalised disagreement sum, red-line clash, main issue, shared issues, sum of gaps.
    dyads: Vec<DyadFacts>,
}

#[derive(Clone, Default)]
struct DyadFacts {
    disagreement_sum: f64,
    red_line: f64,
    main_issue: Option<(usize, f64)>,
    shared: usize,
    gap_sum: f64,
}

fn ingredients(sc: &Scenario) -> Ingredients {
    let ix = sc.index();
    let actors = ranked_actors(sc);
    let m = actors.len();
    let slot: BTreeMap<usize, usize> = actors.iter().enumerate().map(|(k, &a)| (a, k)).collect();
    let mut dyads = vec![DyadFacts::default(); m * m];
    for i in 0..sc.issues.len() {
        let iss = &sc.issues[i];
        let width = iss.range();
        if !(width > 0.0) {
            continue;
        }
        let view = ix.issue_view(i);
        let weights: Vec<f64> = view.capability.iter().zip(&view.salience).map(|(c, s)| c * s).collect();
        let likely = weighted_mean(&view.position, &weights);
        let stance = |a: usize| ix.stance(&sc.actors[a].id, &iss.id);
        for (p, &a) in view.actors.iter().enumerate() {
            for (q, &b) in view.actors.iter().enumerate().skip(p + 1) {
                let (Some(&ka), Some(&kb)) = (slot.get(&a), slot.get(&b)) else { continue };
                let (xa, xb) = (view.position[p], view.position[q]);
                let (sa, sb) = (view.salience[p], view.salience[q]);
                let gap = (xa - xb).abs() / width;
                let term = gap * sa.min(sb);
                let f = &mut dyads[ka.min(kb) * m + ka.max(kb)];
                f.disagreement_sum += term;
                f.shared += 1;
                f.gap_sum += gap;
                if f.main_issue.is_none_or(|(_, t)| term > t) && term > 0.0 {
                    f.main_issue = Some((i, term));
                }
                let (ra, rb) = (stance(a).and_then(|s| s.red_line), stance(b).and_then(|s| s.red_line));
                let outside = |x: f64, rl: Option<[f64; 2]>| rl.is_some_and(|[lo, hi]| x < lo || x > hi);
                // (i) what one side wants, the other has ruled out.
                let mut clash = 0.0f64;
                if outside(xb, ra) {
                    clash = clash.max(sb);
                }
                if outside(xa, rb) {
                    clash = clash.max(sa);
                }
                // (ii) the likely outcome crosses one side's red line, and the other side is
                // the nearer of the two to it (it gets what the first has ruled out).
                if let Some(l) = likely {
                    if outside(l, ra) && (xb - l).abs() < (xa - l).abs() {
                        clash = clash.max(sa);
                    }
                    if outside(l, rb) && (xa - l).abs() < (xb - l).abs() {
                        clash = clash.max(sb);
                    }
                }
                f.red_line = f.red_line.max(clash);
            }
        }
    }
    Ingredients { actors, dyads }
}

/// Hostility and alignment of each dyad, from the relations.
fn relations(sc: &Scenario, actors: &[usize]) -> (Vec<f64>, Vec<bool>) {
    let ix = sc.index();
    let m = actors.len();
    let n = sc.actors.len();
    let mut hostile = vec![0.0_f64; n * n];
    let mut aligned_rel = vec![false; n * n];
    let mut patrons: Vec<Vec<usize>> = vec![Vec::new(); n];
    for r in &sc.relations {
        let (Some(f), Some(t)) = (ix.actor(&r.from), ix.actor(&r.to)) else { continue };
        match r.kind {
            RelationKind::Hostile => {
                let w = r.weight.unwrap_or(1.0).clamp(0.0, 1.0);
                hostile[f * n + t] = hostile[f * n + t].max(w);
                hostile[t * n + f] = hostile[t * n + f].max(w);
            }
            RelationKind::Allied => {
                aligned_rel[f * n + t] = true;
                aligned_rel[t * n + f] = true;
            }
            RelationKind::ProxyOf => {
                aligned_rel[f * n + t] = true;
                aligned_rel[t * n + f] = true;
                patrons[f].push(t);
            }
            _ => {}
        }
    }
    let mut hostility = vec![0.0; m * m];
    let mut aligned = vec![false; m * m];
    for (ka, &a) in actors.iter().enumerate() {
        for (kb, &b) in actors.iter().enumerate().skip(ka + 1) {
            let k = ka * m + kb;
            let via_patron = patrons[a]
                .iter()
                .map(|&p| hostile[p * n + b])
                .chain(patrons[b].iter().map(|&p| hostile[p * n + a]))
                .fold(0.0_f64, f64::max);
            hostility[k] = if hostile[a * n + b] > 0.0 { hostile[a * n + b] } else { 0.5 * via_patron };
            aligned[k] = aligned_rel[a * n + b];
        }
    }
    (hostility, aligned)
}

/// The confrontation indicator for every dyad of actors with stances, highest
/// first (ties keep scenario order). `expected_utility` maps `(a, b)` ids (either order) to
/// the share of runs classified as conflict; `None` when not computed.
pub fn indicator(sc: &Scenario, expected_utility: Option<&BTreeMap<(String, String), f64>>) -> Vec<DyadScore> {
    let ing = ingredients(sc);
    let (hostility, aligned_rel) = relations(sc, &ing.actors);
    let m = ing.actors.len();
    let n_issues = sc.issues.len().max(1) as f64;
    let mut out = Vec::with_capacity(m * m.saturating_sub(1) / 2);
    for (ka, &a) in ing.actors.iter().enumerate() {
        for (kb, &b) in ing.actors.iter().enumerate().skip(ka + 1) {
            let k = ka * m + kb;
            let f = &ing.dyads[k];
            let (ida, idb) = (&sc.actors[a].id, &sc.actors[b].id);
            let near_identical = f.shared > 0 && f.gap_sum / (f.shared as f64) < NEAR_IDENTICAL;
            let aligned = aligned_rel[k] || near_identical;
            let eu = expected_utility.map(|t| {
                t.get(&(ida.clone(), idb.clone()))
                    .or_else(|| t.get(&(idb.clone(), ida.clone())))
                    .copied()
                    .unwrap_or(0.0)
            });
            let d = f.disagreement_sum / n_issues;
            let [wd, wr, wh, we] = WEIGHTS;
            let raw = match eu {
                Some(e) => wd * d + wr * f.red_line + wh * hostility[k] + we * e,
                None => (wd * d + wr * f.red_line + wh * hostility[k]) / (wd + wr + wh),
            };
            let damp = if aligned { ALIGNED_DAMPING } else { 1.0 };
            out.push(DyadScore {
                a: ida.clone(),
                b: idb.clone(),
                score: raw * damp,
                disagreement: d,
                red_line: f.red_line,
                hostility: hostility[k],
                expected_utility: eu,
                escalation: None,
                aligned,
                main_issue: f.main_issue.map(|(i, _)| sc.issues[i].id.clone()),
            });
        }
    }
    sort_desc(&mut out, |d| d.score);
    out
}

/// The indicator with the events' escalation signal as an ingredient:
/// `score = damping · (raw + w·X) / (1 + w)` with `w` [`ESCALATION_WEIGHT`]
/// and `X` the signal of the dyad (either order; 0 when the events do not
/// name it), re-sorted highest first. Dyads that already carry a signal keep
/// theirs (the step is applied once).
pub fn with_escalation(mut dyads: Vec<DyadScore>, signal: &BTreeMap<(String, String), f64>) -> Vec<DyadScore> {
    for d in dyads.iter_mut().filter(|d| d.escalation.is_none()) {
        let x = signal
            .get(&(d.a.clone(), d.b.clone()))
            .or_else(|| signal.get(&(d.b.clone(), d.a.clone())))
            .copied()
            .unwrap_or(0.0)
            .clamp(0.0, 1.0);
        let damp = if d.aligned { ALIGNED_DAMPING } else { 1.0 };
        d.score = (d.score + damp * ESCALATION_WEIGHT * x) / (1.0 + ESCALATION_WEIGHT);
        d.escalation = Some(x);
    }
    sort_desc(&mut dyads, |d| d.score);
    dyads
}

/// A baseline: one score per dyad, in the indicator's dyad order before sorting.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaselineScore {
    pub a: String,
    pub b: String,
    pub score: f64,
}

/// The salience-weighted disagreement baseline: `Σᵢ |xₐ − x_b| / wᵢ · min(sₐ, s_b)`
/// over the issues both hold a stance on, for every dyad, highest first.
pub fn disagreement(sc: &Scenario) -> Vec<BaselineScore> {
    let ing = ingredients(sc);
    let m = ing.actors.len();
    let mut out = pairs(sc, &ing.actors, |ka, kb| ing.dyads[ka * m + kb].disagreement_sum);
    sort_desc(&mut out, |d| d.score);
    out
}

/// The `hostile` baseline: 1 for dyads with a `hostile` relation, else 0, highest first.
pub fn hostile(sc: &Scenario) -> Vec<BaselineScore> {
    let actors = ranked_actors(sc);
    let m = actors.len();
    let (hostility, _) = relations(sc, &actors);
    let mut out = pairs(sc, &actors, |ka, kb| if hostility[ka * m + kb] >= 1.0 { 1.0 } else { 0.0 });
    sort_desc(&mut out, |d| d.score);
    out
}

fn pairs(sc: &Scenario, actors: &[usize], score: impl Fn(usize, usize) -> f64) -> Vec<BaselineScore> {
    let mut out = Vec::new();
    for (ka, &a) in actors.iter().enumerate() {
        for (kb, &b) in actors.iter().enumerate().skip(ka + 1) {
            out.push(BaselineScore { a: sc.actors[a].id.clone(), b: sc.actors[b].id.clone(), score: score(ka, kb) });
        }
    }
    out
}

/// Highest first; ties keep scenario order (the sort is stable).
fn sort_desc<T>(v: &mut [T], key: impl Fn(&T) -> f64) {
    v.sort_by(|x, y| key(y).total_cmp(&key(x)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dyad(a: &str, b: &str, score: f64, aligned: bool) -> DyadScore {
        DyadScore {
            a: a.into(),
            b: b.into(),
            score,
            disagreement: 0.0,
            red_line: 0.0,
            hostility: 0.0,
            expected_utility: None,
            escalation: None,
            aligned,
            main_issue: None,
        }
    }

    #[test]
    fn the_escalation_signal_joins_with_its_weight_and_reorders_once() {
        let dyads = vec![dyad("a", "b", 0.6, false), dyad("b", "c", 0.5, false), dyad("a", "c", 0.1, true)];
        // Either order of a dyad's ids finds its signal; an unnamed dyad reads 0.
        let signal: BTreeMap<_, _> =
            [(("c".to_string(), "b".to_string()), 1.0), (("a".into(), "c".into()), 1.0)].into();
        let out = with_escalation(dyads, &signal);
        let get = |a: &str, b: &str| out.iter().find(|d| d.a == a && d.b == b).unwrap().clone();
        let w = ESCALATION_WEIGHT;
        assert!((get("a", "b").score - 0.6 / (1.0 + w)).abs() < 1e-12);
        assert!((get("b", "c").score - (0.5 + w) / (1.0 + w)).abs() < 1e-12);
        // An aligned dyad's signal is damped as the rest of its score is.
        assert!((get("a", "c").score - (0.1 + ALIGNED_DAMPING * w) / (1.0 + w)).abs() < 1e-12);
        assert_eq!(get("a", "b").escalation, Some(0.0));
        // b–c now leads: the ranking is re-sorted.
        assert_eq!((out[0].a.as_str(), out[0].b.as_str()), ("b", "c"));
        // Applied twice, nothing changes.
        assert_eq!(with_escalation(out.clone(), &signal), out);
    }
}
