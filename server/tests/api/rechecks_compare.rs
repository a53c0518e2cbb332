//! Data comparison files through the real server: an upload is checked and matched against the
//! uploader's current recipients and staged for preview, with no lead made; confirming makes
//! exactly one lead per matched household and an audit entry with the file's SHA-256, once;
//! malformed rows are listed with their reasons; bad files are refused whole with nothing
//! staged; a township officer's file never matches another township's recipients.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::both_backends;
use crate::helpers::{spawn_app, token_in, Backend, BrowserExt, StaffSession, TestApp};

both_backends!(
    a_preview_makes_nothing_and_confirming_makes_the_leads_once,
    malformed_rows_are_listed_with_their_reasons,
    bad_files_are_refused_and_nothing_is_staged,
    a_township_officer_matches_only_their_own_township,
    files_read_at_once_are_bounded,
);

const LONGTOUSHAN: &str = "530621103000";
const SHUIMO: &str = "530621102000";
const HEADER: &str = "身份证号,来源,发现\n";

/// A current recipient of a township whose ID number names no other household.
#[derive(Debug, Clone)]
struct Recipient {
    household_id: i64,
    id_number: String,
    head_name: String,
}

async fn township(t: &TestApp, code: &str) -> i64 {
    app::db::regions::by_code(&t.db, app::db::regions::Level::Township, code)
        .await
        .expect("q")
        .expect("township")
        .id
}

async fn recipients(t: &TestApp, code: &str, n: usize) -> Vec<Recipient> {
    let tid = township(t, code).await;
    let mut out = Vec::new();
    for r in app::db::rechecks::recipients(&t.db, &app::domain::Scope::Township(tid), None)
        .await
        .expect("recipients")
    {
        let row = sqlx::query(
            "SELECT h.id_number,
                (SELECT COUNT(*) FROM households o WHERE o.id_number = h.id_number),
                (SELECT COUNT(*) FROM case_members m JOIN cases c ON c.id = m.case_id
                  WHERE m.id_number = h.id_number AND c.household_id <> h.id)
             FROM households h WHERE h.id = $1",
        )
        .bind(r.household_id)
        .fetch_one(&t.db.pool)
        .await
        .expect("household");
        let id_number: Option<String> = row.get(0);
        let (heads, others): (i64, i64) = (row.get(1), row.get(2));
        if let (Some(id_number), 1, 0) = (id_number, heads, others) {
            out.push(Recipient {
                household_id: r.household_id,
                id_number,
                head_name: r.head_name.clone(),
            });
        }
        if out.len() == n {
            break;
        }
    }
    assert_eq!(out.len(), n, "the demo township has {n} recipients");
    out
}

/// A valid ID number that no demo household has (the demo's all start 530621).
fn stranger(n: u32) -> String {
    let body = format!("110105194912{:02}{:03}", 10 + n / 1000 % 18, n % 1000);
    let check = app::domain::id_number::check_char(body.as_bytes()).expect("17 digits");
    format!("{body}{}", check as char)
}

/// A multipart upload as a browser sends it: the form's token first, the file name as UTF-8.
async fn upload(s: &StaffSession, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    s.post_file("/staff/rechecks/compare", name, bytes).await
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

/// Uploads and follows the redirect: (import id, preview page).
async fn staged(s: &StaffSession, name: &str, csv: &str) -> (i64, String) {
    let res = upload(s, name, csv.as_bytes().to_vec()).await;
    let status = res.status().as_u16();
    if status != 303 {
        panic!(
            "upload refused ({status}): {}",
            res.text().await.unwrap_or_default()
        );
    }
    let to = location(&res);
    let id = to
        .strip_prefix("/staff/rechecks/compare/")
        .and_then(|i| i.parse().ok())
        .unwrap_or_else(|| panic!("redirected to {to}"));
    let (status, page) = s.get_text(&to).await;
    assert_eq!(status, 200);
    (id, page)
}

/// The value shown in the counts box for `id` ("rows-total" …).
fn count_of(page: &str, id: &str) -> i64 {
    let marker = format!(r#"id="{id}">"#);
    let start = page.find(&marker).unwrap_or_else(|| panic!("{id} shown")) + marker.len();
    page[start..]
        .split('<')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{id} is a number"))
}

async fn scalar(t: &TestApp, sql: &'static str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&t.db.pool)
        .await
        .expect("query")
        .get(0)
}

async fn comparison_leads(t: &TestApp) -> Vec<(i64, String, Option<i64>)> {
    sqlx::query(
        "SELECT household_id, lead, comparison_id FROM rechecks
         WHERE source = 'comparison' AND comparison_id IS NOT NULL ORDER BY household_id",
    )
    .fetch_all(&t.db.pool)
    .await
    .expect("leads")
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect()
}

async fn a_preview_makes_nothing_and_confirming_makes_the_leads_once(backend: Backend) {
    let t = spawn_app(backend).await;
    let officer = t.staff_session("demo.longtoushan").await;
    let r = recipients(&t, LONGTOUSHAN, 3).await;
    let leads_before = scalar(&t, "SELECT COUNT(*) FROM rechecks").await;
    // Rows 2–7: three recipients (the first twice, from two departments; the second through a
    // lower-case x or spaces as pasted), someone who is no recipient, a malformed number.
    let csv = format!(
        "{HEADER}{a},不动产,名下有商品房一套\n{b},车辆,小型轿车1辆\n{s},工商,个体工商户\n\
         {a},车辆,货车1辆\n 12345 ,社保,领取养老金\n{c},殡葬,已火化\n",
        a = r[0].id_number,
        b = r[1].id_number.to_lowercase(),
        c = r[2].id_number,
        s = stranger(1),
    );
    let sha256 = hex::encode(Sha256::digest(csv.as_bytes()));
    let (id, page) = staged(&officer, "不动产车辆比对.csv", &csv).await;
    // The preview: counts, the matched recipients by full name, the file's fingerprint.
    assert_eq!(count_of(&page, "rows-total"), 6);
    assert_eq!(count_of(&page, "rows-matched"), 4);
    assert_eq!(count_of(&page, "households"), 3);
    assert_eq!(count_of(&page, "rows-unmatched"), 1);
    assert_eq!(count_of(&page, "rows-malformed"), 1);
    for rec in &r {
        assert!(page.contains(&rec.head_name), "{} listed", rec.head_name);
    }
    assert!(page.contains(&sha256));
    assert!(page.contains("名下有商品房一套") && page.contains("已火化"));
    assert!(
        page.contains("第6行：身份证号不正确"),
        "malformed row listed"
    );
    // The confirm form comes after the preview.
    let form_at = page.find("/confirm\"").expect("confirm form");
    assert!(page.find(r#"id="matches""#).expect("matches table") < form_at);
    // Nothing anyone else sees has been made.
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM rechecks").await,
        leads_before
    );
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM comparison_matches").await,
        4
    );
    let (_, household) = officer
        .get_text(&format!("/staff/rechecks/household/{}", r[0].household_id))
        .await;
    assert!(
        !household.contains("名下有商品房一套"),
        "no lead before confirming"
    );

    // A wrong token changes nothing; someone else cannot confirm.
    let path = format!("/staff/rechecks/compare/{id}/confirm");
    let res = officer
        .post_form(&path, &[("token", &"0".repeat(64))])
        .await;
    assert_eq!(res.status().as_u16(), 409);
    let token = token_in(&page);
    let county = t.staff_session("demo.county").await;
    let (status, county_page) = county
        .get_text(&format!("/staff/rechecks/compare/{id}"))
        .await;
    assert_eq!(status, 200, "the county sees every township's files");
    assert!(
        !county_page.contains(r#"name="token""#),
        "but no confirm form"
    );
    let res = county.post_form(&path, &[("token", &token)]).await;
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM rechecks").await,
        leads_before
    );

    // Confirming: one lead per household, in file order, tied to the file; audited with its hash.
    let res = officer.post_form(&path, &[("token", &token)]).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(location(&res), "/staff/rechecks");
    let leads = comparison_leads(&t).await;
    assert_eq!(leads.len(), 3, "{leads:?}");
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM rechecks").await,
        leads_before + 3
    );
    let lead_of = |household: i64| {
        leads
            .iter()
            .find(|(h, _, _)| *h == household)
            .map(|(_, lead, c)| (lead.clone(), *c))
            .expect("lead")
    };
    assert_eq!(
        lead_of(r[0].household_id),
        (
            "不动产：名下有商品房一套；车辆：货车1辆".to_owned(),
            Some(id)
        )
    );
    assert_eq!(lead_of(r[1].household_id).0, "车辆：小型轿车1辆");
    assert_eq!(lead_of(r[2].household_id).0, "殡葬：已火化");
    let audit: Vec<String> = app::db::audit::list(&t.db, &app::domain::Scope::All, i64::MAX, 0)
        .await
        .expect("audit")
        .into_iter()
        .filter(|r| r.action == "comparison.confirm" && r.object_id == Some(id.to_string()))
        .map(|r| r.detail)
        .collect();
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0].contains(&format!("sha256={sha256}")),
        "{}",
        audit[0]
    );
    assert!(audit[0].contains("leads=3"));
    assert!(
        !audit[0].contains(&r[0].id_number),
        "no ID number in the audit"
    );
    // The leads show where re-checks are recorded.
    let (_, household) = officer
        .get_text(&format!("/staff/rechecks/household/{}", r[0].household_id))
        .await;
    assert!(household.contains("不动产：名下有商品房一套；车辆：货车1辆"));
    let (_, page) = officer
        .get_text(&format!("/staff/rechecks/compare/{id}"))
        .await;
    assert!(!page.contains(r#"name="token""#), "no second confirm form");

    // A second confirmation is refused and makes nothing.
    let res = officer.post_form(&path, &[("token", &token)]).await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(res.text().await.expect("body").contains("已经确认过了"));
    assert_eq!(comparison_leads(&t).await.len(), 3);
    let actions = t.audit_actions().await;
    assert_eq!(
        actions
            .iter()
            .filter(|(_, a)| a == "comparison.confirm")
            .count(),
        1
    );
    // The same file again: its preview says it was confirmed before.
    let (_, again) = staged(&officer, "again.csv", &csv).await;
    assert!(again.contains("此前已经确认过"));
}

async fn malformed_rows_are_listed_with_their_reasons(backend: Backend) {
    let t = spawn_app(backend).await;
    let officer = t.staff_session("demo.longtoushan").await;
    let r = recipients(&t, LONGTOUSHAN, 1).await;
    let long = "很".repeat(201);
    let bad_check = {
        let mut id = r[0].id_number.clone();
        let last = if id.ends_with('1') { "2" } else { "1" };
        id.replace_range(17.., last);
        id
    };
    // A title row above the header, columns in another order, a blank line (Excel counts it).
    let csv = format!(
        "县公安局比对结果（2026年11月）\n发现,身份证号,来源\n\
         有车,{bad_check},车辆\n有车,,车辆\n有车,{a},\n,{a},车辆\n\n{long},{a},车辆\n\
         有车,5.30621E+17,车辆\n\"<script>alert(1)</script>\",{a},\"社保\u{202e}局\"\n",
        a = r[0].id_number,
    );
    let (_, page) = staged(&officer, "../../etc/passwd\u{202e}vsc.csv", &csv).await;
    assert_eq!(count_of(&page, "rows-total"), 7);
    assert_eq!(count_of(&page, "rows-malformed"), 6);
    assert_eq!(count_of(&page, "households"), 1);
    for (row, reason) in [
        (3, "身份证号不正确"),
        (4, "身份证号为空"),
        (5, "来源为空"),
        (6, "发现为空"),
        (8, "发现超过200个字"),
        (9, "身份证号不正确"),
    ] {
        assert!(
            page.contains(&format!("第{row}行：{reason}")),
            "row {row}: {reason}"
        );
    }
    // Hostile text stays text: escaped markup, no path, no control or direction characters.
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("社保 局") && !page.contains('\u{202e}'));
    assert!(page.contains("passwd vsc.csv") && !page.contains("etc/passwd"));
    // The same reasons in English.
    officer.get("/lang/en?next=/staff").await;
    let (_, en) = officer.get_text(&location_of_latest(&t).await).await;
    assert!(
        en.contains("Row 4: the ID number is empty"),
        "English reasons"
    );
}

async fn location_of_latest(t: &TestApp) -> String {
    let id = scalar(t, "SELECT MAX(id) FROM comparison_imports").await;
    format!("/staff/rechecks/compare/{id}")
}

async fn bad_files_are_refused_and_nothing_is_staged(backend: Backend) {
    let t = spawn_app(backend).await;
    let officer = t.staff_session("demo.longtoushan").await;
    let r = recipients(&t, LONGTOUSHAN, 1).await;
    let good = format!("{HEADER}{},不动产,有房\n", r[0].id_number);
    let too_many = format!(
        "{HEADER}{}",
        "x,y,z\n".repeat(app::rechecks::compare::MAX_ROWS + 1)
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("比对.pdf", b"%PDF-1.4 ...".to_vec(), "不支持这种文件类型"),
        (
            "比对.xls",
            b"\xD0\xCF\x11\xE0garbage".to_vec(),
            "不支持这种文件类型",
        ),
        (
            "比对.xlsx",
            b"PK\x03\x04 not really".to_vec(),
            "无法读取文件",
        ),
        (
            "比对.csv",
            b"\x00\x01\x02binary\x00".to_vec(),
            "无法读取文件",
        ),
        (
            "比对.csv",
            "姓名,金额\n张三,1\n".as_bytes().to_vec(),
            "找不到表头",
        ),
        ("比对.csv", HEADER.as_bytes().to_vec(), "没有数据行"),
        ("比对.csv", too_many.into_bytes(), "数据行太多"),
        ("比对.csv", Vec::new(), "请选择要上传的比对文件"),
    ];
    for (name, bytes, message) in cases {
        let res = upload(&officer, name, bytes).await;
        assert_eq!(res.status().as_u16(), 422, "{name} {message}");
        let page = res.text().await.expect("body");
        assert!(page.contains(message), "{name}: {message}");
        assert!(
            page.contains("enctype=\"multipart/form-data\""),
            "the form again"
        );
    }
    // Over the upload limit. The server answers 413 before reading the rest; a client still
    // sending may see the connection close instead. Either way nothing is written.
    let mut huge = HEADER.as_bytes().to_vec();
    huge.resize(app::rechecks::compare::MAX_BYTES + 1024, b'1');
    let form = reqwest::multipart::Form::new()
        .text("csrf", officer.csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(huge).file_name("huge.csv"),
        );
    match officer
        .client
        .browser_post(officer.url("/staff/rechecks/compare"))
        .multipart(form)
        .send()
        .await
    {
        Ok(res) => assert_eq!(res.status().as_u16(), 413),
        Err(e) => assert!(e.is_request(), "{e}"),
    }
    // Without the session's token: refused before the file is read.
    let form = reqwest::multipart::Form::new()
        .text("csrf", "0".repeat(64))
        .part(
            "file",
            reqwest::multipart::Part::bytes(good.clone().into_bytes()).file_name("a.csv"),
        );
    let res = officer
        .client
        .browser_post(officer.url("/staff/rechecks/compare"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status().as_u16(), 403);
    // Nor may a village assistant or an auditor compare.
    for who in ["demo.assistant", "demo.auditor"] {
        let s = t.staff_session(who).await;
        assert_eq!(
            s.get("/staff/rechecks/compare").await.status().as_u16(),
            403
        );
        let res = upload(&s, "a.csv", good.clone().into_bytes()).await;
        assert_eq!(res.status().as_u16(), 403, "{who}");
    }
    for table in [
        "SELECT COUNT(*) FROM comparison_imports",
        "SELECT COUNT(*) FROM comparison_matches",
        "SELECT COUNT(*) FROM comparison_problems",
        "SELECT COUNT(*) FROM rechecks WHERE comparison_id IS NOT NULL",
    ] {
        assert_eq!(scalar(&t, table).await, 0, "{table}");
    }
    // A control character in the file name: refused as malformed, or dropped from the name.
    let res = upload(&officer, "a\u{7}.csv", good.clone().into_bytes()).await;
    match res.status().as_u16() {
        303 => {
            let (_, page) = officer.get_text(&location(&res)).await;
            assert!(page.contains("a.csv") && !page.contains('\u{7}'));
        }
        status => assert!((400..500).contains(&status), "{status}"),
    }
    // The form itself explains the columns.
    let (status, page) = officer.get_text("/staff/rechecks/compare").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("「身份证号」") && page.contains("「来源」") && page.contains("「发现」")
    );
}

async fn a_township_officer_matches_only_their_own_township(backend: Backend) {
    let t = spawn_app(backend).await;
    let ltv = t.staff_session("demo.longtoushan").await;
    let shuimo = recipients(&t, SHUIMO, 3).await;
    let csv: String = std::iter::once(HEADER.to_owned())
        .chain(
            shuimo
                .iter()
                .map(|r| format!("{},工商,法定代表人\n", r.id_number)),
        )
        .collect();
    let (id, page) = staged(&ltv, "工商比对.csv", &csv).await;
    assert_eq!(count_of(&page, "rows-total"), 3);
    assert_eq!(count_of(&page, "rows-matched"), 0);
    assert_eq!(count_of(&page, "rows-unmatched"), 3);
    for r in &shuimo {
        assert!(!page.contains(&r.head_name), "another township's recipient");
    }
    assert!(page.contains("无需确认") && !page.contains(r#"name="token""#));
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM comparison_matches").await,
        0
    );
    // 水磨's officer cannot open 龙头山's file; the county's officer matches all three.
    let sm = t.staff_session("demo.shuimo").await;
    assert_eq!(
        sm.get(&format!("/staff/rechecks/compare/{id}"))
            .await
            .status()
            .as_u16(),
        403
    );
    let county = t.staff_session("demo.county").await;
    let (county_id, page) = staged(&county, "工商比对.csv", &csv).await;
    assert_eq!(count_of(&page, "households"), 3);
    assert_eq!(
        sm.get(&format!("/staff/rechecks/compare/{county_id}"))
            .await
            .status()
            .as_u16(),
        403,
        "a county-wide file is the county's"
    );
    let res = county
        .post_form(
            &format!("/staff/rechecks/compare/{county_id}/confirm"),
            &[("token", &token_in(&page))],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let leads = comparison_leads(&t).await;
    let mut households: Vec<i64> = leads.iter().map(|(h, _, _)| *h).collect();
    let mut want: Vec<i64> = shuimo.iter().map(|r| r.household_id).collect();
    households.sort_unstable();
    want.sort_unstable();
    assert_eq!(households, want);
    let sm_tid = township(&t, SHUIMO).await;
    let townships: Vec<i64> =
        sqlx::query("SELECT township_id FROM rechecks WHERE comparison_id IS NOT NULL")
            .fetch_all(&t.db.pool)
            .await
            .expect("q")
            .iter()
            .map(|r| r.get(0))
            .collect();
    assert!(townships.iter().all(|t| *t == sm_tid));
}

/// Two comparison files arriving slowly hold the instance's two slots: a third sent meanwhile is
/// told to try again in a minute (503, with why), none of it read; once they are in, a file goes
/// through again. So memory stays bounded however many files arrive at once.
async fn files_read_at_once_are_bounded(backend: Backend) {
    let t = spawn_app(backend).await;
    let s = t.staff_session("demo.longtoushan").await;
    let slow = |s: StaffSession| async move {
        // The token first, then a file trickling in for about four seconds.
        let chunks = futures_util::stream::unfold(0u32, |i| async move {
            if i == 40 {
                return None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            let line = if i == 0 {
                "身份证号,姓名,车辆\n".to_owned()
            } else {
                format!("53062119850315{i:04},端木慢{i},1\n")
            };
            Some((Ok::<_, std::io::Error>(line.into_bytes()), i + 1))
        });
        let part = reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(chunks))
            .file_name("slow.csv");
        let form = reqwest::multipart::Form::new()
            .text("csrf", s.csrf.clone())
            .part("file", part);
        s.client
            .browser_post(s.url("/staff/rechecks/compare"))
            .multipart(form)
            .send()
            .await
            .expect("slow upload")
            .status()
            .as_u16()
    };
    let first = tokio::spawn(slow(s.clone()));
    let second = tokio::spawn(slow(s.clone()));
    // (They take their slots as they arrive; the third waits a second for one, in vain.)
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let before = comparison_files(&t).await;
    let res = upload(&s, "third.csv", b"a,b\n1,2\n".to_vec()).await;
    assert_eq!(res.status().as_u16(), 503);
    assert_eq!(res.headers()["retry-after"], "60");
    assert!(res.text().await.expect("body").contains("请一分钟后再上传"));
    assert_eq!(comparison_files(&t).await, before, "the third kept nothing");
    for slow in [first, second] {
        assert_ne!(slow.await.expect("slow"), 503, "the slow ones were read");
    }
    let res = upload(&s, "fourth.csv", b"a,b\n1,2\n".to_vec()).await;
    assert_ne!(res.status().as_u16(), 503, "a slot is free again");
}

async fn comparison_files(t: &TestApp) -> i64 {
    scalar(t, "SELECT COUNT(*) FROM comparison_imports").await
}
