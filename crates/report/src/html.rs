//! Assembling the report: sections of charts, tables and plain words.

use std::fmt::Write;

use demarche_forecast::Forecast;
use demarche_scenario::Scenario;

use crate::charts::{
    self,
    axis::{at_scale, label},
    Chart, SMALL,
};
use demarche_backtest::BacktestReport;

use crate::data::{ChannelComparison, EscalationMatrix, IntervalChart, ParetoData, Sensitivity};
use crate::svg::esc;

/// Where a report's data came from, when it is a stored run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunInfo {
    pub id: i64,
    pub kind: String,
    pub started_at: String,
    pub version: String,
    pub scenario_hash: String,
}

/// Everything a report can show; every part but the scenario is optional.
#[derive(Clone, Debug, Default)]
pub struct ReportData {
    pub scenario: Scenario,
    pub forecasts: Vec<Forecast>,
    pub run: Option<RunInfo>,
    pub channels: Option<ChannelComparison>,
    /// Scalar outcomes by channel (agreement, terms), with intervals.
    pub intervals: Vec<IntervalChart>,
    pub pareto: Vec<ParetoData>,
    /// Escalation matrices (e.g. one per channel); when empty, one is derived
    /// from the forecasts' dyadic exchanges if they have any.
    pub escalation: Vec<EscalationMatrix>,
    pub sensitivity: Vec<Sensitivity>,
    /// A backtest's scores, when the report is of a backtest run.
    pub backtest: Option<BacktestReport>,
    /// Whether the talks can succeed, in words (from a simulation).
    pub outlook: Option<crate::data::Outlook>,
    /// Event data's weekly timelines and the updates suggested from them.
    pub events: Option<crate::data::EventsReview>,
    /// A negotiation's parties, end, terms and offers over time.
    pub negotiation: Option<crate::data::NegotiationSummary>,
}

impl ReportData {
    pub fn new(scenario: Scenario, forecasts: Vec<Forecast>) -> Self {
        ReportData { scenario, forecasts, ..Default::default() }
    }
}

/// A titled group of charts.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub id: &'static str,
    pub heading: &'static str,
    pub intro: String,
    pub charts: Vec<Chart>,
    /// A table drawn before the charts (HTML, already escaped), if any.
    pub table: Option<String>,
}

/// The chart sections that have data, in reading order.
pub fn sections(data: &ReportData) -> Vec<Section> {
    let sc = &data.scenario;
    let mut out = Vec::new();
    if let Some(b) = &data.backtest {
        let charts: Vec<Chart> =
            [charts::backtest::errors(b), charts::backtest::calibration(b), charts::backtest::roc(b)]
                .into_iter()
                .flatten()
                .collect();
        out.push(Section {
            id: "backtest",
            heading: "Backtest: how right the models were",
            intro: format!(
                "Every model and the simulation run on {} case(s) written as of a date, scored against what then \
                 happened. Few cases, coded after the fact: read the numbers as a check, not a league table \
                 (docs/validity.md).",
                b.cases.len()
            ),
            charts,
            table: Some(backtest_table(b)),
        });
    }
    if let Some(o) = &data.outlook {
        let mut t = String::new();
        for part in &o.parts {
            let _ = writeln!(t, "<h3>{}</h3>\n<ul>", esc(&part.question));
            for item in &part.items {
                let _ = writeln!(t, "<li>{}</li>", esc(item));
            }
            t.push_str("</ul>\n");
        }
        out.push(Section {
            id: "outlook",
            heading: "Can the talks succeed?",
            intro: o.headline.clone(),
            charts: Vec::new(),
            table: Some(t),
        });
    }
    if !data.forecasts.is_empty() {
        let charts: Vec<Chart> =
            (0..sc.issues.len()).filter_map(|i| charts::models::models_in(sc, i, &data.forecasts, SMALL)).collect();
        out.push(Section {
            id: "models",
            heading: "Every model side by side",
            intro: format!(
                "Each issue's forecast under every model, against the actors' stated positions, their red lines and \
                 the status quo. {}",
                charts::models::HOW_TO_READ
            ),
            charts,
            table: None,
        });
        // Closed-form models have a single round: nothing moves, so no chart.
        let mut charts = Vec::new();
        let mut still = Vec::new();
        for f in &data.forecasts {
            if !f.issues.iter().any(|i| i.trajectory.len() > 1) && !still.contains(&f.engine.as_str()) {
                still.push(f.engine.as_str());
            }
        }
        // The exchange model's moves are told by its trades (their own section), not
        // drawn again as trajectories.
        let traded = data.forecasts.iter().any(|f| f.exchanges.is_some());
        for iss in &sc.issues {
            for f in data.forecasts.iter().filter(|f| f.exchanges.is_none()) {
                if let Some(fi) = f.issues.iter().find(|x| x.issue == iss.id && x.trajectory.len() > 1) {
                    charts.extend(charts::positions::positions_in(sc, f, fi, SMALL));
                }
            }
        }
        if !charts.is_empty() {
            let mut intro = format!(
                "How each actor's position moves, round by round, under each iterative model. {}",
                charts::positions::HOW_TO_READ
            );
            if !still.is_empty() {
                intro.push_str(&format!(
                    " {} {} closed-form (one round, the stated positions) and not drawn here.",
                    still.join(", "),
                    if still.len() == 1 { "is" } else { "are" }
                ));
            }
            if traded {
                intro.push_str(" The exchange model's moves are its trades, listed in the next section.");
            }
            out.push(Section { id: "positions", heading: "Positions over rounds", intro, charts, table: None });
        }
    }
    if let Some((f, ex)) = data.forecasts.iter().find_map(|f| f.exchanges.as_ref().map(|e| (f, e))) {
        if !ex.executed.is_empty() {
            out.push(Section {
                id: "exchanges",
                heading: "Trades between issues (exchange model)",
                intro: exchanges_intro(ex),
                charts: Vec::new(),
                table: Some(exchanges_table(sc, f, ex)),
            });
        }
    }
    // Bands of the models' forecasts under uncertainty get their own section.
    let is_model = |c: &&crate::data::IntervalChart| c.series_kind.as_deref() == Some("model");
    let bands: Vec<Chart> =
        data.intervals.iter().filter(is_model).filter_map(|c| charts::intervals::intervals_in(c, SMALL)).collect();
    if !bands.is_empty() {
        out.push(Section {
            id: "uncertainty",
            heading: "How sure the forecasts are",
            intro: format!(
                "Each model's outcome per issue when every stance is drawn from its stated uncertainty. {}",
                charts::intervals::how_to_read(Some("model"))
            ),
            charts: bands,
            table: None,
        });
    }
    let mut channel_charts: Vec<Chart> = data.channels.as_ref().and_then(charts::bands::bands).into_iter().collect();
    channel_charts.extend(data.intervals.iter().filter(|c| !is_model(c)).filter_map(charts::intervals::intervals));
    if !channel_charts.is_empty() {
        let tournament = data.run.as_ref().is_some_and(|r| r.kind == "tournament");
        let (heading, intro) = if tournament {
            ("Strategies compared", "Each strategy's results over every pairing of the tournament.")
        } else {
            ("Mediated or direct talks", "The channels of talks compared under uncertainty.")
        };
        out.push(Section { id: "channels", heading, intro: intro.into(), charts: channel_charts, table: None });
    }
    if let Some(n) = &data.negotiation {
        out.push(Section {
            id: "negotiation",
            heading: "The negotiation",
            intro: format!(
                "{} on {}: {}.",
                if n.protocol == "mediated" { "Single-text mediation" } else { "Alternating offers" },
                n.domain,
                n.end
            ),
            charts: charts::offers::over_time(n).into_iter().collect(),
            table: Some(negotiation_table(n)),
        });
    }
    let offers = data.negotiation.as_ref().map(|n| n.offers.as_slice()).unwrap_or_default();
    let pareto: Vec<Chart> = data.pareto.iter().filter_map(|p| charts::pareto::pareto_with_offers(p, offers)).collect();
    if !pareto.is_empty() {
        out.push(Section {
            id: "pareto",
            heading: "Bargaining frontier",
            intro: "Which deals leave no gain on the table, where the classic bargaining solutions lie, and where the \
                    negotiation ended."
                .into(),
            charts: pareto,
            table: None,
        });
    }
    if let Some(ev) = &data.events {
        let charts: Vec<Chart> =
            ev.timelines.iter().take(MAX_TIMELINES).filter_map(charts::timeline::timeline).collect();
        let mut intro = ev.summary.clone();
        if ev.timelines.len() > MAX_TIMELINES {
            intro.push_str(&format!(
                " The {MAX_TIMELINES} dyads with the most events are drawn, of {}.",
                ev.timelines.len()
            ));
        }
        out.push(Section {
            id: "events",
            heading: "What the events say",
            intro,
            charts,
            table: Some(suggestions_table(&ev.suggestions)),
        });
    }
    let derived: Vec<EscalationMatrix> = if data.escalation.is_empty() {
        crate::escalation::conflict_share(sc, &data.forecasts).into_iter().collect()
    } else {
        Vec::new()
    };
    let heat: Vec<Chart> =
        data.escalation.iter().chain(&derived).filter_map(|m| charts::heatmap::heatmap_in(m, SMALL)).collect();
    if !heat.is_empty() {
        out.push(Section {
            id: "escalation",
            heading: "Who heads for confrontation",
            intro: "Which pairs of actors the inputs point to for coercion or force: the confrontation indicator \
                    (how it did against recorded outcomes: docs/validity.md), then the expected-utility \
                    classification it takes as one ingredient. Model indicators, not predictions."
                .into(),
            charts: heat,
            table: None,
        });
    }
    // Tornadoes with a driver beyond Monte Carlo noise are drawn; the outputs
    // nothing moves beyond it are named in one sentence, not drawn grey.
    let moved = |s: &&Sensitivity| s.noise.is_none() || s.bars.iter().any(|b| !b.within_noise);
    let tornado: Vec<Chart> = data.sensitivity.iter().filter(moved).filter_map(charts::tornado::tornado).collect();
    let still: Vec<String> = data.sensitivity.iter().filter(|s| !moved(s)).map(|s| s.output.clone()).collect();
    if !data.sensitivity.is_empty() {
        let mut intro = "Which assumptions the forecast rests on most.".to_string();
        if !still.is_empty() {
            let which = if tornado.is_empty() {
                format!("any of the {} outputs analysed ({})", still.len(), still.join("; "))
            } else {
                still.join("; ")
            };
            intro.push_str(&format!(
                " No single input moves {which} beyond Monte Carlo noise at this budget; a larger `sensitivity` run \
                 narrows the noise."
            ));
        }
        if tornado.is_empty() && still.is_empty() {
            let outputs: Vec<String> = data.sensitivity.iter().map(|s| s.output.clone()).collect();
            intro = format!(
                "Setting any one uncertain input to its 10th or 90th percentile, the others at their stated values, \
                 moved none of these: {}. The answer does not rest on any single input; it may still rest on \
                 several together (a larger `sensitivity` run's Sobol indices say which).",
                outputs.join("; ")
            );
        }
        out.push(Section { id: "sensitivity", heading: "Sensitivity", intro, charts: tornado, table: None });
    }
    out
}

/// Who negotiated how and what each got, then the agreed terms in words.
/// How many exchanges, over how many rounds, and whether the result hinged on a tie.
fn exchanges_intro(ex: &demarche_forecast::Exchanges) -> String {
    let rounds = ex.executed.iter().map(|e| e.round).max().unwrap_or(0);
    let mut s = format!(
        "In Stokman and Van Oosten's exchange model, two actors on opposite sides of two issues trade: each moves \
         on the issue it cares less about in return for the other's move on the one it cares more about, both \
         gaining the same expected utility. {} exchanges over {rounds} round(s); the largest are listed, then \
         the pairs of issues most traded. A model indicator of which concessions could be linked, not a \
         prediction of what any government will trade.",
        ex.executed.len()
    );
    if !ex.near_ties.is_empty() {
        s.push_str(&format!(
            " {} choice(s) between exchanges of (nearly) equal gain were settled by the tie rule: the result rests \
             on them.",
            ex.near_ties.len()
        ));
    }
    s
}

/// The largest exchanges in words, and the issue pairs most traded.
fn exchanges_table(sc: &Scenario, f: &Forecast, ex: &demarche_forecast::Exchanges) -> String {
    let name = |a: usize| f.actors.get(a).map(|r| r.name.as_str()).unwrap_or("?");
    let issue = |id: &str| sc.issues.iter().find(|i| i.id == id);
    let label = |id: &str| issue(id).map(|i| i.name.as_str()).unwrap_or(id).to_string();
    let value = |id: &str, x: f64| issue(id).map(|i| at_scale(x, i.range())).unwrap_or_else(|| format!("{x}"));
    let mut order: Vec<&demarche_forecast::ExecutedExchange> = ex.executed.iter().collect();
    order.sort_by(|a, b| b.gain.total_cmp(&a.gain).then(a.round.cmp(&b.round)).then(a.seq.cmp(&b.seq)));
    let mut t = String::from(
        "<table>\n<tr><th>Round</th><th>Who moves, on what</th><th>In return for</th><th>Gain each</th>\
         <th>Third parties</th></tr>\n",
    );
    for e in order.iter().take(8) {
        let [a, b] = &e.sides;
        let helped = e.externalities.iter().filter(|x| x.value > 0.0).count();
        let hurt = e.externalities.iter().filter(|x| x.value < 0.0).count();
        let _ = writeln!(
            t,
            "<tr><td class=\"num\">{}</td><td>{} on {}: {} → {}</td><td>{} on {}: {} → {}</td><td class=\"num\">{}</td>\
             <td>{helped} gain, {hurt} lose</td></tr>",
            e.round,
            esc(name(a.actor)),
            esc(&label(&a.supplies)),
            value(&a.supplies, a.from),
            value(&a.supplies, a.to),
            esc(name(b.actor)),
            esc(&label(&b.supplies)),
            value(&b.supplies, b.from),
            value(&b.supplies, b.to),
            at_scale(e.gain, 1.0),
        );
    }
    t.push_str("</table>\n");
    t.push_str(
        "<p class=\"note\">Moves are voting positions within a round, in each issue's units; an actor keeps 10–50 % \
         of a move as its position for the next round (the more, the less the issue matters to it). Gains are \
         expected utility: salience × points of the issue's scale put on 0–100. Third parties gain when the two \
         outcomes move toward them.</p>\n",
    );
    // Issue pairs by the gain traded across them.
    let mut pairs: Vec<((String, String), usize, f64)> = Vec::new();
    for e in &ex.executed {
        let [a, b] = &e.sides;
        let key = if a.supplies <= b.supplies {
            (a.supplies.clone(), b.supplies.clone())
        } else {
            (b.supplies.clone(), a.supplies.clone())
        };
        match pairs.iter_mut().find(|p| p.0 == key) {
            Some(p) => {
                p.1 += 1;
                p.2 += e.gain;
            }
            None => pairs.push((key, 1, e.gain)),
        }
    }
    pairs.sort_by(|a, b| b.2.total_cmp(&a.2));
    t.push_str("<h3>Issues linked most</h3>\n<ul>\n");
    for ((x, y), n, g) in pairs.iter().take(5) {
        let _ = writeln!(
            t,
            "<li>{} with {}: {n} exchange(s), gains {} in all</li>",
            esc(&label(x)),
            esc(&label(y)),
            at_scale(*g, 1.0)
        );
    }
    t.push_str("</ul>\n");
    if let Some(tie) = ex.near_ties.first() {
        let _ = writeln!(
            t,
            "<p class=\"note\">First tie: round {}, choice {}: {} was taken over {} ({}).</p>",
            tie.round,
            tie.pick,
            esc(&tie.chosen),
            esc(&tie.rival),
            if tie.relative_gap == 0.0 {
                "exactly equal gains: the earlier in the model's list order goes first".to_string()
            } else {
                format!("gains {:.1e} apart, relative", tie.relative_gap)
            }
        );
    }
    t
}

fn negotiation_table(n: &crate::data::NegotiationSummary) -> String {
    let mut t = String::from(
        "<table>\n<tr><th>Party</th><th>Strategy</th><th>Reservation value</th><th>Utility of the result</th></tr>\n",
    );
    for p in &n.parties {
        let _ = writeln!(
            t,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&p.profile),
            esc(&p.strategy),
            at_scale(p.reservation, 1.0),
            at_scale(p.utility, 1.0)
        );
    }
    t.push_str("</table>\n");
    match &n.agreement {
        Some(terms) if !terms.is_empty() => {
            t.push_str("<h3>Agreed terms</h3>\n<ul>\n");
            for (issue, value) in terms {
                let _ = writeln!(t, "<li>{}: {}</li>", esc(issue), esc(value));
            }
            t.push_str("</ul>\n");
        }
        _ => t.push_str("<p class=\"note\">No terms were agreed; each party keeps its reservation value.</p>\n"),
    }
    let _ = writeln!(
        t,
        "<p class=\"note\">{} rounds, {} actions; utilities are each party's own (0: worst outcome, 1: best).</p>",
        n.rounds, n.steps
    );
    t
}

/// Dyads whose timelines a report draws.
pub const MAX_TIMELINES: usize = 8;
/// Events listed under each suggestion.
const MAX_LISTED_EVENTS: usize = 8;

/// The suggestions with their reasons and events, or a line saying there are none.
fn suggestions_table(rows: &[crate::data::SuggestionRow]) -> String {
    let mut t = String::new();
    if rows.is_empty() {
        t.push_str(
            "<p class=\"note\">No scenario updates suggested: the events met no rule's threshold \
             (docs/events.md).</p>\n",
        );
        return t;
    }
    // A list, not a table: each reason and its events read at any width.
    let _ = writeln!(
        t,
        "<h3>Suggested updates</h3>\n<p class=\"note\">Suggestions for a reviewer, never applied silently: \
         each is an entry of the overlay <code>demarche events suggest</code> writes.</p>\n<ol>"
    );
    for r in rows {
        let num = |x: Option<f64>| x.map(label).unwrap_or_else(|| "–".into());
        let change = match (r.current, r.suggested) {
            (None, None) => String::new(),
            (c, s) => format!(": {} → {}", num(c), num(s)),
        };
        let _ = write!(
            t,
            "<li><strong>{}</strong> ({}){change}{}<br>{}",
            esc(&r.target),
            esc(&r.kind.replace('_', " ")),
            if r.applicable { "" } else { " <em>— needs more before it can apply</em>" },
            esc(&r.reason)
        );
        if !r.events.is_empty() {
            t.push_str("<ul class=\"note\">");
            for e in r.events.iter().take(MAX_LISTED_EVENTS) {
                let _ = write!(
                    t,
                    "<li>{} {} — {}{}</li>",
                    esc(&e.date),
                    esc(&e.event),
                    esc(&e.text),
                    if e.source.is_empty() { String::new() } else { format!(" ({})", esc(&e.source)) }
                );
            }
            if r.events.len() > MAX_LISTED_EVENTS {
                let _ = write!(t, "<li>… and {} more</li>", r.events.len() - MAX_LISTED_EVENTS);
            }
            t.push_str("</ul>");
        }
        t.push_str("</li>\n");
    }
    t.push_str("</ol>\n");
    t
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:0;\
color:#222;background:#fafafa;line-height:1.45}main{max-width:820px;margin:0 auto;padding:24px 28px 60px;\
background:#fff}h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 6px;border-bottom:1px solid #ddd;\
padding-bottom:4px}.meta{color:#555;font-size:14px}figure{margin:18px 0 26px;min-width:0}figcaption{font-size:13px;color:#444;\
max-width:760px}svg.chart{max-width:100%;height:auto;display:block}table{border-collapse:collapse;font-size:13px;display:block;overflow-x:auto;max-width:100%;\
margin:10px 0}th,td{border-bottom:1px solid #e3e3e3;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}.note{font-size:13px;color:#555}\
nav a{margin-right:12px;font-size:14px;display:inline-block}footer{margin-top:40px;font-size:12px;color:#666}\
details{margin:8px 0}details>summary{cursor:pointer;color:#1f4f82;font-size:14px}details>summary:focus-visible{outline:2px solid #1f6fb2}\
.charts{display:block}caption{text-align:left;font-weight:600;padding:4px 0}.cite{white-space:nowrap;color:#555}\
.caveat{color:#a61e4d;font-size:12px}table.summary th[scope=row]{background:none;font-weight:600}\
ol.sources li{margin:3px 0}.cols li{break-inside:avoid}p.stance{margin:3px 0;font-size:13px}\
@media (min-width:1240px){.stance-list,.actor-list{columns:2;column-gap:28px}}p.stance{break-inside:avoid}\
.charts.small{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr));gap:0 24px}\
.charts.small svg.chart{width:100%}\
@media (min-width:1240px){main{max-width:1180px}main>p,section>p,section>ul{max-width:780px}\
.charts{display:grid;grid-template-columns:1fr 1fr;gap:0 32px}}\
@page{size:A4;margin:9mm 9mm}\
@media print{body{background:#fff;font-size:9pt;line-height:1.28}main{max-width:none;padding:0}h1{font-size:17pt}\
h2{font-size:13pt;margin:14px 0 4px;break-after:avoid}h3{font-size:10.5pt;margin:8px 0 2px;break-after:avoid}\
.meta,.note,nav a{font-size:8pt}nav{display:none}p{margin:4px 0}ul{margin:4px 0;padding-left:18px}main>p,#outlook li,#bottom-line li{font-size:8.5pt}\
figure{margin:4px 0 8px;break-inside:avoid}figcaption{font-size:7.5pt}table{font-size:7.5pt;display:table;margin:4px 0}\
th,td{padding:1px 4px}.charts{display:block}.charts.small{display:grid;grid-template-columns:1fr 1fr;gap:0 12px}\
.cols,.stance-all,.actor-list{columns:2;column-gap:14px}.stance-list{columns:auto}.stance-all details{margin:0}p.stance{font-size:7pt;line-height:1.2;margin:0 0 2px}h3.issue{font-size:8.5pt;margin:4px 0 1px}\
ul.relations{columns:3;font-size:7pt}\
ol.sources{font-size:7pt;padding-left:22px}.cited{display:none}.cols li{margin:0 0 2px}\
details>summary{display:none}details::details-content{content-visibility:visible;display:block}\
a{color:inherit}footer{margin-top:10px;font-size:7.5pt}}";

/// The whole report as one HTML document.
pub fn render_html(data: &ReportData) -> String {
    let sc = &data.scenario;
    let secs = sections(data);
    let mut h = String::new();
    let title = if sc.meta.title.is_empty() { "Scenario".to_string() } else { sc.meta.title.clone() };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>{} — demarche report</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&title)
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(&title));
    let mut meta = Vec::new();
    if let Some(d) = &sc.meta.as_of {
        meta.push(format!("as of {}", esc(d)));
    }
    if let Some(a) = &sc.meta.author {
        meta.push(format!("by {}", esc(a)));
    }
    // Runs on a negotiation domain carry no scenario: nothing to count or list.
    let has_scenario = !(sc.actors.is_empty() && sc.issues.is_empty());
    if has_scenario {
        meta.push(format!("{} actors, {} issues", sc.actors.len(), sc.issues.len()));
    }
    if let Some(r) = &data.run {
        meta.push(format!(
            "run #{} ({}), {}, demarche {}, {} {}",
            r.id,
            esc(&r.kind),
            esc(&r.started_at),
            esc(&r.version),
            if has_scenario { "scenario" } else { "input" },
            esc(r.scenario_hash.get(..12).unwrap_or(&r.scenario_hash))
        ));
    }
    let _ = writeln!(h, "<p class=\"meta\">{}</p>", meta.join(" · "));
    if let Some(d) = &sc.meta.description {
        // The description's own paragraphs (blank lines), not one block.
        for para in d.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            let _ = writeln!(h, "<p>{}</p>", esc(para));
        }
    }
    let bottom = bottom_line(data);
    if !secs.is_empty() || !data.forecasts.is_empty() {
        let _ = write!(h, "<nav>");
        if !bottom.is_empty() {
            let _ = write!(h, "<a href=\"#bottom-line\">Bottom line</a>");
        }
        if !data.forecasts.is_empty() {
            let _ = write!(h, "<a href=\"#summary\">Summary</a>");
        }
        for s in &secs {
            let _ = write!(h, "<a href=\"#{}\">{}</a>", s.id, esc(s.heading));
        }
        if has_scenario {
            let _ = write!(h, "<a href=\"#inputs\">Inputs</a>");
        }
        let _ = writeln!(h, "</nav>");
    }
    if !bottom.is_empty() {
        let _ = writeln!(h, "<section id=\"bottom-line\">\n<h2>Bottom line</h2>\n<ul>");
        for b in &bottom {
            let _ = writeln!(h, "<li>{}</li>", esc(b));
        }
        // A scenario's numbers are model indicators; a negotiation's are what its strategies did.
        let _ = writeln!(
            h,
            "</ul>\n{}</section>",
            if has_scenario {
                "<p class=\"note\">Model indicators from the stated positions, not predictions of what any \
                 government will do.</p>\n"
            } else {
                ""
            }
        );
    }
    if !data.forecasts.is_empty() {
        summary_table(&mut h, data);
    } else if secs.is_empty() {
        let _ = writeln!(h, "<p class=\"note\">This run holds no forecasts or charts.</p>");
    }
    for s in &secs {
        let _ = writeln!(h, "<section id=\"{}\">\n<h2>{}</h2>\n<p>{}</p>", s.id, esc(s.heading), esc(&s.intro));
        if let Some(t) = &s.table {
            h.push_str(t);
        }
        if !s.charts.is_empty() {
            let small = s.charts.iter().all(|c| c.svg.contains(&format!("viewBox=\"0 0 {SMALL} ")));
            let _ = writeln!(h, "<div class=\"charts{}\">", if small { " small" } else { "" });
        }
        for c in &s.charts {
            let caption = if c.caption.is_empty() {
                String::new()
            } else {
                format!("<figcaption>{}</figcaption>\n", esc(&c.caption))
            };
            let _ = writeln!(h, "<figure id=\"{}\">\n{}{caption}</figure>", esc(&c.id), c.svg);
        }
        if !s.charts.is_empty() {
            let _ = writeln!(h, "</div>");
        }
        let _ = writeln!(h, "</section>");
    }
    if has_scenario {
        inputs(&mut h, sc);
    }
    let _ = writeln!(
        h,
        "<footer>Made by demarche. Models are indicators built from the positions, saliences and capabilities \
         written in the scenario, not predictions of what any government will do. The notes beside each number \
         in the scenario say where it came from.</footer>\n</main>\n</body>\n</html>"
    );
    h
}

fn summary_table(h: &mut String, data: &ReportData) {
    let sc = &data.scenario;
    let _ = writeln!(
        h,
        "<section id=\"summary\">\n<h2>Summary</h2>\n<p class=\"note\">Each model's outcome per issue, in the issue's \
         units and briefly in the scenario's own words (the full readings of the scale are under Inputs).</p>"
    );
    let _ = write!(h, "<table class=\"summary\">\n<tr><th>Issue</th><th>Status quo</th>");
    for f in &data.forecasts {
        let _ = write!(h, "<th>{}</th>", esc(&f.engine));
    }
    let _ = writeln!(h, "</tr>");
    for iss in &sc.issues {
        let range = iss.max - iss.min;
        let unit = iss.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}<br><span class=\"note\">{} – {}{}</span></th><td>{}</td>",
            esc(&iss.name),
            label(iss.min),
            label(iss.max),
            esc(&unit),
            iss.status_quo.map(|q| at_scale(q, range)).unwrap_or_else(|| "—".into())
        );
        for f in &data.forecasts {
            match f.issues.iter().find(|x| x.issue == iss.id) {
                Some(x) => {
                    let caveat = if x.notes.iter().any(|n| n.contains("deadlock")) {
                        "<br><em class=\"caveat\">deadlock: the status quo</em>"
                    } else if x.converged == Some(false) {
                        "<br><em class=\"caveat\">still moving</em>"
                    } else {
                        ""
                    };
                    let _ = write!(
                        h,
                        "<td><b>{}</b>{caveat}<br><span class=\"note\">{}</span></td>",
                        at_scale(x.outcome, range),
                        esc(&iss.describe_briefly(x.outcome))
                    );
                }
                None => h.push_str("<td>—</td>"),
            }
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</table>");
    let notes: Vec<String> = data
        .forecasts
        .iter()
        .flat_map(|f| f.notes.iter().map(move |n| format!("{}: {}", f.engine, n)))
        .take(50)
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(h, "<ul class=\"note\">");
        for n in notes {
            let _ = writeln!(h, "<li>{}</li>", esc(&n));
        }
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(h, "</section>");
}

/// The scenario's inputs, so a reader can check what went in: the actors,
/// every stance grouped by issue with its note and numbered sources, the
/// relations, and the sources with what cites each.
fn inputs(h: &mut String, sc: &Scenario) {
    const MAX_ROWS: usize = 500;
    let name = |id: &str| sc.actors.iter().find(|a| a.id == id).map(|a| a.name.clone()).unwrap_or_else(|| id.into());
    // Sources are numbered in the order the scenario lists them.
    let number = |id: &str| sc.meta.sources.iter().position(|s| s.id == id).map(|k| k + 1);
    let cites = |ids: &[String]| -> String {
        let mut nums: Vec<usize> = ids.iter().filter_map(|i| number(i)).collect();
        nums.sort_unstable();
        nums.dedup();
        if nums.is_empty() {
            return String::new();
        }
        let links: Vec<String> = nums.iter().map(|n| format!("<a href=\"#source-{n}\">{n}</a>")).collect();
        format!(" <span class=\"cite\">[{}]</span>", links.join(", "))
    };
    let _ = writeln!(
        h,
        "<section id=\"inputs\">\n<h2>Inputs</h2>\n<p class=\"note\">What went in, as written in the scenario; numbers \
         in brackets are sources, listed at the end.</p>\n<details>\n<summary>Actors</summary>\n<h3>Actors</h3>\n\
         <div class=\"actor-list\">"
    );
    for a in sc.actors.iter().take(MAX_ROWS) {
        // Imports that name actors by codes (KTAB's "XJ") carry the name in the description.
        let _ = writeln!(
            h,
            "<p class=\"stance\"><b>{}</b> {} · capability {}{}{}</p>",
            esc(&a.name),
            a.kind.as_str(),
            label(a.capability),
            cites(&a.sources),
            a.description.as_deref().map(|d| format!(". {}", esc(d))).unwrap_or_default()
        );
    }
    let _ = writeln!(h, "</div>\n</details>");
    let ix = sc.index();
    let mut rows = 0;
    // One flow for every issue's stances, so that on paper they fill two columns without gaps.
    let _ = writeln!(h, "<div class=\"stance-all\">");
    for iss in &sc.issues {
        let stances: Vec<&demarche_scenario::Stance> =
            sc.actors.iter().filter_map(|a| ix.stance(&a.id, &iss.id)).collect();
        if stances.is_empty() || rows >= MAX_ROWS {
            continue;
        }
        let unit = iss.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
        let sq = iss.status_quo.map(|q| format!("; status quo {}", label(q))).unwrap_or_default();
        let marks: Vec<String> = iss.anchors.iter().map(|a| format!("{} {}", label(a.at), esc(&a.label))).collect();
        let marks =
            if marks.is_empty() { String::new() } else { format!(" Marks on the scale: {}.", marks.join("; ")) };
        let _ = writeln!(
            h,
            "<details>\n<summary>Stances on {}</summary>\n<h3 class=\"issue\">{} ({} – {}{}{})</h3>\n\
             <p class=\"note\">{} … {}{marks}</p>\n<div class=\"stance-list\">",
            esc(&iss.name),
            esc(&iss.name),
            label(iss.min),
            label(iss.max),
            esc(&unit),
            esc(&sq),
            esc(&iss.low),
            esc(&iss.high)
        );
        // One paragraph per stance, so that long notes flow in columns on paper.
        for st in stances.into_iter().take(MAX_ROWS - rows) {
            rows += 1;
            let red = st.red_line.map(|[a, b]| format!(" · red line {}–{}", label(a), label(b))).unwrap_or_default();
            let _ = writeln!(
                h,
                "<p class=\"stance\"><b>{}</b> {} · salience {}{red}. {}{}</p>",
                esc(&name(&st.actor)),
                label(st.position),
                label(st.salience),
                esc(st.note.as_deref().unwrap_or("")),
                cites(&st.sources)
            );
        }
        let _ = writeln!(h, "</div>\n</details>");
    }
    let _ = writeln!(h, "</div>");
    if !sc.relations.is_empty() {
        let _ =
            writeln!(h, "<details>\n<summary>Relations</summary>\n<h3>Relations</h3>\n<ul class=\"cols relations\">");
        for r in sc.relations.iter().take(MAX_ROWS) {
            let _ = writeln!(
                h,
                "<li>{} <em>{}</em> {}{}{}</li>",
                esc(&name(&r.from)),
                r.kind.as_str(),
                esc(&name(&r.to)),
                r.weight.map(|w| format!(" ({})", label(w))).unwrap_or_default(),
                cites(&r.sources)
            );
        }
        let _ = writeln!(h, "</ul>\n</details>");
    }
    if !sc.meta.sources.is_empty() {
        let _ = writeln!(h, "<h3 id=\"sources\">Sources</h3>\n<ol class=\"sources cols\">");
        let issue_word = |id: &str| id.replace('_', " ");
        for (k, src) in sc.meta.sources.iter().enumerate().take(MAX_ROWS) {
            // What cites it, by actor: "Israel: stockpile, inspections; relation to …".
            let mut by_actor: Vec<(String, Vec<String>)> = Vec::new();
            let mut add = |who: String, what: String| match by_actor.iter_mut().find(|(w, _)| *w == who) {
                Some((_, v)) => v.push(what),
                None => by_actor.push((who, vec![what])),
            };
            // Actors by their ids, the scenario's short names (as `--set` writes them).
            for st in sc.stances.iter().filter(|st| st.sources.contains(&src.id)) {
                add(st.actor.clone(), issue_word(&st.issue));
            }
            for a in sc.actors.iter().filter(|a| a.sources.contains(&src.id)) {
                add(a.id.clone(), "the actor".into());
            }
            for r in sc.relations.iter().filter(|r| r.sources.contains(&src.id)) {
                add(r.from.clone(), format!("{} {}", r.kind.as_str(), r.to));
            }
            for o in sc.options.iter().filter(|o| o.sources.contains(&src.id)) {
                add(o.holder.clone(), format!("option: {}", o.name));
            }
            for e in sc.timeline.iter().filter(|e| e.sources.contains(&src.id)) {
                add("timeline".into(), e.name.clone());
            }
            let cited: Vec<String> = by_actor.iter().map(|(w, v)| format!("{w}: {}", v.join(", "))).collect();
            let title = match &src.url {
                Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
                    format!("<a href=\"{}\">{}</a>", esc(u), esc(&src.title))
                }
                _ => esc(&src.title),
            };
            let about: Vec<&str> = [src.publisher.as_deref(), src.date.as_deref()].into_iter().flatten().collect();
            let _ = writeln!(
                h,
                "<li id=\"source-{}\">{title}{}{}</li>",
                k + 1,
                if about.is_empty() { String::new() } else { format!(" — {}", esc(&about.join(", "))) },
                if cited.is_empty() {
                    String::new()
                } else {
                    format!(" <span class=\"note cited\">Cited for {}.</span>", esc(&cited.join("; ")))
                }
            );
        }
        let _ = writeln!(h, "</ol>");
    }
    if rows >= MAX_ROWS || sc.actors.len() > MAX_ROWS || sc.meta.sources.len() > MAX_ROWS {
        let _ = writeln!(h, "<p class=\"note\">Long lists are cut at {MAX_ROWS} rows.</p>");
    }
    let _ = writeln!(h, "</section>");
}

/// The report's conclusions in plain sentences, drawn from its data: each
/// issue's forecasts with their caveats (deadlock, not converged), whether
/// talks can succeed, and the leading confrontation dyads.
fn bottom_line(data: &ReportData) -> Vec<String> {
    let sc = &data.scenario;
    let mut out = Vec::new();
    if let Some(o) = &data.outlook {
        out.push(o.headline.clone());
        if let Some(first) =
            o.parts.iter().find(|p| p.question.starts_with("Is a deal possible")).and_then(|p| p.items.first())
        {
            out.push(format!("Where the red lines close it most often: {first}"));
        }
        if let Some(first) =
            o.parts.iter().find(|p| p.question.starts_with("Do coercive options")).and_then(|p| p.items.first())
        {
            out.push(format!("Coercive options used before a deal: {first}"));
        }
    }
    if let Some(n) = &data.negotiation {
        let who: Vec<String> = n.parties.iter().map(|p| format!("{} ({})", p.profile, p.strategy)).collect();
        out.push(format!("{}: {} on {}; {}.", who.join(" and "), n.protocol, n.domain, n.end));
        if let Some(terms) = n.agreement.as_ref().filter(|t| !t.is_empty()) {
            let words: Vec<String> = terms.iter().map(|(i, v)| format!("{i}: {v}")).collect();
            let gets: Vec<String> =
                n.parties.iter().map(|p| format!("{} {}", p.profile, at_scale(p.utility, 1.0))).collect();
            out.push(format!("Agreed terms: {}. Utilities: {}.", words.join("; "), gets.join(", ")));
        }
    }
    let agenda = sc.simulation.as_ref().map(|s| &s.agenda).filter(|a| !a.is_empty());
    // Each caveat is explained once, after the issues it marks.
    let mut deadlocked: Vec<(&str, usize)> = Vec::new();
    let mut moving: Vec<(&str, usize, usize)> = Vec::new();
    for iss in &sc.issues {
        let mut parts = Vec::new();
        for f in &data.forecasts {
            let Some(x) = f.issues.iter().find(|x| x.issue == iss.id) else { continue };
            let mut caveat = "";
            if x.notes.iter().any(|n| n.contains("deadlock")) {
                caveat = " (deadlock)";
                match deadlocked.iter_mut().find(|(e, _)| *e == f.engine) {
                    Some(d) => d.1 += 1,
                    None => deadlocked.push((f.engine.as_str(), 1)),
                }
            } else if x.converged == Some(false) {
                caveat = " (still moving)";
                match moving.iter_mut().find(|(e, _, _)| *e == f.engine) {
                    Some(m) => m.1 += 1,
                    None => moving.push((f.engine.as_str(), 1, x.rounds())),
                }
            }
            parts.push(format!("{} {}{caveat}", f.engine, at_scale(x.outcome, iss.max - iss.min)));
        }
        if parts.is_empty() {
            continue;
        }
        let unit = iss.unit.as_deref().map(|u| format!(", {u}")).unwrap_or_default();
        let mut sq =
            iss.status_quo.map(|q| format!("; status quo {}", at_scale(q, iss.max - iss.min))).unwrap_or_default();
        if agenda.is_some_and(|a| !a.contains(&iss.id)) {
            sq.push_str("; off the talks' agenda");
        }
        out.push(format!("{} ({} – {}{unit}): {}{sq}.", iss.name, label(iss.min), label(iss.max), parts.join(", ")));
    }
    let mut caveats = Vec::new();
    for (engine, n) in &deadlocked {
        caveats.push(format!(
            "{engine}'s deadlock ({n} issue{}): no outcome suits every actor better than the status quo, so the \
             model returns the status quo — not a forecast of it",
            if *n == 1 { "" } else { "s" }
        ));
    }
    for (engine, n, rounds) in &moving {
        caveats.push(format!(
            "{engine} still moving ({n} issue{}): it stopped at its {rounds}-round limit before settling, so its \
             numbers are where it stopped",
            if *n == 1 { "" } else { "s" }
        ));
    }
    if !caveats.is_empty() {
        out.push(format!("Caveats: {}.", caveats.join("; ")));
    }
    if let Some(m) = data.escalation.iter().find(|m| m.metric.starts_with("confrontation indicator")) {
        let mut pairs = Vec::new();
        for (i, row) in m.values.iter().enumerate() {
            for (j, v) in row.iter().enumerate().skip(i + 1) {
                if let Some(v) = v {
                    pairs.push((*v, i, j));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let top: Vec<String> =
            pairs.iter().take(3).map(|(v, i, j)| format!("{} – {} ({v:.2})", m.actors[*i], m.actors[*j])).collect();
        if !top.is_empty() {
            out.push(format!(
                "Leading confrontation dyads (the indicator, 0–1, how strongly the inputs point to coercion or force): {}.",
                top.join(", ")
            ));
        }
    }
    out
}

/// The pooled scores as tables: issue error per model, P(deal), rankings.
fn backtest_table(b: &BacktestReport) -> String {
    use demarche_backtest::render::{model_order, ranking_order};
    let mut h = String::new();
    let models = model_order(b);
    let _ = write!(h, "<table>\n<tr><th>Case</th>");
    for m in &models {
        let _ = write!(h, "<th>{}</th>", esc(m));
    }
    let _ = writeln!(h, "</tr>");
    let cell = |x: Option<f64>| x.map(|v| format!("{:.0}%", 100.0 * v)).unwrap_or_else(|| "—".into());
    for c in &b.cases {
        let when = if c.retrospective.is_some() {
            "retrospective: shown, not pooled".to_string()
        } else {
            format!("as of {}, outcome {}", c.as_of, c.outcome_as_of)
        };
        let _ = write!(h, "<tr><td>{}<br><span class=\"note\">{}</span></td>", esc(&c.id), esc(&when));
        for m in &models {
            let _ = write!(h, "<td class=\"num\">{}</td>", cell(c.models.get(m).map(|s| s.mae)));
        }
        let _ = writeln!(h, "</tr>");
    }
    for (label, pick) in [("pooled mean error", 0), ("pooled within 10 points", 1)] {
        let _ = write!(h, "<tr><th>{label}</th>");
        for m in &models {
            let v = b.pooled.models.get(m).map(|s| if pick == 0 { s.mae } else { s.within_10 });
            let _ = write!(h, "<td class=\"num\"><b>{}</b></td>", cell(v));
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</table>");
    if let Some(d) = &b.pooled.deal {
        let _ = writeln!(
            h,
            "<p class=\"note\">P(deal): Brier {:.3}, log loss {:.3} over {} cases; the in-sample base rate {:.2} \
             scores {:.3} and {:.3}; a coin 0.250 and 0.693.</p>",
            d.brier, d.log_loss, d.cases, d.base_rate, d.base_rate_brier, d.base_rate_log_loss
        );
    }
    let rankings = ranking_order(b);
    if !rankings.is_empty() {
        let _ = write!(h, "<table>\n<tr><th>Confrontation ranking</th><th>AUC (stratified by case)</th><th>Mean of case AUCs</th><th>Hits in the top 10</th></tr>\n");
        for n in &rankings {
            if let Some(s) = b.pooled.confrontation.get(n) {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1} of {}</td></tr>",
                    esc(n),
                    s.auc.map(|a| format!("{a:.2}")).unwrap_or_else(|| "—".into()),
                    s.mean_case_auc.map(|a| format!("{a:.2}")).unwrap_or_else(|| "—".into()),
                    s.top10_hits,
                    s.observed
                );
            }
        }
        let _ = writeln!(h, "</table>");
    }
    h
}
