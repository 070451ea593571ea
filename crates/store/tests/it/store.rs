//! Recording, reading, listing, diffing and exporting runs.

use super::common;

use demarche_store::{diff, Document, ExportFormat, ListFilter, RunKind, Store, DOC_FORECASTS, SCHEMA_VERSION};

#[test]
fn a_recorded_run_reads_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("nested/runs.sqlite")).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let sc = common::scenario();
    let fs = common::forecasts(&sc);
    let id = store.record(&common::new_run(&sc, &fs)).unwrap();
    let rec = store.get(id).unwrap();
    assert_eq!(rec.summary.kind, RunKind::Forecast);
    assert_eq!(rec.summary.engines, vec!["compromise", "nash"]);
    assert_eq!(rec.summary.scenario_title, "Store test");
    assert_eq!(rec.summary.scenario_hash, demarche_store::scenario_hash(&sc).1);
    assert_eq!(rec.scenario().unwrap(), sc);
    assert_eq!(rec.forecasts().unwrap().unwrap(), fs);
    assert!(rec.summary.started_at <= rec.summary.finished_at);
    // Positions: 2 engines × 1 issue × rounds × 2 actors.
    let rows: usize = fs.iter().map(|f| f.issues[0].trajectory.len() * 2).sum();
    assert_eq!(store.positions(id).unwrap().len(), rows);
    let outcomes = store.outcomes(id).unwrap();
    assert_eq!(outcomes.len(), 2);
    assert_eq!(outcomes[0].outcome, fs[0].issues[0].outcome);
    assert!(matches!(store.get(id + 100), Err(demarche_store::StoreError::NotFound(_))));
}

#[test]
fn list_is_newest_first_and_filters_by_kind() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("runs.sqlite")).unwrap();
    let sc = common::scenario();
    let fs = common::forecasts(&sc);
    let a = store.record(&common::new_run(&sc, &fs)).unwrap();
    let mut sim = common::new_run(&sc, &[]);
    sim.kind = RunKind::Simulate;
    sim.seed = Some(42);
    sim.documents = vec![demarche_store::Document::new("simulation", serde_json::json!({"draws": 10}))];
    let b = store.record(&sim).unwrap();
    let all = store.list(&ListFilter::default()).unwrap();
    assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), vec![b, a]);
    assert_eq!(all[0].seed, Some(42));
    let only = store.list(&ListFilter { kind: Some(RunKind::Simulate), limit: None }).unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(store.get(b).unwrap().document("simulation").unwrap().body["draws"], 10);
    assert!(store.get(b).unwrap().document(DOC_FORECASTS).is_none());
    // The same scenario is stored once.
    assert_eq!(store.get(a).unwrap().summary.scenario_hash, store.get(b).unwrap().summary.scenario_hash);
}

#[test]
fn diff_names_changed_inputs_and_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("runs.sqlite")).unwrap();
    let sc = common::scenario();
    let a = store.record(&common::new_run(&sc, &common::forecasts(&sc))).unwrap();
    let mut sc2 = sc.clone();
    sc2.stances[1].position = 90.0;
    let b = store.record(&common::new_run(&sc2, &common::forecasts(&sc2))).unwrap();
    let d = diff(&store, a, b).unwrap();
    assert!(!d.same_scenario);
    assert_eq!(d.scenario_changes.len(), 1);
    assert_eq!(d.scenario_changes[0].path, "stances[b/x].position");
    assert!(d.params_changes.is_empty());
    let c = d.outcomes.iter().find(|o| o.engine == "compromise").unwrap();
    assert!(c.delta().unwrap() > 0.0, "moving Beta towards 90 raises the compromise");
}

#[test]
fn exports_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("runs.sqlite")).unwrap();
    let sc = common::scenario();
    let id = store.record(&common::new_run(&sc, &common::forecasts(&sc))).unwrap();
    let n = store.positions(id).unwrap().len();

    let mut csv = Vec::new();
    store.export(id, ExportFormat::Csv, &mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with("run_id,model,issue,round,actor,position,scale\n"), "{text}");
    assert_eq!(text.lines().count(), n + 1);
    assert!(text.contains(&format!("{id},compromise,x,0,a,20")));

    let mut json = Vec::new();
    store.export(id, ExportFormat::Json, &mut json).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["id"], id);
    assert_eq!(v["scenario"]["meta"]["title"], "Store test");

    let mut pq = Vec::new();
    store.export(id, ExportFormat::Parquet, &mut pq).unwrap();
    #[cfg(feature = "parquet")]
    {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let file = dir.path().join("positions.parquet");
        std::fs::write(&file, &pq).unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(&file).unwrap()).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows() as usize, n);
        let schema = reader.metadata().file_metadata().schema_descr();
        let names: Vec<&str> = schema.columns().iter().map(|c| c.name()).collect();
        // The layout of the CSV export and `forecast --trajectory-out`.
        assert_eq!(names, ["run_id", "model", "issue", "round", "actor", "position", "scale"]);
    }
    assert!(store.export(id + 1, ExportFormat::Csv, &mut Vec::new()).is_err());
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.sqlite");
    {
        // What a later build writes: marked as a store, at a version this one does not know.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "application_id", demarche_store::APPLICATION_ID).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 5).unwrap();
    }
    let err = Store::open(&path).err().unwrap().to_string();
    assert!(err.contains("newer than this build"), "{err}");
}

#[test]
fn a_file_that_is_not_a_database_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.sqlite");
    std::fs::write(&path, b"this is not sqlite, just some text that is long enough to look like a header....").unwrap();
    assert!(Store::open(&path).is_err());
}

#[test]
fn two_documents_of_one_name_are_refused_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("runs.sqlite")).unwrap();
    let sc = common::scenario();
    let fs = common::forecasts(&sc);
    let mut run = common::new_run(&sc, &fs);
    run.documents.push(Document::new("intervals", serde_json::json!([1])));
    run.documents.push(Document::new("intervals", serde_json::json!([2])));
    let err = store.record(&run).unwrap_err().to_string();
    assert!(err.contains("two documents named `intervals`"), "{err}");
    assert_eq!(store.count().unwrap(), 0, "nothing half-written");
}
