//! Written notices and re-checks through the real server: a refusal's notice, delivered late and
//! listed as overdue; a re-check that stops or adjusts an allowance, its notice, and the next
//! standing list showing 停发 / 减发; a recipient's own change report becoming a re-check lead
//! followed at /track; notice numbers without gaps or duplicates under concurrent decisions.

use sqlx::Row;

use crate::both_backends;
use crate::helpers::{
    field_in, form_token, spawn_app, Backend, BrowserExt, StaffSession, TestApp, PNG,
};

both_backends!(
    a_refusal_gets_a_notice_that_is_overdue_until_delivered,
    a_recheck_stop_makes_a_notice_and_shows_on_the_next_standing_list,
    a_recipients_change_report_becomes_a_tracked_recheck_lead,
    a_rechecks_evidence_file_is_kept_for_staff_in_scope,
    notice_numbers_have_no_gaps_or_duplicates_under_concurrency,
    a_recheck_is_recorded_once_however_often_its_form_is_sent,
    a_refused_recheck_shows_what_was_typed,
    a_late_recorded_taper_runs_from_the_decision_and_a_later_recheck_ends_it,
);

const LONGQUAN: &str = "530621103201";

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

/// Registers an application in 龙泉村 and refuses it at once (不予受理); returns the case id.
async fn refused_case(_app: &TestApp, officer: &StaffSession, name: &str) -> i64 {
    officer
        .refused_case(LONGQUAN, name, "530621198503150022")
        .await
}

async fn notice_of_case(app: &TestApp, case: i64) -> (i64, String, String) {
    let filter = app::db::notices::NoticeFilter {
        case_id: Some(case),
        ..Default::default()
    };
    let row = notices(app, &filter)
        .await
        .into_iter()
        .next()
        .expect("a notice for the refusal");
    (row.id, row.number, row.kind.as_str().to_owned())
}

/// Every notice `filter` lets through.
async fn notices(
    app: &TestApp,
    filter: &app::db::notices::NoticeFilter,
) -> Vec<app::db::notices::Notice> {
    app::db::notices::list(&app.db, filter, i64::MAX)
        .await
        .expect("notices")
}

/// Every notice of a household.
async fn notices_of_household(app: &TestApp, household: i64) -> Vec<app::db::notices::Notice> {
    let filter = app::db::notices::NoticeFilter {
        household_id: Some(household),
        ..Default::default()
    };
    notices(app, &filter).await
}

async fn overdue_on_dashboard(officer: &StaffSession) -> i64 {
    let (status, html) = officer.get_text("/staff").await;
    assert_eq!(status, 200);
    let at = html
        .find(r#"href="/staff/notices?overdue=1">"#)
        .expect("count")
        + 32;
    html[at..]
        .split('<')
        .next()
        .expect("n")
        .trim()
        .parse()
        .expect("number")
}

async fn a_refusal_gets_a_notice_that_is_overdue_until_delivered(backend: Backend) {
    let app = spawn_app(backend).await;
    let officer = app.staff_session("demo.longtoushan").await;
    let before = overdue_on_dashboard(&officer).await;
    let case = refused_case(&app, &officer, "申屠告知").await;
    let (id, number, kind) = notice_of_case(&app, case).await;
    assert_eq!(kind, "refusal");
    let year = app::db::today_cst().format("%Y").to_string();
    assert!(
        number.starts_with(&format!("鲁民低告〔{year}〕")) && number.ends_with('号'),
        "{number}"
    );
    // The printable notice: number, decision, reason, the rule, review rights, the issuer.
    let (status, html) = officer.get_text(&format!("/staff/notices/{id}")).await;
    assert_eq!(status, 200);
    for needle in [
        number.as_str(),
        "不予受理",
        "户籍不在本村",
        "社会救助暂行办法",
        "行政复议",
        "行政诉讼",
        "龙头山镇人民政府",
    ] {
        assert!(html.contains(needle), "notice shows {needle}");
    }
    // Another township's officer cannot see it.
    let other = app.staff_session("demo.shuimo").await;
    let status = other
        .get(&format!("/staff/notices/{id}"))
        .await
        .status()
        .as_u16();
    assert!(status == 403 || status == 404, "{status}");
    // Three working days pass without delivery: overdue, on the list and the dashboard.
    let today = app::db::today_cst();
    sqlx::query("UPDATE notices SET decided_on = $1, deliver_by = $2 WHERE id = $3")
        .bind((today - chrono::Duration::days(10)).to_string())
        .bind((today - chrono::Duration::days(5)).to_string())
        .bind(id)
        .execute(&app.db.pool)
        .await
        .expect("age the notice");
    let (_, list) = officer.get_text("/staff/notices?overdue=1").await;
    assert!(list.contains(&number), "listed as overdue");
    assert_eq!(overdue_on_dashboard(&officer).await, before + 1);
    // A delivery in the future is refused and changes nothing.
    let res = officer
        .post_form(
            &format!("/staff/notices/{id}/delivery"),
            &[
                (
                    "delivered_on",
                    &(today + chrono::Duration::days(3)).to_string(),
                ),
                ("method", "in_person"),
                ("delivered_by", "王芳"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let delivered = app::db::notices::get(&app.db, id)
        .await
        .expect("q")
        .expect("q")
        .delivered_on;
    assert_eq!(delivered, None);
    // Delivered today (late): no longer overdue, counted as issued but not on time.
    let res = officer
        .post_form(
            &format!("/staff/notices/{id}/delivery"),
            &[
                ("delivered_on", &today.to_string()),
                ("method", "village"),
                ("delivered_by", "村委会 王会计"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "delivery");
    assert_eq!(overdue_on_dashboard(&officer).await, before);
    let (_, list) = officer.get_text("/staff/notices?overdue=1").await;
    assert!(!list.contains(&number), "no longer overdue");
    // Recorded once: a second delivery is refused.
    let res = officer
        .post_form(
            &format!("/staff/notices/{id}/delivery"),
            &[
                ("delivered_on", &today.to_string()),
                ("method", "post"),
                ("delivered_by", "王芳"),
            ],
        )
        .await;
    assert!(res.status().is_client_error());
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|(_, a)| a == "notice.issue"));
    // The public sees counts only: issued and delivered on time, per township.
    let stats: serde_json::Value = app
        .client
        .get(app.url("/api/v1/stats"))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    let text = stats.to_string();
    assert!(text.contains("\"notices\""), "{text}");
    assert!(!text.contains("申屠告知") && !text.contains(&number));
    let (_, page) = app.get_text("/stats").await;
    assert!(page.contains("书面告之") && !page.contains(&number));
}

/// 龙泉村's current standing list, in its order.
async fn standing_entries(app: &TestApp) -> Vec<app::db::publicity::StaffEntry> {
    let village = app::db::regions::by_code(&app.db, app::db::regions::Level::Village, LONGQUAN)
        .await
        .expect("q")
        .expect("village");
    let standing = app::db::publicity::current_standing(&app.db, village.id)
        .await
        .expect("q")
        .expect("a standing list");
    let mut entries = app::db::publicity::staff_entries(&app.db, standing.id)
        .await
        .expect("entries");
    entries.sort_by_key(|e| e.seq);
    entries
}

/// Recipients on 龙泉村's current standing list (not stopped): (household, monthly fen).
async fn recipients(app: &TestApp, n: usize) -> Vec<(i64, i64)> {
    standing_entries(app)
        .await
        .into_iter()
        .filter(|e| e.change != app::domain::ChangeKind::Stop)
        .take(n)
        .map(|e| (e.household_id, e.monthly_fen))
        .collect()
}

async fn record(
    officer: &StaffSession,
    household: i64,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().text("csrf", officer.csrf.clone());
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    officer
        .client
        .browser_post(officer.url(&format!("/staff/rechecks/household/{household}")))
        .multipart(form)
        .send()
        .await
        .expect("record")
}

async fn a_recheck_stop_makes_a_notice_and_shows_on_the_next_standing_list(backend: Backend) {
    let app = spawn_app(backend).await;
    let officer = app.staff_session("demo.longtoushan").await;
    let list = recipients(&app, 3).await;
    let [(stopped, _), (adjusted, old_fen), (kept, kept_fen)] = list[..] else {
        panic!("three recipients")
    };
    let today = app::db::today_cst().to_string();
    // Findings are required; nothing is recorded without them.
    let res = record(
        &officer,
        stopped,
        &[
            ("method", "visit"),
            ("checked_on", &today),
            ("outcome", "stop"),
            ("findings", ""),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 422);
    // A complete form with another CSRF token: 403 before anything of it is read.
    let forged = officer.with_csrf(&"0".repeat(64));
    let stop = [
        ("method", "visit"),
        ("checked_on", today.as_str()),
        ("outcome", "stop"),
        (
            "findings",
            "家中两人在外务工，月收入合计6000元，已超过标准。",
        ),
    ];
    let res = record(&forged, stopped, &stop).await;
    assert_eq!(res.status().as_u16(), 403);
    let done = app::db::rechecks::of_household(&app.db, stopped)
        .await
        .expect("q")
        .iter()
        .filter(|r| r.done)
        .count();
    assert_eq!(done, 0);
    // Stop: recorded, the household stopped, a stop notice issued.
    let res = record(
        &officer,
        stopped,
        &[
            ("method", "visit"),
            ("checked_on", &today),
            ("outcome", "stop"),
            (
                "findings",
                "家中两人在外务工，月收入合计6000元，已超过标准。",
            ),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303, "stop");
    let kind = notices_of_household(&app, stopped)
        .await
        .into_iter()
        .next()
        .expect("stop notice")
        .kind;
    assert_eq!(kind.as_str(), "stop");
    // Adjust down by 100 yuan: an adjustment notice.
    let new_amount = ((old_fen - 10_000) / 100).to_string();
    let res = record(
        &officer,
        adjusted,
        &[
            ("method", "phone"),
            ("checked_on", &today),
            ("outcome", "adjust"),
            ("amount", &new_amount),
            ("findings", "家庭成员领取养老金，收入增加。"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303, "adjust");
    // Continue: no notice, the next re-check date moves on.
    let res = record(
        &officer,
        kept,
        &[
            ("method", "visit"),
            ("checked_on", &today),
            ("outcome", "continue"),
            ("findings", "情况无变化，继续享受。"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303, "continue");
    let notices = notices_of_household(&app, kept).await.len();
    assert_eq!(notices, 0);
    let due: String = app::db::rechecks::household(&app.db, kept)
        .await
        .expect("q")
        .expect("q")
        .0
        .recheck_due_on
        .expect("q")
        .to_string();
    assert!(due.as_str() > today.as_str(), "next due {due}");
    // Next month's standing list: 停发, 减发 with the new amount, 续保 at the same.
    let village = app::db::regions::by_code(&app.db, app::db::regions::Level::Village, LONGQUAN)
        .await
        .expect("q")
        .expect("village");
    let res = officer
        .post_form(
            "/staff/cases/standing",
            &[("village", &village.id.to_string())],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "next standing");
    let batch: i64 = location(&res)
        .rsplit('/')
        .next()
        .expect("id")
        .parse()
        .expect("id");
    let entries = app::db::publicity::staff_entries(&app.db, batch)
        .await
        .expect("entries");
    let change = |h: i64| {
        let e = entries.iter().find(|e| e.household_id == h).expect("entry");
        (e.change.as_str().to_owned(), e.monthly_fen)
    };
    assert_eq!(change(stopped).0, "stop");
    assert_eq!(change(adjusted), ("decrease".to_owned(), old_fen - 10_000));
    assert_eq!(change(kept), ("renew".to_owned(), kept_fen));
    let res = officer
        .post_form(&format!("/staff/publicity/{batch}/publish"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303, "publish");
    let (_, page) = app.get_text(&format!("/p/{batch}")).await;
    assert!(page.contains("停发") && page.contains("减发"));
    // The list after that no longer carries the stopped household.
    let mut conn = app.db.pool.acquire().await.expect("conn");
    app::db::rechecks::set_due(&mut conn, kept, today.parse().expect("today"))
        .await
        .expect("q");
    drop(conn);
    let res = officer
        .post_form(
            "/staff/cases/standing",
            &[("village", &village.id.to_string())],
        )
        .await;
    // Nothing new and nothing changed since: no list to make.
    if res.status().as_u16() != 409 {
        let next: i64 = location(&res)
            .rsplit('/')
            .next()
            .expect("id")
            .parse()
            .expect("id");
        let rows: Vec<(i64, String, Option<i64>)> =
            app::db::publicity::staff_entries(&app.db, next)
                .await
                .expect("q")
                .into_iter()
                .filter(|e| e.change.as_str() != "renew")
                .map(|e| (e.household_id, e.change.as_str().to_owned(), e.case_id))
                .collect();
        panic!("a list with nothing changed: {rows:?}");
    }
    let listed: i64 =
        sqlx::query("SELECT COUNT(*) FROM batch_entries WHERE household_id = $1 AND batch_id > $2")
            .bind(stopped)
            .bind(batch)
            .fetch_one(&app.db.pool)
            .await
            .expect("q")
            .get(0);
    assert_eq!(listed, 0);
}

/// The public reference of a recipient's row on 龙泉村's standing list (its last).
async fn entry_ref(app: &TestApp) -> (String, i64) {
    let last = standing_entries(app).await.pop().expect("an entry");
    (last.public_ref, last.household_id)
}

async fn a_recipients_change_report_becomes_a_tracked_recheck_lead(backend: Backend) {
    let app = spawn_app(backend).await;
    let (reference, household) = entry_ref(&app).await;
    let reporter = app.new_client();
    // /change from a row: the report form, set to 家庭情况变化 / 申请退出 for that household.
    let res = reporter
        .get(app.url(&format!("/change?entry={reference}")))
        .send()
        .await
        .expect("change");
    assert_eq!(res.status().as_u16(), 303);
    let form_path = location(&res);
    assert_eq!(form_path, format!("/report?entry={reference}&kind=change"));
    let (status, html) = app.get_text(&form_path).await;
    assert_eq!(status, 200);
    let at = html
        .find(r#"value="household_change""#)
        .expect("the choice");
    let tag = html[at..].split('>').next().expect("tag");
    assert!(tag.contains("checked"), "preselected: {tag}");
    // Without a household it says where to start, and stores nothing.
    let (status, html) = app.get_text("/change").await;
    assert_eq!(status, 200);
    assert!(html.contains("长期公示名单"));
    let before: i64 = sqlx::query("SELECT COUNT(*) FROM complaints")
        .fetch_one(&app.db.pool)
        .await
        .expect("q")
        .get(0);
    let token = form_token(&app, &reporter, "/report").await;
    let res = reporter
        .browser_post(app.url("/report"))
        .form(&[
            ("token", token.as_str()),
            ("category", "household_change"),
            ("place", &format!("v:{LONGQUAN}")),
            (
                "body",
                "儿子今年大学毕业参加工作了，家里收入增加，申请退出低保。",
            ),
        ])
        .send()
        .await
        .expect("report");
    assert_eq!(res.status().as_u16(), 422);
    let after: i64 = sqlx::query("SELECT COUNT(*) FROM complaints")
        .fetch_one(&app.db.pool)
        .await
        .expect("q")
        .get(0);
    assert_eq!(after, before, "nothing stored without a household");
    // From the row: a receipt, and a re-check lead of that household in the same commit.
    let token = form_token(&app, &reporter, &form_path).await;
    let res = reporter
        .browser_post(app.url("/report"))
        .form(&[
            ("token", token.as_str()),
            ("category", "household_change"),
            ("place", &format!("v:{LONGQUAN}")),
            ("entry", reference.as_str()),
            ("anonymous", "on"),
            (
                "body",
                "儿子今年大学毕业参加工作了，家里收入增加，申请退出低保。",
            ),
        ])
        .send()
        .await
        .expect("report");
    assert_eq!(res.status().as_u16(), 303, "receipt");
    let body = reporter
        .get(app.url("/report/receipt"))
        .send()
        .await
        .expect("receipt")
        .text()
        .await
        .expect("body");
    let start = body.find(r#"class="receipt""#).expect("receipt shown");
    let receipt: String = body[start..]
        .chars()
        .filter(char::is_ascii_digit)
        .take(16)
        .collect();
    let leads = app::db::rechecks::of_household(&app.db, household)
        .await
        .expect("q");
    let lead = leads
        .iter()
        .find(|r| r.complaint_id.is_some())
        .expect("a lead");
    assert_eq!(lead.source.as_str(), "report");
    assert!(!lead.done, "open");
    assert!(lead.lead.contains("申请退出"));
    let complaint = app::db::complaints::summary(&app.db, lead.complaint_id.expect("its report"))
        .await
        .expect("q")
        .expect("the report");
    assert_eq!(complaint.category.as_str(), "household_change");
    // The township sees the lead on its re-check list; the reporter follows it at /track.
    let officer = app.staff_session("demo.longtoushan").await;
    let (_, list) = officer.get_text("/staff/rechecks").await;
    assert!(list.contains(&format!("/staff/rechecks/household/{household}")));
    let res = reporter
        .browser_post(app.url("/track"))
        .form(&[("receipt", receipt.as_str())])
        .send()
        .await
        .expect("track");
    assert!(res.status().is_redirection() || res.status().is_success());
    let page = reporter
        .get(app.url("/track/case"))
        .send()
        .await
        .expect("case")
        .text()
        .await
        .expect("body");
    assert!(page.contains("家庭情况变化"), "the case is tracked");
    assert!(!page.contains("复核："), "no outcome before the re-check");
    // The officer re-checks the household: the lead closes and the reporter reads the outcome.
    let today = app::db::today_cst().to_string();
    let res = record(
        &officer,
        household,
        &[
            ("method", "visit"),
            ("checked_on", &today),
            ("outcome", "stop"),
            ("findings", "儿子已就业，家庭人均收入超过当地低保标准。"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303, "re-check recorded");
    let done = app::db::rechecks::of_household(&app.db, household)
        .await
        .expect("lead")
        .first()
        .expect("lead")
        .done;
    assert!(done, "the lead is closed by the record");
    let page = reporter
        .get(app.url("/track/case"))
        .send()
        .await
        .expect("case")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("家庭情况已复核"),
        "the re-check on the timeline"
    );
    let answer_box = page
        .split(r#"class="answer-box""#)
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the answer box");
    assert!(
        answer_box.contains("复核：该户停发"),
        "the outcome is the answer shown first"
    );
    assert!(
        page.contains(&format!("{today} 复核：该户停发最低生活保障金")),
        "the outcome and its date"
    );
    assert!(
        !page.contains("就业，家庭人均收入"),
        "the officer's findings stay on the staff side"
    );
}

async fn notice_numbers_have_no_gaps_or_duplicates_under_concurrency(backend: Backend) {
    let app = spawn_app(backend).await;
    let officer = app.staff_session("demo.longtoushan").await;
    let existing = app::db::notices::list(&app.db, &Default::default(), i64::MAX)
        .await
        .expect("q")
        .len() as i64;
    let mut cases = Vec::new();
    for tag in ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"] {
        // Registered one by one; refused all at once below.
        let today = app::db::today_cst().to_string();
        let name = format!("并发{tag}");
        let res = officer
            .post_form(
                "/staff/cases",
                &[
                    ("village", LONGQUAN),
                    ("group", "一组"),
                    ("channel", "self"),
                    ("received_on", &today),
                    ("category", "yiban"),
                    ("m0_name", &name),
                    ("m0_id", "530621198503150022"),
                ],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303);
        let id: i64 = location(&res)
            .trim_start_matches('/')
            .split(['/', '?'])
            .nth(2)
            .expect("id")
            .parse()
            .expect("id");
        cases.push(id);
    }
    let mut refusals = tokio::task::JoinSet::new();
    for id in cases.clone() {
        let officer = officer.clone();
        refusals.spawn(async move {
            let res = officer
                .post_form(
                    &format!("/staff/cases/{id}/reject"),
                    &[("reason", "户籍不在本村")],
                )
                .await;
            let status = res.status().as_u16();
            let body = res.text().await.unwrap_or_default();
            let error = body
                .split(r#"class="error""#)
                .nth(1)
                .unwrap_or("")
                .chars()
                .take(160)
                .collect::<String>();
            (status, error)
        });
    }
    let statuses = refusals.join_all().await;
    assert!(statuses.iter().all(|s| s.0 == 303), "{statuses:?}");
    let year = i64::from(chrono::Datelike::year(&app::db::today_cst()));
    let seqs: Vec<i64> = sqlx::query("SELECT seq FROM notices WHERE year = $1 ORDER BY seq")
        .bind(year)
        .fetch_all(&app.db.pool)
        .await
        .expect("q")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
    assert_eq!(seqs, expected, "numbered 1..n without gaps or duplicates");
    assert!(seqs.len() as i64 >= existing.min(seqs.len() as i64) && seqs.len() >= 8);
    for id in cases {
        notice_of_case(&app, id).await;
    }
}

/// A re-check recorded with its evidence file (the multipart form's `file`): the file is stored
/// with the re-check, listed on the household's page, served byte for byte to staff in scope
/// (audited), and refused to another township's officer and to anyone signed out.
async fn a_rechecks_evidence_file_is_kept_for_staff_in_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let officer = app.staff_session("demo.longtoushan").await;
    let [(household, _)] = recipients(&app, 1).await[..] else {
        panic!("a recipient")
    };
    let today = app::db::today_cst().to_string();
    let form = reqwest::multipart::Form::new()
        .text("csrf", officer.csrf.clone())
        .text("method", "visit")
        .text("checked_on", today)
        .text("outcome", "continue")
        .text("findings", "入户核查，家庭情况无变化。")
        .part(
            "file",
            reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("核查照片.png"),
        );
    let res = officer
        .client
        .browser_post(officer.url(&format!("/staff/rechecks/household/{household}")))
        .multipart(form)
        .send()
        .await
        .expect("record");
    assert_eq!(res.status().as_u16(), 303, "recorded with its file");
    let row = sqlx::query(
        "SELECT f.id, f.file_name, f.size FROM recheck_files f JOIN rechecks r ON r.id = f.recheck_id
         WHERE r.household_id = $1 AND r.status = 'done'",
    )
    .bind(household)
    .fetch_one(&app.db.pool)
    .await
    .expect("the file belongs to the done re-check");
    let (id, name, size): (i64, String, i64) = (row.get(0), row.get(1), row.get(2));
    assert_eq!((name.as_str(), size), ("核查照片.png", PNG.len() as i64));
    let href = format!("/staff/rechecks/files/{id}");
    let (status, page) = officer
        .get_text(&format!("/staff/rechecks/household/{household}"))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains(&href), "the household page links the file");
    let res = officer.get(&href).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.expect("bytes").as_ref(), PNG);
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|(actor, action)| actor == "demo.longtoushan" && action == "recheck.file_view"),
        "viewing the file is audited"
    );
    // Another township's officer: not theirs — not the file, not the household's page, and a
    // re-check they send is refused and records nothing.
    let other = app.staff_session("demo.shuimo").await;
    let status = other.get(&href).await.status().as_u16();
    assert!(matches!(status, 403 | 404), "another township: {status}");
    let page_path = format!("/staff/rechecks/household/{household}");
    let (status, page) = other.get_text(&page_path).await;
    assert!(
        matches!(status, 403 | 404),
        "another township's page: {status}"
    );
    assert!(
        !page.contains(&href) && !page.contains("入户核查"),
        "nothing of it shown"
    );
    let today = app::db::today_cst().to_string();
    let fields = [
        ("method", "visit"),
        ("checked_on", today.as_str()),
        ("outcome", "stop"),
        ("findings", "另一乡镇的人员试图停发。"),
    ];
    let res = record(&other, household, &fields).await;
    assert!(
        matches!(res.status().as_u16(), 403 | 404),
        "another township's re-check: {}",
        res.status()
    );
    assert_eq!(
        done_rechecks(&app, household).await.len(),
        1,
        "nothing recorded"
    );
    // Signed out: to the login page, no bytes.
    let res = app
        .new_client()
        .get(app.url(&href))
        .send()
        .await
        .expect("get");
    assert_eq!(res.status().as_u16(), 303);
    assert!(!res.bytes().await.expect("body").starts_with(&PNG[..8]));
}

/// The `seen` value of a household's re-check form, as the page gives it.
async fn seen_on_form(officer: &StaffSession, household: i64) -> String {
    let (status, page) = officer
        .get_text(&format!("/staff/rechecks/household/{household}"))
        .await;
    assert_eq!(status, 200);
    field_in(&page, "seen")
}

async fn done_rechecks(app: &TestApp, household: i64) -> Vec<app::db::rechecks::Recheck> {
    app::db::rechecks::of_household(&app.db, household)
        .await
        .expect("q")
        .into_iter()
        .filter(|r| r.done)
        .collect()
}

/// A form sent twice (a double click, a colleague at the same moment) records one re-check and
/// issues at most one notice; the others are refused and change nothing.
async fn a_recheck_is_recorded_once_however_often_its_form_is_sent(backend: Backend) {
    let app = spawn_app(backend).await;
    let officer = app.staff_session("demo.longtoushan").await;
    let list = recipients(&app, 2).await;
    let [(raced, _), (resent, _)] = list[..] else {
        panic!("two recipients")
    };
    let today = app::db::today_cst().to_string();
    let form = |outcome: &'static str, seen: String| {
        vec![
            ("method", "visit".to_owned()),
            ("checked_on", today.clone()),
            ("outcome", outcome.to_owned()),
            ("findings", "入户核实，家庭收入情况已登记。".to_owned()),
            ("seen", seen),
        ]
    };

    // Four at once, two stops and two continues, from one form: one is recorded.
    let seen = seen_on_form(&officer, raced).await;
    assert!(!seen.is_empty());
    let before = done_rechecks(&app, raced).await.len();
    let mut sends = tokio::task::JoinSet::new();
    for outcome in ["stop", "continue", "stop", "continue"] {
        let officer = officer.clone();
        let fields = form(outcome, seen.clone());
        sends.spawn(async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = record(&officer, raced, &pairs).await;
            let status = res.status().as_u16();
            (status, res.text().await.unwrap_or_default())
        });
    }
    let answers = sends.join_all().await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.0).collect();
    let errors: Vec<String> = answers
        .iter()
        .map(|(_, body)| {
            let e = body.split(r#"class="error""#).nth(1).unwrap_or("");
            e.chars().take(120).collect()
        })
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?} {errors:?} (seen {seen})"
    );
    for (status, body) in &answers {
        if *status != 303 {
            assert_eq!(*status, 422);
            assert!(
                body.contains("这户刚刚被复核过") || body.contains("不在本村现行长期公示名单上"),
                "the refusal says why"
            );
        }
    }
    let done = done_rechecks(&app, raced).await;
    assert_eq!(done.len(), before + 1, "one re-check recorded");
    let stopped = done[0].outcome.map(|o| o.as_str()) == Some("stop");
    assert_eq!(
        notices_of_household(&app, raced).await.len(),
        usize::from(stopped),
        "a notice only for a stop, and only one"
    );

    // Sent again after it was recorded: refused with why, nothing more recorded. Then
    // re-checked again the same day from the page as it now stands, with a double click: the
    // second send would leave the next re-check date where the first put it, and is refused
    // all the same.
    for recorded in [1, 2] {
        let seen = seen_on_form(&officer, resent).await;
        let fields = form("continue", seen);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            record(&officer, resent, &pairs).await.status().as_u16(),
            303
        );
        let res = record(&officer, resent, &pairs).await;
        assert_eq!(res.status().as_u16(), 422);
        assert!(res.text().await.expect("body").contains("这户刚刚被复核过"));
        assert_eq!(done_rechecks(&app, resent).await.len(), recorded);
    }

    // A form shown before the household was enrolled again (a new amount and schedule) is
    // refused too; so is one from a page of before this field held a number.
    let seen = seen_on_form(&officer, resent).await;
    let mut conn = app.db.pool.acquire().await.expect("conn");
    app::db::households::set_allowance(&mut conn, resent, 2, "yiban", None, 70_000, 1)
        .await
        .expect("enrol");
    drop(conn);
    for seen in [seen, today.clone()] {
        let fields = form("continue", seen);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = record(&officer, resent, &pairs).await;
        assert_eq!(res.status().as_u16(), 422);
        assert!(res.text().await.expect("body").contains("这户刚刚被复核过"));
    }
    assert_eq!(done_rechecks(&app, resent).await.len(), 2);
}

/// A re-check refused for one field comes back with what was typed (escaped, the chosen method
/// and outcome kept), and nothing is recorded.
async fn a_refused_recheck_shows_what_was_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    let officer = app.staff_session("demo.longtoushan").await;
    let [(household, _)] = recipients(&app, 1).await[..] else {
        panic!("a recipient")
    };
    let seen = seen_on_form(&officer, household).await;
    let today = app::db::today_cst().to_string();
    let findings = "电话核实：</textarea><b>外出务工</b>，收入增加。";
    let fields = [
        ("method", "phone"),
        ("checked_on", today.as_str()),
        ("outcome", "adjust"),
        ("amount", "四百元"),
        ("findings", findings),
        ("seen", seen.as_str()),
    ];
    let res = record(&officer, household, &fields).await;
    assert_eq!(res.status().as_u16(), 422);
    let page = res.text().await.expect("body");
    assert!(page.contains("电话核实：&lt;/textarea&gt;&lt;b&gt;外出务工&lt;/b&gt;，收入增加。"));
    assert!(!page.contains("<b>外出务工"), "typed text stays text");
    assert!(page.contains(r#"name="amount" type="number""#) && page.contains(r#"value="四百元""#));
    for (name, value) in [("method", "phone"), ("outcome", "adjust")] {
        let input = format!(r#"name="{name}" value="{value}" required"#);
        let at = page.find(&input).expect("the radio") + input.len();
        assert!(
            page[at..].trim_start().starts_with("checked"),
            "{name} still {value}"
        );
    }
    assert_eq!(
        field_in(&page, "seen"),
        seen,
        "the household's version, afresh"
    );
    assert!(
        done_rechecks(&app, household).await.is_empty(),
        "nothing recorded"
    );
}

async fn taper_of(app: &TestApp, household: i64) -> Option<chrono::NaiveDate> {
    app::db::rechecks::household(&app.db, household)
        .await
        .expect("q")
        .expect("household")
        .0
        .taper_until
}

/// A 渐退 recorded ten days after the visit: its notice, issued by whoever decided (county or
/// township), is decided (and due) from the day it is recorded, not overdue on arrival, and its
/// period runs from that day too. A later re-check
/// that finds the household in need again (continue, or an adjustment) ends the 渐退: the next
/// standing list keeps the household instead of stopping it when the old end date passes.
async fn a_late_recorded_taper_runs_from_the_decision_and_a_later_recheck_ends_it(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let officer = app.staff_session("demo.longtoushan").await;
    let county = app.staff_session("demo.county").await;
    let list = recipients(&app, 2).await;
    let [(continued, _), (adjusted, old_fen)] = list[..] else {
        panic!("two recipients")
    };
    let today = app::db::today_cst();
    let visited = (today - chrono::Duration::days(10)).to_string();
    // Each notice names who decided: the county's civil-affairs bureau when the county records
    // it, the township's government when the township does.
    for (household, who, issuer) in [
        (continued, &county, "鲁甸县民政局"),
        (adjusted, &officer, "龙头山镇人民政府"),
    ] {
        let res = record(
            who,
            household,
            &[
                ("method", "visit"),
                ("checked_on", &visited),
                ("outcome", "taper"),
                ("findings", "子女务工收入稳定，家庭收入已超过标准。"),
            ],
        )
        .await;
        assert_eq!(res.status().as_u16(), 303, "taper");
        let notice = notices_of_household(&app, household)
            .await
            .into_iter()
            .next()
            .expect("taper notice");
        assert_eq!(notice.kind.as_str(), "taper");
        assert_eq!(notice.issuer, issuer);
        assert_eq!(notice.decided_on, today, "decided when recorded");
        assert!(notice.deliver_by >= today, "not overdue on arrival");
        let until = taper_of(&app, household).await.expect("taper end");
        assert_eq!(
            until,
            today
                .checked_add_months(chrono::Months::new(6))
                .expect("date"),
            "six months from the decision"
        );
    }
    // The form says a result replaces the 渐退 (any other outcome ends it).
    let (_, page) = officer
        .get_text(&format!("/staff/rechecks/household/{adjusted}"))
        .await;
    assert!(page.contains("id=\"taper-hint\""), "{page}");
    let today = today.to_string();
    let res = record(
        &officer,
        continued,
        &[
            ("method", "visit"),
            ("checked_on", &today),
            ("outcome", "continue"),
            ("findings", "子女失业返乡，家庭收入再次低于标准。"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303, "continue");
    assert_eq!(taper_of(&app, continued).await, None, "continue ends it");
    let new_amount = ((old_fen + 5_000) / 100).to_string();
    let res = record(
        &officer,
        adjusted,
        &[
            ("method", "phone"),
            ("checked_on", &today),
            ("outcome", "adjust"),
            ("amount", &new_amount),
            ("findings", "子女失业返乡，收入减少，调整保障金。"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303, "adjust");
    assert_eq!(
        taper_of(&app, adjusted).await,
        None,
        "an adjustment ends it"
    );
}
