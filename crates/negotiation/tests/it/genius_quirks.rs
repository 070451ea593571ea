//! Genius files as Genius reads them: each quirk of real Genius files (ANAC domains and the
//! templates Genius ships) reproduced in a small fixture written here, read leniently with a
//! warning that says what was done, and refused under `--strict`. The quirks and Genius's
//! behaviour were established from Genius 10.4's loaders (`DomainImpl`,
//! `AdditiveUtilitySpace`, `EvaluatorDiscrete/Integer/Real`, `NonlinearUtilitySpace`,
//! `SimpleDOMParser`); the files named are where each occurs.

use demarche_negotiation::io::genius::{self, GeniusDomain, Reading};
use demarche_negotiation::{NegotiationError, Profile, Value};

/// Two discrete issues, indices 1 and 2, under objective 0.
const DOMAIN: &str = r#"<negotiation_template><utility_space><objective index="0" name="o">
  <issue index="1" name="Colour" etype="discrete"><item index="1" value="red"/><item index="2" value="blue"/></issue>
  <issue index="2" name="Size" etype="discrete"><item index="1" value="S"/><item index="2" value="L"/></issue>
</objective></utility_space></negotiation_template>"#;

fn domain(text: &str) -> GeniusDomain {
    genius::parse_domain(text, "d").expect("domain")
}

/// The profile read leniently (with its warnings) and strictly (its error).
fn both_ways(domain_text: &str, profile: &str) -> (Profile, Vec<String>, NegotiationError) {
    let d = domain(domain_text);
    let mut lenient = Reading::default();
    let p = genius::parse_profile_with(profile, &d, "p", &mut lenient).expect("read as Genius reads it");
    let strict = genius::parse_profile_with(profile, &d, "p", &mut Reading::strict()).expect_err("refused strictly");
    assert!(strict.to_string().contains("--strict"), "{strict}");
    (p, lenient.warnings, strict)
}

fn u(p: &Profile, values: &[u32]) -> f64 {
    p.utility(&values.iter().map(|&k| Value::Index(k)).collect::<Vec<_>>())
}

fn warned(warnings: &[String], text: &str) {
    assert!(warnings.iter().any(|w| w.contains(text)), "no warning with {text:?} in {warnings:?}");
}

/// Issue weights more than 10⁻³ off 1 (Phone prof2: 0.9936; JapanTrip util1: 1.1; Bank
/// Robbery util2: 0.989; QODomain Side_B: 1.45): divided by their sum.
#[test]
fn weights_off_one_are_renormalised() {
    let profile = r#"<utility_space><objective index="0" name="o">
  <issue index="1" name="Colour"><item value="red" evaluation="1"/><item value="blue" evaluation="0"/></issue>
  <issue index="2" name="Size"><item value="S" evaluation="1"/><item value="L" evaluation="0"/></issue>
  <weight index="1" value="0.6"/><weight index="2" value="0.5"/>
</objective></utility_space>"#;
    let (p, warnings, strict) = both_ways(DOMAIN, profile);
    warned(&warnings, "weights sum to 1.1; divided by their sum");
    assert!(strict.to_string().contains("sum to 1.1"), "{strict}");
    assert!((u(&p, &[0, 0]) - 1.0).abs() < 1e-12);
    assert!((u(&p, &[0, 1]) - 0.6 / 1.1).abs() < 1e-12);
}

/// A weight on the objective itself (Fitness: `<weight index="1" value="1.0"/>` for root
/// objective 1): ignored.
#[test]
fn the_objectives_own_weight_is_ignored() {
    let domain_text = DOMAIN.replace(r#"<objective index="0""#, r#"<objective index="7""#);
    let profile = r#"<utility_space><objective index="7" name="o">
  <issue index="1" name="Colour"><item value="red" evaluation="2"/><item value="blue" evaluation="1"/></issue>
  <issue index="2" name="Size"><item value="S" evaluation="1"/><item value="L" evaluation="1"/></issue>
  <weight index="1" value="0.5"/><weight index="2" value="0.5"/><weight index="7" value="1.0"/>
</objective></utility_space>"#;
    let (p, warnings, _) = both_ways(&domain_text, profile);
    warned(&warnings, "weight for index 7 ignored (the objective's own weight)");
    assert!((u(&p, &[1, 0]) - 0.75).abs() < 1e-12);
}

/// An issue whose evaluations are all 0 (auctionwars `*_B`: Painting; Zoning plan): it
/// counts 0 for every value.
#[test]
fn an_issue_rated_zero_everywhere_counts_zero() {
    let profile = r#"<utility_space><objective index="0" name="o">
  <issue index="1" name="Colour"><item value="red" evaluation="0"/><item value="blue" evaluation="0"/></issue>
  <issue index="2" name="Size"><item value="S" evaluation="3"/><item value="L" evaluation="6"/></issue>
  <weight index="1" value="0.25"/><weight index="2" value="0.75"/>
</objective></utility_space>"#;
    let (p, warnings, strict) = both_ways(DOMAIN, profile);
    warned(&warnings, "every evaluation is 0, so it counts 0");
    assert!(strict.to_string().contains("every evaluation is 0"), "{strict}");
    assert_eq!(u(&p, &[0, 1]), 0.75);
    assert_eq!(u(&p, &[1, 1]), 0.75);
}

/// A value evaluated twice in a profile (AMPOvsCity: value "0" rated 0, then 8): the last
/// evaluation counts.
#[test]
fn a_value_evaluated_twice_keeps_the_last() {
    let profile = r#"<utility_space><objective index="0" name="o">
  <issue index="1" name="Colour"><item value="red" evaluation="0"/><item value="red" evaluation="8"/><item value="blue" evaluation="4"/></issue>
  <issue index="2" name="Size"><item value="S" evaluation="1"/><item value="L" evaluation="1"/></issue>
  <weight index="1" value="0.5"/><weight index="2" value="0.5"/>
</objective></utility_space>"#;
    let (p, warnings, _) = both_ways(DOMAIN, profile);
    warned(&warnings, "'red' of issue 'Colour' evaluated twice (0, then 8); the last counts");
    assert_eq!(u(&p, &[0, 0]), 1.0);
    assert_eq!(u(&p, &[1, 0]), 0.75);
}

/// A value listed twice in a domain (FlightBooking: `Sep4_2011`): kept once.
#[test]
fn a_value_listed_twice_in_a_domain_is_kept_once() {
    let text = DOMAIN.replace(
        r#"<item index="2" value="blue"/>"#,
        r#"<item index="2" value="blue"/><item index="2" value="blue"/>"#,
    );
    let mut reading = Reading::default();
    let d = genius::parse_domain_with(&text, "d", &mut reading).expect("domain");
    assert_eq!(d.space.size(), Some(4));
    warned(&reading.warnings, "lists value 'blue' twice; kept once");
    let err = genius::parse_domain_with(&text, "d", &mut Reading::strict()).unwrap_err();
    assert!(err.to_string().contains("twice"), "{err}");
}

/// A profile without `<objective>` (inheritance: issues and weights directly under
/// `<utility_space>`, weights like `.2`): read where they are.
#[test]
fn a_profile_without_an_objective_is_read_where_its_issues_are() {
    let profile = r#"<utility_space number_of_issues="2">
  <weight index="1" value=".2"/><weight index="2" value=".8"/>
  <issue index="1" name="Colour" type="discrete"><item value="red" evaluation="18"/><item value="blue" evaluation="9"/></issue>
  <issue index="2" name="Size" type="discrete"><item value="S" evaluation="1"/><item value="L" evaluation="2"/></issue>
</utility_space>"#;
    let (p, warnings, strict) = both_ways(DOMAIN, profile);
    warned(&warnings, "no <objective>");
    assert!(strict.to_string().contains("no <objective>"), "{strict}");
    assert!((u(&p, &[1, 1]) - (0.2 * 0.5 + 0.8)).abs() < 1e-12);
}

/// A profile value the domain does not have: ignored, as Genius ignores it.
#[test]
fn a_value_the_domain_lacks_is_ignored() {
    let profile = r#"<utility_space><objective index="0" name="o">
  <issue index="1" name="Colour"><item value="red" evaluation="1"/><item value="blue" evaluation="1"/><item value="green" evaluation="9"/></issue>
  <issue index="2" name="Size"><item value="S" evaluation="1"/><item value="L" evaluation="1"/></issue>
  <weight index="1" value="0.5"/><weight index="2" value="0.5"/>
</objective></utility_space>"#;
    let (p, warnings, _) = both_ways(DOMAIN, profile);
    warned(&warnings, "value 'green' is not in the domain; ignored");
    assert_eq!(u(&p, &[0, 0]), 1.0);
}

/// A raw `&` in a value (Zoning plan: "all to two(farmer & mun.)"; movie, symposium,
/// SmartPhone) and attributes run together (Car `adg_deal.xml`: `type="discrete"vtype=`):
/// read as Genius's own parser reads them.
#[test]
fn raw_ampersands_and_attributes_without_spaces_are_read() {
    let text = r#"<negotiation_template><utility_space><objective index="0" name="o">
  <issue index="1" name="Plan" type="discrete"vtype="discrete"><item index="1" value="farmer & mun."/><item index="2" value="city &amp; state"/></issue>
</objective></utility_space></negotiation_template>"#;
    let mut reading = Reading::default();
    let d = genius::parse_domain_with(text, "d", &mut reading).expect("read as Genius reads it");
    assert_eq!(d.space.issues[0].label(Value::Index(0)), "farmer & mun.");
    assert_eq!(d.space.issues[0].label(Value::Index(1)), "city & state");
    warned(&reading.warnings, "line 2: a raw '&'");
    warned(&reading.warnings, "line 2: attributes without a space");
    assert!(genius::parse_domain_with(text, "d", &mut Reading::strict()).is_err());
}

/// Real issues keep their bounds in a `<range>` child (every real issue Genius ships: SON,
/// 2nd hand car, fuzzyagent), and Genius's linear real evaluator is
/// `clamp₀¹(parameter0 + parameter1·x)` on the raw value; the profile's own range does
/// not enter the utility. This is the format, not a quirk: no warning.
#[test]
fn real_issues_read_their_range() {
    let text = r#"<negotiation_template><utility_space><objective index="0" name="car">
  <issue index="1" name="Price" vtype="real" type="real"><range lowerbound="13000" upperbound="22666"></range></issue>
  <issue index="2" name="Colour" etype="discrete"><item index="1" value="red"/><item index="2" value="blue"/></issue>
</objective></utility_space></negotiation_template>"#;
    let d = domain(text);
    let profile = r#"<utility_space><objective index="0" name="car">
  <issue index="1" name="Price" etype="real" type="real"><range lowerbound="16000" upperbound="22666"/>
    <evaluator ftype="linear" parameter1="-0.00015" parameter0="3.4"/></issue>
  <issue index="2" name="Colour"><item value="red" evaluation="1"/><item value="blue" evaluation="1"/></issue>
  <weight index="1" value="0.5"/><weight index="2" value="0.5"/>
</objective></utility_space>"#;
    let mut reading = Reading::default();
    let p = genius::parse_profile_with(profile, &d, "buyer", &mut reading).expect("profile");
    assert!(reading.warnings.is_empty(), "{:?}", reading.warnings);
    let at = |price: f64| p.utility(&[Value::Real(price), Value::Index(0)]);
    assert!((at(16000.0) - 1.0).abs() < 1e-9); // 3.4 − 2.4
    assert!((at(13000.0) - 1.0).abs() < 1e-9); // 1.45, capped at 1
    assert!((at(20000.0) - (0.5 * 0.4 + 0.5)).abs() < 1e-9);
    assert!((at(22666.0) - (0.5 * (3.4 - 0.00015 * 22666.0) + 0.5)).abs() < 1e-9);
}

/// An integer issue with its bounds only in `<range>` (the web_service template): Genius
/// 10.4 fails on it (it reads integer bounds from `<issue>` only); read here, with a note.
#[test]
fn integer_bounds_in_a_range_are_read_with_a_note() {
    let text = r#"<negotiation_template><utility_space><objective index="1" name="web_service">
  <issue index="2" type="integer" name="Revenue"><range lowerbound="0" upperbound="2000"></range></issue>
</objective></utility_space></negotiation_template>"#;
    let mut lenient = Reading::default();
    let d = genius::parse_domain_with(text, "d", &mut lenient).expect("read");
    assert_eq!(d.space.issues[0].cardinality(), Some(2001));
    warned(&lenient.warnings, "bounds read from its <range> (Genius 10.4 reads an integer issue's bounds only");
    let strict = genius::parse_domain_with(text, "d", &mut Reading::strict()).expect_err("refused");
    assert!(strict.to_string().contains("keeps its bounds in <range>"), "{strict}");
}

/// Genius's triangular real evaluator (SON profiles): 0 below `parameter0`, 1 at
/// `parameter2`, 0 from `parameter1`.
#[test]
fn triangular_real_evaluators() {
    let text = r#"<negotiation_template><utility_space><objective index="0" name="son">
  <issue index="1" name="Load" type="real"><range lowerbound="0" upperbound="1"/></issue>
</objective></utility_space></negotiation_template>"#;
    let profile = r#"<utility_space><objective index="0" name="son">
  <issue index="1" name="Load" type="real"><range lowerbound="0" upperbound="1"/>
    <evaluator etype="real" ftype="triangular" parameter2="0.5" parameter1="0.9" parameter0="0.1"/></issue>
  <weight index="1" value="1"/>
</objective></utility_space>"#;
    let p = genius::parse_profile(profile, &domain(text), "center").expect("profile");
    for (x, want) in [(0.0, 0.0), (0.1, 0.0), (0.3, 0.5), (0.5, 1.0), (0.7, 0.5), (0.9, 0.0), (1.0, 0.0)] {
        assert!((p.utility(&[Value::Real(x)]) - want).abs() < 1e-12, "u({x})");
    }
}

/// `EXCLUDES` hyper-rectangles (ANAC 2014 nonlinear domains) pay unless the outcome lies
/// inside every one of their ranges; the total is `min(1, Σ / maxutility)`.
#[test]
fn excludes_pay_outside_their_box_and_utility_is_capped() {
    let text = r#"<negotiation_template><utility_space><objective index="0" name="root">
  <issue index="1" name="a" type="integer" lowerbound="0" upperbound="9"/>
  <issue index="2" name="b" type="integer" lowerbound="0" upperbound="9"/>
</objective></utility_space></negotiation_template>"#;
    let profile = r#"<!-- profile 1 -->
<?xml version="1.0" encoding="utf-8" ?>
<utility_space type="nonlinear"><objective index="0" name="root">
  <issue index="1" name="a" type="integer" lowerbound="0" upperbound="9"/>
  <issue index="2" name="b" type="integer" lowerbound="0" upperbound="9"/>
  <utility maxutility="100"><ufun type="PlainUfun" weight="1" aggregation="sum">
    <hyperRectangle utility="60"><INCLUDES index="1" min="0" max="4"/></hyperRectangle>
    <hyperRectangle utility="70"><EXCLUDES index="1" min="0" max="9"/><EXCLUDES index="2" min="5" max="9"/></hyperRectangle>
  </ufun></utility>
</objective></utility_space>"#;
    let p = genius::parse_profile(profile, &domain(text), "p1").expect("profile");
    // b in 5..9 puts every outcome inside the EXCLUDES box: it pays nothing there.
    assert_eq!(u(&p, &[2, 7]), 0.6);
    assert_eq!(u(&p, &[7, 7]), 0.0);
    // b in 0..4 is outside it: 70 more, and 60 + 70 > 100 is capped at 1.
    assert_eq!(u(&p, &[7, 2]), 0.7);
    assert_eq!(u(&p, &[2, 2]), 1.0);
}

/// A hyper-rectangle with both kinds: Genius keeps the EXCLUDES and drops the INCLUDES.
#[test]
fn a_box_with_both_kinds_keeps_its_excludes() {
    let text = r#"<negotiation_template><utility_space><objective index="0" name="root">
  <issue index="1" name="a" type="integer" lowerbound="0" upperbound="9"/>
</objective></utility_space></negotiation_template>"#;
    let profile = r#"<utility_space type="nonlinear"><objective index="0" name="root">
  <utility maxutility="10"><ufun type="PlainUfun" weight="1" aggregation="sum">
    <hyperRectangle utility="10"><INCLUDES index="1" min="0" max="9"/><EXCLUDES index="1" min="0" max="4"/></hyperRectangle>
  </ufun></utility>
</objective></utility_space>"#;
    let (p, warnings, _) = both_ways(text, profile);
    warned(&warnings, "the INCLUDES are dropped");
    assert_eq!(u(&p, &[2]), 0.0);
    assert_eq!(u(&p, &[7]), 1.0);
}

/// An integer evaluator counts from the profile issue's own `lowerbound` (Genius's
/// `EvaluatorInteger`; KillerRobot: u(1) = 1, u(10) = 0.6).
#[test]
fn integer_evaluators_count_from_the_profile_lower_bound() {
    let text = r#"<negotiation_template><utility_space><objective index="0" name="o">
  <issue index="1" name="Guns" lowerbound="1" upperbound="10" type="integer"/>
</objective></utility_space></negotiation_template>"#;
    let profile = r#"<utility_space><objective index="0" name="o">
  <issue index="1" name="Guns" lowerbound="1" upperbound="10" type="integer">
    <evaluator slope="-0.044444444444444446" offset="1.0" ftype="linear"/></issue>
  <weight index="1" value="1"/>
</objective></utility_space>"#;
    let p = genius::parse_profile(profile, &domain(text), "p").expect("profile");
    assert!((u(&p, &[0]) - 1.0).abs() < 1e-12);
    assert!((u(&p, &[9]) - 0.6).abs() < 1e-12);
}

/// Each integer value evaluated as Genius's `EvaluatorInteger` does, bit for bit:
/// `slope · (x − lowerbound) + offset`, clamped (ANAC 2016 Smart_Energy_Grid util1: slope
/// 0.025 from 10 to 50; a line interpolated between its ends is an ulp off on 83 of its
/// 984 outcomes).
#[test]
fn integer_values_are_evaluated_as_genius_evaluates_them() {
    let text = r#"<negotiation_template><utility_space><objective index="0" name="o">
  <issue index="1" name="Energy Price" lowerbound="10" upperbound="50" type="integer"/>
</objective></utility_space></negotiation_template>"#;
    let profile = r#"<utility_space><objective index="0" name="o">
  <issue index="1" name="Energy Price" lowerbound="10" upperbound="50" type="integer">
    <evaluator slope="0.025" offset="0.0" ftype="linear"/></issue>
  <weight index="1" value="1"/>
</objective></utility_space>"#;
    let p = genius::parse_profile(profile, &domain(text), "p").expect("profile");
    for k in 0..=40u32 {
        let genius = 1.0 * (0.025 * f64::from(k) + 0.0).clamp(0.0, 1.0);
        assert_eq!(u(&p, &[k]).to_bits(), genius.to_bits(), "value {}", 10 + k);
    }
}

/// A profile issue named like another of the domain's (journal_learning four_issues:
/// index 1 named "second", where the domain's index 1 is "first"): read by its index, as
/// Genius reads it, with a note.
#[test]
fn profile_issues_are_matched_by_index_as_genius_matches_them() {
    let profile = r#"<utility_space><objective index="0" name="o">
  <issue index="1" name="Size"><item value="red" evaluation="1"/><item value="blue" evaluation="0"/></issue>
  <issue index="2" name="Colour"><item value="S" evaluation="0"/><item value="L" evaluation="1"/></issue>
  <weight index="1" value="0.7"/><weight index="2" value="0.3"/>
</objective></utility_space>"#;
    let (p, warnings, strict) = both_ways(DOMAIN, profile);
    warned(&warnings, "profile issue 'Size' is read as the domain's issue 'Colour', whose index it has");
    assert!(strict.to_string().contains("has the index of the domain's issue 'Colour'"), "{strict}");
    // Colour (index 1) = red and Size (index 2) = L: both terms count.
    assert!((u(&p, &[0, 1]) - 1.0).abs() < 1e-12);
    assert!((u(&p, &[0, 0]) - 0.7).abs() < 1e-12);
}

/// A profile issue without an index, or with one the domain lacks: Genius fails on it;
/// matched by name here, with a note.
#[test]
fn profile_issues_without_a_domain_index_are_matched_by_name_with_a_note() {
    let profile = r#"<utility_space><objective index="0" name="o">
  <issue name="Colour"><item value="red" evaluation="1"/><item value="blue" evaluation="0"/></issue>
  <issue index="5" name="Size"><item value="S" evaluation="0"/><item value="L" evaluation="1"/></issue>
  <weight index="1" value="0.7"/><weight index="5" value="0.3"/>
</objective></utility_space>"#;
    let (p, warnings, _) = both_ways(DOMAIN, profile);
    warned(&warnings, "profile issue 'Colour' is matched by its name (has no index; Genius 10.4 fails to load");
    warned(&warnings, "profile issue 'Size' is matched by its name (has index 5, which no domain issue has");
    assert!((u(&p, &[0, 1]) - 1.0).abs() < 1e-12);
}

/// An unreadable discount factor (IS_BT_Acquisition_IS_20: `value="s"`) is ignored.
#[test]
fn an_unreadable_discount_is_ignored() {
    let profile = r#"<utility_space><objective index="0" name="o">
  <issue index="1" name="Colour"><item value="red" evaluation="1"/><item value="blue" evaluation="1"/></issue>
  <issue index="2" name="Size"><item value="S" evaluation="1"/><item value="L" evaluation="1"/></issue>
  <weight index="1" value="0.5"/><weight index="2" value="0.5"/>
</objective><discount_factor value="s"/></utility_space>"#;
    let (p, warnings, _) = both_ways(DOMAIN, profile);
    warned(&warnings, "unreadable <discount_factor> value ignored");
    assert_eq!(p.discount.apply(1.0, 1.0, 0), 1.0);
}

/// Files in Latin-1 rather than UTF-8 (ANAC 2015 New_sporthal): read as Latin-1, noted.
#[test]
fn latin1_files_are_read_as_latin1() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("genius-latin1");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let latin1 = |s: &str| s.chars().map(|c| c as u32 as u8).collect::<Vec<u8>>();
    let domain = DOMAIN.replace(r#"value="red""#, "value=\"rouge foncé\"");
    std::fs::write(dir.join("d-domain.xml"), latin1(&domain)).unwrap();
    for p in ["d-a.xml", "d-b.xml"] {
        let profile = r#"<utility_space><objective index="0" name="o">
  <issue index="1" name="Colour"><item value="rouge foncé" evaluation="1"/><item value="blue" evaluation="2"/></issue>
  <issue index="2" name="Size"><item value="S" evaluation="1"/><item value="L" evaluation="2"/></issue>
  <weight index="1" value="0.5"/><weight index="2" value="0.5"/>
</objective></utility_space>"#;
        std::fs::write(dir.join(p), latin1(profile)).unwrap();
    }
    let loaded = demarche_negotiation::load_domain(&dir).expect("read as Latin-1");
    assert_eq!(loaded.space.issues[0].label(Value::Index(0)), "rouge foncé");
    assert!(loaded.notes.iter().filter(|n| n.contains("read as Latin-1")).count() == 3, "{:?}", loaded.notes);
}
