//! KTAB-style CSV output: positions and ideals per turn, and each actor's
//! position's win probability per turn.

use std::io::{self, Write};

use demarche_forecast::Forecast;
use demarche_scenario::Scenario;

/// `%.17g`: the shortest text that is at most 17 significant digits, as KTAB's
/// reference files print them (e.g. `75.790000000000006`).
pub fn g17(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    if !x.is_finite() {
        return if x.is_nan() {
            "nan".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    // Scientific form with 17 significant digits gives the exponent after rounding.
    let sci = format!("{:.16e}", x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..17).contains(&exp) {
        let decimals = (16 - exp).max(0) as usize;
        let s = format!("{:.*}", decimals, x);
        trim_zeros(&s)
    } else {
        let m = trim_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    }
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// A position on the issue's scale as KTAB's 0–100 scale.
fn to_ktab_scale(x: f64, min: f64, max: f64) -> f64 {
    if min == 0.0 && max == 100.0 {
        x
    } else {
        100.0 * (x - min) / (max - min)
    }
}

/// Write `turn,actor,name,dim,pos,ideal` for every turn, actor and dimension
/// (positions and ideals on KTAB's 0–100 scale, i.e. each issue's scale
/// rescaled to 0–100), like KTAB's `VectorPosition` table.
pub fn write_trajectory_csv(forecast: &Forecast, scenario: &Scenario, mut w: impl Write) -> io::Result<()> {
    writeln!(w, "turn,actor,name,dim,pos,ideal")?;
    let turns = forecast.issues.first().map(|f| f.trajectory.len()).unwrap_or(0);
    let scales: Vec<(f64, f64)> = forecast
        .issues
        .iter()
        .map(|f| {
            scenario
                .issue_index(&f.issue)
                .map(|i| (scenario.issues[i].min, scenario.issues[i].max))
                .unwrap_or((0.0, 100.0))
        })
        .collect();
    for t in 0..turns {
        for (a, actor) in forecast.actors.iter().enumerate() {
            for (d, f) in forecast.issues.iter().enumerate() {
                let Some(k) = f.participants.iter().position(|&p| p == a) else {
                    continue;
                };
                let (lo, hi) = scales[d];
                let pos = f.trajectory.get(t).and_then(|r| r.get(k)).copied().unwrap_or(f64::NAN);
                let ideal = f.ideals.get(t).and_then(|r| r.get(k)).copied().unwrap_or(pos);
                writeln!(
                    w,
                    "{t},{a},{},{d},{},{}",
                    csv_text(&actor.name),
                    g17(to_ktab_scale(pos, lo, hi)),
                    g17(to_ktab_scale(ideal, lo, hi))
                )?;
            }
        }
    }
    Ok(())
}

/// Write `turn,actor,prob`: the probability that each actor's position
/// prevails, per turn (KTAB's "History of actors' winning probabilities").
pub fn write_probability_csv(forecast: &Forecast, mut w: impl Write) -> io::Result<()> {
    writeln!(w, "turn,actor,prob")?;
    if let Some(probs) = &forecast.win_probabilities {
        for (t, row) in probs.iter().enumerate() {
            for (a, p) in row.iter().enumerate() {
                writeln!(w, "{t},{a},{}", g17(*p))?;
            }
        }
    }
    Ok(())
}

/// Quote a CSV field if it needs it.
fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::g17;

    #[test]
    fn prints_like_printf_17g() {
        assert_eq!(g17(0.7579 * 100.0), "75.790000000000006");
        assert_eq!(g17(73.5), "73.5");
        assert_eq!(g17(64.0), "64");
        assert_eq!(g17((0.07 / 100.0) * 100.0), "0.070000000000000007");
        assert_eq!(g17("0.0047361458499520582".parse().unwrap()), "0.0047361458499520582");
        assert_eq!(g17(1.5e-7), "1.4999999999999999e-07");
        assert_eq!(g17(1e20), "1e+20");
        assert_eq!(g17(0.0), "0");
        assert_eq!(g17(100.0), "100");
    }
}
