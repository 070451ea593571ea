//! A run told the way the replication's log tells it: per round, who loses a
//! confrontation to, compromises with or capitulates to whom, both expected
//! utilities, and the new position.
//!
//! Unlike the replication, "Median position" here is always the weighted
//! median (the replication prints the weighted mean under that label after
//! round 0).

use std::fmt::Write;

use demarche_forecast::InteractionKind;

use crate::run::Run;

/// The verb phrase the replication's log uses for an accepted offer.
pub fn phrase(kind: InteractionKind) -> &'static str {
    match kind {
        InteractionKind::Conflict => "loses confrontation to",
        InteractionKind::Compromise => "compromises with",
        InteractionKind::Capitulation => "capitulates to",
        InteractionKind::Stalemate => "stays put against",
    }
}

/// The run as text; `names[i]` names actor i.
pub fn explain(run: &Run, names: &[String]) -> String {
    let name = |i: usize| names.get(i).map_or_else(|| format!("actor {i}"), Clone::clone);
    let mut out = String::new();
    let _ = writeln!(out, "Median position: {:?}", run.median[0]);
    let _ = writeln!(out, "Mean position: {:?}", run.mean[0]);
    for (t, report) in run.rounds.iter().enumerate() {
        let _ = writeln!(out, "\nROUND {}", report.round);
        for (i, mv) in report.moves.iter().enumerate() {
            if let Some(mv) = mv {
                let _ = writeln!(out, "{} {} {}", name(i), phrase(mv.kind), name(mv.other));
                let _ = writeln!(out, "\t{:?} vs {:?}", mv.own_eu, mv.other_eu);
                let _ = writeln!(out, "\tnew_pos = {:?}", mv.new_position);
            }
        }
        let _ = writeln!(out, "\nMedian position: {:?}", run.median[t + 1]);
        let _ = writeln!(out, "Mean position: {:?}", run.mean[t + 1]);
    }
    out
}
