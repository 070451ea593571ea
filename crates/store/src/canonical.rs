//! Canonical JSON and content hashes: the same scenario always hashes the same,
//! whatever the key order of the file it came from.

use demarche_scenario::Scenario;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// JSON with object keys sorted at every level and no insignificant whitespace.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_value(v, &mut out);
    out
}

fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_value(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The scenario's canonical JSON and its SHA-256 (lower-case hex).
pub fn scenario_hash(sc: &Scenario) -> (String, String) {
    hashed(&serde_json::to_value(sc).unwrap_or(Value::Null))
}

/// Any value's canonical JSON and its SHA-256 (lower-case hex).
pub fn hashed(value: &Value) -> (String, String) {
    let text = canonical_json(value);
    let digest = Sha256::digest(text.as_bytes());
    let hex = digest.iter().map(|b| format!("{b:02x}")).collect();
    (text, hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_does_not_matter() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":{"y":[1,2],"x":"s"}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":{"x":"s","y":[1,2]},"b":1}"#).unwrap();
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(canonical_json(&a), r#"{"a":{"x":"s","y":[1,2]},"b":1}"#);
    }

    #[test]
    fn hash_is_sha256_of_canonical_text() {
        let sc = Scenario::default();
        let (text, hash) = scenario_hash(&sc);
        assert_eq!(hash.len(), 64);
        let again = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(hash, again);
        let mut other = sc.clone();
        other.meta.title = "changed".into();
        assert_ne!(scenario_hash(&other).1, hash);
    }
}
