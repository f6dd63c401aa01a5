//! [`Sink`]: a DynamoDB JSON lines file being written, plain or gzip, under a `.partial` name
//! until it is finished: a file under its own name is always a whole export.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use dynomodel_client::Item;
use flate2::write::GzEncoder;
use flate2::Compression;

use crate::error::TransferError;
use crate::line::{write, WriteError};

const BUFFER: usize = 1 << 16;

enum Writer {
    Plain(BufWriter<File>),
    Gzip(GzEncoder<BufWriter<File>>),
}

impl Writer {
    fn out(&mut self) -> &mut dyn Write {
        match self {
            Self::Plain(out) => out,
            Self::Gzip(out) => out,
        }
    }

    fn finish(self) -> std::io::Result<()> {
        let mut out = match self {
            Self::Plain(out) => out,
            Self::Gzip(out) => out.finish()?,
        };
        out.flush()?;
        out.get_ref().sync_all()
    }
}

/// A file being written; [`Sink::finish`] gives it its name, and dropping it unfinished
/// removes what was written.
pub struct Sink {
    file: PathBuf,
    partial: PathBuf,
    writer: Option<Writer>,
    /// The lines of one write, made whole before they reach the writer: the compressor works
    /// on large blocks instead of serde's many small writes (three times faster in gzip).
    lines: Vec<u8>,
}

impl Sink {
    /// Start writing `file` (as `FILE.partial` until finished), gzip-compressed when `gzip`
    /// says so, or (None) when its name ends in `.gz`.
    ///
    /// # Errors
    /// [`TransferError::Io`] when the file cannot be created.
    pub fn create(file: &Path, gzip: Option<bool>) -> Result<Self, TransferError> {
        let mut partial = file.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let created = File::create(&partial).map_err(|source| TransferError::Io {
            file: file.to_owned(),
            source,
        })?;
        let out = BufWriter::with_capacity(BUFFER, created);
        let gzip = gzip.unwrap_or_else(|| file.extension().is_some_and(|e| e == "gz"));
        let writer = if gzip {
            // Fast compression: an export is bound by the disk and the table, not by size.
            Writer::Gzip(GzEncoder::new(out, Compression::fast()))
        } else {
            Writer::Plain(out)
        };
        Ok(Self {
            file: file.to_owned(),
            partial,
            writer: Some(writer),
            lines: Vec::new(),
        })
    }

    /// Write `items` of `table`, a line each.
    ///
    /// # Errors
    /// [`TransferError::Io`] when writing fails, [`TransferError::Unwritable`] for a value of a
    /// type this SDK does not know.
    pub fn write(&mut self, items: Vec<Item>, table: &str) -> Result<(), TransferError> {
        let Some(writer) = self.writer.as_mut() else {
            return Err(TransferError::Closed {
                file: self.file.clone(),
            });
        };
        let io = |source| TransferError::Io {
            file: self.file.clone(),
            source,
        };
        self.lines.clear();
        for item in items {
            write(&mut self.lines, item).map_err(|err| match err {
                WriteError::Unknown => TransferError::Unwritable {
                    table: table.to_owned(),
                },
                WriteError::Io(source) => io(source),
            })?;
        }
        writer.out().write_all(&self.lines).map_err(io)
    }

    /// Flush what is written and give the file its name (replacing a file of that name).
    ///
    /// # Errors
    /// [`TransferError::Io`] when flushing or renaming fails.
    pub fn finish(&mut self) -> Result<(), TransferError> {
        let Some(writer) = self.writer.take() else {
            return Err(TransferError::Closed {
                file: self.file.clone(),
            });
        };
        let io = |source| TransferError::Io {
            file: self.file.clone(),
            source,
        };
        writer.finish().map_err(io)?;
        std::fs::rename(&self.partial, &self.file).map_err(io)
    }

    /// Stop writing and remove what was written (nothing when it was finished).
    pub fn discard(&mut self) {
        if self.writer.take().is_some() {
            // A partial file that cannot be removed is harmless: it never has the export's name.
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.discard();
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use dynomodel_client::AttributeValue;

    use super::*;
    use crate::check::Schema;
    use crate::source::Source;

    fn items(n: usize) -> Vec<Item> {
        (0..n)
            .map(|i| HashMap::from([("pk".to_owned(), AttributeValue::S(i.to_string()))]))
            .collect()
    }

    #[test]
    fn a_file_has_its_name_only_when_finished() {
        let dir = std::env::temp_dir().join(format!("dynomodel-sink-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        for name in ["a.jsonl", "a.jsonl.gz"] {
            let path = dir.join(name);
            let mut sink = Sink::create(&path, None).expect("created");
            sink.write(items(10), "t").expect("written");
            assert!(!path.exists());
            sink.finish().expect("finished");
            let mut source = Source::open(&path, None, Schema::default()).expect("opened");
            assert_eq!(source.gzip(), name.ends_with(".gz"));
            assert_eq!(source.check(u64::MAX).expect("read").items, 10);
        }
        let path = dir.join("dropped.jsonl");
        let mut sink = Sink::create(&path, None).expect("created");
        sink.write(items(3), "t").expect("written");
        drop(sink);
        assert!(!path.exists() && !dir.join("dropped.jsonl.partial").exists());
    }
}
