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

use crate::diag::{suggest, Diagnostic, Diagnostics, Hints};
use crate::model::{ActorKind, RelationKind, Scenario};
use crate::node::{Node, Value};
use crate::reader::{Cx, Table};
use crate::settings::declare::{signed_unit, unit, whole_in};
use crate::settings::SettingError;

/// Most Monte Carlo runs one simulation may ask for. Memory does not grow
/// with the runs (value distributions are bounded), time does: 10⁹ runs of
/// the seed take about two hours on two cores.
pub const MAX_RUNS: u32 = 1_000_000_000;
/// Longest deadline, in rounds.
pub const MAX_DEADLINE_ROUNDS: u32 = 10_000;
/// Largest number of candidate outcomes the discretised negotiation may hold.
pub const MAX_RESOLUTION: u32 = 1 << 20;

crate::settings::declare::keyword_enum! {
    /// Which channel(s) to simulate.
    Channel {
        /// Alternating offers between the two principals (Rubinstein 1982).
        Direct = "direct",
        /// A single text drafted by the mediator (Raiffa 1982).
        Mediated = "mediated" | "mediation",
        /// Both, on the same Monte Carlo draws, for comparison.
        Both = "both",
    }
}

impl Channel {
    pub fn direct(self) -> bool {
        matches!(self, Channel::Direct | Channel::Both)
    }

    pub fn mediated(self) -> bool {
        matches!(self, Channel::Mediated | Channel::Both)
    }
}

crate::settings::declare::keyword_enum! {
    /// How an actor's utility on an issue falls with distance from its ideal point.
    Loss {
        /// `1 − (d/R)²`: small concessions cost little, large ones a lot (risk-averse).
        Quadratic = "quadratic",
        /// `1 − d/R`: every unit of distance costs the same.
        Linear = "linear",
    }
}

crate::settings::declare::keyword_enum! {
    /// What a ratifier (an actor holding a `veto` relation over a principal) checks.
    Ratification {
        /// The deal lies inside every red line the ratifier states.
        RedLines = "red_lines",
        /// As `red_lines`, and the ratifier prefers the deal to no deal.
        RedLinesAndGain = "red_lines_and_gain",
    }
}

crate::settings::declare::declare_settings! {
    engine = "simulation";
    /// The mediator of the `mediated` channel.
    pub struct MediatorSettings {
        /// The mediating actor; default: the `from` of a `mediates` relation to a
        /// principal, else the only actor of kind `mediator`.
        #[serde(skip_serializing_if = "Option::is_none")]
        opt actor: Option<String> = None;
        /// How imperfectly the mediator knows the parties: the standard deviation
        /// of its error on each party's ideal points (as a fraction of each
        /// issue's range) and, relatively, on their saliences. 0 = it knows them.
        opt noise: f64 = 0.1, check unit;
        /// How much the mediator leans towards `bias_toward`, 0–1: its first text
        /// and its weighting of gains favour that party by this much.
        opt bias: f64 = 0.0, check unit;
        /// The principal the mediator leans towards (required when `bias` > 0).
        #[serde(skip_serializing_if = "Option::is_none")]
        opt bias_toward: Option<String> = None;
        /// Information mechanism: how far the mediator's reports narrow each
        /// side's misperception of the other's red lines, 0–1 (0: not at all,
        /// 1: entirely). Acts only with `perception_sd` > 0 (Kydd 2003).
        opt credibility: f64 = 0.5, check unit;
        /// Deniability mechanism: the share by which each ratifier's chance of
        /// binding falls for a deal reached through the mediator (concessions
        /// made through a third party cost less at home). 0 = off.
        opt deniability: f64 = 0.0, check unit;
        /// Durability mechanism: the chance that a ratified deal reached through
        /// the mediator breaks down before the deadline (mediated agreements are
        /// reached more often and last less: Beardsley 2008, 2011). 0 = off.
        opt breakdown: f64 = 0.0, check unit;
        /// Time mechanism: days one round of mediated talks lasts (a text carried
        /// between capitals); 0 = as `[simulation] round_days`. The mediated
        /// channel then has as many rounds as fit before the same deadline date.
        opt round_days: u32 = 0, check mediated_round_days_range;
    }
}

crate::settings::declare::declare_settings! {
    engine = "simulation";
    /// One principal's behaviour and outside option.
    pub struct PartySettings {
        /// Its negotiation strategy in the direct channel (a demarche-negotiation
        /// strategy name: `boulware`, `linear`, `conceder`, `tft`, `hardliner`, …).
        opt strategy: String = "boulware".into();
        /// The share of Monte Carlo runs in which it stalls ("buys time") instead.
        opt stall_probability: f64 = 0.0, check unit;
        /// The strategy it uses when it stalls (default `staller`: holds near its
        /// best for 80 % of the time, then concedes).
        opt stall_strategy: String = "staller".into();
        /// Its no-deal value relative to the status quo, in utility units (−1 to
        /// 1): negative when no deal is worse than today (sanctions, snapback,
        /// the other side's coercive options), positive when it is better.
        opt no_deal: f64 = 0.0, check signed_unit;
        /// Standard deviation of `no_deal` across Monte Carlo runs.
        opt no_deal_sd: f64 = 0.0, check unit;
    }
}

crate::settings::declare::declare_settings! {
    engine = "simulation";
    /// The `[simulation]` table.
    pub struct SimulationSettings {
        /// The two parties at the table (actor ids). Default: the two actors a
        /// `mediates` relation points to, else the two most capable actors with stances.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        opt principals: Vec<String> = Vec::new();
        /// Issues on the table (ids). Default: every issue both principals take a
        /// stance on. Issues off the table stay at their status quo in any deal.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        opt agenda: Vec<String> = Vec::new();
        /// The channel(s) to simulate.
        opt channel: Channel = Channel::Both;
        /// Monte Carlo runs (1 to 1,000,000,000).
        opt runs: u32 = 2000, check runs_range;
        /// Seed of the random draws; the same seed gives the same results.
        opt seed: u64 = 0;
        /// Rounds before the talks end without a deal (e.g. a snapback date).
        opt deadline_rounds: u32 = 24, check deadline_range;
        /// Days a round lasts: round 1 starts on the scenario's as-of date, so
        /// `[[timeline]]` events and `[[options]]` dates fall in rounds.
        opt round_days: u32 = 7, check round_days_range;
        /// Per-round discount factor in (0, 1]: the value of a deal reached after
        /// r rounds is multiplied by discount^r (1 = no discounting).
        opt discount: f64 = 1.0, check discount_range;
        /// Shape of each actor's utility around its ideal point.
        opt loss: Loss = Loss::Quadratic;
        /// Most candidate deals the discretised negotiation holds (16 to 1,048,576).
        opt resolution: u32 = 4096, check resolution_range;
        /// Information mechanism: the standard deviation, as a share of each
        /// issue's scale, of each principal's error about where the other's red
        /// lines lie in direct talks (through a mediator it is scaled by 1 − its
        /// `credibility`). A principal that believes there is no zone walks
        /// away. 0 = both sides know each other's limits (off).
        opt perception_sd: f64 = 0.0, check unit;
        /// How far an influencer's red lines move a principal's, as a multiple of
        /// the `influences` weight (0 = influence moves ideal points only).
        opt red_line_influence: f64 = 1.0, check unit;
        /// What a ratifier checks before a deal stands.
        opt ratification: Ratification = Ratification::RedLines;
        special mediator: MediatorSettings = MediatorSettings::default();
        /// Per-principal settings, by actor id.
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        special parties: BTreeMap<String, PartySettings> = BTreeMap::new();
        /// Probability that each ratifier's veto binds in a run, by actor id.
        /// Default: the `veto` relation's weight, else 1.
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        special ratifiers: BTreeMap<String, f64> = BTreeMap::new();
    }
}

fn runs_range(x: &u32) -> Result<(), String> {
    whole_in(u64::from(*x), 1, u64::from(MAX_RUNS))
}

fn deadline_range(x: &u32) -> Result<(), String> {
    whole_in(u64::from(*x), 1, u64::from(MAX_DEADLINE_ROUNDS))
}

fn mediated_round_days_range(x: &u32) -> Result<(), String> {
    whole_in(u64::from(*x), 0, 366)
}

fn round_days_range(x: &u32) -> Result<(), String> {
    whole_in(u64::from(*x), 1, 366)
}

fn resolution_range(x: &u32) -> Result<(), String> {
    whole_in(u64::from(*x), 16, u64::from(MAX_RESOLUTION))
}

fn discount_range(x: &f64) -> Result<(), String> {
    if *x > 0.0 && *x <= 1.0 {
        Ok(())
    } else {
        Err("must be a number above 0 and at most 1".into())
    }
}

/// Every key [`SimulationSettings::set`] accepts (for hints and listings).
pub fn keys() -> Vec<String> {
    let mut k: Vec<String> = SimulationSettings::KEYS
        .iter()
        .filter(|k| !["mediator", "parties", "ratifiers"].contains(k))
        .map(|k| k.to_string())
        .collect();
    k.extend(MediatorSettings::KEYS.iter().map(|f| format!("mediator.{f}")));
    k.extend(PartySettings::KEYS.iter().map(|f| format!("parties.<actor>.{f}")));
    k.push("ratifiers.<actor>".into());
    k
}

impl SimulationSettings {
    /// Sets one option from `key=value` text (the command line's
    /// `--set simulation.KEY=VALUE`). References are checked later, by [`validate`].
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let key = key.trim();
        let value = value.trim();
        let parts: Vec<&str> = key.split('.').collect();
        let unknown = |what: &str, field: &str, known: &[&str]| {
            Err(SettingError::UnknownKey { engine: "simulation", key: what.to_string(), hint: suggest(field, known) })
        };
        match parts.as_slice() {
            ["mediator", field] => {
                self.mediator.set_declared(field, value).unwrap_or_else(|| unknown(key, field, MediatorSettings::KEYS))
            }
            ["parties", actor, field] => {
                let mut p = self.party(actor);
                p.set_declared(field, value).unwrap_or_else(|| unknown(key, field, PartySettings::KEYS))?;
                self.parties.insert((*actor).to_owned(), p);
                Ok(())
            }
            ["ratifiers", actor] => {
                let x = crate::settings::declare::parsed::<f64>("simulation", key, value, Some(unit))?;
                self.ratifiers.insert((*actor).to_owned(), x);
                Ok(())
            }
            [field] if !["mediator", "parties", "ratifiers"].contains(field) => {
                self.set_declared(field, value).unwrap_or_else(|| {
                    let known = keys();
                    let known: Vec<&str> = known.iter().map(String::as_str).collect();
                    unknown(key, key, &known)
                })
            }
            _ => {
                let known = keys();
                let known: Vec<&str> = known.iter().map(String::as_str).collect();
                unknown(key, key, &known)
            }
        }
    }

    /// The settings of `actor` (defaults when the table does not name it).
    pub fn party(&self, actor: &str) -> PartySettings {
        self.parties.get(actor).cloned().unwrap_or_default()
    }

    /// Every option and its value, defaults included, for reports.
    pub fn entries(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        self.declared_entries(&mut m);
        let mut mediator = BTreeMap::new();
        self.mediator.declared_entries(&mut mediator);
        m.extend(mediator.into_iter().map(|(k, v)| (format!("mediator.{k}"), v)));
        for (id, p) in &self.parties {
            let mut party = BTreeMap::new();
            p.declared_entries(&mut party);
            m.extend(party.into_iter().map(|(k, v)| (format!("parties.{id}.{k}"), v)));
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
    let mut s = SimulationSettings::default();
    s.decode_declared(&mut t, cx);
    if let Some(m) = t.take("mediator", cx) {
        let p = t.field_path("mediator");
        if let Some(mut mt) = Table::new(m, &p, cx) {
            s.mediator.decode_declared(&mut mt, cx);
            mt.finish(cx);
        }
    }
    if let Some(pn) = t.take("parties", cx) {
        let p = t.field_path("parties");
        for (id, node) in entries(pn, &p, cx) {
            let pp = format!("{p}.{id}");
            let Some(mut pt) = Table::new(node, &pp, cx) else { continue };
            let mut party = PartySettings::default();
            party.decode_declared(&mut pt, cx);
            pt.finish(cx);
            s.parties.insert(id, party);
        }
    }
    if let Some(rn) = t.take("ratifiers", cx) {
        let p = t.field_path("ratifiers");
        for (id, node) in entries(rn, &p, cx) {
            let pp = format!("{p}.{id}");
            if let Some(x) = crate::reader::as_f64(node, &pp, cx) {
                if unit(&x).is_ok() {
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
        assert!(s.set("mediator.nois", "0.3").unwrap_err().to_string().contains("did you mean `noise`?"));
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
