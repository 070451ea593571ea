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

/// Why a run of rounds ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Termination {
    /// The convergence rule (`convergence`, `tolerance`) was met.
    Converged,
    /// The round limit was reached first: positions may still be moving.
    RoundLimit,
    /// The caller stopped it (an observer asked to stop).
    Stopped,
}

/// What the caller of [`drive`] wants after a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    Continue,
    Stop,
}

/// The model's one round loop, shared by [`run`] and the engine: up to
/// `rounds` rounds; `step` plays one round (recording into `state` what its
/// caller needs: `Model::step` with a dyad visitor, or `Model::advance`),
/// `after` sees the model and the round's report and may stop the run.
/// Convergence is judged right after each round, before `after`.
pub fn drive<S>(
    model: &mut Model,
    rounds: u32,
    state: &mut S,
    mut step: impl FnMut(&mut S, &mut Model) -> RoundReport,
    mut after: impl FnMut(&mut S, &Model, RoundReport) -> Next,
) -> Termination {
    for _ in 0..rounds {
        let previous = model.outcome();
        let report = step(state, model);
        let converged = model.converged(&report, previous);
        if after(state, model, report) == Next::Stop {
            return Termination::Stopped;
        }
        if converged {
            return Termination::Converged;
        }
    }
    Termination::RoundLimit
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
    let end = drive(
        &mut model,
        rounds,
        &mut out,
        |out, m| {
            if record.kinds {
                let mut k = vec![0u8; n * n];
                let report = m.step(|d| k[d.actor * n + d.other] = kind_code(d.kind));
                out.kinds.push(k);
                report
            } else {
                m.advance()
            }
        },
        |out, m, report| {
            out.positions.push(m.positions().to_vec());
            out.mean.push(report.mean);
            out.median.push(report.median);
            out.outcome.push(report.outcome);
            out.rounds.push(report);
            Next::Continue
        },
    );
    out.converged = end == Termination::Converged;
    Ok(out)
}
