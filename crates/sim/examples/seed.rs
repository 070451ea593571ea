//! Simulate the seed scenario and print the comparison:
//! `cargo run --release -p demarche-sim --example seed -- [RUNS] [SEED]`.

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/iran-us-nuclear.toml");
    let sc = match demarche_scenario::load_path(std::path::Path::new(path)) {
        Ok(l) => l.scenario,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let mut args = std::env::args().skip(1);
    let runs = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(7);
    let opts = demarche_sim::Options {
        overrides: demarche_sim::Overrides { runs: Some(runs), seed: Some(seed), ..Default::default() },
        escalation_runs: if std::env::args().nth(3).is_some_and(|s| s == "noesc") {
            0
        } else {
            demarche_sim::ESCALATION_RUNS
        },
    };
    match demarche_sim::simulate(&sc, &opts, &demarche_sim::Unattended) {
        Ok(r) => print!("{}", demarche_sim::render::report(&r)),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
