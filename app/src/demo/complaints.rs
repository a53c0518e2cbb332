//! The demo's complaints, in every state.

use chrono::NaiveDate;

use super::DemoVillage;
use crate::db::complaints::{Actor, CaseChanges};
use crate::domain::{DeadlineRules, EventKind, Status, WorkCalendar};

/// Demo complaints in every state, across townships, some overdue, so that a newcomer signing
/// in sees a realistic queue. Receipts are random (nobody holds them).
pub(super) async fn load_complaints(
    tx: &mut sqlx::AnyConnection,
    villages: &[DemoVillage],
    now: i64,
) -> crate::error::AppResult<()> {
    use crate::db::complaints::{self as cdb, NewComplaint};
    use crate::domain::{Category, Channel};

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
        let demo = Timeline {
            received,
            assignee: *assignee,
            rules: &rules,
            cal: &cal,
        };
        let mut from = Status::Submitted;
        for &to in path(*status) {
            let step = demo.step_to(to);
            let when = at + step.day * 86_400;
            cdb::update_case(tx, id, from, to, &step.changes, when).await?;
            if let Some((by, event, text)) = step.event {
                cdb::add_event(tx, id, by, event, text, when).await?;
            }
            if let Some((day, note)) = step.note {
                let when = at + day * 86_400;
                cdb::add_event(tx, id, Actor::System, EventKind::Note, note, when).await?;
            }
            from = to;
        }
    }
    Ok(())
}

/// The statuses a demo complaint passes through after it is submitted, to end in `status`.
fn path(status: Status) -> &'static [Status] {
    use Status::*;
    const ANSWERED: [Status; 4] = [Accepted, Verifying, ReplyPending, Answered];
    match status {
        Submitted => &[],
        Declined => &[Declined],
        Accepted => &ANSWERED[..1],
        Verifying => &ANSWERED[..2],
        ReplyPending => &ANSWERED[..3],
        Answered => &ANSWERED,
        Closed => &[Accepted, Verifying, ReplyPending, Answered, Closed],
        Reopened => &[Accepted, Verifying, ReplyPending, Answered, Reopened],
    }
}

/// What a demo complaint's dates and handler depend on.
struct Timeline<'a> {
    received: NaiveDate,
    assignee: Option<i64>,
    rules: &'a DeadlineRules,
    cal: &'a WorkCalendar,
}

/// One step of a demo complaint into the next status of its path, `day` days after it was
/// received: the case's `changes`, the `event` its timeline records (who, what, the text), if
/// any, and a staff `note` on a later day, if any.
struct Step {
    day: i64,
    changes: CaseChanges<'static>,
    event: Option<(Actor, EventKind, &'static str)>,
    note: Option<(i64, &'static str)>,
}

impl Step {
    fn on(
        day: i64,
        changes: CaseChanges<'static>,
        event: Option<(Actor, EventKind, &'static str)>,
    ) -> Step {
        Step {
            day,
            changes,
            event,
            note: None,
        }
    }
}

const REPLY: &str =
    "经核实，您反映的情况属实。该户已于本月停发低保，多领资金依法追回。感谢您的监督。";

impl Timeline<'_> {
    /// The step into `to` (a status of [`path`]).
    fn step_to(&self, to: Status) -> Step {
        let none = CaseChanges::default;
        let system = |kind, text| Some((Actor::System, kind, text));
        match to {
            Status::Declined => Step::on(
                1,
                none(),
                system(
                    EventKind::Declined,
                    "所反映问题属于养老保险，已转县人社局。",
                ),
            ),
            Status::Accepted => {
                let accepted = self.received + chrono::Duration::days(2);
                let changes = CaseChanges {
                    accepted_on: Some(accepted),
                    answer_by: Some(self.rules.answer_by(accepted, false, self.cal)),
                    ..none()
                };
                Step::on(2, changes, system(EventKind::Accepted, ""))
            }
            Status::Verifying => {
                let changes = CaseChanges {
                    assignee_id: self.assignee,
                    ..none()
                };
                Step {
                    note: Some((5, "已入户走访，调取车辆和房产登记信息。")),
                    ..Step::on(3, changes, system(EventKind::Assigned, ""))
                }
            }
            Status::ReplyPending => {
                let findings = CaseChanges {
                    finding: Some("substantiated"),
                    finding_action: Some("已停发并追回多领资金"),
                    reply_draft: Some(REPLY),
                    ..none()
                };
                Step::on(10, findings, None)
            }
            Status::Answered => Step::on(12, none(), system(EventKind::Answered, REPLY)),
            Status::Closed => Step::on(20, none(), system(EventKind::Closed, "")),
            Status::Reopened => {
                let requested = self.received + chrono::Duration::days(15);
                let changes = CaseChanges {
                    answer_by: Some(self.rules.review_answer_by(requested, self.cal)),
                    ..none()
                };
                let request = (
                    Actor::Reporter,
                    EventKind::ReviewRequested,
                    "该户与村支书是亲戚，请复查。",
                );
                Step::on(15, changes, Some(request))
            }
            // Where every complaint starts: never a step of a path.
            Status::Submitted => Step::on(0, none(), None),
        }
    }
}
