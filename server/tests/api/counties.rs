//! One deployment for several counties: a county's own staff reach its townships and nothing
//! of another county, whatever the route; the deployment's administrator places accounts in a
//! county; a county's administrator cannot make an account wider than their county.

use sqlx::Row;

use crate::both_backends;
use crate::helpers::{
    form_token, spawn_app, Backend, BrowserExt, StaffSession, TestApp, DEMO_PASSWORD,
};

both_backends!(
    a_county_sees_nothing_of_another_county,
    accounts_are_placed_in_a_county,
    the_home_page_leads_to_a_county_and_remembers_it,
    statistics_roll_up_county_by_county,
    a_county_speaks_with_its_own_settings,
    the_report_form_asks_for_the_county_first,
    a_province_loads_its_regions_from_the_division_codes,
    statistics_and_counties_group_by_prefecture,
    a_prefecture_reads_its_counties_only,
    a_county_writes_its_own_pages,
);

/// The second county: 巧家县 with 白鹤滩镇 and its 示范村 (the demo county is the first).
struct Second {
    county: i64,
    township: i64,
    village: i64,
}

async fn add_second_county(app: &TestApp) -> Second {
    add_county(
        app,
        [
            ("530622000000", "巧家县"),
            ("530622101000", "白鹤滩镇"),
            ("530622101201", "示范村"),
        ],
    )
    .await
}

/// Adds a county with one township and one village: (code, name) of each, in that order.
async fn add_county(app: &TestApp, regions: [(&str, &str); 3]) -> Second {
    use app::db::regions::{insert, Level};
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let mut parent = None;
    let mut ids = vec![];
    for (level, (code, name)) in [Level::County, Level::Township, Level::Village]
        .into_iter()
        .zip(regions)
    {
        let id = insert(&mut conn, parent, level, code, name, None, 2)
            .await
            .expect(name);
        ids.push(id);
        parent = Some(id);
    }
    Second {
        county: ids[0],
        township: ids[1],
        village: ids[2],
    }
}

/// A county's administrator (`county`: its id), made by the deployment's `province`, signed in.
async fn county_admin(
    app: &TestApp,
    province: &StaffSession,
    username: &str,
    county: &str,
) -> StaffSession {
    let fields = [
        ("username", username),
        ("role", "admin"),
        ("county", county),
    ];
    assert_eq!(create_account(province, &fields).await, 303, "{username}");
    app.staff_session(username).await
}

/// Creates an account as `admin` (a signed-in administrator); returns the response status.
async fn create_account(admin: &StaffSession, fields: &[(&str, &str)]) -> u16 {
    let mut form = vec![("password", DEMO_PASSWORD), ("display_name", "测试人员")];
    form.extend_from_slice(fields);
    admin
        .post_form("/staff/accounts", &form)
        .await
        .status()
        .as_u16()
}

async fn county_of_account(app: &TestApp, username: &str) -> (Option<i64>, Option<i64>) {
    let s = app::db::staff::by_username(&app.db, username)
        .await
        .expect("q")
        .expect("account");
    (s.township_id, s.county_id)
}

/// Drafts a standing list for a village as `staff` (who must reach it); returns its id.
async fn standing_list(app: &TestApp, staff: &StaffSession, village: i64) -> i64 {
    let res = staff
        .post_form(
            "/staff/publicity",
            &[
                ("village", &village.to_string()),
                ("kind", "standing"),
                ("opens_on", "2026-11-26"),
                ("days", "7"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "a list in village {village}");
    first_id(
        app,
        &format!("SELECT id FROM batches WHERE village_id = {village} ORDER BY id"),
    )
    .await
}

/// The first id of a table's rows (the demo county's objects).
async fn first_id(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&app.db.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get(0)
}

/// Names of the demo county's townships and villages: none may appear to the other county.
async fn first_county_names(app: &TestApp, second: &Second) -> Vec<String> {
    use app::db::regions::Level;
    let mut names = vec![];
    for level in [Level::Township, Level::Village] {
        let regions = app::db::regions::by_level(&app.db, level)
            .await
            .expect("names");
        names.extend(
            regions
                .into_iter()
                .filter(|r| r.id != second.township && r.id != second.village)
                .map(|r| r.name_zh),
        );
    }
    names
}

async fn a_county_sees_nothing_of_another_county(backend: Backend) {
    let app = spawn_app(backend).await;
    let second = add_second_county(&app).await;
    let county = second.county.to_string();
    let province = app.staff_session("demo.admin").await;
    assert_eq!(
        create_account(
            &province,
            &[
                ("username", "qj.officer"),
                ("role", "county_officer"),
                ("county", &county)
            ]
        )
        .await,
        303
    );
    assert_eq!(
        county_of_account(&app, "qj.officer").await,
        (None, Some(second.county))
    );
    let officer = app.staff_session("qj.officer").await;
    // A county's notices and printed lists name that county, not the deployment's first one.
    let named = app::db::regions::county_of_township(&app.db, second.township)
        .await
        .expect("q")
        .expect("county");
    assert_eq!(named.name_zh, "巧家县");

    // Their own county works: a standing list for their village.
    let own_batch = standing_list(&app, &officer, second.village).await;
    let (status, page) = officer
        .get_text(&format!("/staff/publicity/{own_batch}"))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("示范村"), "their own list shows its village");
    let (status, notice) = officer
        .get_text(&format!("/staff/publicity/{own_batch}/notice"))
        .await;
    assert_eq!(status, 200);
    // (The site's own name, in the title and header, is the deployment's.)
    let body = notice.split("<main").nth(1).unwrap_or_default();
    assert!(
        body.contains("巧家县") && !body.contains("鲁甸县"),
        "the printed notice names their county: {notice}"
    );

    // Every list page: their county only.
    let names = first_county_names(&app, &second).await;
    assert!(names.iter().any(|n| n == "龙头山镇") && names.iter().any(|n| n == "龙泉村"));
    for path in [
        "/staff",
        "/staff/complaints",
        "/staff/complaints/new",
        "/staff/cases",
        "/staff/cases/new",
        "/staff/publicity",
        "/staff/publicity/new",
        "/staff/notices",
        "/staff/rechecks",
        "/staff/draws",
        "/staff/audit",
    ] {
        let (status, body) = officer.get_text(path).await;
        assert_eq!(status, 200, "GET {path}");
        for name in &names {
            assert!(
                !body.contains(name.as_str()),
                "GET {path} shows {name} of the other county"
            );
        }
        assert!(!body.contains("demo.longtoushan"), "GET {path}");
    }
    let (_, new_list) = officer.get_text("/staff/publicity/new").await;
    assert!(new_list.contains("示范村"), "their village is offered");
    assert_comparisons_stay_in_their_county(&app, &officer).await;

    // Every page of an object of the other county: refused.
    let batch = first_id(&app, "SELECT id FROM batches ORDER BY id").await;
    let complaint = first_id(&app, "SELECT id FROM complaints ORDER BY id").await;
    let case = first_id(&app, "SELECT id FROM cases ORDER BY id").await;
    let household = first_id(&app, "SELECT id FROM households ORDER BY id").await;
    let notice = first_id(&app, "SELECT id FROM notices ORDER BY id").await;
    let account = app.staff_id("demo.longtoushan").await;
    let lts = app.township_id("龙头山镇").await;
    for path in [
        format!("/staff/publicity/{batch}"),
        format!("/staff/publicity/{batch}/notice"),
        format!("/staff/publicity/{batch}/export.xlsx"),
        format!("/staff/publicity/{batch}/confirm?step=withdraw"),
        format!("/staff/complaints/{complaint}"),
        format!("/staff/complaints/{complaint}/confirm?step=approve"),
        format!("/staff/cases/{case}"),
        format!("/staff/cases/meeting?township={lts}"),
        format!("/staff/notices/{notice}"),
        format!("/staff/rechecks/household/{household}"),
        format!("/staff/accounts/{account}"),
    ] {
        let status = officer.get(&path).await.status().as_u16();
        assert!(status == 403 || status == 404, "GET {path}: {status}");
    }
    let before = app.audit_actions().await.len();
    let lts_village = first_id(
        &app,
        &format!(
            "SELECT id FROM regions WHERE level = 'village' AND parent_id = {lts} ORDER BY id"
        ),
    )
    .await
    .to_string();
    for (path, fields) in [
        (format!("/staff/publicity/{batch}/publish"), vec![]),
        (
            format!("/staff/publicity/{batch}/withdraw"),
            vec![("reason", "hijack")],
        ),
        (
            format!("/staff/publicity/{batch}/entries"),
            vec![
                ("head_name", "X"),
                ("persons", "1"),
                ("amount", "1"),
                ("category", "一般保障"),
            ],
        ),
        (format!("/staff/complaints/{complaint}/accept"), vec![]),
        (
            format!("/staff/complaints/{complaint}/note"),
            vec![("note", "hijack")],
        ),
        (
            format!("/staff/cases/{case}/note"),
            vec![("note", "hijack")],
        ),
        (
            format!("/staff/notices/{notice}/delivery"),
            vec![("delivered_on", "2026-11-27"), ("method", "in_person")],
        ),
        (
            "/staff/publicity".to_owned(),
            vec![
                ("village", lts_village.as_str()),
                ("kind", "standing"),
                ("opens_on", "2026-11-26"),
                ("days", "7"),
            ],
        ),
        (
            "/staff/draws/pool".to_owned(),
            vec![
                ("village", lts_village.as_str()),
                ("name", "某某"),
                ("stratum", "villager"),
                ("group", "1"),
                ("member", "0"),
            ],
        ),
        (
            format!("/staff/accounts/{account}/password"),
            vec![("password", "Hijacked-pass-2026")],
        ),
    ] {
        let status = officer.post_form(&path, &fields).await.status().as_u16();
        assert!(status == 403 || status == 404, "POST {path}: {status}");
    }
    assert_eq!(
        app.audit_actions().await.len(),
        before,
        "nothing of the other county was changed"
    );

    // The other county's township officer cannot see this county's list either; the
    // province's auditor (no county) reads both.
    let lts_officer = app.staff_session("demo.longtoushan").await;
    let status = lts_officer
        .get(&format!("/staff/publicity/{own_batch}"))
        .await
        .status()
        .as_u16();
    assert_eq!(status, 403);
    let auditor = app.staff_session("demo.auditor").await;
    for id in [own_batch, batch] {
        let status = auditor
            .get(&format!("/staff/publicity/{id}"))
            .await
            .status()
            .as_u16();
        assert_eq!(status, 200, "the province's auditor reads list {id}");
    }
}

async fn accounts_are_placed_in_a_county(backend: Backend) {
    let app = spawn_app(backend).await;
    let second = add_second_county(&app).await;
    let county = second.county.to_string();
    let province = app.staff_session("demo.admin").await;
    // The deployment's administrator sees the county choice, and places a county's admin.
    let (_, form) = province.get_text("/staff/accounts/new").await;
    assert!(form.contains("name=\"county\"") && form.contains("巧家县"));
    assert_eq!(
        create_account(
            &province,
            &[
                ("username", "qj.admin"),
                ("role", "admin"),
                ("county", &county)
            ]
        )
        .await,
        303
    );
    // A county that does not exist: a clear message, nothing made.
    let res = province
        .post_form(
            "/staff/accounts",
            &[
                ("password", DEMO_PASSWORD),
                ("display_name", "测试人员"),
                ("username", "qj.nowhere"),
                ("role", "auditor"),
                ("county", "999999"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.expect("b").contains("请从列表中选择县"));
    assert!(app::db::staff::by_username(&app.db, "qj.nowhere")
        .await
        .expect("q")
        .is_none());
    let admin = app.staff_session("qj.admin").await;
    // The county's administrator: no county choice; their townships only.
    let (status, form) = admin.get_text("/staff/accounts/new").await;
    assert_eq!(status, 200);
    assert!(!form.contains("name=\"county\""), "no county choice");
    assert!(form.contains("白鹤滩镇") && !form.contains("龙头山镇"));
    let (_, list) = admin.get_text("/staff/accounts").await;
    assert!(list.contains("qj.admin") && !list.contains("demo.longtoushan"));
    // An account without a township, even one asking for no county or another county, is
    // theirs: never wider than their county.
    let first_county = app::db::regions::county(&app.db)
        .await
        .expect("county")
        .expect("the demo county")
        .id;
    for (username, asked) in [
        ("qj.auditor", String::new()),
        ("qj.sup", first_county.to_string()),
    ] {
        assert_eq!(
            create_account(
                &admin,
                &[
                    ("username", username),
                    ("role", "auditor"),
                    ("county", &asked)
                ]
            )
            .await,
            303
        );
        assert_eq!(
            county_of_account(&app, username).await,
            (None, Some(second.county)),
            "{username}"
        );
    }
    // A township of another county: refused, nothing made.
    let lts = app.township_id("龙头山镇").await.to_string();
    assert_eq!(
        create_account(
            &admin,
            &[
                ("username", "qj.thief"),
                ("role", "township_officer"),
                ("township", &lts)
            ]
        )
        .await,
        422
    );
    assert!(app::db::staff::by_username(&app.db, "qj.thief")
        .await
        .expect("q")
        .is_none());
    // Their own township: made.
    assert_eq!(
        create_account(
            &admin,
            &[
                ("username", "qj.bht"),
                ("role", "township_officer"),
                ("township", &second.township.to_string())
            ]
        )
        .await,
        303
    );
    assert_eq!(
        county_of_account(&app, "qj.bht").await,
        (Some(second.township), None)
    );
    // Another county's accounts and the province's own: out of reach.
    for username in ["demo.longtoushan", "demo.county", "demo.admin"] {
        let id = app.staff_id(username).await;
        let status = admin
            .get(&format!("/staff/accounts/{id}"))
            .await
            .status()
            .as_u16();
        assert_eq!(status, 403, "{username}");
        let status = admin
            .post_form(
                &format!("/staff/accounts/{id}"),
                &[("display_name", "X"), ("role", "admin")],
            )
            .await
            .status()
            .as_u16();
        assert_eq!(status, 403, "{username}");
    }
    // Holidays and content pages belong to the deployment.
    assert_eq!(admin.get("/staff/holidays").await.status().as_u16(), 403);
    // The deployment's administrator still reaches every account.
    let (_, list) = province.get_text("/staff/accounts").await;
    assert!(list.contains("qj.bht") && list.contains("demo.longtoushan"));
}

/// A county's comparison file matches its own recipients only (an ID number of another county's
/// recipient is "unmatched"), and is that county's: the other county's staff cannot open it,
/// the deployment's can.
async fn assert_comparisons_stay_in_their_county(app: &TestApp, officer: &StaffSession) {
    let (status, _) = officer.get_text("/staff/rechecks/compare").await;
    assert_eq!(status, 200, "a county's officer compares for their county");
    let id_number: String = sqlx::query(
        "SELECT h.id_number FROM households h WHERE h.id_number IS NOT NULL
           AND h.status = 'active' ORDER BY h.id LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("a recipient of the demo county")
    .get(0);
    let csv = format!("身份证号,来源,发现\n{id_number},车辆,小型轿车1辆\n");
    let res = officer
        .post_file("/staff/rechecks/compare", "qj.csv", csv.into_bytes())
        .await;
    assert_eq!(res.status().as_u16(), 303, "staged");
    let to = res.headers()["location"].to_str().expect("l").to_owned();
    let (status, page) = officer.get_text(&to).await;
    assert_eq!(status, 200);
    let matched = r#"id="rows-matched">0<"#;
    assert!(
        page.contains(matched),
        "the other county's recipient is not matched: {page}"
    );
    let file: i64 = to
        .rsplit('/')
        .next()
        .and_then(|i| i.parse().ok())
        .expect("file id");
    let county: Option<i64> = app::db::comparisons::get(&app.db, file)
        .await
        .expect("file")
        .expect("file")
        .county_id;
    assert!(county.is_some(), "the file is the county's");
    let township = app.staff_session("demo.longtoushan").await;
    let status = township.get(&to).await.status().as_u16();
    assert_eq!(status, 403, "another county's township cannot open it");
    let (_, list) = township.get_text("/staff/rechecks/compare").await;
    assert!(!list.contains("qj.csv"), "nor see it listed");
    let deployment = app.staff_session("demo.county").await;
    assert_eq!(deployment.get(&to).await.status().as_u16(), 200);
}

async fn the_home_page_leads_to_a_county_and_remembers_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let first: String = app::db::regions::county(&app.db)
        .await
        .expect("county")
        .expect("the demo county")
        .code;
    add_second_county(&app).await;
    // Several counties: the home page lists them, not every township of the province.
    let (status, home) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert!(
        home.contains(&format!("href=\"/c/{first}\"")) && home.contains("href=\"/c/530622000000\"")
    );
    assert!(home.contains("巧家县") && !home.contains("龙头山镇") && !home.contains("白鹤滩镇"));
    // Each county's page holds its own townships and villages only.
    let (status, second) = app.get_text("/c/530622000000").await;
    assert_eq!(status, 200);
    assert!(second.contains("白鹤滩镇") && second.contains("href=\"/v/530622101201\""));
    assert!(!second.contains("龙头山镇"), "another county's townships");
    assert!(second.contains("/c/530622000000/remember") && second.contains("href=\"/counties\""));
    let (status, demo) = app.get_text(&format!("/c/{first}")).await;
    assert_eq!(status, 200);
    assert!(demo.contains("龙头山镇") && !demo.contains("白鹤滩镇"));
    for path in [
        "/c/530699000000",
        "/c/abc",
        "/c/530622101000",
        "/c/530622000000/x",
    ] {
        assert_eq!(app.get(path).await.status().as_u16(), 404, "{path}");
    }
    // Remembered: the home page opens the county; the list stays one link away.
    let visitor = app.new_client();
    let res = visitor
        .get(app.url("/c/530622000000/remember"))
        .send()
        .await
        .expect("r");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/c/530622000000");
    let res = visitor.get(app.url("/")).send().await.expect("r");
    assert_eq!(res.status().as_u16(), 303, "the remembered county");
    assert_eq!(res.headers()["location"], "/c/530622000000");
    let res = visitor.get(app.url("/counties")).send().await.expect("r");
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.text().await.expect("b").contains("鲁甸县"));
    // Nobody else is sent there: the shared home page is still the list.
    let (status, again) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert!(again.contains("href=\"/c/530622000000\"") && !again.contains("白鹤滩镇"));
}

/// The number in a page's summary box after `<dt>{label}</dt><dd>`.
fn summary_number(page: &str, label: &str) -> i64 {
    let marker = format!("<dt>{label}</dt><dd>");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("{label} shown"))
        + marker.len();
    let end = start + page[start..].find('<').expect("end");
    page[start..end].trim().parse().expect("a number")
}

async fn statistics_roll_up_county_by_county(backend: Backend) {
    let app = spawn_app(backend).await;
    let first: String = app::db::regions::county(&app.db)
        .await
        .expect("county")
        .expect("the demo county")
        .code;
    add_second_county(&app).await;
    // Each county's own page: its townships and its total.
    let (status, demo) = app.get_text(&format!("/c/{first}/stats")).await;
    assert_eq!(status, 200);
    assert!(demo.contains("龙头山镇") && !demo.contains("白鹤滩镇"));
    let demo_households = summary_number(&demo, "户数");
    assert!(demo_households > 0, "the demo county has recipients");
    let (status, second) = app.get_text("/c/530622000000/stats").await;
    assert_eq!(status, 200);
    assert!(second.contains("白鹤滩镇") && !second.contains("龙头山镇"));
    assert_eq!(summary_number(&second, "户数"), 0);
    assert_eq!(
        app.get("/c/530699000000/stats").await.status().as_u16(),
        404
    );
    // The deployment's page: a row per county, each linking to its own page, and their total.
    let (status, all) = app.get_text("/stats").await;
    assert_eq!(status, 200);
    assert!(all.contains(&format!("href=\"/c/{first}/stats\"")));
    assert!(all.contains("href=\"/c/530622000000/stats\"") && !all.contains("龙头山镇"));
    assert_eq!(summary_number(&all, "户数"), demo_households);
    let v: serde_json::Value = app.get("/api/v1/stats").await.json().await.expect("json");
    let counties = v["counties"].as_array().expect("county rows");
    let codes: Vec<&str> = counties.iter().filter_map(|c| c["code"].as_str()).collect();
    assert_eq!(codes, [first.as_str(), "530622000000"]);
    assert_eq!(counties[0]["households"], demo_households);
    assert_eq!(
        v["county"]["households"], demo_households,
        "the total of every county"
    );
    assert!(v.get("townships").is_none());
}

/// A county's administrator writes its hotline, other ways to report, notice issuer and prefix
/// and its own days: its pages show them (header, footer, county page), the other county's do
/// not; bad values are refused with their field's message and change nothing; another county's
/// settings are out of reach; its own days count in its townships' calendar only.
async fn a_county_speaks_with_its_own_settings(backend: Backend) {
    let app = spawn_app(backend).await;
    let second = add_second_county(&app).await;
    let county = second.county.to_string();
    let province = app.staff_session("demo.admin").await;
    let admin = county_admin(&app, &province, "qj.admin", &county).await;
    let (status, page) = admin.get_text("/staff/county").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("巧家县") && page.contains(r#"placeholder="巧家县民政局""#),
        "{page}"
    );
    assert!(
        page.contains(r#"href="/staff/county""#),
        "linked from the staff menu"
    );
    assert!(
        !page.contains(r#"href="/staff/holidays""#),
        "not the deployment's holidays"
    );
    let settings = [
        ("county", county.as_str()),
        ("hotline", "0870-7122345"),
        (
            "channels",
            "县民政局举报信箱：县政府大院一楼\n来访：周一至周五",
        ),
        ("issuer", "巧家县民政局"),
        ("notice_prefix", "巧民低告"),
    ];
    let res = admin.post_form("/staff/county", &settings).await;
    assert_eq!(res.status().as_u16(), 303);
    // Hostile or malformed values: refused with the field's message, nothing changes.
    for (field, value, message) in [
        (
            "hotline",
            "<script>alert(1)</script>",
            "举报电话只能包含数字",
        ),
        ("notice_prefix", "巧民低告〔2026〕", "文号前缀最多 12 个字"),
        (
            "issuer",
            "巧家县民政局巧家县民政局巧家县民政局巧家县民政局巧家县民政局巧家县民政局巧家县民政局",
            "发文机关最多 40 个字",
        ),
    ] {
        let mut form: Vec<(&str, &str)> = settings.to_vec();
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let res = admin.post_form("/staff/county", &form).await;
        assert_eq!(res.status().as_u16(), 422, "{field}");
        let body = res.text().await.expect("body");
        assert!(body.contains(message), "{field}: {body}");
        assert!(!body.contains("<script>alert"), "{field}: not echoed raw");
    }
    let stored = app::db::county_settings::get(&app.db, second.county)
        .await
        .expect("settings");
    assert_eq!(stored.hotline, "0870-7122345");
    assert_eq!(stored.notice_prefix, "巧民低告");
    // The other county is out of reach, for reading and writing.
    let demo_county = app::db::regions::county(&app.db)
        .await
        .expect("q")
        .expect("demo");
    let other = demo_county.id.to_string();
    assert_eq!(
        admin
            .get(&format!("/staff/county?county={other}"))
            .await
            .status()
            .as_u16(),
        403
    );
    let mut form: Vec<(&str, &str)> = settings.to_vec();
    form[0] = ("county", other.as_str());
    assert_eq!(
        admin
            .post_form("/staff/county", &form)
            .await
            .status()
            .as_u16(),
        403
    );
    let untouched = app::db::county_settings::get(&app.db, demo_county.id)
        .await
        .expect("settings");
    assert_eq!(
        untouched,
        Default::default(),
        "the demo county wrote nothing"
    );
    // A township's officer has no county settings.
    let township = app.staff_session("demo.longtoushan").await;
    assert_eq!(township.get("/staff/county").await.status().as_u16(), 403);
    // The demo county issues a notice this year under the deployment's prefix.
    let demo_case = township
        .refused_case("530621103201", "申屠鲁甸", "530621197904120030")
        .await;
    let demo_number: String = notice_of_case(&app, demo_case)
        .await
        .expect("the demo county's notice")
        .number;
    assert!(demo_number.starts_with("鲁民低告〔"), "{demo_number}");

    // A refusal in the county: its notice carries the county's prefix, and its printed page the
    // county's hotline.
    let township = second.township.to_string();
    assert_eq!(
        create_account(
            &admin,
            &[
                ("username", "qj.bht"),
                ("role", "township_officer"),
                ("township", &township)
            ]
        )
        .await,
        303
    );
    let officer = app.staff_session("qj.bht").await;
    let case = officer
        .refused_case("530622101201", "申屠巧家", "530622198503150029")
        .await;
    let row = notice_of_case(&app, case)
        .await
        .expect("the refusal's notice");
    let (notice, number): (i64, String) = (row.id, row.number);
    // Its own prefix, its own sequence: the first of its year, whatever the others have issued.
    let year = app::db::today_cst().format("%Y");
    assert_eq!(number, format!("巧民低告〔{year}〕1号"));
    let (status, page) = officer.get_text(&format!("/staff/notices/{notice}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("0870-7122345") && page.contains(&number),
        "{page}"
    );

    // Public pages: the county page lists its hotline and channels; its village's header and
    // footer are the county's; the other county's pages keep the deployment's hotline.
    let (status, page) = app.get_text("/c/530622000000").await;
    assert_eq!(status, 200);
    assert!(page.contains("0870-7122345") && page.contains("县民政局举报信箱：县政府大院一楼"));
    assert!(page.contains(r#"href="tel:08707122345""#));
    let (status, page) = app.get_text("/v/530622101201").await;
    assert_eq!(status, 200);
    let header = page.split("</header>").next().unwrap_or_default();
    assert!(
        header.contains("巧家县") && !header.contains("鲁甸县"),
        "{header}"
    );
    let footer = page.split("<footer").nth(1).unwrap_or_default();
    assert!(footer.contains("0870-7122345"), "{footer}");
    let (_, page) = app.get_text("/v/530621103201").await;
    let footer = page.split("<footer").nth(1).unwrap_or_default();
    assert!(
        footer.contains("0870-1234567") && !footer.contains("0870-7122345"),
        "the deployment's hotline (the tests' setting): {footer}"
    );

    // The county's own day counts in its townships' calendar, not in the other county's.
    let day = "2026-12-28";
    let res = admin
        .post_form(
            "/staff/county/holidays",
            &[
                ("county", county.as_str()),
                ("day", day),
                ("kind", "holiday"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("day");
    let theirs = app::db::county_settings::calendar_of_township(&app.db, Some(second.township))
        .await
        .expect("cal");
    let lts = app.township_id("龙头山镇").await;
    let ours = app::db::county_settings::calendar_of_township(&app.db, Some(lts))
        .await
        .expect("cal");
    assert!(!theirs.is_workday(d), "a holiday in 巧家县");
    assert!(ours.is_workday(d), "a Monday in 鲁甸县");
    let (_, page) = admin.get_text("/staff/county").await;
    assert!(page.contains(day));
    // Removed twice: the second finds nothing, and writes nothing (the count below).
    for want in [303, 404] {
        let res = admin
            .post_form(
                "/staff/county/holidays/remove",
                &[("county", county.as_str()), ("day", day)],
            )
            .await;
        assert_eq!(res.status().as_u16(), want);
    }
    let theirs = app::db::county_settings::calendar_of_township(&app.db, Some(second.township))
        .await
        .expect("cal");
    assert!(theirs.is_workday(d));
    // Every change is in the audit trail under the county's administrator.
    let n = app
        .audit_actions()
        .await
        .iter()
        .filter(|(_, action)| {
            [
                "county.settings",
                "county.holiday.set",
                "county.holiday.remove",
            ]
            .contains(&action.as_str())
        })
        .count();
    assert_eq!(n, 3);
}

/// The notice issued for a case (its first, as the list orders them).
async fn notice_of_case(app: &TestApp, case: i64) -> Option<app::db::notices::Notice> {
    let filter = app::db::notices::NoticeFilter {
        case_id: Some(case),
        ..Default::default()
    };
    app::db::notices::list(&app.db, &filter, 1)
        .await
        .expect("notices")
        .into_iter()
        .next()
}

async fn complaints_in(app: &TestApp, township: i64) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM complaints WHERE township_id = $1")
        .bind(township)
        .fetch_one(&app.db.pool)
        .await
        .expect("n")
        .get(0)
}

/// With several counties the report form first asks which county (a province's every village
/// would be megabytes on a phone), then lists that county's places only — chosen on the
/// county's page, remembered, or kept through a refused submission — and the report lands in
/// that county's township.
async fn the_report_form_asks_for_the_county_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let second = add_second_county(&app).await;
    let (status, page) = app.get_text("/report").await;
    assert_eq!(status, 200);
    assert!(page.contains("请先选择问题发生地所在的县"), "{page}");
    assert!(
        page.contains(r#"href="/report?county=530621000000""#)
            && page.contains(r#"href="/report?county=530622000000""#)
    );
    assert!(!page.contains(r#"id="place""#), "no place list yet");
    // A county's page sends its own county along.
    let (_, county_page) = app.get_text("/c/530622000000").await;
    assert!(county_page.contains(r#"href="/report?county=530622000000""#));
    // The county's places only.
    let (status, page) = app.get_text("/report?county=530622000000").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"value="v:530622101201""#) && page.contains(r#"value="t:530622101000""#)
    );
    assert!(
        !page.contains(r#"value="v:530621103201""#),
        "no place of the other county"
    );
    assert!(page.contains(r#"name="county" value="530622000000""#));
    // A code that is no county, or a hostile one: asked again, nothing echoed.
    let (status, page) = app
        .get_text("/report?county=%27%20OR%201%3D1--%3Cscript%3E")
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("请先选择") && !page.contains("<script>") && !page.contains("OR 1=1"));
    // A remembered county opens its form at once.
    let remembering = app.new_client();
    let res = remembering
        .get(app.url("/c/530622000000/remember"))
        .send()
        .await
        .expect("remember");
    assert!(res.status().is_success() || res.status().is_redirection());
    let page = remembering
        .get(app.url("/report"))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains(r#"value="v:530622101201""#) && !page.contains(r#"value="v:530621103201""#)
    );
    // A refused submission keeps the county's list; a good one lands in its township.
    let reporter = app.new_client();
    let token = form_token(&app, &reporter, "/report?county=530622000000").await;
    let res = reporter
        .browser_post(app.url("/report"))
        .form(&[
            ("token", token.as_str()),
            ("county", "530622000000"),
            ("category", "favouritism"),
            ("place", "v:530622101201"),
            ("body", "太短"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 422);
    let page = res.text().await.expect("body");
    assert!(
        page.contains(r#"value="v:530622101201""#) && !page.contains(r#"value="v:530621103201""#)
    );
    let before = complaints_in(&app, second.township).await;
    let res = reporter
        .browser_post(app.url("/report"))
        .form(&[
            ("token", token.as_str()),
            ("county", "530622000000"),
            ("category", "favouritism"),
            ("place", "v:530622101201"),
            ("body", "村干部把低保名额给了自己的亲戚，他们家有小车。"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    let after = complaints_in(&app, second.township).await;
    assert_eq!(after, before + 1);
}

/// `sunshine regions import FILE` with `file` (GBK, as Excel in China saves .csv) on the app's
/// database: (success, stdout, stderr).
fn import_regions(app: &TestApp, name: &str, text: &str) -> (bool, String, String) {
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    let file = app.data_dir.path().join(name);
    std::fs::write(&file, &gbk).expect("write");
    let cli_dir = tempfile::tempdir().expect("dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sunshine"))
        .args(["regions", "import", file.to_str().expect("utf-8")])
        .env("DATABASE_URL", &app.database_url)
        .env("SUNSHINE_DATA_DIR", cli_dir.path())
        .env("RUST_LOG", "warn")
        .output()
        .expect("run sunshine");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn region_count(app: &TestApp) -> i64 {
    app::db::regions::count(&app.db).await.expect("n")
}

/// An operator loads a county's townships and villages from the statistics bureau's division
/// codes (a province file: its province and prefecture rows are skipped): the site then has
/// several counties and serves the new one's page; a file with a bad row or an orphan village
/// loads nothing and says which row; loading again renames and adds nothing twice.
async fn a_province_loads_its_regions_from_the_division_codes(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, home) = app.get_text("/").await;
    assert!(home.contains("龙泉村"), "one county: its home page");
    // A site of one county names it in the title of a page of no county (now cached).
    let (_, policy) = app.get_text("/policy").await;
    assert!(
        title_of(&policy).contains("鲁甸县"),
        "{}",
        title_of(&policy)
    );
    let before = region_count(&app).await;
    let file = "统计用区划代码,名称,英文名称\n530000000000,云南省\n530600000000,昭通市\n\
                530622101201,示范村\n530622101202,新田村\n530622101000,白鹤滩镇,Baihetan\n\
                530622000000,巧家县,Qiaojia\n530621103201,龙泉村\n";
    let (ok, out, err) = import_regions(&app, "zhaotong.csv", file);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains(
            "added 1 counties, 1 townships, 2 villages; renamed 0; unchanged 1; names above counties: 2"
        ),
        "{out}"
    );
    assert_eq!(region_count(&app).await, before + 4);
    let (status, page) = app.get_text("/c/530622000000").await;
    assert_eq!(status, 200);
    assert!(page.contains("白鹤滩镇") && page.contains("新田村") && page.contains("示范村"));
    let village =
        app::db::regions::by_code(&app.db, app::db::regions::Level::Village, "530622101201")
            .await
            .expect("q")
            .expect("village");
    let township =
        app::db::regions::by_code(&app.db, app::db::regions::Level::Township, "530622101000")
            .await
            .expect("q")
            .expect("township");
    assert_eq!(village.parent_id, Some(township.id));
    assert_eq!(township.name_en.as_deref(), Some("Baihetan"));
    if backend == Backend::Postgres {
        // The running instance was told at once: its cached home page now lists the counties.
        let (_, home) = app.get_text("/").await;
        assert!(home.contains(r#"href="/c/530622000000""#), "{home}");
        // …and, with two counties, names neither on pages of no county (it read its
        // counties again before rendering; on SQLite within the page TTL).
        let (_, policy) = app.get_text("/policy").await;
        assert!(
            !title_of(&policy).contains("鲁甸县"),
            "{}",
            title_of(&policy)
        );
    }
    // Bad rows: every one named, nothing loaded.
    let (ok, _, err) = import_regions(
        &app,
        "bad.csv",
        "530623000000,东川区\n5306231012,短码\n530623101201,\n",
    );
    assert!(!ok);
    assert!(err.contains("第 2 行") && err.contains("第 3 行"), "{err}");
    // A village whose township is neither in the file nor in the tree: nothing loaded.
    let (ok, _, err) = import_regions(
        &app,
        "orphan.csv",
        "530623000000,东川区\n530623101201,孤村\n",
    );
    assert!(!ok);
    assert!(
        err.contains("第 2 行") && err.contains("530623101000"),
        "{err}"
    );
    assert_eq!(region_count(&app).await, before + 4, "all or nothing");
    // Again, with one name corrected: renamed, nothing added twice.
    let (ok, out, err) = import_regions(
        &app,
        "again.csv",
        "530622000000,巧家县,Qiaojia\n530622101000,白鹤滩镇,Baihetan\n530622101202,新田村委会\n",
    );
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("added 0 counties, 0 townships, 0 villages; renamed 1; unchanged 2"),
        "{out}"
    );
    assert_eq!(region_count(&app).await, before + 4);
}

/// A page's `<title>`.
fn title_of(page: &str) -> &str {
    page.split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or_default()
}

/// A province's file names its prefectures: the statistics roll up township → county →
/// prefecture → province (a row per prefecture, each with its own page of county rows), the
/// JSON gives both, and the list of counties is grouped under its prefectures.
async fn statistics_and_counties_group_by_prefecture(backend: Backend) {
    let app = spawn_app(backend).await;
    // (Read from a page the assertions below do not read again: on SQLite the site learns of a
    // command-line change when its cached pages expire.)
    let (_, demo) = app.get_text("/c/530621000000/stats").await;
    let demo_households = summary_number(&demo, "户数");
    let (ok, out, err) = import_regions(
        &app,
        "yunnan.csv",
        "530000000000,云南省\n530100000000,昆明市,Kunming\n530600000000,昭通市\n\
         530102000000,五华区\n530102001000,华山街道\n530102001001,翠湖社区\n\
         530622000000,巧家县\n530622101000,白鹤滩镇\n530622101201,示范村\n",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("names above counties: 3"), "{out}");
    let (status, page) = app.get_text("/stats").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"href="/m/530600000000/stats""#)
            && page.contains(r#"href="/m/530100000000/stats""#),
        "a row and a link per prefecture: {page}"
    );
    assert!(
        !page.contains(r#"href="/c/530621000000/stats""#),
        "counties are one level down"
    );
    assert_eq!(summary_number(&page, "户数"), demo_households);
    let (status, page) = app.get_text("/m/530600000000/stats").await;
    assert_eq!(status, 200);
    assert!(page.contains("昭通市"));
    assert!(
        page.contains(r#"href="/c/530621000000/stats""#)
            && page.contains(r#"href="/c/530622000000/stats""#)
            && !page.contains(r#"href="/c/530102000000/stats""#),
        "its own counties only"
    );
    assert_eq!(summary_number(&page, "户数"), demo_households);
    let (_, page) = app.get_text("/m/530100000000/stats").await;
    assert_eq!(summary_number(&page, "户数"), 0);
    for bad in [
        "/m/539900000000/stats",
        "/m/530621000000/stats",
        "/m/x%27--/stats",
    ] {
        assert_eq!(app.get(bad).await.status().as_u16(), 404, "{bad}");
    }
    let v: serde_json::Value = app.get("/api/v1/stats").await.json().await.expect("json");
    let prefectures = v["prefectures"].as_array().expect("prefectures");
    assert_eq!(prefectures.len(), 2);
    let zhaotong = prefectures
        .iter()
        .find(|p| p["code"] == "530600000000")
        .expect("昭通市");
    assert_eq!(zhaotong["households"], demo_households);
    assert_eq!(v["counties"].as_array().expect("counties").len(), 3);
    // The list of counties, under their prefectures.
    let (_, page) = app.get_text("/counties").await;
    let kunming = page.find("昆明市").expect("昆明市 heading");
    let wuhua = page.find(r#"href="/c/530102000000""#).expect("五华区");
    let zhaotong = page.find("昭通市").expect("昭通市 heading");
    let ludian = page.find(r#"href="/c/530621000000""#).expect("鲁甸县");
    assert!(
        kunming < wuhua && wuhua < zhaotong && zhaotong < ludian,
        "{page}"
    );
}

/// A prefecture's oversight (an auditor limited to 昭通市) reads the deployment's counties of
/// that prefecture — the demo county and 巧家县 — and nothing of 五华区 in 昆明市; only the
/// deployment's administrators place such an account, and only for oversight.
async fn a_prefecture_reads_its_counties_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let second = add_second_county(&app).await;
    let other = add_county(
        &app,
        [
            ("530102000000", "五华区"),
            ("530102001000", "华山街道"),
            ("530102001001", "翠湖社区"),
        ],
    )
    .await;
    let province = app.staff_session("demo.admin").await;
    let other_batch = standing_list(&app, &province, other.village).await;
    let own_batch = first_id(&app, "SELECT id FROM batches ORDER BY id").await;

    // The deployment's administrator is offered the prefectures and places the auditor.
    let (_, form) = province.get_text("/staff/accounts/new").await;
    assert!(
        form.contains("name=\"prefecture\"")
            && form.contains("value=\"530600000000\"")
            && form.contains("value=\"530100000000\""),
        "the prefectures are offered"
    );
    assert_eq!(
        create_account(
            &province,
            &[
                ("username", "zt.auditor"),
                ("role", "auditor"),
                ("prefecture", "530600000000")
            ]
        )
        .await,
        303
    );
    let account = app::db::staff::by_username(&app.db, "zt.auditor")
        .await
        .expect("q")
        .expect("account");
    assert_eq!(account.prefecture_code.as_deref(), Some("530600000000"));
    assert_eq!((account.township_id, account.county_id), (None, None));
    let (_, list) = province.get_text("/staff/accounts").await;
    assert!(list.contains("zt.auditor") && list.contains("530600000000"));

    // Refused with the field's message, nothing made: another role, also a county, a code that
    // is no prefecture of the deployment, hostile text (not echoed).
    let county = second.county.to_string();
    for (username, fields, message) in [
        (
            "zt.officer",
            vec![("role", "county_officer"), ("prefecture", "530600000000")],
            "只有监督检查（只读）账号可以限于一个市（州）",
        ),
        (
            "zt.both",
            vec![
                ("role", "auditor"),
                ("prefecture", "530600000000"),
                ("county", county.as_str()),
            ],
            "只有监督检查（只读）账号可以限于一个市（州）",
        ),
        (
            "zt.nowhere",
            vec![("role", "auditor"), ("prefecture", "530900000000")],
            "请从列表中选择本系统中的市（州）",
        ),
        (
            "zt.hostile",
            vec![
                ("role", "auditor"),
                ("prefecture", "<script>alert(1)</script>"),
            ],
            "请从列表中选择本系统中的市（州）",
        ),
    ] {
        let mut form = vec![
            ("password", DEMO_PASSWORD),
            ("display_name", "测试人员"),
            ("username", username),
        ];
        form.extend(fields);
        let res = province.post_form("/staff/accounts", &form).await;
        assert_eq!(res.status().as_u16(), 422, "{username}");
        let body = res.text().await.expect("body");
        assert!(body.contains(message), "{username}: {message}");
        assert!(!body.contains("<script>alert(1)"), "{username}: echoed");
        assert!(
            app::db::staff::by_username(&app.db, username)
                .await
                .expect("q")
                .is_none(),
            "{username} made"
        );
    }
    // A county's administrator cannot place oversight above their county.
    let qj_admin = county_admin(&app, &province, "qj.admin", &county).await;
    let (_, form) = qj_admin.get_text("/staff/accounts/new").await;
    assert!(
        !form.contains("name=\"prefecture\""),
        "no prefecture choice"
    );
    let res = qj_admin
        .post_form(
            "/staff/accounts",
            &[
                ("password", DEMO_PASSWORD),
                ("display_name", "测试人员"),
                ("username", "qj.wide"),
                ("role", "auditor"),
                ("prefecture", "530600000000"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(app::db::staff::by_username(&app.db, "qj.wide")
        .await
        .expect("q")
        .is_none());

    // The prefecture's auditor: both of its counties, nothing of 五华区, changes nothing.
    let auditor = app.staff_session("zt.auditor").await;
    assert_eq!(
        auditor
            .get(&format!("/staff/publicity/{own_batch}"))
            .await
            .status()
            .as_u16(),
        200,
        "a list of the demo county"
    );
    let (_, publicity) = auditor.get_text("/staff/publicity").await;
    assert!(publicity.contains("龙泉村"), "the demo county's lists");
    for path in [
        "/staff",
        "/staff/complaints",
        "/staff/cases",
        "/staff/publicity",
        "/staff/notices",
        "/staff/rechecks",
        "/staff/draws",
        "/staff/audit",
    ] {
        let (status, body) = auditor.get_text(path).await;
        assert_eq!(status, 200, "GET {path}");
        for name in ["五华区", "华山街道", "翠湖社区"] {
            assert!(!body.contains(name), "GET {path} shows {name}");
        }
    }
    for path in [
        format!("/staff/publicity/{other_batch}"),
        format!("/staff/publicity/{other_batch}/export.xlsx"),
    ] {
        assert_eq!(
            auditor.get(&path).await.status().as_u16(),
            403,
            "GET {path}"
        );
    }
    let before = app.audit_actions().await.len();
    let status = auditor
        .post_form(
            &format!("/staff/publicity/{own_batch}/withdraw"),
            &[("reason", "x")],
        )
        .await
        .status()
        .as_u16();
    assert_eq!(status, 403, "oversight changes nothing");
    assert_eq!(app.audit_actions().await.len(), before);
    // The deployment's own auditor still reads 五华区.
    let everywhere = app.staff_session("demo.auditor").await;
    assert_eq!(
        everywhere
            .get(&format!("/staff/publicity/{other_batch}"))
            .await
            .status()
            .as_u16(),
        200
    );
}

/// A county's administrator writes their county's own pages (its allowance standard): shown on
/// its county page, in its county's voice, and on the deployment's list named by county; never
/// on another county's page. They cannot touch the deployment's pages nor another county's;
/// the deployment's administrator edits every page.
async fn a_county_writes_its_own_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let second = add_second_county(&app).await;
    let province = app.staff_session("demo.admin").await;
    let demo_county = app::db::regions::county(&app.db)
        .await
        .expect("county")
        .expect("the demo county")
        .id;
    for (username, county) in [("qj.admin", second.county), ("ld.admin", demo_county)] {
        let county = county.to_string();
        assert_eq!(
            create_account(
                &province,
                &[
                    ("username", username),
                    ("role", "admin"),
                    ("county", &county)
                ]
            )
            .await,
            303,
            "{username}"
        );
    }
    let deployment_page = first_id(&app, "SELECT id FROM pages ORDER BY id").await;
    // Both county pages are cached before the page is written.
    let (_, before) = app.get_text("/c/530622000000").await;
    assert!(!before.contains("巧家县2026年低保标准"));
    app.get_text("/c/530621000000").await;

    let admin = app.staff_session("qj.admin").await;
    let (status, list) = admin.get_text("/staff").await;
    assert_eq!(status, 200);
    assert!(
        list.contains("href=\"/staff/pages\""),
        "the menu offers pages"
    );
    let res = admin
        .post_form(
            "/staff/pages",
            &[
                ("kind", "policy"),
                ("slug", "qiaojia-standard-2026"),
                ("title", "巧家县2026年低保标准"),
                ("body", "城市每人每月 **850** 元，农村每人每月 **560** 元。"),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let page = first_id(
        &app,
        "SELECT id FROM pages WHERE slug = 'qiaojia-standard-2026'",
    )
    .await;
    let stored = app::db::content::by_id(&app.db, page)
        .await
        .expect("q")
        .expect("page");
    assert_eq!(stored.county_id, Some(second.county), "the county's own");
    let res = admin
        .post_form(&format!("/staff/pages/{page}/publish"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);

    // Public: its county page (the cached copy dropped), the page in its county's voice, the
    // deployment's list naming the county; not the other county's page.
    let (_, county_page) = app.get_text("/c/530622000000").await;
    assert!(
        county_page.contains("巧家县2026年低保标准")
            && county_page.contains("href=\"/policy/qiaojia-standard-2026\""),
        "listed on its county's page"
    );
    let (_, other) = app.get_text("/c/530621000000").await;
    assert!(!other.contains("巧家县2026年低保标准"));
    let (status, shown) = app.get_text("/policy/qiaojia-standard-2026").await;
    assert_eq!(status, 200);
    assert!(shown.contains("<strong>850</strong>"));
    assert!(
        shown.contains("href=\"/c/530622000000\""),
        "the way back leads to its county's page"
    );
    assert!(
        title_of(&shown).contains("巧家县"),
        "in its county's voice: {}",
        title_of(&shown)
    );
    let (_, policies) = app.get_text("/policy").await;
    assert!(policies.contains("巧家县2026年低保标准") && policies.contains("class=\"tag\">巧家县"));

    // Their list holds their county's pages only; the deployment's pages and another county's
    // are out of reach, read or write; so is a page for a township officer.
    let (_, mine) = admin.get_text("/staff/pages").await;
    assert!(mine.contains("巧家县2026年低保标准"));
    let deployment_title = app::db::content::by_id(&app.db, deployment_page)
        .await
        .expect("q")
        .expect("page")
        .title;
    assert!(
        !mine.contains(&deployment_title),
        "not the deployment's pages"
    );
    // (Signing in is audited: both sign in first.)
    let neighbour = app.staff_session("ld.admin").await;
    let officer = app.staff_session("demo.longtoushan").await;
    let before_audit = app.audit_actions().await.len();
    let id = deployment_page;
    assert_eq!(
        admin
            .get(&format!("/staff/pages/{id}"))
            .await
            .status()
            .as_u16(),
        403
    );
    for path in [
        format!("/staff/pages/{id}/unpublish"),
        format!("/staff/pages/{id}/publish"),
    ] {
        assert_eq!(
            admin.post_form(&path, &[]).await.status().as_u16(),
            403,
            "{path}"
        );
    }
    let res = admin
        .post_form(
            &format!("/staff/pages/{id}"),
            &[("title", "改"), ("body", "改"), ("intent", "save")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(
        neighbour
            .get(&format!("/staff/pages/{page}"))
            .await
            .status()
            .as_u16(),
        403
    );
    let res = neighbour
        .post_form(&format!("/staff/pages/{page}/unpublish"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 403);
    let (_, theirs) = neighbour.get_text("/staff/pages").await;
    assert!(!theirs.contains("巧家县2026年低保标准"));
    assert_eq!(officer.get("/staff/pages").await.status().as_u16(), 403);
    assert_eq!(
        app.audit_actions().await.len(),
        before_audit,
        "nothing changed by the refused"
    );
    assert_eq!(
        app.get("/policy/qiaojia-standard-2026")
            .await
            .status()
            .as_u16(),
        200,
        "still published"
    );

    // The deployment's administrator sees every page, the county's named.
    let (status, all) = province.get_text(&format!("/staff/pages/{page}")).await;
    assert_eq!(status, 200, "{all}");
    let (_, all) = province.get_text("/staff/pages").await;
    assert!(all.contains("巧家县2026年低保标准") && all.contains(&deployment_title));
}
