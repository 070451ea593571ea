//! The normal distribution by inverse transform, so that every random input
//! of the model is a uniform number in (0, 1): Monte Carlo draws them from a
//! seeded generator, Sobol analysis from its sample matrices, and both drive
//! the same model.

/// The standard normal CDF Φ(z), from the complementary error function.
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// erfc(x) by the Chebyshev fit of Numerical Recipes (relative error < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// The standard normal quantile Φ⁻¹(p) (Acklam's rational approximation,
/// relative error < 1.2e-9), for p in (0, 1); clamped just inside the ends.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] =
        [7.784_695_709_041_462e-3, 3.224_671_290_700_398e-1, 2.445_134_137_142_996, 3.754_408_661_907_416];
    let p = if p.is_nan() { 0.5 } else { p.clamp(1e-300, 1.0 - 1e-16) };
    let low = 0.024_25;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// The `u`-quantile of a normal(mean, sd) truncated to `[lo, hi]`.
///
/// `sd = 0` gives the mean (clamped). When the interval holds almost none of
/// the normal's mass (the mean far outside it), the nearest end is returned.
pub fn truncated_normal(u: f64, mean: f64, sd: f64, lo: f64, hi: f64) -> f64 {
    if !(sd > 0.0) || !(hi > lo) {
        return mean.clamp(lo.min(hi), hi.max(lo));
    }
    let a = normal_cdf((lo - mean) / sd);
    let b = normal_cdf((hi - mean) / sd);
    if !(b - a > 1e-12) {
        return mean.clamp(lo, hi);
    }
    let p = a + u.clamp(0.0, 1.0) * (b - a);
    (mean + sd * normal_quantile(p)).clamp(lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_and_quantile_agree_with_tables() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_963_985) - 0.975).abs() < 1e-7);
        assert!((normal_cdf(-1.0) - 0.158_655_254).abs() < 1e-7);
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
        assert!((normal_quantile(0.1) + 1.281_551_566).abs() < 1e-8);
        assert!((normal_quantile(1e-6) + 4.753_424_309).abs() < 1e-6);
        for k in 1..100 {
            let p = k as f64 / 100.0;
            assert!((normal_cdf(normal_quantile(p)) - p).abs() < 2e-7, "{p}");
        }
    }

    #[test]
    fn truncation_keeps_draws_inside_and_is_monotone() {
        let mut prev = f64::NEG_INFINITY;
        for k in 0..=1000 {
            let x = truncated_normal(k as f64 / 1000.0, 3.0, 2.0, 0.0, 90.0);
            assert!((0.0..=90.0).contains(&x));
            assert!(x >= prev);
            prev = x;
        }
        assert_eq!(truncated_normal(0.3, 5.0, 0.0, 0.0, 10.0), 5.0);
        // The median of an untruncated-in-effect normal is its mean.
        assert!((truncated_normal(0.5, 50.0, 1.0, 0.0, 100.0) - 50.0).abs() < 1e-6);
        // Mass far away: the nearest end.
        assert_eq!(truncated_normal(0.5, 500.0, 1.0, 0.0, 100.0), 100.0);
    }
}
