//! Writing events and series: JSONL (native), CSV and Parquet.

use crate::model::Event;
use crate::series::SeriesRow;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
    Parquet,
}

impl Format {
    pub const NAMES: [&'static str; 3] = ["jsonl", "csv", "parquet"];

    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "jsonl" | "json" => Format::Jsonl,
            "csv" => Format::Csv,
            "parquet" => Format::Parquet,
            _ => return None,
        })
    }
}

/// One JSON object per line.
pub fn jsonl<T: serde::Serialize>(items: &[T]) -> Vec<u8> {
    let mut out = Vec::new();
    for it in items {
        if let Ok(line) = serde_json::to_string(it) {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    }
    out
}

const EVENT_COLUMNS: [&str; 16] = [
    "id",
    "date",
    "event",
    "mode",
    "context",
    "actor",
    "actor_country",
    "actor_sector",
    "recipient",
    "recipient_country",
    "recipient_sector",
    "intensity",
    "cameo",
    "quad",
    "goldstein",
    "source",
];

fn join_actors(list: &[crate::model::EventActor], f: impl Fn(&crate::model::EventActor) -> String) -> String {
    list.iter().map(f).collect::<Vec<_>>().join(";")
}

/// One flat row per event (lists joined with `;`, an actor's sectors with `+`).
pub fn event_rows(events: &[Event]) -> Vec<[String; 16]> {
    events
        .iter()
        .map(|e| {
            [
                e.id.clone(),
                e.date.clone(),
                e.event.as_str().to_string(),
                e.mode.clone(),
                e.context.join(";"),
                join_actors(&e.actors, |a| a.name.clone()),
                join_actors(&e.actors, |a| a.country.clone()),
                join_actors(&e.actors, |a| a.sector.join("+")),
                join_actors(&e.recipients, |a| a.name.clone()),
                join_actors(&e.recipients, |a| a.country.clone()),
                join_actors(&e.recipients, |a| a.sector.join("+")),
                e.intensity.to_string(),
                e.cameo.clone().unwrap_or_default(),
                e.quad.to_string(),
                e.goldstein.map(|g| g.to_string()).unwrap_or_default(),
                if e.source.url.is_empty() { e.source.dataset.clone() } else { e.source.url.clone() },
            ]
        })
        .collect()
}

pub fn events_csv(events: &[Event]) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(EVENT_COLUMNS).map_err(|e| e.to_string())?;
    for row in event_rows(events) {
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

const SERIES_COLUMNS: [&str; 11] = [
    "a",
    "b",
    "week",
    "events",
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
    "intensity",
    "goldstein",
    "index",
];

pub fn series_csv(rows: &[SeriesRow]) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(SERIES_COLUMNS).map_err(|e| e.to_string())?;
    for r in rows {
        w.serialize(r).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

#[cfg(feature = "parquet")]
mod pq {
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;

    /// A column of a flat table.
    pub enum Col {
        Text(Vec<String>),
        Int(Vec<i64>),
        Float(Vec<f64>),
    }

    pub fn write(name: &str, cols: &[(&str, Col)]) -> Result<Vec<u8>, String> {
        let fields: Vec<String> = cols
            .iter()
            .map(|(n, c)| match c {
                Col::Text(_) => format!("REQUIRED BYTE_ARRAY {n} (UTF8);"),
                Col::Int(_) => format!("REQUIRED INT64 {n};"),
                Col::Float(_) => format!("REQUIRED DOUBLE {n};"),
            })
            .collect();
        let schema =
            parse_message_type(&format!("message {name} {{ {} }}", fields.join(" "))).map_err(|e| e.to_string())?;
        let props = Arc::new(
            WriterProperties::builder().set_created_by(format!("demarche {}", env!("CARGO_PKG_VERSION"))).build(),
        );
        let mut buf = Vec::new();
        let mut writer = SerializedFileWriter::new(&mut buf, Arc::new(schema), props).map_err(|e| e.to_string())?;
        let mut group = writer.next_row_group().map_err(|e| e.to_string())?;
        let mut i = 0;
        while let Some(mut col) = group.next_column().map_err(|e| e.to_string())? {
            let written = match &cols[i].1 {
                Col::Text(v) => col.typed::<ByteArrayType>().write_batch(
                    &v.iter().map(|s| ByteArray::from(s.as_str())).collect::<Vec<_>>(),
                    None,
                    None,
                ),
                Col::Int(v) => col.typed::<Int64Type>().write_batch(v, None, None),
                Col::Float(v) => col.typed::<DoubleType>().write_batch(v, None, None),
            };
            written.map_err(|e| e.to_string())?;
            col.close().map_err(|e| e.to_string())?;
            i += 1;
        }
        group.close().map_err(|e| e.to_string())?;
        writer.close().map_err(|e| e.to_string())?;
        Ok(buf)
    }
}

#[cfg(feature = "parquet")]
pub fn events_parquet(events: &[Event]) -> Result<Vec<u8>, String> {
    use pq::Col;
    let rows = event_rows(events);
    let text = |k: usize| Col::Text(rows.iter().map(|r| r[k].clone()).collect());
    let cols: Vec<(&str, Col)> = vec![
        ("id", text(0)),
        ("date", text(1)),
        ("event", text(2)),
        ("mode", text(3)),
        ("context", text(4)),
        ("actor", text(5)),
        ("actor_country", text(6)),
        ("actor_sector", text(7)),
        ("recipient", text(8)),
        ("recipient_country", text(9)),
        ("recipient_sector", text(10)),
        ("intensity", Col::Float(events.iter().map(|e| e.intensity).collect())),
        ("cameo", text(12)),
        ("quad", Col::Int(events.iter().map(|e| i64::from(e.quad)).collect())),
        ("goldstein", Col::Float(events.iter().map(|e| e.goldstein.unwrap_or(f64::NAN)).collect())),
        ("source", text(15)),
    ];
    pq::write("events", &cols)
}

#[cfg(feature = "parquet")]
pub fn series_parquet(rows: &[SeriesRow]) -> Result<Vec<u8>, String> {
    use pq::Col;
    let t = |f: fn(&SeriesRow) -> String| Col::Text(rows.iter().map(f).collect());
    let n = |f: fn(&SeriesRow) -> usize| Col::Int(rows.iter().map(|r| f(r) as i64).collect());
    let x = |f: fn(&SeriesRow) -> f64| Col::Float(rows.iter().map(f).collect());
    let cols: Vec<(&str, Col)> = vec![
        ("a", t(|r| r.a.clone())),
        ("b", t(|r| r.b.clone())),
        ("week", t(|r| r.week.clone())),
        ("events", n(|r| r.events)),
        ("verbal_cooperation", n(|r| r.verbal_cooperation)),
        ("material_cooperation", n(|r| r.material_cooperation)),
        ("verbal_conflict", n(|r| r.verbal_conflict)),
        ("material_conflict", n(|r| r.material_conflict)),
        ("intensity", x(|r| r.intensity)),
        ("goldstein", x(|r| r.goldstein)),
        ("index", x(|r| r.index)),
    ];
    pq::write("series", &cols)
}

#[cfg(not(feature = "parquet"))]
pub fn events_parquet(_: &[Event]) -> Result<Vec<u8>, String> {
    Err("this build of demarche has no Parquet support (built without the `parquet` feature); use jsonl or csv".into())
}

#[cfg(not(feature = "parquet"))]
pub fn series_parquet(_: &[SeriesRow]) -> Result<Vec<u8>, String> {
    Err("this build of demarche has no Parquet support (built without the `parquet` feature); use csv".into())
}
