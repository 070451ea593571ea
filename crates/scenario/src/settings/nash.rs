//! Options of the Nash bargaining engine.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::decode::{Cx, Table};
use crate::node::Node;

/// What each actor gets if there is no agreement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Disagreement {
    /// The status quo; issues without one fall back to `worst`.
    #[default]
    StatusQuo,
    /// Each actor's worst point on the scale (everyone gains from any deal).
    Worst,
}

impl Disagreement {
    pub const NAMES: [&'static str; 2] = ["status_quo", "worst"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "status_quo" | "status-quo" => Some(Disagreement::StatusQuo),
            "worst" => Some(Disagreement::Worst),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NashSettings {
    #[serde(default)]
    pub disagreement: Disagreement,
}

pub(crate) fn decode(n: &Node, path: &str, cx: &mut Cx) -> Option<NashSettings> {
    let mut t = Table::new(n, path, cx)?;
    let disagreement = t.opt_keyword("disagreement", &Disagreement::NAMES, Disagreement::parse, cx).unwrap_or_default();
    t.finish(cx);
    Some(NashSettings { disagreement })
}
