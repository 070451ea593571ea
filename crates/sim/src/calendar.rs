//! Calendar days for the simulation's clock: a round lasts `round_days`,
//! round 0 starts on the scenario's as-of date. The date arithmetic itself is
//! `demarche_scenario::calendar`.

pub use demarche_scenario::calendar::{civil_from_days, days_from_civil, parse};

/// The round (0-based) in which day `day` falls, for talks starting on
/// `start` with rounds of `round_days`; days before the start fall in round 0.
pub fn round_of(day: i64, start: i64, round_days: u32) -> u64 {
    u64::try_from((day - start).max(0) / i64::from(round_days.max(1))).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_count_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(parse("2025-06-13").unwrap() - parse("2025-06-02").unwrap(), 11);
        assert_eq!(parse("2025-03-01").unwrap() - parse("2025-02-28").unwrap(), 1);
        assert_eq!(parse("2024-03-01").unwrap() - parse("2024-02-28").unwrap(), 2);
        for z in [-1, 0, 1, 20_000, 20_241, 800_000] {
            assert_eq!(parse(&civil_from_days(z)), Some(z));
        }
        assert_eq!(civil_from_days(parse("2025-08-28").unwrap()), "2025-08-28");
        assert_eq!(parse("June 2025"), None);
        assert_eq!(parse("2025-02-31"), None);
        assert_eq!(parse("2024-02-29").map(civil_from_days).as_deref(), Some("2024-02-29"));
        assert_eq!(parse("2025-02-29"), None);
        assert_eq!(parse("2025-06-13x"), None);
        assert_eq!(round_of(parse("2025-06-13").unwrap(), parse("2025-06-02").unwrap(), 7), 1);
        assert_eq!(round_of(parse("2025-05-01").unwrap(), parse("2025-06-02").unwrap(), 7), 0);
    }
}
