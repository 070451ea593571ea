//! Exporting a run: positions as CSV or Parquet, the whole record as JSON.

use std::io::Write;

use crate::store::{Store, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Per-round positions: `run_id,engine,issue,round,actor,position`.
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
                let mut w = csv::Writer::from_writer(out);
                w.write_record(["run_id", "engine", "issue", "round", "actor", "position"])
                    .map_err(|e| io(e.to_string()))?;
                for p in self.positions(id)? {
                    w.serialize((p.run_id, &p.engine, &p.issue, p.round, &p.actor, p.position))
                        .map_err(|e| io(e.to_string()))?;
                }
                w.flush().map_err(|e| io(e.to_string()))?;
            }
            ExportFormat::Parquet => {
                self.tabular(id)?;
                let bytes = parquet_positions(&self.positions(id)?).map_err(io)?;
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
fn parquet_positions(rows: &[crate::PositionRow]) -> Result<Vec<u8>, String> {
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;

    let schema = parse_message_type(
        "message positions {
            REQUIRED INT64 run_id;
            REQUIRED BYTE_ARRAY engine (UTF8);
            REQUIRED BYTE_ARRAY issue (UTF8);
            REQUIRED INT32 round;
            REQUIRED BYTE_ARRAY actor (UTF8);
            REQUIRED DOUBLE position;
        }",
    )
    .map_err(|e| e.to_string())?;
    let props =
        Arc::new(WriterProperties::builder().set_created_by(format!("demarche {}", env!("CARGO_PKG_VERSION"))).build());
    let mut buf = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut buf, Arc::new(schema), props).map_err(|e| e.to_string())?;
    let text =
        |f: fn(&crate::PositionRow) -> &str| -> Vec<ByteArray> { rows.iter().map(|r| ByteArray::from(f(r))).collect() };
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
            _ => {
                col.typed::<DoubleType>().write_batch(&rows.iter().map(|r| r.position).collect::<Vec<_>>(), None, None)
            }
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
fn parquet_positions(_: &[crate::PositionRow]) -> Result<Vec<u8>, String> {
    Err("this build of demarche has no Parquet support (built without the `parquet` feature); use csv or json".into())
}
