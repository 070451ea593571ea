//! Options of the exchange engine (Stokman & Van Oosten's exchange model).

use std::collections::BTreeMap;

use crate::diag::suggest;
use crate::node::Node;
use crate::reader::{Cx, Table};
use crate::settings::declare::non_negative;
use crate::settings::SettingError;

crate::settings::declare::declare_settings! {
    engine = "exchange";
    /// Options of the exchange engine.
    pub struct ExchangeSettings {
        /// Rounds to run (decide's `--iterations`; the model has no convergence test).
        opt rounds: u32 = 10, check rounds_in_range;
        /// Gains within this relative distance rank equal, and the earlier in list order wins.
        opt gain_tie: f64 = 1e-12, check non_negative;
        /// An outcome within this distance (on the 0–100 scale) of a partner's position counts as on it.
        opt nbs_tie: f64 = 1e-9, check non_negative;
        /// Picks won by less than this relative gap in gain are reported as near-ties.
        opt near_tie: f64 = 1e-9, check non_negative;
    }
}

/// The most rounds a run may ask for (each round re-ranks every candidate exchange).
pub const MAX_ROUNDS: u32 = 1_000;

fn rounds_in_range(r: &u32) -> Result<(), String> {
    crate::settings::declare::whole_in(u64::from(*r), 1, u64::from(MAX_ROUNDS))
}

impl ExchangeSettings {
    /// Override one option from a `key=value` pair.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let key = key.trim().replace('-', "_");
        self.set_declared(&key, value).unwrap_or_else(|| {
            Err(SettingError::UnknownKey { engine: "exchange", hint: suggest(&key, Self::KEYS), key })
        })
    }

    /// Every option with its value, defaults included.
    pub fn entries(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        self.declared_entries(&mut m);
        m
    }
}

pub(crate) fn decode(n: &Node, path: &str, cx: &mut Cx) -> Option<ExchangeSettings> {
    let mut t = Table::new(n, path, cx)?;
    let mut s = ExchangeSettings::default();
    s.decode_declared(&mut t, cx);
    t.finish(cx);
    Some(s)
}
