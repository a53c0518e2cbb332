use crate::both_backends;
use crate::helpers::{
    csrf_of, follow_pages, set_cookie_value, spawn_app, Backend, BrowserExt, DEMO_PASSWORD,
};

both_backends!(
    signed_out_visitors_are_sent_to_login,
    login_failures_look_identical,
    session_id_changes_at_login_and_dies_at_logout,
    csrf_is_required_for_staff_forms,
    township_officer_is_refused_elsewhere,
    repeated_failed_logins_are_rate_limited,
    account_backs_off_after_failures,
    disabled_account_cannot_log_in,
    admin_manages_accounts_with_audit,
    audit_log_is_append_only,
    invalid_account_form_changes_nothing,
    staff_pages_are_never_cached,
    the_audit_trail_goes_back_to_its_first_entry,
);

async fn signed_out_visitors_are_sent_to_login(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in [
        "/staff",
        "/staff/accounts",
        "/staff/audit",
        "/staff/accounts/1",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status().as_u16(), 303, "{path}");
        let loc = res.headers()["location"].to_str().expect("loc").to_owned();
        assert!(loc.starts_with("/staff/login?next="), "{path}: {loc}");
    }
    let (status, body) = app.get_text("/staff/login").await;
    assert_eq!(status, 200);
    assert!(body.contains("工作人员登录"));
}

async fn login_failures_look_identical(backend: Backend) {
    let app = spawn_app(backend).await;
    let unknown = app.login("no.such.user", "Whatever-2026").await;
    let unknown_status = unknown.status().as_u16();
    let unknown_body = unknown
        .text()
        .await
        .expect("body")
        .replace("no.such.user", "USER");
    let wrong = app.login("demo.admin", "Wrong-password-1").await;
    let wrong_status = wrong.status().as_u16();
    let wrong_body = wrong
        .text()
        .await
        .expect("body")
        .replace("demo.admin", "USER");
    assert_eq!(unknown_status, 401);
    assert_eq!(wrong_status, 401);
    assert_eq!(
        unknown_body, wrong_body,
        "responses must not tell the two apart"
    );
    assert!(wrong_body.contains("用户名或密码错误"));
    // And the right password works.
    let ok = app.login("demo.admin", DEMO_PASSWORD).await;
    assert_eq!(ok.status().as_u16(), 303);
    assert_eq!(ok.headers()["location"], "/staff");
    let actions = app.audit_actions().await;
    assert!(actions.contains(&("demo.admin".into(), "login".into())));
    // Failed sign-ins are security events, not entries of the audit trail of staff actions:
    // what a visitor typed never becomes an actor there.
    assert!(
        !actions.iter().any(|(_, a)| a == "login.failed"),
        "{actions:?}"
    );
    assert!(!actions.iter().any(|(actor, _)| actor == "no.such.user"));
    let events = app::db::security::recent(&app.db, 10)
        .await
        .expect("events");
    assert_eq!(events.len(), 2, "{events:?}");
    // The real account is named; the unknown name is kept only as a short, untrusted hint.
    assert!(events
        .iter()
        .any(|e| e.account.as_deref() == Some("demo.admin") && e.kind == "login_failed"));
    assert!(events
        .iter()
        .any(|e| e.account.is_none() && e.username_hint == "no.…"));
    assert!(events.iter().all(|e| e.client_addr.is_some()));
    let admin = app.login_client("demo.admin").await;
    let audit = admin
        .get(app.url("/staff/audit"))
        .send()
        .await
        .expect("audit page")
        .text()
        .await
        .expect("body");
    assert!(audit.contains("安全事件：登录失败"), "{audit}");
    assert!(audit.contains("no.…") && !audit.contains("no.such.user"));
}

async fn session_id_changes_at_login_and_dies_at_logout(backend: Backend) {
    let app = spawn_app(backend).await;
    let form = app.get("/staff/login").await;
    let before = set_cookie_value(&form, "sunshine_session").expect("anonymous session cookie");
    let cookie_header = form.headers()["set-cookie"].to_str().expect("c").to_owned();
    assert!(cookie_header.contains("HttpOnly") && cookie_header.contains("SameSite=Strict"));
    let csrf = csrf_of(&form.text().await.expect("body"));
    let res = app
        .post_form(
            "/staff/login",
            &[
                ("csrf", &csrf),
                ("username", "demo.county"),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let after = set_cookie_value(&res, "sunshine_session").expect("new session cookie");
    assert_ne!(before, after, "session id must change at login");
    // The pre-login id is worthless now.
    let old = app.new_client();
    let res = old
        .get(app.url("/staff"))
        .header("cookie", format!("sunshine_session={before}"))
        .send()
        .await
        .expect("req");
    assert_eq!(res.status().as_u16(), 303);
    // Signed in.
    let (status, body) = app.get_text("/staff").await;
    assert_eq!(status, 200);
    assert!(body.contains("县局 李红"));
    // Sign out ends the session on the server: the old cookie no longer works.
    let csrf = csrf_of(&body);
    let res = app.post_form("/staff/logout", &[("csrf", &csrf)]).await;
    assert_eq!(res.status().as_u16(), 303);
    let res = old
        .get(app.url("/staff"))
        .header("cookie", format!("sunshine_session={after}"))
        .send()
        .await
        .expect("req");
    assert_eq!(
        res.status().as_u16(),
        303,
        "session must be dead after sign-out"
    );
    assert!(app
        .audit_actions()
        .await
        .contains(&("demo.county".into(), "logout".into())));
}

async fn csrf_is_required_for_staff_forms(backend: Backend) {
    let app = spawn_app(backend).await;
    // Login without the form's token.
    app.get("/staff/login").await;
    let res = app
        .post_form(
            "/staff/login",
            &[
                ("csrf", "0".repeat(64).as_str()),
                ("username", "demo.admin"),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 403);
    app.login_ok("demo.admin").await;
    let before = app.audit_actions().await.len();
    for token in ["", "deadbeef", &"a".repeat(64)] {
        let res = app
            .post_form(
                "/staff/accounts",
                &[
                    ("csrf", token),
                    ("username", "x.csrf"),
                    ("display_name", "X"),
                    ("role", "auditor"),
                    ("password", "Long-enough-1"),
                ],
            )
            .await;
        assert_eq!(res.status().as_u16(), 403, "token {token:?}");
        assert!(res.text().await.expect("body").contains("请求被拒绝"));
    }
    assert!(app::db::staff::by_username(&app.db, "x.csrf")
        .await
        .expect("q")
        .is_none());
    assert_eq!(app.audit_actions().await.len(), before, "nothing recorded");
    // Still signed in: logout without a token is refused too.
    let res = app.post_form("/staff/logout", &[]).await;
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(app.get("/staff").await.status().as_u16(), 200);
}

async fn township_officer_is_refused_elsewhere(backend: Backend) {
    let app = spawn_app(backend).await;
    let shuimo_officer = app.staff_id("demo.shuimo").await;
    app.login_ok("demo.longtoushan").await;
    let csrf = app.csrf().await;
    // Every staff route that touches accounts: by URL guessing and by form tampering.
    for path in [
        "/staff/accounts".to_owned(),
        "/staff/accounts/new".to_owned(),
        format!("/staff/accounts/{shuimo_officer}"),
    ] {
        assert_eq!(app.get(&path).await.status().as_u16(), 403, "GET {path}");
    }
    let posts = [
        (
            "/staff/accounts".to_owned(),
            vec![
                ("username", "evil.one"),
                ("display_name", "E"),
                ("role", "admin"),
                ("password", "Long-enough-1"),
            ],
        ),
        (
            format!("/staff/accounts/{shuimo_officer}"),
            vec![("display_name", "Hijacked"), ("role", "admin")],
        ),
        (
            format!("/staff/accounts/{shuimo_officer}/password"),
            vec![("password", "Takeover-2026")],
        ),
    ];
    for (path, fields) in &posts {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields.iter().copied());
        assert_eq!(
            app.post_form(path, &form).await.status().as_u16(),
            403,
            "POST {path}"
        );
    }
    let shuimo = app::db::staff::by_id(&app.db, shuimo_officer)
        .await
        .expect("q")
        .expect("s");
    assert_eq!(shuimo.display_name, "水磨 杨志成");
    // The dashboard shows only their own township's villages.
    let body = app.get_text("/staff").await.1;
    assert!(body.contains("龙泉村"));
    assert!(!body.contains("水磨村"));
    // The audit trail shows their township only: 水磨's officer signs in elsewhere.
    app.login_client("demo.shuimo").await;
    let body = app.get_text("/staff/audit").await.1;
    assert!(body.contains("demo.longtoushan"));
    assert!(
        !body.contains("demo.shuimo"),
        "another township's audit rows leaked"
    );
}

async fn repeated_failed_logins_are_rate_limited(backend: Backend) {
    let app = spawn_app(backend).await;
    let page = app.get_text("/staff/login").await.1;
    let csrf = csrf_of(&page);
    let mut statuses = Vec::new();
    for i in 0..12 {
        let user = format!("guess{i}");
        let res = app
            .post_form(
                "/staff/login",
                &[
                    ("csrf", &csrf),
                    ("username", &user),
                    ("password", "Nope-nope-1"),
                ],
            )
            .await;
        statuses.push(res.status().as_u16());
        if res.status().as_u16() == 429 {
            assert!(res.headers().contains_key("retry-after"));
            let body = res.text().await.expect("body");
            assert!(body.contains("操作太频繁"), "429 page in Chinese");
        }
    }
    assert_eq!(&statuses[..10], &[401; 10]);
    assert_eq!(statuses[10], 429, "{statuses:?}");
    // Reading the form is not limited.
    assert_eq!(app.get("/staff/login").await.status().as_u16(), 200);
}

async fn account_backs_off_after_failures(backend: Backend) {
    let app = spawn_app(backend).await;
    for _ in 0..5 {
        assert_eq!(
            app.login("demo.auditor", "Wrong-password-1")
                .await
                .status()
                .as_u16(),
            401
        );
    }
    // Locked for a while: even the right password is refused, with the same answer.
    let res = app.login("demo.auditor", DEMO_PASSWORD).await;
    assert_eq!(res.status().as_u16(), 401);
    let other = app::db::staff::credentials(&app.db, "demo.auditor")
        .await
        .expect("q")
        .expect("c");
    assert!(other.locked_until > app::db::now_epoch());
}

async fn disabled_account_cannot_log_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.staff_id("demo.shuimo").await;
    // Sign the officer in on a second client, then disable them as admin.
    let officer = app.login_client("demo.shuimo").await;
    assert_eq!(
        officer
            .get(app.url("/staff"))
            .send()
            .await
            .expect("r")
            .status()
            .as_u16(),
        200
    );
    app.login_ok("demo.admin").await;
    let csrf = app.csrf().await;
    let res = app
        .post_form(
            &format!("/staff/accounts/{id}"),
            &[
                ("csrf", &csrf),
                ("display_name", "水磨 杨志成"),
                ("role", "township_officer"),
                ("township", &app.township_id("水磨镇").await.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    // The running session is gone, and signing in again fails.
    assert_eq!(
        officer
            .get(app.url("/staff"))
            .send()
            .await
            .expect("r")
            .status()
            .as_u16(),
        303
    );
    let again = app.new_client();
    let page = again
        .get(app.url("/staff/login"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    let res = again
        .browser_post(app.url("/staff/login"))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("username", "demo.shuimo"),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 401);
}

async fn admin_manages_accounts_with_audit(backend: Backend) {
    let app = spawn_app(backend).await;
    app.login_ok("demo.admin").await;
    let csrf = app.csrf().await;
    let lts = app.township_id("龙头山镇").await.to_string();
    let res = app
        .post_form(
            "/staff/accounts",
            &[
                ("csrf", &csrf),
                ("username", "zhang.li"),
                ("display_name", "张丽"),
                ("role", "township_officer"),
                ("township", &lts),
                ("email", "zhang.li@example.gov.cn"),
                ("password", "Longtoushan-2026"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let loc = res.headers()["location"].to_str().expect("l").to_owned();
    assert!(loc.starts_with("/staff/accounts/"));
    let (status, body) = app.get_text(&loc).await;
    assert_eq!(status, 200);
    assert!(body.contains("已保存"));
    assert!(!body.contains("argon2"), "no password hash in pages");
    let id = app.staff_id("zhang.li").await;
    // Duplicate username: a clear message, nothing written.
    let res = app
        .post_form(
            "/staff/accounts",
            &[
                ("csrf", &csrf),
                ("username", "zhang.li"),
                ("display_name", "Z"),
                ("role", "auditor"),
                ("password", "Another-2026x"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.expect("b").contains("该用户名已被使用"));
    // Reset the password; the new one works for the new officer.
    let res = app
        .post_form(
            &format!("/staff/accounts/{id}/password"),
            &[("csrf", &csrf), ("password", "Brand-new-pass-9")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let officer = app.new_client();
    let page = officer
        .get(app.url("/staff/login"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    let res = officer
        .browser_post(app.url("/staff/login"))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("username", "zhang.li"),
            ("password", "Brand-new-pass-9"),
        ])
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 303);
    let body = officer
        .get(app.url("/staff"))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    assert!(body.contains("龙泉村") && !body.contains("水磨村"));
    let actions = app.audit_actions().await;
    for (actor, action) in [
        ("demo.admin", "login"),
        ("demo.admin", "staff.create"),
        ("demo.admin", "staff.reset_password"),
        ("zhang.li", "login"),
    ] {
        assert!(
            actions.contains(&(actor.into(), action.into())),
            "{actor} {action}: {actions:?}"
        );
    }
    let body = app.get_text("/staff/audit").await.1;
    assert!(body.contains("staff.create") && body.contains("zhang.li"));
}

async fn audit_log_is_append_only(backend: Backend) {
    let app = spawn_app(backend).await;
    app.login_ok("demo.admin").await;
    assert!(!app.audit_actions().await.is_empty());
    let update = sqlx::query("UPDATE audit_log SET actor = 'someone else'")
        .execute(&app.db.pool)
        .await;
    assert!(update.is_err(), "UPDATE must be rejected");
    let delete = sqlx::query("DELETE FROM audit_log")
        .execute(&app.db.pool)
        .await;
    assert!(delete.is_err(), "DELETE must be rejected");
    assert!(app
        .audit_actions()
        .await
        .iter()
        .all(|(a, _)| a != "someone else"));
}

/// PostgreSQL only (SQLite has no TRUNCATE): a statement-level trigger refuses it, so the whole
/// log cannot be wiped in one statement that the row triggers never see.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_audit_log_truncate_is_refused() {
    let app = spawn_app(Backend::Postgres).await;
    app.login_ok("demo.admin").await;
    let before = app.audit_actions().await;
    assert!(!before.is_empty());
    let err = sqlx::query("TRUNCATE audit_log")
        .execute(&app.db.pool)
        .await
        .expect_err("TRUNCATE must be rejected");
    assert!(
        err.to_string().contains("audit_log is append-only"),
        "refused by the trigger, not by chance: {err}"
    );
    assert_eq!(app.audit_actions().await, before, "nothing was removed");
}

async fn invalid_account_form_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.login_ok("demo.admin").await;
    let csrf = app.csrf().await;
    let before = app.audit_actions().await.len();
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![
            ("username", "Bad Name"),
            ("display_name", "X"),
            ("role", "auditor"),
            ("password", "Long-enough-1"),
        ],
        vec![
            ("username", "ok.name"),
            ("display_name", "X"),
            ("role", "township_officer"),
            ("password", "Long-enough-1"),
        ],
        vec![
            ("username", "ok.name"),
            ("display_name", "X"),
            ("role", "auditor"),
            ("password", "short"),
        ],
        vec![
            ("username", "ok.name"),
            ("display_name", "<script>alert(1)</script>"),
            ("role", "auditor"),
            ("township", "999999"),
            ("password", "Long-enough-1"),
        ],
        vec![
            ("username", "ok.name"),
            ("display_name", "X"),
            ("role", "root'; DROP TABLE staff; --"),
            ("password", "Long-enough-1"),
        ],
    ];
    for fields in cases {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields.iter().copied());
        let res = app.post_form("/staff/accounts", &form).await;
        assert_eq!(res.status().as_u16(), 422, "{fields:?}");
        let body = res.text().await.expect("b");
        assert!(body.contains("请修改下面标出的内容"), "{fields:?}");
        assert!(
            !body.contains("<script>alert"),
            "echoed input must be escaped"
        );
    }
    assert!(app::db::staff::by_username(&app.db, "ok.name")
        .await
        .expect("q")
        .is_none());
    assert_eq!(app.audit_actions().await.len(), before);
    // Oversized body: refused with a page, nothing written.
    let big = "x".repeat(70 * 1024);
    let res = app
        .post_form(
            "/staff/accounts",
            &[
                ("csrf", &csrf),
                ("username", "big.one"),
                ("display_name", &big),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 413);
    assert!(res.text().await.expect("b").contains("提交的内容太大"));
}

/// Every staff page shows what public pages do not: none may be kept by a browser's or a
/// proxy's cache (`PageCtx::staff_page`), lists and confirm pages included.
async fn staff_pages_are_never_cached(backend: Backend) {
    let app = spawn_app(backend).await;
    // A draft standing list with one entry, for its confirm page.
    let officer = app.staff_session("demo.longtoushan").await;
    let batch = officer
        .create_batch(&app.db, "530621103204", "standing")
        .await;
    let entry = [
        ("head_name", "端木新户"),
        ("persons", "2"),
        ("amount", "700"),
        ("category", "一般保障"),
        ("change", "新增"),
    ];
    let res = officer
        .post_form(&format!("/staff/publicity/{batch}/entries"), &entry)
        .await;
    assert_eq!(res.status().as_u16(), 303, "add entry");
    let confirm = format!("/staff/publicity/{batch}/confirm?step=publish");
    let pages: [(&str, &[&str]); 3] = [
        (
            "demo.admin",
            &[
                "/staff",
                "/staff/accounts",
                "/staff/accounts/new",
                "/staff/audit",
                "/staff/pages",
                "/staff/holidays",
                "/staff/county",
            ],
        ),
        (
            "demo.county",
            &[
                "/staff/complaints",
                "/staff/complaints/new",
                "/staff/publicity",
                "/staff/publicity/new",
                "/staff/cases",
                "/staff/notices",
                "/staff/rechecks",
                "/staff/rechecks/compare",
                "/staff/draws",
            ],
        ),
        (
            "demo.longtoushan",
            &["/staff/cases/new", "/staff/cases/meeting", &confirm],
        ),
    ];
    for (user, paths) in pages {
        let staff = app.staff_session(user).await;
        for path in paths {
            let res = staff.get(path).await;
            assert_eq!(res.status().as_u16(), 200, "{user} {path}");
            assert_eq!(res.headers()["cache-control"], "no-store", "{user} {path}");
        }
    }
}

/// The ids of the audit entries a page of `/staff/audit` shows (`<li id="a{id}">`), in its order.
fn entry_ids(page: &str) -> Vec<i64> {
    page.split("<li id=\"a")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

/// Every entry of the trail is on a page of `/staff/audit`, 200 a page, newest first, back to the
/// first: for the deployment's reader all of them, for a township officer exactly their
/// township's. The failed sign-ins table is on the first page only. A page that is no number is
/// refused with why; a page past the end is 404.
async fn the_audit_trail_goes_back_to_its_first_entry(backend: Backend) {
    let app = spawn_app(backend).await;
    let per_page = app::admin::audit::AUDIT_PER_PAGE as usize;
    let shuimo_township = app::db::staff::by_username(&app.db, "demo.shuimo")
        .await
        .expect("q")
        .expect("officer")
        .township_id;
    // More than two pages' worth, some of them 水磨's.
    let mut conn = app.db.pool.acquire().await.expect("conn");
    for n in 0..2 * per_page + 7 {
        let entry = app::db::audit::Entry {
            staff_id: None,
            actor: "paging.test",
            action: "test.entry",
            object_type: "test",
            object_id: Some(n.to_string()),
            township_id: if n % 3 == 0 { shuimo_township } else { None },
            detail: String::new(),
            client_addr: None,
        };
        app::db::audit::record(&mut conn, &entry, 1_800_000_000)
            .await
            .expect("record");
    }
    drop(conn);
    for (who, scope) in [
        ("demo.admin", app::domain::Scope::All),
        (
            "demo.shuimo",
            app::domain::Scope::Township(shuimo_township.expect("township")),
        ),
    ] {
        let session = app.staff_session(who).await;
        // Signing in is audited too: the trail is read after it.
        let all: Vec<i64> = app::db::audit::list(&app.db, &scope, i64::MAX, 0)
            .await
            .expect("audit")
            .iter()
            .map(|r| r.id)
            .collect();
        let pages = follow_pages(
            |path| {
                let session = &session;
                async move { session.get_text(&path).await }
            },
            "/staff/audit",
            per_page,
            |body| entry_ids(body).len(),
        )
        .await;
        let seen: Vec<i64> = pages.iter().flat_map(|p| entry_ids(p)).collect();
        assert_eq!(seen, all, "{who}");
        let security = |body: &str| body.contains("id=\"security-title\"");
        assert_eq!(
            pages.iter().map(|p| security(p)).collect::<Vec<_>>(),
            (0..pages.len())
                .map(|n| n == 0 && who == "demo.admin")
                .collect::<Vec<_>>(),
            "{who}: failed sign-ins on the first page, for the deployment's readers"
        );
        let (status, body) = session.get_text("/staff/audit?page=x").await;
        assert_eq!(status, 422);
        assert!(body.contains("页码应为1到10000之间的整数"));
    }
}
