//! The exp/ln kernels against the platform's `f64::exp`/`f64::ln`, and the
//! promise that every SIMD path gives the same bits (kernels and whole runs),
//! as does the dyad-free `advance` against `step`.
#![allow(clippy::field_reassign_with_default)]

use demarche_bdm::kernels::{exp, exp_model, exp_model_slice, exp_slice, ln, ln_model, ln_model_slice, ln_slice, powr};
use demarche_bdm::{BdmSettings, Inputs, Model, Preset, Simd};
use demarche_scenario::settings::bdm::*;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The largest relative difference from the platform's functions we accept:
/// one unit in the last place (2⁻⁵² ≈ 2.2e-16) plus a little.
const REL: f64 = 2.3e-16;

fn rel(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        ((a - b) / b).abs()
    }
}

/// Every path the processor supports.
fn paths() -> Vec<Simd> {
    Simd::available()
}

/// Seeded inputs over the ranges the model uses and beyond.
fn exp_inputs() -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut v: Vec<f64> = (0..200_000).map(|_| rng.random_range(-80.0..1.0)).collect();
    v.extend((0..50_000).map(|_| rng.random_range(-1.0..1.0) * 1e-3));
    v.extend((0..50_000).map(|_| rng.random_range(-708.0..709.0)));
    v
}

fn ln_inputs() -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let mut v: Vec<f64> = (0..200_000).map(|_| rng.random_range(0.0..2.0)).collect();
    v.extend((0..50_000).map(|_| 1.0 + rng.random_range(-1e-4..1e-4)));
    v.extend((0..50_000).map(|_| rng.random_range(-700.0f64..700.0).exp()));
    v
}

#[test]
fn exp_is_within_an_ulp_of_std() {
    let mut worst = 0.0f64;
    for x in exp_inputs() {
        worst = worst.max(rel(exp(x), x.exp()));
    }
    eprintln!("exp: largest relative difference from f64::exp {worst:e}");
    assert!(worst <= REL, "{worst:e}");
}

#[test]
fn ln_is_within_an_ulp_of_std() {
    let mut worst = 0.0f64;
    for x in ln_inputs() {
        worst = worst.max(rel(ln(x), x.ln()));
    }
    eprintln!("ln: largest relative difference from f64::ln {worst:e}");
    assert!(worst <= REL, "{worst:e}");
}

#[test]
fn special_values() {
    assert_eq!(exp(0.0), 1.0);
    assert_eq!(exp(f64::NEG_INFINITY), 0.0);
    assert_eq!(exp(-746.0), 0.0);
    assert_eq!(exp(f64::INFINITY), f64::INFINITY);
    assert_eq!(exp(710.0), f64::INFINITY);
    assert!(exp(f64::NAN).is_nan());
    assert_eq!(exp(-745.0), (-745.0f64).exp()); // subnormal result
    assert_eq!(ln(1.0), 0.0);
    assert_eq!(ln(0.0), f64::NEG_INFINITY);
    assert_eq!(ln(-0.0), f64::NEG_INFINITY);
    assert_eq!(ln(f64::INFINITY), f64::INFINITY);
    assert!(ln(-1.0).is_nan() && ln(f64::NAN).is_nan());
    assert_eq!(ln(5e-324), (5e-324f64).ln()); // subnormal input
    assert_eq!(powr(0.0, 0.5), 0.0);
    assert_eq!(powr(0.3, 1.0), 0.3);
}

/// The model's variant is the same function on its domain, 0 well below it.
#[test]
fn exp_model_is_exp_on_its_domain() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    for _ in 0..200_000 {
        let x = rng.random_range(-708.7..709.4);
        assert_eq!(exp_model(x).to_bits(), exp(x).to_bits(), "{x}");
    }
    for x in exp_inputs().into_iter().filter(|x| (-708.7..=709.4).contains(x)) {
        assert_eq!(exp_model(x).to_bits(), exp(x).to_bits(), "{x}");
    }
    for x in [-708.76, -709.0, -745.0, -1e300, f64::NEG_INFINITY] {
        assert_eq!(exp_model(x), 0.0, "{x}");
    }
    assert!(exp_model(f64::NAN).is_nan());
    assert_eq!(exp_model(0.0), 1.0);
}

/// The model's ln is the same function on normal inputs and at 0.
#[test]
fn ln_model_is_ln_on_its_domain() {
    for x in ln_inputs().into_iter().filter(|&x| x >= f64::MIN_POSITIVE) {
        assert_eq!(ln_model(x).to_bits(), ln(x).to_bits(), "{x}");
    }
    for x in [f64::MIN_POSITIVE, 1.0, 0.5, 1.5, f64::MAX] {
        assert_eq!(ln_model(x).to_bits(), ln(x).to_bits(), "{x}");
    }
    assert_eq!(ln_model(0.0), f64::NEG_INFINITY);
}

#[test]
fn kernel_paths_agree_bit_for_bit() {
    for (inputs, f) in [
        (exp_inputs(), exp_slice as fn(Simd, &[f64], &mut [f64])),
        (exp_inputs(), exp_model_slice as fn(Simd, &[f64], &mut [f64])),
        (ln_inputs(), ln_slice as fn(Simd, &[f64], &mut [f64])),
        (ln_inputs(), ln_model_slice as fn(Simd, &[f64], &mut [f64])),
    ] {
        let mut reference = vec![0.0; inputs.len()];
        f(Simd::PORTABLE, &inputs, &mut reference);
        for simd in paths() {
            let mut out = vec![0.0; inputs.len()];
            f(simd, &inputs, &mut out);
            for (k, (a, b)) in out.iter().zip(&reference).enumerate() {
                assert_eq!(a.to_bits(), b.to_bits(), "{simd:?} at {}", inputs[k]);
            }
        }
    }
}

proptest! {
    #[test]
    fn exp_matches_std(x in -708.0..709.0f64) {
        prop_assert!(rel(exp(x), x.exp()) <= REL, "exp({x}) = {} vs {}", exp(x), x.exp());
        prop_assert_eq!(exp_model(x).to_bits(), exp(x).to_bits());
    }

    /// Over the whole normal range, log-uniformly.
    #[test]
    fn ln_matches_std(e in -1021.0..1023.0f64, frac in 1.0..2.0f64) {
        let x = frac * e.floor().exp2();
        prop_assert!(rel(ln(x), x.ln()) <= REL, "ln({x}) = {} vs {}", ln(x), x.ln());
        prop_assert_eq!(ln_model(x).to_bits(), ln(x).to_bits());
    }

    #[test]
    fn powers_match_powf(base in 0.0..=1.0f64, r in 0.5..=2.0f64) {
        let ours = powr(base, r);
        let std = base.powf(r);
        // exp(r·ln b) adds the rounding of r·ln b, scaled by |r·ln b|.
        let tol = 4e-16 * (1.0 + (r * base.ln()).abs());
        prop_assert!(rel(ours, std) <= tol || (ours - std).abs() <= 1e-300, "{base}^{r}: {ours} vs {std}");
    }
}

fn case(n: usize, seed: u64, grid: bool) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let c = (0..n).map(|_| rng.random_range(0.01..1.0)).collect();
    let x = (0..n)
        .map(|_| if grid { f64::from(rng.random_range(0u8..12)) * 5.0 } else { rng.random_range(0.0..100.0) })
        .collect();
    let s = (0..n).map(|_| rng.random_range(0.0..1.0)).collect();
    (c, x, s)
}

fn settings_variants() -> Vec<BdmSettings> {
    let mut out = vec![BdmSettings::preset(Preset::ScholzReplication), BdmSettings::preset(Preset::ScholzDescribed)];
    let mut s = BdmSettings::default();
    s.q = 0.6;
    s.t = 0.3;
    s.probability_numerator = Numerator::NetVotes;
    s.offer_selection = OfferSelection::Strongest;
    s.reference_point = ReferencePoint::Mean;
    out.push(s);
    let mut s = BdmSettings::preset(Preset::ScholzDescribed);
    s.vote_risk = VoteRisk::Neutral;
    s.offer_selection = OfferSelection::PriorityNearest;
    s.capitulation = Capitulation::LossExceedsGain;
    out.push(s);
    for s in &mut out {
        s.convergence = Convergence::None;
    }
    out
}

/// Positions after each round and every round report, as bits.
fn trace(model: &mut Model, rounds: u32, dyads: bool) -> Vec<u64> {
    let mut out = Vec::new();
    for _ in 0..rounds {
        let mut seen = Vec::new();
        let report = if dyads {
            model.step(|d| seen.extend([d.actor as u64, d.other as u64, d.actor_eu.to_bits(), d.other_eu.to_bits()]))
        } else {
            model.advance()
        };
        out.extend(seen);
        out.extend(report.risk.iter().map(|r| r.to_bits()));
        for mv in report.moves.iter().flatten() {
            out.extend([mv.other as u64, mv.own_eu.to_bits(), mv.other_eu.to_bits(), mv.new_position.to_bits()]);
        }
        out.extend(model.positions().iter().map(|x| x.to_bits()));
    }
    out
}

#[test]
fn runs_are_bit_identical_across_simd_paths_and_with_or_without_dyads() {
    for (n, seed, grid) in [(7, 1, false), (60, 2, false), (60, 3, true), (300, 4, false)] {
        let (c, x, s) = case(n, seed, grid);
        let inputs = Inputs { capability: &c, position: &x, salience: &s, scale: 100.0 };
        for set in settings_variants() {
            let reference = trace(&mut Model::new(inputs, &set).unwrap().with_simd(Simd::PORTABLE), 6, true);
            for simd in paths() {
                for dyads in [true, false] {
                    let mut model = Model::new(inputs, &set).unwrap().with_simd(simd);
                    assert_eq!(model.simd(), simd);
                    let got = trace(&mut model, 6, dyads);
                    if dyads {
                        assert!(got == reference, "n = {n}, seed {seed}, {simd:?}, {set:?}");
                    } else {
                        // Without dyads the trace has no dyad entries: compare
                        // with the reference run made the same way.
                        let plain = trace(&mut Model::new(inputs, &set).unwrap().with_simd(Simd::PORTABLE), 6, false);
                        assert!(got == plain, "n = {n}, seed {seed}, {simd:?}, {set:?} (advance)");
                    }
                }
            }
        }
    }
}

/// `advance` and `step` make the same moves.
#[test]
fn advance_moves_like_step() {
    for (n, seed, grid) in [(40, 5, false), (40, 6, true), (200, 7, false)] {
        let (c, x, s) = case(n, seed, grid);
        let inputs = Inputs { capability: &c, position: &x, salience: &s, scale: 100.0 };
        for set in settings_variants() {
            let mut a = Model::new(inputs, &set).unwrap();
            let mut b = Model::new(inputs, &set).unwrap();
            for _ in 0..6 {
                let ra = a.step(|_| {});
                let rb = b.advance();
                assert_eq!(ra, rb);
            }
        }
    }
}
