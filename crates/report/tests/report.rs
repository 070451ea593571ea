//! The report for a small fixed scenario, and each chart on synthetic data.

use demarche_forecast::{Compromise, Forecast, Nash, PerIssue, Request};
use demarche_report::data::{
    BandPoint, BandSeries, ChannelComparison, EscalationMatrix, IntervalChart, IntervalRow, ParetoData, Sensitivity,
    TornadoBar,
};
use demarche_report::{charts, render_html, sections, ReportData};
use demarche_scenario::Scenario;

const SCENARIO: &str = r#"
[meta]
title = "Tariff talks <&> \"test\""
as_of = 2025-01-01
author = "demarche tests"
description = "A three-party case; <script>alert('x')</script> must stay text."

[[actors]]
id = "a"
name = "Alpha"
capability = 1.0

[[actors]]
id = "b"
name = "Beta <b>"
capability = 2.0

[[actors]]
id = "c"
name = "Gamma"
kind = "mediator"
capability = 1.0

[[issues]]
id = "x"
name = "Tariff level"
min = 0
max = 100
unit = "%"
low = "no tariff"
high = "prohibitive tariff"
status_quo = 80
anchors = [{ at = 50, label = "half" }]

[[stances]]
actor = "a"
issue = "x"
position = 20
salience = 1.0

[[stances]]
actor = "b"
issue = "x"
position = 50
salience = 0.5

[[stances]]
actor = "c"
issue = "x"
position = 60
salience = 0.5
red_line = [40, 70]
"#;

fn scenario() -> Scenario {
    demarche_scenario::load_str(SCENARIO, Some(demarche_scenario::Format::Toml), None).unwrap().scenario
}

fn forecasts(sc: &Scenario) -> Vec<Forecast> {
    vec![
        demarche_forecast::run(&PerIssue(Compromise), sc, &Request::default()).unwrap(),
        demarche_forecast::run(&PerIssue(Nash { settings: Default::default() }), sc, &Request::default()).unwrap(),
    ]
}

/// A forecast with several rounds, as an iterative engine makes.
fn iterative(sc: &Scenario) -> Forecast {
    let mut f = forecasts(sc).remove(0);
    f.engine = "synthetic".into();
    let iss = &mut f.issues[0];
    iss.trajectory =
        vec![vec![20.0, 50.0, 60.0], vec![30.0, 48.0, 55.0], vec![38.0, 46.0, 50.0], vec![42.0, 45.0, 47.0]];
    iss.outcome_path = vec![45.0, 44.0, 44.5, 44.8];
    iss.outcome = 44.8;
    f
}

fn channels() -> ChannelComparison {
    let series = |label: &str, base: f64| BandSeries {
        label: label.into(),
        points: (0..=10)
            .map(|i| {
                let x = f64::from(i);
                let mean = base + 0.03 * x;
                BandPoint { x, mean, low: mean - 0.1, high: mean + 0.1 }
            })
            .collect(),
    };
    ChannelComparison {
        metric: "probability of agreement".into(),
        x_label: "round".into(),
        band: "the 90% interval over 1,000 draws".into(),
        y_range: Some([0.0, 1.0]),
        y_ends: None,
        series: vec![series("mediated (Oman)", 0.4), series("direct", 0.2)],
    }
}

fn pareto() -> ParetoData {
    ParetoData {
        title: "Enrichment for sanctions".into(),
        x_party: "Iran".into(),
        y_party: "United States".into(),
        frontier: (0..=20)
            .map(|i| {
                let t = f64::from(i) / 20.0;
                [t, (1.0 - t * t).sqrt()]
            })
            .collect(),
        outcomes: vec![[0.2, 0.3], [0.5, 0.5], [0.1, 0.8]],
        disagreement: Some([0.1, 0.1]),
        nash: Some([0.7, 0.71]),
        kalai_smorodinsky: Some([0.69, 0.72]),
        agreement: Some([0.6, 0.75]),
        agreement_label: Some("alternating offers, round 14".into()),
    }
}

fn escalation() -> EscalationMatrix {
    EscalationMatrix {
        metric: "probability of military confrontation".into(),
        actors: vec!["Iran".into(), "Israel".into(), "United States".into()],
        values: vec![
            vec![None, Some(0.6), Some(0.3)],
            vec![Some(0.7), None, Some(0.05)],
            vec![Some(0.35), Some(0.0), None],
        ],
        source: "Synthetic test data.".into(),
    }
}

fn sensitivity() -> Sensitivity {
    Sensitivity {
        output: "forecast on tariff level (compromise)".into(),
        base: 40.0,
        ends: Some(["no tariff".into(), "prohibitive tariff".into()]),
        bars: vec![
            TornadoBar {
                parameter: "Beta's salience".into(),
                low: 35.0,
                high: 46.0,
                settings: Some(["0.3".into(), "0.7".into()]),
                within_noise: false,
            },
            TornadoBar {
                parameter: "Alpha's position".into(),
                low: 30.0,
                high: 52.0,
                settings: None,
                within_noise: false,
            },
            TornadoBar {
                parameter: "Gamma's capability".into(),
                low: 39.0,
                high: 41.0,
                settings: None,
                within_noise: false,
            },
        ],
        noise: None,
    }
}

#[test]
fn report_of_the_fixed_scenario() {
    let sc = scenario();
    let mut fs = forecasts(&sc);
    fs.push(iterative(&sc));
    let html = render_html(&ReportData::new(sc, fs));
    insta::assert_snapshot!("fixed_scenario_report", html);
}

#[test]
fn report_is_self_contained_and_escaped() {
    let sc = scenario();
    let mut data = ReportData::new(sc.clone(), forecasts(&sc));
    data.forecasts.push(iterative(&sc));
    data.channels = Some(channels());
    data.intervals = vec![intervals()];
    data.pareto = vec![pareto()];
    data.escalation = vec![escalation()];
    data.sensitivity = vec![sensitivity()];
    let html = render_html(&data);
    for banned in ["<script", "http://", "https://", "@import", "<link", "url("] {
        let hits: Vec<_> = html.match_indices(banned).collect();
        // The SVG namespace URI is an identifier, not a fetch.
        let real = hits.iter().filter(|(i, _)| !html[*i..].starts_with("http://www.w3.org/2000/svg")).count();
        assert_eq!(real, 0, "report contains `{banned}`");
    }
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("Beta &lt;b&gt;"));
    assert!(!html.contains("Beta <b>"));
    for id in ["summary", "models", "positions", "channels", "pareto", "escalation", "sensitivity", "inputs"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing section {id}");
    }
    // Every chart has a title, a caption and the issue's ends where it has an issue scale.
    let figures = html.matches("<figure").count();
    assert_eq!(figures, html.matches("<figcaption>").count());
    assert_eq!(
        figures,
        1 + 1 + 2 + 1 + 1 + 1,
        "models 1, positions 1 (the iterative one), channels 2, pareto, escalation, sensitivity"
    );
    assert!(html.contains("← no tariff") && html.contains("prohibitive tariff →"));
    assert!(html.contains("▲ prohibitive tariff") && html.contains("▼ no tariff"));
}

#[test]
fn sections_appear_only_with_their_data() {
    let sc = scenario();
    let ids = |d: &ReportData| sections(d).iter().map(|s| s.id).collect::<Vec<_>>();
    assert!(ids(&ReportData::new(sc.clone(), Vec::new())).is_empty());
    assert_eq!(ids(&ReportData::new(sc.clone(), forecasts(&sc))), vec!["models"], "closed-form models have no rounds");
    let mut with_rounds = forecasts(&sc);
    with_rounds.push(iterative(&sc));
    assert_eq!(ids(&ReportData::new(sc.clone(), with_rounds)), vec!["models", "positions"]);
    let html = render_html(&ReportData::new(sc, Vec::new()));
    assert!(html.contains("holds no forecasts"));
    assert!(!html.contains("<figure"));
}

#[test]
fn positions_chart_draws_a_line_per_actor_and_the_outcome_path() {
    let sc = scenario();
    let f = iterative(&sc);
    let c = charts::positions::positions(&sc, &f, &f.issues[0]).unwrap();
    assert_eq!(c.svg.matches("<polyline").count(), 4, "three actors and the outcome path");
    assert!(c.svg.contains("status quo"));
    assert!(c.title.contains("Tariff level") && c.title.contains("synthetic"));
    insta::assert_snapshot!("positions_chart", c.svg);
}

#[test]
fn positions_chart_colours_the_movers_greys_the_rest_and_leaves_out_the_unstated() {
    let sc = demarche_scenario::seed().unwrap().scenario;
    let mut f = demarche_forecast::run(&PerIssue(Compromise), &sc, &Request::default()).unwrap();
    // Every one of the seed's 13 actors on the first issue, as smp reports them:
    // the even ones move by a ninth of the scale, the odd ones stay.
    let n = f.actors.len();
    let issue = sc.issues[0].id.clone();
    let stated: Vec<bool> = f.actors.iter().map(|a| sc.stance(&a.id, &issue).is_some()).collect();
    assert!(stated.iter().any(|s| !s), "the seed has actors without a stance on {issue}");
    let iss = &mut f.issues[0];
    iss.participants = (0..n).collect();
    iss.trajectory = vec![vec![10.0; n], (0..n).map(|k| if k % 2 == 0 { 20.0 } else { 10.0 }).collect()];
    let c = charts::positions::positions(&sc, &f, &f.issues[0]).unwrap();
    let lines: Vec<&str> = c.svg.lines().filter(|l| l.starts_with("<polyline")).collect();
    let movers = (0..n).filter(|&k| stated[k] && k % 2 == 0).count();
    let still = (0..n).filter(|&k| stated[k] && k % 2 == 1).count();
    let path = usize::from(f.issues[0].outcome_path.len() > 1);
    assert_eq!(lines.len(), movers + still + path, "the stated actors (and the outcome path, if any)");
    assert_eq!(lines.iter().filter(|l| l.contains("#b8bec4")).count(), still, "non-movers in grey");
    let unstated: Vec<&str> = (0..n).filter(|&k| !stated[k]).map(|k| f.actors[k].name.as_str()).collect();
    for name in &unstated {
        assert!(c.caption.contains(name), "{name} is named as not drawn: {}", c.caption);
    }
    assert!(c.caption.contains("Not drawn") && c.caption.contains("In grey"), "{}", c.caption);
}

#[test]
fn band_chart_on_synthetic_data() {
    let c = charts::bands::bands(&channels()).unwrap();
    assert_eq!(c.svg.matches("<polygon").count(), 2, "one band per channel");
    assert!(c.svg.contains("mediated (Oman)") && c.caption.contains("90% interval"));
    assert!(charts::bands::bands(&ChannelComparison { series: vec![], ..channels() }).is_none());
    insta::assert_snapshot!("channels_chart", c.svg);
}

#[test]
fn pareto_chart_marks_the_solutions_and_the_agreement() {
    let c = charts::pareto::pareto(&pareto()).unwrap();
    for s in
        ["Nash bargaining solution", "Kalai–Smorodinsky solution", "alternating offers, round 14", "utility of Iran"]
    {
        assert!(c.svg.contains(s), "missing {s}");
    }
    let mut bad = pareto();
    bad.frontier = vec![[f64::NAN, 1.0]];
    assert!(charts::pareto::pareto(&bad).is_none());
    insta::assert_snapshot!("pareto_chart", c.svg);
}

#[test]
fn pareto_chart_zooms_in_on_deals_crowded_far_from_no_deal() {
    // The seed's picture: every deal within a few hundredths of each other,
    // no deal far below and to the left.
    let mut data = pareto();
    data.frontier = (0..=10).map(|i| [0.93 + 0.002 * f64::from(i), 0.95 - 0.0015 * f64::from(i)]).collect();
    data.outcomes = vec![[0.935, 0.94]];
    data.nash = Some([0.941, 0.943]);
    data.kalai_smorodinsky = Some([0.94, 0.944]);
    data.agreement = Some([0.938, 0.944]);
    data.disagreement = Some([0.59, 0.53]);
    let c = charts::pareto::pareto(&data).unwrap();
    assert!(c.svg.contains("no deal (0.59, 0.53), off the zoomed axes"), "{}", c.svg);
    assert!(c.caption.contains("zoomed in"));
    // The zoomed axes label their ticks with the decimals their step needs.
    assert!(c.svg.contains(">0.935<") && c.svg.contains(">0.945<"), "{}", c.svg);
    // Deals spread over the square keep the plain axes.
    let plain = charts::pareto::pareto(&pareto()).unwrap();
    assert!(!plain.svg.contains("zoomed") && !plain.caption.contains("zoomed"));
}

#[test]
fn heat_map_colours_by_risk() {
    let c = charts::heatmap::heatmap(&escalation()).unwrap();
    assert_eq!(charts::heatmap::heat(0.0), "#ffffff");
    assert_eq!(charts::heatmap::heat(1.0), "#a50f15");
    assert!(c.svg.contains("Israel → Iran: 0.7"));
    // Six filled cells, three empty diagonal cells, twenty key swatches.
    assert_eq!(c.svg.matches("<rect").count(), 6 + 3 + 20);
    insta::assert_snapshot!("escalation_chart", c.svg);
}

#[test]
fn tornado_puts_the_largest_swing_on_top() {
    let c = charts::tornado::tornado(&sensitivity()).unwrap();
    let alpha = c.svg.find(">Alpha&#39;s position<").unwrap();
    let beta = c.svg.find(">Beta&#39;s salience<").unwrap();
    let gamma = c.svg.find(">Gamma&#39;s capability<").unwrap();
    assert!(alpha < beta && beta < gamma);
    assert!(!c.caption.contains("--set"), "plain names need no key");
    insta::assert_snapshot!("tornado_chart", c.svg);
    // Inputs named by their --set path get a key in the caption.
    let mut by_path = sensitivity();
    by_path.bars[0].parameter = "alpha.tariff.position".into();
    let keyed = charts::tornado::tornado(&by_path).unwrap();
    assert!(keyed.caption.contains("as `--set` names it"), "{}", keyed.caption);
}

#[test]
fn escalation_from_exchanges_counts_confrontations() {
    use demarche_forecast::{Interaction, InteractionKind};
    let sc = scenario();
    let mut f = forecasts(&sc).remove(0);
    let it = |actor, other, kind| Interaction {
        round: 1,
        actor,
        other,
        kind,
        actor_eu: 0.0,
        other_eu: 0.0,
        new_position: None,
        mover: None,
    };
    f.issues[0].interactions = vec![
        it(0, 1, InteractionKind::Conflict),
        it(0, 1, InteractionKind::Compromise),
        it(1, 0, InteractionKind::Conflict),
        it(9, 0, InteractionKind::Conflict), // out of range: ignored
    ];
    let m = demarche_report::escalation::conflict_share(&sc, &[f]).unwrap();
    assert_eq!(m.values[0][1], Some(0.5));
    assert_eq!(m.values[1][0], Some(1.0));
    assert_eq!(m.values[0][2], None);
    assert!(demarche_report::escalation::conflict_share(&sc, &forecasts(&sc)).is_none());
}

/// Writes the full synthetic report to `$DEMARCHE_REPORT_SAMPLE` for a visual check.
#[test]
fn sample_report_for_eyes() {
    let Some(path) = std::env::var_os("DEMARCHE_REPORT_SAMPLE") else { return };
    let sc = scenario();
    let mut data = ReportData::new(sc.clone(), forecasts(&sc));
    data.forecasts.push(iterative(&sc));
    data.channels = Some(channels());
    data.pareto = vec![pareto()];
    data.escalation = vec![escalation()];
    data.sensitivity = vec![sensitivity()];
    std::fs::write(path, render_html(&data)).unwrap();
}

fn intervals() -> IntervalChart {
    let row = |group: &str, series: &str, mean: f64| IntervalRow {
        group: group.into(),
        series: series.into(),
        mean,
        low: mean - 5.0,
        high: mean + 5.0,
        point: None,
    };
    IntervalChart {
        title: "Tariff level: terms of the deal by channel".into(),
        axis: "Tariff level (%)".into(),
        interval: "the 10th–90th percentile of the deals".into(),
        range: Some([0.0, 100.0]),
        ends: Some(["no tariff".into(), "prohibitive tariff".into()]),
        reference: Some(("status quo".into(), 80.0)),
        series_kind: None,
        rows: vec![row("terms", "direct", 40.0), row("terms", "mediated", 45.0), row("other", "direct", f64::NAN)],
    }
}

#[test]
fn interval_chart_draws_one_bar_per_finite_row() {
    let c = charts::intervals::intervals(&intervals()).unwrap();
    assert_eq!(c.svg.matches("<circle").count(), 2);
    assert!(c.svg.contains("← no tariff") && c.svg.contains("status quo"));
    assert!(c.caption.contains("10th–90th"));
    // One group: every row is named by its series.
    assert!(c.svg.contains(">direct</text>") && c.svg.contains(">mediated</text>"));
    assert!(!c.svg.contains("at the stated values"), "no point, no legend entry");
    // A reference point on a row: a hollow diamond with its value, and a legend entry.
    let mut with_point = intervals();
    with_point.rows[0].point = Some(30.0);
    let p = charts::intervals::intervals(&with_point).unwrap();
    assert!(p.svg.contains("at the stated values") && p.svg.contains("<title>terms, direct: 30</title>"), "{}", p.svg);
    let mut empty = intervals();
    empty.rows.clear();
    assert!(charts::intervals::intervals(&empty).is_none());
    insta::assert_snapshot!("intervals_chart", c.svg);
}

fn events_review() -> demarche_report::data::EventsReview {
    use demarche_report::data::{DyadTimeline, EventLine, EventsReview, SuggestionRow, TimelineWeek};
    let week = |w: &str, c, v, m| TimelineWeek {
        week: w.into(),
        cooperation: c,
        verbal_conflict: v,
        material_conflict: m,
        index: 0.0,
    };
    EventsReview {
        summary: "3 events read.".into(),
        timelines: vec![DyadTimeline {
            a: "a".into(),
            b: "b".into(),
            label: "Alpha <A> and Beta".into(),
            weeks: vec![week("2025-06-02", 2, 0, 0), week("2025-06-16", 0, 1, 3)],
        }],
        suggestions: vec![SuggestionRow {
            kind: "relation".into(),
            target: "a->b hostile".into(),
            current: Some(1.0),
            suggested: Some(0.66),
            reason: "5 events <script>".into(),
            applicable: true,
            events: vec![EventLine {
                id: "e1".into(),
                date: "2025-06-16".into(),
                event: "ASSAULT".into(),
                text: "A struck B & C.".into(),
                source: "Reuters".into(),
            }],
        }],
    }
}

#[test]
fn an_events_review_draws_a_timeline_per_dyad_and_lists_suggestions_with_their_events() {
    let t = &events_review().timelines[0];
    let chart = demarche_report::charts::timeline::timeline(t).expect("a chart");
    assert_eq!(chart.id, "timeline-a-b");
    // Three weeks on the axis (the empty one included), and counts below the line labelled as counts.
    for w in ["2025-06-02", "2025-06-09", "2025-06-16"] {
        assert!(chart.svg.contains(w), "no tick for {w}");
    }
    assert!(!chart.svg.contains(">-1<") && !chart.svg.contains(">−1<"), "a negative count label");
    assert!(chart.svg.contains("Alpha &lt;A&gt;"), "the label is escaped");
    assert!(chart.svg.contains("3 material conflict"), "each bar has its tooltip");
    let none = demarche_report::data::DyadTimeline { weeks: Vec::new(), ..t.clone() };
    assert!(demarche_report::charts::timeline::timeline(&none).is_none());
    let mut data = ReportData::new(scenario(), Vec::new());
    data.events = Some(events_review());
    let html = demarche_report::render_html(&data);
    assert!(html.contains("<h2>What the events say</h2>") && html.contains("timeline-a-b"));
    assert!(html.contains("a-&gt;b hostile") && html.contains("1 → 0.66") && html.contains("A struck B &amp; C."));
    assert!(!html.contains("<script>"), "scenario text is escaped");
}

#[test]
fn a_tornado_of_pure_noise_ranks_no_driver_and_says_so() {
    // An output no input moves: every swing is within the Monte Carlo noise.
    let bar = |p: &str, low: f64, high: f64| TornadoBar {
        parameter: p.into(),
        low,
        high,
        settings: None,
        within_noise: false,
    };
    let noise = Sensitivity {
        output: "chance of a deal".into(),
        base: 0.50,
        ends: None,
        bars: vec![bar("b", 0.49, 0.52), bar("a", 0.47, 0.51), bar("c", 0.50, 0.505)],
        noise: Some(0.04),
    };
    let chart = charts::tornado::tornado(&noise).unwrap();
    assert!(chart.title.starts_with("Nothing moves chance of a deal beyond Monte Carlo noise"), "{}", chart.title);
    assert!(chart.caption.contains("no top driver"), "{}", chart.caption);
    // No bar in the ranked colours; every label marked; the order is by name, not by swing.
    assert_eq!(chart.svg.matches("#5c7cfa").count(), 1, "a bar in the ranked colour (the legend holds the one)");
    let (a, b, c) = (chart.svg.find(">a (noise)<"), chart.svg.find(">b (noise)<"), chart.svg.find(">c (noise)<"));
    assert!(a.is_some() && b.is_some() && c.is_some(), "labels not marked");
    assert!(a < b && b < c, "noise ranked by swing, not by name");
    // One real effect above the noise leads, the rest stay grey.
    let mut mixed = noise.clone();
    mixed.bars.push(bar("real", 0.30, 0.70));
    let chart = charts::tornado::tornado(&mixed).unwrap();
    assert!(chart.title.starts_with("What moves"), "{}", chart.title);
    let real = chart.svg.find(">real<").expect("the real effect is named plainly");
    assert!(real < chart.svg.find(">a (noise)<").unwrap());
    assert!(chart.caption.contains("the 3 inputs within it are grey"), "{}", chart.caption);
}
