//! The event use cases (`demarche events …`, docs/events.md): import a data
//! set's file, code plain text, build weekly dyad series, suggest scenario
//! updates, and score the coder on human-coded records. Each reads bounded
//! input and reports every problem with its line.

use std::path::Path;

use demarche_events::coder::{self, CoderOptions, Dictionaries, Input};
use demarche_events::import::{self, Dataset, Imported};
use demarche_events::link::Linker;
use demarche_events::score::{self, Scores};
use demarche_events::series::{self, Series};
use demarche_events::suggest::{self, SuggestOptions, Suggestion};
use demarche_events::Event;
use demarche_scenario::Scenario;

/// The largest text file `events code` reads (64 MiB) and how many records.
pub const MAX_CODE_BYTES: u64 = 64 << 20;
pub const MAX_CODE_RECORDS: usize = 1_000_000;
/// A record's text longer than this is cut (a news article is far shorter).
pub const MAX_RECORD_CHARS: usize = 100_000;

#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("{path}: cannot tell which data set this is; hint: pass --from gdelt|icews|polecat|plover|jsonl")]
    Unknown { path: String },
    #[error("{0}")]
    Problems(String),
    #[error("{0}")]
    Dictionaries(String),
}

/// Reads a file of at most `cap` bytes as text (invalid UTF-8 is an error with its offset).
pub fn read_text(path: &Path, cap: u64) -> Result<String, EventsError> {
    let err = |message: String| EventsError::Read { path: path.display().to_string(), message };
    let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
    if meta.len() > cap {
        return Err(err(format!("it is {} bytes; the limit is {cap}", meta.len())));
    }
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(|e| err(e.to_string()))?
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(e.to_string()))?;
    if bytes.len() as u64 > cap {
        return Err(err(format!("it is over {cap} bytes")));
    }
    String::from_utf8(bytes)
        .map_err(|e| err(format!("not UTF-8 text (bad byte at offset {})", e.utf8_error().valid_up_to())))
}

fn file_name(path: &Path) -> String {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string()
}

/// Formats an import's problems, all of them (up to the kept number, then a count).
pub fn problems_text(path: &Path, imported: &Imported) -> String {
    let mut s = String::new();
    for p in &imported.problems {
        s.push_str(&format!("{}:{}: {}\n", path.display(), p.line, p.message));
    }
    if imported.more_problems > 0 {
        s.push_str(&format!("… and {} more problems\n", imported.more_problems));
    }
    s
}

/// Imports one file; `strict` turns any problem into an error (all listed).
pub fn import_file(
    path: &Path,
    from: Option<Dataset>,
    mentions: Option<&Path>,
    strict: bool,
) -> Result<Imported, EventsError> {
    let text = read_text(path, import::MAX_IMPORT_BYTES)?;
    let name = file_name(path);
    let dataset = match from {
        Some(d) => d,
        None => {
            import::detect(&text, &name).ok_or_else(|| EventsError::Unknown { path: path.display().to_string() })?
        }
    };
    let mut imported = import::import(&text, &name, dataset);
    if let Some(m) = mentions {
        if dataset != Dataset::Gdelt {
            return Err(EventsError::Problems("--mentions goes with a GDELT 2.0 events file".into()));
        }
        let mt = read_text(m, import::MAX_IMPORT_BYTES)?;
        import::attach_mentions(&mut imported, &mt);
    }
    if strict && imported.problem_count() > 0 {
        return Err(EventsError::Problems(format!(
            "{}{} problems in {}; hint: fix them, or pass --skip-bad to import the rows that are fine",
            problems_text(path, &imported),
            imported.problem_count(),
            path.display()
        )));
    }
    Ok(imported)
}

/// Events from any file an import reads (the format guessed), all problems an error.
pub fn read_events(path: &Path) -> Result<Vec<Event>, EventsError> {
    Ok(import_file(path, None, None, true)?.events)
}

/// The dictionaries: built-in, or a PETRARCH folder folded into them.
pub fn dictionaries(dir: Option<&Path>) -> Result<Dictionaries, EventsError> {
    match dir {
        None => Ok(Dictionaries::builtin()),
        Some(d) => Dictionaries::from_dir(d).map_err(EventsError::Dictionaries),
    }
}

/// The inputs of a file to code: JSONL `{"id", "text", "date"}` records, or
/// plain text with one article or sentence per line (ids are line numbers).
pub fn code_inputs(text: &str) -> Result<Vec<Input>, EventsError> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let json = text.trim_start().starts_with('{');
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if out.len() >= MAX_CODE_RECORDS {
            problems.push(format!("line {}: more than {MAX_CODE_RECORDS} records; split the file", i + 1));
            break;
        }
        let cut = |s: &str| s.chars().take(MAX_RECORD_CHARS).collect::<String>();
        if json {
            match serde_json::from_str::<serde_json::Value>(line) {
                Ok(v) => {
                    let Some(t) = v.get("text").and_then(|t| t.as_str()) else {
                        problems.push(format!("line {}: no \"text\" string; hint: {{\"id\": \"a1\", \"text\": \"…\", \"date\": \"2025-06-04\"}}", i + 1));
                        continue;
                    };
                    let id = match v.get("id") {
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(other) if !other.is_null() => other.to_string(),
                        _ => (i + 1).to_string(),
                    };
                    let date = v.get("date").and_then(|d| d.as_str()).map(str::to_string);
                    if let Some(d) = &date {
                        if series::parse_day(d).is_none() {
                            problems.push(format!("line {}: date `{d}` is not YYYY-MM-DD", i + 1));
                        }
                    }
                    out.push(Input { id, text: cut(t), date });
                }
                Err(e) => problems.push(format!("line {}: not a JSON record: {e}", i + 1)),
            }
        } else {
            out.push(Input { id: (i + 1).to_string(), text: cut(line), date: None });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(EventsError::Problems(problems.join("\n")))
    }
}

/// Codes every input.
pub fn code(d: &Dictionaries, inputs: &[Input], opts: &CoderOptions) -> Vec<Event> {
    inputs.iter().flat_map(|i| coder::code(d, i, opts)).collect()
}

/// Parses `YYYY-MM-DD` for `--since`/`--until`.
pub fn day(s: &str) -> Result<i64, EventsError> {
    series::parse_day(s).ok_or_else(|| EventsError::Problems(format!("`{s}` is not a date; hint: YYYY-MM-DD")))
}

/// The weekly dyad series, with the scenario's actors when given.
pub fn series_of(events: &[Event], sc: Option<&Scenario>, since: Option<i64>, until: Option<i64>) -> Series {
    let linker = sc.map(Linker::new);
    series::build(events, linker.as_ref(), since, until)
}

/// Suggestions and the overlay that holds them.
pub fn suggestions(sc: &Scenario, events: &[Event], since: Option<i64>) -> (Vec<Suggestion>, String) {
    let s = suggest::suggest(sc, events, since, &SuggestOptions::default());
    let name = if sc.meta.title.is_empty() { "the scenario".to_string() } else { sc.meta.title.clone() };
    let overlay = suggest::overlay(&name, &s);
    (s, overlay)
}

/// The coder's and the naive baseline's scores on a gold file.
pub fn score_gold(gold_path: &Path, d: &Dictionaries) -> Result<(Scores, Scores), EventsError> {
    let text = read_text(gold_path, MAX_CODE_BYTES)?;
    let gold = score::read_gold(&text).map_err(EventsError::Problems)?;
    let predicted = score::main_events(d, &gold, &CoderOptions::default());
    let coder_scores = score::score(&gold, &predicted);
    let naive = score::score_types(&gold, &score::naive_events(d, &gold));
    Ok((coder_scores, naive))
}

/// The scores as a table (docs/events.md shows this output).
pub fn scores_table(coder_scores: &Scores, naive: &Scores) -> String {
    let mut s = String::new();
    s.push_str(&format!("records: {}\n\n", coder_scores.records));
    s.push_str("score                               coder   naive look-up\n");
    let row = |name: &str, a: f64, b: Option<f64>| {
        format!("{name:<34} {a:>6.3}   {}\n", b.map_or("      —".to_string(), |b| format!("{b:>6.3}")))
    };
    s.push_str(&row("event-type accuracy", coder_scores.accuracy, Some(naive.accuracy)));
    s.push_str(&row("event-type macro-F1", coder_scores.macro_f1, Some(naive.macro_f1)));
    s.push_str(&row("coverage (any event)", coder_scores.coverage, Some(naive.coverage)));
    s.push_str(&row("source country F1", coder_scores.source_f1, None));
    s.push_str(&row("target country F1", coder_scores.target_f1, None));
    s.push_str(&row("(source, type, target) precision", coder_scores.triple_precision, None));
    s.push_str(&row("(source, type, target) recall", coder_scores.triple_recall, None));
    s.push_str("\nper type (records, correct):\n");
    for (k, (n, c)) in &coder_scores.per_type {
        s.push_str(&format!("  {k:<10} {n:>3} {c:>3}\n"));
    }
    s
}

/// Weeks the escalation signal calls recent, by default.
pub const ESCALATION_WEEKS: usize = 4;

/// The events' escalation signal for a scenario's dyads, and what it was made of.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EscalationInput {
    /// `(a, b)` actor ids → the signal, 0–1 ([`series::escalation`]).
    pub signal: std::collections::BTreeMap<(String, String), f64>,
    /// Events read, and those placed on a dyad of the scenario's actors.
    pub events: usize,
    pub linked: usize,
    /// The recent weeks counted, and the day they end on.
    pub weeks: usize,
    pub until: Option<String>,
    /// Events dated after the scenario's as-of date (counted in the signal
    /// unless `until` cuts them).
    pub after_as_of: usize,
}

impl EscalationInput {
    /// One line saying what the signal was made of, for a command's output.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "Escalation signal from events: {} events, {} on dyads of the scenario's actors; the last {} weeks{} \
             against the weeks before; weight {} in the confrontation indicator (docs/models.md).",
            self.events,
            self.linked,
            self.weeks,
            self.until.as_ref().map(|u| format!(" to {u}")).unwrap_or_default(),
            demarche_sim::confrontation::ESCALATION_WEIGHT
        );
        if self.after_as_of > 0 {
            s.push_str(&format!(
                "\nNote: {} events are dated after the scenario's as-of date; they are counted (hint: --events-until \
                 the as-of date to leave them out).",
                self.after_as_of
            ));
        }
        s
    }
}

/// The escalation signal of `events` for `sc`'s dyads over the `weeks` that
/// end on `until` (default: the last event's week). Events after `until` are
/// left out.
pub fn escalation_signal(sc: &Scenario, events: &[Event], until: Option<i64>, weeks: usize) -> EscalationInput {
    let s = series_of(events, Some(sc), None, until);
    let as_of = sc.meta.as_of.as_deref().and_then(series::parse_day);
    let after_as_of = match as_of {
        Some(a) => events
            .iter()
            .filter_map(|e| series::parse_day(&e.date))
            .filter(|&d| d > a && until.is_none_or(|u| d <= u))
            .count(),
        None => 0,
    };
    let linked = s.placed(events.len());
    EscalationInput {
        signal: series::escalation(&s, weeks, until),
        events: events.len(),
        linked,
        weeks: weeks.max(1),
        until: until.map(series::format_day),
        after_as_of,
    }
}

/// Events an events run keeps in the store with its review; a larger set is
/// left out of the record (the review is kept) and the summary says so.
pub const MAX_STORED_EVENTS: usize = 20_000;

/// Event data read against a scenario: the weekly series, the suggested
/// updates and their overlay, and what a report or the workbench draws.
#[derive(Clone, Debug)]
pub struct Review {
    pub series: Series,
    pub suggestions: Vec<Suggestion>,
    pub overlay: String,
    pub drawn: demarche_report::data::EventsReview,
}

/// Reviews `events`: the series of the window `[since, until]` with the
/// scenario's actors (country codes without one) and, with a scenario, the
/// suggestions from the events since `since`.
pub fn review(sc: Option<&Scenario>, events: &[Event], since: Option<i64>, until: Option<i64>) -> Review {
    use demarche_report::data::{DyadTimeline, EventLine, EventsReview, SuggestionRow, TimelineWeek};
    let series = series_of(events, sc, since, until);
    let (suggestions, overlay) = match sc {
        Some(sc) => {
            let window: Vec<Event> = match until {
                Some(u) => {
                    events.iter().filter(|e| series::parse_day(&e.date).is_none_or(|d| d <= u)).cloned().collect()
                }
                None => events.to_vec(),
            };
            suggestions(sc, &window, since)
        }
        None => (Vec::new(), String::new()),
    };
    let name = |id: &str| {
        sc.and_then(|sc| sc.actors.iter().find(|a| a.id == id)).map_or_else(|| id.to_string(), |a| a.name.clone())
    };
    let mut by_dyad: std::collections::BTreeMap<(String, String), Vec<TimelineWeek>> = Default::default();
    for r in &series.rows {
        by_dyad.entry((r.a.clone(), r.b.clone())).or_default().push(TimelineWeek {
            week: r.week.clone(),
            cooperation: r.verbal_cooperation + r.material_cooperation,
            verbal_conflict: r.verbal_conflict,
            material_conflict: r.material_conflict,
            index: r.index,
        });
    }
    let mut timelines: Vec<DyadTimeline> = by_dyad
        .into_iter()
        .map(|((a, b), weeks)| DyadTimeline { label: format!("{} and {}", name(&a), name(&b)), a, b, weeks })
        .collect();
    let count = |t: &DyadTimeline| {
        t.weeks.iter().map(|w| w.cooperation + w.verbal_conflict + w.material_conflict).sum::<usize>()
    };
    // Most events first; ties in dyad order (the sort is stable).
    timelines.sort_by_key(|t| std::cmp::Reverse(count(t)));
    let by_id: std::collections::HashMap<&str, &Event> = events.iter().map(|e| (e.id.as_str(), e)).collect();
    let line = |id: &String| {
        let e = by_id.get(id.as_str());
        EventLine {
            id: id.clone(),
            date: e.map(|e| e.date.clone()).unwrap_or_default(),
            event: e.map(|e| e.event.as_str().to_string()).unwrap_or_default(),
            text: e.map(|e| e.text.chars().take(240).collect()).unwrap_or_default(),
            source: e
                .map(|e| if e.source.outlet.is_empty() { e.source.dataset.clone() } else { e.source.outlet.clone() })
                .unwrap_or_default(),
        }
    };
    let rows = suggestions
        .iter()
        .map(|s| SuggestionRow {
            kind: serde_json::to_value(&s.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
            target: s.target.clone(),
            current: s.current,
            suggested: s.suggested,
            reason: s.reason.clone(),
            applicable: s.applicable,
            events: s.events.iter().map(line).collect(),
        })
        .collect();
    let placed = series.placed(events.len());
    let mut summary = format!(
        "{} events read; {placed} placed on {} dyad{} of {} over {} dyad-week{}",
        events.len(),
        timelines.len(),
        if timelines.len() == 1 { "" } else { "s" },
        if sc.is_some() { "the scenario's actors" } else { "countries" },
        series.rows.len(),
        if series.rows.len() == 1 { "" } else { "s" },
    );
    if let (Some(first), Some(last)) =
        (series.rows.iter().map(|r| &r.week).min(), series.rows.iter().map(|r| &r.week).max())
    {
        summary.push_str(&format!(", the weeks of {first} to {last}"));
    }
    summary.push('.');
    if series.without_dyad + series.undated + series.outside_window > 0 {
        summary.push_str(&format!(
            " Left out: {} with no pair of actors on both sides, {} undated, {} outside the window.",
            series.without_dyad, series.undated, series.outside_window
        ));
    }
    if events.len() > MAX_STORED_EVENTS {
        summary.push_str(&format!(
            " The run keeps this review, not the {} events (over {MAX_STORED_EVENTS}).",
            events.len()
        ));
    }
    Review { drawn: EventsReview { summary, timelines, suggestions: rows }, series, suggestions, overlay }
}

/// The scenario with the accepted suggestions applied (indices into
/// `suggestions`), through the overlay they make — exactly what passing that
/// overlay to `--overlay` gives. A suggestion that cannot apply as written
/// (a new actor) is an error naming it.
pub fn apply_suggestions(
    sc: &Scenario,
    suggestions: &[Suggestion],
    accepted: &[usize],
) -> Result<Scenario, EventsError> {
    let mut chosen = Vec::new();
    let mut problems = Vec::new();
    for &i in accepted {
        match suggestions.get(i) {
            Some(s) if s.applicable => chosen.push(s.clone()),
            Some(s) => problems.push(format!(
                "suggestion {} ({}) cannot apply as written; hint: add the actor to the scenario by hand",
                i + 1,
                s.target
            )),
            None => problems.push(format!("there is no suggestion {} (there are {})", i + 1, suggestions.len())),
        }
    }
    if !problems.is_empty() {
        return Err(EventsError::Problems(problems.join("\n")));
    }
    let name = if sc.meta.title.is_empty() { "the scenario".to_string() } else { sc.meta.title.clone() };
    let text = suggest::overlay(&name, &chosen);
    demarche_scenario::patch::overlay_str(sc, &text, "suggestions")
        .map(|l| l.scenario)
        .map_err(|e| EventsError::Problems(e.to_string()))
}

/// Events from a file's text whatever its kind: a data set's file (the kind
/// guessed as `events import` does, every problem an error), or — when it is
/// none — text to code with the built-in dictionaries (JSONL `{"id", "text",
/// "date"}` records, or one headline per line). Says which it was.
pub fn events_from_text(text: &str, name: &str) -> Result<(Vec<Event>, String), EventsError> {
    let coded = |inputs: Vec<Input>| {
        let d = Dictionaries::builtin();
        let events = code(&d, &inputs, &CoderOptions::default());
        let how = format!("coded {} records of text with the built-in dictionaries", inputs.len());
        (events, how)
    };
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    // Records of text to code carry `text` and no event of their own.
    if first.trim_start().starts_with('{') {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(first) {
            if v.get("text").is_some() && v.get("event").is_none() && v.get("event_type").is_none() {
                return Ok(coded(code_inputs(text)?));
            }
        }
    }
    match import::detect(text, name) {
        Some(dataset) => {
            let imported = import::import(text, name, dataset);
            if imported.problem_count() > 0 {
                return Err(EventsError::Problems(format!(
                    "{}{} problems in {name}",
                    problems_text(Path::new(name), &imported),
                    imported.problem_count()
                )));
            }
            let how =
                format!("imported {} events from {} rows ({})", imported.events.len(), imported.rows, dataset.as_str());
            Ok((imported.events, how))
        }
        None if text.trim().is_empty() => Err(EventsError::Problems(format!("{name} is empty"))),
        None => Ok(coded(code_inputs(text)?)),
    }
}

/// Puts the escalation signal into a simulation's confrontation indicator
/// ([`demarche_sim::confrontation::with_escalation`]).
pub fn apply_escalation(report: &mut demarche_sim::Report, input: &EscalationInput) {
    let dyads = std::mem::take(&mut report.confrontation);
    report.confrontation = demarche_sim::confrontation::with_escalation(dyads, &input.signal);
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADLINES: &str = include_str!("../../../docs/events/june-2025-headlines.jsonl");

    #[test]
    fn text_is_coded_and_data_sets_are_imported() {
        let (coded, how) = events_from_text(HEADLINES, "june.jsonl").unwrap();
        assert!(how.starts_with("coded 16 records"), "{how}");
        assert!(coded.len() >= 15);
        let jsonl = String::from_utf8(demarche_events::output::jsonl(&coded)).unwrap();
        let (imported, how) = events_from_text(&jsonl, "events.jsonl").unwrap();
        assert!(how.starts_with("imported 18 events"), "{how}");
        assert_eq!(imported, coded);
        let (plain, how) = events_from_text("Iran rejected the US proposal.\n", "h.txt").unwrap();
        assert!(how.starts_with("coded 1 records"), "{how}");
        assert_eq!(plain.len(), 1);
        assert!(events_from_text("  \n", "e.txt").unwrap_err().to_string().contains("empty"));
    }

    #[test]
    fn accepted_suggestions_apply_as_their_overlay_does() {
        let sc = demarche_scenario::seed().unwrap().scenario;
        let (events, _) = events_from_text(HEADLINES, "june.jsonl").unwrap();
        let r = review(Some(&sc), &events, None, None);
        assert!(!r.suggestions.is_empty());
        let applied = apply_suggestions(&sc, &r.suggestions, &[0]).unwrap();
        let by_overlay = demarche_scenario::patch::overlay_str(&sc, &r.overlay, "o").unwrap().scenario;
        assert_eq!(applied, by_overlay, "one suggestion, so the whole overlay");
        assert_ne!(applied, sc);
        let e = apply_suggestions(&sc, &r.suggestions, &[7]).unwrap_err().to_string();
        assert!(e.contains("there is no suggestion 8"), "{e}");
        // The review's timelines: the busiest dyad first, names as labels.
        let t = &r.drawn.timelines;
        let n = |i: usize| {
            t[i].weeks.iter().map(|w| w.cooperation + w.verbal_conflict + w.material_conflict).sum::<usize>()
        };
        assert!((1..t.len()).all(|i| n(i - 1) >= n(i)));
        assert!(t.iter().any(|d| d.label.contains("US administration")));
    }

    #[test]
    fn the_escalation_signal_reads_only_up_to_its_end() {
        let sc = demarche_scenario::seed().unwrap().scenario;
        let (events, _) = events_from_text(HEADLINES, "june.jsonl").unwrap();
        let all = escalation_signal(&sc, &events, None, ESCALATION_WEEKS);
        assert_eq!(all.events, 18);
        assert_eq!(all.after_as_of, 18);
        assert!(all.signal.values().any(|&x| x > 0.0));
        let cut = escalation_signal(&sc, &events, day("2025-06-02").ok(), ESCALATION_WEEKS);
        assert!(cut.signal.values().all(|&x| x == 0.0), "{:?}", cut.signal);
        assert_eq!(cut.after_as_of, 0);
    }
}
