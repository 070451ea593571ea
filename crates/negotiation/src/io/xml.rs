//! A small, bounded XML element tree on top of quick-xml.
//!
//! Genius files are tiny, so we read them into a tree and walk it. Safety: DOCTYPE
//! declarations are refused (so no entity definitions can exist and nothing expands), only
//! the five predefined entities and character references are resolved, and depth and element
//! count are capped. Comments, processing instructions and whitespace may appear anywhere,
//! including before the `<?xml ...?>` declaration (some Genius files start with a comment).

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::error::NegotiationError;

const MAX_DEPTH: usize = 128;
const MAX_ELEMENTS: usize = 1_000_000;

/// One element: its name, attributes (in file order) and child elements.
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// 1-based line where the element starts (for error messages).
    pub line: usize,
}

impl Element {
    /// The attribute named `key` (case-sensitive).
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The attribute named `key`, or an error naming the element and line.
    pub fn required(&self, key: &str) -> Result<&str, NegotiationError> {
        self.attr(key).ok_or_else(|| {
            NegotiationError::invalid(format!("line {}: <{}> has no '{key}' attribute", self.line, self.name))
        })
    }

    /// A numeric attribute, or an error.
    pub fn number(&self, key: &str) -> Result<f64, NegotiationError> {
        let text = self.required(key)?;
        let x: f64 = text.trim().parse().map_err(|_| {
            NegotiationError::invalid(format!("line {}: <{}> {key}=\"{text}\" is not a number", self.line, self.name))
        })?;
        if !x.is_finite() {
            return Err(NegotiationError::invalid(format!(
                "line {}: <{}> {key}=\"{text}\" is not finite",
                self.line, self.name
            )));
        }
        Ok(x)
    }

    /// An integer attribute, or an error.
    pub fn integer(&self, key: &str) -> Result<i64, NegotiationError> {
        let text = self.required(key)?;
        text.trim().parse().map_err(|_| {
            NegotiationError::invalid(format!("line {}: <{}> {key}=\"{text}\" is not an integer", self.line, self.name))
        })
    }

    /// Child elements named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

fn line_of(text: &str, offset: u64) -> usize {
    let end = (offset as usize).min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

fn start_element(text: &str, e: &BytesStart<'_>, offset: u64) -> Result<Element, NegotiationError> {
    let name = e.name().as_ref().to_string();
    let line = line_of(text, offset);
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| NegotiationError::parse(format!("line {line}: bad attribute in <{name}>: {err}")))?;
        let key = a.key.as_ref().to_string();
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| NegotiationError::parse(format!("line {line}: attribute '{key}' of <{name}>: {err}")))?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Element { name, attrs, children: Vec::new(), line })
}

/// Parses `text` into its root element.
pub fn parse(text: &str) -> Result<Element, NegotiationError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let offset = reader.buffer_position();
        let event = reader.read_event().map_err(|err| {
            NegotiationError::parse(format!("line {}: malformed XML: {err}", line_of(text, reader.error_position())))
        })?;
        match event {
            Event::DocType(_) => {
                return Err(NegotiationError::parse(format!(
                    "line {}: DOCTYPE declarations are not accepted (no DTDs or entity definitions)",
                    line_of(text, offset)
                )))
            }
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(NegotiationError::parse(format!(
                    "line {}: content after the root element",
                    line_of(text, offset)
                )));
            }
            Event::Start(e) => {
                count += 1;
                if count > MAX_ELEMENTS || stack.len() >= MAX_DEPTH {
                    return Err(NegotiationError::parse("XML too large or too deeply nested"));
                }
                stack.push(start_element(text, &e, offset)?);
            }
            Event::Empty(e) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(NegotiationError::parse("XML too large"));
                }
                let el = start_element(text, &e, offset)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else {
                    return Err(NegotiationError::parse(format!("line {}: unmatched end tag", line_of(text, offset))));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Eof => break,
            Event::GeneralRef(r) => {
                // Text-level entity references: only character references are meaningful, and
                // we never use element text, but an unknown entity is still an error.
                let ok = r.is_char_ref() || matches!(r.as_ref(), "lt" | "gt" | "amp" | "apos" | "quot");
                if !ok {
                    return Err(NegotiationError::parse(format!(
                        "line {}: undefined entity '&{};'",
                        line_of(text, offset),
                        r.as_ref()
                    )));
                }
            }
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(NegotiationError::parse(format!("line {}: <{}> is never closed", open.line, open.name)));
    }
    root.ok_or_else(|| NegotiationError::parse("no XML element found"))
}
