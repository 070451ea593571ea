//! Engine options stored in a scenario's `[engines.*]` tables.
//!
//! They are data like the rest of the scenario, so they are typed here, where
//! importers (KTAB's `<ModelParameters>`) and the CLI can both reach them. Each
//! engine crate documents what its options mean.

pub mod bdm;
pub mod declare;
pub mod nash;
pub mod simulation;
pub mod smp;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::node::Node;
use crate::reader::{Cx, Table};

pub use bdm::BdmSettings;
pub use nash::NashSettings;
pub use smp::SmpSettings;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EngineSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nash: Option<NashSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bdm: Option<BdmSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smp: Option<SmpSettings>,
}

impl EngineSettings {
    pub fn is_empty(&self) -> bool {
        self.nash.is_none() && self.bdm.is_none() && self.smp.is_none()
    }
}

pub(crate) fn decode(n: &Node, path: &str, cx: &mut Cx) -> EngineSettings {
    let mut s = EngineSettings::default();
    let Some(mut t) = Table::new(n, path, cx) else {
        return s;
    };
    if let Some(n) = t.take("nash", cx) {
        s.nash = nash::decode(n, &t.field_path("nash"), cx);
    }
    if let Some(n) = t.take("bdm", cx) {
        s.bdm = bdm::decode(n, &t.field_path("bdm"), cx);
    }
    if let Some(n) = t.take("smp", cx) {
        s.smp = smp::decode(n, &t.field_path("smp"), cx);
    }
    t.finish(cx);
    s
}
