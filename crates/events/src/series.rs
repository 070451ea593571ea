//! Weekly dyad series: per pair of actors and ISO week (Monday to Sunday),
//! the events per quad class, the summed scores and a cooperation–conflict
//! index. With a scenario, actors are the scenario's (see [`crate::link`]);
//! without, they are the events' country codes.

use std::collections::BTreeMap;

use demarche_scenario::calendar;
use serde::{Deserialize, Serialize};

use crate::link::Linker;
use crate::model::{Event, Quad};

/// One dyad-week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesRow {
    /// The two actors, in id order (the series is undirected).
    pub a: String,
    pub b: String,
    /// Monday of the ISO week, `YYYY-MM-DD`.
    pub week: String,
    pub events: usize,
    pub verbal_cooperation: usize,
    pub material_cooperation: usize,
    pub verbal_conflict: usize,
    pub material_conflict: usize,
    /// Σ PLOVER intensity of the week's events.
    pub intensity: f64,
    /// Σ Goldstein of the events whose source gave one (GDELT, ICEWS).
    pub goldstein: f64,
    /// Σ score / Σ |score| (score: Goldstein when given, intensity otherwise):
    /// +1 all cooperation, −1 all conflict, 0 balanced or no scored events.
    pub index: f64,
}

/// The series and what could not be placed in it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub rows: Vec<SeriesRow>,
    /// Events with no actor or no recipient on the dyad level.
    pub without_dyad: usize,
    /// Events whose date could not be read.
    pub undated: usize,
    /// Events before `since` or after `until`.
    pub outside_window: usize,
}

impl Series {
    /// Of `events` read, how many were placed on a dyad (the rest are counted as left out).
    pub fn placed(&self, events: usize) -> usize {
        events.saturating_sub(self.without_dyad + self.undated + self.outside_window)
    }
}

/// Days since 1970 for a date that starts `YYYY-MM-DD` (a time after it is ignored).
pub fn parse_day(s: &str) -> Option<i64> {
    calendar::parse(s.get(..10)?)
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(z: i64) -> String {
    calendar::civil_from_days(z)
}

/// The Monday of the week holding day `z` (1970-01-01 was a Thursday).
pub fn week_start(z: i64) -> i64 {
    z - (z + 3).rem_euclid(7)
}

/// The dyads an event puts in the series: each (source, recipient) pair of
/// distinct actors, unordered.
fn dyads(e: &Event, linker: Option<&Linker>) -> Vec<(String, String)> {
    let (src, dst): (Vec<String>, Vec<String>) = match linker {
        Some(l) => {
            let (s, d) = l.sides(e);
            let id = |i: usize| l.scenario().actors[i].id.clone();
            (s.into_iter().map(id).collect(), d.into_iter().map(id).collect())
        }
        None => (
            e.actors.iter().map(|a| a.country.clone()).filter(|c| !c.is_empty()).collect(),
            e.recipients.iter().map(|a| a.country.clone()).filter(|c| !c.is_empty()).collect(),
        ),
    };
    let mut out = Vec::new();
    for s in &src {
        for d in &dst {
            if s != d {
                let pair = if s < d { (s.clone(), d.clone()) } else { (d.clone(), s.clone()) };
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
    }
    out
}

/// Builds the weekly series of `events` within `[since, until]` (inclusive days).
pub fn build(events: &[Event], linker: Option<&Linker>, since: Option<i64>, until: Option<i64>) -> Series {
    #[derive(Default)]
    struct Acc {
        n: usize,
        quads: [usize; 4],
        intensity: f64,
        goldstein: f64,
        score: f64,
        abs: f64,
    }
    let mut acc: BTreeMap<(String, String, i64), Acc> = BTreeMap::new();
    let mut series = Series::default();
    for e in events {
        let Some(day) = parse_day(&e.date) else {
            series.undated += 1;
            continue;
        };
        if since.is_some_and(|s| day < s) || until.is_some_and(|u| day > u) {
            series.outside_window += 1;
            continue;
        }
        let pairs = dyads(e, linker);
        if pairs.is_empty() {
            series.without_dyad += 1;
            continue;
        }
        let week = week_start(day);
        let q = e.quad_class();
        for (a, b) in pairs {
            let x = acc.entry((a, b, week)).or_default();
            x.n += 1;
            x.quads[q.number() as usize - 1] += 1;
            x.intensity += e.intensity;
            x.goldstein += e.goldstein.unwrap_or(0.0);
            x.score += e.score();
            x.abs += e.score().abs();
        }
    }
    series.rows = acc
        .into_iter()
        .map(|((a, b, week), x)| SeriesRow {
            a,
            b,
            week: format_day(week),
            events: x.n,
            verbal_cooperation: x.quads[Quad::VerbalCooperation as usize - 1],
            material_cooperation: x.quads[Quad::MaterialCooperation as usize - 1],
            verbal_conflict: x.quads[Quad::VerbalConflict as usize - 1],
            material_conflict: x.quads[Quad::MaterialConflict as usize - 1],
            intensity: round3(x.intensity),
            goldstein: round3(x.goldstein),
            index: if x.abs > 0.0 { round3(x.score / x.abs) } else { 0.0 },
        })
        .collect();
    series
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The escalation signal per dyad: how much material conflict rose in the
/// last `recent` weeks against the weeks before, scaled to 0–1:
/// `clamp((m_recent − m_before) / (m_recent + m_before + 1), 0, 1)` with `m`
/// the mean material-conflict events per week. The `+ 1` keeps a single
/// event from reading as a full escalation. The recent weeks end with the
/// week of `end` (a scenario's as-of date, say), else with the series' last
/// week; weeks after it are not counted.
pub fn escalation(series: &Series, recent: usize, end: Option<i64>) -> BTreeMap<(String, String), f64> {
    let weeks_of = |r: &SeriesRow| parse_day(&r.week).unwrap_or(0);
    let last_week = match end {
        Some(e) => week_start(e),
        None => series.rows.iter().map(weeks_of).max().unwrap_or(0),
    };
    let first_week = series.rows.iter().map(weeks_of).filter(|&w| w <= last_week).min().unwrap_or(last_week);
    let recent = recent.max(1) as i64;
    let cut = last_week - 7 * (recent - 1);
    let before_weeks = ((cut - first_week) / 7).max(1) as f64;
    let mut by_dyad: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for r in series.rows.iter().filter(|r| weeks_of(r) <= last_week) {
        let x = by_dyad.entry((r.a.clone(), r.b.clone())).or_default();
        if weeks_of(r) >= cut {
            x.0 += r.material_conflict;
        } else {
            x.1 += r.material_conflict;
        }
    }
    by_dyad
        .into_iter()
        .map(|(k, (recent_sum, before_sum))| {
            let m_recent = recent_sum as f64 / recent as f64;
            let m_before = before_sum as f64 / before_weeks;
            let signal = ((m_recent - m_before) / (m_recent + m_before + 1.0)).clamp(0.0, 1.0);
            (k, round3(signal))
        })
        .collect()
}
