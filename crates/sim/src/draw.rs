//! One Monte Carlo draw: the uniform numbers of a run turned into values.
//!
//! * positions: normal(stated position, `position_sd`) truncated to the
//!   actor's red line within the issue's scale (an ideal point lies inside
//!   what the actor accepts);
//! * saliences: normal(stated salience, `salience_sd`) truncated to [0, 1];
//! * a principal stalls when its uniform is below its `stall_probability`;
//! * no-deal shifts: normal(`no_deal`, `no_deal_sd`), truncated to [−1, 1];
//! * a veto binds when its uniform is below its binding probability;
//! * the mediator's errors are standard normal quantiles (scaled later).

use demarche_scenario::Scenario;

use crate::dist::{normal_quantile, truncated_normal};
use crate::plan::{Input, Plan};

#[derive(Clone, Debug)]
pub struct Draw {
    /// Per stance (scenario order).
    pub position: Vec<f64>,
    pub salience: Vec<f64>,
    pub stall: [bool; 2],
    pub no_deal: [f64; 2],
    /// Per ratifier of the plan.
    pub veto_binds: Vec<bool>,
    /// Mediator errors, `[party · K + k]` for agenda issue k (standard normal).
    pub mediator_ideal: Vec<f64>,
    pub mediator_salience: Vec<f64>,
}

impl Draw {
    /// The draw at the stated values: no uncertainty (the nominal scenario).
    pub fn nominal(sc: &Scenario, plan: &Plan) -> Draw {
        let parties = [0, 1].map(|k| plan.settings.party(&sc.actors[plan.principals[k]].id));
        let k = plan.agenda.len();
        Draw {
            position: sc.stances.iter().map(|s| s.position).collect(),
            salience: sc.stances.iter().map(|s| s.salience).collect(),
            stall: [0, 1].map(|p| parties[p].stall_probability >= 1.0),
            no_deal: [0, 1].map(|p| parties[p].no_deal),
            veto_binds: plan.ratifiers.iter().map(|r| r.binding >= 1.0).collect(),
            mediator_ideal: vec![0.0; 2 * k],
            mediator_salience: vec![0.0; 2 * k],
        }
    }

    /// The draw given by uniforms `u` (one per [`Plan::inputs`]).
    pub fn from_uniforms(sc: &Scenario, plan: &Plan, u: &[f64]) -> Draw {
        let mut d = Draw::nominal(sc, plan);
        let parties = [0, 1].map(|k| plan.settings.party(&sc.actors[plan.principals[k]].id));
        let k_agenda = plan.agenda.len();
        for (input, &x) in plan.inputs.iter().zip(u) {
            match *input {
                Input::Position { stance } => {
                    let s = &sc.stances[stance];
                    let [lo, hi] = plan.position_bounds[stance];
                    d.position[stance] = truncated_normal(x, s.position, s.position_sd.unwrap_or(0.0), lo, hi);
                }
                Input::Salience { stance } => {
                    let s = &sc.stances[stance];
                    d.salience[stance] = truncated_normal(x, s.salience, s.salience_sd.unwrap_or(0.0), 0.0, 1.0);
                }
                Input::Stall { party } => d.stall[party] = x < parties[party].stall_probability,
                Input::NoDeal { party } => {
                    let p = &parties[party];
                    d.no_deal[party] = truncated_normal(x, p.no_deal, p.no_deal_sd, -1.0, 1.0);
                }
                Input::Veto { ratifier } => d.veto_binds[ratifier] = x < plan.ratifiers[ratifier].binding,
                Input::MediatorIdeal { party, k } => d.mediator_ideal[party * k_agenda + k] = normal_quantile(x),
                Input::MediatorSalience { party, k } => d.mediator_salience[party * k_agenda + k] = normal_quantile(x),
            }
        }
        d
    }

    /// Position and salience of `actor` on `issue` in this draw, if it takes a stance.
    pub fn stance(&self, plan: &Plan, actor: usize, issue: usize) -> Option<(f64, f64)> {
        plan.stance_of[actor][issue].map(|k| (self.position[k], self.salience[k]))
    }
}
