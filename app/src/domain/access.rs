//! Who may do what, where: the one place that decides staff access.
//!
//! A staff member has a [`Role`] and a [`Scope`]: one township, one county, or everything.
//! Every staff handler asks [`allowed`] first, with the township the object belongs to.

code_enum! {
    /// Staff roles.
    pub enum Role ("role") {
        /// 乡镇民政助理员: works in one township.
        TownshipOfficer => "township_officer",
        /// 县民政局: works across the county.
        CountyOfficer => "county_officer",
        /// Approves replies; county-wide or one township.
        Supervisor => "supervisor",
        /// 纪委监委 and others with oversight: reads everything, changes nothing.
        Auditor => "auditor",
        /// Manages accounts and settings.
        Admin => "admin",
        /// 村级协理员: one village; registers applications, uploads survey evidence, logs
        /// reports; never decides, publishes or sees other villages.
        VillageAssistant => "village_assistant",
    }
}

impl Role {
    /// Whether this role must be limited to one township.
    pub fn needs_township(self) -> bool {
        matches!(self, Role::TownshipOfficer | Role::VillageAssistant)
    }

    /// Whether this role may be limited to one township at all.
    pub fn may_have_township(self) -> bool {
        matches!(
            self,
            Role::TownshipOfficer | Role::Supervisor | Role::VillageAssistant
        )
    }

    /// Whether this role is limited to one village (inside its township).
    pub fn needs_village(self) -> bool {
        matches!(self, Role::VillageAssistant)
    }

    /// Whether this role may be limited to the counties of one prefecture (市、州): only
    /// oversight, which reads and changes nothing. A prefecture has no officers of its own in
    /// the allowance's process: counties decide, townships review.
    pub fn may_have_prefecture(self) -> bool {
        matches!(self, Role::Auditor)
    }
}

/// Something a staff member may want to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Perm {
    /// See the staff dashboard.
    ViewDashboard,
    /// Create, edit, disable accounts; reset passwords.
    ManageStaff,
    /// Read the audit trail (of their scope).
    ViewAudit,
    /// Read staff-only data (households, batches, complaints) in scope.
    ReadRecords,
    /// Create and publish publicity lists, manage households.
    EditPublicity,
    /// Accept, verify and answer complaints; log offline reports.
    HandleComplaints,
    /// Approve or return a drafted reply.
    ApproveReplies,
    /// Read case files (applications, visits, decisions) in scope.
    ReadCases,
    /// Register applications, edit members and near-relative declarations, upload evidence.
    RegisterCases,
    /// The township's steps: 受理, household visits, village reviews, review meetings, 审核公示.
    ProcessCases,
    /// The county's steps: in-person checks, 县级审批, 审批公示, enrolment.
    ApproveCases,
    /// Log a report that came in offline (hotline, letter, report box).
    LogReports,
}

impl Perm {
    pub const ALL: &'static [Perm] = &[
        Perm::ViewDashboard,
        Perm::ManageStaff,
        Perm::ViewAudit,
        Perm::ReadRecords,
        Perm::EditPublicity,
        Perm::HandleComplaints,
        Perm::ApproveReplies,
        Perm::ReadCases,
        Perm::RegisterCases,
        Perm::ProcessCases,
        Perm::ApproveCases,
        Perm::LogReports,
    ];
}

/// What a role may do anywhere, before scope is considered.
pub fn role_allows(role: Role, perm: Perm) -> bool {
    use Perm::*;
    match role {
        Role::Admin => true,
        Role::Auditor => matches!(perm, ViewDashboard | ViewAudit | ReadRecords | ReadCases),
        Role::CountyOfficer => !matches!(perm, ManageStaff | ApproveReplies | ProcessCases),
        Role::TownshipOfficer => !matches!(perm, ManageStaff | ApproveReplies | ApproveCases),
        Role::Supervisor => !matches!(
            perm,
            ManageStaff | RegisterCases | ProcessCases | ApproveCases
        ),
        Role::VillageAssistant => {
            matches!(perm, ViewDashboard | ReadCases | RegisterCases | LogReports)
        }
    }
}

/// Where a staff member works: the whole deployment, the counties of one prefecture, one
/// county, or one township.
///
/// A deployment may hold one county or a whole province. Accounts without a township, county
/// or prefecture reach everything (the province's oversight and administrators); a
/// prefecture's oversight reads its counties; a county's own officers reach its townships
/// only; a township officer (and a village assistant, further limited to a village) reaches
/// one township.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every county of the deployment.
    #[default]
    All,
    /// The deployment's counties in one prefecture (an auditor's): its code, the counties' ids
    /// and their townships' ids.
    Prefecture {
        code: String,
        counties: Vec<i64>,
        townships: Vec<i64>,
    },
    /// One county: its id and the ids of its townships.
    County { id: i64, townships: Vec<i64> },
    /// One township.
    Township(i64),
}

impl Scope {
    /// The one township of a township-scoped member.
    pub fn township(&self) -> Option<i64> {
        match self {
            Scope::Township(t) => Some(*t),
            _ => None,
        }
    }

    /// Whether this scope covers more than one township (a county's or the deployment's).
    pub fn is_wide(&self) -> bool {
        !matches!(self, Scope::Township(_))
    }

    /// Whether a township (or a county-level object of that township, such as an escalated
    /// complaint, when `county_level`) lies in this scope.
    pub fn reaches(&self, township: Option<i64>, county_level: bool) -> bool {
        match (self, township) {
            (Scope::All, _) => true,
            (Scope::Prefecture { townships, .. }, Some(t))
            | (Scope::County { townships, .. }, Some(t)) => townships.contains(&t),
            (Scope::Prefecture { .. }, None) | (Scope::County { .. }, None) => false,
            (Scope::Township(mine), Some(t)) => !county_level && *mine == t,
            (Scope::Township(_), None) => false,
        }
    }
}

impl Scope {
    /// Whether an object owned by a township, or (no township) by a county or by the whole
    /// deployment (`county` none too) lies in this scope: a staff account, a comparison file.
    /// A county's members reach their county's own objects and its townships'.
    pub fn holds(&self, township: Option<i64>, county: Option<i64>) -> bool {
        match self {
            Scope::County { id, .. } if county == Some(*id) => true,
            Scope::Prefecture { counties, .. } if county.is_some_and(|c| counties.contains(&c)) => {
                true
            }
            _ => self.reaches(township, false),
        }
    }

    /// Who owns what a member of this scope makes: (their township, their county). A
    /// prefecture's oversight makes nothing (its role reads only); were it to, the deployment
    /// would own it.
    pub fn owner(&self) -> (Option<i64>, Option<i64>) {
        match self {
            Scope::All | Scope::Prefecture { .. } => (None, None),
            Scope::County { id, .. } => (None, Some(*id)),
            Scope::Township(t) => (Some(*t), None),
        }
    }
}

/// Whether a staff member scoped to `scope` reaches an object in `target` (its township id, or
/// `None` for an object of the whole deployment: holidays, content pages, accounts).
pub fn in_scope(scope: &Scope, target: Option<i64>) -> bool {
    scope.reaches(target, false)
}

/// The access decision: role first, then scope.
pub fn allowed(role: Role, scope: &Scope, perm: Perm, target: Option<i64>) -> bool {
    role_allows(role, perm) && in_scope(scope, target)
}

/// Password rules for staff accounts: long enough to resist guessing, short enough to type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
    #[error("needs two kinds of characters")]
    TooSimple,
    #[error("contains the username")]
    ContainsUsername,
}

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;

pub fn check_password(password: &str, username: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    let classes = [
        password.chars().any(|c| c.is_alphabetic()),
        password.chars().any(|c| c.is_ascii_digit()),
        password
            .chars()
            .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if classes < 2 {
        return Err(PasswordError::TooSimple);
    }
    let u = username.trim().to_lowercase();
    if u.chars().count() >= 3 && password.to_lowercase().contains(&u) {
        return Err(PasswordError::ContainsUsername);
    }
    Ok(())
}

/// Usernames: 3–32 of `a-z 0-9 . _ -`, starting with a letter.
pub fn valid_username(u: &str) -> bool {
    let n = u.len();
    (3..=32).contains(&n)
        && u.starts_with(|c: char| c.is_ascii_lowercase())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// Seconds an account must wait after `failures` consecutive failed logins: none for the first
/// four, then 30 s doubling up to 15 minutes.
pub fn lockout_seconds(failures: u32) -> i64 {
    if failures < 5 {
        0
    } else {
        let exp = (failures - 5).min(5);
        (30_i64 << exp).min(15 * 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_table() {
        use Perm::*;
        // (role, perm, allowed anywhere)
        let table: &[(Role, &[Perm])] = &[
            (Role::Admin, Perm::ALL),
            (
                Role::Auditor,
                &[ViewDashboard, ViewAudit, ReadRecords, ReadCases],
            ),
            (
                Role::CountyOfficer,
                &[
                    ViewDashboard,
                    ViewAudit,
                    ReadRecords,
                    EditPublicity,
                    HandleComplaints,
                    ReadCases,
                    RegisterCases,
                    ApproveCases,
                    LogReports,
                ],
            ),
            (
                Role::TownshipOfficer,
                &[
                    ViewDashboard,
                    ViewAudit,
                    ReadRecords,
                    EditPublicity,
                    HandleComplaints,
                    ReadCases,
                    RegisterCases,
                    ProcessCases,
                    LogReports,
                ],
            ),
            (
                Role::Supervisor,
                &[
                    ViewDashboard,
                    ViewAudit,
                    ReadRecords,
                    EditPublicity,
                    HandleComplaints,
                    ApproveReplies,
                    ReadCases,
                    LogReports,
                ],
            ),
            (
                Role::VillageAssistant,
                &[ViewDashboard, ReadCases, RegisterCases, LogReports],
            ),
        ];
        for (role, perms) in table {
            for perm in Perm::ALL {
                assert_eq!(
                    role_allows(*role, *perm),
                    perms.contains(perm),
                    "{role:?} × {perm:?}"
                );
            }
        }
    }

    #[test]
    fn scope_table() {
        let county = Scope::County {
            id: 100,
            townships: vec![5, 6],
        };
        // (scope, target township, county-level object, reached)
        let table = [
            (Scope::All, None, false, true),
            (Scope::All, Some(5), false, true),
            (Scope::All, Some(9), true, true),
            (Scope::Township(5), Some(5), false, true),
            (Scope::Township(5), Some(6), false, false),
            (Scope::Township(5), None, false, false),
            // An escalated complaint of the township has left the township's hands.
            (Scope::Township(5), Some(5), true, false),
            (county.clone(), Some(5), false, true),
            (county.clone(), Some(6), true, true),
            // Another county's township, and the deployment's own objects, are out of reach.
            (county.clone(), Some(9), false, false),
            (county.clone(), Some(9), true, false),
            (county.clone(), None, false, false),
        ];
        for (scope, target, county_level, ok) in table {
            assert_eq!(
                scope.reaches(target, county_level),
                ok,
                "{scope:?} → {target:?} {county_level}"
            );
        }
        // An officer of one township or county cannot act in another, whatever the permission.
        for perm in Perm::ALL {
            assert!(!allowed(
                Role::TownshipOfficer,
                &Scope::Township(1),
                *perm,
                Some(2)
            ));
            assert!(!allowed(Role::Admin, &Scope::Township(1), *perm, Some(2)));
            assert!(!allowed(Role::CountyOfficer, &county, *perm, Some(9)));
            assert!(!allowed(Role::Admin, &county, *perm, Some(9)));
        }
        assert!(allowed(
            Role::TownshipOfficer,
            &Scope::Township(1),
            Perm::EditPublicity,
            Some(1)
        ));
        assert!(allowed(
            Role::CountyOfficer,
            &county,
            Perm::ApproveCases,
            Some(6)
        ));
        assert!(!allowed(
            Role::Auditor,
            &Scope::All,
            Perm::EditPublicity,
            Some(1)
        ));
        assert!(allowed(
            Role::Auditor,
            &Scope::All,
            Perm::ReadCases,
            Some(1)
        ));
        assert!(Scope::All.is_wide() && county.is_wide() && !Scope::Township(1).is_wide());
    }

    #[test]
    fn an_object_of_a_township_or_county_is_held_in_its_scope_only() {
        let county = Scope::County {
            id: 7,
            townships: vec![70, 71],
        };
        // (scope, file's township, file's county, seen)
        let table = [
            (Scope::All, None, None, true),
            (Scope::All, None, Some(8), true),
            (Scope::All, Some(80), None, true),
            (county.clone(), None, Some(7), true),
            (county.clone(), Some(71), None, true),
            (county.clone(), None, Some(8), false),
            (county.clone(), Some(80), None, false),
            (county.clone(), None, None, false),
            (Scope::Township(70), Some(70), None, true),
            (Scope::Township(70), Some(71), None, false),
            (Scope::Township(70), None, Some(7), false),
            (Scope::Township(70), None, None, false),
        ];
        for (scope, township, county_id, seen) in table {
            assert_eq!(
                scope.holds(township, county_id),
                seen,
                "{scope:?} {township:?} {county_id:?}"
            );
        }
        assert_eq!(county.owner(), (None, Some(7)));
        assert_eq!(Scope::Township(70).owner(), (Some(70), None));
        assert_eq!(Scope::All.owner(), (None, None));
    }

    #[test]
    fn a_prefecture_reaches_its_counties_and_nothing_else() {
        // Counties 7 (townships 70, 71) and 8 (80) lie in the prefecture; county 9 (90) not.
        let prefecture = Scope::Prefecture {
            code: "530600000000".to_owned(),
            counties: vec![7, 8],
            townships: vec![70, 71, 80],
        };
        // (township, county-level object, reached)
        for (target, county_level, ok) in [
            (Some(70), false, true),
            (Some(80), true, true),
            (Some(90), false, false),
            (Some(90), true, false),
            (None, false, false),
        ] {
            assert_eq!(
                prefecture.reaches(target, county_level),
                ok,
                "{target:?} {county_level}"
            );
        }
        // (file's township, file's county, seen): its counties' own objects too, not the
        // deployment's nor another prefecture's.
        for (township, county, seen) in [
            (None, Some(7), true),
            (None, Some(8), true),
            (Some(71), None, true),
            (None, Some(9), false),
            (Some(90), None, false),
            (None, None, false),
        ] {
            assert_eq!(
                prefecture.holds(township, county),
                seen,
                "{township:?} {county:?}"
            );
        }
        assert!(prefecture.is_wide());
        assert_eq!(prefecture.owner(), (None, None));
        // Oversight reads its counties and changes nothing there.
        assert!(allowed(
            Role::Auditor,
            &prefecture,
            Perm::ReadCases,
            Some(80)
        ));
        assert!(!allowed(
            Role::Auditor,
            &prefecture,
            Perm::ReadCases,
            Some(90)
        ));
        for perm in [
            Perm::EditPublicity,
            Perm::HandleComplaints,
            Perm::ManageStaff,
        ] {
            assert!(!allowed(Role::Auditor, &prefecture, perm, Some(70)));
        }
        // Only oversight may be limited to a prefecture.
        let roles = [
            Role::Auditor,
            Role::Admin,
            Role::CountyOfficer,
            Role::TownshipOfficer,
            Role::Supervisor,
            Role::VillageAssistant,
        ];
        for role in roles {
            assert_eq!(
                role.may_have_prefecture(),
                role == Role::Auditor,
                "{role:?}"
            );
        }
    }

    #[test]
    fn password_policy() {
        let cases = [
            ("short1", "u", Err(PasswordError::TooShort)),
            ("abcdefghij", "u", Err(PasswordError::TooSimple)),
            ("1234567890", "u", Err(PasswordError::TooSimple)),
            ("abcdefghi1", "u", Ok(())),
            ("正确的马电池订书钉1", "u", Ok(())),
            (
                "wang.fang-2026",
                "wang.fang",
                Err(PasswordError::ContainsUsername),
            ),
            ("Good pass 12", "admin", Ok(())),
        ];
        for (pw, user, want) in cases {
            assert_eq!(check_password(pw, user), want, "{pw}");
        }
        assert_eq!(
            check_password(&"a1".repeat(65), "u"),
            Err(PasswordError::TooLong)
        );
    }

    #[test]
    fn usernames() {
        for ok in ["admin", "wang.fang", "li_2", "abc"] {
            assert!(valid_username(ok), "{ok}");
        }
        for bad in ["ab", "Admin", "1abc", "a b", "王芳", "a/../b", ""] {
            assert!(!valid_username(bad), "{bad}");
        }
    }

    #[test]
    fn lockout_grows_and_caps() {
        assert_eq!(lockout_seconds(0), 0);
        assert_eq!(lockout_seconds(4), 0);
        assert_eq!(lockout_seconds(5), 30);
        assert_eq!(lockout_seconds(6), 60);
        assert_eq!(lockout_seconds(9), 480);
        assert_eq!(lockout_seconds(10), 900);
        assert_eq!(lockout_seconds(100), 900);
    }
}
