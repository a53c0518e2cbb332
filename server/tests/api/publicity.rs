use sqlx::Row;

use crate::both_backends;
use crate::helpers::{csrf_of, spawn_app, token_in, Backend, BrowserExt, TestApp};

both_backends!(
    village_page_shows_masked_lists_and_totals,
    batch_page_and_object_links,
    summaries_are_json_without_names,
    staff_builds_imports_and_publishes_a_list,
    bad_import_writes_nothing_and_names_the_row,
    gbk_csv_and_xlsx_import,
    withdraw_and_close_show_reasons,
    new_standing_list_shows_what_changed,
    township_scope_on_every_publicity_route,
    privacy_crawler_finds_no_identities,
    cached_pages_follow_every_change,
    publish_and_withdraw_ask_first_and_the_import_template_fits,
);

async fn cached_pages_follow_every_change(backend: Backend) {
    let app = spawn_app(backend).await;
    // Cached pages are served again, per language.
    let zh = app.get_text("/v/530621103203").await.1;
    assert_eq!(app.get_text("/v/530621103203").await.1, zh);
    let en = app.get_text_en("/v/530621103203").await.1;
    assert!(en.contains(r#"<html lang="en""#));
    // The report form is never cached: every visitor gets a fresh one-time token.
    let a = app.get_text("/report").await.1;
    let b = app.get_text("/report").await.1;
    assert_ne!(a, b, "one-time tokens differ");
    // A change made through the site shows at once.
    app.login_ok("demo.longtoushan").await;
    let csrf = app.csrf().await;
    let batch = create_batch(&app, &csrf, "530621103203", "standing").await;
    app.post_form(
        &format!("/staff/publicity/{batch}/entries"),
        &[
            ("csrf", &csrf),
            ("head_name", "端木新户"),
            ("persons", "2"),
            ("amount", "700"),
            ("category", "一般保障"),
            ("change", "新增"),
        ],
    )
    .await;
    app.post_form(
        &format!("/staff/publicity/{batch}/publish"),
        &[("csrf", &csrf)],
    )
    .await;
    let after = app.get_text("/v/530621103203").await.1;
    assert!(
        after.contains(&format!("/p/{batch}")),
        "the new list is linked right after publishing"
    );
}

/// Publishing and withdrawing are asked on a confirm page (GET, nothing changes) that says what
/// will happen and posts to the list's own path; the import template downloads with the
/// importer's columns; the staff list says when a list's period is over.
async fn publish_and_withdraw_ask_first_and_the_import_template_fits(backend: Backend) {
    let app = spawn_app(backend).await;
    app.login_ok("demo.longtoushan").await;
    let csrf = app.csrf().await;
    let batch = create_batch(&app, &csrf, "530621103204", "standing").await;
    app.post_form(
        &format!("/staff/publicity/{batch}/entries"),
        &[
            ("csrf", &csrf),
            ("head_name", "端木新户"),
            ("persons", "2"),
            ("amount", "700"),
            ("category", "一般保障"),
            ("change", "新增"),
        ],
    )
    .await;
    let (_, page) = app.get_text(&format!("/staff/publicity/{batch}")).await;
    assert!(page.contains(&format!(r#"action="/staff/publicity/{batch}/confirm""#)));
    assert!(page.contains(r#"name="step" value="publish""#));
    assert!(
        !page.contains(&format!(r#"action="/staff/publicity/{batch}/publish""#)),
        "no one-tap publish"
    );
    assert!(
        !page.contains(r#"href="/v/530621103204""#),
        "a draft does not link to the public page, which does not show drafts"
    );
    let confirm = format!("/staff/publicity/{batch}/confirm?step=publish");
    let (status, page) = app.get_text(&confirm).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("请确认") && page.contains("公示期从今天起算"),
        "{page}"
    );
    assert!(page.contains(&format!(r#"action="/staff/publicity/{batch}/publish""#)));
    assert!(
        page.contains("700.00"),
        "what is published: the monthly total"
    );
    let state = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            app::db::publicity::batch(&db, batch)
                .await
                .expect("q")
                .expect("q")
                .state
                .as_str()
                .to_owned()
        }
    };
    assert_eq!(state(&app).await, "draft", "looking changes nothing");
    assert_eq!(
        app.get(&format!("/staff/publicity/{batch}/confirm?step=delete"))
            .await
            .status()
            .as_u16(),
        404
    );
    let res = app
        .post_form(
            &format!("/staff/publicity/{batch}/publish"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(state(&app).await, "published");
    assert_eq!(
        app.get(&confirm).await.status().as_u16(),
        303,
        "nothing to publish"
    );
    let (_, page) = app.get_text(&format!("/staff/publicity/{batch}")).await;
    assert!(
        page.contains(r#"href="/v/530621103204""#),
        "published: linked"
    );
    let (status, page) = app
        .get_text(&format!(
            "/staff/publicity/{batch}/confirm?step=withdraw&reason=%E5%BD%95%E5%85%A5%E6%9C%89%E8%AF%AF"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"value="录入有误""#),
        "the typed reason, editable"
    );
    assert!(page.contains(&format!(r#"action="/staff/publicity/{batch}/withdraw""#)));
    assert_eq!(state(&app).await, "published");
    // The template: the importer's columns, drop-downs, and a sheet that explains them.
    let res = app.get("/staff/publicity/import-template.xlsx").await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .expect("ct")
        .contains("spreadsheetml"));
    let bytes = res.bytes().await.expect("bytes").to_vec();
    {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).expect("xlsx");
        assert_eq!(
            wb.sheet_names(),
            vec!["名单".to_owned(), "填写说明".to_owned()]
        );
        let range = wb.worksheet_range_at(0).expect("sheet").expect("readable");
        let header: Vec<String> = range
            .rows()
            .next()
            .expect("header")
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            header,
            [
                "户主姓名",
                "保障人数",
                "月保障金额（元）",
                "保障类别",
                "变动情况",
                "身份证号"
            ]
        );
    }
    let raw = String::from_utf8_lossy(&bytes).into_owned();
    assert!(raw.starts_with("PK"), "a zip container");
    // Signed out, no template.
    let anonymous = app.new_client();
    let res = anonymous
        .get(app.url("/staff/publicity/import-template.xlsx"))
        .send()
        .await
        .expect("r");
    assert_ne!(res.status().as_u16(), 200);
    // A 审核 list whose seven days are over reads 公示期已结束 in the staff list, not 公示中.
    let review = app
        .batch_in_township("530621103000", "review", "published", "")
        .await;
    let day = |s: &str| s.parse::<chrono::NaiveDate>().expect("day");
    let mut conn = app.db.pool.acquire().await.expect("conn");
    app::db::publicity::set_window(&mut conn, review, day("2020-01-01"), day("2020-01-08"))
        .await
        .expect("age");
    drop(conn);
    let (_, list) = app.get_text("/staff/publicity").await;
    let row = list
        .split(&format!(r#"href="/staff/publicity/{review}""#))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("the review list's row");
    assert!(
        row.contains("公示期已结束") && !row.contains("公示中"),
        "{row}"
    );
}

/// The entries of a batch, as staff see them (in list order).
async fn entries_of(app: &TestApp, batch: i64) -> Vec<app::db::publicity::StaffEntry> {
    app::db::publicity::staff_entries(&app.db, batch)
        .await
        .expect("entries")
}

async fn full_names_of_batch(app: &TestApp, batch: i64) -> Vec<String> {
    entries_of(app, batch)
        .await
        .into_iter()
        .map(|e| e.head_name)
        .collect()
}

async fn village_page_shows_masked_lists_and_totals(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, body) = app.get_text("/v/530621103201").await;
    assert_eq!(status, 200);
    assert!(body.contains("正在公示") && body.contains("审核公示"));
    // Time left in the open window, to the second (a live countdown once the islands wake).
    let left = body
        .split(r#"class="countdown">"#)
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("a countdown");
    let digits: Vec<&str> = left
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    assert!(
        left.starts_with("剩余 ") && left.contains(" 天 ") && digits.len() == 4,
        "{left}"
    );
    // …and, true without any script, the last day in words (the clock shows once it ticks).
    assert!(body.contains(r#"<span role="timer" hidden class="countdown">"#));
    assert!(body.contains("天，") && body.contains("24 时截止"));
    assert!(
        !body.contains(" – ·"),
        "no dangling period on the standing list"
    );
    assert!(body.contains("长期公示名单"));
    assert!(body.contains("月保障金合计"));
    assert!(body.contains("提出异议"));
    let standing = app.batch_of("530621103201", "standing", "published").await;
    for name in full_names_of_batch(&app, standing).await {
        if name.chars().count() >= 2 {
            assert!(
                !body.contains(&format!(">{name}<")),
                "full name {name} on the village page"
            );
        }
    }
    // Totals match the standing list.
    // Every entry, `stop` rows too (`publicity::totals` leaves those out).
    let entries = entries_of(&app, standing).await;
    assert!(!entries.is_empty(), "totals of a list with entries");
    let n = entries.len();
    let fen: i64 = entries.iter().map(|e| e.monthly_fen).sum();
    assert!(
        body.contains(&format!("<dd>{n}</dd>")),
        "household count {n}"
    );
    assert!(
        body.contains(&format!("{}.{:02}", fen / 100, fen % 100)),
        "monthly total"
    );
    // English works too.
    let (_, body) = app.get_text_en("/v/530621103201").await;
    assert!(body.contains("Standing list") && body.contains("Open for comment"));
}

async fn batch_page_and_object_links(backend: Backend) {
    let app = spawn_app(backend).await;
    let review = app.batch_of("530621103201", "review", "published").await;
    let (status, body) = app.get_text(&format!("/p/{review}")).await;
    assert_eq!(status, 200);
    assert!(body.contains("龙泉村 审核公示"));
    let refs: Vec<String> = entries_of(&app, review)
        .await
        .into_iter()
        .map(|e| e.public_ref)
        .collect();
    assert!(!refs.is_empty());
    for r in &refs {
        assert!(
            body.contains(&format!("href=\"/report?entry={r}\"")),
            "object link for {r}"
        );
    }
    // Drafts and nonsense ids are not found.
    let now = app::db::now_epoch();
    let draft = {
        let mut conn = app.db.pool.acquire().await.expect("conn");
        let v =
            app::db::regions::by_code(&app.db, app::db::regions::Level::Village, "530621103201")
                .await
                .expect("q")
                .expect("v");
        app::db::publicity::insert_batch(
            &mut conn,
            &app::db::publicity::NewBatch {
                village_id: v.id,
                township_id: v.parent_id.expect("t"),
                kind: app::domain::BatchKind::Review,
                opens_on: app::db::today_cst(),
                closes_on: Some(app::db::today_cst()),
                window_days: Some(7),
                created_by: None,
            },
            now,
        )
        .await
        .expect("draft")
    };
    for path in [
        format!("/p/{draft}"),
        "/p/99999999".into(),
        "/p/abc".into(),
        "/p/1%27%20OR%201=1".into(),
    ] {
        assert_eq!(app.get(&path).await.status().as_u16(), 404, "{path}");
    }
}

async fn summaries_are_json_without_names(backend: Backend) {
    let app = spawn_app(backend).await;
    let res = app.get("/api/v1/villages/530621103201/summary").await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .expect("ct")
        .starts_with("application/json"));
    let v: serde_json::Value = res.json().await.expect("json");
    assert_eq!(v["code"], "530621103201");
    assert_eq!(v["name"], "龙泉村");
    assert!(v["households"].as_i64().expect("n") > 0);
    assert_eq!(v["open_batches"][0]["kind"], "review");
    let t: serde_json::Value = app
        .get("/api/v1/townships/530621103000/summary")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(t["name"], "龙头山镇");
    assert_eq!(t["villages"], 5);
    assert!(t["monthly_fen"].as_i64().expect("fen") >= v["monthly_fen"].as_i64().expect("fen"));
    for path in [
        "/api/v1/villages/000000000000/summary",
        "/api/v1/townships/x/summary",
        "/api/v1/nothing",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status().as_u16(), 404, "{path}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .expect("ct")
                .starts_with("application/json"),
            "{path}"
        );
    }
}

/// Creates a draft batch as the signed-in officer; returns its id.
async fn create_batch(app: &TestApp, csrf: &str, village_code: &str, kind: &str) -> i64 {
    let v = app::db::regions::by_code(&app.db, app::db::regions::Level::Village, village_code)
        .await
        .expect("q")
        .expect("village");
    let res = app
        .post_form(
            "/staff/publicity",
            &[
                ("csrf", csrf),
                ("village", &v.id.to_string()),
                ("kind", kind),
                ("opens_on", &app::db::today_cst().to_string()),
                ("days", "7"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "create batch");
    let loc = res.headers()["location"].to_str().expect("l").to_owned();
    loc.rsplit('/').next().expect("id").parse().expect("id")
}

async fn upload(
    app: &TestApp,
    csrf: &str,
    batch: i64,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    app.client
        .browser_post(app.url(&format!("/staff/publicity/{batch}/import")))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

async fn entry_count(app: &TestApp, batch: i64) -> i64 {
    entries_of(app, batch).await.len() as i64
}

async fn staff_builds_imports_and_publishes_a_list(backend: Backend) {
    let app = spawn_app(backend).await;
    app.login_ok("demo.longtoushan").await;
    let csrf = app.csrf().await;
    // Hand entry and import are for standing lists of existing recipients (审核/审批 lists come
    // from case files: see cases.rs).
    let batch = create_batch(&app, &csrf, "530621103203", "standing").await;
    // Add one household by form.
    let res = app
        .post_form(
            &format!("/staff/publicity/{batch}/entries"),
            &[
                ("csrf", &csrf),
                ("head_name", "司马光明"),
                ("id_number", ""),
                ("persons", "3"),
                ("amount", "1125"),
                ("category", "一般保障"),
                ("class", "2"),
                ("change", "新增"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(entry_count(&app, batch).await, 1);
    // A bad form row: a clear message, nothing written.
    let res = app
        .post_form(
            &format!("/staff/publicity/{batch}/entries"),
            &[
                ("csrf", &csrf),
                ("head_name", "李四"),
                ("persons", "0"),
                ("amount", "abc"),
                ("category", "一般保障"),
                ("change", "新增"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert_eq!(entry_count(&app, batch).await, 1);
    // Correct the entry by form: the form is filled with it, a bad value changes nothing.
    let entry: i64 = entries_of(&app, batch).await.first().expect("e").id;
    let page = app
        .get_text(&format!("/staff/publicity/{batch}?edit={entry}"))
        .await
        .1;
    assert!(
        page.contains(&format!("/entries/{entry}/edit")) && page.contains("value=\"司马光明\"")
    );
    let edit = format!("/staff/publicity/{batch}/entries/{entry}/edit");
    let res = app
        .post_form(
            &edit,
            &[
                ("csrf", &csrf),
                ("head_name", "司马光明"),
                ("persons", "30"),
                ("amount", "1125"),
                ("category", "一般保障"),
                ("change", "新增"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let res = app
        .post_form(
            &edit,
            &[
                ("csrf", &csrf),
                ("head_name", "司马光明"),
                ("persons", "4"),
                ("amount", "1500"),
                ("category", "一般保障"),
                ("class", "2"),
                ("change", "新增"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let row = entries_of(&app, batch)
        .await
        .into_iter()
        .find(|e| e.id == entry)
        .expect("e");
    assert_eq!((row.persons, row.monthly_fen), (4, 150_000));
    // Import a CSV: preview first, nothing written until confirmed.
    let csv = "龙泉村低保审核公示名单\n户主姓名,保障人数,月保障金额,保障类别,变动情况\n赵大山,2,750,兜底保障一类,新增\n钱小红,1,375.5,一般保障三类,新增\n";
    let res = upload(&app, &csrf, batch, "list.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(res.status().as_u16(), 200);
    let body = res.text().await.expect("b");
    assert!(
        body.contains("全部行均有效") && body.contains("赵大山"),
        "{body}"
    );
    assert_eq!(entry_count(&app, batch).await, 1, "preview writes nothing");
    let token = token_in(&body);
    let res = app
        .post_form(
            &format!("/staff/publicity/{batch}/import/confirm"),
            &[("csrf", &csrf), ("token", &token)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(entry_count(&app, batch).await, 3);
    // The same preview cannot be confirmed twice.
    let res = app
        .post_form(
            &format!("/staff/publicity/{batch}/import/confirm"),
            &[("csrf", &csrf), ("token", &token)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert_eq!(entry_count(&app, batch).await, 3);
    // Not public before publishing.
    assert_eq!(app.get(&format!("/p/{batch}")).await.status().as_u16(), 404);
    let res = app
        .post_form(
            &format!("/staff/publicity/{batch}/publish"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let (status, body) = app.get_text(&format!("/p/{batch}")).await;
    assert_eq!(status, 200);
    assert!(body.contains("司马*明") && body.contains("赵*山") && body.contains("钱*红"));
    assert!(!body.contains("司马光明") && !body.contains("赵大山"));
    assert!(body.contains("375.50"));
    let village = app.get_text("/v/530621103203").await.1;
    assert!(village.contains(&format!("href=\"/p/{batch}\"")));
    // Published lists cannot be edited.
    let res = app
        .post_form(
            &edit,
            &[
                ("csrf", &csrf),
                ("head_name", "司马光明"),
                ("persons", "1"),
                ("amount", "1"),
                ("category", "一般保障"),
                ("change", "新增"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    let res = app
        .post_form(
            &format!("/staff/publicity/{batch}/entries"),
            &[
                ("csrf", &csrf),
                ("head_name", "孙悟"),
                ("persons", "1"),
                ("amount", "300"),
                ("category", "一般保障"),
                ("change", "新增"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    // Print notice (full names, QR) and export are staff-only and audited.
    let notice = app
        .get_text(&format!("/staff/publicity/{batch}/notice"))
        .await
        .1;
    assert!(notice.contains("司马光明") && notice.contains("data:image/svg+xml"));
    assert!(notice.contains("http://sunshine.test/v/530621103203"));
    let res = app
        .get(&format!("/staff/publicity/{batch}/export.xlsx"))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let bytes = res.bytes().await.expect("xlsx");
    let rows = export_matches_database(&app, batch, &bytes).await;
    assert_eq!(rows, 3, "司马光明, 赵大山, 钱小红");
    let actions = app.audit_actions().await;
    for a in [
        "batch.create",
        "batch.add_entry",
        "batch.import",
        "batch.publish",
        "batch.print",
        "batch.export",
    ] {
        assert!(actions.iter().any(|(_, x)| x == a), "{a} not audited");
    }
}

async fn bad_import_writes_nothing_and_names_the_row(backend: Backend) {
    let app = spawn_app(backend).await;
    app.login_ok("demo.longtoushan").await;
    let csrf = app.csrf().await;
    let batch = create_batch(&app, &csrf, "530621103201", "standing").await;
    let csv = "户主姓名,保障人数,月保障金额,保障类别\n张三,2,750,一般保障\n李四,30,750,一般保障\n王五,2,-5,一般保障\n<script>x</script>,1,1,一般保障\n";
    let res = upload(&app, &csrf, batch, "bad.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.expect("b");
    assert!(body.contains("第3行"), "row of the persons error: {body}");
    assert!(body.contains("第4行"), "row of the amount error");
    assert!(body.contains("第5行"), "row of the name error");
    assert!(!body.contains("<script>x"), "echo escaped");
    assert!(
        !body.contains("name=\"token\""),
        "no confirm for a bad file"
    );
    assert_eq!(entry_count(&app, batch).await, 0);
    // Wrong type, empty, oversized.
    let res = upload(&app, &csrf, batch, "list.pdf", b"%PDF-1.4".to_vec()).await;
    assert_eq!(res.status().as_u16(), 422);
    let res = upload(
        &app,
        &csrf,
        batch,
        "junk.xlsx",
        b"not a zip at all".to_vec(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 422);
    // Over the 10 MiB upload limit. The server answers 413 before reading the rest; a client
    // still sending may see the connection close instead. Either way nothing is written.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(vec![b'a'; 10 * 1024 * 1024 + 4096])
                .file_name("huge.csv"),
        );
    match app
        .client
        .browser_post(app.url(&format!("/staff/publicity/{batch}/import")))
        .multipart(form)
        .send()
        .await
    {
        Ok(res) => assert_eq!(res.status().as_u16(), 413),
        Err(e) => assert!(e.is_request(), "{e}"),
    }
    // Without the CSRF token: refused.
    let res = upload(&app, "", batch, "list.csv", b"x".to_vec()).await;
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(entry_count(&app, batch).await, 0);
}

async fn gbk_csv_and_xlsx_import(backend: Backend) {
    let app = spawn_app(backend).await;
    app.login_ok("demo.longtoushan").await;
    let csrf = app.csrf().await;
    let batch = create_batch(&app, &csrf, "530621103204", "standing").await;
    let (gbk, _, _) = encoding_rs::GBK.encode("户主姓名,身份证号,保障人数,月保障金额,保障类别\n欧阳春花,530621198001011233,4,1500,兜底保障一类\n");
    let res = upload(&app, &csrf, batch, "名单.CSV", gbk.into_owned()).await;
    let body = res.text().await.expect("b");
    assert!(body.contains("欧阳春花"), "GBK decoded: {body}");
    let token = token_in(&body);
    app.post_form(
        &format!("/staff/publicity/{batch}/import/confirm"),
        &[("csrf", &csrf), ("token", &token)],
    )
    .await;
    assert_eq!(entry_count(&app, batch).await, 1);
    // An .xlsx with an ID number stored as a number, and a title row.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "骡马口村长期公示").expect("w");
    for (c, h) in [
        "户主姓名",
        "身份证号",
        "保障人数",
        "月保障金额",
        "保障类别",
        "变动情况",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(1, c as u16, *h).expect("w");
    }
    ws.write_string(2, 0, "上官婉儿").expect("w");
    ws.write_number(2, 1, 530621199001010112.0).expect("w");
    ws.write_number(2, 2, 2.0).expect("w");
    ws.write_number(2, 3, 680.5).expect("w");
    ws.write_string(2, 4, "一般保障二类").expect("w");
    ws.write_string(2, 5, "续保").expect("w");
    let bytes = wb.save_to_buffer().expect("xlsx");
    let res = upload(&app, &csrf, batch, "list.xlsx", bytes).await;
    let status = res.status().as_u16();
    let body = res.text().await.expect("b");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("上官婉儿") && body.contains("680.50"));
    let token = token_in(&body);
    app.post_form(
        &format!("/staff/publicity/{batch}/import/confirm"),
        &[("csrf", &csrf), ("token", &token)],
    )
    .await;
    assert_eq!(entry_count(&app, batch).await, 2);
}

async fn withdraw_and_close_show_reasons(backend: Backend) {
    let app = spawn_app(backend).await;
    app.login_ok("demo.longtoushan").await;
    let csrf = app.csrf().await;
    let review = app.batch_of("530621103201", "review", "published").await;
    let on_list = app::db::cases::list(
        &app.db,
        &app::db::cases::CaseFilter {
            batch_id: Some(review),
            ..Default::default()
        },
        100,
    )
    .await
    .expect("cases");
    assert!(
        !on_list.is_empty(),
        "the demo's 审核 lists come from case files"
    );
    // A 审核 list is withdrawn through the case file, not as a bare list.
    let res = app
        .post_form(
            &format!("/staff/publicity/{review}/withdraw"),
            &[("csrf", &csrf), ("reason", "人口信息有误")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    // A reason is required.
    let res = app
        .post_form(
            &format!("/staff/cases/lists/{review}/withdraw"),
            &[("csrf", &csrf), ("reason", " ")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert_eq!(
        app.batch_of("530621103201", "review", "published").await,
        review
    );
    let res = app
        .post_form(
            &format!("/staff/cases/lists/{review}/withdraw"),
            &[("csrf", &csrf), ("reason", "人口信息有误，<b>重新</b>核实")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let body = app.get_text(&format!("/p/{review}")).await.1;
    assert!(body.contains("本名单已撤回"));
    // Its cases wait for a corrected list again.
    for c in &on_list {
        let now = app::db::cases::get(&app.db, c.id)
            .await
            .expect("q")
            .expect("case");
        assert_eq!(now.stage, app::domain::case::Stage::TownshipApproved);
        assert_eq!(now.review_batch_id, None);
    }
    assert!(
        body.contains("人口信息有误，&lt;b&gt;重新&lt;/b&gt;核实"),
        "reason shown escaped"
    );
    assert!(
        !body.contains("提出异议"),
        "no objections on a withdrawn list"
    );
    // Withdrawing twice is refused.
    let res = app
        .post_form(
            &format!("/staff/cases/lists/{review}/withdraw"),
            &[("csrf", &csrf), ("reason", "again")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    // Close early, elsewhere: not a list with cases on it (they could go no further; it is
    // withdrawn instead), but one from before case files, as an upgraded site keeps them.
    let other = app
        .batch_in_township("530621103000", "review", "published", "530621103201")
        .await;
    let res = app
        .post_form(
            &format!("/staff/publicity/{other}/close"),
            &[("csrf", &csrf), ("reason", "已完成审核")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409, "a list with cases");
    sqlx::query("UPDATE batch_entries SET case_id = NULL WHERE batch_id = $1")
        .bind(other)
        .execute(&app.db.pool)
        .await
        .expect("a list from before case files");
    let res = app
        .post_form(
            &format!("/staff/publicity/{other}/close"),
            &[("csrf", &csrf), ("reason", "已完成审核")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let body = app.get_text(&format!("/p/{other}")).await.1;
    assert!(body.contains("本名单已提前结束公示") && body.contains("已完成审核"));
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|(_, a)| a == "batch.withdraw"));
    assert!(actions.iter().any(|(_, a)| a == "batch.close"));
}

async fn new_standing_list_shows_what_changed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.login_ok("demo.longtoushan").await;
    let csrf = app.csrf().await;
    let old = app.batch_of("530621103205", "standing", "published").await;
    let names = full_names_of_batch(&app, old).await;
    let batch = create_batch(&app, &csrf, "530621103205", "standing").await;
    // The new list keeps all but the first household and adds one.
    let mut csv = String::from("户主姓名,保障人数,月保障金额,保障类别,变动情况\n");
    for n in names.iter().skip(1) {
        csv.push_str(&format!("{n},2,700,一般保障,续保\n"));
    }
    csv.push_str("慕容新生,1,375,一般保障,新增\n");
    let body = upload(&app, &csrf, batch, "v2.csv", csv.into_bytes())
        .await
        .text()
        .await
        .expect("b");
    let token = token_in(&body);
    app.post_form(
        &format!("/staff/publicity/{batch}/import/confirm"),
        &[("csrf", &csrf), ("token", &token)],
    )
    .await;
    let res = app
        .post_form(
            &format!("/staff/publicity/{batch}/publish"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let body = app.get_text("/v/530621103205").await.1;
    assert!(body.contains("与上一期名单相比的变化"));
    assert!(body.contains("慕容*生"), "added household masked");
    assert!(!body.contains("慕容新生"));
    // Each group lists exactly its households, masked: the first household under 退出, the new
    // one under 新增, and under 金额变化 every kept household whose amount was not 700 yuan.
    let diff = body
        .split(r#"id="diff-h""#)
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the what-changed section");
    let group = |title: &str| -> String {
        diff.split(&format!("<h3>{title}</h3>"))
            .nth(1)
            .and_then(|rest| rest.split("</ul>").next())
            .unwrap_or_default()
            .to_owned()
    };
    let mask = |n: &str| {
        app::domain::MaskedName::new(n, app::domain::MaskPolicy::Middle)
            .as_str()
            .to_owned()
    };
    let removed = group("退出");
    assert_eq!(
        removed.matches("<li>").count(),
        1,
        "one household left: {removed}"
    );
    assert!(removed.contains(&mask(&names[0])), "{removed}");
    assert!(!diff.contains(&names[0]), "the full name never");
    let added = group("新增");
    assert_eq!(added.matches("<li>").count(), 1, "{added}");
    assert!(added.contains("慕容*生"));
    let moved = entries_of(&app, old)
        .await
        .iter()
        .filter(|e| e.head_name != names[0] && e.monthly_fen != 70_000)
        .count();
    assert!(moved > 0, "the demo list has amounts other than 700 yuan");
    let changed = group("金额变化");
    assert_eq!(changed.matches("<li>").count(), moved, "{changed}");
    assert!(
        changed.contains("700"),
        "the new amount is shown: {changed}"
    );
    // The old list is closed; exactly one standing list is current.
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) FROM batches b JOIN regions v ON v.id = b.village_id
         WHERE v.code = '530621103205' AND b.kind = 'standing' AND b.state = 'published'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("n")
    .get(0);
    assert_eq!(n, 1);
}

async fn township_scope_on_every_publicity_route(backend: Backend) {
    let app = spawn_app(backend).await;
    let shuimo_batch = app.batch_of("530621102201", "standing", "published").await;
    let shuimo_review = app
        .batch_in_township("530621102000", "review", "published", "")
        .await;
    let shuimo_village =
        app::db::regions::by_code(&app.db, app::db::regions::Level::Village, "530621102201")
            .await
            .expect("q")
            .expect("v");
    app.login_ok("demo.longtoushan").await;
    let csrf = app.csrf().await;
    let before = app.audit_actions().await.len();
    for path in [
        format!("/staff/publicity/{shuimo_batch}"),
        format!("/staff/publicity/{shuimo_batch}/notice"),
        format!("/staff/publicity/{shuimo_batch}/export.xlsx"),
        format!("/staff/publicity/{shuimo_batch}/confirm?step=withdraw"),
    ] {
        assert_eq!(app.get(&path).await.status().as_u16(), 403, "GET {path}");
    }
    for (path, extra) in [
        (
            format!("/staff/publicity/{shuimo_batch}/entries"),
            vec![
                ("head_name", "X"),
                ("persons", "1"),
                ("amount", "1"),
                ("category", "一般保障"),
            ],
        ),
        (
            format!("/staff/publicity/{shuimo_batch}/entries/1/delete"),
            vec![],
        ),
        (format!("/staff/publicity/{shuimo_batch}/publish"), vec![]),
        (
            format!("/staff/publicity/{shuimo_review}/withdraw"),
            vec![("reason", "hijack")],
        ),
        (
            format!("/staff/publicity/{shuimo_review}/close"),
            vec![("reason", "hijack")],
        ),
        (
            format!("/staff/publicity/{shuimo_batch}/import/confirm"),
            vec![("token", "x")],
        ),
        ("/staff/publicity".to_owned(), vec![("village", "")]),
    ] {
        let mut form = vec![("csrf", csrf.as_str())];
        let village_id = shuimo_village.id.to_string();
        if path == "/staff/publicity" {
            form = vec![
                ("csrf", csrf.as_str()),
                ("village", &village_id),
                ("kind", "review"),
                ("opens_on", "2026-11-26"),
                ("days", "7"),
            ];
            let res = app.post_form(&path, &form).await;
            assert_eq!(res.status().as_u16(), 403, "POST {path} (tampered village)");
            continue;
        }
        form.extend(extra.iter().copied());
        assert_eq!(
            app.post_form(&path, &form).await.status().as_u16(),
            403,
            "POST {path}"
        );
    }
    let res = upload(&app, &csrf, shuimo_batch, "x.csv", b"a".to_vec()).await;
    assert_eq!(res.status().as_u16(), 403, "import into another township");
    assert_eq!(
        app.audit_actions().await.len(),
        before,
        "nothing was recorded or changed"
    );
    assert_eq!(
        app.batch_in_township("530621102000", "review", "published", "")
            .await,
        shuimo_review
    );
    // Their list shows only their township.
    let body = app.get_text("/staff/publicity").await.1;
    assert!(body.contains("龙泉村") && !body.contains("水磨村"));
    // The auditor reads but cannot change.
    let auditor = app.login_client("demo.auditor").await;
    let res = auditor
        .get(app.url(&format!("/staff/publicity/{shuimo_batch}")))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 200);
    let page = res.text().await.expect("b");
    assert!(
        !page.contains("/publish\""),
        "no publish form for an auditor"
    );
}

async fn privacy_crawler_finds_no_identities(backend: Backend) {
    let app = spawn_app(backend).await;
    // A sentinel household with distinctive identity data, published through the staff flow.
    app.login_ok("demo.longtoushan").await;
    let csrf = app.csrf().await;
    let batch = create_batch(&app, &csrf, "530621103201", "standing").await;
    let res = app
        .post_form(
            &format!("/staff/publicity/{batch}/entries"),
            &[
                ("csrf", &csrf),
                ("head_name", "欧阳哨兵甲"),
                ("id_number", "530621198001011006"),
                ("persons", "2"),
                ("amount", "800"),
                ("category", "兜底保障"),
                ("class", "1"),
                ("change", "新增"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "sentinel entry added");
    let res = app
        .post_form(
            &format!("/staff/publicity/{batch}/publish"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "sentinel list published");
    let sentinel_ref: String =
        sqlx::query("SELECT public_ref FROM batch_entries WHERE head_name = '欧阳哨兵甲'")
            .fetch_one(&app.db.pool)
            .await
            .expect("sentinel")
            .get(0);
    let masked_sentinel =
        app::domain::MaskedName::new("欧阳哨兵甲", app::domain::MaskPolicy::Middle);
    let masked_sentinel = masked_sentinel.as_str().to_owned();
    assert_ne!(masked_sentinel, "欧阳哨兵甲");
    // Everything identifying that staff data holds.
    let mut secrets: Vec<String> = vec!["欧阳哨兵甲".into(), "530621198001011006".into()];
    for r in sqlx::query("SELECT head_name, id_number, phone, address FROM households")
        .fetch_all(&app.db.pool)
        .await
        .expect("h")
    {
        let name: String = r.get(0);
        if name.chars().count() >= 3 {
            secrets.push(name);
        }
        for i in 1..=3 {
            if let Some(v) = r.get::<Option<String>, _>(i) {
                secrets.push(v);
            }
        }
    }
    for r in sqlx::query("SELECT display_name, username FROM staff")
        .fetch_all(&app.db.pool)
        .await
        .expect("s")
    {
        secrets.push(r.get(0));
    }
    // The case file: members' names and ID numbers, near-relative declarations (the demo has
    // cases in every stage, near-relative ones among them).
    let mut case_secrets = 0;
    for r in sqlx::query("SELECT name, id_number FROM case_members")
        .fetch_all(&app.db.pool)
        .await
        .expect("members")
    {
        let name: String = r.get(0);
        if name.chars().count() >= 3 {
            secrets.push(name);
            case_secrets += 1;
        }
        if let Some(id) = r.get::<Option<String>, _>(1) {
            secrets.push(id);
        }
    }
    for r in sqlx::query("SELECT related_name FROM case_relatives")
        .fetch_all(&app.db.pool)
        .await
        .expect("relatives")
    {
        secrets.push(r.get(0));
        case_secrets += 1;
    }
    assert!(
        case_secrets > 10,
        "the crawler looks for case-file data too"
    );
    // Review pools: the published draws carry masked names only.
    let mut pool_names = 0;
    for r in sqlx::query("SELECT name FROM pool_members")
        .fetch_all(&app.db.pool)
        .await
        .expect("pool")
    {
        secrets.push(r.get(0));
        pool_names += 1;
    }
    assert!(pool_names > 100, "the crawler looks for pool members too");
    // Every GET route of the public router (read from its source), each with sample URLs.
    let anon = app.new_client();
    let column = |sql: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query(sql)
                .fetch_all(&pool)
                .await
                .expect("crawl list")
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect::<Vec<String>>()
        }
    };
    let villages = column("SELECT code FROM regions WHERE level = 'village'").await;
    let townships = column("SELECT code FROM regions WHERE level = 'township'").await;
    let batches = column("SELECT CAST(id AS TEXT) FROM batches WHERE state <> 'draft'").await;
    // Every fourth draw (panels and spot-checks, drawn and not): the masking is the same code.
    let draws: Vec<String> = column("SELECT CAST(id AS TEXT) FROM draws ORDER BY id")
        .await
        .into_iter()
        .step_by(4)
        .collect();
    // Every fiftieth public entry, and the sentinel: the report form names the household.
    let mut entry_refs: Vec<String> = column(
        "SELECT e.public_ref FROM batch_entries e JOIN batches b ON b.id = e.batch_id
         WHERE b.state <> 'draft' ORDER BY e.id",
    )
    .await
    .into_iter()
    .step_by(50)
    .collect();
    entry_refs.push(sentinel_ref.clone());
    let pages_of = |kind: app::db::content::Kind| {
        let db = app.db.clone();
        async move {
            let everyone = app::db::content::Owner::Everyone;
            let slugs: Vec<String> = app::db::content::list(&db, everyone, Some(kind), false)
                .await
                .expect("pages")
                .into_iter()
                .map(|p| p.slug)
                .collect();
            assert!(
                !slugs.is_empty(),
                "the demo publishes {} pages",
                kind.as_str()
            );
            slugs
        }
    };
    let policies = pages_of(app::db::content::Kind::Policy).await;
    let answers = pages_of(app::db::content::Kind::Answer).await;
    let notices = pages_of(app::db::content::Kind::Notice).await;
    let mut urls: Vec<(String, u16)> = Vec::new();
    let routes = public_get_routes();
    assert!(routes.len() > 20, "routes read from the router: {routes:?}");
    for route in &routes {
        let ok = |u: String| (u, 200);
        let found = |u: String| (u, 303);
        let each = |list: &[String], f: &dyn Fn(&str) -> String| -> Vec<(String, u16)> {
            list.iter().map(|x| (f(x), 200)).collect()
        };
        let samples: Vec<(String, u16)> = match route.as_str() {
            "/" | "/draws" | "/stats" | "/policy" | "/answers" | "/notices" | "/poster"
            | "/api/v1/stats" | "/track" | "/healthz" | "/readyz" => vec![ok(route.clone())],
            "/v/{code}" => each(&villages, &|c| format!("/v/{c}")),
            "/api/v1/villages/{code}/summary" => {
                each(&villages, &|c| format!("/api/v1/villages/{c}/summary"))
            }
            "/api/v1/townships/{code}/summary" => {
                each(&townships, &|c| format!("/api/v1/townships/{c}/summary"))
            }
            "/p/{id}" => each(&batches, &|b| format!("/p/{b}")),
            "/draws/{id}" => {
                let mut v = each(&draws, &|d| format!("/draws/{d}"));
                v.extend(each(&draws, &|d| format!("/draws/{d}.json")));
                v
            }
            "/policy/{slug}" => each(&policies, &|p| format!("/policy/{p}")),
            "/answers/{slug}" => each(&answers, &|p| format!("/answers/{p}")),
            "/notices/{slug}" => each(&notices, &|p| format!("/notices/{p}")),
            "/report" => {
                let mut v = vec![ok("/report".to_owned())];
                v.extend(each(&entry_refs, &|r| format!("/report?entry={r}")));
                v.push(ok(format!("/report?entry={sentinel_ref}&kind=change")));
                v
            }
            "/change" => vec![
                ok("/change".to_owned()),
                found(format!("/change?entry={sentinel_ref}")),
            ],
            // Without the one-time cookie: the "already shown" page.
            "/report/receipt" => vec![ok(route.clone())],
            // Without a followed case: back to the form.
            "/track/case" => vec![found(route.clone())],
            "/counties" => vec![ok(route.clone())],
            "/c/{code}" => vec![ok(format!("/c/{}", app::demo::COUNTY_CODE))],
            "/c/{code}/stats" => vec![ok(format!("/c/{}/stats", app::demo::COUNTY_CODE))],
            "/m/{code}/stats" => vec![ok("/m/530600000000/stats".to_owned())],
            "/c/{code}/remember" => vec![found(format!("/c/{}/remember", app::demo::COUNTY_CODE))],
            "/lang/{code}" => vec![found("/lang/en".to_owned()), found("/lang/zh".to_owned())],
            "/large" => vec![found("/large?on=1".to_owned())],
            // Files of the WASM bundle (none in these tests): no data.
            "/pkg/{file}" => vec![],
            other => panic!(
                "the public route {other} is not crawled: give it sample URLs in \
                 privacy_crawler_finds_no_identities"
            ),
        };
        assert!(
            route == "/pkg/{file}" || !samples.is_empty(),
            "{route}: nothing to crawl"
        );
        urls.extend(samples);
    }
    let mut pages = 0;
    let mut sentinel_seen = 0;
    for (url, expected) in &urls {
        for lang in ["zh", "en"] {
            let res = anon
                .get(app.url(url))
                .header("cookie", format!("lang={lang}"))
                .send()
                .await
                .expect("r");
            assert_eq!(res.status().as_u16(), *expected, "{url}");
            let body = res.text().await.expect("b");
            for s in &secrets {
                assert!(!body.contains(s.as_str()), "{url} ({lang}) leaks {s:?}");
            }
            if body.contains(&masked_sentinel) {
                sentinel_seen += 1;
            }
            pages += 1;
        }
    }
    assert!(pages > 200, "crawled {pages} pages");
    // The crawler itself can fail: the published sentinel is on its list page, masked, and on
    // the report form of its entry.
    for url in [
        format!("/p/{batch}"),
        format!("/report?entry={sentinel_ref}"),
    ] {
        let body = anon
            .get(app.url(&url))
            .send()
            .await
            .expect("r")
            .text()
            .await
            .expect("b");
        assert!(
            body.contains(&masked_sentinel),
            "{url} shows {masked_sentinel}"
        );
    }
    assert!(sentinel_seen >= 4, "the crawl saw the sentinel masked");
    let _ = csrf_of;
}

/// The paths of the public router's GET routes, read from `app/src/routes.rs` (an axum router
/// cannot list its routes): a public page added there is crawled, or the crawler fails until it
/// is given sample URLs.
fn public_get_routes() -> Vec<String> {
    let src = include_str!("../../../app/src/routes.rs");
    let start = src.find("fn public(").expect("fn public in routes.rs");
    let end = src[start + 1..]
        .find("\nfn ")
        .map_or(src.len(), |i| start + 1 + i);
    src[start..end]
        .split(".route(")
        .skip(1)
        .filter_map(|chunk| {
            let rest = chunk.trim_start().strip_prefix('"')?;
            let path = &rest[..rest.find('"')?];
            chunk.contains("get(").then(|| path.to_owned())
        })
        .collect()
}

/// Reads an exported list (calamine, as staff's Excel would) and compares it with the database:
/// the header row, then per entry the sequence, full name, persons, monthly amount in yuan,
/// category, change and public reference. Returns the number of entries.
async fn export_matches_database(app: &TestApp, batch: i64, bytes: &[u8]) -> usize {
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let range = wb
        .worksheet_range_at(0)
        .expect("a worksheet")
        .expect("readable");
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        other => panic!("expected text, found {other:?}"),
    };
    let number = |d: &Data| match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, found {other:?}"),
    };
    let header: Vec<String> = rows.first().expect("header").iter().map(text).collect();
    assert_eq!(
        header,
        [
            "序号",
            "户主姓名",
            "保障人数",
            "月保障金额（元）",
            "保障类别",
            "变动情况",
            "公示编号"
        ]
    );
    let db = entries_of(app, batch).await;
    assert_eq!(rows.len() - 1, db.len(), "one row per entry");
    for (row, e) in rows[1..].iter().zip(&db) {
        assert_eq!(number(&row[0]), e.seq as f64, "序号");
        assert_eq!(text(&row[1]), e.head_name, "the full name");
        assert_eq!(number(&row[2]), e.persons as f64, "persons");
        assert_eq!(
            (number(&row[3]) * 100.0).round() as i64,
            e.monthly_fen,
            "amount in yuan"
        );
        assert!(text(&row[4]).contains("保障"), "category {:?}", row[4]);
        assert_eq!(text(&row[5]), "新增");
        assert_eq!(text(&row[6]), e.public_ref, "public reference");
    }
    // Spot values, so the comparison is not only the database against itself.
    let find = |name: &str| {
        rows.iter()
            .find(|r| matches!(&r[1], Data::String(s) if s == name))
            .unwrap_or_else(|| panic!("{name} exported"))
    };
    assert_eq!(number(&find("司马光明")[3]), 1500.0);
    assert_eq!(number(&find("钱小红")[3]), 375.5);
    assert_eq!(number(&find("赵大山")[2]), 2.0);
    db.len()
}
