//! The one run-control handle every long computation takes: progress with a
//! known total, and cancellation. Engines report through the richer
//! [`Observer`] events; [`Controlled`] drives one from a [`RunControl`], so an
//! engine, a Monte Carlo simulation and the draws of a forecast under
//! uncertainty are all watched and stopped the same way (as argmin's executor
//! and observers do). A computation that stops because it was asked to says
//! so in its result (`EngineError::Cancelled`, `SimError::Cancelled`), never
//! with a partial answer.

use crate::engine::{Control, Event, Observer};

/// Watches and steers a long computation. Shared between the worker threads
/// of one computation, hence `Sync`.
pub trait RunControl: Sync {
    /// `done` of `total` units (runs, draws) are finished.
    fn progress(&self, _done: u64, _total: u64) {}
    /// Whether to stop at the next check (between rounds, chunks of runs or draws).
    fn cancelled(&self) -> bool {
        false
    }
}

/// No one is watching and nothing stops it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unattended;

impl RunControl for Unattended {}

/// An engine [`Observer`] that stops when its [`RunControl`] is cancelled.
pub struct Controlled<'a>(pub &'a dyn RunControl);

impl Observer for Controlled<'_> {
    fn observe(&mut self, _event: &Event<'_>) -> Control {
        if self.0.cancelled() {
            Control::Stop
        } else {
            Control::Continue
        }
    }
}
