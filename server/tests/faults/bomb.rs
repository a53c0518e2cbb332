//! A zip bomb posted to the XLSX import: a workbook of about a megabyte whose shared strings
//! inflate to a gibibyte is refused with 4xx, and the server's peak memory stays under 300 MB;
//! the same server then still imports a real 100,000-row list.

use std::time::{Duration, Instant};

use flate2::{Compress, Compression, FlushCompress, Status};

use crate::browser::BrowserExt;
use crate::harness::{browser, serial, timed_get, Server, ServerOpts, Store};

const MIB: usize = 1 << 20;
/// Whole chunks of shared-string text: 1,024 × 1 MiB = 1 GiB.
const CHUNKS: usize = 1024;

/// Raw deflate of `data` from a fresh compressor: with a full flush it ends byte-aligned and
/// refers to nothing before it, so copies of it can be concatenated; `last` ends the stream.
fn deflate_segment(data: &[u8], last: bool) -> Vec<u8> {
    let mut c = Compress::new(Compression::best(), false);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Full
    };
    let mut out = Vec::with_capacity(64 * 1024);
    loop {
        if out.capacity() - out.len() < 16 * 1024 {
            out.reserve(64 * 1024);
        }
        let consumed = c.total_in() as usize;
        let status = c
            .compress_vec(&data[consumed..], &mut out, flush)
            .expect("deflate");
        let all_in = c.total_in() as usize == data.len();
        match status {
            Status::StreamEnd => return out,
            // The flush is complete when it left room in the buffer.
            _ if all_in && !last && out.len() < out.capacity() => return out,
            _ => {}
        }
    }
}

struct Entry {
    name: &'static str,
    /// 0 stored, 8 deflated.
    method: u16,
    crc: u32,
    packed: Vec<u8>,
    /// The uncompressed size the headers declare.
    declared: u32,
}

impl Entry {
    fn stored(name: &'static str, body: &str) -> Entry {
        Entry {
            name,
            method: 0,
            crc: crc32fast::hash(body.as_bytes()),
            packed: body.as_bytes().to_vec(),
            declared: body.len() as u32,
        }
    }
}

fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes()); // version needed
            v.extend_from_slice(&0u16.to_le_bytes()); // flags
            v.extend_from_slice(&e.method.to_le_bytes());
            v.extend_from_slice(&[0, 0, 0x21, 0]); // time, date (1980-01-01)
            v.extend_from_slice(&e.crc.to_le_bytes());
            v.extend_from_slice(&(e.packed.len() as u32).to_le_bytes());
            v.extend_from_slice(&e.declared.to_le_bytes());
            v.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra length
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&e.packed);
        central.extend_from_slice(b"PK\x01\x02\x14\x00");
        common(&mut central);
        central.extend_from_slice(&[0; 10]); // comment length, disk, attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(e.name.as_bytes());
    }
    let central_at = out.len() as u32;
    let n = entries.len() as u16;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_at.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// A workbook calamine would read, whose one shared string is 1 GiB of "A". `honest`: the
/// headers say so; otherwise they claim 3 MB.
fn bomb(honest: bool) -> (Vec<u8>, u64) {
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"1\"><si><t>";
    let tail = "</t></si></sst>";
    let chunk = vec![b'A'; MIB];
    let chunk_packed = deflate_segment(&chunk, false);
    let mut packed = deflate_segment(head.as_bytes(), false);
    for _ in 0..CHUNKS {
        packed.extend_from_slice(&chunk_packed);
    }
    packed.extend_from_slice(&deflate_segment(tail.as_bytes(), true));
    let mut crc = crc32fast::Hasher::new();
    crc.update(head.as_bytes());
    let mut chunk_crc = crc32fast::Hasher::new();
    chunk_crc.update(&chunk);
    for _ in 0..CHUNKS {
        crc.combine(&chunk_crc);
    }
    crc.update(tail.as_bytes());
    let inflated = (head.len() + CHUNKS * MIB + tail.len()) as u64;
    let strings = Entry {
        name: "xl/sharedStrings.xml",
        method: 8,
        crc: crc.finalize(),
        packed,
        declared: if honest {
            u32::try_from(inflated).expect("under 4 GiB")
        } else {
            3_000_000
        },
    };
    let entries = [
        Entry::stored("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"),
        Entry::stored("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
        Entry::stored("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"名单\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
        Entry::stored("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"),
        Entry::stored("xl/worksheets/sheet1.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>"),
        strings,
    ];
    (zip(&entries), inflated)
}

fn hidden_field(html: &str, name: &str) -> Option<String> {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker)? + marker.len();
    html.get(start..start + 64).map(str::to_owned)
}

/// Signs in as a township officer and creates a draft list; returns (client, csrf, list id).
async fn officer_with_draft(server: &Server, store: &Store) -> (reqwest::Client, String, i64) {
    let c = browser();
    let base = &server.base;
    let page = c
        .get(server.url("/staff/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("body");
    let res = c
        .browser_post(server.url("/staff/login"))
        .header("origin", base)
        .form(&[
            ("csrf", hidden_field(&page, "csrf").expect("csrf").as_str()),
            ("username", "demo.longtoushan"),
            ("password", app::demo::DEMO_PASSWORD),
            ("next", "/staff"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status().as_u16(), 303, "signed in");
    let dashboard = c
        .get(server.url("/staff"))
        .send()
        .await
        .expect("dashboard")
        .text()
        .await
        .expect("body");
    let csrf = hidden_field(&dashboard, "csrf").expect("csrf");
    let db = store.connect().await;
    let village: i64 =
        app::db::regions::by_code(&db, app::db::regions::Level::Village, "530621103201")
            .await
            .expect("village")
            .expect("village")
            .id;
    db.pool.close().await;
    let res = c
        .browser_post(server.url("/staff/publicity"))
        .header("origin", base)
        .form(&[
            ("csrf", csrf.as_str()),
            ("village", &village.to_string()),
            ("kind", "standing"),
            ("opens_on", &app::db::today_cst().to_string()),
            ("days", "7"),
        ])
        .send()
        .await
        .expect("create list");
    assert_eq!(res.status().as_u16(), 303, "draft list created");
    let id = res.headers()["location"]
        .to_str()
        .ok()
        .and_then(|l| l.rsplit('/').next())
        .and_then(|id| id.parse().ok())
        .expect("list id");
    (c, csrf, id)
}

async fn upload(
    c: &reqwest::Client,
    server: &Server,
    csrf: &str,
    list: i64,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, String, Duration) {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    let t = Instant::now();
    let res = c
        .browser_post(server.url(&format!("/staff/publicity/{list}/import")))
        .header("origin", &server.base)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = res.status().as_u16();
    let body = res.text().await.expect("body");
    (status, body, t.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn zip_bomb_import_is_refused_within_300_mb() {
    let _one = serial().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::sqlite(dir.path());
    let server = Server::start(&ServerOpts::new(dir.path(), store.url(None), "bomb"));
    let (c, csrf, list) = officer_with_draft(&server, &store).await;
    let start_rss = server.rss_kib();
    // 300 MB (10^6 bytes), in the KiB that /proc reports.
    const LIMIT_KIB: u64 = 300_000_000 / 1024;
    for honest in [true, false] {
        let (bytes, inflated) = bomb(honest);
        let wire = bytes.len();
        let (status, body, took) = upload(&c, &server, &csrf, list, "名单.xlsx", bytes).await;
        let peak = server.peak_rss_kib();
        println!(
            "zip bomb ({} sizes): {wire} bytes on the wire, {inflated} inflated → {status} in \
             {took:.2?}; server RSS {start_rss} KiB before, peak {peak} KiB",
            if honest { "honest" } else { "lying" }
        );
        assert!(status == 422 || status == 413, "refused with 4xx: {status}");
        assert!(
            body.contains("文件解压后的内容太多"),
            "a clear message: {}",
            &body[..body.len().min(2000)]
        );
        assert!(peak < LIMIT_KIB, "peak RSS {peak} KiB");
    }
    assert_eq!(timed_get(&c, &server.url("/healthz")).await.0, Some(200));

    // The control: a real 100,000-row list, as `sunshine bench xlsx` writes it, still imports.
    let list_path = dir.path().join("list.xlsx");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sunshine"))
        .args(["bench", "--data-dir"])
        .arg(dir.path().join("bench"))
        .args(["xlsx", "--rows", "100000", "--out"])
        .arg(&list_path)
        .output()
        .expect("bench xlsx");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&list_path).expect("list");
    let wire = bytes.len();
    let (status, body, took) = upload(&c, &server, &csrf, list, "名单.xlsx", bytes).await;
    let peak = server.peak_rss_kib();
    println!("100,000-row list: {wire} bytes → {status} in {took:.2?}; peak RSS {peak} KiB");
    assert_eq!(status, 200, "{}", &body[..body.len().min(2000)]);
    assert!(
        hidden_field(&body, "token").is_some(),
        "a preview to confirm"
    );
    assert!(peak < LIMIT_KIB, "peak RSS {peak} KiB");
}
