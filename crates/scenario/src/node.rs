//! A format-neutral document tree with source spans.
//!
//! TOML and JSON are parsed into [`Node`]s first, so one decoder serves both
//! formats and every value keeps the byte range it came from (for line/column in
//! diagnostics). Decoding from a tree, rather than through serde, is what lets us
//! report every problem in a file at once instead of stopping at the first.

use crate::diag::{Diagnostic, Diagnostics, Span};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    /// An integer literal, kept exact (a float loses precision past 2^53).
    Integer(i64),
    String(String),
    /// TOML dates and times, kept as written.
    Datetime(String),
    Array(Vec<Node>),
    /// Entries in source order; the key keeps its own span.
    Table(Vec<(String, Span, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

impl Node {
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) | Value::Integer(_) => "a number",
            Value::String(_) => "a string",
            Value::Datetime(_) => "a date",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Table(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, n)| n),
            _ => None,
        }
    }
}

/// Parse TOML into a [`Node`] tree; syntax errors are all reported (the TOML
/// parser recovers where it can).
pub fn parse_toml(source: &str) -> (Option<Node>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let (table, errors) = toml::de::DeTable::parse_recoverable(source);
    for e in &errors {
        diags.push(
            Diagnostic::error("", format!("TOML syntax: {}", e.message().trim_end()))
                .with_span(e.span())
                .with_hint("check quotes, brackets and `key = value` lines near this place"),
        );
    }
    if !errors.is_empty() {
        return (None, diags);
    }
    let span = table.span();
    let node = Node { value: toml_table(table.get_ref(), &mut diags), span };
    (Some(node), diags)
}

fn toml_table(table: &toml::de::DeTable<'_>, diags: &mut Diagnostics) -> Value {
    Value::Table(table.iter().map(|(k, v)| (k.get_ref().to_string(), k.span(), toml_node(v, diags))).collect())
}

fn toml_node(v: &toml::Spanned<toml::de::DeValue<'_>>, diags: &mut Diagnostics) -> Node {
    use toml::de::DeValue;
    let span = v.span();
    let value = match v.get_ref() {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
            let (sign, body) = match digits.strip_prefix('-') {
                Some(rest) => (-1i64, rest.to_string()),
                None => (1, digits.trim_start_matches('+').to_string()),
            };
            let body = body.trim_start_matches("0x").trim_start_matches("0o").trim_start_matches("0b");
            match i64::from_str_radix(body, i.radix()) {
                Ok(n) => Value::Integer(sign * n),
                Err(_) => {
                    diags.push(
                        Diagnostic::error("", format!("integer `{}` is out of range", i.as_str()))
                            .with_span(Some(span.clone())),
                    );
                    Value::Null
                }
            }
        }
        DeValue::Float(f) => {
            let text: String = f.as_str().chars().filter(|c| *c != '_').collect();
            match text.parse::<f64>() {
                Ok(x) => Value::Number(x),
                Err(_) => {
                    diags.push(
                        Diagnostic::error("", format!("cannot read `{}` as a number", f.as_str()))
                            .with_span(Some(span.clone())),
                    );
                    Value::Null
                }
            }
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(a) => Value::Array(a.iter().map(|e| toml_node(e, diags)).collect()),
        DeValue::Table(t) => toml_table(t, diags),
    };
    Node { value, span }
}

/// Parse JSON into a [`Node`] tree. Comments and trailing commas are read,
/// with a warning at the first of them: other tools reject such a file.
pub fn parse_json(source: &str) -> (Option<Node>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let options = jsonc_parser::ParseOptions {
        allow_loose_object_property_names: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_missing_commas: false,
        ..Default::default()
    };
    let strict = jsonc_parser::ParseOptions { allow_comments: false, allow_trailing_commas: false, ..options.clone() };
    // Strict first (one parse for a well-formed file); the lenient reading only when that fails.
    let parsed = match jsonc_parser::parse_to_ast(source, &Default::default(), &strict) {
        Ok(ast) => Ok(ast),
        Err(strict_error) => {
            let lenient = jsonc_parser::parse_to_ast(source, &Default::default(), &options);
            if lenient.is_ok() {
                let r = strict_error.range();
                diags.push(
                    Diagnostic::warning("", format!("not strict JSON ({}): read anyway", strict_error.kind()))
                        .with_span(Some(r.start..r.end))
                        .with_hint("remove trailing commas and comments, or other tools will reject the file"),
                );
            }
            lenient
        }
    };
    match parsed {
        Err(e) => {
            let r = e.range();
            diags.push(
                Diagnostic::error("", format!("JSON syntax: {}", e.kind()))
                    .with_span(Some(r.start..r.end))
                    .with_hint("check commas, quotes and brackets near this place"),
            );
            (None, diags)
        }
        Ok(result) => match result.value {
            None => {
                diags.push(Diagnostic::error("", "the JSON document is empty"));
                (None, diags)
            }
            Some(v) => (Some(json_node(&v, &mut diags)), diags),
        },
    }
}

fn json_node(v: &jsonc_parser::ast::Value<'_>, diags: &mut Diagnostics) -> Node {
    use jsonc_parser::ast::Value as J;
    use jsonc_parser::common::Ranged;
    let r = v.range();
    let span = r.start..r.end;
    let value = match v {
        J::StringLit(s) => Value::String(s.value.to_string()),
        J::NumberLit(n) => match n.value.parse::<i64>() {
            Ok(i) if !n.value.contains(['.', 'e', 'E']) => Value::Integer(i),
            _ => match n.value.parse::<f64>() {
                Ok(x) => Value::Number(x),
                Err(_) => match n.value {
                    "NaN" | "-NaN" | "+NaN" => Value::Number(f64::NAN),
                    "Infinity" | "+Infinity" => Value::Number(f64::INFINITY),
                    "-Infinity" => Value::Number(f64::NEG_INFINITY),
                    other => {
                        diags.push(
                            Diagnostic::error("", format!("cannot read `{other}` as a number"))
                                .with_span(Some(span.clone())),
                        );
                        Value::Null
                    }
                },
            },
        },
        J::BooleanLit(b) => Value::Bool(b.value),
        J::NullKeyword(_) => Value::Null,
        J::Array(a) => Value::Array(a.elements.iter().map(|e| json_node(e, diags)).collect()),
        J::Object(o) => Value::Table(
            o.properties
                .iter()
                .map(|p| {
                    let kr = p.name.range();
                    (p.name.as_str().to_string(), kr.start..kr.end, json_node(&p.value, diags))
                })
                .collect(),
        ),
    };
    Node { value, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_json_give_the_same_tree_shape() {
        let (t, d1) = parse_toml("a = 1\nb = [1.5, \"x\"]\n[c]\nd = true\n");
        let (j, d2) = parse_json(r#"{"a": 1, "b": [1.5, "x"], "c": {"d": true}}"#);
        assert!(d1.is_empty() && d2.is_empty());
        let (t, j) = (t.unwrap(), j.unwrap());
        assert_eq!(t.get("a").unwrap().value, Value::Integer(1));
        assert_eq!(j.get("a").unwrap().value, Value::Integer(1));
        assert_eq!(t.get("c").unwrap().get("d").unwrap().value, Value::Bool(true));
        assert_eq!(j.get("c").unwrap().get("d").unwrap().value, Value::Bool(true));
    }

    #[test]
    fn toml_nan_is_read_as_a_number_for_the_validator_to_reject() {
        let (t, d) = parse_toml("x = nan\n");
        assert!(d.is_empty());
        assert!(matches!(t.unwrap().get("x").unwrap().value, Value::Number(x) if x.is_nan()));
    }

    #[test]
    fn syntax_errors_have_spans() {
        let (t, d) = parse_toml("a = \n b = ]");
        assert!(t.is_none());
        assert!(d.has_errors());
        assert!(d.iter().all(|x| x.span.is_some()));
        let (j, d) = parse_json("{\"a\": }");
        assert!(j.is_none());
        assert!(d.iter().all(|x| x.span.is_some()));
    }
}
