//! Taking in a report — the one path for reports sent on the web and for reports staff log from
//! the hotline, a letter or the report box: check it, store it with its first timeline entry
//! (and, for staff, the audit row) and the reporter's acknowledgement mail in one transaction,
//! and only then hand back the receipt.

use chrono::NaiveDate;

use crate::complaints::views::{Places, ReportValues};
use crate::db::changes::Change;
use crate::db::complaints::{self as cdb, Actor, CaseSummary, InsertError, NewComplaint};
use crate::db::rechecks as rdb;
use crate::db::{audit, now_epoch, outbox, regions};
use crate::domain::access::{Perm, Scope};
use crate::domain::recheck::Source;
use crate::domain::{keyed_hash, Category, Channel, EventKind, ReceiptCode};
use crate::error::AppResult;
use crate::i18n::{Lang, Msg};
use crate::islands::rules::{report_errors, ReportFields};
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

/// A checked report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidReport {
    pub category: Category,
    pub place: Place,
    pub body: String,
    pub accused: Option<String>,
    pub anonymous: bool,
    pub name: Option<String>,
    pub contact: Option<String>,
    pub email: Option<String>,
}

/// Where a report is about: a village or a whole township (`v:CODE` / `t:CODE` in the form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Village(String),
    Township(String),
}

impl Place {
    pub fn parse(s: &str) -> Option<Place> {
        let (kind, code) = s.trim().split_once(':')?;
        if !crate::domain::is_region_code(code) {
            return None;
        }
        match kind {
            "v" => Some(Place::Village(code.to_owned())),
            "t" => Some(Place::Township(code.to_owned())),
            _ => None,
        }
    }
}

fn clean(s: &str) -> String {
    s.trim().to_owned()
}

/// Checks a submitted report form. Anonymous reports keep no name or contact at all.
pub fn validate_report(v: &ReportValues) -> Result<ValidReport, Vec<(&'static str, Msg)>> {
    let category = Category::parse(&v.category).ok();
    let place = Place::parse(&v.place);
    let errors = report_errors(&ReportFields {
        category_ok: category.is_some(),
        place_ok: place.is_some(),
        body: &v.body,
        accused: &v.accused,
        anonymous: v.anonymous,
        name: &v.name,
        contact: &v.contact,
    });
    let body = v.body.trim().to_owned();
    let accused = clean(&v.accused);
    let (name, contact) = if v.anonymous {
        (String::new(), String::new())
    } else {
        (clean(&v.name), clean(&v.contact))
    };
    let email = contact.contains('@').then(|| contact.clone());
    match (category, place, errors.is_empty()) {
        (Some(category), Some(place), true) => Ok(ValidReport {
            category,
            place,
            body,
            accused: (!accused.is_empty()).then_some(accused),
            anonymous: v.anonymous,
            name: (!name.is_empty()).then_some(name),
            contact: (!contact.is_empty()).then_some(contact),
            email,
        }),
        _ => Err(errors),
    }
}

/// A form's one-time token: 32 random bytes in hex. It makes the receipt, and a form sent twice
/// (a double tap, a retry on a weak connection) one case.
pub fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Townships and their villages for the place select, those of `scope` only.
pub async fn places(state: &AppState, lang: Lang, scope: &Scope) -> AppResult<Places> {
    let townships = regions::by_level(&state.db, regions::Level::Township).await?;
    let villages = regions::by_level(&state.db, regions::Level::Village).await?;
    Ok(townships
        .iter()
        .filter(|t| scope.reaches(Some(t.id), false))
        .map(|t| {
            (
                t.name(lang).to_owned(),
                t.code.clone(),
                villages
                    .iter()
                    .filter(|v| v.parent_id == Some(t.id))
                    .map(|v| (v.code.clone(), v.name(lang).to_owned()))
                    .collect(),
            )
        })
        .collect())
}

/// The county of a place typed in a form (`v:CODE` or `t:CODE`), when it is a known place.
pub async fn county_of_place(state: &AppState, place: &str) -> AppResult<Option<regions::Region>> {
    let Some(place) = Place::parse(place) else {
        return Ok(None);
    };
    match resolve_place(state, &place).await?.0 {
        Some(t) => regions::county_of_township(&state.db, t).await,
        None => Ok(None),
    }
}

/// (township id, village id) of a place; no township when the code is unknown.
async fn resolve_place(state: &AppState, place: &Place) -> AppResult<(Option<i64>, Option<i64>)> {
    Ok(match place {
        Place::Village(code) => {
            let v = regions::by_code(&state.db, regions::Level::Village, code).await?;
            (v.as_ref().and_then(|v| v.parent_id), v.map(|v| v.id))
        }
        Place::Township(code) => (
            regions::by_code(&state.db, regions::Level::Township, code)
                .await?
                .map(|t| t.id),
            None,
        ),
    })
}

/// A mail to the reporter in both languages (we do not know which one they read).
pub fn reporter_mail(subject: Msg, body: Msg, placeholder: &str, value: &str) -> (String, String) {
    let subject = format!("{} / {}", subject.text(Lang::Zh), subject.text(Lang::En));
    let body = format!(
        "{}\n\n----\n\n{}",
        body.text(Lang::Zh).replace(placeholder, value),
        body.text(Lang::En).replace(placeholder, value)
    );
    (subject, body)
}

/// A report to take in.
pub struct Submission<'a> {
    /// The form's one-time token (already checked with [`is_token`]).
    pub token: &'a str,
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub report: &'a ValidReport,
    /// The publicity entry objected to, if any.
    pub entry_id: Option<i64>,
    /// The officer who logs a report that came in offline; `None` for the web form.
    pub logged_by: Option<&'a StaffCtx>,
}

/// What became of a submission: its receipt, and the new case (`None` when this very form had
/// been stored already, by an earlier or a concurrent request — the receipt is the same).
pub struct Stored {
    pub receipt: ReceiptCode,
    pub id: Option<i64>,
}

/// The receipt a form's token gives (the same for every copy of the form).
pub fn receipt_for(state: &AppState, token: &str) -> ReceiptCode {
    ReceiptCode::derive(state.secret.expose().as_bytes(), token)
}

fn token_hash(state: &AppState, token: &str) -> String {
    keyed_hash(state.secret.expose().as_bytes(), &format!("form:{token}"))
}

/// The case an earlier copy of this form made, if any (web form resubmissions).
pub async fn earlier_copy(state: &AppState, token: &str) -> AppResult<Option<CaseSummary>> {
    cdb::by_form_token_hash(&state.db, &token_hash(state, token)).await
}

/// An officer logs reports for their own township only; a village assistant for their own
/// village only (a township-wide report is not theirs to log).
fn require_may_log(staff: &StaffCtx, township_id: i64, village_id: Option<i64>) -> AppResult<()> {
    staff.require(Perm::LogReports, Some(township_id))?;
    if staff.village_scope().is_some() {
        staff.require_village(Perm::LogReports, township_id, village_id.unwrap_or(0))?;
    }
    Ok(())
}

/// A re-check lead for the household of the list entry a report of its own change names, with
/// the report's text; none when the entry names no household.
async fn lead_from_report(
    tx: &mut crate::db::tx::Tx,
    entry_id: i64,
    complaint_id: i64,
    body: &str,
    now: i64,
) -> AppResult<()> {
    if let Some(h) = rdb::household_of_entry(tx, entry_id).await? {
        let lead = rdb::NewLead {
            household_id: h.household_id,
            township_id: h.township_id,
            village_id: h.village_id,
            source: Source::Report,
            lead: body,
            comparison_id: None,
            complaint_id: Some(complaint_id),
        };
        rdb::insert_lead(tx, &lead, now).await?;
        tx.changed(Change::Statistics);
    }
    Ok(())
}

/// Takes in a report. `Err(Ok(msg))`: the place is unknown (a form error for the `place`
/// field); any other failure (`Err(Err(e))`, e.g. a full disk) stored nothing.
pub async fn submit(state: &AppState, s: Submission<'_>) -> AppResult<Result<Stored, Msg>> {
    let (township_id, village_id) = resolve_place(state, &s.report.place).await?;
    let Some(township_id) = township_id else {
        return Ok(Err(Msg::PlaceRequired));
    };
    if let Some(staff) = s.logged_by {
        require_may_log(staff, township_id, village_id)?;
    }
    let secret = state.secret.expose().as_bytes();
    let receipt = receipt_for(state, s.token);
    let form_hash = token_hash(state, s.token);
    let (rules, cal) = super::deadline_rules(state, Some(township_id)).await?;
    let accept_by = rules.accept_by(s.received_on, &cal);
    let now = now_epoch();
    let receipt_hash = receipt.keyed_hash(secret);
    let report = s.report;
    let new = NewComplaint {
        receipt_hash: &receipt_hash,
        form_token_hash: Some(&form_hash),
        channel: s.channel,
        category: report.category,
        township_id: Some(township_id),
        village_id,
        entry_id: s.entry_id,
        body: &report.body,
        accused: report.accused.as_deref(),
        anonymous: report.anonymous,
        reporter_name: report.name.as_deref(),
        reporter_contact: report.contact.as_deref(),
        reporter_email: report.email.as_deref(),
        received_on: s.received_on,
        accept_by,
    };
    let mut tx = state.db.begin().await?;
    tx.changed(Change::ComplaintReceived);
    let id = match cdb::insert(&mut tx, &new, now).await {
        Ok(id) => id,
        // A concurrent copy of the same form won the race: it has the same receipt.
        Err(InsertError::DuplicateForm) => return Ok(Ok(Stored { receipt, id: None })),
        Err(InsertError::App(e)) => return Err(e),
    };
    write_with(&mut tx, &s, id, township_id, accept_by, now).await?;
    tx.commit().await?;
    // Committed: only now may the receipt be shown.
    state.mail_wake.notify_one();
    tracing::info!(
        complaint_id = id,
        channel = s.channel.as_str(),
        "report received"
    );
    Ok(Ok(Stored {
        receipt,
        id: Some(id),
    }))
}

/// What a report's transaction writes besides the complaint: its first event, a re-check lead
/// for a household's own report of its change, the audit row of a report logged by staff, and
/// the acknowledgement mail.
async fn write_with(
    tx: &mut crate::db::tx::Tx,
    s: &Submission<'_>,
    id: i64,
    township_id: i64,
    accept_by: NaiveDate,
    now: i64,
) -> AppResult<()> {
    let report = s.report;
    let actor = s
        .logged_by
        .map_or(Actor::System, |st| Actor::Staff(st.staff.id));
    cdb::add_event(tx, id, actor, EventKind::Submitted, "", now).await?;
    // A household's own report of a change or an exit: a re-check lead, in the same commit.
    if let (Category::HouseholdChange, Some(entry_id)) = (report.category, s.entry_id) {
        lead_from_report(tx, entry_id, id, &report.body, now).await?;
    }
    if let Some(staff) = s.logged_by {
        let entry = staff.audit(
            "complaint.log_offline",
            "complaint",
            Some(id.to_string()),
            Some(township_id),
            format!("channel={}", s.channel.as_str()),
        );
        audit::record(tx, &entry, now).await?;
    }
    if let Some(email) = report.email.as_deref() {
        // Never with the receipt: a mailbox is not a safe place for it.
        let (subject, body) = reporter_mail(
            Msg::MailAckSubject,
            Msg::MailAckBody,
            "{date}",
            &accept_by.to_string(),
        );
        outbox::enqueue(tx, email, &subject, &body, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(category: &str, place: &str, body: &str) -> ReportValues {
        ReportValues {
            category: category.into(),
            place: place.into(),
            body: body.into(),
            ..Default::default()
        }
    }

    #[test]
    fn report_validation_table() {
        let ok_body = "村主任的亲戚家有小车还吃低保。";
        assert!(validate_report(&values("wrongful_inclusion", "v:530621103201", ok_body)).is_ok());
        assert!(validate_report(&values("other", "t:530621103000", ok_body)).is_ok());
        let cases = [
            (values("", "v:530621103201", ok_body), "category"),
            (values("boss", "v:530621103201", ok_body), "category"),
            (values("other", "", ok_body), "place"),
            (values("other", "v:../../etc", ok_body), "place"),
            (values("other", "x:530621103201", ok_body), "place"),
            (values("other", "v:530621103201", "太短"), "body"),
            (
                values("other", "v:530621103201", &"长".repeat(5001)),
                "body",
            ),
            (
                values("other", "v:530621103201", "bell\u{7}bell\u{7}bell\u{7}"),
                "body",
            ),
        ];
        for (v, field) in cases {
            let errs = validate_report(&v).expect_err("must fail");
            assert!(errs.iter().any(|(f, _)| *f == field), "{field}: {errs:?}");
        }
    }

    #[test]
    fn anonymous_reports_keep_no_identity() {
        let mut v = values(
            "favouritism",
            "v:530621103201",
            "村干部把低保给了自己的亲戚。",
        );
        v.anonymous = true;
        v.name = "张三".into();
        v.contact = "zhang@example.cn".into();
        let r = validate_report(&v).expect("valid");
        assert_eq!((r.name, r.contact, r.email), (None, None, None));
        v.anonymous = false;
        let r = validate_report(&v).expect("valid");
        assert_eq!(r.email.as_deref(), Some("zhang@example.cn"));
        assert_eq!(r.name.as_deref(), Some("张三"));
    }

    #[test]
    fn contacts() {
        let mut v = values("other", "v:530621103201", "这是一个足够长的描述内容。");
        v.contact = "not-an-email@".into();
        assert!(validate_report(&v).is_err());
        v.contact = "138 0000 0000".into();
        let r = validate_report(&v).expect("phone ok");
        assert_eq!(r.email, None);
        assert_eq!(r.contact.as_deref(), Some("138 0000 0000"));
    }

    #[test]
    fn tokens() {
        assert!(is_token(&"a1".repeat(32)));
        assert!(!is_token(&"a1".repeat(31)));
        assert!(!is_token(&"zz".repeat(32)));
    }

    #[test]
    fn form_fields_parse_with_the_checkbox() {
        let v: ReportValues =
            serde_urlencoded::from_str("category=other&anonymous=on&body=x").expect("parse");
        assert!(v.anonymous);
        let v: ReportValues = serde_urlencoded::from_str("category=other").expect("parse");
        assert!(!v.anonymous);
    }

    #[test]
    fn reporter_mail_never_holds_a_receipt_placeholder() {
        let (s, b) = reporter_mail(
            Msg::MailAckSubject,
            Msg::MailAckBody,
            "{date}",
            "2026-12-11",
        );
        assert!(s.contains("举报已收到"));
        assert!(b.contains("2026-12-11") && !b.contains("{date}"));
    }
}
