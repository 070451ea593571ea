//! The scenario model: the one type every engine, simulation, store and UI shares.
//!
//! A scenario is plain data: who the actors are, which issues are on the table
//! (each a numeric scale whose ends are spelled out in words), where each actor
//! stands on each issue and how much it cares, how actors relate to each other,
//! and where every number came from.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::settings::EngineSettings;

/// A negotiation situation written down as data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub meta: Meta,
    pub actors: Vec<Actor>,
    pub issues: Vec<Issue>,
    #[serde(default)]
    pub stances: Vec<Stance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    /// Engine options stored with the scenario; the command line overrides them.
    #[serde(default, skip_serializing_if = "EngineSettings::is_empty")]
    pub engines: EngineSettings,
    /// Negotiation-simulation options (`[simulation]`; `demarche simulate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation: Option<crate::settings::simulation::SimulationSettings>,
    /// Dated changes to the situation known on the as-of date: deadlines,
    /// expiries, meetings that move an issue's status quo when they pass.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineEvent>,
    /// Coercive options actors hold against each other (strikes, sanctions,
    /// escalation through armed groups), which the simulation lets them use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<CoerciveOption>,
}

/// A dated change known in advance (a deadline, an expiry, a scheduled
/// meeting): when it passes, the issue's status quo becomes `status_quo`, or
/// — with `actor` — that actor's red line or salience on the issue changes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineEvent {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub name: String,
    /// The issue it changes (none: a date to mark only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// The issue's status quo from that date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_quo: Option<f64>,
    /// The actor whose stance on `issue` changes from that date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Its red line from that date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_line: Option<[f64; 2]>,
    /// Its salience from that date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salience: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// Whether using an option is force or another coercive measure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    /// Armed attack or strike.
    #[default]
    Force,
    /// Sanctions, a blockade, an ultimatum.
    Coercion,
}

impl OptionKind {
    pub const NAMES: [&'static str; 2] = ["force", "coercion"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "force" => Some(OptionKind::Force),
            "coercion" => Some(OptionKind::Coercion),
            _ => None,
        }
    }
}

/// A coercive option `holder` can use against `target` instead of letting the
/// talks run (the shadow of power: Fearon 1995, Powell 2006). The simulation
/// uses it at the first round it is available and worth more to the holder
/// than where the talks are heading: acting is worth the holder's no-deal
/// utility plus `gain` minus `cost`; letting the talks run is worth the
/// utility of the outcome they reach (see docs/models.md).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoerciveOption {
    pub holder: String,
    pub target: String,
    /// What using it is, in plain words (`strikes on enrichment sites`).
    pub name: String,
    #[serde(default)]
    pub kind: OptionKind,
    /// What acting gains the holder over the no-deal world, in utility units (0–1).
    pub gain: f64,
    /// Standard deviation of `gain` across Monte Carlo runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gain_sd: Option<f64>,
    /// What acting costs the holder, in utility units (0–1).
    pub cost: f64,
    /// From when it can be used (`YYYY-MM-DD`; default: the as-of date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// Who wrote the scenario, when, and from what.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub title: String,
    /// The date the scenario describes, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Sources that actors, stances and relations cite by `id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
}

/// A public document the scenario's numbers rest on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Publication date, `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The kind of actor; it changes no formula, but protocols and reports use it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    #[default]
    State,
    Faction,
    NonState,
    Organisation,
    Mediator,
}

impl ActorKind {
    pub const NAMES: [&'static str; 5] = ["state", "faction", "non_state", "organisation", "mediator"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "state" => ActorKind::State,
            "faction" => ActorKind::Faction,
            "non_state" | "non-state" => ActorKind::NonState,
            "organisation" | "organization" => ActorKind::Organisation,
            "mediator" => ActorKind::Mediator,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Short identifier used everywhere else in the file (`iran`, `us_admin`).
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub kind: ActorKind,
    /// Relative power to bring about outcomes; any positive scale.
    pub capability: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Ids of entries in `meta.sources`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Event-data actor codes that stand for this actor (CAMEO/PLOVER style, e.g.
    /// `IRNGOV`, `USA`): an event's actor links here when its code starts with one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
    /// Other names news text uses for this actor (`Tehran`, `Washington`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// One issue: a numeric scale from `min` to `max` whose ends mean `low` and `high`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub min: f64,
    pub max: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// What an outcome at `min` means, in plain words.
    pub low: String,
    /// What an outcome at `max` means, in plain words.
    pub high: String,
    /// Named points on the scale, to read outcomes by.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anchors: Vec<Anchor>,
    /// The outcome if nothing is agreed (the disagreement point for bargaining).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_quo: Option<f64>,
    /// Words that show a news text or event is about this issue (`enrichment`, `3.67`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
}

impl Issue {
    pub fn range(&self) -> f64 {
        self.max - self.min
    }

    /// Where `x` lies on the scale, for the readings below: at or near a
    /// named anchor, at an end, between two anchors, or a share of the way up.
    fn place(&self, x: f64) -> Option<Place<'_>> {
        let range = self.range();
        if !(range > 0.0) || !x.is_finite() {
            return None;
        }
        let near = self.anchors.iter().map(|a| ((a.at - x).abs(), a)).min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((d, a)) = near {
            if d <= 0.05 * range {
                return Some(if d <= 0.005 * range { Place::At(a) } else { Place::Near(a) });
            }
        }
        let t = (x - self.min) / range;
        Some(if t <= 0.05 {
            Place::Low
        } else if t >= 0.95 {
            Place::High
        } else {
            // Name the anchors on either side when we have them.
            let below = self.anchors.iter().filter(|a| a.at < x).max_by(|a, b| a.at.total_cmp(&b.at));
            let above = self.anchors.iter().filter(|a| a.at > x).min_by(|a, b| a.at.total_cmp(&b.at));
            match (below, above) {
                (Some(b), Some(a)) => Place::Between(b, a),
                _ => Place::Share(t),
            }
        })
    }

    /// The plain-language reading of a point on this issue's scale: the nearest
    /// named anchor if one is close, otherwise where it lies between the ends.
    pub fn describe(&self, x: f64) -> String {
        match self.place(x) {
            None => String::new(),
            Some(Place::At(a)) => a.label.clone(),
            Some(Place::Near(a)) => format!("close to: {}", a.label),
            Some(Place::Low) => self.low.clone(),
            Some(Place::High) => self.high.clone(),
            Some(Place::Between(b, a)) => format!("between \"{}\" and \"{}\"", b.label, a.label),
            // Long end descriptions are printed elsewhere; name the ends briefly then.
            Some(Place::Share(t)) if self.low.chars().count() + self.high.chars().count() > 80 => {
                format!("{:.0}% of the way from the low end to the high end", t * 100.0)
            }
            Some(Place::Share(t)) => format!("{:.0}% of the way from \"{}\" to \"{}\"", t * 100.0, self.low, self.high),
        }
    }

    /// [`Issue::describe`] in a few words, for tables: each anchor or end
    /// named by its head (the words before its first colon, semicolon or
    /// comma, at most [`BRIEF_WORDS`] words); the full texts stay in the
    /// scenario and the report's inputs.
    pub fn describe_briefly(&self, x: f64) -> String {
        match self.place(x) {
            None => String::new(),
            Some(Place::At(a)) => brief(&a.label),
            Some(Place::Near(a)) => format!("close to {}", brief(&a.label)),
            Some(Place::Low) => brief(&self.low),
            Some(Place::High) => brief(&self.high),
            Some(Place::Between(b, a)) => format!("between {} and {}", brief(&b.label), brief(&a.label)),
            Some(Place::Share(t)) => format!("{:.0}% of the way up the scale", t * 100.0),
        }
    }
}

/// `x` to about `digits` significant digits of `range` — the precision a
/// scale of that range supports (three digits: 3.2 on 0–90, 547 on
/// 0–10,000) — trailing zeros dropped. Reports print three, data files six.
pub fn to_digits_of(x: f64, range: f64, digits: u32) -> String {
    let d = f64::from(digits);
    let decimals =
        if range.is_finite() && range > 0.0 { (d - range.log10().ceil()).clamp(0.0, 2.0 * d) } else { d - 1.0 };
    let decimals = decimals as usize;
    trim_number(&format!("{x:.decimals$}"))
}

/// A formatted number without trailing zeros after its point, and `-0` as `0`.
pub fn trim_number(s: &str) -> String {
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { s };
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Where a point lies on an issue's scale ([`Issue::describe`]).
enum Place<'a> {
    At(&'a Anchor),
    Near(&'a Anchor),
    Low,
    High,
    Between(&'a Anchor, &'a Anchor),
    /// The share of the way from the low end to the high end.
    Share(f64),
}

/// Most words of a label in a brief reading.
pub const BRIEF_WORDS: usize = 8;

/// A label's head: up to its first colon, semicolon or comma (never inside
/// brackets) and at most [`BRIEF_WORDS`] words, with "…" when cut.
fn brief(label: &str) -> String {
    let mut depth = 0i32;
    let mut end = label.len();
    for (i, c) in label.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ':' | ';' | ',' if depth <= 0 && i > 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let head = label[..end].trim();
    // A head that only restates the number ("3 %: temporary cap …") says
    // nothing the table does not: name the anchor by what follows it.
    let wordless = !head.split_whitespace().any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2);
    if wordless && end < label.len() {
        let rest = label[end + 1..].trim();
        if !rest.is_empty() {
            return brief(rest);
        }
    }
    let words: Vec<&str> = head.split_whitespace().collect();
    if words.len() > BRIEF_WORDS {
        format!("{}…", words[..BRIEF_WORDS].join(" "))
    } else if end < label.len() {
        format!("{head}…")
    } else {
        head.to_string()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    pub at: f64,
    pub label: String,
}

/// Where one actor stands on one issue.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stance {
    pub actor: String,
    pub issue: String,
    /// The actor's stated ideal point on the issue's scale.
    pub position: f64,
    /// How much the issue matters to the actor, from 0 (not at all) to 1 (above all).
    pub salience: f64,
    /// The interval of outcomes the actor can accept; outside it, no deal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_line: Option<[f64; 2]>,
    /// Standard deviation of each inner bound of the red line (and of its
    /// alternatives), on the issue's scale: simulations draw the bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_line_sd: Option<f64>,
    /// Other red lines the actor may hold, each with its probability; the
    /// stated `red_line` (or none) holds with the remaining probability.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub red_line_alternatives: Vec<RedLineAlternative>,
    /// Standard deviation of the position, on the issue's scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position_sd: Option<f64>,
    /// Standard deviation of the salience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salience_sd: Option<f64>,
    /// Where the numbers come from, in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Ids of entries in `meta.sources`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// A red line an actor may hold instead of its stated one (e.g. a leader's
/// public line beside the envoy's written offer), with its probability.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RedLineAlternative {
    /// The interval of outcomes the actor accepts under this alternative.
    pub red_line: [f64; 2],
    /// Its probability, 0–1 (all alternatives of a stance sum to at most 1).
    pub probability: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

impl Stance {
    /// Whether the actor has any red line on the issue (stated or alternative).
    pub fn has_red_line(&self) -> bool {
        self.red_line.is_some() || !self.red_line_alternatives.is_empty()
    }

    /// Whether the simulation draws this stance's red line.
    pub fn red_line_uncertain(&self) -> bool {
        !self.red_line_alternatives.is_empty() || (self.red_line.is_some() && self.red_line_sd.is_some_and(|s| s > 0.0))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// `from` mediates talks involving `to`.
    Mediates,
    /// `from` sways `to`'s positions and red lines by `weight` (0–1).
    Influences,
    /// `from` and `to` are allies (symmetric).
    Allied,
    /// `from` acts as `to`'s proxy.
    ProxyOf,
    /// `from` and `to` are adversaries (symmetric).
    Hostile,
    /// `from` must ratify any deal `to` makes (two-level game).
    Veto,
}

impl RelationKind {
    pub const NAMES: [&'static str; 6] = ["mediates", "influences", "allied", "proxy_of", "hostile", "veto"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "mediates" => RelationKind::Mediates,
            "influences" => RelationKind::Influences,
            "allied" => RelationKind::Allied,
            "proxy_of" | "proxy-of" => RelationKind::ProxyOf,
            "hostile" => RelationKind::Hostile,
            "veto" => RelationKind::Veto,
            _ => return None,
        })
    }

    pub fn is_symmetric(self) -> bool {
        matches!(self, RelationKind::Allied | RelationKind::Hostile)
    }

    pub fn needs_weight(self) -> bool {
        matches!(self, RelationKind::Influences)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub kind: RelationKind,
    pub from: String,
    pub to: String,
    /// Strength, 0–1; required for `influences`, optional otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

impl Scenario {
    /// Position of the actor `id` (first of that id). Linear: when looking up
    /// many ids, build [`Scenario::index`] once instead.
    pub fn actor_index(&self, id: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.id == id)
    }

    /// Position of the issue `id` (linear; see [`Scenario::index`]).
    pub fn issue_index(&self, id: &str) -> Option<usize> {
        self.issues.iter().position(|i| i.id == id)
    }

    /// `actor`'s stance on `issue` (linear; see [`Scenario::index`]).
    pub fn stance(&self, actor: &str, issue: &str) -> Option<&Stance> {
        self.stances.iter().find(|s| s.actor == actor && s.issue == issue)
    }

    /// The scenario's ids hashed once: what every consumer that looks ids up
    /// uses instead of building its own tables.
    pub fn index(&self) -> ScenarioIndex<'_> {
        ScenarioIndex::new(self)
    }

    /// Stances laid out as a dense actor × issue table (`None` where an actor
    /// takes no stance). Assumes a validated scenario.
    pub fn stance_table(&self) -> Vec<Vec<Option<&Stance>>> {
        let ix = self.index();
        let mut table = vec![vec![None; self.issues.len()]; self.actors.len()];
        for s in &self.stances {
            if let (Some(a), Some(i)) = (ix.actor(&s.actor), ix.issue(&s.issue)) {
                table[a][i] = Some(s);
            }
        }
        table
    }

    /// One issue's inputs for a one-dimensional engine (builds the index; for
    /// many issues use [`ScenarioIndex::issue_view`]).
    pub fn issue_view(&self, issue: usize) -> IssueView<'_> {
        self.index().issue_view(issue)
    }
}

/// Ids to positions, built once per scenario: actors and issues by id, each
/// (actor, issue) pair's stance, and each issue's stances in scenario order.
/// With duplicate ids (an invalid scenario) the first one wins, as in
/// [`Scenario::actor_index`].
#[derive(Clone, Debug)]
pub struct ScenarioIndex<'s> {
    scenario: &'s Scenario,
    actors: HashMap<&'s str, usize>,
    issues: HashMap<&'s str, usize>,
    stances: HashMap<(&'s str, &'s str), usize>,
    /// Stance indices per issue index, in scenario order.
    by_issue: Vec<Vec<usize>>,
}

impl<'s> ScenarioIndex<'s> {
    pub fn new(sc: &'s Scenario) -> Self {
        let mut actors = HashMap::with_capacity(sc.actors.len());
        for (i, a) in sc.actors.iter().enumerate() {
            actors.entry(a.id.as_str()).or_insert(i);
        }
        let mut issues = HashMap::with_capacity(sc.issues.len());
        for (i, x) in sc.issues.iter().enumerate() {
            issues.entry(x.id.as_str()).or_insert(i);
        }
        let mut stances = HashMap::with_capacity(sc.stances.len());
        let mut by_issue = vec![Vec::new(); sc.issues.len()];
        for (k, st) in sc.stances.iter().enumerate() {
            stances.entry((st.actor.as_str(), st.issue.as_str())).or_insert(k);
            if let Some(&i) = issues.get(st.issue.as_str()) {
                by_issue[i].push(k);
            }
        }
        ScenarioIndex { scenario: sc, actors, issues, stances, by_issue }
    }

    pub fn actor(&self, id: &str) -> Option<usize> {
        self.actors.get(id).copied()
    }

    pub fn issue(&self, id: &str) -> Option<usize> {
        self.issues.get(id).copied()
    }

    pub fn stance(&self, actor: &str, issue: &str) -> Option<&'s Stance> {
        self.stances.get(&(actor, issue)).map(|&k| &self.scenario.stances[k])
    }

    /// The stances on issue `issue` (by index), in scenario order.
    pub fn stances_on(&self, issue: usize) -> impl Iterator<Item = &'s Stance> + '_ {
        self.by_issue.get(issue).into_iter().flatten().map(|&k| &self.scenario.stances[k])
    }

    /// One issue's inputs for a one-dimensional engine: the actors with a
    /// stance on it, in scenario order (the first stance of an actor counts).
    pub fn issue_view(&self, issue: usize) -> IssueView<'s> {
        let sc = self.scenario;
        let mut v = IssueView {
            issue: &sc.issues[issue],
            index: issue,
            actors: Vec::new(),
            capability: Vec::new(),
            position: Vec::new(),
            salience: Vec::new(),
        };
        let mut rows: Vec<(usize, &Stance)> =
            self.stances_on(issue).filter_map(|s| self.actor(&s.actor).map(|a| (a, s))).collect();
        // Stable: among several stances of one actor the first stays first.
        rows.sort_by_key(|(a, _)| *a);
        rows.dedup_by_key(|(a, _)| *a);
        for (a, s) in rows {
            v.actors.push(a);
            v.capability.push(sc.actors[a].capability);
            v.position.push(s.position);
            v.salience.push(s.salience);
        }
        v
    }
}

/// The columns a one-dimensional engine reads for one issue: only actors with a
/// stance on it, in scenario order.
#[derive(Clone, Debug)]
pub struct IssueView<'s> {
    pub issue: &'s Issue,
    /// Index of the issue in the scenario.
    pub index: usize,
    /// Scenario indices of the participating actors.
    pub actors: Vec<usize>,
    pub capability: Vec<f64>,
    pub position: Vec<f64>,
    pub salience: Vec<f64>,
}

impl IssueView<'_> {
    pub fn len(&self) -> usize {
        self.actors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    #[test]
    fn the_index_agrees_with_the_linear_look_ups() {
        let sc = crate::seed().expect("the seed loads").scenario;
        let ix = sc.index();
        for a in &sc.actors {
            assert_eq!(ix.actor(&a.id), sc.actor_index(&a.id));
            for i in &sc.issues {
                assert_eq!(ix.stance(&a.id, &i.id), sc.stance(&a.id, &i.id));
            }
        }
        for (k, i) in sc.issues.iter().enumerate() {
            assert_eq!(ix.issue(&i.id), Some(k));
            let linear: Vec<&Stance> = sc.stances.iter().filter(|s| s.issue == i.id).collect();
            assert_eq!(ix.stances_on(k).collect::<Vec<_>>(), linear);
        }
        assert_eq!(ix.actor("nobody"), None);
        // A duplicate id (an invalid scenario) resolves to the first, as the linear look-up does.
        let mut dup = sc.clone();
        let mut again = dup.actors[0].clone();
        again.name = "second".into();
        dup.actors.push(again);
        assert_eq!(dup.index().actor(&dup.actors[0].id), Some(0));
    }
}

#[cfg(test)]
mod brief_tests {
    use super::*;

    #[test]
    fn a_brief_reading_names_anchors_by_their_heads() {
        assert_eq!(brief("JCPOA: 5,060 IR-1 centrifuges enriching at Natanz only"), "JCPOA…");
        assert_eq!(
            brief("Status quo (May 2025: enrichment at Natanz), and more"),
            "Status quo (May 2025: enrichment at Natanz)…"
        );
        assert_eq!(
            brief("one two three four five six seven eight nine ten"),
            "one two three four five six seven eight…"
        );
        assert_eq!(brief("Outside the deal"), "Outside the deal");
        assert_eq!(
            brief("3 %: temporary cap in the US written proposal, as reported"),
            "temporary cap in the US written proposal…"
        );
        let issue = Issue {
            id: "x".into(),
            name: "X".into(),
            min: 0.0,
            max: 100.0,
            low: "Nothing at all; not even talks".into(),
            high: "Everything".into(),
            anchors: vec![
                Anchor { at: 30.0, label: "JCPOA: the 2015 deal".into() },
                Anchor { at: 70.0, label: "US proposal, 31 May".into() },
            ],
            ..Default::default()
        };
        assert_eq!(issue.describe_briefly(50.0), "between JCPOA… and US proposal…");
        assert_eq!(issue.describe_briefly(31.0), "close to JCPOA…");
        assert_eq!(issue.describe_briefly(30.1), "JCPOA…");
        assert_eq!(issue.describe_briefly(1.0), "Nothing at all…");
        assert_eq!(issue.describe_briefly(f64::NAN), "");
    }
}
