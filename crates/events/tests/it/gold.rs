//! The coder on the PLOVER gold-standard records in ../shared.
use demarche_events::coder::CoderOptions;
use demarche_events::score;

use crate::common::{petrarch_dictionaries, shared_events};

#[test]
fn coder_accuracy_on_the_plover_gold_records_stays_above_the_floor() {
    let Some(dir) = shared_events() else { return };
    let gold = score::read_gold(&std::fs::read_to_string(dir.join("plover-gsr-cameo-dev.json")).unwrap()).unwrap();
    assert_eq!(gold.len(), 161);
    let d = petrarch_dictionaries(&dir);
    let predicted = score::main_events(&d, &gold, &CoderOptions::default());
    let s = score::score(&gold, &predicted);
    let naive = score::score_types(&gold, &score::naive_events(&d, &gold));
    eprintln!("coder: {s:?}\nnaive: accuracy {:.3} macro-F1 {:.3}", naive.accuracy, naive.macro_f1);
    if std::env::var("SHOW_MISSES").is_ok() {
        for (g, p) in gold.iter().zip(&predicted) {
            if p.as_ref().map(|e| e.event) != Some(g.event) {
                eprintln!(
                    "MISS {} want {} got {:?} rule {:?}\n    {}",
                    g.id,
                    g.event,
                    p.as_ref().map(|e| e.event),
                    p.as_ref().and_then(|e| e.coding.as_ref().map(|c| c.rule.clone())),
                    g.text
                );
            }
        }
    }
    assert!(s.accuracy >= 0.5, "event-type accuracy {:.3} fell below the 0.5 floor", s.accuracy);
}
