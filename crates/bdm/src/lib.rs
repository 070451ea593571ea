//! Bueno de Mesquita's expected-utility model of group decisions, as
//! reconstructed by Scholz, Calbert & Smith (2011), "Unravelling Bueno De
//! Mesquita's group decision model", *Journal of Theoretical Politics* 23(4).
//!
//! Actors with a capability, a position and a salience on one issue challenge
//! each other; each weighs the probability of winning (from third parties'
//! votes) against what it stands to gain or lose, with a risk attitude set by
//! how exposed its position is. Each dyad is classified as conflict,
//! compromise, capitulation or stalemate, and actors move towards the offers
//! they accept, round after round.
//!
//! - [`model`]: the numeric core over slices ([`Model`], one round at a time);
//! - [`run()`]: a whole run with positions, round reports and dyad kinds;
//! - [`votes`]: the O(n·m + m²) vote sums behind the probabilities;
//! - [`kernels`]: the branch-free `exp`/`ln` behind every power, and the
//!   runtime choice of SIMD path (all paths give the same bits);
//! - [`explain`]: the run as the replication's log prints it;
//! - [`Bdm`]: the [`demarche_forecast::IssueEngine`].
//!
//! The options ([`BdmSettings`]) live in the scenario crate; their defaults
//! (preset `scholz-replication`) reproduce the public Python replication. The
//! formulas, options and known quirks are in docs/models.md (`## bdm`).

pub mod engine;
pub mod explain;
pub mod kernels;
pub mod model;
mod offers;
pub mod run;
mod terms;
pub mod votes;

pub use demarche_scenario::settings::bdm::{BdmSettings, Preset};
pub use engine::Bdm;
pub use kernels::Simd;
pub use model::{Dyad, InputError, Inputs, Model, Move, RoundReport, MAX_ACTORS};
pub use run::{drive, run, Next, Record, Run, Termination};
