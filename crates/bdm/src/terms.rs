//! The vectorised per-actor loops of a round: utilities against every
//! distinct position, the two expected utilities' shared parts, and the
//! danger sums of the risk step. Everything here is element-wise IEEE
//! arithmetic over contiguous slices (structure of arrays), compiled for each
//! [`Simd`] path with the same bits.

use crate::kernels::{self, multiversion, Simd};

/// What actor i needs about one distinct position a (its own) against every
/// distinct position b; shared by all actors at a.
#[derive(Clone, Debug, Default)]
pub struct SlotRows {
    /// |xₐ − x_b|.
    pub dist: Vec<f64>,
    /// The U^s and U^f bases 0.5 ∓ 0.5·dist/R (the first clamped at 0), and their logarithms.
    pub base_s: Vec<f64>,
    pub base_f: Vec<f64>,
    pub ln_s: Vec<f64>,
    pub ln_f: Vec<f64>,
    /// Only when Q < 1: the U^b and U^w bases 0.5 ∓ 0.25·e of the status-quo
    /// term, with e from the challenger a (`own`) or b (`other`), and logarithms.
    pub better_own: Vec<f64>,
    pub worse_own: Vec<f64>,
    pub better_other: Vec<f64>,
    pub worse_other: Vec<f64>,
    pub ln_better_own: Vec<f64>,
    pub ln_worse_own: Vec<f64>,
    pub ln_better_other: Vec<f64>,
    pub ln_worse_other: Vec<f64>,
}

/// Actor i's terms against every distinct position b.
#[derive(Clone, Debug, Default)]
pub struct Terms {
    pub us: Vec<f64>,
    /// P(a beats b)·U^s + (1 − P(a beats b))·U^f: i's own EU against an actor j
    /// at b is `s_j·own_mix + (1 − s_j)·U^s − sq_own`.
    pub own_mix: Vec<f64>,
    /// The status-quo terms (Q < 1); with Q = 1 both are `sq_const`.
    pub sq_own: Vec<f64>,
    pub sq_other: Vec<f64>,
    pub sq_const: Option<f64>,
    /// EUᵢ(j challenges i) for j at b (−∞ at b = a: no dyad).
    pub eu_other: Vec<f64>,
}

/// Make `v` m long; its old contents are overwritten by the caller.
fn fit(v: &mut Vec<f64>, m: usize) {
    v.resize(m, 0.0);
}

impl SlotRows {
    /// Fill the rows for position `xa` (index `a`); `logs`: also the
    /// logarithms (some actor at a has r ≠ 1); `status_quo`: the Q < 1 rows,
    /// with reference point `mu`.
    #[allow(clippy::too_many_arguments)]
    pub fn fill(&mut self, simd: Simd, xa: f64, u: &[f64], scale: f64, logs: bool, status_quo: bool, mu: f64) {
        let m = u.len();
        for v in [&mut self.dist, &mut self.base_s, &mut self.base_f] {
            fit(v, m);
        }
        success_failure_bases(simd, xa, u, scale, &mut self.dist, &mut self.base_s, &mut self.base_f);
        if logs {
            fit(&mut self.ln_s, m);
            fit(&mut self.ln_f, m);
            ln_into(simd, &self.base_s, &mut self.ln_s);
            ln_into(simd, &self.base_f, &mut self.ln_f);
        }
        if status_quo {
            for v in [&mut self.better_own, &mut self.worse_own, &mut self.better_other, &mut self.worse_other] {
                fit(v, m);
            }
            let own_mu = (xa - mu).abs();
            status_quo_bases(
                simd,
                own_mu,
                mu,
                u,
                &self.dist,
                scale,
                &mut self.better_own,
                &mut self.worse_own,
                &mut self.better_other,
                &mut self.worse_other,
            );
            if logs {
                for v in [
                    &mut self.ln_better_own,
                    &mut self.ln_worse_own,
                    &mut self.ln_better_other,
                    &mut self.ln_worse_other,
                ] {
                    fit(v, m);
                }
                ln_into(simd, &self.better_own, &mut self.ln_better_own);
                ln_into(simd, &self.worse_own, &mut self.ln_worse_own);
                ln_into(simd, &self.better_other, &mut self.ln_better_other);
                ln_into(simd, &self.worse_other, &mut self.ln_worse_other);
            }
        }
    }
}

/// The status-quo constants of the option set.
#[derive(Clone, Copy, Debug)]
pub struct StatusQuo {
    pub q: f64,
    pub t: f64,
}

impl Terms {
    /// Fill actor i's terms: exponent `r`, salience `s_i`, at slot `a`,
    /// probabilities rows `p_ab` = P(a beats b), `p_ba` = P(b beats a).
    #[allow(clippy::too_many_arguments)]
    pub fn fill(
        &mut self,
        simd: Simd,
        rows: &SlotRows,
        a: usize,
        r: f64,
        s_i: f64,
        sq: StatusQuo,
        p_ab: &[f64],
        p_ba: &[f64],
    ) {
        let m = rows.dist.len();
        for v in [&mut self.us, &mut self.own_mix, &mut self.eu_other] {
            fit(v, m);
        }
        let usq = 2.0 - 4.0 * kernels::powr(0.5, r);
        self.sq_const = (sq.q == 1.0).then_some(usq);
        if sq.q != 1.0 {
            fit(&mut self.sq_own, m);
            fit(&mut self.sq_other, m);
            if r == 1.0 {
                status_quo_linear(simd, sq.q, sq.t, usq, &rows.better_own, &rows.worse_own, &mut self.sq_own);
                status_quo_linear(simd, sq.q, sq.t, usq, &rows.better_other, &rows.worse_other, &mut self.sq_other);
            } else {
                let (lb, lw) = (&rows.ln_better_own, &rows.ln_worse_own);
                status_quo_powers(simd, sq.q, sq.t, usq, r, lb, lw, &mut self.sq_own);
                let (lb, lw) = (&rows.ln_better_other, &rows.ln_worse_other);
                status_quo_powers(simd, sq.q, sq.t, usq, r, lb, lw, &mut self.sq_other);
            }
        }
        let sq_other: &[f64] = if sq.q == 1.0 { &[] } else { &self.sq_other };
        let (xs, xf) = if r == 1.0 { (&rows.base_s, &rows.base_f) } else { (&rows.ln_s, &rows.ln_f) };
        utilities_and_mix(
            simd,
            r,
            xs,
            xf,
            p_ab,
            p_ba,
            s_i,
            usq,
            sq_other,
            &mut self.us,
            &mut self.own_mix,
            &mut self.eu_other,
        );
        self.eu_other[a] = f64::NEG_INFINITY;
    }

    /// i's own expected utility of challenging an actor with salience `s_j` at b.
    #[inline]
    pub fn own_eu(&self, b: usize, s_j: f64) -> f64 {
        let sq = match self.sq_const {
            Some(v) => v,
            None => self.sq_own[b],
        };
        s_j * self.own_mix[b] + (1.0 - s_j) * self.us[b] - sq
    }
}

multiversion! {
    /// U^s and U^f against every position (from the bases when r = 1, else
    /// from their logarithms), then i's own-EU mix and EUᵢ(j → i); the status-quo
    /// term of a challenger at b is `sq_other[b]`, or `usq` when it is empty (Q = 1).
    #[allow(clippy::too_many_arguments)]
    fn utilities_and_mix(
        simd: Simd,
        r: f64,
        xs: &[f64],
        xf: &[f64],
        p_ab: &[f64],
        p_ba: &[f64],
        s_i: f64,
        usq: f64,
        sq_other: &[f64],
        us: &mut [f64],
        own_mix: &mut [f64],
        eu_other: &mut [f64],
    ) {
        let m = us.len();
        let (xs, xf, p_ab, p_ba, own_mix, eu_other) =
            (&xs[..m], &xf[..m], &p_ab[..m], &p_ba[..m], &mut own_mix[..m], &mut eu_other[..m]);
        let constant_sq = sq_other.is_empty();
        let sq_other = if constant_sq { xs } else { &sq_other[..m] };
        let powered = r != 1.0;
        for b in 0..m {
            let (ps, pf) = if powered { (kernels::exp(r * xs[b]), kernels::exp(r * xf[b])) } else { (xs[b], xf[b]) };
            let (s, f) = (2.0 - 4.0 * ps, 2.0 - 4.0 * pf);
            let sqo = if constant_sq { usq } else { sq_other[b] };
            us[b] = s;
            own_mix[b] = p_ab[b] * s + (1.0 - p_ab[b]) * f;
            eu_other[b] = s_i * (p_ba[b] * s + (1.0 - p_ba[b]) * f) + (1.0 - s_i) * s - sqo;
        }
    }
}

multiversion! {
    fn success_failure_bases(simd: Simd, xa: f64, u: &[f64], scale: f64, dist: &mut [f64], bs: &mut [f64], bf: &mut [f64]) {
        let m = dist.len();
        let (u, bs, bf) = (&u[..m], &mut bs[..m], &mut bf[..m]);
        for b in 0..m {
            let d = (xa - u[b]).abs();
            dist[b] = d;
            // As the replication writes it: 0.5 − 0.5·|Δ|/R is exactly 0 at the scale's ends.
            bs[b] = (0.5 - 0.5 * d / scale).max(0.0);
            bf[b] = 0.5 + 0.5 * d / scale;
        }
    }
}

multiversion! {
    #[allow(clippy::too_many_arguments)]
    fn status_quo_bases(
        simd: Simd,
        own_mu: f64,
        mu: f64,
        u: &[f64],
        dist: &[f64],
        scale: f64,
        bo: &mut [f64],
        wo: &mut [f64],
        bt: &mut [f64],
        wt: &mut [f64],
    ) {
        let m = dist.len();
        let (u, bo, wo, bt, wt) = (&u[..m], &mut bo[..m], &mut wo[..m], &mut bt[..m], &mut wt[..m]);
        for b in 0..m {
            let e_own = (own_mu + dist[b]) / scale;
            let e_other = ((u[b] - mu).abs() + dist[b]) / scale;
            bo[b] = (0.5 - 0.25 * e_own).max(0.0);
            wo[b] = 0.5 + 0.25 * e_own;
            bt[b] = (0.5 - 0.25 * e_other).max(0.0);
            wt[b] = 0.5 + 0.25 * e_other;
        }
    }
}

multiversion! {
    fn ln_into(simd: Simd, x: &[f64], out: &mut [f64]) {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = kernels::ln(v);
        }
    }
}

multiversion! {
    /// Q·U^sq + (1 − Q)·(T·U^b + (1 − T)·U^w) with r = 1.
    fn status_quo_linear(simd: Simd, q: f64, t: f64, usq: f64, better: &[f64], worse: &[f64], out: &mut [f64]) {
        let m = out.len();
        let (better, worse) = (&better[..m], &worse[..m]);
        for b in 0..m {
            let ub = 2.0 - 4.0 * better[b];
            let uw = 2.0 - 4.0 * worse[b];
            out[b] = q * usq + (1.0 - q) * (t * ub + (1.0 - t) * uw);
        }
    }
}

multiversion! {
    /// The same with exponent r ≠ 1, from the bases' logarithms.
    #[allow(clippy::too_many_arguments)]
    fn status_quo_powers(simd: Simd, q: f64, t: f64, usq: f64, r: f64, ln_better: &[f64], ln_worse: &[f64], out: &mut [f64]) {
        let m = out.len();
        let (lb, lw) = (&ln_better[..m], &ln_worse[..m]);
        for b in 0..m {
            let ub = 2.0 - 4.0 * kernels::exp(r * lb[b]);
            let uw = 2.0 - 4.0 * kernels::exp(r * lw[b]);
            out[b] = q * usq + (1.0 - q) * (t * ub + (1.0 - t) * uw);
        }
    }
}

/// One position's part of the danger sums (all exponents 1): for an actor
/// there with salience s, Σ_{j≠i} EUᵢ(j → i) = s·(fail + gain/D) + (1 − s)·success − status_quo
/// with the all-votes denominator D (`gain` = Σ others·numerator·(U^s − U^f)),
/// or s·mix + (1 − s)·success − status_quo with the dyad denominator.
#[derive(Clone, Copy, Debug, Default)]
pub struct DangerSums {
    pub success: f64,
    pub fail: f64,
    pub status_quo: f64,
    pub gain: f64,
    pub mix: f64,
    /// Σ_b count_b (V⁺(a, b) + V⁺(b, a)): this row's share of D.
    pub votes: f64,
}

impl DangerSums {
    /// The danger of an actor with salience `s`, given D (all-votes rule).
    pub fn danger(&self, s: f64, all_votes: Option<f64>) -> f64 {
        match all_votes {
            Some(d) if d > 0.0 => s * (self.fail + self.gain / d) + (1.0 - s) * self.success - self.status_quo,
            Some(_) => s * self.fail + (1.0 - s) * self.success - self.status_quo,
            None => s * self.mix + (1.0 - s) * self.success - self.status_quo,
        }
    }
}

/// Per-position buffers of the danger sums.
#[derive(Clone, Debug, Default)]
pub struct DangerWork {
    others: Vec<f64>,
    us: Vec<f64>,
    uf: Vec<f64>,
    gain: Vec<f64>,
    votes: Vec<f64>,
    sq: Vec<f64>,
    mix: Vec<f64>,
}

impl DangerWork {
    /// The sums of [`DangerSums`] for position a from its rows, the counts (as
    /// floats) and the linear votes of row a (`vab[b]` = R·V⁺(a, b), `vba[b]` = R·V⁺(b, a)).
    #[allow(clippy::too_many_arguments)]
    pub fn sums(
        &mut self,
        simd: Simd,
        rows: &SlotRows,
        a: usize,
        count: &[f64],
        vab: &[f64],
        vba: &[f64],
        net: bool,
        dyad: bool,
        sq: StatusQuo,
    ) -> DangerSums {
        let m = count.len();
        for v in [&mut self.others, &mut self.us, &mut self.uf, &mut self.gain, &mut self.votes] {
            fit(v, m);
        }
        self.others.copy_from_slice(count);
        self.others[a] -= 1.0;
        danger_terms(
            simd,
            &rows.base_s,
            &rows.base_f,
            vab,
            vba,
            net,
            &mut self.us,
            &mut self.uf,
            &mut self.gain,
            &mut self.votes,
        );
        let mut out = DangerSums {
            success: dot8(simd, &self.others, &self.us),
            fail: dot8(simd, &self.others, &self.uf),
            status_quo: 0.0,
            gain: dot8(simd, &self.others, &self.gain),
            mix: 0.0,
            votes: dot8(simd, count, &self.votes),
        };
        if sq.q != 1.0 {
            fit(&mut self.sq, m);
            status_quo_linear(simd, sq.q, sq.t, 0.0, &rows.better_other, &rows.worse_other, &mut self.sq);
            out.status_quo = dot8(simd, &self.others, &self.sq);
        }
        if dyad {
            fit(&mut self.mix, m);
            danger_mix(simd, vab, vba, net, &self.us, &self.uf, &mut self.mix);
            out.mix = dot8(simd, &self.others, &self.mix);
        }
        out
    }
}

multiversion! {
    /// U^s, U^f (r = 1), numerator·(U^s − U^f) and V⁺(a, b) + V⁺(b, a) per position b.
    #[allow(clippy::too_many_arguments)]
    fn danger_terms(
        simd: Simd,
        bs: &[f64],
        bf: &[f64],
        vab: &[f64],
        vba: &[f64],
        net: bool,
        us: &mut [f64],
        uf: &mut [f64],
        gain: &mut [f64],
        votes: &mut [f64],
    ) {
        let m = us.len();
        let (bs, bf, vab, vba, uf, gain, votes) =
            (&bs[..m], &bf[..m], &vab[..m], &vba[..m], &mut uf[..m], &mut gain[..m], &mut votes[..m]);
        for b in 0..m {
            let (s, f) = (2.0 - 4.0 * bs[b], 2.0 - 4.0 * bf[b]);
            let (x, y) = (vab[b].max(0.0), vba[b].max(0.0));
            let num = if net { (y - x).max(0.0) } else { y };
            us[b] = s;
            uf[b] = f;
            gain[b] = num * (s - f);
            votes[b] = x + y;
        }
    }
}

multiversion! {
    /// P(b beats a)·U^s + (1 − P)·U^f with the dyad denominator.
    fn danger_mix(simd: Simd, vab: &[f64], vba: &[f64], net: bool, us: &[f64], uf: &[f64], mix: &mut [f64]) {
        let m = mix.len();
        let (vab, vba, us, uf) = (&vab[..m], &vba[..m], &us[..m], &uf[..m]);
        for b in 0..m {
            let (x, y) = (vab[b].max(0.0), vba[b].max(0.0));
            let num = if net { (y - x).max(0.0) } else { y };
            let den = x + y;
            let p = if den > 0.0 { num / den } else { 0.0 };
            mix[b] = p * us[b] + (1.0 - p) * uf[b];
        }
    }
}

multiversion! {
    /// Σ x·y in 8 interleaved partial sums (element b goes to sum b mod 8),
    /// added in a fixed order: every path gives the same bits.
    fn dot8(simd: Simd, x: &[f64], y: &[f64]) -> f64 {
        let n = x.len().min(y.len());
        let (x, y) = (&x[..n], &y[..n]);
        let mut acc = [0.0f64; 8];
        let mut xc = x.chunks_exact(8);
        let mut yc = y.chunks_exact(8);
        for (xs, ys) in (&mut xc).zip(&mut yc) {
            for k in 0..8 {
                acc[k] += xs[k] * ys[k];
            }
        }
        for (k, (a, b)) in xc.remainder().iter().zip(yc.remainder()).enumerate() {
            acc[k] += a * b;
        }
        ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
    }
}
