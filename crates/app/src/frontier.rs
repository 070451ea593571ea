//! The bargaining frontier of a negotiation domain and its profiles
//! (`demarche frontier`, `demarche.frontier` in Python).

use std::path::{Path, PathBuf};

use demarche_negotiation::pareto::FrontierMethod;
use demarche_negotiation::solutions::Disagreement;
use demarche_negotiation::{
    load_domain_with_options, FrontierOptions, FrontierPoint, FrontierReport, LoadOptions, NegotiationError,
    ParetoFrontier,
};

/// The frontier report of `domain` with `profiles`, and the loader's notes (among them
/// what was read leniently, as Genius reads it, unless `load.strict`).
pub fn frontier(
    domain: &Path,
    profiles: &[PathBuf],
    options: &FrontierOptions,
    convention: Disagreement,
    load: LoadOptions,
) -> Result<(FrontierReport, Vec<String>), String> {
    let loaded = load_domain_with_options(domain, profiles, load).map_err(|e| e.to_string())?;
    let mut notes = loaded.notes.clone();
    let report = match FrontierReport::compute(&loaded.space, &loaded.profiles, options, convention) {
        Ok(r) => r,
        // Too large to enumerate: Genius ships its own frontier for some such domains.
        Err(NegotiationError::TooLarge { message })
            if loaded.profiles.iter().any(|p| !matches!(p.utility, demarche_negotiation::Utility::Additive(_))) =>
        {
            let Some(points) = demarche_negotiation::io::genius::shipped_pareto(&loaded.profile_files) else {
                return Err(format!(
                    "{message}. The frontier of a space this large with non-additive utilities is not computed \
                     here (Genius ships a pareto.xml for some such domains, read when it sits beside \
                     profile-1.xml and profile-2.xml; there is none here)"
                ));
            };
            let points = points.map_err(|e| e.to_string())?;
            notes.push(format!(
                "{message}: the frontier is the pareto.xml Genius ships with the domain ({} points; utilities \
                 only, the outcomes behind them are not known), and the bargaining points are found among them",
                points.len()
            ));
            let frontier = shipped_frontier(&loaded.profiles, points);
            FrontierReport::from_frontier(&loaded.space, &loaded.profiles, frontier, options, convention)
                .map_err(|e| e.to_string())?
        }
        // A folder of many profiles is usually a library of parties to pick from, not one
        // negotiation among all of them (SON ships 26).
        Err(e @ NegotiationError::TooLarge { .. }) if profiles.is_empty() && loaded.profiles.len() > 3 => {
            return Err(format!(
                "{e}. The {} profiles found beside the domain were each read as a party; name the profiles of \
                 one negotiation after the domain (demarche frontier DOMAIN PROFILE PROFILE)",
                loaded.profiles.len()
            ))
        }
        Err(e) => return Err(e.to_string()),
    };
    Ok((report, notes))
}

/// Genius's shipped points as a frontier: the non-dominated ones, first party's
/// utility descending.
fn shipped_frontier(profiles: &[demarche_negotiation::Profile], points: Vec<[f64; 2]>) -> ParetoFrontier {
    let mut pts: Vec<Vec<f64>> = points.into_iter().map(|p| p.to_vec()).collect();
    pts.sort_by(|a, b| b[0].total_cmp(&a[0]).then(b[1].total_cmp(&a[1])));
    pts.dedup();
    let kept: Vec<Vec<f64>> =
        pts.iter().filter(|p| !pts.iter().any(|q| demarche_negotiation::pareto::dominates(q, p))).cloned().collect();
    let best = (0..2).map(|k| kept.iter().map(|p| p[k]).fold(f64::NEG_INFINITY, f64::max)).collect();
    ParetoFrontier {
        points: kept
            .into_iter()
            .map(|utilities| FrontierPoint { utilities, outcome: Vec::new(), multiplicity: 1 })
            .collect(),
        method: FrontierMethod::GeniusParetoFile,
        approximate: false,
        // The worst agreement is not known without enumerating: the reservation value stands in.
        worst: profiles.iter().map(|p| p.reservation).collect(),
        best,
    }
}
