//! Invariants of the SMP engine: the fast paths equal the straightforward
//! ones bit for bit, results do not depend on the number of threads, and
//! relabelling the actors relabels the results.

#![allow(clippy::field_reassign_with_default)]

use demarche_forecast::{Engine, Forecast, NoObserver, Request};
use demarche_scenario::settings::smp::*;
use demarche_scenario::Scenario;
use demarche_smp::{challenge, input, kernels, model, random, Smp};
use proptest::prelude::*;

fn settings_from(codes: [u8; 9]) -> SmpSettings {
    let list = codes.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(",");
    SmpSettings::from_ktab_list(&list).expect("valid codes")
}

/// Any valid parameter combination (BigRAdjust Full is refused, as by KTAB).
fn params() -> impl Strategy<Value = SmpSettings> {
    (0u8..5, 0u8..3, 0u8..6, 0u8..4, 0u8..3, 0u8..3, 0u8..3, 0u8..3)
        .prop_map(|(vpm, pcem, vr, bra, brr, tpc, ivb, bm)| settings_from([vpm, pcem, 0, vr, bra, brr, tpc, ivb, bm]))
}

fn run(sc: &Scenario, s: &SmpSettings) -> Result<Forecast, String> {
    Smp::new(s.clone()).forecast(sc, &Request::default(), &mut NoObserver).map_err(|e| e.to_string())
}

/// Every number of a forecast as bits, so NaN compares equal to itself.
fn bits(f: &Forecast) -> Vec<u64> {
    let mut out = Vec::new();
    for i in &f.issues {
        for row in i.trajectory.iter().chain(&i.ideals) {
            out.extend(row.iter().map(|x| x.to_bits()));
        }
    }
    for row in f.win_probabilities.iter().flatten() {
        out.extend(row.iter().map(|x| x.to_bits()));
    }
    out
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool").install(f)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The pruned, vectorised challenge search picks exactly what the
    /// one-pair-at-a-time KTAB formula picks, on the first turns of runs.
    #[test]
    fn fast_challenges_equal_the_reference(n in 3usize..24, dims in 1usize..4, seed in 0u64..1000, s in params()) {
        let sc = random::scenario(n, dims, seed);
        let issues: Vec<usize> = (0..dims).collect();
        let p = input::prepare(&sc, &issues, &s).unwrap();
        let m = &p.model;
        let mut state = p.start.clone();
        for turn in 0..3 {
            let Ok(a) = model::assess(m, &state, turn) else { break };
            let fast = challenge::best_targets(m, &a);
            let slow = challenge::best_targets_reference(m, &a);
            let fb: Vec<Option<(usize, u64)>> = fast.iter().map(|o| o.map(|(j, p)| (j, p.to_bits()))).collect();
            let sb: Vec<Option<(usize, u64)>> = slow.iter().map(|o| o.map(|(j, p)| (j, p.to_bits()))).collect();
            prop_assert_eq!(fb, sb);
            let Ok((next, _)) = demarche_smp::turn::step(m, &state, &a, turn, 1) else { break };
            state = next;
        }
    }

    /// The coalition kernels (AVX2 where the CPU has it, and the portable
    /// one) give, for every voting rule, the bits of the plain loop: for
    /// a > b, ε + Σₖ max(0, vₖ(a:b)) and ε + Σₖ max(0, −vₖ(a:b)), voters in
    /// order. Sizes cross the kernel's groups of 8 options and its chunks of
    /// 128 voters; utilities on a coarse grid give exact ties.
    #[test]
    fn coalition_kernels_equal_the_plain_sums(
        options in 1usize..80,
        voters in 1usize..300,
        rule in 0i64..6,
        coarse in any::<bool>(),
        seed in 0u64..1000,
    ) {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let draw = |rng: &mut rand_chacha::ChaCha8Rng| -> f64 {
            if coarse { f64::from(rng.random_range(0u8..5)) / 4.0 } else { rng.random_range(-0.2..1.0) }
        };
        let util: Vec<f64> = (0..voters * options).map(|_| draw(&mut rng)).collect();
        let w: Vec<f64> = (0..voters).map(|_| rng.random_range(1.0..100.0)).collect();
        let vr = VotingRule::from_code(rule).unwrap();
        let mut want_pos = vec![0.0; options * options];
        let mut want_neg = vec![0.0; options * options];
        for a in 0..options {
            for b in 0..a {
                let (mut p, mut q) = (demarche_smp::pce::MIN_COALITION, demarche_smp::pce::MIN_COALITION);
                for k in 0..voters {
                    let v = demarche_smp::rules::vote(vr, w[k], util[k * options + a], util[k * options + b]);
                    if v > 0.0 {
                        p += v;
                    }
                    if v < 0.0 {
                        q -= v;
                    }
                }
                want_pos[a * options + b] = p;
                want_neg[a * options + b] = q;
            }
        }
        let bits = |x: &[f64]| -> Vec<u64> { x.iter().map(|v| v.to_bits()).collect() };
        for simd in [false, true] {
            let (pos, neg) = kernels::coalition_sums(vr, &w, &util, options, options, simd);
            prop_assert_eq!(bits(&pos), bits(&want_pos), "positive sums, simd {}", simd);
            prop_assert_eq!(bits(&neg), bits(&want_neg), "negative sums, simd {}", simd);
        }
    }

    /// Summing each distinct column once gives the same coalitions.
    #[test]
    fn grouped_coalitions_equal_plain_ones(n in 2usize..30, dup in 0usize..10, rule in 0i64..6, seed in 0u64..1000) {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let voters = n;
        // Options with some exact duplicates.
        let distinct = n.saturating_sub(dup).max(1);
        let cols: Vec<Vec<f64>> = (0..distinct).map(|_| (0..voters).map(|_| rng.random_range(0.0..1.0)).collect()).collect();
        let pick: Vec<usize> = (0..n).map(|a| if a < distinct { a } else { rng.random_range(0..distinct) }).collect();
        let mut util = vec![0.0; voters * n];
        for k in 0..voters {
            for a in 0..n {
                util[k * n + a] = cols[pick[a]][k];
            }
        }
        let class: Vec<usize> = (0..n).map(|a| pick.iter().position(|&p| p == pick[a]).unwrap()).collect();
        let w: Vec<f64> = (0..voters).map(|_| rng.random_range(1.0..100.0)).collect();
        let vr = VotingRule::from_code(rule).unwrap();
        let plain = kernels::coalitions(vr, &w, &util, n, n);
        let grouped = kernels::coalitions_grouped(vr, &w, &util, n, n, Some(&class));
        let pb: Vec<u64> = plain.data.iter().map(|x| x.to_bits()).collect();
        let gb: Vec<u64> = grouped.data.iter().map(|x| x.to_bits()).collect();
        prop_assert_eq!(pb, gb);
    }

    /// One thread or two: the same bits.
    #[test]
    fn thread_count_does_not_matter(n in 3usize..16, dims in 1usize..4, seed in 0u64..1000, s in params(), stochastic in any::<bool>()) {
        let sc = random::scenario(n, dims, seed);
        let mut s = s;
        if stochastic {
            s.state_transitions = StateTransitions::Stochastic;
        }
        s.max_turns = 12;
        let one = in_pool(1, || run(&sc, &s));
        let two = in_pool(2, || run(&sc, &s));
        match (one, two) {
            (Ok(a), Ok(b)) => prop_assert_eq!(bits(&a), bits(&b)),
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert!(false, "one thread: {:?}, two: {:?}", a.is_ok(), b.is_ok()),
        }
    }

    /// Listing the actors in another order lists the results in that order.
    #[test]
    fn permuting_actors_permutes_results(n in 3usize..30, dims in 1usize..4, seed in 0u64..1000, shift in 1usize..11) {
        let sc = random::scenario(n, dims, seed);
        let mut s = SmpSettings::default();
        s.max_turns = 100;
        // New order: actor k of the permuted scenario is actor perm[k] of the original.
        let perm: Vec<usize> = (0..n).map(|k| (k * (shift % n).max(1) + shift) % n).collect();
        let mut seen = perm.clone();
        seen.sort_unstable();
        seen.dedup();
        prop_assume!(seen.len() == n);
        let mut permuted = sc.clone();
        permuted.actors = perm.iter().map(|&o| sc.actors[o].clone()).collect();
        let a = run(&sc, &s).unwrap();
        let b = run(&permuted, &s).unwrap();
        prop_assert_eq!(a.issues[0].trajectory.len(), b.issues[0].trajectory.len());
        for (ia, ib) in a.issues.iter().zip(&b.issues) {
            for (ra, rb) in ia.trajectory.iter().zip(&ib.trajectory) {
                for (k, &o) in perm.iter().enumerate() {
                    prop_assert!((ra[o] - rb[k]).abs() < 1e-9, "actor {o}: {} vs {}", ra[o], rb[k]);
                }
            }
        }
        // KTAB groups positions within its tolerance first-come, so win
        // probabilities follow a relabelling exactly under canonical grouping.
        let mut c = s.clone();
        c.win_prob_grouping = WinProbGrouping::Canonical;
        let (a, b) = (run(&sc, &c).unwrap(), run(&permuted, &c).unwrap());
        let (pa, pb) = (a.win_probabilities.unwrap(), b.win_probabilities.unwrap());
        prop_assert_eq!(pa.len(), pb.len());
        for (ra, rb) in pa.iter().zip(&pb) {
            for (k, &o) in perm.iter().enumerate() {
                prop_assert!((ra[o] - rb[k]).abs() < 1e-9, "actor {o}: {} vs {}", ra[o], rb[k]);
            }
        }
        for (ia, ib) in a.issues.iter().zip(&b.issues) {
            prop_assert!((ia.outcome - ib.outcome).abs() < 1e-9);
        }
    }
}

/// Large enough for every parallel path (coalition blocks, bargain blocks).
#[test]
fn thread_count_does_not_matter_at_scale() {
    let sc = random::scenario(90, 3, 7);
    let mut s = SmpSettings::default();
    s.max_turns = 8;
    let one = in_pool(1, || run(&sc, &s)).unwrap();
    let two = in_pool(2, || run(&sc, &s)).unwrap();
    let three = in_pool(3, || run(&sc, &s)).unwrap();
    assert_eq!(bits(&one), bits(&two));
    assert_eq!(bits(&one), bits(&three));
}

/// The same seed gives the same stochastic run; another seed (usually) another.
#[test]
fn stochastic_runs_follow_the_seed() {
    let sc = random::scenario(12, 2, 3);
    let mut s = SmpSettings::default();
    s.state_transitions = StateTransitions::Stochastic;
    s.max_turns = 15;
    let a = run(&sc, &s).unwrap();
    let b = run(&sc, &s).unwrap();
    assert_eq!(bits(&a), bits(&b));
    let differs = (1..6).any(|k| {
        let mut t = s.clone();
        t.seed = s.seed.wrapping_add(k);
        bits(&run(&sc, &t).unwrap()) != bits(&a)
    });
    assert!(differs, "five other seeds all gave the same stochastic run");
}

/// At sizes where the search screens targets (more than 16 candidates), it
/// still picks exactly what the one-pair-at-a-time formula picks, under every
/// voting rule and risk setting, over many turns of real runs.
#[test]
fn screened_challenges_equal_the_reference_at_scale() {
    let mut checked = 0;
    for (case, &(n, dims)) in [(40usize, 1usize), (80, 2), (120, 5), (60, 3), (150, 2)].iter().enumerate() {
        for vr in 0u8..6 {
            let brr = (case as u8 + vr) % 3;
            let bra = (case as u8 + 2 * vr) % 4;
            let s = settings_from([vr % 5, (vr % 3) % 3, 0, vr, bra, brr, 1, vr % 3, case as u8 % 3]);
            let sc = random::scenario(n, dims, 100 + case as u64 * 7 + vr as u64);
            let issues: Vec<usize> = (0..dims).collect();
            let p = input::prepare(&sc, &issues, &s).unwrap();
            let m = &p.model;
            let mut state = p.start.clone();
            for turn in 0..8 {
                let Ok(a) = model::assess(m, &state, turn) else { break };
                let fast = challenge::best_targets(m, &a);
                let slow = challenge::best_targets_reference(m, &a);
                let fb: Vec<Option<(usize, u64)>> = fast.iter().map(|o| o.map(|(j, p)| (j, p.to_bits()))).collect();
                let sb: Vec<Option<(usize, u64)>> = slow.iter().map(|o| o.map(|(j, p)| (j, p.to_bits()))).collect();
                assert_eq!(fb, sb, "n {n}, dims {dims}, params {}, turn {turn}", s.to_ktab_list());
                checked += 1;
                let Ok((next, _)) = demarche_smp::turn::step(m, &state, &a, turn, 1) else { break };
                state = next;
            }
        }
    }
    assert!(checked > 100, "only {checked} turns compared");
}
