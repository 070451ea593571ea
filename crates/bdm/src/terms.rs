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
            let (ps, pf) = if powered { (kernels::exp_model(r * xs[b]), kernels::exp_model(r * xf[b])) } else { (xs[b], xf[b]) };
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
            *o = kernels::ln_model(v);
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
            let ub = 2.0 - 4.0 * kernels::exp_model(r * lb[b]);
            let uw = 2.0 - 4.0 * kernels::exp_model(r * lw[b]);
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

/// The danger sums of every position, built pair by pair: each unordered
/// pair of positions is evaluated once and adds to both of its rows.
#[derive(Clone, Debug, Default)]
pub struct DangerPairs {
    /// Per position: Σ others·U^s, Σ others·U^f, Σ others·sq, Σ others·num·(U^s − U^f),
    /// Σ others·mix, Σ count·(V⁺(a, b) + V⁺(b, a)).
    sums: [Vec<f64>; 6],
}

/// The danger step's constants.
#[derive(Clone, Copy, Debug)]
pub struct DangerSetup {
    pub scale: f64,
    pub mu: f64,
    pub sq: StatusQuo,
    /// Net-votes numerator; dyad denominator.
    pub net: bool,
    pub dyad: bool,
}

impl DangerPairs {
    pub fn reset(&mut self, m: usize) {
        for v in &mut self.sums {
            v.clear();
            v.resize(m, 0.0);
        }
    }

    /// Add the pairs (a, b), b > a: `vab[b]` = R·V⁺(a, b), `vba[b]` = R·V⁺(b, a);
    /// then a's own actors among themselves. Rows are added in order a = 0, 1, …
    #[allow(clippy::too_many_arguments)]
    pub fn add_row(
        &mut self,
        simd: Simd,
        a: usize,
        u: &[f64],
        counts: &[f64],
        vab: &[f64],
        vba: &[f64],
        k: DangerSetup,
    ) {
        let m = u.len();
        let lo = a + 1;
        let [s0, s1, s2, s3, s4, s5] = &mut self.sums;
        let (ua, ca) = (u[a], counts[a]);
        let (u, c, vab, vba) = (&u[lo..m], &counts[lo..m], &vab[lo..m], &vba[lo..m]);
        let (s0, s1, s2, s3, s4, s5) =
            (&mut s0[lo..], &mut s1[lo..], &mut s2[lo..], &mut s3[lo..], &mut s4[lo..], &mut s5[lo..]);
        let row = danger_pairs(simd, ua, ca, u, c, vab, vba, k, s0, s1, s2, s3, s4, s5);
        for (v, r) in self.sums.iter_mut().zip(row) {
            v[a] += r;
        }
        if k.sq.q != 1.0 {
            // Other actors at a itself challenge with Δ = 0.
            let e = (ua - k.mu).abs() / k.scale;
            self.sums[2][a] += (ca - 1.0) * status_quo_at(e, k.sq);
        }
    }

    pub fn get(&self, a: usize) -> DangerSums {
        let s = &self.sums;
        DangerSums { success: s[0][a], fail: s[1][a], status_quo: s[2][a], gain: s[3][a], mix: s[4][a], votes: s[5][a] }
    }
}

/// (1 − Q)(T·U^b + (1 − T)·U^w) with r = 1 at e = (|x_c − μ| + Δ)/R.
#[inline(always)]
fn status_quo_at(e: f64, sq: StatusQuo) -> f64 {
    let ub = 2.0 - 4.0 * (0.5 - 0.25 * e).max(0.0);
    let uw = 2.0 - 4.0 * (0.5 + 0.25 * e);
    (1.0 - sq.q) * (sq.t * ub + (1.0 - sq.t) * uw)
}

multiversion! {
    /// Row a's pairs with b > a (`u`, `cnt`, `vab`, `vba` and the sums start
    /// at b = a + 1; `ua`, `ca`: a's position and count): returns row a's sums
    /// (8 partial sums each, the i-th element into sum i mod 8, added in a
    /// fixed order) and adds each pair's share to the sums of b.
    #[allow(clippy::too_many_arguments)]
    fn danger_pairs(
        simd: Simd,
        ua: f64,
        ca: f64,
        u: &[f64],
        cnt: &[f64],
        vab: &[f64],
        vba: &[f64],
        k: DangerSetup,
        s0: &mut [f64],
        s1: &mut [f64],
        s2: &mut [f64],
        s3: &mut [f64],
        s4: &mut [f64],
        s5: &mut [f64],
    ) -> [f64; 6] {
        let n = u.len();
        let (cnt, vab, vba) = (&cnt[..n], &vab[..n], &vba[..n]);
        let (s0, s1, s2, s3, s4, s5) = (&mut s0[..n], &mut s1[..n], &mut s2[..n], &mut s3[..n], &mut s4[..n], &mut s5[..n]);
        let (scale, mu, sq, net, dyad) = (k.scale, k.mu, k.sq, k.net, k.dyad);
        let with_sq = sq.q != 1.0;
        let ea = (ua - mu).abs();
        let mut acc = [[0.0f64; 8]; 6];
        // One pair's utilities (r = 1) and the two directions' numerators.
        macro_rules! pair {
            ($ui:expr, $x:expr, $y:expr) => {{
                let d = (ua - $ui).abs();
                let us = 2.0 - 4.0 * (0.5 - 0.5 * d / scale).max(0.0);
                let uf = 2.0 - 4.0 * (0.5 + 0.5 * d / scale);
                let (x, y): (f64, f64) = ($x.max(0.0), $y.max(0.0));
                // Target a, challenger b: P(b beats a) has numerator `na`; and the reverse.
                let (na, nb) = if net { ((y - x).max(0.0), (x - y).max(0.0)) } else { (y, x) };
                (d, us, uf, na, nb, x + y)
            }};
        }
        let full = n - n % 8;
        for c in (0..full).step_by(8) {
            let (uc, cc, xc, yc) = (&u[c..c + 8], &cnt[c..c + 8], &vab[c..c + 8], &vba[c..c + 8]);
            let (t0, t1, t3, t5) = (&mut s0[c..c + 8], &mut s1[c..c + 8], &mut s3[c..c + 8], &mut s5[c..c + 8]);
            for l in 0..8 {
                let (_, us, uf, na, nb, den) = pair!(uc[l], xc[l], yc[l]);
                let (cb, spread) = (cc[l], us - uf);
                acc[0][l] += cb * us;
                acc[1][l] += cb * uf;
                acc[3][l] += cb * (na * spread);
                acc[5][l] += cb * den;
                t0[l] += ca * us;
                t1[l] += ca * uf;
                t3[l] += ca * (nb * spread);
                t5[l] += ca * den;
            }
        }
        for i in full..n {
            let l = i - full;
            let (_, us, uf, na, nb, den) = pair!(u[i], vab[i], vba[i]);
            let (cb, spread) = (cnt[i], us - uf);
            acc[0][l] += cb * us;
            acc[1][l] += cb * uf;
            acc[3][l] += cb * (na * spread);
            acc[5][l] += cb * den;
            s0[i] += ca * us;
            s1[i] += ca * uf;
            s3[i] += ca * (nb * spread);
            s5[i] += ca * den;
        }
        // The status-quo term and the dyad mix, only when the options need them.
        if with_sq || dyad {
            for i in 0..n {
                let l = i % 8;
                let (d, us, uf, na, nb, den) = pair!(u[i], vab[i], vba[i]);
                let cb = cnt[i];
                if with_sq {
                    acc[2][l] += cb * status_quo_at(((u[i] - mu).abs() + d) / scale, sq);
                    s2[i] += ca * status_quo_at((ea + d) / scale, sq);
                }
                if dyad {
                    let (pa, pb) = if den > 0.0 { (na / den, nb / den) } else { (0.0, 0.0) };
                    acc[4][l] += cb * (pa * us + (1.0 - pa) * uf);
                    s4[i] += ca * (pb * us + (1.0 - pb) * uf);
                }
            }
        }
        let total = |v: &[f64; 8]| ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
        [total(&acc[0]), total(&acc[1]), total(&acc[2]), total(&acc[3]), total(&acc[4]), total(&acc[5])]
    }
}
