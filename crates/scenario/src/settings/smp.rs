//! Options of the smp engine (see the demarche-smp crate for their meaning).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::decode::{Cx, Table};
use crate::node::Node;

/// Placeholder: the smp engine's options are defined with the engine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SmpSettings {}

pub(crate) fn decode(n: &Node, path: &str, cx: &mut Cx) -> Option<SmpSettings> {
    let t = Table::new(n, path, cx)?;
    t.finish(cx);
    Some(SmpSettings {})
}
