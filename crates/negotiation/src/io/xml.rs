//! Genius XML read with roxmltree, and attribute accessors whose errors name element and line.
//!
//! Safety: DOCTYPE declarations are refused (so no entity definitions can exist and nothing
//! expands; only the five predefined entities and character references resolve), and depth
//! and element count are capped. Comments, processing instructions and whitespace may appear
//! anywhere, including before the `<?xml ...?>` declaration (some Genius files start with a
//! comment, which XML does not allow).

use std::borrow::Cow;

use roxmltree::{Document, Error, Node, ParsingOptions};

use crate::error::NegotiationError;

const MAX_DEPTH: usize = 128;
const MAX_ELEMENTS: usize = 1_000_000;
/// Bounds memory before elements are counted: whitespace and comments are nodes too.
const MAX_NODES: u32 = 4 * MAX_ELEMENTS as u32;

/// Parses `text` and hands its root element to `read`.
pub fn read<T>(
    text: &str,
    read: impl FnOnce(Element<'_>) -> Result<T, NegotiationError>,
) -> Result<T, NegotiationError> {
    let text = without_late_declaration(text);
    let options = ParsingOptions { allow_dtd: false, nodes_limit: MAX_NODES, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(&text, options).map_err(|e| parse_error(e, &text))?;
    let mut elements = 0usize;
    for el in doc.descendants().filter(Node::is_element) {
        elements += 1;
        // `ancestors` counts the element itself and the document node.
        if elements > MAX_ELEMENTS || el.ancestors().nth(MAX_DEPTH + 1).is_some() {
            return Err(NegotiationError::parse("XML too large or too deeply nested"));
        }
    }
    read(Element(doc.root_element()))
}

fn parse_error(e: Error, text: &str) -> NegotiationError {
    NegotiationError::parse(match e {
        Error::DtdDetected => format!(
            "line {}: DOCTYPE declarations are not accepted (no DTDs or entity definitions)",
            line_of(text, text.find("<!DOCTYPE").unwrap_or(0))
        ),
        Error::NoRootNode => "no XML element found".to_string(),
        Error::NodesLimitReached => "XML too large".to_string(),
        Error::UnclosedRootNode => {
            format!("line {}: the file ends before every element is closed", line_of(text, text.len()))
        }
        Error::UnknownEntityReference(name, pos) => format!("line {}: undefined entity '&{name};'", pos.row),
        e => {
            let (pos, message) = (e.pos(), e.to_string());
            let message = message.strip_suffix(&format!(" at {pos}")).unwrap_or(&message);
            format!("line {}, column {}: malformed XML: {message}", pos.row, pos.col)
        }
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// `text` with an `<?xml ...?>` declaration that follows comments or whitespace blanked out
/// (byte for byte, keeping line breaks, so positions hold). roxmltree only accepts one at the
/// very start.
fn without_late_declaration(text: &str) -> Cow<'_, str> {
    let mut rest = text.trim_start_matches('\u{feff}');
    let bom = text.len() - rest.len();
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        match rest.strip_prefix("<!--").and_then(|r| r.find("-->").map(|end| &r[end + 3..])) {
            Some(after) => rest = after,
            None => break,
        }
    }
    let at = text.len() - rest.len();
    let declaration = rest.strip_prefix("<?xml").is_some_and(|r| r.starts_with([' ', '\t', '\r', '\n']));
    let Some(end) = rest.find("?>").filter(|_| declaration && at > bom) else {
        return Cow::Borrowed(text);
    };
    let blank: String = rest[..end + 2].bytes().map(|b| if b == b'\n' { '\n' } else { ' ' }).collect();
    let mut owned = text.to_string();
    owned.replace_range(at..at + end + 2, &blank);
    Cow::Owned(owned)
}

/// One element, with accessors whose errors name the element and its line.
#[derive(Clone, Copy)]
pub struct Element<'a>(Node<'a, 'a>);

impl<'a> Element<'a> {
    /// The element's (local) name.
    pub fn name(&self) -> &'a str {
        self.0.tag_name().name()
    }

    /// 1-based line where the element starts.
    pub fn line(&self) -> usize {
        self.0.document().text_pos_at(self.0.range().start).row as usize
    }

    /// The attribute named `key` (case-sensitive).
    pub fn attr(&self, key: &str) -> Option<&'a str> {
        self.0.attribute(key)
    }

    /// The attribute named `key`, or an error naming the element and line.
    pub fn required(&self, key: &str) -> Result<&'a str, NegotiationError> {
        self.attr(key).ok_or_else(|| self.invalid(format!("has no '{key}' attribute")))
    }

    /// A finite numeric attribute, or an error.
    pub fn number(&self, key: &str) -> Result<f64, NegotiationError> {
        let text = self.required(key)?;
        match text.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            Ok(_) => Err(self.invalid(format!("{key}=\"{text}\" is not finite"))),
            Err(_) => Err(self.invalid(format!("{key}=\"{text}\" is not a number"))),
        }
    }

    /// An integer attribute, or an error.
    pub fn integer(&self, key: &str) -> Result<i64, NegotiationError> {
        let text = self.required(key)?;
        text.trim().parse().map_err(|_| self.invalid(format!("{key}=\"{text}\" is not an integer")))
    }

    /// Child elements, in file order.
    pub fn elements(&self) -> impl Iterator<Item = Element<'a>> + 'a {
        self.0.children().filter(Node::is_element).map(Element)
    }

    /// Child elements named `name`.
    pub fn children_named<'n>(&self, name: &'n str) -> impl Iterator<Item = Element<'a>> + 'n
    where
        'a: 'n,
    {
        self.elements().filter(move |c| c.name() == name)
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<Element<'a>> {
        self.elements().find(|c| c.name() == name)
    }

    /// This element and its descendants, in file order.
    pub fn descendants(&self) -> impl Iterator<Item = Element<'a>> + 'a {
        self.0.descendants().filter(Node::is_element).map(Element)
    }

    fn invalid(&self, what: String) -> NegotiationError {
        NegotiationError::invalid(format!("line {}: <{}> {what}", self.line(), self.name()))
    }
}

/// The text with what Genius's own hand-written parser tolerates and XML does not made
/// well-formed: a raw `&` that starts no entity becomes `&amp;`, and attributes written
/// without a space between them (`type="discrete"vtype=…`) get one. `None` when there is
/// nothing to repair; otherwise the repaired text and one line per kind of repair, naming
/// the lines.
pub fn repaired(text: &str) -> Option<(String, Vec<String>)> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 64);
    let mut ampersands: Vec<usize> = Vec::new();
    let mut joined: Vec<usize> = Vec::new();
    let mut line = 1usize;
    let mut i = 0usize;
    // Inside a start or end tag, and inside which quote.
    let mut in_tag = false;
    let mut quote: Option<u8> = None;
    let mut copied = 0usize; // bytes of `text` already in `out`
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
        }
        if !in_tag && b == b'<' {
            // Comments, processing instructions and CDATA are copied as they are.
            let verbatim = [("<!--", "-->"), ("<?", "?>"), ("<![CDATA[", "]]>")]
                .into_iter()
                .find(|(open, _)| text[i..].starts_with(open));
            if let Some((_, close)) = verbatim {
                let end = text[i..].find(close).map_or(bytes.len(), |k| i + k + close.len());
                line += text[i..end].matches('\n').count();
                i = end;
                continue;
            }
            in_tag = !text[i..].starts_with("<!");
            i += 1;
            continue;
        }
        if in_tag {
            match (quote, b) {
                (None, b'"' | b'\'') => quote = Some(b),
                (Some(q), _) if b == q => {
                    quote = None;
                    if bytes.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') {
                        out.push_str(&text[copied..=i]);
                        out.push(' ');
                        copied = i + 1;
                        joined.push(line);
                    }
                }
                (None, b'>') => in_tag = false,
                _ => {}
            }
        }
        if b == b'&' && (!in_tag || quote.is_some()) && !starts_entity(&bytes[i + 1..]) {
            out.push_str(&text[copied..i]);
            out.push_str("&amp;");
            copied = i + 1;
            ampersands.push(line);
        }
        i += 1;
    }
    if ampersands.is_empty() && joined.is_empty() {
        return None;
    }
    out.push_str(&text[copied..]);
    let lines = |l: &[usize]| {
        let mut l = l.to_vec();
        l.dedup();
        let shown: Vec<String> = l.iter().take(5).map(usize::to_string).collect();
        format!(
            "line{} {}{}",
            if l.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if l.len() > 5 { ", …" } else { "" }
        )
    };
    let mut notes = Vec::new();
    if !ampersands.is_empty() {
        notes.push(format!(
            "{}: a raw '&' (not allowed in XML) read as the character '&', as Genius reads it",
            lines(&ampersands)
        ));
    }
    if !joined.is_empty() {
        notes.push(format!(
            "{}: attributes without a space between them, read apart, as Genius reads them",
            lines(&joined)
        ));
    }
    Some((out, notes))
}

/// Whether the text after an `&` is an entity or character reference (`amp;`, `#38;`).
fn starts_entity(rest: &[u8]) -> bool {
    let name = rest.iter().take(12).take_while(|c| c.is_ascii_alphanumeric() || **c == b'#').count();
    name > 0 && rest.get(name) == Some(&b';')
}
