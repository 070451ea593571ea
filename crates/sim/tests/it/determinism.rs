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
