//! Small typed accessors over a [`Node`] table that record problems instead of
//! stopping at them, and remember where every field was (for later checks).

use std::collections::HashMap;

use crate::diag::{Diagnostic, Diagnostics, Hints, Span};
use crate::node::{Node, Value};

/// Collects diagnostics and the span of every field path seen while decoding.
#[derive(Default)]
pub struct Cx {
    pub diags: Diagnostics,
    pub spans: HashMap<String, Span>,
    /// The allowance for "did you mean" hints about this input.
    pub hints: Hints,
}

impl Cx {
    pub fn error(&mut self, path: &str, span: &Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(path, message).with_span(Some(span.clone())));
        self.diags.0.last_mut().expect("just pushed")
    }

    /// The span recorded for `path`, or for its closest recorded parent.
    pub fn span_of(&self, path: &str) -> Option<Span> {
        let mut p = path;
        loop {
            if let Some(s) = self.spans.get(p) {
                return Some(s.clone());
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }
}

pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A table being decoded: fields are taken by name; whatever is left over at
/// [`Table::finish`] is reported as unknown, with the nearest known name.
pub struct Table<'n> {
    node: &'n Node,
    path: String,
    taken: Vec<&'static str>,
}

impl<'n> Table<'n> {
    /// `None` (and a diagnostic) if `node` is not a table.
    pub fn new(node: &'n Node, path: &str, cx: &mut Cx) -> Option<Self> {
        cx.spans.insert(path.to_string(), node.span.clone());
        match node.value {
            Value::Table(_) => Some(Table { node, path: path.to_string(), taken: Vec::new() }),
            _ => {
                cx.error(path, &node.span, format!("expected a table, found {}", node.type_name()));
                None
            }
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.node.get(key).is_some()
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn span(&self) -> &Span {
        &self.node.span
    }

    pub fn field_path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The raw node of a field, marking it as known.
    pub fn take(&mut self, key: &'static str, cx: &mut Cx) -> Option<&'n Node> {
        self.taken.push(key);
        let node = self.node.get(key)?;
        cx.spans.insert(self.field_path(key), node.span.clone());
        Some(node)
    }

    fn missing(&self, key: &str, cx: &mut Cx, hint: Option<&str>) {
        let path = self.field_path(key);
        let d = cx.error(&path, &self.node.span, format!("missing required field `{key}`"));
        d.hint = Some(match hint {
            Some(h) => h.to_string(),
            // The line to add, for the fields every entry of a list needs.
            None => match key {
                "issue" => "add `issue = \"…\"` with the id of one of the [[issues]]".to_string(),
                "actor" => "add `actor = \"…\"` with the id of one of the [[actors]]".to_string(),
                "id" => format!("add `id = \"…\"`: a short name the rest of the file refers to it by ({path})"),
                _ => format!("add `{key} = …` to this entry"),
            },
        });
    }

    pub fn req_str(&mut self, key: &'static str, cx: &mut Cx) -> Option<String> {
        match self.take(key, cx) {
            None => {
                self.missing(key, cx, None);
                None
            }
            Some(n) => as_str(n, &self.field_path(key), cx),
        }
    }

    pub fn opt_str(&mut self, key: &'static str, cx: &mut Cx) -> Option<String> {
        let n = self.take(key, cx)?;
        as_str(n, &self.field_path(key), cx)
    }

    /// A required number; NaN and infinities are read (the validator names them).
    pub fn req_f64(&mut self, key: &'static str, cx: &mut Cx) -> Option<f64> {
        match self.take(key, cx) {
            None => {
                self.missing(key, cx, None);
                None
            }
            Some(n) => as_f64(n, &self.field_path(key), cx),
        }
    }

    pub fn opt_f64(&mut self, key: &'static str, cx: &mut Cx) -> Option<f64> {
        let n = self.take(key, cx)?;
        as_f64(n, &self.field_path(key), cx)
    }

    pub fn opt_u64(&mut self, key: &'static str, cx: &mut Cx) -> Option<u64> {
        let n = self.take(key, cx)?;
        let path = self.field_path(key);
        match n.value {
            Value::Integer(i) if i >= 0 => Some(i as u64),
            _ => {
                cx.error(&path, &n.span, format!("expected a non-negative whole number, found {}", n.type_name()));
                None
            }
        }
    }

    pub fn opt_bool(&mut self, key: &'static str, cx: &mut Cx) -> Option<bool> {
        let n = self.take(key, cx)?;
        match n.value {
            Value::Bool(b) => Some(b),
            _ => {
                cx.error(&self.field_path(key), &n.span, format!("expected true or false, found {}", n.type_name()));
                None
            }
        }
    }

    /// A date written either as a TOML date or as a `YYYY-MM-DD` string.
    pub fn opt_date(&mut self, key: &'static str, cx: &mut Cx) -> Option<String> {
        let n = self.take(key, cx)?;
        match &n.value {
            Value::Datetime(s) | Value::String(s) => Some(s.clone()),
            _ => {
                cx.error(&self.field_path(key), &n.span, format!("expected a date, found {}", n.type_name()));
                None
            }
        }
    }

    pub fn opt_str_list(&mut self, key: &'static str, cx: &mut Cx) -> Vec<String> {
        let Some(n) = self.take(key, cx) else {
            return Vec::new();
        };
        let path = self.field_path(key);
        match &n.value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    let p = format!("{path}[{i}]");
                    cx.spans.insert(p.clone(), item.span.clone());
                    as_str(item, &p, cx)
                })
                .collect(),
            Value::String(s) => vec![s.clone()],
            _ => {
                cx.error(&path, &n.span, format!("expected a list of strings, found {}", n.type_name()));
                Vec::new()
            }
        }
    }

    /// A list of tables (`[[key]]` in TOML, an array of objects in JSON).
    pub fn list(&mut self, key: &'static str, cx: &mut Cx) -> Vec<(String, &'n Node)> {
        let Some(n) = self.take(key, cx) else {
            return Vec::new();
        };
        let path = self.field_path(key);
        match &n.value {
            Value::Array(items) => items.iter().enumerate().map(|(i, item)| (format!("{path}[{i}]"), item)).collect(),
            _ => {
                cx.error(&path, &n.span, format!("expected a list, found {}", n.type_name())).hint =
                    Some(format!("in TOML write each entry as a `[[{key}]]` table"));
                Vec::new()
            }
        }
    }

    /// A keyword from a fixed set (`kind = "state"`).
    pub fn opt_keyword<T>(
        &mut self,
        key: &'static str,
        names: &[&str],
        parse: impl Fn(&str) -> Option<T>,
        cx: &mut Cx,
    ) -> Option<T> {
        let n = self.take(key, cx)?;
        let path = self.field_path(key);
        let s = as_str(n, &path, cx)?;
        match parse(&s) {
            Some(v) => Some(v),
            None => {
                let hint = cx.hints.suggest(&s, names);
                cx.error(&path, &n.span, format!("unknown value `{s}`")).hint = Some(hint);
                None
            }
        }
    }

    /// Report fields nobody asked for (typos, misplaced keys).
    pub fn finish(self, cx: &mut Cx) {
        if let Value::Table(entries) = &self.node.value {
            for (k, kspan, _) in entries {
                if !self.taken.contains(&k.as_str()) {
                    let hint = cx.hints.suggest(k, &self.taken);
                    cx.error(&join(&self.path, k), kspan, format!("unknown field `{k}`")).hint = Some(hint);
                }
            }
        }
    }
}

pub fn as_str(n: &Node, path: &str, cx: &mut Cx) -> Option<String> {
    match &n.value {
        Value::String(s) => Some(s.clone()),
        _ => {
            cx.error(path, &n.span, format!("expected a string, found {}", n.type_name()));
            None
        }
    }
}

pub fn as_f64(n: &Node, path: &str, cx: &mut Cx) -> Option<f64> {
    match n.value {
        Value::Number(x) => Some(x),
        Value::Integer(i) => Some(i as f64),
        _ => {
            let d = cx.error(path, &n.span, format!("expected a number, found {}", n.type_name()));
            if let Value::String(s) = &n.value {
                d.hint = Some(if s.trim().parse::<f64>().is_ok() {
                    format!("write the number without quotes: {}", s.trim())
                } else {
                    // A word where a number belongs ("high"): say what kind of number.
                    let field = path.rsplit('.').next().unwrap_or(path);
                    format!("`{field}` takes a number, not words such as \"{}\"; e.g. {field} = 60", s.trim())
                });
            }
            None
        }
    }
}
