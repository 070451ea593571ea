//! Same seed, same bytes — whatever the number of threads; the seed scenario simulates.

use demarche_sim::{analyse, simulate, Options, Overrides, SensitivityOptions};

fn seed() -> demarche_scenario::Scenario {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/iran-us-nuclear.toml");
    demarche_scenario::load_path(std::path::Path::new(path)).unwrap().scenario
}

fn json_with_threads(threads: usize, opts: &Options) -> String {
    let sc = seed();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let r = pool.install(|| simulate(&sc, opts, &demarche_sim::Unattended)).unwrap();
    serde_json::to_string_pretty(&r).unwrap()
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let opts =
        Options { overrides: Overrides { runs: Some(600), seed: Some(7), ..Default::default() }, escalation_runs: 150 };
    let one = json_with_threads(1, &opts);
    let two = json_with_threads(2, &opts);
    let three = json_with_threads(3, &opts);
    assert_eq!(one, two);
    assert_eq!(one, three);
    assert!(!one.contains("time") || !one.contains("elapsed"));
    // A different seed gives different draws.
    let other =
        Options { overrides: Overrides { runs: Some(600), seed: Some(8), ..Default::default() }, escalation_runs: 150 };
    assert_ne!(one, json_with_threads(2, &other));
}

#[test]
fn the_seed_scenario_reports_both_channels() {
    let opts =
        Options { overrides: Overrides { runs: Some(300), seed: Some(7), ..Default::default() }, escalation_runs: 100 };
    let r = simulate(&seed(), &opts, &demarche_sim::Unattended).unwrap();
    assert_eq!(r.principals.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["iran_gov", "us_admin"]);
    assert_eq!(r.channels.len(), 2);
    assert_eq!(r.mediator.as_deref(), Some("oman"));
    for c in &r.channels {
        assert!((0.0..=1.0).contains(&c.agreement));
        assert!(c.ratified <= c.agreement);
        // Israel states red lines; the report says how often a deal crosses them.
        let israel = c.actors.iter().find(|a| a.actor == "israel").unwrap();
        assert!(c.agreement == 0.0 || israel.red_line_crossed.is_some());
        for t in &c.terms {
            assert!(t.summary.p10 <= t.summary.median && t.summary.median <= t.summary.p90);
            assert!(!t.reading.is_empty());
        }
    }
    assert!(r.escalation && r.escalation_runs == 100);
    let text = demarche_sim::render::report(&r);
    assert!(text.contains("deal at the table") && text.contains("not a prediction"), "{text}");
}

#[test]
fn sensitivity_is_deterministic_and_ranks_inputs() {
    let sc = seed();
    let opts = SensitivityOptions {
        overrides: Overrides {
            channel: Some(demarche_scenario::settings::simulation::Channel::Direct),
            seed: Some(3),
            runs: None,
        },
        samples: 16,
        oat_runs: 4,
        ..Default::default()
    };
    let a = analyse(&sc, &opts, &demarche_sim::Unattended).unwrap();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let b = pool.install(|| analyse(&sc, &opts, &demarche_sim::Unattended)).unwrap();
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    assert!(!a.inputs.is_empty());
    assert_eq!(a.ranked.len(), a.outputs.len());
    // Only inputs that can move the talks are analysed: no stance of the armed groups.
    assert!(a.inputs.iter().all(|i| !i.starts_with("aligned_groups.")));
}

/// Sensitivity runs report their progress against a known total and stop when cancelled.
#[test]
fn sensitivity_reports_progress_and_stops_when_cancelled() {
    use std::sync::atomic::{AtomicU64, Ordering};
    struct Watch {
        done: AtomicU64,
        total: AtomicU64,
        stop_after: u64,
    }
    impl demarche_sim::RunControl for Watch {
        fn progress(&self, done: u64, total: u64) {
            self.done.fetch_max(done, Ordering::Relaxed);
            self.total.store(total, Ordering::Relaxed);
        }
        fn cancelled(&self) -> bool {
            self.done.load(Ordering::Relaxed) >= self.stop_after
        }
    }
    let sc = seed();
    let opts = SensitivityOptions { samples: 4, oat_runs: 2, ..Default::default() };
    let all = Watch { done: 0.into(), total: 0.into(), stop_after: u64::MAX };
    analyse(&sc, &opts, &all).unwrap();
    let (done, total) = (all.done.into_inner(), all.total.into_inner());
    assert!(total > 0 && done == total, "{done} of {total} model runs reported");
    let early = Watch { done: 0.into(), total: 0.into(), stop_after: 3 };
    match analyse(&sc, &opts, &early) {
        Err(demarche_sim::SimError::Cancelled { done }) => assert!(done < total, "{done} of {total}"),
        other => panic!("expected a cancellation, got {:?}", other.map(|r| r.outputs)),
    }
}

fn scenario(rel: &str) -> demarche_scenario::Scenario {
    let path = format!("{}/../../{rel}", env!("CARGO_MANIFEST_DIR"));
    demarche_scenario::load_path(std::path::Path::new(&path)).unwrap().scenario
}

/// A simulation split into run ranges — uneven, across chunk boundaries,
/// stored as JSON and merged in any order — gives the bytes one run gives.
#[test]
fn a_split_simulation_merges_into_exactly_the_whole() {
    for (rel, runs, escalation_runs) in
        [("scenarios/iran-us-nuclear.toml", 700, 150), ("backtests/camp-david-2000/scenario.toml", 900, 900)]
    {
        let sc = scenario(rel);
        let opts = Options {
            overrides: Overrides { runs: Some(runs), seed: Some(11), ..Default::default() },
            escalation_runs,
        };
        let whole = serde_json::to_string_pretty(&simulate(&sc, &opts, &demarche_sim::Unattended).unwrap()).unwrap();
        let cuts = [0, 1, 100, 257, 512, runs as u64];
        let mut parts: Vec<demarche_sim::Partial> = cuts
            .windows(2)
            .map(|w| {
                let p = demarche_sim::simulate_partial(&sc, &opts, w[0]..w[1], &demarche_sim::Unattended).unwrap();
                // Through its file form, as a scheduler would pass it.
                serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap()
            })
            .collect();
        parts.reverse();
        let (merged, back) = demarche_sim::merge(&parts).unwrap();
        assert_eq!(serde_json::to_string_pretty(&merged).unwrap(), whole, "{rel}");
        assert_eq!(back, sc);
    }
}

#[test]
fn parts_that_do_not_fit_together_are_refused_with_what_is_wrong() {
    let sc = seed();
    let opts =
        Options { overrides: Overrides { runs: Some(300), seed: Some(3), ..Default::default() }, escalation_runs: 0 };
    let part = |a, b| demarche_sim::simulate_partial(&sc, &opts, a..b, &demarche_sim::Unattended).unwrap();
    let err = |parts: &[demarche_sim::Partial]| demarche_sim::merge(parts).unwrap_err().to_string();
    assert!(err(&[part(0, 100), part(200, 300)]).contains("runs 100..200 are in no part"));
    assert!(err(&[part(0, 200), part(100, 300)]).contains("in two parts"));
    assert!(err(&[part(0, 100)]).contains("runs 100..300 are in no part"));
    let other = Options { overrides: Overrides { seed: Some(4), ..opts.overrides.clone() }, ..opts.clone() };
    let foreign = demarche_sim::simulate_partial(&sc, &other, 100..300, &demarche_sim::Unattended).unwrap();
    assert!(err(&[part(0, 100), foreign]).contains("another scenario or other options"));
    assert!(err(&[]).contains("no partial results"));
    let e = demarche_sim::simulate_partial(&sc, &opts, 250..400, &demarche_sim::Unattended).unwrap_err().to_string();
    assert!(e.contains("are not a part of the 300 runs"), "{e}");
}
