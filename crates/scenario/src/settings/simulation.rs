//! Options of the negotiation simulation (`demarche simulate`), stored in a
//! scenario's optional `[simulation]` table.
//!
//! They say who sits at the table, which issues are on it, how the talks are
//! run (direct alternating offers or a mediator's single text), how long they
//! may last, what each party expects without a deal, how often a party stalls,
//! and how much a ratifier's veto binds. Every field has a documented default,
//! so a scenario without the table can still be simulated. The modelling choice
//! behind each field is in docs/models.md (`## simulation`); the simulation
//! itself is the `demarche-sim` crate.
//!
//! References to actors and issues are checked by [`validate`] (and, when a
//! file is loaded, while decoding, so errors carry line and column).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::decode::{Cx, Table};
use crate::diag::{suggest, Diagnostic, Diagnostics, Hints};
use crate::model::{ActorKind, RelationKind, Scenario};
use crate::node::{Node, Value};

/// Most Monte Carlo runs one simulation may ask for (memory grows with runs).
pub const MAX_RUNS: u32 = 1_000_000;
/// Longest deadline, in rounds.
pub const MAX_DEADLINE_ROUNDS: u32 = 10_000;
/// Largest number of candidate outcomes the discretised negotiation may hold.
pub const MAX_RESOLUTION: u32 = 1 << 20;

/// Which channel(s) to simulate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Alternating offers between the two principals (Rubinstein 1982).
    Direct,
    /// A single text drafted by the mediator (Raiffa 1982).
    Mediated,
    /// Both, on the same Monte Carlo draws, for comparison.
    #[default]
    Both,
}

impl Channel {
    pub const NAMES: [&'static str; 3] = ["direct", "mediated", "both"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "direct" => Some(Channel::Direct),
            "mediated" | "mediation" => Some(Channel::Mediated),
            "both" => Some(Channel::Both),
            _ => None,
        }
    }

    pub fn direct(self) -> bool {
        matches!(self, Channel::Direct | Channel::Both)
    }

    pub fn mediated(self) -> bool {
        matches!(self, Channel::Mediated | Channel::Both)
    }
}

/// How an actor's utility on an issue falls with distance from its ideal point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// `1 − (d/R)²`: small concessions cost little, large ones a lot (risk-averse).
    #[default]
    Quadratic,
    /// `1 − d/R`: every unit of distance costs the same.
    Linear,
}

impl Loss {
    pub const NAMES: [&'static str; 2] = ["quadratic", "linear"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "quadratic" => Some(Loss::Quadratic),
            "linear" => Some(Loss::Linear),
            _ => None,
        }
    }
}

/// What a ratifier (an actor holding a `veto` relation over a principal) checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ratification {
    /// The deal lies inside every red line the ratifier states.
    #[default]
    RedLines,
    /// As `red_lines`, and the ratifier prefers the deal to no deal.
    RedLinesAndGain,
}

impl Ratification {
    pub const NAMES: [&'static str; 2] = ["red_lines", "red_lines_and_gain"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().replace('-', "_").to_ascii_lowercase().as_str() {
            "red_lines" => Some(Ratification::RedLines),
            "red_lines_and_gain" => Some(Ratification::RedLinesAndGain),
            _ => None,
        }
    }
}

/// The mediator of the `mediated` channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct MediatorSettings {
    /// The mediating actor; default: the `from` of a `mediates` relation to a
    /// principal, else the only actor of kind `mediator`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// How imperfectly the mediator knows the parties: the standard deviation
    /// of its error on each party's ideal points (as a fraction of each
    /// issue's range) and, relatively, on their saliences. 0 = it knows them.
    pub noise: f64,
    /// How much the mediator leans towards `bias_toward`, 0–1: its first text
    /// and its weighting of gains favour that party by this much.
    pub bias: f64,
    /// The principal the mediator leans towards (required when `bias` > 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bias_toward: Option<String>,
}

impl Default for MediatorSettings {
    fn default() -> Self {
        MediatorSettings { actor: None, noise: 0.1, bias: 0.0, bias_toward: None }
    }
}

/// One principal's behaviour and outside option.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PartySettings {
    /// Its negotiation strategy in the direct channel (a demarche-negotiation
    /// strategy name: `boulware`, `linear`, `conceder`, `tft`, `hardliner`, …).
    pub strategy: String,
    /// The share of Monte Carlo runs in which it stalls ("buys time") instead.
    pub stall_probability: f64,
    /// The strategy it uses when it stalls (default `staller`: holds near its
    /// best for 80 % of the time, then concedes).
    pub stall_strategy: String,
    /// Its no-deal value relative to the status quo, in utility units (−1 to
    /// 1): negative when no deal is worse than today (sanctions, snapback,
    /// the other side's coercive options), positive when it is better.
    pub no_deal: f64,
    /// Standard deviation of `no_deal` across Monte Carlo runs.
    pub no_deal_sd: f64,
}

impl Default for PartySettings {
    fn default() -> Self {
        PartySettings {
            strategy: "boulware".into(),
            stall_probability: 0.0,
            stall_strategy: "staller".into(),
            no_deal: 0.0,
            no_deal_sd: 0.0,
        }
    }
}

/// The `[simulation]` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SimulationSettings {
    /// The two parties at the table (actor ids). Default: the two actors a
    /// `mediates` relation points to, else the two most capable actors with stances.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub principals: Vec<String>,
    /// Issues on the table (ids). Default: every issue both principals take a
    /// stance on. Issues off the table stay at their status quo in any deal.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agenda: Vec<String>,
    /// The channel(s) to simulate.
    pub channel: Channel,
    /// Monte Carlo runs (1 to 1,000,000).
    pub runs: u32,
    /// Seed of the random draws; the same seed gives the same results.
    pub seed: u64,
    /// Rounds before the talks end without a deal (e.g. a snapback date).
    pub deadline_rounds: u32,
    /// Per-round discount factor in (0, 1]: the value of a deal reached after
    /// r rounds is multiplied by discount^r (1 = no discounting).
    pub discount: f64,
    /// Shape of each actor's utility around its ideal point.
    pub loss: Loss,
    /// Most candidate deals the discretised negotiation holds (16 to 1,048,576).
    pub resolution: u32,
    /// How far an influencer's red lines move a principal's, as a multiple of
    /// the `influences` weight (0 = influence moves ideal points only).
    pub red_line_influence: f64,
    /// What a ratifier checks before a deal stands.
    pub ratification: Ratification,
    pub mediator: MediatorSettings,
    /// Per-principal settings, by actor id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub parties: BTreeMap<String, PartySettings>,
    /// Probability that each ratifier's veto binds in a run, by actor id.
    /// Default: the `veto` relation's weight, else 1.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub ratifiers: BTreeMap<String, f64>,
}

impl Default for SimulationSettings {
    fn default() -> Self {
        SimulationSettings {
            principals: Vec::new(),
            agenda: Vec::new(),
            channel: Channel::Both,
            runs: 2000,
            seed: 0,
            deadline_rounds: 24,
            discount: 1.0,
            loss: Loss::Quadratic,
            resolution: 4096,
            red_line_influence: 1.0,
            ratification: Ratification::RedLines,
            mediator: MediatorSettings::default(),
            parties: BTreeMap::new(),
            ratifiers: BTreeMap::new(),
        }
    }
}

/// Every key [`SimulationSettings::set`] accepts (for hints).
pub const KEYS: &[&str] = &[
    "principals",
    "agenda",
    "channel",
    "runs",
    "seed",
    "deadline_rounds",
    "discount",
    "loss",
    "resolution",
    "red_line_influence",
    "ratification",
    "mediator.actor",
    "mediator.noise",
    "mediator.bias",
    "mediator.bias_toward",
    "parties.<actor>.strategy",
    "parties.<actor>.stall_probability",
    "parties.<actor>.stall_strategy",
    "parties.<actor>.no_deal",
    "parties.<actor>.no_deal_sd",
    "ratifiers.<actor>",
];

const PARTY_KEYS: [&str; 5] = ["strategy", "stall_probability", "stall_strategy", "no_deal", "no_deal_sd"];
const MEDIATOR_KEYS: [&str; 4] = ["actor", "noise", "bias", "bias_toward"];

/// A number's allowed range, with the words used in messages.
struct Range {
    lo: f64,
    hi: f64,
    lo_open: bool,
    what: &'static str,
}

impl Range {
    const UNIT: Range = Range { lo: 0.0, hi: 1.0, lo_open: false, what: "between 0 and 1" };
    const SIGNED_UNIT: Range = Range { lo: -1.0, hi: 1.0, lo_open: false, what: "between -1 and 1" };
    const DISCOUNT: Range = Range { lo: 0.0, hi: 1.0, lo_open: true, what: "above 0 and at most 1" };

    fn check(&self, x: f64) -> bool {
        x.is_finite() && x <= self.hi && if self.lo_open { x > self.lo } else { x >= self.lo }
    }
}

fn number(key: &str, value: &str, range: &Range) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(x) if range.check(x) => Ok(x),
        _ => Err(format!("simulation option `{key}`: `{value}` is not a number {}", range.what)),
    }
}

fn whole(key: &str, value: &str, lo: u64, hi: u64) -> Result<u64, String> {
    match value.trim().parse::<u64>() {
        Ok(x) if (lo..=hi).contains(&x) => Ok(x),
        _ => Err(format!("simulation option `{key}`: `{value}` is not a whole number from {lo} to {hi}")),
    }
}

fn id_list(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

impl SimulationSettings {
    /// Sets one option from `key=value` text (the command line's
    /// `--set simulation.KEY=VALUE`). References are checked later, by [`validate`].
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let key = key.trim();
        let value = value.trim();
        let parts: Vec<&str> = key.split('.').collect();
        let kw =
            |names: &[&str]| format!("simulation option `{key}`: unknown value `{value}`; {}", suggest(value, names));
        match parts.as_slice() {
            ["principals"] => self.principals = id_list(value),
            ["agenda"] => self.agenda = id_list(value),
            ["channel"] => self.channel = Channel::parse(value).ok_or_else(|| kw(&Channel::NAMES))?,
            ["runs"] => self.runs = whole(key, value, 1, MAX_RUNS as u64)? as u32,
            ["seed"] => self.seed = whole(key, value, 0, u64::MAX)?,
            ["deadline_rounds"] => self.deadline_rounds = whole(key, value, 1, MAX_DEADLINE_ROUNDS as u64)? as u32,
            ["discount"] => self.discount = number(key, value, &Range::DISCOUNT)?,
            ["loss"] => self.loss = Loss::parse(value).ok_or_else(|| kw(&Loss::NAMES))?,
            ["resolution"] => self.resolution = whole(key, value, 16, MAX_RESOLUTION as u64)? as u32,
            ["red_line_influence"] => self.red_line_influence = number(key, value, &Range::UNIT)?,
            ["ratification"] => {
                self.ratification = Ratification::parse(value).ok_or_else(|| kw(&Ratification::NAMES))?
            }
            ["mediator", field] => match *field {
                "actor" => self.mediator.actor = (!value.is_empty()).then(|| value.to_owned()),
                "noise" => self.mediator.noise = number(key, value, &Range::UNIT)?,
                "bias" => self.mediator.bias = number(key, value, &Range::UNIT)?,
                "bias_toward" => self.mediator.bias_toward = (!value.is_empty()).then(|| value.to_owned()),
                other => {
                    return Err(format!(
                        "unknown simulation option `mediator.{other}`; {}",
                        suggest(other, &MEDIATOR_KEYS)
                    ))
                }
            },
            ["parties", actor, field] => {
                let p = self.parties.entry((*actor).to_owned()).or_default();
                match *field {
                    "strategy" => p.strategy = value.to_owned(),
                    "stall_probability" => p.stall_probability = number(key, value, &Range::UNIT)?,
                    "stall_strategy" => p.stall_strategy = value.to_owned(),
                    "no_deal" => p.no_deal = number(key, value, &Range::SIGNED_UNIT)?,
                    "no_deal_sd" => p.no_deal_sd = number(key, value, &Range::UNIT)?,
                    other => {
                        return Err(format!(
                            "unknown simulation option `parties.{actor}.{other}`; {}",
                            suggest(other, &PARTY_KEYS)
                        ))
                    }
                }
            }
            ["ratifiers", actor] => {
                let x = number(key, value, &Range::UNIT)?;
                self.ratifiers.insert((*actor).to_owned(), x);
            }
            _ => {
                return Err(format!("unknown simulation option `{key}`; {}", suggest(key, KEYS)));
            }
        }
        Ok(())
    }

    /// The settings of `actor` (defaults when the table does not name it).
    pub fn party(&self, actor: &str) -> PartySettings {
        self.parties.get(actor).cloned().unwrap_or_default()
    }

    /// Every option and its value, defaults included, for reports.
    pub fn entries(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        m.insert("principals".into(), self.principals.join(","));
        m.insert("agenda".into(), self.agenda.join(","));
        m.insert("channel".into(), self.channel.as_str().into());
        m.insert("runs".into(), self.runs.to_string());
        m.insert("seed".into(), self.seed.to_string());
        m.insert("deadline_rounds".into(), self.deadline_rounds.to_string());
        m.insert("discount".into(), format!("{}", self.discount));
        m.insert("loss".into(), self.loss.as_str().into());
        m.insert("resolution".into(), self.resolution.to_string());
        m.insert("red_line_influence".into(), format!("{}", self.red_line_influence));
        m.insert("ratification".into(), self.ratification.as_str().into());
        m.insert("mediator.actor".into(), self.mediator.actor.clone().unwrap_or_default());
        m.insert("mediator.noise".into(), format!("{}", self.mediator.noise));
        m.insert("mediator.bias".into(), format!("{}", self.mediator.bias));
        m.insert("mediator.bias_toward".into(), self.mediator.bias_toward.clone().unwrap_or_default());
        for (id, p) in &self.parties {
            m.insert(format!("parties.{id}.strategy"), p.strategy.clone());
            m.insert(format!("parties.{id}.stall_probability"), format!("{}", p.stall_probability));
            m.insert(format!("parties.{id}.stall_strategy"), p.stall_strategy.clone());
            m.insert(format!("parties.{id}.no_deal"), format!("{}", p.no_deal));
            m.insert(format!("parties.{id}.no_deal_sd"), format!("{}", p.no_deal_sd));
        }
        for (id, w) in &self.ratifiers {
            m.insert(format!("ratifiers.{id}"), format!("{w}"));
        }
        m
    }
}

/// Checks the `[simulation]` table of `sc` against the rest of the scenario:
/// every actor and issue it names exists (with the nearest id as a hint),
/// two distinct principals, parties that are principals, a bias with a target.
/// Empty when the scenario has no `[simulation]` table.
pub fn validate(sc: &Scenario) -> Diagnostics {
    let mut d = Diagnostics::new();
    let Some(s) = &sc.simulation else { return d };
    // Each kind of id hashed (for look-ups) and in order (for hints).
    type Ids<'a> = (std::collections::HashSet<&'a str>, Vec<&'a str>);
    fn ids(list: Vec<&str>) -> Ids<'_> {
        (list.iter().copied().collect(), list)
    }
    let actors = ids(sc.actors.iter().map(|a| a.id.as_str()).collect());
    let issues = ids(sc.issues.iter().map(|i| i.id.as_str()).collect());
    let mut hints = Hints::default();
    let mut known = |id: &str, (set, list): &Ids<'_>, path: String, what: &str, d: &mut Diagnostics| -> bool {
        if set.contains(id) {
            return true;
        }
        let hint = match hints.nearest(id, list.iter().copied()) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("known {what}s: {}", list.iter().take(12).copied().collect::<Vec<_>>().join(", ")),
        };
        d.push(Diagnostic::error(path, format!("unknown {what} `{id}`")).with_hint(hint));
        false
    };
    if !s.principals.is_empty() {
        if s.principals.len() != 2 {
            d.push(
                Diagnostic::error(
                    "simulation.principals",
                    format!("the talks need exactly two principals, {} given", s.principals.len()),
                )
                .with_hint("name the two parties at the table, e.g. principals = [\"iran_gov\", \"us_admin\"]"),
            );
        } else if s.principals[0] == s.principals[1] {
            d.push(Diagnostic::error("simulation.principals", "the two principals are the same actor"));
        }
        for (k, p) in s.principals.iter().enumerate() {
            known(p, &actors, format!("simulation.principals[{k}]"), "actor", &mut d);
        }
    }
    for (k, i) in s.agenda.iter().enumerate() {
        known(i, &issues, format!("simulation.agenda[{k}]"), "issue", &mut d);
    }
    if let Some(m) = &s.mediator.actor {
        if known(m, &actors, "simulation.mediator.actor".into(), "actor", &mut d) {
            if s.principals.iter().any(|p| p == m) {
                d.push(Diagnostic::error(
                    "simulation.mediator.actor",
                    format!("`{m}` cannot both mediate and sit at the table"),
                ));
            }
            if sc.actors.iter().any(|a| a.id == *m && a.kind != ActorKind::Mediator) {
                d.push(
                    Diagnostic::warning(
                        "simulation.mediator.actor",
                        format!("`{m}` mediates but its kind is not `mediator`"),
                    )
                    .with_hint("set `kind = \"mediator\"` on the actor"),
                );
            }
        }
    }
    if let Some(b) = &s.mediator.bias_toward {
        if known(b, &actors, "simulation.mediator.bias_toward".into(), "actor", &mut d)
            && !s.principals.is_empty()
            && !s.principals.contains(b)
        {
            d.push(
                Diagnostic::error("simulation.mediator.bias_toward", format!("`{b}` is not a principal"))
                    .with_hint(format!("the mediator can lean towards {}", s.principals.join(" or "))),
            );
        }
    } else if s.mediator.bias > 0.0 {
        d.push(
            Diagnostic::error("simulation.mediator.bias", "a bias needs `bias_toward`: the principal it favours")
                .with_hint("add `bias_toward = \"<principal id>\"` under [simulation.mediator]"),
        );
    }
    for id in s.parties.keys() {
        let path = format!("simulation.parties.{id}");
        if known(id, &actors, path.clone(), "actor", &mut d) && !s.principals.is_empty() && !s.principals.contains(id) {
            d.push(
                Diagnostic::error(
                    path,
                    format!("`{id}` is not a principal; only the parties at the table have settings"),
                )
                .with_hint(format!("principals: {}", s.principals.join(", "))),
            );
        }
    }
    let vetoes: std::collections::HashSet<&str> =
        sc.relations.iter().filter(|r| r.kind == RelationKind::Veto).map(|r| r.from.as_str()).collect();
    for id in s.ratifiers.keys() {
        let path = format!("simulation.ratifiers.{id}");
        if known(id, &actors, path.clone(), "actor", &mut d) && !vetoes.contains(id.as_str()) {
            d.push(
                Diagnostic::warning(path, format!("`{id}` holds no `veto` relation, so it ratifies nothing"))
                    .with_hint("add a `veto` relation from it to a principal, or remove the entry"),
            );
        }
    }
    d
}

pub(crate) fn decode(n: &Node, path: &str, cx: &mut Cx) -> Option<SimulationSettings> {
    let mut t = Table::new(n, path, cx)?;
    let mut s = SimulationSettings {
        principals: t.opt_str_list("principals", cx),
        agenda: t.opt_str_list("agenda", cx),
        ..Default::default()
    };
    if let Some(c) = t.opt_keyword("channel", &Channel::NAMES, Channel::parse, cx) {
        s.channel = c;
    }
    if let Some(x) = bounded_u64(&mut t, "runs", 1, MAX_RUNS as u64, cx) {
        s.runs = x as u32;
    }
    if let Some(x) = t.opt_u64("seed", cx) {
        s.seed = x;
    }
    if let Some(x) = bounded_u64(&mut t, "deadline_rounds", 1, MAX_DEADLINE_ROUNDS as u64, cx) {
        s.deadline_rounds = x as u32;
    }
    if let Some(x) = bounded_f64(&mut t, "discount", &Range::DISCOUNT, cx) {
        s.discount = x;
    }
    if let Some(l) = t.opt_keyword("loss", &Loss::NAMES, Loss::parse, cx) {
        s.loss = l;
    }
    if let Some(x) = bounded_u64(&mut t, "resolution", 16, MAX_RESOLUTION as u64, cx) {
        s.resolution = x as u32;
    }
    if let Some(x) = bounded_f64(&mut t, "red_line_influence", &Range::UNIT, cx) {
        s.red_line_influence = x;
    }
    if let Some(r) = t.opt_keyword("ratification", &Ratification::NAMES, Ratification::parse, cx) {
        s.ratification = r;
    }
    if let Some(m) = t.take("mediator", cx) {
        let p = t.field_path("mediator");
        if let Some(mut mt) = Table::new(m, &p, cx) {
            s.mediator.actor = mt.opt_str("actor", cx);
            if let Some(x) = bounded_f64(&mut mt, "noise", &Range::UNIT, cx) {
                s.mediator.noise = x;
            }
            if let Some(x) = bounded_f64(&mut mt, "bias", &Range::UNIT, cx) {
                s.mediator.bias = x;
            }
            s.mediator.bias_toward = mt.opt_str("bias_toward", cx);
            mt.finish(cx);
        }
    }
    if let Some(pn) = t.take("parties", cx) {
        let p = t.field_path("parties");
        for (id, node) in entries(pn, &p, cx) {
            let pp = format!("{p}.{id}");
            let Some(mut pt) = Table::new(node, &pp, cx) else { continue };
            let mut party = PartySettings::default();
            if let Some(x) = pt.opt_str("strategy", cx) {
                party.strategy = x;
            }
            if let Some(x) = bounded_f64(&mut pt, "stall_probability", &Range::UNIT, cx) {
                party.stall_probability = x;
            }
            if let Some(x) = pt.opt_str("stall_strategy", cx) {
                party.stall_strategy = x;
            }
            if let Some(x) = bounded_f64(&mut pt, "no_deal", &Range::SIGNED_UNIT, cx) {
                party.no_deal = x;
            }
            if let Some(x) = bounded_f64(&mut pt, "no_deal_sd", &Range::UNIT, cx) {
                party.no_deal_sd = x;
            }
            pt.finish(cx);
            s.parties.insert(id, party);
        }
    }
    if let Some(rn) = t.take("ratifiers", cx) {
        let p = t.field_path("ratifiers");
        for (id, node) in entries(rn, &p, cx) {
            let pp = format!("{p}.{id}");
            if let Some(x) = crate::decode::reader::as_f64(node, &pp, cx) {
                if Range::UNIT.check(x) {
                    s.ratifiers.insert(id, x);
                } else {
                    cx.error(&pp, &node.span, format!("a veto's binding probability must be between 0 and 1, got {x}"));
                }
            }
        }
    }
    t.finish(cx);
    Some(s)
}

/// Runs [`validate`] on a freshly decoded scenario and records its findings
/// with the spans the decoder saw, so they point at the file.
pub(crate) fn check_into(sc: &Scenario, cx: &mut Cx) {
    for mut d in validate(sc) {
        if d.span.is_none() {
            d.span = cx.span_of(&d.path);
        }
        cx.diags.push(d);
    }
}

fn entries<'n>(n: &'n Node, path: &str, cx: &mut Cx) -> Vec<(String, &'n Node)> {
    cx.spans.insert(path.to_string(), n.span.clone());
    match &n.value {
        Value::Table(items) => items
            .iter()
            .map(|(k, _, v)| {
                cx.spans.insert(format!("{path}.{k}"), v.span.clone());
                (k.clone(), v)
            })
            .collect(),
        _ => {
            cx.error(path, &n.span, format!("expected a table keyed by actor id, found {}", n.type_name()));
            Vec::new()
        }
    }
}

fn bounded_f64(t: &mut Table<'_>, key: &'static str, range: &Range, cx: &mut Cx) -> Option<f64> {
    let x = t.opt_f64(key, cx)?;
    if range.check(x) {
        Some(x)
    } else {
        let p = t.field_path(key);
        let span = cx.span_of(&p).unwrap_or_default();
        cx.error(&p, &span, format!("`{key}` must be a number {}, got {x}", range.what));
        None
    }
}

fn bounded_u64(t: &mut Table<'_>, key: &'static str, lo: u64, hi: u64, cx: &mut Cx) -> Option<u64> {
    let x = t.opt_u64(key, cx)?;
    if (lo..=hi).contains(&x) {
        Some(x)
    } else {
        let p = t.field_path(key);
        let span = cx.span_of(&p).unwrap_or_default();
        cx.error(&p, &span, format!("`{key}` must be a whole number from {lo} to {hi}, got {x}"));
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
[meta]
title = "t"
[[actors]]
id = "a"
name = "A"
capability = 1
[[actors]]
id = "b"
name = "B"
capability = 1
[[actors]]
id = "m"
name = "M"
kind = "mediator"
capability = 1
[[issues]]
id = "x"
name = "X"
min = 0
max = 10
low = "l"
high = "h"
[[stances]]
actor = "a"
issue = "x"
position = 1
salience = 1
[[stances]]
actor = "b"
issue = "x"
position = 9
salience = 1
"#;

    fn load(extra: &str) -> Result<crate::Loaded, crate::LoadError> {
        crate::load_str(&format!("{DOC}\n{extra}"), Some(crate::Format::Toml), Some("x.toml"))
    }

    #[test]
    fn defaults_when_absent_and_full_table_decodes() {
        assert!(load("").unwrap().scenario.simulation.is_none());
        let l = load(
            r#"[simulation]
principals = ["a", "b"]
agenda = ["x"]
channel = "direct"
runs = 500
seed = 9
deadline_rounds = 12
discount = 0.95
loss = "linear"
resolution = 1024
red_line_influence = 0.5
ratification = "red_lines_and_gain"
[simulation.mediator]
actor = "m"
noise = 0.2
bias = 0.1
bias_toward = "a"
[simulation.parties.a]
strategy = "conceder"
stall_probability = 0.3
no_deal = -0.1
no_deal_sd = 0.05
"#,
        )
        .unwrap();
        let s = l.scenario.simulation.unwrap();
        assert_eq!(s.principals, ["a", "b"]);
        assert_eq!(s.channel, Channel::Direct);
        assert_eq!((s.runs, s.seed, s.deadline_rounds, s.resolution), (500, 9, 12, 1024));
        assert_eq!(s.loss, Loss::Linear);
        assert_eq!(s.mediator.actor.as_deref(), Some("m"));
        assert_eq!(s.party("a").strategy, "conceder");
        assert_eq!(s.party("a").stall_probability, 0.3);
        assert_eq!(s.party("b"), PartySettings::default());
    }

    #[test]
    fn unknown_ids_get_the_nearest_id_with_a_location() {
        let e = load(
            "[simulation]\nprincipals = [\"a\", \"bb\"]\nagenda = [\"y\"]\n[simulation.mediator]\nactor = \"mm\"\n",
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("unknown actor `bb`") && msg.contains("did you mean `b`?"), "{msg}");
        assert!(msg.contains("unknown issue `y`"), "{msg}");
        assert!(msg.contains("unknown actor `mm`") && msg.contains("did you mean `m`?"), "{msg}");
        assert!(e.diagnostics.iter().all(|d| d.location.is_some()), "{msg}");
    }

    #[test]
    fn bad_values_and_keys_are_errors() {
        let e = load("[simulation]\nrunz = 5\ndiscount = 0\nchannel = \"mediatd\"\nruns = 0\n").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("unknown field `runz`") && msg.contains("did you mean `runs`?"), "{msg}");
        assert!(msg.contains("discount"), "{msg}");
        assert!(msg.contains("did you mean `mediated`?"), "{msg}");
        assert!(msg.contains("`runs` must be a whole number"), "{msg}");
        let e =
            load("[simulation]\nprincipals = [\"a\", \"b\"]\n[simulation.parties.m]\nstrategy = \"x\"\n").unwrap_err();
        assert!(e.to_string().contains("not a principal"), "{e}");
        let e = load("[simulation.mediator]\nbias = 0.2\n").unwrap_err();
        assert!(e.to_string().contains("bias_toward"), "{e}");
    }

    #[test]
    fn set_parses_and_refuses() {
        let mut s = SimulationSettings::default();
        s.set("mediator.noise", "0.3").unwrap();
        s.set("parties.a.stall_probability", "0.5").unwrap();
        s.set("channel", "direct").unwrap();
        s.set("principals", "a, b").unwrap();
        assert_eq!(s.mediator.noise, 0.3);
        assert_eq!(s.party("a").stall_probability, 0.5);
        assert_eq!(s.principals, ["a", "b"]);
        assert!(s.set("mediator.nois", "0.3").unwrap_err().contains("did you mean `noise`?"));
        assert!(s.set("runs", "0").is_err());
        assert!(s.set("discount", "1.5").is_err());
        assert!(s.set("channel", "phone").is_err());
    }

    #[test]
    fn round_trips_through_toml_and_json() {
        let l = load("[simulation]\nprincipals = [\"a\", \"b\"]\n[simulation.parties.a]\nno_deal = -0.2\n").unwrap();
        let toml = crate::to_toml(&l.scenario).unwrap();
        let back = crate::load_str(&toml, Some(crate::Format::Toml), None).unwrap();
        assert_eq!(back.scenario, l.scenario);
        let json = crate::to_json(&l.scenario);
        let back = crate::load_str(&json, Some(crate::Format::Json), None).unwrap();
        assert_eq!(back.scenario, l.scenario);
    }
}
