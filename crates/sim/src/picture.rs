//! The principals' bargaining problem at the scenario's stated values (no
//! uncertainty drawn): its Pareto frontier, the Nash and Kalai–Smorodinsky
//! points, and where each channel's talks end. It is what a report draws
//! beside the Monte Carlo summary.

use demarche_negotiation::protocol::derive_seed;
use demarche_negotiation::protocol::table::{OutcomeTable, TableOptions};
use demarche_scenario::Scenario;
use serde::Serialize;

use crate::bargain::{self, Setup};
use crate::draw::Draw;
use crate::plan::{Overrides, Plan};
use crate::run::{self, End, RunOptions};
use crate::SimError;

/// One channel's talks at the stated values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelEnd {
    pub channel: String,
    /// How the talks ended (`agreement`, `deadline`, ...).
    pub end: String,
    pub rounds: u64,
    /// The principals' utilities of the deal (`None` without one).
    pub agreement: Option<[f64; 2]>,
    /// Whether the deal survives ratification.
    pub ratified: bool,
}

/// The bargaining picture (utilities on the principals' effective 0–1 scales).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Picture {
    /// The principals' actor ids, in axis order (x, y).
    pub principals: [String; 2],
    /// The mediator's actor id, when the scenario has one.
    pub mediator: Option<String>,
    /// Pareto-optimal candidate deals, first principal's utility ascending.
    pub frontier: Vec<[f64; 2]>,
    /// Other candidate deals (at most [`MAX_OUTCOMES`], evenly thinned).
    pub outcomes: Vec<[f64; 2]>,
    /// No-deal (reservation) utilities: the disagreement point.
    pub reservation: [f64; 2],
    pub nash: Option<[f64; 2]>,
    pub kalai_smorodinsky: Option<[f64; 2]>,
    pub channels: Vec<ChannelEnd>,
    /// The first agenda issue without a zone of agreement at the stated
    /// values, if any: then the frontier is drawn with the red lines set aside
    /// and no channel is run on it.
    pub no_zone: Option<String>,
}

/// Candidate deals kept for drawing.
pub const MAX_OUTCOMES: usize = 2_000;

/// The picture of `sc` under `overrides` (channel, seed).
pub fn picture(sc: &Scenario, overrides: &Overrides) -> Result<Picture, SimError> {
    let plan = Plan::new(sc, overrides).map_err(SimError::Invalid)?;
    let d = Draw::nominal(sc, &plan);
    let seed = derive_seed(plan.settings.seed, &[u64::MAX]);
    let principals = plan.principals.map(|p| sc.actors[p].id.clone());
    let mediator = plan.mediator.map(|m| sc.actors[m].id.clone());
    let (b, no_zone) = match bargain::setup(sc, &plan, &d) {
        Setup::Ready(b) => (b, None),
        // No deal lies inside both sides' red lines: draw the frontier with the
        // red lines set aside (what the parties' interests alone would allow),
        // and say so; no channel is run on it.
        Setup::NoZone { issue, .. } => {
            let mut open = d.clone();
            open.red_line.iter_mut().for_each(|r| *r = None);
            let no_zone = Some(sc.issues[plan.agenda[issue]].id.clone());
            match bargain::setup(sc, &plan, &open) {
                Setup::Ready(b) => (b, no_zone),
                Setup::NoZone { .. } => {
                    return Ok(Picture {
                        principals,
                        mediator,
                        frontier: Vec::new(),
                        outcomes: Vec::new(),
                        reservation: [f64::NAN; 2],
                        nash: None,
                        kalai_smorodinsky: None,
                        channels: Vec::new(),
                        no_zone,
                    })
                }
            }
        }
    };
    let space = b.space(sc, &plan)?;
    let profiles = b.profiles(sc, &plan, &space)?;
    let table = OutcomeTable::new(
        space,
        profiles,
        &TableOptions { max_outcomes: plan.settings.resolution as usize, continuous_grid: 2, seed },
    )?;
    let (mut frontier, nash) = run::frontier(&table);
    let step = table.len().div_ceil(MAX_OUTCOMES).max(1);
    let outcomes: Vec<[f64; 2]> =
        table.own(0).ranked().step_by(step).map(|(id, u0)| [u0, table.utility(1, id)]).collect();
    frontier.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let r = b.reservation;
    let outcome = run::run(sc, &plan, &d, RunOptions { seed, escalation: false })?;
    let channels = if no_zone.is_some() {
        Vec::new()
    } else {
        [(0, "direct"), (1, "mediated")]
            .into_iter()
            .filter_map(|(k, name)| {
                let c = outcome.channels[k].as_ref()?;
                Some(ChannelEnd {
                    channel: name.to_string(),
                    end: c.end.as_str().to_string(),
                    rounds: c.rounds,
                    agreement: (c.end == End::Agreement).then_some(c.principal_utility),
                    ratified: c.ratified,
                })
            })
            .collect()
    };
    Ok(Picture {
        principals,
        mediator,
        kalai_smorodinsky: kalai_smorodinsky(&frontier, r),
        frontier,
        outcomes,
        reservation: r,
        nash,
        channels,
        no_zone,
    })
}

/// The frontier point maximising the smaller of the two gains, each relative
/// to that party's best gain over its reservation value among acceptable points.
fn kalai_smorodinsky(frontier: &[[f64; 2]], r: [f64; 2]) -> Option<[f64; 2]> {
    let ok: Vec<[f64; 2]> = frontier.iter().copied().filter(|p| p[0] >= r[0] && p[1] >= r[1]).collect();
    let ideal = [0, 1].map(|k| ok.iter().map(|p| p[k]).fold(f64::NEG_INFINITY, f64::max));
    let gain = |p: &[f64; 2], k: usize| {
        let span = ideal[k] - r[k];
        if span > 0.0 {
            (p[k] - r[k]) / span
        } else {
            1.0
        }
    };
    ok.iter().copied().max_by(|a, b| gain(a, 0).min(gain(a, 1)).total_cmp(&gain(b, 0).min(gain(b, 1))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kalai_smorodinsky_balances_relative_gains() {
        let f = [[0.0, 1.0], [0.5, 0.9], [0.8, 0.8], [0.9, 0.4], [1.0, 0.0]];
        // Ideal (1, 1) from (0, 0): the point with the largest smaller gain is (0.8, 0.8).
        assert_eq!(kalai_smorodinsky(&f, [0.0, 0.0]), Some([0.8, 0.8]));
        // Nothing acceptable to both: no point.
        assert_eq!(kalai_smorodinsky(&f, [0.95, 0.95]), None);
    }

    #[test]
    fn the_seed_picture_has_a_frontier_with_its_solutions_on_it() {
        let mut sc = demarche_scenario::seed().unwrap().scenario;
        // At the stated values the Supreme Leader's red lines (he ratifies for
        // Iran's government) leave no zone: the picture says where.
        let closed = picture(&sc, &Overrides::default()).unwrap();
        assert!(closed.no_zone.is_some() && closed.channels.is_empty());
        assert!(!closed.frontier.is_empty(), "the frontier with the red lines set aside");
        // Without the vetoes the two delegations' own red lines just meet.
        sc.relations.retain(|r| r.kind != demarche_scenario::RelationKind::Veto);
        let p = picture(&sc, &Overrides::default()).unwrap();
        assert_eq!(p.principals, ["iran_gov".to_string(), "us_admin".to_string()]);
        assert!(!p.frontier.is_empty());
        for point in [p.nash.unwrap(), p.kalai_smorodinsky.unwrap()] {
            assert!(p.frontier.contains(&point), "{point:?} is not on the frontier");
            assert!(point[0] >= p.reservation[0] && point[1] >= p.reservation[1]);
        }
        assert_eq!(p.channels.len(), 2);
    }
}
