//! From a validated scenario to everything a run needs, resolved once: who
//! sits at the table, the agenda, the mediator, who influences and who
//! ratifies, the strategies, and the list of uncertain inputs (each a uniform
//! number per run).

use demarche_negotiation::strategy::StrategySpec;
use demarche_scenario::settings::bdm::BdmSettings;
use demarche_scenario::settings::simulation::{Channel, SimulationSettings};
use demarche_scenario::{ActorKind, Diagnostic, Diagnostics, RelationKind, Scenario};

/// Where the principals came from, for reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalSource {
    Settings,
    Mediated,
    MostCapable,
}

/// An influencer of a principal: `influences` relation `actor → principal`.
#[derive(Clone, Debug)]
pub struct Influence {
    pub actor: usize,
    pub weight: f64,
}

/// A ratifier: `veto` relation `actor → principal`.
#[derive(Clone, Debug)]
pub struct Ratifier {
    pub actor: usize,
    /// 0 or 1: whose deal it ratifies.
    pub party: usize,
    /// Probability that its veto binds in a run.
    pub binding: f64,
}

/// One uniform input of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Position {
        stance: usize,
    },
    Salience {
        stance: usize,
    },
    Stall {
        party: usize,
    },
    NoDeal {
        party: usize,
    },
    Veto {
        ratifier: usize,
    },
    /// The mediator's error on a party's ideal point on agenda issue `k`.
    MediatorIdeal {
        party: usize,
        k: usize,
    },
    /// The mediator's error on a party's salience on agenda issue `k`.
    MediatorSalience {
        party: usize,
        k: usize,
    },
    /// Which of a stance's red lines holds (its alternatives, else the stated one).
    RedLineChoice {
        stance: usize,
    },
    /// The drawn inner bounds of a stance's red line (`red_line_sd`).
    RedLineLow {
        stance: usize,
    },
    RedLineHigh {
        stance: usize,
    },
    /// The holder's gain from using coercive option `option` (`gain_sd`).
    OptionGain {
        option: usize,
    },
    /// Whether a ratified mediated deal breaks down (the durability mechanism).
    Breakdown,
    /// A principal's error about the other's red lines on agenda issue `k`
    /// (the information mechanism, `perception_sd`).
    Perception {
        party: usize,
        k: usize,
    },
}

/// A dated change of one stance (a `[[timeline]]` event with `actor`),
/// resolved: the talks restart under it in its round unless a deal has
/// concluded by then.
#[derive(Clone, Debug)]
pub struct StanceEvent {
    pub stance: usize,
    pub red_line: Option<[f64; 2]>,
    pub salience: Option<f64>,
    /// The round (0-based) it falls in, per channel.
    pub round: [u64; 2],
}

/// A coercive option, resolved: who holds it against whom, and from which round.
#[derive(Clone, Debug)]
pub struct PlannedOption {
    pub holder: usize,
    pub target: usize,
    pub name: String,
    pub kind: demarche_scenario::OptionKind,
    pub gain: f64,
    pub gain_sd: f64,
    pub cost: f64,
    /// The first round (0-based) it can be used in, per channel (direct,
    /// mediated: their rounds may last differently long).
    pub from_round: [u64; 2],
    /// The date it opens (its `available_from`, else the as-of date).
    pub from_date: Option<String>,
}

/// A named uncertain input: one or more uniform columns.
#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    pub columns: Vec<usize>,
    /// Whether it can move the negotiation's outcome (principals, their
    /// influencers, strategies, no-deal values, vetoes, the mediator).
    pub affects_talks: bool,
}

/// Everything fixed across runs.
#[derive(Clone, Debug)]
pub struct Plan {
    pub settings: SimulationSettings,
    pub channel: Channel,
    pub principals: [usize; 2],
    pub principal_source: PrincipalSource,
    /// Issue indices on the table, in scenario order.
    pub agenda: Vec<usize>,
    pub mediator: Option<usize>,
    pub specs: [StrategySpec; 2],
    pub stall_specs: [StrategySpec; 2],
    /// Share of the time a stalling party vetoes every mediator proposal.
    pub stall_share: [f64; 2],
    pub influencers: [Vec<Influence>; 2],
    pub ratifiers: Vec<Ratifier>,
    /// `stance_of[actor][issue]`: the stance index, if any.
    pub stance_of: Vec<Vec<Option<usize>>>,
    /// Each stance's issue (scenario index).
    pub issue_of: Vec<Option<usize>>,
    /// Each stance's issue scale `[min, max]` (the position itself when the issue is unknown).
    pub scale_of: Vec<[f64; 2]>,
    /// Per issue: the status quo today, if the issue has one (off-agenda
    /// issues keep it in any deal).
    pub status_quo: Vec<Option<f64>>,
    /// Per issue: the world without a deal at the deadline — the status quo
    /// after every `[[timeline]]` event that passes by then (what the parties
    /// and ratifiers weigh a deal against).
    pub no_deal_point: Vec<Option<f64>>,
    /// Coercive options in scenario order.
    pub options: Vec<PlannedOption>,
    /// Day number of round 0 (the as-of date), when the scenario has one.
    pub start_day: Option<i64>,
    /// Days a round lasts, per channel (direct, mediated).
    pub round_days: [u32; 2],
    /// Rounds before the deadline, per channel (the same deadline date).
    pub deadline: [u64; 2],
    /// Stance changes on the clock that fall before the deadline, by date.
    pub stance_events: Vec<StanceEvent>,
    pub inputs: Vec<Input>,
    pub groups: Vec<Group>,
    /// Actors with at least one stance, in scenario order (the escalation dyads' members).
    pub bdm_actors: Vec<usize>,
    pub bdm: BdmSettings,
}

/// Run-level choices the command line may override.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub channel: Option<Channel>,
    pub runs: Option<u32>,
    pub seed: Option<u64>,
}

fn error(path: &str, msg: impl Into<String>, hint: impl Into<String>) -> Diagnostics {
    Diagnostics(vec![Diagnostic::error(path, msg).with_hint(hint)])
}

fn strategy(text: &str, path: String) -> Result<StrategySpec, Diagnostics> {
    StrategySpec::parse(text).map_err(|e| Diagnostics(vec![Diagnostic::error(path, e.to_string())]))
}

impl Plan {
    /// Resolves the plan; every problem is a diagnostic with a hint.
    pub fn new(sc: &Scenario, over: &Overrides) -> Result<Plan, Diagnostics> {
        // Every id looked up below, hashed once.
        let ix = sc.index();
        let mut check = demarche_scenario::validate::validate(sc);
        check.extend(demarche_scenario::settings::simulation::validate(sc));
        if check.has_errors() {
            check.0.retain(|d| d.is_error());
            return Err(check);
        }
        let mut settings = sc.simulation.clone().unwrap_or_default();
        if let Some(c) = over.channel {
            settings.channel = c;
        }
        if let Some(r) = over.runs {
            settings.runs = r;
        }
        if let Some(s) = over.seed {
            settings.seed = s;
        }
        let n_actors = sc.actors.len();
        let n_issues = sc.issues.len();
        let mut stance_of = vec![vec![None; n_issues]; n_actors];
        for (k, s) in sc.stances.iter().enumerate() {
            if let (Some(a), Some(i)) = (ix.actor(&s.actor), ix.issue(&s.issue)) {
                stance_of[a][i] = Some(k);
            }
        }
        let has_stance = |a: usize| stance_of[a].iter().any(Option::is_some);

        // Principals.
        let (principals, principal_source) = if settings.principals.len() == 2 {
            let p: Vec<usize> = settings.principals.iter().filter_map(|id| ix.actor(id)).collect();
            ([p[0], p[1]], PrincipalSource::Settings)
        } else {
            let mut mediated: Vec<usize> = Vec::new();
            for r in sc.relations.iter().filter(|r| r.kind == RelationKind::Mediates) {
                if let Some(a) = ix.actor(&r.to) {
                    if !mediated.contains(&a) {
                        mediated.push(a);
                    }
                }
            }
            if mediated.len() >= 2 {
                ([mediated[0], mediated[1]], PrincipalSource::Mediated)
            } else {
                let mut cands: Vec<usize> =
                    (0..n_actors).filter(|&a| has_stance(a) && sc.actors[a].kind != ActorKind::Mediator).collect();
                cands.sort_by(|&a, &b| sc.actors[b].capability.total_cmp(&sc.actors[a].capability).then(a.cmp(&b)));
                if cands.len() < 2 {
                    return Err(error(
                        "simulation.principals",
                        "cannot tell who negotiates: fewer than two actors take stances",
                        "name them: [simulation] principals = [\"a\", \"b\"]",
                    ));
                }
                let (a, b) = (cands[0].min(cands[1]), cands[0].max(cands[1]));
                ([a, b], PrincipalSource::MostCapable)
            }
        };

        // Agenda.
        let agenda: Vec<usize> = if settings.agenda.is_empty() {
            (0..n_issues)
                .filter(|&i| stance_of[principals[0]][i].is_some() && stance_of[principals[1]][i].is_some())
                .collect()
        } else {
            let mut v: Vec<usize> = settings.agenda.iter().filter_map(|id| ix.issue(id)).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        if agenda.is_empty() {
            return Err(error(
                "simulation.agenda",
                format!(
                    "`{}` and `{}` take no stance on a common issue, so there is nothing to negotiate",
                    sc.actors[principals[0]].id, sc.actors[principals[1]].id
                ),
                "add stances for both principals, or list the issues in [simulation] agenda",
            ));
        }

        // Mediator.
        let mediator = match &settings.mediator.actor {
            Some(id) => ix.actor(id),
            None => sc
                .relations
                .iter()
                .filter(|r| r.kind == RelationKind::Mediates)
                .filter(|r| principals.iter().any(|&p| sc.actors[p].id == r.to))
                .find_map(|r| ix.actor(&r.from))
                .or_else(|| {
                    let m: Vec<usize> = (0..n_actors).filter(|&a| sc.actors[a].kind == ActorKind::Mediator).collect();
                    (m.len() == 1).then(|| m[0])
                }),
        };
        if settings.channel.mediated() && mediator.is_none() {
            return Err(error(
                "simulation.channel",
                format!("the {} channel needs a mediator, and the scenario has none", settings.channel.as_str()),
                "add an actor with kind = \"mediator\" and `mediates` relations to the principals, \
                 set [simulation.mediator] actor, or use --channel direct",
            ));
        }
        if let Some(b) = &settings.mediator.bias_toward {
            if !principals.iter().any(|&p| sc.actors[p].id == *b) {
                return Err(error(
                    "simulation.mediator.bias_toward",
                    format!("`{b}` is not a principal"),
                    format!(
                        "the principals are `{}` and `{}`",
                        sc.actors[principals[0]].id, sc.actors[principals[1]].id
                    ),
                ));
            }
        }

        // Strategies.
        let party = |k: usize| settings.party(&sc.actors[principals[k]].id);
        let path = |k: usize, f: &str| format!("simulation.parties.{}.{f}", sc.actors[principals[k]].id);
        let mut errors = Diagnostics::new();
        let mut spec = |k: usize, text: String, field: &str| match strategy(&text, path(k, field)) {
            Ok(s) => s,
            Err(d) => {
                errors.extend(d);
                StrategySpec::TimeDependent { e: 1.0 }
            }
        };
        let specs = [spec(0, party(0).strategy, "strategy"), spec(1, party(1).strategy, "strategy")];
        let stall_specs =
            [spec(0, party(0).stall_strategy, "stall_strategy"), spec(1, party(1).stall_strategy, "stall_strategy")];
        if errors.has_errors() {
            return Err(errors);
        }
        let stall_share = stall_specs.clone().map(|s| match s {
            StrategySpec::Staller { share, .. } => share,
            StrategySpec::HardLiner { .. } => 1.0,
            _ => 0.0,
        });

        // Influence and ratification.
        let mut influencers: [Vec<Influence>; 2] = [Vec::new(), Vec::new()];
        let mut ratifiers = Vec::new();
        for r in &sc.relations {
            let (Some(from), Some(to)) = (ix.actor(&r.from), ix.actor(&r.to)) else { continue };
            let Some(k) = principals.iter().position(|&p| p == to) else { continue };
            match r.kind {
                RelationKind::Influences if from != principals[1 - k] => {
                    influencers[k].push(Influence { actor: from, weight: r.weight.unwrap_or(0.0) })
                }
                RelationKind::Veto => {
                    let binding = settings.ratifiers.get(&r.from).copied().or(r.weight).unwrap_or(1.0);
                    ratifiers.push(Ratifier { actor: from, party: k, binding });
                }
                _ => {}
            }
        }

        // Each stance's issue and scale (positions are drawn within the scale ∩ the drawn red line).
        let issue_of: Vec<Option<usize>> = sc.stances.iter().map(|s| ix.issue(&s.issue)).collect();
        let scale_of: Vec<[f64; 2]> = sc
            .stances
            .iter()
            .zip(&issue_of)
            .map(|(s, i)| i.map(|i| [sc.issues[i].min, sc.issues[i].max]).unwrap_or([s.position, s.position]))
            .collect();

        // Uncertain inputs.
        let talks_actors: Vec<usize> = {
            let mut v = principals.to_vec();
            v.extend(influencers.iter().flatten().map(|i| i.actor));
            // An option's holder weighs the talks' outcome by its own stances.
            v.extend(sc.options.iter().filter_map(|o| ix.actor(&o.holder)));
            if settings.ratification == demarche_scenario::settings::simulation::Ratification::RedLinesAndGain {
                v.extend(ratifiers.iter().map(|r| r.actor));
            }
            v
        };
        let mut inputs = Vec::new();
        let mut groups = Vec::new();
        let push = |inputs: &mut Vec<Input>, groups: &mut Vec<Group>, input: Input, name: String, talks: bool| {
            groups.push(Group { name, columns: vec![inputs.len()], affects_talks: talks });
            inputs.push(input);
        };
        for (k, s) in sc.stances.iter().enumerate() {
            let a = ix.actor(&s.actor).unwrap_or(0);
            let talks = talks_actors.contains(&a);
            if s.position_sd.is_some_and(|sd| sd > 0.0) {
                push(
                    &mut inputs,
                    &mut groups,
                    Input::Position { stance: k },
                    format!("{}.{}.position", s.actor, s.issue),
                    talks,
                );
            }
            if s.salience_sd.is_some_and(|sd| sd > 0.0) {
                push(
                    &mut inputs,
                    &mut groups,
                    Input::Salience { stance: k },
                    format!("{}.{}.salience", s.actor, s.issue),
                    talks,
                );
            }
        }
        for (k, &principal) in principals.iter().enumerate() {
            let p = party(k);
            let id = &sc.actors[principal].id;
            if p.stall_probability > 0.0 && p.stall_probability < 1.0 {
                push(&mut inputs, &mut groups, Input::Stall { party: k }, format!("{id} stalls"), true);
            }
            if p.no_deal_sd > 0.0 {
                push(&mut inputs, &mut groups, Input::NoDeal { party: k }, format!("{id} no-deal value"), true);
            }
        }
        for (k, r) in ratifiers.iter().enumerate() {
            // With deniability even a certain veto binds only sometimes through the
            // mediator, so it needs its uniform too.
            let lowered = settings.channel.mediated() && settings.mediator.deniability > 0.0;
            if r.binding > 0.0 && (r.binding < 1.0 || lowered) {
                let name = format!("{} veto binds", sc.actors[r.actor].id);
                push(&mut inputs, &mut groups, Input::Veto { ratifier: k }, name, true);
            }
        }
        if settings.channel.mediated() && settings.mediator.noise > 0.0 {
            let mut columns = Vec::new();
            for party in 0..2 {
                for k in 0..agenda.len() {
                    columns.push(inputs.len());
                    inputs.push(Input::MediatorIdeal { party, k });
                    columns.push(inputs.len());
                    inputs.push(Input::MediatorSalience { party, k });
                }
            }
            let name = match mediator {
                Some(m) => format!("{}'s perception of the parties", sc.actors[m].id),
                None => "mediator's perception".into(),
            };
            groups.push(Group { name, columns, affects_talks: true });
        }

        // Red lines: which one holds, and where its inner bounds lie. They move
        // the talks for the principals, their influencers (when red lines pull)
        // and the ratifiers (whose red lines bind their agents).
        for (k, s) in sc.stances.iter().enumerate() {
            if !s.red_line_uncertain() {
                continue;
            }
            let a = ix.actor(&s.actor).unwrap_or(0);
            let talks = principals.contains(&a)
                || ratifiers.iter().any(|r| r.actor == a)
                || (settings.red_line_influence > 0.0 && influencers.iter().flatten().any(|i| i.actor == a));
            let mut columns = Vec::new();
            if !s.red_line_alternatives.is_empty() {
                columns.push(inputs.len());
                inputs.push(Input::RedLineChoice { stance: k });
            }
            if s.red_line_sd.is_some_and(|sd| sd > 0.0) {
                columns.push(inputs.len());
                inputs.push(Input::RedLineLow { stance: k });
                columns.push(inputs.len());
                inputs.push(Input::RedLineHigh { stance: k });
            }
            groups.push(Group { name: format!("{}.{}.red_line", s.actor, s.issue), columns, affects_talks: talks });
        }

        // The clock: events that pass by the deadline set the no-deal world;
        // options open in the round their date falls in.
        let start_day = sc.meta.as_of.as_deref().and_then(crate::calendar::parse);
        let round_days = settings.round_days;
        let mediated_days = if settings.mediator.round_days > 0 { settings.mediator.round_days } else { round_days };
        let channel_days = [round_days, mediated_days];
        let deadline_days = u64::from(settings.deadline_rounds) * u64::from(round_days);
        let deadline = channel_days.map(|days| (deadline_days / u64::from(days.max(1))).max(1));
        let deadline_day = start_day.map(|s| s + i64::from(settings.deadline_rounds) * i64::from(round_days));
        let mut no_deal_point: Vec<Option<f64>> = sc.issues.iter().map(|i| i.status_quo).collect();
        let mut events: Vec<(i64, usize, f64)> = sc
            .timeline
            .iter()
            .filter(|e| e.actor.is_none())
            .filter_map(|e| {
                let day = crate::calendar::parse(&e.date)?;
                let i = ix.issue(e.issue.as_deref()?)?;
                Some((day, i, e.status_quo?))
            })
            .collect();
        let mut stance_events: Vec<(i64, StanceEvent)> = sc
            .timeline
            .iter()
            .filter_map(|e| {
                let day = crate::calendar::parse(&e.date)?;
                let (start, dl) = (start_day?, deadline_day?);
                if day >= dl {
                    return None;
                }
                let stance = ix
                    .actor(e.actor.as_deref()?)
                    .zip(ix.issue(e.issue.as_deref()?))
                    .and_then(|(a, i)| stance_of[a][i])?;
                let round = channel_days.map(|days| crate::calendar::round_of(day, start, days));
                Some((day, StanceEvent { stance, red_line: e.red_line, salience: e.salience, round }))
            })
            .collect();
        stance_events.sort_by_key(|(day, _)| *day);
        let stance_events: Vec<StanceEvent> = stance_events.into_iter().map(|(_, e)| e).collect();
        events.sort_by_key(|e| e.0);
        for (day, i, v) in events {
            // The last round ends the day before `dl`: an event on `dl` comes after the talks.
            if deadline_day.is_some_and(|dl| day < dl) {
                no_deal_point[i] = Some(v);
            }
        }
        let mut options = Vec::new();
        for o in &sc.options {
            let (Some(holder), Some(target)) = (ix.actor(&o.holder), ix.actor(&o.target)) else { continue };
            let from_round = channel_days.map(|days| {
                match (o.available_from.as_deref().and_then(crate::calendar::parse), start_day) {
                    (Some(day), Some(start)) => crate::calendar::round_of(day, start, days),
                    _ => 0,
                }
            });
            let gain_sd = o.gain_sd.unwrap_or(0.0);
            if gain_sd > 0.0 {
                groups.push(Group {
                    name: format!("{}'s option: {}", o.holder, o.name),
                    columns: vec![inputs.len()],
                    affects_talks: true,
                });
                inputs.push(Input::OptionGain { option: options.len() });
            }
            options.push(PlannedOption {
                holder,
                target,
                name: o.name.clone(),
                kind: o.kind,
                gain: o.gain,
                gain_sd,
                cost: o.cost,
                from_round,
                from_date: o.available_from.clone().or_else(|| sc.meta.as_of.clone()),
            });
        }

        if settings.channel.mediated() && settings.mediator.breakdown > 0.0 && settings.mediator.breakdown < 1.0 {
            groups.push(Group {
                name: "a mediated deal breaks down".into(),
                columns: vec![inputs.len()],
                affects_talks: true,
            });
            inputs.push(Input::Breakdown);
        }
        if settings.perception_sd > 0.0 {
            let mut columns = Vec::new();
            for party in 0..2 {
                for k in 0..agenda.len() {
                    columns.push(inputs.len());
                    inputs.push(Input::Perception { party, k });
                }
            }
            groups.push(Group {
                name: "each side's error about the other's red lines".into(),
                columns,
                affects_talks: true,
            });
        }

        let bdm_actors = (0..n_actors).filter(|&a| has_stance(a)).collect();
        Ok(Plan {
            channel: settings.channel,
            settings,
            principals,
            principal_source,
            agenda,
            mediator,
            specs,
            stall_specs,
            stall_share,
            influencers,
            ratifiers,
            stance_of,
            issue_of,
            scale_of,
            status_quo: sc.issues.iter().map(|i| i.status_quo).collect(),
            no_deal_point,
            options,
            start_day,
            round_days: channel_days,
            deadline,
            stance_events,
            inputs,
            groups,
            bdm_actors,
            bdm: sc.engines.bdm.clone().unwrap_or_default(),
        })
    }

    /// The interval a stance's position is drawn in: its scale within `red_line`.
    pub fn bounds_within(&self, stance: usize, red_line: Option<[f64; 2]>) -> [f64; 2] {
        let [lo, hi] = self.scale_of[stance];
        match red_line {
            Some([a, b]) => [a.max(lo), b.min(hi)],
            None => [lo, hi],
        }
    }

    /// Number of uniform numbers a run consumes.
    pub fn dimension(&self) -> usize {
        self.inputs.len()
    }
}
