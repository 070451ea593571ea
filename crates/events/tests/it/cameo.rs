//! The project's CAMEO → PLOVER rules against the PLOVER project's own table.
use demarche_events::cameo::to_plover;
use demarche_events::EventType;

use crate::common::shared_events;

#[test]
fn cameo_rules_agree_with_the_plover_projects_conversion_table() {
    let Some(dir) = shared_events() else { return };
    let text = std::fs::read_to_string(dir.join("CAMEO2PLOVER-2021.txt")).unwrap();
    let (mut codes, mut type_diff, mut mode_both, mut mode_diff) = (0, Vec::new(), 0, Vec::new());
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let Some((code, rest)) = line.split_once(':') else { continue };
        let code = code.trim();
        if code.len() < 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
            continue; // root headings ("03: AGREE") repeat their first code
        }
        let fields: Vec<&str> = rest.split(',').map(str::trim).collect();
        let Some(want) = EventType::parse(fields[0]) else { continue };
        codes += 1;
        let Some((got, mode)) = to_plover(code) else {
            type_diff.push(format!("{code}: none, table {want}"));
            continue;
        };
        if got != want {
            type_diff.push(format!("{code}: {got}, table {want}"));
        }
        let table_mode = fields.get(1).copied().unwrap_or("");
        if !table_mode.is_empty() && !mode.is_empty() {
            mode_both += 1;
            if table_mode != mode {
                mode_diff.push(format!("{code}: {mode}, table {table_mode}"));
            }
        }
    }
    assert!(codes > 250, "read {codes} codes");
    assert!(type_diff.is_empty(), "event types differ on {} of {codes} codes: {type_diff:?}", type_diff.len());
    // Modes: the table itself is unsure of a few ("ease is no longer a mode");
    // allow at most 5 % to differ, and list them.
    assert!(mode_diff.len() * 20 <= mode_both, "modes differ on {} of {mode_both}: {mode_diff:?}", mode_diff.len());
}

#[test]
fn statements_and_appeals_are_not_plover_events_and_junk_is_refused() {
    assert_eq!(to_plover("010"), None);
    assert_eq!(to_plover("0214"), None);
    assert_eq!(to_plover("abc"), None);
    assert_eq!(to_plover("21"), None);
    assert_eq!(to_plover("190").map(|p| p.0), Some(EventType::Assault));
    assert_eq!(to_plover("163").map(|p| p.0), Some(EventType::Coerce));
    assert_eq!(to_plover("0871"), Some((EventType::Retreat, "ceasefire")));
}
