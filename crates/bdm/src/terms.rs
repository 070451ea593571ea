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
    pub uf: Vec<f64>,
    /// P(a beats b)·U^s + (1 − P(a beats b))·U^f: i's own EU against an actor j
    /// at b is `s_j·own_mix + (1 − s_j)·U^s − sq_own`.
    pub own_mix: Vec<f64>,
    pub sq_own: Vec<f64>,
    pub sq_other: Vec<f64>,
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
        for v in
            [&mut self.us, &mut self.uf, &mut self.own_mix, &mut self.sq_own, &mut self.sq_other, &mut self.eu_other]
        {
            fit(v, m);
        }
        let usq = 2.0 - 4.0 * kernels::powr(0.5, r);
        if r == 1.0 {
            linear_utilities(simd, &rows.base_s, &rows.base_f, &mut self.us, &mut self.uf);
        } else {
            power_utilities(simd, r, &rows.ln_s, &rows.ln_f, &mut self.us, &mut self.uf);
        }
        if sq.q == 1.0 {
            self.sq_own.fill(usq);
            self.sq_other.fill(usq);
        } else if r == 1.0 {
            status_quo_linear(simd, sq.q, sq.t, usq, &rows.better_own, &rows.worse_own, &mut self.sq_own);
            status_quo_linear(simd, sq.q, sq.t, usq, &rows.better_other, &rows.worse_other, &mut self.sq_other);
        } else {
            status_quo_powers(simd, sq.q, sq.t, usq, r, &rows.ln_better_own, &rows.ln_worse_own, &mut self.sq_own);
            status_quo_powers(
                simd,
                sq.q,
                sq.t,
                usq,
                r,
                &rows.ln_better_other,
                &rows.ln_worse_other,
                &mut self.sq_other,
            );
        }
        mix(simd, s_i, p_ab, p_ba, &self.us, &self.uf, &self.sq_other, &mut self.own_mix, &mut self.eu_other);
        self.eu_other[a] = f64::NEG_INFINITY;
    }

    /// i's own expected utility of challenging an actor with salience `s_j` at b.
    #[inline]
    pub fn own_eu(&self, b: usize, s_j: f64) -> f64 {
        s_j * self.own_mix[b] + (1.0 - s_j) * self.us[b] - self.sq_own[b]
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
    fn linear_utilities(simd: Simd, bs: &[f64], bf: &[f64], us: &mut [f64], uf: &mut [f64]) {
        let m = us.len();
        let (bs, bf, uf) = (&bs[..m], &bf[..m], &mut uf[..m]);
        for b in 0..m {
            us[b] = 2.0 - 4.0 * bs[b];
            uf[b] = 2.0 - 4.0 * bf[b];
        }
    }
}

multiversion! {
    fn power_utilities(simd: Simd, r: f64, ls: &[f64], lf: &[f64], us: &mut [f64], uf: &mut [f64]) {
        let m = us.len();
        let (ls, lf, uf) = (&ls[..m], &lf[..m], &mut uf[..m]);
        for b in 0..m {
            us[b] = 2.0 - 4.0 * kernels::exp(r * ls[b]);
            uf[b] = 2.0 - 4.0 * kernels::exp(r * lf[b]);
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

multiversion! {
    #[allow(clippy::too_many_arguments)]
    fn mix(
        simd: Simd,
        s_i: f64,
        p_ab: &[f64],
        p_ba: &[f64],
        us: &[f64],
        uf: &[f64],
        sq_other: &[f64],
        own_mix: &mut [f64],
        eu_other: &mut [f64],
    ) {
        let m = own_mix.len();
        let (p_ab, p_ba, us, uf, sq_other, eu_other) =
            (&p_ab[..m], &p_ba[..m], &us[..m], &uf[..m], &sq_other[..m], &mut eu_other[..m]);
        for b in 0..m {
            own_mix[b] = p_ab[b] * us[b] + (1.0 - p_ab[b]) * uf[b];
            eu_other[b] = s_i * (p_ba[b] * us[b] + (1.0 - p_ba[b]) * uf[b]) + (1.0 - s_i) * us[b] - sq_other[b];
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

multiversion! {
    /// The sums of [`DangerSums`] for position a from its rows, the counts and
    /// the linear votes of row a (`vab[b]` = R·V⁺(a, b), `vba[b]` = R·V⁺(b, a)).
    #[allow(clippy::too_many_arguments)]
    pub fn danger_sums(
        simd: Simd,
        rows: &SlotRows,
        a: usize,
        count: &[usize],
        vab: &[f64],
        vba: &[f64],
        net: bool,
        dyad: bool,
        sq: StatusQuo,
    ) -> DangerSums {
        let m = count.len();
        let (bs, bf, vab, vba) = (&rows.base_s[..m], &rows.base_f[..m], &vab[..m], &vba[..m]);
        let with_sq = sq.q != 1.0;
        let (bt, wt) = if with_sq { (&rows.better_other[..m], &rows.worse_other[..m]) } else { (bs, bf) };
        // Eight interleaved partial sums per quantity, added in a fixed order.
        let mut acc = [[0.0f64; 8]; 6];
        for b in 0..m {
            let others = count[b] as f64 - if b == a { 1.0 } else { 0.0 };
            let us = 2.0 - 4.0 * bs[b];
            let uf = 2.0 - 4.0 * bf[b];
            let sqb = if with_sq {
                (1.0 - sq.q) * (sq.t * (2.0 - 4.0 * bt[b]) + (1.0 - sq.t) * (2.0 - 4.0 * wt[b]))
            } else {
                0.0
            };
            let (x, y) = (vab[b].max(0.0), vba[b].max(0.0));
            let num = if net { (y - x).max(0.0) } else { y };
            let den = x + y;
            let p = if den > 0.0 { num / den } else { 0.0 };
            let k = b % 8;
            acc[0][k] += others * us;
            acc[1][k] += others * uf;
            acc[2][k] += others * sqb;
            acc[3][k] += others * num * (us - uf);
            if dyad {
                acc[4][k] += others * (p * us + (1.0 - p) * uf);
            }
            acc[5][k] += count[b] as f64 * den;
        }
        let total = |v: &[f64; 8]| ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
        DangerSums {
            success: total(&acc[0]),
            fail: total(&acc[1]),
            status_quo: total(&acc[2]),
            gain: total(&acc[3]),
            mix: total(&acc[4]),
            votes: total(&acc[5]),
        }
    }
}
