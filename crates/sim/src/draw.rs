//! One Monte Carlo draw: the uniform numbers of a run turned into values.
//!
//! * red lines: one of the stance's `red_line_alternatives` with its
//!   probability, else the stated red line (or none); then, with
//!   `red_line_sd`, each inner bound normal(bound, sd), the low one truncated
//!   to [scale min, anchor] and the high one to [anchor, scale max], the
//!   anchor being the stated position clamped into the line (a bound at the
//!   scale's end means "no limit" and stays);
//! * positions: normal(stated position, `position_sd`) truncated to the
//!   actor's drawn red line within the issue's scale (an ideal point lies
//!   inside what the actor accepts);
//! * saliences: normal(stated salience, `salience_sd`) truncated to [0, 1];
//! * a principal stalls when its uniform is below its `stall_probability`;
//! * no-deal shifts: normal(`no_deal`, `no_deal_sd`), truncated to [−1, 1];
//! * a veto binds when its uniform is below its binding probability;
//! * the mediator's errors are standard normal quantiles (scaled later);
//! * a coercive option's gain: normal(`gain`, `gain_sd`), truncated to [0, 1].

use demarche_scenario::Scenario;

use crate::dist::{normal_quantile, truncated_normal};
use crate::plan::{Input, Plan};

#[derive(Clone, Debug)]
pub struct Draw {
    /// Per stance (scenario order).
    pub position: Vec<f64>,
    /// Per stance: the red line that holds in this draw (None: no red line).
    pub red_line: Vec<Option<[f64; 2]>>,
    pub salience: Vec<f64>,
    pub stall: [bool; 2],
    pub no_deal: [f64; 2],
    /// Per ratifier of the plan.
    pub veto_binds: Vec<bool>,
    /// Per coercive option of the plan: the holder's gain from using it.
    pub option_gain: Vec<f64>,
    /// Per ratifier: the uniform its binding is decided by (binds when below
    /// the binding probability; the deniability mechanism lowers that).
    pub veto_u: Vec<f64>,
    /// Whether a ratified mediated deal breaks down (the durability mechanism).
    pub breakdown: bool,
    /// `[party · K + k]`: the principal's error about the other's red lines on
    /// agenda issue k (standard normal; scaled by `perception_sd`).
    pub perception: Vec<f64>,
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
            red_line: sc.stances.iter().map(|s| s.red_line).collect(),
            salience: sc.stances.iter().map(|s| s.salience).collect(),
            stall: [0, 1].map(|p| parties[p].stall_probability >= 1.0),
            no_deal: [0, 1].map(|p| parties[p].no_deal),
            veto_binds: plan.ratifiers.iter().map(|r| r.binding >= 1.0).collect(),
            option_gain: plan.options.iter().map(|o| o.gain).collect(),
            veto_u: plan.ratifiers.iter().map(|r| if r.binding >= 1.0 { 0.0 } else { 1.0 }).collect(),
            perception: vec![0.0; 2 * k],
            breakdown: plan.settings.mediator.breakdown >= 1.0,
            mediator_ideal: vec![0.0; 2 * k],
            mediator_salience: vec![0.0; 2 * k],
        }
    }

    /// The draw given by uniforms `u` (one per [`Plan::inputs`]).
    pub fn from_uniforms(sc: &Scenario, plan: &Plan, u: &[f64]) -> Draw {
        let mut d = Draw::nominal(sc, plan);
        let parties = [0, 1].map(|k| plan.settings.party(&sc.actors[plan.principals[k]].id));
        let k_agenda = plan.agenda.len();
        // Red lines first: positions are drawn inside them.
        for (input, &x) in plan.inputs.iter().zip(u) {
            if let Input::RedLineChoice { stance } = *input {
                let s = &sc.stances[stance];
                let mut cum = 0.0;
                let mut chosen = s.red_line;
                for alt in &s.red_line_alternatives {
                    cum += alt.probability;
                    if x < cum {
                        chosen = Some(alt.red_line);
                        break;
                    }
                }
                d.red_line[stance] = chosen;
            }
        }
        for (input, &x) in plan.inputs.iter().zip(u) {
            let (stance, low) = match *input {
                Input::RedLineLow { stance } => (stance, true),
                Input::RedLineHigh { stance } => (stance, false),
                _ => continue,
            };
            let s = &sc.stances[stance];
            let (Some(iss), Some([lo, hi])) = (plan.issue_of[stance].map(|i| &sc.issues[i]), d.red_line[stance]) else {
                continue;
            };
            let sd = s.red_line_sd.unwrap_or(0.0);
            let at_end = |b: f64, end: f64| (b - end).abs() <= 1e-12 * iss.range().max(1.0);
            // The bounds move about the stated position (or, when this red line
            // excludes it, about the line's nearest end), never across it.
            let anchor = s.position.clamp(lo, hi);
            if low && !at_end(lo, iss.min) {
                d.red_line[stance] = Some([truncated_normal(x, lo, sd, iss.min, anchor), hi]);
            } else if !low && !at_end(hi, iss.max) {
                d.red_line[stance] = Some([lo, truncated_normal(x, hi, sd, anchor, iss.max)]);
            }
        }
        // An ideal point lies inside what the actor accepts in this draw.
        for (k, s) in sc.stances.iter().enumerate() {
            if s.red_line_uncertain() {
                let [lo, hi] = plan.bounds_within(k, d.red_line[k]);
                d.position[k] = d.position[k].clamp(lo.min(hi), hi.max(lo));
            }
        }
        for (input, &x) in plan.inputs.iter().zip(u) {
            match *input {
                Input::Position { stance } => {
                    let s = &sc.stances[stance];
                    let [lo, hi] = plan.bounds_within(stance, d.red_line[stance]);
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
                Input::Veto { ratifier } => {
                    d.veto_binds[ratifier] = x < plan.ratifiers[ratifier].binding;
                    d.veto_u[ratifier] = x;
                }
                Input::Perception { party, k } => d.perception[party * k_agenda + k] = normal_quantile(x),
                Input::Breakdown => d.breakdown = x < plan.settings.mediator.breakdown,
                Input::MediatorIdeal { party, k } => d.mediator_ideal[party * k_agenda + k] = normal_quantile(x),
                Input::MediatorSalience { party, k } => d.mediator_salience[party * k_agenda + k] = normal_quantile(x),
                Input::OptionGain { option } => {
                    let o = &plan.options[option];
                    d.option_gain[option] = truncated_normal(x, o.gain, o.gain_sd, 0.0, 1.0);
                }
                Input::RedLineChoice { .. } | Input::RedLineLow { .. } | Input::RedLineHigh { .. } => {}
            }
        }
        d
    }

    /// The red line of `actor` on `issue` in this draw, if it has one.
    pub fn red_line(&self, plan: &Plan, actor: usize, issue: usize) -> Option<[f64; 2]> {
        plan.stance_of[actor][issue].and_then(|k| self.red_line[k])
    }

    /// Position and salience of `actor` on `issue` in this draw, if it takes a stance.
    pub fn stance(&self, plan: &Plan, actor: usize, issue: usize) -> Option<(f64, f64)> {
        plan.stance_of[actor][issue].map(|k| (self.position[k], self.salience[k]))
    }
}
