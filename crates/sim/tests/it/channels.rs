//! Behaviour of the simulation on hand-built two-party cases whose answers are known.

use demarche_scenario::settings::simulation::Channel;
use demarche_scenario::{load_str, Format, Scenario};
use demarche_sim::report::{ChannelReport, Report};
use demarche_sim::{simulate, Options, Overrides, SimError};

/// Two parties at opposite ends of two 0–100 issues, a mediator between them.
/// `extra` is appended (stances, relations, settings).
fn scenario(a: [(f64, f64); 2], b: [(f64, f64); 2], extra: &str) -> Scenario {
    let text = format!(
        r#"
[meta]
title = "two-party test"
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
id = "c"
name = "C"
capability = 1
[[issues]]
id = "x"
name = "X"
min = 0
max = 100
low = "none"
high = "all"
[[issues]]
id = "y"
name = "Y"
min = 0
max = 100
low = "none"
high = "all"
[[stances]]
actor = "a"
issue = "x"
position = {}
salience = {}
[[stances]]
actor = "a"
issue = "y"
position = {}
salience = {}
[[stances]]
actor = "b"
issue = "x"
position = {}
salience = {}
[[stances]]
actor = "b"
issue = "y"
position = {}
salience = {}
[[relations]]
kind = "mediates"
from = "m"
to = "a"
[[relations]]
kind = "mediates"
from = "m"
to = "b"
{extra}
"#,
        a[0].0, a[0].1, a[1].0, a[1].1, b[0].0, b[0].1, b[1].0, b[1].1
    );
    match load_str(&text, Some(Format::Toml), Some("test.toml")) {
        Ok(l) => l.scenario,
        Err(e) => panic!("{e}"),
    }
}

fn run(sc: &Scenario, runs: u32) -> Report {
    let opts = Options {
        overrides: Overrides { runs: Some(runs), seed: Some(1), channel: Some(Channel::Both) },
        escalation_runs: 0,
    };
    simulate(sc, &opts, &demarche_sim::Unattended).unwrap()
}

fn channel<'r>(r: &'r Report, name: &str) -> &'r ChannelReport {
    r.channels.iter().find(|c| c.channel == name).unwrap()
}

fn median_term(c: &ChannelReport, issue: &str) -> f64 {
    c.terms.iter().find(|t| t.issue == issue).unwrap().summary.median
}

/// One principal's (position, salience) on each of the two issues.
type Stances = [(f64, f64); 2];

const OPPOSED: (Stances, Stances) = ([(0.0, 0.8), (0.0, 0.4)], [(100.0, 0.4), (100.0, 0.8)]);

#[test]
fn no_zone_of_agreement_means_no_deal_in_either_channel() {
    let sc = scenario(
        OPPOSED.0,
        OPPOSED.1,
        "[simulation]\nprincipals = [\"a\", \"b\"]\n[[stances]]\nactor = \"c\"\nissue = \"x\"\nposition = 50\nsalience = 0.5\n",
    );
    // Red lines that do not overlap on x.
    let mut sc = sc;
    sc.stances[0].red_line = Some([0.0, 30.0]);
    sc.stances[2].red_line = Some([60.0, 100.0]);
    let r = run(&sc, 50);
    assert_eq!(r.no_zone, 1.0);
    for c in &r.channels {
        assert_eq!(c.agreement, 0.0, "{}", c.channel);
        assert_eq!(c.ratified, 0.0);
        assert!(c.terms.is_empty());
    }
    // Touching red lines leave a zone: a deal is possible again.
    sc.stances[2].red_line = Some([30.0, 100.0]);
    let r = run(&sc, 20);
    assert!(r.channels.iter().all(|c| c.agreement > 0.0));
}

#[test]
fn identical_ideal_points_agree_at_once() {
    let sc = scenario([(40.0, 0.7), (65.0, 0.5)], [(40.0, 0.3), (65.0, 0.9)], "");
    let r = run(&sc, 20);
    for c in &r.channels {
        assert_eq!(c.agreement, 1.0, "{}", c.channel);
        let rounds = c.rounds.as_ref().unwrap();
        assert_eq!((rounds.p10, rounds.p90), (1.0, 1.0), "{}", c.channel);
        assert!((median_term(c, "x") - 40.0).abs() < 1e-9);
        assert!((median_term(c, "y") - 65.0).abs() < 1e-9);
    }
}

#[test]
fn a_stronger_ally_moves_the_deal_towards_it() {
    let with_weight = |w: f64| {
        scenario(
            OPPOSED.0,
            OPPOSED.1,
            &format!(
                "[[stances]]\nactor = \"c\"\nissue = \"x\"\nposition = 0\nsalience = 1\n\
                 [[relations]]\nkind = \"influences\"\nfrom = \"c\"\nto = \"b\"\nweight = {w}\n\
                 [simulation]\nprincipals = [\"a\", \"b\"]\n[simulation.mediator]\nnoise = 0\n"
            ),
        )
    };
    let weak = run(&with_weight(0.1), 10);
    let strong = run(&with_weight(0.8), 10);
    for name in ["direct", "mediated"] {
        let (w, s) = (median_term(channel(&weak, name), "x"), median_term(channel(&strong, name), "x"));
        assert!(s < w - 1.0, "{name}: x with a weak ally {w}, with a strong ally {s} (the ally wants 0)");
    }
}

#[test]
fn an_exact_unbiased_mediator_is_at_least_as_close_to_nash_as_direct_talks() {
    // Symmetric: mirrored ideals and saliences, no uncertainty.
    let sc = scenario(OPPOSED.0, OPPOSED.1, "[simulation.mediator]\nnoise = 0\nbias = 0\n");
    let r = run(&sc, 5);
    let (d, m) = (channel(&r, "direct"), channel(&r, "mediated"));
    assert_eq!(m.agreement, 1.0);
    let (dg, mg) = (d.nash_gap.as_ref().unwrap().median, m.nash_gap.as_ref().unwrap().median);
    assert!(mg <= dg + 1e-12, "mediated gap {mg}, direct gap {dg}");
    // Logrolling: each side gets more of the issue it cares about.
    assert!(median_term(m, "x") < 50.0 && median_term(m, "y") > 50.0);
}

#[test]
fn a_ratifier_whose_red_line_excludes_every_acceptable_deal_blocks_every_deal() {
    // c ratifies a's deals and accepts only 95–100 on x, an issue off the
    // agenda (so a cannot be held to it at the table): every deal keeps x at
    // its status quo 0, crosses c's red line and is blocked.
    let mut sc = scenario(
        OPPOSED.0,
        OPPOSED.1,
        "[[stances]]\nactor = \"c\"\nissue = \"x\"\nposition = 100\nsalience = 1\nred_line = [95, 100]\n\
         [[relations]]\nkind = \"veto\"\nfrom = \"c\"\nto = \"a\"\n[simulation]\nagenda = [\"y\"]\n",
    );
    sc.issues[0].status_quo = Some(0.0);
    let r = run(&sc, 30);
    for c in &r.channels {
        assert!(c.agreement > 0.9, "{}: {}", c.channel, c.agreement);
        assert_eq!(c.ratified, 0.0, "{}", c.channel);
        assert_eq!(c.blockers[0].blocks, 1.0);
        let crossed = c.actors.iter().find(|a| a.actor == "c").unwrap().red_line_crossed;
        assert_eq!(crossed, Some(1.0));
    }
    // The mediator states no stance: it has no utility to report.
    assert!(r.channels.iter().all(|c| c.actors.iter().all(|a| a.actor != "m")));
    assert!(r.channels.iter().all(|c| c.actors.iter().any(|a| a.actor == "a")));
    // The text names the issue crossed under the ratifier's row, once for both channels.
    let text = demarche_sim::render::report(&r);
    assert!(text.contains("\n      on: x\n"), "{text}");
    // A veto that never binds blocks nothing.
    sc.simulation.get_or_insert_with(Default::default).ratifiers.insert("c".into(), 0.0);
    let r = run(&sc, 30);
    assert!(r.channels.iter().all(|c| c.ratified == c.agreement));
    assert!(r.channels.iter().all(|c| c.blockers[0].objects == 1.0 && c.blockers[0].blocks == 0.0));
}

#[test]
fn a_binding_ratifiers_red_line_on_the_agenda_closes_the_zone_at_the_table() {
    // The same ratifier, with x on the agenda: a is held to c's red line and
    // cannot meet b (x at most 60 for a … at least 95 for c): no zone.
    let mut sc = scenario(
        OPPOSED.0,
        OPPOSED.1,
        "[[stances]]\nactor = \"c\"\nissue = \"x\"\nposition = 100\nsalience = 1\nred_line = [95, 100]\n\
         [[relations]]\nkind = \"veto\"\nfrom = \"c\"\nto = \"a\"\n",
    );
    sc.stances[0].red_line = Some([0.0, 60.0]);
    let r = run(&sc, 10);
    assert_eq!(r.no_zone, 1.0);
    assert_eq!(r.what_it_takes[0].low.ratifier_for.as_deref(), Some("a"));
}

#[test]
fn a_mediated_channel_without_a_mediator_is_an_error() {
    let mut sc = scenario(OPPOSED.0, OPPOSED.1, "");
    sc.relations.clear();
    sc.actors[2].kind = demarche_scenario::ActorKind::State;
    sc.stances.push(demarche_scenario::Stance {
        actor: "m".into(),
        issue: "x".into(),
        position: 50.0,
        salience: 0.5,
        ..Default::default()
    });
    let opts = Options { overrides: Overrides { runs: Some(5), ..Default::default() }, escalation_runs: 0 };
    match simulate(&sc, &opts, &demarche_sim::Unattended) {
        Err(SimError::Invalid(d)) => assert!(d.to_string().contains("needs a mediator"), "{d}"),
        other => panic!("expected an error, got {other:?}"),
    }
    // Direct talks need none.
    let opts = Options {
        overrides: Overrides { runs: Some(5), channel: Some(Channel::Direct), ..Default::default() },
        escalation_runs: 0,
    };
    assert!(simulate(&sc, &opts, &demarche_sim::Unattended).is_ok());
}

#[test]
fn stalling_delays_direct_deals() {
    let base = "[simulation]\nprincipals = [\"a\", \"b\"]\n[simulation.parties.a]\nstrategy = \"conceder\"\n\
                [simulation.parties.b]\nstrategy = \"conceder\"\n";
    let calm = run(&scenario(OPPOSED.0, OPPOSED.1, base), 10);
    let stalling = run(&scenario(OPPOSED.0, OPPOSED.1, &format!("{base}stall_probability = 1\n")), 10);
    let rounds = |r: &Report, c: &str| channel(r, c).rounds.as_ref().map(|s| s.median).unwrap_or(f64::INFINITY);
    assert!(rounds(&stalling, "direct") > rounds(&calm, "direct"));
    assert!(rounds(&stalling, "mediated") > rounds(&calm, "mediated"));
}

#[test]
fn cancelling_stops_the_monte_carlo_loop_between_chunks() {
    let sc = scenario(OPPOSED.0, OPPOSED.1, "");
    let runs = 10 * demarche_sim::CHUNK as u32;
    let opts = Options { overrides: Overrides { runs: Some(runs), ..Default::default() }, escalation_runs: 0 };
    /// Asks to stop once the first chunk is done; remembers what it was told.
    struct StopAfterFirstChunk {
        done: std::sync::atomic::AtomicU64,
        total: std::sync::atomic::AtomicU64,
    }
    impl demarche_sim::RunControl for StopAfterFirstChunk {
        fn progress(&self, done: u64, total: u64) {
            self.done.store(done, std::sync::atomic::Ordering::Relaxed);
            self.total.store(total, std::sync::atomic::Ordering::Relaxed);
        }
        fn cancelled(&self) -> bool {
            self.done.load(std::sync::atomic::Ordering::Relaxed) > 0
        }
    }
    let control = StopAfterFirstChunk { done: 0.into(), total: 0.into() };
    match demarche_sim::simulate(&sc, &opts, &control) {
        Err(SimError::Cancelled { done }) => assert_eq!(done, demarche_sim::CHUNK),
        other => panic!("expected a cancellation, got {other:?}"),
    }
    assert_eq!(control.total.into_inner(), u64::from(runs), "progress knows the total");
    // Never asked: it runs to the end.
    assert!(demarche_sim::simulate(&sc, &opts, &demarche_sim::Unattended).is_ok());
}
