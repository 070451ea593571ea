//! Reading scenarios from files and strings in every supported format.

use std::path::Path;

use crate::decode::{self, Cx};
use crate::diag::{Diagnostic, Diagnostics};
use crate::import;
use crate::model::Scenario;
use crate::node;
use crate::validate::{limits, validate};

/// The formats a scenario can be read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// demarche's native format.
    Toml,
    /// The same document as JSON.
    Json,
    /// The BDM-replication CSV (`Actor,Capability,Position,Salience`).
    BdmCsv,
    /// KTAB's SMP CSV.
    KtabCsv,
    /// KTAB's SMP XML.
    KtabXml,
}

impl Format {
    pub const NAMES: [&'static str; 5] = ["toml", "json", "bdm-csv", "ktab-csv", "ktab-xml"];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "toml" => Format::Toml,
            "json" => Format::Json,
            "bdm-csv" | "bdm" => Format::BdmCsv,
            "ktab-csv" => Format::KtabCsv,
            "ktab-xml" | "xml" => Format::KtabXml,
            _ => return None,
        })
    }

    /// Guess from the file name and, for CSV, from the first line.
    pub fn detect(name: &str, text: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        match ext {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            "xml" => Some(Format::KtabXml),
            "csv" => Some(if import::bdm::looks_like_bdm(text) { Format::BdmCsv } else { Format::KtabCsv }),
            _ => {
                let t = text.trim_start_matches('\u{feff}').trim_start();
                if t.starts_with('{') {
                    Some(Format::Json)
                } else if t.starts_with('<') {
                    Some(Format::KtabXml)
                } else if import::bdm::looks_like_bdm(text) {
                    Some(Format::BdmCsv)
                } else if t.starts_with('[') || t.starts_with('#') || t.contains(" = ") {
                    Some(Format::Toml)
                } else {
                    None
                }
            }
        }
    }
}

/// A scenario that loaded, with any warnings about it.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Diagnostics,
}

/// A scenario that did not load: every problem found, located.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{diagnostics}")]
pub struct LoadError {
    pub diagnostics: Diagnostics,
}

impl LoadError {
    pub fn single(d: Diagnostic) -> Self {
        LoadError { diagnostics: Diagnostics(vec![d]) }
    }
}

/// Read and check a scenario file; the format comes from its name and content.
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    load_path_as(path, None)
}

pub fn load_path_as(path: &Path, format: Option<Format>) -> Result<Loaded, LoadError> {
    let label = path.display().to_string();
    let fail = |msg: String, hint: &str| {
        let mut d = Diagnostic::error("", msg).with_hint(hint);
        d.file = Some(label.clone());
        LoadError::single(d)
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read {label}: {e}"), "check the path"))?;
    if meta.is_dir() {
        return Err(fail(format!("{label} is a folder"), "give a scenario file (.toml, .json, .csv, .xml)"));
    }
    if meta.len() > limits::MAX_FILE_BYTES {
        return Err(fail(
            format!("{label} is {} bytes; the limit is {}", meta.len(), limits::MAX_FILE_BYTES),
            "scenario files are small; is this the right file?",
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| fail(format!("cannot read {label}: {e}"), "check the path and permissions"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(
            format!("{label} is not UTF-8 text (bad byte at offset {})", e.utf8_error().valid_up_to()),
            "save the file as UTF-8",
        )
    })?;
    load_str(&text, format, Some(&label))
}

/// Read and check a scenario from text. `label` names the source in messages.
pub fn load_str(text: &str, format: Option<Format>, label: Option<&str>) -> Result<Loaded, LoadError> {
    let name = label.unwrap_or("");
    let format = match format.or_else(|| Format::detect(name, text)) {
        Some(f) => f,
        None => {
            let mut d = Diagnostic::error("", "cannot tell the format of this input")
                .with_hint("name the file .toml, .json, .csv or .xml, or pass --format");
            d.file = label.map(str::to_owned);
            return Err(LoadError::single(d));
        }
    };
    if text.len() as u64 > limits::MAX_FILE_BYTES {
        let mut d =
            Diagnostic::error("", format!("input is {} bytes; the limit is {}", text.len(), limits::MAX_FILE_BYTES));
        d.file = label.map(str::to_owned);
        return Err(LoadError::single(d));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (scenario, mut diags, spans) = match format {
        Format::Toml | Format::Json => {
            let (root, mut diags) =
                if format == Format::Toml { node::parse_toml(text) } else { node::parse_json(text) };
            match root {
                None => (None, std::mem::take(&mut diags), Default::default()),
                Some(root) => {
                    let mut cx = Cx { diags, ..Default::default() };
                    let sc = decode::scenario(&root, &mut cx);
                    (Some(sc), cx.diags, cx.spans)
                }
            }
        }
        Format::BdmCsv => {
            let (sc, d) = import::bdm::parse(text, name);
            (sc, d, Default::default())
        }
        Format::KtabCsv => {
            let (sc, d) = import::ktab::parse_csv(text, name);
            (sc, d, Default::default())
        }
        Format::KtabXml => {
            let (sc, d) = import::ktab::parse_xml(text, name);
            (sc, d, Default::default())
        }
    };
    if let Some(sc) = &scenario {
        // Semantic checks, minus echoes of structural errors already reported
        // for the same field.
        let structural: Vec<String> = diags.iter().filter(|d| d.is_error()).map(|d| d.path.clone()).collect();
        for mut d in validate(sc) {
            if structural.iter().any(|p| !p.is_empty() && (d.path == *p || d.path.starts_with(&format!("{p}.")))) {
                continue;
            }
            if d.span.is_none() {
                d.span = span_of(&spans, &d.path);
            }
            diags.push(d);
        }
    }
    diags.locate(label, Some(text));
    diags.sort();
    match scenario {
        Some(scenario) if !diags.has_errors() => Ok(Loaded { scenario, warnings: diags }),
        _ => Err(LoadError { diagnostics: diags }),
    }
}

fn span_of(spans: &std::collections::HashMap<String, crate::diag::Span>, path: &str) -> Option<crate::diag::Span> {
    let mut p = path;
    loop {
        if let Some(s) = spans.get(p) {
            return Some(s.clone());
        }
        let cut = p.rfind(['.', '['])?;
        p = &p[..cut];
    }
}

/// Check an already-built scenario (from code, the workbench or overrides).
pub fn check(sc: &Scenario) -> Diagnostics {
    let mut d = validate(sc);
    d.sort();
    d
}

/// Write a scenario in the native TOML format.
pub fn to_toml(sc: &Scenario) -> Result<String, toml::ser::Error> {
    toml::to_string_pretty(sc)
}

/// Write a scenario as JSON (the equivalent form).
pub fn to_json(sc: &Scenario) -> String {
    serde_json::to_string_pretty(sc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
