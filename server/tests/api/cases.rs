//! The case file through the real server: a household from application to the standing list,
//! every refusal path, every gate of the plan, the village assistant's scope, evidence files.

use app::db::cases as cdb;
use app::domain::case::Stage;
use app::domain::{BatchKind, BatchState};
use chrono::Datelike;

use crate::both_backends;
use crate::helpers::{
    field_in, spawn_app, token_in, Backend, BrowserExt, StaffSession, TestApp, PNG,
};

both_backends!(
    a_household_goes_from_application_to_the_standing_list,
    every_refusal_path_keeps_its_reason,
    a_visit_needs_two_people_and_a_signed_form,
    the_county_waits_for_window_objections_and_checks,
    spot_checks_cover_thirty_percent_and_every_near_relative,
    whoever_visited_cannot_approve,
    lists_are_published_by_the_role_the_plan_names,
    the_village_assistant_stays_in_the_village,
    evidence_is_checked_and_stays_in_scope,
    public_progress_has_counts_and_no_names,
    a_list_is_made_once_and_ends_early_only_by_withdrawal,
    hostile_step_input_is_refused_and_changes_nothing,
    a_refused_step_shows_what_was_typed,
    a_refused_meeting_shows_what_was_typed,
    a_registration_form_sent_twice_makes_one_case,
    a_side_step_sent_twice_is_recorded_once,
);

const LONGQUAN: &str = "530621103201";
const OTHER_103: &str = "530621103203";
struct Flow<'a> {
    app: &'a TestApp,
    officer: StaffSession,
    county: StaffSession,
    /// The two staff of 龙头山镇 who sign household visits.
    visitors: [i64; 2],
    /// This month's drawn review panel of 龙泉村 (the demo's, covering 一组–三组).
    panel: i64,
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

fn id_in(loc: &str) -> i64 {
    loc.trim_start_matches('/')
        .split(['/', '?'])
        .nth(2)
        .expect("id")
        .parse()
        .expect("id")
}

impl<'a> Flow<'a> {
    async fn new(app: &'a TestApp) -> Flow<'a> {
        Flow {
            officer: app.staff_session("demo.longtoushan").await,
            county: app.staff_session("demo.county").await,
            visitors: [
                app.staff_id("demo.longtoushan").await,
                app.staff_id("demo.t103a").await,
            ],
            panel: drawn_panel(app, LONGQUAN).await,
            app,
        }
    }

    /// Registers an application; returns the case id.
    async fn register(&self, who: &StaffSession, village: &str, name: &str, near: bool) -> i64 {
        let mut f = vec![
            ("village", village.to_owned()),
            ("group", "二组".to_owned()),
            ("channel", "self".to_owned()),
            ("received_on", app::db::today_cst().to_string()),
            ("category", "yiban".to_owned()),
            ("m0_name", name.to_owned()),
            ("m0_id", "530621198503150022".to_owned()),
            ("m1_name", "申屠配偶".to_owned()),
            ("m1_relation", "spouse".to_owned()),
            ("m1_grade", "2".to_owned()),
        ];
        if near {
            f.extend([
                ("r0_member", name.to_owned()),
                ("r0_kind", "village_committee".to_owned()),
                ("r0_name", "申屠委员".to_owned()),
                ("r0_post", "村委会委员".to_owned()),
                ("r0_relation", "兄弟".to_owned()),
            ]);
        }
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = who.post_form("/staff/cases", &pairs).await;
        assert_eq!(res.status().as_u16(), 303, "register");
        id_in(&location(&res))
    }

    async fn step(
        &self,
        who: &StaffSession,
        id: i64,
        step: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        who.post_form(&format!("/staff/cases/{id}/{step}"), fields)
            .await
    }

    async fn upload(&self, who: &StaffSession, id: i64, name: &str, bytes: Vec<u8>) -> u16 {
        let form = reqwest::multipart::Form::new()
            .text("csrf", who.csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
            );
        who.client
            .browser_post(who.url(&format!("/staff/cases/{id}/evidence")))
            .multipart(form)
            .send()
            .await
            .expect("upload")
            .status()
            .as_u16()
    }

    async fn survey(&self, id: i64, visitors: &[i64]) -> reqwest::Response {
        let today = app::db::today_cst().to_string();
        let ids: Vec<String> = visitors.iter().map(|v| v.to_string()).collect();
        let mut f = vec![
            ("visited_on", today.as_str()),
            ("income", "无固定收入"),
            ("assets", "无"),
            ("living", "住房破旧"),
            ("outcome", "eligible"),
        ];
        for v in &ids {
            f.push(("visitor", v));
        }
        self.step(&self.officer, id, "survey", &f).await
    }

    /// Accept, visit (with evidence) by `visitors`, village review.
    async fn to_village_reviewed(&self, id: i64, visitors: &[i64]) {
        assert_eq!(
            self.step(&self.officer, id, "accept", &[])
                .await
                .status()
                .as_u16(),
            303
        );
        assert_eq!(
            self.upload(&self.officer, id, "表.png", PNG.to_vec()).await,
            303
        );
        assert_eq!(self.survey(id, visitors).await.status().as_u16(), 303);
        let today = app::db::today_cst().to_string();
        let panel = self.panel.to_string();
        let res = self
            .step(
                &self.officer,
                id,
                "village_review",
                &[
                    ("held_on", &today),
                    ("panel", &panel),
                    ("votes_for", "9"),
                    ("votes_against", "0"),
                ],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303);
        assert_eq!(self.stage(id).await, Stage::VillageReviewed);
    }

    /// A review meeting granting each of `ids` 600 yuan a month.
    async fn meeting(&self, ids: &[i64]) -> reqwest::Response {
        let township = self.app.township_id("龙头山镇").await.to_string();
        let today = app::db::today_cst().to_string();
        let keys: Vec<(String, String, String)> = ids
            .iter()
            .map(|i| {
                (
                    format!("c{i}_decision"),
                    format!("c{i}_category"),
                    format!("c{i}_amount"),
                )
            })
            .collect();
        let mut f = vec![
            ("township", township.as_str()),
            ("held_on", today.as_str()),
            ("attendees", "王芳、分管副镇长、村支书"),
        ];
        for (d, c, a) in &keys {
            f.extend([
                (d.as_str(), "approve"),
                (c.as_str(), "yiban"),
                (a.as_str(), "600"),
            ]);
        }
        self.officer.post_form("/staff/cases/meeting", &f).await
    }

    async fn make_list(&self, who: &StaffSession, village: &str, kind: &str) -> reqwest::Response {
        let v = app::db::regions::by_code(&self.app.db, app::db::regions::Level::Village, village)
            .await
            .expect("q")
            .expect("village");
        who.post_form(
            "/staff/cases/lists",
            &[("village", &v.id.to_string()), ("kind", kind)],
        )
        .await
    }

    async fn stage(&self, id: i64) -> Stage {
        cdb::get(&self.app.db, id)
            .await
            .expect("q")
            .expect("case")
            .stage
    }

    /// Moves a list's window into the past (as if 7 days had gone by).
    async fn end_window(&self, batch: i64) {
        let today = app::db::today_cst();
        let mut conn = self.app.db.pool.acquire().await.expect("conn");
        app::db::publicity::set_window(
            &mut conn,
            batch,
            today - chrono::Duration::days(8),
            today - chrono::Duration::days(1),
        )
        .await
        .expect("window");
    }

    /// A published 审核 list of `ids` (all at village-reviewed) in 龙泉村 whose spot-check the
    /// county has announced and drawn; returns its id.
    async fn review_list(&self, ids: &[i64]) -> i64 {
        let batch = self.published_review_list(ids).await;
        spot_check(self.app, &self.county, batch).await;
        batch
    }

    /// A published 审核 list of `ids`, without its spot-check; returns its id.
    async fn published_review_list(&self, ids: &[i64]) -> i64 {
        assert_eq!(self.meeting(ids).await.status().as_u16(), 303);
        let res = self.make_list(&self.officer, LONGQUAN, "review").await;
        assert_eq!(res.status().as_u16(), 303, "make review list");
        let batch = id_in(&location(&res));
        let res = self
            .officer
            .post_form(&format!("/staff/cases/lists/{batch}/publish"), &[])
            .await;
        assert_eq!(res.status().as_u16(), 303, "publish review list");
        batch
    }

    async fn decide(&self, who: &StaffSession, id: i64) -> (u16, String) {
        let res = self
            .step(who, id, "county_decide", &[("decision", "approve")])
            .await;
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    async fn check(&self, id: i64) -> u16 {
        let today = app::db::today_cst().to_string();
        self.step(
            &self.county,
            id,
            "county_check",
            &[("checked_on", &today), ("findings", "情况属实")],
        )
        .await
        .status()
        .as_u16()
    }
}

async fn a_household_goes_from_application_to_the_standing_list(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let id = f.register(&f.officer, LONGQUAN, "申屠新户", false).await;
    assert_eq!(f.stage(id).await, Stage::Received);
    f.to_village_reviewed(id, &f.visitors).await;
    let batch = f.review_list(&[id]).await;
    assert_eq!(f.stage(id).await, Stage::InReviewPublicity);
    // Villagers see the masked name on the 审核 list; never the full name.
    let (status, public) = app.get_text(&format!("/p/{batch}")).await;
    assert_eq!(status, 200);
    assert!(public.contains("申屠*户"), "{public}");
    assert!(!public.contains("申屠新户") && !public.contains("530621198503150022"));
    // The county checks in person, then approves after the window.
    f.end_window(batch).await;
    assert_eq!(f.check(id).await, 303);
    assert_eq!(f.decide(&f.county, id).await.0, 303);
    assert_eq!(f.stage(id).await, Stage::CountyApproved);
    let res = f.make_list(&f.county, LONGQUAN, "approval").await;
    assert_eq!(res.status().as_u16(), 303);
    let approval = id_in(&location(&res));
    let res = f
        .county
        .post_form(&format!("/staff/cases/lists/{approval}/publish"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(f.stage(id).await, Stage::InApprovalPublicity);
    // Enrolment waits for the window.
    let res = f
        .county
        .post_form(&format!("/staff/cases/lists/{approval}/enroll"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 409);
    f.end_window(approval).await;
    let res = f
        .county
        .post_form(&format!("/staff/cases/lists/{approval}/enroll"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(f.stage(id).await, Stage::Enrolled);
    // The next standing list carries the new household (新增) and renews the others.
    let v = app::db::regions::by_code(&app.db, app::db::regions::Level::Village, LONGQUAN)
        .await
        .expect("q")
        .expect("v");
    // Made from the page's form, sent four times at once and once more after: one draft, and
    // every sending is shown it.
    let (status, page) = f
        .officer
        .get_text(&format!("/staff/cases?village={}", v.id))
        .await;
    assert_eq!(status, 200);
    let token = field_in(&page, "form_token");
    assert_eq!(token.len(), 64);
    let standing_drafts = || async {
        app::db::publicity::batches_in_scope(&app.db, &app::domain::Scope::All, 10_000)
            .await
            .expect("batches")
            .into_iter()
            .filter(|b| {
                b.village_id == v.id
                    && b.kind == BatchKind::Standing
                    && b.state == BatchState::Draft
            })
            .count()
    };
    let before = standing_drafts().await;
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let officer = f.officer.clone();
        let (village, token) = (v.id.to_string(), token.clone());
        sends.spawn(async move {
            let form = [
                ("village", village.as_str()),
                ("form_token", token.as_str()),
            ];
            let res = officer.post_form("/staff/cases/standing", &form).await;
            let status = res.status().as_u16();
            let to = res
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap_or("").to_owned());
            (status, to.unwrap_or(res.text().await.unwrap_or_default()))
        });
    }
    let answers = sends.join_all().await;
    assert!(answers.iter().all(|a| a.0 == 303), "{answers:?}");
    assert!(answers.iter().all(|a| a.1 == answers[0].1), "{answers:?}");
    let village = v.id.to_string();
    let res = f
        .officer
        .post_form(
            "/staff/cases/standing",
            &[("village", &village), ("form_token", &token)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(location(&res), answers[0].1, "sent again: the same draft");
    assert_eq!(standing_drafts().await, before + 1, "one draft made");
    // The same token sent for another village (no form of ours does that) is not that form's:
    // it neither leads to this draft nor fails.
    // (The other village has something to list: one of its recipients' amount has changed.)
    let other = app::db::regions::by_code(&app.db, app::db::regions::Level::Village, OTHER_103)
        .await
        .expect("q")
        .expect("v")
        .id;
    let recipients = app::db::rechecks::recipients(&app.db, &app::domain::Scope::All, Some(other))
        .await
        .expect("recipients");
    let r = recipients.first().expect("a recipient elsewhere");
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let (persons, category, fen) = (r.persons, r.category.as_str(), r.monthly_fen + 1_000);
    app::db::households::set_allowance(&mut conn, r.household_id, persons, category, None, fen, 1)
        .await
        .expect("a new amount");
    drop(conn);
    let other = other.to_string();
    let elsewhere = f
        .officer
        .post_form(
            "/staff/cases/standing",
            &[("village", &other), ("form_token", &token)],
        )
        .await;
    assert_eq!(elsewhere.status().as_u16(), 303, "a list of its own");
    assert_ne!(location(&elsewhere), answers[0].1);
    let standing = id_in(&location(&res));
    let entries = app::db::publicity::staff_entries(&app.db, standing)
        .await
        .expect("entries");
    let new = entries
        .iter()
        .find(|e| e.case_id == Some(id))
        .expect("the case is on the list");
    assert_eq!(
        (new.change, new.monthly_fen),
        (app::domain::ChangeKind::New, 60_000)
    );
    assert!(entries.len() > 1, "the current recipients are renewed");
    let res = f
        .officer
        .post_form(&format!("/staff/publicity/{standing}/publish"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let village = app.get_text(&format!("/v/{LONGQUAN}")).await.1;
    assert!(village.contains("申屠*户"));
    // Every step is dated and signed by named staff, and audited.
    let steps = cdb::steps(&app.db, id).await.expect("steps");
    let actions: Vec<&str> = steps.iter().map(|s| s.action.as_str()).collect();
    for a in [
        "accept",
        "survey_eligible",
        "village_review",
        "township_approve",
        "publish_review",
        "county_check",
        "county_approve",
        "publish_approval",
        "enroll",
    ] {
        assert!(actions.contains(&a), "{a}: {actions:?}");
    }
    assert!(steps
        .iter()
        .all(|s| !s.signers.is_empty() && !s.recorded_by.is_empty()));
    let survey = steps
        .iter()
        .find(|s| s.action.as_str() == "survey_eligible")
        .expect("survey");
    assert_eq!(survey.signers.len(), 2);
    // The staff case page shows the record; the batch page links the entry to its case.
    let (status, page) = f.officer.get_text(&format!("/staff/cases/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("申屠新户") && page.contains("签名"));
    let (_, batch_page) = f
        .officer
        .get_text(&format!("/staff/publicity/{batch}"))
        .await;
    assert!(batch_page.contains(&format!("/staff/cases/{id}")));
    let audit = app.audit_actions().await;
    for a in [
        "case.register",
        "case.accept",
        "case.survey",
        "case.township_approve",
        "case.county_approve",
        "case.enroll",
        "case.evidence_upload",
    ] {
        assert!(audit.iter().any(|(_, x)| x == a), "{a} not audited");
    }
}

async fn every_refusal_path_keeps_its_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    // 不予受理: a reason is required.
    let a = f.register(&f.officer, LONGQUAN, "申屠甲", false).await;
    assert_eq!(
        f.step(&f.officer, a, "reject", &[("reason", " ")])
            .await
            .status()
            .as_u16(),
        422
    );
    assert_eq!(f.stage(a).await, Stage::Received);
    assert_eq!(
        f.step(&f.officer, a, "reject", &[("reason", "户籍不在本村")])
            .await
            .status()
            .as_u16(),
        303
    );
    // Survey: not eligible.
    let b = f.register(&f.officer, LONGQUAN, "申屠乙", false).await;
    assert_eq!(
        f.step(&f.officer, b, "accept", &[]).await.status().as_u16(),
        303
    );
    assert_eq!(f.upload(&f.officer, b, "f.png", PNG.to_vec()).await, 303);
    let today = app::db::today_cst().to_string();
    let [v1, v2] = f.visitors.map(|v| v.to_string());
    let res = f
        .step(
            &f.officer,
            b,
            "survey",
            &[
                ("visited_on", &today),
                ("visitor", &v1),
                ("visitor", &v2),
                ("income", "务工收入稳定"),
                ("outcome", "ineligible"),
                ("reason", "人均收入高于标准"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    // Township refuses at the meeting.
    let c = f.register(&f.officer, LONGQUAN, "申屠丙", false).await;
    f.to_village_reviewed(c, &f.visitors).await;
    let township = app.township_id("龙头山镇").await.to_string();
    let dk = format!("c{c}_decision");
    let rk = format!("c{c}_reason");
    let res = f
        .officer
        .post_form(
            "/staff/cases/meeting",
            &[
                ("township", &township),
                ("held_on", &today),
                ("attendees", "研判会全体"),
                (&dk, "refuse"),
                (&rk, "家庭有经营性收入"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    // The county refuses.
    let d = f.register(&f.officer, LONGQUAN, "申屠丁", false).await;
    f.to_village_reviewed(d, &f.visitors).await;
    let batch = f.review_list(&[d]).await;
    f.end_window(batch).await;
    assert_eq!(f.check(d).await, 303);
    let res = f
        .step(
            &f.county,
            d,
            "county_decide",
            &[("decision", "refuse"), ("reason", "核查发现有车辆")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    for (id, at, reason) in [
        (a, Stage::Received, "户籍不在本村"),
        (b, Stage::Accepted, "人均收入高于标准"),
        (c, Stage::VillageReviewed, "家庭有经营性收入"),
        (d, Stage::InReviewPublicity, "核查发现有车辆"),
    ] {
        let case = cdb::get(&app.db, id).await.expect("q").expect("case");
        assert_eq!(case.stage, Stage::Refused, "{id}");
        assert_eq!(case.refused_at, Some(at), "{id}");
        assert_eq!(case.refusal_reason.as_deref(), Some(reason));
        assert!(case.decided_at.is_some());
    }
    // A refused case takes no further step.
    assert_eq!(
        f.step(&f.officer, a, "accept", &[]).await.status().as_u16(),
        422
    );
}

async fn a_visit_needs_two_people_and_a_signed_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let id = f.register(&f.officer, LONGQUAN, "申屠访", false).await;
    // No visit before 受理.
    assert_eq!(f.survey(id, &f.visitors).await.status().as_u16(), 422);
    assert_eq!(
        f.step(&f.officer, id, "accept", &[])
            .await
            .status()
            .as_u16(),
        303
    );
    // No signed form yet.
    let res = f.survey(id, &f.visitors).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.expect("b").contains("签字的入户调查表"));
    assert_eq!(f.upload(&f.officer, id, "f.png", PNG.to_vec()).await, 303);
    // One visitor (or the same one twice) is not enough.
    let one = f.survey(id, &f.visitors[..1]).await;
    assert_eq!(one.status().as_u16(), 422);
    assert!(one.text().await.expect("b").contains("至少两名工作人员"));
    assert_eq!(
        f.survey(id, &[f.visitors[0], f.visitors[0]])
            .await
            .status()
            .as_u16(),
        422
    );
    // A visitor from another township cannot sign.
    let shuimo = app.staff_id("demo.shuimo").await;
    assert_eq!(
        f.survey(id, &[f.visitors[0], shuimo])
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(f.stage(id).await, Stage::Accepted);
    // The township cannot decide a case not visited by two.
    let other = f.register(&f.officer, LONGQUAN, "申屠未访", false).await;
    assert_eq!(
        f.step(&f.officer, other, "accept", &[])
            .await
            .status()
            .as_u16(),
        303
    );
    let res = f.meeting(&[other]).await;
    assert_eq!(res.status().as_u16(), 422);
    assert_eq!(f.stage(other).await, Stage::Accepted);
}

async fn the_county_waits_for_window_objections_and_checks(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let id = f.register(&f.officer, LONGQUAN, "申屠议", false).await;
    f.to_village_reviewed(id, &f.visitors).await;
    let batch = f.review_list(&[id]).await;
    // Before the window closes.
    let (status, body) = f.decide(&f.county, id).await;
    assert_eq!(status, 422);
    assert!(body.contains("审核公示期结束后"), "{body}");
    f.end_window(batch).await;
    // An objection to the list without an outcome.
    let entry = app::db::publicity::staff_entries(&app.db, batch)
        .await
        .expect("e")[0]
        .public_ref
        .clone();
    let villager = app.new_client();
    let form = villager
        .get(app.url(&format!("/report?entry={entry}")))
        .send()
        .await
        .expect("r")
        .text()
        .await
        .expect("b");
    let token = token_in(&form);
    let res = villager
        .browser_post(app.url("/report"))
        .form(&[
            ("token", token.as_str()),
            ("category", "wrongful_inclusion"),
            ("place", &format!("v:{LONGQUAN}")),
            ("entry", entry.as_str()),
            ("body", "这户家里有人在县城上班，收入不低。"),
            ("anonymous", "on"),
        ])
        .send()
        .await
        .expect("report");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(f.check(id).await, 303);
    let (status, body) = f.decide(&f.county, id).await;
    assert_eq!(status, 422);
    assert!(body.contains("异议"), "{body}");
    // The objection gets its outcome (not accepted, with a reason): now the county may decide.
    let complaint = app::db::complaints::queue(
        &app.db,
        f.visitors[0],
        &app::domain::Scope::All,
        &Default::default(),
    )
    .await
    .expect("queue")
    .into_iter()
    .max_by_key(|c| c.summary.id)
    .expect("the objection (the newest report)")
    .summary
    .id;
    let res = f
        .officer
        .post_form(
            &format!("/staff/complaints/{complaint}/decline"),
            &[("reason", "经核实，该户收入情况已在入户调查中核定。")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(f.decide(&f.county, id).await.0, 303);
}

async fn spot_checks_cover_thirty_percent_and_every_near_relative(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let mut ids = Vec::new();
    for (n, name) in ["申屠一", "申屠二", "申屠三", "申屠四"].iter().enumerate() {
        let id = f.register(&f.officer, LONGQUAN, name, n == 3).await;
        f.to_village_reviewed(id, &f.visitors).await;
        ids.push(id);
    }
    let batch = f.published_review_list(&ids).await;
    f.end_window(batch).await;
    // Until the spot-check is drawn in public, the county cannot decide.
    let (status, body) = f.decide(&f.county, ids[0]).await;
    assert_eq!(status, 422);
    assert!(body.contains("县级抽查名单须先公开抽取"), "{body}");
    spot_check(&app, &f.county, batch).await;
    // The near-relative case (the fourth) and ⌈30% of the 3 others⌉ = 1 drawn at random.
    let required: Vec<i64> = cases_required(&app, batch).await;
    assert_eq!(required.len(), 2, "{required:?}");
    assert!(required.contains(&ids[3]), "{required:?}");
    let sampled = required
        .iter()
        .copied()
        .find(|i| *i != ids[3])
        .expect("sampled");
    let outside = ids[..3]
        .iter()
        .copied()
        .find(|i| *i != sampled)
        .expect("outside");
    // A case outside the sample waits while the sample is unchecked.
    let (status, body) = f.decide(&f.county, outside).await;
    assert_eq!(status, 422);
    assert!(body.contains("县级入户核查尚未全部完成"), "{body}");
    // The sampled and the near-relative case each need their own check.
    assert_eq!(f.check(sampled).await, 303);
    let (status, body) = f.decide(&f.county, ids[3]).await;
    assert_eq!(status, 422);
    assert!(body.contains("须先由县级入户核查"), "{body}");
    assert_eq!(f.check(ids[3]).await, 303);
    for id in &ids {
        assert_eq!(f.decide(&f.county, *id).await.0, 303, "{id}");
    }
}

async fn whoever_visited_cannot_approve(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let county_id = app.staff_id("demo.county").await;
    let id = f.register(&f.officer, LONGQUAN, "申屠亲", false).await;
    f.to_village_reviewed(id, &[f.visitors[0], county_id]).await;
    let batch = f.review_list(&[id]).await;
    f.end_window(batch).await;
    assert_eq!(f.check(id).await, 303);
    let (status, body) = f.decide(&f.county, id).await;
    assert_eq!(status, 422);
    assert!(body.contains("参加过入户调查的人员不能审批"), "{body}");
    let admin = app.staff_session("demo.admin").await;
    assert_eq!(f.decide(&admin, id).await.0, 303);
}

async fn lists_are_published_by_the_role_the_plan_names(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let id = f.register(&f.officer, LONGQUAN, "申屠布", false).await;
    f.to_village_reviewed(id, &f.visitors).await;
    assert_eq!(f.meeting(&[id]).await.status().as_u16(), 303);
    // The county does not make or publish a 审核 list.
    assert_eq!(
        f.make_list(&f.county, LONGQUAN, "review")
            .await
            .status()
            .as_u16(),
        403
    );
    let res = f.make_list(&f.officer, LONGQUAN, "review").await;
    let batch = id_in(&location(&res));
    let res = f
        .county
        .post_form(&format!("/staff/cases/lists/{batch}/publish"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 403);
    // Nor through the bare publicity route, by anyone.
    let res = f
        .officer
        .post_form(&format!("/staff/publicity/{batch}/publish"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 409);
    // Hand entry into a 审核 list and hand-made 审核 lists are refused.
    let res = f
        .officer
        .post_form(
            &format!("/staff/publicity/{batch}/entries"),
            &[
                ("head_name", "手工户"),
                ("persons", "1"),
                ("amount", "300"),
                ("category", "一般保障"),
                ("change", "新增"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    let v = app::db::regions::by_code(&app.db, app::db::regions::Level::Village, LONGQUAN)
        .await
        .expect("q")
        .expect("v");
    let today = app::db::today_cst().to_string();
    let res = f
        .officer
        .post_form(
            "/staff/publicity",
            &[
                ("village", &v.id.to_string()),
                ("kind", "review"),
                ("opens_on", &today),
                ("days", "7"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    let res = f
        .officer
        .post_form(&format!("/staff/cases/lists/{batch}/publish"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    // The township does not make a 审批 list.
    spot_check(&app, &f.county, batch).await;
    f.end_window(batch).await;
    assert_eq!(f.check(id).await, 303);
    assert_eq!(f.decide(&f.county, id).await.0, 303);
    assert_eq!(
        f.make_list(&f.officer, LONGQUAN, "approval")
            .await
            .status()
            .as_u16(),
        403
    );
    // Nothing ready: a clear refusal.
    let res = f.make_list(&f.officer, LONGQUAN, "review").await;
    assert_eq!(res.status().as_u16(), 409);
}

async fn the_village_assistant_stays_in_the_village(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let assistant = app.staff_session("demo.assistant").await;
    // Registers in the village, uploads evidence; never decides.
    let id = f.register(&assistant, LONGQUAN, "申屠助", false).await;
    assert_eq!(
        f.step(&assistant, id, "accept", &[])
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        f.step(&f.officer, id, "accept", &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(f.upload(&assistant, id, "f.png", PNG.to_vec()).await, 303);
    // Another village: neither registering nor reading.
    let mut pairs = vec![
        ("village", OTHER_103),
        ("group", "一组"),
        ("channel", "self"),
        ("category", "yiban"),
        ("m0_name", "申屠外村"),
    ];
    let today = app::db::today_cst().to_string();
    pairs.push(("received_on", &today));
    assert_eq!(
        assistant
            .post_form("/staff/cases", &pairs)
            .await
            .status()
            .as_u16(),
        403
    );
    let other = f.register(&f.officer, OTHER_103, "申屠外村", false).await;
    assert_eq!(
        assistant
            .get(&format!("/staff/cases/{other}"))
            .await
            .status()
            .as_u16(),
        403
    );
    let (_, list) = assistant.get_text("/staff/cases").await;
    assert!(list.contains("申屠助") && !list.contains("申屠外村"));
    // Not the complaint queue, not the publicity lists.
    assert_eq!(
        assistant.get("/staff/complaints").await.status().as_u16(),
        403
    );
    assert_eq!(
        assistant.get("/staff/publicity").await.status().as_u16(),
        403
    );
    // Logs a report from the village; not one from elsewhere.
    let log = |place: String| {
        let a = assistant.clone();
        async move {
            let page = a.get_text("/staff/complaints/new").await.1;
            let token = token_in(&page);
            a.post_form(
                "/staff/complaints",
                &[
                    ("token", &token),
                    ("channel", "hotline"),
                    ("received_on", &app::db::today_cst().to_string()),
                    ("category", "missed_household"),
                    ("place", &place),
                    ("body", "村里有一户老人无人照顾，生活很困难。"),
                    ("anonymous", "on"),
                ],
            )
            .await
            .status()
            .as_u16()
        }
    };
    assert_eq!(log(format!("v:{LONGQUAN}")).await, 303);
    assert_eq!(log(format!("v:{OTHER_103}")).await, 403);
    // Not a township's process records, even of their own village: written notices,
    // re-checks, draws (`StaffCtx::require_beyond_village`).
    let notice = app::db::notices::list(&app.db, &Default::default(), i64::MAX)
        .await
        .expect("q")
        .iter()
        .map(|n| n.id)
        .min()
        .expect("a demo notice");
    let longquan = app::db::regions::by_code(&app.db, app::db::regions::Level::Village, LONGQUAN)
        .await
        .expect("q")
        .expect("village");
    let household = app::db::rechecks::standing_states(&app.db, longquan.id)
        .await
        .expect("q")
        .into_keys()
        .min()
        .expect("a household of the village");
    for path in [
        "/staff/notices".to_owned(),
        format!("/staff/notices/{notice}"),
        "/staff/rechecks".to_owned(),
        format!("/staff/rechecks/household/{household}"),
        "/staff/draws".to_owned(),
    ] {
        assert_eq!(
            assistant.get(&path).await.status().as_u16(),
            403,
            "GET {path}"
        );
    }
}

async fn evidence_is_checked_and_stays_in_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let id = f.register(&f.officer, LONGQUAN, "申屠证", false).await;
    // Type by content: a GIF, or HTML named .png, is refused; nothing stored.
    assert_eq!(
        f.upload(&f.officer, id, "f.gif", b"GIF89a....".to_vec())
            .await,
        422
    );
    assert_eq!(
        f.upload(
            &f.officer,
            id,
            "f.png",
            b"<html><script>alert(1)</script>".to_vec()
        )
        .await,
        422
    );
    // Over 10 MB.
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b'0');
    assert_eq!(f.upload(&f.officer, id, "big.pdf", big).await, 413);
    // The form's CSRF token is checked before the file is looked at: without it, 403.
    let forged = f.officer.with_csrf(&"0".repeat(64));
    assert_eq!(
        f.upload(&forged, id, "f.pdf", b"%PDF-1.7".to_vec()).await,
        403
    );
    assert!(cdb::evidence(&app.db, id).await.expect("e").is_empty());
    assert_eq!(
        f.upload(&f.officer, id, "调查表.pdf", b"%PDF-1.7 signed".to_vec())
            .await,
        303
    );
    let file = cdb::evidence(&app.db, id).await.expect("e")[0].id;
    // The same bytes again (a double tap, a retry after a lost answer), under any name: kept once,
    // and the second send audited as nothing; two sends of a new file at once: kept once.
    assert_eq!(
        f.upload(&f.officer, id, "again.pdf", b"%PDF-1.7 signed".to_vec())
            .await,
        303
    );
    assert_eq!(cdb::evidence(&app.db, id).await.expect("e").len(), 1);
    let (a, b) = tokio::join!(
        f.upload(&f.officer, id, "p.png", PNG.to_vec()),
        f.upload(&f.officer, id, "p.png", PNG.to_vec()),
    );
    assert_eq!((a, b), (303, 303));
    assert_eq!(cdb::evidence(&app.db, id).await.expect("e").len(), 2);
    let stored = app.audit_actions().await;
    assert_eq!(
        stored
            .iter()
            .filter(|(_, a)| a == "case.evidence_upload")
            .count(),
        2
    );
    // Staff in scope get it, never cached, a PDF as a download; each view audited.
    let res = f
        .officer
        .get(&format!("/staff/cases/{id}/evidence/{file}"))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .expect("cd")
        .starts_with("attachment"));
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|(_, a)| a == "case.evidence_view"));
    // Another township's officer: refused; a signed-out visitor: to the login page.
    let shuimo = app.staff_session("demo.shuimo").await;
    assert_eq!(
        shuimo
            .get(&format!("/staff/cases/{id}/evidence/{file}"))
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(f.upload(&shuimo, id, "f.png", PNG.to_vec()).await, 403);
    let res = app.get(&format!("/staff/cases/{id}/evidence/{file}")).await;
    assert_eq!(res.status().as_u16(), 303);
    // A file of another case is not found under this one.
    let other = f.register(&f.officer, LONGQUAN, "申屠另", false).await;
    assert_eq!(
        f.officer
            .get(&format!("/staff/cases/{other}/evidence/{file}"))
            .await
            .status()
            .as_u16(),
        404
    );
}

async fn public_progress_has_counts_and_no_names(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    for n in 0..5 {
        let id = f
            .register(
                &f.officer,
                LONGQUAN,
                &format!("申屠{}", ["子", "丑", "寅", "卯", "辰"][n]),
                n == 0,
            )
            .await;
        f.step(&f.officer, id, "reject", &[("reason", "材料不全")])
            .await;
    }
    // Two in 八宝村: its page shows "<5", so the township's count may not give them away.
    for name in ["申屠巳", "申屠午"] {
        f.register(&f.officer, "530621103202", name, false).await;
    }
    let (status, page) = app.get_text(&format!("/v/{LONGQUAN}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("今年低保申请办理情况"));
    assert!(!page.contains("申屠子") && !page.contains("申屠委员") && !page.contains("材料不全"));
    let code = &LONGQUAN[..9];
    let json: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/v1/townships/{code}000/summary")))
        .send()
        .await
        .expect("r")
        .json()
        .await
        .expect("json");
    let apps = &json["applications"];
    // A number, or a range where a village's count is hidden.
    let at_least = |v: &serde_json::Value| v.as_i64().or_else(|| v["at_least"].as_i64());
    assert!(
        at_least(&apps["received"]).expect("received") >= 5,
        "{json}"
    );
    assert!(at_least(&apps["refused"]).expect("refused") >= 5, "{json}");
    let today = app::db::today_cst();
    let township = app::db::regions::by_code(
        &app.db,
        app::db::regions::Level::Township,
        &format!("{code}000"),
    )
    .await
    .expect("q")
    .expect("township");
    let exact = app::db::cases::progress(
        &app.db,
        Some(township.id),
        None,
        today.with_ordinal(1).expect("1 January"),
    )
    .await
    .expect("progress");
    assert!(
        exact
            .by_village
            .iter()
            .any(|p| (1..5).contains(&p.received)),
        "a village's count is hidden: {exact:?}"
    );
    // Received: only what the village pages show adds up to it, so a range (八宝村's two are
    // one hidden "<5"), never the true total.
    let shown = app::domain::stats::public_total(exact.by_village.iter().map(|p| p.received));
    assert!(
        matches!(shown, app::domain::stats::PublicTotal::Range { .. }),
        "{shown:?}"
    );
    assert_eq!(
        apps["received"],
        serde_json::to_value(shown).expect("json"),
        "{json}"
    );
    let text = json.to_string();
    assert!(!text.contains("申屠") && !text.contains("530621198503150022"));
}

/// The cases of a 审核 batch the county must check (its drawn spot-check), by id.
pub async fn cases_required(t: &TestApp, batch: i64) -> Vec<i64> {
    let draw = app::db::draws::spot_check_of(&t.db, batch)
        .await
        .expect("q")
        .expect("spot-check");
    let file: app::domain::draw::DrawFile =
        serde_json::from_str(draw.result.as_deref().expect("drawn")).expect("json");
    let chosen: Vec<String> = file
        .selected
        .expect("selected")
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut ids: Vec<i64> = app::db::publicity::staff_entries(&t.db, batch)
        .await
        .expect("entries")
        .into_iter()
        .filter(|e| chosen.contains(&e.public_ref))
        .filter_map(|e| e.case_id)
        .collect();
    ids.sort();
    ids
}

/// This month's drawn panel of a demo village.
pub async fn drawn_panel(t: &TestApp, village: &str) -> i64 {
    let v = app::db::regions::by_code(&t.db, app::db::regions::Level::Village, village)
        .await
        .expect("q")
        .expect("village");
    app::db::draws::drawn_panels(
        &t.db,
        v.id,
        app::domain::case::panels_serving_since(app::db::now_epoch()),
    )
    .await
    .expect("q")
    .first()
    .expect("the demo draws a panel for every village")
    .id
}

/// Announces the county's 30% spot-check of `batch`, lets its 24 hours pass (moving the
/// earliest draw time back) and draws it with public-looking randomness; returns the draw id.
pub async fn spot_check(t: &TestApp, county: &StaffSession, batch: i64) -> i64 {
    let batch_s = batch.to_string();
    let source = format!("{} 福彩3D + 排列5", app::db::today_cst());
    let res = county
        .post_form(
            "/staff/draws/spot",
            &[
                ("batch", batch_s.as_str()),
                ("rate", "30"),
                ("source", &source),
                ("format", "digits:8"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "announce the spot-check");
    let draw: i64 = location(&res)
        .trim_start_matches("/draws/")
        .parse()
        .expect("draw id");
    let mut conn = t.db.pool.acquire().await.expect("conn");
    app::db::draws::set_not_before(&mut conn, draw, app::db::now_epoch() - 1)
        .await
        .expect("backdate");
    drop(conn);
    let res = county
        .post_form(
            &format!("/staff/draws/{draw}/draw"),
            &[("randomness", "37290215")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "draw the spot-check");
    draw
}

/// "Make the 审核 list" sent four times at once (a double click, two officers) makes one list
/// holding the cases; a published list with cases on it is not closed early (its cases could
/// go no further), only withdrawn.
async fn a_list_is_made_once_and_ends_early_only_by_withdrawal(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let mut ids = Vec::new();
    for name in ["申屠并", "申屠发"] {
        let id = f.register(&f.officer, LONGQUAN, name, false).await;
        f.to_village_reviewed(id, &f.visitors).await;
        ids.push(id);
    }
    assert_eq!(f.meeting(&ids).await.status().as_u16(), 303);
    let drafts = || async {
        app::db::publicity::batches_in_scope(&app.db, &app::domain::Scope::All, 10_000)
            .await
            .expect("batches")
            .into_iter()
            .filter(|b| b.kind == BatchKind::Review && b.state == BatchState::Draft)
            .count()
    };
    let before = drafts().await;
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let officer = f.officer.clone();
        let v = app::db::regions::by_code(&app.db, app::db::regions::Level::Village, LONGQUAN)
            .await
            .expect("q")
            .expect("village")
            .id
            .to_string();
        sends.spawn(async move {
            let res = officer
                .post_form("/staff/cases/lists", &[("village", &v), ("kind", "review")])
                .await;
            let status = res.status().as_u16();
            let at = res
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned);
            (status, at)
        });
    }
    let answers = sends.join_all().await;
    let made: Vec<i64> = answers
        .iter()
        .filter(|(s, _)| *s == 303)
        .filter_map(|(_, at)| at.as_deref().map(id_in))
        .collect();
    assert_eq!(made.len(), 1, "{answers:?}");
    assert!(
        answers.iter().all(|(s, _)| *s == 303 || *s == 409),
        "{answers:?}"
    );
    assert_eq!(drafts().await, before + 1, "one draft kept");
    let batch = made[0];
    for id in &ids {
        let case = cdb::get(&app.db, *id).await.expect("q").expect("case");
        assert_eq!(
            case.review_batch_id,
            Some(batch),
            "case {id} on the list made"
        );
    }

    // Published, it is not closed early: refused with why, and the form is not offered.
    let res = f
        .officer
        .post_form(&format!("/staff/cases/lists/{batch}/publish"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let (status, page) = f
        .officer
        .get_text(&format!("/staff/publicity/{batch}"))
        .await;
    assert_eq!(status, 200);
    assert!(!page.contains(&format!("/staff/publicity/{batch}/close")));
    let res = f
        .officer
        .post_form(
            &format!("/staff/publicity/{batch}/close"),
            &[("reason", "提前结束")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(res.text().await.expect("body").contains("请撤回名单"));
    let listed = app::db::publicity::batch(&app.db, batch)
        .await
        .expect("q")
        .expect("batch");
    assert_eq!(listed.state, BatchState::Published);
    for id in &ids {
        assert_eq!(f.stage(*id).await, Stage::InReviewPublicity);
    }
}

/// Step forms with a NUL byte, a field of 2,001 characters, a date of year 1 or before the
/// application, or vote counts that would overflow: each refused with why (422), the case where
/// it was, no step recorded. (A NUL once reached PostgreSQL, which refuses it: a 500.)
async fn hostile_step_input_is_refused_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let id = f.register(&f.officer, LONGQUAN, "申屠敌", false).await;
    assert_eq!(
        f.step(&f.officer, id, "accept", &[])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(f.upload(&f.officer, id, "表.png", PNG.to_vec()).await, 303);
    let today = app::db::today_cst();
    let (today_s, yesterday) = (
        today.to_string(),
        (today - chrono::Duration::days(1)).to_string(),
    );
    let long = "长".repeat(2001);
    let visitors: Vec<String> = f.visitors.iter().map(|v| v.to_string()).collect();
    for (visited_on, income, why) in [
        (today_s.as_str(), "无固定\0收入", "控制字符"),
        (today_s.as_str(), long.as_str(), "太长"),
        ("0001-01-01", "无固定收入", "近一年内"),
        (yesterday.as_str(), "无固定收入", "早于收到申请"),
    ] {
        let mut fields = vec![
            ("visited_on", visited_on),
            ("income", income),
            ("assets", "无"),
            ("living", "住房破旧"),
            ("outcome", "eligible"),
        ];
        for v in &visitors {
            fields.push(("visitor", v));
        }
        let res = f.step(&f.officer, id, "survey", &fields).await;
        assert_eq!(res.status().as_u16(), 422, "{why}");
        let body = res.text().await.expect("body");
        assert!(body.contains(why), "{why}: the page says why");
        assert_eq!(f.stage(id).await, Stage::Accepted, "{why}");
    }
    assert!(cdb::steps(&app.db, id)
        .await
        .expect("steps")
        .iter()
        .all(|s| s.action.as_str() != "survey_eligible"));
    // Votes that would overflow a sum are refused like any impossible count.
    assert_eq!(f.survey(id, &f.visitors).await.status().as_u16(), 303);
    let panel = f.panel.to_string();
    let max = i64::MAX.to_string();
    let res = f
        .step(
            &f.officer,
            id,
            "village_review",
            &[
                ("held_on", &today_s),
                ("panel", &panel),
                ("votes_for", &max),
                ("votes_against", "1"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert_eq!(f.stage(id).await, Stage::Surveyed);
}

/// A step form refused for one field comes back with everything typed into it (escaped), so
/// that the officer corrects that field instead of typing the visit again.
async fn a_refused_step_shows_what_was_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let id = f.register(&f.officer, LONGQUAN, "申屠留", false).await;
    let accepted = f.step(&f.officer, id, "accept", &[]).await;
    assert_eq!(accepted.status().as_u16(), 303);
    assert_eq!(f.upload(&f.officer, id, "表.png", PNG.to_vec()).await, 303);
    let yesterday = (app::db::today_cst() - chrono::Duration::days(1)).to_string();
    let visitors: Vec<String> = f.visitors.iter().map(|v| v.to_string()).collect();
    let income = "靠零工</textarea><script>alert(1)</script>维持";
    let mut fields = vec![
        ("visited_on", yesterday.as_str()),
        ("income", income),
        ("assets", "一间土坯房"),
        ("living", "住房破旧，子女在外务工"),
        ("outcome", "eligible"),
    ];
    for v in &visitors {
        fields.push(("visitor", v));
    }
    let res = f.step(&f.officer, id, "survey", &fields).await;
    assert_eq!(res.status().as_u16(), 422);
    let page = res.text().await.expect("body");
    assert!(page.contains("早于收到申请"), "the page says why");
    assert!(page.contains(&format!(
        r#"name="visited_on" type="date" value="{yesterday}""#
    )));
    assert!(page.contains("靠零工&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;维持"));
    assert!(!page.contains("<script>alert(1)"), "typed text stays text");
    assert!(page.contains("一间土坯房") && page.contains("住房破旧，子女在外务工"));
    for v in &visitors {
        let input = format!(r#"name="visitor" value="{v}""#);
        let at = page.find(&input).expect("the visitor's box") + input.len();
        assert!(
            page[at..].trim_start().starts_with("checked"),
            "visitor {v} still ticked"
        );
    }
    let eligible = r#"name="outcome" value="eligible" required"#;
    let at = page.find(eligible).expect("the outcome") + eligible.len();
    assert!(
        page[at..].trim_start().starts_with("checked"),
        "the outcome still chosen"
    );
    // Shown afresh, the form is empty again.
    let (_, fresh) = f.officer.get_text(&format!("/staff/cases/{id}")).await;
    assert!(!fresh.contains("一间土坯房"));
    assert_eq!(f.stage(id).await, Stage::Accepted);
}

/// The township's meeting form refused for one case's amount comes back with every decision,
/// amount, reason and the attendees as sent; nothing is decided.
async fn a_refused_meeting_shows_what_was_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let mut ids = Vec::new();
    for name in ["申屠甲", "申屠乙"] {
        let id = f.register(&f.officer, LONGQUAN, name, false).await;
        f.to_village_reviewed(id, &f.visitors).await;
        ids.push(id);
    }
    let township = app.township_id("龙头山镇").await.to_string();
    let today = app::db::today_cst().to_string();
    let [a, b] = [ids[0], ids[1]];
    let k = |id: i64, name: &str| format!("c{id}_{name}");
    let (ad, ac, acl, aa) = (
        k(a, "decision"),
        k(a, "category"),
        k(a, "class"),
        k(a, "amount"),
    );
    let (bd, br) = (k(b, "decision"), k(b, "reason"));
    let form = [
        ("township", township.as_str()),
        ("held_on", today.as_str()),
        ("attendees", "王芳、分管副镇长、<i>村支书</i>"),
        (ad.as_str(), "approve"),
        (ac.as_str(), "doudi"),
        (acl.as_str(), "2"),
        (aa.as_str(), "六百"),
        (bd.as_str(), "refuse"),
        (br.as_str(), "家庭收入超过当地低保标准"),
    ];
    let res = f.officer.post_form("/staff/cases/meeting", &form).await;
    assert_eq!(res.status().as_u16(), 422);
    let page = res.text().await.expect("body");
    assert!(
        page.contains("王芳、分管副镇长、&lt;i&gt;村支书&lt;/i&gt;"),
        "attendees kept, escaped"
    );
    let checked = |input: &str| {
        let at = page.find(input).unwrap_or_else(|| panic!("{input}")) + input.len();
        page[at..].trim_start().starts_with("checked")
            || page[at..].trim_start().starts_with("selected")
    };
    assert!(checked(&format!(r#"name="{ad}" value="approve""#)));
    assert!(checked(&format!(r#"name="{bd}" value="refuse""#)));
    assert!(!checked(&format!(r#"name="{ad}" value="later""#)));
    assert!(checked(r#"<option value="doudi""#) && checked(r#"<option value="2""#));
    assert!(
        page.contains(r#"value="六百""#) && page.contains(r#"value="家庭收入超过当地低保标准""#)
    );
    for id in ids {
        assert_eq!(f.stage(id).await, Stage::VillageReviewed, "nothing decided");
    }
}

/// The registration form sent four times at once, then again (a double click, a resend on a
/// weak connection): one case, and every sending is answered with that case.
async fn a_registration_form_sent_twice_makes_one_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let (status, page) = f.officer.get_text("/staff/cases/new").await;
    assert_eq!(status, 200);
    let token = field_in(&page, "form_token");
    assert_eq!(token.len(), 64);
    let cases = || async {
        cdb::list(&app.db, &cdb::CaseFilter::default(), 100_000)
            .await
            .expect("cases")
            .len()
    };
    let before = cases().await;
    let today = app::db::today_cst().to_string();
    let fields: Vec<(&str, String)> = vec![
        ("form_token", token.clone()),
        ("village", LONGQUAN.to_owned()),
        ("group", "二组".to_owned()),
        ("channel", "self".to_owned()),
        ("received_on", today),
        ("category", "yiban".to_owned()),
        ("m0_name", "申屠重".to_owned()),
        ("m0_id", "530621198503150022".to_owned()),
    ];
    let send = |officer: StaffSession, fields: Vec<(&'static str, String)>| async move {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = officer.post_form("/staff/cases", &pairs).await;
        assert_eq!(res.status().as_u16(), 303, "registered");
        location(&res)
    };
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..4 {
        sends.spawn(send(f.officer.clone(), fields.clone()));
    }
    let mut answers = sends.join_all().await;
    answers.push(send(f.officer.clone(), fields.clone()).await);
    answers.dedup();
    assert_eq!(
        answers.len(),
        1,
        "every sending answered with one case: {answers:?}"
    );
    assert_eq!(cases().await, before + 1, "one case made");
    // A new form is a new application.
    let mut other = fields;
    other[0].1 = "0".repeat(64);
    send(f.officer.clone(), other).await;
    assert_eq!(cases().await, before + 2);
}

/// Steps that leave a case where it is (the county's check, a declared relative) sent three
/// times at once, or again: recorded once, the others refused with why (422). (They once
/// counted three county checks on the statistics.)
async fn a_side_step_sent_twice_is_recorded_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let f = Flow::new(&app).await;
    let id = f.register(&f.officer, LONGQUAN, "申屠查", false).await;
    f.to_village_reviewed(id, &f.visitors).await;
    f.review_list(&[id]).await;
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..3 {
        let county = f.county.clone();
        let today = app::db::today_cst().to_string();
        sends.spawn(async move {
            let res = county
                .post_form(
                    &format!("/staff/cases/{id}/county_check"),
                    &[("checked_on", &today), ("findings", "情况属实")],
                )
                .await;
            let status = res.status().as_u16();
            (status, res.text().await.unwrap_or_default())
        });
    }
    let answers = sends.join_all().await;
    let ok = answers.iter().filter(|(s, _)| *s == 303).count();
    assert_eq!(
        ok,
        1,
        "{:?}",
        answers.iter().map(|a| a.0).collect::<Vec<_>>()
    );
    for (status, body) in &answers {
        assert!(*status == 303 || (*status == 422 && body.contains("已经记录过了")));
    }
    let checks = |steps: Vec<cdb::StepRow>| {
        steps
            .iter()
            .filter(|s| s.action.as_str() == "county_check")
            .count()
    };
    assert_eq!(checks(cdb::steps(&app.db, id).await.expect("steps")), 1);
    // A check of the same day with other findings is its own record.
    let today = app::db::today_cst().to_string();
    let res = f
        .step(
            &f.county,
            id,
            "county_check",
            &[
                ("checked_on", &today),
                ("findings", "复核：邻居证实家中无人务工"),
            ],
        )
        .await;
    assert_eq!(
        res.status().as_u16(),
        303,
        "a check with other findings is its own"
    );
    assert_eq!(checks(cdb::steps(&app.db, id).await.expect("steps")), 2);
    // A declaration sent twice: one.
    let other = f.register(&f.officer, LONGQUAN, "申屠亲", false).await;
    let declare = [
        ("r0_member", "申屠亲"),
        ("r0_kind", "village_committee"),
        ("r0_name", "申屠干部"),
        ("r0_post", "村委会委员"),
        ("r0_relation", "兄弟"),
    ];
    // Checked by the registration form's rule: a relative of someone outside the household, or
    // a post of over 30 characters, is refused with why, and nothing is held.
    let long_post = "村".repeat(31);
    for (key, bad, why) in [
        ("r0_member", "王二", "申明人须是本户家庭成员"),
        ("r0_post", long_post.as_str(), "请检查后重新提交"),
        ("r0_kind", "mayor", "请从列表中选择亲属身份"),
    ] {
        let fields: Vec<(&str, &str)> = declare
            .iter()
            .map(|&(k, v)| (k, if k == key { bad } else { v }))
            .collect();
        let res = f.step(&f.officer, other, "declare", &fields).await;
        assert_eq!(res.status().as_u16(), 422, "{key}");
        assert!(res.text().await.expect("body").contains(why), "{key}");
    }
    assert!(cdb::relatives(&app.db, other)
        .await
        .expect("relatives")
        .is_empty());
    assert_eq!(
        f.step(&f.officer, other, "declare", &declare)
            .await
            .status()
            .as_u16(),
        303
    );
    let res = f.step(&f.officer, other, "declare", &declare).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.expect("body").contains("已经登记过了"));
    let held = cdb::relatives(&app.db, other).await.expect("relatives");
    assert_eq!(held.len(), 1);
    // A village assistant may declare, not take a declaration back (a near-relative case is
    // always checked in person): refused, still held.
    let assistant = app.staff_session("demo.assistant").await;
    let rel = held[0].id.to_string();
    let res = f
        .step(
            &assistant,
            other,
            "undeclare",
            &[("relative", rel.as_str()), ("reason", "关系填错")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(cdb::relatives(&app.db, other).await.expect("q").len(), 1);
    // Removed (it was wrong) — the removal sent twice at once is made once — and declared again
    // the same day: a new declaration, taken.
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..2 {
        let officer = f.officer.clone();
        let rel = rel.clone();
        let path = format!("/staff/cases/{other}/undeclare");
        sends.spawn(async move {
            officer
                .post_form(&path, &[("relative", rel.as_str()), ("reason", "关系填错")])
                .await
                .status()
                .as_u16()
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = sends.join_next().await {
        statuses.push(status.expect("task"));
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 404], "removed once");
    let res = f.step(&f.officer, other, "declare", &declare).await;
    assert_eq!(
        res.status().as_u16(),
        303,
        "declared again after its removal"
    );
    let held = cdb::relatives(&app.db, other).await.expect("relatives");
    assert_eq!(held.len(), 1);
    // The timeline keeps what the removed declaration said, beside the reason.
    let steps = cdb::steps(&app.db, other).await.expect("steps");
    let removals: Vec<_> = steps
        .iter()
        .filter(|s| s.action.as_str() == "remove_relative")
        .collect();
    assert_eq!(removals.len(), 1, "one removal on the timeline");
    let removed = removals[0];
    assert!(
        removed.body.contains("申屠干部")
            && removed.body.contains("村委会委员")
            && removed.body.contains("关系填错"),
        "{}",
        removed.body
    );
}
