//! Scoring a coder against human-coded records: the PLOVER gold-standard
//! records (`plover-gsr-cameo-dev.json`, Open Event Data Alliance 2016), whose
//! PLOVER 0.5 labels map to PLOVER 2021 names as the PLOVER manual does.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::coder::{self, CoderOptions, Dictionaries, Input};
use crate::model::{Event, EventType};

/// One human-coded record.
#[derive(Clone, Debug)]
pub struct GoldRecord {
    pub id: String,
    pub text: String,
    pub date: Option<String>,
    pub event: EventType,
    pub source: BTreeSet<String>,
    pub target: BTreeSet<String>,
}

/// Reads the PLOVER gold-standard JSON (an array; DOCUMENT records skipped).
pub fn read_gold(json: &str) -> Result<Vec<GoldRecord>, String> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let arr = v.as_array().ok_or("expected a JSON array of records")?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, r) in arr.iter().enumerate() {
        let label = r.get("event").and_then(|e| e.as_str()).unwrap_or("");
        if label == "DOCUMENT" {
            continue;
        }
        let Some(event) = EventType::parse(label) else {
            problems.push(format!("record {}: event `{label}` is not a PLOVER type", i + 1));
            continue;
        };
        let codes = |key: &str| -> BTreeSet<String> {
            r.get(key)
                .and_then(|s| s.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.get("code").and_then(|c| c.as_str()))
                        .map(|c| c.get(..3).unwrap_or(c).to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        out.push(GoldRecord {
            id: r.get("id").and_then(|s| s.as_str()).unwrap_or("").to_string(),
            text: r.get("text").and_then(|s| s.as_str()).unwrap_or("").to_string(),
            date: r.get("date").and_then(|s| s.as_str()).map(str::to_string),
            event,
            source: codes("source"),
            target: codes("target"),
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems.join("\n"))
    }
}

/// The scores of one coder on a set of records.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Scores {
    pub records: usize,
    /// Share of records whose main event has the gold type (no event = wrong).
    pub accuracy: f64,
    pub macro_f1: f64,
    /// Share of records with at least one event.
    pub coverage: f64,
    pub source_f1: f64,
    pub target_f1: f64,
    /// Exact (source, type, target) triples, main events against gold.
    pub triple_precision: f64,
    pub triple_recall: f64,
    /// Per gold type: (records, correct).
    pub per_type: BTreeMap<String, (usize, usize)>,
}

/// The main event per record (or none), as coded.
pub fn main_events(d: &Dictionaries, gold: &[GoldRecord], opts: &CoderOptions) -> Vec<Option<Event>> {
    gold.iter()
        .map(|g| {
            let input = Input { id: g.id.clone(), text: g.text.clone(), date: g.date.clone() };
            coder::code(d, &input, opts).into_iter().next()
        })
        .collect()
}

/// The naive baseline: the first word of the record that is a verb of the
/// dictionary, coded with its block's default code, no patterns, no actors.
pub fn naive_events(d: &Dictionaries, gold: &[GoldRecord]) -> Vec<Option<EventType>> {
    gold.iter()
        .map(|g| {
            coder::text::tokens(&g.text).iter().find_map(|t| {
                let forms = d.verbs.forms.get(&t.word)?;
                let f = forms.iter().find(|f| f.words.len() == 1)?;
                let code = f.code.clone().unwrap_or_else(|| d.verbs.blocks[f.block].code.clone())?;
                crate::cameo::to_plover(&code).map(|(k, _)| k)
            })
        })
        .collect()
}

fn f1(tp: usize, fp: usize, fne: usize) -> f64 {
    if tp == 0 {
        return 0.0;
    }
    let p = tp as f64 / (tp + fp) as f64;
    let r = tp as f64 / (tp + fne) as f64;
    2.0 * p * r / (p + r)
}

fn countries(actors: &[crate::model::EventActor]) -> BTreeSet<String> {
    actors.iter().filter(|a| !a.country.is_empty()).map(|a| a.country.clone()).collect()
}

/// Scores predicted types (and, when given, actors) against the records.
pub fn score(gold: &[GoldRecord], predicted: &[Option<Event>]) -> Scores {
    let types: Vec<Option<EventType>> = predicted.iter().map(|p| p.as_ref().map(|e| e.event)).collect();
    let mut s = score_types(gold, &types);
    let (mut stp, mut sfp, mut sfn, mut ttp, mut tfp, mut tfn) = (0, 0, 0, 0, 0, 0);
    let (mut exact, mut emitted, mut expected) = (0, 0, 0);
    for (g, p) in gold.iter().zip(predicted) {
        let (src, tgt) = p.as_ref().map_or_else(Default::default, |e| (countries(&e.actors), countries(&e.recipients)));
        stp += src.intersection(&g.source).count();
        sfp += src.difference(&g.source).count();
        sfn += g.source.difference(&src).count();
        ttp += tgt.intersection(&g.target).count();
        tfp += tgt.difference(&g.target).count();
        tfn += g.target.difference(&tgt).count();
        let gold_triples: BTreeSet<(String, String)> = triples(&g.source, &g.target);
        expected += gold_triples.len();
        if let Some(e) = p {
            let mine = triples(&src, &tgt);
            emitted += mine.len();
            if e.event == g.event {
                exact += mine.intersection(&gold_triples).count();
            }
        }
    }
    s.source_f1 = f1(stp, sfp, sfn);
    s.target_f1 = f1(ttp, tfp, tfn);
    s.triple_precision = if emitted == 0 { 0.0 } else { exact as f64 / emitted as f64 };
    s.triple_recall = if expected == 0 { 0.0 } else { exact as f64 / expected as f64 };
    s
}

fn triples(src: &BTreeSet<String>, tgt: &BTreeSet<String>) -> BTreeSet<(String, String)> {
    let none = BTreeSet::from([String::new()]);
    let s = if src.is_empty() { &none } else { src };
    let t = if tgt.is_empty() { &none } else { tgt };
    s.iter().flat_map(|a| t.iter().map(move |b| (a.clone(), b.clone()))).collect()
}

/// Type accuracy, macro-F1 and coverage only.
pub fn score_types(gold: &[GoldRecord], predicted: &[Option<EventType>]) -> Scores {
    let n = gold.len();
    let mut correct = 0;
    let mut covered = 0;
    let mut per_type: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut tp: BTreeMap<EventType, usize> = BTreeMap::new();
    let mut fp: BTreeMap<EventType, usize> = BTreeMap::new();
    let mut fne: BTreeMap<EventType, usize> = BTreeMap::new();
    for (g, p) in gold.iter().zip(predicted) {
        let entry = per_type.entry(g.event.as_str().to_string()).or_default();
        entry.0 += 1;
        if p.is_some() {
            covered += 1;
        }
        if *p == Some(g.event) {
            correct += 1;
            entry.1 += 1;
            *tp.entry(g.event).or_default() += 1;
        } else {
            *fne.entry(g.event).or_default() += 1;
            if let Some(k) = p {
                *fp.entry(*k).or_default() += 1;
            }
        }
    }
    let classes: BTreeSet<EventType> = gold.iter().map(|g| g.event).collect();
    let macro_f1 = if classes.is_empty() {
        0.0
    } else {
        classes
            .iter()
            .map(|k| {
                f1(tp.get(k).copied().unwrap_or(0), fp.get(k).copied().unwrap_or(0), fne.get(k).copied().unwrap_or(0))
            })
            .sum::<f64>()
            / classes.len() as f64
    };
    let ratio = |a: usize| if n == 0 { 0.0 } else { a as f64 / n as f64 };
    Scores {
        records: n,
        accuracy: ratio(correct),
        macro_f1,
        coverage: ratio(covered),
        source_f1: 0.0,
        target_f1: 0.0,
        triple_precision: 0.0,
        triple_recall: 0.0,
        per_type,
    }
}
