//! Bad input gets a clear error, never a panic; huge spaces are refused before allocation.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use demarche_negotiation::io::{genius, geniusweb};
use demarche_negotiation::pareto::{pareto_frontier, FrontierOptions};
use demarche_negotiation::{
    load_domain, load_domain_with_options, load_domain_with_profiles, AdditiveUtility, Issue, IssueUtility,
    LoadOptions, NegotiationError, OutcomeSpace, Profile, Utility, UtilityFunction, Value,
};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("negotiation-malformed").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

const DOMAIN: &str = r#"<negotiation_template><utility_space><objective index="0" name="o">
  <issue index="1" name="Colour" etype="discrete"><item index="1" value="red"/><item index="2" value="blue"/></issue>
  <issue index="2" name="Size" etype="discrete"><item index="1" value="S"/><item index="2" value="L"/></issue>
</objective></utility_space></negotiation_template>"#;

fn profile(colour_items: &str, w1: &str, w2: &str) -> String {
    format!(
        r#"<utility_space><objective index="0" name="o">
  <issue index="1" name="Colour" etype="discrete">{colour_items}</issue>
  <issue index="2" name="Size" etype="discrete"><item index="1" value="S" evaluation="1"/><item index="2" value="L" evaluation="2"/></issue>
  <weight index="1" value="{w1}"/><weight index="2" value="{w2}"/>
</objective><reservation value="0.25"/><discount_factor value="0.9"/></utility_space>"#
    )
}

const GOOD_COLOUR: &str =
    r#"<item index="1" value="red" evaluation="4"/><item index="2" value="blue" evaluation="8"/>"#;

fn domain() -> genius::GeniusDomain {
    genius::parse_domain(DOMAIN, "d").expect("domain")
}

#[test]
fn good_genius_profile_uses_the_zero_one_scale() {
    let p = genius::parse_profile(&profile(GOOD_COLOUR, "0.5", "0.5"), &domain(), "p").expect("profile");
    // red = 4/8, S = 1/2: 0.5·0.5 + 0.5·0.5
    assert_eq!(p.utility(&[Value::Index(0), Value::Index(0)]), 0.5);
    assert_eq!(p.utility(&[Value::Index(1), Value::Index(1)]), 1.0);
    assert_eq!(p.reservation, 0.25);
    assert_eq!(p.discount.apply(1.0, 1.0, 0), 0.9);
}

#[test]
fn malformed_xml_is_a_parse_error() {
    let err = genius::parse_domain("<negotiation_template><utility_space>", "d").unwrap_err();
    assert!(matches!(err, NegotiationError::Parse { .. }), "{err}");
    let err = genius::parse_domain("<a></b>", "d").unwrap_err();
    assert!(matches!(err, NegotiationError::Parse { .. }), "{err}");
    let err = genius::parse_domain("", "d").unwrap_err();
    assert!(err.to_string().contains("no XML element"), "{err}");
}

#[test]
fn doctype_and_entities_are_refused() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<negotiation_template name="&lol2;"/>"#;
    let err = genius::parse_domain(bomb, "d").unwrap_err();
    assert!(err.to_string().contains("DOCTYPE"), "{err}");
    let err = genius::parse_domain(r#"<negotiation_template name="&lol;"/>"#, "d").unwrap_err();
    assert!(matches!(err, NegotiationError::Parse { .. }), "{err}");
}

#[test]
fn comment_before_the_xml_declaration_is_tolerated() {
    let text = format!("<!-- a comment -->\n  <?xml version=\"1.0\"?>\n{DOMAIN}");
    assert_eq!(genius::parse_domain(&text, "d").expect("domain").space.len(), 2);
}

fn strictly(text: &str) -> Result<Profile, NegotiationError> {
    genius::parse_profile_with(text, &domain(), "p", &mut genius::Reading::strict())
}

#[test]
fn unknown_value_is_named() {
    let items = r#"<item index="1" value="red" evaluation="4"/><item index="2" value="green" evaluation="8"/>"#;
    let err = strictly(&profile(items, "0.5", "0.5")).unwrap_err();
    assert!(err.to_string().contains("'green'") && err.to_string().contains("--strict"), "{err}");
    // As Genius reads it, the unknown value is ignored, and 'blue' is then missing.
    let err = genius::parse_profile(&profile(items, "0.5", "0.5"), &domain(), "p").unwrap_err();
    assert!(err.to_string().contains("'blue' has no evaluation"), "{err}");
}

#[test]
fn missing_evaluation_is_named() {
    let items = r#"<item index="1" value="red" evaluation="4"/>"#;
    let err = genius::parse_profile(&profile(items, "0.5", "0.5"), &domain(), "p").unwrap_err();
    assert!(err.to_string().contains("'blue' has no evaluation"), "{err}");
}

#[test]
fn weights_must_sum_to_one() {
    let err = strictly(&profile(GOOD_COLOUR, "0.5", "0.7")).unwrap_err();
    assert!(err.to_string().contains("sum to 1.2"), "{err}");
    let err = genius::parse_profile(&profile(GOOD_COLOUR, "0.5", "abc"), &domain(), "p").unwrap_err();
    assert!(err.to_string().contains("not a number"), "{err}");
}

#[test]
fn empty_issues_and_empty_domains_are_refused() {
    let empty_issue = r#"<negotiation_template><objective><issue index="1" name="X" etype="discrete"></issue></objective></negotiation_template>"#;
    let err = genius::parse_domain(empty_issue, "d").unwrap_err();
    assert!(err.to_string().contains("has no values"), "{err}");
    let err = genius::parse_domain("<negotiation_template><objective/></negotiation_template>", "d").unwrap_err();
    assert!(err.to_string().contains("no issues"), "{err}");
    let err = geniusweb::parse_domain(r#"{"name":"d","issuesValues":{"a":{"values":[]}}}"#, "d").unwrap_err();
    assert!(err.to_string().contains("has no values"), "{err}");
    let err = genius::parse_domain(
        r#"<negotiation_template><objective><issue index="1" name="X" etype="integer" lowerbound="0" upperbound="99999999999"/></objective></negotiation_template>"#,
        "d",
    )
    .unwrap_err();
    assert!(err.to_string().contains("model it as a real issue"), "{err}");
}

#[test]
fn geniusweb_errors_are_clear() {
    let dom = r#"{"name":"d","issuesValues":{"b":{"values":["x","y"]},"a":{"values":["p","q"]}}}"#;
    let space = geniusweb::parse_domain(dom, "d").expect("domain");
    assert_eq!(space.issues[0].name, "b", "issue order is file order");
    let err = geniusweb::parse_domain("{not json", "d").unwrap_err();
    assert!(matches!(err, NegotiationError::Parse { .. }), "{err}");
    let err =
        geniusweb::parse_domain(r#"{"name":"d","issuesValues":{"a":{"values":["x"]},"a":{"values":["y"]}}}"#, "d")
            .unwrap_err();
    assert!(err.to_string().contains("twice"), "{err}");
    // The older `discreteutils` key, a reservation bid, and a value left out (worth 0).
    let old = r#"{"LinearAdditiveUtilitySpace":{"issueUtilities":{
        "b":{"discreteutils":{"valueUtilities":{"x":1.0}}},
        "a":{"DiscreteValueSetUtilities":{"valueUtilities":{"p":0.5,"q":1.0}}}},
        "issueWeights":{"a":0.4,"b":0.6},"reservationBid":{"issuevalues":{"a":"p","b":"y"}}}}"#;
    let p = geniusweb::parse_profile(old, &space, "p").expect("old-style profile");
    assert_eq!(p.utility(&[Value::Index(0), Value::Index(1)]), 0.6 + 0.4);
    assert_eq!(p.reservation, 0.4 * 0.5);
    let unknown = old.replace(r#"{"x":1.0}"#, r#"{"z":1.0}"#);
    let err = geniusweb::parse_profile(&unknown, &space, "p").unwrap_err();
    assert!(err.to_string().contains("no value 'z'"), "{err}");
    let heavy = old.replace(r#""a":0.4"#, r#""a":0.9"#);
    let err = geniusweb::parse_profile(&heavy, &space, "p").unwrap_err();
    assert!(err.to_string().contains("sum to"), "{err}");
    let no_weights = old.replace("issueWeights", "weights");
    let err = geniusweb::parse_profile(&no_weights, &space, "p").unwrap_err();
    assert!(err.to_string().contains("issueWeights"), "{err}");
    let out_of_range = old.replace(r#""q":1.0"#, r#""q":7.0"#);
    let err = geniusweb::parse_profile(&out_of_range, &space, "p").unwrap_err();
    assert!(err.to_string().contains("outside [0, 1]"), "{err}");
}

#[test]
fn files_and_folders_give_located_errors() {
    let err = load_domain(Path::new("/nonexistent/domain.xml")).unwrap_err();
    assert!(matches!(err, NegotiationError::Io { .. }), "{err}");
    let dir = scratch("folder");
    let err = load_domain(&dir).unwrap_err();
    assert!(err.to_string().contains("no domain file"), "{err}");
    std::fs::write(dir.join("d_domain.xml"), DOMAIN).unwrap();
    std::fs::write(dir.join("d_a.xml"), profile(GOOD_COLOUR, "0.5", "0.5")).unwrap();
    std::fs::write(dir.join("d_b.xml"), profile(GOOD_COLOUR, "0.5", "0.7")).unwrap();
    let err = load_domain_with_options(&dir, &[], LoadOptions { strict: true }).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("d_b.xml") && msg.contains("sum to"), "{msg}");
    // As Genius reads it: loaded, with a note naming the file and what was done.
    let lenient = load_domain(&dir).expect("read as Genius reads it");
    assert!(
        lenient.notes.iter().any(|n| n.contains("d_b.xml") && n.contains("divided by their sum")),
        "{:?}",
        lenient.notes
    );
    let ok = load_domain_with_profiles(&dir.join("d_domain.xml"), &[dir.join("d_a.xml")]).expect("explicit profile");
    assert_eq!(ok.profiles.len(), 1);
}

/// A utility that is not additive (so the frontier must enumerate).
#[derive(Debug)]
struct Product;
impl UtilityFunction for Product {
    fn utility(&self, o: &[Value]) -> f64 {
        o.iter().map(|v| if let Value::Index(k) = v { 1.0 + *k as f64 } else { 1.0 }).product()
    }
}

fn trillion() -> OutcomeSpace {
    // 12 issues × 10 values = 10^12 outcomes.
    let issues = (0..12)
        .map(|i| Issue::categorical(format!("i{i}"), (0..10).map(|v| v.to_string()).collect()).unwrap())
        .collect();
    OutcomeSpace::new("big", issues).unwrap()
}

#[test]
fn enumeration_of_a_trillion_outcomes_is_refused_up_front() {
    let space = trillion();
    assert_eq!(space.size(), Some(1_000_000_000_000));
    let profiles = vec![
        Profile::new("a", Utility::General(Arc::new(Product))),
        Profile::new("b", Utility::General(Arc::new(Product))),
    ];
    let err = pareto_frontier(&space, &profiles, &FrontierOptions::default()).unwrap_err();
    assert!(matches!(err, NegotiationError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("1000000000000 outcomes"), "{err}");
}

#[test]
fn additive_merge_handles_trillions_of_outcomes() {
    // 16 issues × 6 values = 6^16 ≈ 2.8·10^12 outcomes. Dyadic utilities keep every sum exact.
    let issues = (0..16)
        .map(|i| Issue::categorical(format!("i{i}"), (0..6).map(|v| v.to_string()).collect()).unwrap())
        .collect();
    let space = OutcomeSpace::new("huge", issues).unwrap();
    let w = vec![1.0 / 16.0; 16];
    let up: Vec<IssueUtility> =
        (0..16).map(|_| IssueUtility::Table((0..6).map(|v| v as f64 / 8.0).collect())).collect();
    let down: Vec<IssueUtility> =
        (0..16).map(|_| IssueUtility::Table((0..6).map(|v| (8 - v) as f64 / 8.0).collect())).collect();
    let profiles = vec![
        Profile::new("a", Utility::Additive(AdditiveUtility::new(&space, w.clone(), up).unwrap())),
        Profile::new("b", Utility::Additive(AdditiveUtility::new(&space, w, down).unwrap())),
    ];
    let f = pareto_frontier(&space, &profiles, &FrontierOptions::default()).expect("merge");
    // u_a + u_b = 1 everywhere, so every outcome is optimal; the distinct vectors are the
    // digit totals 0..=80.
    assert_eq!(f.points.len(), 81);
    let total: u128 = f.points.iter().map(|p| p.multiplicity as u128).sum();
    assert_eq!(total, 6u128.pow(16));
    // A too-small candidate budget is refused with a clear error, not an allocation.
    let tight = FrontierOptions { max_candidates: 100, ..FrontierOptions::default() };
    let err = pareto_frontier(&space, &profiles, &tight).unwrap_err();
    assert!(matches!(err, NegotiationError::TooLarge { .. }), "{err}");
}

#[test]
fn byte_order_mark_and_numeric_geniusweb_issues() {
    let with_bom = format!("\u{feff}{DOMAIN}");
    assert_eq!(genius::parse_domain(&with_bom, "d").expect("BOM tolerated").space.len(), 2);
    let dom = r#"{"name":"n","issuesValues":{"price":{"range":{"low":10,"high":12,"step":0.5}},"c":{"values":["x"]}}}"#;
    let space = geniusweb::parse_domain(dom, "n").expect("range domain");
    assert_eq!(space.issues[0].cardinality(), Some(5));
    assert_eq!(space.issues[0].index_of("11.5"), Some(3));
    let prof = r#"{"LinearAdditiveUtilitySpace":{"issueUtilities":{
        "price":{"numberutils":{"lowValue":10,"lowUtility":1.0,"highValue":12,"highUtility":0.0}},
        "c":{"discreteutils":{"valueUtilities":{"x":1.0}}}},"issueWeights":{"price":0.5,"c":0.5}}}"#;
    let p = geniusweb::parse_profile(prof, &space, "p").expect("numeric profile");
    assert_eq!(p.utility(&[Value::Index(2), Value::Index(0)]), 0.5 * 0.5 + 0.5);
    let bad = r#"{"name":"n","issuesValues":{"price":{"range":{"low":0,"high":1e12,"step":1}}}}"#;
    let err = geniusweb::parse_domain(bad, "n").unwrap_err();
    assert!(err.to_string().contains("values (at most"), "{err}");
    let nan = prof.replace(r#""price":0.5"#, r#""price":"half""#);
    let err = geniusweb::parse_profile(&nan, &space, "p").unwrap_err();
    assert!(err.to_string().contains("weight of issue 'price' is not a number"), "{err}");
}

const WEB_DOMAIN: &str = r#"{"name":"d","issuesValues":{"a":{"values":["p","q"]},"b":{"values":["x","y"]}}}"#;
const WEB_PROFILE: &str = r#"{"LinearAdditiveUtilitySpace":{"issueUtilities":{
    "a":{"DiscreteValueSetUtilities":{"valueUtilities":{"p":0.5,"q":1.0}}},
    "b":{"DiscreteValueSetUtilities":{"valueUtilities":{"x":1.0,"y":0.0}}}},
    "issueWeights":{"a":0.4,"b":0.6}}}"#;

#[test]
fn a_folder_with_a_profile_that_does_not_parse_is_an_error_naming_it() {
    let dir = scratch("broken-profile");
    std::fs::write(dir.join("domain00.json"), WEB_DOMAIN).unwrap();
    std::fs::write(dir.join("profileA.json"), WEB_PROFILE).unwrap();
    // Cut short: not JSON any more.
    std::fs::write(dir.join("profileB.json"), &WEB_PROFILE[..WEB_PROFILE.len() / 2]).unwrap();
    // A well-formed JSON file that is neither domain nor profile is still ignored.
    std::fs::write(dir.join("specials.json"), r#"{"nash": {}}"#).unwrap();
    // So is one that is no JSON document at all and names nothing of a profile
    // (as Genius ships `pareto.xml`), with a note.
    std::fs::write(dir.join("pareto.json"), "0.5, 0.75\n1.0, 0.25\n").unwrap();
    let err = load_domain(&dir).expect_err("a broken profile is not skipped");
    let msg = err.to_string();
    assert!(msg.contains("profileB.json"), "{msg}");
    assert!(!msg.contains("profileA.json") && !msg.contains("specials.json") && !msg.contains("pareto"), "{msg}");

    // Every bad file is listed at once.
    std::fs::write(dir.join("profileC.json"), "{").unwrap();
    let msg = load_domain(&dir).expect_err("two broken profiles").to_string();
    assert!(msg.contains("profileB.json") && msg.contains("profileC.json"), "{msg}");
    // Also when the domain file is named and its profiles are found beside it.
    let msg = load_domain(&dir.join("domain00.json")).expect_err("siblings are checked too").to_string();
    assert!(msg.contains("profileB.json") && msg.contains("profileC.json"), "{msg}");

    // Without the broken files the folder loads.
    std::fs::remove_file(dir.join("profileB.json")).unwrap();
    std::fs::remove_file(dir.join("profileC.json")).unwrap();
    let good = load_domain(&dir).expect("good folder");
    assert_eq!(good.profiles.len(), 1);
    assert!(good.notes.iter().any(|n| n.contains("pareto.json")), "{:?}", good.notes);
}

#[test]
fn profiles_that_fail_to_load_are_all_named() {
    let dir = scratch("bad-profiles");
    std::fs::write(dir.join("d_domain.xml"), DOMAIN).unwrap();
    std::fs::write(dir.join("d_a.xml"), profile(GOOD_COLOUR, "0.5", "0.7")).unwrap();
    std::fs::write(dir.join("d_b.xml"), profile(GOOD_COLOUR, "0.5", "0.5")).unwrap();
    std::fs::write(dir.join("d_c.xml"), profile(GOOD_COLOUR, "0.9", "0.5")).unwrap();
    let msg = load_domain_with_options(&dir, &[], LoadOptions { strict: true }).unwrap_err().to_string();
    assert!(msg.contains("d_a.xml") && msg.contains("d_c.xml") && !msg.contains("d_b.xml"), "{msg}");
}

#[cfg(unix)]
#[test]
fn a_profile_that_never_ends_is_refused() {
    let dir = scratch("dev-zero");
    std::fs::write(dir.join("d_domain.xml"), DOMAIN).unwrap();
    let err = load_domain_with_profiles(&dir.join("d_domain.xml"), &[PathBuf::from("/dev/zero")])
        .expect_err("an endless file is refused");
    let msg = err.to_string();
    assert!(msg.contains("/dev/zero") && msg.contains("bytes"), "{msg}");
}

#[test]
fn every_doctype_form_is_refused_at_its_line() {
    for doctype in [
        r#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>"#,
        r#"<!DOCTYPE negotiation_template SYSTEM "file:///etc/passwd">"#,
        r#"<!DOCTYPE negotiation_template [<!ENTITY % p SYSTEM "http://example.invalid/p.dtd"> %p;]>"#,
        r#"<!DOCTYPE negotiation_template [<!ENTITY x SYSTEM "file:///etc/passwd">]>"#,
        "<!DOCTYPE negotiation_template>",
    ] {
        let text = format!("<?xml version=\"1.0\"?>\n\n{doctype}\n{DOMAIN}");
        let err = genius::parse_domain(&text, "d").unwrap_err();
        assert!(matches!(err, NegotiationError::Parse { .. }), "{doctype}: {err}");
        assert!(err.to_string().contains("line 3: DOCTYPE declarations are not accepted"), "{doctype}: {err}");
    }
}

#[test]
fn deep_or_broken_xml_fails_cleanly_with_its_line() {
    let n = 100_000;
    let deep = format!("<negotiation_template>{}{}</negotiation_template>", "<x>".repeat(n), "</x>".repeat(n));
    let err = genius::parse_domain(&deep, "d").unwrap_err();
    assert!(err.to_string().contains("too deeply nested"), "{err}");
    let err = genius::parse_domain(&"<x>".repeat(n), "d").unwrap_err();
    assert!(matches!(err, NegotiationError::Parse { .. }), "{err}");
    let err = genius::parse_domain("<negotiation_template>\n<objective>\n</negotiation_template>", "d").unwrap_err();
    assert!(err.to_string().contains("line 3, column 1: malformed XML"), "{err}");
    let err = genius::parse_domain("<negotiation_template>\n\n<objective name=\"&x;\"/></negotiation_template>", "d")
        .unwrap_err();
    assert!(err.to_string().contains("line 3: undefined entity '&x;'"), "{err}");
    // Lines named by the reader are the element's own, also after a blanked-out declaration.
    let text =
        format!("<!-- c -->\n<?xml version=\"1.0\"\n encoding=\"UTF-8\"?>\n{}", DOMAIN.replace("name=\"Size\" ", ""));
    let err = genius::parse_domain(&text, "d").unwrap_err();
    assert!(err.to_string().contains("line 6: <issue> has no 'name' attribute"), "{err}");
    // Whitespace alone before the declaration is tolerated too; `<?xml-stylesheet` is no declaration.
    let text = format!("\n  <?xml version=\"1.0\"?><?xml-stylesheet href=\"a\"?>\n{DOMAIN}");
    assert_eq!(genius::parse_domain(&text, "d").expect("domain").space.len(), 2);
}
