//! The demo's complaints, in every state.

use super::DemoVillage;
use crate::domain::EventKind;

/// Demo complaints in every state, across townships, some overdue, so that a newcomer signing
/// in sees a realistic queue. Receipts are random (nobody holds them).
pub(super) async fn load_complaints(
    tx: &mut sqlx::AnyConnection,
    villages: &[DemoVillage],
    now: i64,
) -> crate::error::AppResult<()> {
    use crate::db::complaints::{self as cdb, Actor, CaseChanges, NewComplaint};
    use crate::domain::{Category, Channel, DeadlineRules, Status, WorkCalendar};

    let longtoushan = crate::db::staff::id_by_username(tx, "demo.longtoushan").await?;
    let shuimo = crate::db::staff::id_by_username(tx, "demo.shuimo").await?;
    let rules = DeadlineRules::default();
    let cal = WorkCalendar::new(crate::domain::china_holidays_2026());
    let today = crate::db::today_cst();
    // (village code, days ago received, status, category, channel, body, assignee)
    type DemoCase<'a> = (
        &'a str,
        i64,
        Status,
        Category,
        Channel,
        &'a str,
        Option<i64>,
    );
    let cases: &[DemoCase] = &[
        (
            "530621103201",
            2,
            Status::Submitted,
            Category::WrongfulInclusion,
            Channel::Web,
            "龙泉村有一户在县城有商品房和小轿车，仍在享受低保，请核实。",
            None,
        ),
        (
            "530621103202",
            20,
            Status::Submitted,
            Category::Favouritism,
            Channel::Hotline,
            "八宝村村委会成员的亲属被列入低保，村民评议时没有公开讨论。",
            None,
        ),
        (
            "530621103203",
            10,
            Status::Accepted,
            Category::MissedHousehold,
            Channel::Letter,
            "光明村一位独居老人，重度残疾，多次申请未被纳入。",
            None,
        ),
        (
            "530621103204",
            30,
            Status::Verifying,
            Category::Procedure,
            Channel::ReportBox,
            "骡马口村本月审核公示只贴了两天就撕掉了。",
            Some(longtoushan),
        ),
        (
            "530621103201",
            75,
            Status::Verifying,
            Category::WrongfulInclusion,
            Channel::Web,
            "有人外出务工收入稳定，家里仍领低保。",
            Some(longtoushan),
        ),
        (
            "530621102201",
            25,
            Status::ReplyPending,
            Category::Conduct,
            Channel::InPerson,
            "水磨镇民政办工作人员态度恶劣，拒收申请材料。",
            Some(shuimo),
        ),
        (
            "530621102202",
            50,
            Status::Answered,
            Category::WrongfulInclusion,
            Channel::Web,
            "新店村某户家庭经营养殖场，收入较高。",
            Some(shuimo),
        ),
        (
            "530621102203",
            90,
            Status::Closed,
            Category::MissedHousehold,
            Channel::WeChat,
            "嵩屏村一户因病致贫，未被纳入。",
            Some(shuimo),
        ),
        (
            "530621001001",
            12,
            Status::Declined,
            Category::Other,
            Channel::Email,
            "反映的是养老保险问题，不属于低保。",
            None,
        ),
        (
            "530621102201",
            40,
            Status::Reopened,
            Category::Favouritism,
            Channel::Web,
            "对答复不满意：该户与村支书是亲戚。",
            Some(shuimo),
        ),
    ];
    for (i, (code, ago, status, category, channel, body, assignee)) in cases.iter().enumerate() {
        let Some((vid, tid, _, _)) = villages.iter().find(|v| v.2 == *code) else {
            continue;
        };
        let received = today - chrono::Duration::days(*ago);
        let accept_by = rules.accept_by(received, &cal);
        let receipt_hash = crate::web::session::new_token();
        let new = NewComplaint {
            receipt_hash: &receipt_hash,
            form_token_hash: None,
            channel: *channel,
            category: *category,
            township_id: Some(*tid),
            village_id: Some(*vid),
            entry_id: None,
            body,
            accused: None,
            anonymous: i % 2 == 0,
            reporter_name: (i % 2 == 1).then_some("演示举报人"),
            reporter_contact: (i % 2 == 1).then_some("13800000000"),
            reporter_email: None,
            received_on: received,
            accept_by,
        };
        let at = now - ago * 86_400;
        let Ok(id) = cdb::insert(tx, &new, at).await else {
            continue;
        };
        cdb::add_event(tx, id, Actor::System, EventKind::Submitted, "", at).await?;
        if *status == Status::Submitted {
            continue;
        }
        if *status == Status::Declined {
            let step = Step {
                from: Status::Submitted,
                to: Status::Declined,
                changes: &CaseChanges::default(),
                by: Actor::System,
                event: EventKind::Declined,
                text: "所反映问题属于养老保险，已转县人社局。",
            };
            advance(tx, id, &step, at + 86_400).await?;
            continue;
        }
        let accepted = received + chrono::Duration::days(2);
        let changes = CaseChanges {
            accepted_on: Some(accepted),
            answer_by: Some(rules.answer_by(accepted, false, &cal)),
            ..Default::default()
        };
        let step = Step {
            from: Status::Submitted,
            to: Status::Accepted,
            changes: &changes,
            by: Actor::System,
            event: EventKind::Accepted,
            text: "",
        };
        advance(tx, id, &step, at + 2 * 86_400).await?;
        if *status == Status::Accepted {
            continue;
        }
        let changes = CaseChanges {
            assignee_id: *assignee,
            ..Default::default()
        };
        let step = Step {
            from: Status::Accepted,
            to: Status::Verifying,
            changes: &changes,
            by: Actor::System,
            event: EventKind::Assigned,
            text: "",
        };
        advance(tx, id, &step, at + 3 * 86_400).await?;
        cdb::add_event(
            tx,
            id,
            Actor::System,
            EventKind::Note,
            "已入户走访，调取车辆和房产登记信息。",
            at + 5 * 86_400,
        )
        .await?;
        if *status == Status::Verifying {
            continue;
        }
        let findings = CaseChanges {
            finding: Some("substantiated"),
            finding_action: Some("已停发并追回多领资金"),
            reply_draft: Some(
                "经核实，您反映的情况属实。该户已于本月停发低保，多领资金依法追回。感谢您的监督。",
            ),
            ..Default::default()
        };
        cdb::update_case(
            tx,
            id,
            Status::Verifying,
            Status::ReplyPending,
            &findings,
            at + 10 * 86_400,
        )
        .await?;
        if *status == Status::ReplyPending {
            continue;
        }
        let step = Step {
            from: Status::ReplyPending,
            to: Status::Answered,
            changes: &CaseChanges::default(),
            by: Actor::System,
            event: EventKind::Answered,
            text:
                "经核实，您反映的情况属实。该户已于本月停发低保，多领资金依法追回。感谢您的监督。",
        };
        advance(tx, id, &step, at + 12 * 86_400).await?;
        if *status == Status::Closed {
            let step = Step {
                from: Status::Answered,
                to: Status::Closed,
                changes: &CaseChanges::default(),
                by: Actor::System,
                event: EventKind::Closed,
                text: "",
            };
            advance(tx, id, &step, at + 20 * 86_400).await?;
        }
        if *status == Status::Reopened {
            let requested = received + chrono::Duration::days(15);
            let changes = CaseChanges {
                answer_by: Some(rules.review_answer_by(requested, &cal)),
                ..Default::default()
            };
            let step = Step {
                from: Status::Answered,
                to: Status::Reopened,
                changes: &changes,
                by: Actor::Reporter,
                event: EventKind::ReviewRequested,
                text: "该户与村支书是亲戚，请复查。",
            };
            advance(tx, id, &step, at + 15 * 86_400).await?;
        }
    }
    Ok(())
}

/// One step of a demo complaint: its status moves `from` → `to` with `changes`, and its
/// timeline records `event` by `by`.
struct Step<'a> {
    from: crate::domain::Status,
    to: crate::domain::Status,
    changes: &'a crate::db::complaints::CaseChanges<'a>,
    by: crate::db::complaints::Actor,
    event: EventKind,
    text: &'a str,
}

async fn advance(
    tx: &mut sqlx::AnyConnection,
    id: i64,
    step: &Step<'_>,
    at: i64,
) -> crate::error::AppResult<()> {
    use crate::db::complaints as cdb;
    cdb::update_case(tx, id, step.from, step.to, step.changes, at).await?;
    cdb::add_event(tx, id, step.by, step.event, step.text, at).await
}
