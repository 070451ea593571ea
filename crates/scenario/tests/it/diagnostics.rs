//! Every problem in a file is reported at once, located, with a hint.

use demarche_scenario::{load_str, Format};

const GOOD: &str = r#"
[meta]
title = "Test"
as_of = 2025-05-01

[[meta.sources]]
id = "s1"
title = "A source"

[[actors]]
id = "iran"
name = "Iran"
capability = 1.0
sources = ["s1"]

[[actors]]
id = "usa"
name = "United States"
capability = 2.0

[[issues]]
id = "enrichment"
name = "Enrichment"
min = 0
max = 90
low = "no enrichment"
high = "weapons-grade enrichment"
status_quo = 60

[[stances]]
actor = "iran"
issue = "enrichment"
position = 3.67
salience = 0.9
red_line = [3.67, 90]

[[stances]]
actor = "usa"
issue = "enrichment"
position = 0
salience = 0.8
"#;

fn errors(text: &str) -> Vec<(String, String, Option<usize>, Option<String>)> {
    match load_str(text, Some(Format::Toml), Some("t.toml")) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| (d.path.clone(), d.message.clone(), d.location.map(|l| l.line), d.hint.clone()))
            .collect(),
    }
}

#[test]
fn the_good_file_loads() {
    let l = load_str(GOOD, None, Some("t.toml")).unwrap();
    assert_eq!(l.scenario.actors.len(), 2);
    assert!(l.warnings.is_empty(), "{}", l.warnings);
}

#[test]
fn many_problems_are_all_reported_with_lines_and_hints() {
    let bad = GOOD
        .replace("actor = \"usa\"", "actor = \"uas\"")
        .replace("salience = 0.9", "salience = 90")
        .replace("capability = 2.0", "capability = nan")
        .replace("red_line = [3.67, 90]", "red_line = [10, 90]")
        .replace("id = \"usa\"", "id = \"iran\"");
    let e = errors(&bad);
    let paths: Vec<&str> = e.iter().map(|x| x.0.as_str()).collect();
    assert!(paths.contains(&"actors[1].id"), "duplicate id: {e:?}");
    assert!(paths.contains(&"actors[1].capability"), "NaN capability: {e:?}");
    assert!(paths.contains(&"stances[0].salience"), "salience: {e:?}");
    assert!(paths.contains(&"stances[0].red_line"), "red line: {e:?}");
    assert!(paths.contains(&"stances[1].actor"), "unknown actor: {e:?}");
    assert!(e.iter().all(|x| x.2.is_some()), "every error has a line: {e:?}");
    let unknown = e.iter().find(|x| x.0 == "stances[1].actor").unwrap();
    // Both actors are now called `iran` (the duplicate), so the hint lists the known ids.
    assert!(unknown.3.as_deref().unwrap_or("").contains("iran"), "{unknown:?}");
    let sal = e.iter().find(|x| x.0 == "stances[0].salience").unwrap();
    assert!(sal.3.as_deref().unwrap_or("").contains("a percentage of 90 is 0.9"), "{sal:?}");
    // Lines point at the offending values.
    let line_of = |needle: &str| bad.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert_eq!(sal.2, Some(line_of("salience = 90")));
}

#[test]
fn unknown_actor_gets_the_nearest_known_id() {
    let e = errors(&GOOD.replace("actor = \"usa\"", "actor = \"uas\""));
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].3.as_deref(), Some("did you mean `usa`?"));
}

#[test]
fn an_empty_scenario_is_an_error() {
    let e = errors("[meta]\ntitle = \"x\"\n");
    let msgs: Vec<&str> = e.iter().map(|x| x.1.as_str()).collect();
    assert!(msgs.iter().any(|m| m.contains("no actors")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("no issues")), "{msgs:?}");
}

#[test]
fn typos_in_field_names_are_caught() {
    let e = errors(&GOOD.replace("salience = 0.8", "salinece = 0.8"));
    assert!(
        e.iter()
            .any(|x| x.1.contains("unknown field `salinece`") && x.3.as_deref() == Some("did you mean `salience`?")),
        "{e:?}"
    );
    assert!(e.iter().any(|x| x.1.contains("missing required field `salience`")), "{e:?}");
}

#[test]
fn wrong_types_are_caught_and_do_not_hide_other_errors() {
    let bad = GOOD.replace("position = 0\n", "position = \"zero\"\n").replace("status_quo = 60", "status_quo = 120");
    let e = errors(&bad);
    assert!(e.iter().any(|x| x.0 == "stances[1].position" && x.1.contains("expected a number")), "{e:?}");
    assert!(e.iter().any(|x| x.0 == "issues[0].status_quo" && x.1.contains("outside the scale")), "{e:?}");
}

#[test]
fn syntax_errors_are_located() {
    let e = errors("[meta]\ntitle = \"x\n[[actors]]\n");
    assert!(!e.is_empty());
    assert!(e.iter().all(|x| x.2.is_some()));
}

#[test]
fn json_form_reports_the_same_paths_with_lines() {
    let sc = load_str(GOOD, None, Some("t.toml")).unwrap().scenario;
    let json = demarche_scenario::to_json(&sc).replace("\"salience\": 0.8", "\"salience\": 1.8");
    let err = load_str(&json, Some(Format::Json), Some("t.json")).unwrap_err();
    let d = err.diagnostics.iter().find(|d| d.path == "stances[1].salience").expect("salience error");
    let line = json.lines().position(|l| l.contains("1.8")).unwrap() + 1;
    assert_eq!(d.location.map(|l| l.line), Some(line));
}

#[test]
fn relations_are_checked() {
    let bad = format!(
        "{GOOD}\n[[relations]]\nkind = \"influences\"\nfrom = \"usa\"\nto = \"usa\"\n\n[[relations]]\nkind = \"befriends\"\nfrom = \"iran\"\nto = \"usa\"\n"
    );
    let e = errors(&bad);
    assert!(e.iter().any(|x| x.1.contains("with itself")), "{e:?}");
    assert!(e.iter().any(|x| x.1.contains("needs a weight")), "{e:?}");
    assert!(e.iter().any(|x| x.1.contains("unknown value `befriends`")), "{e:?}");
}

#[test]
fn capabilities_that_would_overflow_the_engines_are_errors() {
    let e = errors(&GOOD.replace("capability = 2.0", "capability = 1e308"));
    let cap = e.iter().find(|x| x.0 == "actors[1].capability").unwrap_or_else(|| panic!("{e:?}"));
    assert!(cap.1.contains("1e15") || cap.1.contains("1000000000000000"), "{cap:?}");
    assert!(cap.3.as_deref().unwrap_or("").contains("rescale"), "{cap:?}");
    assert!(cap.2.is_some(), "located: {cap:?}");
    // The bound itself is fine.
    assert!(errors(&GOOD.replace("capability = 2.0", "capability = 1e15")).is_empty());
}

#[test]
fn scales_that_would_overflow_the_engines_are_errors() {
    let huge = GOOD.replace("min = 0\nmax = 90", "min = -1e308\nmax = 1e308").replace("status_quo = 60", "");
    let e = errors(&huge);
    let scale: Vec<_> = e.iter().filter(|x| x.0.starts_with("issues[0].m")).collect();
    assert!(!scale.is_empty(), "{e:?}");
    assert!(scale.iter().all(|x| x.3.as_deref().unwrap_or("").contains("rescale")), "{scale:?}");
    // Width alone: both ends in range but far apart is still fine up to the bound.
    assert!(errors(&GOOD.replace("max = 90", "max = 1e15")).is_empty());
    let e = errors(&GOOD.replace("max = 90", "max = 1e16"));
    assert!(e.iter().any(|x| x.0 == "issues[0].max"), "{e:?}");
}

#[test]
fn alternative_red_lines_are_read_and_checked() {
    let good = GOOD.replace(
        "red_line = [3.67, 90]",
        "red_line = [3.67, 90]\nred_line_sd = 2\nred_line_alternatives = [\n  { red_line = [3, 90], probability = 0.4, sources = [\"s1\"] },\n]",
    );
    let l = load_str(&good, Some(Format::Toml), Some("t.toml")).unwrap_or_else(|e| panic!("{e}"));
    let s = &l.scenario.stances[0];
    assert_eq!(s.red_line_sd, Some(2.0));
    assert_eq!(s.red_line_alternatives[0].red_line, [3.0, 90.0]);
    assert!(s.red_line_uncertain());
    // The TOML and JSON writers keep them.
    let again = load_str(&demarche_scenario::to_toml(&l.scenario).unwrap(), Some(Format::Toml), None).unwrap();
    assert_eq!(again.scenario.stances[0], *s);

    let bad = GOOD.replace(
        "red_line = [3.67, 90]",
        "red_line = [3.67, 90]\nred_line_sd = -1\nred_line_alternatives = [\n  { red_line = [10, 90], probability = 0.7 },\n  { red_line = [0, 3], probability = 0.5, sources = [\"s9\"] },\n  { red_lin = [0, 90], probability = 0.1 },\n]",
    );
    let e = load_str(&bad, Some(Format::Toml), Some("t.toml")).unwrap_err().to_string();
    for want in [
        "red_line_sd must be a non-negative number",
        "alternative red line [10, 90] on `enrichment` excludes its own position 3.67",
        "alternative red line [0, 3] on `enrichment` excludes its own position 3.67",
        "sum to 1.3, more than 1",
        "unknown source `s9`",
        "unknown field `red_lin`",
    ] {
        assert!(e.contains(want), "missing {want:?} in:\n{e}");
    }
}

#[test]
fn timeline_events_on_stances_are_checked() {
    let good = format!(
        "{GOOD}\n[[timeline]]\ndate = 2025-07-01\nname = \"harder line\"\nactor = \"iran\"\nissue = \"enrichment\"\nred_line = [20, 90]\nsalience = 1\n"
    );
    let l = load_str(&good, Some(Format::Toml), Some("t.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(l.scenario.timeline[0].red_line, Some([20.0, 90.0]));
    let bad = format!(
        "{GOOD}\n[[timeline]]\ndate = 2025-07-01\nname = \"x\"\nactor = \"usa\"\nissue = \"enrichment\"\nstatus_quo = 3\n\
         [[timeline]]\ndate = 2025-07-01\nname = \"y\"\nissue = \"enrichment\"\nsalience = 0.5\n"
    );
    let e = load_str(&bad, Some(Format::Toml), Some("t.toml")).unwrap_err().to_string();
    for want in
        ["a status quo or a stance, not both", "needs `red_line` or `salience`", "without the actor it belongs to"]
    {
        assert!(e.contains(want), "missing {want:?} in:\n{e}");
    }
}

/// A salience of 5 might be out of 10 or a percentage: the hint offers both.
#[test]
fn a_salience_above_one_gets_both_readings() {
    let e = errors(&GOOD.replace("salience = 0.9", "salience = 5"));
    let sal = e.iter().find(|x| x.0 == "stances[0].salience").unwrap();
    let hint = sal.3.clone().unwrap_or_default();
    assert!(hint.contains("0.5 if 5 was out of 10") && hint.contains("0.05 if it was a percentage"), "{hint}");
}

/// A JSON file with a trailing comma is read, with a warning at its line.
#[test]
fn a_trailing_comma_in_json_is_a_warning_with_its_line() {
    let sc = load_str(GOOD, None, Some("t.toml")).unwrap().scenario;
    let json = serde_json::to_string_pretty(&sc).unwrap();
    let loose = json.replacen("\n  }", ",\n  }", 1);
    assert_ne!(loose, json);
    let loaded = load_str(&loose, Some(Format::Json), Some("t.json")).unwrap();
    let w = loaded.warnings.iter().find(|d| d.message.starts_with("not strict JSON")).expect("a warning");
    assert!(w.location.is_some(), "{w:?}");
    let strict = load_str(&json, Some(Format::Json), Some("t.json")).unwrap();
    assert!(!strict.warnings.iter().any(|d| d.message.starts_with("not strict JSON")));
}

/// A missing `issue` and a capability written in words each get a hint.
#[test]
fn a_missing_field_and_a_word_for_a_number_get_hints() {
    let e = errors(&GOOD.replacen("issue = \"enrichment\"", "", 1));
    let missing = e.iter().find(|x| x.0.ends_with(".issue")).unwrap_or_else(|| panic!("{e:?}"));
    assert!(missing.3.as_deref().unwrap_or("").contains("[[issues]]"), "{missing:?}");
    let e = errors(&GOOD.replacen("capability = 2.0", "capability = \"high\"", 1));
    let word = e.iter().find(|x| x.0.ends_with(".capability")).unwrap_or_else(|| panic!("{e:?}"));
    assert!(word.3.as_deref().unwrap_or("").contains("takes a number"), "{word:?}");
}
