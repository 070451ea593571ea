//! Reports people can read: self-contained HTML with inline SVG charts.
//!
//! A report is one HTML file with its CSS and charts inline and no scripts,
//! fonts or links to fetch, so it opens anywhere and can be mailed as is.
//! Every section is optional and appears when its data is there: forecasts
//! (each model side by side, positions over rounds), the mediated-vs-direct
//! comparison, bargaining frontiers, the escalation-risk matrix and the
//! sensitivity tornado. The charts are written by a small SVG builder
//! ([`svg`]) from plain data ([`data`]); the web workbench draws the same ones.
//! The application crate (demarche-app) turns a channel simulation, its
//! bargaining picture and its sensitivity analysis into that data, as the
//! documents a stored run keeps.
//! All text from a scenario is escaped.

#![forbid(unsafe_code)]

pub mod charts;
pub mod data;
pub mod escalation;
mod html;
pub mod svg;

pub use charts::Chart;
pub use html::{render_html, sections, ReportData, RunInfo, Section};
