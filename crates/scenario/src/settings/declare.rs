//! One declaration per engine option.
//!
//! [`declare_settings!`] takes each option once — its doc, type, default and
//! optional range check — and writes the settings struct (with its serde and
//! JSON Schema derives), `Default`, the list of keys, the `key=value` setter,
//! the listing of every option with its value, and the decoder of a scenario
//! file's `[engines.*]` table with its diagnostics. How a value is read and
//! shown is its type's [`OptionValue`]; keyword enums get theirs from
//! [`keyword_enum!`], the one keyword mechanism of the crate.
//!
//! Options that need more than one value (a list of tables) or that change
//! others (a preset) are declared `special`: they are part of the struct, the
//! keys and `Default`, and the engine's settings module handles them by hand.

use crate::node::Value;
use crate::reader::{Cx, Table};
use crate::settings::SettingError;

/// A value an engine option can hold.
pub trait OptionValue: Sized {
    /// From `key=value` text (the command line, the API); the error says what
    /// was expected, as a phrase [`SettingError::Unreadable`] carries.
    fn from_text(text: &str) -> Result<Self, String>;
    /// From a scenario file's table, reporting a wrong type or value there.
    fn decode(t: &mut Table<'_>, key: &'static str, cx: &mut Cx) -> Option<Self>;
    /// As listed with a forecast's settings.
    fn to_text(&self) -> String;
    /// What it accepts, in a few words (`demarche models`).
    fn accepts() -> String;
    /// Values at the ends of the type, to learn a range check's limits from
    /// its message (see [`range_of`]).
    fn probes() -> Vec<Self> {
        Vec::new()
    }
}

/// What `check` allows, in its own words ("must be a number between 0 and
/// 1"), learnt from the first probe it refuses; `None` when it refuses none.
pub fn range_of<T: OptionValue>(check: Check<T>) -> Option<String> {
    T::probes().iter().find_map(|p| check(p).err())
}

impl OptionValue for f64 {
    fn accepts() -> String {
        "a number".into()
    }
    fn probes() -> Vec<Self> {
        vec![-1e300, 1e300]
    }
    fn from_text(text: &str) -> Result<Self, String> {
        text.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| format!("`{text}` is not a number"))
    }
    fn decode(t: &mut Table<'_>, key: &'static str, cx: &mut Cx) -> Option<Self> {
        t.opt_f64(key, cx)
    }
    fn to_text(&self) -> String {
        format!("{self}")
    }
}

impl OptionValue for u32 {
    fn accepts() -> String {
        "a whole number".into()
    }
    fn probes() -> Vec<Self> {
        vec![0, u32::MAX]
    }
    fn from_text(text: &str) -> Result<Self, String> {
        text.parse().map_err(|_| format!("`{text}` is not a whole number"))
    }
    fn decode(t: &mut Table<'_>, key: &'static str, cx: &mut Cx) -> Option<Self> {
        let v = t.opt_u64(key, cx)?;
        match u32::try_from(v) {
            Ok(v) => Some(v),
            Err(_) => {
                let p = t.field_path(key);
                let span = cx.span_of(&p).unwrap_or_else(|| t.span().clone());
                cx.error(&p, &span, format!("`{key}` is {v}, too large")).hint =
                    Some(format!("give at most {}", u32::MAX));
                None
            }
        }
    }
    fn to_text(&self) -> String {
        self.to_string()
    }
}

impl OptionValue for u64 {
    fn accepts() -> String {
        "a whole number".into()
    }
    fn probes() -> Vec<Self> {
        vec![0, u64::MAX]
    }
    fn from_text(text: &str) -> Result<Self, String> {
        text.parse().map_err(|_| format!("`{text}` is not a whole number 0..2^64"))
    }
    /// An integer, or a string for values above 2^63 (TOML and JSON readers
    /// stop at the signed 64-bit range).
    fn decode(t: &mut Table<'_>, key: &'static str, cx: &mut Cx) -> Option<Self> {
        let n = t.take(key, cx)?;
        match &n.value {
            Value::Integer(i) if *i >= 0 => Some(*i as u64),
            Value::String(v) if v.trim().parse::<u64>().is_ok() => v.trim().parse().ok(),
            _ => {
                let p = t.field_path(key);
                cx.error(&p, &n.span, format!("`{key}` must be a whole number from 0 to 2^64−1")).hint =
                    Some("values above 2^63 must be written as a string, e.g. \"15455440707583219804\"".into());
                None
            }
        }
    }
    fn to_text(&self) -> String {
        self.to_string()
    }
}

impl OptionValue for String {
    fn accepts() -> String {
        "text".into()
    }
    fn from_text(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
    fn decode(t: &mut Table<'_>, key: &'static str, cx: &mut Cx) -> Option<Self> {
        t.opt_str(key, cx)
    }
    fn to_text(&self) -> String {
        self.clone()
    }
}

/// An optional id or name: empty text clears it.
impl OptionValue for Option<String> {
    fn accepts() -> String {
        "an id or name (empty: none)".into()
    }
    fn from_text(text: &str) -> Result<Self, String> {
        Ok((!text.is_empty()).then(|| text.to_string()))
    }
    fn decode(t: &mut Table<'_>, key: &'static str, cx: &mut Cx) -> Option<Self> {
        t.opt_str(key, cx).map(Some)
    }
    fn to_text(&self) -> String {
        self.clone().unwrap_or_default()
    }
}

/// A list of ids: a list in files, comma-separated as text.
impl OptionValue for Vec<String> {
    fn accepts() -> String {
        "ids, comma-separated".into()
    }
    fn from_text(text: &str) -> Result<Self, String> {
        Ok(text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
    }
    fn decode(t: &mut Table<'_>, key: &'static str, cx: &mut Cx) -> Option<Self> {
        t.has(key).then(|| t.opt_str_list(key, cx))
    }
    fn to_text(&self) -> String {
        self.join(",")
    }
}

/// A range check of one option: `Err` says what is allowed, as "must be …"
/// (a phrase [`SettingError::OutOfRange`] carries).
pub type Check<T> = fn(&T) -> Result<(), String>;

/// Numbers from 0 to 1 (probabilities, weights, shares).
pub fn probability(x: &f64) -> Result<(), String> {
    unit(x).map_err(|_| "must be a probability, a number between 0 and 1".into())
}

/// Numbers from 0 to 1.
pub fn unit(x: &f64) -> Result<(), String> {
    if (0.0..=1.0).contains(x) {
        Ok(())
    } else {
        Err("must be a number between 0 and 1".into())
    }
}

/// Numbers from −1 to 1.
pub fn signed_unit(x: &f64) -> Result<(), String> {
    if (-1.0..=1.0).contains(x) {
        Ok(())
    } else {
        Err("must be a number between -1 and 1".into())
    }
}

/// Finite numbers from 0 up.
pub fn non_negative(x: &f64) -> Result<(), String> {
    if x.is_finite() && *x >= 0.0 {
        Ok(())
    } else {
        Err("must be a non-negative number, e.g. 1e-6".into())
    }
}

/// A whole-number range check: `whole_in(x, lo, hi)`.
pub fn whole_in(x: u64, lo: u64, hi: u64) -> Result<(), String> {
    if (lo..=hi).contains(&x) {
        Ok(())
    } else {
        Err(format!("must be a whole number from {lo} to {hi}"))
    }
}

/// Apply `check` to a decoded value, reporting it at the option's place.
pub fn decoded<T: OptionValue>(
    value: T,
    check: Option<Check<T>>,
    t: &Table<'_>,
    key: &'static str,
    cx: &mut Cx,
) -> Option<T> {
    match check.map_or(Ok(()), |c| c(&value)) {
        Ok(()) => Some(value),
        Err(must) => {
            let p = t.field_path(key);
            let span = cx.span_of(&p).unwrap_or_else(|| t.span().clone());
            cx.error(&p, &span, format!("`{key}` {must}, got {}", value.to_text()));
            None
        }
    }
}

/// Parse and check a `key=value` text.
pub fn parsed<T: OptionValue>(
    engine: &'static str,
    key: &str,
    text: &str,
    check: Option<Check<T>>,
) -> Result<T, SettingError> {
    let v = T::from_text(text.trim()).map_err(|reason| SettingError::Unreadable {
        engine,
        key: key.to_string(),
        reason,
    })?;
    check.map_or(Ok(()), |c| c(&v)).map_err(|must| SettingError::OutOfRange {
        engine,
        key: key.to_string(),
        must,
        value: text.trim().to_string(),
    })?;
    Ok(v)
}

/// Declares a keyword enum with `NAMES`, `as_str`, `parse` (underscores and
/// hyphens interchangeable, any case, extra spellings after `|`) and its
/// [`OptionValue`].
macro_rules! keyword_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $text:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text $(, alias = $alias)*)] $var),+
        }

        impl $name {
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$var => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                let norm = s.trim().replace('-', "_").to_ascii_lowercase();
                $(if norm == $text.replace('-', "_") $(|| norm == $alias.replace('-', "_"))* {
                    return Some($name::$var);
                })+
                None
            }
        }

        impl $crate::settings::declare::OptionValue for $name {
            fn accepts() -> String {
                $name::NAMES.join(" | ")
            }
            fn from_text(text: &str) -> Result<Self, String> {
                $name::parse(text).ok_or_else(|| {
                    format!("unknown value `{text}`; {}", $crate::diag::suggest(text, $name::NAMES))
                })
            }
            fn decode(
                t: &mut $crate::reader::Table<'_>,
                key: &'static str,
                cx: &mut $crate::reader::Cx,
            ) -> Option<Self> {
                t.opt_keyword(key, $name::NAMES, $name::parse, cx)
            }
            fn to_text(&self) -> String {
                self.as_str().to_string()
            }
        }
    };
}

/// Keeps `$body` for declared options, drops it for `special` ones.
macro_rules! if_declared {
    (opt, { $($body:tt)* }) => { $($body)* };
    (special, { $($body:tt)* }) => {};
}

/// Declares an engine's settings from one line per option; see the module docs.
///
/// Generates `KEYS`, `Default`, `set_declared(key, value) -> Option<Result>`
/// (`None`: not a declared key), `declared_entries(&mut map)` and
/// `decode_declared(&mut table, cx)`.
macro_rules! declare_settings {
    (
        engine = $engine:literal;
        $(#[$smeta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $kind:ident $field:ident : $ty:ty = $default:expr $(, check $check:path)? ;
            )*
        }
    ) => {
        $(#[$smeta])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $( $field: $default, )* }
            }
        }

        impl $name {
            /// Every option key, in declaration order.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Set a declared option from text; `None` when `key` is not one.
            #[allow(unused_variables)]
            fn set_declared(&mut self, key: &str, value: &str) -> Option<Result<(), $crate::settings::SettingError>> {
                $(
                    $crate::settings::declare::if_declared!($kind, {
                        if key == stringify!($field) {
                            #[allow(unused_mut, unused_assignments)]
                            let mut check: Option<$crate::settings::declare::Check<$ty>> = None;
                            $( check = Some($check); )?
                            return Some(
                                $crate::settings::declare::parsed::<$ty>($engine, key, value, check)
                                    .map(|v| self.$field = v),
                            );
                        }
                    });
                )*
                None
            }

            /// Every declared option: its key, its default and what it accepts
            /// (`demarche models`).
            pub fn options() -> Vec<$crate::settings::OptionInfo> {
                #[allow(unused_variables)]
                let d = Self::default();
                #[allow(unused_mut)]
                let mut v = Vec::new();
                $(
                    $crate::settings::declare::if_declared!($kind, {
                        #[allow(unused_mut)]
                        let mut accepts = <$ty as $crate::settings::declare::OptionValue>::accepts();
                        $(
                            // The check's own words say it best ("a whole number from 1 to 100000").
                            if let Some(range) = $crate::settings::declare::range_of::<$ty>($check) {
                                accepts = range.strip_prefix("must be ").unwrap_or(&range).to_string();
                            }
                        )?
                        v.push($crate::settings::OptionInfo {
                            key: stringify!($field),
                            default: $crate::settings::declare::OptionValue::to_text(&d.$field),
                            accepts,
                        });
                    });
                )*
                v
            }

            /// Every declared option with its value as text.
            #[allow(unused_variables)]
            fn declared_entries(&self, m: &mut std::collections::BTreeMap<String, String>) {
                $(
                    $crate::settings::declare::if_declared!($kind, {
                        m.insert(
                            stringify!($field).to_string(),
                            $crate::settings::declare::OptionValue::to_text(&self.$field),
                        );
                    });
                )*
            }

            /// Read every declared option present in `t`, with diagnostics.
            #[allow(unused_variables)]
            fn decode_declared(&mut self, t: &mut $crate::reader::Table<'_>, cx: &mut $crate::reader::Cx) {
                $(
                    $crate::settings::declare::if_declared!($kind, {
                        let key = stringify!($field);
                        if let Some(v) = <$ty as $crate::settings::declare::OptionValue>::decode(t, key, cx) {
                            #[allow(unused_mut, unused_assignments)]
                            let mut check: Option<$crate::settings::declare::Check<$ty>> = None;
                            $( check = Some($check); )?
                            if let Some(v) = $crate::settings::declare::decoded(v, check, t, key, cx) {
                                self.$field = v;
                            }
                        }
                    });
                )*
            }
        }
    };
}

pub(crate) use {declare_settings, if_declared, keyword_enum};
