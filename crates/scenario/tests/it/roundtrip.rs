//! TOML and JSON are two spellings of one model.

use demarche_scenario::{load_str, to_json, to_toml, Format};

#[test]
fn toml_json_toml_round_trip_is_lossless() {
    let text = include_str!("../../../cli/tests/fixtures/three-party.toml");
    let a = load_str(text, Some(Format::Toml), None).unwrap().scenario;
    let j = to_json(&a);
    let b = load_str(&j, Some(Format::Json), None).unwrap().scenario;
    assert_eq!(a, b);
    let t = to_toml(&b).unwrap();
    let c = load_str(&t, Some(Format::Toml), None).unwrap().scenario;
    assert_eq!(a, c);
}

#[test]
fn the_schema_describes_the_top_level_tables() {
    let s = demarche_scenario::json_schema();
    let props = s["properties"].as_object().expect("properties");
    for key in ["meta", "actors", "issues", "stances", "relations", "engines"] {
        assert!(props.contains_key(key), "schema lacks {key}");
    }
}

#[test]
fn serde_and_the_decoder_agree_on_json() {
    // The JSON we write deserialises through serde too (the schema's view of the format).
    let text = include_str!("../../../cli/tests/fixtures/three-party.toml");
    let a = load_str(text, Some(Format::Toml), None).unwrap().scenario;
    let b: demarche_scenario::Scenario = serde_json::from_str(&to_json(&a)).unwrap();
    assert_eq!(a, b);
}
