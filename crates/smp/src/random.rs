//! Random SMP scenarios, drawn as KTAB's `randomSMP` draws them: capability
//! uniform on [10, 200], a total salience uniform on [0.75, 0.99] split over
//! the dimensions in random shares, positions uniform on 0–100. For
//! benchmarks and property tests; seeded, so the same seed gives the same
//! scenario everywhere.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use demarche_scenario::{Actor, Issue, Meta, Scenario, Stance};

/// A random scenario of `actors` actors on `dims` issues, each on 0–100.
pub fn scenario(actors: usize, dims: usize, seed: u64) -> Scenario {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let issues: Vec<Issue> = (0..dims)
        .map(|k| Issue {
            id: format!("dim{k}"),
            name: format!("Dimension {k}"),
            min: 0.0,
            max: 100.0,
            low: format!("0 on dimension {k}"),
            high: format!("100 on dimension {k}"),
            ..Default::default()
        })
        .collect();
    let mut actor_list = Vec::with_capacity(actors);
    let mut stances = Vec::with_capacity(actors * dims);
    for a in 0..actors {
        let id = format!("a{a:04}");
        actor_list.push(Actor {
            id: id.clone(),
            name: format!("Actor {a}"),
            capability: rng.random_range(10.0..200.0),
            ..Default::default()
        });
        let total: f64 = rng.random_range(0.75..0.99);
        let shares: Vec<f64> = (0..dims).map(|_| rng.random_range(0.1..1.0)).collect();
        let sum: f64 = shares.iter().sum();
        for (k, share) in shares.iter().enumerate() {
            // Positions on a 0.01 grid, as KTAB scenario files write them.
            let position = (rng.random_range(0.0..100.0_f64) * 100.0).round() / 100.0;
            stances.push(Stance {
                actor: id.clone(),
                issue: issues[k].id.clone(),
                position,
                salience: total * share / sum,
                ..Default::default()
            });
        }
    }
    Scenario {
        meta: Meta {
            title: format!("Random SMP scenario: {actors} actors, {dims} dimensions, seed {seed}"),
            ..Default::default()
        },
        actors: actor_list,
        issues,
        stances,
        ..Default::default()
    }
}
