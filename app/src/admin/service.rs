//! Account rules shared by the web pages and the `sunshine staff` command.

use crate::db::tx::Tx;
use crate::db::{audit, now_epoch, regions, sessions, staff as staff_db};
use crate::domain::access::{check_password, valid_username, PasswordError};
use crate::domain::{Role, Scope};
use crate::error::{AppError, AppResult};
use crate::i18n::Msg;
use crate::web::session::hash_password;
use crate::web::state::AppState;

/// Field-level problems, each with a message key; shown next to the field.
pub type FieldErrors = Vec<(&'static str, Msg)>;

#[derive(Debug)]
pub enum ServiceError {
    Fields(FieldErrors),
    App(AppError),
}

impl From<AppError> for ServiceError {
    fn from(e: AppError) -> Self {
        ServiceError::App(e)
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        ServiceError::App(e.into())
    }
}

pub fn password_msg(e: PasswordError) -> Msg {
    match e {
        PasswordError::TooShort => Msg::PasswordTooShort,
        PasswordError::TooLong => Msg::PasswordTooLong,
        PasswordError::TooSimple => Msg::PasswordTooSimple,
        PasswordError::ContainsUsername => Msg::PasswordContainsUsername,
    }
}

/// A display name: 1–40 characters, no control characters.
pub fn valid_display_name(s: &str) -> bool {
    let n = s.trim().chars().count();
    (1..=40).contains(&n) && !s.chars().any(char::is_control)
}

pub use crate::islands::rules::valid_email;

/// What a form or the CLI asks for.
#[derive(Debug, Clone, Default)]
pub struct AccountInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// A township id (web form) — the CLI resolves codes first.
    pub township_id: Option<i64>,
    /// A village's 12-digit code, for a village assistant.
    pub village_code: String,
    /// The county an account without a township is limited to (a deployment of several
    /// counties); ignored when a county's own administrator acts (their county is used).
    pub county_id: Option<i64>,
    /// The prefecture (its 12-digit code; empty: none) an oversight account is limited to, in a
    /// deployment of several prefectures; only the deployment's administrators set it.
    pub prefecture_code: String,
    pub email: String,
    pub active: bool,
}

/// A checked account.
#[derive(Debug, Clone)]
pub struct ValidAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub township_id: Option<i64>,
    /// Resolved by [`check_scope`]; `check_fields` leaves it empty.
    pub village_id: Option<i64>,
    /// Resolved by [`check_scope`]; `check_fields` leaves it empty.
    pub county_id: Option<i64>,
    /// Checked for form by `check_fields`, for existence by [`check_scope`].
    pub prefecture_code: Option<String>,
    pub email: Option<String>,
    pub active: bool,
}

impl ValidAccount {
    /// What the account may do and where.
    pub fn rights(&self) -> staff_db::Rights<'_> {
        staff_db::Rights {
            role: self.role,
            township_id: self.township_id,
            village_id: self.village_id,
            county_id: self.county_id,
            prefecture_code: self.prefecture_code.as_deref(),
        }
    }
}

/// Checks the fields that need no database. Township existence is checked by [`validate`].
pub fn check_fields(
    input: &AccountInput,
    check_username: bool,
) -> Result<ValidAccount, FieldErrors> {
    let mut errors = FieldErrors::new();
    let username = input.username.trim().to_owned();
    if check_username && !valid_username(&username) {
        errors.push(("username", Msg::UsernameRule));
    }
    if !valid_display_name(&input.display_name) {
        errors.push(("display_name", Msg::DisplayNameRule));
    }
    let role = Role::parse(&input.role).ok();
    match role {
        None => errors.push(("role", Msg::RoleRequired)),
        Some(r) if r.needs_township() && input.township_id.is_none() => {
            errors.push(("township", Msg::TownshipRequired))
        }
        Some(r) if !r.may_have_township() && input.township_id.is_some() => {
            errors.push(("township", Msg::TownshipNotAllowed))
        }
        Some(_) => {}
    }
    let village = input.village_code.trim();
    match role {
        Some(r) if r.needs_village() && !crate::domain::is_region_code(village) => {
            errors.push(("village", Msg::VillageRequired))
        }
        Some(r) if !r.needs_village() && !village.is_empty() => {
            errors.push(("village", Msg::TownshipNotAllowed))
        }
        _ => {}
    }
    let prefecture = input.prefecture_code.trim();
    if let Some(msg) = prefecture_rule(prefecture, role, input.township_id, input.county_id) {
        errors.push(("prefecture", msg));
    }
    let email = input.email.trim();
    if !email.is_empty() && !valid_email(email) {
        errors.push(("email", Msg::EmailInvalid));
    }
    match (errors.is_empty(), role) {
        (true, Some(role)) => Ok(ValidAccount {
            username,
            display_name: input.display_name.trim().to_owned(),
            role,
            township_id: input.township_id,
            village_id: None,
            county_id: None,
            prefecture_code: (!prefecture.is_empty()).then(|| prefecture.to_owned()),
            email: (!email.is_empty()).then(|| email.to_owned()),
            active: input.active,
        }),
        _ => Err(errors),
    }
}

/// What is wrong with limiting an account to a prefecture, if anything: the code must be a
/// prefecture's (`530600000000`), the role oversight, and the account not also limited to a
/// township or a county.
pub fn prefecture_rule(
    code: &str,
    role: Option<Role>,
    township_id: Option<i64>,
    county_id: Option<i64>,
) -> Option<Msg> {
    use crate::domain::region_code::{level_of, upper_level, CodeLevel};
    if code.is_empty() {
        return None;
    }
    let is_prefecture =
        level_of(code) == Some(CodeLevel::AboveCounty) && upper_level(code) == "prefecture";
    if !is_prefecture {
        Some(Msg::PrefectureInvalid)
    } else if !role.is_some_and(Role::may_have_prefecture)
        || township_id.is_some()
        || county_id.is_some()
    {
        Some(Msg::PrefectureAuditorsOnly)
    } else {
        None
    }
}

/// Where an account may be placed by a manager of `scope`: a township they reach; without a
/// township, the manager's own county (a county's administrator cannot make accounts wider
/// than their county), or, for the deployment's own, the county asked for (or none: everywhere).
pub fn placed_county(
    scope: &Scope,
    township_id: Option<i64>,
    asked: Option<i64>,
) -> Result<Option<i64>, FieldErrors> {
    if township_id.is_some() {
        return if scope.reaches(township_id, false) {
            Ok(None)
        } else {
            Err(vec![("township", Msg::TownshipRequired)])
        };
    }
    match scope {
        Scope::All => Ok(asked),
        Scope::County { id, .. } => Ok(Some(*id)),
        Scope::Township(_) | Scope::Prefecture { .. } => {
            Err(vec![("township", Msg::TownshipRequired)])
        }
    }
}

/// Checks that the township exists, lies in the manager's scope, and the village (a village
/// assistant's) lies in it; returns the village's id and the account's county.
async fn check_scope(
    state: &AppState,
    actor: &Actor<'_>,
    township_id: Option<i64>,
    input: &AccountInput,
) -> Result<(Option<i64>, Option<i64>), ServiceError> {
    let village_code = input.village_code.as_str();
    if let Some(id) = township_id {
        let ok = regions::by_level_id(&state.db, regions::Level::Township, id)
            .await?
            .is_some();
        if !ok {
            return Err(ServiceError::Fields(vec![(
                "township",
                Msg::TownshipRequired,
            )]));
        }
    }
    let county =
        placed_county(&actor.scope, township_id, input.county_id).map_err(ServiceError::Fields)?;
    if let Some(c) = county {
        if regions::by_level_id(&state.db, regions::Level::County, c)
            .await?
            .is_none()
        {
            return Err(ServiceError::Fields(vec![("county", Msg::CountyInvalid)]));
        }
    }
    check_prefecture(state, actor, input.prefecture_code.trim()).await?;
    let village = check_village(state, township_id, village_code).await?;
    Ok((village, county))
}

/// A prefecture an account is limited to must hold a county of the deployment, and only the
/// deployment's own managers may place one there.
async fn check_prefecture(
    state: &AppState,
    actor: &Actor<'_>,
    code: &str,
) -> Result<(), ServiceError> {
    if code.is_empty() {
        return Ok(());
    }
    let counties = regions::counties(&state.db).await?;
    let known = counties
        .iter()
        .any(|c| crate::domain::region_code::prefecture_of(&c.code) == code);
    if actor.scope != Scope::All || !known {
        return Err(ServiceError::Fields(vec![(
            "prefecture",
            Msg::PrefectureInvalid,
        )]));
    }
    Ok(())
}

/// The village (a village assistant's) of a code, which must lie in the township.
async fn check_village(
    state: &AppState,
    township_id: Option<i64>,
    village_code: &str,
) -> Result<Option<i64>, ServiceError> {
    let code = village_code.trim();
    if code.is_empty() {
        return Ok(None);
    }
    match regions::by_code(&state.db, regions::Level::Village, code).await? {
        Some(v) if v.parent_id == township_id => Ok(Some(v.id)),
        _ => Err(ServiceError::Fields(vec![(
            "village",
            Msg::VillageRequired,
        )])),
    }
}

/// Who is acting, for the audit log, and where they may place accounts.
pub struct Actor<'a> {
    pub staff_id: Option<i64>,
    pub name: &'a str,
    pub client_addr: Option<String>,
    /// The manager's scope (the command line: everywhere).
    pub scope: Scope,
}

/// Ends a change to account `id`: its audit row, on the change's transaction, then the commit.
async fn commit_logged(
    mut tx: Tx,
    actor: &Actor<'_>,
    action: &str,
    id: i64,
    township_id: Option<i64>,
    detail: String,
    now: i64,
) -> AppResult<()> {
    let entry = audit::Entry {
        staff_id: actor.staff_id,
        actor: actor.name,
        action,
        object_type: "staff",
        object_id: Some(id.to_string()),
        township_id,
        detail,
        client_addr: actor.client_addr.clone(),
    };
    audit::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates an account (and its audit row, in one transaction).
pub async fn create(
    state: &AppState,
    input: &AccountInput,
    password: &str,
    actor: &Actor<'_>,
) -> Result<i64, ServiceError> {
    let mut errors = match check_fields(input, true) {
        Ok(_) => FieldErrors::new(),
        Err(e) => e,
    };
    if let Err(e) = check_password(password, input.username.trim()) {
        errors.push(("password", password_msg(e)));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let mut account = check_fields(input, true).map_err(ServiceError::Fields)?;
    (account.village_id, account.county_id) =
        check_scope(state, actor, account.township_id, input).await?;
    let hash = hash_password(password.to_owned()).await?;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    let id = staff_db::insert(
        &mut tx,
        &staff_db::NewStaff {
            username: &account.username,
            display_name: &account.display_name,
            password_hash: &hash,
            rights: account.rights(),
            email: account.email.as_deref(),
        },
        now,
    )
    .await
    .map_err(|e| match e {
        AppError::Conflict(_) => ServiceError::Fields(vec![("username", Msg::UsernameTaken)]),
        other => ServiceError::App(other),
    })?;
    let detail = format!(
        "username={} role={} township={:?} county={:?} prefecture={:?}",
        account.username,
        account.role.as_str(),
        account.township_id,
        account.county_id,
        account.prefecture_code
    );
    commit_logged(
        tx,
        actor,
        "staff.create",
        id,
        account.township_id,
        detail,
        now,
    )
    .await?;
    Ok(id)
}

/// Changes name, role, scope, e-mail and active flag. Disabling ends the account's sessions.
pub async fn update(
    state: &AppState,
    id: i64,
    input: &AccountInput,
    actor: &Actor<'_>,
) -> Result<(), ServiceError> {
    let mut account = check_fields(input, false).map_err(ServiceError::Fields)?;
    (account.village_id, account.county_id) =
        check_scope(state, actor, account.township_id, input).await?;
    let before = staff_db::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    let changes = staff_db::StaffUpdate {
        display_name: &account.display_name,
        rights: account.rights(),
        email: account.email.as_deref(),
        active: account.active,
    };
    staff_db::update(&mut tx, id, &changes, now).await?;
    if !account.active || before.rights() != account.rights() {
        // Rights changed: make the account sign in again under the new ones.
        sessions::delete_for_staff(&mut tx, id).await?;
    }
    let detail = format!(
        "role {}→{} township {:?}→{:?} county {:?}→{:?} prefecture {:?}→{:?} active {}→{}",
        before.role.as_str(),
        account.role.as_str(),
        before.township_id,
        account.township_id,
        before.county_id,
        account.county_id,
        before.prefecture_code,
        account.prefecture_code,
        before.active,
        account.active
    );
    commit_logged(
        tx,
        actor,
        "staff.update",
        id,
        account.township_id,
        detail,
        now,
    )
    .await?;
    Ok(())
}

/// Sets a new password and ends the account's sessions.
pub async fn reset_password(
    state: &AppState,
    id: i64,
    password: &str,
    actor: &Actor<'_>,
) -> Result<(), ServiceError> {
    let target = staff_db::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    check_password(password, &target.username)
        .map_err(|e| ServiceError::Fields(vec![("password", password_msg(e))]))?;
    let hash = hash_password(password.to_owned()).await?;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    staff_db::set_password(&mut tx, id, &hash, now).await?;
    sessions::delete_for_staff(&mut tx, id).await?;
    commit_logged(
        tx,
        actor,
        "staff.reset_password",
        id,
        target.township_id,
        String::new(),
        now,
    )
    .await?;
    Ok(())
}

/// Disables an account (CLI) and ends its sessions.
pub async fn disable(
    state: &AppState,
    username: &str,
    actor: &Actor<'_>,
) -> Result<(), ServiceError> {
    let target = staff_db::by_username(&state.db, username)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    staff_db::set_active(&mut tx, target.id, false, now).await?;
    sessions::delete_for_staff(&mut tx, target.id).await?;
    commit_logged(
        tx,
        actor,
        "staff.disable",
        target.id,
        target.township_id,
        String::new(),
        now,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(role: &str, township: Option<i64>) -> AccountInput {
        AccountInput {
            username: "li.hua".into(),
            display_name: "李华".into(),
            role: role.into(),
            township_id: township,
            village_code: String::new(),
            county_id: None,
            prefecture_code: String::new(),
            email: String::new(),
            active: true,
        }
    }

    #[test]
    fn only_oversight_is_limited_to_a_prefecture() {
        let auditor = Some(Role::Auditor);
        assert_eq!(prefecture_rule("", auditor, None, None), None);
        assert_eq!(prefecture_rule("", Some(Role::Admin), None, None), None);
        assert_eq!(prefecture_rule("530600000000", auditor, None, None), None);
        // Not a prefecture's code: a county's, the province's, a village's, hostile text.
        for code in [
            "530621000000",
            "530000000000",
            "530621103201",
            "<script>",
            "5306",
            "53060000000０",
        ] {
            assert_eq!(
                prefecture_rule(code, auditor, None, None),
                Some(Msg::PrefectureInvalid),
                "{code}"
            );
        }
        // Another role, or also a township or county.
        for (role, township, county) in [
            (Some(Role::Admin), None, None),
            (Some(Role::CountyOfficer), None, None),
            (None, None, None),
            (auditor, Some(70), None),
            (auditor, None, Some(7)),
        ] {
            assert_eq!(
                prefecture_rule("530600000000", role, township, county),
                Some(Msg::PrefectureAuditorsOnly),
                "{role:?} {township:?} {county:?}"
            );
        }
        let mut form = input("auditor", None);
        form.prefecture_code = " 530600000000 ".into();
        let account = check_fields(&form, true).expect("valid");
        assert_eq!(account.prefecture_code.as_deref(), Some("530600000000"));
        form.role = "supervisor".into();
        assert!(check_fields(&form, true).is_err());
    }

    #[test]
    fn an_account_is_never_wider_than_its_manager() {
        let county = Scope::County {
            id: 7,
            townships: vec![70, 71],
        };
        // A county's administrator: their townships; without one, their county, whatever asked.
        assert_eq!(placed_county(&county, Some(70), None), Ok(None));
        assert_eq!(placed_county(&county, None, None), Ok(Some(7)));
        assert_eq!(placed_county(&county, None, Some(8)), Ok(Some(7)));
        assert_eq!(
            placed_county(&county, Some(80), None),
            Err(vec![("township", Msg::TownshipRequired)])
        );
        // The deployment's own: any township; without one, the county asked for, or everywhere.
        assert_eq!(placed_county(&Scope::All, Some(80), Some(8)), Ok(None));
        assert_eq!(placed_county(&Scope::All, None, Some(8)), Ok(Some(8)));
        assert_eq!(placed_county(&Scope::All, None, None), Ok(None));
        // A township's: only that township.
        assert_eq!(
            placed_county(&Scope::Township(70), Some(70), None),
            Ok(None)
        );
        assert!(placed_county(&Scope::Township(70), None, None).is_err());
        assert!(placed_county(&Scope::Township(70), Some(71), None).is_err());
    }

    #[test]
    fn a_village_assistant_needs_a_village() {
        let mut i = input("village_assistant", Some(3));
        assert_eq!(
            check_fields(&i, true).err(),
            Some(vec![("village", Msg::VillageRequired)])
        );
        i.village_code = "530621103201".into();
        assert!(check_fields(&i, true).is_ok());
        let mut officer = input("township_officer", Some(3));
        officer.village_code = "530621103201".into();
        assert!(
            check_fields(&officer, true).is_err(),
            "only assistants have a village"
        );
    }

    #[test]
    fn township_rules_by_role() {
        assert!(check_fields(&input("township_officer", Some(3)), true).is_ok());
        assert_eq!(
            check_fields(&input("township_officer", None), true).err(),
            Some(vec![("township", Msg::TownshipRequired)])
        );
        assert!(check_fields(&input("supervisor", Some(3)), true).is_ok());
        assert!(check_fields(&input("supervisor", None), true).is_ok());
        assert_eq!(
            check_fields(&input("admin", Some(3)), true).err(),
            Some(vec![("township", Msg::TownshipNotAllowed)])
        );
        assert_eq!(
            check_fields(&input("boss", None), true).err(),
            Some(vec![("role", Msg::RoleRequired)])
        );
    }

    #[test]
    fn display_names() {
        assert!(valid_display_name("王芳"));
        assert!(!valid_display_name("  "));
        assert!(!valid_display_name(&"长".repeat(41)));
        assert!(!valid_display_name("a\u{0}b"));
    }
}
