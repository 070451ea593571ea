//! Third-party vote sums and win probabilities for every pair of held
//! positions in O(n·m + m²) per round (n actors, m distinct positions)
//! instead of the naive O(n·m²).
//!
//! Voter k's vote for position a over position b is
//! `vᵏ(a, b) = wₖ (dₖ(b)^ρₖ − dₖ(a)^ρₖ)` with `wₖ = cₖ sₖ` and `dₖ(y) = |xₖ − y| / R`.
//! Its sign depends only on which of a and b is nearer to xₖ, so for a < b
//! the voters who prefer a are the groups of voters (voters at one position
//! form a group) below a boundary β(a, b) in position order ([`Boundaries`],
//! shared by every table of the round). With the prefix sums over groups
//! `Sₐ(g) = Σ_{groups < g} wₖ dₖ(a)^ρₖ` and `totₐ = Sₐ(m)`,
//!
//! `V⁺(a, b) = S_b(β) − Sₐ(β)`,  `V⁺(b, a) = (totₐ − Sₐ(β)) − (tot_b − S_b(β))`.
//!
//! The table is built a block of columns at a time: the block's prefix sums
//! over all voters (the powers evaluated by the vectorised kernels), then
//! `Z[a][b] = Sₐ(β(a, b))` row by row, then both V⁺ of each pair, in place, in
//! cache-sized tiles: one m×m matrix. Since `V⁺(a, b) − V⁺(b, a) = tot_b − totₐ`
//! (the net vote), row a alone gives both directions, and the probabilities
//! are computed row by row when a position's actors need them. The "all
//! votes" denominator `Σₖ Σ_{x,y} |vᵏ(x, y)|` over ordered pairs of actors is
//! `Σ_{a≠b} count_a count_b (V⁺(a, b) + V⁺(b, a))`, summed in the tile pass.

use demarche_scenario::settings::bdm::{Denominator, Numerator};

use crate::kernels::{self, multiversion, Simd};

/// Where the actors stand this round: sorted voters and distinct positions.
#[derive(Clone, Debug, Default)]
pub struct Geometry {
    /// Actor indices sorted by position (ties by index).
    pub order: Vec<usize>,
    /// Distinct positions, ascending.
    pub distinct: Vec<f64>,
    /// How many actors hold each distinct position.
    pub count: Vec<usize>,
    /// The actors at distinct position g are `order[start[g]..start[g + 1]]`.
    pub start: Vec<usize>,
    /// Index into `distinct` of each actor's position.
    pub slot: Vec<usize>,
}

impl Geometry {
    pub fn new(x: &[f64]) -> Self {
        let mut g = Geometry::default();
        g.rebuild(x);
        g
    }

    pub fn rebuild(&mut self, x: &[f64]) {
        let n = x.len();
        self.order.clear();
        self.order.extend(0..n);
        self.order.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
        self.distinct.clear();
        self.count.clear();
        self.start.clear();
        self.slot.clear();
        self.slot.resize(n, 0);
        for (k, &i) in self.order.iter().enumerate() {
            if self.distinct.last() != Some(&x[i]) {
                self.distinct.push(x[i]);
                self.count.push(0);
                self.start.push(k);
            }
            let s = self.distinct.len() - 1;
            self.count[s] += 1;
            self.slot[i] = s;
        }
        self.start.push(n);
    }

    pub fn m(&self) -> usize {
        self.distinct.len()
    }

    /// The actors at distinct position g, in position-then-index order.
    pub fn members(&self, g: usize) -> &[usize] {
        &self.order[self.start[g]..self.start[g + 1]]
    }
}

/// The boundary β(a, b) = β(b, a) of every pair of distinct positions a < b:
/// groups `0..β` are strictly nearer a than b (or at equal computed
/// distances, whose votes are exactly 0), groups `β..m` are not. `a < β ≤ b`.
#[derive(Clone, Debug, Default)]
pub struct Boundaries {
    m: usize,
    /// `beta[a·m + b]`, symmetric; the diagonal is unused.
    beta: Vec<u16>,
}

// β ≤ m ≤ MAX_ACTORS must fit the table's integer type.
const _: () = assert!(crate::model::MAX_ACTORS < u16::MAX as usize);

impl Boundaries {
    pub fn compute(&mut self, geo: &Geometry) {
        let m = geo.m();
        let u = &geo.distinct;
        self.m = m;
        // Every entry is overwritten: no need to clear.
        self.beta.resize(m * m, 0);
        for a in 0..m {
            self.beta[a * m + a] = 0; // unused, but a valid index
        }
        // Upper triangle: for row a the boundary only grows with b, a merge of
        // the groups into the pairs' midpoints. A merge step waits on the
        // previous one, so R rows run side by side, branch-free.
        const R: usize = 8;
        for a0 in (0..m).step_by(R) {
            let rows = R.min(m - a0);
            let mut p = [0usize; R];
            let mut b = [m; R];
            let mut ua = [0.0f64; R];
            for k in 0..rows {
                p[k] = a0 + k + 1;
                b[k] = a0 + k + 1;
                ua[k] = u[a0 + k];
            }
            loop {
                let mut running = false;
                for k in 0..R {
                    if b[k] < m {
                        running = true;
                        let (pk, bk) = (p[k], b[k]);
                        // Group pk is strictly nearer ua than u[bk] (pk < bk ≤ m − 1).
                        let up = u[pk.min(m - 1)];
                        let step = (pk < bk) & nearer_lower(up, ua[k], u[bk]);
                        self.beta[(a0 + k) * m + bk] = pk as u16;
                        p[k] = pk + usize::from(step);
                        b[k] = bk + usize::from(!step);
                    }
                }
                if !running {
                    break;
                }
            }
        }
        // Mirror, in tiles.
        const T: usize = 32;
        for a0 in (0..m).step_by(T) {
            for b0 in (a0..m).step_by(T) {
                for a in a0..(a0 + T).min(m) {
                    for b in b0.max(a + 1)..(b0 + T).min(m) {
                        self.beta[b * m + a] = self.beta[a * m + b];
                    }
                }
            }
        }
    }

    /// Row a: β(a, b) for every b (the entry at b = a is unused).
    #[inline]
    pub fn row(&self, a: usize) -> &[u16] {
        &self.beta[a * self.m..(a + 1) * self.m]
    }
}

/// Whether a voter at `xk` is strictly nearer `lo` than `hi` (`lo < hi`).
#[inline]
fn nearer_lower(xk: f64, lo: f64, hi: f64) -> bool {
    (xk - hi).abs() > (xk - lo).abs()
}

/// Columns per block: the block's prefix sums (BLOCK × (m + 1)) stay in cache.
const BLOCK: usize = 64;

/// The vote sums of one evaluation (one set of vote exponents), reusing its
/// buffers from round to round.
#[derive(Clone, Debug, Default)]
pub struct VoteTable {
    m: usize,
    /// `V⁺(a, b)` at `[a·m + b]` (unclamped; 0 on the diagonal). Each row is
    /// enough for its position: `V⁺(b, a) = V⁺(a, b) + totₐ − tot_b`.
    v: Vec<f64>,
    /// `totₐ = Σₖ wₖ dₖ(a)^ρₖ`.
    tot: Vec<f64>,
    /// `Σₖ Σ_{x,y} |vᵏ(x, y)|` over ordered pairs of actors.
    pub all_votes: f64,
    rule: Option<Rule>,
    /// Actors per position, as floats.
    counts: Vec<f64>,
    /// Prefix sums of one block of columns: `slab[j·(m + 1) + g]`.
    slab: Vec<f64>,
    /// ln dₖ(y) of one group against the block's columns.
    logs: Vec<f64>,
}

/// How the votes turn into probabilities (the `probability_*` options).
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub numerator: Numerator,
    pub denominator: Denominator,
}

impl VoteTable {
    /// Fill the table. `w`: vote weights cₖsₖ by actor; `rho`: each voter's
    /// exponent (`None`: all 1); `scale`: R.
    #[allow(clippy::too_many_arguments)]
    pub fn compute(
        &mut self,
        simd: Simd,
        geo: &Geometry,
        beta: &Boundaries,
        w: &[f64],
        rho: Option<&[f64]>,
        scale: f64,
        rule: Rule,
    ) {
        let m = geo.m();
        self.m = m;
        self.rule = Some(rule);
        let stride = m + 1;
        // Every entry is overwritten below: no need to clear.
        self.v.resize(m * m, 0.0);
        self.tot.resize(m, 0.0);
        self.slab.resize(BLOCK * stride, 0.0);
        for j in 0..BLOCK {
            self.slab[j * stride] = 0.0;
        }
        self.logs.resize(BLOCK, 0.0);

        // Z[a][b] = Sₐ(β(a, b)), in `v`, a block of rows at a time; then,
        // while those rows are still in cache, both V⁺ of every pair whose
        // higher position is in the block (the lower one's row was done before).
        self.counts.clear();
        self.counts.extend(geo.count.iter().map(|&c| c as f64));
        let rho = rho.unwrap_or(&[]);
        let mut all = 0.0;
        for a0 in (0..m).step_by(BLOCK) {
            let width = BLOCK.min(m - a0);
            block_prefix(simd, geo, a0, width, w, rho, scale, &mut self.logs, &mut self.slab);
            for j in 0..width {
                let a = a0 + j;
                let col = &self.slab[j * stride..(j + 1) * stride];
                self.tot[a] = col[m];
                gather_row(simd, col, beta.row(a), &mut self.v[a * m..(a + 1) * m]);
                self.v[a * m + a] = 0.0;
            }
            all += combine(simd, &mut self.v, &self.tot, &self.counts, a0, a0 + width);
        }
        self.all_votes = 2.0 * all;
    }

    /// Row a of the probabilities: `p_ab[b]` = P(a beats b), `p_ba[b]` = P(b
    /// beats a) (both 0 at b = a).
    pub fn probabilities(&self, simd: Simd, a: usize, p_ab: &mut Vec<f64>, p_ba: &mut Vec<f64>) {
        let m = self.m;
        p_ab.resize(m, 0.0);
        p_ba.resize(m, 0.0);
        let Some(rule) = self.rule else {
            p_ab.fill(0.0);
            p_ba.fill(0.0);
            return;
        };
        probability_row(
            simd,
            &self.v[a * m..(a + 1) * m],
            self.tot[a],
            &self.tot,
            self.all_votes,
            rule.numerator,
            rule.denominator,
            p_ab,
            p_ba,
        );
        p_ab[a] = 0.0;
        p_ba[a] = 0.0;
    }
}

multiversion! {
    /// Turn `v[a·m + b] = Sₐ(β(a, b))` into `V⁺(a, b)`, in place, for every
    /// pair a < b with b in `hi_start..hi_end`; returns the pairs' share of
    /// Σ_{a<b} count_a count_b (V⁺(a, b) + V⁺(b, a)) (positive parts), summed
    /// in a fixed order.
    fn combine(simd: Simd, v: &mut [f64], tot: &[f64], cnt: &[f64], hi_start: usize, hi_end: usize) -> f64 {
        const B: usize = 8;
        let m = tot.len();
        let cnt = &cnt[..m];
        let mut acc = [0.0f64; B];
        let mut edge = 0.0;
        for a0 in (0..hi_end).step_by(B) {
            for b0 in (a0.max(hi_start)..hi_end).step_by(B) {
                if a0 == b0 || b0 + B > hi_end {
                    // Diagonal and ragged tiles, one pair at a time.
                    for a in a0..(a0 + B).min(m) {
                        for b in b0.max(a + 1)..(b0 + B).min(hi_end) {
                            let (za, zb) = (v[a * m + b], v[b * m + a]);
                            let vab = zb - za;
                            let vba = (tot[a] - za) - (tot[b] - zb);
                            v[a * m + b] = vab;
                            v[b * m + a] = vba;
                            edge += cnt[a] * cnt[b] * (vab.max(0.0) + vba.max(0.0));
                        }
                    }
                    continue;
                }
                // x[i][j] = Z[a0 + i][b0 + j], y[i][j] = Z[b0 + j][a0 + i].
                let mut x = [[0.0f64; B]; B];
                let mut y = [[0.0f64; B]; B];
                for i in 0..B {
                    x[i].copy_from_slice(&v[(a0 + i) * m + b0..(a0 + i) * m + b0 + B]);
                }
                for j in 0..B {
                    let row = &v[(b0 + j) * m + a0..(b0 + j) * m + a0 + B];
                    for i in 0..B {
                        y[i][j] = row[i];
                    }
                }
                let (ta, tb, ca, cb) = (&tot[a0..a0 + B], &tot[b0..b0 + B], &cnt[a0..a0 + B], &cnt[b0..b0 + B]);
                for i in 0..B {
                    for j in 0..B {
                        let (za, zb) = (x[i][j], y[i][j]);
                        let vab = zb - za;
                        let vba = (ta[i] - za) - (tb[j] - zb);
                        x[i][j] = vab;
                        y[i][j] = vba;
                        acc[j] += ca[i] * cb[j] * (vab.max(0.0) + vba.max(0.0));
                    }
                }
                for i in 0..B {
                    v[(a0 + i) * m + b0..(a0 + i) * m + b0 + B].copy_from_slice(&x[i]);
                }
                for j in 0..B {
                    let row = &mut v[(b0 + j) * m + a0..(b0 + j) * m + a0 + B];
                    for i in 0..B {
                        row[i] = y[i][j];
                    }
                }
            }
        }
        (((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))) + edge
    }
}

multiversion! {
    /// `row[b] = col[beta[b]]`.
    fn gather_row(simd: Simd, col: &[f64], beta: &[u16], row: &mut [f64]) {
        let last = col.len() - 1;
        for (z, &bt) in row.iter_mut().zip(beta) {
            // β ≤ m = last; the `min` only lets the compiler drop the bounds check.
            *z = col[(bt as usize).min(last)];
        }
    }
}

multiversion! {
    /// The prefix sums over the groups of the columns `a0..a0 + width`:
    /// `slab[j·(m + 1) + g + 1] = Σ_{voters in groups ≤ g} wₖ dₖ(u[a0 + j])^ρₖ`
    /// (`rho` empty: every exponent 1).
    #[allow(clippy::too_many_arguments)]
    fn block_prefix(
        simd: Simd,
        geo: &Geometry,
        a0: usize,
        width: usize,
        w: &[f64],
        rho: &[f64],
        scale: f64,
        logs: &mut [f64],
        slab: &mut [f64],
    ) {
        let u = &geo.distinct;
        let m = u.len();
        let stride = m + 1;
        let cols = &u[a0..a0 + width];
        let logs = &mut logs[..width];
        // ln(Δ·(1/R)): a product instead of a quotient (the logarithm's argument
        // may move by an ulp; Δ = 0 still gives exactly 0 votes).
        let inv_scale = 1.0 / scale;
        let mut acc = [0.0f64; BLOCK];
        let acc = &mut acc[..width];
        for g in 0..m {
            let members = geo.members(g);
            let xg = u[g];
            let any_power = !rho.is_empty() && members.iter().any(|&k| rho[k] != 1.0);
            if any_power {
                for (o, &y) in logs.iter_mut().zip(cols) {
                    *o = kernels::ln_model((xg - y).abs() * inv_scale);
                }
            }
            for &k in members {
                let wk = w[k];
                if any_power && rho[k] != 1.0 {
                    let r = rho[k];
                    for (a, &l) in acc.iter_mut().zip(logs.iter()) {
                        *a += wk * kernels::exp_model(r * l);
                    }
                } else {
                    for (a, &y) in acc.iter_mut().zip(cols) {
                        *a += wk * ((xg - y).abs() / scale);
                    }
                }
            }
            for (j, &v) in acc.iter().enumerate() {
                let dst = &mut slab[j * stride + g + 1];
                // One plain store each: vectorised, this transposed write becomes
                // a scatter, which is slower on the processors we measured.
                // SAFETY: `dst` is a valid, exclusive reference.
                unsafe { std::ptr::write_volatile(dst, v) };
            }
        }
    }
}

multiversion! {
    /// One row of probabilities from one row of V⁺ (see [`VoteTable`]).
    #[allow(clippy::too_many_arguments)]
    fn probability_row(
        simd: Simd,
        v: &[f64],
        ta: f64,
        tot: &[f64],
        all: f64,
        num: Numerator,
        den: Denominator,
        p_ab: &mut [f64],
        p_ba: &mut [f64],
    ) {
        let m = v.len();
        let (tot, p_ab, p_ba) = (&tot[..m], &mut p_ab[..m], &mut p_ba[..m]);
        let inv_all = 1.0 / all;
        for b in 0..m {
            let vab = v[b].max(0.0);
            let vba = (v[b] + (ta - tot[b])).max(0.0);
            let (nab, nba) = match num {
                Numerator::PositiveVotes => (vab, vba),
                Numerator::NetVotes => ((vab - vba).max(0.0), (vba - vab).max(0.0)),
            };
            // The all-votes denominator is one number: multiply by its
            // reciprocal (within an ulp of the quotient) instead of dividing.
            let (d, inv) = match den {
                Denominator::AllVotes => (all, inv_all),
                Denominator::Dyad => (vab + vba, 1.0 / (vab + vba)),
            };
            let ok = d > 0.0;
            p_ab[b] = if ok { nab * inv } else { 0.0 };
            p_ba[b] = if ok { nba * inv } else { 0.0 };
        }
    }
}

/// The vote sums with every exponent 1, in closed form: no table at all.
///
/// With linear votes, `V⁺` of a pair is a handful of prefix sums over the
/// groups' weights `W_g = Σ_{k∈g} wₖ` and weighted positions `W_g c_g`
/// (`c_g = x_g − x_min`, so that sums stay small). For a < b with boundary β,
///
/// `R·V⁺(a, b) = (c_b − cₐ)·W[0..a] + (cₐ + c_b)·W(a..β) − 2·WC(a..β)`,
/// `R·V⁺(b, a) = (c_b − cₐ)·W[b..m) + 2·WC[β..b) − (cₐ + c_b)·W[β..b)`,
///
/// (groups at or below a gain c_b − cₐ from a, those between gain the
/// difference of their distances). The common factor 1/R cancels in every
/// probability, so it is left out.
#[derive(Clone, Debug, Default)]
pub struct LinearVotes {
    m: usize,
    /// Positions relative to the lowest.
    c: Vec<f64>,
    /// `cw[g] = Σ_{g' < g} W_g'`, `cwc[g] = Σ_{g' < g} W_g' c_g'`.
    cw: Vec<f64>,
    cwc: Vec<f64>,
    /// R × the all-votes sum, once known (the danger step sums it on the way,
    /// else [`LinearVotes::probabilities`] makes a pass for it).
    all_votes: Option<f64>,
    rule: Option<Rule>,
    /// The last row computed: `vab[b] = R·V⁺(a, b)`, `vba[b] = R·V⁺(b, a)` (unclamped).
    pub vab: Vec<f64>,
    pub vba: Vec<f64>,
}

impl LinearVotes {
    pub fn compute(&mut self, geo: &Geometry, w: &[f64], rule: Rule) {
        let m = geo.m();
        self.m = m;
        self.rule = Some(rule);
        let u = &geo.distinct;
        self.c.clear();
        self.c.extend(u.iter().map(|&x| x - u[0]));
        self.cw.clear();
        self.cwc.clear();
        let (mut sw, mut swc) = (0.0, 0.0);
        self.cw.push(0.0);
        self.cwc.push(0.0);
        for g in 0..m {
            let wg: f64 = geo.members(g).iter().map(|&k| w[k]).sum();
            sw += wg;
            swc += wg * self.c[g];
            self.cw.push(sw);
            self.cwc.push(swc);
        }
        self.all_votes = None;
    }

    /// R × Σ_{a≠b} count_a count_b (V⁺(a, b) + V⁺(b, a)), over the upper triangle.
    fn all_votes(&mut self, simd: Simd, geo: &Geometry, beta: &Boundaries) -> f64 {
        if let Some(d) = self.all_votes {
            return d;
        }
        let m = self.m;
        let mut all = 0.0;
        for a in 0..m.saturating_sub(1) {
            self.row(simd, beta, a);
            let counts = &geo.count[a + 1..];
            let row_sum = upper_weighted_sum(simd, counts, &self.vab[a + 1..], &self.vba[a + 1..]);
            all += geo.count[a] as f64 * row_sum;
        }
        let d = 2.0 * all;
        self.all_votes = Some(d);
        d
    }

    /// Record the all-votes sum found by a caller that went through every row.
    pub fn set_all_votes(&mut self, d: f64) {
        self.all_votes = Some(d);
    }

    /// Fill `vab`, `vba` for row a.
    pub fn row(&mut self, simd: Simd, beta: &Boundaries, a: usize) {
        let m = self.m;
        self.vab.resize(m, 0.0);
        self.vba.resize(m, 0.0);
        let bt = beta.row(a);
        linear_row_lower(simd, a, &self.c, &self.cw, &self.cwc, bt, &mut self.vab, &mut self.vba);
        linear_row_upper(simd, a, &self.c, &self.cw, &self.cwc, bt, &mut self.vab, &mut self.vba);
        self.vab[a] = 0.0;
        self.vba[a] = 0.0;
    }

    /// Fill `vab[b]`, `vba[b]` for b > a only.
    pub fn upper_row(&mut self, simd: Simd, beta: &Boundaries, a: usize) {
        let m = self.m;
        self.vab.resize(m, 0.0);
        self.vba.resize(m, 0.0);
        linear_row_upper(simd, a, &self.c, &self.cw, &self.cwc, beta.row(a), &mut self.vab, &mut self.vba);
    }

    /// Row a of the probabilities, as [`VoteTable::probabilities`].
    pub fn probabilities(
        &mut self,
        simd: Simd,
        geo: &Geometry,
        beta: &Boundaries,
        a: usize,
        p_ab: &mut Vec<f64>,
        p_ba: &mut Vec<f64>,
    ) {
        let m = self.m;
        p_ab.resize(m, 0.0);
        p_ba.resize(m, 0.0);
        let Some(rule) = self.rule else {
            p_ab.fill(0.0);
            p_ba.fill(0.0);
            return;
        };
        let all = if rule.denominator == Denominator::AllVotes { self.all_votes(simd, geo, beta) } else { 0.0 };
        self.row(simd, beta, a);
        probability_pairs(simd, &self.vab, &self.vba, all, rule.numerator, rule.denominator, p_ab, p_ba);
        p_ab[a] = 0.0;
        p_ba[a] = 0.0;
    }
}

multiversion! {
    /// Σ count_b (max(0, vab) + max(0, vba)) in 8 interleaved partial sums.
    fn upper_weighted_sum(simd: Simd, counts: &[usize], vab: &[f64], vba: &[f64]) -> f64 {
        let n = counts.len();
        let (vab, vba) = (&vab[..n], &vba[..n]);
        let mut acc = [0.0f64; 8];
        for b in 0..n {
            acc[b % 8] += counts[b] as f64 * (vab[b].max(0.0) + vba[b].max(0.0));
        }
        ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
    }
}

multiversion! {
    /// Row a, b < a (b is the lower of the pair).
    #[allow(clippy::too_many_arguments)]
    fn linear_row_lower(simd: Simd, a: usize, c: &[f64], cw: &[f64], cwc: &[f64], beta: &[u16], vab: &mut [f64], vba: &mut [f64]) {
        let m = c.len();
        let (cw, cwc) = (&cw[..=m], &cwc[..=m]);
        let (ca, wtot) = (c[a], cw[m]);
        let (hi_w, hi_wc) = (cw[a], cwc[a]);
        let (c, beta) = (&c[..a], &beta[..a]);
        let (lo_ws, lo_wcs) = (&cw[1..=a], &cwc[1..=a]);
        let (vab, vba) = (&mut vab[..a], &mut vba[..a]);
        for b in 0..a {
            let bt = (beta[b] as usize).min(m);
            let (wb, wcb) = (cw[bt], cwc[bt]);
            let (d, s) = (ca - c[b], ca + c[b]);
            let (lo_w, lo_wc) = (lo_ws[b], lo_wcs[b]);
            let lo_hi = d * lo_w + s * (wb - lo_w) - 2.0 * (wcb - lo_wc);
            let hi_lo = d * (wtot - hi_w) + 2.0 * (hi_wc - wcb) - s * (hi_w - wb);
            vab[b] = hi_lo;
            vba[b] = lo_hi;
        }
    }
}

multiversion! {
    /// Row a, b > a (a is the lower of the pair).
    #[allow(clippy::too_many_arguments)]
    fn linear_row_upper(simd: Simd, a: usize, c: &[f64], cw: &[f64], cwc: &[f64], beta: &[u16], vab: &mut [f64], vba: &mut [f64]) {
        let m = c.len();
        let (cw, cwc) = (&cw[..=m], &cwc[..=m]);
        let (ca, wtot) = (c[a], cw[m]);
        let (lo_w, lo_wc) = (cw[a + 1], cwc[a + 1]);
        let len = m - a - 1;
        let (cs, beta, hw, hwc) = (&c[a + 1..m], &beta[a + 1..m], &cw[a + 1..m], &cwc[a + 1..m]);
        let (vab, vba) = (&mut vab[a + 1..m], &mut vba[a + 1..m]);
        for k in 0..len {
            let bt = (beta[k] as usize).min(m);
            let (wb, wcb) = (cw[bt], cwc[bt]);
            let (d, s) = (cs[k] - ca, cs[k] + ca);
            let lo_hi = d * lo_w + s * (wb - lo_w) - 2.0 * (wcb - lo_wc);
            let hi_lo = d * (wtot - hw[k]) + 2.0 * (hwc[k] - wcb) - s * (hw[k] - wb);
            vab[k] = lo_hi;
            vba[k] = hi_lo;
        }
    }
}

multiversion! {
    /// Probabilities from both directions' positive votes (clamped at 0 here).
    #[allow(clippy::too_many_arguments)]
    fn probability_pairs(
        simd: Simd,
        vab: &[f64],
        vba: &[f64],
        all: f64,
        num: Numerator,
        den: Denominator,
        p_ab: &mut [f64],
        p_ba: &mut [f64],
    ) {
        let m = vab.len();
        let (vba, p_ab, p_ba) = (&vba[..m], &mut p_ab[..m], &mut p_ba[..m]);
        for b in 0..m {
            let (x, y) = (vab[b].max(0.0), vba[b].max(0.0));
            let (nab, nba) = match num {
                Numerator::PositiveVotes => (x, y),
                Numerator::NetVotes => ((x - y).max(0.0), (y - x).max(0.0)),
            };
            let d = match den {
                Denominator::AllVotes => all,
                Denominator::Dyad => x + y,
            };
            let ok = d > 0.0;
            p_ab[b] = if ok { nab / d } else { 0.0 };
            p_ba[b] = if ok { nba / d } else { 0.0 };
        }
    }
}
