//! The page and the API description, embedded in the binary.

const INDEX: &str = include_str!("../static/index.html");
const SCRIPT: &str = include_str!("../static/app.js");
const STYLE: &str = include_str!("../static/app.css");
pub const OPENAPI: &str = include_str!("../static/openapi.json");

/// The page with its script and styles inline, so one request (which may carry
/// the access token) loads everything.
pub fn page() -> String {
    INDEX.replace("/*STYLE*/", STYLE).replace("/*SCRIPT*/", SCRIPT)
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_is_assembled_and_openapi_parses() {
        let p = super::page();
        assert!(!p.contains("/*SCRIPT*/") && !p.contains("/*STYLE*/"));
        let v: serde_json::Value = serde_json::from_str(super::OPENAPI).unwrap();
        assert_eq!(v["openapi"].as_str().map(|s| &s[..2]), Some("3."));
    }
}
