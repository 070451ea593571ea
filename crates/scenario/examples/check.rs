//! `cargo run -p demarche-scenario --example check -- FILE...`: load and check
//! scenario files, printing every problem (the CLI's `demarche check` does the same).

fn main() -> std::process::ExitCode {
    let mut failed = false;
    for arg in std::env::args().skip(1) {
        match demarche_scenario::load_path(std::path::Path::new(&arg)) {
            Ok(l) => {
                print!("{}", l.warnings);
                println!(
                    "{arg}: ok ({} actors, {} issues, {} stances)",
                    l.scenario.actors.len(),
                    l.scenario.issues.len(),
                    l.scenario.stances.len()
                );
            }
            Err(e) => {
                failed = true;
                eprint!("{e}");
            }
        }
    }
    if failed {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}
