//! KTAB's SMP scenario formats (CSV and XML).
//!
//! Work in progress: filled in with the SMP engine (issue 3).

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Scenario;

pub fn parse_csv(_text: &str, _label: &str) -> (Option<Scenario>, Diagnostics) {
    (None, Diagnostics(vec![Diagnostic::error("", "KTAB CSV import is not available yet")]))
}

pub fn parse_xml(_text: &str, _label: &str) -> (Option<Scenario>, Diagnostics) {
    (None, Diagnostics(vec![Diagnostic::error("", "KTAB XML import is not available yet")]))
}
