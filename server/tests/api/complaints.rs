use app::domain::Status;
use sqlx::Row;

use crate::both_backends;
use crate::helpers::{
    assert_logs_captured, logged_line_with_digits, logs_contain, spawn_app, spawn_app_with,
    token_in, Backend, BrowserExt, Options, SmtpSink, TestApp,
};

both_backends!(
    report_receipt_track_round_trip,
    wrong_receipt_gets_a_neutral_answer,
    anonymous_report_stores_no_contact,
    resubmitted_form_makes_one_case,
    oversized_report_is_refused,
    reports_are_rate_limited,
    hostile_input_comes_back_escaped,
    object_link_carries_the_entry,
    acknowledgement_reaches_a_real_smtp_sink,
    mail_waits_for_the_sink_to_return,
    review_only_after_an_answer,
    anonymous_report_with_a_phone_stores_no_phone,
    track_page_puts_the_answer_first,
    concurrent_first_submissions_make_one_case,
);

/// Opens the form and returns its one-time token.
async fn form_token(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let res = client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .expect("form");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    token_in(&res.text().await.expect("body"))
}

async fn submit(
    app: &TestApp,
    client: &reqwest::Client,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .browser_post(app.url("/report"))
        .form(fields)
        .send()
        .await
        .expect("submit")
}

const BODY: &str = "村主任把低保名额给了自己的亲戚，他们家有小车和新房。";

/// Submits a valid report and reads the receipt page; returns the 16 digits.
async fn report(app: &TestApp, client: &reqwest::Client, extra: &[(&str, &str)]) -> String {
    let token = form_token(app, client, "/report").await;
    let mut fields = vec![
        ("token", token.as_str()),
        ("category", "favouritism"),
        ("place", "v:530621103201"),
        ("body", BODY),
    ];
    fields.extend_from_slice(extra);
    let res = submit(app, client, &fields).await;
    assert_eq!(res.status().as_u16(), 303, "{:?}", res.text().await);
    let location = res.headers()["location"].to_str().expect("loc").to_owned();
    assert_eq!(location, "/report/receipt");
    read_receipt(app, client).await
}

async fn read_receipt(app: &TestApp, client: &reqwest::Client) -> String {
    let res = client
        .get(app.url("/report/receipt"))
        .send()
        .await
        .expect("receipt");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body = res.text().await.expect("body");
    let start = body.find(r#"class="receipt""#).expect("receipt shown");
    let code: String = body[start..]
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-')
        .take(19)
        .collect();
    assert_eq!(code.len(), 19, "{code}");
    assert!(body.contains("受理期限"));
    code.replace('-', "")
}

async fn track(app: &TestApp, client: &reqwest::Client, receipt: &str) -> reqwest::Response {
    client
        .browser_post(app.url("/track"))
        .form(&[("receipt", receipt)])
        .send()
        .await
        .expect("track")
}

async fn report_receipt_track_round_trip(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.new_client();
    let receipt = report(&app, &client, &[]).await;
    // Shown once.
    let again = client
        .get(app.url("/report/receipt"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    assert!(again.contains("已经显示过了") && !again.contains(&receipt[..8]));
    // Follow it, typed with spaces and dashes.
    let typed = format!(
        "{} {}-{} {}",
        &receipt[..4],
        &receipt[4..8],
        &receipt[8..12],
        &receipt[12..]
    );
    let res = track(&app, &client, &typed).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/track/case");
    let res = client
        .get(app.url("/track/case"))
        .send()
        .await
        .expect("case");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body = res.text().await.expect("b");
    assert!(
        body.contains("已提交，等待受理") && body.contains("举报已提交") && body.contains("龙泉村")
    );
    assert!(
        !body.contains(&receipt),
        "the tracking page does not repeat the receipt"
    );
    // Add information; it appears on the timeline.
    let res = client
        .browser_post(app.url("/track/info"))
        .form(&[("body", "补充：他家去年还买了一辆货车。")])
        .send()
        .await
        .expect("info");
    assert_eq!(res.status().as_u16(), 303);
    let body = client
        .get(app.url("/track/case?done=info"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    assert!(body.contains("已补充") && body.contains("他家去年还买了一辆货车"));
    // Stop following: the case is no longer shown without the receipt.
    client
        .browser_post(app.url("/track/end"))
        .send()
        .await
        .expect("end");
    let res = client.get(app.url("/track/case")).send().await.expect("r");
    assert_eq!(res.status().as_u16(), 303);
    // Stored as a keyed hash only; never in logs.
    let n: i64 =
        sqlx::query("SELECT COUNT(*) FROM complaints WHERE receipt_hash = $1 OR body LIKE $2")
            .bind(&receipt)
            .bind(format!("%{receipt}%"))
            .fetch_one(&app.db.pool)
            .await
            .expect("q")
            .get(0);
    assert_eq!(n, 0, "the receipt itself is not stored");
    assert_logs_captured(&app).await;
    assert!(
        logs_contain("report received"),
        "the report's own log event is captured"
    );
    if let Some(line) = logged_line_with_digits(&receipt) {
        panic!("receipt in logs: {line}");
    }
    // The durable write: SQLite commits with synchronous=FULL.
    if backend == Backend::Sqlite {
        let sync: i64 = sqlx::query("PRAGMA synchronous")
            .fetch_one(&app.db.pool)
            .await
            .expect("p")
            .get(0);
        assert_eq!(sync, 2, "synchronous=FULL");
    }
}

async fn wrong_receipt_gets_a_neutral_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.new_client();
    report(&app, &client, &[]).await;
    let mut bodies = Vec::new();
    for guess in [
        "0000000000000000",
        "1234-5678-9012-3456",
        "abc",
        "",
        "' OR 1=1 --",
    ] {
        let res = track(&app, &client, guess).await;
        assert_eq!(res.status().as_u16(), 404, "{guess}");
        let body = res.text().await.expect("b");
        assert!(body.contains("没有找到对应的举报"));
        // What was typed stays in the field (escaped), for correcting one digit.
        let kept = format!(
            r#"value="{}""#,
            guess.replace('&', "&amp;").replace('"', "&quot;")
        );
        assert!(body.contains(&kept), "{guess}: {kept}");
        bodies.push(body.replace(&kept, r#"value="""#));
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every wrong code gets the same answer, but for the typed value"
    );
}

async fn anonymous_report_stores_no_contact(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.new_client();
    let receipt = report(
        &app,
        &client,
        &[
            ("anonymous", "1"),
            ("name", "张三"),
            ("contact", "zhangsan@example.cn"),
        ],
    )
    .await;
    let id = app.complaint(&receipt).await.id;
    assert_eq!(app.stored_reporter(id).await, (None, None, None, true));
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM outbox")
        .fetch_one(&app.db.pool)
        .await
        .expect("q")
        .get(0);
    assert_eq!(n, 0, "no mail for an anonymous reporter");
    // Named reports keep them, in staff-only columns.
    let receipt = report(
        &app,
        &client,
        &[("name", "李四"), ("contact", "138 0000 1111")],
    )
    .await;
    let (name, contact, _, anonymous) = app.stored_reporter(app.complaint(&receipt).await.id).await;
    assert_eq!(
        (name.as_deref(), contact.as_deref(), anonymous),
        (Some("李四"), Some("138 0000 1111"), false)
    );
    assert_logs_captured(&app).await;
    if let Some(line) = logged_line_with_digits("138 0000 1111") {
        panic!("contact in logs: {line}");
    }
}

async fn resubmitted_form_makes_one_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.new_client();
    let token = form_token(&app, &client, "/report").await;
    let fields = [
        ("token", token.as_str()),
        ("category", "procedure"),
        ("place", "t:530621103000"),
        ("body", BODY),
    ];
    let first = submit(&app, &client, &fields).await;
    assert_eq!(first.status().as_u16(), 303);
    let r1 = read_receipt(&app, &client).await;
    // Double tap / retry: the same form again, even concurrently.
    let (a, b) = tokio::join!(
        submit(&app, &client, &fields),
        submit(&app, &client, &fields)
    );
    assert_eq!(a.status().as_u16(), 303);
    assert_eq!(b.status().as_u16(), 303);
    let r2 = read_receipt(&app, &client).await;
    assert_eq!(r1, r2, "the same receipt again");
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM complaints WHERE form_token_hash IS NOT NULL")
        .fetch_one(&app.db.pool)
        .await
        .expect("q")
        .get(0);
    assert_eq!(n, 1);
    // A forged or missing token is not accepted.
    let res = submit(
        &app,
        &client,
        &[
            ("token", "nope"),
            ("category", "other"),
            ("place", "t:530621103000"),
            ("body", BODY),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.expect("b").contains("表单已过期"));
}

/// The same form sent several times at once before any of them was stored (a double tap on a
/// slow connection): one case, one acknowledgement mail, every answer a redirect to the receipt,
/// and the receipt shown tracks that one case.
async fn concurrent_first_submissions_make_one_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.new_client();
    let token = form_token(&app, &client, "/report").await;
    let fields = [
        ("token", token.as_str()),
        ("category", "procedure"),
        ("place", "t:530621103000"),
        ("body", BODY),
        ("contact", "first@example.cn"),
    ];
    let (a, b, c, d) = tokio::join!(
        submit(&app, &client, &fields),
        submit(&app, &client, &fields),
        submit(&app, &client, &fields),
        submit(&app, &client, &fields)
    );
    for res in [a, b, c, d] {
        assert_eq!(
            res.status().as_u16(),
            303,
            "every copy gets the receipt page"
        );
    }
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM complaints WHERE form_token_hash IS NOT NULL")
        .fetch_one(&app.db.pool)
        .await
        .expect("q")
        .get(0);
    assert_eq!(n, 1, "one case for one form");
    let mails: i64 = sqlx::query("SELECT COUNT(*) FROM outbox")
        .fetch_one(&app.db.pool)
        .await
        .expect("q")
        .get(0);
    assert_eq!(mails, 1, "one acknowledgement");
    let receipt = read_receipt(&app, &client).await;
    let res = track(&app, &client, &receipt).await;
    assert_eq!(
        res.status().as_u16(),
        303,
        "the receipt shown finds the case"
    );
    let page = client
        .get(app.url("/track/case"))
        .send()
        .await
        .expect("case")
        .text()
        .await
        .expect("body");
    assert!(page.contains("answer-box"), "the tracked case page");
}

async fn oversized_report_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.new_client();
    let token = form_token(&app, &client, "/report").await;
    // Just over the 64 KiB form limit once URL-encoded (9 bytes a character).
    let huge = "举".repeat(8_000);
    let res = submit(
        &app,
        &client,
        &[
            ("token", &token),
            ("category", "other"),
            ("place", "t:530621103000"),
            ("body", &huge),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 413);
    assert!(res.text().await.expect("b").contains("提交的内容太大"));
    // Too long but under the body limit: a field message.
    let long = "举".repeat(5001);
    let res = submit(
        &app,
        &client,
        &[
            ("token", &token),
            ("category", "other"),
            ("place", "t:530621103000"),
            ("body", &long),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.expect("b").contains("内容不能超过5000字"));
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM complaints WHERE form_token_hash IS NOT NULL")
        .fetch_one(&app.db.pool)
        .await
        .expect("q")
        .get(0);
    assert_eq!(n, 0);
}

async fn reports_are_rate_limited(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.new_client();
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let token = form_token(&app, &client, "/report").await;
        let res = submit(
            &app,
            &client,
            &[
                ("token", &token),
                ("category", "other"),
                ("place", "t:530621103000"),
                ("body", BODY),
            ],
        )
        .await;
        statuses.push(res.status().as_u16());
        if res.status().as_u16() == 429 {
            assert!(res.headers().contains_key("retry-after"));
            assert!(res.text().await.expect("b").contains("操作太频繁"));
        }
    }
    assert_eq!(statuses, [303, 303, 303, 303, 303, 429]);
    // Tracking is limited too.
    let mut last = 0;
    for _ in 0..11 {
        last = track(&app, &client, "0000000000000000")
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
}

async fn hostile_input_comes_back_escaped(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.new_client();
    let token = form_token(&app, &client, "/report").await;
    let xss = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    // Missing category: the form comes back with what was typed, escaped.
    let res = submit(
        &app,
        &client,
        &[
            ("token", &token),
            ("place", "v:530621103201"),
            ("body", xss),
            ("accused", xss),
            ("name", xss),
            ("contact", xss),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.expect("b");
    assert!(!body.contains("<script>alert(1)") && !body.contains("<img src=x"));
    assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Stored as given, shown escaped on the timeline.
    let receipt = report(&app, &client, &[("accused", xss)]).await;
    track(&app, &client, &receipt).await;
    client
        .browser_post(app.url("/track/info"))
        .form(&[("body", format!("{xss} 补充材料补充材料"))])
        .send()
        .await
        .expect("info");
    let body = client
        .get(app.url("/track/case"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    assert!(!body.contains("<script>alert(1)"));
    assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let stored = app.staff_complaint(&receipt).await.accused;
    assert_eq!(stored.as_deref(), Some(xss), "stored as given");
}

async fn object_link_carries_the_entry(backend: Backend) {
    let app = spawn_app(backend).await;
    let entry = app.standing_entry("530621103201").await;
    let (public_ref, entry_id, name) = (entry.public_ref, entry.id, entry.head_name);
    let client = app.new_client();
    let body = client
        .get(app.url(&format!("/report?entry={public_ref}")))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    assert!(body.contains("您要反映的公示名单条目"));
    assert!(
        body.contains(r#"<option value="v:530621103201" selected"#),
        "village preselected"
    );
    assert!(
        !body.contains(&format!(">{name}<")) && !body.contains(&format!(" {name} ")),
        "no full name"
    );
    let token = form_token(&app, &client, &format!("/report?entry={public_ref}")).await;
    let res = submit(
        &app,
        &client,
        &[
            ("token", &token),
            ("entry", &public_ref),
            ("category", "wrongful_inclusion"),
            ("place", "v:530621103201"),
            ("body", BODY),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let receipt = read_receipt(&app, &client).await;
    let stored = app.staff_complaint(&receipt).await.entry_id;
    assert_eq!(stored, Some(entry_id));
    // A nonsense reference is ignored, not an error.
    let res = client
        .get(app.url("/report?entry=%3Cscript%3E"))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 200);
}

async fn acknowledgement_reaches_a_real_smtp_sink(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(
        backend,
        Options {
            smtp_url: Some(format!("smtp://127.0.0.1:{}", sink.port)),
            ..Default::default()
        },
    )
    .await;
    let client = app.new_client();
    let receipt = report(&app, &client, &[("contact", "reporter@example.cn")]).await;
    let got = sink.wait_for(1).await;
    assert_eq!(got.len(), 1, "one acknowledgement");
    let mail = &got[0];
    assert!(mail.contains("To: reporter@example.cn"));
    assert!(
        mail.contains("您的举报已收到") || mail.contains("举报已收到"),
        "decoded: {mail}"
    );
    assert!(!mail.contains(&receipt), "the receipt is never mailed");
    // The sink has the message before the worker hears its "250" and marks the row sent.
    let mut state = String::new();
    for _ in 0..100 {
        state = sqlx::query("SELECT state FROM outbox")
            .fetch_one(&app.db.pool)
            .await
            .expect("q")
            .get(0);
        if state == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(state, "sent");
    // Sent under the Message-ID fixed when it was queued (a retry would carry the same).
    let message_id: String = sqlx::query("SELECT message_id FROM outbox")
        .fetch_one(&app.db.pool)
        .await
        .expect("q")
        .get(0);
    assert!(
        mail.contains(&format!("Message-ID: {message_id}")),
        "{message_id} in {mail}"
    );
}

async fn mail_waits_for_the_sink_to_return(backend: Backend) {
    // A port with nobody listening (yet).
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let url = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with(
        backend,
        Options {
            smtp_url: Some(url.clone()),
            ..Default::default()
        },
    )
    .await;
    let client = app.new_client();
    report(&app, &client, &[("contact", "reporter@example.cn")]).await;
    // The worker tried and failed: the mail is kept, with its error, for a later attempt.
    let mut failed = false;
    for _ in 0..100 {
        let row = sqlx::query("SELECT state, attempts, last_error FROM outbox")
            .fetch_one(&app.db.pool)
            .await
            .expect("q");
        if row.get::<i64, _>(1) > 0 {
            assert_eq!(row.get::<String, _>(0), "pending");
            assert!(row.get::<Option<String>, _>(2).is_some());
            failed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(failed, "the first attempt failed and was recorded");
    // The sink comes back; the next attempt (its back-off passed) delivers it.
    let sink = SmtpSink::start_on(port).await;
    let mailer = app::mail::Mailer::new(
        Some(&url),
        "noreply@sunshine.test",
        app.data_dir.path().join("mail"),
    )
    .expect("mailer");
    let sent = app::mail::deliver_due(&app.db, &mailer, app::db::now_epoch() + 3600)
        .await
        .expect("deliver");
    assert_eq!(sent, 1);
    assert_eq!(sink.received().len(), 1);
    let state: String = sqlx::query("SELECT state FROM outbox")
        .fetch_one(&app.db.pool)
        .await
        .expect("q")
        .get(0);
    assert_eq!(state, "sent");
}

async fn review_only_after_an_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.new_client();
    let receipt = report(&app, &client, &[]).await;
    track(&app, &client, &receipt).await;
    let body = client
        .get(app.url("/track/case"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    assert!(!body.contains("申请复查"), "no review before an answer");
    let res = client
        .browser_post(app.url("/track/review"))
        .form(&[("body", "我不同意这个答复，请重新核实。")])
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 409);
    // Simulate the staff workflow's answer (that side is another feature).
    let id = app.complaint(&receipt).await.id;
    app.answer_complaint(id, Status::Submitted, None, "经核实，情况属实，已停发。")
        .await;
    let body = client
        .get(app.url("/track/case"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    assert!(body.contains("经核实，情况属实，已停发") && body.contains("申请复查"));
    let res = client
        .browser_post(app.url("/track/review"))
        .form(&[("body", "我不同意这个答复，请重新核实。")])
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 303);
    let status = app::db::complaints::summary(&app.db, id)
        .await
        .expect("q")
        .expect("q")
        .status;
    assert_eq!(status.as_str(), "reopened");
}

/// Ticking 匿名 hides the contact fields in the browser; whatever they still carried (typed
/// before ticking, or sent by hand) is not kept: no phone, no name, and no trace of either.
async fn anonymous_report_with_a_phone_stores_no_phone(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.new_client();
    let phone = "139 8765 4321";
    let receipt = report(
        &app,
        &client,
        &[("anonymous", "on"), ("name", "王五"), ("contact", phone)],
    )
    .await;
    let id = app.complaint(&receipt).await.id;
    let stored = app.stored_reporter(id).await;
    assert_eq!(stored, (None, None, None, true), "no name, phone or e-mail");
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let events: Vec<String> = app::db::complaints::all_events(&app.db, id)
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.body)
        .collect();
    assert!(
        events
            .iter()
            .all(|b| !b.contains(phone) && !b.contains(&digits) && !b.contains("王五")),
        "{events:?}"
    );
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM outbox")
        .fetch_one(&app.db.pool)
        .await
        .expect("q")
        .get(0);
    assert_eq!(n, 0, "nothing to send to an anonymous reporter");
    assert!(!logs_contain("139 8765 4321") && !logs_contain(&digits));
}

/// The reporter reads the answer first, in its box above everything else; the household the
/// report objected to (masked, as the public list shows it); and each deadline as a date with
/// what it means — including the last day to ask for a review once there is an answer.
async fn track_page_puts_the_answer_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let entry = app.standing_entry("530621103201").await;
    let (public_ref, full_name) = (entry.public_ref, entry.head_name);
    let client = app.new_client();
    let receipt = report(&app, &client, &[("entry", public_ref.as_str())]).await;
    assert_eq!(track(&app, &client, &receipt).await.status().as_u16(), 303);
    let page = |client: reqwest::Client| {
        let url = app.url("/track/case");
        async move {
            client
                .get(url)
                .send()
                .await
                .expect("r")
                .text()
                .await
                .expect("b")
        }
    };
    let body = page(client.clone()).await;
    let answer_box = body.find(r#"class="answer-box""#).expect("answer box");
    assert!(answer_box < body.find("办理过程").expect("timeline"));
    assert!(body.contains("还没有答复。"));
    assert!(body.contains("反映的家庭") && body.contains("龙泉村 长期公示 · "));
    assert!(
        !body.contains(&format!("· {full_name} ·")),
        "only the masked name"
    );
    assert!(body.contains("工作人员在这一天之前决定是否受理。"));
    assert!(
        !body.contains("申请复查截止"),
        "no review deadline before an answer"
    );

    // Answered today (as the staff workflow would): the answer heads the page, and the last
    // day to ask for a review is a date, 30 days on.
    let id = app.complaint(&receipt).await.id;
    let today = app::db::today_cst();
    let answer = "经核实，该户情况属实，已停发。";
    app.answer_complaint(id, Status::Submitted, Some(today), answer)
        .await;
    let body = page(client.clone()).await;
    let answer = body.find("经核实，该户情况属实，已停发。").expect("answer");
    assert!(answer < body.find("办理过程").expect("timeline"));
    assert!(answer > body.find(r#"class="answer-box""#).expect("box"));
    let until = today + chrono::Duration::days(30);
    let words = app::web::format::date_words(app::i18n::Lang::Zh, until, today);
    assert!(
        body.contains("申请复查截止") && body.contains(&words),
        "review deadline {words}"
    );
    assert!(body.contains("对答复不满意，可以在这一天之前申请复查。"));

    // After a review request the answer deadline is the review's, and says so.
    let res = client
        .browser_post(app.url("/track/review"))
        .form(&[("body", "我不同意这个答复，请重新核实。")])
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 303);
    let body = page(client).await;
    assert!(body.contains("复查答复期限") && body.contains("您申请了复查"));
}
