//! Pools and public draws through the real server: a panel announced with its frozen pool,
//! refused for 24 hours, drawn with the announced randomness, published as JSON that the site's
//! code, `sunshine draw verify` and the independent Python reference all re-run to the same
//! result; every refusal at announcement changes nothing; a village review needs a drawn panel
//! of the village holding the household's group; spot-check rights and rules.

use app::db::draws as ddb;
use app::domain::case::group_token;
use app::domain::draw::{verify_json, DrawFile, Verified};

use crate::both_backends;
use crate::cases::drawn_panel;
use crate::helpers::{follow_pages, spawn_app, Backend, BrowserExt, StaffSession, TestApp, PNG};

both_backends!(
    a_panel_is_announced_then_drawn_with_the_public_randomness,
    announcements_that_break_the_rules_change_nothing,
    a_village_review_needs_a_drawn_panel_of_its_group,
    spot_checks_are_the_countys_and_follow_the_rules,
    a_panel_announced_again_replaces_the_first_in_public,
    a_spot_check_not_drawn_yet_is_announced_again_with_a_reason,
    the_public_list_of_draws_goes_back_a_page_at_a_time,
);

const LONGQUAN: &str = "530621103201";
const GUANGMING: &str = "530621103203";
/// A randomness source named for today (the day of announcement: the earliest the site takes).
static SOURCE_TODAY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
fn source() -> &'static str {
    SOURCE_TODAY.get_or_init(|| format!("{} 福彩3D + 排列5 开奖号码", app::db::today_cst()))
}
async fn village_id(t: &TestApp, code: &str) -> i64 {
    app::db::regions::by_code(&t.db, app::db::regions::Level::Village, code)
        .await
        .expect("q")
        .expect("village")
        .id
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

/// Registers an application in `village`, group `group`, and takes it to "surveyed" (accepted,
/// visited by two with the signed form); returns the case id.
async fn surveyed(
    t: &TestApp,
    officer: &StaffSession,
    village: &str,
    group: &str,
    name: &str,
) -> i64 {
    let today = app::db::today_cst().to_string();
    let res = officer
        .post_form(
            "/staff/cases",
            &[
                ("village", village),
                ("group", group),
                ("channel", "self"),
                ("received_on", &today),
                ("category", "yiban"),
                ("m0_name", name),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "register");
    let id: i64 = location(&res)
        .trim_start_matches("/staff/cases/")
        .split(['/', '?'])
        .next()
        .expect("id")
        .parse()
        .expect("id");
    let step = |s: &'static str| format!("/staff/cases/{id}/{s}");
    assert_eq!(
        officer
            .post_form(&step("accept"), &[])
            .await
            .status()
            .as_u16(),
        303
    );
    let form = reqwest::multipart::Form::new()
        .text("csrf", officer.csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("表.png"),
        );
    let res = officer
        .client
        .browser_post(officer.url(&step("evidence")))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status().as_u16(), 303);
    let a = t.staff_id("demo.longtoushan").await.to_string();
    let b = t.staff_id("demo.t103a").await.to_string();
    let res = officer
        .post_form(
            &step("survey"),
            &[
                ("visited_on", &today),
                ("income", "无固定收入"),
                ("assets", "无"),
                ("living", "住房破旧"),
                ("outcome", "eligible"),
                ("visitor", &a),
                ("visitor", &b),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "survey");
    id
}

async fn announce_panel(
    officer: &StaffSession,
    village: i64,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let v = village.to_string();
    // (With a reason: the demo's panel of this month stands in every village, so a new
    // announcement replaces it.)
    let mut f = vec![
        ("village", v.as_str()),
        ("size", "9"),
        ("source", source()),
        ("format", "digits:8"),
        ("reason", "本月新增申请，重新抽取评议小组"),
    ];
    for (k, val) in extra {
        if *k != "recused" {
            f.retain(|(key, _)| key != k);
        }
        f.push((k, val));
    }
    officer.post_form("/staff/draws/panel", &f).await
}

fn draw_id_of(res: &reqwest::Response) -> i64 {
    location(res)
        .trim_start_matches("/draws/")
        .parse()
        .expect("draw id")
}

async fn backdate(t: &TestApp, draw: i64) {
    let mut conn = t.db.pool.acquire().await.expect("conn");
    ddb::set_not_before(&mut conn, draw, app::db::now_epoch() - 1)
        .await
        .expect("backdate");
}

async fn draw(who: &StaffSession, draw: i64, randomness: &str) -> (u16, String) {
    let res = who
        .post_form(
            &format!("/staff/draws/{draw}/draw"),
            &[("randomness", randomness)],
        )
        .await;
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

/// Entering `randomness` is refused with `why`, and the draw stays undrawn.
async fn refused_undrawn(t: &TestApp, who: &StaffSession, id: i64, randomness: &str, why: &str) {
    let (status, body) = draw(who, id, randomness).await;
    assert_eq!(status, 422);
    assert!(body.contains(why), "{why}: {body}");
    assert!(ddb::get(&t.db, id)
        .await
        .expect("q")
        .expect("draw")
        .result
        .is_none());
}

async fn draws_of(t: &TestApp, village: i64) -> usize {
    ddb::list(&t.db, &app::domain::Scope::All, 10_000)
        .await
        .expect("q")
        .iter()
        .filter(|d| d.village_id == Some(village))
        .count()
}

async fn review(
    officer: &StaffSession,
    case: i64,
    panel: i64,
    votes: (&str, &str),
) -> (u16, String) {
    review_on(officer, case, panel, votes, app::db::today_cst()).await
}

async fn review_on(
    officer: &StaffSession,
    case: i64,
    panel: i64,
    votes: (&str, &str),
    held_on: chrono::NaiveDate,
) -> (u16, String) {
    let held_on = held_on.to_string();
    let panel = panel.to_string();
    let res = officer
        .post_form(
            &format!("/staff/cases/{case}/village_review"),
            &[
                ("held_on", &held_on),
                ("panel", &panel),
                ("votes_for", votes.0),
                ("votes_against", votes.1),
            ],
        )
        .await;
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

/// `python3 docs/draws_reference.py verify FILE`: its output, or `None` when python3 is missing
/// outside CI (in CI a missing python3 fails the test).
fn python_verify(json: &str) -> Option<String> {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("draw.json");
    std::fs::write(&path, json).expect("write");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/draws_reference.py");
    match std::process::Command::new("python3")
        .arg(script)
        .arg("verify")
        .arg(&path)
        .output()
    {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(
                out.status.success(),
                "python reference refused: {text} {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(text)
        }
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "python3 is required in CI: {e}"
            );
            eprintln!(
                "skipped: python3 not found, the Python reference was not run (CI fails here)"
            );
            None
        }
    }
}

async fn a_panel_is_announced_then_drawn_with_the_public_randomness(backend: Backend) {
    let app = spawn_app(backend).await;
    let officer = app.staff_session("demo.longtoushan").await;
    let village = village_id(&app, GUANGMING).await;
    // "3组" is kept as "三组": the panel's group is the one the pool calls 三组.
    let case = surveyed(&app, &officer, GUANGMING, "3组", "申屠抽").await;
    let (status, page) = officer
        .get_text(&format!("/staff/draws?village={village}"))
        .await;
    assert_eq!(status, 200);
    let pool = ddb::pool(&app.db, village).await.expect("pool");
    assert!(
        pool.len() >= 30 && page.contains(&pool[0].name),
        "the staff page lists the pool"
    );
    let before = app.get_text("/api/v1/stats").await.1;
    let drawn_before = serde_json::from_str::<serde_json::Value>(&before).expect("json")["county"]
        ["process"]["draws"]
        .as_i64()
        .expect("draws");

    let res = announce_panel(&officer, village, &[]).await;
    assert_eq!(res.status().as_u16(), 303, "announce");
    let id = draw_id_of(&res);

    // The public page: masked names only, the pool hash, the way to re-run it.
    let (status, public) = app.get_text(&format!("/draws/{id}")).await;
    assert_eq!(status, 200);
    for m in &pool {
        assert!(
            !public.contains(&m.name),
            "a full pool name on the public page: {}",
            m.name
        );
    }
    assert!(public.contains("三组") && public.contains("draws_reference.py"));
    // What anyone needs to re-run it without the site's code is published by the site itself,
    // byte for byte the repository's, and linked from the draw's page.
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    for (path, file, attachment) in [
        ("/draws/method.md", "draws.md", false),
        ("/draws/draws_reference.py", "draws_reference.py", true),
    ] {
        assert!(
            public.contains(&format!("href=\"{path}\"")),
            "{path} linked"
        );
        let res = app.get(path).await;
        assert_eq!(res.status().as_u16(), 200, "{path}");
        assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
        assert_eq!(
            res.headers().get("content-disposition").is_some(),
            attachment,
            "{path}"
        );
        let served = res.text().await.expect("text");
        let kept = std::fs::read_to_string(docs.join(file)).expect("docs");
        assert!(served == kept, "{path} is docs/{file} as kept");
    }
    let (status, list) = app.get_text("/draws").await;
    assert_eq!(status, 200);
    assert!(list.contains(&format!("/draws/{id}")));
    let res = app.get(&format!("/draws/{id}.json")).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .expect("h")
        .starts_with("attachment"));
    let announced = res.text().await.expect("json");
    assert!(public.contains(
        &serde_json::from_str::<DrawFile>(&announced)
            .expect("file")
            .pool_hash
    ));
    let Ok(Verified::Announced(a)) = verify_json(&announced) else {
        panic!("the announcement does not verify: {announced}");
    };
    let file: DrawFile = serde_json::from_str(&announced).expect("file");
    let panel = file.panel.as_ref().expect("panel");
    assert!(
        panel.groups.contains(&group_token("三组")),
        "{:?}",
        panel.groups
    );
    assert_eq!(panel.pool.len(), pool.iter().filter(|m| m.active).count());

    // Not before 24 hours have passed.
    let (status, body) = draw(&officer, id, "37290215").await;
    assert_eq!(status, 422);
    assert!(body.contains("公告满24小时后"), "{body}");
    // A later change to the pool leaves the announced snapshot as it was.
    let v = village.to_string();
    let res = officer
        .post_form(
            "/staff/draws/pool",
            &[
                ("village", &v),
                ("name", "申屠新代表"),
                ("stratum", "resident"),
                ("group", "三组"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        app.get_text(&format!("/draws/{id}.json")).await.1,
        announced
    );

    backdate(&app, id).await;
    // Randomness of another shape than announced: refused, nothing drawn.
    refused_undrawn(&app, &officer, id, "3729021", "随机数与公告的格式不符").await;
    let (status, _) = draw(&officer, id, "37290215").await;
    assert_eq!(status, 303);
    // Drawn once: a second randomness is refused.
    let (status, body) = draw(&officer, id, "11111111").await;
    assert_eq!(status, 422);
    assert!(body.contains("已经完成"), "{body}");

    // The published result is what the site's code gives for the announcement and randomness,
    // and what the Python reference gives.
    let published = app.get_text(&format!("/draws/{id}.json")).await.1;
    let rerun = a.draw("37290215").expect("draw");
    assert_eq!(published, DrawFile::from(&rerun).to_json());
    assert!(matches!(verify_json(&published), Ok(Verified::Drawn(_))));
    if let Some(out) = python_verify(&published) {
        assert!(
            out.contains('✓') && out.contains(&rerun.seed().to_hex()),
            "{out}"
        );
    }
    let page = app.get_text(&format!("/draws/{id}")).await.1;
    assert!(page.contains(&rerun.seed().to_hex()) && page.contains("37290215"));
    let after = app.get_text("/api/v1/stats").await.1;
    let drawn_after = serde_json::from_str::<serde_json::Value>(&after).expect("json")["county"]
        ["process"]["draws"]
        .as_i64()
        .expect("draws");
    assert_eq!(drawn_after, drawn_before + 1);

    // The case's village review is held by this panel, and its step links the draw.
    let (status, body) = review(&officer, case, id, ("8", "1")).await;
    assert_eq!(status, 303, "{body}");
    let (_, case_page) = officer.get_text(&format!("/staff/cases/{case}")).await;
    assert!(case_page.contains(&format!("/draws/{id}")));
}

async fn announcements_that_break_the_rules_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let officer = app.staff_session("demo.longtoushan").await;
    let village = village_id(&app, LONGQUAN).await;
    surveyed(&app, &officer, LONGQUAN, "二组", "申屠规").await;
    let count = draws_of(&app, village).await;
    let refused = |res: reqwest::Response, want: &'static str| async move {
        assert_eq!(res.status().as_u16(), 422, "{want}");
        let body = res.text().await.expect("body");
        assert!(body.contains(want), "{want}: {body}");
    };
    refused(
        announce_panel(&officer, village, &[("source", "")]).await,
        "请写明随机数来源",
    )
    .await;
    refused(
        announce_panel(&officer, village, &[("format", "digits:0")]).await,
        "请写明随机数来源",
    )
    .await;
    refused(
        announce_panel(&officer, village, &[("size", "5")]).await,
        "评议小组人数不足",
    )
    .await;
    // The randomness must not be known at announcement: its source names its day, not one
    // gone by (docs/draws.md §10).
    let yesterday = app::db::today_cst() - chrono::Duration::days(1);
    let passed = format!("{yesterday} 福彩3D + 排列5 开奖号码");
    refused(
        announce_panel(&officer, village, &[("source", &passed)]).await,
        "日期已经过去",
    )
    .await;
    refused(
        announce_panel(&officer, village, &[("source", "福彩3D开奖号码")]).await,
        "须写明产生（开奖）日期",
    )
    .await;
    let pool = ddb::pool(&app.db, village).await.expect("pool");
    let ids: Vec<String> = pool
        .iter()
        .skip(3)
        .take(27)
        .map(|m| m.id.to_string())
        .collect();
    let mut recused = vec![];
    for i in &ids {
        recused.push(("recused", i.as_str()));
    }
    refused(
        announce_panel(&officer, village, &recused).await,
        "回避之后可参加的人数",
    )
    .await;
    // Take two of the three cadres out: too few cadres; two more: the pool is under 30.
    let v = village.to_string();
    let cadres: Vec<i64> = pool
        .iter()
        .filter(|m| m.stratum == app::domain::draw::Stratum::Cadre)
        .map(|m| m.id)
        .collect();
    for m in &cadres[..2] {
        let m = m.to_string();
        let res = officer
            .post_form(
                "/staff/draws/pool/remove",
                &[("village", &v), ("member", &m)],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303);
    }
    refused(announce_panel(&officer, village, &[]).await, "乡镇干部不足").await;
    for m in pool
        .iter()
        .filter(|m| m.stratum == app::domain::draw::Stratum::Resident)
        .take(2)
    {
        let m = m.id.to_string();
        officer
            .post_form(
                "/staff/draws/pool/remove",
                &[("village", &v), ("member", &m)],
            )
            .await;
    }
    refused(announce_panel(&officer, village, &[]).await, "不少于30人").await;
    // Pool members need a real name, and a group unless they are cadres.
    for (name, stratum, group) in [
        ("<script>x</script>", "resident", "一组"),
        ("申屠组长", "leader", ""),
        ("申屠", "mayor", "一组"),
    ] {
        let res = officer
            .post_form(
                "/staff/draws/pool",
                &[
                    ("village", &v),
                    ("name", name),
                    ("stratum", stratum),
                    ("group", group),
                ],
            )
            .await;
        refused(res, "请填写姓名").await;
    }
    assert_eq!(
        ddb::pool(&app.db, village).await.expect("pool").len(),
        pool.len()
    );
    assert_eq!(
        draws_of(&app, village).await,
        count,
        "a refused announcement stored nothing"
    );

    // Nobody outside the township keeps or draws its pools; the village assistant never does.
    let other = app.staff_session("demo.shuimo").await;
    assert_eq!(
        announce_panel(&other, village, &[]).await.status().as_u16(),
        403
    );
    let res = other
        .post_form(
            "/staff/draws/pool",
            &[
                ("village", &v),
                ("name", "申屠外"),
                ("stratum", "cadre"),
                ("group", ""),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 403);
    let assistant = app.staff_session("demo.assistant").await;
    assert_eq!(assistant.get("/staff/draws").await.status().as_u16(), 403);
    assert_eq!(
        announce_panel(&assistant, village, &[])
            .await
            .status()
            .as_u16(),
        403
    );
    // Announced with tomorrow's randomness: not drawn before tomorrow, whatever the clock of
    // its 24 hours says.
    // (In 光明村: this village's pool is short of members now.)
    surveyed(&app, &officer, GUANGMING, "3组", "申屠时").await;
    let guangming = village_id(&app, GUANGMING).await;
    let tomorrow = app::db::today_cst() + chrono::Duration::days(1);
    let coming = format!("{tomorrow} 福彩3D + 排列5 开奖号码");
    let res = announce_panel(&officer, guangming, &[("source", &coming)]).await;
    assert_eq!(res.status().as_u16(), 303, "a day to come is taken");
    let id = draw_id_of(&res);
    backdate(&app, id).await;
    refused_undrawn(&app, &officer, id, "90215372", "才产生").await;
    // A village with no application waiting for review has no panel to draw.
    let empty = app.staff_session("demo.shuimo").await;
    let shuimo_village = app::db::regions::villages_in_scope(
        &app.db,
        &app::domain::Scope::Township(app.township_id("水磨镇").await),
    )
    .await
    .expect("q");
    let mut found = false;
    for v in &shuimo_village {
        let filter = app::db::cases::CaseFilter {
            village_id: Some(v.id),
            stage: Some(app::domain::case::Stage::Surveyed),
            ..Default::default()
        };
        if app::db::cases::list(&app.db, &filter, 10)
            .await
            .expect("q")
            .is_empty()
        {
            refused(
                announce_panel(&empty, v.id, &[]).await,
                "没有等待民主评议的申请",
            )
            .await;
            found = true;
            break;
        }
    }
    assert!(
        found,
        "the demo has a village without applications waiting for review"
    );
}

async fn a_village_review_needs_a_drawn_panel_of_its_group(backend: Backend) {
    let app = spawn_app(backend).await;
    let officer = app.staff_session("demo.longtoushan").await;
    let village = village_id(&app, LONGQUAN).await;
    let case = surveyed(&app, &officer, LONGQUAN, "九组", "申屠九").await;
    let stage = || async {
        app::db::cases::get(&app.db, case)
            .await
            .expect("q")
            .expect("case")
            .stage
    };
    // This month's demo panel holds nobody of 九组.
    let demo_panel = drawn_panel(&app, LONGQUAN).await;
    let (status, body) = review(&officer, case, demo_panel, ("9", "0")).await;
    assert_eq!(status, 422);
    assert!(body.contains("不含该户所在村民小组"), "{body}");
    // Another village's panel.
    let (status, body) = review(
        &officer,
        case,
        drawn_panel(&app, GUANGMING).await,
        ("9", "0"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("公开抽取的本村评议小组"), "{body}");
    // A panel for 九组 cannot be announced while the pool has nobody of 九组.
    let res = announce_panel(&officer, village, &[]).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res
        .text()
        .await
        .expect("b")
        .contains("没有可参加的组长或村民"));
    let v = village.to_string();
    let res = officer
        .post_form(
            "/staff/draws/pool",
            &[
                ("village", &v),
                ("name", "申屠组长"),
                ("stratum", "leader"),
                ("group", "9组"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    // A person added by a form sent three times at once (a double-clicked button) is added
    // once: one person, one chance in the draw; the others are refused with why.
    let pool_size = || async { ddb::pool(&app.db, village).await.expect("pool").len() };
    let before = pool_size().await;
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..3 {
        let officer = officer.clone();
        let v = v.clone();
        sends.spawn(async move {
            let res = officer
                .post_form(
                    "/staff/draws/pool",
                    &[
                        ("village", &v),
                        ("name", "申屠代表"),
                        ("stratum", "resident"),
                        ("group", "九组"),
                    ],
                )
                .await;
            (res.status().as_u16(), res.text().await.expect("body"))
        });
    }
    let mut added = 0;
    while let Some(sent) = sends.join_next().await {
        let (status, body) = sent.expect("task");
        if status == 303 {
            added += 1;
        } else {
            assert_eq!(status, 422);
            assert!(body.contains("评议库中已有此人"), "{body}");
        }
    }
    assert_eq!(added, 1);
    assert_eq!(pool_size().await, before + 1, "added once");
    let res = announce_panel(&officer, village, &[]).await;
    assert_eq!(res.status().as_u16(), 303);
    let panel = draw_id_of(&res);
    // Announced, not drawn: not yet a panel.
    let (status, body) = review(&officer, case, panel, ("9", "0")).await;
    assert_eq!(status, 422);
    assert!(body.contains("公开抽取的本村评议小组"), "{body}");
    backdate(&app, panel).await;
    assert_eq!(draw(&officer, panel, "90215372").await.0, 303);
    // More votes than members drawn.
    let (status, body) = review(&officer, case, panel, ("9", "1")).await;
    assert_eq!(status, 422);
    assert!(body.contains("不能超过抽中的评议小组人数"), "{body}");
    // A meeting dated before its panel was drawn (today) did not sit with that panel.
    let yesterday = app::db::today_cst() - chrono::Duration::days(1);
    let (status, body) = review_on(&officer, case, panel, ("7", "2"), yesterday).await;
    assert_eq!(status, 422);
    assert!(body.contains("抽取之日起 31 天内召开"), "{body}");
    assert_eq!(
        stage().await,
        app::domain::case::Stage::Surveyed,
        "refusals changed nothing"
    );
    let (status, body) = review(&officer, case, panel, ("7", "2")).await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(stage().await, app::domain::case::Stage::VillageReviewed);
    // The 九组 leader sits on the panel (the group's seat).
    let file: DrawFile =
        serde_json::from_str(&app.get_text(&format!("/draws/{panel}.json")).await.1).expect("json");
    let leader = ddb::pool(&app.db, village)
        .await
        .expect("pool")
        .into_iter()
        .find(|m| m.name == "申屠组长")
        .expect("leader");
    let selected = file.selected.expect("selected");
    assert!(selected
        .iter()
        .any(|s| s.id == app::domain::case::member_token(leader.id)));
}

async fn spot_checks_are_the_countys_and_follow_the_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.staff_session("demo.county").await;
    let officer = app.staff_session("demo.longtoushan").await;
    // A published 审核 list of the demo that has no spot-check yet is offered to the county.
    let (status, page) = county.get_text("/staff/draws").await;
    assert_eq!(status, 200);
    let batches = app::db::publicity::batches_in_scope(&app.db, &app::domain::Scope::All, 1000)
        .await
        .expect("q");
    let mut open = None;
    for b in batches.iter().filter(|b| {
        b.kind == app::domain::BatchKind::Review && b.state == app::domain::BatchState::Published
    }) {
        if ddb::spot_check_of(&app.db, b.id)
            .await
            .expect("q")
            .is_none()
        {
            open = Some(b.id);
        }
    }
    let batch = open.expect("the demo leaves some 审核 lists for the county to announce");
    assert!(
        page.contains(&format!("#{batch} ")),
        "the staff page offers the list"
    );
    let b = batch.to_string();
    let fields = |rate: &'static str, source: &'static str| {
        vec![
            ("batch", b.clone()),
            ("rate", rate.to_owned()),
            ("source", source.to_owned()),
            ("format", "digits:8".to_owned()),
        ]
    };
    let post = |who: &StaffSession, f: Vec<(&'static str, String)>| {
        let who = who.clone();
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            who.post_form("/staff/draws/spot", &pairs).await
        }
    };
    // Townships do not choose whom the county checks.
    assert_eq!(
        post(&officer, fields("30", source()))
            .await
            .status()
            .as_u16(),
        403
    );
    let res = post(&county, fields("20", source())).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res
        .text()
        .await
        .expect("b")
        .contains("抽查比例应为30%到100%"));
    assert!(ddb::spot_check_of(&app.db, batch)
        .await
        .expect("q")
        .is_none());
    let res = post(&county, fields("40", source())).await;
    assert_eq!(res.status().as_u16(), 303);
    let id = draw_id_of(&res);
    // One spot-check per list.
    let res = post(&county, fields("50", source())).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.expect("b").contains("已经公告过"));
    // A standing list, or no list at all: not found.
    let standing = batches
        .iter()
        .find(|b| b.kind == app::domain::BatchKind::Standing)
        .expect("standing")
        .id
        .to_string();
    let pairs = [
        ("batch", standing.as_str()),
        ("rate", "30"),
        ("source", source()),
        ("format", "digits:8"),
    ];
    assert_eq!(
        county
            .post_form("/staff/draws/spot", &pairs)
            .await
            .status()
            .as_u16(),
        404
    );
    // A withdrawn 审核 list is not checked: nothing to approve from it.
    let withdrawn = batches
        .iter()
        .find(|b| {
            b.kind == app::domain::BatchKind::Review
                && b.state == app::domain::BatchState::Withdrawn
        })
        .expect("the demo withdraws a 审核 list")
        .id;
    let withdrawn = withdrawn.to_string();
    let pairs = [
        ("batch", withdrawn.as_str()),
        ("rate", "30"),
        ("source", source()),
        ("format", "digits:8"),
    ];
    let before = ddb::list(&app.db, &app::domain::Scope::All, 10_000)
        .await
        .expect("q")
        .len();
    assert_eq!(
        county
            .post_form("/staff/draws/spot", &pairs)
            .await
            .status()
            .as_u16(),
        404
    );
    let after = ddb::list(&app.db, &app::domain::Scope::All, 10_000)
        .await
        .expect("q")
        .len();
    assert_eq!(before, after, "nothing announced");
    let pairs = [
        ("batch", "99999999"),
        ("rate", "30"),
        ("source", source()),
        ("format", "digits:8"),
    ];
    assert_eq!(
        county
            .post_form("/staff/draws/spot", &pairs)
            .await
            .status()
            .as_u16(),
        404
    );
    // The township cannot draw it either; the county can, a day later.
    backdate(&app, id).await;
    assert_eq!(draw(&officer, id, "37290215").await.0, 403);
    assert_eq!(draw(&county, id, "37290215").await.0, 303);
    let published = app.get_text(&format!("/draws/{id}.json")).await.1;
    let file: DrawFile = serde_json::from_str(&published).expect("json");
    let spot = file.spot_check.as_ref().expect("spot-check");
    let near = spot.entries.iter().filter(|e| e.near_relative).count();
    let others = spot.entries.len() - near;
    let selected = file.selected.as_ref().expect("selected");
    assert_eq!(
        selected.len(),
        near + (others * 40).div_ceil(100),
        "{published}"
    );
    assert!(matches!(verify_json(&published), Ok(Verified::Drawn(_))));
}

/// Trying again is public (docs/draws.md §10): while this month's panel of a village stands, a
/// new announcement replaces it only with a reason; both stay published, each pointing to the
/// other; the replaced panel serves no review and is offered for none.
async fn a_panel_announced_again_replaces_the_first_in_public(backend: Backend) {
    let app = spawn_app(backend).await;
    let officer = app.staff_session("demo.longtoushan").await;
    let village = village_id(&app, GUANGMING).await;
    let case = surveyed(&app, &officer, GUANGMING, "3组", "申屠替").await;
    let res = announce_panel(&officer, village, &[]).await;
    assert_eq!(res.status().as_u16(), 303, "the first");
    let first = draw_id_of(&res);
    // Announced and not drawn, it stands too: another announcement needs a reason.
    let res = announce_panel(&officer, village, &[("reason", "")]).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.expect("b").contains("须写明原因"));
    backdate(&app, first).await;
    assert_eq!(draw(&officer, first, "90215372").await.0, 303);
    // Again without a reason: refused with why, nothing announced.
    let count = draws_of(&app, village).await;
    let res = announce_panel(&officer, village, &[("reason", " ")]).await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.expect("body");
    assert!(body.contains("须写明原因"), "{body}");
    assert_eq!(draws_of(&app, village).await, count);
    // (Tampering, for the test only: a second announcement within the same minute would share
    // the first one's key; the key is renamed so the test need not wait for the next minute.)
    let mut conn = app.db.pool.acquire().await.expect("conn");
    sqlx::query("UPDATE draws SET draw_key = draw_key || '-x' WHERE id = $1")
        .bind(first)
        .execute(&mut *conn)
        .await
        .expect("rename");
    drop(conn);
    let why = "评议库名单有误，更正后重新抽取";
    let res = announce_panel(&officer, village, &[("reason", why)]).await;
    assert_eq!(res.status().as_u16(), 303, "the replacement");
    let second = draw_id_of(&res);
    let (_, page) = app.get_text(&format!("/draws/{second}")).await;
    assert!(
        page.contains(&format!("替换第 {first} 号抽取")) && page.contains(why),
        "the replacement says what it replaces and why"
    );
    let (_, page) = app.get_text(&format!("/draws/{first}")).await;
    assert!(
        page.contains(&format!("已被第 {second} 号抽取替换")) && page.contains("抽取结果"),
        "the replaced draw stays published, with its result, and points on"
    );
    let (_, list) = app.get_text("/draws").await;
    assert!(list.contains(why), "the list shows the reason");
    // Until the replacement is drawn the village keeps its panel; from then on the replaced
    // one serves no review, and the case page no longer offers it.
    let offered = || async {
        ddb::drawn_panels(
            &app.db,
            village,
            app::domain::case::panels_serving_since(app::db::now_epoch()),
        )
        .await
        .expect("q")
        .iter()
        .map(|d| d.id)
        .collect::<Vec<i64>>()
    };
    assert!(
        offered().await.contains(&first),
        "kept until the new one is drawn"
    );
    backdate(&app, second).await;
    assert_eq!(draw(&officer, second, "90215372").await.0, 303);
    let (status, body) = review(&officer, case, first, ("7", "2")).await;
    assert_eq!(status, 422);
    assert!(body.contains("已被重新公告的抽取替换"), "{body}");
    let now_offered = offered().await;
    assert!(!now_offered.contains(&first) && now_offered.contains(&second));
}

/// A spot-check announced but not drawn (a wrong source, say) is announced again with a reason:
/// the new one replaces it in public and is the list's spot-check; the old one is not drawn. A
/// drawn spot-check stands.
async fn a_spot_check_not_drawn_yet_is_announced_again_with_a_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.staff_session("demo.county").await;
    let mut open = None;
    for b in app::db::publicity::batches_in_scope(&app.db, &app::domain::Scope::All, 1000)
        .await
        .expect("q")
    {
        let out = b.kind == app::domain::BatchKind::Review
            && b.state == app::domain::BatchState::Published;
        if out
            && ddb::spot_check_of(&app.db, b.id)
                .await
                .expect("q")
                .is_none()
        {
            open = Some(b.id);
        }
    }
    let batch = open.expect("a 审核 list without a spot-check").to_string();
    let announce = |reason: &'static str| {
        let county = county.clone();
        let batch = batch.clone();
        async move {
            county
                .post_form(
                    "/staff/draws/spot",
                    &[
                        ("batch", batch.as_str()),
                        ("rate", "30"),
                        ("source", source()),
                        ("format", "digits:8"),
                        ("reason", reason),
                    ],
                )
                .await
        }
    };
    let res = announce("").await;
    assert_eq!(res.status().as_u16(), 303);
    let first = draw_id_of(&res);
    // The staff page offers the list again, saying its spot-check is not drawn.
    let (_, page) = county.get_text("/staff/draws").await;
    assert!(
        page.contains(&format!("第 {first} 号已公告、未抽取")),
        "{page}"
    );
    let res = announce("").await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.expect("b").contains("已经公告过"));
    let why = "公告的开奖期号写错，按正确期号重新公告";
    let res = announce(why).await;
    assert_eq!(res.status().as_u16(), 303, "replaced");
    let second = draw_id_of(&res);
    let batch_id: i64 = batch.parse().expect("id");
    let current = ddb::spot_check_of(&app.db, batch_id)
        .await
        .expect("q")
        .expect("spot-check");
    assert_eq!(current.id, second, "the list's spot-check is the new one");
    let (_, page) = app.get_text(&format!("/draws/{second}")).await;
    assert!(page.contains(&format!("替换第 {first} 号抽取")) && page.contains(why));
    backdate(&app, first).await;
    let why_not = format!("已被第 {second} 号抽取替换");
    refused_undrawn(&app, &county, first, "37290215", &why_not).await;
    backdate(&app, second).await;
    assert_eq!(draw(&county, second, "37290215").await.0, 303);
    let res = announce(why).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.expect("b").contains("结果不能替换"));
}

/// The ids a public draws page links to, in its order.
fn draw_ids(page: &str) -> Vec<i64> {
    page.split("href=\"/draws/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

/// `/draws` at province scale: fifty a page, newest first, "older" and "newer" links (plain links),
/// every draw on exactly one page; a page past the end is 404; a page that is not a number
/// from 1 to 10000 is refused with why, in the visitor's language.
async fn the_public_list_of_draws_goes_back_a_page_at_a_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let per_page = app::draws::handlers::DRAWS_PER_PAGE as usize;
    let village = app::db::regions::by_code(&app.db, app::db::regions::Level::Village, LONGQUAN)
        .await
        .expect("q")
        .expect("village");
    let officer = app::db::staff::by_username(&app.db, "demo.longtoushan")
        .await
        .expect("q")
        .expect("officer");
    // At least two full pages and one draw on a third (the demo county has its own draws).
    let stored = ddb::list(&app.db, &app::domain::Scope::All, 10_000)
        .await
        .expect("q")
        .len();
    let mut conn = app.db.pool.acquire().await.expect("conn");
    for n in stored..2 * per_page + 1 {
        let key = format!("paging-{n}");
        let d = ddb::NewDraw {
            draw_key: &key,
            kind: "panel",
            township_id: village.parent_id.expect("township"),
            village_id: Some(village.id),
            batch_id: None,
            purpose: &format!("分页 {n}"),
            announcement: "{}",
            pool_hash: "0",
            announced_by: officer.id,
            draw_not_before: 0,
            replaces: None,
        };
        ddb::insert(&mut conn, &d, 1_900_000_000 + n as i64)
            .await
            .expect("insert")
            .expect("new");
    }
    drop(conn);
    let all: Vec<i64> = ddb::list(&app.db, &app::domain::Scope::All, 10_000)
        .await
        .expect("q")
        .iter()
        .map(|d| d.id)
        .collect();
    assert!(all.len() > 2 * per_page);

    // Following "older" from the first page: every draw once, newest first.
    let pages = follow_pages(
        |path| {
            let app = &app;
            async move { app.get_text(&path).await }
        },
        "/draws",
        per_page,
        |body| draw_ids(body).len(),
    )
    .await;
    let seen: Vec<i64> = pages.iter().flat_map(|p| draw_ids(p)).collect();
    assert_eq!(seen, all);
    for bad in ["0", "-1", "abc", "10001", "1%27%20OR%201=1"] {
        let (status, body) = app.get_text(&format!("/draws?page={bad}")).await;
        assert_eq!(status, 422, "page={bad}");
        assert!(body.contains("页码应为1到10000之间的整数"), "page={bad}");
    }
    let (status, body) = app.get_text_en("/draws?page=abc").await;
    assert_eq!(status, 422);
    assert!(body.contains("The page number must be a whole number"));
}
