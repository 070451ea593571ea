//! KTAB CSV and XML import: clear, located errors for malformed files, and
//! neither a panic nor a hang on a few hundred mutated inputs.

use std::path::Path;

use demarche_forecast::{Engine, NoObserver, Request};
use demarche_scenario::{load_str, Format, LoadError};
use demarche_smp::{Smp, SmpSettings};
use rand::{Rng, SeedableRng};

fn input(name: &str) -> String {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/ktab/inputs")).join(name);
    std::fs::read_to_string(p).expect("KTAB reference inputs under ../shared")
}

fn csv_err(text: &str) -> LoadError {
    load_str(text, Some(Format::KtabCsv), Some("case.csv")).expect_err("should be rejected")
}

fn xml_err(text: &str) -> LoadError {
    load_str(text, Some(Format::KtabXml), Some("case.xml")).expect_err("should be rejected")
}

fn lines_of(e: &LoadError) -> Vec<usize> {
    e.diagnostics.iter().filter(|d| d.is_error()).filter_map(|d| d.location.map(|l| l.line)).collect()
}

const HEAD: &str = "Demo,A demo scenario,3,2,\nActor,Description,Power,Left,LSal,Right,RSal,\n";

#[test]
fn reference_inputs_load() {
    require_shared!();
    for name in ["dummyData_3Dim.csv", "SOE-Policy.csv", "dummyData-a040.csv", "dummyData_3Dim.xml", "smpExample.xml"] {
        let loaded = load_str(&input(name), None, Some(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(loaded.scenario.actors.len() >= 5, "{name}");
        for i in &loaded.scenario.issues {
            assert_eq!((i.min, i.max), (0.0, 100.0));
            assert!(i.low.starts_with("0 on "), "{}", i.low);
        }
    }
}

#[test]
fn csv_missing_columns_are_located() {
    let e = csv_err("Demo,A demo scenario,3,2,\nActor,Description,Power,Left,LSal\nA,a,1,2,3\n");
    assert!(e.to_string().contains("header has 5 columns"), "{e}");
    assert_eq!(lines_of(&e), vec![2]);
    let e = csv_err(&format!("{HEAD}A,a,10,20,30,40,50\nB,b,20,80\nC,c,30,50,50,50,50\n"));
    assert!(e.to_string().contains("this row has 4 columns"), "{e}");
    assert_eq!(lines_of(&e), vec![4]);
}

#[test]
fn csv_reports_every_bad_value_at_once() {
    let text = format!("{HEAD}A,a,0,20,30,40,50\nB,b,20,180,10,60,20\nC,c,30,50,60,50,50\nD,d,x,1,1,1,1\n");
    let e = csv_err(&text.replace(",3,2,", ",4,2,"));
    let msg = e.to_string();
    assert!(msg.contains("capability must be positive"), "{msg}");
    assert!(msg.contains("within 0–100, got 180"), "{msg}");
    assert!(msg.contains("add up to 110"), "{msg}");
    assert!(msg.contains("`x`"), "{msg}");
    assert_eq!(lines_of(&e), vec![3, 4, 5, 6], "{msg}");
}

#[test]
fn csv_needs_three_actors_and_honest_counts() {
    let e = csv_err(&format!("{}A,a,10,20,30,40,50\nB,b,20,80,10,60,20\n", HEAD.replace(",3,2,", ",2,2,")));
    assert!(e.to_string().contains("at least 3 actors"), "{e}");
    let e = csv_err(&format!(
        "{}A,a,10,20,30,40,50\nB,b,20,80,10,60,20\nC,c,5,5,5,5,5\n",
        HEAD.replace(",3,2,", ",18446744073709551615,2,")
    ));
    assert!(e.to_string().contains("declares 18446744073709551615 actors"), "{e}");
    let e = csv_err("Demo,d,3,99999999999999,\nActor,Description,Power,Left,LSal\n");
    assert!(e.to_string().contains("dimensions"), "{e}");
    let e = csv_err("Demo,d,three,2,\n");
    assert!(e.to_string().contains("number of actors `three`"), "{e}");
    let e = csv_err("");
    assert!(!e.diagnostics.is_empty());
}

#[test]
fn xml_rejects_entity_bombs_doctype_and_deep_nesting() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<Scenario><name>&lol2;</name></Scenario>"#;
    let e = xml_err(bomb);
    assert!(e.to_string().contains("DOCTYPE"), "{e}");
    assert_eq!(lines_of(&e), vec![2]);
    let e = xml_err("<Scenario><name>&custom;</name></Scenario>");
    assert!(e.to_string().contains("unknown entity"), "{e}");
    let deep = format!("<Scenario>\n{}{}</Scenario>", "<x>".repeat(10_000), "</x>".repeat(10_000));
    let e = xml_err(&deep);
    assert!(e.to_string().contains("nest more than"), "{e}");
}

#[test]
fn xml_problems_are_located_and_all_reported() {
    require_shared!();
    let text = input("dummyData_3Dim.xml")
        .replace("<capability>53.393</capability>", "<capability>0</capability>")
        .replace("<dSal>48.47</dSal>", "<dSal>98.47</dSal>")
        .replace("<dCoord>62.52</dCoord>", "<dCoord>abc</dCoord>");
    let e = xml_err(&text);
    let msg = e.to_string();
    assert!(msg.contains("capability must be positive"), "{msg}");
    assert!(msg.contains("add up to"), "{msg}");
    assert!(msg.contains("`abc` is not a number"), "{msg}");
    assert_eq!(lines_of(&e).len(), 3, "{msg}");
    assert!(lines_of(&e).iter().all(|&l| l > 10), "{msg}");
}

#[test]
fn xml_ideal_adjustment_is_optional_and_checked() {
    require_shared!();
    let text = input("dummyData_3Dim.xml");
    let cut = text.find("<IdealAdjustment>").unwrap();
    let end = text.find("</IdealAdjustment>").unwrap() + "</IdealAdjustment>".len();
    let without = format!("{}{}", &text[..cut], &text[end..]);
    assert!(load_str(&without, Some(Format::KtabXml), Some("x.xml")).is_ok());
    let bad = text.replace("<referencePos>SActor-00</referencePos>", "<referencePos>Nobody</referencePos>");
    assert!(xml_err(&bad).to_string().contains("`Nobody`, which is not an actor"));
    let over = text.replace(
        "</IdealAdjustment>",
        "<iaPair><adjustingIdeal>SActor-01</adjustingIdeal><referencePos>SActor-02</referencePos><adjust>0.5</adjust></iaPair></IdealAdjustment>",
    );
    assert!(xml_err(&over).to_string().contains("add up to 1.5"));
}

#[test]
fn xml_model_parameters_by_name_with_hints() {
    require_shared!();
    let text = input("smpExample.xml").replace("<PCEModel>MarkovIncentive</PCEModel>", "<PCEModel>Markov</PCEModel>");
    let e = xml_err(&text);
    assert!(e.to_string().contains("unknown PCEModel `Markov`"), "{e}");
    let full = input("smpExample.xml").replace("<BigRAdjust>OneThird</BigRAdjust>", "<BigRAdjust>Full</BigRAdjust>");
    assert!(xml_err(&full).to_string().contains("BigRAdjust = Full"));
}

/// Random edits of the reference inputs: every outcome is a scenario or a
/// list of diagnostics; nothing panics, nothing hangs, and loaded scenarios run.
#[test]
fn mutated_inputs_never_panic() {
    require_shared!();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20240601);
    let seeds = [
        ("a.csv", input("dummyData_3Dim.csv")),
        ("b.csv", input("SOE-Policy.csv")),
        ("c.xml", input("dummyData_3Dim.xml")),
        ("d.xml", input("smpExample.xml")),
    ];
    let pieces =
        [",", "\n", "\"", "<", ">", "</Actor>", "<Actor>", "&", "&amp;", "-1", "1e308", "NaN", "999", ";", " ", "0"];
    let mut loaded = 0;
    for round in 0..400 {
        let (name, base) = &seeds[round % seeds.len()];
        let mut text: Vec<char> = base.chars().collect();
        for _ in 0..rng.random_range(1..6) {
            if text.is_empty() {
                break;
            }
            let at = rng.random_range(0..text.len());
            match rng.random_range(0..5) {
                0 => {
                    let len = rng.random_range(1..20).min(text.len() - at);
                    text.drain(at..at + len);
                }
                1 => {
                    let p = pieces[rng.random_range(0..pieces.len())];
                    for (k, c) in p.chars().enumerate() {
                        text.insert(at + k, c);
                    }
                }
                2 => text[at] = char::from(rng.random_range(32u8..127)),
                3 => text.truncate(at),
                _ => {
                    // Duplicate a stretch (lines, elements).
                    let len = rng.random_range(1..200).min(text.len() - at);
                    let copy: Vec<char> = text[at..at + len].to_vec();
                    for (k, c) in copy.into_iter().enumerate() {
                        text.insert(at + len + k, c);
                    }
                }
            }
        }
        let text: String = text.into_iter().collect();
        let result = std::panic::catch_unwind(|| load_str(&text, None, Some(name)));
        let result = result.unwrap_or_else(|_| panic!("loading panicked on mutation {round} of {name}:\n{text}"));
        match result {
            Err(e) => assert!(e.diagnostics.has_errors(), "a rejected input must say why"),
            Ok(l) => {
                loaded += 1;
                let mut s = l.scenario.engines.smp.clone().unwrap_or_default();
                s.max_turns = 4;
                let run = std::panic::catch_unwind(|| {
                    Smp::new(s).forecast(&l.scenario, &Request::default(), &mut NoObserver).map(|_| ())
                });
                assert!(run.is_ok(), "the engine panicked on mutation {round} of {name}");
            }
        }
    }
    assert!(loaded > 20, "too few mutations loaded ({loaded}); the test would not exercise the engine");
    let _ = SmpSettings::default();
}
