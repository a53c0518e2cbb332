//! Pools and public draws (docs/draws.md): a village's review pool, kept by its township (every
//! change audited); announcing a panel or a spot-check freezes its inputs as the published JSON
//! (masked names only) with their pool hash; at least 24 hours later, staff enter the announced
//! public randomness and the draw is computed — by `domain::draw`, the same code the page's
//! verify island and `sunshine draw verify` run.

use chrono::Datelike;

use crate::db::changes::Change;
use crate::db::draws::{self as ddb, DrawRow, NewDraw};
use crate::db::{audit, cases as cdb, now_epoch, publicity as pdb, regions, today_cst};
use crate::domain::access::Perm;
use crate::domain::case::{group_token, member_token, panels_serving_since, Stage};
use crate::domain::draw::{
    announce, timing, verify, AnnounceError, DrawFile, Entry, Panel, PoolMember, Proposal,
    SpotCheck, Stratum, Subject, Verified, MIN_CADRES,
};
use crate::domain::{BatchKind, BatchState, MaskedName};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::web::session::StaffCtx;
use crate::web::state::AppState;

/// Seconds between an announcement and the earliest moment its randomness may be entered.
pub const NOTICE_SECS: i64 = 24 * 60 * 60;

/// Why an announcement was refused, in the visitor's language (with the protocol's detail).
pub fn refusal_text(lang: Lang, e: &AnnounceError) -> String {
    let msg = match e {
        AnnounceError::PoolTooSmall { .. } => Msg::DrawPoolTooSmall,
        AnnounceError::TooFewCadres { .. } | AnnounceError::BadMinCadres { .. } => {
            Msg::DrawTooFewCadres
        }
        AnnounceError::GroupWithoutMember { .. } => Msg::DrawGroupWithoutMember,
        AnnounceError::BadPanelSize { .. } | AnnounceError::PanelTooSmall { .. } => {
            Msg::DrawPanelTooSmall
        }
        AnnounceError::TooFewEligible { .. } => Msg::DrawTooFewEligible,
        AnnounceError::BadGroups(_) => Msg::DrawNoApplicants,
        AnnounceError::NoEntries => Msg::DrawNoEntries,
        AnnounceError::BadRate { .. } => Msg::DrawBadRate,
        AnnounceError::BadRandomnessSource | AnnounceError::BadRandomnessFormat => {
            Msg::DrawBadSource
        }
        _ => Msg::DrawRefused,
    };
    match lang {
        // The protocol's own words (with the numbers) are English; in Chinese the rule is enough.
        Lang::Zh => lang.t(msg).to_owned(),
        Lang::En => format!("{} ({e})", lang.t(msg)),
    }
}

fn village_name(lang: Lang, r: &regions::Region) -> String {
    r.name(lang).to_owned()
}

/// Adds a member to a village's pool.
pub async fn add_member(
    state: &AppState,
    staff: &StaffCtx,
    village: &regions::Region,
    name: &str,
    stratum: Stratum,
    group: Option<&str>,
) -> AppResult<Result<i64, Msg>> {
    let township = village.parent_id.ok_or(AppError::NotFound)?;
    staff.require(Perm::ProcessCases, Some(township))?;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    // One person, one chance: the same person added twice (a double submit) would be drawn
    // with twice the odds. Refused, nothing written.
    if ddb::holds_member(&mut tx, village.id, name, stratum, group).await? {
        return Ok(Err(Msg::PoolMemberHeld));
    }
    let id = ddb::insert_member(
        &mut tx,
        village.id,
        name,
        stratum,
        group,
        staff.staff.id,
        now,
    )
    .await?;
    let detail = format!(
        "village={} member={id} stratum={}",
        village.code,
        stratum.as_str()
    );
    let entry = staff.audit(
        "pool.add",
        "village",
        Some(village.code.clone()),
        Some(township),
        detail,
    );
    audit::record(&mut tx, &entry, now).await?;
    tx.changed(Change::Draws);
    tx.commit().await?;
    Ok(Ok(id))
}

/// Takes a member out of the pool (future draws; announced snapshots never change).
pub async fn remove_member(
    state: &AppState,
    staff: &StaffCtx,
    village: &regions::Region,
    id: i64,
) -> AppResult<()> {
    let township = village.parent_id.ok_or(AppError::NotFound)?;
    staff.require(Perm::ProcessCases, Some(township))?;
    let now = now_epoch();
    let mut tx = state.db.begin().await?;
    if !ddb::set_member_active(&mut tx, village.id, id, false).await? {
        return Err(AppError::NotFound);
    }
    let entry = staff.audit(
        "pool.remove",
        "village",
        Some(village.code.clone()),
        Some(township),
        format!("member={id}"),
    );
    audit::record(&mut tx, &entry, now).await?;
    tx.changed(Change::Draws);
    tx.commit().await?;
    Ok(())
}

/// What an announcement names as its randomness.
pub struct Source<'a> {
    pub text: &'a str,
    pub format: &'a str,
}

/// Why a panel is announced again, as published beside both draws: 4–200 characters of text
/// on one line; `None` when there is no such reason.
pub fn replace_reason(s: &str) -> Option<&str> {
    let t = s.trim();
    ((4..=200).contains(&t.chars().count()) && !t.chars().any(char::is_control)).then_some(t)
}

/// Where a draw belongs: (township, village, 审核 list).
type Place = (i64, Option<i64>, Option<i64>);

async fn store(
    state: &AppState,
    staff: &StaffCtx,
    proposal: Proposal,
    kind: &str,
    (township, village, batch): Place,
    replaces: Option<(i64, &str)>,
) -> AppResult<Result<i64, String>> {
    let purpose = proposal.purpose.clone();
    let source = proposal.randomness_source.clone();
    let announcement = match announce(proposal) {
        Ok(a) => a,
        Err(e) => return Ok(Err(refusal_text(staff.lang, &e))),
    };
    // The randomness must not be known yet: its source names its day, today or later.
    if let Err(e) = timing::check_announced(&source, today_cst()) {
        return Ok(Err(timing_text(staff.lang, e)));
    }
    let json = DrawFile::from(&announcement).to_json();
    let hash = announcement.pool_hash().to_hex();
    let now = now_epoch();
    let new = NewDraw {
        draw_key: announcement.draw_id(),
        kind,
        township_id: township,
        village_id: village,
        batch_id: batch,
        purpose: &purpose,
        announcement: &json,
        pool_hash: &hash,
        announced_by: staff.staff.id,
        draw_not_before: now + NOTICE_SECS,
        replaces,
    };
    let mut tx = state.db.begin().await?;
    if let Some((old, _)) = replaces {
        // The replaced draw's row held: a draw of it sent at the same time waits, or has
        // finished — a drawn spot-check stands, and a draw is replaced once.
        let (drawn, replaced_by) = ddb::lock_state(&mut tx, old).await?;
        if drawn && kind == "spot_check" {
            return Ok(Err(staff.lang.t(Msg::SpotDrawnStands).to_owned()));
        }
        if replaced_by.is_some() {
            return Ok(Err(staff.lang.t(Msg::DrawExists).to_owned()));
        }
    }
    let Some(id) = ddb::insert(&mut tx, &new, now).await? else {
        return Ok(Err(staff.lang.t(Msg::DrawExists).to_owned()));
    };
    let entry = staff.audit(
        "draw.announce",
        "draw",
        Some(id.to_string()),
        Some(township),
        match replaces {
            Some((old, _)) => format!("{} pool_hash={hash} replaces={old}", announcement.draw_id()),
            None => format!("{} pool_hash={hash}", announcement.draw_id()),
        },
    );
    audit::record(&mut tx, &entry, now).await?;
    tx.changed(Change::Draws);
    tx.commit().await?;
    Ok(Ok(id))
}

/// A panel's draw id: the village and the minute of the announcement (China time), so that a
/// second panel in one month gets its own id and a double click is refused as a duplicate.
pub fn panel_key(village_code: &str, at: i64) -> String {
    let t =
        chrono::DateTime::from_timestamp(at, 0).unwrap_or_default() + chrono::Duration::hours(8);
    format!("panel-{village_code}-{}", t.format("%Y%m%d-%H%M"))
}

/// "光明村 2026-11 民主评议小组".
pub fn panel_purpose(village: &regions::Region, day: chrono::NaiveDate) -> String {
    format!(
        "{} {}-{:02} {}",
        village_name(Lang::Zh, village),
        day.year(),
        day.month(),
        Msg::PanelPurpose.text(Lang::Zh)
    )
}

/// Announces this month's review panel of a village: its active pool (masked names), the village
/// groups of the applications waiting for review, at least 2 cadres, `size` seats; `recused`
/// pool members are near relatives of an applicant (回避) and are never drawn. While a panel of
/// the village stands (not drawn yet, or drawn and still serving reviews: `ddb::standing_panel`),
/// the new one replaces it and must say why (`reason`, published beside both): trying again is
/// never silent.
pub async fn announce_panel(
    state: &AppState,
    staff: &StaffCtx,
    village: &regions::Region,
    size: u32,
    recused: &[i64],
    source: Source<'_>,
    reason: &str,
) -> AppResult<Result<i64, String>> {
    let township = village.parent_id.ok_or(AppError::NotFound)?;
    staff.require(Perm::ProcessCases, Some(township))?;
    let standing = {
        let mut conn = state.db.pool.acquire().await?;
        let since = panels_serving_since(now_epoch());
        ddb::standing_panel(&mut conn, village.id, since).await?
    };
    let replaces = match &standing {
        None => None,
        Some(d) => match replace_reason(reason) {
            Some(why) => Some((d.id, why)),
            None => {
                let text = staff
                    .lang
                    .t(Msg::PanelReplaceReason)
                    .replace("{date}", &crate::db::day_cst(d.announced_at).to_string())
                    .replace("{id}", &d.id.to_string());
                return Ok(Err(text));
            }
        },
    };
    let policy = state.site.settings.mask_policy;
    let pool: Vec<PoolMember> = ddb::pool(&state.db, village.id)
        .await?
        .into_iter()
        .filter(|m| m.active)
        .map(|m| PoolMember {
            id: member_token(m.id),
            name: MaskedName::new(&m.name, policy).as_str().to_owned(),
            stratum: m.stratum,
            group: m.group_name.as_deref().map(group_token),
            near_relative: recused.contains(&m.id),
        })
        .collect();
    let filter = cdb::CaseFilter {
        village_id: Some(village.id),
        stage: Some(Stage::Surveyed),
        ..Default::default()
    };
    let mut groups: Vec<String> = cdb::list(&state.db, &filter, 10_000)
        .await?
        .iter()
        .map(|c| group_token(&c.group_name))
        .collect();
    groups.sort();
    groups.dedup();
    let proposal = Proposal {
        draw_id: panel_key(&village.code, now_epoch()),
        purpose: panel_purpose(village, today_cst()),
        randomness_source: source.text.trim().to_owned(),
        randomness_format: source.format.trim().to_owned(),
        subject: Subject::Panel(Panel {
            panel_size: size,
            min_cadres: MIN_CADRES,
            groups,
            pool,
        }),
    };
    store(
        state,
        staff,
        proposal,
        "panel",
        (township, Some(village.id), None),
        replaces,
    )
    .await
}

/// "光明村 审核公示 #12 县级抽查".
pub fn spot_purpose(village: &regions::Region, batch_id: i64) -> String {
    format!(
        "{} {} #{batch_id} {}",
        village_name(Lang::Zh, village),
        Msg::KindReview.text(Lang::Zh),
        Msg::SpotCheckPurpose.text(Lang::Zh)
    )
}

/// Announces the county's spot-check of a published 审核 list: every entry made from a case,
/// near-relative cases flagged (always checked), at `rate` percent (never below 30). One that
/// is announced but not drawn yet (its source was wrong, say) is replaced by a new announcement
/// with a `reason`, published beside both; a drawn one stands.
pub async fn announce_spot_check(
    state: &AppState,
    staff: &StaffCtx,
    batch_id: i64,
    rate: u32,
    source: Source<'_>,
    reason: &str,
) -> AppResult<Result<i64, String>> {
    let batch = pdb::batch(&state.db, batch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    staff.require(Perm::ApproveCases, Some(batch.township_id))?;
    // Only a list that is out (published, or its 7 days over): not a draft, nor one withdrawn.
    if batch.kind != BatchKind::Review
        || matches!(batch.state, BatchState::Draft | BatchState::Withdrawn)
    {
        return Err(AppError::NotFound);
    }
    let entries: Vec<Entry> = {
        let mut conn = state.db.pool.acquire().await?;
        ddb::spot_check_entries(&mut conn, batch_id)
            .await?
            .into_iter()
            .map(|e| e.entry)
            .collect()
    };
    let village = regions::by_id(&state.db, batch.village_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = staff.lang;
    let (draw_id, replaces) = match ddb::spot_check_of(&state.db, batch_id).await? {
        None => (format!("spot-{batch_id}"), None),
        Some(d) if d.result.is_some() => return Ok(Err(lang.t(Msg::SpotDrawnStands).to_owned())),
        Some(d) => match replace_reason(reason) {
            Some(why) => (format!("spot-{batch_id}-{}", d.id), Some((d.id, why))),
            None => {
                let text = lang
                    .t(Msg::SpotReplaceReason)
                    .replace("{id}", &d.id.to_string());
                return Ok(Err(text));
            }
        },
    };
    let proposal = Proposal {
        draw_id,
        purpose: spot_purpose(&village, batch_id),
        randomness_source: source.text.trim().to_owned(),
        randomness_format: source.format.trim().to_owned(),
        subject: Subject::SpotCheck(SpotCheck {
            rate_percent: rate,
            entries,
        }),
    };
    store(
        state,
        staff,
        proposal,
        "spot_check",
        (batch.township_id, Some(batch.village_id), Some(batch_id)),
        replaces,
    )
    .await
}

/// Enters the announced randomness and stores the result. `Ok(Err(msg))`: too early, drawn
/// already, or a value of the wrong shape.
pub async fn draw(
    state: &AppState,
    staff: &StaffCtx,
    row: &DrawRow,
    randomness: &str,
) -> AppResult<Result<(), String>> {
    let perm = if row.kind == "panel" {
        Perm::ProcessCases
    } else {
        Perm::ApproveCases
    };
    staff.require(perm, Some(row.township_id))?;
    let lang = staff.lang;
    if row.result.is_some() {
        return Ok(Err(lang.t(Msg::DrawDone).to_owned()));
    }
    if let Some(new) = row.replaced_by {
        return Ok(Err(lang
            .t(Msg::DrawReplaced)
            .replace("{id}", &new.to_string())));
    }
    let now = now_epoch();
    if now < row.draw_not_before {
        return Ok(Err(lang.t(Msg::DrawTooEarly).to_owned()));
    }
    // The stored announcement is re-checked first: the snapshot is the one published.
    let file: DrawFile = serde_json::from_str(&row.announcement)
        .map_err(|e| AppError::internal("stored draw", e))?;
    if let Err(e) = timing::check_value_due(&file.randomness_source, today_cst()) {
        return Ok(Err(timing_text(lang, e)));
    }
    let announcement = match verify(&file) {
        Ok(Verified::Announced(a)) => a,
        Ok(Verified::Drawn(_)) | Err(_) => {
            return Err(AppError::internal("stored draw", "not an announcement"))
        }
    };
    let drawn = match announcement.draw(randomness.trim()) {
        Ok(d) => d,
        Err(e) => {
            let msg = lang.t(Msg::DrawBadRandomness);
            return Ok(Err(if lang == Lang::En {
                format!("{msg} ({e})")
            } else {
                msg.to_owned()
            }));
        }
    };
    let json = DrawFile::from(&drawn).to_json();
    let mut tx = state.db.begin().await?;
    // The row held, then read again: a replacement committed since the page was read wins.
    if let (_, Some(new)) = ddb::lock_state(&mut tx, row.id).await? {
        return Ok(Err(lang
            .t(Msg::DrawReplaced)
            .replace("{id}", &new.to_string())));
    }
    if !ddb::set_result(&mut tx, row.id, &json, staff.staff.id, now).await? {
        return Ok(Err(lang.t(Msg::DrawDone).to_owned()));
    }
    let detail = format!("{} seed={}", row.draw_key, drawn.seed().to_hex());
    let entry = staff.audit(
        "draw.draw",
        "draw",
        Some(row.id.to_string()),
        Some(row.township_id),
        detail,
    );
    audit::record(&mut tx, &entry, now).await?;
    tx.changed(Change::Draws);
    tx.commit().await?;
    Ok(Ok(()))
}

/// Why a source's timing is refused, in the viewer's language.
fn timing_text(lang: Lang, e: timing::TimingError) -> String {
    match e {
        timing::TimingError::NoDay => lang.t(Msg::DrawSourceNoDay).to_owned(),
        timing::TimingError::DayPassed => lang.t(Msg::DrawSourceDayPassed).to_owned(),
        timing::TimingError::NotYet(day) => lang
            .t(Msg::DrawValueNotYet)
            .replace("{date}", &day.to_string()),
    }
}

/// The published JSON of a draw: its result once drawn, else its announcement.
pub fn published_json(row: &DrawRow) -> &str {
    row.result.as_deref().unwrap_or(&row.announcement)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_says_why_on_one_line() {
        assert_eq!(
            replace_reason("  评议库名单有误，更正后重抽 "),
            Some("评议库名单有误，更正后重抽")
        );
        assert_eq!(replace_reason("重抽原因"), Some("重抽原因"));
        for bad in ["", "   ", "重抽", "原因\n有误", &"长".repeat(201)] {
            assert_eq!(replace_reason(bad), None, "{bad}");
        }
    }

    #[test]
    fn panel_keys_follow_china_time() {
        // 2026-11-29 16:05 UTC is 2026-11-30 00:05 in China.
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
            .and_then(|d| d.and_hms_opt(16, 5, 0))
            .map(|t| t.and_utc().timestamp())
            .unwrap_or_default();
        assert_eq!(
            panel_key("530621103203", at),
            "panel-530621103203-20261130-0005"
        );
    }

    #[test]
    fn tokens_and_refusals() {
        assert_eq!(member_token(42), "m42");
        let text = refusal_text(Lang::Zh, &AnnounceError::PoolTooSmall { members: 12 });
        assert!(
            text.contains("评议库") && !text.contains("members"),
            "{text}"
        );
        let text = refusal_text(Lang::En, &AnnounceError::PoolTooSmall { members: 12 });
        assert!(text.contains("pool") && text.contains("12"), "{text}");
        let text = refusal_text(Lang::En, &AnnounceError::NoEntries);
        assert!(text.contains("no entries"), "{text}");
    }
}
