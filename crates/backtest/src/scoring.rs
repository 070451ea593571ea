//! A case's predictions scored against its outcome, and the cases pooled:
//! the data `demarche backtest` prints and `demarche report` draws.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::score::{auc, brier, log_loss, roc, scaled_error, stratified_auc, top_k_hits};

/// An issue error within this share of the scale counts as "within 10 points".
pub const WITHIN: f64 = 0.10;
/// The k of "hits in the top k".
pub const TOP_K: usize = 10;
/// The name of the status-quo baseline among the models.
pub const STATUS_QUO: &str = "status_quo";

/// One ranking: its name and a score per dyad `(a, b)` of actors (either order).
pub type Ranking = (String, Vec<(String, String, f64)>);

/// What was predicted for one case, handed in by whoever ran the models.
#[derive(Clone, Debug, Default)]
pub struct Predictions {
    /// Each model's forecast per scenario issue (by issue id); missing issues are not scored for it.
    pub models: Vec<(String, BTreeMap<String, f64>)>,
    /// P(an agreement is reached and survives ratification), if simulated.
    pub deal: Option<f64>,
    /// P(some option of kind `force` is used before a ratified deal), if the
    /// case's scenario holds such options; scored against force on record
    /// between an option's holder and its target.
    pub force: Option<f64>,
    /// Each ranking's score per dyad `(a, b)` of actors (either order).
    pub rankings: Vec<Ranking>,
    /// What could not be run as asked, and what was run instead.
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueScore {
    pub issue: String,
    pub forecast: f64,
    pub realised: f64,
    /// |forecast − realised| as a share of the scale.
    pub error: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelScore {
    /// Mean absolute error as a share of the scale.
    pub mae: f64,
    /// Share of issues within 10 % of the scale.
    pub within_10: f64,
    pub issues: Vec<IssueScore>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealScore {
    /// Forecast P(agreement reached and ratified).
    pub p: f64,
    pub observed: bool,
    pub brier: f64,
    pub log_loss: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DyadScored {
    pub a: String,
    pub b: String,
    pub score: f64,
    pub observed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RankingScore {
    /// Absent when the case has no observed dyad, or every dyad was observed.
    pub auc: Option<f64>,
    /// Expected observed dyads among the top 10 (ties at the cut shared out).
    pub top10_hits: f64,
    /// Observed dyads in the case (the most `top10_hits` can be is min(10, this)).
    pub observed: usize,
    /// Every dyad, highest score first.
    pub dyads: Vec<DyadScored>,
    /// The ROC curve's points (false-positive rate, true-positive rate).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roc: Vec<[f64; 2]>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseScore {
    pub id: String,
    pub title: String,
    pub as_of: String,
    pub outcome_as_of: String,
    pub decided: bool,
    /// Coded after the events (see `Outcome::retrospective`): shown, not pooled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrospective: Option<String>,
    pub models: BTreeMap<String, ModelScore>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deal: Option<DealScore>,
    /// P(force before a deal) against whether any `force` dyad is on record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<DealScore>,
    pub confrontation: BTreeMap<String, RankingScore>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PooledModel {
    /// Mean of the issue errors over every scored issue of every case.
    pub mae: f64,
    pub within_10: f64,
    /// Issues scored, and cases they come from.
    pub issues: usize,
    pub cases: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PooledDeal {
    pub cases: usize,
    pub brier: f64,
    pub log_loss: f64,
    /// The share of cases decided: the base rate.
    pub base_rate: f64,
    /// Brier score and log loss of forecasting the base rate on every case
    /// (in-sample, so flattering to the baseline).
    pub base_rate_brier: f64,
    pub base_rate_log_loss: f64,
    /// (p, observed) per case, for the calibration chart.
    pub points: Vec<(f64, bool)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PooledRanking {
    /// AUC with pairs formed within each case (stratified).
    pub auc: Option<f64>,
    /// The cases' AUCs, averaged (cases with both classes only).
    pub mean_case_auc: Option<f64>,
    pub cases: usize,
    pub top10_hits: f64,
    pub observed: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Pooled {
    pub models: BTreeMap<String, PooledModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deal: Option<PooledDeal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<PooledDeal>,
    pub confrontation: BTreeMap<String, PooledRanking>,
}

/// Everything a backtest measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    pub cases: Vec<CaseScore>,
    pub pooled: Pooled,
    /// How it was run (runs, seed, models), for the record.
    pub settings: BTreeMap<String, String>,
}

/// The realised value of each scored issue: the outcome's value, else the status quo.
pub fn realised(case: &Case) -> Vec<(usize, f64)> {
    let ix = case.scenario.index();
    case.outcome
        .issues
        .iter()
        .filter_map(|io| {
            let i = ix.issue(&io.issue)?;
            let v = io.value.or(case.scenario.issues[i].status_quo)?;
            Some((i, v))
        })
        .collect()
}

/// Scores one case's predictions. The status-quo baseline is added here.
pub fn score_case(case: &Case, p: &Predictions) -> CaseScore {
    let sc = &case.scenario;
    let truth = realised(case);
    let mut models = BTreeMap::new();
    let status_quo: BTreeMap<String, f64> =
        sc.issues.iter().filter_map(|i| i.status_quo.map(|v| (i.id.clone(), v))).collect();
    for (name, forecasts) in p.models.iter().chain(std::iter::once(&(STATUS_QUO.to_string(), status_quo))) {
        let issues: Vec<IssueScore> = truth
            .iter()
            .filter_map(|&(i, realised)| {
                let iss = &sc.issues[i];
                let forecast = *forecasts.get(&iss.id)?;
                let error = scaled_error(forecast, realised, iss.min, iss.max);
                Some(IssueScore { issue: iss.id.clone(), forecast, realised, error })
            })
            .collect();
        if issues.is_empty() {
            continue;
        }
        let n = issues.len() as f64;
        let mae = issues.iter().map(|s| s.error).sum::<f64>() / n;
        let within_10 = issues.iter().filter(|s| s.error <= WITHIN + 1e-12).count() as f64 / n;
        models.insert(name.clone(), ModelScore { mae, within_10, issues });
    }
    let deal = p.deal.map(|pr| DealScore {
        p: pr,
        observed: case.outcome.decided,
        brier: brier(pr, case.outcome.decided),
        log_loss: log_loss(pr, case.outcome.decided),
    });
    // Force on record between a force option's holder and its target (either way).
    let force_pairs: Vec<(&str, &str)> = sc
        .options
        .iter()
        .filter(|o| o.kind == demarche_scenario::OptionKind::Force)
        .map(|o| (o.holder.as_str(), o.target.as_str()))
        .collect();
    let forced = case.outcome.dyads.iter().any(|d| {
        d.kind == crate::outcome::DyadKind::Force
            && force_pairs.iter().any(|&(h, t)| (d.a == h && d.b == t) || (d.a == t && d.b == h))
    });
    let force = p.force.map(|pr| DealScore {
        p: pr,
        observed: forced,
        brier: brier(pr, forced),
        log_loss: log_loss(pr, forced),
    });
    let observed_pair =
        |a: &str, b: &str| case.outcome.dyads.iter().any(|d| (d.a == a && d.b == b) || (d.a == b && d.b == a));
    let mut confrontation = BTreeMap::new();
    for (name, dyads) in &p.rankings {
        let mut scored: Vec<DyadScored> = dyads
            .iter()
            .map(|(a, b, s)| DyadScored { a: a.clone(), b: b.clone(), score: *s, observed: observed_pair(a, b) })
            .collect();
        scored.sort_by(|x, y| y.score.total_cmp(&x.score));
        let s: Vec<f64> = scored.iter().map(|d| d.score).collect();
        let o: Vec<bool> = scored.iter().map(|d| d.observed).collect();
        confrontation.insert(
            name.clone(),
            RankingScore {
                auc: auc(&s, &o),
                top10_hits: top_k_hits(&s, &o, TOP_K),
                observed: o.iter().filter(|&&x| x).count(),
                roc: roc(&s, &o),
                dyads: scored,
            },
        );
    }
    CaseScore {
        id: case.id.clone(),
        title: sc.meta.title.clone(),
        as_of: sc.meta.as_of.clone().unwrap_or_default(),
        outcome_as_of: case.outcome.as_of.clone(),
        decided: case.outcome.decided,
        retrospective: case.outcome.retrospective.clone(),
        models,
        deal,
        force,
        confrontation,
        notes: p.notes.clone(),
    }
}

/// The cases pooled (retrospective ones left out): issue errors over every scored issue; Brier and log
/// loss over the cases with a P(deal), beside the base rate; each ranking's
/// AUC stratified by case.
pub fn pool(all: &[CaseScore]) -> Pooled {
    let cases: Vec<CaseScore> = all.iter().filter(|c| c.retrospective.is_none()).cloned().collect();
    let cases = &cases[..];
    let mut out = Pooled::default();
    let names: std::collections::BTreeSet<&String> = cases.iter().flat_map(|c| c.models.keys()).collect();
    for name in names {
        let scores: Vec<&ModelScore> = cases.iter().filter_map(|c| c.models.get(name)).collect();
        let errors: Vec<f64> = scores.iter().flat_map(|m| m.issues.iter().map(|i| i.error)).collect();
        if errors.is_empty() {
            continue;
        }
        let n = errors.len() as f64;
        out.models.insert(
            name.clone(),
            PooledModel {
                mae: errors.iter().sum::<f64>() / n,
                within_10: errors.iter().filter(|&&e| e <= WITHIN + 1e-12).count() as f64 / n,
                issues: errors.len(),
                cases: scores.len(),
            },
        );
    }
    let probability = |scores: Vec<&DealScore>| -> Option<PooledDeal> {
        if scores.is_empty() {
            return None;
        }
        let n = scores.len() as f64;
        let base = scores.iter().filter(|d| d.observed).count() as f64 / n;
        Some(PooledDeal {
            cases: scores.len(),
            brier: scores.iter().map(|d| d.brier).sum::<f64>() / n,
            log_loss: scores.iter().map(|d| d.log_loss).sum::<f64>() / n,
            base_rate: base,
            base_rate_brier: scores.iter().map(|d| brier(base, d.observed)).sum::<f64>() / n,
            base_rate_log_loss: scores.iter().map(|d| log_loss(base, d.observed)).sum::<f64>() / n,
            points: scores.iter().map(|d| (d.p, d.observed)).collect(),
        })
    };
    out.deal = probability(cases.iter().filter_map(|c| c.deal.as_ref()).collect());
    out.force = probability(cases.iter().filter_map(|c| c.force.as_ref()).collect());
    let rankings: std::collections::BTreeSet<&String> = cases.iter().flat_map(|c| c.confrontation.keys()).collect();
    for name in rankings {
        let per: Vec<&RankingScore> = cases.iter().filter_map(|c| c.confrontation.get(name)).collect();
        let columns: Vec<(Vec<f64>, Vec<bool>)> = per
            .iter()
            .map(|r| (r.dyads.iter().map(|d| d.score).collect(), r.dyads.iter().map(|d| d.observed).collect()))
            .collect();
        let aucs: Vec<f64> = per.iter().filter_map(|r| r.auc).collect();
        out.confrontation.insert(
            name.clone(),
            PooledRanking {
                auc: stratified_auc(columns.iter().map(|(s, o)| (&s[..], &o[..]))),
                mean_case_auc: (!aucs.is_empty()).then(|| aucs.iter().sum::<f64>() / aucs.len() as f64),
                cases: aucs.len(),
                top10_hits: per.iter().map(|r| r.top10_hits).sum(),
                observed: per.iter().map(|r| r.observed).sum(),
            },
        );
    }
    out
}
