//! The parameters a run is recorded with, one typed struct per run kind,
//! used by every front end. Their JSON is what the store has always kept
//! (the same field names, present and `null` where they were), so runs made
//! before these types read with them, and `runs show` / `runs diff` print
//! the same for a run made the same way. A field a front end never recorded
//! is `None` and left out; one it records as possibly empty is
//! `Some(None)`, written `null` ([`Option<Option<T>>`] with [`recorded`]).

use demarche_store::{RunKind, RunRecord};
use serde::{Deserialize, Deserializer, Serialize};

/// Parameters of a run of one kind.
pub trait RunParams: Serialize {
    const KIND: RunKind;

    /// As the store keeps them.
    fn to_json(&self) -> serde_json::Value {
        // Plain data with string keys: this cannot fail.
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// Which front end made the run, where it says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    Cli,
    Api,
    Demo,
    Report,
}

/// The models of a forecast, as `report FILE` was asked for them (`all`,
/// `bdm,smp`) or as the workbench ran them (a list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Models {
    Asked(String),
    Ran(Vec<String>),
}

/// What the models were asked, where the front end records it (`forecast`,
/// the workbench).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelRequest {
    /// Engine options given outside the scenario (`engine.key=value`).
    pub options: Vec<String>,
    /// The issues asked for (`null`: all).
    pub issues: Option<Vec<String>>,
    /// The round limit asked for (`null`: each engine's own).
    pub rounds: Option<u32>,
}

/// A forecast: `forecast`, `demo`, `report FILE`, `POST /api/forecast`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ForecastParams {
    /// `--model` as given (`forecast`, `demo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The models (`report FILE`: as asked; the workbench: as run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models: Option<Models>,
    #[serde(flatten)]
    pub request: Option<ModelRequest>,
    /// Draws of the stated uncertainty (`Some(None)`: none asked for).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "recorded")]
    pub runs: Option<Option<u32>>,
    /// The draws' seed (`Some(None)`: no draws).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "recorded")]
    pub seed: Option<Option<u64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Via>,
}

impl RunParams for ForecastParams {
    const KIND: RunKind = RunKind::Forecast;
}

/// The what-if edits a scenario was run with (`--set`, `--overlay`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioEdits {
    pub set: Vec<String>,
    pub overlays: Vec<String>,
}

/// A simulation: `simulate`, `POST /api/simulate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimulateParams {
    /// The channels (the CLI: those simulated, comma-separated; the
    /// workbench: as asked, `null` for both).
    pub channel: Option<String>,
    pub runs: u64,
    pub seed: u64,
    pub escalation_runs: u64,
    /// The edits, where the front end takes them (the CLI).
    #[serde(flatten)]
    pub edits: Option<ScenarioEdits>,
    /// The event data whose escalation signal the confrontation indicator took (`--events`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<EscalationSource>,
    pub via: Via,
}

/// Where an escalation signal came from (`simulate --events`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationSource {
    pub file: String,
    pub until: Option<String>,
    pub weeks: usize,
}

impl RunParams for SimulateParams {
    const KIND: RunKind = RunKind::Simulate;
}

/// A sensitivity analysis: `sensitivity`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SensitivityParams {
    /// The one channel analysed, if not both.
    pub channel: Option<String>,
    pub samples: usize,
    pub oat_runs: usize,
    pub seed: u64,
    #[serde(flatten)]
    pub edits: ScenarioEdits,
}

impl RunParams for SensitivityParams {
    const KIND: RunKind = RunKind::Sensitivity;
}

/// A negotiation: `negotiate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NegotiateParams {
    /// The domain and profile files, as given.
    pub paths: Vec<String>,
    /// `sao` or `mediated`.
    pub protocol: String,
    pub strategies: Vec<String>,
    /// The mediator (`null` unless mediated).
    pub mediator: Option<String>,
    pub steps: u64,
    pub time_limit: Option<f64>,
    pub action_seconds: String,
    pub private_deadline: bool,
    pub seed: u64,
}

impl RunParams for NegotiateParams {
    const KIND: RunKind = RunKind::Negotiate;
}

/// A tournament: `tournament`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TournamentParams {
    pub paths: Vec<String>,
    pub strategies: Vec<String>,
    pub repetitions: u32,
    pub steps: u64,
    pub seed: u64,
    pub self_play: bool,
}

impl RunParams for TournamentParams {
    const KIND: RunKind = RunKind::Tournament;
}

/// A backtest: `backtest`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BacktestParams {
    /// The case folders, as given.
    pub dirs: Vec<String>,
    pub runs: u32,
    pub seed: u64,
    pub via: Via,
}

impl RunParams for BacktestParams {
    const KIND: RunKind = RunKind::Backtest;
}

/// Event data read against a scenario: `events series`, `events suggest`,
/// `POST /api/events`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsParams {
    /// `series` or `suggest`.
    pub command: String,
    /// The event files, as given (the workbench: the uploaded file's name).
    pub files: Vec<String>,
    /// `--since` / `--until`, `YYYY-MM-DD`.
    pub since: Option<String>,
    pub until: Option<String>,
    pub via: Via,
}

impl RunParams for EventsParams {
    const KIND: RunKind = RunKind::Events;
}

/// A stored run's parameters, by its kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Params {
    Forecast(ForecastParams),
    Simulate(SimulateParams),
    Sensitivity(SensitivityParams),
    Negotiate(NegotiateParams),
    Tournament(TournamentParams),
    Backtest(BacktestParams),
    Events(EventsParams),
}

impl Params {
    /// The parameters of `rec`, read as its kind's.
    pub fn of(rec: &RunRecord) -> Result<Params, serde_json::Error> {
        let p = rec.params.clone();
        Ok(match rec.summary.kind {
            RunKind::Forecast => Params::Forecast(serde_json::from_value(p)?),
            RunKind::Simulate => Params::Simulate(serde_json::from_value(p)?),
            RunKind::Sensitivity => Params::Sensitivity(serde_json::from_value(p)?),
            RunKind::Negotiate => Params::Negotiate(serde_json::from_value(p)?),
            RunKind::Tournament => Params::Tournament(serde_json::from_value(p)?),
            RunKind::Backtest => Params::Backtest(serde_json::from_value(p)?),
            RunKind::Events => Params::Events(serde_json::from_value(p)?),
        })
    }

    /// As the store keeps them.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Params::Forecast(p) => p.to_json(),
            Params::Simulate(p) => p.to_json(),
            Params::Sensitivity(p) => p.to_json(),
            Params::Negotiate(p) => p.to_json(),
            Params::Tournament(p) => p.to_json(),
            Params::Backtest(p) => p.to_json(),
            Params::Events(p) => p.to_json(),
        }
    }
}

/// A field recorded by some front ends only: present (even as `null`) reads
/// as `Some`, absent as `None` (with `#[serde(default)]`).
pub fn recorded<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Parameters as 0.1.0 stored them, one per kind and front end (from
    /// `runs show`, and for the workbench from its code).
    fn stored() -> Vec<(RunKind, serde_json::Value)> {
        vec![
            (
                RunKind::Forecast,
                json!({"issues":[],"model":"compromise,nash","options":[],"rounds":null,"runs":20,"seed":1}),
            ),
            (
                RunKind::Forecast,
                json!({"issues":["a"],"model":"all","options":["bdm.q=0.5"],"rounds":5,"runs":null,"seed":null}),
            ),
            (
                RunKind::Forecast,
                json!({"models":["compromise","nash"],"options":[],"issues":null,"rounds":null,"via":"api",
                       "runs":100,"seed":7}),
            ),
            (RunKind::Forecast, json!({"model":"all","via":"demo","runs":1000})),
            (RunKind::Forecast, json!({"models":"compromise,nash","via":"report"})),
            (
                RunKind::Simulate,
                json!({"channel":"direct,mediated","escalation_runs":50,"overlays":[],"runs":200,"seed":7,
                       "set":["a.x.position=2"],"via":"cli"}),
            ),
            (RunKind::Simulate, json!({"channel":null,"runs":2000,"seed":1,"escalation_runs":500,"via":"api"})),
            (
                RunKind::Simulate,
                json!({"channel":"direct","escalation_runs":50,"overlays":[],"runs":200,"seed":7,"set":[],
                       "events":{"file":"e.jsonl","until":"2025-06-02","weeks":4},"via":"cli"}),
            ),
            (
                RunKind::Sensitivity,
                json!({"channel":null,"oat_runs":4,"overlays":["v.toml"],"samples":2,"seed":0,"set":[]}),
            ),
            (
                RunKind::Negotiate,
                json!({"action_seconds":"1","mediator":null,"paths":["d/domain00"],"private_deadline":false,
                       "protocol":"sao","seed":0,"steps":1000,"strategies":["boulware","conceder"],"time_limit":null}),
            ),
            (
                RunKind::Tournament,
                json!({"paths":["d/domain00"],"repetitions":1,"seed":0,"self_play":true,"steps":50,
                       "strategies":["boulware","linear"]}),
            ),
            (RunKind::Backtest, json!({"dirs":["backtests/jcpoa-2015"],"runs":50,"seed":1,"via":"cli"})),
            (
                RunKind::Events,
                json!({"command":"suggest","files":["june.jsonl"],"since":"2025-06-01","until":null,"via":"cli"}),
            ),
        ]
    }

    #[test]
    fn stored_parameters_read_and_write_back_the_same() {
        let runs: Vec<RunRecord> = serde_json::from_str(include_str!("../testdata/v1-runs.json")).unwrap();
        let mut all = stored();
        all.extend(runs.iter().map(|r| (r.summary.kind, r.params.clone())));
        let mut rec = runs[0].clone();
        for (kind, params) in all {
            rec.summary.kind = kind;
            rec.params = params.clone();
            let read = Params::of(&rec).unwrap_or_else(|e| panic!("{params}: {e}"));
            assert_eq!(read.to_json(), params, "{read:?}");
        }
    }

    #[test]
    fn what_a_front_end_did_not_record_stays_out_and_null_stays_null() {
        let demo = ForecastParams {
            model: Some("all".into()),
            runs: Some(Some(1000)),
            via: Some(Via::Demo),
            ..Default::default()
        };
        assert_eq!(demo.to_json(), json!({"model":"all","via":"demo","runs":1000}));
        let cli = ForecastParams {
            model: Some("nash".into()),
            request: Some(ModelRequest { issues: Some(Vec::new()), ..Default::default() }),
            runs: Some(None),
            seed: Some(None),
            ..Default::default()
        };
        assert_eq!(
            cli.to_json(),
            json!({"model":"nash","options":[],"issues":[],"rounds":null,"runs":null,"seed":null})
        );
        let Params::Forecast(back) = Params::of(&RunRecord { params: cli.to_json(), ..record() }).unwrap() else {
            panic!("not a forecast")
        };
        assert_eq!(back, cli);
        let Params::Forecast(back) = Params::of(&RunRecord { params: demo.to_json(), ..record() }).unwrap() else {
            panic!("not a forecast")
        };
        assert_eq!(back, demo, "no request recorded reads as none");
    }

    fn record() -> RunRecord {
        serde_json::from_str::<Vec<RunRecord>>(include_str!("../testdata/v1-runs.json")).unwrap().remove(0)
    }
}
