//! Running the numeric core for a number of rounds and keeping what it did.

use demarche_scenario::settings::bdm::BdmSettings;

use crate::model::{kind_code, InputError, Inputs, Model, RoundReport};

/// What to keep of a run besides positions and round reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// Keep each round's n×n dyad-kind matrix (`kinds[round-1][i·n + j]`, see
    /// [`crate::model::code`]).
    pub kinds: bool,
}

/// A finished run of the numeric core.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub scale: f64,
    /// `positions[t][i]`: actor i after round t; round 0 is the input.
    pub positions: Vec<Vec<f64>>,
    /// `rounds[t-1]` reports round t.
    pub rounds: Vec<RoundReport>,
    /// Weighted mean, weighted median and forecast outcome after each round
    /// (index 0: the input).
    pub mean: Vec<f64>,
    pub median: Vec<f64>,
    pub outcome: Vec<f64>,
    pub converged: bool,
    /// Per round, the dyad-kind matrix, when recorded.
    pub kinds: Vec<Vec<u8>>,
}

/// Run up to `rounds` rounds, stopping early when the convergence rule is met.
pub fn run(inputs: Inputs<'_>, settings: &BdmSettings, rounds: u32, record: Record) -> Result<Run, InputError> {
    let mut model = Model::new(inputs, settings)?;
    let n = model.len();
    let mut out = Run {
        scale: model.scale(),
        positions: vec![model.positions().to_vec()],
        rounds: Vec::new(),
        mean: vec![model.mean()],
        median: vec![model.median()],
        outcome: vec![model.outcome()],
        converged: false,
        kinds: Vec::new(),
    };
    for _ in 0..rounds {
        let previous = model.outcome();
        let report = if record.kinds {
            let mut kinds = vec![0u8; n * n];
            let report = model.step(|d| kinds[d.actor * n + d.other] = kind_code(d.kind));
            out.kinds.push(kinds);
            report
        } else {
            model.advance()
        };
        let converged = model.converged(&report, previous);
        out.positions.push(model.positions().to_vec());
        out.mean.push(report.mean);
        out.median.push(report.median);
        out.outcome.push(report.outcome);
        out.rounds.push(report);
        if converged {
            out.converged = true;
            break;
        }
    }
    Ok(out)
}
