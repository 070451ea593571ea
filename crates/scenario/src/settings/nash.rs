//! Options of the Nash bargaining engine.

use std::collections::BTreeMap;

use crate::diag::suggest;
use crate::node::Node;
use crate::reader::{Cx, Table};
use crate::settings::SettingError;

crate::settings::declare::keyword_enum! {
    /// What each actor gets if there is no agreement.
    Disagreement {
        /// The status quo; issues without one fall back to `worst`.
        StatusQuo = "status_quo",
        /// Each actor's worst point on the scale (everyone gains from any deal).
        Worst = "worst",
    }
}

// The enum comes from `keyword_enum!`, which derives no `Default`.
#[allow(clippy::derivable_impls)]
impl Default for Disagreement {
    fn default() -> Self {
        Disagreement::StatusQuo
    }
}

crate::settings::declare::declare_settings! {
    engine = "nash";
    /// Options of the Nash bargaining engine.
    pub struct NashSettings {
        opt disagreement: Disagreement = Disagreement::StatusQuo;
    }
}

impl NashSettings {
    /// Override one option from a `key=value` pair.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let key = key.trim().replace('-', "_");
        self.set_declared(&key, value)
            .unwrap_or_else(|| Err(SettingError::UnknownKey { engine: "nash", hint: suggest(&key, Self::KEYS), key }))
    }

    /// Every option with its value, defaults included.
    pub fn entries(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        self.declared_entries(&mut m);
        m
    }
}

pub(crate) fn decode(n: &Node, path: &str, cx: &mut Cx) -> Option<NashSettings> {
    let mut t = Table::new(n, path, cx)?;
    let mut s = NashSettings::default();
    s.decode_declared(&mut t, cx);
    t.finish(cx);
    Some(s)
}
