//! A small tmpfs for tests of full and read-only disks.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A small tmpfs mounted for one test, unmounted when dropped. Mounting
/// needs root (CAP_SYS_ADMIN); elsewhere the tests that need it say so and
/// skip.
pub struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    pub fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(Self { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Remounts read-only or read-write. A read-only remount is refused
    /// while any process has a file on the disk open for writing, and a
    /// child that another test thread is starting holds copies of this
    /// process's descriptors until it execs; so a refusal is retried.
    pub fn remount(&self, mode: &str) {
        let mut last = String::new();
        for _ in 0..50 {
            let output = Command::new("mount")
                .args(["-o", &format!("remount,{mode}")])
                .arg(self.path())
                .output()
                .expect("mount");
            if output.status.success() {
                return;
            }
            last = String::from_utf8_lossy(&output.stderr).into_owned();
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("remount {mode}: {last}");
    }
}

impl SmallDisk {
    /// Fills the disk to the last byte with a file of its own, and returns
    /// that file's path.
    pub fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.path().join("filler.bin");
        let mut file = std::fs::File::create(&path).expect("filler");
        let chunk = vec![7u8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        let mut byte = [7u8; 1];
        while file.write_all(&byte).is_ok() {
            byte[0] = 7;
        }
        let _ = file.sync_all();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}
