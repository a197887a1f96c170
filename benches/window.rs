//! The real window under Xvfb (see `benches/window.sh`): cold start to the
//! first frame with a 20,000-step map, CPU use while idle, and resident
//! memory after 100 edits.
//!
//!     cargo bench --bench window

fn main() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/window.sh");
    let status = std::process::Command::new("bash")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_frictionmap"))
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => {
            eprintln!("window bench: {script} failed ({s})");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("window bench: cannot run bash: {e}");
            std::process::exit(1);
        }
    }
}
