//! `sunshine draw verify FILE.json` against the published vectors of docs/draws.md and tampered
//! copies of them: exit 0 and "✓" only for a file whose result is the only result of its inputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

fn vector(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/draws")
        .join(name)
}

fn verify(path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sunshine"))
        .args(["draw", "verify"])
        .arg(path)
        .env("RUST_LOG", "error")
        .output()
        .expect("run sunshine")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn tampered(dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut file: Value =
        serde_json::from_str(&std::fs::read_to_string(vector(name)).expect("vector"))
            .expect("json");
    edit(&mut file);
    // Each tampered copy gets its own file: the cases are built before any is verified.
    static COPIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("tampered-{n}-{name}"));
    std::fs::write(&path, file.to_string()).expect("write");
    path
}

#[test]
fn published_vectors_verify() {
    for name in [
        "panel-basic.json",
        "panel-recusal.json",
        "spot-basic.json",
        "spot-rate.json",
    ] {
        let out = verify(&vector(name));
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        assert!(stdout.starts_with("✓ draw "), "{name}: {stdout}");
        assert!(
            stdout.contains("the published result is the only result of its inputs"),
            "{stdout}"
        );
        let file: Value =
            serde_json::from_str(&std::fs::read_to_string(vector(name)).expect("read"))
                .expect("json");
        let seed = file["seed"].as_str().expect("seed");
        assert!(stdout.contains(&format!("seed: {seed}")), "{stdout}");
    }
}

#[test]
fn an_announcement_verifies_before_the_draw() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = tampered(dir.path(), "panel-basic.json", |f| {
        let f = f.as_object_mut().expect("object");
        for k in ["randomness", "seed", "selected"] {
            f.remove(k);
        }
    });
    let out = verify(&path);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("✓ announcement D2026-0001"));
}

#[test]
fn a_tampered_file_fails_and_says_where() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: Vec<(&str, PathBuf, &str)> = vec![
        (
            "two selected swapped",
            tampered(dir.path(), "panel-basic.json", |f| {
                let sel = f["selected"].as_array_mut().expect("list");
                sel.swap(4, 5);
            }),
            "selected[4]: the file says",
        ),
        (
            "a household left out of the sample",
            tampered(dir.path(), "spot-basic.json", |f| {
                f["selected"].as_array_mut().expect("list").pop();
            }),
            "selected[8]: the file says nothing (the list ends)",
        ),
        (
            "a near-relative flag removed after announcement",
            tampered(dir.path(), "spot-basic.json", |f| {
                for e in f["spot_check"]["entries"].as_array_mut().expect("list") {
                    e["near_relative"] = json!(false);
                }
            }),
            "pool_hash: the file says",
        ),
        (
            "other randomness",
            tampered(dir.path(), "spot-rate.json", |f| {
                f["randomness"] = json!("909")
            }),
            "seed: the file says",
        ),
        (
            "an impossible panel",
            tampered(dir.path(), "panel-basic.json", |f| {
                f["panel"]["min_cadres"] = json!(1)
            }),
            "refused at announcement",
        ),
        (
            "an unknown field",
            tampered(dir.path(), "panel-basic.json", |f| {
                f["verified"] = json!(true)
            }),
            "not a draw file",
        ),
    ];
    for (name, path, want) in cases {
        let out = verify(&path);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with("✗ "), "{name}: {stderr}");
        assert!(stderr.contains(want), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}");
    }
}

#[test]
fn a_missing_file_is_not_verified() {
    let out = verify(Path::new("/nonexistent/draw.json"));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read"));
}
