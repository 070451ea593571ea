//! Options of the bdm engine (see the demarche-bdm crate for their meaning).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::decode::{Cx, Table};
use crate::node::Node;

/// Placeholder: the bdm engine's options are defined with the engine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BdmSettings {}

pub(crate) fn decode(n: &Node, path: &str, cx: &mut Cx) -> Option<BdmSettings> {
    let t = Table::new(n, path, cx)?;
    t.finish(cx);
    Some(BdmSettings {})
}
