//! Exporting a run: positions as CSV or Parquet, the whole record as JSON.

use std::io::Write;

use crate::store::{Store, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Per-round positions: `run_id,model,issue,round,actor,position,scale`.
    Csv,
    /// The whole run: metadata, parameters, scenario and every document.
    Json,
    /// The per-round positions as a Parquet table (same columns as CSV).
    Parquet,
}

pub const EXPORT_FORMATS: [&str; 3] = ["csv", "json", "parquet"];

impl ExportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "csv" => ExportFormat::Csv,
            "json" => ExportFormat::Json,
            "parquet" => ExportFormat::Parquet,
            _ => return None,
        })
    }
}

impl Store {
    /// Write run `id` to `out` in `format`.
    pub fn export(&self, id: i64, format: ExportFormat, out: &mut dyn Write) -> Result<(), StoreError> {
        let io = |e: String| StoreError::Invalid { path: self.path().display().to_string(), message: e };
        match format {
            ExportFormat::Json => {
                let record = self.get(id)?;
                serde_json::to_writer_pretty(&mut *out, &record).map_err(|e| io(e.to_string()))?;
                writeln!(out).map_err(|e| io(e.to_string()))?;
            }
            ExportFormat::Csv => {
                self.tabular(id)?; // a missing run is an error, not an empty file
                let sc = self.get(id)?.scenario().unwrap_or_default();
                positions_csv(out, &sc, &self.positions(id)?, true).map_err(|e| io(e.to_string()))?;
            }
            ExportFormat::Parquet => {
                self.tabular(id)?;
                let sc = self.get(id)?.scenario().unwrap_or_default();
                let bytes = parquet_positions(&sc, &self.positions(id)?).map_err(io)?;
                out.write_all(&bytes).map_err(|e| io(e.to_string()))?;
            }
        }
        Ok(())
    }

    /// Checks that run `id` exists and has per-round positions to export as
    /// a table: runs of other kinds (a simulation, a negotiation, a
    /// tournament) hold documents only, exported as JSON.
    fn tabular(&self, id: i64) -> Result<(), StoreError> {
        let run = self.get(id)?;
        if run.summary.kind != crate::RunKind::Forecast {
            return Err(StoreError::Invalid {
                path: self.path().display().to_string(),
                message: format!(
                    "run {id} is a {} run: it has no per-round positions to export as a table; use --format json \
                     for everything it holds",
                    run.summary.kind.as_str()
                ),
            });
        }
        Ok(())
    }
}

#[cfg(feature = "parquet")]
fn parquet_positions(sc: &demarche_scenario::Scenario, rows: &[crate::PositionRow]) -> Result<Vec<u8>, String> {
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;

    let schema = parse_message_type(
        "message positions {
            REQUIRED INT64 run_id;
            REQUIRED BYTE_ARRAY model (UTF8);
            REQUIRED BYTE_ARRAY issue (UTF8);
            REQUIRED INT32 round;
            REQUIRED BYTE_ARRAY actor (UTF8);
            REQUIRED DOUBLE position;
            REQUIRED BYTE_ARRAY scale (UTF8);
        }",
    )
    .map_err(|e| e.to_string())?;
    let props =
        Arc::new(WriterProperties::builder().set_created_by(format!("demarche {}", env!("CARGO_PKG_VERSION"))).build());
    let mut buf = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut buf, Arc::new(schema), props).map_err(|e| e.to_string())?;
    let text =
        |f: fn(&crate::PositionRow) -> &str| -> Vec<ByteArray> { rows.iter().map(|r| ByteArray::from(f(r))).collect() };
    // The CSV layout's values: the issue's units, six digits of its range.
    let mut scales = Scales::new(sc);
    let (positions, scale_texts): (Vec<f64>, Vec<ByteArray>) = rows
        .iter()
        .map(|r| {
            let (text, range) = scales.of(&r.issue);
            (rounded(r.position, range).parse().unwrap_or(r.position), ByteArray::from(text.as_str()))
        })
        .unzip();
    let mut group = writer.next_row_group().map_err(|e| e.to_string())?;
    let mut index = 0;
    while let Some(mut col) = group.next_column().map_err(|e| e.to_string())? {
        let written = match index {
            0 => col.typed::<Int64Type>().write_batch(&rows.iter().map(|r| r.run_id).collect::<Vec<_>>(), None, None),
            1 => col.typed::<ByteArrayType>().write_batch(&text(|r| &r.engine), None, None),
            2 => col.typed::<ByteArrayType>().write_batch(&text(|r| &r.issue), None, None),
            3 => col.typed::<Int32Type>().write_batch(
                &rows.iter().map(|r| r.round as i32).collect::<Vec<_>>(),
                None,
                None,
            ),
            4 => col.typed::<ByteArrayType>().write_batch(&text(|r| &r.actor), None, None),
            5 => col.typed::<DoubleType>().write_batch(&positions, None, None),
            _ => col.typed::<ByteArrayType>().write_batch(&scale_texts, None, None),
        };
        written.map_err(|e| e.to_string())?;
        col.close().map_err(|e| e.to_string())?;
        index += 1;
    }
    group.close().map_err(|e| e.to_string())?;
    writer.close().map_err(|e| e.to_string())?;
    Ok(buf)
}

#[cfg(not(feature = "parquet"))]
fn parquet_positions(_: &demarche_scenario::Scenario, _: &[crate::PositionRow]) -> Result<Vec<u8>, String> {
    Err("this build of demarche has no Parquet support (built without the `parquet` feature); use csv or json".into())
}

/// Positions per round in the one layout `forecast --trajectory-out` and
/// `runs export --format csv` share: `[run_id,]model,issue,round,actor,
/// position,scale` — positions in the issue's own units (never KTAB's 0–100),
/// rounded to six significant digits of the issue's range (so no float noise
/// such as 3.6699999999999995), `scale` naming the range and unit.
pub fn positions_csv(
    w: impl Write,
    sc: &demarche_scenario::Scenario,
    rows: &[crate::PositionRow],
    with_run_id: bool,
) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec!["model", "issue", "round", "actor", "position", "scale"];
    if with_run_id {
        header.insert(0, "run_id");
    }
    out.write_record(&header)?;
    let mut scales = Scales::new(sc);
    for p in rows {
        let (text, range) = scales.of(&p.issue);
        let mut record = vec![
            p.engine.clone(),
            p.issue.clone(),
            p.round.to_string(),
            p.actor.clone(),
            rounded(p.position, range),
            text,
        ];
        if with_run_id {
            record.insert(0, p.run_id.to_string());
        }
        out.write_record(&record)?;
    }
    out.flush()?;
    Ok(())
}

/// Each issue's scale as the layout names it ("0–10 points") and its range,
/// looked up once per run of rows on the same issue.
struct Scales<'s> {
    scenario: &'s demarche_scenario::Scenario,
    last: Option<(String, (String, f64))>,
}

impl<'s> Scales<'s> {
    fn new(scenario: &'s demarche_scenario::Scenario) -> Self {
        Scales { scenario, last: None }
    }

    fn of(&mut self, issue: &str) -> (String, f64) {
        if self.last.as_ref().is_none_or(|(id, _)| id != issue) {
            let scale = match self.scenario.issues.iter().find(|i| i.id == issue) {
                Some(i) => {
                    let unit = i.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
                    (format!("{}–{}{unit}", i.min, i.max), i.max - i.min)
                }
                None => (String::new(), f64::NAN),
            };
            self.last = Some((issue.to_string(), scale));
        }
        self.last.as_ref().map(|(_, s)| s.clone()).unwrap_or_default()
    }
}

/// `x` to six significant digits of `range` (trailing zeros dropped).
pub fn rounded(x: f64, range: f64) -> String {
    demarche_scenario::model::to_digits_of(x, range, 6)
}

#[cfg(test)]
mod layout_tests {
    #[test]
    fn positions_round_to_their_scale_without_float_noise() {
        assert_eq!(super::rounded(3.6699999999999995, 90.0), "3.67");
        assert_eq!(super::rounded(1255.474115, 10000.0), "1255.47");
        assert_eq!(super::rounded(8.0, 10.0), "8");
        assert_eq!(super::rounded(-0.0000001, 100.0), "0");
    }
}
