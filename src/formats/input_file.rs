//! The one way a file the user hands in is read, whatever its format (map
//! JSON, BPMN, the steps CSV): regular files only, so a folder, a device such
//! as `/dev/zero` or a named pipe is refused at once instead of being read
//! forever or blocking; and a size limit checked before reading and enforced
//! while reading, so a file that grows (or lies about its size) cannot take
//! more memory than the limit.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Why a file could not be read. Each message starts with the file's name.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{name}: cannot read the file: {error}")]
    Io { name: String, error: std::io::Error },
    #[error("{name}: cannot read the file: not a regular file (it is {kind}); give a file saved on disk")]
    NotRegular { name: String, kind: &'static str },
    #[error("{name}: the file is {size} bytes, above the {} MB limit", limit / 1024 / 1024)]
    TooLarge { name: String, size: u64, limit: u64 },
    #[error("{name}: reading was cancelled")]
    Cancelled { name: String },
}

/// What a path is, in words, when it is not a regular file.
fn kind_of(metadata: &std::fs::Metadata) -> Option<&'static str> {
    let t = metadata.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a file")
}

/// How far a read has come, and a way to stop it: shared between the
/// thread that reads a file and the window that shows a progress bar.
#[derive(Clone, Debug, Default)]
pub struct Watch {
    /// Bytes read so far.
    pub read: Arc<AtomicU64>,
    /// The file's size, once it is open.
    pub size: Arc<AtomicU64>,
    /// Set to stop reading.
    pub cancel: Arc<AtomicBool>,
    /// How many times a file was opened under it (an event log may be
    /// read twice).
    pub readings: Arc<AtomicU64>,
}

impl Watch {
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// An open input file: a regular file whose size was within the limit when
/// it was opened, read through a cap one byte above that limit.
pub struct InputFile {
    name: String,
    reader: std::io::Take<File>,
    len: u64,
    limit: u64,
    read: Option<Arc<AtomicU64>>,
    cancel: Option<Arc<AtomicBool>>,
}

impl InputFile {
    /// Opens `path` for reading if it is a regular file of at most `limit`
    /// bytes. A named pipe is never opened for reading (which would block
    /// until some other program writes to it).
    pub fn open(path: &Path, limit: u64) -> Result<Self, FileError> {
        // A name with an escape code in it must not reach the terminal raw.
        let name = crate::domain::validate::escape_controls(&path.display().to_string()).into_owned();
        let io = |error| FileError::Io {
            name: name.clone(),
            error,
        };
        // `metadata` follows symbolic links, as opening does.
        let metadata = std::fs::metadata(path).map_err(io)?;
        if let Some(kind) = kind_of(&metadata) {
            return Err(FileError::NotRegular { name, kind });
        }
        let file = open_without_blocking(path).map_err(io)?;
        // The path may have been swapped for something else in between.
        let metadata = file.metadata().map_err(io)?;
        if let Some(kind) = kind_of(&metadata) {
            return Err(FileError::NotRegular { name, kind });
        }
        if metadata.len() > limit {
            return Err(FileError::TooLarge {
                name,
                size: metadata.len(),
                limit,
            });
        }
        Ok(Self {
            name,
            reader: file.take(limit + 1),
            len: metadata.len(),
            limit,
            read: None,
            cancel: None,
        })
    }

    /// The file's size when it was opened.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The file's name as messages show it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Reads under `watch`: its size set, the bytes read counted from 0
    /// (a file read a second time starts its progress again), and stopped
    /// when it is cancelled.
    pub fn watched_by(self, watch: &Watch) -> Self {
        watch.size.store(self.len, Ordering::Relaxed);
        watch.read.store(0, Ordering::Relaxed);
        watch.readings.fetch_add(1, Ordering::Relaxed);
        self.count_into(watch.read.clone()).cancel_on(watch.cancel.clone())
    }

    /// Counts the bytes read into `counter`, for a progress bar.
    pub fn count_into(mut self, counter: Arc<AtomicU64>) -> Self {
        self.read = Some(counter);
        self
    }

    /// Stops reading once `cancel` is set: [`InputFile::read_all`] at the
    /// next megabyte with [`FileError::Cancelled`], a stream at its next
    /// read with an error.
    pub fn cancel_on(mut self, cancel: Arc<AtomicBool>) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// Reads the whole file, refusing it once it passes the limit.
    pub fn read_all(mut self) -> Result<Vec<u8>, FileError> {
        let mut bytes = Vec::with_capacity(usize::try_from(self.len).unwrap_or(0));
        loop {
            if self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                return Err(FileError::Cancelled { name: self.name });
            }
            // Straight into the buffer, a megabyte at a time so a cancel is
            // seen soon and an oversized file stops at the limit.
            match self.by_ref().take(1 << 20).read_to_end(&mut bytes) {
                Ok(0) => break,
                Ok(_) => {}
                Err(error) => return Err(FileError::Io { name: self.name, error }),
            }
            if bytes.len() as u64 > self.limit {
                return Err(FileError::TooLarge {
                    name: self.name,
                    size: bytes.len() as u64,
                    limit: self.limit,
                });
            }
        }
        Ok(bytes)
    }
}

impl Read for InputFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(std::io::Error::other("reading was cancelled"));
        }
        let n = self.reader.read(buf)?;
        if let Some(counter) = &self.read {
            counter.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Reads a whole input file of at most `limit` bytes.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    InputFile::open(path, limit)?.read_all()
}

/// When `bytes` start with a UTF-16 or UTF-32 byte-order mark, says so
/// (`the file is UTF-16 text (it starts with the byte-order mark FF FE)`),
/// for a format read as UTF-8 to add what to do instead.
pub fn wide_text(bytes: &[u8]) -> Option<String> {
    // UTF-32 first: its little-endian mark starts like UTF-16's.
    let marks: [(&[u8], &str); 4] = [
        (b"\xFF\xFE\x00\x00", "UTF-32"),
        (b"\x00\x00\xFE\xFF", "UTF-32"),
        (b"\xFF\xFE", "UTF-16"),
        (b"\xFE\xFF", "UTF-16"),
    ];
    let (mark, name) = marks.into_iter().find(|(mark, _)| bytes.starts_with(mark))?;
    let mark: Vec<String> = mark.iter().map(|b| format!("{b:02X}")).collect();
    Some(format!(
        "the file is {name} text (it starts with the byte-order mark {})",
        mark.join(" ")
    ))
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Without O_NONBLOCK, opening a named pipe that replaced the file after
    // the check above would wait for a writer; on a regular file it changes
    // nothing.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_within_the_limit_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.csv");
        std::fs::write(&path, b"lane,step\n").unwrap();
        assert_eq!(read_input(&path, 10).unwrap(), b"lane,step\n");
        let error = read_input(&path, 9).unwrap_err();
        assert!(
            matches!(error, FileError::TooLarge { size: 10, limit: 9, .. }),
            "{error}"
        );
    }

    #[test]
    fn folders_devices_and_pipes_are_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let error = read_input(dir.path(), 100).unwrap_err();
        assert!(
            error.to_string().contains("not a regular file (it is a folder)"),
            "{error}"
        );
        #[cfg(unix)]
        {
            let error = read_input(Path::new("/dev/zero"), 100).unwrap_err();
            assert!(error.to_string().contains("(it is a device)"), "{error}");
            let fifo = dir.path().join("pipe");
            let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
            assert!(status.success());
            let error = read_input(&fifo, 100).unwrap_err();
            assert!(error.to_string().contains("(it is a named pipe)"), "{error}");
        }
    }

    #[test]
    fn the_bytes_read_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.bpmn");
        std::fs::write(&path, vec![b'x'; 3 << 20]).unwrap();
        let counter = Arc::new(AtomicU64::new(0));
        let file = InputFile::open(&path, 4 << 20).unwrap().count_into(counter.clone());
        assert_eq!(file.len(), 3 << 20);
        assert_eq!(file.read_all().unwrap().len(), 3 << 20);
        assert_eq!(counter.load(Ordering::Relaxed), 3 << 20);
    }
}
