//! The JSON API end to end over real HTTP on the loopback interface.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use demarche_server::{spawn, Config};

const SEED: &str = r#"
[meta]
title = "Workbench test"

[[actors]]
id = "a"
name = "Alpha"
capability = 1.0

[[actors]]
id = "b"
name = "Beta"
capability = 2.0

[[actors]]
id = "c"
name = "Gamma"
capability = 1.0

[[issues]]
id = "x"
name = "Tariff"
min = 0
max = 100
low = "none"
high = "prohibitive"
status_quo = 80

[[stances]]
actor = "a"
issue = "x"
position = 20
salience = 1.0

[[stances]]
actor = "b"
issue = "x"
position = 50
salience = 0.5

[[stances]]
actor = "c"
issue = "x"
position = 60
salience = 0.5
red_line = [40, 70]

[[relations]]
kind = "influences"
from = "c"
to = "b"
weight = 0.4
"#;

struct Answer {
    status: u16,
    headers: String,
    body: String,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        head.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", b.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    if let Some(b) = body {
        // The server may answer (413) and close before reading everything.
        let _ = s.write_all(b);
    }
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = headers.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Answer { status, headers: headers.to_ascii_lowercase(), body: body.to_string() }
}

fn get(addr: SocketAddr, path: &str) -> Answer {
    request(addr, "GET", path, &[], None)
}

fn post(addr: SocketAddr, path: &str, body: &serde_json::Value) -> Answer {
    request(addr, "POST", path, &[], Some(body.to_string().as_bytes()))
}

fn config(store: Option<std::path::PathBuf>) -> Config {
    Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        public: false,
        token: None,
        store,
        seed_scenario: SEED.to_string(),
        seed_label: "<test>".into(),
        version: "0.0.0-test".into(),
    }
}

fn seed_json(addr: SocketAddr) -> serde_json::Value {
    let a = get(addr, "/api/scenario/seed");
    assert_eq!(a.status, 200);
    a.json()["scenario"].clone()
}

#[test]
fn page_openapi_models_and_seed() {
    let addr = spawn(config(None)).unwrap();
    let page = get(addr, "/");
    assert_eq!(page.status, 200);
    assert!(page.headers.contains("text/html"));
    assert!(page.body.contains("demarche") && page.body.contains("id=\"run\""));
    assert!(!page.body.contains("/*SCRIPT*/"));
    let spec = get(addr, "/api/openapi.json").json();
    for p in
        ["/api/scenario/validate", "/api/forecast", "/api/simulate", "/api/runs", "/api/runs/{id}", "/api/jobs/{id}"]
    {
        assert!(spec["paths"][p].is_object(), "{p} missing from the OpenAPI description");
    }
    assert!(get(addr, "/api/models").json()["models"].as_array().unwrap().iter().any(|m| m == "compromise"));
    assert_eq!(seed_json(addr)["meta"]["title"], "Workbench test");
    let missing = get(addr, "/nope");
    assert_eq!(missing.status, 404);
    assert!(missing.json()["error"].as_str().unwrap().contains("openapi"));
}

#[test]
fn validate_reports_the_cli_diagnostics() {
    let addr = spawn(config(None)).unwrap();
    let mut sc = seed_json(addr);
    let ok = post(addr, "/api/scenario/validate", &serde_json::json!({ "scenario": sc }));
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["ok"], true);
    sc["stances"][0]["salience"] = serde_json::json!(7.0);
    sc["stances"][1]["actor"] = serde_json::json!("zeta");
    let bad = post(addr, "/api/scenario/validate", &serde_json::json!({ "scenario": sc })).json();
    assert_eq!(bad["ok"], false);
    let diags = bad["diagnostics"].as_array().unwrap();
    assert!(diags.iter().any(|d| d["path"] == "stances[0].salience" && d["severity"] == "error"));
    assert!(diags.iter().any(|d| d["path"].as_str().unwrap().starts_with("stances[1]")));
    // The same file text the CLI reads works too.
    let text = post(addr, "/api/scenario/validate", &serde_json::json!({ "text": SEED, "name": "x.toml" })).json();
    assert_eq!(text["ok"], true);
    // Forecasting an invalid scenario is 422 with the diagnostics.
    let f = post(addr, "/api/forecast", &serde_json::json!({ "scenario": sc }));
    assert_eq!(f.status, 422);
    assert!(f.json()["diagnostics"].as_array().unwrap().len() >= 2);
}

#[test]
fn forecast_moves_when_a_position_moves_and_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let addr = spawn(config(Some(dir.path().join("runs.sqlite")))).unwrap();
    let mut sc = seed_json(addr);
    let first = post(addr, "/api/forecast", &serde_json::json!({ "scenario": sc, "models": "compromise" }));
    assert_eq!(first.status, 200, "{}", first.body);
    let first = first.json();
    let before = first["outcomes"][0]["outcome"].as_f64().unwrap();
    assert!(first["charts"].as_array().unwrap().iter().all(|c| c["svg"].as_str().unwrap().starts_with("<svg")));
    sc["stances"][1]["position"] = serde_json::json!(95.0);
    let second = post(addr, "/api/forecast", &serde_json::json!({ "scenario": sc, "models": ["compromise"] })).json();
    let after = second["outcomes"][0]["outcome"].as_f64().unwrap();
    assert!(after > before, "moving Beta to 95 raises the compromise ({before} -> {after})");

    let runs = get(addr, "/api/runs").json();
    let list = runs["runs"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let id = second["run_id"].as_i64().unwrap();
    assert_eq!(list[0]["id"], id);
    let rec = get(addr, &format!("/api/runs/{id}")).json();
    assert_eq!(rec["scenario"]["stances"][1]["position"], 95.0);
    let report = get(addr, &format!("/api/runs/{id}/report"));
    assert_eq!(report.status, 200);
    assert!(report.body.contains("<svg") && report.body.contains("Workbench test"));
    assert_eq!(get(addr, "/api/runs/9999").status, 404);
    assert_eq!(get(addr, "/api/runs/abc").status, 400);
    assert_eq!(get(addr, "/api/runs?kind=bogus").status, 400);
    assert_eq!(get(addr, "/api/runs/-3").status, 400);
    assert_eq!(get(addr, "/api/runs?limit=1").json()["runs"].as_array().unwrap().len(), 1);
    for bad in ["0", "-5", "10001", "x"] {
        let r = get(addr, &format!("/api/runs?limit={bad}"));
        assert_eq!(r.status, 400, "limit={bad}");
        assert!(r.body.contains("from 1 to 10000"), "{}", r.body);
    }
}

#[test]
fn jobs_run_to_completion_and_unknown_ones_are_404() {
    let addr = spawn(config(None)).unwrap();
    let sc = seed_json(addr);
    let started = post(addr, "/api/jobs", &serde_json::json!({ "scenario": sc }));
    assert_eq!(started.status, 202, "{}", started.body);
    let id = started.json()["id"].as_u64().unwrap();
    let t = Instant::now();
    let done = loop {
        let j = get(addr, &format!("/api/jobs/{id}")).json();
        if j["state"] != "running" || t.elapsed() > Duration::from_secs(60) {
            break j;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(done["state"], "done", "{done}");
    assert!(!done["result"]["outcomes"].as_array().unwrap().is_empty());
    // Cancelling a finished job leaves it done.
    let c = request(addr, "DELETE", &format!("/api/jobs/{id}"), &[], None).json();
    assert_eq!(c["state"], "done");
    assert_eq!(get(addr, "/api/jobs/424242").status, 404);
    assert_eq!(request(addr, "DELETE", "/api/jobs/x", &[], None).status, 400);
    // An invalid scenario is refused before any job starts.
    let bad = post(addr, "/api/jobs", &serde_json::json!({ "scenario": {"meta": {}} }));
    assert_eq!(bad.status, 422);
}

#[test]
fn oversized_and_malformed_bodies_get_clear_4xx() {
    let addr = spawn(config(None)).unwrap();
    let big = vec![b' '; 3 * 1024 * 1024];
    let a = request(addr, "POST", "/api/forecast", &[], Some(&big));
    assert_eq!(a.status, 413);
    assert!(a.json()["error"].as_str().unwrap().contains("2 MiB"));

    // Chunked (no Content-Length): the cap still holds.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(
        b"POST /api/scenario/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n",
    )
    .unwrap();
    let chunk = vec![b'['; 256 * 1024];
    for _ in 0..12 {
        if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).is_err()
            || s.write_all(&chunk).is_err()
            || s.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n");
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    assert!(String::from_utf8_lossy(&raw).starts_with("HTTP/1.1 413"));

    let m = request(addr, "POST", "/api/forecast", &[], Some(b"{\"scenario\": {"));
    assert_eq!(m.status, 400);
    assert!(m.json()["error"].as_str().unwrap().contains("not valid JSON"));
    let e = request(addr, "POST", "/api/forecast", &[], Some(b""));
    assert_eq!(e.status, 400);
    assert!(e.json()["error"].as_str().unwrap().contains("empty"));
    let shape = post(addr, "/api/forecast", &serde_json::json!({ "scenario": {}, "rounds": "many" }));
    assert_eq!(shape.status, 400);
    let none = post(addr, "/api/forecast", &serde_json::json!({}));
    assert_eq!(none.status, 400);
    assert!(none.json()["error"].as_str().unwrap().contains("no scenario"));
    let model = post(addr, "/api/forecast", &serde_json::json!({ "text": SEED, "models": "bdmm" }));
    assert_eq!(model.status, 400);
    assert!(model.json()["error"].as_str().unwrap().contains("unknown model"));
}

/// The repository's seed scenario, which has a mediator and a [simulation] section.
const IRAN_US: &str = demarche_scenario::SEED_TOML;

fn wait_for_job(addr: SocketAddr, id: u64) -> serde_json::Value {
    let t = Instant::now();
    loop {
        let j = get(addr, &format!("/api/jobs/{id}")).json();
        if j["state"] != "running" || t.elapsed() > Duration::from_secs(300) {
            return j;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn simulate_runs_as_a_job_with_channel_charts_and_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let addr = spawn(config(Some(dir.path().join("runs.sqlite")))).unwrap();
    let bad = post(addr, "/api/simulate", &serde_json::json!({ "text": IRAN_US, "name": "s.toml", "runs": 0 }));
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"].as_str().unwrap().contains("runs"));
    let bad = post(
        addr,
        "/api/simulate",
        &serde_json::json!({ "text": IRAN_US, "name": "s.toml", "channel": "carrier pigeon" }),
    );
    assert_eq!(bad.status, 400);
    let started =
        post(addr, "/api/simulate", &serde_json::json!({ "text": IRAN_US, "name": "s.toml", "runs": 40, "seed": 7 }));
    assert_eq!(started.status, 202, "{}", started.body);
    let done = wait_for_job(addr, started.json()["id"].as_u64().unwrap());
    assert_eq!(done["state"], "done", "{done}");
    let result = &done["result"];
    assert_eq!(result["simulation"]["runs"], 40);
    let charts = result["charts"].as_array().unwrap();
    assert!(charts.iter().any(|c| c["id"].as_str().unwrap().starts_with("intervals-chance-of-a-deal")));
    assert!(charts.iter().any(|c| c["section"] == "pareto"), "no bargaining frontier among the charts");
    let id = result["run_id"].as_i64().unwrap();
    let rec = get(addr, &format!("/api/runs/{id}")).json();
    assert_eq!(rec["kind"], "simulate");
    assert_eq!(rec["seed"], 7);
    let report = get(addr, &format!("/api/runs/{id}/report"));
    assert_eq!(report.status, 200);
    assert!(report.body.contains("id=\"channels\"") && report.body.contains("Chance of a deal by channel"));
}

#[test]
fn forecasts_under_uncertainty_come_with_bands_and_their_charts() {
    let dir = tempfile::tempdir().unwrap();
    let addr = spawn(config(Some(dir.path().join("runs.sqlite")))).unwrap();
    let body = serde_json::json!({ "text": IRAN_US, "name": "s.toml", "models": "compromise", "runs": 30, "seed": 2 });
    let a = post(addr, "/api/forecast", &body);
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    let bands = v["uncertainty"]["bands"].as_array().unwrap();
    assert_eq!(bands.len(), 8, "one band per issue for the one model");
    assert_eq!(v["uncertainty"]["runs"], 30);
    let charts = v["charts"].as_array().unwrap();
    assert!(charts.iter().any(|c| c["heading"] == "How sure the forecasts are"), "no uncertainty chart");
    // The same request gives the same bands.
    assert_eq!(post(addr, "/api/forecast", &body).json()["uncertainty"], v["uncertainty"]);
    // Out of bounds: a clear 400, from the job endpoint before any job starts too.
    for path in ["/api/forecast", "/api/jobs"] {
        let bad = post(addr, path, &serde_json::json!({ "text": IRAN_US, "name": "s.toml", "runs": 0 }));
        assert_eq!(bad.status, 400, "{path}: {}", bad.body);
        assert!(bad.json()["error"].as_str().unwrap().contains("runs"));
    }
}

#[test]
fn a_cancelled_simulation_stops_and_is_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let addr = spawn(config(Some(dir.path().join("runs.sqlite")))).unwrap();
    // The most runs the API allows, with the confrontation indicator: long enough to cancel midway.
    let body = serde_json::json!({ "text": IRAN_US, "name": "s.toml", "runs": 20_000, "seed": 3 });
    let started = post(addr, "/api/simulate", &body);
    assert_eq!(started.status, 202, "{}", started.body);
    let id = started.json()["id"].as_u64().unwrap();
    let c = request(addr, "DELETE", &format!("/api/jobs/{id}"), &[], None);
    assert_eq!(c.status, 200, "{}", c.body);
    let done = wait_for_job(addr, id);
    assert_eq!(done["state"], "cancelled", "{done}");
    let runs_done = done["progress"]["round"].as_u64().unwrap_or_else(|| panic!("no progress: {done}"));
    assert!(runs_done < 20_000, "the loop ran to the end ({runs_done} runs) instead of stopping");
    let runs = get(addr, "/api/runs").json();
    assert!(
        runs["runs"].as_array().unwrap().iter().all(|r| r["kind"] != "simulate"),
        "a cancelled run was stored: {runs}"
    );
}

#[test]
fn a_public_server_answers_only_with_its_token() {
    let token = demarche_server::generate_token();
    let mut c = config(None);
    c.public = true;
    c.token = Some(token.clone());
    // Bound to loopback for the test; the token check is the same on any address.
    let addr = spawn(c).unwrap();
    for path in ["/", "/api/health", "/api/scenario/seed", "/api/openapi.json"] {
        let a = get(addr, path);
        assert_eq!(a.status, 401, "{path} without a token");
        assert!(a.json()["error"].as_str().unwrap().contains("token"));
    }
    assert_eq!(post(addr, "/api/forecast", &serde_json::json!({ "text": SEED })).status, 401);
    let bearer = format!("Bearer {token}");
    assert_eq!(request(addr, "GET", "/api/health", &[("Authorization", &bearer)], None).status, 200);
    assert_eq!(request(addr, "GET", "/api/health", &[("X-Demarche-Token", &token)], None).status, 200);
    assert_eq!(get(addr, &format!("/?token={token}")).status, 200);
    assert_eq!(get(addr, "/?token=wrong").status, 401);
    assert_eq!(request(addr, "GET", "/api/health", &[("Authorization", "Bearer wrong")], None).status, 401);
}

#[test]
fn a_non_loopback_address_is_refused_without_public() {
    let mut c = config(None);
    c.addr = "0.0.0.0:0".parse().unwrap();
    let err = spawn(c.clone()).err().unwrap();
    assert!(err.contains("refusing"), "{err}");
    c.public = true;
    let err = spawn(c).err().unwrap();
    assert!(err.contains("token"), "{err}");
}
