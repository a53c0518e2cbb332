//! Reading the spreadsheets staff upload (表格导入): the publicity list import and the readers
//! the data comparison (`crate::rechecks::compare`) shares. Pure: no I/O, no database.
//!
//! Spreadsheet import of publicity lists (公示名单导入).
//!
//! Township staff upload a village list as `.xlsx` or `.csv` (UTF-8, UTF-8
//! with BOM, GBK — what Excel in China saves — or UTF-16 "Unicode text").
//! The import is a preview: every row is validated and every bad row is
//! listed with its spreadsheet row number and a plain-language reason in
//! Chinese and English. Callers write nothing unless the whole file is valid
//! (`Ok`).
//!
//! Pipeline: bytes → grid of strings ([`csv_grid`] / [`xlsx_grid`]) → rows
//! ([`parse_grid`]); [`parse_file`] does both. Nothing here performs I/O or
//! panics on any input.
//!
//! Layout rules worth knowing:
//! - The header row is the first row, among the first 10 non-empty rows, that
//!   has a name column and a persons column; title rows above it are skipped.
//! - Completely empty rows, totals rows (a cell reading 合计/总计/小计) and
//!   repeated header rows (e.g. two village lists pasted one after another)
//!   are skipped.
//! - In `.xlsx` files a merged cell's value is copied into every cell of the
//!   merged area, for rows that have data of their own (staff often merge the
//!   保障类别 cell over several households).

use serde::{Deserialize, Serialize};

use crate::domain::text::ascii_digit;
use crate::domain::{AidCategory, AidClass, ChangeKind, Fen, PersonCount};

/// One valid row, ready to become a batch entry. Serialize/Deserialize: it is
/// staged as JSON between preview and confirm (staff-only table), never sent
/// to a public page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// 1-based spreadsheet row number as the officer sees it in Excel.
    pub row: usize,
    /// Trimmed, internal whitespace collapsed (spaces between Chinese
    /// characters removed: "张  三" → "张三"); 1..=30 chars; Chinese, Latin,
    /// '·' allowed (variants such as '•' are normalised to '·').
    pub head_name: String,
    /// 18 chars, upper-case X; validated with the GB 11643 check digit and
    /// the birth date.
    pub id_number: Option<String>,
    /// 1..=20.
    pub persons: u8,
    pub monthly_fen: Fen,
    pub category: AidCategory,
    /// 1..=3.
    pub aid_class: Option<u8>,
    pub change: ChangeKind,
}

/// One problem found in the file. `row` is the 1-based spreadsheet row, or 0
/// for a problem with the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    /// Canonical Chinese header name of the column, e.g. "保障人数".
    pub column: Option<&'static str>,
    pub problem: Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    MissingColumn,
    EmptyFile,
    TooManyRows,
    NameMissing,
    NameInvalid,
    PersonsInvalid,
    AmountInvalid,
    CategoryInvalid,
    ClassInvalid,
    ChangeInvalid,
    IdNumberInvalid,
    DuplicateIdNumber,
    DuplicateName,
    UnreadableFile,
    UnsupportedFileType,
    /// The workbook unpacks to more than an import may read (`crate::archive`, grid text).
    TooLargeUnpacked,
}

impl Problem {
    /// Plain-language reason in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            Problem::MissingColumn => {
                "表格中找不到这一列，请检查表头的列名（必须有户主姓名、保障人数、月保障金额、保障类别）"
            }
            Problem::EmptyFile => "文件中没有可导入的数据行",
            Problem::TooManyRows => "数据行太多，一次最多导入100000行，请分批上传",
            Problem::NameMissing => "户主姓名不能为空",
            Problem::NameInvalid => {
                "户主姓名应为1到30个汉字或字母，可含间隔号「·」，不能含数字或符号"
            }
            Problem::PersonsInvalid => "保障人数应为1到20之间的整数",
            Problem::AmountInvalid => {
                "月保障金额应为不小于0的金额（元），最多两位小数，如375或375.50"
            }
            Problem::CategoryInvalid => {
                "保障类别应为「兜底保障」或「一般保障」，可带档次，如「兜底保障一类」"
            }
            Problem::ClassInvalid => {
                "保障档次应为一类、二类或三类（1到3），并与保障类别中写的档次一致"
            }
            Problem::ChangeInvalid => "变动情况应为新增、增发、减发、停发或续保",
            Problem::IdNumberInvalid => {
                "身份证号码不正确：应为18位，最后一位可以是X，且校验位正确；如果最后几位变成了0，请把这一列设为「文本」格式后重新输入"
            }
            Problem::DuplicateIdNumber => "身份证号码与前面某一行重复",
            Problem::DuplicateName => {
                "户主姓名与前面某一行重复，请填写两户的身份证号码以便区分"
            }
            Problem::UnreadableFile => {
                "无法读取文件，请确认文件没有损坏、没有设置密码，另存为.xlsx或.csv格式后重新上传"
            }
            Problem::UnsupportedFileType => {
                "不支持这种文件类型，请上传.xlsx或.csv文件（旧版.xls文件请先另存为.xlsx）"
            }
            Problem::TooLargeUnpacked => {
                "文件解压后的内容太多（超过导入上限，或压缩比异常），为保护服务器没有读取。请删除多余的工作表、图片和空白单元格的格式，另存为.xlsx或.csv后重新上传"
            }
        }
    }

    /// Plain-language reason in English.
    pub fn en(self) -> &'static str {
        match self {
            Problem::MissingColumn => {
                "this column was not found; check the column names in the header row (户主姓名, 保障人数, 月保障金额 and 保障类别 are required)"
            }
            Problem::EmptyFile => "the file has no data rows to import",
            Problem::TooManyRows => {
                "too many rows: at most 100,000 rows can be imported at once; split the file"
            }
            Problem::NameMissing => "the head of household's name is empty",
            Problem::NameInvalid => {
                "the name must be 1 to 30 Chinese characters or letters (a middle dot · is allowed), without digits or symbols"
            }
            Problem::PersonsInvalid => "persons covered must be a whole number from 1 to 20",
            Problem::AmountInvalid => {
                "the monthly amount must be a number of yuan, not negative, with at most two decimals, e.g. 375 or 375.50"
            }
            Problem::CategoryInvalid => {
                "the category must be 兜底保障 (basic) or 一般保障 (general), optionally with the class, e.g. 兜底保障一类"
            }
            Problem::ClassInvalid => {
                "the class must be 1, 2 or 3 (一类/二类/三类) and agree with any class written in the category column"
            }
            Problem::ChangeInvalid => {
                "the change must be 新增 (new), 增发 (increase), 减发 (decrease), 停发 (stop) or 续保 (renew)"
            }
            Problem::IdNumberInvalid => {
                "the ID number is not valid: it must have 18 characters (the last may be X) with a correct check digit; if the last digits turned into 0, format the column as Text in Excel and type them again"
            }
            Problem::DuplicateIdNumber => "this ID number already appears in an earlier row",
            Problem::DuplicateName => {
                "this name already appears in an earlier row; add both households' ID numbers to tell them apart"
            }
            Problem::UnreadableFile => {
                "the file could not be read; make sure it is not damaged or password-protected, save it as .xlsx or .csv and upload it again"
            }
            Problem::UnsupportedFileType => {
                "unsupported file type; upload an .xlsx or .csv file (save old .xls files as .xlsx first)"
            }
            Problem::TooLargeUnpacked => {
                "the file unpacks to too much data (over the import limit, or abnormally compressed), so it was not read to protect the server; remove extra sheets, pictures and the formatting of empty cells, save it as .xlsx or .csv and upload it again"
            }
        }
    }
}

impl RowError {
    /// "第5行「保障人数」：保障人数应为1到20之间的整数" /
    /// "Row 5, 保障人数: persons covered must be a whole number from 1 to 20".
    /// File-level problems (row 0) have no row prefix.
    pub fn message(&self, english: bool) -> String {
        let reason = if english {
            self.problem.en()
        } else {
            self.problem.zh()
        };
        match (self.row, self.column, english) {
            (0, None, _) => reason.to_string(),
            (0, Some(col), false) => format!("「{col}」：{reason}"),
            (0, Some(col), true) => format!("{col}: {reason}"),
            (row, None, false) => format!("第{row}行：{reason}"),
            (row, None, true) => format!("Row {row}: {reason}"),
            (row, Some(col), false) => format!("第{row}行「{col}」：{reason}"),
            (row, Some(col), true) => format!("Row {row}, {col}: {reason}"),
        }
    }

    pub(super) fn file(problem: Problem) -> RowError {
        RowError {
            row: 0,
            column: None,
            problem,
        }
    }
}

/// Most data rows accepted in one file.
pub const MAX_ROWS: usize = 100_000;

/// Values used when the file does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defaults {
    /// Used when the file has no 变动情况 column or the cell is empty.
    pub change: ChangeKind,
}

/// The header must be among this many non-empty rows at the top.
pub(super) const HEADER_SCAN_ROWS: usize = 10;
/// Cells right of this many columns are ignored in `.xlsx` files.
pub(super) const MAX_COLS: usize = 256;
/// Excel's row limit; a cell below it means the file is not a real workbook.
pub(super) const EXCEL_MAX_ROWS: u32 = 1_048_576;
/// At most this many cells are filled from merged areas.
pub(super) const MERGE_FILL_BUDGET: usize = 1_000_000;
/// At most this much text is copied into merged areas (a long value over a
/// large area would otherwise be copied a million times).
pub(super) const MERGE_FILL_TEXT_BYTES: usize = 32 << 20;
/// Longest accepted name, in characters.
pub(super) const NAME_MAX_CHARS: usize = 30;
/// Reading stops with `TooManyRows` after this many non-empty rows: with the
/// header among the first `HEADER_SCAN_ROWS` of them, more than `MAX_ROWS`
/// rows would follow it, which `parse_grid` rejects anyway.
pub(super) const MAX_GRID_ROWS: usize = MAX_ROWS + HEADER_SCAN_ROWS;
/// Reading stops with `TooManyRows` once the grid would hold this many cells,
/// counting padding and empty rows (100,000 rows × 50 columns), so that a
/// small but hostile file cannot exhaust memory.
pub(super) const MAX_GRID_CELLS: usize = 5_000_000;

/// Reading a workbook stops with `TooLargeUnpacked` once its cells hold this
/// much text. A shared string is stored once in the file but copied into every
/// cell that refers to it: a 30 KB string in 10,000 cells (a 22 KB upload)
/// took 300 MB. A 100,000-row list holds about 6 MB.
pub(super) const MAX_GRID_TEXT_BYTES: usize = 32 << 20;

/// Keeps a grid being read within `MAX_GRID_ROWS`, `MAX_GRID_CELLS` and
/// `MAX_GRID_TEXT_BYTES`.
#[derive(Default)]
pub(super) struct GridBudget {
    non_empty_rows: usize,
    cells: usize,
    text_bytes: usize,
}

impl GridBudget {
    pub(super) fn cells(&mut self, n: usize) -> Result<(), RowError> {
        self.cells = self.cells.saturating_add(n);
        if self.cells > MAX_GRID_CELLS {
            return Err(RowError::file(Problem::TooManyRows));
        }
        Ok(())
    }

    pub(super) fn text(&mut self, bytes: usize) -> Result<(), RowError> {
        self.text_bytes = self.text_bytes.saturating_add(bytes);
        if self.text_bytes > MAX_GRID_TEXT_BYTES {
            return Err(RowError::file(Problem::TooLargeUnpacked));
        }
        Ok(())
    }

    pub(super) fn non_empty_row(&mut self) -> Result<(), RowError> {
        self.non_empty_rows += 1;
        if self.non_empty_rows > MAX_GRID_ROWS {
            return Err(RowError::file(Problem::TooManyRows));
        }
        Ok(())
    }
}

mod csv;
mod grid;
mod row;
mod xlsx;

pub use csv::{csv_grid, csv_records, decode_owned, CsvRecords};
pub use grid::{clean, is_empty_row, normalize_header};
pub use row::parse_grid;
pub use xlsx::xlsx_grid;

/// How an uploaded spreadsheet is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

/// By the file name's extension (case-insensitive): .csv or .xlsx, else
/// `UnsupportedFileType`. A ".csv" that is really a workbook (zip signature)
/// is read as one.
pub fn file_kind(file_name: &str, bytes: &[u8]) -> Result<FileKind, RowError> {
    let extension = file_name
        .trim()
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "csv" if bytes.starts_with(b"PK\x03\x04") => Ok(FileKind::Xlsx),
        "csv" => Ok(FileKind::Csv),
        "xlsx" => Ok(FileKind::Xlsx),
        _ => Err(RowError::file(Problem::UnsupportedFileType)),
    }
}

/// [`file_kind`] → [`csv_grid`] or [`xlsx_grid`], then [`parse_grid`].
pub fn parse_file(
    file_name: &str,
    bytes: &[u8],
    defaults: &Defaults,
) -> Result<Vec<ImportRow>, Vec<RowError>> {
    let grid = match file_kind(file_name, bytes).map_err(|e| vec![e])? {
        FileKind::Csv => csv_grid(bytes),
        FileKind::Xlsx => xlsx_grid(bytes),
    }
    .map_err(|e| vec![e])?;
    parse_grid(&grid, defaults)
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub const CSV_TEXT: &str =
        "户主姓名,保障人数,月保障金额,保障类别\n张三丰,3,1125,一般保障二类\n";

    pub const HEADER: [&str; 7] = [
        "户主姓名",
        "身份证号",
        "保障人数",
        "月保障金额",
        "保障类别",
        "保障档次",
        "变动情况",
    ];
    /// Valid GB 11643 numbers (check digits computed independently).
    pub const ID_A: &str = "530621198503150022";
    pub const ID_B: &str = "530621197511080031";
    pub const ID_X: &str = "11010519491231002X";

    pub fn defaults() -> Defaults {
        Defaults {
            change: ChangeKind::New,
        }
    }

    pub fn grid(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    /// A grid with the full header on row 1 and `rows` below it.
    pub fn with_header(rows: &[[&str; 7]]) -> Vec<Vec<String>> {
        let mut all: Vec<&[&str]> = vec![&HEADER];
        all.extend(rows.iter().map(|r| r.as_slice()));
        grid(&all)
    }

    pub fn err(row: usize, column: &'static str, problem: Problem) -> RowError {
        RowError {
            row,
            column: Some(column),
            problem,
        }
    }

    pub fn problems(
        result: Result<Vec<ImportRow>, Vec<RowError>>,
    ) -> Vec<(usize, Option<&'static str>, Problem)> {
        result
            .expect_err("expected errors")
            .into_iter()
            .map(|e| (e.row, e.column, e.problem))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = csv_grid(&bytes);
            let _ = xlsx_grid(&bytes);
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend_from_slice(&bytes);
            let _ = xlsx_grid(&zipped);
        }
    }
}
