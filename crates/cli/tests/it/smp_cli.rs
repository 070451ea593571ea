//! `demarche forecast KTAB.csv --model smp` writes KTAB's own dumps.

use assert_cmd::Command;

const KTAB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/ktab");

fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines().map(|l| l.split(',').map(str::to_string).collect()).collect()
}

fn compare(ours: &str, theirs: &str, tol: f64) {
    let (a, b) = (rows(ours), rows(theirs));
    assert_eq!(a.len(), b.len(), "row count (turns × actors × dims)");
    assert_eq!(a[0], b[0], "header");
    for (x, y) in a.iter().zip(&b).skip(1) {
        assert_eq!(x.len(), y.len());
        for (p, q) in x.iter().zip(y) {
            match (p.parse::<f64>(), q.parse::<f64>()) {
                (Ok(p), Ok(q)) => assert!((p - q).abs() <= tol, "{x:?} vs {y:?}"),
                _ => assert_eq!(p, q),
            }
        }
    }
}

fn check(input: &str, expected: &str, params: Option<&str>) {
    let tmp = tempfile::tempdir().unwrap();
    let (pos, prob) = (tmp.path().join("pos.csv"), tmp.path().join("prob.csv"));
    let mut cmd = Command::cargo_bin("demarche").unwrap();
    cmd.env("DEMARCHE_STORE", "off").args(["forecast", &format!("{KTAB}/inputs/{input}"), "--model", "smp"]);
    if let Some(p) = params {
        cmd.args(["--smp-params", p]);
    }
    cmd.args(["--trajectory-layout", "ktab"]).arg("--trajectory-out").arg(&pos);
    cmd.arg("--probability-out").arg(&prob).assert().success();
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap();
    compare(&read(&pos), &read(std::path::Path::new(&format!("{KTAB}/expected/{expected}/out_pos.csv"))), 1e-6 * 100.0);
    compare(&read(&prob), &read(std::path::Path::new(&format!("{KTAB}/expected/{expected}/out_prob.csv"))), 1e-9);
}

#[test]
fn default_parameters_match_ktab() {
    require_shared!();
    check("dummyData_3Dim.csv", "dummyData_3Dim", None);
}

#[test]
fn ktab_parameter_list_from_the_command_line_matches_ktab() {
    require_shared!();
    let params = std::fs::read_to_string(format!("{KTAB}/expected/SOE-Policy-v1/params.txt")).unwrap();
    check("SOE-Policy.csv", "SOE-Policy-v1", Some(params.trim()));
}

#[test]
fn bad_parameter_lists_are_clear_errors() {
    let mut cmd = Command::cargo_bin("demarche").unwrap();
    cmd.env("DEMARCHE_STORE", "off")
        .args(["forecast", &format!("{KTAB}/inputs/dummyData_3Dim.csv"), "--model", "smp", "--smp-params", "0,0,9"])
        .assert()
        .failure();
}
