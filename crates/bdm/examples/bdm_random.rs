//! Run the numeric core on a random one-issue case (the bench's generator):
//! `cargo run --release --example bdm_random -- N ROUNDS [SEED] [--csv FILE] [--print] [--repeat K] [--simd PATH]`.
//! With `--csv`, writes the case as a BDM CSV (for running other
//! implementations on the same input); `--print` writes the positions after
//! each round to stdout; `--repeat K` runs the case K times and reports the
//! least and the mean CPU time of one run (this thread's,
//! `CLOCK_THREAD_CPUTIME_ID`), steadier than wall-clock time on a shared
//! machine;
//! `--simd portable|avx2|avx512` times that code path instead of the best one
//! (with `--repeat`; every path gives the same positions, which is checked).

use std::time::Instant;

use demarche_bdm::{run, BdmSettings, Inputs, Model, Record, Simd};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, d: u64| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let (n, rounds, seed) = (num(0, 1000) as usize, num(1, 10) as u32, num(2, 42));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let c: Vec<f64> = (0..n).map(|_| rng.random_range(0.01..1.0)).collect();
    let x: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..100.0)).collect();
    let s: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..1.0)).collect();
    if let Some(k) = args.iter().position(|a| a == "--csv") {
        let path = args.get(k + 1).expect("--csv FILE");
        let mut out = String::from("Actor,Capability,Position,Salience\n");
        for i in 0..n {
            out.push_str(&format!("A{i},{:?},{:?},{:?}\n", c[i], x[i], s[i]));
        }
        std::fs::write(path, out).expect("write the CSV");
    }
    let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let inputs = Inputs { capability: &c, position: &x, salience: &s, scale: hi - lo };
    let t = Instant::now();
    let out = run(inputs, &BdmSettings::default(), rounds, Record::default()).expect("valid input");
    let dt = t.elapsed();
    eprintln!("{n} actors × {} rounds: {:.1} ms", out.rounds.len(), dt.as_secs_f64() * 1e3);
    let repeat = args.iter().position(|a| a == "--repeat").and_then(|k| args.get(k + 1)).and_then(|v| v.parse().ok());
    if let Some(k) = repeat {
        let mut best = f64::INFINITY;
        let mut total = 0.0;
        let simd = match args.iter().position(|a| a == "--simd").and_then(|k| args.get(k + 1)) {
            Some(name) => Simd::named(name).unwrap_or_else(|| {
                eprintln!("--simd {name}: this processor has no such path; using {}", Simd::detect().name());
                Simd::detect()
            }),
            None => Simd::detect(),
        };
        let settings = BdmSettings::default();
        let mut used = simd;
        for _ in 0..k {
            let (c0, t0) = (thread_cpu_seconds(), Instant::now());
            // The loop of `run`, on the chosen path.
            let mut model = Model::new(inputs, &settings).expect("valid input").with_simd(simd);
            used = model.simd();
            let mut positions = vec![model.positions().to_vec()];
            for _ in 0..rounds {
                let previous = model.outcome();
                let report = model.advance();
                positions.push(model.positions().to_vec());
                if model.converged(&report, previous) {
                    break;
                }
            }
            let cpu = thread_cpu_seconds().zip(c0).map(|(a, b)| a - b);
            let spent = cpu.unwrap_or_else(|| t0.elapsed().as_secs_f64());
            best = best.min(spent);
            total += spent;
            assert_eq!(positions, out.positions);
        }
        eprintln!(
            "CPU time of one run over {k} ({used:?} path): least {:.3} ms, mean {:.3} ms",
            best * 1e3,
            total / k as f64 * 1e3
        );
    }
    if args.iter().any(|a| a == "--print") {
        for (t, xs) in out.positions.iter().enumerate() {
            println!("{t} {}", xs.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(" "));
        }
    }
}

/// This thread's CPU time so far, if the platform has a per-thread clock.
fn thread_cpu_seconds() -> Option<f64> {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0 {
            return Some(ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9);
        }
    }
    None
}
