//! Huge and hostile inputs: loading and validation stay near-linear, and
//! "did you mean" hints never cost more than a bounded amount of work.
//!
//! The time bounds are generous (debug profile, a shared 2-core machine); the
//! targets in release are a tenth of them or less (see the issue notes).

use std::time::{Duration, Instant};

use demarche_scenario::validate::validate;
use demarche_scenario::{load_str, Actor, Format, Issue, Meta, Relation, RelationKind, Scenario, Stance};

fn bdm_csv(n: usize) -> String {
    let mut s = String::with_capacity(n * 32);
    s.push_str("Actor,Capability,Position,Salience\n");
    for i in 0..n {
        s.push_str(&format!("Actor {i},{},{},{}\n", 1 + i % 97, i % 101, (i % 89) as f64 / 100.0));
    }
    s
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    let dt = t.elapsed();
    eprintln!("{what}: {dt:?}");
    (out, dt)
}

#[test]
fn a_100k_actor_bdm_csv_loads_and_validates_in_seconds() {
    let text = bdm_csv(100_000);
    let (loaded, dt) =
        timed("100,000-actor BDM CSV, load + validate", || load_str(&text, Some(Format::BdmCsv), Some("big.csv")));
    let loaded = loaded.unwrap_or_else(|e| panic!("{}", e.diagnostics.iter().next().unwrap()));
    assert_eq!(loaded.scenario.actors.len(), 100_000);
    assert!(dt < Duration::from_secs(10), "took {dt:?}");
}

fn wide(actors: usize, issues: usize) -> Scenario {
    Scenario {
        meta: Meta { title: "wide".into(), ..Default::default() },
        actors: (0..actors)
            .map(|i| Actor { id: format!("a{i}"), name: format!("A {i}"), capability: 1.0, ..Default::default() })
            .collect(),
        issues: (0..issues)
            .map(|k| Issue {
                id: format!("i{k}"),
                name: format!("I {k}"),
                min: 0.0,
                max: 1.0,
                low: "low".into(),
                high: "high".into(),
                ..Default::default()
            })
            .collect(),
        stances: (0..actors)
            .map(|i| Stance {
                actor: format!("a{i}"),
                issue: format!("i{}", i % issues),
                position: 0.5,
                salience: 0.5,
                ..Default::default()
            })
            .collect(),
        relations: (0..actors / 10)
            .map(|i| Relation {
                kind: RelationKind::Mediates,
                from: format!("a{i}"),
                to: format!("a{}", i + 1),
                weight: None,
                note: None,
                sources: Vec::new(),
            })
            .collect(),
        ..Default::default()
    }
}

#[test]
fn a_wide_scenario_built_in_code_validates_in_seconds() {
    let sc = wide(100_000, 10_000);
    let (d, dt) = timed("100,000 actors x 10,000 issues, validate", || validate(&sc));
    assert!(!d.has_errors(), "{}", d.iter().next().unwrap());
    // Every `mediates` relation comes from a non-mediator: one warning each.
    assert_eq!(d.warning_count(), 10_000);
    assert!(dt < Duration::from_secs(10), "took {dt:?}");
}

#[test]
fn unknown_ten_thousand_character_ids_validate_quickly() {
    let long = |tag: &str, i: usize| format!("{tag}{i:04}{}", "x".repeat(10_000 - tag.len() - 4));
    let mut sc = wide(100, 1);
    for (i, a) in sc.actors.iter_mut().enumerate() {
        a.id = long("a", i);
    }
    sc.relations.clear();
    for (i, s) in sc.stances.iter_mut().enumerate() {
        s.actor = long("u", i);
    }
    let (d, dt) = timed("100 unknown 10,000-char ids against 100 known", || validate(&sc));
    let unknown = d.iter().filter(|x| x.message.starts_with("unknown actor")).count();
    assert_eq!(unknown, 100, "{d}");
    assert!(dt < Duration::from_secs(2), "took {dt:?}");
}

#[test]
fn many_unknown_references_against_many_actors_stay_cheap() {
    // 20,000 references to ids that do not exist, among 20,000 actors: a hint
    // for each would be 400 million edit distances.
    let mut sc = wide(20_000, 10);
    sc.relations.clear();
    for (i, s) in sc.stances.iter_mut().enumerate() {
        s.actor = format!("b{i}x");
    }
    let (d, dt) = timed("20,000 unknown ids against 20,000 known", || validate(&sc));
    let unknown: Vec<_> = d.iter().filter(|x| x.message.starts_with("unknown actor")).collect();
    assert_eq!(unknown.len(), 20_000);
    // The first ones still get a suggestion.
    assert!(unknown[0].hint.as_deref().unwrap_or("").starts_with("did you mean"), "{}", unknown[0]);
    assert!(dt < Duration::from_secs(5), "took {dt:?}");
}

#[test]
fn huge_unknown_keys_do_not_stall_the_decoder() {
    // Ten unknown keys of 2 MB each in `meta`.
    let mut text = String::from("{\"meta\": {\"title\": \"t\"");
    for i in 0..10 {
        text.push_str(&format!(",\"{i}{}\": 1", "k".repeat(2 << 20)));
    }
    text.push_str("}, \"actors\": [], \"issues\": []}");
    let (r, dt) = timed("ten 2 MB unknown keys", || load_str(&text, Some(Format::Json), Some("keys.json")));
    let e = r.expect_err("unknown keys are errors");
    assert_eq!(e.diagnostics.iter().filter(|d| d.message.starts_with("unknown field")).count(), 10);
    assert!(dt < Duration::from_secs(3), "took {dt:?}");
}

#[test]
fn many_structural_errors_and_many_semantic_ones_are_merged_quickly() {
    // 30,000 stances with a wrong-typed field (structural) and an unknown
    // issue (semantic): the loader filters echoes of structural errors.
    let mut text = String::from(
        "{\"meta\": {\"title\": \"t\"}, \"actors\": [{\"id\": \"a\", \"name\": \"A\", \"capability\": 1}], \
         \"issues\": [{\"id\": \"i\", \"name\": \"I\", \"min\": 0, \"max\": 1, \"low\": \"l\", \"high\": \"h\"}], \
         \"stances\": [",
    );
    for k in 0..30_000 {
        if k > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            "{{\"actor\": \"a\", \"issue\": \"q{k}\", \"position\": \"x\", \"salience\": 0.5, \"note\": 1}}"
        ));
    }
    text.push_str("]}");
    let (r, dt) = timed("30,000 stances with two errors each", || load_str(&text, Some(Format::Json), None));
    let e = r.expect_err("errors");
    assert!(e.diagnostics.error_count() >= 60_000, "{}", e.diagnostics.error_count());
    assert!(dt < Duration::from_secs(10), "took {dt:?}");
}

#[test]
fn large_overlays_and_override_lists_apply_in_seconds() {
    use std::fmt::Write;
    let n = 50_000;
    let base = wide(n, 10);
    // Patch every actor, remove half of them and a quarter of the stances, and
    // set values on the rest.
    let mut overlay = String::from("set = [");
    for i in (1..n).step_by(2) {
        write!(overlay, "\"a{i}.capability=3\", ").unwrap();
        if i % 4 == 3 {
            write!(overlay, "\"a{i}.i{}.salience=0.25\", ", i % 10).unwrap();
        }
    }
    overlay.push_str("]\n");
    for i in 0..n {
        writeln!(overlay, "[[actors]]\nid = \"a{i}\"\ncapability = 2.0\n").unwrap();
    }
    overlay.push_str("[remove]\nactors = [");
    for i in (0..n).step_by(2) {
        write!(overlay, "\"a{i}\", ").unwrap();
    }
    overlay.push_str("]\nstances = [");
    for i in (1..n).step_by(4) {
        write!(overlay, "{{ actor = \"a{i}\", issue = \"i{}\" }}, ", i % 10).unwrap();
    }
    overlay.push_str("]\n");
    let (r, dt) = timed("50,000-entry overlay with 37,500 sets and 37,500 removals", || {
        demarche_scenario::patch::overlay_str(&base, &overlay, "big-overlay.toml")
    });
    let sc = r.unwrap_or_else(|e| panic!("{}", e.diagnostics)).scenario;
    assert_eq!(sc.actors.len(), n / 2);
    assert!(sc.actors.iter().all(|a| a.capability == 3.0));
    assert_eq!(sc.stances.len(), n / 4);
    assert!(sc.stances.iter().all(|s| s.salience == 0.25));
    assert!(dt < Duration::from_secs(10), "took {dt:?}");
}

#[test]
fn many_ideal_adjustments_in_ktab_xml_are_read_in_seconds() {
    use std::fmt::Write;
    let n = 60_000;
    let mut x =
        String::from("<Scenario><name>big</name><desc>d</desc><Dimensions><dName>D</dName></Dimensions><Actors>");
    for i in 0..n {
        write!(
            x,
            "<Actor><name>A{i}</name><capability>{}</capability><Position><dCoord>{}</dCoord></Position>\
             <Salience><dSal>50</dSal></Salience></Actor>",
            1 + i % 7,
            i % 100
        )
        .unwrap();
    }
    x.push_str("</Actors><IdealAdjustment>");
    for i in 0..n {
        for j in [i, (i + 1) % n] {
            write!(
                x,
                "<iaPair><adjustingIdeal>A{i}</adjustingIdeal><referencePos>A{j}</referencePos><adjust>0.5</adjust></iaPair>"
            )
            .unwrap();
        }
    }
    x.push_str("</IdealAdjustment></Scenario>");
    let (r, dt) = timed("KTAB XML, 60,000 actors and 120,000 ideal adjustments", || {
        load_str(&x, Some(Format::KtabXml), Some("big.xml"))
    });
    let sc = r.unwrap_or_else(|e| panic!("{}", e.diagnostics.iter().next().unwrap())).scenario;
    assert_eq!(sc.engines.smp.as_ref().map(|s| s.ideal_adjustment.len()), Some(2 * n));
    assert!(dt < Duration::from_secs(10), "took {dt:?}");
}

#[test]
fn a_large_simulation_table_validates_in_seconds() {
    let n = 100_000;
    let mut sc = wide(n, 2);
    sc.relations = (0..n)
        .map(|i| Relation {
            kind: RelationKind::Veto,
            from: format!("a{i}"),
            to: "a0".into(),
            weight: None,
            note: None,
            sources: Vec::new(),
        })
        .collect();
    sc.relations.retain(|r| r.from != r.to);
    let mut sim = demarche_scenario::settings::simulation::SimulationSettings {
        principals: vec!["a0".into(), "a1".into()],
        ..Default::default()
    };
    for i in 1..n {
        sim.ratifiers.insert(format!("a{i}"), 0.5);
    }
    sc.simulation = Some(sim);
    let (d, dt) = timed("[simulation] with 100,000 ratifiers among 100,000 actors", || {
        demarche_scenario::settings::simulation::validate(&sc)
    });
    assert!(!d.has_errors(), "{}", d.iter().next().unwrap());
    assert!(dt < Duration::from_secs(5), "took {dt:?}");
}

/// The errors of a KTAB XML text that must be refused, with their lines and columns.
fn ktab_xml_errors(text: &str) -> Vec<(String, Option<(usize, usize)>)> {
    let e = load_str(text, Some(Format::KtabXml), Some("x.xml")).expect_err("refused");
    e.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.message.clone(), d.location.map(|l| (l.line, l.column))))
        .collect()
}

#[test]
fn every_doctype_form_in_ktab_xml_is_refused_at_its_line() {
    for doctype in [
        r#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>"#,
        r#"<!DOCTYPE Scenario SYSTEM "file:///etc/passwd">"#,
        r#"<!DOCTYPE Scenario PUBLIC "-//x//y" "http://example.invalid/x.dtd">"#,
        r#"<!DOCTYPE Scenario [<!ENTITY % p SYSTEM "http://example.invalid/p.dtd"> %p;]>"#,
        r#"<!DOCTYPE Scenario [<!ENTITY x SYSTEM "file:///etc/passwd">]>"#,
        "<!DOCTYPE Scenario>",
    ] {
        let text =
            format!("<?xml version=\"1.0\"?>\n<!-- a comment -->\n{doctype}\n<Scenario><name>&lol2;</name></Scenario>");
        let errors = ktab_xml_errors(&text);
        assert_eq!(errors.len(), 1, "{doctype}: {errors:?}");
        assert!(errors[0].0.contains("DOCTYPE declarations are not accepted"), "{doctype}: {errors:?}");
        assert_eq!(errors[0].1, Some((3, 1)), "{doctype}: {errors:?}");
    }
}

#[test]
fn a_100000_deep_ktab_xml_fails_cleanly() {
    let n = 100_000;
    let deep = format!("<Scenario>\n  {}{}</Scenario>", "<x>".repeat(n), "</x>".repeat(n));
    let (errors, dt) = timed("KTAB XML nested 100,000 deep", || ktab_xml_errors(&deep));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].0.contains("nest more than 32 deep (at <x>)"), "{errors:?}");
    assert_eq!(errors[0].1, Some((2, 3 + 31 * 3)), "{errors:?}");
    assert!(dt < Duration::from_secs(10), "took {dt:?}");
    // Unclosed, and without a single closing tag: located at the end of the file.
    let errors = ktab_xml_errors(&"<x>".repeat(n));
    assert_eq!(errors, vec![("the file ends before every element is closed".into(), Some((1, 3 * n + 1)))]);
}

#[test]
fn malformed_ktab_xml_is_located() {
    let errors = ktab_xml_errors("<Scenario>\n<name>x</name>\n  </Actors>\n</Scenario>");
    assert!(errors[0].0.starts_with("malformed XML: "), "{errors:?}");
    assert!(!errors[0].0.contains(" at 3:"), "the position is the location, not part of the message: {errors:?}");
    assert_eq!(errors[0].1, Some((3, 3)), "{errors:?}");
    let errors = ktab_xml_errors("<Scenario>\n<name>a &custom; b</name></Scenario>");
    assert!(errors[0].0.contains("unknown entity `&custom;`"), "{errors:?}");
    assert_eq!(errors[0].1, Some((2, 9)), "{errors:?}");
    let errors = ktab_xml_errors("<Scenario></Scenario>\n<Scenario></Scenario>");
    assert_eq!(errors[0].1.map(|l| l.0), Some(2), "{errors:?}");
    let errors = ktab_xml_errors("  \n");
    assert!(errors[0].0.contains("no XML element found"), "{errors:?}");
}
