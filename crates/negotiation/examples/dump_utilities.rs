//! Prints every outcome of a discrete domain (value names, issues in order, the last issue
//! varying slowest, like Genius's BidIterator) and each profile's utility as IEEE bits in hex.
//!
//!     cargo run --release -p demarche-negotiation --example dump_utilities -- DOMAIN [PROFILE...]
//!
//! The profiles read are listed on standard error (`profile<TAB>path`), then the loader's
//! notes (`note<TAB>text`).
use demarche_negotiation::{load_domain_with_profiles, IssueValues, Value};
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let profiles: Vec<PathBuf> = args[1..].iter().map(PathBuf::from).collect();
    let d = load_domain_with_profiles(args[0].as_ref(), &profiles).unwrap_or_else(|e| panic!("{e}"));
    // The profiles read, in order (discovered beside the domain when none are named).
    for f in &d.profile_files {
        eprintln!("profile\t{}", f.display());
    }
    for n in &d.notes {
        eprintln!("note\t{n}");
    }
    let names: Vec<Vec<String>> = d
        .space
        .issues
        .iter()
        .map(|i| match &i.values {
            IssueValues::Categorical { values } | IssueValues::Ordinal { values } => values.clone(),
            IssueValues::Integer { low, high } if high - low < 1 << 20 => {
                (*low..=*high).map(|x| x.to_string()).collect()
            }
            IssueValues::Integer { .. } => {
                eprintln!("an integer issue too wide to list");
                std::process::exit(3);
            }
            IssueValues::Continuous { .. } => {
                eprintln!("a real issue: outcomes cannot be listed");
                std::process::exit(3);
            }
        })
        .collect();
    // DUMP_MAX bounds the outcomes printed (the run stops, with exit status 3, beyond it).
    let size: f64 = names.iter().map(|n| n.len() as f64).product();
    if std::env::var("DUMP_MAX").ok().and_then(|m| m.parse::<f64>().ok()).is_some_and(|m| size > m) {
        eprintln!("{size} outcomes: more than DUMP_MAX");
        std::process::exit(3);
    }
    let mut k = vec![0usize; names.len()];
    let mut out = String::new();
    loop {
        let outcome: Vec<Value> = k.iter().map(|&v| Value::Index(v as u32)).collect();
        for (i, &v) in k.iter().enumerate() {
            out.push_str(&names[i][v]);
            out.push('\t');
        }
        for p in &d.profiles {
            out.push_str(&format!("{:x}\t", p.utility(&outcome).to_bits()));
        }
        out.push('\n');
        let mut i = 0;
        while i < k.len() {
            k[i] += 1;
            if k[i] < names[i].len() {
                break;
            }
            k[i] = 0;
            i += 1;
        }
        if i == k.len() {
            break;
        }
    }
    print!("{out}");
}
