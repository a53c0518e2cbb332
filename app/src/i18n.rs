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
    MaskedNameCol => ("户主", "Head"),
    NamesMaskedNote => ("为保护隐私，姓名已部分隐去；金额单位为元/月。", "Names are partly hidden to protect privacy; amounts are yuan per month."),
    PersonsCol => ("人数", "Persons"),
    AmountCol => ("月保障金（元）", "Monthly (yuan)"),
    AmountShortCol => ("金额", "Yuan"),
    CategoryCol => ("保障类别", "Category"),
    CategoryShortCol => ("类别", "Type"),
    BackToBatch => ("返回名单", "Back to the list"),
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
    Report => ("举报投诉", "Report"),
    ReportTitle => ("反映低保问题", "Report a problem with the allowance"),
    ReportIntro => ("发现不该享受低保的人享受了（错保）、该享受的没有享受（漏保）、优亲厚友或工作人员违规，都可以在这里反映。可以实名，也可以匿名。", "If someone receives the allowance who should not, a household that should is left out, officials favour relatives, or staff break the rules, tell us here. With your name or anonymously."),
    WhatHappensNext => ("提交后您会得到一个16位回执码。工作人员会在15日内决定是否受理，受理后60日内答复。用回执码可以随时查询进度、补充材料。", "You will get a 16-digit receipt code. Staff decide within 15 days whether to take the case, and answer within 60 days after that. Use the code to follow the case and add information."),
    ProtectionNote => ("我们依法保护举报人：您的姓名和联系方式只有经办人员在登记理由后才能查看，绝不会公开，也不会告诉被举报人。", "Reporters are protected by law: only the assigned staff can see your name and contact, after recording why, and they are never published or told to the people you report."),
    CategoryLabel => ("问题类型", "What kind of problem"),
    CatWrongful => ("错保：不符合条件却享受低保", "Wrongful inclusion: receives it but should not"),
    CatMissed => ("漏保：符合条件却没有享受", "Missed: qualifies but does not receive it"),
    CatFavouritism => ("关系保、人情保、优亲厚友", "Favouritism: relatives or connections"),
    CatProcedure => ("程序违规（如未公示、未入户调查）", "Procedure broken (no publicity, no home visit…)"),
    CatConduct => ("工作作风问题", "Staff conduct"),
    CatOther => ("其他", "Other"),
    WhereLabel => ("涉及的村（社区）", "Which village"),
    ChoosePlace => ("请选择", "Choose"),
    TownshipLevel => ("（乡镇层面／不确定哪个村）", "(township level / not sure which village)"),
    EntryConcerned => ("您要反映的公示名单条目", "The list entry you are objecting to"),
    BodyLabel => ("请写下具体情况", "What happened"),
    BodyHint => ("写清楚是谁、什么事、什么时候、您是怎么知道的。10到5000字。", "Say who, what, when, and how you know. 10 to 5000 characters."),
    AccusedLabel => ("被反映的工作人员（选填）", "Staff member concerned (optional)"),
    AnonymousLabel => ("匿名举报（不留姓名和联系方式）", "Report anonymously (no name or contact)"),
    NameLabel => ("您的姓名（选填）", "Your name (optional)"),
    ContactLabel => ("电话或电子邮箱（选填）", "Phone or e-mail (optional)"),
    ContactHint => ("留下电子邮箱的，案件有进展时会发邮件通知您（邮件中不含回执码）。", "If you give an e-mail address we write when the case moves on (the receipt code is never in the mail)."),
    Submit => ("提交", "Send"),
    CategoryRequired => ("请选择问题类型。", "Choose the kind of problem."),
    PlaceRequired => ("请选择涉及的村（社区）或乡镇。", "Choose the village or township."),
    BodyTooShort => ("请至少写10个字，说清楚情况。", "Please write at least 10 characters."),
    BodyTooLong => ("内容不能超过5000字。", "At most 5000 characters."),
    NameTooLong => ("姓名不能超过40字。", "At most 40 characters for the name."),
    ContactInvalid => ("请填写正确的电话号码或电子邮箱。", "Enter a valid phone number or e-mail address."),
    AccusedTooLong => ("不能超过200字。", "At most 200 characters."),
    FormExpired => ("表单已过期，请重新填写提交。", "This form has expired. Please fill it in again."),
    ReceiptTitle => ("举报已提交", "Your report was received"),
    ReceiptCodeLabel => ("您的回执码", "Your receipt code"),
    ReceiptAdvice => ("请立即抄写或拍照保存这个回执码。它只显示这一次，我们无法找回。凭它可以查询进度、补充材料。不要把它告诉别人。", "Write this code down or take a photo of it now. It is shown only once and cannot be recovered. You need it to follow the case and add information. Keep it to yourself."),
    AcceptBy => ("受理期限", "Decision on taking the case by"),
    AnswerBy => ("答复期限", "Answer due by"),
    ReceiptGone => ("回执码只显示一次，已经显示过了。如果没有记下，请重新提交举报。", "The receipt code is shown only once and was already shown. If you did not keep it, please report again."),
    TrackTitle => ("查询举报进度", "Follow a report"),
    TrackIntro => ("输入提交时得到的16位回执码。", "Enter the 16-digit receipt code you were given."),
    ReceiptLabel => ("回执码", "Receipt code"),
    Lookup => ("查询", "Look up"),
    TrackNotFound => ("没有找到对应的举报。请核对回执码后重试。", "No report matches. Check the code and try again."),
    CaseStatus => ("当前状态", "Status"),
    Timeline => ("办理过程", "Timeline"),
    AddInfo => ("补充材料", "Add information"),
    AddInfoHint => ("补充新的情况或线索，工作人员会看到。", "Add new facts or leads; staff will see them."),
    InfoAdded => ("已补充，谢谢。", "Added. Thank you."),
    RequestReview => ("申请复查", "Ask for a review"),
    RequestReviewHint => ("对答复不满意的，可在答复后30日内申请复查，请写明理由。", "If you disagree with the answer you may ask for a review within 30 days, saying why."),
    ReviewRequested => ("已申请复查。", "Review requested."),
    ReviewWindowOver => ("答复已超过30日，不能再申请复查。", "More than 30 days have passed since the answer; a review can no longer be requested."),
    EndTracking => ("退出查询", "Done"),
    StSubmitted => ("已提交，等待受理", "Received, awaiting decision"),
    StAccepted => ("已受理", "Accepted"),
    StDeclined => ("不予受理", "Not accepted"),
    StVerifying => ("核实中", "Being verified"),
    StReplyPending => ("答复审核中", "Answer being approved"),
    StAnswered => ("已答复", "Answered"),
    StClosed => ("已办结", "Closed"),
    StReopened => ("复查中", "Under review"),
    EvSubmitted => ("举报已提交", "Report received"),
    EvInfoAdded => ("举报人补充了材料", "Reporter added information"),
    EvReviewRequested => ("举报人申请复查", "Reporter asked for a review"),
    EvAccepted => ("已受理", "Accepted"),
    EvDeclined => ("不予受理", "Not accepted"),
    EvAssigned => ("已指定专人核实", "A named officer is verifying"),
    EvAnswered => ("答复", "Answer"),
    EvExtended => ("延长办理期限", "Deadline extended"),
    EvClosed => ("已办结", "Closed"),
    EvReopened => ("已启动复查", "Review started"),
    EvEscalated => ("已移交县级办理", "Passed to the county"),
    EvOther => ("进展", "Update"),
    MailAckSubject => ("【阳光低保】您的举报已收到", "[Sunshine] Your report was received"),
    MailAckBody => ("您好：\n\n您通过阳光低保平台提交的举报已收到。我们将在 {date} 前决定是否受理，并在受理后60日内答复。\n\n请使用提交时显示的回执码查询进度（本邮件不包含回执码）。\n\n如非本人操作，请忽略本邮件。", "Hello,\n\nYour report on the Sunshine allowance portal was received. We will decide by {date} whether to take the case, and answer within 60 days after that.\n\nUse the receipt code you were shown to follow the case (this mail does not contain it).\n\nIf you did not send this report, please ignore this mail."),
    MailUpdateSubject => ("【阳光低保】您的举报有新进展", "[Sunshine] Your report has an update"),
    MailUpdateBody => ("您好：\n\n您的举报有新进展：{what}。\n\n请使用回执码登录查询详情（本邮件不包含回执码）。", "Hello,\n\nYour report has an update: {what}.\n\nUse your receipt code to see the details (this mail does not contain it)."),
    Complaints => ("举报办理", "Complaints"),
    Queue => ("待办举报", "Complaint queue"),
    Filter => ("筛选", "Filter"),
    All => ("全部", "All"),
    ChannelLabel => ("来源渠道", "Channel"),
    ChWeb => ("网上举报", "Web"),
    ChHotline => ("举报电话", "Hotline"),
    ChReportBox => ("举报箱", "Report box"),
    ChLetter => ("来信", "Letter"),
    ChEmail => ("电子邮件", "E-mail"),
    ChWechat => ("微信平台", "WeChat"),
    ChInPerson => ("来访", "In person"),
    AssigneeLabel => ("经办人", "Handler"),
    Unassigned => ("未指定", "Unassigned"),
    DeadlineLabel => ("期限", "Deadline"),
    Overdue => ("已超期", "Overdue"),
    DueSoon => ("即将到期", "Due soon"),
    DaysLeftShort => ("剩余", "left"),
    ReceivedOn => ("收到日期", "Received"),
    LogOffline => ("登记线下举报", "Log an offline report"),
    LogOfflineHint => ("电话、举报箱、来信、邮件、微信或来访收到的举报，在这里登记，系统会生成回执码，请告知举报人。", "Reports by phone, report box, letter, e-mail, WeChat or in person are logged here; the system makes a receipt code for you to give the reporter."),
    ReceiptForReporter => ("请把回执码告诉举报人（念给对方或写下来）：", "Give this receipt code to the reporter (read it out or write it down):"),
    CaseNo => ("编号", "No."),
    ReportBody => ("举报内容", "Report"),
    Accused => ("被反映人员", "Named in the report"),
    NamedStaff => ("被反映的工作人员（回避）", "Staff named in the report (recused)"),
    MarkNamed => ("标记为被反映人员", "Mark as named"),
    ReporterIdentity => ("举报人信息", "Reporter"),
    ReporterHidden => ("举报人信息默认隐藏。查看须登记理由，并记入操作记录。", "Hidden by default. To see it, give a reason; it is recorded in the audit trail."),
    ReporterAnonymous => ("匿名举报，未留姓名和联系方式。", "Anonymous: no name or contact was given."),
    Reveal => ("查看举报人信息", "Show reporter"),
    RevealReason => ("查看理由", "Reason"),
    RevealNotAllowed => ("只有本案经办人和审核负责人可以查看举报人信息。", "Only the case handler and supervisors may see the reporter."),
    Accept => ("受理", "Accept"),
    Decline => ("不予受理", "Decline"),
    DeclineReason => ("不予受理的理由（举报人可见）", "Reason (the reporter sees it)"),
    Assign => ("指定经办人", "Assign handler"),
    ConflictOfInterest => ("该工作人员被本案反映，须回避，不能经办。", "This staff member is named in the report and must recuse."),
    InternalNote => ("内部记录（排查情况）", "Internal note (verification work)"),
    AddNote => ("添加记录", "Add note"),
    Findings => ("核实结论", "Findings"),
    FindingLabel => ("结论", "Finding"),
    FSubstantiated => ("属实", "Substantiated"),
    FPartly => ("部分属实", "Partly substantiated"),
    FUnsubstantiated => ("不属实", "Unsubstantiated"),
    ActionTaken => ("处理措施（如：停发、调整金额、移交纪委）", "Action taken (e.g. stopped, amount corrected, referred to discipline inspection)"),
    RecordFindings => ("记录结论", "Record findings"),
    DraftReply => ("答复草稿（举报人可见）", "Draft reply (the reporter sees it)"),
    SubmitForApproval => ("提交审核", "Submit for approval"),
    NeedFindings => ("请先记录核实结论，再提交答复。", "Record the findings before the reply."),
    Approve => ("批准答复", "Approve reply"),
    ReturnReply => ("退回修改", "Send back"),
    ReturnReason => ("退回理由（内部）", "Why (internal)"),
    CloseCase => ("办结", "Close"),
    Extend => ("延长30日", "Extend by 30 days"),
    ExtendReason => ("延期理由（举报人可见）", "Reason (the reporter sees it)"),
    AlreadyExtended => ("办理期限只能延长一次。", "The deadline can be extended only once."),
    Escalate => ("移交县级办理", "Escalate to the county"),
    EscalateHint => ("反映乡镇干部优亲厚友等问题的，可移交县级办理，乡镇工作人员将不再能查看。", "Cases about favouritism by township cadres can go to the county; township staff then no longer see them."),
    TextRequired => ("请填写内容（2到5000字）。", "Write something (2 to 5000 characters)."),
    Holidays => ("节假日设置", "Holidays"),
    HolidaysHint => ("按工作日计算期限时使用。法定节假日和调休上班日按国务院办公厅每年的通知填写。", "Used when deadlines count working days. Enter public holidays and make-up workdays from the State Council's yearly notice."),
    DayLabel => ("日期", "Date"),
    HolidayKind => ("放假", "Holiday"),
    WorkdayKind => ("调休上班", "Make-up workday"),
    Remove => ("删除", "Remove"),
    AddDay => ("添加", "Add"),
    EvNote => ("内部记录", "Internal note"),
    EvFindings => ("核实结论", "Findings"),
    EvReplySubmitted => ("答复已提交审核", "Reply submitted for approval"),
    EvReplyReturned => ("答复被退回", "Reply sent back"),
    EvRevealed => ("查看了举报人信息", "Viewed the reporter"),
    EvNamed => ("标记被反映人员", "Staff marked as named"),
    InternalMark => ("（内部）", "(internal)"),
    MailAssignedSubject => ("【阳光低保】您被指定为举报经办人", "[Sunshine] You were assigned a case"),
    MailAssignedBody => ("您被指定为举报案件 #{id} 的经办人，请登录阳光低保工作台办理。", "You were assigned case #{id}. Please sign in to the Sunshine staff pages."),
    MailApprovalSubject => ("【阳光低保】有答复等待审核", "[Sunshine] A reply awaits approval"),
    MailApprovalBody => ("举报案件 #{id} 的答复已提交，等待您审核。", "The reply to case #{id} awaits your approval."),
    MailDigestSubject => ("【阳光低保】即将到期和已超期的举报", "[Sunshine] Cases due soon and overdue"),
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
