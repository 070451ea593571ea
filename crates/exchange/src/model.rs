//! The exchange model itself, on decide's internal 0–100 scale.
//!
//! Stokman & Van Oosten (1994): on every pair of issues, two actors on opposite
//! sides of both outcomes can trade — each moves its voting position on the issue
//! it cares less about (its *supply* issue) toward the other, in return for the
//! other's move on the issue it cares more about (its *demand* issue). In the
//! Equal Gain variant both gain the same expected utility. Exchanges execute in
//! order of gain, each changing what the remaining ones are worth; a round ends
//! when none is left, and actors keep part of their moves as their new positions.
//!
//! Every rule, threshold and order follows decide-exchange-model 2025.3.1
//! (`EqualGainModel`, coin flip off, no random gain split), computed in binary
//! floating point with two documented tolerances where decide's own 28-digit
//! decimal result turns on rounding noise: gains within a relative
//! [`Options::gain_tie`] rank equal (list order decides), and an outcome within
//! [`Options::nbs_tie`] of the partner's position counts as on it. docs/models.md
//! (`## exchange`) has every formula and its source.

/// The model's input: per actor and issue (actor-major), a position on 0–100 or
/// `None` when the actor takes no part in the issue, a salience in (0, 1] and a
/// power > 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    pub actors: usize,
    pub issues: usize,
    pub position: Vec<Option<f64>>,
    pub salience: Vec<f64>,
    pub power: Vec<f64>,
}

/// The most candidate exchanges a round may hold (each pick re-ranks them all).
pub const MAX_CANDIDATES: usize = 20_000;

/// Tolerances and limits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Rounds to run (decide's `--iterations`; it has no convergence test).
    pub rounds: u32,
    /// Gains within this relative distance rank equal; the earlier in list order wins.
    pub gain_tie: f64,
    /// An outcome within this distance of the partner's position counts as on it.
    pub nbs_tie: f64,
    /// Picks whose winner beats its best rival by less than this relative gap are
    /// reported as near-ties.
    pub near_tie: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options { rounds: 10, gain_tie: 1e-12, nbs_tie: 1e-9, near_tie: 1e-9 }
    }
}

/// One side of an executed exchange.
#[derive(Clone, Debug, PartialEq)]
pub struct Side {
    pub actor: usize,
    pub supplies: usize,
    pub demands: usize,
    /// Its voting position on the supply issue before the exchange (within the round).
    pub from: f64,
    /// Its move and where it ends.
    pub moved: f64,
    pub to: f64,
    /// The outcome of its supply issue before and after its move, as the exchange
    /// saw it.
    pub nbs_before: f64,
    pub nbs_after: f64,
}

/// An executed exchange.
#[derive(Clone, Debug, PartialEq)]
pub struct Executed {
    /// Decide's roles: `i` supplies the later issue of the pair, `j` the earlier.
    pub i: Side,
    pub j: Side,
    pub gain: f64,
    /// The issue pair (earlier, later) and the two groups it was formed from.
    pub pair: (usize, usize),
    pub groups: Groups,
    /// Per actor: the change in its expected utility (0 for actors not on both issues).
    pub externalities: Vec<f64>,
    /// Per actor: whether it sits in one of the exchange's two groups (inner).
    pub inner: Vec<bool>,
}

/// Which two groups an exchange pairs: right of both outcomes with left of both
/// (`a` with `d`), or left on the earlier issue and right on the later with the
/// reverse (`b` with `c`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Groups {
    AD,
    BC,
}

/// A pick that hinged on a near-tie.
#[derive(Clone, Debug, PartialEq)]
pub struct Tie {
    pub pick: u32,
    pub relative_gap: f64,
    pub chosen: (usize, usize, usize, usize),
    pub rival: (usize, usize, usize, usize),
}

/// What one round did.
#[derive(Clone, Debug, PartialEq)]
pub struct Round {
    pub executed: Vec<Executed>,
    /// Positions after the exchanges (the round's voting positions), actor-major.
    pub voting: Vec<Option<f64>>,
    /// Each issue's outcome on the voting positions.
    pub outcome: Vec<f64>,
    /// The positions the next round starts from (part of each move is kept).
    pub after: Vec<Option<f64>>,
    pub near_ties: Vec<Tie>,
    pub knife_edges: u32,
}

/// The whole run: the starting outcomes and every round.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub start_outcome: Vec<f64>,
    pub rounds: Vec<Round>,
}

/// Why an input was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

impl Input {
    fn at(&self, a: usize, k: usize) -> usize {
        a * self.issues + k
    }

    /// Every problem with the input at once.
    pub fn check(&self) -> Result<(), InputError> {
        let cells = self.actors * self.issues;
        if self.position.len() != cells || self.salience.len() != cells || self.power.len() != cells {
            return Err(InputError(format!("expected {cells} actor-issue cells")));
        }
        let mut problems = Vec::new();
        for a in 0..self.actors {
            for k in 0..self.issues {
                let i = self.at(a, k);
                let Some(x) = self.position[i] else { continue };
                if !(0.0..=100.0).contains(&x) {
                    problems.push(format!("actor {a}, issue {k}: position {x} is outside 0–100"));
                }
                if !(self.salience[i] > 0.0 && self.salience[i] <= 1.0) {
                    problems.push(format!(
                        "actor {a}, issue {k}: salience {} must lie in (0, 1] (the model divides by it)",
                        self.salience[i]
                    ));
                }
                if !(self.power[i] > 0.0 && self.power[i].is_finite()) {
                    problems.push(format!(
                        "actor {a}, issue {k}: power {} must be positive (the model divides by it)",
                        self.power[i]
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(InputError(problems.join("\n")))
        }
    }
}

/// One role of a candidate exchange (decide's `exchange.i` or `exchange.j`).
#[derive(Clone, Debug)]
struct Role {
    actor: usize,
    sup: usize,
    dem: usize,
    /// Its position on the supply issue, updated within the round.
    x: f64,
    /// Its position on the supply issue at the start of the round.
    start: f64,
    /// Its own position on the demand issue at the start of the round (never updated).
    dpos: f64,
    ss: f64,
    sd: f64,
    cs: f64,
    /// Every move computed for it this round (decide's `moves`).
    moves: Vec<f64>,
    mv: f64,
    y: f64,
    nbs0: f64,
    nbs1: f64,
}

#[derive(Clone, Debug)]
struct Candidate {
    p: usize,
    q: usize,
    groups: Groups,
    i: Role,
    j: Role,
    /// Other actors' voting moves this exchange has seen: (issue, actor, position).
    updates: Vec<(usize, usize, f64)>,
    gain: f64,
    valid: bool,
    knife_edge: bool,
}

/// The round's shared data: positions at its start, W and outcomes.
struct Frame<'a> {
    input: &'a Input,
    x: &'a [Option<f64>],
    w: Vec<f64>,
    opts: Options,
}

impl Frame<'_> {
    fn weight(&self, a: usize, k: usize) -> f64 {
        let i = self.input.at(a, k);
        self.input.power[i] * self.input.salience[i]
    }

    /// The outcome of issue k with the start positions, `updates` applied, and `actor` at `z`.
    fn nbs(&self, k: usize, updates: &[(usize, usize, f64)], actor: usize, z: f64) -> f64 {
        if self.w[k] == 0.0 {
            return 0.0;
        }
        let mut num = 0.0;
        for a in 0..self.input.actors {
            let Some(mut pos) = self.x[self.input.at(a, k)] else { continue };
            if let Some(&(_, _, u)) = updates.iter().find(|(kk, aa, _)| *kk == k && *aa == a) {
                pos = u;
            }
            if a == actor {
                pos = z;
            }
            num += self.weight(a, k) * pos;
        }
        num / self.w[k]
    }

    fn role(&self, actor: usize, sup: usize, dem: usize) -> Role {
        let (is, id) = (self.input.at(actor, sup), self.input.at(actor, dem));
        let x = self.x[is].unwrap_or(0.0);
        Role {
            actor,
            sup,
            dem,
            x,
            start: x,
            dpos: self.x[id].unwrap_or(0.0),
            ss: self.input.salience[is],
            sd: self.input.salience[id],
            cs: self.input.power[is],
            moves: Vec::new(),
            mv: 0.0,
            y: x,
            nbs0: 0.0,
            nbs1: 0.0,
        }
    }

    fn candidate(&self, a: usize, b: usize, p: usize, q: usize, groups: Groups) -> Candidate {
        let s = |x: usize, k: usize| self.input.salience[self.input.at(x, k)];
        // The actor with the larger salience ratio p : q demands p (role I).
        let (ia, ja) = if s(a, p) / s(a, q) < s(b, p) / s(b, q) { (b, a) } else { (a, b) };
        let mut c = Candidate {
            p,
            q,
            groups,
            i: self.role(ia, q, p),
            j: self.role(ja, p, q),
            updates: Vec::new(),
            gain: 0.0,
            valid: true,
            knife_edge: false,
        };
        self.calculate(&mut c);
        c
    }

    /// Equal-gain moves, the cap at the partner's position, validity, the outcome cap.
    fn calculate(&self, c: &mut Candidate) {
        let (wp, wq) = (self.w[c.p], self.w[c.q]);
        let (i, j) = (&c.i, &c.j);
        let mut dj = (i.dpos - j.x).abs();
        let mut dp = dj * j.cs * j.ss / wp;
        let mut dq = dp * (j.ss + i.sd) / (j.sd + i.ss);
        let mut di = dq * wq / (i.cs * i.ss);
        if di > (j.dpos - i.x).abs() {
            di = (j.dpos - i.x).abs();
            dq = di * i.cs * i.ss / wq;
            dp = dq * (i.ss + j.sd) / (i.sd + j.ss);
            dj = dp * wp / (j.cs * j.ss);
        }
        set_moves(c, di, dj, true);
        c.gain = (dq * c.i.ss - dp * c.i.sd).abs();
        c.valid = move_ok(&c.i) && move_ok(&c.j) && c.gain >= 1e-10;
        if !c.valid {
            return;
        }
        self.check_nbs(c, true);
        self.check_nbs(c, false);
        c.valid = move_ok(&c.i) && move_ok(&c.j);
    }

    /// An exchange may not carry the outcome of a side's supply issue across the
    /// partner's position: if it would, the moves shrink so that it stops there.
    fn check_nbs(&self, c: &mut Candidate, side_i: bool) {
        let (a, b) = if side_i { (&c.i, &c.j) } else { (&c.j, &c.i) };
        let k = a.sup;
        let nbs0 = self.nbs(k, &c.updates, a.actor, a.x);
        let nbs1 = self.nbs(k, &c.updates, a.actor, a.y);
        let target = b.dpos;
        let (a_actor, a_x, a_cs, a_ss, a_sd) = (a.actor, a.x, a.cs, a.ss, a.sd);
        let (b_cs, b_ss, b_sd, b_sup) = (b.cs, b.ss, b.sd, b.sup);
        {
            let a = if side_i { &mut c.i } else { &mut c.j };
            a.nbs0 = nbs0;
            a.nbs1 = nbs1;
        }
        if (target - nbs0).abs() <= self.opts.nbs_tie {
            // Already on the partner's position: no cap (exact arithmetic's reading).
            c.knife_edge = c.knife_edge || target != nbs0;
            return;
        }
        if (target >= nbs0 && target >= nbs1) || (target <= nbs0 && target <= nbs1) {
            return;
        }
        // The cap is measured from the outcome with this side's own recorded update,
        // if it has one (decide applies the updates after placing the actor).
        let own = c.updates.iter().find(|(kk, aa, _)| *kk == k && *aa == a_actor).map_or(a_x, |u| u.2);
        let w = &self.w;
        let da = (target - self.nbs(k, &c.updates, a_actor, own)).abs() * w[k] / (a_cs * a_ss);
        let shift_a = da * a_cs * a_ss / w[k];
        let shift_b = shift_a * (a_ss + b_sd) / (a_sd + b_ss);
        let db = shift_b * w[b_sup] / (b_cs * b_ss);
        let (di, dj) = if side_i { (da, db) } else { (db, da) };
        set_moves(c, di, dj, false);
        c.gain = (shift_b * b_ss - shift_a * b_sd).abs();
        let y = if side_i { c.i.y } else { c.j.y };
        let nbs1 = self.nbs(k, &c.updates, a_actor, y);
        if side_i {
            c.i.nbs1 = nbs1;
        } else {
            c.j.nbs1 = nbs1;
        }
        c.valid = move_ok(&c.i) && move_ok(&c.j);
    }

    /// After `e` executed: sync `s`'s positions and its view of others' moves, and
    /// recompute it if `e` touched it.
    fn recalc(&self, s: &mut Candidate, e: &Candidate) {
        let mut matched = false;
        for r in [&mut s.i, &mut s.j] {
            for es in [&e.i, &e.j] {
                if r.actor == es.actor && r.sup == es.sup {
                    r.x = es.y;
                    r.moves.push(*es.moves.last().unwrap_or(&0.0));
                    matched = true;
                    break;
                }
            }
        }
        if matched {
            s.i.moves.pop();
            s.j.moves.pop();
        }
        let mut recompute = matched;
        for (ed, es) in [(&e.j, &e.i), (&e.i, &e.j)] {
            let hit = [&s.j, &s.i].iter().any(|r| ed.actor == r.actor && ed.dem == r.dem);
            if hit {
                let k = ed.dem;
                match s.updates.iter_mut().find(|(kk, aa, _)| *kk == k && *aa == es.actor) {
                    Some(u) => u.2 = if es.start <= u.2 { u.2.min(es.y) } else { u.2.max(es.y) },
                    None => s.updates.push((k, es.actor, es.y)),
                }
                if !recompute {
                    s.i.moves.pop();
                    s.j.moves.pop();
                    recompute = true;
                }
            }
        }
        if recompute {
            self.calculate(s);
        }
    }
}

fn set_moves(c: &mut Candidate, di: f64, dj: f64, append: bool) {
    c.i.mv = if c.i.x > c.j.dpos { -di } else { di };
    c.j.mv = if c.j.x > c.i.dpos { -dj } else { dj };
    for r in [&mut c.i, &mut c.j] {
        if append {
            r.moves.push(r.mv);
        } else if let Some(last) = r.moves.last_mut() {
            *last = r.mv;
        }
        r.y = r.x + r.mv;
    }
}

/// A move is valid if it is neither negligible nor beyond the scale, the whole
/// history of moves computed for the side this round points one way, and their
/// signed sum stays within 100.
fn move_ok(r: &Role) -> bool {
    let m = r.mv;
    if m.abs() > 100.0 || m.abs() <= 1e-10 {
        return false;
    }
    if !(0.0..=100.0).contains(&(r.x + m)) {
        return false;
    }
    if r.moves.iter().sum::<f64>() > 100.0 {
        return false;
    }
    r.moves.iter().all(|&v| v < 0.0) || r.moves.iter().all(|&v| v > 0.0)
}

/// Gains ranked high to low; gains within the relative tie tolerance rank equal.
fn ranks_before(a: f64, b: f64, tie: f64) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    if (a - b).abs() <= tie * a.abs().max(b.abs()) {
        Ordering::Equal
    } else if a > b {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

/// A stable merge sort that never panics whatever the comparison (the tie
/// tolerance makes "ranks equal" intransitive in principle; on consistent input
/// this is the order any stable sort gives).
fn stable_sort(list: &mut Vec<usize>, cmp: impl Fn(usize, usize) -> std::cmp::Ordering) {
    let n = list.len();
    let mut buf = list.clone();
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut l, mut r, mut o) = (start, mid, start);
            while l < mid && r < end {
                if cmp(list[r], list[l]) == std::cmp::Ordering::Less {
                    buf[o] = list[r];
                    r += 1;
                } else {
                    buf[o] = list[l];
                    l += 1;
                }
                o += 1;
            }
            buf[o..o + (mid - l)].copy_from_slice(&list[l..mid]);
            o += mid - l;
            buf[o..o + (end - r)].copy_from_slice(&list[r..end]);
            start = end;
        }
        std::mem::swap(list, &mut buf);
        width *= 2;
    }
}

/// Each issue's W (Σ power × salience) and outcome (the W-weighted mean position;
/// 0 for an issue nobody takes part in).
fn outcomes(input: &Input, x: &[Option<f64>]) -> (Vec<f64>, Vec<f64>) {
    let mut w = vec![0.0; input.issues];
    let mut num = vec![0.0; input.issues];
    for a in 0..input.actors {
        for k in 0..input.issues {
            let i = input.at(a, k);
            if let Some(pos) = x[i] {
                let cs = input.power[i] * input.salience[i];
                w[k] += cs;
                num[k] += cs * pos;
            }
        }
    }
    let o = (0..input.issues).map(|k| if w[k] == 0.0 { 0.0 } else { num[k] / w[k] }).collect();
    (w, o)
}

/// Runs the model.
pub fn run(input: &Input, opts: &Options) -> Result<Run, InputError> {
    input.check()?;
    let mut x = input.position.clone();
    let start_outcome = outcomes(input, &x).1;
    let mut rounds = Vec::with_capacity(opts.rounds as usize);
    for _ in 0..opts.rounds {
        let round = one_round(input, &x, opts);
        x.clone_from(&round.after);
        rounds.push(round);
    }
    Ok(Run { start_outcome, rounds })
}

fn one_round(input: &Input, x: &[Option<f64>], opts: &Options) -> Round {
    let (w, o) = outcomes(input, x);
    let frame = Frame { input, x, w, opts: *opts };
    let n = input.actors;
    // An actor exactly on the outcome counts as left, as in decide.
    let left = |a: usize, k: usize| x[input.at(a, k)].is_some_and(|pos| pos <= o[k]);
    // Candidates in decide's list order: issue pairs in order; per pair, each actor of
    // group a with each of d, then each of b with each of c.
    let mut cands: Vec<Candidate> = Vec::new();
    // Per issue pair (p, q) at p·issues + q, per actor: its group (4 = not on both).
    let mut group_of: Vec<Vec<u8>> = vec![Vec::new(); input.issues * input.issues];
    for p in 0..input.issues {
        for q in p + 1..input.issues {
            let mut g: [Vec<usize>; 4] = Default::default();
            let mut of = vec![4u8; n];
            for a in 0..n {
                if x[input.at(a, p)].is_some() && x[input.at(a, q)].is_some() {
                    let k = usize::from(left(a, p)) + 2 * usize::from(left(a, q));
                    g[k].push(a);
                    of[a] = k as u8;
                }
            }
            for (from, to, groups) in [(0, 3, Groups::AD), (1, 2, Groups::BC)] {
                for &a in &g[from] {
                    for &b in &g[to] {
                        cands.push(frame.candidate(a, b, p, q, groups));
                    }
                }
            }
            group_of[p * input.issues + q] = of;
        }
    }

    let mut list: Vec<usize> = (0..cands.len()).collect();
    let mut executed = Vec::new();
    let mut done: Vec<usize> = Vec::new();
    let mut near_ties = Vec::new();
    let mut knife_edges = 0;
    let mut pick = 0u32;
    while !list.is_empty() {
        stable_sort(&mut list, |a, b| ranks_before(cands[a].gain, cands[b].gain, opts.gain_tie));
        let e = list.remove(0);
        if !cands[e].valid {
            continue;
        }
        pick += 1;
        // The best valid rival, for the near-tie report.
        if let Some(&r) = list.iter().find(|&&r| cands[r].valid) {
            let (g, gr) = (cands[e].gain, cands[r].gain);
            let gap = (g - gr).abs() / g.abs().max(f64::MIN_POSITIVE);
            if gap < opts.near_tie {
                let id = |c: &Candidate| (c.i.actor, c.i.sup, c.j.actor, c.j.sup);
                near_ties.push(Tie { pick, relative_gap: gap, chosen: id(&cands[e]), rival: id(&cands[r]) });
            }
        }
        let ec = cands[e].clone();
        if ec.knife_edge {
            knife_edges += 1;
        }
        let mut keep = Vec::with_capacity(list.len());
        for &s in &list {
            if cands[s].valid {
                frame.recalc(&mut cands[s], &ec);
                if cands[s].valid {
                    keep.push(s);
                }
            }
        }
        list = keep;
        executed.push(externalities(&frame, &ec, &group_of[ec.p * input.issues + ec.q]));
        done.push(e);
    }

    // Voting positions: each executed side at its final position, in order.
    let mut voting = x.to_vec();
    for &e in &done {
        for r in [&cands[e].i, &cands[e].j] {
            voting[input.at(r.actor, r.sup)] = Some(r.y);
        }
    }
    let outcome = outcomes(input, &voting).1;
    // The next round starts from part of each move: 0.1 + 0.4·(1 − salience) of it.
    let mut after = voting.clone();
    for &e in &done {
        for r in [&cands[e].i, &cands[e].j] {
            let (x0, y, s) = (r.start, r.y, r.ss);
            after[input.at(r.actor, r.sup)] = Some((1.0 - s) * 0.4 * y + 0.1 * y + (1.0 - (1.0 - s) * 0.4 - 0.1) * x0);
        }
    }
    Round { executed, voting, outcome, after, near_ties, knife_edges }
}

/// The executed exchange with each actor's externality: how much closer (in
/// salience-weighted distance) the two outcomes moved to its positions.
fn externalities(frame: &Frame<'_>, e: &Candidate, group_of: &[u8]) -> Executed {
    let input = frame.input;
    let (p, q) = (e.j.sup, e.i.sup);
    let mut values = vec![0.0; input.actors];
    let mut inner = vec![false; input.actors];
    let (g1, g2) = match e.groups {
        Groups::AD => (0u8, 3u8),
        Groups::BC => (1u8, 2u8),
    };
    for a in 0..input.actors {
        inner[a] = group_of[a] == g1 || group_of[a] == g2;
        let (Some(xp), Some(xq)) = (frame.x[input.at(a, p)], frame.x[input.at(a, q)]) else { continue };
        let (sp, sq) = (input.salience[input.at(a, p)], input.salience[input.at(a, q)]);
        values[a] =
            ((e.j.nbs0 - xp).abs() - (e.j.nbs1 - xp).abs()) * sp + ((e.i.nbs0 - xq).abs() - (e.i.nbs1 - xq).abs()) * sq;
    }
    values[e.i.actor] = e.gain;
    values[e.j.actor] = e.gain;
    let side = |r: &Role| Side {
        actor: r.actor,
        supplies: r.sup,
        demands: r.dem,
        from: r.x,
        moved: r.mv,
        to: r.y,
        nbs_before: r.nbs0,
        nbs_after: r.nbs1,
    };
    Executed {
        i: side(&e.i),
        j: side(&e.j),
        gain: e.gain,
        pair: (e.p, e.q),
        groups: e.groups,
        externalities: values,
        inner,
    }
}
