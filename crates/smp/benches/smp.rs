//! Placeholder; filled in once the engine is validated.
fn main() {}
