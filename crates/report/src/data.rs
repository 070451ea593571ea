//! Plain data the generic charts take. Each type is also the layout of the
//! items of a run document (the application crate's `RunDocuments` names
//! them: `channels`, `intervals`, `pareto`, `escalation`, `sensitivity`), so
//! engines that land later plug in by writing it.

use serde::{Deserialize, Serialize};

/// One point of a series with its uncertainty band.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BandPoint {
    pub x: f64,
    pub mean: f64,
    /// Lower edge of the band (e.g. the 5th percentile).
    pub low: f64,
    /// Upper edge of the band (e.g. the 95th percentile).
    pub high: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BandSeries {
    /// E.g. `mediated (Oman)`, `direct`.
    pub label: String,
    pub points: Vec<BandPoint>,
}

/// Channels of talks compared under Monte Carlo: one band per channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelComparison {
    /// What is measured, e.g. `probability of agreement`.
    pub metric: String,
    /// What the horizontal axis counts, e.g. `round`.
    pub x_label: String,
    /// What the band spans, e.g. `90% interval over 2,000 draws`.
    #[serde(default)]
    pub band: String,
    /// Fixed vertical range (e.g. `[0, 1]` for probabilities).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_range: Option<[f64; 2]>,
    /// What the two ends of the metric mean, when it is an issue scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_ends: Option<[String; 2]>,
    pub series: Vec<BandSeries>,
}

/// The bargaining picture for two parties on one issue set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParetoData {
    /// E.g. the issue or the pair of parties.
    pub title: String,
    /// The party whose utility is on the horizontal axis.
    pub x_party: String,
    pub y_party: String,
    /// Points of the Pareto frontier (utilities), in any order.
    pub frontier: Vec<[f64; 2]>,
    /// Other feasible outcomes, drawn faintly (optional, capped when drawn).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disagreement: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nash: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kalai_smorodinsky: Option<[f64; 2]>,
    /// The agreement a protocol reached, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<[f64; 2]>,
    /// How the agreement was reached, e.g. `alternating offers, round 14`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement_label: Option<String>,
}

/// One offer (or mediator's proposal) of a negotiation, placed by every
/// party's utility of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferPoint {
    /// The action's step (0-based).
    pub step: u64,
    /// The proposing party's seat (`None`: the mediator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<usize>,
    /// Each party's utility of it, in seat order.
    pub utilities: Vec<f64>,
}

/// One party of a negotiation as its report shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NegotiationSide {
    pub profile: String,
    pub strategy: String,
    pub reservation: f64,
    /// Its utility of the result (the agreement, or its reservation value).
    pub utility: f64,
}

/// A negotiation for its report: who negotiated how, how it ended, the
/// agreed terms in the domain's words and the offers over time (thinned
/// evenly to a bound; `offers_total` says how many there were).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NegotiationSummary {
    pub domain: String,
    /// `sao` (alternating offers) or `mediated` (single text).
    pub protocol: String,
    pub parties: Vec<NegotiationSide>,
    /// How it ended, in words.
    pub end: String,
    pub rounds: u64,
    pub steps: u64,
    /// The agreement, issue by issue, in the domain's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Vec<(String, String)>>,
    pub offers: Vec<OfferPoint>,
    pub offers_total: u64,
}

/// Whether the talks can succeed, in words: the simulation's answer on the
/// zone of agreement, what would open it, coercive options used first and
/// what the channel changes by mechanism (each point one sentence or list item).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outlook {
    pub headline: String,
    pub parts: Vec<OutlookPart>,
}

/// One question the outlook answers, and its answer as list items.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OutlookPart {
    pub question: String,
    pub items: Vec<String>,
}

/// A square actor × actor matrix of risks (0–1), `None` where undefined.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EscalationMatrix {
    /// What a cell measures, e.g. `probability of confrontation`.
    pub metric: String,
    pub actors: Vec<String>,
    /// `values[row][col]`: the risk from the row actor towards the column actor.
    pub values: Vec<Vec<Option<f64>>>,
    /// Where the numbers come from, for the caption.
    #[serde(default)]
    pub source: String,
}

/// One input's swing of the output between its low and high settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TornadoBar {
    pub parameter: String,
    /// The output with the input at its low setting.
    pub low: f64,
    /// The output with the input at its high setting.
    pub high: f64,
    /// The input's low and high settings, in words (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<[String; 2]>,
    /// The swing is within the Monte Carlo noise of its estimate (see
    /// [`Sensitivity::noise`]): drawn grey, never ranked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub within_noise: bool,
}

/// One-at-a-time sensitivity of one output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The output, e.g. `forecast on enrichment cap (bdm)`.
    pub output: String,
    /// The output with every input at its base value.
    pub base: f64,
    /// What the two ends of the output scale mean, when it is an issue scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends: Option<[String; 2]>,
    pub bars: Vec<TornadoBar>,
    /// How far from the base a swing can reach by Monte Carlo noise alone
    /// (about two standard errors of its estimate), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<f64>,
}

/// One estimate with its interval, for one series (e.g. a channel) in one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IntervalRow {
    /// The row's label, e.g. `deal at the table`.
    pub group: String,
    /// The series it belongs to, e.g. `mediated`.
    pub series: String,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    /// A reference value drawn as a hollow diamond on the row, e.g. a model's
    /// forecast at the stated values beside its median over draws.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<f64>,
}

/// Estimates with intervals side by side: the mediated-vs-direct comparison
/// of scalar outcomes (agreement probability, each issue's terms).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IntervalChart {
    pub title: String,
    /// What the horizontal axis measures.
    pub axis: String,
    /// What the interval spans, e.g. `10th–90th percentile of the deals`.
    pub interval: String,
    /// Fixed horizontal range, e.g. the scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[f64; 2]>,
    /// What the two ends of the axis mean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends: Option<[String; 2]>,
    /// A vertical reference line, e.g. the status quo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<(String, f64)>,
    /// What a series is, in the singular (default: `channel of talks`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_kind: Option<String>,
    pub rows: Vec<IntervalRow>,
}

/// What event data say about a scenario's dyads: a weekly timeline per dyad
/// and the scenario updates suggested from them (`demarche events suggest`,
/// the workbench's events panel; docs/events.md). The document `events_review`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventsReview {
    /// What was read, in one or two sentences.
    pub summary: String,
    /// The dyads with the most events first.
    pub timelines: Vec<DyadTimeline>,
    pub suggestions: Vec<SuggestionRow>,
}

/// One dyad's weeks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DyadTimeline {
    /// The two actors (ids, or country codes without a scenario) and their names.
    pub a: String,
    pub b: String,
    pub label: String,
    pub weeks: Vec<TimelineWeek>,
}

/// One week of a dyad: events by kind and the cooperation–conflict index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineWeek {
    /// Monday of the week, `YYYY-MM-DD`.
    pub week: String,
    pub cooperation: usize,
    pub verbal_conflict: usize,
    pub material_conflict: usize,
    /// Σ score / Σ |score|: +1 all cooperation, −1 all conflict.
    pub index: f64,
}

/// One suggested scenario change with the events behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuggestionRow {
    /// `relation`, `salience`, `position` or `new_actor`.
    pub kind: String,
    pub target: String,
    pub current: Option<f64>,
    pub suggested: Option<f64>,
    pub reason: String,
    pub applicable: bool,
    pub events: Vec<EventLine>,
}

/// An event as a reviewer reads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventLine {
    pub id: String,
    pub date: String,
    /// The PLOVER event type.
    pub event: String,
    /// The words it was coded from, or the source's own description.
    pub text: String,
    /// Where it came from: the outlet, else the data set.
    pub source: String,
}
