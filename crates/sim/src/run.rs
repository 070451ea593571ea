//! One Monte Carlo run: the draw's bargaining problem negotiated in each
//! requested channel, the deals checked by the ratifiers, and what every
//! actor makes of the result.

use demarche_negotiation::protocol::mediated::{run_mediated, MediatedConfig};
use demarche_negotiation::protocol::sao::{run_sao_specs, SaoConfig};
use demarche_negotiation::protocol::table::{OutcomeTable, TableOptions};
use demarche_negotiation::protocol::{derive_seed, Deadline, EndReason, NegotiationResult};
use demarche_negotiation::strategy::Strategy;
use demarche_negotiation::NegotiationError;
use demarche_scenario::settings::simulation::Ratification;
use demarche_scenario::Scenario;

use crate::bargain::{self, value, Bargain, Setup};
use crate::draw::Draw;
use crate::escalation;
use crate::mediator::{BeliefModel, SingleText, Voter};
use crate::plan::Plan;

/// Why a channel's talks ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum End {
    Agreement,
    /// No zone of agreement on some issue: the talks could not succeed.
    NoZone,
    Deadline,
    Walkaway,
    NothingAcceptable,
    /// The mediator's text was not acceptable to both when it stopped.
    MediatorStopped,
    /// A stalling party never signed before the deadline.
    Stalled,
    /// An actor used a coercive option before a ratified deal.
    Force,
    /// A principal misjudged the other's red lines and walked away believing
    /// there was no zone (the information mechanism).
    Misperceived,
}

impl End {
    pub const ALL: [End; 9] = [
        End::Agreement,
        End::NoZone,
        End::Deadline,
        End::Walkaway,
        End::NothingAcceptable,
        End::MediatorStopped,
        End::Stalled,
        End::Force,
        End::Misperceived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            End::Agreement => "agreement",
            End::NoZone => "no_zone_of_agreement",
            End::Deadline => "deadline",
            End::Walkaway => "walkaway",
            End::NothingAcceptable => "nothing_acceptable",
            End::MediatorStopped => "mediator_stopped",
            End::Stalled => "stalled",
            End::Force => "coercive_option_used",
            End::Misperceived => "believed_no_zone",
        }
    }

    fn of(reason: EndReason) -> End {
        match reason {
            EndReason::Agreement => End::Agreement,
            EndReason::Deadline => End::Deadline,
            EndReason::Walkaway { .. } => End::Walkaway,
            EndReason::NothingAcceptable { .. } => End::NothingAcceptable,
            EndReason::MediatorStopped => End::MediatorStopped,
        }
    }
}

/// A channel's run that ended before any bargaining (`end` says why).
fn failed_run(plan: &Plan, end: End) -> ChannelRun {
    ChannelRun {
        end,
        rounds: 0,
        terms: Vec::new(),
        ratified: false,
        objections: vec![false; plan.ratifiers.len()],
        blocked: vec![false; plan.ratifiers.len()],
        principal_utility: [f64::NAN; 2],
        reservation: [f64::NAN; 2],
        discounted: [f64::NAN; 2],
        pareto_gap: f64::NAN,
        nash_gap: f64::NAN,
        actor_utility: Vec::new(),
        crossings: Vec::new(),
        conflicts: Vec::new(),
        force: None,
        block_averted: false,
        broke_down: false,
        before_force: end,
        force_any: false,
    }
}

/// The information mechanism: whether either principal, misjudging the
/// other's red lines by its draw's error (`perception_sd` of each scale,
/// scaled by `factor`), sees no overlap on some agenda issue and walks away.
pub fn misperceives(sc: &Scenario, plan: &Plan, d: &Draw, b: &Bargain, factor: f64) -> bool {
    let sd = plan.settings.perception_sd * factor;
    if !(sd > 0.0) {
        return false;
    }
    let k_n = plan.agenda.len();
    (0..2).any(|p| {
        let other = 1 - p;
        (0..k_n).any(|k| {
            let iss = &sc.issues[plan.agenda[k]];
            let shift = d.perception[p * k_n + k] * sd * b.range[k];
            // A bound at the scale's end means "no limit": there is nothing to misjudge.
            // A perceived bound stays on the scale.
            let moved = |x: f64, end: f64| {
                if (x - end).abs() <= 1e-12 * b.range[k].max(1.0) {
                    x
                } else {
                    (x + shift).clamp(iss.min.min(iss.max), iss.max.max(iss.min))
                }
            };
            let [olo, ohi] = b.red[other][k];
            let (olo, ohi) = (moved(olo, iss.min), moved(ohi, iss.max));
            let [lo, hi] = b.red[p][k];
            lo.max(olo) > hi.min(ohi)
        })
    })
}

/// One channel's result in one run.
#[derive(Clone, Debug)]
pub struct ChannelRun {
    pub end: End,
    /// Rounds used (to agreement, or to the end).
    pub rounds: u64,
    /// Agenda terms of the deal at the table (empty without one).
    pub terms: Vec<f64>,
    /// Whether the deal stands after ratification.
    pub ratified: bool,
    /// Per plan ratifier: objected on the merits (whether or not its veto bound).
    pub objections: Vec<bool>,
    /// Per plan ratifier: objected and its veto bound in this run.
    pub blocked: Vec<bool>,
    /// Principals' effective utilities of the deal (reservation values without one).
    pub principal_utility: [f64; 2],
    /// Principals' reservation (no-deal) values in this run (NaN without a zone).
    pub reservation: [f64; 2],
    /// The same, discounted by the rounds used.
    pub discounted: [f64; 2],
    /// Euclidean distance in the principals' utility space to the nearest
    /// Pareto-optimal candidate, and to the Nash bargaining point (NaN without a deal).
    pub pareto_gap: f64,
    pub nash_gap: f64,
    /// Every actor's own utility of the deal at the table (empty without one).
    pub actor_utility: Vec<f64>,
    /// `actor · n_issues + issue` for every red line the deal at the table crosses.
    pub crossings: Vec<u32>,
    /// Dyads in confrontation after a ratified deal (empty otherwise: the baseline applies).
    pub conflicts: Vec<u64>,
    /// The coercive option used first (plan index) and the round, when one is
    /// used before a ratified deal; the talks then end there.
    pub force: Option<(usize, u64)>,
    /// Deniability averted a block: a ratifier objected and would have bound
    /// at its full chance, but not at the channel's lowered one.
    pub block_averted: bool,
    /// A ratified mediated deal broke down before the deadline (the durability
    /// mechanism); it then counts as no deal.
    pub broke_down: bool,
    /// How the talks ended before any coercive option was used (equal to
    /// `end` unless `end` is `Force`): what the zone and mechanism counts read.
    pub before_force: End,
    /// Whether some option of kind `force` would be used before a ratified
    /// deal (first or not): what the backtest's P(force) scores.
    pub force_any: bool,
}

/// Everything one run produced.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    /// The first agenda issue (index into the agenda) without a zone of agreement.
    pub no_zone: Option<usize>,
    /// Every agenda issue without overlap, with whose limits they are (empty when there is a zone).
    pub gaps: Vec<crate::bargain::Gap>,
    /// Agenda issues whose zone is a knife edge (narrower than `bargain::NARROW` of the scale).
    pub narrow: Vec<usize>,
    /// Every actor's own utility of no deal.
    pub status_quo_utility: Vec<f64>,
    /// Dyads in confrontation without a deal.
    pub baseline_conflicts: Vec<u64>,
    /// Indexed by channel: 0 direct, 1 mediated.
    pub channels: [Option<ChannelRun>; 2],
}

/// Options of a run that are not in the scenario.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    pub seed: u64,
    /// Whether to run the expected-utility model for the confrontation indicator.
    pub escalation: bool,
}

/// An actor's own utility of a full outcome (per scenario issue; None: unsettled).
pub fn actor_utility(sc: &Scenario, plan: &Plan, d: &Draw, actor: usize, x: &[Option<f64>]) -> f64 {
    let mut total_w = 0.0;
    let mut sum = 0.0;
    for (i, xi) in x.iter().enumerate() {
        let Some((theta, s)) = d.stance(plan, actor, i) else { continue };
        total_w += s;
        if let Some(v) = xi {
            sum += s * value(plan.settings.loss, (v - theta) / sc.issues[i].range());
        }
    }
    if total_w > 0.0 {
        sum / total_w
    } else {
        0.0
    }
}

fn crosses(plan: &Plan, d: &Draw, actor: usize, x: &[Option<f64>]) -> Vec<usize> {
    x.iter()
        .enumerate()
        .filter_map(|(i, xi)| {
            let rl = d.red_line(plan, actor, i)?;
            let v = (*xi)?;
            (v < rl[0] - 1e-9 || v > rl[1] + 1e-9).then_some(i)
        })
        .collect()
}

/// The frontier of a two-party table as (u0, u1) points, and the Nash point.
pub(crate) fn frontier(table: &OutcomeTable) -> (Vec<[f64; 2]>, Option<[f64; 2]>) {
    let own = table.own(0);
    let mut points: Vec<[f64; 2]> = Vec::new();
    let mut best1 = f64::NEG_INFINITY;
    let mut group: Option<(f64, f64)> = None;
    for (id, u0) in own.ranked() {
        let u1 = table.utility(1, id);
        match group {
            Some((g0, g1)) if g0 == u0 => group = Some((g0, g1.max(u1))),
            Some((g0, g1)) => {
                if g1 > best1 {
                    points.push([g0, g1]);
                    best1 = g1;
                }
                group = Some((u0, u1));
            }
            None => group = Some((u0, u1)),
        }
    }
    if let Some((g0, g1)) = group {
        if g1 > best1 {
            points.push([g0, g1]);
        }
    }
    let r = [table.profiles()[0].reservation, table.profiles()[1].reservation];
    let nash = points
        .iter()
        .filter(|p| p[0] >= r[0] && p[1] >= r[1])
        .max_by(|a, b| ((a[0] - r[0]) * (a[1] - r[1])).total_cmp(&((b[0] - r[0]) * (b[1] - r[1]))))
        .copied();
    (points, nash)
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Runs draw `d` (see the module docs).
/// One phase of the talks in the channels `want`, each with its own number of
/// rounds to the deadline: the zone, then each channel's protocol and
/// ratification (coercive options are applied by [`run`] afterwards).
fn talks(
    sc: &Scenario,
    plan: &Plan,
    d: &Draw,
    opts: RunOptions,
    want: [bool; 2],
    deadlines: [u64; 2],
) -> Result<Talks, NegotiationError> {
    let b = match bargain::setup(sc, plan, d) {
        Setup::NoZone { issue, gaps } => {
            let failed = |c: usize| want[c].then(|| failed_run(plan, End::NoZone));
            return Ok(Talks { no_zone: Some((issue, gaps)), narrow: Vec::new(), channels: [failed(0), failed(1)] });
        }
        Setup::Ready(b) => b,
    };
    let space = b.space(sc, plan)?;
    let profiles = b.profiles(sc, plan, &space)?;
    let table = OutcomeTable::new(
        space.clone(),
        profiles.clone(),
        &TableOptions { max_outcomes: plan.settings.resolution as usize, continuous_grid: 2, seed: opts.seed },
    )?;
    let (front, nash) = frontier(&table);
    let deadline = deadlines[0];

    let mut channels: [Option<ChannelRun>; 2] = [None, None];
    // The information mechanism: a principal that misjudges the other's red
    // lines walks away; a credible mediator narrows the error.
    let credibility = plan.settings.mediator.credibility;
    let misjudged = [misperceives(sc, plan, d, &b, 1.0), misperceives(sc, plan, d, &b, 1.0 - credibility)];
    if want[0] && misjudged[0] {
        channels[0] = Some(failed_run(plan, End::Misperceived));
    } else if want[0] {
        let specs = [0, 1].map(|p| if d.stall[p] { plan.stall_specs[p].clone() } else { plan.specs[p].clone() });
        let sao = run_sao_specs(&table, &specs, &SaoConfig::rounds(deadline), derive_seed(opts.seed, &[0]))?;
        let rounds = sao.result.rounds;
        channels[0] =
            Some(finish(sc, plan, d, &b, &sao.result, rounds, End::of(sao.result.end), &front, nash, opts, 0));
    }
    if want[1] && misjudged[1] {
        channels[1] = Some(failed_run(plan, End::Misperceived));
    } else if want[1] {
        let noise = plan.settings.mediator.noise;
        let shifts = [0, 1].map(|p| plan.settings.party(&sc.actors[plan.principals[p]].id).no_deal);
        let belief = BeliefModel::new(&b, &d.mediator_ideal, &d.mediator_salience, noise, shifts);
        let favour = plan.settings.mediator.bias_toward.as_ref().and_then(|id| {
            let a = sc.actor_index(id)?;
            let p = plan.principals.iter().position(|&x| x == a)?;
            Some((p, plan.settings.mediator.bias))
        });
        let sizes: Vec<u32> = b.grid.iter().map(|g| g.len() as u32).collect();
        let mut mediator = SingleText::new(belief.clone(), sizes, favour);
        let stall = [0, 1].map(|p| if d.stall[p] { plan.stall_share[p] } else { 0.0 });
        let mut voters: Vec<Box<dyn Strategy>> =
            (0..2).map(|p| Box::new(Voter { stall_until: stall[p] }) as Box<dyn Strategy>).collect();
        let deadline = deadlines[1];
        let config = MediatedConfig { deadline: Deadline::rounds(deadline), public_deadline: true };
        let (result, _, _, _) = run_mediated(&space, &profiles, &mut voters, &mut mediator, Some(&belief), &config)?;
        // A stalling party signs no earlier than the end of its stall; one that stalls throughout never does.
        let sign_at =
            stall.iter().map(|&s| if s >= 1.0 { u64::MAX } else { (s * deadline as f64).ceil() as u64 }).max();
        let mut rounds = result.steps.max(1);
        let mut end = End::of(result.end);
        let mut result = result;
        if let (Some(at), true) = (sign_at, result.agreement.is_some()) {
            if at > deadline {
                end = End::Stalled;
                result.agreement = None;
                result.utilities = profiles.iter().map(|p| p.reservation).collect();
                rounds = deadline;
            } else {
                rounds = rounds.max(at);
            }
        }
        channels[1] = Some(finish(sc, plan, d, &b, &result, rounds, end, &front, nash, opts, 1));
    }
    Ok(Talks { no_zone: None, narrow: b.narrow.clone(), channels })
}

/// One phase's results (see [`talks`]).
struct Talks {
    /// The first agenda issue without a zone, and every closed issue's gap.
    no_zone: Option<(usize, Vec<crate::bargain::Gap>)>,
    narrow: Vec<usize>,
    channels: [Option<ChannelRun>; 2],
}

/// Applies a stance event to a draw: the stance's red line and salience from
/// then on, the position moved inside the new red line.
fn apply(plan: &Plan, d: &mut Draw, e: &crate::plan::StanceEvent) {
    if let Some(rl) = e.red_line {
        d.red_line[e.stance] = Some(rl);
        let [lo, hi] = plan.bounds_within(e.stance, Some(rl));
        d.position[e.stance] = d.position[e.stance].clamp(lo.min(hi), hi.max(lo));
    }
    if let Some(s) = e.salience {
        d.salience[e.stance] = s;
    }
}

/// Runs draw `d` (see the module docs). Stance events on the clock split a
/// channel's talks: unless a deal has concluded by an event's round, the talks
/// start again there under the changed stance, with the rounds left.
pub fn run(sc: &Scenario, plan: &Plan, d: &Draw, opts: RunOptions) -> Result<RunOutcome, NegotiationError> {
    // What each actor gets without a deal: the no-deal world at the deadline.
    let no_deal_world: Vec<Option<f64>> = plan.no_deal_point.clone();
    let status_quo_utility: Vec<f64> =
        (0..sc.actors.len()).map(|a| actor_utility(sc, plan, d, a, &no_deal_world)).collect();
    let baseline_conflicts = if opts.escalation { escalation::confrontations(sc, plan, d, None) } else { Vec::new() };
    let want = [plan.channel.direct(), plan.channel.mediated()];
    let first = talks(sc, plan, d, opts, want, plan.deadline)?;
    let mut channels = first.channels;
    for c in 0..2 {
        if !want[c] || plan.stance_events.is_empty() {
            continue;
        }
        let mut draw = d.clone();
        for e in &plan.stance_events {
            let at = e.round[c];
            let Some(run) = channels[c].as_ref() else { break };
            // A deal concluded by the end of the round before the event stands
            // (`rounds` counts from the start of the talks, 1-based).
            if run.end == End::Agreement && run.rounds <= at {
                break;
            }
            apply(plan, &mut draw, e);
            let mut deadlines = plan.deadline;
            deadlines[c] = plan.deadline[c].saturating_sub(at).max(1);
            let only = [c == 0, c == 1];
            let mut again = talks(sc, plan, &draw, opts, only, deadlines)?.channels[c].take();
            if let Some(r) = again.as_mut() {
                r.rounds += at;
            }
            channels[c] = again;
        }
    }
    let [c0, c1] = channels;
    let channels = [
        c0.map(|c| coerce(plan, d, c, &status_quo_utility, 0)),
        c1.map(|c| coerce(plan, d, c, &status_quo_utility, 1)),
    ];
    let (no_zone, gaps) = match first.no_zone {
        Some((issue, gaps)) => (Some(issue), gaps),
        None => (None, Vec::new()),
    };
    Ok(RunOutcome { no_zone, gaps, narrow: first.narrow, status_quo_utility, baseline_conflicts, channels })
}

#[allow(clippy::too_many_arguments)]
fn finish(
    sc: &Scenario,
    plan: &Plan,
    d: &Draw,
    b: &Bargain,
    result: &NegotiationResult,
    rounds: u64,
    end: End,
    front: &[[f64; 2]],
    nash: Option<[f64; 2]>,
    opts: RunOptions,
    channel: usize,
) -> ChannelRun {
    let n_issues = sc.issues.len();
    let Some(outcome) = &result.agreement else {
        // No deal: the principals keep their reservation values.
        let mut run = failed_run(plan, if end == End::Agreement { End::Deadline } else { end });
        run.rounds = rounds;
        run.principal_utility = b.reservation;
        run.reservation = b.reservation;
        run.discounted = b.reservation;
        return run;
    };
    let terms = b.terms(outcome);
    let mut full: Vec<Option<f64>> = plan.status_quo.clone();
    for (k, &i) in plan.agenda.iter().enumerate() {
        full[i] = Some(terms[k]);
    }
    let u = [b.utility(0, &terms), b.utility(1, &terms)];
    let delta = plan.settings.discount.powi(rounds.min(i32::MAX as u64) as i32);
    let pareto_gap = front.iter().map(|&f| dist(f, u)).fold(f64::INFINITY, f64::min);
    let nash_gap = nash.map(|n| dist(n, u)).unwrap_or(f64::NAN);
    let actor_utility: Vec<f64> = (0..sc.actors.len()).map(|a| actor_utility(sc, plan, d, a, &full)).collect();
    let mut crossings = Vec::new();
    for a in 0..sc.actors.len() {
        for i in crosses(plan, d, a, &full) {
            crossings.push((a * n_issues + i) as u32);
        }
    }
    let no_deal = plan.no_deal_point.clone();
    let objections: Vec<bool> = plan
        .ratifiers
        .iter()
        .map(|r| {
            let red = !crosses(plan, d, r.actor, &full).is_empty();
            let gain = plan.settings.ratification == Ratification::RedLinesAndGain
                && actor_utility[r.actor] < actor_utility_of(sc, plan, d, r.actor, &no_deal);
            red || gain
        })
        .collect();
    // The deniability mechanism: through the mediator a ratifier binds with a
    // lowered chance, decided by the same uniform.
    let deniability = if channel == 1 { plan.settings.mediator.deniability } else { 0.0 };
    let binds: Vec<bool> = plan
        .ratifiers
        .iter()
        .enumerate()
        .map(
            |(r, rat)| {
                if deniability > 0.0 {
                    d.veto_u[r] < rat.binding * (1.0 - deniability)
                } else {
                    d.veto_binds[r]
                }
            },
        )
        .collect();
    let blocked: Vec<bool> = objections.iter().zip(&binds).map(|(&o, &b)| o && b).collect();
    // Averted only if the deal then stands: another ratifier may still block it.
    let block_averted = !blocked.iter().any(|&b| b)
        && objections.iter().zip(&d.veto_binds).zip(&binds).any(|((&o, &full), &lowered)| o && full && !lowered);
    let stands = !blocked.iter().any(|&b| b);
    // The durability mechanism: a ratified mediated deal may break down later.
    let broke_down = stands && channel == 1 && d.breakdown;
    let ratified = stands && !broke_down;
    let conflicts =
        if ratified && opts.escalation { escalation::confrontations(sc, plan, d, Some(&full)) } else { Vec::new() };
    ChannelRun {
        end: End::Agreement,
        rounds,
        terms,
        ratified,
        objections,
        blocked,
        principal_utility: u,
        reservation: b.reservation,
        discounted: [u[0] * delta, u[1] * delta],
        pareto_gap: if pareto_gap.is_finite() { pareto_gap } else { f64::NAN },
        nash_gap,
        actor_utility,
        crossings,
        conflicts,
        force: None,
        block_averted,
        broke_down,
        before_force: End::Agreement,
        force_any: false,
    }
}

/// The first coercive option worth using before the talks conclude (Fearon
/// 1995; Powell 2006): option `k` of holder `h` is used in its first available
/// round `r` (before the deadline, and before the round of a ratified deal)
/// when `u_h(no deal) + gain_k − cost_k > u_h(where the talks end)` — the
/// deal's utility to `h` when one is ratified, else its no-deal utility. The
/// earliest such round wins (ties: scenario order).
pub fn first_coercion(
    plan: &Plan,
    d: &Draw,
    c: &ChannelRun,
    no_deal_utility: &[f64],
    channel: usize,
) -> Option<(usize, u64)> {
    worth_using(plan, d, c, no_deal_utility, channel).min_by_key(|&(k, r)| (r, k))
}

/// Every option (plan index, round) worth using before the talks conclude in
/// this channel's run (see [`first_coercion`]).
fn worth_using<'a>(
    plan: &'a Plan,
    d: &'a Draw,
    c: &'a ChannelRun,
    no_deal_utility: &'a [f64],
    channel: usize,
) -> impl Iterator<Item = (usize, u64)> + 'a {
    let deadline = plan.deadline[channel];
    // A deal concludes at the end of its round (1-based count); an option open
    // in that round or before is used before it concludes.
    let deal_round = (c.end == End::Agreement && c.ratified).then_some(c.rounds);
    plan.options.iter().enumerate().filter_map(move |(k, o)| {
        let r = o.from_round[channel];
        if r >= deadline || deal_round.is_some_and(|dr| r >= dr) {
            return None;
        }
        let no_deal = no_deal_utility.get(o.holder).copied().unwrap_or(0.0);
        let talks = match deal_round {
            Some(_) => c.actor_utility.get(o.holder).copied().unwrap_or(no_deal),
            None => no_deal,
        };
        (no_deal + d.option_gain[k] - o.cost > talks).then_some((k, r))
    })
}

/// Applies [`first_coercion`] to a channel's run: the talks end in force there.
fn coerce(plan: &Plan, d: &Draw, mut c: ChannelRun, no_deal_utility: &[f64], channel: usize) -> ChannelRun {
    c.before_force = c.end;
    let force_any = worth_using(plan, d, &c, no_deal_utility, channel)
        .any(|(k, _)| plan.options[k].kind == demarche_scenario::OptionKind::Force);
    c.force_any = force_any;
    if let Some((k, r)) = first_coercion(plan, d, &c, no_deal_utility, channel) {
        c.force = Some((k, r));
        c.end = End::Force;
        c.ratified = false;
        c.rounds = r.max(1);
        c.conflicts = Vec::new();
        // What force pre-empted did not happen: no deal, so nothing was averted or broke down.
        c.block_averted = false;
        c.broke_down = false;
    }
    c
}

fn actor_utility_of(sc: &Scenario, plan: &Plan, d: &Draw, actor: usize, x: &[Option<f64>]) -> f64 {
    actor_utility(sc, plan, d, actor, x)
}
