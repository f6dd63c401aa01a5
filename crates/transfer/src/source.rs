//! [`Source`]: a DynamoDB JSON lines file read a line at a time, plain or gzip, each line
//! parsed and checked; what it holds is handed on in bounded chunks, never whole.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use dynomodel_client::Item;
use flate2::bufread::MultiGzDecoder;

use crate::check::{check, Broken, Schema};
use crate::error::{BadLine, Rule, TransferError};
use crate::line::parse;

/// The longest line read: a 400 KB item written as JSON (base64, escapes) stays well within.
pub const MAX_LINE: usize = 4 << 20;
const BUFFER: usize = 1 << 16;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// What identifies the file's contents between two reads of it: its length and modification
/// time (for gzip, those of the compressed file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

/// How many lines a check read and how many items they held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checked {
    /// Lines read, blank ones included.
    pub lines: u64,
    /// Items among them.
    pub items: u64,
    /// Whether the file ended.
    pub done: bool,
}

/// The items of the next lines, and where they end.
#[derive(Debug, Clone, Default)]
pub struct Chunk {
    /// The items, in file order.
    pub items: Vec<Item>,
    /// The number of the last line read.
    pub last_line: u64,
    /// Whether the file ended.
    pub done: bool,
}

/// A DynamoDB JSON lines file being read, with the table schema its items are checked against.
pub struct Source {
    file: PathBuf,
    gzip: bool,
    schema: Schema,
    stamp: Stamp,
    reader: Box<dyn BufRead + Send>,
    line: u64,
    ended: bool,
    buffer: Vec<u8>,
}

impl Source {
    /// Open `file`, gzip-compressed when `gzip` says so, or (None) when it starts as gzip does.
    ///
    /// # Errors
    /// [`TransferError::Missing`] or [`TransferError::Io`] when it cannot be opened.
    pub fn open(file: &Path, gzip: Option<bool>, schema: Schema) -> Result<Self, TransferError> {
        let io = |source| TransferError::Io {
            file: file.to_owned(),
            source,
        };
        let opened = File::open(file).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => TransferError::Missing {
                file: file.to_owned(),
            },
            _ => io(source),
        })?;
        let metadata = opened.metadata().map_err(io)?;
        let stamp = Stamp {
            len: metadata.len(),
            modified: metadata.modified().ok(),
        };
        let mut buffered = BufReader::with_capacity(BUFFER, opened);
        let gzip = match gzip {
            Some(gzip) => gzip,
            None => buffered.fill_buf().map_err(io)?.starts_with(&GZIP_MAGIC),
        };
        let reader: Box<dyn BufRead + Send> = if gzip {
            Box::new(BufReader::with_capacity(
                BUFFER,
                MultiGzDecoder::new(buffered),
            ))
        } else {
            Box::new(buffered)
        };
        Ok(Self {
            file: file.to_owned(),
            gzip,
            schema,
            stamp,
            reader,
            line: 0,
            ended: false,
            buffer: Vec::new(),
        })
    }

    /// The file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Whether it is read as gzip.
    pub fn gzip(&self) -> bool {
        self.gzip
    }

    /// The table schema the items are checked against.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The number of the last line read (0 before the first).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Read again from the top, past the first `skip` lines, which are not parsed.
    ///
    /// # Errors
    /// [`TransferError::Changed`] when the file is not the one first opened (another length or
    /// modification time); a read error.
    pub fn rewind(&mut self, skip: u64) -> Result<(), TransferError> {
        let again = Self::open(&self.file, Some(self.gzip), self.schema.clone())?;
        if again.stamp != self.stamp {
            return Err(TransferError::Changed {
                file: self.file.clone(),
            });
        }
        *self = again;
        while self.line < skip && self.next_line()? {}
        Ok(())
    }

    /// Parse and check up to `max_lines` lines, keeping nothing.
    ///
    /// # Errors
    /// [`TransferError::Line`] for the first line that breaks a rule; a read error. In gzip,
    /// a bad line may be what damaged data decompressed into, which only the checksum at the
    /// end tells: the rest is read first, and [`TransferError::Corrupt`] wins.
    pub fn check(&mut self, max_lines: u64) -> Result<Checked, TransferError> {
        let mut checked = Checked::default();
        while checked.lines < max_lines && self.next_line()? {
            checked.lines += 1;
            match self.item() {
                Ok(Some(_)) => checked.items += 1,
                Ok(None) => {}
                Err(bad) if self.gzip => return Err(self.drained().err().unwrap_or(bad)),
                Err(bad) => return Err(bad),
            }
        }
        checked.done = self.ended;
        Ok(checked)
    }

    /// Read to the end of the data, keeping nothing: whether it decompresses whole.
    fn drained(&mut self) -> Result<(), TransferError> {
        loop {
            let length = match self.reader.fill_buf() {
                Ok(available) => available.len(),
                Err(source) => return Err(self.read_error(source)),
            };
            if length == 0 {
                self.ended = true;
                return Ok(());
            }
            self.reader.consume(length);
        }
    }

    /// The items of the next lines: at most `max_items`, and no more once `max_bytes` of
    /// lines are read.
    ///
    /// # Errors
    /// As [`Source::check`].
    pub fn chunk(&mut self, max_items: usize, max_bytes: usize) -> Result<Chunk, TransferError> {
        let (mut items, mut bytes) = (Vec::new(), 0);
        while items.len() < max_items && bytes < max_bytes && self.next_line()? {
            bytes += self.buffer.len();
            if let Some(item) = self.item()? {
                items.push(item);
            }
        }
        Ok(Chunk {
            items,
            last_line: self.line,
            done: self.ended,
        })
    }

    /// The item of the line in the buffer, checked; None for a blank line.
    fn item(&self) -> Result<Option<Item>, TransferError> {
        if self.buffer.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let item = parse(&self.buffer).map_err(|broken| self.bad(broken))?;
        check(&item, &self.schema).map_err(|broken| self.bad(broken))?;
        Ok(Some(item))
    }

    fn bad(&self, broken: Broken) -> TransferError {
        TransferError::Line {
            file: self.file.clone(),
            bad: BadLine {
                line: self.line,
                attribute: broken.path(),
                rule: broken.rule,
            },
        }
    }

    /// Read the next line into the buffer, without its line break; false at the end.
    fn next_line(&mut self) -> Result<bool, TransferError> {
        self.buffer.clear();
        if self.ended {
            return Ok(false);
        }
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(source) => return Err(self.read_error(source)),
            };
            if available.is_empty() {
                self.ended = true;
                if self.buffer.is_empty() {
                    return Ok(false);
                }
                break;
            }
            let (taken, complete) = match available.iter().position(|&b| b == b'\n') {
                Some(at) => (at + 1, true),
                None => (available.len(), false),
            };
            self.buffer.extend_from_slice(&available[..taken]);
            self.reader.consume(taken);
            if complete {
                break;
            }
            if self.buffer.len() > MAX_LINE {
                self.line += 1;
                return Err(self.bad(Broken::new_at(Rule::LineTooLong { limit: MAX_LINE }, None)));
            }
        }
        self.line += 1;
        while self
            .buffer
            .last()
            .is_some_and(|&b| b == b'\n' || b == b'\r')
        {
            self.buffer.pop();
        }
        if self.buffer.len() > MAX_LINE {
            return Err(self.bad(Broken::new_at(Rule::LineTooLong { limit: MAX_LINE }, None)));
        }
        Ok(true)
    }

    fn read_error(&self, source: std::io::Error) -> TransferError {
        let file = self.file.clone();
        if self.gzip {
            TransferError::Corrupt { file, source }
        } else {
            TransferError::Io { file, source }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use dynomodel_client::{KeyAttribute, KeyType};
    use flate2::write::GzEncoder;
    use flate2::Compression;

    use super::*;

    fn schema() -> Schema {
        Schema {
            keys: vec![KeyAttribute {
                name: "pk".into(),
                key_type: KeyType::S,
            }],
            index_keys: vec![],
        }
    }

    fn lines(n: usize) -> String {
        (0..n)
            .map(|i| format!("{{\"Item\":{{\"pk\":{{\"S\":\"{i}\"}}}}}}\n"))
            .collect()
    }

    fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("written");
        path
    }

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("dynomodel-source-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir
    }

    #[test]
    fn chunks_are_bounded_and_count_lines() {
        let dir = temp("chunks");
        let text = format!("{}\n\r\n{}", lines(3), lines(2).trim_end());
        let path = file(&dir, "a.jsonl", text.as_bytes());
        let mut source = Source::open(&path, None, schema()).expect("opened");
        let first = source.chunk(2, usize::MAX).expect("read");
        assert_eq!(
            (first.items.len(), first.last_line, first.done),
            (2, 2, false)
        );
        let rest = source.chunk(10, usize::MAX).expect("read");
        assert_eq!((rest.items.len(), rest.last_line, rest.done), (3, 7, true));
        source.rewind(5).expect("rewound");
        let checked = source.check(100).expect("checked");
        assert_eq!(
            checked,
            Checked {
                lines: 2,
                items: 2,
                done: true
            }
        );
    }

    #[test]
    fn gzip_is_found_by_its_magic_and_corruption_reported() {
        let dir = temp("gzip");
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(lines(50).as_bytes()).expect("compressed");
        let bytes = encoder.finish().expect("finished");
        let path = file(&dir, "a.data", &bytes);
        let mut source = Source::open(&path, None, schema()).expect("opened");
        assert!(source.gzip());
        assert_eq!(source.check(u64::MAX).expect("checked").items, 50);

        let cut = file(&dir, "cut.gz", &bytes[..bytes.len() / 2]);
        let mut source = Source::open(&cut, None, schema()).expect("opened");
        let err = source.check(u64::MAX).expect_err("cut short");
        assert!(matches!(err, TransferError::Corrupt { .. }), "{err}");
    }

    #[test]
    fn a_bad_line_is_reported_by_number_and_a_changed_file_refused() {
        let dir = temp("bad");
        let text = format!(
            "{}{{\"Item\":{{\"other\":{{\"S\":\"secret\"}}}}}}\n",
            lines(2)
        );
        let path = file(&dir, "bad.jsonl", text.as_bytes());
        let mut source = Source::open(&path, None, schema()).expect("opened");
        let err = source.check(u64::MAX).expect_err("line 3 has no key");
        let message = err.to_string();
        assert!(
            message.ends_with("line 3: the item has no value for the key attribute 'pk'"),
            "{message}"
        );
        assert!(!message.contains("secret"));

        std::fs::write(&path, lines(9)).expect("rewritten");
        assert!(matches!(
            source.rewind(0),
            Err(TransferError::Changed { .. })
        ));
        let missing = Source::open(&dir.join("none.jsonl"), None, schema());
        assert!(matches!(missing, Err(TransferError::Missing { .. })));
    }

    #[test]
    fn endless_lines_stop_at_the_limit() {
        let dir = temp("long");
        let path = file(&dir, "long.jsonl", &vec![b'x'; MAX_LINE + 10]);
        let mut source = Source::open(&path, Some(false), schema()).expect("opened");
        let err = source.check(1).expect_err("too long");
        assert!(err.to_string().contains("line 1: longer than"), "{err}");
    }
}
