//! A simulation's results as report documents and chart data, and the
//! simulation parts of a scenario report (channel comparison, bargaining
//! pictures, sensitivity tornadoes). The CLI and the workbench record and draw
//! the same documents, so a stored run redraws the same report. (Moved here
//! from the report crate, which now only draws the data it is given.)

use demarche_scenario::Scenario;
use demarche_sim::Report;

use demarche_report::data::{EscalationMatrix, IntervalChart, IntervalRow, ParetoData, Sensitivity, TornadoBar};

use crate::run_documents::{Kept, RunDocuments};

/// Report documents for a simulation: the simulation's own report, agreement
/// and terms by channel with their intervals, and each channel's
/// confrontation matrix.
pub fn documents(sc: &Scenario, r: &Report) -> RunDocuments {
    let (intervals, escalation) = charts_data(sc, r);
    RunDocuments {
        simulation: Kept::of(r).ok(),
        intervals: Some(intervals),
        escalation: Some(escalation),
        outlook: Some(outlook(r)),
        ..Default::default()
    }
}

/// The simulation's answer in words, as the text output says it: the zone,
/// what would open it, options used first, the channel by mechanism.
pub fn outlook(r: &Report) -> demarche_report::data::Outlook {
    let ratified: Vec<String> =
        r.channels.iter().map(|c| format!("{} {:.1}%", c.channel, 100.0 * c.ratified)).collect();
    let headline = format!(
        "Over {} runs the red lines leave no zone of agreement in {:.1}% of them; a deal that survives \
         ratification comes in {}.",
        r.runs,
        100.0 * r.no_zone,
        ratified.join(", ")
    );
    let mut parts = Vec::new();
    for text in [
        demarche_sim::render::zone_in_words(r),
        demarche_sim::render::force_in_words(r),
        demarche_sim::render::channel_in_words(r),
    ] {
        // The text's own layout: a question line, items at "  - ", their
        // continuations indented further, notes at two spaces.
        let mut part: Option<demarche_report::data::OutlookPart> = None;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let p = part.get_or_insert_with(Default::default);
            if !line.starts_with(' ') {
                p.question = line.trim().to_string();
            } else if let Some(item) = line.strip_prefix("  - ") {
                p.items.push(item.trim().to_string());
            } else if line.starts_with("    ") && !p.items.is_empty() {
                if let Some(last) = p.items.last_mut() {
                    last.push(' ');
                    last.push_str(line.trim());
                }
            } else {
                p.items.push(line.trim().to_string());
            }
        }
        parts.extend(part);
    }
    demarche_report::data::Outlook { headline, parts }
}

/// The chart data of a simulation report.
pub fn charts_data(sc: &Scenario, r: &Report) -> (Vec<IntervalChart>, Vec<EscalationMatrix>) {
    let mut intervals = Vec::new();
    let mut rows = Vec::new();
    for c in &r.channels {
        let shares = [
            ("deal at the table", c.agreement, c.agreement_interval),
            ("deal that survives ratification", c.ratified, c.ratified_interval),
        ];
        for (group, mean, [low, high]) in shares {
            rows.push(IntervalRow { group: group.into(), series: c.channel.clone(), mean, low, high, point: None });
        }
    }
    intervals.push(IntervalChart {
        title: "Chance of a deal by channel".into(),
        axis: format!("share of {} Monte Carlo runs", r.runs),
        interval: "its 95% (Wilson) interval".into(),
        range: Some([0.0, 1.0]),
        ends: Some(["no run ends in a deal".into(), "every run ends in a deal".into()]),
        reference: None,
        series_kind: None,
        rows,
    });
    for issue_id in &r.agenda {
        let Some(issue) = sc.issues.iter().find(|i| &i.id == issue_id) else { continue };
        let rows: Vec<IntervalRow> = r
            .channels
            .iter()
            .filter_map(|c| {
                let t = c.terms.iter().find(|t| &t.issue == issue_id)?;
                Some(IntervalRow {
                    group: "terms of the deal".into(),
                    series: c.channel.clone(),
                    mean: t.summary.median,
                    low: t.summary.p10,
                    high: t.summary.p90,
                    point: None,
                })
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        intervals.push(IntervalChart {
            title: format!("{}: terms by channel", issue.name),
            axis: match &issue.unit {
                Some(u) => format!("{} ({u})", issue.name),
                None => issue.name.clone(),
            },
            interval: "the 10th–90th percentile of the deals reached (dot: median)".into(),
            range: Some([issue.min, issue.max]),
            ends: Some([issue.low.clone(), issue.high.clone()]),
            reference: issue.status_quo.map(|s| ("status quo".to_string(), s)),
            series_kind: None,
            rows,
        });
    }
    let mut escalation: Vec<EscalationMatrix> =
        indicator_matrix(sc, &r.confrontation, r.escalation_runs).into_iter().collect();
    let mut classification = Vec::new();
    for c in r.channels.iter().filter(|c| !c.escalation.is_empty()) {
        let mut ids: Vec<&str> = Vec::new();
        for d in &c.escalation {
            for id in [d.a.as_str(), d.b.as_str()] {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        // Scenario order reads better than first-seen order.
        ids.sort_by_key(|id| sc.actor_index(id).unwrap_or(usize::MAX));
        let n = ids.len();
        let mut values = vec![vec![None; n]; n];
        for d in &c.escalation {
            if let (Some(i), Some(j)) = (ids.iter().position(|x| *x == d.a), ids.iter().position(|x| *x == d.b)) {
                values[i][j] = Some(d.overall);
                values[j][i] = Some(d.overall);
            }
        }
        let name = |id: &str| sc.actors.iter().find(|a| a.id == id).map(|a| a.name.clone()).unwrap_or(id.to_string());
        classification.push(EscalationMatrix {
            metric: format!("expected-utility conflict classification alone ({} talks)", c.channel),
            actors: ids.iter().map(|id| name(id)).collect(),
            values,
            source: format!(
                "Share of the first {} runs in which Bueno de Mesquita's expected-utility model ends with the pair \
                 in conflict on some issue; the matrix is symmetric, pairs never in conflict are grey. One \
                 ingredient of the confrontation indicator; alone it ranks no better than chance on the backtests \
                 (docs/validity.md).",
                r.escalation_runs
            ),
        });
    }
    escalation.extend(one_matrix_if_alike(classification));
    (intervals, escalation)
}

/// The confrontation indicator as a symmetric matrix over the actors it
/// ranks (scenario order), for the report's heat map.
pub fn indicator_matrix(
    sc: &Scenario,
    dyads: &[demarche_sim::confrontation::DyadScore],
    escalation_runs: u64,
) -> Option<EscalationMatrix> {
    if dyads.is_empty() {
        return None;
    }
    let ids: Vec<&str> =
        demarche_sim::confrontation::ranked_actors(sc).into_iter().map(|a| sc.actors[a].id.as_str()).collect();
    let n = ids.len();
    let mut values = vec![vec![None; n]; n];
    for d in dyads {
        if let (Some(i), Some(j)) = (ids.iter().position(|x| *x == d.a), ids.iter().position(|x| *x == d.b)) {
            values[i][j] = Some(d.score);
            values[j][i] = Some(d.score);
        }
    }
    let names = ids.iter().map(|id| sc.actors.iter().find(|a| a.id == *id).map_or(id.to_string(), |a| a.name.clone()));
    Some(EscalationMatrix {
        metric: "confrontation indicator (0–1)".into(),
        actors: names.collect(),
        values,
        source: format!(
            "Salience-weighted disagreement on shared issues, red lines one side's demand or the likely outcome would \
             cross, hostile relations{}; allied pairs, patron and proxy, and near-identical stances are damped \
             (docs/models.md). It ranks pairs by how strongly the inputs point to coercion or force; it is not a \
             probability.",
            if escalation_runs > 0 {
                format!(" and the expected-utility model's conflict share over {escalation_runs} runs")
            } else {
                String::new()
            }
        ),
    })
}

/// The indicator depends on the channel only through the deal each run
/// reaches; where that changes nothing (as when no deal survives
/// ratification), one matrix says it all.
fn one_matrix_if_alike(matrices: Vec<EscalationMatrix>) -> Vec<EscalationMatrix> {
    match matrices.as_slice() {
        [a, b] if a.actors == b.actors && a.values == b.values => {
            let mut one = a.clone();
            one.metric = "expected-utility conflict classification alone (either channel)".to_string();
            one.source = format!("Both channels give this same matrix. {}", one.source);
            vec![one]
        }
        _ => matrices,
    }
}

/// One chart per issue with every model's median and 10–90 % band over the
/// draws of a forecast under uncertainty.
pub fn uncertainty_charts(sc: &Scenario, u: &demarche_sim::uncertainty::ForecastUncertainty) -> Vec<IntervalChart> {
    sc.issues
        .iter()
        .filter_map(|issue| {
            let rows: Vec<IntervalRow> = u
                .bands
                .iter()
                .filter(|b| b.issue == issue.id)
                .filter_map(|b| {
                    let s = b.summary.as_ref()?;
                    Some(IntervalRow {
                        group: "forecast".into(),
                        series: b.engine.clone(),
                        mean: s.median,
                        low: s.p10,
                        high: s.p90,
                        point: Some(b.stated).filter(|x| x.is_finite()),
                    })
                })
                .collect();
            (!rows.is_empty()).then(|| IntervalChart {
                title: format!("{}: forecasts under uncertainty", issue.name),
                axis: match &issue.unit {
                    Some(unit) => format!("{} ({unit})", issue.name),
                    None => issue.name.clone(),
                },
                interval: format!(
                    "the 10th–90th percentile over {} draws of the stated uncertainty (dot: median; hollow \
                     diamond: the forecast at the stated values)",
                    u.runs
                ),
                range: Some([issue.min, issue.max]),
                ends: Some([issue.low.clone(), issue.high.clone()]),
                reference: issue.status_quo.map(|x| ("status quo".to_string(), x)),
                series_kind: Some("model".into()),
                rows,
            })
        })
        .collect()
}

/// Report documents of a forecast under uncertainty: the bands, and their charts.
pub fn uncertainty_documents(sc: &Scenario, u: &demarche_sim::uncertainty::ForecastUncertainty) -> RunDocuments {
    RunDocuments {
        forecast_uncertainty: Kept::of(u).ok(),
        bands: Some(uncertainty_charts(sc, u)),
        ..Default::default()
    }
}

/// How much work a scenario report's simulation parts may take.
#[derive(Clone, Copy, Debug)]
pub struct ReportBudget {
    pub runs: u32,
    pub escalation_runs: u64,
    /// Sobol base samples and one-at-a-time runs per setting of the tornado.
    pub samples: usize,
    pub oat_runs: usize,
}

impl Default for ReportBudget {
    /// About a second on one core for the seed scenario.
    fn default() -> Self {
        ReportBudget { runs: 1000, escalation_runs: 200, samples: 4, oat_runs: 16 }
    }
}

/// Report documents beyond the forecasts for a scenario with two principals:
/// the channel comparison with its intervals, the confrontation matrices, the
/// principals' bargaining picture per channel and the sensitivity tornadoes.
/// A part that cannot be computed is left out and its reason returned.
/// `simulated` is a simulation of `sc` already at hand (else one is run).
pub fn report_documents(
    sc: &Scenario,
    budget: &ReportBudget,
    simulated: Option<&Report>,
) -> (RunDocuments, Vec<String>) {
    let mut notes = Vec::new();
    let overrides = demarche_sim::Overrides { runs: Some(budget.runs), ..Default::default() };
    let opts = demarche_sim::Options { overrides: overrides.clone(), escalation_runs: budget.escalation_runs };
    let ran;
    let report = match simulated {
        Some(r) => r,
        None => match demarche_sim::simulate(sc, &opts, &demarche_sim::Unattended) {
            Ok(r) => {
                ran = r;
                &ran
            }
            Err(e) if sc.simulation.is_none() => {
                // A scenario written without the simulation in mind: one line, not a diagnosis.
                let why = e.to_string();
                let why = why.lines().next().unwrap_or_default().trim_start_matches("error: ").to_string();
                notes.push(format!("no channel simulation in the report (no [simulation] section; {why})"));
                return (RunDocuments::default(), notes);
            }
            Err(e) => {
                notes.push(format!("no channel comparison: {e}"));
                return (RunDocuments::default(), notes);
            }
        },
    };
    let mut docs = documents(sc, report);
    match demarche_sim::picture::picture(sc, &overrides) {
        Ok(p) => docs.pareto = Some(pareto_data(sc, &p)),
        Err(e) => notes.push(format!("no bargaining picture: {e}")),
    }
    let sens = demarche_sim::SensitivityOptions {
        overrides,
        samples: budget.samples,
        oat_runs: budget.oat_runs,
        ..Default::default()
    };
    match demarche_sim::analyse(sc, &sens, &demarche_sim::Unattended) {
        Ok(r) => {
            let mut t = tornadoes(sc, &r, 6, 10);
            if t.is_empty() {
                // Nothing moved at one-at-a-time settings: say so rather than leave
                // the section out (a report draws an entry without bars as words).
                t.push(Sensitivity {
                    output: "the chance of a deal at the table, of one that survives ratification, of no zone of \
                             agreement and of a coercive option used first, in every channel"
                        .into(),
                    // Unused without bars; finite so the document reads back (JSON has no NaN).
                    base: 0.0,
                    ends: None,
                    bars: Vec::new(),
                    noise: None,
                });
            }
            docs.sensitivity = Some(t);
        }
        Err(e) => notes.push(format!("no sensitivity: {e}")),
    }
    (docs, notes)
}

/// The principals' bargaining picture, one chart per channel (its deal marked).
pub fn pareto_data(sc: &Scenario, p: &demarche_sim::picture::Picture) -> Vec<ParetoData> {
    if p.frontier.is_empty() {
        return Vec::new();
    }
    let name = |id: &str| sc.actors.iter().find(|a| a.id == id).map(|a| a.name.clone()).unwrap_or(id.to_string());
    // Every chart shares the picture; the channels differ in their title and deal.
    let chart = |title: String, agreement: Option<[f64; 2]>, agreement_label: Option<String>| ParetoData {
        title,
        x_party: name(&p.principals[0]),
        y_party: name(&p.principals[1]),
        frontier: p.frontier.clone(),
        outcomes: p.outcomes.clone(),
        disagreement: Some(p.reservation),
        nash: p.nash,
        kalai_smorodinsky: p.kalai_smorodinsky,
        agreement,
        agreement_label,
    };
    if let Some(issue) = &p.no_zone {
        let issue = sc.issues.iter().find(|i| &i.id == issue).map_or(issue.clone(), |i| i.name.clone());
        let title = format!("With the red lines set aside (at the stated positions they leave no zone: {issue})");
        return vec![chart(title, None, None)];
    }
    p.channels
        .iter()
        .map(|c| {
            let how = match (c.channel.as_str(), &p.mediator) {
                ("mediated", Some(m)) => format!("talks mediated by {}", name(m)),
                (ch, _) => format!("{ch} talks"),
            };
            let label = c.agreement.map(|_| {
                format!(
                    "{how}: deal after {} rounds{}",
                    c.rounds,
                    if c.ratified { "" } else { ", blocked at ratification" }
                )
            });
            chart(format!("{}, at the stated positions", capitalised(&how)), c.agreement, label)
        })
        .collect()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// How far a one-at-a-time mean over `runs` runs can sit from the base (another
/// such mean) by Monte Carlo noise alone: two standard errors of the
/// difference, `2·√(2·Var/runs)`. The per-run variance `Var` is the largest of
/// the Sobol estimate (few samples can see a constant), `p(1 − p)` for a
/// chance (`p` the mean of the one-at-a-time means), and `runs` times the
/// spread of those means (most inputs move nothing, so their spread is noise).
fn oat_noise(out: &demarche_sim::RankedOutput, runs: usize) -> Option<f64> {
    if runs == 0 {
        return None;
    }
    let means: Vec<f64> = std::iter::once(out.baseline)
        .chain(out.rows.iter().flat_map(|r| [r.low, r.high]))
        .filter(|x| x.is_finite())
        .collect();
    let n = means.len() as f64;
    let mean = means.iter().sum::<f64>() / n.max(1.0);
    let spread = if means.len() > 1 { means.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    let chance = !matches!(out.measure, demarche_sim::Measure::Term(_));
    let bernoulli = if chance { mean.clamp(0.0, 1.0) * (1.0 - mean.clamp(0.0, 1.0)) } else { 0.0 };
    let var = [out.variance, bernoulli, spread * runs as f64].into_iter().filter(|v| v.is_finite()).fold(0.0, f64::max);
    (var > 0.0).then(|| 2.0 * (2.0 * var / runs as f64).sqrt())
}

/// Tornado data from a sensitivity analysis: the outputs that vary most (the
/// chance of a deal first, then the issues whose expected term varies most
/// relative to the scale), each with its inputs by one-at-a-time swing.
pub fn tornadoes(
    sc: &Scenario,
    r: &demarche_sim::SensitivityReport,
    max_outputs: usize,
    max_bars: usize,
) -> Vec<Sensitivity> {
    let mut scored: Vec<(f64, Sensitivity)> = Vec::new();
    for out in &r.ranked {
        let channel = &out.channel;
        let (label, ends, score) = if let demarche_sim::Measure::Term(issue) = &out.measure {
            let Some(iss) = sc.issues.iter().find(|i| &i.id == issue) else { continue };
            let range = iss.range().max(f64::MIN_POSITIVE);
            (
                format!("expected term on {} ({channel} talks)", iss.name),
                Some([iss.low.clone(), iss.high.clone()]),
                out.variance / (range * range),
            )
        } else {
            let thing = match out.measure {
                demarche_sim::Measure::Agreement => "chance of a deal at the table",
                demarche_sim::Measure::NoZone => "chance that the red lines leave no zone of agreement",
                demarche_sim::Measure::Force => "chance that a coercive option is used before a deal",
                _ => "chance of a deal that survives ratification",
            };
            (
                format!("{thing} ({channel} talks)"),
                Some(["no run".to_string(), "every run".to_string()]),
                out.variance + 1.0,
            )
        };
        let noise = oat_noise(out, r.oat.runs);
        let mut bars: Vec<TornadoBar> = out
            .rows
            .iter()
            .filter(|row| row.low.is_finite() && row.high.is_finite() && row.low != row.high)
            .map(|row| TornadoBar {
                parameter: row.input.clone(),
                low: row.low,
                high: row.high,
                settings: Some(["10th percentile".into(), "90th percentile".into()]),
                within_noise: noise
                    .is_some_and(|n| (row.low - out.baseline).abs().max((row.high - out.baseline).abs()) <= n),
            })
            .collect();
        // One-at-a-time swings draw the tornado even when the few Sobol
        // samples of a report's budget saw the output constant.
        if bars.is_empty() {
            continue;
        }
        // By reach from the base: an input may push the output the same way at both settings.
        let reach = |b: &TornadoBar| b.low.max(b.high).max(out.baseline) - b.low.min(b.high).min(out.baseline);
        bars.sort_by(|a, b| reach(b).total_cmp(&reach(a)));
        bars.truncate(max_bars);
        scored.push((score, Sensitivity { output: label, base: out.baseline, ends, bars, noise }));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(max_outputs).map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tornadoes_rank_inputs_by_reach_and_keep_the_outputs_that_vary() {
        let row = |input: &str, low: f64, high: f64| demarche_sim::RankedInput {
            input: input.into(),
            first_order: Some(0.1),
            first_conf: None,
            total: Some(0.2),
            total_conf: None,
            within_noise: false,
            low,
            high,
        };
        let sc: Scenario = demarche_scenario::seed().unwrap().scenario;
        let output = |measure: demarche_sim::Measure, variance: f64, rows| demarche_sim::RankedOutput {
            output: String::new(),
            channel: "direct".into(),
            measure,
            baseline: 50.0,
            variance,
            rows,
        };
        let r = demarche_sim::SensitivityReport {
            title: String::new(),
            seed: 0,
            outputs: Vec::new(),
            inputs: Vec::new(),
            sobol: Default::default(),
            oat: Default::default(),
            ranked: vec![
                // Both settings push the same way: its reach from the base is 30, the largest.
                output(
                    demarche_sim::Measure::Term("inspections".into()),
                    4.0,
                    vec![row("a", 45.0, 55.0), row("b", 70.0, 80.0), row("flat", 50.0, 50.0)],
                ),
                output(demarche_sim::Measure::Agreement, 0.0, vec![row("a", 1.0, 1.0)]),
                output(demarche_sim::Measure::Term("no_such_issue".into()), 9.0, vec![row("a", 1.0, 2.0)]),
            ],
        };
        let t = tornadoes(&sc, &r, 6, 10);
        assert_eq!(t.len(), 1, "only the issue output varies and exists");
        assert_eq!(t[0].output, "expected term on Inspections and verification (direct talks)");
        let names: Vec<&str> = t[0].bars.iter().map(|b| b.parameter.as_str()).collect();
        assert_eq!(names, ["b", "a"], "ranked by reach; an input that moves nothing is left out");
        assert!(demarche_report::charts::tornado::tornado(&t[0]).is_some());
    }

    #[test]
    fn channels_with_the_same_confrontations_share_one_matrix() {
        let matrix = |channel: &str, risk: f64| EscalationMatrix {
            metric: format!("share of runs ending in confrontation ({channel} talks)"),
            actors: vec!["A".into(), "B".into()],
            values: vec![vec![None, Some(risk)], vec![Some(risk), None]],
            source: "Estimated on 200 runs.".into(),
        };
        let one = one_matrix_if_alike(vec![matrix("mediated", 0.2), matrix("direct", 0.2)]);
        assert_eq!(one.len(), 1);
        assert!(one[0].metric.contains("either channel") && one[0].source.starts_with("Both channels"));
        let two = one_matrix_if_alike(vec![matrix("mediated", 0.2), matrix("direct", 0.3)]);
        assert_eq!(two, vec![matrix("mediated", 0.2), matrix("direct", 0.3)]);
    }
}
