//! UI text in zh-CN (default) and English.
//!
//! Every message is a variant of [`Msg`] with both translations side by side, so a missing
//! translation is a compile error rather than a blank on a villager's screen.

use serde::{Deserialize, Serialize};

/// The language a page is rendered in. Chinese first: anything unknown falls back to zh-CN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub const COOKIE: &'static str = "lang";

    /// Parses a cookie or query value; unknown values give the default (zh-CN).
    pub fn parse(s: &str) -> Lang {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "en-us" | "en-gb" => Lang::En,
            _ => Lang::Zh,
        }
    }

    /// Value for `<html lang>` and `hreflang`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Value stored in the cookie and used in `/lang/{code}`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn t(self, msg: Msg) -> &'static str {
        msg.text(self)
    }

    /// Picks between a Chinese and an English name stored in data (falls back to Chinese).
    pub fn pick<'a>(self, zh: &'a str, en: Option<&'a str>) -> &'a str {
        match (self, en) {
            (Lang::En, Some(en)) if !en.is_empty() => en,
            _ => zh,
        }
    }
}

macro_rules! messages {
    ($($key:ident => ($zh:expr, $en:expr),)*) => {
        /// A piece of UI text. See the module documentation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($key,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::Zh) => $zh, (Msg::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

messages! {
    SiteName => ("阳光低保", "Sunshine Dibao"),
    SiteTagline => ("低保公示与投诉举报平台", "Minimum living allowance: public lists and complaints"),
    SkipToContent => ("跳到正文", "Skip to content"),
    OtherLanguageName => ("English", "中文"),
    Home => ("首页", "Home"),
    Hotline => ("监督举报电话", "Complaints hotline"),
    FooterNote => ("本站公示信息已隐去身份证号、电话、住址等与低保无关的个人信息。", "Lists on this site omit ID numbers, phone numbers, addresses and any personal detail unrelated to the allowance."),
    TownshipsAndVillages => ("乡镇（街道）与村（社区）", "Townships and villages"),
    HomeIntro => ("选择您所在的村（社区），查看低保公示名单。对名单有异议，可以实名或匿名举报。", "Choose your village to read its allowance lists. If something looks wrong, you can report it, with your name or anonymously."),
    VillageCount => ("个村（社区）", "villages"),
    Village => ("村（社区）", "Village"),
    Township => ("乡镇（街道）", "Township"),
    VillageStub => ("本村的审核公示、审批公示和长期公示名单将在这里发布。", "This village's review, approval and standing lists are published here."),
    BackToHome => ("返回首页", "Back to home"),
    Households => ("户数", "Households"),
    Persons => ("人数", "Persons"),
    NotFoundTitle => ("页面不存在", "Page not found"),
    NotFoundBody => ("您要找的页面不存在，可能地址有误或已被删除。", "The page you asked for does not exist. The address may be wrong, or the page was removed."),
    ForbiddenTitle => ("无权访问", "Not allowed"),
    ForbiddenBody => ("您没有权限进行此操作。", "You are not allowed to do this."),
    CrossSiteTitle => ("请求被拒绝", "Request refused"),
    CrossSiteBody => ("为保护您的安全，来自其他网站的表单提交已被拒绝。请回到本站页面重新提交。", "For your safety, a form sent from another website was refused. Please go back to this site and send it again."),
    BadRequestTitle => ("提交的内容有误", "Something in the form is not right"),
    BadRequestBody => ("请检查后重新提交。", "Please check and send it again."),
    TooLargeTitle => ("提交的内容太大", "What you sent is too large"),
    TooLargeBody => ("请缩短文字或减小文件后重试。", "Please shorten the text or use a smaller file and try again."),
    TooManyTitle => ("操作太频繁", "Too many requests"),
    TooManyBody => ("请稍等几分钟再试。", "Please wait a few minutes and try again."),
    ServerErrorTitle => ("服务暂时出错", "Something went wrong"),
    ServerErrorBody => ("我们已经记录了这个问题。请稍后再试；如果情况紧急，请拨打监督举报电话。", "The problem has been logged. Please try again later; if it is urgent, call the complaints hotline."),
    UnavailableTitle => ("服务暂时不可用", "Service unavailable"),
    UnavailableBody => ("请稍后再试。", "Please try again later."),
    StaffArea => ("工作人员", "Staff"),
    StaffLogin => ("工作人员登录", "Staff sign-in"),
    Username => ("用户名", "Username"),
    Password => ("密码", "Password"),
    SignIn => ("登录", "Sign in"),
    SignOut => ("退出登录", "Sign out"),
    LoginFailed => ("用户名或密码错误，或尝试次数过多。请核对后重试，或稍后再试。", "Wrong username or password, or too many attempts. Check and try again, or wait a while."),
    Dashboard => ("工作台", "Dashboard"),
    SignedInAs => ("当前用户", "Signed in as"),
    RoleLabel => ("角色", "Role"),
    ScopeLabel => ("负责范围", "Scope"),
    WholeCounty => ("全县", "Whole county"),
    VillagesInScope => ("负责的村（社区）", "Villages in your scope"),
    Accounts => ("账号管理", "Staff accounts"),
    AuditLog => ("操作记录", "Audit trail"),
    RoleTownshipOfficer => ("乡镇民政助理员", "Township officer"),
    RoleCountyOfficer => ("县民政局工作人员", "County officer"),
    RoleSupervisor => ("审核负责人", "Supervisor"),
    RoleAuditor => ("监督检查（只读）", "Auditor (read-only)"),
    RoleAdmin => ("系统管理员", "Administrator"),
    NewAccount => ("新建账号", "New account"),
    DisplayName => ("姓名", "Name"),
    Email => ("电子邮箱", "E-mail"),
    ActiveLabel => ("启用", "Active"),
    DisabledLabel => ("已停用", "Disabled"),
    Save => ("保存", "Save"),
    Create => ("创建", "Create"),
    ResetPassword => ("重置密码", "Reset password"),
    NewPassword => ("新密码", "New password"),
    PasswordHint => ("至少10个字符，包含字母、数字、符号中的两类，且不含用户名。", "At least 10 characters, of two kinds (letters, digits, symbols), not containing the username."),
    Edit => ("编辑", "Edit"),
    StatusLabel => ("状态", "Status"),
    Saved => ("已保存。", "Saved."),
    OptionalMark => ("（选填）", "(optional)"),
    NoTownship => ("不限（全县）", "None (whole county)"),
    UsernameRule => ("用户名为3–32位小写字母、数字或 . _ -，以字母开头。", "Usernames are 3–32 lower-case letters, digits, . _ or -, starting with a letter."),
    DisplayNameRule => ("请填写姓名（不超过40字）。", "Enter a name (at most 40 characters)."),
    RoleRequired => ("请选择角色。", "Choose a role."),
    TownshipRequired => ("请选择所在乡镇（街道）。", "Choose the township."),
    TownshipNotAllowed => ("该角色负责全县，不能限定乡镇。", "This role covers the whole county and cannot be limited to a township."),
    EmailInvalid => ("电子邮箱格式不正确。", "The e-mail address is not valid."),
    PasswordTooShort => ("密码至少10个字符。", "The password needs at least 10 characters."),
    PasswordTooLong => ("密码不能超过128个字符。", "The password can have at most 128 characters."),
    PasswordTooSimple => ("密码需包含字母、数字、符号中的至少两类。", "Use at least two kinds of characters: letters, digits, symbols."),
    PasswordContainsUsername => ("密码不能包含用户名。", "The password must not contain the username."),
    UsernameTaken => ("该用户名已被使用。", "That username is taken."),
    FormHasErrors => ("请修改下面标出的内容。", "Please correct the marked fields."),
    When => ("时间", "When"),
    Who => ("操作人", "Who"),
    ActionLabel => ("操作", "Action"),
    ObjectLabel => ("对象", "Object"),
    DetailLabel => ("详情", "Detail"),
    ClientAddrLabel => ("来源地址", "From"),
    NothingYet => ("暂无记录。", "Nothing yet."),
    KindReview => ("审核公示", "Review publicity"),
    KindApproval => ("审批公示", "Approval publicity"),
    KindStanding => ("长期公示", "Standing list"),
    KindReviewHint => ("乡镇审核结果，公示7天", "Township review result, public for 7 days"),
    KindApprovalHint => ("县级审批结果，公示7天", "County approval result, public for 7 days"),
    KindStandingHint => ("本村目前享受低保的家庭", "Households in this village receiving the allowance now"),
    StateDraft => ("草稿", "Draft"),
    StatePublished => ("公示中", "Published"),
    StateClosed => ("已结束", "Closed"),
    StateWithdrawn => ("已撤回", "Withdrawn"),
    ChangeNew => ("新增", "New"),
    ChangeIncrease => ("增发", "Increase"),
    ChangeDecrease => ("减发", "Decrease"),
    ChangeStop => ("停发", "Stopped"),
    ChangeRenew => ("续保", "Renewed"),
    CategoryDoudi => ("兜底保障", "Basic (cannot work)"),
    CategoryYiban => ("一般保障", "General"),
    ClassSuffix => ("类", " class"),
    OpenPublicity => ("正在公示", "Open for comment"),
    NoOpenPublicity => ("目前没有正在公示的名单。", "No list is open for comment now."),
    StandingList => ("长期公示名单", "Standing list"),
    NoStandingList => ("本村尚未发布长期公示名单。", "This village has not published a standing list yet."),
    PastPublicity => ("往期公示", "Earlier lists"),
    PublicityPeriod => ("公示期", "Period"),
    DaysLeft => ("剩余天数", "Days left"),
    DaysLeftUnit => ("天", "days"),
    NotYetOpen => ("尚未开始", "Not yet open"),
    WindowOver => ("公示期已结束", "Period over"),
    HowToObject => ("如对名单有异议，请在公示期内点击对应家庭旁的“提出异议”，或拨打监督举报电话。可以匿名。", "If you think an entry is wrong, use “Object” next to it during the period, or call the complaints hotline. You may stay anonymous."),
    MaskedNameCol => ("户主（已隐去部分姓名）", "Head of household (name partly hidden)"),
    PersonsCol => ("保障人数", "Persons"),
    AmountCol => ("月保障金（元）", "Monthly (yuan)"),
    CategoryCol => ("保障类别", "Category"),
    ChangeCol => ("变动", "Change"),
    ObjectCol => ("异议", "Object"),
    ObjectLink => ("提出异议", "Object"),
    TotalsTitle => ("合计", "Totals"),
    MonthlyTotal => ("月保障金合计（元）", "Monthly total (yuan)"),
    WithdrawnBecause => ("本名单已撤回。原因：", "This list was withdrawn. Reason:"),
    ClosedEarlyBecause => ("本名单已提前结束公示。原因：", "This list's period was ended early. Reason:"),
    ChangesSincePrevious => ("与上一期名单相比的变化", "Changes since the previous list"),
    Added => ("新增", "Added"),
    Removed => ("退出", "Removed"),
    AmountChanged => ("金额变化", "Amount changed"),
    NoChanges => ("与上一期相比没有变化。", "No changes since the previous list."),
    ViewList => ("查看名单", "View list"),
    EntriesCount => ("户", "households"),
    Publicity => ("公示管理", "Publicity lists"),
    NewBatch => ("新建公示", "New list"),
    VillageLabel => ("村（社区）", "Village"),
    KindLabel => ("公示类型", "Kind"),
    OpensOn => ("公示开始日期", "Opens on"),
    WindowDays => ("公示天数", "Days"),
    VillageRequired => ("请选择村（社区）。", "Choose a village."),
    KindRequired => ("请选择公示类型。", "Choose the kind of list."),
    DateInvalid => ("日期格式应为 2026-11-26。", "Dates look like 2026-11-26."),
    DaysInvalid => ("公示天数应为1到60。", "Days must be from 1 to 60."),
    Entries => ("名单", "Entries"),
    FullNameCol => ("户主姓名", "Head of household"),
    AddEntry => ("添加一户", "Add a household"),
    IdNumberOptional => ("身份证号（选填，仅工作人员可见）", "ID number (optional, staff only)"),
    Delete => ("删除", "Delete"),
    ImportTitle => ("从Excel导入", "Import from Excel"),
    ImportHint => ("支持 .xlsx 和 .csv（UTF-8 或 GBK）。表头应包括：户主姓名、保障人数、月保障金额、保障类别，可选：变动情况、身份证号。先预览，确认后才写入。", "Accepts .xlsx and .csv (UTF-8 or GBK). Headers: 户主姓名, 保障人数, 月保障金额, 保障类别; optional 变动情况, 身份证号. You see a preview first; nothing is saved until you confirm."),
    FileLabel => ("文件", "File"),
    Preview => ("预览", "Preview"),
    ImportErrors => ("文件中有以下问题，未导入任何数据。请在Excel中修改后重新上传：", "The file has these problems; nothing was imported. Fix them in Excel and upload again:"),
    ImportReady => ("全部行均有效。请核对后确认导入：", "Every row is valid. Check them and confirm:"),
    ConfirmImport => ("确认导入", "Confirm import"),
    ImportExpired => ("预览已过期或已导入，请重新上传文件。", "This preview has expired or was already imported. Upload the file again."),
    Publish => ("发布", "Publish"),
    PublishHint => ("发布后名单即在村页面公开，公示期开始计算。", "Once published the list is public on the village page and the period starts."),
    Withdraw => ("撤回", "Withdraw"),
    CloseEarly => ("提前结束", "End early"),
    ReasonPublic => ("原因（将公开显示）", "Reason (shown publicly)"),
    ReasonRequired => ("请填写原因（2到200字）。", "Give a reason (2 to 200 characters)."),
    EmptyBatch => ("名单为空，不能发布。", "The list is empty and cannot be published."),
    NotDraft => ("该名单已发布，不能再修改。", "This list is published and can no longer be changed."),
    WrongState => ("该名单当前状态不允许此操作。", "This cannot be done to the list in its current state."),
    PrintNotice => ("打印公示（A4）", "Print notice (A4)"),
    ExportXlsx => ("导出Excel", "Export to Excel"),
    NoticeScan => ("扫码查看本村公示名单、提出异议", "Scan to see this village's lists and object online"),
    NoticeObjection => ("公示期内，对名单有异议的，可向村（居）委会、乡镇人民政府（街道办事处）或县民政局反映，也可拨打监督举报电话。", "During the period, objections may be raised with the village committee, the township government or the county civil affairs bureau, or by calling the hotline."),
    HouseholdNameRule => ("请填写户主姓名（不超过30字）。", "Enter the head of household's name (at most 30 characters)."),
    PersonsRule => ("保障人数应为1到20。", "Persons must be from 1 to 20."),
    AmountRule => ("请填写金额，例如 375 或 375.50（元）。", "Enter an amount such as 375 or 375.50 (yuan)."),
    IdNumberRule => ("身份证号应为18位且校验正确。", "ID numbers have 18 characters with a valid check digit."),
    CategoryRule => ("请选择保障类别。", "Choose a category."),
    ChangeRule => ("请选择变动情况。", "Choose the change."),
    ClassLabel => ("档次", "Class"),
    NoClass => ("（无）", "(none)"),
    MethodNotAllowedTitle => ("不支持的请求方式", "Method not allowed"),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for m in Msg::ALL {
            assert!(!m.text(Lang::Zh).trim().is_empty(), "{m:?} zh empty");
            assert!(!m.text(Lang::En).trim().is_empty(), "{m:?} en empty");
        }
    }

    #[test]
    fn parse_defaults_to_chinese() {
        assert_eq!(Lang::parse("en"), Lang::En);
        assert_eq!(Lang::parse("EN"), Lang::En);
        assert_eq!(Lang::parse("zh"), Lang::Zh);
        assert_eq!(Lang::parse("fr"), Lang::Zh);
        assert_eq!(Lang::parse(""), Lang::Zh);
    }
}
