//! Weekly dyad series and the escalation signal.
use demarche_events::series::{build, escalation, format_day, parse_day, week_start};
use demarche_events::{Event, EventActor, EventType, Provenance};

fn ev(id: &str, date: &str, kind: EventType, from: &str, to: &str) -> Event {
    let mut e = Event::new(id, date, kind, Provenance::default());
    e.actors.push(EventActor::from_code("", from));
    e.recipients.push(EventActor::from_code("", to));
    e
}

#[test]
fn weeks_start_on_monday() {
    // 2025-06-04 was a Wednesday; its week began on Monday 2 June.
    assert_eq!(format_day(week_start(parse_day("2025-06-04").unwrap())), "2025-06-02");
    assert_eq!(format_day(week_start(parse_day("2025-06-02").unwrap())), "2025-06-02");
    assert_eq!(format_day(week_start(parse_day("2025-06-08").unwrap())), "2025-06-02");
    assert_eq!(format_day(parse_day("1999-12-31").unwrap()), "1999-12-31");
}

#[test]
fn counts_scores_and_index_per_undirected_dyad_week() {
    let events = vec![
        ev("1", "2025-06-02", EventType::Consult, "USA", "IRN"),
        ev("2", "2025-06-03", EventType::Threaten, "IRN", "USA"),
        ev("3", "2025-06-13", EventType::Assault, "ISR", "IRN"),
        ev("4", "2025-06-13", EventType::Assault, "IRN", "ISR"),
    ];
    let s = build(&events, None, None, None);
    assert_eq!(s.rows.len(), 2);
    let us = &s.rows.iter().find(|r| r.a == "IRN" && r.b == "USA").unwrap();
    assert_eq!((us.week.as_str(), us.events, us.verbal_cooperation, us.verbal_conflict), ("2025-06-02", 2, 1, 1));
    // CONSULT +2.5, THREATEN −3.5: index (2.5 − 3.5) / 6 = −0.167.
    assert_eq!(us.index, -0.167);
    let il = &s.rows.iter().find(|r| r.a == "IRN" && r.b == "ISR").unwrap();
    assert_eq!((il.material_conflict, il.intensity, il.index), (2, -18.0, -1.0));
    let windowed = build(&events, None, parse_day("2025-06-10"), None);
    assert_eq!((windowed.rows.len(), windowed.outside_window), (1, 2));
}

#[test]
fn escalation_rises_with_recent_material_conflict() {
    let mut events = vec![ev("0", "2025-05-05", EventType::Consult, "ISR", "IRN")];
    for (i, d) in ["2025-06-13", "2025-06-14", "2025-06-15", "2025-06-16"].iter().enumerate() {
        events.push(ev(&format!("a{i}"), d, EventType::Assault, "ISR", "IRN"));
    }
    events.push(ev("u", "2025-05-06", EventType::Consult, "USA", "IRN"));
    events.push(ev("u2", "2025-06-16", EventType::Consult, "USA", "IRN"));
    let s = build(&events, None, None, None);
    let sig = escalation(&s, 2, None);
    let il = sig[&("IRN".to_string(), "ISR".to_string())];
    let ui = sig[&("IRN".to_string(), "USA".to_string())];
    assert!(il > 0.5, "{il}");
    assert_eq!(ui, 0.0);
    // Ending the window before the strikes, nothing has risen yet.
    let before = escalation(&s, 2, Some(parse_day("2025-06-01").unwrap()));
    assert_eq!(before[&("IRN".to_string(), "ISR".to_string())], 0.0);
    assert!(!before.contains_key(&("ISR".to_string(), "ZZZ".to_string())));
}
