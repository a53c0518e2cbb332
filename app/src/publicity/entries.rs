//! The entries of a draft list: added from the form or from a spreadsheet (one validation path
//! for both: a form is a one-row sheet), corrected, removed. Imports are staged between preview
//! and confirm, so nothing reaches the list until the whole file was seen and confirmed.

use crate::db::changes::Change;
use crate::db::entries::{add_rows, ListRow};
use crate::db::now_epoch;
use crate::db::publicity::{self as pdb, Batch};
use crate::db::tx::Tx;
use crate::db::uploads;
use crate::domain::{BatchKind, ChangeKind};
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Msg};
use crate::publicity::batches::audit_list;
use crate::sheets::{self as import, Defaults, ImportRow};
use crate::web::session::{new_token, StaffCtx};
use crate::web::state::AppState;

/// The fields of the entry form.
#[derive(serde::Deserialize, Clone, Default)]
#[serde(default)]
pub struct EntryForm {
    pub head_name: String,
    pub id_number: String,
    pub persons: String,
    pub amount: String,
    pub category: String,
    pub class: String,
    pub change: String,
}

/// The defaults for rows without a change column: a standing list renews, others are new.
pub fn defaults_for(kind: BatchKind) -> Defaults {
    Defaults {
        change: if kind == BatchKind::Standing {
            ChangeKind::Renew
        } else {
            ChangeKind::New
        },
    }
}

/// The form as a one-row sheet under the canonical headers.
fn entry_grid(form: &EntryForm) -> Vec<Vec<String>> {
    let category_cell = format!("{}{}", form.category.trim(), form.class.trim());
    let header = [
        "户主姓名",
        "身份证号",
        "保障人数",
        "月保障金额",
        "保障类别",
        "变动情况",
    ];
    vec![
        header.map(str::to_owned).to_vec(),
        vec![
            form.head_name.clone(),
            form.id_number.clone(),
            form.persons.clone(),
            form.amount.clone(),
            category_cell,
            form.change.clone(),
        ],
    ]
}

/// The form's row, checked as an import row would be; the problems in the visitor's language.
pub fn check_form(form: &EntryForm, kind: BatchKind, lang: Lang) -> Result<ImportRow, Vec<String>> {
    let english = lang == Lang::En;
    match import::parse_grid(&entry_grid(form), &defaults_for(kind)) {
        Ok(rows) => rows
            .into_iter()
            .next()
            .ok_or_else(|| vec![lang.t(Msg::BadRequestBody).to_owned()]),
        Err(errors) => Err(errors.iter().map(|e| e.message(english)).collect()),
    }
}

fn list_row(r: &ImportRow) -> ListRow<'_> {
    ListRow {
        head_name: &r.head_name,
        id_number: r.id_number.as_deref(),
        persons: i64::from(r.persons),
        monthly_fen: r.monthly_fen,
        category: r.category,
        aid_class: r.aid_class.map(i64::from),
        change: r.change,
    }
}

/// Appends checked rows to a draft, with the audit row, on the caller's transaction.
async fn append(
    conn: &mut sqlx::AnyConnection,
    staff: &StaffCtx,
    batch: &Batch,
    rows: &[ImportRow],
    action: &str,
    detail: String,
) -> AppResult<()> {
    let now = now_epoch();
    let list: Vec<ListRow<'_>> = rows.iter().map(list_row).collect();
    add_rows(conn, batch.id, batch.village_id, &list, now).await?;
    audit_list(conn, staff, batch, action, detail, now).await
}

/// Adds the form's row to a draft.
pub async fn add(
    state: &AppState,
    staff: &StaffCtx,
    batch: &Batch,
    row: &ImportRow,
) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    tx.changed(Change::list(batch));
    let rows = std::slice::from_ref(row);
    append(
        &mut tx,
        staff,
        batch,
        rows,
        "batch.add_entry",
        String::new(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Corrects an entry of a draft.
pub async fn edit(
    state: &AppState,
    staff: &StaffCtx,
    batch: &Batch,
    entry_id: i64,
    r: &ImportRow,
) -> AppResult<()> {
    let entry = pdb::NewEntry {
        household_id: 0,
        head_name: &r.head_name,
        persons: i64::from(r.persons),
        monthly_fen: r.monthly_fen.fen(),
        category: r.category,
        aid_class: r.aid_class.map(i64::from),
        change: r.change,
    };
    let mut tx = state.db.begin().await?;
    tx.changed(Change::list(batch));
    let found = pdb::update_entry(&mut tx, batch.id, entry_id, &entry).await?;
    log_entry(tx, found, staff, batch, entry_id, "batch.edit_entry").await
}

/// Removes an entry of a draft.
pub async fn delete(
    state: &AppState,
    staff: &StaffCtx,
    batch: &Batch,
    entry_id: i64,
) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    tx.changed(Change::list(batch));
    let found = pdb::delete_entry(&mut tx, batch.id, entry_id).await?;
    log_entry(tx, found, staff, batch, entry_id, "batch.delete_entry").await
}

/// Ends an edit or removal of one entry: 404 (and nothing written) when the draft has no such
/// entry, else its audit entry, then the commit.
async fn log_entry(
    mut tx: Tx,
    found: bool,
    staff: &StaffCtx,
    batch: &Batch,
    entry_id: i64,
    action: &str,
) -> AppResult<()> {
    if !found {
        return Err(AppError::NotFound);
    }
    let detail = format!("entry={entry_id}");
    audit_list(&mut tx, staff, batch, action, detail, now_epoch()).await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps the checked rows of an upload for this officer until they confirm; returns the token
/// the confirm form carries.
pub async fn stage(
    state: &AppState,
    staff: &StaffCtx,
    batch: &Batch,
    file_name: &str,
    rows: &[ImportRow],
) -> AppResult<String> {
    let token = new_token();
    let json = serde_json::to_string(rows).map_err(|e| AppError::internal("stage json", e))?;
    let now = now_epoch();
    uploads::stage_import(
        &state.db,
        batch.id,
        staff.staff.id,
        &token,
        file_name,
        &json,
        now,
    )
    .await?;
    Ok(token)
}

/// Adds the staged rows of `token` to the draft, all or nothing.
pub async fn confirm(
    state: &AppState,
    lang: Lang,
    staff: &StaffCtx,
    batch: &Batch,
    token: &str,
) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    tx.changed(Change::list(batch));
    let Some(staged) = uploads::take_import(&mut tx, batch.id, staff.staff.id, token).await? else {
        return Err(AppError::Conflict(lang.t(Msg::ImportExpired).to_owned()));
    };
    let rows: Vec<ImportRow> = serde_json::from_str(&staged.rows_json)
        .map_err(|e| AppError::internal("staged rows", e))?;
    let detail = format!("file={} rows={}", staged.file_name, rows.len());
    drop(staged);
    append(&mut tx, staff, batch, &rows, "batch.import", detail).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AidCategory;

    fn form(name: &str, persons: &str, amount: &str, category: &str) -> EntryForm {
        EntryForm {
            head_name: name.into(),
            persons: persons.into(),
            amount: amount.into(),
            category: category.into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_form_is_checked_like_a_sheet() {
        let row = check_form(
            &form("张三", "3", "375.5", "兜底保障"),
            BatchKind::Review,
            Lang::Zh,
        )
        .expect("valid");
        assert_eq!(row.category, AidCategory::Basic);
        assert_eq!(row.change, ChangeKind::New);
        assert_eq!(row.monthly_fen.fen(), 37_550);
        let standing = check_form(
            &form("张三", "3", "375", "一般保障"),
            BatchKind::Standing,
            Lang::Zh,
        )
        .expect("valid");
        assert_eq!(standing.change, ChangeKind::Renew);
        let errors = check_form(&form("", "0", "-1", "别的"), BatchKind::Review, Lang::En)
            .expect_err("invalid");
        assert!(errors.len() >= 3, "{errors:?}");
    }
}
