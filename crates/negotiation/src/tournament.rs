//! Tournaments: every pairing of strategies on every domain, both role orders, repeated.
//!
//! For each domain, each ordered pair of strategies `(A, B)` (self-play included unless
//! switched off), each role order (A holds the domain's first profile and B the second, then
//! the other way round) and each repetition, one stacked alternating offers negotiation is
//! run; A always moves first. Negotiations run in parallel with rayon; each one's seed is
//! derived from `(seed, domain, A, B, role order, repetition)` and results are collected in
//! that fixed order, so a tournament's report is identical whatever the thread count.
//!
//! Each negotiation is scored by the parties' utilities (reservation value without
//! agreement), the rounds it took, and — for agreements — the Euclidean distance of its
//! utility pair to the nearest Pareto-optimal point and to the Nash point. The reference
//! frontier and Nash point come from [`crate::pareto::pareto_frontier`] and
//! [`crate::solutions::solutions`] (Nash measured from the default disagreement point,
//! [`Disagreement::ReservationOrWorst`], as `demarche frontier` reports it). Should the
//! frontier computation refuse a domain (too large to enumerate), a brute-force fallback
//! over the domain's [`OutcomeTable`] is used and the report says so
//! ([`ReferenceSource::TableBruteForce`]; exact when the table enumerates the space).

use rayon::prelude::*;
use serde::Serialize;

use crate::domain::OutcomeSpace;
use crate::error::NegotiationError;
use crate::pareto::{pareto_frontier, FrontierOptions};
use crate::protocol::sao::{run_sao_specs, SaoConfig};
use crate::protocol::table::{Coverage, OutcomeTable, TableOptions};
use crate::protocol::{derive_seed, EndReason};
use crate::solutions::{solutions, Disagreement};
use crate::strategy::StrategySpec;
use crate::utility::Profile;

/// Most negotiations one tournament may schedule.
pub const MAX_NEGOTIATIONS: u64 = 10_000_000;

/// A domain prepared for a tournament: the table in both role orders and its reference points.
#[derive(Debug, Clone)]
pub struct TournamentDomain {
    table: OutcomeTable,
    swapped: OutcomeTable,
    reference: Reference,
}

/// Where a domain's reference points came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceSource {
    /// The crate's exact frontier ([`crate::pareto`]) and Nash point ([`crate::solutions`]).
    Analytics,
    /// Brute force over the outcome table (fallback when the frontier computation refused).
    TableBruteForce,
}

/// The bargaining reference points of a two-party domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reference {
    /// Pareto-optimal utility pairs (profile order), first party's utility descending.
    pub frontier: Vec<[f64; 2]>,
    /// The Nash point, if some outcome beats both reservation values.
    pub nash: Option<[f64; 2]>,
    /// How it was computed.
    pub source: ReferenceSource,
    /// Whether the frontier is approximate (continuous issues on a grid, or a sampled table).
    pub approximate: bool,
}

impl Reference {
    /// The exact frontier and Nash point of `table`'s space and first two profiles, falling
    /// back to [`Reference::of_table`] if the frontier computation refuses.
    pub fn of_domain(table: &OutcomeTable) -> Self {
        let profiles = &table.profiles()[..2];
        match pareto_frontier(table.space(), profiles, &FrontierOptions::default()) {
            Ok(frontier) => {
                let reservations: Vec<f64> = profiles.iter().map(|p| p.reservation).collect();
                let sol = solutions(&frontier, &reservations, Disagreement::default());
                let pair = |u: &[f64]| [u[0], u[1]];
                Reference {
                    frontier: frontier.points.iter().map(|p| pair(&p.utilities)).collect(),
                    nash: sol.nash.map(|k| pair(&frontier.points[k].utilities)),
                    source: ReferenceSource::Analytics,
                    approximate: frontier.approximate,
                }
            }
            Err(_) => Self::of_table(table),
        }
    }

    /// Brute force over `table` (two parties): sort by the first party's utility, sweep for
    /// the second's running maximum; Nash maximises `(u_A − r_A)(u_B − r_B)` over frontier
    /// points beating both reservation values.
    pub fn of_table(table: &OutcomeTable) -> Self {
        let (a, b) = (table.utilities(0), table.utilities(1));
        let mut order: Vec<usize> = (0..table.len()).collect();
        order.sort_by(|&x, &y| a[y].total_cmp(&a[x]).then(b[y].total_cmp(&b[x])));
        let mut frontier: Vec<[f64; 2]> = Vec::new();
        let mut best_b = f64::NEG_INFINITY;
        for k in order {
            if b[k] > best_b {
                best_b = b[k];
                frontier.push([a[k], b[k]]);
            }
        }
        let (ra, rb) = (table.profiles()[0].reservation, table.profiles()[1].reservation);
        let mut nash: Option<([f64; 2], f64)> = None;
        for p in &frontier {
            if p[0] >= ra && p[1] >= rb {
                let product = (p[0] - ra) * (p[1] - rb);
                if nash.is_none_or(|(_, best)| product > best) {
                    nash = Some((*p, product));
                }
            }
        }
        Reference {
            frontier,
            nash: nash.map(|(p, _)| p),
            source: ReferenceSource::TableBruteForce,
            approximate: table.coverage() != Coverage::Exact,
        }
    }

    /// Distance from `u` to the nearest frontier point.
    pub fn pareto_distance(&self, u: [f64; 2]) -> f64 {
        self.frontier.iter().map(|p| dist(*p, u)).fold(f64::INFINITY, f64::min)
    }

    /// Distance from `u` to the Nash point.
    pub fn nash_distance(&self, u: [f64; 2]) -> Option<f64> {
        self.nash.map(|p| dist(p, u))
    }
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

impl TournamentDomain {
    /// Prepares `space` with the first two of `profiles`.
    pub fn new(space: OutcomeSpace, profiles: Vec<Profile>, options: &TableOptions) -> Result<Self, NegotiationError> {
        if profiles.len() < 2 {
            return Err(NegotiationError::invalid(format!(
                "domain '{}': a tournament needs two profiles, found {}",
                space.name,
                profiles.len()
            )));
        }
        let table = OutcomeTable::new(space, profiles.into_iter().take(2).collect(), options)?;
        Self::from_table(table)
    }

    /// Prepares an already tabulated two-party domain.
    pub fn from_table(table: OutcomeTable) -> Result<Self, NegotiationError> {
        if table.n_parties() != 2 {
            return Err(NegotiationError::invalid("tournaments are between two parties"));
        }
        let swapped = table.reordered(&[1, 0])?;
        let reference = Reference::of_domain(&table);
        Ok(TournamentDomain { table, swapped, reference })
    }

    /// The table, profiles in the given order.
    pub fn table(&self) -> &OutcomeTable {
        &self.table
    }

    /// The reference points.
    pub fn reference(&self) -> &Reference {
        &self.reference
    }
}

/// Tournament settings.
#[derive(Debug, Clone)]
pub struct TournamentConfig {
    /// The competitors.
    pub strategies: Vec<StrategySpec>,
    /// Repetitions of each pairing.
    pub repetitions: u32,
    /// Protocol settings (deadline).
    pub sao: SaoConfig,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (`None`: rayon's default, one per core).
    pub threads: Option<usize>,
    /// Whether strategies also meet themselves.
    pub self_play: bool,
}

/// One negotiation of a tournament.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NegotiationRecord {
    /// Domain index.
    pub domain: usize,
    /// Strategy indices in seat order (seat 0 moves first).
    pub strategies: [usize; 2],
    /// Profile indices in seat order.
    pub profiles: [usize; 2],
    /// Repetition.
    pub repetition: u32,
    /// The negotiation's seed.
    pub seed: u64,
    /// Why it ended.
    pub end: EndReason,
    /// Whether it ended in agreement.
    pub agreed: bool,
    /// Utilities in seat order (reservation values without agreement).
    pub utilities: [f64; 2],
    /// Discounted utilities in seat order.
    pub discounted: [f64; 2],
    /// Steps taken.
    pub steps: u64,
    /// Rounds started.
    pub rounds: u64,
    /// Distance of the agreement to the Pareto frontier (agreements only).
    pub pareto_distance: Option<f64>,
    /// Distance of the agreement to the Nash point (agreements only).
    pub nash_distance: Option<f64>,
}

/// Per-strategy aggregates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategySummary {
    /// The strategy (canonical name).
    pub strategy: String,
    /// Negotiations it took part in (self-play counts twice, once per seat).
    pub negotiations: u64,
    /// Share that ended in agreement.
    pub agreement_rate: f64,
    /// Mean utility (reservation value when no agreement).
    pub mean_utility: f64,
    /// Mean discounted utility.
    pub mean_discounted: f64,
    /// Mean rounds.
    pub mean_rounds: f64,
    /// Mean distance to the Pareto frontier over its agreements.
    pub mean_pareto_distance: Option<f64>,
    /// Mean distance to the Nash point over its agreements.
    pub mean_nash_distance: Option<f64>,
}

/// A domain as the report describes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainSummary {
    /// Its name.
    pub name: String,
    /// Candidates in its table.
    pub outcomes: usize,
    /// The reference points (frontier size only, to keep reports short).
    pub frontier_points: usize,
    /// The Nash point in profile order.
    pub nash: Option<[f64; 2]>,
    /// How the table covers the space.
    pub coverage: Coverage,
    /// Where the frontier and Nash point came from.
    pub reference: ReferenceSource,
}

/// Everything a tournament produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TournamentReport {
    /// The competitors (canonical names).
    pub strategies: Vec<String>,
    /// The domains.
    pub domains: Vec<DomainSummary>,
    /// Negotiations run.
    pub negotiations: u64,
    /// Of which ended in agreement.
    pub agreements: u64,
    /// Total steps over all negotiations.
    pub total_steps: u64,
    /// Per strategy.
    pub summary: Vec<StrategySummary>,
    /// Every negotiation, in schedule order.
    pub records: Vec<NegotiationRecord>,
}

#[derive(Debug, Clone, Copy)]
struct Job {
    domain: usize,
    first: usize,
    second: usize,
    swapped: bool,
    repetition: u32,
}

/// Runs the tournament; see the module docs.
pub fn run_tournament(
    domains: &[TournamentDomain],
    config: &TournamentConfig,
) -> Result<TournamentReport, NegotiationError> {
    run_tournament_with(domains, config, &|_, _| {})
}

/// [`run_tournament`], telling `progress` `(negotiations done, in all)` as
/// each one finishes (from any worker thread; the report does not depend on it).
pub fn run_tournament_with(
    domains: &[TournamentDomain],
    config: &TournamentConfig,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<TournamentReport, NegotiationError> {
    let s = config.strategies.len();
    if s == 0 {
        return Err(NegotiationError::invalid("a tournament needs at least one strategy"));
    }
    if domains.is_empty() {
        return Err(NegotiationError::invalid("a tournament needs at least one domain"));
    }
    if s == 1 && !config.self_play {
        return Err(NegotiationError::invalid("one strategy without self-play makes no pairing"));
    }
    let pairs = (s * s - if config.self_play { 0 } else { s }) as u64;
    let total =
        (domains.len() as u64).saturating_mul(pairs).saturating_mul(2).saturating_mul(config.repetitions as u64);
    if total > MAX_NEGOTIATIONS {
        return Err(NegotiationError::too_large(format!(
            "the tournament would run {total} negotiations (at most {MAX_NEGOTIATIONS})"
        )));
    }
    let mut jobs = Vec::with_capacity(total as usize);
    for domain in 0..domains.len() {
        for first in 0..s {
            for second in 0..s {
                if first == second && !config.self_play {
                    continue;
                }
                for swapped in [false, true] {
                    for repetition in 0..config.repetitions {
                        jobs.push(Job { domain, first, second, swapped, repetition });
                    }
                }
            }
        }
    }
    let run = |job: &Job| -> Result<NegotiationRecord, NegotiationError> {
        let d = &domains[job.domain];
        let table = if job.swapped { &d.swapped } else { &d.table };
        let specs = [config.strategies[job.first].clone(), config.strategies[job.second].clone()];
        let seed = derive_seed(
            config.seed,
            &[job.domain as u64, job.first as u64, job.second as u64, job.swapped as u64, job.repetition as u64],
        );
        let out = run_sao_specs(table, &specs, &config.sao, seed)?;
        let r = &out.result;
        let profiles = if job.swapped { [1, 0] } else { [0, 1] };
        let utilities = [r.utilities[0], r.utilities[1]];
        // The reference is in profile order.
        let in_profile_order = if job.swapped { [utilities[1], utilities[0]] } else { utilities };
        let (pareto_distance, nash_distance) = if r.agreed() {
            (Some(d.reference.pareto_distance(in_profile_order)), d.reference.nash_distance(in_profile_order))
        } else {
            (None, None)
        };
        Ok(NegotiationRecord {
            domain: job.domain,
            strategies: [job.first, job.second],
            profiles,
            repetition: job.repetition,
            seed,
            end: r.end,
            agreed: r.agreed(),
            utilities,
            discounted: [r.discounted[0], r.discounted[1]],
            steps: r.steps,
            rounds: r.rounds,
            pareto_distance,
            nash_distance,
        })
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads.unwrap_or(0))
        .build()
        .map_err(|e| NegotiationError::invalid(format!("cannot start worker threads: {e}")))?;
    let total = jobs.len() as u64;
    let done = std::sync::atomic::AtomicU64::new(0);
    let counted = |job| {
        let r = run(job);
        progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
        r
    };
    let records: Vec<NegotiationRecord> =
        pool.install(|| jobs.par_iter().map(counted).collect::<Result<Vec<_>, NegotiationError>>())?;
    Ok(report(domains, config, records))
}

fn report(
    domains: &[TournamentDomain],
    config: &TournamentConfig,
    records: Vec<NegotiationRecord>,
) -> TournamentReport {
    #[derive(Default)]
    struct Acc {
        n: u64,
        agreed: u64,
        utility: f64,
        discounted: f64,
        rounds: f64,
        pareto: (f64, u64),
        nash: (f64, u64),
    }
    let mut acc: Vec<Acc> = (0..config.strategies.len()).map(|_| Acc::default()).collect();
    for r in &records {
        for seat in 0..2 {
            let a = &mut acc[r.strategies[seat]];
            a.n += 1;
            a.agreed += r.agreed as u64;
            a.utility += r.utilities[seat];
            a.discounted += r.discounted[seat];
            a.rounds += r.rounds as f64;
            if let Some(d) = r.pareto_distance {
                a.pareto.0 += d;
                a.pareto.1 += 1;
            }
            if let Some(d) = r.nash_distance {
                a.nash.0 += d;
                a.nash.1 += 1;
            }
        }
    }
    let mean = |(s, n): (f64, u64)| (n > 0).then(|| s / n as f64);
    let summary = acc
        .iter()
        .zip(&config.strategies)
        .map(|(a, spec)| {
            let n = a.n.max(1) as f64;
            StrategySummary {
                strategy: spec.to_string(),
                negotiations: a.n,
                agreement_rate: a.agreed as f64 / n,
                mean_utility: a.utility / n,
                mean_discounted: a.discounted / n,
                mean_rounds: a.rounds / n,
                mean_pareto_distance: mean(a.pareto),
                mean_nash_distance: mean(a.nash),
            }
        })
        .collect();
    TournamentReport {
        strategies: config.strategies.iter().map(|s| s.to_string()).collect(),
        domains: domains
            .iter()
            .map(|d| DomainSummary {
                name: d.table.space().name.clone(),
                outcomes: d.table.len(),
                frontier_points: d.reference.frontier.len(),
                nash: d.reference.nash,
                coverage: d.table.coverage(),
                reference: d.reference.source,
            })
            .collect(),
        negotiations: records.len() as u64,
        agreements: records.iter().filter(|r| r.agreed).count() as u64,
        total_steps: records.iter().map(|r| r.steps).sum(),
        summary,
        records,
    }
}
