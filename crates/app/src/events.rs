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
