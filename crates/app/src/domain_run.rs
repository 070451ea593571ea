//! What `negotiate` and `tournament` keep in the run store: the domains and
//! profiles they ran on (in place of a scenario), and the bargaining picture a
//! report draws.

use demarche_negotiation::solutions::{solutions, Disagreement};
use demarche_negotiation::{pareto_frontier, FrontierOptions, OutcomeSpace, Profile};
use demarche_report::data::ParetoData;
use demarche_store::RunInput;
use serde_json::{json, Value};

/// Frontiers larger than this are thinned (evenly) before they are stored.
const MAX_STORED_POINTS: usize = 2_000;

/// A domain and its profiles as JSON: the outcome space, and each profile's
/// reservation value, discounting and (when additive) weights and evaluators.
pub fn domain_json(space: &OutcomeSpace, profiles: &[Profile]) -> Value {
    let profiles: Vec<Value> = profiles
        .iter()
        .map(|p| {
            let utility = match p.utility.as_additive() {
                Some(a) => json!({ "additive": { "weights": a.weights(), "issues": a.evaluators() } }),
                None => json!("general (not recorded)"),
            };
            json!({ "name": p.name, "reservation": p.reservation, "discount": p.discount, "utility": utility })
        })
        .collect();
    json!({ "domain": space, "profiles": profiles })
}

/// The run input of a negotiation on one domain.
pub fn domain_input(space: &OutcomeSpace, profiles: &[Profile]) -> RunInput<'static> {
    RunInput::Other { title: format!("domain {}", space.name), json: domain_json(space, profiles) }
}

/// The two-party bargaining picture: the Pareto frontier, the disagreement,
/// Nash and Kalai–Smorodinsky points, and the agreement reached (utilities of
/// the first two profiles). `None` when the frontier cannot be computed (the
/// reason is written to standard error) or there are not two parties.
pub fn pareto(
    space: &OutcomeSpace,
    profiles: &[Profile],
    agreement: Option<[f64; 2]>,
    label: Option<String>,
) -> Result<ParetoData, String> {
    let two = profiles.get(..2).ok_or_else(|| "a bargaining picture needs two parties".to_string())?;
    let frontier = pareto_frontier(space, two, &FrontierOptions::default()).map_err(|e| e.to_string())?;
    let r: Vec<f64> = two.iter().map(|p| p.reservation).collect();
    let sol = solutions(&frontier, &r, Disagreement::default());
    let pair = |u: &[f64]| [u[0], u[1]];
    let at = |k: Option<usize>| k.map(|k| pair(&frontier.points[k].utilities));
    let step = frontier.points.len().div_ceil(MAX_STORED_POINTS).max(1);
    Ok(ParetoData {
        title: format!("{}: {} and {}", space.name, two[0].name, two[1].name),
        x_party: two[0].name.clone(),
        y_party: two[1].name.clone(),
        frontier: frontier.points.iter().step_by(step).map(|p| pair(&p.utilities)).collect(),
        outcomes: Vec::new(),
        disagreement: (sol.disagreement.len() == 2).then(|| pair(&sol.disagreement)),
        nash: at(sol.nash),
        kalai_smorodinsky: at(sol.kalai_smorodinsky),
        agreement,
        agreement_label: label,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_negotiation::{AdditiveUtility, Issue, IssueUtility, Utility};

    fn two_party() -> (OutcomeSpace, Vec<Profile>) {
        let space = OutcomeSpace::new(
            "toy",
            vec![
                Issue::categorical("a", vec!["x".into(), "y".into(), "z".into()]).unwrap(),
                Issue::categorical("b", vec!["p".into(), "q".into()]).unwrap(),
            ],
        )
        .unwrap();
        let mk = |name: &str, t0: Vec<f64>, t1: Vec<f64>| {
            let u =
                AdditiveUtility::new(&space, vec![0.5, 0.5], vec![IssueUtility::Table(t0), IssueUtility::Table(t1)])
                    .unwrap();
            Profile::new(name, Utility::Additive(u))
        };
        let profiles = vec![mk("A", vec![1.0, 0.5, 0.0], vec![1.0, 0.0]), mk("B", vec![0.0, 0.5, 1.0], vec![0.0, 1.0])];
        (space, profiles)
    }

    #[test]
    fn the_picture_has_the_frontier_the_solutions_and_the_agreement() {
        let (space, profiles) = two_party();
        let p = pareto(&space, &profiles, Some([0.5, 0.5]), Some("round 3".into())).unwrap();
        assert_eq!((p.x_party.as_str(), p.y_party.as_str()), ("A", "B"));
        assert!(p.frontier.contains(&[1.0, 0.0]) && p.frontier.contains(&[0.0, 1.0]));
        let n = p.nash.unwrap();
        assert!((n[0] * n[1] - 0.25).abs() < 1e-12, "Nash product of this symmetric case is 1/4: {n:?}");
        assert_eq!(p.agreement, Some([0.5, 0.5]));
    }

    #[test]
    fn the_input_keeps_weights_and_reservation_values() {
        let (space, profiles) = two_party();
        let RunInput::Other { title, json } = domain_input(&space, &profiles) else { panic!("not a domain input") };
        assert_eq!(title, "domain toy");
        assert_eq!(json["profiles"][1]["utility"]["additive"]["weights"], json!([0.5, 0.5]));
        assert_eq!(json["profiles"][0]["reservation"], json!(0.0));
    }
}
