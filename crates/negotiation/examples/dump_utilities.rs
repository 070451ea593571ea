//! Prints every outcome of a discrete domain (each value's label, issues in order) and each
//! profile's utility as IEEE bits in hex, one line per outcome (compare sorted).
//!
//!     cargo run --release -p demarche-negotiation --example dump_utilities -- DOMAIN [PROFILE...]
//!
//! The profiles read are listed on standard error (`profile<TAB>path`), then the loader's
//! notes (`note<TAB>text`). `DUMP_MAX` bounds the outcomes printed (exit status 3 beyond it,
//! or when an issue is real-valued).
use demarche_negotiation::domain::indices_to_outcome;
use demarche_negotiation::load_domain_with_profiles;
use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let profiles: Vec<PathBuf> = args[1..].iter().map(PathBuf::from).collect();
    let d = load_domain_with_profiles(args[0].as_ref(), &profiles).unwrap_or_else(|e| panic!("{e}"));
    for f in &d.profile_files {
        eprintln!("profile\t{}", f.display());
    }
    for n in &d.notes {
        eprintln!("note\t{n}");
    }
    let max = std::env::var("DUMP_MAX").ok().and_then(|m| m.parse::<u128>().ok()).unwrap_or(u128::MAX);
    match d.space.size() {
        Some(size) if size <= max => {}
        _ => {
            eprintln!("a real issue, or more outcomes than DUMP_MAX");
            std::process::exit(3);
        }
    }
    let mut out = String::new();
    for indices in d.space.iter_outcomes() {
        let outcome = indices_to_outcome(&indices);
        for (issue, &v) in d.space.issues.iter().zip(&outcome) {
            let _ = write!(out, "{}\t", issue.label(v));
        }
        for p in &d.profiles {
            let _ = write!(out, "{:x}\t", p.utility(&outcome).to_bits());
        }
        out.push('\n');
    }
    print!("{out}");
}
