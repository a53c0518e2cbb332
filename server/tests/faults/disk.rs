//! A full disk under SQLite: reports are either stored or answered 503, never acknowledged
//! without being stored; readiness says 503; once there is room again writes work without a
//! restart; and after a SIGKILL every acknowledged report is still there.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{
    client, count_found, is_root, report, serial, skip, timed_get, Outcome, Server, ServerOpts,
    Store,
};

/// A tmpfs mounted for one scenario, unmounted when dropped (also when the test fails).
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(path: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(path).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
        }
        Ok(Tmpfs {
            path: path.to_owned(),
        })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.path)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            // Something still holds it open: detach it now, it goes when that ends.
            let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        }
    }
}

/// Writes `path` until the file system is full; returns the bytes written.
fn fill(path: &Path) -> u64 {
    let mut f = std::fs::File::create(path).expect("filler");
    let mut written = 0;
    for chunk in [1 << 20, 4096, 1] {
        let buf = vec![0x5a_u8; chunk];
        while f.write_all(&buf).is_ok() {
            written += chunk as u64;
        }
    }
    let _ = f.sync_all();
    written
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn disk_full_then_room_again_sqlite() {
    let _one = serial().await;
    const TEST: &str = "disk_full_then_room_again_sqlite";
    if !is_root() {
        skip(TEST, "mounting a tmpfs needs root");
        return;
    }
    let outer = tempfile::tempdir().expect("tempdir");
    let data = outer.path().join("data");
    // Declared before the server, so the server is killed before the unmount.
    let _tmpfs = match Tmpfs::mount(&data, "20m") {
        Ok(t) => t,
        Err(e) => {
            skip(TEST, &format!("cannot mount a tmpfs: {e}"));
            return;
        }
    };
    let store = Store::sqlite(&data);
    let opts = ServerOpts::new(&data, store.url(None), "disk");
    let server = Server::start(&opts);
    let c = client();
    let mut acked = Vec::new();
    for _ in 0..5 {
        match report(&c, &server.base, None).await {
            Outcome::Acked(r) => acked.push(r),
            other => panic!("before the disk fills: {other:?}"),
        }
    }

    let filler = data.join("filler");
    let filled = fill(&filler);
    // Report until writes fail several times (the journal may still have room for a few).
    let (mut stored_while_full, mut refused, mut refused_page) = (0, 0, 0);
    for _ in 0..300 {
        match report(&c, &server.base, None).await {
            Outcome::Acked(r) => {
                acked.push(r);
                stored_while_full += 1;
            }
            Outcome::NotSaved(true) => refused += 1,
            Outcome::NotSaved(false) => refused_page += 1,
            other => panic!("with the disk full: {other:?}\n{}", server.logs_tail()),
        }
        if refused + refused_page >= 10 {
            break;
        }
    }
    assert!(
        refused > 0,
        "the disk was full: some write must have failed"
    );
    // Nothing acknowledged that is not stored, found while the disk is still full.
    assert_eq!(
        count_found(&server.base, &acked).await,
        acked.len(),
        "acknowledged while full means stored"
    );
    let (ready_full, ready_full_t) = timed_get(&c, &server.url("/readyz")).await;
    assert_eq!(ready_full, Some(503), "not ready while writes fail");

    std::fs::remove_file(&filler).expect("remove filler");
    let mut after = Vec::new();
    for _ in 0..5 {
        after.push(report(&c, &server.base, None).await);
    }
    let (ready_again, ready_again_t) = timed_get(&c, &server.url("/readyz")).await;
    println!(
        "disk full (SQLite, 20 MiB tmpfs, {filled} filler bytes): {stored_while_full} reports \
         stored while full, {refused} answered 503 with the form (\"举报没有保存\"), \
         {refused_page} with the error page; /readyz {ready_full:?} in {ready_full_t:?}; after \
         freeing room: {} of 5 stored, /readyz {ready_again:?} in {ready_again_t:?}",
        after
            .iter()
            .filter(|o| matches!(o, Outcome::Acked(_)))
            .count()
    );
    for o in after {
        match o {
            Outcome::Acked(r) => acked.push(r),
            other => panic!("with room again, without a restart: {other:?}"),
        }
    }
    assert_eq!(ready_again, Some(200), "ready again without a restart");

    server.kill9();
    let server = Server::start(&opts);
    let found = count_found(&server.base, &acked).await;
    println!(
        "disk full (SQLite): after kill -9 and restart {found} of {} acknowledged found",
        acked.len()
    );
    assert_eq!(found, acked.len(), "every acknowledged report survives");
    let (healthz, _) = timed_get(&c, &server.url("/healthz")).await;
    assert_eq!(healthz, Some(200));
}
