//! `demarche demo`: forecast the built-in seed scenario with every model.

use std::process::ExitCode;

use clap::Args;

use super::forecast::run_models;
use super::CmdResult;
use crate::{input, render};

#[derive(Args)]
pub struct DemoArgs {
    /// Output: the readable table, or JSON (every forecast in full).
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: super::runs::TextOrJson,
    /// Deprecated spelling of `--format json`.
    #[arg(long, hide = true)]
    pub json: bool,
    #[command(flatten)]
    pub store: super::runs::StoreArgs,
}

pub fn run(args: &DemoArgs) -> CmdResult {
    let started = std::time::SystemTime::now();
    let loaded = input::load("@seed", None)?;
    let sc = loaded.scenario;
    let json = super::runs::wants_json(args.format, args.json);
    let forecasts = run_models(&sc, demarche_engines::MODELS, &demarche_app::ModelRun::default(), true)?;
    if json {
        outln!("{}", demarche_app::forecast::forecasts_json(&sc, &forecasts, None));
    } else {
        outln!("demarche demo — the built-in seed scenario ({})\n", input::SEED_LABEL);
        out!("{}", render::table::forecasts(&sc, &forecasts));
        outln!(
            "Models are indicators built from the stated positions in the scenario file, not predictions of \
             what any government will do.\nEdit a copy of scenarios/iran-us-nuclear.toml and run \
             `demarche forecast FILE` to explore."
        );
    }
    // The seed's question, direct or mediated talks, at a modest run count so the demo stays quick;
    // its results, the bargaining picture and a sensitivity tornado go into the report.
    let budget = demarche_app::documents::ReportBudget::default();
    let opts = demarche_sim::Options {
        overrides: demarche_sim::Overrides { runs: Some(budget.runs), ..Default::default() },
        escalation_runs: budget.escalation_runs,
    };
    let simulated = demarche_sim::simulate(&sc, &opts, &demarche_sim::Unattended);
    if !json {
        match &simulated {
            Ok(r) => out!(
                "\nCan the talks succeed, and does the channel matter? (`demarche simulate FILE` for the full \
                 comparison, red lines and confrontation risk)\n{}{}{}{}",
                demarche_sim::render::summary(r),
                demarche_sim::render::zone_in_words(r),
                demarche_sim::render::force_in_words(r),
                demarche_sim::render::channel_in_words(r)
            ),
            Err(e) => outln!("\nsimulation unavailable: {e}"),
        }
    }
    // With how sure each model's forecast is (`forecast FILE --runs N` prints it).
    let (documents, notes) =
        demarche_app::reports::scenario_report_documents(&sc, &forecasts, &budget, simulated.as_ref().ok());
    for n in notes {
        eprintln!("note: {n}");
    }
    // Keep the run and write its report; with --json these notes go to stderr.
    let params = demarche_app::params::ForecastParams {
        model: Some("all".into()),
        runs: Some(Some(budget.runs)),
        via: Some(demarche_app::params::Via::Demo),
        ..Default::default()
    };
    let run = demarche_app::record::forecast_run(&sc, &forecasts, None, documents.clone(), &params, started);
    let recorded = super::runs::record_quietly(&args.store, &run);
    let path =
        super::report::demo_report_path(recorded.as_ref().map(|r| r.1.as_path()), recorded.as_ref().map(|r| r.0));
    let data = super::report::report_data(&sc, &forecasts, documents, recorded.as_ref());
    let note = match super::report::write_report(&path, &data) {
        Ok(()) => format!("report: {}", path.display()),
        Err(e) => format!("warning: no report written: {e}"),
    };
    let run = recorded.map(|(id, p)| format!("stored as run {id} in {}", p.display()));
    for line in run.iter().chain(std::iter::once(&note)) {
        if json {
            eprintln!("{line}");
        } else {
            outln!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
