//! `demarche events import|code|series|suggest|score`: event data in, coded,
//! counted and turned into reviewed scenario updates (docs/events.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use demarche_app::events as app;
use demarche_events::coder::{CoderOptions, Negation};
use demarche_events::import::Dataset;
use demarche_events::output;

use super::CmdResult;
use crate::input;

#[derive(Args)]
pub struct EventsArgs {
    #[command(subcommand)]
    pub command: EventsCommand,
}

#[derive(Subcommand)]
pub enum EventsCommand {
    /// Read GDELT 2.0, ICEWS, POLECAT or PLOVER event files into demarche's PLOVER-shaped events.
    Import(ImportArgs),
    /// Code English text (one article or sentence per line, or JSONL {"id","text","date"}) into events, offline.
    Code(CodeArgs),
    /// Weekly counts per pair of actors: events per quad class, summed scores, a cooperation–conflict index.
    Series(SeriesArgs),
    /// Suggest scenario updates from events, as an overlay to review (nothing is applied until --overlay).
    Suggest(SuggestArgs),
    /// Score the coder on human-coded PLOVER records (accuracy, macro-F1, actor F1, coverage).
    Score(ScoreArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum From {
    Gdelt,
    Icews,
    Polecat,
    Plover,
    Jsonl,
}

impl From {
    fn dataset(self) -> Dataset {
        match self {
            From::Gdelt => Dataset::Gdelt,
            From::Icews => Dataset::Icews,
            From::Polecat => Dataset::Polecat,
            From::Plover => Dataset::Plover,
            From::Jsonl => Dataset::Native,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EventFormat {
    Jsonl,
    Csv,
    Parquet,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The event file.
    pub file: PathBuf,
    /// Its data set (guessed from the file when omitted).
    #[arg(long = "from", value_enum)]
    pub from: Option<From>,
    /// A GDELT 2.0 mentions file to attach (outlets, mention counts, confidence).
    #[arg(long)]
    pub mentions: Option<PathBuf>,
    /// Output: demarche's event JSONL, CSV or Parquet.
    #[arg(long, short, value_enum, default_value = "jsonl")]
    pub format: EventFormat,
    /// Import the rows that are fine and list the others on standard error.
    #[arg(long)]
    pub skip_bad: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NegationArg {
    Flag,
    Drop,
}

#[derive(Args)]
pub struct CodeArgs {
    /// Text file: one article or sentence per line, or JSONL with "id", "text" and "date".
    pub file: PathBuf,
    /// A folder of PETRARCH-format dictionaries folded into the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub dictionaries: Option<PathBuf>,
    /// Negated events ("did not attack"): keep them flagged, or drop them.
    #[arg(long, value_enum, default_value = "flag")]
    pub negation: NegationArg,
    /// Only each sentence's main event.
    #[arg(long)]
    pub main_only: bool,
    /// Output: demarche's event JSONL, CSV or Parquet.
    #[arg(long, short, value_enum, default_value = "jsonl")]
    pub format: EventFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeriesFormat {
    Table,
    Csv,
    Json,
    Parquet,
}

#[derive(Args)]
pub struct SeriesArgs {
    /// Events (any file `events import` reads, or its JSONL output).
    pub events: PathBuf,
    /// Count by this scenario's actors (linked by their `codes` and `aliases`) instead of countries.
    #[arg(long)]
    pub scenario: Option<String>,
    /// Only events on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<String>,
    /// Only events on or before this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<String>,
    /// Output: a table of weekly counts per dyad, CSV, JSON or Parquet.
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: SeriesFormat,
    #[command(flatten)]
    pub store: super::runs::StoreArgs,
}

#[derive(Args)]
pub struct SuggestArgs {
    #[command(flatten)]
    pub scenario: input::ScenarioArgs,
    /// Events (any file `events import` reads, or the output of `events code`).
    #[arg(long, required = true)]
    pub events: Vec<PathBuf>,
    /// Only events on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<String>,
    /// `overlay` (TOML to pass to --overlay) or `json` (each suggestion with its events).
    #[arg(long, short, value_enum, default_value = "overlay")]
    pub format: SuggestFormat,
    #[command(flatten)]
    pub store: super::runs::StoreArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SuggestFormat {
    Overlay,
    Json,
}

#[derive(Args)]
pub struct ScoreArgs {
    /// Human-coded records in PLOVER JSON (e.g. ../shared/reference/events/plover-gsr-cameo-dev.json).
    pub gold: PathBuf,
    /// A folder of PETRARCH-format dictionaries folded into the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub dictionaries: Option<PathBuf>,
    /// Output: the score table, or JSON.
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: ScoreFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    Table,
    Json,
}

pub fn run(args: &EventsArgs) -> CmdResult {
    match &args.command {
        EventsCommand::Import(a) => import(a),
        EventsCommand::Code(a) => code(a),
        EventsCommand::Series(a) => series(a),
        EventsCommand::Suggest(a) => suggest(a),
        EventsCommand::Score(a) => score(a),
    }
}

/// Writes the result to standard output or the `-o/--output` file.
fn write(bytes: &[u8]) -> CmdResult {
    use std::io::Write as _;
    crate::output::result().write_all(bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// Parquet is binary: refused on a terminal, written to a file or a pipe.
fn not_to_terminal() -> Result<(), String> {
    if crate::output::to_terminal() {
        return Err("Parquet is binary and would garble the terminal; hint: give -o FILE, or pipe the output into \
                    a file"
            .into());
    }
    Ok(())
}

fn events_bytes(events: &[demarche_events::Event], format: EventFormat) -> Result<Vec<u8>, String> {
    match format {
        EventFormat::Jsonl => Ok(output::jsonl(events)),
        EventFormat::Csv => output::events_csv(events),
        EventFormat::Parquet => {
            not_to_terminal()?;
            output::events_parquet(events)
        }
    }
}

fn import(a: &ImportArgs) -> CmdResult {
    let imported = app::import_file(&a.file, a.from.map(From::dataset), a.mentions.as_deref(), !a.skip_bad)?;
    if imported.problem_count() > 0 {
        eprint!("{}", app::problems_text(&a.file, &imported));
        eprintln!("skipped: {} problem rows (--skip-bad)", imported.problem_count());
    }
    eprintln!(
        "imported {} events from {} rows{}",
        imported.events.len(),
        imported.rows,
        if imported.not_events > 0 {
            format!(
                " ({} CAMEO 01/02 statements and appeals are not PLOVER events and were left out)",
                imported.not_events
            )
        } else {
            String::new()
        }
    );
    let bytes = events_bytes(&imported.events, a.format)?;
    write(&bytes)
}

fn code(a: &CodeArgs) -> CmdResult {
    let d = app::dictionaries(a.dictionaries.as_deref())?;
    for p in d.problems.iter().take(20) {
        eprintln!("warning: {p}");
    }
    if d.problems.len() > 20 {
        eprintln!("warning: … and {} more dictionary lines skipped", d.problems.len() - 20);
    }
    let text = app::read_text(&a.file, app::MAX_CODE_BYTES)?;
    let inputs = app::code_inputs(&text)?;
    let opts = CoderOptions {
        negation: if a.negation == NegationArg::Drop { Negation::Drop } else { Negation::Flag },
        ..Default::default()
    };
    let mut events = app::code(&d, &inputs, &opts);
    if a.main_only {
        events.retain(|e| e.coding.as_ref().is_some_and(|c| c.main));
    }
    let bytes = events_bytes(&events, a.format)?;
    write(&bytes)
}

fn series(a: &SeriesArgs) -> CmdResult {
    let events = app::read_events(&a.events)?;
    let sc = match &a.scenario {
        Some(path) => Some(input::load(path, None).map(|l| l.scenario)?),
        None => None,
    };
    let since = a.since.as_deref().map(app::day).transpose()?;
    let until = a.until.as_deref().map(app::day).transpose()?;
    let started = std::time::SystemTime::now();
    let review = app::review(sc.as_ref(), &events, since, until);
    let s = &review.series;
    if s.without_dyad + s.undated > 0 {
        eprintln!(
            "note: {} events have no pair of {} on both sides{}",
            s.without_dyad,
            if sc.is_some() { "scenario actors" } else { "countries" },
            if s.undated > 0 { format!("; {} have no readable date", s.undated) } else { String::new() }
        );
    }
    let bytes = match a.format {
        SeriesFormat::Table => series_table(&s.rows).into_bytes(),
        SeriesFormat::Csv => output::series_csv(&s.rows)?,
        SeriesFormat::Json => format!("{}\n", serde_json::to_string_pretty(&s)?).into_bytes(),
        SeriesFormat::Parquet => {
            not_to_terminal()?;
            output::series_parquet(&s.rows)?
        }
    };
    write(&bytes)?;
    let params = demarche_app::params::EventsParams {
        command: "series".into(),
        files: vec![a.events.display().to_string()],
        since: a.since.clone(),
        until: a.until.clone(),
        via: demarche_app::params::Via::Cli,
    };
    // The record holds the events as JSON values: build it only when it is kept.
    if a.store.path().is_some() {
        super::runs::record(
            &a.store,
            &demarche_app::record::events_run(sc.as_ref(), &review, &events, &params, started),
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn series_table(rows: &[demarche_events::series::SeriesRow]) -> String {
    let mut s = format!(
        "{:<34} {:<10} {:>6} {:>5} {:>5} {:>5} {:>5} {:>9} {:>6}\n",
        "dyad", "week of", "events", "v+", "m+", "v−", "m−", "intensity", "index"
    );
    for r in rows {
        s.push_str(&format!(
            "{:<34} {:<10} {:>6} {:>5} {:>5} {:>5} {:>5} {:>9.1} {:>+6.2}\n",
            format!("{} – {}", r.a, r.b),
            r.week,
            r.events,
            r.verbal_cooperation,
            r.material_cooperation,
            r.verbal_conflict,
            r.material_conflict,
            r.intensity,
            r.index
        ));
    }
    if rows.is_empty() {
        s.push_str("(no dyad-weeks)\n");
    }
    s.push_str("\nv+ verbal cooperation, m+ material cooperation, v− verbal conflict, m− material conflict;\nindex = Σ score / Σ |score| (+1 all cooperation, −1 all conflict).\n");
    s
}

fn suggest(a: &SuggestArgs) -> CmdResult {
    let sc = input::load_patched(&a.scenario)?;
    let mut events = Vec::new();
    for p in &a.events {
        events.extend(app::read_events(p)?);
    }
    let started = std::time::SystemTime::now();
    let since = a.since.as_deref().map(app::day).transpose()?;
    let review = app::review(Some(&sc), &events, since, None);
    eprintln!("{} suggestions from {} events", review.suggestions.len(), events.len());
    let bytes = match a.format {
        SuggestFormat::Overlay => review.overlay.clone().into_bytes(),
        SuggestFormat::Json => format!("{}\n", serde_json::to_string_pretty(&review.suggestions)?).into_bytes(),
    };
    write(&bytes)?;
    let params = demarche_app::params::EventsParams {
        command: "suggest".into(),
        files: a.events.iter().map(|p| p.display().to_string()).collect(),
        since: a.since.clone(),
        until: None,
        via: demarche_app::params::Via::Cli,
    };
    if a.store.path().is_some() {
        super::runs::record(&a.store, &demarche_app::record::events_run(Some(&sc), &review, &events, &params, started));
    }
    Ok(ExitCode::SUCCESS)
}

fn score(a: &ScoreArgs) -> CmdResult {
    let d = app::dictionaries(a.dictionaries.as_deref())?;
    let (coder_scores, naive) = app::score_gold(&a.gold, &d)?;
    match a.format {
        ScoreFormat::Table => out!("{}", app::scores_table(&coder_scores, &naive)),
        ScoreFormat::Json => {
            outln!("{}", serde_json::to_string_pretty(&serde_json::json!({ "coder": coder_scores, "naive": naive }))?)
        }
    }
    Ok(ExitCode::SUCCESS)
}
