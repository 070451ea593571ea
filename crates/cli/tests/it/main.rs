//! All of this crate's integration tests in one binary (one link, less disk;
//! as ripgrep does). Each module is one former `tests/*.rs` file.

mod backtest;
mod bdm_golden;
mod cli;
mod events_cli;
mod negotiation_cli;
mod simulate;
mod smp_cli;
mod store_cli;
