//! Loading domains and profiles from Genius XML and GeniusWeb JSON.
//!
//! [`load_domain`] accepts a domain file (its profiles are found beside it), or a folder
//! (Genius: one `negotiation_template` file plus `utility_space` profiles; ANL 2022–2023:
//! `domainNN.json`, `profileA.json`, `profileB.json`). [`load_domain_with_profiles`] takes
//! the profiles explicitly, in the order the caller wants the parties.

pub mod genius;
mod genius_rules;
pub mod geniusweb;
pub mod tables;
mod xml;

use std::path::{Path, PathBuf};

use crate::domain::OutcomeSpace;
use crate::error::NegotiationError;
use crate::utility::Profile;

/// Files larger than this are refused (domains are kilobytes): regular files
/// before reading, others (`/dev/zero`, pipes) once this much has arrived.
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

/// The text of `path`, refused past [`MAX_FILE_BYTES`] whatever the file
/// says its size is. (The same bounded read as `demarche_scenario::read_bounded`;
/// this crate does not depend on that one.)
/// The text of `path`, and whether it was read as Latin-1 (it was not UTF-8).
fn read_text(path: &Path) -> Result<(String, bool), NegotiationError> {
    use std::io::Read;
    let io = |e: std::io::Error| NegotiationError::Io { path: path.to_path_buf(), message: e.to_string() };
    let too_large = || NegotiationError::Invalid {
        file: Some(path.to_path_buf()),
        message: format!("more than {MAX_FILE_BYTES} bytes; domain and profile files over that are refused"),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(NegotiationError::Io { path: path.to_path_buf(), message: "is a folder, not a file".into() });
    }
    if meta.is_file() && meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let guess = if meta.is_file() { meta.len() } else { 0 };
    let mut bytes = Vec::with_capacity(usize::try_from(guess).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    // Genius reads files in the platform's 8-bit encoding too (some ANAC 2015 profiles
    // are Latin-1): text that is not UTF-8 is read as Latin-1, and the caller notes it.
    Ok(match String::from_utf8(bytes) {
        Ok(t) => (t, false),
        Err(e) => (e.into_bytes().into_iter().map(char::from).collect(), true),
    })
}

/// The note for a file [`read_text`] read as Latin-1.
fn latin1_note(path: &Path) -> String {
    format!("{}: not UTF-8; read as Latin-1 (ISO 8859-1), as Genius reads such files", path.display())
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

/// How files are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Refuse what the Genius format does not allow even where Genius reads it (see
    /// [`genius`]'s module docs); by default such files load with a note each.
    pub strict: bool,
}

/// Loads a domain and its profiles from a file or folder; see the module docs.
pub fn load_domain(path: &Path) -> Result<LoadedDomain, NegotiationError> {
    load_domain_with_profiles(path, &[])
}

/// Loads the domain at `path` (file or folder) with the given profile files; when
/// `profiles` is empty they are discovered beside the domain.
pub fn load_domain_with_profiles(path: &Path, profiles: &[PathBuf]) -> Result<LoadedDomain, NegotiationError> {
    load_domain_with_options(path, profiles, LoadOptions::default())
}

/// [`load_domain_with_profiles`] with [`LoadOptions`].
pub fn load_domain_with_options(
    path: &Path,
    profiles: &[PathBuf],
    options: LoadOptions,
) -> Result<LoadedDomain, NegotiationError> {
    if path.is_dir() {
        let (domain, found, notes) = discover_in_folder(path)?;
        let chosen = if profiles.is_empty() { found } else { profiles.to_vec() };
        let mut loaded = load_files(&domain, &chosen, options)?;
        loaded.notes.splice(0..0, notes);
        return Ok(loaded);
    }
    if !path.exists() {
        return Err(NegotiationError::Io { path: path.to_path_buf(), message: "no such file or folder".into() });
    }
    if !profiles.is_empty() {
        return load_files(path, profiles, options);
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let files = list_files(dir)?;
    // Only siblings of the domain's format can be its profiles; the domain
    // itself is read (and reported) by `load_files`.
    let files: Vec<(PathBuf, Kind)> = files
        .into_iter()
        .map(|f| {
            let kind = if f == path || is_json(&f) != is_json(path) { Kind::Other } else { kind_of(&f) };
            (f, kind)
        })
        .collect();
    let (found, notes) = sibling_profiles(path, &files)?;
    let mut loaded = load_files(path, &found, options)?;
    loaded.notes.splice(0..0, notes);
    Ok(loaded)
}

/// What a candidate file is.
enum Kind {
    Domain,
    Profile,
    UncertainProfile,
    /// Well-formed, but neither (e.g. ANL's `specials.json`): ignored.
    Other,
    /// Not a JSON or XML document at all and naming nothing of a domain or a
    /// profile (Genius ships its `pareto.xml` as lines of numbers): skipped,
    /// with a note.
    NotADocument(String),
    /// Opens like a document of its format, or names a domain's or profile's
    /// root, but does not parse (or cannot be read): it may be the domain or a
    /// profile, so discovery stops rather than leave it out.
    Broken(NegotiationError),
}

/// Whether text that failed to parse still looks meant as a domain or profile.
fn meant_as_document(text: &str, json: bool) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let (open, markers): (char, &[&str]) = if json {
        ('{', &["LinearAdditiveUtilitySpace", "issuesValues"])
    } else {
        ('<', &["utility_space", "negotiation_template"])
    };
    t.starts_with(open) || markers.iter().any(|m| text.contains(m))
}

fn kind_of(path: &Path) -> Kind {
    let text = match read_text(path) {
        Ok((t, _)) => t,
        Err(e) => return Kind::Broken(e),
    };
    if is_json(path) {
        let doc = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(d) => d,
            Err(e) if meant_as_document(&text, true) => {
                return Kind::Broken(NegotiationError::Parse {
                    file: Some(path.to_path_buf()),
                    message: format!("not JSON: {e}"),
                })
            }
            Err(e) => return Kind::NotADocument(format!("not JSON: {e}")),
        };
        return if geniusweb::is_profile(&doc) {
            Kind::Profile
        } else if geniusweb::is_domain(&doc) {
            Kind::Domain
        } else {
            Kind::Other
        };
    }
    // Read as Genius reads it (a raw `&`, attributes run together) to tell what it is.
    let classified = xml::read(&text, |root| Ok(genius::classify(root))).or_else(|e| match xml::repaired(&text) {
        Some((fixed, _)) => xml::read(&fixed, |root| Ok(genius::classify(root))).map_err(|_| e),
        None => Err(e),
    });
    let kind = match classified {
        Ok(k) => k,
        Err(e) if meant_as_document(&text, false) => return Kind::Broken(e.in_file(path)),
        Err(e) => return Kind::NotADocument(e.to_string()),
    };
    match kind {
        Some(genius::XmlKind::Domain) => Kind::Domain,
        Some(genius::XmlKind::Profile { uncertain: false }) => Kind::Profile,
        Some(genius::XmlKind::Profile { uncertain: true }) => Kind::UncertainProfile,
        None => Kind::Other,
    }
}

fn classify(files: &[PathBuf]) -> Vec<(PathBuf, Kind)> {
    files.iter().map(|f| (f.clone(), kind_of(f))).collect()
}

/// One error listing every file that could not be read, or `Ok` when none.
fn refuse_broken(where_: &Path, broken: &[&NegotiationError]) -> Result<(), NegotiationError> {
    if broken.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = broken.iter().map(|e| format!("  {e}")).collect();
    Err(NegotiationError::invalid(format!(
        "{}: {} file{} that may be the domain or a profile could not be read:\n{}\n\
         fix {}, or name the domain file and its profiles explicitly",
        where_.display(),
        broken.len(),
        if broken.len() == 1 { "" } else { "s" },
        list.join("\n"),
        if broken.len() == 1 { "it" } else { "them" },
    )))
}

fn discover_in_folder(dir: &Path) -> Result<(PathBuf, Vec<PathBuf>, Vec<String>), NegotiationError> {
    let files = classify(&list_files(dir)?);
    let mut domains: Vec<PathBuf> =
        files.iter().filter(|(_, k)| matches!(k, Kind::Domain)).map(|(f, _)| f.clone()).collect();
    match domains.len() {
        0 => {
            // A file that does not parse may be the missing domain.
            let broken: Vec<&NegotiationError> =
                files.iter().filter_map(|(_, k)| if let Kind::Broken(e) = k { Some(e) } else { None }).collect();
            refuse_broken(dir, &broken)?;
            Err(NegotiationError::invalid(format!(
                "{}: no domain file found (a Genius <negotiation_template> XML or a GeniusWeb JSON with 'issuesValues')",
                dir.display()
            )))
        }
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
/// skipped (they are preference-elicitation copies, not extra parties). A file of
/// the same format that does not parse is an error: it may be a party's profile.
fn sibling_profiles(domain: &Path, files: &[(PathBuf, Kind)]) -> Result<(Vec<PathBuf>, Vec<String>), NegotiationError> {
    let mut profiles = Vec::new();
    let mut broken: Vec<(&PathBuf, &NegotiationError)> = Vec::new();
    let mut notes = Vec::new();
    for (f, kind) in files {
        if f == domain || is_json(f) != is_json(domain) {
            continue;
        }
        match kind {
            Kind::Profile => profiles.push(f.clone()),
            Kind::UncertainProfile => notes
                .push(format!("skipped {} (a Genius UNCERTAIN profile; pass it explicitly to use it)", f.display())),
            Kind::Broken(e) => broken.push((f, e)),
            Kind::NotADocument(_) if f.file_name().is_some_and(|n| n.eq_ignore_ascii_case("pareto.xml")) => {
                notes.push(format!(
                    "skipped {} as a profile (Genius's frontier file: read if the space is too large to enumerate)",
                    f.display()
                ))
            }
            Kind::NotADocument(why) => notes.push(format!("skipped {} ({why})", f.display())),
            Kind::Domain | Kind::Other => {}
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
            // Files of other domains in the same folder are not this one's business.
            broken.retain(|(f, _)| stem(f).starts_with(prefix.as_str()));
        }
    }
    let broken: Vec<&NegotiationError> = broken.into_iter().map(|(_, e)| e).collect();
    refuse_broken(domain.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")), &broken)?;
    if profiles.is_empty() {
        return Err(NegotiationError::invalid(format!(
            "{}: no profiles found beside the domain; pass profile files explicitly",
            domain.display()
        )));
    }
    Ok((profiles, notes))
}

/// Every profile loaded, or one error naming every profile that did not load.
fn every_profile(
    profiles: &[PathBuf],
    mut load: impl FnMut(&Path) -> Result<Profile, NegotiationError>,
) -> Result<Vec<Profile>, NegotiationError> {
    let mut out = Vec::with_capacity(profiles.len());
    let mut errors = Vec::new();
    for p in profiles {
        match load(p) {
            Ok(profile) => out.push(profile),
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => Ok(out),
        1 => Err(errors.remove(0)),
        n => Err(NegotiationError::invalid(format!(
            "{n} of {} profiles did not load:\n{}",
            profiles.len(),
            errors.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n")
        ))),
    }
}

fn load_files(domain: &Path, profiles: &[PathBuf], options: LoadOptions) -> Result<LoadedDomain, NegotiationError> {
    if profiles.is_empty() {
        return Err(NegotiationError::invalid(format!("{}: no profiles given", domain.display())));
    }
    let mut notes = Vec::new();
    let (text, latin1) = read_text(domain)?;
    if latin1 {
        notes.push(latin1_note(domain));
    }
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
        let out = every_profile(profiles, |p| {
            let (ptext, _) = read_text(p)?;
            geniusweb::parse_profile(&ptext, &space, &stem(p)).map_err(|e| e.in_file(p))
        })?;
        return Ok(LoadedDomain {
            space,
            profiles: out,
            format: SourceFormat::GeniusWebJson,
            domain_file: domain.to_path_buf(),
            profile_files: profiles.to_vec(),
            notes,
        });
    }
    let mut reading = genius::Reading { strict: options.strict, warnings: Vec::new() };
    let gd = genius::parse_domain_with(&text, &stem(domain), &mut reading).map_err(|e| e.in_file(domain))?;
    notes.extend(reading.warnings.drain(..).map(|w| format!("{}: {w}", domain.display())));
    let out = every_profile(profiles, |p| {
        let (ptext, latin1) = read_text(p)?;
        if latin1 {
            notes.push(latin1_note(p));
        }
        let mut reading = genius::Reading { strict: options.strict, warnings: Vec::new() };
        let profile = genius::parse_profile_with(&ptext, &gd, &stem(p), &mut reading).map_err(|e| e.in_file(p))?;
        notes.extend(reading.warnings.into_iter().map(|w| format!("{}: {w}", p.display())));
        Ok(profile)
    })?;
    Ok(LoadedDomain {
        space: gd.space,
        profiles: out,
        format: SourceFormat::GeniusXml,
        domain_file: domain.to_path_buf(),
        profile_files: profiles.to_vec(),
        notes,
    })
}
