//! Importers: GDELT 2.0 events (and mentions), ICEWS, POLECAT, PLOVER JSON and
//! the project's own JSONL, each read from the published layout
//! (docs/events.md lists the columns and where they were read from). Every
//! problem is collected with its line and a hint; nothing is silently dropped.

use std::collections::HashMap;

use crate::cameo;
use crate::countries;
use crate::model::{Event, EventActor, EventType, Provenance, Quad};

/// The data sets an import reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dataset {
    Gdelt,
    GdeltMentions,
    Icews,
    Polecat,
    Plover,
    /// demarche's own JSONL (what `events import` and `events code` write).
    Native,
}

impl Dataset {
    pub const NAMES: [&'static str; 5] = ["gdelt", "icews", "polecat", "plover", "jsonl"];

    pub fn parse(s: &str) -> Option<Dataset> {
        Some(match s {
            "gdelt" => Dataset::Gdelt,
            "icews" => Dataset::Icews,
            "polecat" => Dataset::Polecat,
            "plover" => Dataset::Plover,
            "jsonl" | "demarche" => Dataset::Native,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Dataset::Gdelt => "gdelt",
            Dataset::GdeltMentions => "gdelt-mentions",
            Dataset::Icews => "icews",
            Dataset::Polecat => "polecat",
            Dataset::Plover => "plover",
            Dataset::Native => "jsonl",
        }
    }
}

/// One problem in an input file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub line: u64,
    pub message: String,
}

/// The largest file an import reads, and the most rows.
pub const MAX_IMPORT_BYTES: u64 = 2 << 30;
pub const MAX_IMPORT_ROWS: usize = 20_000_000;
/// How many problems are kept in full (the rest are counted).
pub const MAX_PROBLEMS_SHOWN: usize = 50;

/// What an import produced.
#[derive(Clone, Debug, Default)]
pub struct Imported {
    pub events: Vec<Event>,
    pub problems: Vec<Problem>,
    /// Problems beyond [`MAX_PROBLEMS_SHOWN`].
    pub more_problems: usize,
    /// Rows read (header excluded).
    pub rows: usize,
    /// Rows that are not PLOVER events (CAMEO 01 statements, 02 appeals).
    pub not_events: usize,
}

impl Imported {
    fn problem(&mut self, line: u64, message: String) {
        if self.problems.len() < MAX_PROBLEMS_SHOWN {
            self.problems.push(Problem { line, message });
        } else {
            self.more_problems += 1;
        }
    }

    /// The PLOVER type and mode of a row's CAMEO code; `None` for CAMEO 01/02
    /// (statements and appeals, counted as not events) and for anything that
    /// is not a CAMEO code (reported as a problem of `column` on line `ln`).
    fn plover_of(&mut self, code: &str, column: &str, ln: u64) -> Option<(EventType, &'static str)> {
        let found = cameo::to_plover(code);
        if found.is_none() {
            if code.bytes().all(|b| b.is_ascii_digit()) && matches!(code.get(..2), Some("01" | "02")) {
                self.not_events += 1;
            } else {
                self.problem(ln, format!("{column} `{code}` is not a CAMEO event code (hint: 2–4 digits, root 01–20)"));
            }
        }
        found
    }

    pub fn problem_count(&self) -> usize {
        self.problems.len() + self.more_problems
    }
}

/// Guesses the data set from the file's first line and name.
pub fn detect(text: &str, file_name: &str) -> Option<Dataset> {
    let first = text.lines().find(|l| !l.trim().is_empty())?.trim_start_matches('\u{feff}');
    let t = first.trim_start();
    if t.starts_with('[') {
        return Some(Dataset::Plover);
    }
    if t.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(t).ok()?;
        return Some(if v.get("actors").is_some() || v.get("recipients").is_some() {
            Dataset::Native
        } else {
            Dataset::Plover
        });
    }
    let fields: Vec<&str> = first.split('\t').collect();
    if fields.first() == Some(&"Event ID") {
        if fields.get(2) == Some(&"Event Type") {
            return Some(Dataset::Polecat);
        }
        if fields.get(2) == Some(&"Source Name") {
            return Some(Dataset::Icews);
        }
    }
    let numeric_id = fields.first().is_some_and(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if numeric_id && fields.len() == 61 {
        return Some(Dataset::Gdelt);
    }
    if numeric_id && fields.len() == 16 {
        return Some(Dataset::GdeltMentions);
    }
    let lower = file_name.to_ascii_lowercase();
    if lower.contains(".export.") {
        return Some(Dataset::Gdelt);
    }
    if lower.contains(".mentions.") {
        return Some(Dataset::GdeltMentions);
    }
    if lower.starts_with("ngecevents") {
        return Some(Dataset::Polecat);
    }
    None
}

/// Imports `text` (the contents of `file_name`) as `dataset`.
pub fn import(text: &str, file_name: &str, dataset: Dataset) -> Imported {
    let mut out = match dataset {
        Dataset::Gdelt => gdelt(text, file_name),
        Dataset::GdeltMentions => {
            let mut out = Imported::default();
            out.problem(
                1,
                "a GDELT mentions file lists where events were reported, not the events; hint: import the events file \
                 (*.export.CSV) and pass this one with --mentions"
                    .into(),
            );
            out
        }
        Dataset::Icews => icews(text, file_name),
        Dataset::Polecat => polecat(text, file_name),
        Dataset::Plover => plover(text, file_name),
        Dataset::Native => native(text),
    };
    if out.rows > MAX_IMPORT_ROWS {
        out.problem(0, format!("{} rows; an import reads at most {MAX_IMPORT_ROWS}", out.rows));
    }
    out
}

fn provenance(dataset: Dataset, record: &str, file: &str, line: u64) -> Provenance {
    Provenance {
        dataset: dataset.as_str().into(),
        record: record.into(),
        file: file.into(),
        line: Some(line),
        ..Default::default()
    }
}

fn iso_date_from_digits(d: &str) -> Option<String> {
    (d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit())).then(|| format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..8]))
}

/// `YYYY-MM-DD`, or ICEWS 2017's `M/D/YYYY`.
fn iso_date(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' && s.replace('-', "").bytes().all(|c| c.is_ascii_digit()) {
        return Some(s.to_string());
    }
    let parts: Vec<&str> = s.split('/').collect();
    if let [m, d, y] = parts[..] {
        let (m, d, y): (u32, u32, u32) = (m.parse().ok()?, d.parse().ok()?, y.parse().ok()?);
        if (1..=12).contains(&m) && (1..=31).contains(&d) && y > 1900 {
            return Some(format!("{y:04}-{m:02}-{d:02}"));
        }
    }
    None
}

// GDELT 2.0 event columns (0-based) used here; the full 61 are in docs/events.md.
const G_ID: usize = 0;
const G_DAY: usize = 1;
const G_A1_CODE: usize = 5;
const G_A1_NAME: usize = 6;
const G_A1_COUNTRY: usize = 7;
const G_A1_TYPE1: usize = 12;
const G_A2_CODE: usize = 15;
const G_A2_NAME: usize = 16;
const G_A2_COUNTRY: usize = 17;
const G_A2_TYPE1: usize = 22;
const G_IS_ROOT: usize = 25;
const G_EVENT_CODE: usize = 26;
const G_QUAD: usize = 29;
const G_GOLDSTEIN: usize = 30;
const G_NUM_MENTIONS: usize = 31;
const G_AVG_TONE: usize = 34;
const G_SOURCE_URL: usize = 60;

fn gdelt_actor(f: &[&str], code: usize, name: usize, country: usize, type1: usize) -> Option<EventActor> {
    if f[code].is_empty() && f[name].is_empty() {
        return None;
    }
    let mut a = EventActor::from_code(&title_case(f[name]), f[code]);
    if !f[country].is_empty() {
        a.country = f[country].to_string();
    }
    // Sector codes: the three type fields, without repeating the country.
    a.sector = (type1..type1 + 3).filter_map(|i| f.get(i)).filter(|s| !s.is_empty()).map(|s| s.to_string()).collect();
    if a.sector.is_empty() {
        let rest = a.code.get(3..).unwrap_or("");
        a.sector = rest.as_bytes().chunks(3).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    }
    Some(a)
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn gdelt(text: &str, file: &str) -> Imported {
    let mut out = Imported::default();
    for (i, line) in text.lines().enumerate() {
        let ln = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        out.rows += 1;
        if out.rows > MAX_IMPORT_ROWS {
            break;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 61 {
            out.problem(ln, format!("{} tab-separated fields; a GDELT 2.0 event row has 61 (hint: is this a GDELT 1.0 file, 57/58 fields, or a mentions file, 16?)", f.len()));
            continue;
        }
        let Some(date) = iso_date_from_digits(f[G_DAY]) else {
            out.problem(ln, format!("Day `{}` is not YYYYMMDD", f[G_DAY]));
            continue;
        };
        let code = f[G_EVENT_CODE];
        let Some((kind, mode)) = out.plover_of(code, "EventCode", ln) else { continue };
        let mut ev = Event::with_mode(
            format!("gdelt-{}", f[G_ID]),
            date,
            kind,
            mode,
            provenance(Dataset::Gdelt, f[G_ID], file, ln),
        );
        ev.cameo = Some(code.to_string());
        ev.source.url = f[G_SOURCE_URL].to_string();
        ev.source.outlet = host_of(f[G_SOURCE_URL]);
        match f[G_QUAD].parse::<u8>().ok().and_then(Quad::from_number) {
            Some(q) => ev.quad = q.number(),
            None => out.problem(ln, format!("QuadClass `{}` is not 1–4", f[G_QUAD])),
        }
        match f[G_GOLDSTEIN].parse::<f64>() {
            Ok(g) if (-10.0..=10.0).contains(&g) => ev.goldstein = Some(g),
            _ => out.problem(ln, format!("GoldsteinScale `{}` is not a number from −10 to 10", f[G_GOLDSTEIN])),
        }
        ev.actors.extend(gdelt_actor(&f, G_A1_CODE, G_A1_NAME, G_A1_COUNTRY, G_A1_TYPE1));
        ev.recipients.extend(gdelt_actor(&f, G_A2_CODE, G_A2_NAME, G_A2_COUNTRY, G_A2_TYPE1));
        ev.context = Vec::new();
        // GDELT's own weight of evidence: root events in the lead, many mentions.
        let mentions: f64 = f[G_NUM_MENTIONS].parse().unwrap_or(1.0);
        let root = f[G_IS_ROOT] == "1";
        ev.confidence = ((if root { 0.6 } else { 0.4 }) + 0.1 * mentions.max(1.0).log10()).min(1.0);
        if let Ok(tone) = f[G_AVG_TONE].parse::<f64>() {
            ev.text = format!("(GDELT average tone {tone:.2})");
        }
        out.events.push(ev);
    }
    out
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or("").trim_start_matches("www.").to_string()
}

/// Adds a GDELT mentions file to imported events: the mention count, the
/// outlets and, where GDELT's confidence is higher, that confidence.
pub fn attach_mentions(imported: &mut Imported, text: &str) {
    let by_id: HashMap<String, usize> = imported
        .events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some((e.source.record.clone(), i)).filter(|_| e.source.dataset == "gdelt"))
        .collect();
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let ln = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 16 {
            imported
                .problem(ln, format!("mentions line has {} tab-separated fields; GDELT 2.0 mentions have 16", f.len()));
            continue;
        }
        let Some(&idx) = by_id.get(f[0]) else { continue };
        *counts.entry(idx).or_default() += 1;
        let ev = &mut imported.events[idx];
        if let Ok(c) = f[11].parse::<f64>() {
            ev.confidence = ev.confidence.max((c / 100.0).clamp(0.0, 1.0));
        }
        if ev.source.outlet.is_empty() {
            ev.source.outlet = f[4].to_string();
        }
    }
    for (idx, n) in counts {
        let ev = &mut imported.events[idx];
        ev.text = format!("{} (mentioned {n} times)", ev.text).trim().to_string();
    }
}

fn icews_sector(name: &str) -> Option<&'static str> {
    let n = name.trim().to_ascii_lowercase();
    Some(match n.as_str() {
        s if s.contains("military") || s.contains("army") || s.contains("defense") || s.contains("defence") => "MIL",
        s if s.contains("police") => "COP",
        s if s.contains("rebel") || s.contains("insurgent") || s.contains("militia") => "REB",
        s if s.contains("legislat") || s.contains("parliament") => "LEG",
        s if s.contains("judicia") || s.contains("court") => "JUD",
        s if s.contains("opposition") || s.contains("dissident") => "OPP",
        s if s.contains("business") => "BUS",
        s if s.contains("media") || s.contains("news") => "MED",
        s if s.contains("civilian") || s.contains("general population") => "CVL",
        s if s.contains("government") || s.contains("executive") || s.contains("ministry") || s.contains("cabinet") => {
            "GOV"
        }
        s if s.contains("intergovernmental") => "IGO",
        s if s.contains("ngo") || s.contains("non-governmental") => "NGO",
        _ => return None,
    })
}

fn named_actor(
    name: &str,
    country: &str,
    sectors: &[&str],
    out: &mut Imported,
    ln: u64,
    what: &str,
) -> Option<EventActor> {
    let name = name.trim();
    let country = country.trim();
    if (name.is_empty() || is_missing(name)) && (country.is_empty() || is_missing(country)) {
        return None;
    }
    let code = if country.is_empty() || is_missing(country) {
        String::new()
    } else {
        match countries::code_of(country) {
            Some(c) => c.to_string(),
            None => {
                out.problem(ln, format!("{what} country `{country}` is not a country name demarche knows; hint: docs/events.md lists them (the event is kept, its country left empty)"));
                String::new()
            }
        }
    };
    let mut sector: Vec<String> = Vec::new();
    for s in sectors {
        if let Some(c) = icews_sector(s).map(str::to_string).or_else(|| {
            let t = s.trim();
            (t.len() == 3 && t.chars().all(|c| c.is_ascii_uppercase())).then(|| t.to_string())
        }) {
            if !sector.contains(&c) {
                sector.push(c);
            }
        }
    }
    let full = format!("{code}{}", sector.concat());
    Some(EventActor { name: name.to_string(), country: code, sector, code: full, wikidata: None })
}

fn is_missing(s: &str) -> bool {
    matches!(s.trim(), "" | "NA" | "None" | "null")
}

/// Header name → index; both spellings POLECAT has used for intensity.
fn header_index(header: &str) -> HashMap<String, usize> {
    header.trim_start_matches('\u{feff}').split('\t').enumerate().map(|(i, h)| (h.trim().to_string(), i)).collect()
}

fn icews(text: &str, file: &str) -> Imported {
    let mut out = Imported::default();
    let mut lines = text.lines().enumerate();
    let Some((_, header)) = lines.next() else { return out };
    let h = header_index(header);
    let needed = [
        "Event ID",
        "Event Date",
        "Source Name",
        "Source Sectors",
        "Source Country",
        "CAMEO Code",
        "Intensity",
        "Target Name",
        "Target Sectors",
        "Target Country",
        "Publisher",
    ];
    let missing: Vec<&str> = needed.iter().copied().filter(|n| !h.contains_key(*n)).collect();
    if !missing.is_empty() {
        out.problem(1, format!("the ICEWS header lacks {}; hint: the Dataverse files have 20 tab-separated columns starting `Event ID	Event Date	Source Name`", missing.join(", ")));
        return out;
    }
    let col = |f: &[&str], n: &str| -> String { f.get(h[n]).copied().unwrap_or("").trim().to_string() };
    for (i, line) in lines {
        let ln = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        out.rows += 1;
        if out.rows > MAX_IMPORT_ROWS {
            break;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 20 {
            out.problem(ln, format!("{} tab-separated fields; an ICEWS row has 20", f.len()));
            continue;
        }
        let Some(date) = iso_date(&col(&f, "Event Date")) else {
            out.problem(ln, format!("Event Date `{}` is not YYYY-MM-DD (or M/D/YYYY)", col(&f, "Event Date")));
            continue;
        };
        let code = col(&f, "CAMEO Code");
        let Some((kind, mode)) = out.plover_of(&code, "CAMEO Code", ln) else { continue };
        let id = col(&f, "Event ID");
        let mut ev =
            Event::with_mode(format!("icews-{id}-{date}"), date, kind, mode, provenance(Dataset::Icews, &id, file, ln));
        ev.cameo = Some(code);
        match col(&f, "Intensity").parse::<f64>() {
            Ok(g) if (-10.0..=10.0).contains(&g) => ev.goldstein = Some(g),
            _ => out.problem(ln, format!("Intensity `{}` is not a number from −10 to 10", col(&f, "Intensity"))),
        }
        ev.source.outlet = col(&f, "Publisher");
        let ss = col(&f, "Source Sectors");
        let ts = col(&f, "Target Sectors");
        let source = named_actor(
            &col(&f, "Source Name"),
            &col(&f, "Source Country"),
            &ss.split(',').collect::<Vec<_>>(),
            &mut out,
            ln,
            "Source",
        );
        let target = named_actor(
            &col(&f, "Target Name"),
            &col(&f, "Target Country"),
            &ts.split(',').collect::<Vec<_>>(),
            &mut out,
            ln,
            "Target",
        );
        ev.actors.extend(source);
        ev.recipients.extend(target);
        if let Some(i) = h.get("Event Text") {
            ev.text = f.get(*i).copied().unwrap_or("").to_string();
        }
        out.events.push(ev);
    }
    out
}

fn split_multi(s: &str) -> Vec<&str> {
    if is_missing(s) {
        return Vec::new();
    }
    s.split(';').map(str::trim).filter(|x| !x.is_empty() && !is_missing(x)).collect()
}

fn polecat(text: &str, file: &str) -> Imported {
    let mut out = Imported::default();
    let mut lines = text.lines().enumerate();
    let Some((_, header)) = lines.next() else { return out };
    let mut h = header_index(header);
    if let Some(i) = h.get("Intensity").copied() {
        h.entry("Event Intensity".into()).or_insert(i);
    }
    let needed = [
        "Event ID",
        "Event Date",
        "Event Type",
        "Event Mode",
        "Event Intensity",
        "Contexts",
        "Actor Name",
        "Actor Country",
        "Recipient Name",
        "Recipient Country",
    ];
    let missing: Vec<&str> = needed.iter().copied().filter(|n| !h.contains_key(*n)).collect();
    if !missing.is_empty() {
        out.problem(1, format!("the POLECAT header lacks {}; hint: POLECAT's weekly files are tab-separated with a header starting `Event ID	Event Date	Event Type`", missing.join(", ")));
        return out;
    }
    let col =
        |f: &[&str], n: &str| -> String { h.get(n).and_then(|&i| f.get(i)).copied().unwrap_or("").trim().to_string() };
    for (i, line) in lines {
        let ln = i as u64 + 1;
        if line.trim().is_empty() || line.starts_with("Event ID\t") {
            continue;
        }
        out.rows += 1;
        if out.rows > MAX_IMPORT_ROWS {
            break;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let Some(date) = iso_date(&col(&f, "Event Date")) else {
            out.problem(ln, format!("Event Date `{}` is not YYYY-MM-DD", col(&f, "Event Date")));
            continue;
        };
        let Some(kind) = EventType::parse(&col(&f, "Event Type")) else {
            out.problem(
                ln,
                format!(
                    "Event Type `{}` is not a PLOVER type (hint: {})",
                    col(&f, "Event Type"),
                    EventType::NAMES.join(", ")
                ),
            );
            continue;
        };
        let mode = col(&f, "Event Mode");
        let mode = if is_missing(&mode) { String::new() } else { mode.to_ascii_lowercase() };
        let id = col(&f, "Event ID");
        let mut ev =
            Event::with_mode(format!("polecat-{id}"), date, kind, &mode, provenance(Dataset::Polecat, &id, file, ln));
        match col(&f, "Event Intensity").parse::<f64>() {
            Ok(x) if (-10.0..=10.0).contains(&x) => ev.intensity = x,
            _ => out.problem(
                ln,
                format!("Event Intensity `{}` is not a number from −10 to 10", col(&f, "Event Intensity")),
            ),
        }
        ev.context = split_multi(&col(&f, "Contexts")).into_iter().map(str::to_string).collect();
        ev.source.outlet = col(&f, "Source");
        for (role, list) in [("Actor", &mut ev.actors), ("Recipient", &mut ev.recipients)] {
            let names = col(&f, &format!("{role} Name"));
            let countries_col = col(&f, &format!("{role} Country"));
            let sectors = col(&f, &format!("{role} Sectors"));
            let primary = col(&f, &format!("Primary {role} Sector"));
            let wiki = col(&f, &format!("Wikipedia {role} ID"));
            let names = split_multi(&names);
            let ctry = split_multi(&countries_col);
            let wikis = split_multi(&wiki);
            let mut sec: Vec<&str> = split_multi(&sectors);
            if sec.is_empty() && !is_missing(&primary) {
                sec.push(primary.as_str());
            }
            let n = names.len().max(ctry.len());
            for k in 0..n {
                let name = names.get(k).copied().unwrap_or("");
                let c = ctry.get(k).or(ctry.first()).copied().unwrap_or("");
                if let Some(mut a) = named_actor(name, c, &sec, &mut out, ln, role) {
                    a.wikidata = wikis.get(k).map(|w| w.to_string());
                    list.push(a);
                }
            }
        }
        out.events.push(ev);
    }
    out
}

fn plover(text: &str, file: &str) -> Imported {
    let mut out = Imported::default();
    let records: Vec<(u64, serde_json::Value)> = if text.trim_start().starts_with('[') {
        match serde_json::from_str::<Vec<serde_json::Value>>(text) {
            Ok(v) => v.into_iter().enumerate().map(|(i, r)| (i as u64 + 1, r)).collect(),
            Err(e) => {
                out.problem(e.line() as u64, format!("not a JSON array of PLOVER records: {e}"));
                return out;
            }
        }
    } else {
        let mut v = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str(line) {
                Ok(r) => v.push((i as u64 + 1, r)),
                Err(e) => out.problem(i as u64 + 1, format!("not a JSON record: {e}")),
            }
        }
        v
    };
    for (ln, r) in records {
        let s = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let label = s("event");
        if label == "DOCUMENT" {
            continue;
        }
        out.rows += 1;
        let Some(kind) = EventType::parse(&label) else {
            out.problem(
                ln,
                format!(
                    "record {}: event `{label}` is not a PLOVER type (hint: {})",
                    s("id"),
                    EventType::NAMES.join(", ")
                ),
            );
            continue;
        };
        let date = iso_date(&s("date")).unwrap_or_default();
        if date.is_empty() {
            out.problem(ln, format!("record {}: date `{}` is not YYYY-MM-DD", s("id"), s("date")));
            continue;
        }
        let mut ev = Event::with_mode(s("id"), date, kind, &s("mode"), provenance(Dataset::Plover, &s("id"), file, ln));
        let actors = |key: &str| -> Vec<EventActor> {
            r.get(key)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .map(|x| {
                            let name = x.get("actorText").and_then(|v| v.as_str()).unwrap_or("");
                            let code = x.get("code").and_then(|v| v.as_str()).unwrap_or("");
                            EventActor::from_code(name, code)
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        ev.actors = actors("source");
        ev.recipients = actors("target");
        let ctx = s("context");
        ev.context = ctx.split([',', ';']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect();
        ev.text = s("text");
        ev.source.outlet = s("publication");
        out.events.push(ev);
    }
    out
}

fn native(text: &str) -> Imported {
    let mut out = Imported::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.rows += 1;
        if out.rows > MAX_IMPORT_ROWS {
            break;
        }
        match serde_json::from_str::<Event>(line) {
            Ok(mut e) if (0..=4).contains(&e.quad) => {
                e.complete();
                out.events.push(e);
            }
            Ok(e) => out.problem(i as u64 + 1, format!("quad {} is not a quad class (1–4, or leave it out)", e.quad)),
            Err(err) => out.problem(
                i as u64 + 1,
                format!(
                    "not a demarche event: {err}; hint: each line needs at least \"id\", \"date\" and \"event\" (a \
                     PLOVER type)"
                ),
            ),
        }
    }
    out
}
