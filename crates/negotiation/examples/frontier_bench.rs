//! Times the Pareto frontier (and the bargaining points) of one domain, for side-by-side
//! comparison with the NegMAS baseline scripts; run under `/usr/bin/time -v` for peak RSS.
//!
//! ```text
//! cargo run --release -p demarche-negotiation --example frontier_bench -- DOMAIN [--enumerate] [--repeats N] [--dump FILE]
//! ```
//!
//! DOMAIN is a table-form JSON (the NegMAS benchmark dumps, e.g.
//! `shared/bench/negmas/domains/domain_6x10.json`), `random:ISSUESxVALUES:PARTIES:SEED`, or
//! anything `load_domain` reads. `--dump` writes the frontier as a sorted list of utility
//! vectors rounded to 1e-9, the format of `shared/bench/negmas/frontiers/`.

use std::path::Path;
use std::time::Instant;

use demarche_negotiation::pareto::{pareto_frontier, FrontierOptions};
use demarche_negotiation::solutions::{solutions, Disagreement};
use demarche_negotiation::{generate, io, load_domain, OutcomeSpace, Profile};

fn load(spec: &str) -> Result<(OutcomeSpace, Vec<Profile>), String> {
    if let Some(rest) = spec.strip_prefix("random:") {
        let parts: Vec<&str> = rest.split(':').collect();
        let (dims, parties, seed) = match parts.as_slice() {
            [d, p, s] => (*d, p.parse().map_err(|_| "bad parties")?, s.parse().map_err(|_| "bad seed")?),
            _ => return Err("random:ISSUESxVALUES:PARTIES:SEED".into()),
        };
        let (i, v) = dims.split_once('x').ok_or("ISSUESxVALUES")?;
        return generate::random_additive(
            i.parse().map_err(|_| "bad issues")?,
            v.parse().map_err(|_| "bad values")?,
            parties,
            seed,
        )
        .map_err(|e| e.to_string());
    }
    let path = Path::new(spec);
    if path.is_file() && spec.ends_with(".json") {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        if let Ok(parsed) = io::tables::parse(&text, spec) {
            return Ok(parsed);
        }
    }
    let loaded = load_domain(path).map_err(|e| e.to_string())?;
    Ok((loaded.space, loaded.profiles))
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(spec) = args.first() else {
        eprintln!("usage: frontier_bench DOMAIN [--enumerate] [--repeats N] [--dump FILE]");
        return std::process::ExitCode::FAILURE;
    };
    let enumerate = args.iter().any(|a| a == "--enumerate");
    let value_of = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1));
    let repeats: usize = value_of("--repeats").and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let (space, profiles) = match load(spec) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{spec}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let options = FrontierOptions { force_enumeration: enumerate, ..FrontierOptions::default() };
    let mut times = Vec::with_capacity(repeats);
    let mut last = None;
    for _ in 0..repeats {
        let t0 = Instant::now();
        let f = match pareto_frontier(&space, &profiles, &options) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        let r: Vec<f64> = profiles.iter().map(|p| p.reservation).collect();
        let s = solutions(&f, &r, Disagreement::default());
        times.push(t0.elapsed().as_secs_f64());
        last = Some((f, s));
    }
    let Some((f, s)) = last else { return std::process::ExitCode::FAILURE };
    times.sort_by(f64::total_cmp);
    let nash = s.nash.map(|k| f.points[k].utilities.clone());
    println!(
        "{}",
        serde_json::json!({
            "domain": spec,
            "parties": profiles.len(),
            "outcomes": space.size().map(|n| n.to_string()),
            "method": f.method,
            "frontier_size": f.points.len(),
            "time_s_median": times[times.len() / 2],
            "time_s_min": times[0],
            "repeats": repeats,
            "threads": rayon::current_num_threads(),
            "nash": nash,
        })
    );
    if let Some(out) = value_of("--dump") {
        let mut pts: Vec<Vec<f64>> =
            f.points.iter().map(|p| p.utilities.iter().map(|u| (u * 1e9).round() / 1e9).collect()).collect();
        pts.sort_by(|a, b| {
            a.iter().zip(b).map(|(x, y)| x.total_cmp(y)).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
        });
        if let Err(e) = std::fs::write(out, serde_json::to_string(&pts).unwrap_or_default()) {
            eprintln!("{out}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    }
    std::process::ExitCode::SUCCESS
}
