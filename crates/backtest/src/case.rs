//! Finding and loading backtest cases: a folder holding `outcome.toml` and
//! (unless the outcome names another file) `scenario.toml`.

use std::path::{Path, PathBuf};

use demarche_scenario::diag::{Diagnostic, Diagnostics};
use demarche_scenario::{load_path, read_bounded, Scenario};

use crate::outcome::{self, Outcome, MAX_OUTCOME_BYTES};

/// The outcome file's name in a case folder.
pub const OUTCOME_FILE: &str = "outcome.toml";
/// The scenario's default name in a case folder.
pub const SCENARIO_FILE: &str = "scenario.toml";
/// Most cases one backtest reads.
pub const MAX_CASES: usize = 1_000;

/// One case, loaded and checked.
#[derive(Clone, Debug)]
pub struct Case {
    /// The folder's name.
    pub id: String,
    pub dir: PathBuf,
    pub scenario: Scenario,
    pub outcome: Outcome,
    /// Warnings from the scenario and the outcome (errors stop the case).
    pub warnings: Diagnostics,
}

/// Why cases could not be read: every problem, of every case, at once.
#[derive(Debug, thiserror::Error)]
#[error("{diagnostics}")]
pub struct CaseError {
    pub diagnostics: Diagnostics,
}

/// The case folders under `paths`: a folder holding `outcome.toml` is a case;
/// otherwise each of its sub-folders (in name order) that holds one is.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CaseError> {
    let mut diags = Diagnostics::new();
    let mut found = Vec::new();
    for p in paths {
        let label = p.display().to_string();
        if !p.is_dir() {
            let mut d = Diagnostic::error("", format!("{label} is not a folder"))
                .with_hint("give a case folder (it holds outcome.toml) or a folder of case folders");
            d.file = Some(label);
            diags.push(d);
            continue;
        }
        if p.join(OUTCOME_FILE).is_file() {
            found.push(p.clone());
            continue;
        }
        let mut subs: Vec<PathBuf> = match std::fs::read_dir(p) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|s| s.is_dir() && s.join(OUTCOME_FILE).is_file())
                .collect(),
            Err(e) => {
                let mut d = Diagnostic::error("", format!("cannot read {label}: {e}"));
                d.file = Some(label);
                diags.push(d);
                continue;
            }
        };
        if subs.is_empty() {
            let mut d = Diagnostic::error("", format!("{label} holds no backtest case"))
                .with_hint("a case is a folder with outcome.toml (and scenario.toml); see docs/validity.md");
            d.file = Some(label);
            diags.push(d);
        }
        subs.sort();
        found.extend(subs);
    }
    // The same case named twice (a folder and its parent) is read once.
    let mut seen = std::collections::HashSet::new();
    found.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    if found.len() > MAX_CASES {
        diags.push(Diagnostic::error("", format!("{} cases; the limit is {MAX_CASES}", found.len())));
    }
    if diags.has_errors() {
        return Err(CaseError { diagnostics: diags });
    }
    Ok(found)
}

/// Loads every case, collecting every problem of every case before failing.
pub fn load_all(dirs: &[PathBuf]) -> Result<Vec<Case>, CaseError> {
    let mut cases = Vec::new();
    let mut diags = Diagnostics::new();
    for d in dirs {
        match load(d) {
            Ok(c) => cases.push(c),
            Err(e) => diags.extend(e.diagnostics),
        }
    }
    if diags.has_errors() {
        return Err(CaseError { diagnostics: diags });
    }
    Ok(cases)
}

/// Loads one case folder: its outcome, its scenario, the checks of one
/// against the other and the hindsight check on the scenario's sources.
pub fn load(dir: &Path) -> Result<Case, CaseError> {
    let id = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| dir.display().to_string());
    let outcome_path = dir.join(OUTCOME_FILE);
    let outcome_label = outcome_path.display().to_string();
    let mut diags = Diagnostics::new();
    let fail = |diags: &mut Diagnostics, label: &str, message: String, hint: &str| {
        let mut d = Diagnostic::error("", message).with_hint(hint);
        d.file = Some(label.to_string());
        diags.push(d);
    };
    let text = match read_bounded(&outcome_path, MAX_OUTCOME_BYTES) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => Some(t),
            Err(_) => {
                fail(&mut diags, &outcome_label, format!("{outcome_label} is not UTF-8 text"), "save it as UTF-8");
                None
            }
        },
        Err(e) => {
            fail(&mut diags, &outcome_label, e.to_string(), e.hint());
            None
        }
    };
    let (outcome, mut cx) = match &text {
        Some(t) => outcome::decode(t),
        None => (None, Default::default()),
    };
    let scenario_path = match outcome.as_ref().and_then(|o| o.scenario.as_deref()) {
        Some(rel) => dir.join(rel),
        None => dir.join(SCENARIO_FILE),
    };
    let scenario_label = scenario_path.display().to_string();
    let scenario = match load_path(&scenario_path) {
        Ok(l) => {
            let mut w = l.warnings;
            let mut hindsight = Diagnostics::new();
            if outcome.as_ref().is_none_or(|o| o.retrospective.is_none()) {
                outcome::check_hindsight(&l.scenario, &mut hindsight);
            }
            for d in &mut hindsight.0 {
                d.file = Some(scenario_label.clone());
            }
            w.extend(hindsight);
            diags.extend(w);
            Some(l.scenario)
        }
        Err(e) => {
            diags.extend(e.diagnostics);
            None
        }
    };
    if let (Some(o), Some(sc)) = (&outcome, &scenario) {
        outcome::check(o, sc, &mut cx);
    }
    let mut od = std::mem::take(&mut cx.diags);
    od.locate(Some(&outcome_label), text.as_deref());
    diags.extend(od);
    diags.sort();
    match (outcome, scenario) {
        (Some(outcome), Some(scenario)) if !diags.has_errors() => {
            Ok(Case { id, dir: dir.to_path_buf(), scenario, outcome, warnings: diags })
        }
        _ => {
            if !diags.has_errors() {
                fail(&mut diags, &outcome_label, format!("case {id} could not be read"), "see the messages above");
            }
            Err(CaseError { diagnostics: diags })
        }
    }
}
