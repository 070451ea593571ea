//! A whole run: assess, play turns until KTAB's stopping rule holds, and keep
//! the history.

use crate::model::{assess, state_dist, Assessed, Model, ModelError, State};
use crate::turn::{step, TurnLog};

/// When to stop (KTAB: at least 2 turns, at most 100, and stop once a turn
/// moves the actors less than 2% as much as the first turn did).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stopping {
    pub min_turns: usize,
    pub max_turns: usize,
    pub movement_ratio: f64,
}

impl Default for Stopping {
    fn default() -> Self {
        Stopping { min_turns: 2, max_turns: 100, movement_ratio: 0.02 }
    }
}

/// Guards the ratio against 0/0 when the first turn moves nobody.
const MIN_SIGNIFICANT_DELTA: f64 = 1e-4;

/// What is kept of each state's assessment: the O(n) results, not the
/// n × n matrices they came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Risk attitude of each actor.
    pub r: Vec<f64>,
    /// First actor of each group of (nearly) equal positions.
    pub unique: Vec<usize>,
    /// Probability that each group's position prevails.
    pub unique_prob: Vec<f64>,
    /// Probability that each actor's position prevails.
    pub win_prob: Vec<f64>,
}

impl Summary {
    fn of(a: &Assessed) -> Self {
        Summary {
            r: a.r.clone(),
            unique: a.unique.clone(),
            unique_prob: a.unique_prob.clone(),
            win_prob: a.win_prob.clone(),
        }
    }
}

/// Everything a run produced: states 0..=T and what was assessed of them.
#[derive(Clone, Debug)]
pub struct History {
    pub states: Vec<State>,
    pub assessed: Vec<Summary>,
    pub turns: Vec<TurnLog>,
    /// True if the movement test stopped the run, false if it hit `max_turns`
    /// (or was cancelled).
    pub converged: bool,
}

/// What the caller wants after each state: go on or stop.
pub trait Watch {
    /// Called with each state as soon as it is assessed; return false to stop.
    fn state(&mut self, turn: usize, state: &State, assessed: &Assessed) -> bool;
}

impl<F: FnMut(usize, &State, &Assessed) -> bool> Watch for F {
    fn state(&mut self, turn: usize, state: &State, assessed: &Assessed) -> bool {
        self(turn, state, assessed)
    }
}

/// Why a run ended without a history.
#[derive(Clone, Debug, PartialEq)]
pub enum RunError {
    Model(ModelError),
    Cancelled,
}

/// Run the SMP from `start`.
pub fn run(m: &Model, start: State, stop: Stopping, seed: u64, watch: &mut dyn Watch) -> Result<History, RunError> {
    let first = assess(m, &start, 0).map_err(RunError::Model)?;
    if !watch.state(0, &start, &first) {
        return Err(RunError::Cancelled);
    }
    let mut h =
        History { states: vec![start], assessed: vec![Summary::of(&first)], turns: Vec::new(), converged: false };
    let mut current = first;
    let mut iter = 0;
    loop {
        let t = h.states.len() - 1;
        let (next, log) = step(m, &h.states[t], &current, t, seed).map_err(RunError::Model)?;
        current = assess(m, &next, t + 1).map_err(RunError::Model)?;
        iter += 1;
        h.states.push(next);
        h.assessed.push(Summary::of(&current));
        h.turns.push(log);
        if !watch.state(t + 1, &h.states[t + 1], &current) {
            return Err(RunError::Cancelled);
        }
        let too_long = stop.max_turns <= iter;
        let long_enough = stop.min_turns <= iter;
        let d01 = state_dist(&h.states[0], &h.states[1], m.n, m.dims) + MIN_SIGNIFICANT_DELTA;
        let dxy = state_dist(&h.states[iter], &h.states[iter - 1], m.n, m.dims);
        let quiet = dxy / d01 < stop.movement_ratio;
        if long_enough && quiet {
            h.converged = true;
        }
        if too_long || (long_enough && quiet) {
            return Ok(h);
        }
    }
}
