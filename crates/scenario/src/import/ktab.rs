//! KTAB's Spatial Model of Politics scenario formats, CSV and XML.
//!
//! Both describe actors with a capability ("power", "influence") and, on each
//! dimension, a position on 0–100 and a salience on 0–100 whose sum over the
//! dimensions is at most 100. Each dimension becomes an issue on a 0–100 scale;
//! saliences are divided by 100 into the model's [0, 1].
//!
//! CSV layout (KTAB's `csvRead`):
//!
//! ```text
//! <scenario name>,<description>,<number of actors>,<number of dimensions>,
//! Actor,Description,Power,<dim 1 name>,<salience 1 header>,...
//! <actor>,<description>,<power>,<position 1>,<salience 1>,...
//! ```
//!
//! XML layout (KTAB's `smpSchema.xsd`): `<Scenario>` with `<name>`, `<desc>`,
//! `<prngSeed>`, optional `<ModelParameters>` (the nine parameters by name),
//! `<Dimensions><dName>…`, `<Actors><Actor>` (`name`, `description`,
//! `capability`, `<Position><dCoord>…`, `<Salience><dSal>…`) and optional
//! `<IdealAdjustment><iaPair>` (`adjustingIdeal`, `referencePos`, `adjust`).
//! Unlike KTAB's reader, ours does not require `<IdealAdjustment>`, and it
//! reads `<ModelParameters>` and the seed into `[engines.smp]`.
//!
//! Both readers report every problem they can find at once, with line numbers;
//! they never allocate by a count the file declares, refuse DOCTYPE
//! declarations (so entity expansion cannot blow up) and limit nesting depth.

use std::borrow::Cow;

use roxmltree::{Document, Node, ParsingOptions};

use crate::diag::{Diagnostic, Diagnostics, Hints, Span};
use crate::model::*;
use crate::settings::smp::{
    BargnModel, BigRAdjust, BigRRange, IdealAdjustment, InterVecBrgn, PceModel, SmpSettings, StateTransitions,
    ThirdPartyCommit, VictoryProbModel, VotingRule,
};
use crate::settings::EngineSettings;
use crate::validate::limits;

use super::{stem_id, unique_slugs};

/// KTAB needs at least three actors.
const MIN_ACTORS: usize = 3;
/// Deepest element nesting we follow in XML (KTAB's format needs 4).
const MAX_XML_DEPTH: usize = 32;
/// Most dimensions we accept (far above any KTAB scenario).
const MAX_DIMENSIONS: usize = limits::MAX_ISSUES;

/// One actor as read, before the scenario is assembled.
struct RawActor {
    name: String,
    desc: String,
    cap: f64,
    pos: Vec<f64>,
    sal: Vec<f64>,
}

/// Header data shared by both formats.
struct RawScenario {
    name: String,
    desc: String,
    dims: Vec<String>,
    actors: Vec<RawActor>,
}

fn build(raw: RawScenario, label: &str, format: &str, settings: Option<SmpSettings>) -> Scenario {
    let issue_ids = {
        let ids = unique_slugs(&raw.dims);
        ids.into_iter()
            .enumerate()
            .map(|(k, id)| if id.is_empty() { format!("dim{k}") } else { id })
            .collect::<Vec<_>>()
    };
    let names: Vec<String> = raw.actors.iter().map(|a| a.name.clone()).collect();
    let actor_ids = unique_slugs(&names);
    let title = if raw.name.trim().is_empty() { stem_id(label, "ktab-scenario") } else { raw.name.trim().to_string() };
    let desc = raw.desc.trim();
    // The file's name, never the path of the machine that read it (reports carry it).
    let mut description =
        format!("Imported from KTAB {format} {}; positions on KTAB's 0–100 scale.", super::file_name(label));
    if !desc.is_empty() {
        description = format!("{desc}\n\n{description}");
    }
    let issues = raw
        .dims
        .iter()
        .zip(&issue_ids)
        .map(|(name, id)| {
            let shown = if name.trim().is_empty() { id.as_str() } else { name.trim() };
            Issue {
                id: id.clone(),
                name: shown.to_string(),
                min: 0.0,
                max: 100.0,
                low: format!("0 on {shown}"),
                high: format!("100 on {shown}"),
                ..Default::default()
            }
        })
        .collect::<Vec<_>>();
    let mut stances = Vec::new();
    for (a, id) in raw.actors.iter().zip(&actor_ids) {
        for (k, iid) in issue_ids.iter().enumerate() {
            stances.push(Stance {
                actor: id.clone(),
                issue: iid.clone(),
                position: a.pos[k],
                salience: a.sal[k] / 100.0,
                ..Default::default()
            });
        }
    }
    let actors = raw
        .actors
        .iter()
        .zip(&actor_ids)
        .map(|(a, id)| Actor {
            id: id.clone(),
            name: a.name.clone(),
            capability: a.cap,
            description: if a.desc.trim().is_empty() { None } else { Some(a.desc.trim().to_string()) },
            ..Default::default()
        })
        .collect();
    Scenario {
        meta: Meta { title, description: Some(description), ..Default::default() },
        actors,
        issues,
        stances,
        engines: EngineSettings { smp: settings, ..Default::default() },
        ..Default::default()
    }
}

/// Checks common to both formats on one actor; `at` locates the problem.
fn check_actor(
    a: &RawActor,
    index: usize,
    dims: &[String],
    d: &mut Diagnostics,
    at: &dyn Fn(Diagnostic) -> Diagnostic,
) {
    let who = if a.name.is_empty() { format!("actor {}", index + 1) } else { format!("actor `{}`", a.name) };
    let path = format!("actors[{index}]");
    if a.name.trim().is_empty() {
        d.push(at(Diagnostic::error(format!("{path}.name"), format!("actor {} has no name", index + 1))));
    }
    if !(a.cap.is_finite() && a.cap > 0.0) {
        d.push(at(Diagnostic::error(
            format!("{path}.capability"),
            format!("{who}: capability must be positive, got {}", a.cap),
        )
        .with_hint("the SMP weighs every vote by capability; an actor without any cannot take part")));
    }
    for (k, dim) in dims.iter().enumerate() {
        if let Some(&p) = a.pos.get(k) {
            if !(p.is_finite() && (0.0..=100.0).contains(&p)) {
                d.push(at(Diagnostic::error(
                    format!("{path}.position[{k}]"),
                    format!("{who}: position on `{dim}` must be within 0–100, got {p}"),
                )));
            }
        }
        if let Some(&s) = a.sal.get(k) {
            if !(s.is_finite() && (0.0..=100.0).contains(&s)) {
                d.push(at(Diagnostic::error(
                    format!("{path}.salience[{k}]"),
                    format!("{who}: salience on `{dim}` must be within 0–100, got {s}"),
                )));
            }
        }
    }
    if a.sal.len() == dims.len() && a.sal.iter().all(|s| s.is_finite()) {
        let total: f64 = a.sal.iter().sum();
        if total > 100.0 {
            d.push(at(Diagnostic::error(
                format!("{path}.salience"),
                format!("{who}: saliences add up to {total}, more than 100"),
            )
            .with_hint(
                "salience is a share of the actor's attention: the dimensions' saliences add up to at most 100",
            )));
        } else if total <= 0.0 && a.sal.iter().all(|&s| s >= 0.0) {
            d.push(at(Diagnostic::error(format!("{path}.salience"), format!("{who}: every salience is 0")).with_hint(
                "an actor that cares about no dimension cannot weigh distances; give it some salience or drop it",
            )));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

pub fn parse_csv(text: &str, label: &str) -> (Option<Scenario>, Diagnostics) {
    let mut d = Diagnostics::new();
    let mut rdr =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut records = rdr.records();
    let mut next_record = |d: &mut Diagnostics| -> Option<(usize, Vec<String>)> {
        loop {
            match records.next()? {
                Ok(r) => {
                    let line = r.position().map(|p| p.line() as usize).unwrap_or(0);
                    let cells: Vec<String> = r.iter().map(|c| c.to_string()).collect();
                    if cells.iter().all(|c| c.is_empty()) {
                        continue;
                    }
                    return Some((line, cells));
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                    d.push(Diagnostic::error("", format!("unreadable CSV: {e}")).with_location(line.max(1), 1));
                }
            }
        }
    };

    // Line 1: name, description, actor count, dimension count.
    let Some((line1, head)) = next_record(&mut d) else {
        d.push(
            Diagnostic::error("", "the file is empty")
                .with_hint("a KTAB CSV starts with `<name>,<description>,<number of actors>,<number of dimensions>`"),
        );
        return (None, d);
    };
    let count = |k: usize, what: &str, d: &mut Diagnostics| -> Option<usize> {
        let cell = head.get(k).map(String::as_str).unwrap_or("");
        match cell.parse::<usize>() {
            Ok(v) => Some(v),
            Err(_) => {
                d.push(
                    Diagnostic::error(
                        "",
                        format!("the number of {what} `{cell}` (field {}) is not a whole number", k + 1),
                    )
                    .with_location(line1, 1)
                    .with_hint("the first line is `<name>,<description>,<number of actors>,<number of dimensions>`"),
                );
                None
            }
        }
    };
    let declared_actors = count(2, "actors", &mut d);
    let declared_dims = count(3, "dimensions", &mut d);
    let name = head.first().cloned().unwrap_or_default();
    let desc = head.get(1).cloned().unwrap_or_default();
    let Some(declared_dims) = declared_dims else {
        return (None, d);
    };
    if declared_dims == 0 || declared_dims > MAX_DIMENSIONS {
        d.push(
            Diagnostic::error("", format!("the file declares {declared_dims} dimensions"))
                .with_location(line1, 1)
                .with_hint(format!("a KTAB scenario has between 1 and {MAX_DIMENSIONS} dimensions")),
        );
        return (None, d);
    }

    // Line 2: Actor,Description,Power,<dim>,<sal>,...
    let Some((line2, header)) = next_record(&mut d) else {
        d.push(
            Diagnostic::error("", "the column header line is missing")
                .with_location(line1 + 1, 1)
                .with_hint("the second line names the columns: `Actor,Description,Power,<dimension>,<salience>,...`"),
        );
        return (None, d);
    };
    let header_len = header.iter().rposition(|c| !c.is_empty()).map(|i| i + 1).unwrap_or(0);
    let needed = 3 + 2 * declared_dims;
    if header_len < needed {
        d.push(
            Diagnostic::error(
                "",
                format!(
                    "the header has {header_len} columns, but {declared_dims} dimension(s) need {needed}: \
                     Actor, Description, Power, then a position and a salience column per dimension"
                ),
            )
            .with_location(line2, 1),
        );
        return (None, d);
    }
    let dims: Vec<String> = (0..declared_dims).map(|k| header[3 + 2 * k].clone()).collect();

    let mut actors = Vec::new();
    // Rows read, whether or not they were usable (so one bad row does not
    // also produce complaints about the actor count).
    let mut rows = 0usize;
    let mut last_line = line2;
    while let Some((line, cells)) = next_record(&mut d) {
        if rows >= limits::MAX_ACTORS {
            d.push(Diagnostic::error("", format!("more than {} actors", limits::MAX_ACTORS)).with_location(line, 1));
            return (None, d);
        }
        let row = rows;
        rows += 1;
        last_line = line;
        let used = cells.iter().rposition(|c| !c.is_empty()).map(|i| i + 1).unwrap_or(0);
        if used < needed {
            d.push(
                Diagnostic::error(
                    format!("actors[{row}]"),
                    format!("this row has {used} columns; {declared_dims} dimension(s) need {needed}"),
                )
                .with_location(line, 1)
                .with_hint("each row is `<actor>,<description>,<power>`, then position and salience per dimension"),
            );
            continue;
        }
        let mut ok = true;
        let mut num = |k: usize, what: &str, d: &mut Diagnostics| -> f64 {
            let cell = cells[k].as_str();
            match cell.parse::<f64>() {
                Ok(x) => x,
                Err(_) => {
                    ok = false;
                    d.push(
                        Diagnostic::error(
                            format!("actors[{row}].{what}"),
                            format!("{what} `{cell}` (column {}) is not a number", k + 1),
                        )
                        .with_location(line, 1),
                    );
                    f64::NAN
                }
            }
        };
        let cap = num(2, "power", &mut d);
        let mut pos = Vec::new();
        let mut sal = Vec::new();
        for k in 0..declared_dims {
            pos.push(num(3 + 2 * k, "position", &mut d));
            sal.push(num(4 + 2 * k, "salience", &mut d));
        }
        let a = RawActor { name: cells[0].clone(), desc: cells[1].clone(), cap, pos, sal };
        if ok {
            check_actor(&a, row, &dims, &mut d, &|x: Diagnostic| x.with_location(line, 1));
        }
        actors.push(a);
    }
    if let Some(n) = declared_actors {
        if n != rows {
            d.push(
                Diagnostic::error("", format!("the first line declares {n} actors, but {rows} are listed"))
                    .with_location(line1, 1)
                    .with_hint("correct the count in the first line or the list of actors"),
            );
        }
    }
    if rows < MIN_ACTORS {
        d.push(
            Diagnostic::error("actors", format!("the SMP needs at least {MIN_ACTORS} actors; found {rows}"))
                .with_location(last_line, 1),
        );
    }
    if d.has_errors() {
        return (None, d);
    }
    let raw = RawScenario { name, desc, dims, actors };
    (Some(build(raw, label, "CSV", None)), d)
}

// ---------------------------------------------------------------------------------------------
// XML

/// An element of the parsed document.
#[derive(Clone, Copy)]
struct Element<'a>(Node<'a, 'a>);

impl<'a> Element<'a> {
    fn name(&self) -> &'a str {
        self.0.tag_name().name()
    }

    /// Where its start tag begins.
    fn span(&self) -> Option<Span> {
        let at = self.0.range().start;
        Some(at..at)
    }

    /// Its own text (CDATA and entities resolved, not its children's), trimmed.
    fn text(&self) -> Cow<'a, str> {
        let mut texts = self.0.children().filter(Node::is_text).filter_map(|t| t.text());
        let first = texts.next().unwrap_or("");
        match texts.next() {
            None => Cow::Borrowed(first.trim()),
            Some(second) => Cow::Owned([first, second].into_iter().chain(texts).collect::<String>().trim().to_string()),
        }
    }

    fn children(&self) -> impl Iterator<Item = Element<'a>> + 'a {
        self.0.children().filter(Node::is_element).map(Element)
    }

    fn child(&self, name: &str) -> Option<Element<'a>> {
        self.children().find(|c| c.name() == name)
    }

    fn all<'n>(&self, name: &'n str) -> impl Iterator<Item = Element<'a>> + 'n
    where
        'a: 'n,
    {
        self.children().filter(move |c| c.name() == name)
    }
}

/// Parse the document, or report why not.
fn read_tree<'t>(text: &'t str, d: &mut Diagnostics) -> Option<Document<'t>> {
    let options = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    let doc = match Document::parse_with_options(text, options) {
        Ok(doc) => doc,
        Err(e) => {
            d.push(parse_error(e, text));
            return None;
        }
    };
    // `ancestors` counts the element itself and the document node.
    if let Some(el) = doc.descendants().find(|n| n.is_element() && n.ancestors().nth(MAX_XML_DEPTH + 1).is_some()) {
        let el = Element(el);
        d.push(
            Diagnostic::error("", format!("elements nest more than {MAX_XML_DEPTH} deep (at <{}>)", el.name()))
                .with_span(el.span()),
        );
        return None;
    }
    Some(doc)
}

fn parse_error(e: roxmltree::Error, text: &str) -> Diagnostic {
    use roxmltree::Error;
    let at = |offset: usize| Some(offset..offset);
    match e {
        Error::DtdDetected => Diagnostic::error("", "DOCTYPE declarations are not accepted")
            .with_span(at(text.find("<!DOCTYPE").unwrap_or(0)))
            .with_hint("KTAB scenarios need no DTD; remove the <!DOCTYPE ...> line"),
        Error::NoRootNode => {
            Diagnostic::error("", "no XML element found").with_hint("a KTAB scenario is a <Scenario> element")
        }
        Error::UnclosedRootNode => {
            Diagnostic::error("", "the file ends before every element is closed").with_span(at(text.len()))
        }
        Error::UnknownEntityReference(name, pos) => Diagnostic::error("", format!("unknown entity `&{name};`"))
            .with_location(pos.row as usize, pos.col as usize)
            .with_hint(
                "only XML's predefined entities (&amp; &lt; &gt; &quot; &apos;) and character references are allowed",
            ),
        e => {
            let (pos, message) = (e.pos(), e.to_string());
            let message = message.strip_suffix(&format!(" at {pos}")).unwrap_or(&message);
            Diagnostic::error("", format!("malformed XML: {message}")).with_location(pos.row as usize, pos.col as usize)
        }
    }
}

fn at<'a>(el: Element<'a>) -> impl Fn(Diagnostic) -> Diagnostic + 'a {
    move |x: Diagnostic| x.with_span(el.span())
}

/// Warn about children we do not read.
fn unknown_children(el: Element<'_>, known: &[&str], path: &str, d: &mut Diagnostics, hints: &mut Hints) {
    for c in el.children() {
        if !known.contains(&c.name()) {
            d.push(
                Diagnostic::warning(
                    path,
                    format!("<{}> inside <{}> is not part of KTAB's format; ignored", c.name(), el.name()),
                )
                .with_span(c.span())
                .with_hint(hints.suggest(c.name(), known)),
            );
        }
    }
}

/// The trimmed text of a required child, or an error.
fn required_text<'a>(el: Element<'a>, name: &str, path: &str, d: &mut Diagnostics) -> Option<Cow<'a, str>> {
    match el.child(name) {
        Some(c) if !c.text().is_empty() => Some(c.text()),
        Some(c) => {
            d.push(Diagnostic::error(format!("{path}.{name}"), format!("<{name}> is empty")).with_span(c.span()));
            None
        }
        None => {
            d.push(
                Diagnostic::error(format!("{path}.{name}"), format!("<{}> has no <{name}>", el.name()))
                    .with_span(el.span()),
            );
            None
        }
    }
}

fn number(el: Element<'_>, path: &str, d: &mut Diagnostics) -> Option<f64> {
    let t = el.text();
    match t.parse::<f64>() {
        Ok(x) => Some(x),
        Err(_) => {
            d.push(Diagnostic::error(path, format!("<{}> `{t}` is not a number", el.name())).with_span(el.span()));
            None
        }
    }
}

pub fn parse_xml(text: &str, label: &str) -> (Option<Scenario>, Diagnostics) {
    let mut d = Diagnostics::new();
    let Some(doc) = read_tree(text, &mut d) else {
        return (None, d);
    };
    let root = Element(doc.root_element());
    let mut hints = Hints::default();
    if root.name() != "Scenario" {
        d.push(
            Diagnostic::error("", format!("the root element is <{}>, not <Scenario>", root.name()))
                .with_span(root.span()),
        );
        return (None, d);
    }
    unknown_children(
        root,
        &["name", "desc", "prngSeed", "ModelParameters", "Dimensions", "Actors", "IdealAdjustment"],
        "",
        &mut d,
        &mut hints,
    );
    let name = root.child("name").map(|e| e.text().to_string()).unwrap_or_default();
    let desc = root.child("desc").map(|e| e.text().to_string()).unwrap_or_default();
    let mut settings = SmpSettings::default();
    let mut has_settings = false;
    if let Some(seed) = root.child("prngSeed") {
        match seed.text().parse::<u64>() {
            Ok(s) => {
                settings.seed = s;
                has_settings = true;
            }
            Err(_) => d.push(
                Diagnostic::error(
                    "seed",
                    format!("<prngSeed> `{}` is not a whole number from 0 to 2^64−1", seed.text()),
                )
                .with_span(seed.span()),
            ),
        }
    }
    if let Some(mp) = root.child("ModelParameters") {
        has_settings = true;
        model_parameters(mp, &mut settings, &mut d, &mut hints);
    }

    // Dimensions.
    let mut dims = Vec::new();
    match root.child("Dimensions") {
        None => d.push(
            Diagnostic::error("Dimensions", "<Scenario> has no <Dimensions>")
                .with_span(root.span())
                .with_hint("list the dimensions as <Dimensions><dName>...</dName></Dimensions>"),
        ),
        Some(de) => {
            unknown_children(de, &["dName"], "Dimensions", &mut d, &mut hints);
            for (k, dn) in de.all("dName").enumerate() {
                if dn.text().is_empty() {
                    d.push(Diagnostic::error(format!("Dimensions[{k}]"), "<dName> is empty").with_span(dn.span()));
                }
                dims.push(dn.text().to_string());
            }
            if dims.is_empty() {
                d.push(Diagnostic::error("Dimensions", "<Dimensions> lists no <dName>").with_span(de.span()));
            }
        }
    }

    // Actors.
    let mut actors = Vec::new();
    match root.child("Actors") {
        None => d.push(Diagnostic::error("Actors", "<Scenario> has no <Actors>").with_span(root.span())),
        Some(ae) => {
            unknown_children(ae, &["Actor"], "Actors", &mut d, &mut hints);
            for (i, el) in ae.all("Actor").enumerate() {
                if i >= limits::MAX_ACTORS {
                    d.push(
                        Diagnostic::error("Actors", format!("more than {} actors", limits::MAX_ACTORS))
                            .with_span(el.span()),
                    );
                    break;
                }
                actors.extend(actor(el, i, &dims, &mut d, &mut hints));
            }
            let count = ae.all("Actor").count();
            if count < MIN_ACTORS {
                d.push(
                    Diagnostic::error("Actors", format!("the SMP needs at least {MIN_ACTORS} actors; found {count}"))
                        .with_span(ae.span()),
                );
            }
        }
    }

    // Ideal adjustment (optional, unlike in KTAB).
    let names: Vec<String> = actors.iter().map(|a: &RawActor| a.name.clone()).collect();
    let ids = unique_slugs(&names);
    // The first actor of each name, as the look-up below always found.
    let mut by_name: std::collections::HashMap<&str, usize> = std::collections::HashMap::with_capacity(names.len());
    for (i, n) in names.iter().enumerate() {
        by_name.entry(n.as_str()).or_insert(i);
    }
    let known_names: Vec<&str> = names.iter().map(String::as_str).collect();
    if let Some(ia) = root.child("IdealAdjustment") {
        has_settings = true;
        unknown_children(ia, &["iaPair"], "IdealAdjustment", &mut d, &mut hints);
        for (k, pair) in ia.all("iaPair").enumerate() {
            let path = format!("IdealAdjustment[{k}]");
            unknown_children(pair, &["adjustingIdeal", "referencePos", "adjust"], &path, &mut d, &mut hints);
            let who = required_text(pair, "adjustingIdeal", &path, &mut d);
            let toward = required_text(pair, "referencePos", &path, &mut d);
            let rate = match pair.child("adjust") {
                Some(el) => number(el, &format!("{path}.adjust"), &mut d),
                None => {
                    d.push(
                        Diagnostic::error(format!("{path}.adjust"), "<iaPair> has no <adjust>").with_span(pair.span()),
                    );
                    None
                }
            };
            let find = |n: &str, d: &mut Diagnostics, hints: &mut Hints| -> Option<String> {
                match by_name.get(n) {
                    Some(&i) => Some(ids[i].clone()),
                    None => {
                        d.push(
                            Diagnostic::error(path.clone(), format!("<iaPair> names `{n}`, which is not an actor"))
                                .with_span(pair.span())
                                .with_hint(hints.suggest(n, &known_names)),
                        );
                        None
                    }
                }
            };
            let (Some(who), Some(toward), Some(rate)) = (who, toward, rate) else { continue };
            let (Some(a), Some(b)) = (find(&who, &mut d, &mut hints), find(&toward, &mut d, &mut hints)) else {
                continue;
            };
            if !(rate.is_finite() && (0.0..=1.0).contains(&rate)) {
                d.push(
                    Diagnostic::error(format!("{path}.adjust"), format!("adjust must be between 0 and 1, got {rate}"))
                        .with_span(pair.span()),
                );
                continue;
            }
            settings.ideal_adjustment.push(IdealAdjustment { actor: a, toward: b, rate });
        }
        // Each row starts from the identity and entries override cells (later
        // ones win), so a row's total includes its own 1 unless overridden.
        let mut rows: std::collections::HashMap<&str, Vec<&IdealAdjustment>> = std::collections::HashMap::new();
        for e in &settings.ideal_adjustment {
            rows.entry(e.actor.as_str()).or_default().push(e);
        }
        let mut totals: Vec<(String, f64)> = Vec::new();
        for id in &ids {
            let Some(entries) = rows.get(id.as_str()) else { continue };
            // In the order cells were first set, later entries overriding.
            let mut cells: Vec<(&str, f64)> = vec![(id.as_str(), 1.0)];
            let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::from([(id.as_str(), 0)]);
            for e in entries {
                match at.get(e.toward.as_str()) {
                    Some(&k) => cells[k].1 = e.rate,
                    None => {
                        at.insert(e.toward.as_str(), cells.len());
                        cells.push((e.toward.as_str(), e.rate));
                    }
                }
            }
            totals.push((id.clone(), cells.iter().map(|(_, r)| r).sum()));
        }
        for (id, total) in totals {
            if total > 1.0 + 1e-10 {
                d.push(
                    Diagnostic::error("IdealAdjustment", format!("the adjustment rates of `{id}` add up to {total}, more than 1"))
                        .with_span(ia.span())
                        .with_hint("an actor's own rate starts at 1 (its ideal follows its position); set it lower with an iaPair to itself"),
                );
            }
        }
    }
    if d.has_errors() {
        return (None, d);
    }
    let raw = RawScenario { name, desc, dims, actors };
    (Some(build(raw, label, "XML", has_settings.then_some(settings))), d)
}

fn actor(el: Element<'_>, i: usize, dims: &[String], d: &mut Diagnostics, hints: &mut Hints) -> Option<RawActor> {
    let path = format!("actors[{i}]");
    unknown_children(el, &["name", "description", "capability", "Position", "Salience"], &path, d, hints);
    let before = d.error_count();
    let name = required_text(el, "name", &path, d).unwrap_or_default().into_owned();
    let desc = el.child("description").map(|e| e.text().to_string()).unwrap_or_default();
    let cap = match el.child("capability") {
        Some(c) => number(c, &format!("{path}.capability"), d),
        None => {
            d.push(Diagnostic::error(format!("{path}.capability"), "<Actor> has no <capability>").with_span(el.span()));
            None
        }
    };
    let vector = |group: &str, item: &str, d: &mut Diagnostics, hints: &mut Hints| -> Option<Vec<f64>> {
        let Some(g) = el.child(group) else {
            d.push(
                Diagnostic::error(format!("{path}.{group}"), format!("<Actor> has no <{group}>")).with_span(el.span()),
            );
            return None;
        };
        unknown_children(g, &[item], &format!("{path}.{group}"), d, hints);
        let mut out = Vec::new();
        let mut ok = true;
        for (k, c) in g.all(item).enumerate() {
            match number(c, &format!("{path}.{group}[{k}]"), d) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        if ok && out.len() != dims.len() {
            d.push(
                Diagnostic::error(
                    format!("{path}.{group}"),
                    format!("<{group}> has {} <{item}> values, but there are {} dimensions", out.len(), dims.len()),
                )
                .with_span(g.span()),
            );
            return None;
        }
        ok.then_some(out)
    };
    let pos = vector("Position", "dCoord", d, hints);
    let sal = vector("Salience", "dSal", d, hints);
    let (Some(cap), Some(pos), Some(sal)) = (cap, pos, sal) else {
        return None;
    };
    let a = RawActor { name, desc, cap, pos, sal };
    if d.error_count() == before {
        check_actor(&a, i, dims, d, &at(el));
    }
    Some(a)
}

fn model_parameters(mp: Element<'_>, s: &mut SmpSettings, d: &mut Diagnostics, hints: &mut Hints) {
    macro_rules! param {
        ($field:ident, $ty:ty) => {{
            let tag = <$ty>::KTAB_NAME;
            match mp.child(tag) {
                None => d.push(
                    Diagnostic::warning(
                        format!("ModelParameters.{tag}"),
                        format!("<ModelParameters> has no <{tag}>; using KTAB's default {}", <$ty>::default()),
                    )
                    .with_span(mp.span()),
                ),
                Some(el) => match <$ty>::parse(&el.text()) {
                    Some(v) => s.$field = v,
                    None => d.push(
                        Diagnostic::error(format!("ModelParameters.{tag}"), format!("unknown {tag} `{}`", el.text()))
                            .with_span(el.span())
                            .with_hint(hints.suggest(&el.text(), <$ty>::NAMES)),
                    ),
                },
            }
        }};
    }
    param!(victory_prob_model, VictoryProbModel);
    param!(pce_model, PceModel);
    param!(state_transitions, StateTransitions);
    param!(voting_rule, VotingRule);
    param!(big_r_adjust, BigRAdjust);
    param!(big_r_range, BigRRange);
    param!(third_party_commit, ThirdPartyCommit);
    param!(inter_vec_brgn, InterVecBrgn);
    param!(bargn_model, BargnModel);
    unknown_children(mp, &crate::settings::smp::KTAB_ORDER, "ModelParameters", d, hints);
    for p in s.problems() {
        d.push(Diagnostic::error("ModelParameters", p).with_span(mp.span()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "Demo,A demo,3,2,\nActor,Description,Power,Left,LSal,Right,RSal,\n\
                       A,first,10,20,30,40,50\nB,second,20,80,10,60,20\nC,third,30,50,50,50,50\n";

    #[test]
    fn reads_a_csv() {
        let (s, d) = parse_csv(CSV, "demo.csv");
        assert!(!d.has_errors(), "{d}");
        let s = s.unwrap();
        assert_eq!(s.actors.len(), 3);
        assert_eq!(s.issues.len(), 2);
        assert_eq!(s.issues[0].low, "0 on Left");
        assert_eq!(s.stances[1].position, 40.0);
        assert_eq!(s.stances[1].salience, 0.5);
        assert_eq!(s.meta.title, "Demo");
    }

    #[test]
    fn csv_reports_every_problem_with_its_line() {
        let bad = "Demo,A demo,4,2,\nActor,Description,Power,Left,LSal,Right,RSal,\n\
                   A,first,0,20,30,40,50\nB,second,20,180,10,60,20\nC,third,30,50,60,50,50\nD,fourth,x,1,1,1,1\n";
        let (s, d) = parse_csv(bad, "bad.csv");
        assert!(s.is_none());
        let lines: Vec<usize> = d.iter().filter(|x| x.is_error()).filter_map(|x| x.location.map(|l| l.line)).collect();
        assert_eq!(lines, vec![3, 4, 5, 6], "{d}");
    }

    #[test]
    fn csv_declared_counts_are_checked_not_trusted() {
        let huge = "Demo,A demo,4000000000,2,\nActor,Description,Power,Left,LSal,Right,RSal,\nA,first,10,20,30,40,50\n";
        let (s, d) = parse_csv(huge, "x.csv");
        assert!(s.is_none());
        assert!(d.to_string().contains("declares 4000000000 actors"), "{d}");
        let dims = "Demo,A demo,3,900000000000,\nActor,Description,Power,Left,LSal\n";
        let (s, d) = parse_csv(dims, "x.csv");
        assert!(s.is_none() && d.has_errors(), "{d}");
    }

    #[test]
    fn reads_xml_with_parameters_and_optional_adjustment() {
        let xml = r#"<?xml version="1.0"?>
<Scenario><name>X</name><desc>d</desc><prngSeed>42</prngSeed>
<ModelParameters><VictoryProbModel>Square</VictoryProbModel><PCEModel>MarkovIncentive</PCEModel>
<StateTransitions>Stochastic</StateTransitions><VotingRule>Proportional</VotingRule><BigRAdjust>No</BigRAdjust>
<BigRRange>Max</BigRRange><ThirdPartyCommit>FullCommit</ThirdPartyCommit><InterVecBrgn>S1P1</InterVecBrgn>
<BargnModel>PWCompInterp</BargnModel></ModelParameters>
<Dimensions><dName>One</dName></Dimensions>
<Actors>
<Actor><name>A</name><description>a</description><capability>1</capability><Position><dCoord>10</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>
<Actor><name>B</name><description>b</description><capability>2</capability><Position><dCoord>20</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>
<Actor><name>C</name><description>c</description><capability>3</capability><Position><dCoord>30</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>
</Actors></Scenario>"#;
        let (s, d) = parse_xml(xml, "x.xml");
        assert!(!d.has_errors(), "{d}");
        let s = s.unwrap();
        let st = s.engines.smp.unwrap();
        assert_eq!(st.to_ktab_list(), "1,1,1,2,0,2,2,0,2");
        assert_eq!(st.seed, 42);
        assert!(st.ideal_adjustment.is_empty());
    }

    #[test]
    fn xml_text_joins_cdata_entities_and_pieces_around_comments() {
        let actor = |n: &str| {
            format!(
                "<Actor><name>{n}</name><capability>1</capability><Position><dCoord>1</dCoord></Position>\
                 <Salience><dSal>50</dSal></Salience></Actor>"
            )
        };
        let xml = format!(
            "<Scenario><name> A<!-- c -->B </name><desc><![CDATA[x < y]]> &amp; &#122;</desc>\
             <Dimensions><dName>One</dName></Dimensions><Actors>{}{}{}</Actors></Scenario>",
            actor("a"),
            actor("b"),
            actor("c")
        );
        let (s, d) = parse_xml(&xml, "x.xml");
        let s = s.unwrap_or_else(|| panic!("{d}"));
        assert_eq!(s.meta.title, "AB");
        assert!(s.meta.description.unwrap().starts_with("x < y & z\n"));
    }

    #[test]
    fn xml_refuses_doctype_and_deep_nesting() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><Scenario>&lol2;</Scenario>"#;
        let (s, d) = parse_xml(bomb, "b.xml");
        assert!(s.is_none());
        assert!(d.to_string().contains("DOCTYPE"), "{d}");
        let deep = format!("<Scenario>{}{}</Scenario>", "<a>".repeat(100), "</a>".repeat(100));
        let (s, d) = parse_xml(&deep, "deep.xml");
        assert!(s.is_none());
        assert!(d.to_string().contains("nest"), "{d}");
    }
}
