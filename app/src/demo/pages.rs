//! The demo's policy pages, answers and notices.

/// Policy pages in plain language, one answer to a public concern and one case notice.
pub(super) async fn load_pages(
    tx: &mut sqlx::AnyConnection,
    now: i64,
) -> crate::error::AppResult<()> {
    use crate::db::content::{self, Kind};
    #[allow(clippy::type_complexity)]
    let pages: &[(Kind, &str, &str, &str)] = &[
        (Kind::Policy, "who-qualifies", "谁可以享受低保", "## 基本条件\n\n- 持有本县农村户籍；\n- 家庭**月人均收入低于本县农村低保标准**（2026年约为每人每月375元）；\n- 家庭财产状况符合规定（如无商品房、无非营运机动车等）。\n\n## 重点保障\n\n一级、二级重度残疾人，三级、四级智力和精神残疾人，以及享受重特大疾病医疗救助的困难群众，符合条件的应当纳入，**应保尽保，严防漏保**。"),
        (Kind::Policy, "how-to-apply", "怎样申请低保", "1. 向户籍所在地乡镇人民政府（街道办事处）提出书面申请，也可以委托村（居）委会代为提出。\n2. 如实填写家庭收入、财产情况，授权核对家庭经济状况。\n3. 乡镇组织**入户调查**，每户至少两名工作人员，调查结果由调查人员签字。\n\n申请不收取任何费用。"),
        (Kind::Policy, "process", "办理流程和公示", "## 流程\n\n入户调查 → 村级民主评议 → 乡镇审核 → **审核公示7天** → 县民政局审批 → **审批公示7天** → 发放，长期公示。\n\n## 公示\n\n公示在申请人所在村（居）进行，也在本网站公开。公示内容包括户主姓名（网上部分隐去）、保障人数和保障金额，**不公开身份证号、电话、住址等个人信息**。"),
        (Kind::Policy, "rights", "您的权利", "- 不符合条件的，会收到**书面通知并说明理由**；\n- 对决定不服的，可以申请复查，也可以依法申请行政复议或提起行政诉讼；\n- 享受低保的家庭收入、人口变化时应当及时告知，也可以主动申请退出。"),
        (Kind::Policy, "how-to-report", "怎样举报", "发现错保、漏保、优亲厚友、违规办理的，可以：\n\n- 在本网站[在线举报](/report)，可以匿名；\n- 拨打监督举报电话；\n- 投递乡镇和村的举报箱，或来信来访。\n\n举报后会得到回执码，凭回执码[查询进度](/track)。**我们依法保护举报人。**"),
        (Kind::Answer, "car-owners", "家里有车还能享受低保吗？", "不能一概而论。家庭拥有**非营运机动车**的，一般不符合低保条件；用于残疾人功能性补偿的代步车、用于生产经营的农用车等，按规定可以不计入。\n\n近期群众反映的有车家庭享受低保问题，县民政局已逐户核查，对不符合条件的已停发并追回资金。"),
        (Kind::Notice, "2026-case-1", "关于某村干部优亲厚友问题的通报", "经查，某村委会成员利用职务便利，将不符合条件的亲属纳入低保。县纪委监委已给予其党内警告处分，违规领取的资金已全部追回，相关家庭已停发。\n\n各乡镇要引以为戒，严格执行近亲属备案和100%入户核查制度。"),
    ];
    for (i, (kind, slug, title, body)) in pages.iter().enumerate() {
        let id = content::insert(tx, None, *kind, slug, title, body, None, now).await?;
        content::set_published(tx, id, true, now - (i as i64) * 86_400).await?;
    }
    Ok(())
}
