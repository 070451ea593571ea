//! `demarche runs list|show|diff|export`: the run store, and the `--store` /
//! `--no-store` flags every recording command shares.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use demarche_store::{ExportFormat, ListFilter, RunKind, Store};

use super::CmdResult;

/// Where runs are recorded.
#[derive(Args, Clone, Debug, Default)]
pub struct StoreArgs {
    /// Run store file (default: $DEMARCHE_STORE, else the user's data folder,
    /// e.g. ~/.local/share/demarche/runs.sqlite).
    #[arg(long, value_name = "PATH", global = true)]
    pub store: Option<PathBuf>,
    /// Do not record this run.
    #[arg(long, conflicts_with = "store")]
    pub no_store: bool,
}

impl StoreArgs {
    /// The store to use, or `None` when recording is off or no place is known.
    pub fn path(&self) -> Option<PathBuf> {
        if self.no_store {
            return None;
        }
        self.store.clone().or_else(demarche_store::default_path)
    }

    /// The store to read: an error when none can be found.
    pub fn open(&self) -> Result<Store, Box<dyn std::error::Error>> {
        let off = std::env::var(demarche_store::ENV_STORE)
            .is_ok_and(|v| matches!(v.to_ascii_lowercase().as_str(), "off" | "none"));
        let path = self.store.clone().or_else(demarche_store::default_path).ok_or(if off {
            "recording is off (DEMARCHE_STORE=off), so there is no store to read; pass --store PATH"
        } else {
            "no run store: pass --store PATH or set DEMARCHE_STORE (no HOME or XDG_DATA_HOME to put one in)"
        })?;
        if !path.exists() {
            return Err(
                format!("no run store at {} yet; runs are recorded by `demarche forecast`, `simulate`, `sensitivity`, `negotiate` and `tournament`", path.display()).into()
            );
        }
        Ok(Store::open(&path)?)
    }
}

/// Record any run, saying where on a terminal. Recording never fails the
/// command: a store that cannot be written gets a warning on standard error.
pub fn record(store: &StoreArgs, run: &demarche_store::NewRun<'_>) -> Option<(i64, PathBuf)> {
    let recorded = record_quietly(store, run);
    announce(recorded.as_ref());
    recorded
}

/// `--quiet`: no notes on standard error.
pub static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `--verbose`: say what was read, what each step did and how long it took.
pub static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether `--verbose` was given.
pub fn verbose() -> bool {
    VERBOSE.load(std::sync::atomic::Ordering::Relaxed)
}

/// Whether notes on standard error are wanted (not `--quiet`).
pub fn chatty() -> bool {
    !QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// Where the run went and how to see it, on standard error (standard output
/// stays exactly the command's own); `--quiet` silences it.
pub fn announce(recorded: Option<&(i64, PathBuf)>) {
    if let Some((id, _)) = recorded.filter(|_| chatty()) {
        eprintln!("recorded as run {id} (demarche runs show {id}; demarche report {id} -o report.html)");
    }
}

/// Record a run without a word on success.
pub fn record_quietly(store: &StoreArgs, run: &demarche_store::NewRun<'_>) -> Option<(i64, PathBuf)> {
    let path = store.path()?;
    match Store::open(&path).and_then(|mut s| s.record(run)) {
        Ok(id) => Some((id, path)),
        Err(e) => {
            eprintln!("warning: the run was not recorded: {e} (use --no-store to skip recording)");
            None
        }
    }
}

#[derive(Args)]
pub struct RunsArgs {
    #[command(subcommand)]
    pub command: RunsCommand,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Subcommand)]
pub enum RunsCommand {
    /// List recorded runs, newest first.
    List {
        /// Only runs of this kind (forecast, simulate, negotiate, tournament, sensitivity).
        #[arg(long, value_parser = parse_kind)]
        kind: Option<RunKind>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Output: a table, or JSON.
        #[arg(long, short, value_enum, default_value = "table")]
        format: TextOrJson,
        /// Deprecated: `--format json`.
        #[arg(long, hide = true)]
        json: bool,
    },
    /// Show one run: what ran, on what, and its outcomes.
    Show {
        /// The run's id (`demarche runs list`).
        id: i64,
        /// Output: what ran and what it found, or the whole record as JSON (scenario and documents included).
        #[arg(long, short, value_enum, default_value = "table")]
        format: TextOrJson,
        /// Deprecated: `--format json`.
        #[arg(long, hide = true)]
        json: bool,
    },
    /// Compare two runs: changed inputs, parameters and outcomes.
    Diff {
        /// The first run's id.
        a: i64,
        /// The run to compare it with.
        b: i64,
        /// Output: the differences as text, or JSON.
        #[arg(long, short, value_enum, default_value = "table")]
        format: TextOrJson,
        /// Deprecated: `--format json`.
        #[arg(long, hide = true)]
        json: bool,
    },
    /// Delete runs by id (with their documents); every id must exist.
    Delete {
        /// The runs to delete.
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Delete every run started before a date (UTC).
    Prune {
        /// The first day to keep, YYYY-MM-DD.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
        before: String,
        /// List what would be deleted, and delete nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export a run: positions per round as CSV or Parquet, or the whole run as JSON.
    Export {
        /// The run's id.
        id: i64,
        /// CSV or Parquet (positions per round), or JSON (the whole run).
        #[arg(long, short, value_enum, default_value = "csv")]
        format: ExportArg,
    },
}

/// The `--format` of commands that print text or JSON (`check`, `runs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Table,
    Json,
}

/// Whether JSON was asked for, by `--format json` or the old `--json` (with a
/// note that it is deprecated: it keeps working).
pub fn wants_json(format: TextOrJson, json: bool) -> bool {
    if json {
        eprintln!("note: --json is deprecated; use --format json");
    }
    json || format == TextOrJson::Json
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportArg {
    Csv,
    Json,
    Parquet,
}

fn parse_day(s: &str) -> Result<String, String> {
    let ok = s.len() == 10
        && s.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() })
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0));
    ok.then(|| s.to_string()).ok_or_else(|| format!("`{s}` is not a date; hint: YYYY-MM-DD, e.g. 2026-01-31"))
}

fn parse_kind(s: &str) -> Result<RunKind, String> {
    RunKind::parse(s).ok_or_else(|| format!("unknown run kind `{s}`; one of {}", RunKind::NAMES.join(", ")))
}

pub fn run(args: &RunsArgs) -> CmdResult {
    let mut store = args.store.open()?;
    let mut out = crate::output::result();
    match &args.command {
        RunsCommand::Delete { ids } => {
            let n = store.delete(ids)?;
            writeln!(out, "deleted {n} run{} from {}", if n == 1 { "" } else { "s" }, store.path().display())?;
        }
        RunsCommand::Prune { before, dry_run } => {
            let ids = store.started_before(before)?;
            if *dry_run {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                writeln!(out, "would delete {} run(s) started before {before}: {}", ids.len(), list.join(" "))?;
            } else {
                let n = if ids.is_empty() { 0 } else { store.delete(&ids)? };
                writeln!(out, "deleted {n} run(s) started before {before} from {}", store.path().display())?;
            }
        }
        RunsCommand::List { kind, limit, format, json } => {
            let runs = store.list(&ListFilter { kind: *kind, limit: Some(*limit) })?;
            if wants_json(*format, *json) {
                writeln!(out, "{}", serde_json::to_string_pretty(&runs)?)?;
            } else if runs.is_empty() {
                writeln!(out, "no runs in {}", store.path().display())?;
            } else {
                // Columns as wide as their widest entry; a long engine list is cut.
                let engines: Vec<String> = runs.iter().map(|r| clip(&r.engines.join(","), 40)).collect();
                let kind_w = runs.iter().map(|r| r.kind.as_str().len()).max().unwrap_or(0).max(4);
                let eng_w = engines.iter().map(|e| e.chars().count()).max().unwrap_or(0).max(7);
                writeln!(
                    out,
                    "{:>5}  {:<kind_w$} {:<24} {:<eng_w$} scenario",
                    "id", "kind", "started (UTC)", "engines"
                )?;
                for (r, engines) in runs.iter().zip(&engines) {
                    writeln!(
                        out,
                        "{:>5}  {:<kind_w$} {:<24} {:<eng_w$} {}{}",
                        r.id,
                        r.kind.as_str(),
                        r.started_at,
                        engines,
                        r.scenario_title,
                        if r.status == demarche_store::RunStatus::Ok {
                            String::new()
                        } else {
                            format!(" [{}]", r.status.as_str())
                        }
                    )?;
                }
            }
        }
        RunsCommand::Show { id, format, json } => {
            let rec = store.get(*id)?;
            if wants_json(*format, *json) {
                writeln!(out, "{}", serde_json::to_string_pretty(&rec)?)?;
            } else {
                let s = &rec.summary;
                writeln!(out, "run {} — {} ({})", s.id, s.kind.as_str(), s.status.as_str())?;
                writeln!(out, "scenario:  {} (sha256 {})", s.scenario_title, s.scenario_hash)?;
                writeln!(out, "engines:   {}", s.engines.join(", "))?;
                if let Some(seed) = s.seed {
                    writeln!(out, "seed:      {seed}")?;
                }
                writeln!(out, "version:   demarche {}", s.version)?;
                writeln!(out, "time:      {} → {}", s.started_at, s.finished_at)?;
                writeln!(out, "params:    {}", rec.params)?;
                let docs: Vec<&str> = rec.documents.iter().map(|d| d.name.as_str()).collect();
                writeln!(out, "documents: {}", docs.join(", "))?;
                let outcomes = store.outcomes(*id)?;
                if !outcomes.is_empty() {
                    writeln!(out, "\n{:<14} {:<24} {:>10}", "engine", "issue", "outcome")?;
                    for o in outcomes {
                        writeln!(out, "{:<14} {:<24} {:>10.3}", o.engine, o.issue, o.outcome)?;
                    }
                }
                // The outcomes of runs that keep them in documents (a simulation, a
                // negotiation, a tournament, a sensitivity analysis, events).
                match demarche_app::RunDocuments::read(&rec.documents) {
                    Ok(docs) => {
                        for line in outcome_lines(&docs) {
                            writeln!(out, "{line}")?;
                        }
                    }
                    Err(e) => writeln!(out, "\n(its documents do not read: {e})")?,
                }
            }
        }
        RunsCommand::Diff { a, b, format, json } => {
            let d = demarche_store::diff(&store, *a, *b)?;
            if wants_json(*format, *json) {
                writeln!(out, "{}", serde_json::to_string_pretty(&d)?)?;
            } else {
                writeln!(out, "run {a} → run {b}")?;
                if d.same_scenario {
                    writeln!(out, "same scenario ({})", &d.a.scenario_hash)?;
                } else {
                    writeln!(out, "scenario changes:")?;
                    for c in &d.scenario_changes {
                        writeln!(out, "  {}: {} → {}", c.path, show(&c.before), show(&c.after))?;
                    }
                }
                for c in &d.params_changes {
                    writeln!(out, "  parameter {}: {} → {}", c.path, show(&c.before), show(&c.after))?;
                }
                if d.truncated {
                    writeln!(out, "  … (more changes not listed)")?;
                }
                if !d.outcomes.is_empty() {
                    writeln!(
                        out,
                        "\n{:<14} {:<24} {:>10} {:>10} {:>10}",
                        "engine", "issue", "before", "after", "change"
                    )?;
                    for o in &d.outcomes {
                        let f = |x: Option<f64>| x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "—".into());
                        writeln!(
                            out,
                            "{:<14} {:<24} {:>10} {:>10} {:>10}",
                            o.engine,
                            o.issue,
                            f(o.before),
                            f(o.after),
                            o.delta().map(|v| format!("{v:+.3}")).unwrap_or_else(|| "—".into())
                        )?;
                    }
                }
            }
        }
        RunsCommand::Export { id, format } => {
            let format = match format {
                ExportArg::Csv => ExportFormat::Csv,
                ExportArg::Json => ExportFormat::Json,
                ExportArg::Parquet => ExportFormat::Parquet,
            };
            if matches!(format, ExportFormat::Parquet) && crate::output::to_terminal() {
                return Err("Parquet is binary and would garble the terminal; hint: give -o FILE, or pipe the \
                            output into a file"
                    .into());
            }
            store.export(*id, format, &mut out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 60 {
                format!("{}…", s.chars().take(59).collect::<String>())
            } else {
                s
            }
        }
    }
}

/// At most `max` characters, the last an ellipsis when cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max - 1).chain(['…']).collect()
    }
}

/// What a run found, in a few lines, from the documents it keeps.
fn outcome_lines(docs: &demarche_app::RunDocuments) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(o) = &docs.outlook {
        out.push(String::new());
        out.push(o.headline.clone());
        for part in &o.parts {
            if let Some(first) = part.items.first() {
                out.push(format!("  {} {}", part.question, first));
            }
        }
    }
    if let Some(n) = &docs.negotiation_summary {
        out.push(String::new());
        out.push(format!("{} on {}: {}.", n.protocol, n.domain, n.end));
        for p in &n.parties {
            out.push(format!(
                "  {} ({}): utility {:.3}, reservation {:.3}",
                p.profile, p.strategy, p.utility, p.reservation
            ));
        }
        if let Some(terms) = n.agreement.as_ref().filter(|t| !t.is_empty()) {
            let words: Vec<String> = terms.iter().map(|(i, v)| format!("{i}: {v}")).collect();
            out.push(format!("  agreed: {}", words.join("; ")));
        }
    }
    // Kept documents are read as the JSON they were written as (any version).
    if let Some(t) = docs.tournament.as_ref().map(|t| t.json()) {
        out.push(String::new());
        out.push(format!("{} negotiations, {} agreements:", t["negotiations"], t["agreements"]));
        for s in t["summary"].as_array().into_iter().flatten() {
            out.push(format!(
                "  {:<24} agreement {:>5.1}%, mean utility {:.3}, mean rounds {:.1}",
                s["strategy"].as_str().unwrap_or("?"),
                100.0 * s["agreement_rate"].as_f64().unwrap_or(f64::NAN),
                s["mean_utility"].as_f64().unwrap_or(f64::NAN),
                s["mean_rounds"].as_f64().unwrap_or(f64::NAN)
            ));
        }
    }
    if let Some(a) = docs.sensitivity_analysis.as_ref().map(|a| a.json()) {
        out.push(String::new());
        out.push("The input with the largest first-order index per output (\"noise\": its interval holds 0):".into());
        for o in a["ranked"].as_array().into_iter().flatten() {
            let output = o["output"].as_str().unwrap_or("?");
            let top = o["rows"].as_array().and_then(|r| r.first());
            match top.and_then(|r| Some((r, r["first_order"].as_f64()?))) {
                Some((r, s)) => out.push(format!(
                    "  {output}: {} {s:.3}{}",
                    r["input"].as_str().unwrap_or("?"),
                    if r["within_noise"].as_bool() == Some(true) { " (noise)" } else { "" }
                )),
                None => out.push(format!("  {output}: no index (the output does not vary)")),
            }
        }
    }
    if let Some(e) = &docs.events_review {
        out.push(String::new());
        out.push(e.summary.clone());
        out.push(format!("  {} suggested update(s)", e.suggestions.len()));
    }
    if let Some(b) = &docs.backtest {
        out.push(String::new());
        out.push(format!("{} backtest case(s); pooled mean error per model:", b.cases.len()));
        let mut models: Vec<(&String, f64)> = b.pooled.models.iter().map(|(m, s)| (m, s.mae)).collect();
        models.sort_by(|a, b| a.1.total_cmp(&b.1));
        for (m, mae) in models {
            out.push(format!("  {m:<14} {:.1}% of the scale", 100.0 * mae));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_store_means_no_path_and_store_names_one() {
        let off = StoreArgs { store: Some(PathBuf::from("/x/runs.sqlite")), no_store: true };
        assert_eq!(off.path(), None);
        let on = StoreArgs { store: Some(PathBuf::from("/x/runs.sqlite")), no_store: false };
        assert_eq!(on.path(), Some(PathBuf::from("/x/runs.sqlite")));
    }

    #[test]
    fn recording_a_forecast_then_reading_it_back() {
        use std::time::SystemTime;
        let dir = tempfile::tempdir().unwrap();
        let args = StoreArgs { store: Some(dir.path().join("runs.sqlite")), no_store: false };
        let sc = crate::input::load("@seed", None).unwrap().scenario;
        let forecasts = super::super::report::forecast_all(&sc, &["compromise"], false).unwrap();
        let run = demarche_app::record::forecast_run(
            &sc,
            &forecasts,
            None,
            demarche_app::RunDocuments::default(),
            &Default::default(),
            SystemTime::now(),
        );
        let (id, path) = record_quietly(&args, &run).unwrap();
        assert_eq!(path, dir.path().join("runs.sqlite"));
        let rec = args.open().unwrap().get(id).unwrap();
        assert_eq!(rec.summary.engines, vec!["compromise"]);
        // A store that cannot be written warns and returns None rather than failing the command.
        let bad = StoreArgs { store: Some(dir.path().join("runs.sqlite/inside-a-file")), no_store: false };
        assert!(record_quietly(&bad, &run).is_none());
    }
}
