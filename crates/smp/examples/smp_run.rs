//! Run the SMP on a scenario file (any format demarche reads) or on a random
//! scenario, and print the timing; optionally write KTAB-style CSVs.
//!
//! ```text
//! cargo run --release -p demarche-smp --example smp_run -- FILE [--params 0,0,0,2,1,1,1,1,0] [--pos OUT] [--prob OUT]
//! cargo run --release -p demarche-smp --example smp_run -- --random ACTORS DIMS [--seed S] [--threads T] [--repeat R]
//! ```

use std::time::Instant;

use demarche_forecast::{Engine, Request};
use demarche_smp::{random, write_probability_csv, write_trajectory_csv, Smp, SmpSettings};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut file = None;
    let mut random_size = None;
    let mut params = None;
    let mut pos_out = None;
    let mut prob_out = None;
    let mut seed = 1u64;
    let mut threads = 0usize;
    let mut repeat = 1usize;
    let mut i = 0;
    let next = |i: &mut usize| -> Result<String, String> {
        *i += 1;
        args.get(*i).cloned().ok_or_else(|| format!("{} needs a value", args[*i - 1]))
    };
    while i < args.len() {
        match args[i].as_str() {
            "--random" => {
                let a: usize = next(&mut i)?.parse().map_err(|_| "actors must be a number")?;
                let d: usize = next(&mut i)?.parse().map_err(|_| "dims must be a number")?;
                random_size = Some((a, d));
            }
            "--params" => params = Some(next(&mut i)?),
            "--pos" => pos_out = Some(next(&mut i)?),
            "--prob" => prob_out = Some(next(&mut i)?),
            "--seed" => seed = next(&mut i)?.parse().map_err(|_| "seed must be a number")?,
            "--threads" => threads = next(&mut i)?.parse().map_err(|_| "threads must be a number")?,
            "--repeat" => repeat = next(&mut i)?.parse().map_err(|_| "repeat must be a number")?,
            f => file = Some(f.to_string()),
        }
        i += 1;
    }
    if threads > 0 {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().map_err(|e| e.to_string())?;
    }
    let t0 = Instant::now();
    let scenario = match (file, random_size) {
        (_, Some((a, d))) => random::scenario(a, d, seed),
        (Some(f), None) => demarche_scenario::load_path(std::path::Path::new(&f)).map_err(|e| e.to_string())?.scenario,
        (None, None) => return Err("give a scenario file or --random ACTORS DIMS".into()),
    };
    let mut settings = scenario.engines.smp.clone().unwrap_or_default();
    if let Some(p) = params {
        settings.apply_ktab_list(&p).map_err(|e| e.to_string())?;
    }
    let _ = SmpSettings::default();
    let t1 = Instant::now();
    let verbose = std::env::var_os("SMP_VERBOSE").is_some();
    let mut last = Instant::now();
    let mut progress = |e: &demarche_forecast::Event<'_>| {
        if let demarche_forecast::Event::Round { round, .. } = e {
            if verbose {
                eprintln!("turn {round}: {:.3} s", last.elapsed().as_secs_f64());
            }
            last = Instant::now();
        }
        demarche_forecast::Control::Continue
    };
    let engine = Smp::new(settings);
    let mut f = engine.forecast(&scenario, &Request::default(), &mut progress).map_err(|e| e.to_string())?;
    for _ in 1..repeat {
        f = engine.forecast(&scenario, &Request::default(), &mut progress).map_err(|e| e.to_string())?;
    }
    let t2 = Instant::now();
    let turns = f.issues.first().map(|i| i.rounds()).unwrap_or(0);
    eprintln!(
        "{} actors x {} dims: {turns} turns, converged {:?}; load {:.3} s, run {:.4} s",
        scenario.actors.len(),
        scenario.issues.len(),
        f.issues.first().and_then(|i| i.converged),
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64() / repeat as f64
    );
    if let Some(p) = pos_out {
        let w = std::fs::File::create(&p).map_err(|e| format!("{p}: {e}"))?;
        write_trajectory_csv(&f, &scenario, std::io::BufWriter::new(w)).map_err(|e| e.to_string())?;
    }
    if let Some(p) = prob_out {
        let w = std::fs::File::create(&p).map_err(|e| format!("{p}: {e}"))?;
        write_probability_csv(&f, std::io::BufWriter::new(w)).map_err(|e| e.to_string())?;
    }
    Ok(())
}
