//! Registering an application (低保申请登记): the household's village and group, how it
//! arrived, the members (staff-only details) and any near-relative declaration, checked as a
//! whole and stored in one transaction with its audit row.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::db::cases::{self as cdb, Member, NewCase, RelativeDeclaration};
use crate::db::households::{self, NewHousehold};
use crate::db::{audit, now_epoch, regions};
use crate::domain::access::Perm;
use crate::domain::case::{ApplicationChannel, Relation, RelativeOf};
use crate::domain::{id_number, AidCategory};
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

/// Rows of members and declarations the form offers (blank rows are skipped).
pub const MEMBER_ROWS: usize = 8;
pub const RELATIVE_ROWS: usize = 3;

/// The registration form as typed: fixed fields plus indexed rows (`m{i}_name`, `r{i}_kind`…).
#[derive(Debug, Clone, Default)]
pub struct Registration {
    pub fields: Vec<(String, String)>,
}

impl Registration {
    pub fn get(&self, key: &str) -> &str {
        crate::web::forms::field(&self.fields, key)
    }
}

/// A checked application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRegistration {
    pub village_code: String,
    pub group_name: String,
    pub channel: ApplicationChannel,
    pub received_on: NaiveDate,
    pub category_asked: AidCategory,
    pub members: Vec<Member>,
    pub relatives: Vec<RelativeDeclaration>,
    /// The form's one-time token (64 hex digits), when it carried one.
    pub form_token: Option<String>,
}

pub use crate::domain::text::valid_person_name;

/// A new registration form's one-time token.
pub fn new_form_token() -> String {
    crate::web::session::new_token()
}

fn short_text(s: &str, max: usize) -> bool {
    let n = s.chars().count();
    (1..=max).contains(&n) && !s.chars().any(char::is_control)
}

/// Checks a registration form; every problem is reported at once, by field.
pub fn check(
    form: &Registration,
    today: NaiveDate,
) -> Result<ValidRegistration, Vec<(String, Msg)>> {
    let mut errors = Errors::default();
    let village_code = form.get("village").to_owned();
    if !crate::domain::is_region_code(&village_code) {
        errors.fail("village", Msg::VillageRequired);
    }
    let group_name = crate::domain::case::normalise_group(form.get("group"));
    if !short_text(&group_name, 20) {
        errors.fail("group", Msg::BadRequestBody);
    }
    let channel = ApplicationChannel::parse(form.get("channel")).ok();
    if channel.is_none() {
        errors.fail("channel", Msg::BadRequestBody);
    }
    let received_on = NaiveDate::parse_from_str(form.get("received_on"), "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= today && *d > today - chrono::Duration::days(366));
    if received_on.is_none() {
        errors.fail("received_on", Msg::DateInvalid);
    }
    let category_asked = AidCategory::parse(form.get("category")).ok();
    if category_asked.is_none() {
        errors.fail("category", Msg::BadRequestBody);
    }
    let mut members = Vec::new();
    for i in 0..MEMBER_ROWS {
        if let Some(m) = member_row(form, i, members.is_empty(), &mut errors) {
            members.push(m);
        }
    }
    if members.is_empty() {
        errors.fail("m0_name", Msg::NameInvalid);
    }
    let relatives = (0..RELATIVE_ROWS)
        .filter_map(|i| relative_row(form, i, &members, &mut errors))
        .collect();
    match (channel, received_on, category_asked, errors.0.is_empty()) {
        (Some(channel), Some(received_on), Some(category_asked), true) => Ok(ValidRegistration {
            village_code,
            group_name,
            channel,
            received_on,
            category_asked,
            members,
            relatives,
            form_token: Some(form.get("form_token"))
                .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(str::to_owned),
        }),
        _ => Err(errors.0),
    }
}

/// A form's field errors, in the order found: (field name, what is wrong).
#[derive(Default)]
struct Errors(Vec<(String, Msg)>);

impl Errors {
    fn fail(&mut self, field: &str, m: Msg) {
        self.0.push((field.to_owned(), m));
    }
}

/// Member row `i` of the form (`m{i}_…`), its faults added to `errors`; `None` when the row was
/// left empty. The first member given is the applicant (the head of the household); any other
/// must name another relation.
fn member_row(form: &Registration, i: usize, first: bool, errors: &mut Errors) -> Option<Member> {
    let key = |f: &str| format!("m{i}_{f}");
    let name = form.get(&key("name"));
    let id = id_number::normalize(form.get(&key("id")));
    let grade = form.get(&key("grade"));
    if name.is_empty() && id.is_empty() && grade.is_empty() {
        return None;
    }
    if !valid_person_name(name) {
        errors.fail(&key("name"), Msg::NameInvalid);
    }
    if !id.is_empty() && !id_number::is_valid(&id) {
        errors.fail(&key("id"), Msg::IdNumberInvalid);
    }
    let relation = match (first, Relation::parse(form.get(&key("relation")))) {
        (true, _) => Some(Relation::Head),
        (false, Ok(Relation::Head)) | (false, Err(_)) => None,
        (false, Ok(r)) => Some(r),
    };
    if relation.is_none() {
        errors.fail(&key("relation"), Msg::BadRequestBody);
    }
    let disability_grade = match grade {
        "" => None,
        g => match g.parse::<i64>() {
            Ok(n) if (1..=4).contains(&n) => Some(n),
            _ => {
                errors.fail(&key("grade"), Msg::BadRequestBody);
                None
            }
        },
    };
    Some(Member {
        name: name.to_owned(),
        relation: relation.unwrap_or(Relation::Other),
        id_number: (!id.is_empty()).then_some(id),
        disability_grade,
        serious_illness: !form.get(&key("ill")).is_empty(),
    })
}

/// Declaration row `i` of the form (`r{i}_…`: a member's near relative who holds a post, as
/// [`RelativeOf`] lists them), its faults added to `errors`; `None` when the row was left empty.
fn relative_row(
    form: &Registration,
    i: usize,
    members: &[Member],
    errors: &mut Errors,
) -> Option<RelativeDeclaration> {
    let key = |f: &str| format!("r{i}_{f}");
    let parts = ["member", "name", "post", "relation"].map(|f| form.get(&key(f)));
    if parts.iter().all(|p| p.is_empty()) {
        return None;
    }
    let kind = RelativeOf::parse(form.get(&key("kind"))).ok();
    if kind.is_none() {
        errors.fail(&key("kind"), Msg::BadRequestBody);
    }
    let d = RelativeDeclaration {
        id: 0,
        member_name: parts[0].to_owned(),
        kind: kind.unwrap_or(RelativeOf::PublicOfficial),
        related_name: parts[1].to_owned(),
        related_post: parts[2].to_owned(),
        relation: parts[3].to_owned(),
    };
    for (f, m) in declaration_faults(&d, members) {
        errors.fail(&key(f), m);
    }
    Some(d)
}

/// What is wrong with a near-relative declaration, by field (`member`, `name`, `post`,
/// `relation`): the one rule for the registration form and a declaration added later on the case
/// page. The member must be one of the household's; the relative's name reads as a name; post
/// and relation are short plain text.
pub fn declaration_faults(d: &RelativeDeclaration, members: &[Member]) -> Vec<(&'static str, Msg)> {
    let mut faults = vec![];
    if !members.iter().any(|m| m.name == d.member_name) {
        faults.push(("member", Msg::MemberNotInHousehold));
    }
    if !valid_person_name(&d.related_name) {
        faults.push(("name", Msg::NameInvalid));
    }
    for (f, v) in [("post", &d.related_post), ("relation", &d.relation)] {
        if !short_text(v, 30) {
            faults.push((f, Msg::BadRequestBody));
        }
    }
    faults
}

/// Stores a checked application: finds the household (by the applicant's ID number in the
/// village) or registers it, then the case, members, declarations and the audit row, in one
/// transaction. Returns the case id.
pub async fn register(state: &AppState, staff: &StaffCtx, r: &ValidRegistration) -> AppResult<i64> {
    let village = regions::by_code(&state.db, regions::Level::Village, &r.village_code)
        .await?
        .ok_or_else(|| AppError::invalid("village", Msg::VillageRequired.text(staff.lang)))?;
    let township_id = village.parent_id.ok_or(AppError::NotFound)?;
    staff.require_village(Perm::RegisterCases, township_id, village.id)?;
    let applicant = r.members.first().ok_or(AppError::NotFound)?;
    // The same form sent again (a double click, a resend): the case its first sending made.
    let token_hash = r
        .form_token
        .as_deref()
        .map(|t| hex::encode(Sha256::digest(t.as_bytes())));
    if let Some(h) = &token_hash {
        if let Some(id) = cdb::by_form_token(&state.db, h).await? {
            return Ok(id);
        }
    }
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    let existing = match &applicant.id_number {
        Some(idn) => households::find_by_id_number(&mut tx, village.id, idn).await?,
        None => None,
    };
    let household_id = match existing {
        Some(id) => id,
        None => {
            let h = NewHousehold {
                village_id: village.id,
                group_id: None,
                head_name: applicant.name.clone(),
                id_number: applicant.id_number.clone(),
                phone: None,
                address: None,
                persons: r.members.len() as i64,
                category: r.category_asked.as_str().to_owned(),
                aid_class: None,
                monthly_fen: 0,
                near_relative: !r.relatives.is_empty(),
                staff_notes: None,
            };
            households::insert(&mut tx, &h, now).await?
        }
    };
    let new = NewCase {
        household_id,
        village_id: village.id,
        township_id,
        group_name: &r.group_name,
        channel: r.channel,
        complaint_id: None,
        received_on: r.received_on,
        category_asked: r.category_asked,
        near_relative: false,
        created_by: staff.staff.id,
        form_token_hash: token_hash.as_deref(),
    };
    let Some(id) = cdb::insert(&mut tx, &new, now).await? else {
        // Sent twice at the same moment: the other sending made it (and has committed: the
        // unique index made this one wait for it). This one's writes are rolled back.
        drop(tx);
        let h = token_hash.as_deref().unwrap_or_default();
        return cdb::by_form_token(&state.db, h)
            .await?
            .ok_or_else(|| AppError::internal("case registration", "form token clash"));
    };
    for (seq, m) in r.members.iter().enumerate() {
        cdb::insert_member(&mut tx, id, seq as i64 + 1, m).await?;
    }
    for d in &r.relatives {
        cdb::insert_relative(&mut tx, id, d, staff.staff.id, now).await?;
    }
    let detail = format!(
        "village={} members={} near_relative={}",
        village.code,
        r.members.len(),
        !r.relatives.is_empty()
    );
    let entry = staff.audit(
        "case.register",
        "case",
        Some(id.to_string()),
        Some(township_id),
        detail,
    );
    audit::record(&mut tx, &entry, now).await?;
    tx.changed(crate::db::changes::Change::Case {
        village: village.id,
        township: township_id,
    });
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Registration {
        Registration {
            fields: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![
            ("village", "530621103201"),
            ("group", "三组"),
            ("channel", "self"),
            ("received_on", "2026-11-20"),
            ("category", "yiban"),
            ("m0_name", "张三"),
            ("m0_id", "530621198503150022"),
            ("m1_name", "李四"),
            ("m1_relation", "spouse"),
        ]
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).expect("date")
    }

    #[test]
    fn a_declaration_names_a_member_and_a_relative() {
        let members = check(&form(&base()), today()).expect("valid").members;
        let d = |member: &str, name: &str, post: &str| RelativeDeclaration {
            id: 0,
            member_name: member.to_owned(),
            kind: RelativeOf::PublicOfficial,
            related_name: name.to_owned(),
            related_post: post.to_owned(),
            relation: "兄弟".to_owned(),
        };
        let fields = |d: &RelativeDeclaration| -> Vec<&str> {
            declaration_faults(d, &members)
                .iter()
                .map(|(f, _)| *f)
                .collect()
        };
        assert!(fields(&d("张三", "张五", "村委会主任")).is_empty());
        assert_eq!(fields(&d("王二", "张五", "村委会主任")), ["member"]);
        let stranger = declaration_faults(&d("王二", "张五", "村委会主任"), &members);
        assert!(matches!(stranger[0].1, Msg::MemberNotInHousehold));
        assert_eq!(fields(&d("李四", "<b>", "村委会主任")), ["name"]);
        assert_eq!(fields(&d("李四", "张五", "")), ["post"]);
        assert_eq!(fields(&d("李四", "张五", "主任\u{7}")), ["post"]);
        assert_eq!(fields(&d("李四", "张五", &"长".repeat(31))), ["post"]);
    }

    #[test]
    fn a_complete_application() {
        let r = check(&form(&base()), today()).expect("valid");
        assert_eq!(r.members.len(), 2);
        assert_eq!(r.members[0].relation, Relation::Head);
        assert_eq!(r.members[1].relation, Relation::Spouse);
        assert!(r.relatives.is_empty());
    }

    #[test]
    fn every_problem_is_named() {
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (vec![("village", "../etc")], "village"),
            (vec![("group", "")], "group"),
            (vec![("channel", "fax")], "channel"),
            (vec![("received_on", "2026-12-01")], "received_on"),
            (vec![("received_on", "2025-01-01")], "received_on"),
            (vec![("category", "gold")], "category"),
            (vec![("m0_name", "<script>")], "m0_name"),
            (vec![("m0_id", "530621198503150023")], "m0_id"),
            (vec![("m1_relation", "head")], "m1_relation"),
            (vec![("m1_grade", "7")], "m1_grade"),
            (
                vec![
                    ("r0_member", "王五"),
                    ("r0_kind", "official"),
                    ("r0_name", "赵六"),
                    ("r0_post", "村主任"),
                    ("r0_relation", "兄弟"),
                ],
                "r0_member",
            ),
            (
                vec![
                    ("r0_member", "张三"),
                    ("r0_kind", "boss"),
                    ("r0_name", "赵六"),
                    ("r0_post", "村主任"),
                    ("r0_relation", "兄弟"),
                ],
                "r0_kind",
            ),
        ];
        for (over, field) in cases {
            let mut pairs = base();
            for (k, v) in over {
                pairs.retain(|(kk, _)| *kk != k);
                pairs.push((k, v));
            }
            let errors = check(&form(&pairs), today()).expect_err(field);
            assert!(
                errors.iter().any(|(f, _)| f == field),
                "{field}: {errors:?}"
            );
        }
        let mut pairs = base();
        pairs.retain(|(k, _)| !k.starts_with('m'));
        assert!(check(&form(&pairs), today()).is_err(), "no member");
    }

    #[test]
    fn a_declaration_names_a_member() {
        let mut pairs = base();
        pairs.extend([
            ("r0_member", "李四"),
            ("r0_kind", "village_committee"),
            ("r0_name", "李大海"),
            ("r0_post", "村委会委员"),
            ("r0_relation", "兄妹"),
        ]);
        let r = check(&form(&pairs), today()).expect("valid");
        assert_eq!(r.relatives.len(), 1);
        assert_eq!(r.relatives[0].kind, RelativeOf::VillageCommittee);
    }

    #[test]
    fn names() {
        for ok in ["张三", "欧阳娜娜", "Ayi·Mohammed", "李 四"] {
            assert!(valid_person_name(ok), "{ok}");
        }
        for bad in ["", "张3", "<b>", &"长".repeat(31)] {
            assert!(!valid_person_name(bad), "{bad}");
        }
    }
}
