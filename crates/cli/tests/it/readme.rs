//! The README's code blocks, run as written on the repository alone (no
//! `../shared`): every `demarche …` line of its `sh` blocks in order, in a
//! scratch folder that sees the repository's `scenarios/` and `examples/`,
//! and every complete TOML scenario it shows through `check`.

use assert_cmd::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// `(language, body)` of each fenced block.
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(lang) = line.strip_prefix("```") else { continue };
        let mut body = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        out.push((lang.trim().to_string(), body));
    }
    out
}

/// A README command line as arguments: the comment after `  #` dropped, words split.
fn words(line: &str) -> Vec<String> {
    let line = line.split("  #").next().unwrap_or(line).trim();
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[test]
fn every_command_in_the_readme_runs_as_written() {
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for folder in ["scenarios", "examples"] {
        std::os::unix::fs::symlink(format!("{ROOT}/{folder}"), dir.path().join(folder)).unwrap();
    }
    let store = dir.path().join("runs.sqlite");
    let mut ran = 0;
    for (lang, body) in blocks(&readme).iter().filter(|(l, _)| l == "sh") {
        for line in body.lines().map(str::trim).filter(|l| l.starts_with("demarche ")) {
            let mut args = words(line);
            args.remove(0);
            // The workbench runs until stopped; its own tests start it.
            if args.first().map(String::as_str) == Some("serve") {
                continue;
            }
            // `>` redirections: the output goes to that file.
            let redirect = args.iter().position(|a| a == ">");
            let target = redirect.map(|k| args[k + 1].clone());
            if let Some(k) = redirect {
                args.truncate(k);
            }
            let out = Command::cargo_bin("demarche")
                .unwrap()
                .current_dir(dir.path())
                .env("DEMARCHE_STORE", &store)
                .args(&args)
                .output()
                .unwrap();
            assert!(out.status.success(), "README ({lang}) `{line}` failed:\n{}", String::from_utf8_lossy(&out.stderr));
            if let Some(t) = target {
                std::fs::write(dir.path().join(t), &out.stdout).unwrap();
            }
            ran += 1;
        }
    }
    assert!(ran >= 10, "only {ran} README commands found");
}

#[test]
fn every_scenario_the_readme_shows_passes_check() {
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (k, (_, body)) in blocks(&readme).iter().filter(|(l, b)| l == "toml" && b.starts_with("[meta]")).enumerate() {
        let path = dir.path().join(format!("readme-{k}.toml"));
        std::fs::write(&path, body).unwrap();
        let out = Command::cargo_bin("demarche").unwrap().arg("check").arg(&path).output().unwrap();
        assert!(out.status.success(), "README scenario {k} fails check:\n{}", String::from_utf8_lossy(&out.stderr));
        checked += 1;
    }
    assert!(checked >= 1);
}
