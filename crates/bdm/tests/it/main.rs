//! All of this crate's integration tests in one binary (one link, less disk;
//! as ripgrep does). Each module is one former `tests/*.rs` file.

mod common;
mod engine;
mod golden_ec;
mod kernels;
mod props;
