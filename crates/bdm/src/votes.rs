//! Third-party vote sums for every dyad in O(n·m + m²) per round instead of
//! the naive O(n·m²) (n actors, m distinct positions).
//!
//! Voter k's vote for position a over position b is
//! `vᵏ(a, b) = wₖ (dₖ(b)^ρₖ − dₖ(a)^ρₖ)` with `wₖ = cₖ sₖ` and `dₖ(y) = |xₖ − y| / R`.
//! Its sign depends only on which of a and b is nearer to xₖ, so the voters
//! who prefer the lower of two positions are a prefix of the actors sorted by
//! position. With column prefix sums `T[b][p] = Σ_{k<p} wₖ dₖ(b)^ρₖ` over the
//! sorted voters, the sum of positive votes for a over b is a difference of
//! prefix sums. Writing `G[a][b]` for the sum over the voters on a's side of
//! column a, and `E = G + Gᵀ` (symmetric),
//!
//! `V⁺(a, b) = Σₖ max(0, vᵏ(a, b)) = tot[b] − E[a][b]`,  `tot[b] = T[b][n]`.
//!
//! Each row of G is filled by one pointer that walks T's column once, so every
//! memory access is sequential. The constant "all votes" denominator
//! `Σₖ Σ_{a,b} |vᵏ(a, b)|` (over ordered pairs of actors) is, per voter, the
//! sum of absolute pairwise differences of its vote values, which a merge of
//! the positions outward from the voter's own sorts in O(m).

use crate::pow::powr;

/// Where the actors stand this round: sorted voters and distinct positions.
#[derive(Clone, Debug, Default)]
pub struct Geometry {
    /// Actor indices sorted by position (ties by index).
    pub order: Vec<usize>,
    /// Distinct positions, ascending.
    pub distinct: Vec<f64>,
    /// How many actors hold each distinct position.
    pub count: Vec<usize>,
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
        self.slot.clear();
        self.slot.resize(n, 0);
        for &i in &self.order {
            if self.distinct.last() != Some(&x[i]) {
                self.distinct.push(x[i]);
                self.count.push(0);
            }
            let s = self.distinct.len() - 1;
            self.count[s] += 1;
            self.slot[i] = s;
        }
    }

    pub fn m(&self) -> usize {
        self.distinct.len()
    }
}

/// The vote sums of one evaluation (one set of exponents), reusing buffers.
#[derive(Clone, Debug, Default)]
pub struct VoteTable {
    m: usize,
    /// `E[a·m + b]` (symmetric).
    e: Vec<f64>,
    /// `tot[b] = Σₖ wₖ dₖ(b)^ρₖ`.
    tot: Vec<f64>,
    /// `Σₖ Σ_{a,b} |vᵏ(a, b)|` over ordered pairs of actors (0 unless asked for).
    pub all_votes: f64,
    // Scratch: vote values row-major by sorted voter; prefix sums of a block of columns.
    rows: Vec<f64>,
    cols: Vec<f64>,
}

impl VoteTable {
    /// Fill the table. `w`: vote weights cₖsₖ; `rho`: each voter's exponent
    /// (`None`: all 1); `scale`: R; `need_all_votes`: also compute the constant
    /// denominator.
    pub fn compute(&mut self, geo: &Geometry, x: &[f64], w: &[f64], rho: Option<&[f64]>, scale: f64, need_all: bool) {
        let n = geo.order.len();
        let m = geo.m();
        self.m = m;
        let u = &geo.distinct;

        // Vote values, one row per voter in sorted order.
        self.rows.clear();
        self.rows.resize(n * m, 0.0);
        for (k, &i) in geo.order.iter().enumerate() {
            let row = &mut self.rows[k * m..(k + 1) * m];
            let (xi, wi) = (x[i], w[i]);
            match rho {
                Some(r) if r[i] != 1.0 => {
                    let ri = r[i];
                    for (v, &ub) in row.iter_mut().zip(u) {
                        *v = wi * powr((xi - ub).abs() / scale, ri);
                    }
                }
                _ => {
                    for (v, &ub) in row.iter_mut().zip(u) {
                        *v = wi * ((xi - ub).abs() / scale);
                    }
                }
            }
        }

        self.all_votes = if need_all { self.all_votes_sum(geo, n, m) } else { 0.0 };

        // G[a][b]: column a summed over the voters on a's side of the pair.
        // The voters nearer the lower position of a pair form a prefix of the
        // sorted voters; its length grows with both positions, so one pointer
        // per row suffices. Columns are summed in blocks, into prefix arrays
        // small enough to stay in cache.
        const BLOCK: usize = 16;
        let stride = n + 1;
        self.cols.clear();
        self.cols.resize(BLOCK * stride, 0.0);
        self.tot.clear();
        self.tot.resize(m, 0.0);
        let xs: Vec<f64> = geo.order.iter().map(|&i| x[i]).collect();
        let g = &mut self.e;
        g.clear();
        g.resize(m * m, 0.0);
        let mut acc = [0.0f64; BLOCK];
        for a0 in (0..m).step_by(BLOCK) {
            let width = BLOCK.min(m - a0);
            acc[..width].fill(0.0);
            for k in 0..n {
                let row = &self.rows[k * m + a0..k * m + a0 + width];
                for (j, &v) in row.iter().enumerate() {
                    acc[j] += v;
                    self.cols[j * stride + k + 1] = acc[j];
                }
            }
            for j in 0..width {
                let a = a0 + j;
                let col = &self.cols[j * stride..(j + 1) * stride];
                let total = col[n];
                self.tot[a] = total;
                let mut p = 0usize;
                for b in 0..m {
                    if b == a {
                        continue;
                    }
                    let (lo, hi) = if b < a { (u[b], u[a]) } else { (u[a], u[b]) };
                    while p < n && nearer_lower(xs[p], lo, hi) {
                        p += 1;
                    }
                    // Rounding at a midpoint could in principle make the boundary
                    // step back; keep the prefix exact.
                    while p > 0 && !nearer_lower(xs[p - 1], lo, hi) {
                        p -= 1;
                    }
                    g[a * m + b] = if a < b { col[p] } else { total - col[p] };
                }
            }
        }
        // E = G + Gᵀ, in blocks.
        for a0 in (0..m).step_by(BLOCK) {
            for b0 in (a0..m).step_by(BLOCK) {
                for a in a0..(a0 + BLOCK).min(m) {
                    for b in b0.max(a + 1)..(b0 + BLOCK).min(m) {
                        let s = g[a * m + b] + g[b * m + a];
                        g[a * m + b] = s;
                        g[b * m + a] = s;
                    }
                }
            }
        }
    }

    /// `V⁺(a, b)`: the summed positive votes for distinct position a over b.
    #[inline]
    pub fn positive(&self, a: usize, b: usize) -> f64 {
        if a == b {
            0.0
        } else {
            (self.tot[b] - self.e[a * self.m + b]).max(0.0)
        }
    }

    /// Both directions at once: `(V⁺(a, b), V⁺(b, a))`.
    #[inline]
    pub fn pair(&self, a: usize, b: usize) -> (f64, f64) {
        if a == b {
            return (0.0, 0.0);
        }
        let e = self.e[a * self.m + b];
        ((self.tot[b] - e).max(0.0), (self.tot[a] - e).max(0.0))
    }

    /// Σₖ Σ_{a,b} |vᵏ(a,b)| over ordered pairs of actors: per voter, the sum of
    /// absolute differences of its vote values, sorted by a merge outward from
    /// its own position (values grow with distance).
    fn all_votes_sum(&self, geo: &Geometry, n: usize, m: usize) -> f64 {
        let nf = n as f64;
        let mut total = 0.0;
        for (k, &i) in geo.order.iter().enumerate() {
            let row = &self.rows[k * m..(k + 1) * m];
            let home = geo.slot[i];
            // Σ over sorted elements of g·(2·rank − n + 1), grouped by position:
            // a group of c equal values after `below` smaller ones adds g·c·(2·below + c − n).
            let mut below = 0.0f64;
            let mut sum = 0.0;
            let mut add = |g: f64, c: usize, below: &mut f64| {
                let c = c as f64;
                sum += g * c * (2.0 * *below + c - nf);
                *below += c;
            };
            add(row[home], geo.count[home], &mut below);
            let (mut l, mut r) = (home, home + 1);
            while l > 0 || r < m {
                let take_left = if l == 0 {
                    false
                } else if r >= m {
                    true
                } else {
                    row[l - 1] <= row[r]
                };
                if take_left {
                    l -= 1;
                    add(row[l], geo.count[l], &mut below);
                } else {
                    add(row[r], geo.count[r], &mut below);
                    r += 1;
                }
            }
            total += 2.0 * sum;
        }
        total
    }
}

/// Whether a voter at `xk` is strictly nearer `lo` than `hi` (`lo < hi`).
#[inline]
fn nearer_lower(xk: f64, lo: f64, hi: f64) -> bool {
    (xk - hi).abs() > (xk - lo).abs()
}
