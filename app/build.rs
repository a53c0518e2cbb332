//! Fingerprints the sources that go into the WASM islands bundle, so the server can tell whether
//! a bundle on disk was built from the same code as itself (`bundle::Bundle::load`). FNV-1a, not
//! std's hasher: the two halves may be built by different compilers (rustup's and Debian's).

use std::path::{Path, PathBuf};

const INPUTS: &[&str] = &[
    "Cargo.toml",
    "src/lib.rs",
    "src/i18n.rs",
    "src/islands",
    "src/domain/mod.rs",
    "src/domain/draw.rs",
];

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else if path.is_file() {
        out.push(path.to_owned());
    }
}

fn main() {
    let mut paths = Vec::new();
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
        files(Path::new(input), &mut paths);
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in paths {
        let name = path.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(&path).unwrap_or_default();
        for b in name
            .as_bytes()
            .iter()
            .chain([0u8].iter())
            .chain(bytes.iter())
        {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=SUNSHINE_ISLANDS_BUILD={hash:016x}");
}
