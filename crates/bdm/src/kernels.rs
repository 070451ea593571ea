//! Branch-free `exp` and `ln` for the model's powers, and the runtime choice
//! of the instruction set its hot loops are compiled for.
//!
//! Every power in the model is `b^r = exp(r · ln b)` with b ∈ [0, ~1.5] and
//! r ∈ [1/2, 2]. The kernels below use only IEEE additions, multiplications,
//! divisions, comparisons and bit operations — no table look-ups, no fused
//! multiply-add — so a loop of them vectorises, and the scalar, SSE2 and AVX2
//! compilations of the same loop give the same bits (the model's results do
//! not depend on the machine or on which path ran; `tests/kernels.rs` checks
//! both). Accuracy against the platform's `f64::exp` / `f64::ln`: see the
//! tests (`tests/kernels.rs`) and docs/models.md (`## bdm`).
//!
//! - `exp`: x = k·ln 2 + t with |t| ≤ ln 2 / 2 (Cody–Waite: ln 2 split in a
//!   high part with 21 trailing zero bits, so k·ln2_hi is exact);
//!   e^t = 1 + t + t² p(t) with p a degree-9 polynomial fit; the result
//!   scaled by 2^k in two exact steps so that subnormal results round once.
//!   `exp_model`, used by the model's loops, scales in one step: the same bits
//!   for −708.7 ≤ x ≤ 709.4; below, where e^x < 1.6e-308 is not a normal
//!   number, it may be 0 (it is from −708.75 down). The model's arguments
//!   r·ln b are below ~1, and powers under 1.6e-308 vanish in every sum and
//!   utility they enter. Likewise `ln_model` skips the subnormal, negative,
//!   infinite and NaN cases, which the model's arguments (distances over R,
//!   utility bases: 0 or at least 2^-54) never are; elsewhere it gives `ln`'s bits.
//! - `ln`: x = 2^e · m with m ∈ [√2/2, √2), f = m − 1, s = f/(2 + f);
//!   ln(1 + f) = 2 atanh s = f − f²/2 + s (f²/2 + R), R = s² q(s²) with q a
//!   degree-6 polynomial fit; the leading term f is exact, so the division's
//!   rounding only touches the small correction.
//!
//! Polynomials are evaluated by Estrin's scheme (short dependency chains, so
//! vector lanes stay busy).

/// Which compilation of the hot loops runs. Every path gives the same bits.
///
/// Opaque on purpose: outside this crate a `Simd` comes only from
/// [`Simd::detect`], [`Simd::available`], [`Simd::named`] (each of which
/// checks the processor) or [`Simd::PORTABLE`], so safe code can never hand
/// the AVX paths to a processor without the instructions:
///
/// ```compile_fail
/// // Neither the field nor the level is reachable from outside the crate.
/// let simd = demarche_bdm::Simd(demarche_bdm::kernels::Level::Avx512);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Simd(pub(crate) Level);

/// The paths, for the [`multiversion!`] dispatch inside this crate only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// Whatever the crate was compiled for (SSE2 on a default x86-64 build).
    Portable,
    /// AVX2 (4 lanes of f64).
    Avx2,
    /// AVX-512F (8 lanes of f64).
    Avx512,
}

impl Simd {
    /// The path compiled for the default target; runs everywhere.
    pub const PORTABLE: Simd = Simd(Level::Portable);

    /// The best path this processor supports.
    pub fn detect() -> Simd {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                return Simd(Level::Avx512);
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return Simd(Level::Avx2);
            }
        }
        Simd::PORTABLE
    }

    /// Every path this processor supports, portable first (for tests and
    /// benchmarks that compare them).
    pub fn available() -> Vec<Simd> {
        let best = Simd::detect().0;
        [Level::Portable, Level::Avx2, Level::Avx512].into_iter().filter(|l| *l <= best).map(Simd).collect()
    }

    /// The path called `portable`, `avx2` or `avx512`, if this processor supports it.
    pub fn named(name: &str) -> Option<Simd> {
        Simd::available().into_iter().find(|s| s.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self.0 {
            Level::Portable => "portable",
            Level::Avx2 => "avx2",
            Level::Avx512 => "avx512",
        }
    }
}

/// Define `fn name(simd: Simd, args…)` whose body is compiled three times:
/// for the default target, with AVX2 and with AVX-512F, and run as `simd` says.
/// The body must be plain arithmetic (no `mul_add`): then both give the same bits.
macro_rules! multiversion {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($simd:ident: Simd $(, $arg:ident: $ty:ty)* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$meta])*
        #[allow(clippy::too_many_arguments)]
        $vis fn $name($simd: $crate::kernels::Simd $(, $arg: $ty)*) $(-> $ret)? {
            #[inline(always)]
            #[allow(clippy::too_many_arguments)]
            fn body($($arg: $ty),*) $(-> $ret)? $body
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            #[allow(clippy::too_many_arguments)]
            unsafe fn avx2($($arg: $ty),*) $(-> $ret)? {
                body($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f")]
            #[allow(clippy::too_many_arguments)]
            unsafe fn avx512($($arg: $ty),*) $(-> $ret)? {
                body($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            match $simd {
                // SAFETY: a `Simd` holding `Avx2` or `Avx512` exists only if
                // `Simd::detect` found the instructions on this processor: the
                // type is opaque outside this crate, and inside it only
                // `detect` makes those values (AVX-512F implies AVX2 here).
                $crate::kernels::Simd($crate::kernels::Level::Avx2) => return unsafe { avx2($($arg),*) },
                // SAFETY: as above, for AVX-512F.
                $crate::kernels::Simd($crate::kernels::Level::Avx512) => return unsafe { avx512($($arg),*) },
                $crate::kernels::Simd($crate::kernels::Level::Portable) => {}
            }
            let _ = $simd;
            body($($arg),*)
        }
    };
}
pub(crate) use multiversion;

const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// ln 2 rounded to 32 significant bits (21 trailing zero bits): k·LN2_HI is exact for |k| < 2^21.
const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
/// ln 2 − LN2_HI, rounded.
const LN2_LO: f64 = 1.9082149292705877e-10;
/// 1.5·2^52: adding it rounds a float of magnitude < 2^51 to an integer kept in the low mantissa bits.
const SHIFTER: f64 = 6755399441055744.0;
/// SHIFTER + 1023, to place a biased exponent in the low mantissa bits.
const SHIFTER_BIASED: f64 = 6755399441056767.0;

// p(t) ≈ (e^t − 1 − t)/t² on |t| ≤ ln 2 / 2: a Chebyshev fit of degree 9
// (mpmath `chebyfit`, coefficients rounded to f64); its error adds < 2e-17
// relative to e^t.
const P0: f64 = 0.5000000000000001;
const P1: f64 = 0.16666666666666669;
const P2: f64 = 0.04166666666662413;
const P3: f64 = 0.008333333333330062;
const P4: f64 = 0.0013888888917213717;
const P5: f64 = 0.00019841269863053618;
const P6: f64 = 2.4801521295954376e-05;
const P7: f64 = 2.7557268459997064e-06;
const P8: f64 = 2.7620088445409746e-07;
const P9: f64 = 2.510038549551032e-08;

/// 2^k for an integer-valued `k` in [−1022, 1023], built from its bits.
#[inline(always)]
fn pow2i(k: f64) -> f64 {
    f64::from_bits((k + SHIFTER_BIASED).to_bits() << 52)
}

/// x = k·ln 2 + t, |t| ≤ ln 2 / 2: returns (e^t, k) for |x| ≤ 1000.
#[inline(always)]
fn exp_reduced(xc: f64) -> (f64, f64) {
    let k = (xc * INV_LN2 + SHIFTER) - SHIFTER;
    let t = (xc - k * LN2_HI) - k * LN2_LO;
    // Estrin's scheme: a shorter dependency chain than Horner's.
    let t2 = t * t;
    let t4 = t2 * t2;
    let t8 = t4 * t4;
    let a0 = P0 + P1 * t;
    let a1 = P2 + P3 * t;
    let a2 = P4 + P5 * t;
    let a3 = P6 + P7 * t;
    let a4 = P8 + P9 * t;
    let p = ((a0 + a1 * t2) + (a2 + a3 * t2) * t4) + a4 * t8;
    let y = 1.0 + (t + t2 * p);
    (y, k)
}

/// e^x, within about one unit in the last place; exact 0 below −745.2, +∞ above 709.8.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    // Clamping keeps k in range; exp(±1000) still rounds to 0 / ∞ below.
    let (y, k) = exp_reduced(x.clamp(-1000.0, 1000.0));
    // 2^k = 2^k1 · 2^k2, each factor a normal number.
    let k1 = (k * 0.5 + SHIFTER) - SHIFTER;
    let k2 = k - k1;
    // A NaN x stays NaN through every step above.
    (y * pow2i(k1)) * pow2i(k2)
}

/// [`exp`] for the model's arguments (x ≤ 709.4; they are r·ln b with b ≤ ~1.5):
/// one scaling step instead of two. Bit for bit equal to [`exp`] from x ≥ −708.7
/// to 709.4; below −708.7, where e^x < 1.6e-308 is not a normal number, it
/// may be 0 (it is from about −708.75 down, and for −∞).
#[inline(always)]
pub fn exp_model(x: f64) -> f64 {
    // Below the clamp k = −1023, whose 2^k is built as +0.
    let (y, k) = exp_reduced(if x < -709.0 { -709.0 } else { x });
    y * pow2i(k)
}

const SQRT2: f64 = std::f64::consts::SQRT_2;
/// 2^52, and its bit pattern: OR-ing a small integer into its mantissa and
/// subtracting 2^52 converts the integer to a float without an int→float instruction.
const TWO52: f64 = 4503599627370496.0;
const TWO54: f64 = 18014398509481984.0;

// q(z) ≈ (2 atanh(s)/s − 2)/z, z = s², on |s| ≤ 3 − 2√2 (m ∈ [√2/2, √2)):
// a Chebyshev fit of degree 6 (mpmath `chebyfit`); its error adds < 5e-18
// relative to ln x.
const Q0: f64 = 0.666666666666667;
const Q1: f64 = 0.3999999999989938;
const Q2: f64 = 0.28571428626031065;
const Q3: f64 = 0.2222221112572281;
const Q4: f64 = 0.18182889786191042;
const Q5: f64 = 0.15331699633543858;
const Q6: f64 = 0.14616721179861816;

/// ln of a positive normal (or scaled subnormal) `xs`, with `e0` added to its exponent.
#[inline(always)]
fn ln_normal(xs: f64, e0: f64) -> f64 {
    let bits = xs.to_bits();
    let biased = f64::from_bits(TWO52.to_bits() | (bits >> 52)) - TWO52;
    let m1 = f64::from_bits((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000);
    let big = m1 > SQRT2;
    let m = if big { m1 * 0.5 } else { m1 };
    let e = biased - 1023.0 + if big { 1.0 } else { 0.0 } + e0;
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let z2 = z * z;
    let z4 = z2 * z2;
    let q = ((Q0 + Q1 * z) + (Q2 + Q3 * z) * z2) + ((Q4 + Q5 * z) + Q6 * z2) * z4;
    let r = z * q;
    let hfsq = 0.5 * f * f;
    e * LN2_HI - ((hfsq - (s * (hfsq + r) + e * LN2_LO)) - f)
}

/// ln x, within about one unit in the last place; −∞ at 0, NaN below 0.
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    // Subnormals: scale into the normal range first.
    let tiny = x < f64::MIN_POSITIVE;
    let xs = if tiny { x * TWO54 } else { x };
    let y = ln_normal(xs, if tiny { -54.0 } else { 0.0 });
    if x > 0.0 && x < f64::INFINITY {
        y
    } else if x == 0.0 {
        f64::NEG_INFINITY
    } else if x == f64::INFINITY {
        x
    } else {
        f64::NAN
    }
}

/// [`ln`] for the model's arguments: finite and either 0 (→ −∞) or at least
/// 2.2e-308 (distances over R and utility bases), where it gives the same
/// bits; it skips the checks for other inputs (a subnormal x gives a value
/// near −709 instead of its logarithm).
#[inline(always)]
pub fn ln_model(x: f64) -> f64 {
    let y = ln_normal(x, 0.0);
    if x == 0.0 {
        f64::NEG_INFINITY
    } else {
        y
    }
}

/// `base^r` for `0 ≤ base ≤ ~1.5`, `r ∈ [1/2, 2]`, as exp(r · ln base) (by
/// [`exp_model`]); exact for r = 1.
#[inline(always)]
pub fn powr(base: f64, r: f64) -> f64 {
    if r == 1.0 {
        base
    } else {
        exp_model(r * ln_model(base))
    }
}

multiversion! {
    /// `out[i] = exp(x[i])` (for tests and benchmarks of the kernel itself).
    pub fn exp_slice(simd: Simd, x: &[f64], out: &mut [f64]) {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = exp(v);
        }
    }
}

multiversion! {
    /// `out[i] = exp_model(x[i])`.
    pub fn exp_model_slice(simd: Simd, x: &[f64], out: &mut [f64]) {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = exp_model(v);
        }
    }
}

multiversion! {
    /// `out[i] = ln_model(x[i])`.
    pub fn ln_model_slice(simd: Simd, x: &[f64], out: &mut [f64]) {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = ln_model(v);
        }
    }
}

multiversion! {
    /// `out[i] = ln(x[i])`.
    pub fn ln_slice(simd: Simd, x: &[f64], out: &mut [f64]) {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = ln(v);
        }
    }
}
