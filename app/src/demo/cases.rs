//! The demo's case files: every name on a 审核/审批 list has one, with every step dated and signed
//! by named staff; and in other villages, applications at every earlier stage (one refused at
//! the household visit), some of them near-relative cases.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::draws::{spot_check, Panels, SpotStage};
use super::publicity::DemoList;
use super::{DemoHousehold, DemoVillage};
use crate::db::cases::{self as cdb, Member, NewCase, NewStep, RelativeDeclaration};
use crate::db::files::{self, NewFile, Owner};
use crate::db::households::{self, NewHousehold};
use crate::domain::case::{
    normalise_group, step, ApplicationChannel, CaseAction, Relation, RelativeOf, Stage,
};
use crate::domain::{AidCategory, BatchKind};
use crate::error::{AppError, AppResult};

/// A 1×1 PNG: the demo's "photo of the signed survey form".
const DEMO_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// Who signs in the demo: the two township officers of each township, the county officer who
/// checks and approves (never one of the visitors).
pub(super) struct Signers {
    /// Township id → (first officer, second officer).
    pub township: HashMap<i64, (i64, i64)>,
    pub county: i64,
}

struct Ctx<'a> {
    tx: &'a mut sqlx::AnyConnection,
    signers: &'a Signers,
    panels: &'a Panels,
    today: NaiveDate,
    now: i64,
}

fn category(h: &DemoHousehold) -> AidCategory {
    if h.category == "doudi" {
        AidCategory::Basic
    } else {
        AidCategory::General
    }
}

impl Ctx<'_> {
    fn epoch(&self, day: NaiveDate) -> i64 {
        self.now - (self.today - day).num_days() * 86_400
    }

    /// Records `action` on `day`, signed by `signers`.
    #[allow(clippy::too_many_arguments)]
    async fn step(
        &mut self,
        case_id: i64,
        stage: &mut Stage,
        action: CaseAction,
        day: NaiveDate,
        body: &str,
        signers: &[i64],
        meeting_id: Option<i64>,
    ) -> AppResult<()> {
        self.step_with(case_id, stage, action, day, body, "{}", signers, meeting_id)
            .await
    }

    /// [`Ctx::step`] with the step's details (JSON).
    #[allow(clippy::too_many_arguments)]
    async fn step_with(
        &mut self,
        case_id: i64,
        stage: &mut Stage,
        action: CaseAction,
        day: NaiveDate,
        body: &str,
        details: &str,
        signers: &[i64],
        meeting_id: Option<i64>,
    ) -> AppResult<()> {
        let to = step(*stage, action).map_err(|e| AppError::internal("demo step", e))?;
        let new = NewStep {
            action,
            from: *stage,
            to,
            happened_on: day,
            body,
            details,
            meeting_id,
            recorded_by: signers.first().copied().unwrap_or(self.signers.county),
            signers,
        };
        let at = self.epoch(day);
        cdb::record_step(self.tx, case_id, &new, at)
            .await?
            .ok_or_else(|| AppError::internal("demo", "step not recorded"))?;
        *stage = to;
        Ok(())
    }

    /// A case for household `hid` taken through the process up to `until` (inclusive), with the
    /// township's decision equal to the household's allowance.
    async fn case(
        &mut self,
        village: &DemoVillage,
        hid: i64,
        h: &DemoHousehold,
        received: NaiveDate,
        until: Stage,
        near_relative: bool,
    ) -> AppResult<(i64, Stage)> {
        let (vid, tid, _, _) = village;
        let (a, b) = self
            .signers
            .township
            .get(tid)
            .copied()
            .ok_or_else(|| AppError::internal("demo", "officers"))?;
        let county = self.signers.county;
        let new = NewCase {
            household_id: hid,
            village_id: *vid,
            township_id: *tid,
            group_name: &normalise_group(&format!("{}组", h.group_no)),
            channel: ApplicationChannel::InPerson,
            complaint_id: None,
            received_on: received,
            category_asked: category(h),
            near_relative: false,
            created_by: a,
            form_token_hash: None,
        };
        let id = cdb::insert(self.tx, &new, self.epoch(received))
            .await?
            .ok_or_else(|| AppError::internal("demo", "a case without a form token clashed"))?;
        let head = Member {
            name: h.head_name.clone(),
            relation: Relation::Head,
            id_number: (!h.id_number.is_empty()).then(|| h.id_number.clone()),
            disability_grade: None,
            serious_illness: false,
        };
        cdb::insert_member(self.tx, id, 1, &head).await?;
        for n in 2..=h.persons {
            let m = Member {
                name: format!("{}家成员{n}", h.head_name.chars().next().unwrap_or('王')),
                relation: if n == 2 {
                    Relation::Spouse
                } else {
                    Relation::Child
                },
                id_number: None,
                disability_grade: None,
                serious_illness: false,
            };
            cdb::insert_member(self.tx, id, n, &m).await?;
        }
        if near_relative {
            let d = RelativeDeclaration {
                id: 0,
                member_name: h.head_name.clone(),
                kind: RelativeOf::VillageCommittee,
                related_name: "（演示）村委会委员".to_owned(),
                related_post: "村委会委员".to_owned(),
                relation: "兄弟".to_owned(),
            };
            cdb::insert_relative(self.tx, id, &d, a, self.epoch(received)).await?;
        }
        let mut stage = Stage::Received;
        let day = |d: i64| received + Duration::days(d);
        let plan: [(Stage, CaseAction, i64); 4] = [
            (Stage::Accepted, CaseAction::Accept, 1),
            (Stage::Surveyed, CaseAction::SurveyEligible, 4),
            (Stage::VillageReviewed, CaseAction::VillageReview, 8),
            (Stage::TownshipApproved, CaseAction::TownshipApprove, 12),
        ];
        for (reached, action, d) in plan {
            if stage == until {
                break;
            }
            if action == CaseAction::SurveyEligible {
                let ev = NewFile {
                    content_type: "image/png",
                    file_name: "入户调查表.png",
                    sha256: "demo",
                    data: DEMO_PNG,
                    uploaded_by: a,
                };
                files::insert(self.tx, Owner::Case(id), &ev, self.epoch(day(d))).await?;
            }
            if action == CaseAction::TownshipApprove {
                let meeting = cdb::insert_meeting(
                    self.tx,
                    *tid,
                    day(d),
                    "乡镇民政助理员、分管领导、村两委代表",
                    a,
                    self.epoch(day(d)),
                )
                .await?;
                cdb::set_decision(self.tx, id, category(h), Some(h.aid_class), h.monthly_fen)
                    .await?;
                self.step(id, &mut stage, action, day(d), "", &[a], Some(meeting))
                    .await?;
            } else {
                let signers: &[i64] = if action == CaseAction::SurveyEligible {
                    &[a, b]
                } else {
                    &[a]
                };
                let body = match action {
                    CaseAction::SurveyEligible => {
                        "家庭收入低于当地低保标准，无大额财产，住房简陋。"
                    }
                    _ => "",
                };
                // A village review is held by the village's drawn panel of the time.
                let details = match (action, self.panels.get(vid)) {
                    (CaseAction::VillageReview, Some((older, current))) => {
                        let (panel, present) = match older {
                            Some(o) if day(d) < self.today - Duration::days(30) => o,
                            _ => current,
                        };
                        serde_json::json!({ "panel": panel, "present": present, "for": 9, "against": 0 })
                            .to_string()
                    }
                    _ => "{}".to_owned(),
                };
                self.step_with(
                    id,
                    &mut stage,
                    action,
                    day(d),
                    body,
                    &details,
                    signers,
                    None,
                )
                .await?;
            }
            debug_assert_eq!(stage, reached);
        }
        let _ = county;
        Ok((id, stage))
    }
}

/// The case files of the demo.
pub(super) async fn load_cases(
    tx: &mut sqlx::AnyConnection,
    villages: &[DemoVillage],
    lists: &[DemoList],
    signers: &Signers,
    panels: &Panels,
    seed: u64,
    now: i64,
) -> AppResult<()> {
    let today = crate::db::today_cst();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xca5e);
    let mut ctx = Ctx {
        tx,
        signers,
        panels,
        today,
        now,
    };
    let county = signers.county;
    for list in lists {
        let village = &villages[list.village];
        let households: HashMap<i64, &DemoHousehold> =
            village.3.iter().map(|(id, h)| (*id, h)).collect();
        for (n, (entry, hid)) in list.entries.iter().enumerate() {
            let Some(h) = households.get(hid) else {
                continue;
            };
            let near = list.kind == BatchKind::Review
                && !list.withdrawn
                && n == 0
                && list.village % 5 == 0;
            let received = today
                - Duration::days(match (list.kind, list.window_closed) {
                    (BatchKind::Review, false) => 20,
                    (BatchKind::Review, true) => 30,
                    _ => 75,
                });
            let (id, mut stage) = ctx
                .case(village, *hid, h, received, Stage::TownshipApproved, near)
                .await?;
            let (_, tid, _, _) = village;
            let (a, _) = signers
                .township
                .get(tid)
                .copied()
                .unwrap_or((county, county));
            let approval = list.kind == BatchKind::Approval;
            if approval {
                // Through the 审核 stage (its list is not part of the demo) to the 审批 list:
                // (step, days after the application, note, who signed).
                let path = [
                    (CaseAction::PublishReview, 14, "", a),
                    (
                        CaseAction::CountyCheck,
                        18,
                        "县民政局入户核查，情况属实。",
                        county,
                    ),
                    (CaseAction::CountyApprove, 23, "", county),
                    (CaseAction::PublishApproval, 35, "", county),
                    (CaseAction::Enroll, 43, "", county),
                ];
                for (action, days, body, signer) in path {
                    let on = received + Duration::days(days);
                    ctx.step(id, &mut stage, action, on, body, &[signer], None)
                        .await?;
                    if action == CaseAction::CountyApprove {
                        cdb::set_decided_at(ctx.tx, id, ctx.epoch(on)).await?;
                    }
                }
            } else {
                let published = today - Duration::days(if list.window_closed { 12 } else { 2 });
                ctx.step(
                    id,
                    &mut stage,
                    CaseAction::PublishReview,
                    published,
                    "",
                    &[a],
                    None,
                )
                .await?;
                if list.withdrawn {
                    ctx.step(
                        id,
                        &mut stage,
                        CaseAction::ListWithdrawn,
                        today - Duration::days(1),
                        "入户核查发现家庭人口登记有误，核实后将重新公示。",
                        &[a],
                        None,
                    )
                    .await?;
                }
            }
            if !list.withdrawn {
                cdb::set_batch(ctx.tx, id, approval, Some(list.batch_id)).await?;
            }
            cdb::link_entry(ctx.tx, *entry, id).await?;
        }
    }
    // Every 审核 list's spot-check: drawn the day after publication where the window has closed
    // (the county's checks are to do) or where the county has checked already; elsewhere ready to
    // draw, announced a few hours ago, or not announced yet (the county's next task).
    for list in lists
        .iter()
        .filter(|l| l.kind == BatchKind::Review && !l.withdrawn)
    {
        let village = &villages[list.village];
        let published = now - if list.window_closed { 12 } else { 2 } * 86_400;
        let checked = !list.window_closed && list.village % 10 == 1;
        let stage = if list.window_closed || checked {
            SpotStage::Drawn
        } else {
            match list.village % 4 {
                1 => SpotStage::Waiting,
                3 => continue,
                _ => SpotStage::Ready,
            }
        };
        let required = spot_check(
            ctx.tx,
            village,
            list.batch_id,
            published,
            stage,
            signers,
            seed,
            now,
        )
        .await?;
        if checked {
            for id in required {
                let mut stage = Stage::InReviewPublicity;
                ctx.step(
                    id,
                    &mut stage,
                    CaseAction::CountyCheck,
                    today - Duration::days(1),
                    "县民政局入户核查，情况属实。",
                    &[county],
                    None,
                )
                .await?;
            }
        }
    }
    // 光明村 (龙头山镇) has an application waiting for its village review, in 三组.
    if let Some(village) = villages.iter().find(|v| v.2 == "530621103203") {
        if let Some((_, model)) = village.3.first() {
            let h = DemoHousehold {
                head_name: "段德芳".to_owned(),
                id_number: String::new(),
                group_no: 3,
                ..model.clone()
            };
            let new = applicant(village.0, &h, false);
            let hid = households::insert(ctx.tx, &new, now).await?;
            ctx.case(
                village,
                hid,
                &h,
                today - Duration::days(6),
                Stage::Surveyed,
                false,
            )
            .await?;
        }
    }
    // Applications at every earlier stage, across townships.
    let early = [
        Stage::Received,
        Stage::Accepted,
        Stage::Surveyed,
        Stage::VillageReviewed,
        Stage::Refused,
    ];
    for (i, village) in villages.iter().enumerate().filter(|(i, _)| i % 3 == 1) {
        let until = early[(i / 3) % early.len()];
        let Some((_, model)) = village.3.first() else {
            continue;
        };
        let name: String = format!(
            "{}{}",
            ["陈", "孔", "段", "熊", "付"][i % 5],
            ["建华", "秀英", "光明", "玉兰", "德芳"][(i / 5) % 5]
        );
        let h = DemoHousehold {
            head_name: name.clone(),
            id_number: String::new(),
            persons: rng.random_range(1..=4),
            ..model.clone()
        };
        let new = applicant(village.0, &h, i % 2 == 0);
        let hid = households::insert(ctx.tx, &new, now).await?;
        let received = today - Duration::days(rng.random_range(5..=25));
        // Refused three weeks ago: an undelivered notice is well past its 3 working days.
        let received = if until == Stage::Refused {
            today - Duration::days(21)
        } else {
            received
        };
        let target = if until == Stage::Refused {
            Stage::Accepted
        } else {
            until
        };
        let (id, mut stage) = ctx
            .case(village, hid, &h, received, target, i % 2 == 0)
            .await?;
        if until == Stage::Refused {
            let (a, b) = signers
                .township
                .get(&village.1)
                .copied()
                .unwrap_or((county, county));
            let reason = "入户调查核实：家庭成员有稳定务工收入，人均收入高于当地低保标准。";
            ctx.step(
                id,
                &mut stage,
                CaseAction::SurveyIneligible,
                received + Duration::days(4),
                reason,
                &[a, b],
                None,
            )
            .await?;
            let decided_on = received + Duration::days(4);
            cdb::set_refused(ctx.tx, id, Stage::Accepted, reason, ctx.epoch(decided_on)).await?;
            // Its written notice: delivered on time in every other such village, else still
            // waiting (overdue once its 3 working days are past).
            let issuer = format!(
                "{}人民政府",
                crate::db::regions::name_zh_in(ctx.tx, village.1).await?
            );
            let issue = crate::db::notices::Issue {
                kind: crate::domain::notice::NoticeKind::Refusal,
                household_id: hid,
                case_id: Some(id),
                recheck_id: None,
                township_id: village.1,
                village_id: village.0,
                addressee: &name,
                decision: crate::domain::notice::refusal_decision(CaseAction::SurveyIneligible),
                reasons: reason,
            };
            let notice = crate::db::notices::NewNotice {
                issue: &issue,
                basis: crate::domain::notice::BASIS,
                issuer: &issuer,
                decided_on,
                deliver_by: crate::domain::notice::deliver_by(
                    &crate::domain::WorkCalendar::default(),
                    decided_on,
                ),
                created_by: a,
            };
            let nid =
                crate::db::notices::insert(ctx.tx, &notice, "鲁民低告", ctx.epoch(decided_on))
                    .await?
                    .id;
            if (i / 3) % 2 == 0 {
                let delivery = crate::db::notices::DeliveryRecord {
                    delivered_on: decided_on + Duration::days(1),
                    method: crate::domain::notice::Delivery::InPerson,
                    delivered_by: "村委会 王会计",
                    recorded_by: a,
                };
                crate::db::notices::set_delivered(ctx.tx, nid, &delivery, ctx.epoch(decided_on))
                    .await?;
            }
        }
    }
    Ok(())
}

/// The household record of a new applicant (no amount yet, nothing but name, size and
/// category).
fn applicant(village_id: i64, h: &DemoHousehold, near_relative: bool) -> NewHousehold {
    NewHousehold {
        village_id,
        group_id: None,
        head_name: h.head_name.clone(),
        id_number: None,
        phone: None,
        address: None,
        persons: h.persons,
        category: h.category.to_owned(),
        aid_class: None,
        monthly_fen: 0,
        near_relative,
        staff_notes: None,
    }
}
