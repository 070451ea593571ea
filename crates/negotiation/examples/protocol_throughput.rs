//! Runs the protocol benchmark setups a fixed number of times, for CPU-time measurement
//! under `perf stat -e task-clock` (wall-clock criterion figures suffer when the machine is
//! shared). See BENCHMARKS.md, "negotiation: protocols".
//!
//! ```text
//! protocol_throughput sao PAIR [RESERVATION] [REPEATS]   # e.g. sao boulware,conceder 0.95 3000
//! protocol_throughput tournament [THREADS] [REPEATS]     # 100-negotiation tournament
//! ```

#[path = "../tests/it/proto_support/mod.rs"]
mod proto_support;

use std::time::Instant;

use demarche_negotiation::protocol::sao::{run_sao_specs, SaoConfig};
use demarche_negotiation::protocol::{OutcomeTable, TableOptions};
use demarche_negotiation::strategy::StrategySpec;
use demarche_negotiation::tournament::{run_tournament, TournamentConfig, TournamentDomain};

fn arg<T: std::str::FromStr>(args: &[String], k: usize, default: T) -> T {
    args.get(k).and_then(|a| a.parse().ok()).unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (space, mut profiles) = proto_support::negmas_domain(3);
    match args.get(1).map(String::as_str) {
        Some("sao") => {
            let specs = StrategySpec::parse_list(args.get(2).map(String::as_str).unwrap_or("boulware,conceder"))
                .unwrap_or_else(|e| panic!("{e}"));
            let reservation: f64 = arg(&args, 3, 0.0);
            let repeats: u32 = arg(&args, 4, 3000);
            for p in profiles.iter_mut() {
                p.reservation = reservation;
            }
            let config = SaoConfig::rounds(1000);
            let start = Instant::now();
            let mut rounds = 0u64;
            for _ in 0..repeats {
                // Table built per negotiation, as NegMAS builds its mechanism per negotiation.
                let table = OutcomeTable::new(space.clone(), profiles.clone(), &TableOptions::default()).unwrap();
                rounds += run_sao_specs(&table, &specs, &config, 0).unwrap().result.rounds;
            }
            let wall = start.elapsed().as_secs_f64();
            println!(
                "{repeats} negotiations, {rounds} rounds, wall {wall:.3} s, {:.0} rounds/s (wall)",
                rounds as f64 / wall
            );
        }
        Some("tournament") => {
            let threads: usize = arg(&args, 2, 1);
            let repeats: u32 = arg(&args, 3, 50);
            let config = TournamentConfig {
                strategies: StrategySpec::parse_list("boulware,conceder,linear,aspiration,tft").unwrap(),
                repetitions: 2,
                sao: SaoConfig::rounds(1000),
                seed: 0,
                threads: Some(threads),
                self_play: true,
            };
            let start = Instant::now();
            let mut steps = 0;
            for _ in 0..repeats {
                let d = TournamentDomain::new(space.clone(), profiles.clone(), &TableOptions::default()).unwrap();
                steps += run_tournament(&[d], &config).unwrap().total_steps;
            }
            let wall = start.elapsed().as_secs_f64();
            println!("{repeats} tournaments of 100 negotiations ({steps} steps), wall {wall:.3} s");
        }
        _ => eprintln!("usage: protocol_throughput sao PAIR [RESERVATION] [REPEATS] | tournament [THREADS] [REPEATS]"),
    }
}
