//! Uncertain red lines, ratifiers holding their agents to their red lines,
//! what would open a closed zone, and knife-edge zones (issue 13).

use demarche_scenario::settings::simulation::Channel;
use demarche_scenario::{load_str, Format, RedLineAlternative, Scenario};
use demarche_sim::report::Report;
use demarche_sim::{simulate, Options, Overrides};

/// Principals a (at 20) and b (at 80) on one 0–100 issue with status quo 50,
/// each at salience `sa`/`sb`; `extra` is appended.
fn two(sa: f64, sb: f64, extra: &str) -> Scenario {
    let text = format!(
        r#"
[meta]
title = "zone"
[[actors]]
id = "a"
name = "A"
capability = 1
[[actors]]
id = "b"
name = "B"
capability = 1
[[actors]]
id = "r"
name = "R"
capability = 1
[[issues]]
id = "x"
name = "X"
min = 0
max = 100
low = "none"
high = "all"
status_quo = 50
[[stances]]
actor = "a"
issue = "x"
position = 20
salience = {sa}
[[stances]]
actor = "b"
issue = "x"
position = 80
salience = {sb}
[[stances]]
actor = "r"
issue = "x"
position = 10
salience = 1
[simulation]
principals = ["a", "b"]
channel = "direct"
{extra}
"#
    );
    match load_str(&text, Some(Format::Toml), Some("zone.toml")) {
        Ok(l) => l.scenario,
        Err(e) => panic!("{e}"),
    }
}

fn run(sc: &Scenario, runs: u32) -> Report {
    let opts = Options {
        overrides: Overrides { runs: Some(runs), seed: Some(3), channel: Some(Channel::Direct) },
        escalation_runs: 0,
    };
    simulate(sc, &opts, &demarche_sim::Unattended).unwrap()
}

#[test]
fn what_it_takes_names_the_gap_the_limits_and_the_cheapest_move() {
    // a accepts nothing above 40, b nothing below 60: a gap of 20 on a 0–100 scale.
    let mut sc = two(0.5, 0.9, "");
    sc.stances[0].red_line = Some([0.0, 40.0]);
    sc.stances[1].red_line = Some([60.0, 100.0]);
    let r = run(&sc, 20);
    assert_eq!(r.no_zone, 1.0);
    assert_eq!(r.channels[0].no_zone, 1.0);
    let g = &r.what_it_takes[0];
    assert_eq!(g.issue, "x");
    assert_eq!(g.share, 1.0);
    assert!((g.gap.median - 20.0).abs() < 1e-9 && (g.gap_of_scale - 0.2).abs() < 1e-12);
    assert_eq!((g.low.actor.as_str(), g.low.value), ("b", 60.0));
    assert_eq!((g.high.actor.as_str(), g.high.value), ("a", 40.0));
    // Cost = 0.2 × salience: a (0.5) moving its upper limit to 60 is cheaper than b (0.9) moving down to 40.
    let m = &g.moves[0];
    assert_eq!((m.actor.as_str(), m.limit.as_str(), m.to), ("a", "upper", 60.0));
    assert!((m.cost - 0.2 * 0.5).abs() < 1e-12 && (g.moves[1].cost - 0.2 * 0.9).abs() < 1e-12);
    let text = demarche_sim::render::report(&r);
    assert!(text.contains("Is a deal possible?") && text.contains("would open it: a moving its upper limit"), "{text}");
}

#[test]
fn a_binding_ratifier_holds_its_agent_to_its_red_line_whatever_the_influence_settings() {
    // r ratifies a's deals and accepts nothing above 30; b accepts nothing below 40.
    let veto = "red_line_influence = 0.0\n[simulation.ratifiers]\nr = 1.0\n[[relations]]\nkind = \"veto\"\nfrom = \"r\"\nto = \"a\"\n";
    let mut sc = two(0.8, 0.8, veto);
    sc.stances[1].red_line = Some([40.0, 100.0]);
    sc.stances[2].red_line = Some([0.0, 30.0]);
    let r = run(&sc, 20);
    assert_eq!(r.no_zone, 1.0, "the ratifier's red line closes the zone");
    let g = &r.what_it_takes[0];
    assert_eq!(g.high.actor, "r");
    assert_eq!(g.high.ratifier_for.as_deref(), Some("a"));
    // A veto that never binds holds nobody: the zone is open again.
    let mut sc = two(0.8, 0.8, &veto.replace("r = 1.0", "r = 0.0"));
    sc.stances[1].red_line = Some([40.0, 100.0]);
    sc.stances[2].red_line = Some([0.0, 30.0]);
    let r = run(&sc, 20);
    assert_eq!(r.no_zone, 0.0);
    assert!(r.what_it_takes.is_empty());
}

#[test]
fn alternative_red_lines_are_drawn_with_their_probabilities() {
    // b's stated red line [60, 100] leaves a zone with a's [0, 70]; the
    // alternative [75, 100] (p = 0.3) closes it.
    let mut sc = two(0.5, 0.5, "");
    sc.stances[0].red_line = Some([0.0, 70.0]);
    sc.stances[1].red_line = Some([60.0, 100.0]);
    sc.stances[1].red_line_alternatives =
        vec![RedLineAlternative { red_line: [75.0, 100.0], probability: 0.3, note: None, sources: Vec::new() }];
    let r = run(&sc, 2000);
    assert!((r.no_zone - 0.3).abs() < 0.04, "no zone in {} of runs, want about 0.3", r.no_zone);
    // The same seed gives the same answer (the draw is part of the run's uniforms).
    assert_eq!(run(&sc, 2000).no_zone, r.no_zone);
}

#[test]
fn drawn_bounds_keep_the_position_inside_and_scale_ends_fixed() {
    // a's red line [0, 30] with sd 20: the upper bound is drawn in [20, 100]; the
    // lower bound at the scale's end stays 0. b's [25, 100]: its lower bound
    // drawn in [0, 80]. The zone closes whenever a's upper bound falls below b's lower.
    let mut sc = two(0.5, 0.5, "");
    sc.stances[0].red_line = Some([0.0, 30.0]);
    sc.stances[0].red_line_sd = Some(20.0);
    sc.stances[1].red_line = Some([25.0, 100.0]);
    sc.stances[1].red_line_sd = Some(20.0);
    let r = run(&sc, 1000);
    assert!(r.no_zone > 0.2 && r.no_zone < 0.8, "no zone in {} of runs", r.no_zone);
    for g in &r.what_it_takes {
        assert!(g.high.value >= 20.0 - 1e-9, "a's drawn upper bound {} stays at or above its position", g.high.value);
        assert!(g.low.value <= 80.0 + 1e-9, "b's drawn lower bound {} stays at or below its position", g.low.value);
    }
    // Without the spread the zone [25, 30] is always open.
    sc.stances[0].red_line_sd = None;
    sc.stances[1].red_line_sd = None;
    assert_eq!(run(&sc, 50).no_zone, 0.0);
}

#[test]
fn a_knife_edge_zone_is_flagged() {
    let mut sc = two(0.5, 0.5, "");
    sc.stances[0].red_line = Some([0.0, 50.0]);
    sc.stances[1].red_line = Some([49.5, 100.0]);
    let r = run(&sc, 20);
    assert_eq!(r.no_zone, 0.0);
    assert_eq!(r.narrow_zone, 1.0);
    assert_eq!(r.narrow_zone_by_issue[0].issue, "x");
    assert!(demarche_sim::render::report(&r).contains("knife edge"));
}

#[test]
fn an_alternative_that_excludes_the_position_is_kept_and_the_position_moves_inside_it() {
    // a (at 20) may hold [0, 0] instead of its stated line; with a spread, the
    // drawn upper bound stays near 0 rather than jumping to the position.
    let mut sc = two(0.5, 0.5, "");
    sc.stances[0].red_line = Some([0.0, 30.0]);
    sc.stances[0].red_line_sd = Some(5.0);
    sc.stances[0].red_line_alternatives =
        vec![RedLineAlternative { red_line: [0.0, 0.0], probability: 1.0, note: None, sources: Vec::new() }];
    sc.stances[1].red_line = Some([10.0, 100.0]);
    let r = run(&sc, 400);
    assert!(r.no_zone > 0.85, "no zone in {} of runs", r.no_zone);
    let g = &r.what_it_takes[0];
    assert_eq!(g.high.actor, "a");
    assert!(g.high.value < 10.0, "a's drawn upper bound {} stays near its alternative's 0", g.high.value);
}

fn option(holder: &str, target: &str, gain: f64, cost: f64, from: &str) -> demarche_scenario::CoerciveOption {
    demarche_scenario::CoerciveOption {
        holder: holder.into(),
        target: target.into(),
        name: "strikes".into(),
        kind: demarche_scenario::OptionKind::Force,
        gain,
        gain_sd: None,
        cost,
        available_from: Some(from.into()),
        note: None,
        sources: Vec::new(),
    }
}

#[test]
fn an_outside_option_is_used_when_it_beats_where_the_talks_are_heading() {
    // No zone (a ≤ 40, b ≥ 60): the talks cannot end in a deal, so r's option
    // (gain 0.2, cost 0.05, open from 15 January, round 2 of weekly rounds from
    // 1 January) is worth 0.15 over letting them fail: used in every run.
    let mut sc = two(0.5, 0.5, "round_days = 7\n");
    sc.meta.as_of = Some("2025-01-01".into());
    sc.stances[0].red_line = Some([0.0, 40.0]);
    sc.stances[1].red_line = Some([60.0, 100.0]);
    sc.options.push(option("r", "b", 0.2, 0.05, "2025-01-15"));
    let r = run(&sc, 20);
    let c = &r.channels[0];
    assert_eq!(c.force, 1.0);
    let m = &c.first_mover[0];
    assert_eq!((m.actor.as_str(), m.target.as_str(), m.round, m.date.as_deref()), ("r", "b", 2, Some("2025-01-15")));
    assert!(demarche_sim::render::report(&r).contains("Do coercive options end the talks first?"));
    // Costlier than it gains: never used.
    sc.options[0].cost = 0.3;
    assert_eq!(run(&sc, 20).channels[0].force, 0.0);
}

#[test]
fn a_deal_that_comes_first_or_is_worth_more_keeps_the_option_unused() {
    // Both principals at 50 (status quo 50): a deal at 50 in round 1. r (at 10)
    // values the deal as it values no deal: u = 1 − 0.4² = 0.84 either way.
    let mut sc = two(0.5, 0.5, "round_days = 7\n");
    sc.meta.as_of = Some("2025-01-01".into());
    sc.stances[0].position = 50.0;
    sc.stances[1].position = 50.0;
    // Open from round 2: the deal of round 1 comes first.
    sc.options.push(option("r", "b", 0.2, 0.05, "2025-01-15"));
    let r = run(&sc, 10);
    assert_eq!((r.channels[0].ratified, r.channels[0].force), (1.0, 0.0));
    // Open from the start: acting (0.84 + 0.2 − 0.05) beats the deal (0.84): used in round 0.
    sc.options[0].available_from = Some("2025-01-01".into());
    let r = run(&sc, 10);
    assert_eq!((r.channels[0].ratified, r.channels[0].force), (0.0, 1.0));
    // With cost 0.25 acting is worth 0.79 < 0.84: the deal stands.
    sc.options[0].cost = 0.25;
    let r = run(&sc, 10);
    assert_eq!((r.channels[0].ratified, r.channels[0].force), (1.0, 0.0));
}

#[test]
fn a_timeline_event_before_the_deadline_sets_the_no_deal_world() {
    // A 1 February event drops the status quo from 50 to 0 (a's ideal is 20):
    // with a deadline of 10 weekly rounds it passes before the talks end, so a's
    // no-deal utility is that of 0 (1 − 0.2² = 0.96), not of 50 (0.91).
    let mut sc = two(1.0, 1.0, "round_days = 7\ndeadline_rounds = 10\n");
    sc.meta.as_of = Some("2025-01-01".into());
    sc.timeline.push(demarche_scenario::TimelineEvent {
        date: "2025-02-01".into(),
        name: "expiry".into(),
        issue: Some("x".into()),
        status_quo: Some(0.0),
        ..Default::default()
    });
    let no_deal_a = |r: &Report| r.channels[0].actors.iter().find(|x| x.actor == "a").unwrap().no_deal;
    assert!((no_deal_a(&run(&sc, 5)) - 0.96).abs() < 1e-9);
    // After the deadline (10 rounds = 11 March), it does not count.
    sc.timeline[0].date = "2025-04-01".into();
    assert!((no_deal_a(&run(&sc, 5)) - 0.91).abs() < 1e-9);
}

/// a and b 20 apart inside a zone [40, 60] (red lines a ≤ 60, b ≥ 40), the
/// status quo 0 worse for both, a mediator `m` between them, both channels.
fn mediated_pair(extra: &str) -> Scenario {
    let text = format!(
        r#"
[meta]
title = "mechanisms"
[[actors]]
id = "a"
name = "A"
capability = 1
[[actors]]
id = "b"
name = "B"
capability = 1
[[actors]]
id = "m"
name = "M"
kind = "mediator"
capability = 1
[[actors]]
id = "r"
name = "R"
capability = 1
[[issues]]
id = "x"
name = "X"
min = 0
max = 100
low = "none"
high = "all"
status_quo = 0
[[issues]]
id = "y"
name = "Y"
min = 0
max = 100
low = "none"
high = "all"
status_quo = 0
[[stances]]
actor = "a"
issue = "x"
position = 40
salience = 0.5
red_line = [0, 60]
[[stances]]
actor = "b"
issue = "x"
position = 60
salience = 0.5
red_line = [40, 100]
[[stances]]
actor = "r"
issue = "y"
position = 100
salience = 1
red_line = [90, 100]
[[relations]]
kind = "mediates"
from = "m"
to = "a"
[[relations]]
kind = "mediates"
from = "m"
to = "b"
[simulation]
principals = ["a", "b"]
agenda = ["x"]
channel = "both"
deadline_rounds = 60
{extra}
"#
    );
    match load_str(&text, Some(Format::Toml), Some("mechanisms.toml")) {
        Ok(l) => l.scenario,
        Err(e) => panic!("{e}"),
    }
}

fn both(sc: &Scenario, runs: u32) -> Report {
    let opts = Options {
        overrides: Overrides { runs: Some(runs), seed: Some(5), channel: Some(Channel::Both) },
        escalation_runs: 0,
    };
    simulate(sc, &opts, &demarche_sim::Unattended).unwrap()
}

#[test]
fn the_information_mechanism_explains_the_channel_difference_it_makes() {
    // Each side misjudges the other's red line by 30 % of the scale in direct
    // talks; a fully credible mediator removes the error.
    let on = both(&mediated_pair("perception_sd = 0.3\n[simulation.mediator]\ncredibility = 1.0\nnoise = 0.0\n"), 400);
    let (d, m) = (&on.channels[0], &on.channels[1]);
    assert!(d.misperceived > 0.3 && m.misperceived == 0.0, "direct {} mediated {}", d.misperceived, m.misperceived);
    assert!(m.ratified - d.ratified > 0.3, "mediated {} direct {}", m.ratified, d.ratified);
    assert!(demarche_sim::render::report(&on).contains("information (perception_sd 0.30"));
    // Off: no walk-aways, and the ratified-deal difference it explained goes away.
    let off = both(&mediated_pair("perception_sd = 0.0\n[simulation.mediator]\ncredibility = 1.0\nnoise = 0.0\n"), 400);
    assert_eq!((off.channels[0].misperceived, off.channels[1].misperceived), (0.0, 0.0));
    assert!((off.channels[1].ratified - off.channels[0].ratified).abs() < 0.05);
}

#[test]
fn the_deniability_mechanism_explains_the_channel_difference_it_makes() {
    // r ratifies a's deals and demands y ≥ 90, off the agenda (y stays at 0):
    // it objects to every deal; its veto binds. Through the mediator it binds
    // half as often.
    let veto = "[simulation.ratifiers]\nr = 1.0\n[[relations]]\nkind = \"veto\"\nfrom = \"r\"\nto = \"a\"\n";
    let on = both(&mediated_pair(&format!("[simulation.mediator]\ndeniability = 0.5\nnoise = 0.0\n{veto}")), 400);
    let (d, m) = (&on.channels[0], &on.channels[1]);
    assert_eq!(d.ratified, 0.0);
    assert!((m.blocks_averted - m.ratified).abs() < 1e-12 && m.ratified > 0.3, "{} {}", m.blocks_averted, m.ratified);
    let off = both(&mediated_pair(&format!("[simulation.mediator]\ndeniability = 0.0\nnoise = 0.0\n{veto}")), 400);
    assert_eq!((off.channels[0].ratified, off.channels[1].ratified, off.channels[1].blocks_averted), (0.0, 0.0, 0.0));
}

#[test]
fn the_durability_mechanism_explains_the_channel_difference_it_makes() {
    let on = both(&mediated_pair("[simulation.mediator]\nbreakdown = 0.4\nnoise = 0.0\n"), 600);
    let (d, m) = (&on.channels[0], &on.channels[1]);
    assert_eq!(d.broke_down, 0.0);
    assert!((m.broke_down - 0.4).abs() < 0.08, "mediated deals broke down in {} of runs", m.broke_down);
    assert!(demarche_sim::render::report(&on).contains("durability (mediator.breakdown 0.4)"));
    let off = both(&mediated_pair("[simulation.mediator]\nbreakdown = 0.0\nnoise = 0.0\n"), 600);
    assert_eq!(off.channels[1].broke_down, 0.0);
    assert!(off.channels[1].ratified - m.ratified > 0.3, "off {} on {}", off.channels[1].ratified, m.ratified);
}

#[test]
fn the_time_mechanism_sets_each_channels_deadline_and_when_options_open() {
    // Weekly direct rounds, fortnightly mediated ones, 10 weeks to the deadline:
    // 10 direct rounds, 5 mediated. An option opening on day 28 opens in direct
    // round 4 and mediated round 2.
    let mut sc = mediated_pair("round_days = 7\n[simulation.mediator]\nround_days = 14\nnoise = 0.0\n");
    sc.simulation.as_mut().unwrap().deadline_rounds = 10;
    sc.meta.as_of = Some("2025-01-01".into());
    // No zone (a ≤ 45, b ≥ 50): the talks cannot end in a deal.
    sc.stances[0].red_line = Some([0.0, 45.0]);
    sc.stances[1].red_line = Some([50.0, 100.0]);
    sc.options.push(option("r", "b", 0.3, 0.0, "2025-01-29"));
    let r = both(&sc, 10);
    let (d, m) = (&r.channels[0], &r.channels[1]);
    assert_eq!((d.round_days, m.round_days), (7, 14));
    assert_eq!((d.first_mover[0].round, m.first_mover[0].round), (4, 2));
    let plan = demarche_sim::Plan::new(&sc, &Overrides::default()).unwrap();
    assert_eq!(plan.deadline, [10, 5]);
}

#[test]
fn walk_aways_are_counted_even_when_an_option_is_then_used_and_no_limit_is_never_misjudged() {
    // With an option always worth using, the talks end in force; the runs that
    // ended in a walk-away before it still count as walk-aways.
    let mut sc = mediated_pair("perception_sd = 0.3\n[simulation.mediator]\ncredibility = 1.0\nnoise = 0.0\n");
    let with_option = {
        let mut sc = sc.clone();
        sc.options.push(option("r", "b", 0.5, 0.0, "2025-01-01"));
        both(&sc, 300)
    };
    let without = both(&sc, 300);
    assert!(with_option.channels[0].force > 0.9);
    assert_eq!(with_option.channels[0].misperceived, without.channels[0].misperceived);
    assert!(without.channels[0].misperceived > 0.3);
    // b states no red line: a cannot misjudge a limit that does not exist.
    sc.stances[1].red_line = None;
    sc.stances[0].red_line = Some([0.0, 41.0]);
    assert_eq!(both(&sc, 300).channels[0].misperceived, 0.0);
}

fn stance_event(date: &str, actor: &str, red_line: [f64; 2]) -> demarche_scenario::TimelineEvent {
    demarche_scenario::TimelineEvent {
        date: date.into(),
        name: "a harder line".into(),
        issue: Some("x".into()),
        actor: Some(actor.into()),
        red_line: Some(red_line),
        ..Default::default()
    }
}

#[test]
fn a_stance_event_restarts_talks_that_have_not_concluded_and_spares_a_deal_that_has() {
    // a and b agree at once (both at 50, status quo 0 worse for both): a deal in round 1.
    let mut sc = two(0.5, 0.5, "round_days = 7\ndeadline_rounds = 20\n");
    sc.meta.as_of = Some("2025-01-01".into());
    sc.issues[0].status_quo = Some(0.0);
    sc.stances[0].position = 50.0;
    sc.stances[1].position = 50.0;
    // From round 3 b accepts nothing below 80 and a nothing above 60... a's line changes.
    sc.stances[0].red_line = Some([0.0, 60.0]);
    sc.timeline.push(stance_event("2025-01-22", "b", [80.0, 100.0]));
    let r = run(&sc, 10);
    assert_eq!(r.channels[0].ratified, 1.0, "the deal of round 1 concluded before the event");
    // With the event in round 0 (the as-of date) the harder line holds from the start: no zone.
    sc.timeline[0].date = "2025-01-01".into();
    let r = run(&sc, 10);
    assert_eq!((r.channels[0].ratified, r.channels[0].no_zone), (0.0, 1.0));
}

#[test]
fn a_stance_event_can_open_a_zone_the_talks_then_use() {
    // No zone at first (a ≤ 40, b ≥ 60); from 22 January (round 3) b accepts 30 and
    // up: the talks restart there and reach a deal, in a round after the event.
    let mut sc = two(0.5, 0.5, "round_days = 7\ndeadline_rounds = 30\n");
    sc.meta.as_of = Some("2025-01-01".into());
    sc.issues[0].status_quo = Some(0.0);
    sc.stances[0].position = 35.0;
    sc.stances[1].position = 65.0;
    sc.stances[0].red_line = Some([0.0, 40.0]);
    sc.stances[1].red_line = Some([60.0, 100.0]);
    let closed = run(&sc, 10);
    assert_eq!(closed.channels[0].ratified, 0.0);
    sc.timeline.push(stance_event("2025-01-22", "b", [30.0, 100.0]));
    let r = run(&sc, 10);
    let c = &r.channels[0];
    assert_eq!(c.ratified, 1.0, "{:?}", c.end_reasons);
    assert!(c.rounds.as_ref().unwrap().p10 > 3.0, "the deal comes after the event's round");
    // The run still says there was no zone when the talks began.
    assert_eq!(r.no_zone, 1.0);
}

/// Issue 13: on the seed, the red-line inputs carry a non-zero Sobol index of
/// P(ratified deal) (a rare event: it takes a couple of thousand samples).
#[test]
fn the_seeds_red_lines_have_a_sobol_index_on_the_ratified_deal() {
    let sc = demarche_scenario::seed().unwrap().scenario;
    let opts = demarche_sim::SensitivityOptions {
        overrides: Overrides { channel: Some(Channel::Direct), seed: Some(7), runs: None },
        samples: 2048,
        oat_runs: 1,
        ..Default::default()
    };
    let r = demarche_sim::analyse(&sc, &opts, &demarche_sim::Unattended).unwrap();
    let ratified = r.ranked.iter().find(|o| o.measure == demarche_sim::Measure::Ratified).unwrap();
    let red_lines: Vec<_> =
        ratified.rows.iter().filter(|row| row.input.ends_with(".red_line") && row.total.unwrap_or(0.0) > 0.0).collect();
    assert!(!red_lines.is_empty(), "no red-line input has a total index: {:?}", &ratified.rows[..5]);
}
