//! `demarche report RUN_ID|FILE -o report.html`: one self-contained HTML report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use clap::Args;
use demarche_forecast::Forecast;
use demarche_report::{render_html, ReportData};
use demarche_scenario::Scenario;

use super::runs::StoreArgs;
use super::CmdResult;
use crate::input;

#[derive(Args)]
pub struct ReportArgs {
    /// A run id from `demarche runs list`, or a scenario file to forecast and report.
    pub source: String,
    /// Model(s) to run when SOURCE is a scenario file.
    #[arg(long, short, default_value = "all")]
    pub model: String,
    /// Read the scenario in this format instead of guessing from its name.
    #[arg(long, value_name = "FORMAT", value_parser = input::parse_format)]
    pub input_format: Option<demarche_scenario::Format>,
    /// Forecasts only: leave out the models' uncertainty bands, the channel
    /// simulation, the bargaining picture and the sensitivity tornado.
    #[arg(long)]
    pub no_simulation: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn run(args: &ReportArgs) -> CmdResult {
    let is_file = args.source == "@seed" || args.source == "-" || Path::new(&args.source).exists();
    let data = match args.source.parse::<i64>() {
        Ok(id) if !is_file => {
            let rec = args.store.open()?.get(id)?;
            demarche_app::reports::from_record(&rec)?
        }
        _ => {
            let loaded = input::load(&args.source, args.input_format)?;
            eprint!("{}", loaded.warnings);
            let sc = loaded.scenario;
            let started = SystemTime::now();
            let models = demarche_engines::expand(&args.model)?;
            let forecasts = forecast_all(&sc, &models, args.model == "all")?;
            let params = demarche_app::params::ForecastParams {
                models: Some(demarche_app::params::Models::Asked(args.model.clone())),
                via: Some(demarche_app::params::Via::Report),
                ..Default::default()
            };
            let documents = if args.no_simulation {
                demarche_app::RunDocuments::default()
            } else {
                let budget = demarche_app::documents::ReportBudget::default();
                let (documents, notes) =
                    demarche_app::reports::scenario_report_documents(&sc, &forecasts, &budget, None);
                for n in notes {
                    eprintln!("note: {n}");
                }
                documents
            };
            let run = demarche_app::record::forecast_run(&sc, &forecasts, None, documents.clone(), &params, started);
            let recorded = super::runs::record_quietly(&args.store, &run);
            super::runs::announce(recorded.as_ref());
            report_data(&sc, &forecasts, documents, recorded.as_ref())
        }
    };
    // The report is a file by nature: `-o FILE`, or report.html here.
    let path = crate::output::take_target().unwrap_or_else(|| PathBuf::from("report.html"));
    write_report(&path, &data)?;
    outln!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// Run each model with its stored options; with `skip_unsupported`, a model
/// that cannot run this scenario is left out with a warning.
pub fn forecast_all(
    sc: &Scenario,
    models: &[&'static str],
    skip_unsupported: bool,
) -> Result<Vec<Forecast>, Box<dyn std::error::Error>> {
    let how = demarche_app::ModelRun::default();
    let ran =
        demarche_app::run_models(sc, models, &how, skip_unsupported, |_, _, _| {}, &mut demarche_forecast::NoObserver);
    let ran = match ran {
        Err(demarche_app::ForecastError::NothingRan) => return Ok(Vec::new()),
        other => other?,
    };
    for (m, e) in &ran.skipped {
        eprintln!("warning: {e}; leaving {m} out of the report");
    }
    Ok(ran.forecasts)
}

/// Write `data` as HTML to `path`, creating its folder.
pub fn write_report(path: &Path, data: &ReportData) -> Result<(), crate::output::OutputError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::output::create_folder(dir)?;
    }
    crate::output::write(path, render_html(data))
}

/// Where `demarche demo` puts its report: beside the run store when there is
/// one, else in the temporary folder.
pub fn demo_report_path(store: Option<&Path>, run_id: Option<i64>) -> PathBuf {
    let name = match run_id {
        Some(id) => format!("demo-run-{id}.html"),
        None => "demarche-demo-report.html".to_string(),
    };
    match store.and_then(Path::parent) {
        Some(dir) => dir.join("reports").join(name),
        None => std::env::temp_dir().join(name),
    }
}

/// The report of the data at hand, with the stored run's details when it was stored.
pub fn report_data(
    sc: &Scenario,
    forecasts: &[Forecast],
    documents: demarche_app::RunDocuments,
    recorded: Option<&(i64, PathBuf)>,
) -> ReportData {
    let mut data = demarche_app::reports::from_documents(sc.clone(), forecasts.to_vec(), documents);
    if let Some((id, path)) = recorded {
        data.run = demarche_store::Store::open(path)
            .ok()
            .and_then(|s| s.get(*id).ok())
            .map(|r| demarche_app::reports::run_info(&r));
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_report_sits_beside_the_store_or_in_the_temp_folder() {
        let p = demo_report_path(Some(Path::new("/data/demarche/runs.sqlite")), Some(3));
        assert_eq!(p, PathBuf::from("/data/demarche/reports/demo-run-3.html"));
        let p = demo_report_path(None, None);
        assert_eq!(p, std::env::temp_dir().join("demarche-demo-report.html"));
    }

    #[test]
    fn a_report_is_written_into_a_new_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/report.html");
        let sc = input::load("@seed", None).unwrap().scenario;
        let forecasts = forecast_all(&sc, &["compromise"], false).unwrap();
        write_report(&path, &ReportData::new(sc, forecasts)).unwrap();
        let html = std::fs::read_to_string(&path).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    }
}
