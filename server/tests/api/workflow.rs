use sqlx::Row;

use crate::both_backends;
use crate::helpers::{
    form_token, spawn_app, spawn_app_with, Backend, BrowserExt, Options, SmtpSink, StaffSession,
    TestApp,
};

both_backends!(
    web_report_to_closed_with_reply_on_track,
    offline_report_to_closed,
    review_request_reopens,
    supervisor_approval_is_required,
    scope_and_conflict_of_interest,
    reporter_identity_reveal_is_audited,
    overdue_cases_are_listed_first,
    extension_only_once,
    escalated_cases_leave_township_scope,
    notifications_reach_staff_and_reporter,
    daily_digest_lists_due_and_overdue_cases,
    admins_edit_the_holiday_table,
    the_dashboard_names_a_year_whose_holidays_are_missing,
    working_day_deadlines_skip_added_holidays,
    approve_and_escalate_ask_on_a_confirm_page,
    the_dashboard_counts_waiting_work_and_links_to_it,
);

/// `SUNSHINE_DEADLINE_DAYS=working`: a holiday added through the staff page moves a new case's
/// stored accept-by date one working day later, and its answer-by date counts working days.
async fn working_day_deadlines_skip_added_holidays(backend: Backend) {
    use app::domain::DayCount;
    let app = spawn_app_with(
        backend,
        Options {
            deadline_days: DayCount::Working,
            ..Options::default()
        },
    )
    .await;
    let today = app::db::today_cst();
    let before = app::db::holidays::calendar(&app.db).await.expect("cal");
    // The second working day from today (after the report's day even across midnight).
    let holiday = (1..)
        .map(|n| today + chrono::Duration::days(n))
        .filter(|d| before.is_workday(*d))
        .nth(1)
        .expect("a workday");
    let admin = staff(&app, "demo.admin").await;
    let res = admin
        .post_form(
            "/staff/holidays",
            &[("day", &holiday.to_string()), ("kind", "holiday")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "holiday added");
    let cal = app::db::holidays::calendar(&app.db).await.expect("cal");
    assert!(!cal.is_workday(holiday));
    let (_, id, _) = web_report(&app, &[]).await;
    let row = summary(&app, id).await;
    let received = row.received_on;
    let accept_by = row.accept_by;
    let without_holiday = before.add_days(received, 15, DayCount::Working);
    assert!(
        holiday <= without_holiday,
        "the holiday falls in the period"
    );
    assert_eq!(
        accept_by,
        cal.add_days(without_holiday, 1, DayCount::Working),
        "15 working days from {received}, one later for the holiday on {holiday}"
    );
    assert!(
        accept_by > received + chrono::Duration::days(15),
        "working days, not calendar days"
    );
    // Accepting sets the answer-by date: 60 working days.
    let officer = staff(&app, "demo.longtoushan").await;
    let day_before = app::db::today_cst();
    assert_eq!(step(&app, &officer, id, "accept", &[]).await, 303);
    let day_after = app::db::today_cst();
    let answer_by = summary(&app, id).await.answer_by.expect("q");
    assert!(
        [day_before, day_after]
            .iter()
            .any(|d| cal.add_days(*d, 60, DayCount::Working) == answer_by),
        "answer by {answer_by}: 60 working days"
    );
}

async fn admins_edit_the_holiday_table(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = staff(&app, "demo.admin").await;
    let page = admin
        .client
        .get(app.url("/staff/holidays"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    assert!(
        page.contains("2026-10-01") && page.contains("2026-02-14"),
        "seeded with 2026"
    );
    let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
        let admin = admin.clone();
        let url = app.url(path);
        async move {
            let mut form = vec![("csrf", admin.csrf.clone())];
            form.extend(fields);
            admin
                .client
                .browser_post(url)
                .form(&form)
                .send()
                .await
                .expect("r")
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        post(
            "/staff/holidays",
            vec![("day", "2027-01-01".into()), ("kind", "holiday".into())]
        )
        .await,
        303
    );
    assert_eq!(
        post(
            "/staff/holidays",
            vec![("day", "not a date".into()), ("kind", "holiday".into())]
        )
        .await,
        422
    );
    assert_eq!(
        post("/staff/holidays/remove", vec![("day", "2026-10-01".into())]).await,
        303
    );
    let cal = app::db::holidays::calendar(&app.db).await.expect("cal");
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    assert!(!cal.is_workday(d("2027-01-01")));
    assert!(
        cal.is_workday(d("2026-10-01")),
        "removed holiday is a workday again (a Thursday)"
    );
    // Others may not edit it.
    let officer = staff(&app, "demo.longtoushan").await;
    let res = officer
        .client
        .get(app.url("/staff/holidays"))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 403);
    let actions: Vec<String> = app
        .audit_actions()
        .await
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    assert!(
        actions.contains(&"holiday.set".to_owned())
            && actions.contains(&"holiday.remove".to_owned())
    );
}

async fn daily_digest_lists_due_and_overdue_cases(backend: Backend) {
    let app = spawn_app(backend).await;
    // The server's own worker runs the digest for its today (after 08:00 Beijing time); mark
    // that day and the next as done, and run the digest here for the day after, which the
    // worker cannot reach during this test (not even across midnight): no race with it.
    let digest_day = app::db::today_cst() + chrono::Duration::days(2);
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let claimed =
        app::db::jobs::claim_day(&mut conn, "digest", digest_day - chrono::Duration::days(1))
            .await
            .expect("u");
    assert!(claimed, "the day before the digest's is marked done");
    drop(conn);
    // Only then an address: a digest the worker queued before this point had no recipient.
    app.set_staff_email("demo.longtoushan", "wangfang@example.gov.cn")
        .await;
    let queued = app::complaints::digest::run(&app.db, digest_day, app::db::now_epoch())
        .await
        .expect("digest");
    assert_eq!(queued, 1, "one digest, for the one handler with an address");
    let bodies: Vec<String> =
        sqlx::query("SELECT body FROM outbox WHERE recipient = 'wangfang@example.gov.cn'")
            .fetch_all(&app.db.pool)
            .await
            .expect("mail")
            .iter()
            .map(|r| r.get(0))
            .collect();
    assert_eq!(bodies.len(), 1, "only this digest: {bodies:?}");
    let body = &bodies[0];
    assert!(body.contains("核实中"), "the overdue demo case: {body}");
    // Once a day only.
    assert_eq!(
        app::complaints::digest::run(&app.db, digest_day, app::db::now_epoch())
            .await
            .expect("again"),
        0
    );
    assert_eq!(
        app::complaints::digest::last_day(&app.db)
            .await
            .expect("day"),
        digest_day.to_string()
    );
}

const BODY: &str = "村主任把低保名额给了自己的亲戚，他们家有小车和新房。";

/// Reports as the public would (own client); returns (receipt digits, case id).
async fn web_report(app: &TestApp, extra: &[(&str, &str)]) -> (String, i64, reqwest::Client) {
    let reporter = app.new_client();
    let token = form_token(app, &reporter, "/report").await;
    let mut fields = vec![
        ("token", token.as_str()),
        ("category", "favouritism"),
        ("place", "v:530621103201"),
        ("body", BODY),
    ];
    fields.extend_from_slice(extra);
    let res = reporter
        .browser_post(app.url("/report"))
        .form(&fields)
        .send()
        .await
        .expect("submit");
    assert_eq!(res.status().as_u16(), 303);
    let body = reporter
        .get(app.url("/report/receipt"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    let start = body.find(r#"class="receipt""#).expect("receipt");
    let receipt: String = body[start..]
        .chars()
        .filter(char::is_ascii_digit)
        .take(16)
        .collect();
    let id = app.complaint(&receipt).await.id;
    (receipt, id, reporter)
}

async fn summary(app: &TestApp, id: i64) -> app::db::complaints::CaseSummary {
    app::db::complaints::summary(&app.db, id)
        .await
        .expect("q")
        .expect("q")
}

async fn status_of(app: &TestApp, id: i64) -> String {
    summary(app, id).await.status.as_str().to_owned()
}

/// A signed-in staff member with the CSRF token of their session.
async fn staff(app: &TestApp, username: &str) -> StaffSession {
    app.staff_session(username).await
}

async fn step(
    _app: &TestApp,
    who: &StaffSession,
    id: i64,
    step: &str,
    fields: &[(&str, &str)],
) -> u16 {
    who.post_form(&format!("/staff/complaints/{id}/{step}"), fields)
        .await
        .status()
        .as_u16()
}

async fn track_page(app: &TestApp, reporter: &reqwest::Client, receipt: &str) -> String {
    let res = reporter
        .browser_post(app.url("/track"))
        .form(&[("receipt", receipt)])
        .send()
        .await
        .expect("track");
    assert_eq!(res.status().as_u16(), 303);
    reporter
        .get(app.url("/track/case"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b")
}

async fn staff_id(app: &TestApp, username: &str) -> String {
    app.staff_id(username).await.to_string()
}

/// accept → assign → note → findings → reply → approve.
async fn handle_to_answer(app: &TestApp, id: i64) {
    handle_to_answer_pending(app, id).await;
    let supervisor = staff(app, "demo.supervisor").await;
    assert_eq!(step(app, &supervisor, id, "approve", &[]).await, 303);
    assert_eq!(status_of(app, id).await, "answered");
}

/// accept → assign → note → findings → reply: waiting for a supervisor's approval.
async fn handle_to_answer_pending(app: &TestApp, id: i64) {
    let officer = staff(app, "demo.longtoushan").await;
    let handler = staff_id(app, "demo.longtoushan").await;
    assert_eq!(step(app, &officer, id, "accept", &[]).await, 303);
    assert_eq!(status_of(app, id).await, "accepted");
    assert_eq!(
        step(app, &officer, id, "assign", &[("assignee", &handler)]).await,
        303
    );
    assert_eq!(status_of(app, id).await, "verifying");
    assert_eq!(
        step(
            app,
            &officer,
            id,
            "note",
            &[("note", "已入户走访，调取车辆登记。")]
        )
        .await,
        303
    );
    // No reply before findings.
    assert_eq!(
        step(app, &officer, id, "reply", &[("reply", "答复")]).await,
        422
    );
    assert_eq!(
        step(
            app,
            &officer,
            id,
            "findings",
            &[("finding", "substantiated"), ("action", "已停发")]
        )
        .await,
        303
    );
    assert_eq!(
        step(
            app,
            &officer,
            id,
            "reply",
            &[("reply", "经核实，情况属实，已停发该户低保。")]
        )
        .await,
        303
    );
    assert_eq!(status_of(app, id).await, "reply_pending");
}

/// The complaint statistics kept with every change of a complaint equal a count over the
/// complaints as they are now (townships whose counts all came back to 0 count as absent).
async fn complaint_rollups_hold(app: &TestApp, step: &str) {
    use app::domain::stats::ComplaintTally;
    use app::domain::Scope;
    use std::collections::BTreeMap;
    let nonzero = |m: std::collections::HashMap<i64, ComplaintTally>| {
        m.into_iter()
            .filter(|(_, t)| *t != ComplaintTally::default())
            .collect::<BTreeMap<_, _>>()
    };
    let kept = app::db::stats::complaint_tallies(&app.db, &Scope::All)
        .await
        .expect("kept");
    let mut counted = std::collections::HashMap::<i64, ComplaintTally>::new();
    for r in app::db::stats::complaint_rows(&app.db, &Scope::All)
        .await
        .expect("rows")
    {
        counted
            .entry(r.township_id.unwrap_or(0))
            .or_default()
            .add(&ComplaintTally::of(&r), 1);
    }
    assert_eq!(nonzero(kept), nonzero(counted), "{step}");
}

async fn web_report_to_closed_with_reply_on_track(backend: Backend) {
    let app = spawn_app(backend).await;
    complaint_rollups_hold(&app, "the demo's complaints").await;
    let (receipt, id, reporter) = web_report(&app, &[]).await;
    complaint_rollups_hold(&app, "a report received").await;
    // Illegal steps are refused by the state machine, whatever the form says.
    let officer = staff(&app, "demo.longtoushan").await;
    assert_eq!(step(&app, &officer, id, "close", &[]).await, 409);
    assert_eq!(
        step(&app, &officer, id, "findings", &[("finding", "partly")]).await,
        409
    );
    handle_to_answer(&app, id).await;
    complaint_rollups_hold(&app, "accepted, found, answered").await;
    let page = track_page(&app, &reporter, &receipt).await;
    assert!(page.contains("已答复"), "status on /track");
    assert!(
        page.contains("经核实，情况属实，已停发该户低保。"),
        "approved reply on /track"
    );
    assert!(!page.contains("已入户走访"), "internal notes stay internal");
    assert!(
        !page.contains("龙头山 王芳"),
        "handler's name is not shown to the reporter"
    );
    assert!(page.contains("申请复查"));
    assert_eq!(step(&app, &officer, id, "close", &[]).await, 303);
    assert_eq!(status_of(&app, id).await, "closed");
    complaint_rollups_hold(&app, "closed").await;
    let actions: Vec<String> = app
        .audit_actions()
        .await
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    for a in [
        "complaint.accept",
        "complaint.assign",
        "complaint.note",
        "complaint.findings",
        "complaint.submit_reply",
        "complaint.approve_reply",
        "complaint.close",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited");
    }
}

async fn offline_report_to_closed(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = staff(&app, "demo.county").await;
    let token = form_token(&app, &county.client, "/staff/complaints/new").await;
    let received = (app::db::today_cst() - chrono::Duration::days(3)).to_string();
    let res = county
        .client
        .browser_post(app.url("/staff/complaints"))
        .form(&[
            ("csrf", county.csrf.as_str()),
            ("token", &token),
            ("channel", "hotline"),
            ("received_on", &received),
            ("category", "missed_household"),
            ("place", "v:530621102201"),
            ("body", "来电反映：水磨村一位重度残疾老人没有纳入低保。"),
            ("name", "王大爷"),
            ("contact", "0870-7654321"),
        ])
        .send()
        .await
        .expect("log");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/staff/complaints/receipt");
    let body = county
        .client
        .get(app.url("/staff/complaints/receipt"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    let start = body
        .find(r#"class="receipt""#)
        .expect("receipt for the officer to read out");
    let receipt: String = body[start..]
        .chars()
        .filter(char::is_ascii_digit)
        .take(16)
        .collect();
    let case = app.complaint(&receipt).await;
    let id = case.id;
    assert_eq!(case.channel.as_str(), "hotline");
    assert_eq!(case.received_on.to_string(), received);
    let accept_by = (app::db::today_cst() + chrono::Duration::days(12)).to_string();
    assert_eq!(
        case.accept_by.to_string(),
        accept_by,
        "15 days from the day it arrived"
    );
    // The reporter can follow it with the receipt read out to them.
    let reporter = app.new_client();
    let page = track_page(&app, &reporter, &receipt).await;
    assert!(page.contains("已提交，等待受理"));
    // A 水磨镇 case: handled by the county here.
    let handler = staff_id(&app, "demo.county").await;
    for (s, fields) in [
        ("accept", vec![]),
        ("assign", vec![("assignee", handler.as_str())]),
        (
            "findings",
            vec![
                ("finding", "unsubstantiated"),
                ("action", "经入户核查，该户已纳入"),
            ],
        ),
        ("reply", vec![("reply", "经核实，该老人已于上月纳入低保。")]),
    ] {
        assert_eq!(step(&app, &county, id, s, &fields).await, 303, "{s}");
    }
    let supervisor = staff(&app, "demo.supervisor").await;
    assert_eq!(step(&app, &supervisor, id, "approve", &[]).await, 303);
    assert_eq!(step(&app, &county, id, "close", &[]).await, 303);
    complaint_rollups_hold(&app, "an offline report, answered and closed").await;
    assert_eq!(status_of(&app, id).await, "closed");
}

async fn review_request_reopens(backend: Backend) {
    let app = spawn_app(backend).await;
    let (receipt, id, reporter) = web_report(&app, &[]).await;
    handle_to_answer(&app, id).await;
    track_page(&app, &reporter, &receipt).await;
    let res = reporter
        .browser_post(app.url("/track/review"))
        .form(&[("body", "该户与村支书是亲戚，请复查。")])
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(status_of(&app, id).await, "reopened");
    complaint_rollups_hold(&app, "reopened for review, with a new deadline").await;
    let answer_by: String = summary(&app, id).await.answer_by.expect("q").to_string();
    assert_eq!(
        answer_by,
        (app::db::today_cst() + chrono::Duration::days(30)).to_string(),
        "a review is answered within 30 days"
    );
    let officer = staff(&app, "demo.longtoushan").await;
    let handler = staff_id(&app, "demo.longtoushan").await;
    assert_eq!(
        step(&app, &officer, id, "assign", &[("assignee", &handler)]).await,
        303
    );
    assert_eq!(status_of(&app, id).await, "verifying");
}

/// Approve and escalate are asked twice: the case page's button opens a confirm page (GET,
/// nothing changes) that says what will happen and holds the real form; only those who may take
/// the step see it, and only while it can be taken.
async fn approve_and_escalate_ask_on_a_confirm_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id, _) = web_report(&app, &[]).await;
    handle_to_answer_pending(&app, id).await;
    let supervisor = staff(&app, "demo.supervisor").await;
    let (_, case_page) = supervisor
        .get_text(&format!("/staff/complaints/{id}"))
        .await;
    assert!(
        case_page.contains(&format!(r#"action="/staff/complaints/{id}/confirm""#))
            && case_page.contains(r#"name="step" value="approve""#),
        "the approve button opens the confirm page"
    );
    assert!(
        !case_page.contains(&format!(r#"action="/staff/complaints/{id}/approve""#)),
        "no one-tap approve on the case page"
    );
    let confirm = format!("/staff/complaints/{id}/confirm?step=approve");
    let (status, page) = supervisor.get_text(&confirm).await;
    assert_eq!(status, 200);
    assert!(page.contains("请确认"), "{page}");
    assert!(
        page.contains("经核实，情况属实，已停发该户低保。"),
        "the reply to be sent"
    );
    assert!(page.contains(&format!(r#"action="/staff/complaints/{id}/approve""#)));
    assert!(page.contains(r#"name="csrf""#));
    assert!(
        page.contains(&format!(r#"href="/staff/complaints/{id}""#)),
        "a way back"
    );
    assert_eq!(
        status_of(&app, id).await,
        "reply_pending",
        "looking changes nothing"
    );
    // An officer may not approve: no confirm page either; an unknown step is not found.
    let officer = staff(&app, "demo.longtoushan").await;
    assert_eq!(officer.get(&confirm).await.status().as_u16(), 403);
    assert_eq!(
        supervisor
            .get(&format!("/staff/complaints/{id}/confirm?step=close"))
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(step(&app, &supervisor, id, "approve", &[]).await, 303);
    assert_eq!(status_of(&app, id).await, "answered");
    // Once answered there is nothing to approve: back to the case.
    let res = supervisor.get(&confirm).await;
    assert_eq!(res.status().as_u16(), 303);
    // Escalation: confirm page for the township officer, then the step.
    let (_, other, _) = web_report(&app, &[]).await;
    let (status, page) = officer
        .get_text(&format!("/staff/complaints/{other}/confirm?step=escalate"))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("县级办理"), "says what escalating means");
    assert!(page.contains(&format!(r#"action="/staff/complaints/{other}/escalate""#)));
    assert_eq!(step(&app, &officer, other, "escalate", &[]).await, 303);
}

/// The dashboard's counts of waiting complaints, each linking to the queue filtered to exactly
/// those cases; `?overdue=1` shows only cases past their deadline.
async fn the_dashboard_counts_waiting_work_and_links_to_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let officer = staff(&app, "demo.longtoushan").await;
    let count = |page: &str, href: &str| -> i64 {
        let at = page.find(&format!(r#"href="{href}""#)).expect(href);
        page[at..]
            .split_once('>')
            .and_then(|(_, rest)| rest.split_once('<'))
            .and_then(|(n, _)| n.trim().parse().ok())
            .expect("a count")
    };
    let (_, before) = officer.get_text("/staff").await;
    assert!(before.contains(r#"id="complaint-work""#));
    let to_accept = count(&before, "/staff/complaints?status=submitted");
    let overdue = count(&before, "/staff/complaints?overdue=1");
    // One more report to accept; one made overdue.
    let (_, fresh, _) = web_report(&app, &[]).await;
    let (_, late, _) = web_report(&app, &[]).await;
    sqlx::query("UPDATE complaints SET accept_by = '2020-01-02' WHERE id = $1")
        .bind(late)
        .execute(&app.db.pool)
        .await
        .expect("age");
    let (_, after) = officer.get_text("/staff").await;
    assert_eq!(
        count(&after, "/staff/complaints?status=submitted"),
        to_accept + 2
    );
    assert_eq!(count(&after, "/staff/complaints?overdue=1"), overdue + 1);
    let (_, queue) = officer.get_text("/staff/complaints?overdue=1").await;
    assert!(queue.contains("只显示已超期的案件"));
    assert!(queue.contains(&format!(r#"href="/staff/complaints/{late}""#)));
    assert!(
        !queue.contains(&format!(r#"href="/staff/complaints/{fresh}""#)),
        "a case within its deadline is not in the overdue queue"
    );
    let rows = queue.matches(r#"<tr class="overdue""#).count() as i64;
    assert_eq!(rows, overdue + 1, "exactly the counted cases");
}

async fn supervisor_approval_is_required(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id, _) = web_report(&app, &[]).await;
    let officer = staff(&app, "demo.longtoushan").await;
    let supervisor_id = staff_id(&app, "demo.supervisor").await;
    let supervisor = staff(&app, "demo.supervisor").await;
    assert_eq!(step(&app, &officer, id, "accept", &[]).await, 303);
    // The supervisor handles it themself: then they may not approve their own reply.
    assert_eq!(
        step(
            &app,
            &supervisor,
            id,
            "assign",
            &[("assignee", &supervisor_id)]
        )
        .await,
        303
    );
    assert_eq!(
        step(&app, &supervisor, id, "findings", &[("finding", "partly")]).await,
        303
    );
    assert_eq!(
        step(
            &app,
            &supervisor,
            id,
            "reply",
            &[("reply", "经核实，部分属实。")]
        )
        .await,
        303
    );
    assert_eq!(
        step(&app, &officer, id, "approve", &[]).await,
        403,
        "an officer cannot approve"
    );
    assert_eq!(
        step(&app, &supervisor, id, "approve", &[]).await,
        403,
        "no approving one's own reply"
    );
    assert_eq!(status_of(&app, id).await, "reply_pending");
    // Another supervisor (admin) approves, or sends it back.
    let admin = staff(&app, "demo.admin").await;
    assert_eq!(
        step(
            &app,
            &admin,
            id,
            "return",
            &[("reason", "请补充处理依据。")]
        )
        .await,
        303
    );
    assert_eq!(status_of(&app, id).await, "verifying");
}

async fn scope_and_conflict_of_interest(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id, _) = web_report(&app, &[]).await;
    // Another township's officer: the case does not exist for them, by URL or by form.
    let shuimo = staff(&app, "demo.shuimo").await;
    let res = shuimo
        .client
        .get(app.url(&format!("/staff/complaints/{id}")))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 403);
    for s in [
        "accept", "decline", "assign", "note", "findings", "reply", "approve", "close", "extend",
        "escalate", "reveal", "named",
    ] {
        let code = step(
            &app,
            &shuimo,
            id,
            s,
            &[("reason", "xx xx"), ("note", "xx xx")],
        )
        .await;
        assert!(code == 403 || code == 404, "{s}: {code}");
    }
    let queue = shuimo
        .client
        .get(app.url("/staff/complaints"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    assert!(!queue.contains(&format!(">{id}</a>")) && !queue.contains("龙泉村"));
    assert_eq!(status_of(&app, id).await, "submitted");
    // The county officer marks 龙头山's officer as named in the report.
    let county = staff(&app, "demo.county").await;
    let named = staff_id(&app, "demo.longtoushan").await;
    assert_eq!(step(&app, &county, id, "accept", &[]).await, 303);
    // Only someone whose scope reaches the case may be named (as the form offers): not another
    // township's officer, not oneself, not an id of no one. Nothing is recorded.
    let county_id = staff_id(&app, "demo.county").await;
    let shuimo_id = staff_id(&app, "demo.shuimo").await;
    for other in [shuimo_id.clone(), county_id, "999999".to_owned()] {
        assert_eq!(
            step(&app, &county, id, "named", &[("staff", &other)]).await,
            422,
            "naming {other}"
        );
    }
    assert!(app::db::complaints::named_staff(&app.db, id)
        .await
        .expect("named")
        .is_empty());
    assert_eq!(
        step(&app, &county, id, "named", &[("staff", &named)]).await,
        303
    );
    let res = county
        .post_form(
            &format!("/staff/complaints/{id}/assign"),
            &[("assignee", &named)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422, "recusal");
    let refusal = res.text().await.expect("b");
    assert!(
        refusal.contains("该工作人员被本案反映，须回避，不能经办。"),
        "the refusal says why: {refusal}"
    );
    let page = county
        .client
        .get(app.url(&format!("/staff/complaints/{id}")))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    // The case file names the recused officer (not merely the form label "被反映的工作人员").
    let display_name: String = app::db::staff::by_username(&app.db, "demo.longtoushan")
        .await
        .expect("q")
        .expect("q")
        .display_name;
    let named_line = text_after(&page, "<strong>被反映的工作人员（回避）")
        .unwrap_or_else(|| panic!("no named-staff line: {page}"));
    assert!(
        named_line.contains(&display_name),
        "named line {named_line:?} lacks {display_name}"
    );
    // The named officer no longer sees the case at all.
    let officer = staff(&app, "demo.longtoushan").await;
    let res = officer
        .client
        .get(app.url(&format!("/staff/complaints/{id}")))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 404);
    let queue = officer
        .client
        .get(app.url("/staff/complaints"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    assert!(!queue.contains(&format!("/staff/complaints/{id}\"")));
    // Assigning someone outside the case's scope is refused.
    assert_eq!(
        step(&app, &county, id, "assign", &[("assignee", &shuimo_id)]).await,
        403
    );
}

async fn reporter_identity_reveal_is_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id, _) = web_report(&app, &[("name", "赵小兰"), ("contact", "139 1234 5678")]).await;
    let officer = staff(&app, "demo.longtoushan").await;
    let handler = staff_id(&app, "demo.longtoushan").await;
    let page = officer
        .client
        .get(app.url(&format!("/staff/complaints/{id}")))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    assert!(
        !page.contains("赵小兰") && !page.contains("139 1234 5678"),
        "hidden by default"
    );
    // Only the assigned handler and supervisors may reveal: not yet assigned → refused.
    assert_eq!(
        step(
            &app,
            &officer,
            id,
            "reveal",
            &[("reason", "需要电话核实细节")]
        )
        .await,
        403
    );
    assert_eq!(step(&app, &officer, id, "accept", &[]).await, 303);
    assert_eq!(
        step(&app, &officer, id, "assign", &[("assignee", &handler)]).await,
        303
    );
    let county = staff(&app, "demo.county").await;
    assert_eq!(
        step(&app, &county, id, "reveal", &[("reason", "想看看")]).await,
        403,
        "not the handler"
    );
    // A reason is required.
    assert_eq!(
        step(&app, &officer, id, "reveal", &[("reason", "")]).await,
        422
    );
    let res = officer
        .client
        .browser_post(app.url(&format!("/staff/complaints/{id}/reveal")))
        .form(&[
            ("csrf", officer.csrf.as_str()),
            ("reason", "需要电话核实细节"),
        ])
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let page = res.text().await.expect("b");
    assert!(page.contains("赵小兰") && page.contains("139 1234 5678"));
    let audit = app::db::audit::list(&app.db, &app::domain::Scope::All, i64::MAX, 0)
        .await
        .expect("audit");
    let reveal = audit
        .iter()
        .find(|r| r.action == "complaint.reveal_reporter")
        .expect("audited");
    assert_eq!(reveal.actor, "demo.longtoushan");
    assert_eq!(reveal.detail, "需要电话核实细节");
    // A later plain view hides it again.
    let page = officer
        .client
        .get(app.url(&format!("/staff/complaints/{id}")))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    assert!(!page.contains("赵小兰"));
}

async fn overdue_cases_are_listed_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let officer = staff(&app, "demo.longtoushan").await;
    let page = officer
        .client
        .get(app.url("/staff/complaints"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    let first_row = page.find("<tr class=").expect("rows");
    assert!(
        page[first_row..].starts_with(r#"<tr class="overdue""#),
        "overdue first"
    );
    assert!(page.contains("已超期"));
    // Filters narrow the queue.
    let page = officer
        .client
        .get(app.url("/staff/complaints?status=accepted"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    let statuses = queue_statuses(&page);
    assert!(!statuses.is_empty(), "the filter shows the accepted cases");
    assert!(
        statuses.iter().all(|s| s == "已受理"),
        "only accepted cases: {statuses:?}"
    );
    let accepted: i64 = sqlx::query(
        "SELECT COUNT(*) FROM complaints c JOIN regions t ON t.id = c.township_id
         WHERE c.status = 'accepted' AND t.code = '530621103000' AND c.escalated = 0
           AND NOT EXISTS (SELECT 1 FROM complaint_named_staff n JOIN staff s ON s.id = n.staff_id
                           WHERE n.complaint_id = c.id AND s.username = 'demo.longtoushan')",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("q")
    .get(0);
    assert_eq!(
        statuses.len() as i64,
        accepted,
        "every accepted case of 龙头山"
    );
    let page = officer
        .client
        .get(app.url("/staff/complaints?status=bogus&category=%27%20OR%201=1"))
        .send()
        .await
        .expect("r");
    assert_eq!(page.status().as_u16(), 200, "nonsense filters are ignored");
}

async fn extension_only_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (receipt, id, reporter) = web_report(&app, &[]).await;
    let officer = staff(&app, "demo.longtoushan").await;
    assert_eq!(step(&app, &officer, id, "accept", &[]).await, 303);
    let before: String = summary(&app, id).await.answer_by.expect("q").to_string();
    assert_eq!(
        before,
        (app::db::today_cst() + chrono::Duration::days(60)).to_string()
    );
    assert_eq!(
        step(&app, &officer, id, "extend", &[("reason", "")]).await,
        422,
        "a reason is required"
    );
    assert_eq!(
        step(
            &app,
            &officer,
            id,
            "extend",
            &[("reason", "需要调取银行流水，延期30日。")]
        )
        .await,
        303
    );
    let after: String = summary(&app, id).await.answer_by.expect("q").to_string();
    assert_eq!(
        after,
        (app::db::today_cst() + chrono::Duration::days(90)).to_string()
    );
    assert_eq!(
        step(&app, &officer, id, "extend", &[("reason", "再延期一次")]).await,
        422,
        "only once"
    );
    let page = track_page(&app, &reporter, &receipt).await;
    assert!(
        page.contains("需要调取银行流水，延期30日。"),
        "the reporter sees the reason"
    );
}

async fn escalated_cases_leave_township_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id, _) = web_report(&app, &[]).await;
    let officer = staff(&app, "demo.longtoushan").await;
    assert_eq!(step(&app, &officer, id, "escalate", &[]).await, 303);
    let res = officer
        .client
        .get(app.url(&format!("/staff/complaints/{id}")))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 403);
    let county = staff(&app, "demo.county").await;
    let res = county
        .client
        .get(app.url(&format!("/staff/complaints/{id}")))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(step(&app, &county, id, "accept", &[]).await, 303);
}

async fn notifications_reach_staff_and_reporter(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(
        backend,
        Options {
            smtp_url: Some(format!("smtp://127.0.0.1:{}", sink.port)),
            ..Default::default()
        },
    )
    .await;
    for (u, e) in [
        ("demo.longtoushan", "wangfang@example.gov.cn"),
        ("demo.supervisor", "zhou@example.gov.cn"),
    ] {
        app.set_staff_email(u, e).await;
    }
    let (receipt, id, _) = web_report(
        &app,
        &[("contact", "reporter@example.cn"), ("name", "钱多多")],
    )
    .await;
    sink.wait_for(1).await;
    handle_to_answer(&app, id).await;
    // ack + accepted + answered to the reporter; assignment to the handler; approval request to the supervisor.
    // (The daily digest may also run while this test does; it is tested on its own below.)
    let not_digest = |m: &String| !m.contains("Cases due soon and overdue");
    let got: Vec<String> = sink
        .wait_for_matching(5, not_digest)
        .await
        .into_iter()
        .filter(not_digest)
        .collect();
    let to = |addr: &str| {
        got.iter()
            .filter(|m| m.contains(&format!("To: {addr}")))
            .count()
    };
    assert_eq!(to("reporter@example.cn"), 3, "{got:#?}");
    assert_eq!(to("wangfang@example.gov.cn"), 1);
    assert_eq!(to("zhou@example.gov.cn"), 1);
    assert!(
        got.iter().any(|m| m.contains("您被指定为举报案件")),
        "assignment mail readable"
    );
    for m in &got {
        assert!(!m.contains(&receipt), "no receipt in any mail");
        if !m.contains("To: reporter@example.cn") {
            assert!(
                !m.contains("钱多多") && !m.contains("reporter@example.cn"),
                "no reporter identity in staff mail"
            );
        }
    }
}

/// The text of `page` after `marker`, to the end of its paragraph, without Leptos' markers.
fn text_after(page: &str, marker: &str) -> Option<String> {
    let start = page.find(marker)? + marker.len();
    let rest = &page[start..];
    let end = rest.find("</p>").unwrap_or(rest.len());
    Some(rest[..end].replace("<!>", "").replace("<!---->", ""))
}

/// The status cell (second column) of each row of a staff queue page.
fn queue_statuses(page: &str) -> Vec<String> {
    page.split("<tr class=")
        .skip(1)
        .map(|row| {
            let row = &row[..row.find("</tr>").unwrap_or(row.len())];
            let cell = row.split("<td>").nth(2).unwrap_or("");
            cell[..cell.find("</td>").unwrap_or(cell.len())]
                .replace("<!>", "")
                .trim()
                .to_owned()
        })
        .collect()
}

/// Deadlines step over holidays only when the year's holidays are entered: the dashboard names
/// a year whose deadlines are counted now but whose holidays are missing (with the way to enter
/// them, for those who may), and stops once they are entered.
async fn the_dashboard_names_a_year_whose_holidays_are_missing(backend: Backend) {
    use app::domain::calendar::{years_without_holidays, DayKind};
    let app = spawn_app(backend).await;
    let admin = staff(&app, "demo.admin").await;
    let officer = staff(&app, "demo.longtoushan").await;
    let today = app::db::today_cst();
    let year = chrono::Datelike::year(&today);
    // Whatever the date: this year's holidays taken out, so this year is missing.
    for (day, kind) in app::db::holidays::all(&app.db).await.expect("q") {
        if chrono::Datelike::year(&day) == year && kind == DayKind::Holiday {
            let res = admin
                .post_form("/staff/holidays/remove", &[("day", &day.to_string())])
                .await;
            assert_eq!(res.status().as_u16(), 303, "{day}");
        }
    }
    let missing = years_without_holidays(app::db::holidays::all(&app.db).await.expect("q"), today);
    assert!(missing.contains(&year));
    let (status, page) = admin.get_text("/staff").await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"holidays-missing\""), "{page}");
    assert!(page.contains("尚未录入") && page.contains(&year.to_string()));
    assert!(
        page.contains("href=\"/staff/holidays\""),
        "the admin is shown where"
    );
    let (_, page) = officer.get_text("/staff").await;
    assert!(
        page.contains("id=\"holidays-missing\""),
        "every member is told"
    );
    // One holiday entered for each missing year: no more warning.
    for y in missing {
        let day = chrono::NaiveDate::from_ymd_opt(y, 10, 1).expect("date");
        let res = admin
            .post_form(
                "/staff/holidays",
                &[("day", &day.to_string()), ("kind", "holiday")],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303);
    }
    let (_, page) = admin.get_text("/staff").await;
    assert!(!page.contains("id=\"holidays-missing\""));
}
