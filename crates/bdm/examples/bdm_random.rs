//! Run the numeric core on a random one-issue case (the bench's generator):
//! `cargo run --release --example bdm_random -- N ROUNDS [SEED] [--csv FILE]`.
//! With `--csv`, writes the case as a BDM CSV (for running other
//! implementations on the same input) and the resulting positions to stdout.

use std::time::Instant;

use demarche_bdm::{run, BdmSettings, Inputs, Record};
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
    if args.iter().any(|a| a == "--print") {
        for (t, xs) in out.positions.iter().enumerate() {
            println!("{t} {}", xs.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(" "));
        }
    }
}
