//! Saving an edited scenario into the file it came from: the values the
//! workbench edits (an actor's capability; a stance's position, salience and
//! red line; a relation's weight) are written into the original TOML
//! document, so its comments, order and layout stay as they were
//! (`toml_edit`). Anything else that differs — an actor added, an issue
//! renamed — is not a value edit: [`patch_toml`] then says so and the caller
//! writes the scenario afresh.

use toml_edit::{DocumentMut, Item, Value};

use crate::load::{load_str, Format};
use crate::model::Scenario;

/// `original` (a native TOML scenario) with `edited`'s values, or `None`
/// when `edited` differs from it in more than the editable values (or the
/// original is not a native TOML scenario laid out as arrays of tables).
pub fn patch_toml(original: &str, edited: &Scenario) -> Option<String> {
    let before = load_str(original, Some(Format::Toml), None).ok()?.scenario;
    if before.actors.len() != edited.actors.len()
        || before.stances.len() != edited.stances.len()
        || before.relations.len() != edited.relations.len()
    {
        return None;
    }
    // Only the editable values may differ: copy them over and compare the rest.
    let mut only_values = before.clone();
    for (b, e) in only_values.actors.iter_mut().zip(&edited.actors) {
        b.capability = e.capability;
    }
    for (b, e) in only_values.stances.iter_mut().zip(&edited.stances) {
        (b.position, b.salience, b.red_line) = (e.position, e.salience, e.red_line);
    }
    for (b, e) in only_values.relations.iter_mut().zip(&edited.relations) {
        b.weight = e.weight;
    }
    if &only_values != edited {
        return None;
    }
    let mut doc: DocumentMut = original.parse().ok()?;
    for (i, (b, e)) in before.actors.iter().zip(&edited.actors).enumerate() {
        if b.capability != e.capability {
            set(&mut doc, "actors", i, "capability", Some(number(e.capability)))?;
        }
    }
    for (i, (b, e)) in before.stances.iter().zip(&edited.stances).enumerate() {
        if b.position != e.position {
            set(&mut doc, "stances", i, "position", Some(number(e.position)))?;
        }
        if b.salience != e.salience {
            set(&mut doc, "stances", i, "salience", Some(number(e.salience)))?;
        }
        if b.red_line != e.red_line {
            let v = e.red_line.map(|[lo, hi]| Value::Array([number(lo), number(hi)].into_iter().collect()));
            set(&mut doc, "stances", i, "red_line", v)?;
        }
    }
    for (i, (b, e)) in before.relations.iter().zip(&edited.relations).enumerate() {
        if b.weight != e.weight {
            set(&mut doc, "relations", i, "weight", e.weight.map(number))?;
        }
    }
    let text = doc.to_string();
    // What is written must read back as the edited scenario.
    (load_str(&text, Some(Format::Toml), None).ok()?.scenario == *edited).then_some(text)
}

/// A number as the file would write it: whole numbers without a fraction.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

/// Sets (or, with `None`, removes) `key` of the `i`-th table of the array
/// `array`, keeping the old value's surrounding spaces and trailing comment.
fn set(doc: &mut DocumentMut, array: &str, i: usize, key: &str, value: Option<Value>) -> Option<()> {
    let table = doc.get_mut(array)?.as_array_of_tables_mut()?.get_mut(i)?;
    match value {
        None => {
            table.remove(key);
        }
        Some(mut v) => match table.get_mut(key).and_then(Item::as_value_mut) {
            Some(old) => {
                let decor = old.decor().clone();
                *v.decor_mut() = decor;
                *old = v;
            }
            None => {
                table.insert(key, Item::Value(v));
            }
        },
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"# A comment at the top that must survive.
[meta]
title = "Save test"

[[actors]]
id = "a"   # the first actor
name = "A"
capability = 40  # a judgement, see notes

[[actors]]
id = "b"
name = "B"
capability = 60

[[issues]]
id = "x"
name = "X"
min = 0
max = 100
low = "none"
high = "all"

# Stances, one per actor.
[[stances]]
actor = "a"
issue = "x"
position = 20
salience = 0.5

[[stances]]
actor = "b"
issue = "x"
position = 80
salience = 0.9
red_line = [60, 100]

[[relations]]
kind = "hostile"
from = "a"
to = "b"
"#;

    fn load(text: &str) -> Scenario {
        load_str(text, Some(Format::Toml), None).unwrap().scenario
    }

    #[test]
    fn edited_values_are_written_into_the_file_and_its_comments_stay() {
        let mut sc = load(FILE);
        sc.actors[0].capability = 45.0;
        sc.stances[0].salience = 0.75;
        sc.stances[0].red_line = Some([10.0, 30.5]);
        sc.stances[1].red_line = None;
        sc.relations[0].weight = Some(0.4);
        let text = patch_toml(FILE, &sc).expect("a value edit patches");
        assert!(text.starts_with("# A comment at the top that must survive.\n"));
        assert!(text.contains("capability = 45  # a judgement, see notes"), "{text}");
        assert!(text.contains("id = \"a\"   # the first actor"));
        assert!(text.contains("# Stances, one per actor."));
        assert!(text.contains("salience = 0.75") && text.contains("red_line = [10, 30.5]"), "{text}");
        assert!(!text.contains("[60, 100]"));
        assert!(text.contains("weight = 0.4"));
        assert_eq!(load(&text), sc);
        // Nothing edited: the file comes back byte for byte.
        assert_eq!(patch_toml(FILE, &load(FILE)).as_deref(), Some(FILE));
    }

    #[test]
    fn more_than_a_value_edit_is_not_patched() {
        let mut sc = load(FILE);
        sc.actors[1].name = "Bee".into();
        assert!(patch_toml(FILE, &sc).is_none());
        let mut sc = load(FILE);
        sc.stances.pop();
        assert!(patch_toml(FILE, &sc).is_none());
        assert!(patch_toml("{\"not\": \"toml\"}", &load(FILE)).is_none());
    }
}
