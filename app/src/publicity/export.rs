//! A list as an Excel file, for staff who keep their records in Excel (full names: staff only,
//! and every export is audited by the caller).

use crate::db::publicity::StaffEntry;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::labels::publicity as labels;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const HEADERS: [&str; 7] = [
    "序号",
    "户主姓名",
    "保障人数",
    "月保障金额（元）",
    "保障类别",
    "变动情况",
    "公示编号",
];

fn workbook(entries: &[StaffEntry]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for (i, e) in entries.iter().enumerate() {
        let r = (i + 1) as u32;
        ws.write_number(r, 0, e.seq as f64)?;
        ws.write_string(r, 1, &e.head_name)?;
        ws.write_number(r, 2, e.persons as f64)?;
        ws.write_number(r, 3, e.monthly_fen as f64 / 100.0)?;
        ws.write_string(
            r,
            4,
            labels::category_i64(Lang::Zh, e.category, e.aid_class),
        )?;
        ws.write_string(r, 5, Lang::Zh.t(labels::change(e.change)))?;
        ws.write_string(r, 6, &e.public_ref)?;
    }
    wb.save_to_buffer()
}

/// The entries as an `.xlsx` file (built on a blocking thread).
pub async fn xlsx(entries: Vec<StaffEntry>) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || workbook(&entries))
        .await
        .map_err(|e| AppError::internal("export task", e))?
        .map_err(|e| AppError::internal("export xlsx", e))
}
