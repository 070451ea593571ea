//! Genius's constraint utility spaces (`<utility_space type="constraint">`, the Railway
//! templates), against Genius itself.
//!
//! `tests/data/genius-constraint/` holds a domain and a profile written for these tests:
//! every rule type Genius 10.4's `ConstraintUtilitySpace` loads, and each quirk of how it
//! reads them — a value ranked twice (the last rank counts), a rank for a value the domain
//! lacks (ignored, but still the issue's highest rank), an issue ranked twice (it counts
//! twice), `String.contains` conditions, a rule whose checks Java's `HashMap` visits out of
//! file order (issue index 17 before 2, so its first check is not a sign and it never
//! fires), a check listed twice (the last counts), a type Genius does not load, a rule for
//! an unranked issue. `genius-utilities.tsv` is Genius's own utility of each of the 540
//! outcomes (value names, then the IEEE bits in hex), made by `scripts/genius-eval`
//! (Genius 10.4's classes from NegMAS's `external/genius10.4`, compiled with javac 17;
//! 2026-12-02). The same driver on Genius's Railway templates (655,360 outcomes; NS,
//! ProRail and Minister) gave utilities bit-identical to demarche's for every outcome.

use demarche_negotiation::io::genius::{self, GeniusDomain, Reading};
use demarche_negotiation::{Discount, IssueValues, Profile, Value};

const DOMAIN: &str = include_str!("../data/genius-constraint/domain.xml");
const PROFILE: &str = include_str!("../data/genius-constraint/profile.xml");
const GENIUS: &str = include_str!("../data/genius-constraint/genius-utilities.tsv");

fn domain() -> GeniusDomain {
    genius::parse_domain(DOMAIN, "rules").expect("domain")
}

fn names(d: &GeniusDomain, issue: usize) -> Vec<String> {
    match &d.space.issues[issue].values {
        IssueValues::Categorical { values } | IssueValues::Ordinal { values } => values.clone(),
        other => panic!("{other:?}"),
    }
}

fn read(profile: &str, reading: &mut Reading) -> Result<Profile, String> {
    genius::parse_profile_with(profile, &domain(), "p", reading).map_err(|e| e.to_string())
}

#[test]
fn every_utility_is_the_one_genius_computes_bit_for_bit() {
    let d = domain();
    let p = read(PROFILE, &mut Reading::default()).expect("loads");
    assert_eq!(p.reservation, 0.25);
    assert_eq!(p.discount, Discount::Time { factor: 0.9 });
    let mut seen = 0;
    let mut zero = 0;
    for line in GENIUS.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let outcome: Vec<Value> = (0..5)
            .map(|i| {
                Value::Index(names(&d, i).iter().position(|n| n == fields[i]).expect("a value of the domain") as u32)
            })
            .collect();
        let genius = f64::from_bits(u64::from_str_radix(fields[5], 16).expect("hex bits"));
        let ours = p.utility(&outcome);
        assert_eq!(ours.to_bits(), genius.to_bits(), "{line}: demarche {ours}, Genius {genius}");
        seen += 1;
        zero += usize::from(genius == 0.0);
    }
    assert_eq!(seen, 540, "every outcome once");
    // The rules bite and spare: both kinds of outcome are there.
    assert!(zero > 100 && zero < 440, "{zero} of 540 are worth 0");
}

#[test]
fn what_genius_does_silently_is_noted_and_refused_under_strict() {
    let mut lenient = Reading::default();
    read(PROFILE, &mut lenient).expect("loads");
    for text in [
        "issue index 3 is ranked twice: it counts twice, with its last ranking",
        "the rank for '99' is ignored",
        "never fires: its first check, 'Week'",
        "constraint type 'exclusiveZeroOutcomeConstraint' is ignored",
        "the rule for issue index 17 has no effect",
    ] {
        assert!(lenient.warnings.iter().any(|w| w.contains(text)), "no note with {text:?} in {:#?}", lenient.warnings);
    }
    let strict = read(PROFILE, &mut Reading::strict()).expect_err("refused under --strict");
    assert!(strict.contains("--strict"), "{strict}");
}

/// What Genius fails on (at load, or evaluating an outcome) is refused, every problem of the
/// file in one error with its line, apart from what demarche alone refuses.
#[test]
fn what_genius_cannot_evaluate_is_refused_all_at_once() {
    let profile = r#"<utility_space type="constraint"><objective index="0" name="Rules"><rules>
<ranks>
  <issue index="1"><item index="1" rank="1"/><item rank="2" value="A"/></issue>
  <issue index="2"><item rank="1" value="-5"/><item rank="x" value="0"/></issue>
  <issue index="9"><item rank="1" value="a"/></issue>
  <issue index="3"><item rank="1" value="-1"/><item rank="2" value="0"/><item rank="3" value="3"/></issue>
</ranks>
<constraints>
  <constraint type="zeroConstraint"><valueassignment index="1" value="A"/></constraint>
  <constraint index="zeroConstraint"/>
  <constraint type="sumZeroConstraint" index="3" value="1" min="0" max="1"><item index="1"/></constraint>
  <constraint type="conditionalZeroOutcomeConstraint"><checkassignment index="2" condition="numeric=positive"/></constraint>
  <constraint type="sumZeroConstraint" index="17" value="1" max="1"><item index="1"/></constraint>
</constraints>
</rules></objective></utility_space>"#;
    let e = read(profile, &mut Reading::default()).expect_err("refused");
    for text in [
        "Genius fails on these too:",
        "line 4: <item> rank=\"x\" is not a 32-bit integer",
        "line 5: <issue> names issue index 9, which the domain does not have",
        // The rank item without a value (line 3) is no problem in itself: the values it
        // leaves unranked are.
        "gives no rank to values 'None', 'B', 'A+B', 'C' of issue 'Who'",
        "line 9: <constraint> has no 'index' attribute",
        "line 10: <constraint> has no 'type' attribute",
        "reads issue 'Who' as a number, but its value 'None' is not an integer",
        "line 12: <constraint> has one <checkassignment>, whose sign check is followed by none",
        // A rule for an unranked issue is still parsed when Genius loads the file.
        "line 13: <constraint> has no 'min' attribute",
    ] {
        assert!(e.contains(text), "no {text:?} in {e}");
    }
    assert!(!e.contains("line 3: <item>"), "{e}");
    assert!(!e.contains("demarche refuses"), "{e}");
}

/// What Genius reads and demarche does not is said apart from what Genius fails on.
#[test]
fn what_demarche_alone_refuses_is_said_apart() {
    let profile = r#"<utility_space type="constraint"><objective index="0" name="Rules"><rules>
<ranks><issue index="1"><item rank="0" value="None"/><item rank="0" value="A"/><item rank="0" value="B"/><item rank="0" value="A+B"/><item rank="0" value="C"/></issue></ranks>
<constraints/>
</rules></objective></utility_space>"#;
    let e = read(profile, &mut Reading::default()).expect_err("refused");
    assert!(e.contains("demarche refuses these:") && e.contains("ranks no value of issue 'Who' above 0"), "{e}");
    assert!(!e.contains("Genius fails on these too"), "{e}");
    let strict = read(PROFILE, &mut Reading::strict()).expect_err("refused under --strict");
    assert!(strict.contains("demarche refuses these:") && strict.contains("--strict"), "{strict}");
}

/// Negative ranks are Genius's too: a value is worth rank / highest rank, below 0 if need be.
#[test]
fn negative_ranks_are_evaluated_as_genius_evaluates_them() {
    let profile = r#"<utility_space type="constraint"><objective index="0" name="Rules"><rules>
<ranks><issue index="1"><item rank="-1" value="None"/><item rank="2" value="A"/><item rank="1" value="B"/><item rank="2" value="A+B"/><item rank="1" value="C"/></issue></ranks>
<constraints/>
</rules></objective></utility_space>"#;
    let p = read(profile, &mut Reading::default()).expect("loads");
    let at =
        |who: u32| p.utility(&[Value::Index(who), Value::Index(0), Value::Index(0), Value::Index(0), Value::Index(0)]);
    assert_eq!(at(0), -0.5);
    assert_eq!(at(1), 1.0);
}

/// A file whose rules would build more tables than demarche allows is refused, saying so,
/// before it allocates them (an integer issue of 2²⁰ values read by 40 rules).
#[test]
fn tables_are_bounded() {
    let domain_text = r#"<negotiation_template><utility_space><objective index="0" name="o">
  <issue index="1" name="N" type="integer" lowerbound="0" upperbound="1048574"/>
  <issue index="2" name="W" etype="discrete"><item index="1" value="a"/><item index="2" value="b"/></issue>
</objective></utility_space></negotiation_template>"#;
    let d = genius::parse_domain(domain_text, "d").expect("domain");
    let rules: String = (0..40)
        .map(|_| r#"<constraint type="inclusiveZeroOutcomeConstraint"><checkassignment index="1" condition="7"/></constraint>"#)
        .collect();
    let profile = format!(
        r#"<utility_space type="constraint"><objective index="0" name="o"><rules>
<ranks><issue index="2"><item rank="1" value="a"/><item rank="2" value="b"/></issue></ranks>
<constraints>{rules}</constraints></rules></objective></utility_space>"#
    );
    let e = genius::parse_profile_with(&profile, &d, "p", &mut Reading::default()).expect_err("refused").to_string();
    assert!(e.contains("per-value table entries (demarche's bound on one profile)"), "{e}");
    assert_eq!(e.matches("table entries").count(), 1, "said once: {e}");
}

/// MinisterProfile.xml of the Railway templates has `<ranks>` and no `<constraints>`.
#[test]
fn rules_without_constraints_are_refused_as_genius_refuses_them() {
    let profile = r#"<utility_space type="constraint"><objective index="0" name="Rules"><rules>
<ranks><issue index="1"><item rank="1" value="None"/><item rank="2" value="A"/><item rank="2" value="B"/><item rank="3" value="A+B"/><item rank="1" value="C"/></issue></ranks>
</rules></objective></utility_space>"#;
    let e = read(profile, &mut Reading::default()).expect_err("refused");
    assert!(e.contains("<rules> has no <constraints>"), "{e}");
    let with_none = profile.replace("</ranks>", "</ranks><constraints/>");
    let p = read(&with_none, &mut Reading::default()).expect("an empty <constraints/> is fine");
    assert_eq!(p.utility(&[Value::Index(3), Value::Index(0), Value::Index(0), Value::Index(0), Value::Index(0)]), 1.0);
}

/// The value classes the enumeration relies on are sound: swapping two values of one class
/// never changes the utility, in any outcome.
#[test]
fn values_of_one_class_are_interchangeable() {
    let d = domain();
    let p = read(PROFILE, &mut Reading::default()).expect("loads");
    let cards: Vec<u32> = (0..5).map(|i| names(&d, i).len() as u32).collect();
    let mut distinct_classes = 0;
    for (issue, &card) in cards.iter().enumerate() {
        let classes = p.utility.value_classes(issue, card).expect("classes");
        distinct_classes += classes.iter().max().map_or(0, |m| m + 1);
        let total: u32 = cards.iter().product();
        for code in 0..total {
            let mut rest = code;
            let outcome: Vec<u32> = cards
                .iter()
                .map(|c| {
                    let v = rest % c;
                    rest /= c;
                    v
                })
                .collect();
            for other in 0..card {
                if classes[other as usize] != classes[outcome[issue] as usize] {
                    continue;
                }
                let mut swapped = outcome.clone();
                swapped[issue] = other;
                let at = |o: &[u32]| p.utility(&o.iter().map(|&k| Value::Index(k)).collect::<Vec<_>>());
                assert_eq!(at(&outcome).to_bits(), at(&swapped).to_bits(), "issue {issue}: {outcome:?} vs {swapped:?}");
            }
        }
    }
    // Only B and C of Who are alike (same rank, no rule reads either): one merge, so the
    // swaps above were tested.
    assert_eq!(distinct_classes, cards.iter().sum::<u32>() - 1);
}
