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

/// The import template's columns, in the importer's own header words.
pub const TEMPLATE_HEADERS: [&str; 6] = [
    "户主姓名",
    "保障人数",
    "月保障金额（元）",
    "保障类别",
    "变动情况",
    "身份证号",
];
/// The values 保障类别 and 变动情况 accept (the template's drop-downs; listed on the page too).
pub const CATEGORY_VALUES: [&str; 2] = ["兜底保障", "一般保障"];
pub const CHANGE_VALUES: [&str; 5] = ["新增", "续保", "增发", "减发", "停发"];
/// Rows of the template that carry the drop-downs and formats.
const TEMPLATE_ROWS: u32 = 2000;

/// An empty import template: headers as the importer reads them, drop-downs for the closed
/// columns, whole numbers 1–20 for 保障人数, the ID column as text (so Excel keeps all 18
/// digits and a trailing X), and a second sheet that explains each column.
fn template_book() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DataValidation, DataValidationRule, Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.set_name("名单")?;
    for (c, h) in TEMPLATE_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, if c == 5 { 22 } else { 14 })?;
    }
    ws.set_column_format(5, &text)?;
    ws.set_freeze_panes(1, 0)?;
    let persons = DataValidation::new()
        .allow_whole_number(DataValidationRule::Between(1, 20))
        .set_error_message("保障人数应为 1 到 20 的整数。")?;
    ws.add_data_validation(1, 1, TEMPLATE_ROWS, 1, &persons)?;
    let category = DataValidation::new()
        .allow_list_strings(&CATEGORY_VALUES)?
        .set_error_message("保障类别请从下拉列表中选择。")?;
    ws.add_data_validation(1, 3, TEMPLATE_ROWS, 3, &category)?;
    let change = DataValidation::new()
        .allow_list_strings(&CHANGE_VALUES)?
        .set_error_message("变动情况请从下拉列表中选择。")?;
    ws.add_data_validation(1, 4, TEMPLATE_ROWS, 4, &change)?;
    let help = wb.add_worksheet();
    help.set_name("填写说明")?;
    help.set_column_width(0, 18)?;
    help.set_column_width(1, 70)?;
    let notes: [(&str, String); 6] = [
        ("户主姓名", "必填。导入后网上只显示姓氏加*。".to_owned()),
        ("保障人数", "必填。1 到 20 的整数。".to_owned()),
        (
            "月保障金额（元）",
            "必填。每月金额，如 600 或 600.50。".to_owned(),
        ),
        (
            "保障类别",
            format!("必填。可填：{}。", CATEGORY_VALUES.join("、")),
        ),
        (
            "变动情况",
            format!("选填，不填视为新增。可填：{}。", CHANGE_VALUES.join("、")),
        ),
        (
            "身份证号",
            "选填。18 位，只用于工作人员核对，不在网上公开。".to_owned(),
        ),
    ];
    help.write_string_with_format(0, 0, "列", &bold)?;
    help.write_string_with_format(0, 1, "怎么填", &bold)?;
    for (i, (col, note)) in notes.iter().enumerate() {
        help.write_string(i as u32 + 1, 0, *col)?;
        help.write_string(i as u32 + 1, 1, note)?;
    }
    wb.save_to_buffer()
}

/// The import template as an `.xlsx` file (built on a blocking thread).
pub async fn template() -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(template_book)
        .await
        .map_err(|e| AppError::internal("template task", e))?
        .map_err(|e| AppError::internal("template xlsx", e))
}

/// The entries as an `.xlsx` file (built on a blocking thread).
pub async fn xlsx(entries: Vec<StaffEntry>) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || workbook(&entries))
        .await
        .map_err(|e| AppError::internal("export task", e))?
        .map_err(|e| AppError::internal("export xlsx", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::{parse_grid, test_support::defaults, xlsx_grid};

    #[test]
    fn the_template_reads_back_and_its_headers_import() {
        let bytes = template_book().expect("template");
        let grid = xlsx_grid(&bytes).expect("readable");
        assert_eq!(
            grid.first().map(Vec::as_slice),
            Some(&TEMPLATE_HEADERS.map(String::from)[..])
        );
        // Filled in as the drop-downs allow, the importer takes every column.
        let mut filled = grid.clone();
        filled.push(
            [
                "王芳",
                "2",
                "600",
                CATEGORY_VALUES[0],
                CHANGE_VALUES[1],
                "530621198503150022",
            ]
            .map(String::from)
            .to_vec(),
        );
        let rows = parse_grid(&filled, &defaults()).expect("imports");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].change, crate::domain::ChangeKind::Renew);
        assert!(rows[0].id_number.is_some(), "the ID column is read");
    }

    #[test]
    fn every_listed_value_is_one_the_importer_accepts() {
        for v in CATEGORY_VALUES {
            assert!(crate::domain::AidCategory::parse_zh(v).is_ok(), "{v}");
        }
        for v in CHANGE_VALUES {
            assert!(crate::domain::ChangeKind::parse_zh(v).is_ok(), "{v}");
        }
    }
}
