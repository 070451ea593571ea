//! Loading domains and profiles from Genius XML and GeniusWeb JSON.
//!
//! [`load_domain`] accepts a domain file (its profiles are found beside it), or a folder
//! (Genius: one `negotiation_template` file plus `utility_space` profiles; ANL 2022–2023:
//! `domainNN.json`, `profileA.json`, `profileB.json`). [`load_domain_with_profiles`] takes
//! the profiles explicitly, in the order the caller wants the parties.

pub mod genius;
pub mod geniusweb;
pub mod tables;
pub mod xml;

use std::path::{Path, PathBuf};

use crate::domain::OutcomeSpace;
use crate::error::NegotiationError;
use crate::utility::Profile;

/// Files larger than this are refused before reading (domains are kilobytes).
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// The file formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// Genius XML (`negotiation_template` + `utility_space`).
    GeniusXml,
    /// GeniusWeb JSON (`issuesValues` + `LinearAdditiveUtilitySpace`).
    GeniusWebJson,
}

/// A domain with its parties' profiles.
#[derive(Debug, Clone)]
pub struct LoadedDomain {
    /// The outcome space.
    pub space: OutcomeSpace,
    /// One profile per party, in the order given (or file-name order when discovered).
    pub profiles: Vec<Profile>,
    /// The format read.
    pub format: SourceFormat,
    /// The domain file (or the profile that carried the domain).
    pub domain_file: PathBuf,
    /// The profile files, parallel to `profiles`.
    pub profile_files: Vec<PathBuf>,
    /// Things a user should know (e.g. skipped files).
    pub notes: Vec<String>,
}

fn read_text(path: &Path) -> Result<String, NegotiationError> {
    let io = |e: std::io::Error| NegotiationError::Io { path: path.to_path_buf(), message: e.to_string() };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(NegotiationError::Invalid {
            file: Some(path.to_path_buf()),
            message: format!("file is {} bytes; domain files over {MAX_FILE_BYTES} bytes are refused", meta.len()),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    String::from_utf8(bytes).map_err(|_| NegotiationError::Parse {
        file: Some(path.to_path_buf()),
        message: "file is not UTF-8 text".into(),
    })
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "domain".into())
}

fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn is_xml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}

fn list_files(dir: &Path) -> Result<Vec<PathBuf>, NegotiationError> {
    let io = |e: std::io::Error| NegotiationError::Io { path: dir.to_path_buf(), message: e.to_string() };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let p = entry.map_err(io)?.path();
        if p.is_file() && (is_json(&p) || is_xml(&p)) {
            files.push(p);
        }
        if files.len() > 10_000 {
            return Err(NegotiationError::invalid(format!("{}: too many files to scan", dir.display())));
        }
    }
    files.sort();
    Ok(files)
}

/// Loads a domain and its profiles from a file or folder; see the module docs.
pub fn load_domain(path: &Path) -> Result<LoadedDomain, NegotiationError> {
    load_domain_with_profiles(path, &[])
}

/// Loads the domain at `path` (file or folder) with the given profile files; when
/// `profiles` is empty they are discovered beside the domain.
pub fn load_domain_with_profiles(path: &Path, profiles: &[PathBuf]) -> Result<LoadedDomain, NegotiationError> {
    if path.is_dir() {
        let (domain, found, notes) = discover_in_folder(path)?;
        let chosen = if profiles.is_empty() { found } else { profiles.to_vec() };
        let mut loaded = load_files(&domain, &chosen)?;
        loaded.notes.splice(0..0, notes);
        return Ok(loaded);
    }
    if !path.exists() {
        return Err(NegotiationError::Io { path: path.to_path_buf(), message: "no such file or folder".into() });
    }
    if !profiles.is_empty() {
        return load_files(path, profiles);
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let files = list_files(dir)?;
    let (found, notes) = sibling_profiles(path, &files)?;
    let mut loaded = load_files(path, &found)?;
    loaded.notes.splice(0..0, notes);
    Ok(loaded)
}

/// What a candidate file is.
enum Kind {
    Domain,
    Profile,
    UncertainProfile,
    Other,
}

fn kind_of(path: &Path) -> Result<Kind, NegotiationError> {
    let text = read_text(path)?;
    if is_json(path) {
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else { return Ok(Kind::Other) };
        return Ok(if geniusweb::is_profile(&doc) {
            Kind::Profile
        } else if geniusweb::is_domain(&doc) {
            Kind::Domain
        } else {
            Kind::Other
        });
    }
    let Ok(root) = xml::parse(&text) else { return Ok(Kind::Other) };
    Ok(match genius::classify(&root) {
        Some(genius::XmlKind::Domain) => Kind::Domain,
        Some(genius::XmlKind::Profile { uncertain: false }) => Kind::Profile,
        Some(genius::XmlKind::Profile { uncertain: true }) => Kind::UncertainProfile,
        None => Kind::Other,
    })
}

fn discover_in_folder(dir: &Path) -> Result<(PathBuf, Vec<PathBuf>, Vec<String>), NegotiationError> {
    let files = list_files(dir)?;
    let mut domains = Vec::new();
    for f in &files {
        if matches!(kind_of(f)?, Kind::Domain) {
            domains.push(f.clone());
        }
    }
    match domains.len() {
        0 => Err(NegotiationError::invalid(format!(
            "{}: no domain file found (a Genius <negotiation_template> XML or a GeniusWeb JSON with 'issuesValues')",
            dir.display()
        ))),
        1 => {
            let domain = domains.remove(0);
            let (profiles, notes) = sibling_profiles(&domain, &files)?;
            Ok((domain, profiles, notes))
        }
        _ => Err(NegotiationError::invalid(format!(
            "{}: {} domain files ({}); name the domain file and its profiles explicitly",
            dir.display(),
            domains.len(),
            domains.iter().map(|d| d.file_name().unwrap_or_default().to_string_lossy()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Profiles beside `domain`: same format; if some share the domain file's name prefix
/// (`Laptop-C-domain.xml` → `Laptop-C-*`), only those. Genius `type="UNCERTAIN"` variants are
/// skipped (they are preference-elicitation copies, not extra parties).
fn sibling_profiles(domain: &Path, files: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<String>), NegotiationError> {
    let mut profiles = Vec::new();
    let mut notes = Vec::new();
    for f in files {
        if f == domain || is_json(f) != is_json(domain) {
            continue;
        }
        match kind_of(f)? {
            Kind::Profile => profiles.push(f.clone()),
            Kind::UncertainProfile => notes
                .push(format!("skipped {} (a Genius UNCERTAIN profile; pass it explicitly to use it)", f.display())),
            _ => {}
        }
    }
    let dstem = stem(domain);
    let prefix = dstem
        .strip_suffix("domain")
        .map(|p| p.trim_end_matches(['-', '_', ' ']))
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    if let Some(prefix) = prefix {
        let matching: Vec<PathBuf> =
            profiles.iter().filter(|p| stem(p).starts_with(prefix.as_str())).cloned().collect();
        if !matching.is_empty() {
            profiles = matching;
        }
    }
    if profiles.is_empty() {
        return Err(NegotiationError::invalid(format!(
            "{}: no profiles found beside the domain; pass profile files explicitly",
            domain.display()
        )));
    }
    Ok((profiles, notes))
}

fn load_files(domain: &Path, profiles: &[PathBuf]) -> Result<LoadedDomain, NegotiationError> {
    if profiles.is_empty() {
        return Err(NegotiationError::invalid(format!("{}: no profiles given", domain.display())));
    }
    let text = read_text(domain)?;
    if is_json(domain) {
        let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| NegotiationError::Parse {
            file: Some(domain.to_path_buf()),
            message: format!("line {}, column {}: {e}", e.line(), e.column()),
        })?;
        let space = if geniusweb::is_profile(&doc) {
            geniusweb::parse_embedded_domain(&text, &stem(domain))
        } else {
            geniusweb::parse_domain(&text, &stem(domain))
        }
        .map_err(|e| e.in_file(domain))?;
        let mut out = Vec::with_capacity(profiles.len());
        for p in profiles {
            let ptext = read_text(p)?;
            out.push(geniusweb::parse_profile(&ptext, &space, &stem(p)).map_err(|e| e.in_file(p))?);
        }
        return Ok(LoadedDomain {
            space,
            profiles: out,
            format: SourceFormat::GeniusWebJson,
            domain_file: domain.to_path_buf(),
            profile_files: profiles.to_vec(),
            notes: Vec::new(),
        });
    }
    let root = xml::parse(&text).map_err(|e| e.in_file(domain))?;
    let gd = genius::read_domain(&root, &stem(domain)).map_err(|e| e.in_file(domain))?;
    let mut out = Vec::with_capacity(profiles.len());
    for p in profiles {
        let ptext = read_text(p)?;
        let proot = xml::parse(&ptext).map_err(|e| e.in_file(p))?;
        out.push(genius::read_profile(&proot, &gd, &stem(p)).map_err(|e| e.in_file(p))?);
    }
    Ok(LoadedDomain {
        space: gd.space,
        profiles: out,
        format: SourceFormat::GeniusXml,
        domain_file: domain.to_path_buf(),
        profile_files: profiles.to_vec(),
        notes: Vec::new(),
    })
}
