//! Reading scenarios from files and strings in every supported format.

use std::path::Path;

use crate::decode;
use crate::diag::{Diagnostic, Diagnostics};
use crate::import;
use crate::model::Scenario;
use crate::node;
use crate::reader::Cx;
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
    /// decide-exchange-model's input (`#A`/`#P`/`#M`/`#D` rows).
    DecideCsv,
}

impl Format {
    pub const NAMES: [&'static str; 6] = ["toml", "json", "bdm-csv", "ktab-csv", "ktab-xml", "decide"];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "toml" => Format::Toml,
            "json" => Format::Json,
            "bdm-csv" | "bdm" => Format::BdmCsv,
            "ktab-csv" => Format::KtabCsv,
            "ktab-xml" | "xml" => Format::KtabXml,
            "decide" | "decide-csv" => Format::DecideCsv,
            _ => return None,
        })
    }

    /// [`Format::parse`], or a message naming the nearest format and all of them.
    pub fn from_name(s: &str) -> Result<Self, String> {
        Self::parse(s).ok_or_else(|| format!("unknown format `{s}`; {}", crate::diag::suggest(s, &Self::NAMES)))
    }

    /// Guess from the file name and, for CSV, from the first line.
    pub fn detect(name: &str, text: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        if import::decide::looks_like_decide(text) && !matches!(ext, "toml" | "json" | "xml") {
            return Some(Format::DecideCsv);
        }
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

/// Why [`read_bounded`] gave up on a file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} is a folder")]
    Folder { path: String },
    #[error("{path} holds more than {limit} bytes, the limit for an input file")]
    TooLarge { path: String, limit: u64 },
}

impl ReadError {
    /// What to do about it, in a few words.
    pub fn hint(&self) -> &'static str {
        match self {
            ReadError::Io { .. } => "check the path and permissions",
            ReadError::Folder { .. } => "give a file, not a folder",
            ReadError::TooLarge { .. } => "input files are small; is this the right file?",
        }
    }
}

/// The bytes of the file at `path`, refusing it once more than `limit` bytes
/// arrive. Files that are not regular files (`/dev/zero`, pipes, sockets) report
/// no size, so the limit is enforced on what is read, never on what the file
/// says; regular files over the limit are refused before reading.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let label = || path.display().to_string();
    let io = |source| ReadError::Io { path: label(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(ReadError::Folder { path: label() });
    }
    if meta.is_file() && meta.len() > limit {
        return Err(ReadError::TooLarge { path: label(), limit });
    }
    // What a regular file says it holds is only a first guess at the buffer.
    let guess = if meta.is_file() { meta.len().min(limit) } else { 0 };
    let mut bytes = Vec::with_capacity(usize::try_from(guess).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { path: label(), limit });
    }
    Ok(bytes)
}

pub fn load_path_as(path: &Path, format: Option<Format>) -> Result<Loaded, LoadError> {
    let label = path.display().to_string();
    let fail = |msg: String, hint: &str| {
        let mut d = Diagnostic::error("", msg).with_hint(hint);
        d.file = Some(label.clone());
        LoadError::single(d)
    };
    let bytes = read_bounded(path, limits::MAX_FILE_BYTES).map_err(|e| {
        let hint = match e {
            ReadError::Folder { .. } => "give a scenario file (.toml, .json, .csv, .xml)",
            _ => e.hint(),
        };
        fail(e.to_string(), hint)
    })?;
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
            let mut d = Diagnostic::error("", "cannot tell the format of this input").with_hint(
                "name the file .toml, .json, .csv or .xml, or say which format it is \
                     (--input-format on the command line, `format` in the API): one of toml, json, bdm-csv, \
                     ktab-csv, ktab-xml",
            );
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
        Format::DecideCsv => {
            let (sc, d) = import::decide::parse(text, name);
            (sc, d, Default::default())
        }
    };
    if let Some(sc) = &scenario {
        validate_decoded(sc, &mut diags, &spans);
    }
    diags.locate(label, Some(text));
    diags.sort();
    match scenario {
        Some(scenario) if !diags.has_errors() => Ok(Loaded { scenario, warnings: diags }),
        _ => Err(LoadError { diagnostics: diags }),
    }
}

/// The semantic checks of a scenario decoded from a tree, added to the
/// decoder's `diags` (minus echoes of structural errors already reported for
/// the same field), each placed at the span recorded for its path.
pub(crate) fn validate_decoded(
    sc: &Scenario,
    diags: &mut Diagnostics,
    spans: &std::collections::HashMap<String, crate::diag::Span>,
) {
    let structural: std::collections::HashSet<String> =
        diags.iter().filter(|d| d.is_error() && !d.path.is_empty()).map(|d| d.path.clone()).collect();
    // `d.path` itself, or any prefix of it that ends before a `.`.
    let echoes =
        |path: &str| structural.contains(path) || path.match_indices('.').any(|(i, _)| structural.contains(&path[..i]));
    for mut d in validate(sc) {
        if !structural.is_empty() && echoes(&d.path) {
            continue;
        }
        if d.span.is_none() {
            d.span = span_of(spans, &d.path);
        }
        diags.push(d);
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
