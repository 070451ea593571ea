//! The one power function of the model, so that its accuracy is decided in one place.

/// `base^r` for `base ≥ 0`, `r > 0`; exact for `r = 1`.
#[inline]
pub fn powr(base: f64, r: f64) -> f64 {
    if r == 1.0 {
        base
    } else {
        base.powf(r)
    }
}
