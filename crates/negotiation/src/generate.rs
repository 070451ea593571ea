//! Seeded random additive domains, shaped like the NegMAS baseline's generator: per issue a
//! random permutation of `linspace(0, 1, V)` for the first party and its mirror `1 − x` for
//! the second (opposed interests), independent permutations for further parties, and issue
//! weights drawn from a flat Dirichlet. Deterministic for a seed (ChaCha8); not the same
//! instances as NumPy's generator (load the dumped JSON with [`crate::io::tables`] for those).

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::{Issue, OutcomeSpace};
use crate::error::NegotiationError;
use crate::utility::{AdditiveUtility, IssueUtility, Profile, Utility};

/// `parties` additive profiles over `issues` issues of `values` values each.
pub fn random_additive(
    issues: usize,
    values: usize,
    parties: usize,
    seed: u64,
) -> Result<(OutcomeSpace, Vec<Profile>), NegotiationError> {
    if issues == 0 || values == 0 || parties == 0 || issues > 1000 || values > 100_000 || parties > 1000 {
        return Err(NegotiationError::invalid(format!(
            "random domain needs 1..=1000 issues, 1..=100000 values and 1..=1000 parties (got {issues}, {values}, {parties})"
        )));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let lin: Vec<f64> = (0..values).map(|k| if values == 1 { 0.0 } else { k as f64 / (values - 1) as f64 }).collect();
    let space = OutcomeSpace::new(
        format!("random_{issues}x{values}_{parties}p_{seed}"),
        (0..issues)
            .map(|i| Issue::categorical(format!("i{i}"), (0..values).map(|v| v.to_string()).collect()))
            .collect::<Result<Vec<_>, _>>()?,
    )?;
    let mut tables: Vec<Vec<Vec<f64>>> = vec![Vec::with_capacity(issues); parties];
    for _ in 0..issues {
        let mut base = lin.clone();
        base.shuffle(&mut rng);
        if parties > 1 {
            tables[1].push(base.iter().map(|x| 1.0 - x).collect());
        }
        tables[0].push(base);
    }
    for table in tables.iter_mut().skip(2) {
        for _ in 0..issues {
            let mut t = lin.clone();
            t.shuffle(&mut rng);
            table.push(t);
        }
    }
    let mut profiles = Vec::with_capacity(parties);
    for (p, t) in tables.into_iter().enumerate() {
        // Flat Dirichlet = normalised Exp(1) draws.
        let mut w: Vec<f64> = (0..issues).map(|_| -(1.0 - rng.random::<f64>()).ln()).collect();
        let s: f64 = w.iter().sum();
        w.iter_mut().for_each(|x| *x /= s);
        let u = AdditiveUtility::new(&space, w, t.into_iter().map(IssueUtility::Table).collect())?;
        let name =
            char::from_u32('A' as u32 + p as u32).filter(|_| p < 26).map(String::from).unwrap_or(format!("P{p}"));
        profiles.push(Profile::new(name, Utility::Additive(u)));
    }
    Ok((space, profiles))
}
