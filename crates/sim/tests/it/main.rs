//! All of this crate's integration tests in one binary (one link, less disk;
//! as ripgrep does). Each module is one former `tests/*.rs` file.

mod channels;
mod determinism;
mod zone;
