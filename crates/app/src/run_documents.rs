//! A run's results as one typed, versioned value: [`RunDocuments`].
//!
//! The store keeps a run's results as opaque named JSON documents; this is
//! the one place that knows their names and layouts. Each field of
//! [`RunDocuments`] is one document, its serde name the document's name, so
//! a run is written with [`RunDocuments::to_documents`] and read back with
//! [`RunDocuments::read`], and nothing else spells a document's name. (The
//! `forecasts` document belongs to the store, which also keeps its rows.)
//!
//! **Versions** (a document's `schema` in the store):
//! - **1** — the named documents written before this type existed. A list
//!   document (`intervals`, `bands`, `escalation`, `pareto`, `sensitivity`)
//!   could hold one item on its own (`negotiate` stored one bargaining picture
//!   that way); it reads as a list of one.
//! - **2** ([`VERSION`]) — the same names and item layouts, written from this
//!   type: a list document always holds a list.
//!
//! Documents of a newer version than this program's are refused with a
//! message, not misread; documents of unknown names are ignored, as they
//! always were.

use std::marker::PhantomData;

use demarche_backtest::BacktestReport;
use demarche_negotiation::protocol::NegotiationResult;
use demarche_negotiation::tournament::TournamentReport;
use demarche_report::data::{
    ChannelComparison, EscalationMatrix, IntervalChart, NegotiationSummary, ParetoData, Sensitivity,
};
use demarche_sim::uncertainty::ForecastUncertainty;
use demarche_store::{Document, DOC_FORECASTS};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The layout version written by this program (a document's `schema`).
pub const VERSION: u32 = 2;

/// The documents of one run beyond its forecasts. Absent parts are `None`; a
/// part present but empty (a simulation with no confrontation to draw) is
/// `Some` of an empty list, and is stored as such.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunDocuments {
    // What the run produced, kept for the record (a report does not draw these).
    /// A simulation's own report (`simulate`, and the simulation in a scenario's report).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulation: Option<Kept<demarche_sim::Report>>,
    /// A negotiation's settings and result (`negotiate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negotiation: Option<Kept<NegotiationRecord>>,
    /// A tournament's report (`tournament`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tournament: Option<Kept<TournamentReport>>,
    /// A sensitivity analysis in full (`sensitivity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity_analysis: Option<Kept<demarche_sim::SensitivityReport>>,
    /// The models' forecasts under the stated uncertainty (`forecast --runs`, reports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast_uncertainty: Option<Kept<ForecastUncertainty>>,

    /// The events an events run read (`events series`, `events suggest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Kept<Vec<demarche_events::Event>>>,

    // What a report draws.
    /// Event timelines per dyad and the updates suggested from them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events_review: Option<demarche_report::data::EventsReview>,
    /// A backtest's scores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backtest: Option<BacktestReport>,
    /// Whether the talks can succeed, in words (a simulation's zone, options and mechanisms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlook: Option<demarche_report::data::Outlook>,
    /// Channels of talks compared as bands over rounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels: Option<ChannelComparison>,
    /// Scalar outcomes with their intervals (by channel, by strategy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intervals: Option<Vec<IntervalChart>>,
    /// The models' bands under uncertainty, drawn with the intervals (its own
    /// document so that a run can hold both).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bands: Option<Vec<IntervalChart>>,
    /// Confrontation matrices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Vec<EscalationMatrix>>,
    /// Bargaining pictures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pareto: Option<Vec<ParetoData>>,
    /// A negotiation's parties, end, agreed terms and offers over time (`negotiate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negotiation_summary: Option<NegotiationSummary>,
    /// Sensitivity tornadoes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<Vec<Sensitivity>>,
}

/// What a negotiation run keeps of itself, also what `negotiate --format
/// json` prints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NegotiationRecord {
    pub domain: String,
    /// `sao` or `mediated`.
    pub protocol: String,
    pub parties: Vec<NegotiationParty>,
    pub seed: u64,
    /// The agreement in words, issue by issue (`[issue, value]`), if any.
    pub agreement_labels: Option<Vec<(String, String)>>,
    pub result: NegotiationResult,
}

/// One party of a negotiation: its profile, strategy and reservation value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NegotiationParty {
    pub profile: String,
    pub strategy: String,
    pub reservation: f64,
}

/// Why a run's documents could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("document `{name}` does not read: {source}")]
    Layout { name: String, source: serde_json::Error },
    #[error(
        "document `{name}` has layout version {schema}, newer than this program reads ({VERSION}); use a newer \
         demarche"
    )]
    Newer { name: String, schema: u32 },
}

impl RunDocuments {
    /// The documents to store, one per part present, at layout [`VERSION`].
    pub fn to_documents(&self) -> Vec<Document> {
        let parts = match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(parts)) => parts,
            // Every part is plain data: this cannot fail, and a run is still worth recording without them.
            _ => return Vec::new(),
        };
        parts.into_iter().map(|(name, body)| Document { name, schema: VERSION, body }).collect()
    }

    /// Reads a run's documents, of any version up to [`VERSION`]. The
    /// store's `forecasts` and documents of names this program does not know
    /// are passed over.
    pub fn read(documents: &[Document]) -> Result<RunDocuments, DocumentError> {
        let mut all = RunDocuments::default();
        for d in documents.iter().filter(|d| d.name != DOC_FORECASTS) {
            all.merge(Self::read_one(d)?);
        }
        Ok(all)
    }

    /// One document as the part of a run it is (all `None` for an unknown name).
    fn read_one(d: &Document) -> Result<RunDocuments, DocumentError> {
        let part = |body: serde_json::Value| {
            let mut one = serde_json::Map::new();
            one.insert(d.name.clone(), body);
            serde_json::from_value::<RunDocuments>(serde_json::Value::Object(one))
        };
        let layout = |source| DocumentError::Layout { name: d.name.clone(), source };
        match d.schema {
            // Version 1: a list document may hold its one item on its own.
            ..=1 => part(d.body.clone()).or_else(|e| match &d.body {
                serde_json::Value::Array(_) => Err(layout(e)),
                one => part(serde_json::Value::Array(vec![one.clone()])).map_err(|_| layout(e)),
            }),
            VERSION => part(d.body.clone()).map_err(layout),
            schema => Err(DocumentError::Newer { name: d.name.clone(), schema }),
        }
    }

    /// Adds `other`'s parts: lists are joined, a single part is kept where
    /// `self` has none.
    pub fn merge(&mut self, other: RunDocuments) {
        fn join<T>(a: &mut Option<Vec<T>>, b: Option<Vec<T>>) {
            match (a.as_mut(), b) {
                (Some(a), Some(b)) => a.extend(b),
                (None, b) => *a = b,
                (Some(_), None) => {}
            }
        }
        let RunDocuments {
            simulation,
            negotiation,
            tournament,
            sensitivity_analysis,
            forecast_uncertainty,
            events,
            events_review,
            backtest,
            outlook,
            channels,
            intervals,
            bands,
            escalation,
            pareto,
            negotiation_summary,
            sensitivity,
        } = other;
        self.simulation = self.simulation.take().or(simulation);
        self.negotiation = self.negotiation.take().or(negotiation);
        self.tournament = self.tournament.take().or(tournament);
        self.sensitivity_analysis = self.sensitivity_analysis.take().or(sensitivity_analysis);
        self.forecast_uncertainty = self.forecast_uncertainty.take().or(forecast_uncertainty);
        self.events = self.events.take().or(events);
        self.events_review = self.events_review.take().or(events_review);
        self.backtest = self.backtest.take().or(backtest);
        self.outlook = self.outlook.take().or(outlook);
        self.channels = self.channels.take().or(channels);
        self.negotiation_summary = self.negotiation_summary.take().or(negotiation_summary);
        join(&mut self.intervals, intervals);
        join(&mut self.bands, bands);
        join(&mut self.escalation, escalation);
        join(&mut self.pareto, pareto);
        join(&mut self.sensitivity, sensitivity);
    }

    /// `self` with `other`'s parts added (see [`merge`](Self::merge)).
    pub fn with(mut self, other: RunDocuments) -> Self {
        self.merge(other);
        self
    }
}

/// A document kept for the record: the JSON of a `T`, as it was written.
/// Reading it back as a `T` is on demand ([`Kept::read`]), so a run whose
/// record part was written by an older version never fails to load for it.
#[derive(Serialize, Deserialize)]
#[serde(transparent, bound = "")]
pub struct Kept<T> {
    json: serde_json::Value,
    #[serde(skip)]
    of: PhantomData<fn() -> T>,
}

impl<T: Serialize> Kept<T> {
    pub fn of(value: &T) -> Result<Self, serde_json::Error> {
        Ok(Kept { json: serde_json::to_value(value)?, of: PhantomData })
    }
}

impl<T> Kept<T> {
    /// The JSON as stored.
    pub fn json(&self) -> &serde_json::Value {
        &self.json
    }

    /// The value, for types that read back.
    pub fn read(&self) -> Result<T, serde_json::Error>
    where
        T: DeserializeOwned,
    {
        serde_json::from_value(self.json.clone())
    }
}

impl<T> Clone for Kept<T> {
    fn clone(&self) -> Self {
        Kept { json: self.json.clone(), of: PhantomData }
    }
}

impl<T> std::fmt::Debug for Kept<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Kept<{}>({})", std::any::type_name::<T>(), self.json)
    }
}

impl<T> PartialEq for Kept<T> {
    fn eq(&self, other: &Self) -> bool {
        self.json == other.json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(title: &str) -> IntervalChart {
        IntervalChart {
            title: title.into(),
            axis: "share".into(),
            interval: "95%".into(),
            range: None,
            ends: None,
            reference: None,
            series_kind: None,
            rows: Vec::new(),
        }
    }

    #[test]
    fn documents_round_trip_under_their_names_at_the_current_version() {
        let docs = RunDocuments {
            intervals: Some(vec![chart("a")]),
            escalation: Some(Vec::new()),
            negotiation: None,
            ..Default::default()
        };
        let stored = docs.to_documents();
        let names: Vec<(&str, u32)> = stored.iter().map(|d| (d.name.as_str(), d.schema)).collect();
        assert_eq!(
            names,
            [("escalation", VERSION), ("intervals", VERSION)],
            "an empty part is kept, absent ones are not"
        );
        assert_eq!(RunDocuments::read(&stored).unwrap(), docs);
    }

    #[test]
    fn version_1_documents_read_including_a_lone_item_for_a_list() {
        let one = serde_json::to_value(chart("alone")).unwrap();
        let v1 = [
            Document::new("intervals", one),
            Document::new("bands", serde_json::json!([serde_json::to_value(chart("b")).unwrap()])),
            Document::new(DOC_FORECASTS, serde_json::json!([])),
            Document::new("some_future_part", serde_json::json!({"x": 1})),
        ];
        assert!(v1.iter().all(|d| d.schema == 1));
        let read = RunDocuments::read(&v1).unwrap();
        assert_eq!(read.intervals, Some(vec![chart("alone")]));
        assert_eq!(read.bands, Some(vec![chart("b")]));
        // At version 2 a lone item where a list belongs is an error, named.
        let v2 = Document { schema: VERSION, ..v1[0].clone() };
        match RunDocuments::read(&[v2]) {
            Err(DocumentError::Layout { name, .. }) => assert_eq!(name, "intervals"),
            other => panic!("expected a layout error, got {other:?}"),
        }
    }

    #[test]
    fn a_newer_version_is_refused_by_name() {
        let d = Document { name: "pareto".into(), schema: VERSION + 1, body: serde_json::json!([]) };
        let e = RunDocuments::read(&[d]).unwrap_err();
        assert!(e.to_string().contains("`pareto` has layout version 3"), "{e}");
    }

    #[test]
    fn a_kept_part_is_its_json_and_reads_back_when_it_can() {
        let k = Kept::of(&chart("k")).unwrap();
        assert_eq!(k.json()["title"], "k");
        assert_eq!(k.read().unwrap(), chart("k"));
        let docs = RunDocuments {
            simulation: Some(Kept { json: serde_json::json!({"runs": 3}), of: PhantomData }),
            ..Default::default()
        };
        let back = RunDocuments::read(&docs.to_documents()).unwrap();
        assert_eq!(back.simulation.unwrap().json()["runs"], 3);
    }

    #[test]
    fn merging_joins_lists_and_keeps_the_first_single_part() {
        let mut a = RunDocuments { intervals: Some(vec![chart("a")]), ..Default::default() };
        a.merge(RunDocuments { intervals: Some(vec![chart("b")]), pareto: Some(Vec::new()), ..Default::default() });
        assert_eq!(a.intervals.as_ref().map(Vec::len), Some(2));
        assert_eq!(a.pareto, Some(Vec::new()));
    }
}
