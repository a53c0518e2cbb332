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

use std::collections::HashMap;
use std::io::Cursor;

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
    pub monthly_fen: i64,
    /// AidCategory code: "doudi" | "yiban".
    pub category: String,
    /// 1..=3.
    pub aid_class: Option<u8>,
    /// ChangeKind code: "new" | "increase" | "decrease" | "stop" | "renew".
    pub change: String,
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

    fn file(problem: Problem) -> RowError {
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
const HEADER_SCAN_ROWS: usize = 10;
/// Cells right of this many columns are ignored in `.xlsx` files.
const MAX_COLS: usize = 256;
/// Excel's row limit; a cell below it means the file is not a real workbook.
const EXCEL_MAX_ROWS: u32 = 1_048_576;
/// At most this many cells are filled from merged areas.
const MERGE_FILL_BUDGET: usize = 1_000_000;
/// At most this much text is copied into merged areas (a long value over a
/// large area would otherwise be copied a million times).
const MERGE_FILL_TEXT_BYTES: usize = 32 << 20;
/// Longest accepted name, in characters.
const NAME_MAX_CHARS: usize = 30;
/// Reading stops with `TooManyRows` after this many non-empty rows: with the
/// header among the first `HEADER_SCAN_ROWS` of them, more than `MAX_ROWS`
/// rows would follow it, which `parse_grid` rejects anyway.
const MAX_GRID_ROWS: usize = MAX_ROWS + HEADER_SCAN_ROWS;
/// Reading stops with `TooManyRows` once the grid would hold this many cells,
/// counting padding and empty rows (100,000 rows × 50 columns), so that a
/// small but hostile file cannot exhaust memory.
const MAX_GRID_CELLS: usize = 5_000_000;
/// Reading a workbook stops with `TooLargeUnpacked` once its cells hold this
/// much text. A shared string is stored once in the file but copied into every
/// cell that refers to it: a 30 KB string in 10,000 cells (a 22 KB upload)
/// took 300 MB. A 100,000-row list holds about 6 MB.
const MAX_GRID_TEXT_BYTES: usize = 32 << 20;

/// Keeps a grid being read within `MAX_GRID_ROWS`, `MAX_GRID_CELLS` and
/// `MAX_GRID_TEXT_BYTES`.
#[derive(Default)]
struct GridBudget {
    non_empty_rows: usize,
    cells: usize,
    text_bytes: usize,
}

impl GridBudget {
    fn cells(&mut self, n: usize) -> Result<(), RowError> {
        self.cells = self.cells.saturating_add(n);
        if self.cells > MAX_GRID_CELLS {
            return Err(RowError::file(Problem::TooManyRows));
        }
        Ok(())
    }

    fn text(&mut self, bytes: usize) -> Result<(), RowError> {
        self.text_bytes = self.text_bytes.saturating_add(bytes);
        if self.text_bytes > MAX_GRID_TEXT_BYTES {
            return Err(RowError::file(Problem::TooLargeUnpacked));
        }
        Ok(())
    }

    fn non_empty_row(&mut self) -> Result<(), RowError> {
        self.non_empty_rows += 1;
        if self.non_empty_rows > MAX_GRID_ROWS {
            return Err(RowError::file(Problem::TooManyRows));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Persons,
    Amount,
    Category,
    Class,
    Change,
    IdNumber,
}

impl Field {
    const ALL: [Field; 7] = [
        Field::Name,
        Field::Persons,
        Field::Amount,
        Field::Category,
        Field::Class,
        Field::Change,
        Field::IdNumber,
    ];
    const REQUIRED: [Field; 4] = [Field::Name, Field::Persons, Field::Amount, Field::Category];

    const fn index(self) -> usize {
        match self {
            Field::Name => 0,
            Field::Persons => 1,
            Field::Amount => 2,
            Field::Category => 3,
            Field::Class => 4,
            Field::Change => 5,
            Field::IdNumber => 6,
        }
    }

    /// Canonical Chinese header, used in error messages.
    const fn header(self) -> &'static str {
        match self {
            Field::Name => "户主姓名",
            Field::Persons => "保障人数",
            Field::Amount => "月保障金额",
            Field::Category => "保障类别",
            Field::Class => "保障档次",
            Field::Change => "变动情况",
            Field::IdNumber => "身份证号",
        }
    }

    /// Accepted header spellings (normalised by `normalize_header`), most
    /// specific first: if a sheet has two matching columns, the one whose
    /// spelling comes first here wins, then the leftmost.
    const fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Name => &["户主姓名", "户主", "申请人姓名", "申请人", "姓名", "name"],
            Field::Persons => &[
                "保障人数",
                "保障人口",
                "人数",
                "共同生活人数",
                "家庭人口",
                "persons",
            ],
            Field::Amount => &[
                "月保障金额",
                "月保障金",
                "月发放金额",
                "月补差金额",
                "保障金额",
                "金额",
                "amount",
            ],
            Field::Category => &["保障类别", "保障对象类别", "类别", "category"],
            Field::Class => &["保障档次", "档次", "分类施保", "类别档次", "class"],
            Field::Change => &["变动情况", "变动类型", "变动", "change"],
            Field::IdNumber => &[
                "身份证号",
                "身份证号码",
                "公民身份号码",
                "户主身份证号",
                "户主身份证号码",
                "身份证",
                "id_number",
                "idnumber",
            ],
        }
    }
}

/// Column position of each field in the header row.
#[derive(Debug, Clone, Copy, Default)]
struct Columns([Option<usize>; 7]);

impl Columns {
    fn from_header(row: &[String]) -> Columns {
        let mut best: [Option<(usize, usize)>; 7] = [None; 7];
        for (col, cell) in row.iter().enumerate() {
            let header = normalize_header(cell);
            if header.is_empty() {
                continue;
            }
            for field in Field::ALL {
                let Some(rank) = field.aliases().iter().position(|a| *a == header) else {
                    continue;
                };
                if let Some(slot) = best.get_mut(field.index()) {
                    if slot.is_none_or(|(r, _)| rank < r) {
                        *slot = Some((rank, col));
                    }
                }
            }
        }
        Columns(best.map(|b| b.map(|(_, col)| col)))
    }

    fn get(&self, field: Field) -> Option<usize> {
        self.0.get(field.index()).copied().flatten()
    }

    /// Sort key for errors: the column's position in the file.
    fn order(&self, column: Option<&'static str>) -> usize {
        let Some(column) = column else { return 0 };
        Field::ALL
            .iter()
            .find(|f| f.header() == column)
            .map_or(usize::MAX, |f| match self.get(*f) {
                Some(pos) => pos.saturating_add(1),
                None => f.index(),
            })
    }
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}')
}

fn clean(cell: &str) -> &str {
    cell.trim_matches(is_blank)
}

/// Header text without spaces, '*' markers or a unit suffix; Latin lowercased.
fn normalize_header(cell: &str) -> String {
    let mut s: String = cell
        .chars()
        .filter(|c| !is_blank(*c) && !matches!(c, '*' | '＊'))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '／' => '/',
            other => other.to_ascii_lowercase(),
        })
        .collect();
    for suffix in ["(元)", "(人)", "(元/月)", "(元/户)", "(元/人)", "(户)"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s.truncate(rest.len());
            break;
        }
    }
    s
}

fn is_empty_row(row: &[String]) -> bool {
    row.iter().all(|c| clean(c).is_empty())
}

/// A totals row such as "合计 | | 35 | 12000".
fn is_totals_row(row: &[String]) -> bool {
    row.iter().any(|c| {
        let s: String = c.chars().filter(|c| !is_blank(*c)).collect();
        let s = s.trim_end_matches([':', '：']);
        matches!(s, "合计" | "总计" | "小计")
    })
}

fn cell(row: &[String], col: Option<usize>) -> &str {
    col.and_then(|i| row.get(i)).map_or("", |c| clean(c))
}

// ---------------------------------------------------------------------------
// Cell parsers
// ---------------------------------------------------------------------------

fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2fa1f}'
        | '\u{30000}'..='\u{323af}'
        | '〇')
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (('\u{c0}'..='\u{24f}').contains(&c) && c.is_alphabetic())
}

/// Collapses whitespace; keeps a space only between two Latin letters
/// ("John Smith"), so "张  三" becomes "张三". Middle-dot variants become '·'.
fn normalize_name(raw: &str) -> String {
    let mapped: String = raw
        .chars()
        .map(|c| match c {
            '•' | '・' | '‧' | '･' | '∙' | '⋅' | '●' => '·',
            c if is_blank(c) => ' ',
            c => c,
        })
        .collect();
    let mut out = String::new();
    for word in mapped.split(' ').filter(|w| !w.is_empty()) {
        let prev_latin = out.chars().next_back().is_some_and(is_latin_letter);
        let next_latin = word.chars().next().is_some_and(is_latin_letter);
        if prev_latin && next_latin {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn check_name(name: &str) -> Result<(), Problem> {
    if name.is_empty() {
        return Err(Problem::NameMissing);
    }
    let letter = |c: char| is_han(c) || is_latin_letter(c);
    let ok = name.chars().count() <= NAME_MAX_CHARS
        && name.chars().all(|c| letter(c) || c == '·' || c == ' ')
        && name.chars().next().is_some_and(letter)
        && name.chars().next_back().is_some_and(letter);
    if ok {
        Ok(())
    } else {
        Err(Problem::NameInvalid)
    }
}

/// "530621 19900101 123x" → "53062119900101123X"; strips Excel's text
/// tricks `'…` and `="…"`.
fn normalize_id(raw: &str) -> String {
    let mut s = clean(raw);
    if let Some(inner) = s.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        s = inner;
    }
    let s = s.strip_prefix(['\'', '‘', '’', '`']).unwrap_or(s);
    s.chars()
        .filter(|c| !is_blank(*c))
        .map(|c| match ascii_digit(c) {
            'x' | 'ｘ' | 'Ｘ' => 'X',
            c => c,
        })
        .collect()
}

/// GB 11643-1999: 17 digits + ISO 7064 MOD 11-2 check character, with a real
/// birth date (YYYYMMDD at positions 7–14, year ≥ 1900).
fn id_is_valid(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [u8; 11] = *b"10X98765432";
    let bytes = id.as_bytes();
    let (Some(body), Some(&last)) = (bytes.get(..17), bytes.get(17)) else {
        return false;
    };
    if bytes.len() != 18 || !body.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let expected = CHECK.get((sum % 11) as usize).copied();
    if expected != Some(last) {
        return false;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        std::str::from_utf8(bytes.get(range)?).ok()?.parse().ok()
    };
    let (Some(year), Some(month), Some(day)) = (num(6..10), num(10..12), num(12..14)) else {
        return false;
    };
    let year = i32::try_from(year).unwrap_or(0);
    year >= 1900 && chrono::NaiveDate::from_ymd_opt(year, month, day).is_some()
}

/// "一类", "1类", "第一类", "２", "二档" → class 1..=3.
fn parse_class(raw: &str) -> Option<u8> {
    let s: String = raw.chars().filter(|c| !is_blank(*c)).collect();
    let s = s.strip_suffix('档').unwrap_or(&s);
    AidClass::parse_zh(s).ok().map(AidClass::get)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClassPart {
    Absent,
    Valid(u8),
    Invalid,
}

/// Splits a category cell that may also hold the class: "兜底保障一类",
/// "一般保障 二类", "一般/3类", "兜底（1）". `None` if no category is found.
fn parse_category(raw: &str) -> Option<(AidCategory, ClassPart)> {
    let s: String = raw
        .chars()
        .filter(|c| {
            !is_blank(*c)
                && !matches!(
                    c,
                    '/' | '／'
                        | '\\'
                        | '-'
                        | '－'
                        | '—'
                        | '、'
                        | ','
                        | '，'
                        | '('
                        | ')'
                        | '（'
                        | '）'
                )
        })
        .map(ascii_digit)
        .collect();
    if s.is_empty() {
        return None;
    }
    if let Ok(category) = AidCategory::parse_zh(&s) {
        return Some((category, ClassPart::Absent));
    }
    let lower = s.to_ascii_lowercase();
    const PREFIXES: [(&str, AidCategory); 6] = [
        ("兜底保障", AidCategory::Basic),
        ("兜底", AidCategory::Basic),
        ("一般保障", AidCategory::General),
        ("一般", AidCategory::General),
        ("doudi", AidCategory::Basic),
        ("yiban", AidCategory::General),
    ];
    let (category, rest) = PREFIXES
        .iter()
        .find_map(|(prefix, cat)| lower.strip_prefix(prefix).map(|rest| (*cat, rest)))?;
    let rest = rest
        .strip_prefix("对象")
        .or_else(|| rest.strip_prefix('户'))
        .unwrap_or(rest);
    if rest.is_empty() {
        return Some((category, ClassPart::Absent));
    }
    Some((
        category,
        parse_class(rest).map_or(ClassPart::Invalid, ClassPart::Valid),
    ))
}

// ---------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------

#[derive(Debug)]
enum IdCell {
    Empty,
    Valid(String),
    Invalid,
}

/// One row's result, kept for the duplicate checks.
struct Checked {
    row: usize,
    /// Normalised, valid name (lowercased for comparison).
    name_key: Option<String>,
    id: IdCell,
    parsed: Option<ImportRow>,
}

fn check_row(
    row_no: usize,
    cells: &[String],
    cols: &Columns,
    defaults: &Defaults,
    errors: &mut Vec<RowError>,
) -> Checked {
    let before = errors.len();
    let mut fail = |field: Field, problem: Problem| {
        errors.push(RowError {
            row: row_no,
            column: Some(field.header()),
            problem,
        });
    };

    let head_name = normalize_name(cell(cells, cols.get(Field::Name)));
    let name_ok = match check_name(&head_name) {
        Ok(()) => true,
        Err(problem) => {
            fail(Field::Name, problem);
            false
        }
    };

    let id_raw = normalize_id(cell(cells, cols.get(Field::IdNumber)));
    let id = if id_raw.is_empty() {
        IdCell::Empty
    } else if id_is_valid(&id_raw) {
        IdCell::Valid(id_raw)
    } else {
        fail(Field::IdNumber, Problem::IdNumberInvalid);
        IdCell::Invalid
    };

    let persons = PersonCount::parse(cell(cells, cols.get(Field::Persons)))
        .map(PersonCount::get)
        .map_err(|_| fail(Field::Persons, Problem::PersonsInvalid))
        .ok();

    let amount = Fen::parse_yuan(cell(cells, cols.get(Field::Amount)))
        .map(Fen::fen)
        .map_err(|_| fail(Field::Amount, Problem::AmountInvalid))
        .ok();

    let (category, class_in_category) = match parse_category(cell(cells, cols.get(Field::Category)))
    {
        Some((category, ClassPart::Invalid)) => {
            fail(Field::Category, Problem::ClassInvalid);
            (Some(category), None)
        }
        Some((category, ClassPart::Valid(c))) => (Some(category), Some(c)),
        Some((category, ClassPart::Absent)) => (Some(category), None),
        None => {
            fail(Field::Category, Problem::CategoryInvalid);
            (None, None)
        }
    };

    let class_raw = cell(cells, cols.get(Field::Class));
    let aid_class = if class_raw.is_empty() {
        class_in_category
    } else {
        match parse_class(class_raw) {
            Some(c) if class_in_category.is_none_or(|k| k == c) => Some(c),
            _ => {
                fail(Field::Class, Problem::ClassInvalid);
                None
            }
        }
    };

    let change_raw: String = cell(cells, cols.get(Field::Change))
        .chars()
        .filter(|c| !is_blank(*c))
        .collect();
    let change = if change_raw.is_empty() {
        Some(defaults.change)
    } else {
        ChangeKind::parse_zh(&change_raw)
            .map_err(|_| fail(Field::Change, Problem::ChangeInvalid))
            .ok()
    };

    let name_key = name_ok.then(|| head_name.to_lowercase());
    let parsed = match (persons, amount, category, change) {
        (Some(persons), Some(monthly_fen), Some(category), Some(change))
            if errors.len() == before =>
        {
            Some(ImportRow {
                row: row_no,
                head_name,
                id_number: match &id {
                    IdCell::Valid(id) => Some(id.clone()),
                    IdCell::Empty | IdCell::Invalid => None,
                },
                persons,
                monthly_fen,
                category: category.as_str().to_string(),
                aid_class,
                change: change.as_str().to_string(),
            })
        }
        _ => None,
    };
    Checked {
        row: row_no,
        name_key,
        id,
        parsed,
    }
}

/// Grid → rows. `grid[0..]` are the spreadsheet's rows as strings (cells are
/// trimmed here). The header row is the first row (among the first 10
/// non-empty rows) that contains a name column AND a persons column; rows
/// above it (titles like "龙泉村2026年11月低保审核公示名单") are skipped;
/// completely empty rows, totals rows (合计/总计/小计) and repeated header rows
/// are skipped; row numbers count from 1 at `grid[0]`.
///
/// On failure every problem in the file is returned, sorted by row and then by
/// the column's position in the file.
pub fn parse_grid(
    grid: &[Vec<String>],
    defaults: &Defaults,
) -> Result<Vec<ImportRow>, Vec<RowError>> {
    let mut header = None;
    let mut seen_rows = 0;
    for (i, row) in grid.iter().enumerate() {
        if is_empty_row(row) {
            continue;
        }
        if seen_rows == HEADER_SCAN_ROWS {
            break;
        }
        seen_rows += 1;
        let cols = Columns::from_header(row);
        if cols.get(Field::Name).is_some() && cols.get(Field::Persons).is_some() {
            header = Some((i, cols));
            break;
        }
    }
    if seen_rows == 0 {
        return Err(vec![RowError::file(Problem::EmptyFile)]);
    }
    let Some((header_index, cols)) = header else {
        return Err(Field::REQUIRED
            .iter()
            .map(|f| RowError {
                row: 0,
                column: Some(f.header()),
                problem: Problem::MissingColumn,
            })
            .collect());
    };
    let missing: Vec<RowError> = Field::REQUIRED
        .iter()
        .filter(|f| cols.get(**f).is_none())
        .map(|f| RowError {
            row: header_index + 1,
            column: Some(f.header()),
            problem: Problem::MissingColumn,
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }

    let body = grid.get(header_index + 1..).unwrap_or_default();
    let non_empty = body.iter().filter(|r| !is_empty_row(r)).count();
    if non_empty > MAX_ROWS {
        return Err(vec![RowError::file(Problem::TooManyRows)]);
    }
    let is_repeated_header = |row: &[String]| {
        let name = normalize_header(cell(row, cols.get(Field::Name)));
        let persons = normalize_header(cell(row, cols.get(Field::Persons)));
        Field::Name.aliases().contains(&name.as_str())
            && Field::Persons.aliases().contains(&persons.as_str())
    };

    let mut errors = Vec::new();
    let mut checked = Vec::new();
    for (offset, row) in body.iter().enumerate() {
        if is_empty_row(row) || is_totals_row(row) || is_repeated_header(row) {
            continue;
        }
        let row_no = header_index + 2 + offset;
        checked.push(check_row(row_no, row, &cols, defaults, &mut errors));
    }
    if checked.is_empty() {
        return Err(vec![RowError::file(Problem::EmptyFile)]);
    }

    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut names_without_id: HashMap<&str, usize> = HashMap::new();
    for c in &checked {
        match &c.id {
            IdCell::Valid(id) => {
                if ids.insert(id.as_str(), c.row).is_some() {
                    errors.push(RowError {
                        row: c.row,
                        column: Some(Field::IdNumber.header()),
                        problem: Problem::DuplicateIdNumber,
                    });
                }
            }
            IdCell::Empty => {
                if let Some(name) = &c.name_key {
                    if names_without_id.insert(name.as_str(), c.row).is_some() {
                        errors.push(RowError {
                            row: c.row,
                            column: Some(Field::Name.header()),
                            problem: Problem::DuplicateName,
                        });
                    }
                }
            }
            IdCell::Invalid => {}
        }
    }

    if errors.is_empty() {
        return Ok(checked.into_iter().filter_map(|c| c.parsed).collect());
    }
    errors.sort_by_key(|e| (e.row, cols.order(e.column)));
    Err(errors)
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

fn decode_text(bytes: &[u8]) -> Result<String, RowError> {
    let unreadable = || RowError::file(Problem::UnreadableFile);
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        std::str::from_utf8(rest)
            .map_err(|_| unreadable())?
            .to_string()
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        encoding_rs::UTF_16LE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or_else(unreadable)?
            .into_owned()
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        encoding_rs::UTF_16BE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or_else(unreadable)?
            .into_owned()
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => encoding_rs::GBK
                .decode_without_bom_handling_and_without_replacement(bytes)
                .ok_or_else(unreadable)?
                .into_owned(),
        }
    };
    if text.contains('\0') {
        return Err(unreadable());
    }
    Ok(text)
}

/// Tab if the first line has tabs and no commas (Excel "Unicode text"),
/// otherwise comma.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    }
}

/// Bytes of a .csv file → grid: strips a UTF-8 BOM; if not valid UTF-8,
/// decodes as GBK (UTF-16 with a BOM is also accepted); parses with the `csv`
/// crate (flexible, no header handling). Blank lines, which the csv crate
/// skips, are kept as empty rows so that row numbers match Excel's.
pub fn csv_grid(bytes: &[u8]) -> Result<Vec<Vec<String>>, RowError> {
    let text = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut budget = GridBudget::default();
    let mut record = csv::StringRecord::new();
    loop {
        let line_before = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(RowError::file(Problem::UnreadableFile)),
        }
        // Lines the record itself spans beyond its first (quoted newlines),
        // plus the terminator if there is one, tell where it started.
        let position = reader.position();
        let inner_newlines: u64 = record.iter().map(|f| f.matches('\n').count() as u64).sum();
        let at_end_without_newline = usize::try_from(position.byte())
            .is_ok_and(|b| b >= text.len())
            && !text.ends_with(['\n', '\r']);
        let terminator = u64::from(!at_end_without_newline);
        let start_line = position
            .line()
            .saturating_sub(inner_newlines)
            .saturating_sub(terminator);
        let blank_lines =
            usize::try_from(start_line.saturating_sub(line_before)).unwrap_or(usize::MAX);
        budget.cells(blank_lines)?;
        grid.resize_with(grid.len() + blank_lines, Vec::new);
        let row: Vec<String> = record.iter().map(|f| clean(f).to_string()).collect();
        budget.cells(row.len().max(1))?;
        if !is_empty_row(&row) {
            budget.non_empty_row()?;
        }
        grid.push(row);
    }
    Ok(grid)
}

// ---------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------

/// Excel number → text as Excel shows it by default: 375 → "375",
/// 375.5 → "375.5", 530621199001010112 → "530621199001010112" (never
/// "5.3e17"); float noise from formulas is rounded off (0.1+0.2 → "0.3").
fn format_number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f == 0.0 {
        return "0".to_string();
    }
    if f.fract() == 0.0 && f.abs() < 1e21 {
        return format!("{f:.0}");
    }
    if f.abs() < 1e15 {
        let s = format!("{f:.9}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        return if s == "-0" {
            "0".to_string()
        } else {
            s.to_string()
        };
    }
    f.to_string()
}

fn format_datetime(dt: &calamine::ExcelDateTime) -> String {
    let value = dt.as_f64();
    // Only convert serials of real dates (years 1900–9999).
    if !dt.is_datetime() || !(0.0..2_958_466.0).contains(&value) {
        return format_number(value);
    }
    let (y, m, d, h, min, s, _ms) = dt.to_ymd_hms_milli();
    if value < 1.0 {
        format!("{h:02}:{min:02}:{s:02}")
    } else if (h, min, s) == (0, 0, 0) {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02}:{s:02}")
    }
}

fn cell_text(value: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    let text = match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => format_number(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(true) => "TRUE".to_string(),
        DataRef::Bool(false) => "FALSE".to_string(),
        DataRef::DateTime(dt) => format_datetime(dt),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    };
    match clean(&text) {
        trimmed if trimmed.len() == text.len() => text,
        trimmed => trimmed.to_string(),
    }
}

/// The first visible worksheet, else the first worksheet.
fn first_worksheet<R: std::io::Read + std::io::Seek>(wb: &calamine::Xlsx<R>) -> Option<String> {
    use calamine::{Reader, SheetType, SheetVisible};
    let sheets = wb.sheets_metadata();
    sheets
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .or_else(|| sheets.iter().find(|s| s.typ == SheetType::WorkSheet))
        .map(|s| s.name.clone())
}

type Region = ((u32, u32), (u32, u32));

/// Copies each merged area's top-left value into the area's empty cells, in
/// rows that already have data of their own.
fn fill_merged(grid: &mut [Vec<String>], regions: &[Region]) {
    let had_data: Vec<bool> = grid.iter().map(|r| !is_empty_row(r)).collect();
    let mut budget = MERGE_FILL_BUDGET;
    let mut text_budget = MERGE_FILL_TEXT_BYTES;
    for &((r0, c0), (r1, c1)) in regions {
        let (r0, c0, r1, c1) = (r0 as usize, c0 as usize, r1 as usize, c1 as usize);
        if r1 < r0 || c1 < c0 || c0 >= MAX_COLS {
            continue;
        }
        let Some(value) = grid
            .get(r0)
            .and_then(|row| row.get(c0))
            .filter(|v| !v.is_empty())
            .cloned()
        else {
            continue;
        };
        let c1 = c1.min(MAX_COLS - 1);
        for r in r0..=r1.min(grid.len().saturating_sub(1)) {
            if !had_data.get(r).copied().unwrap_or(false) {
                continue;
            }
            let Some(row) = grid.get_mut(r) else { continue };
            for c in c0..=c1 {
                if budget == 0 {
                    return;
                }
                budget -= 1;
                if row.len() <= c {
                    row.resize(c + 1, String::new());
                }
                if let Some(slot) = row.get_mut(c) {
                    if slot.is_empty() {
                        let Some(left) = text_budget.checked_sub(value.len()) else {
                            return;
                        };
                        text_budget = left;
                        slot.clone_from(&value);
                    }
                }
            }
        }
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, RowError> {
    use calamine::{Reader, Xlsx, XlsxError};
    let unreadable = || RowError::file(Problem::UnreadableFile);
    // calamine inflates without a limit: a zip bomb is refused before it sees the bytes.
    match crate::archive::check(bytes, &crate::archive::XLSX_LIMITS) {
        Ok(_) => {}
        Err(crate::archive::ArchiveError::Unreadable) => return Err(unreadable()),
        Err(e) => {
            tracing::warn!(error = %e, "workbook refused before reading");
            return Err(RowError::file(Problem::TooLargeUnpacked));
        }
    }
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let Some(sheet) = first_worksheet(&wb) else {
        return Ok(Vec::new());
    };
    // Merged areas are a convenience: if they cannot be read, go without.
    let regions: Vec<Region> = if wb.load_merged_regions().is_ok() {
        wb.merged_regions_by_sheet(&sheet)
            .into_iter()
            .map(|(_, _, d)| (d.start, d.end))
            .collect()
    } else {
        Vec::new()
    };
    // Cell by cell rather than `worksheet_range*`: a range is allocated
    // densely, so two far-apart cells (A1 and XFD1048576) would need billions
    // of slots.
    let mut reader = match wb.worksheet_cells_reader(&sheet) {
        Ok(reader) => reader,
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(_) => return Err(unreadable()),
    };
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut budget = GridBudget::default();
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(_) => return Err(unreadable()),
        };
        let (row, col) = cell.get_position();
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        budget.text(text.len())?;
        if row >= EXCEL_MAX_ROWS {
            return Err(unreadable());
        }
        let (row, col) = (row as usize, col as usize);
        if col >= MAX_COLS {
            continue;
        }
        if grid.len() <= row {
            budget.cells(row + 1 - grid.len())?;
            grid.resize_with(row + 1, Vec::new);
        }
        let Some(cells) = grid.get_mut(row) else {
            continue;
        };
        if cells.is_empty() {
            budget.non_empty_row()?;
        }
        if cells.len() <= col {
            budget.cells(col + 1 - cells.len())?;
            cells.resize(col + 1, String::new());
        }
        if let Some(slot) = cells.get_mut(col) {
            *slot = text;
        }
    }
    fill_merged(&mut grid, &regions);
    Ok(grid)
}

/// Bytes of an .xlsx file → grid of the first (visible) worksheet. Numbers:
/// integers without ".0" (375 → "375", 375.5 → "375.5"); an ID number stored
/// as a number is written out in full, never as 5.3e17 (Excel keeps only 15
/// significant digits, so such an ID usually fails its check digit). Dates →
/// "YYYY-MM-DD"; booleans → "TRUE"/"FALSE"; empty → "". Merged cells are
/// filled (see the module docs).
pub fn xlsx_grid(bytes: &[u8]) -> Result<Vec<Vec<String>>, RowError> {
    // calamine 0.31 parses cell references with unchecked arithmetic, which
    // panics on crafted files in builds with overflow checks; treat a panic
    // as an unreadable file.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_xlsx(bytes)))
        .unwrap_or_else(|_| Err(RowError::file(Problem::UnreadableFile)))
}

/// Dispatch on the file name's extension (case-insensitive): .csv →
/// [`csv_grid`], .xlsx → [`xlsx_grid`], else `UnsupportedFileType`; then
/// [`parse_grid`]. A ".csv" that is really a workbook (zip signature) is read
/// as one.
pub fn parse_file(
    file_name: &str,
    bytes: &[u8],
    defaults: &Defaults,
) -> Result<Vec<ImportRow>, Vec<RowError>> {
    let extension = file_name
        .trim()
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let grid = match extension.as_str() {
        "csv" if bytes.starts_with(b"PK\x03\x04") => xlsx_grid(bytes),
        "csv" => csv_grid(bytes),
        "xlsx" => xlsx_grid(bytes),
        _ => Err(RowError::file(Problem::UnsupportedFileType)),
    }
    .map_err(|e| vec![e])?;
    parse_grid(&grid, defaults)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEADER: [&str; 7] = [
        "户主姓名",
        "身份证号",
        "保障人数",
        "月保障金额",
        "保障类别",
        "保障档次",
        "变动情况",
    ];
    /// Valid GB 11643 numbers (check digits computed independently).
    const ID_A: &str = "530621198503150022";
    const ID_B: &str = "530621197511080031";
    const ID_X: &str = "11010519491231002X";

    fn defaults() -> Defaults {
        Defaults {
            change: ChangeKind::New,
        }
    }

    fn grid(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    /// A grid with the full header on row 1 and `rows` below it.
    fn with_header(rows: &[[&str; 7]]) -> Vec<Vec<String>> {
        let mut all: Vec<&[&str]> = vec![&HEADER];
        all.extend(rows.iter().map(|r| r.as_slice()));
        grid(&all)
    }

    fn err(row: usize, column: &'static str, problem: Problem) -> RowError {
        RowError {
            row,
            column: Some(column),
            problem,
        }
    }

    fn problems(
        result: Result<Vec<ImportRow>, Vec<RowError>>,
    ) -> Vec<(usize, Option<&'static str>, Problem)> {
        result
            .expect_err("expected errors")
            .into_iter()
            .map(|e| (e.row, e.column, e.problem))
            .collect()
    }

    #[test]
    fn title_row_above_header_and_row_numbers() {
        let g = grid(&[
            &["龙泉村2026年11月低保审核公示名单"],
            &[],
            &[
                "序号",
                "户主姓名",
                "保障人数",
                "月保障金额（元）",
                "保障类别",
            ],
            &["1", "张三丰", "3", "1125", "一般保障二类"],
            &["", "", "", "", ""],
            &["2", "李四", "1", "375.5", "兜底保障"],
        ]);
        let rows = parse_grid(&g, &defaults()).expect("valid");
        assert_eq!(
            rows,
            vec![
                ImportRow {
                    row: 4,
                    head_name: "张三丰".into(),
                    id_number: None,
                    persons: 3,
                    monthly_fen: 112_500,
                    category: "yiban".into(),
                    aid_class: Some(2),
                    change: "new".into(),
                },
                ImportRow {
                    row: 6,
                    head_name: "李四".into(),
                    id_number: None,
                    persons: 1,
                    monthly_fen: 37_550,
                    category: "doudi".into(),
                    aid_class: None,
                    change: "new".into(),
                },
            ]
        );
    }

    #[test]
    fn header_spellings() {
        let cases: &[(&[&str], bool)] = &[
            (&["户主姓名", "保障人数", "月保障金额", "保障类别"], true),
            (
                &[" 户主 姓名 ", "保障人数(人)", "月保障金额（元）", "类别"],
                true,
            ),
            (
                &["*姓名", "人数（人）", "金额(元/月)", "保障对象类别"],
                true,
            ),
            (&["申请人", "家庭人口", "月补差金额", "保障类别"], true),
            (&["NAME", "Persons", "Amount", "CATEGORY"], true),
            (&["户主", "共同生活人数", "月发放金额", "类别"], true),
            // No persons column: never recognised as a header.
            (&["户主姓名", "月保障金额", "保障类别"], false),
        ];
        for (header, ok) in cases {
            let mut g = grid(&[header]);
            g.push(
                ["王芳", "2", "600", "兜底"][..header.len()]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            );
            let result = parse_grid(&g, &defaults());
            assert_eq!(result.is_ok(), *ok, "{header:?}: {result:?}");
        }
    }

    #[test]
    fn preferred_column_when_two_match() {
        // "姓名" (member name) left of "户主姓名": the more specific one wins.
        let g = grid(&[
            &["姓名", "户主姓名", "人数", "保障人数", "金额", "保障类别"],
            &["王小明", "王大明", "9", "2", "600", "兜底"],
        ]);
        let rows = parse_grid(&g, &defaults()).expect("valid");
        assert_eq!(rows[0].head_name, "王大明");
        assert_eq!(rows[0].persons, 2);
    }

    #[test]
    fn combined_category_cell() {
        type Want = Result<(&'static str, Option<u8>), (&'static str, Problem)>;
        let cases: &[(&str, &str, Want)] = &[
            ("兜底保障", "", Ok(("doudi", None))),
            ("兜底", "", Ok(("doudi", None))),
            ("一般保障", "", Ok(("yiban", None))),
            ("yiban", "", Ok(("yiban", None))),
            ("兜底保障一类", "", Ok(("doudi", Some(1)))),
            ("一般保障 二类", "", Ok(("yiban", Some(2)))),
            ("一般/3类", "", Ok(("yiban", Some(3)))),
            ("一般保障（三类）", "", Ok(("yiban", Some(3)))),
            ("兜底2", "", Ok(("doudi", Some(2)))),
            ("兜底保障第一类", "", Ok(("doudi", Some(1)))),
            ("一般保障户", "", Ok(("yiban", None))),
            ("兜底保障对象 一类", "", Ok(("doudi", Some(1)))),
            ("一般保障２类", "", Ok(("yiban", Some(2)))),
            ("兜底保障", "一类", Ok(("doudi", Some(1)))),
            ("兜底保障", "３", Ok(("doudi", Some(3)))),
            ("兜底保障", "二档", Ok(("doudi", Some(2)))),
            ("兜底保障一类", "1", Ok(("doudi", Some(1)))),
            (
                "兜底保障一类",
                "二类",
                Err(("保障档次", Problem::ClassInvalid)),
            ),
            ("兜底保障", "四类", Err(("保障档次", Problem::ClassInvalid))),
            ("兜底保障", "0", Err(("保障档次", Problem::ClassInvalid))),
            ("兜底保障四类", "", Err(("保障类别", Problem::ClassInvalid))),
            ("一般/12", "", Err(("保障类别", Problem::ClassInvalid))),
            ("特困", "", Err(("保障类别", Problem::CategoryInvalid))),
            ("二类", "", Err(("保障类别", Problem::CategoryInvalid))),
            ("", "一类", Err(("保障类别", Problem::CategoryInvalid))),
        ];
        for (category, class, want) in cases {
            let g = with_header(&[["赵六", "", "2", "700", category, class, ""]]);
            let got = parse_grid(&g, &defaults());
            match want {
                Ok((code, class)) => {
                    let rows = got.unwrap_or_else(|e| panic!("{category:?}/{class:?}: {e:?}"));
                    assert_eq!(rows[0].category, *code, "{category:?}/{class:?}");
                    assert_eq!(rows[0].aid_class, *class, "{category:?}/{class:?}");
                }
                Err((column, problem)) => {
                    assert_eq!(
                        got,
                        Err(vec![err(2, column, *problem)]),
                        "{category:?}/{class:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_row_problem() {
        let ok = ["张三", ID_A, "3", "1125", "一般保障", "二类", "新增"];
        let long_name = "阿".repeat(31);
        let cases: Vec<(usize, String, &'static str, Problem)> = vec![
            (0, "".into(), "户主姓名", Problem::NameMissing),
            (0, "   ".into(), "户主姓名", Problem::NameMissing),
            (0, "张三2".into(), "户主姓名", Problem::NameInvalid),
            (0, "张<三>".into(), "户主姓名", Problem::NameInvalid),
            (0, "张/三".into(), "户主姓名", Problem::NameInvalid),
            (0, "张\\三".into(), "户主姓名", Problem::NameInvalid),
            (0, "张\u{7}三".into(), "户主姓名", Problem::NameInvalid),
            (0, "张三（已故）".into(), "户主姓名", Problem::NameInvalid),
            (0, "·张三".into(), "户主姓名", Problem::NameInvalid),
            (0, long_name, "户主姓名", Problem::NameInvalid),
            (
                1,
                "530621198503150023".into(),
                "身份证号",
                Problem::IdNumberInvalid,
            ),
            (
                1,
                "53062119850315002".into(),
                "身份证号",
                Problem::IdNumberInvalid,
            ),
            (
                1,
                "5306211985031500221".into(),
                "身份证号",
                Problem::IdNumberInvalid,
            ),
            (
                1,
                "5.30621E+17".into(),
                "身份证号",
                Problem::IdNumberInvalid,
            ),
            // Right check digit, impossible birth date (1985-13-15).
            (
                1,
                "530621198513150018".into(),
                "身份证号",
                Problem::IdNumberInvalid,
            ),
            (2, "0".into(), "保障人数", Problem::PersonsInvalid),
            (2, "21".into(), "保障人数", Problem::PersonsInvalid),
            (2, "三".into(), "保障人数", Problem::PersonsInvalid),
            (2, "2.5".into(), "保障人数", Problem::PersonsInvalid),
            (2, "".into(), "保障人数", Problem::PersonsInvalid),
            (3, "-375".into(), "月保障金额", Problem::AmountInvalid),
            (3, "375.555".into(), "月保障金额", Problem::AmountInvalid),
            (3, "三百".into(), "月保障金额", Problem::AmountInvalid),
            (3, "".into(), "月保障金额", Problem::AmountInvalid),
            (3, "#VALUE!".into(), "月保障金额", Problem::AmountInvalid),
            (4, "特困供养".into(), "保障类别", Problem::CategoryInvalid),
            (5, "5".into(), "保障档次", Problem::ClassInvalid),
            (6, "新".into(), "变动情况", Problem::ChangeInvalid),
            (6, "取消".into(), "变动情况", Problem::ChangeInvalid),
        ];
        for (col, value, column, problem) in cases {
            let mut row = ok.map(String::from);
            row[col] = value.clone();
            let g = vec![HEADER.map(String::from).to_vec(), row.to_vec()];
            assert_eq!(
                parse_grid(&g, &defaults()),
                Err(vec![err(2, column, problem)]),
                "{value:?}"
            );
        }
        // Sanity check: the base row itself is valid.
        let g = with_header(&[ok]);
        assert!(parse_grid(&g, &defaults()).is_ok());
        // The impossible-date case has a correct check digit.
        let weights = [7u32, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let body = b"53062119851315001";
        let sum: u32 = body
            .iter()
            .zip(weights)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        assert_eq!(b"10X98765432"[(sum % 11) as usize], b'8');
    }

    #[test]
    fn cell_normalisation() {
        let cases: &[([&str; 7], ImportRow)] = &[
            (
                [
                    "  张  三 ",
                    " 530621 19850315 0022 ",
                    "３",
                    "￥1,125.50元",
                    "一般保障",
                    "２类",
                    " 增发 ",
                ],
                ImportRow {
                    row: 2,
                    head_name: "张三".into(),
                    id_number: Some(ID_A.into()),
                    persons: 3,
                    monthly_fen: 112_550,
                    category: "yiban".into(),
                    aid_class: Some(2),
                    change: "increase".into(),
                },
            ),
            (
                [
                    "John   Smith",
                    "11010519491231002x",
                    "1",
                    "0",
                    "兜底",
                    "",
                    "stop",
                ],
                ImportRow {
                    row: 2,
                    head_name: "John Smith".into(),
                    id_number: Some(ID_X.into()),
                    persons: 1,
                    monthly_fen: 0,
                    category: "doudi".into(),
                    aid_class: None,
                    change: "stop".into(),
                },
            ),
            (
                [
                    "买买提•艾力",
                    "'530621197511080031",
                    "2人",
                    "600",
                    "兜底保障",
                    "第三类",
                    "续保",
                ],
                ImportRow {
                    row: 2,
                    head_name: "买买提·艾力".into(),
                    id_number: Some(ID_B.into()),
                    persons: 2,
                    monthly_fen: 60_000,
                    category: "doudi".into(),
                    aid_class: Some(3),
                    change: "renew".into(),
                },
            ),
            (
                [
                    "\u{3000}欧阳\u{3000}娜娜",
                    "=\"１１０１０５１９４９１２３１００２Ｘ\"",
                    "20",
                    "375.5",
                    "一般",
                    "",
                    "",
                ],
                ImportRow {
                    row: 2,
                    head_name: "欧阳娜娜".into(),
                    id_number: Some(ID_X.into()),
                    persons: 20,
                    monthly_fen: 37_550,
                    category: "yiban".into(),
                    aid_class: None,
                    change: "new".into(),
                },
            ),
        ];
        for (row, want) in cases {
            let got = parse_grid(&with_header(&[*row]), &defaults());
            assert_eq!(got, Ok(vec![want.clone()]), "{row:?}");
        }
    }

    #[test]
    fn default_change_applies_without_column() {
        let g = grid(&[
            &["户主姓名", "保障人数", "月保障金额", "保障类别"],
            &["刘一", "2", "500", "一般保障"],
        ]);
        for kind in ChangeKind::ALL {
            let rows = parse_grid(&g, &Defaults { change: *kind }).expect("valid");
            assert_eq!(rows[0].change, kind.as_str());
        }
    }

    #[test]
    fn all_errors_reported_at_once() {
        let g = with_header(&[
            ["张三", "", "3", "1125", "一般保障", "", ""], // row 2 ok
            ["李四", "", "0", "abc", "兜底", "", ""],      // row 3: persons + amount
            ["王五", "", "2", "600", "一般", "", ""],      // row 4 ok
            ["", "123", "2", "600", "其他", "", "新"],     // row 5: name, id, category, change
            ["赵六", "", "2", "600", "兜底保障一类", "三类", ""], // row 6: class conflict
        ]);
        assert_eq!(
            problems(parse_grid(&g, &defaults())),
            vec![
                (3, Some("保障人数"), Problem::PersonsInvalid),
                (3, Some("月保障金额"), Problem::AmountInvalid),
                (5, Some("户主姓名"), Problem::NameMissing),
                (5, Some("身份证号"), Problem::IdNumberInvalid),
                (5, Some("保障类别"), Problem::CategoryInvalid),
                (5, Some("变动情况"), Problem::ChangeInvalid),
                (6, Some("保障档次"), Problem::ClassInvalid),
            ]
        );
    }

    #[test]
    fn errors_follow_file_column_order() {
        // Amount column left of the name column in this file.
        let g = grid(&[
            &["月保障金额", "保障类别", "户主姓名", "保障人数"],
            &["x", "兜底", "", "2"],
        ]);
        assert_eq!(
            problems(parse_grid(&g, &defaults())),
            vec![
                (2, Some("月保障金额"), Problem::AmountInvalid),
                (2, Some("户主姓名"), Problem::NameMissing),
            ]
        );
    }

    #[test]
    fn duplicates() {
        type Case = (
            &'static [[&'static str; 2]],
            Vec<(usize, Option<&'static str>, Problem)>,
        );
        let cases: Vec<Case> = vec![
            // Same ID on two rows → the later row.
            (
                &[["张三", ID_A], ["李四", ID_A]],
                vec![(3, Some("身份证号"), Problem::DuplicateIdNumber)],
            ),
            // Same ID written differently still counts.
            (
                &[["张三", ID_X], ["张三", "11010519491231002x"]],
                vec![(3, Some("身份证号"), Problem::DuplicateIdNumber)],
            ),
            // Same name, no IDs.
            (
                &[["张三", ""], ["李四", ""], ["张 三", ""], ["张三", ""]],
                vec![
                    (4, Some("户主姓名"), Problem::DuplicateName),
                    (5, Some("户主姓名"), Problem::DuplicateName),
                ],
            ),
            // Latin names compare case-insensitively.
            (
                &[["Anna Li", ""], ["ANNA LI", ""]],
                vec![(3, Some("户主姓名"), Problem::DuplicateName)],
            ),
            // An invalid ID is reported as such, not as a duplicate name.
            (
                &[["张三", ""], ["张三", "123"]],
                vec![(3, Some("身份证号"), Problem::IdNumberInvalid)],
            ),
        ];
        for (rows, want) in cases {
            let full: Vec<[&str; 7]> = rows
                .iter()
                .map(|[name, id]| [*name, *id, "2", "600", "兜底", "", ""])
                .collect();
            assert_eq!(
                problems(parse_grid(&with_header(&full), &defaults())),
                want,
                "{rows:?}"
            );
        }
        let fine: &[&[[&str; 2]]] = &[
            // Same name, one has an ID.
            &[["张三", ID_A], ["张三", ""]],
            // Same name, different IDs.
            &[["张三", ID_A], ["张三", ID_B]],
            &[["张三", ""], ["张三", ID_B]],
        ];
        for rows in fine {
            let full: Vec<[&str; 7]> = rows
                .iter()
                .map(|[name, id]| [*name, *id, "2", "600", "兜底", "", ""])
                .collect();
            let got = parse_grid(&with_header(&full), &defaults());
            assert_eq!(got.map(|r| r.len()), Ok(2), "{rows:?}");
        }
    }

    #[test]
    fn file_level_problems() {
        let missing = |row: usize, cols: &[&'static str]| -> Vec<RowError> {
            cols.iter()
                .map(|c| RowError {
                    row,
                    column: Some(c),
                    problem: Problem::MissingColumn,
                })
                .collect()
        };
        let file = |p: Problem| {
            vec![RowError {
                row: 0,
                column: None,
                problem: p,
            }]
        };
        let cases: Vec<(Vec<Vec<String>>, Vec<RowError>)> = vec![
            (vec![], file(Problem::EmptyFile)),
            (grid(&[&[], &["", "  "]]), file(Problem::EmptyFile)),
            (
                grid(&[&["户主姓名", "保障人数", "月保障金额", "保障类别"]]),
                file(Problem::EmptyFile),
            ),
            (
                grid(&[
                    &["户主姓名", "保障人数", "月保障金额", "保障类别"],
                    &["合计", "", "", ""],
                ]),
                file(Problem::EmptyFile),
            ),
            (
                grid(&[
                    &["标题"],
                    &["户主姓名", "保障人数", "备注"],
                    &["张三", "2", ""],
                ]),
                missing(2, &["月保障金额", "保障类别"]),
            ),
            (
                grid(&[&["名字", "人口", "钱"], &["张三", "2", "3"]]),
                missing(0, &["户主姓名", "保障人数", "月保障金额", "保障类别"]),
            ),
        ];
        for (g, want) in cases {
            assert_eq!(parse_grid(&g, &defaults()), Err(want), "{g:?}");
        }
        // The header must be among the first 10 non-empty rows.
        let mut g: Vec<Vec<String>> = (0..10).map(|i| vec![format!("说明{i}")]).collect();
        g.extend(grid(&[
            &["户主姓名", "保障人数", "月保障金额", "保障类别"],
            &["张三", "2", "3", "兜底"],
        ]));
        assert_eq!(problems(parse_grid(&g, &defaults())).len(), 4);
        g.remove(0);
        assert!(parse_grid(&g, &defaults()).is_ok());
    }

    #[test]
    fn too_many_rows() {
        let row = |n: usize| vec!["张三".to_string(), "2".into(), n.to_string(), "兜底".into()];
        let mut g = vec![vec![
            "户主姓名".to_string(),
            "保障人数".into(),
            "月保障金额".into(),
            "保障类别".into(),
        ]];
        g.extend((0..=MAX_ROWS).map(row));
        assert_eq!(
            parse_grid(&g, &defaults()),
            Err(vec![RowError {
                row: 0,
                column: None,
                problem: Problem::TooManyRows
            }])
        );
    }

    #[test]
    fn totals_and_repeated_headers_are_skipped() {
        let g = grid(&[
            &["户主姓名", "保障人数", "月保障金额", "保障类别"],
            &["张三", "2", "600", "兜底"],
            &["合  计", "2", "600", ""],
            &[],
            &["大河村名单"],
            &["户主姓名", "保障人数", "月保障金额", "保障类别"],
            &["李四", "1", "375", "一般"],
        ]);
        // The stray title row is a data row with no persons etc.
        let errs = problems(parse_grid(&g, &defaults()));
        assert!(errs.iter().all(|e| e.0 == 5), "{errs:?}");
        let mut g = g;
        g.remove(4);
        let rows = parse_grid(&g, &defaults()).expect("valid");
        assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 6]);
    }

    #[test]
    fn messages() {
        let e = err(5, "保障人数", Problem::PersonsInvalid);
        assert_eq!(
            e.message(false),
            "第5行「保障人数」：保障人数应为1到20之间的整数"
        );
        assert_eq!(
            e.message(true),
            "Row 5, 保障人数: persons covered must be a whole number from 1 to 20"
        );
        let f = RowError {
            row: 0,
            column: None,
            problem: Problem::EmptyFile,
        };
        assert_eq!(f.message(false), "文件中没有可导入的数据行");
        assert_eq!(f.message(true), "the file has no data rows to import");
        let m = RowError {
            row: 0,
            column: Some("保障类别"),
            problem: Problem::MissingColumn,
        };
        assert!(m.message(false).starts_with("「保障类别」："));
        assert!(m.message(true).starts_with("保障类别: "));
        let r = RowError {
            row: 7,
            column: None,
            problem: Problem::NameMissing,
        };
        assert_eq!(r.message(false), "第7行：户主姓名不能为空");
        assert_eq!(
            r.message(true),
            "Row 7: the head of household's name is empty"
        );

        let all = [
            Problem::MissingColumn,
            Problem::EmptyFile,
            Problem::TooManyRows,
            Problem::NameMissing,
            Problem::NameInvalid,
            Problem::PersonsInvalid,
            Problem::AmountInvalid,
            Problem::CategoryInvalid,
            Problem::ClassInvalid,
            Problem::ChangeInvalid,
            Problem::IdNumberInvalid,
            Problem::DuplicateIdNumber,
            Problem::DuplicateName,
            Problem::UnreadableFile,
            Problem::UnsupportedFileType,
            Problem::TooLargeUnpacked,
        ];
        let zh: std::collections::HashSet<_> = all.iter().map(|p| p.zh()).collect();
        let en: std::collections::HashSet<_> = all.iter().map(|p| p.en()).collect();
        assert_eq!(
            (zh.len(), en.len()),
            (all.len(), all.len()),
            "distinct texts"
        );
        for p in all {
            assert!(p.zh().chars().any(is_han), "{p:?}");
            assert!(
                p.en().is_ascii() || p.en().contains('·') || p.en().chars().any(is_han),
                "{p:?}"
            );
        }
    }

    #[test]
    fn import_row_json_round_trip() {
        let row = ImportRow {
            row: 9,
            head_name: "张三".into(),
            id_number: Some(ID_A.into()),
            persons: 3,
            monthly_fen: 112_500,
            category: "yiban".into(),
            aid_class: Some(2),
            change: "new".into(),
        };
        let json = serde_json::to_string(&row).expect("serialize");
        assert_eq!(
            serde_json::from_str::<ImportRow>(&json).expect("deserialize"),
            row
        );
    }

    // ---- CSV ----

    const CSV_TEXT: &str = "户主姓名,保障人数,月保障金额,保障类别\n张三丰,3,1125,一般保障二类\n";

    fn csv_rows(bytes: &[u8]) -> Result<Vec<ImportRow>, Vec<RowError>> {
        parse_file("名单.csv", bytes, &defaults())
    }

    #[test]
    fn csv_encodings() {
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(CSV_TEXT);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&gbk).is_err(), "really GBK");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(CSV_TEXT.as_bytes());
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in CSV_TEXT.replace(',', "\t").encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let crlf = CSV_TEXT.replace('\n', "\r\n");
        let inputs: [(&str, &[u8]); 5] = [
            ("utf-8", CSV_TEXT.as_bytes()),
            ("gbk", &gbk),
            ("utf-8 bom", &bom),
            ("utf-16 tabs", &utf16),
            ("crlf", crlf.as_bytes()),
        ];
        for (label, bytes) in inputs {
            let rows = csv_rows(bytes).unwrap_or_else(|e| panic!("{label}: {e:?}"));
            assert_eq!(rows.len(), 1, "{label}");
            assert_eq!(rows[0].head_name, "张三丰", "{label}");
            assert_eq!(rows[0].row, 2, "{label}");
            assert_eq!(
                (rows[0].category.as_str(), rows[0].aid_class),
                ("yiban", Some(2)),
                "{label}"
            );
            assert_eq!(rows[0].monthly_fen, 112_500, "{label}");
        }
        // The BOM does not leak into the first header cell.
        assert_eq!(csv_grid(&bom).expect("grid")[0][0], "户主姓名");
    }

    #[test]
    fn csv_quoted_fields_and_row_numbers() {
        let text = "\"龙泉村公示名单, 2026年11月\"\n\n户主姓名,保障人数,月保障金额,保障类别,备注\n\
                    \"张三\",\"3\",\"1,125.50\",\"一般保障,二类\",\"第一行\n第二行\"\n\n李四,1,375,兜底\n  \n王五,x,375,兜底";
        let g = csv_grid(text.as_bytes()).expect("grid");
        assert_eq!(g[0], ["龙泉村公示名单, 2026年11月"]);
        assert!(g[1].is_empty());
        assert_eq!(g[3][2], "1,125.50");
        assert_eq!(g[3][4], "第一行\n第二行");
        let errs = problems(csv_rows(text.as_bytes()));
        // Row numbers as Excel shows them: blank lines count, the quoted
        // line break does not.
        assert_eq!(errs, vec![(8, Some("保障人数"), Problem::PersonsInvalid)]);
        let fixed = text.replace("王五,x", "王五,2");
        let rows = csv_rows(fixed.as_bytes()).expect("valid");
        assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [4, 6, 8]);
        assert_eq!(rows[0].monthly_fen, 112_550);
        assert_eq!(rows[0].aid_class, Some(2));
    }

    #[test]
    fn csv_size_limits() {
        let too_many = |r: Result<Vec<ImportRow>, Vec<RowError>>| {
            r == Err(vec![RowError {
                row: 0,
                column: None,
                problem: Problem::TooManyRows,
            }])
        };
        let header = "户主姓名,保障人数,月保障金额,保障类别\n";
        // Just over the row limit: rejected by parse_grid.
        let rows = format!("{header}{}", "张三,2,600,兜底\n".repeat(MAX_ROWS + 1));
        assert!(too_many(csv_rows(rows.as_bytes())));
        // Far over it: reading stops early.
        let lines = "x\n".repeat(MAX_GRID_ROWS + 1);
        assert!(too_many(
            csv_grid(lines.as_bytes())
                .map_err(|e| vec![e])
                .map(|_| vec![])
        ));
        // Very wide, or mostly blank lines: the cell budget stops it.
        let wide = ",".repeat(MAX_GRID_CELLS);
        assert!(too_many(
            csv_grid(wide.as_bytes())
                .map_err(|e| vec![e])
                .map(|_| vec![])
        ));
        let blank = format!("{header}{}张三,2,600,兜底\n", "\n".repeat(MAX_GRID_CELLS));
        assert!(too_many(csv_rows(blank.as_bytes())));
        // Exactly MAX_ROWS is fine.
        let rows = format!("{header}{}", "张三,2,600,兜底\n".repeat(MAX_ROWS));
        assert_eq!(csv_grid(rows.as_bytes()).map(|g| g.len()), Ok(MAX_ROWS + 1));
    }

    #[test]
    fn csv_unreadable() {
        let cases: &[&[u8]] = &[
            b"\x00\x01\x02\x03binary\x00",
            b"\xff\xff\xff\x80\x80",
            b"\xEF\xBB\xBF\xff\xfe\xfd",
        ];
        for bytes in cases {
            assert_eq!(
                csv_grid(bytes),
                Err(RowError {
                    row: 0,
                    column: None,
                    problem: Problem::UnreadableFile
                }),
                "{bytes:?}"
            );
        }
        assert_eq!(problems(csv_rows(b"")), vec![(0, None, Problem::EmptyFile)]);
    }

    // ---- XLSX ----

    fn sample_workbook() -> Vec<u8> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let title = Format::new();
        ws.merge_range(0, 0, 0, 6, "龙泉村2026年11月低保审核公示名单", &title)
            .expect("merge");
        for (col, h) in HEADER.iter().enumerate() {
            ws.write_string(2, col as u16, *h).expect("header");
        }
        // Row 4: ID typed as a number — Excel keeps 15 significant digits,
        // so it comes back as 530621199001011264 and fails the check digit.
        ws.write_string(3, 0, "张三").expect("w");
        ws.write_number(3, 1, 530_621_199_001_011_234_f64)
            .expect("w");
        ws.write_number(3, 2, 3).expect("w");
        ws.write_number(3, 3, 375.5).expect("w");
        ws.write_string(3, 4, "兜底保障一类").expect("w");
        // Rows 5–6: a valid ID stored as an (exactly representable) number,
        // and a category cell merged over two households.
        ws.write_string(4, 0, "李四").expect("w");
        ws.write_number(4, 1, 530_621_199_001_010_112_f64)
            .expect("w");
        ws.write_number(4, 2, 2).expect("w");
        ws.write_number(4, 3, 1125).expect("w");
        ws.merge_range(4, 4, 5, 4, "一般保障 二类", &Format::new())
            .expect("merge");
        ws.write_string(4, 6, "增发").expect("w");
        ws.write_string(5, 0, "王五").expect("w");
        ws.write_number(5, 2, 1).expect("w");
        ws.write_number(5, 3, 0.1 + 0.2).expect("w");
        ws.write_boolean(1, 9, true).expect("w");
        wb.save_to_buffer().expect("save")
    }

    #[test]
    fn xlsx_grid_cells() {
        let g = xlsx_grid(&sample_workbook()).expect("grid");
        assert_eq!(g[0][0], "龙泉村2026年11月低保审核公示名单");
        assert_eq!(g[1][9], "TRUE");
        assert_eq!(g[2][..7], HEADER);
        assert_eq!(g[3][1], "530621199001011264");
        assert!(!g[3][1].contains(['e', 'E', '.']));
        assert_eq!((g[3][2].as_str(), g[3][3].as_str()), ("3", "375.5"));
        assert_eq!(g[4][1], "530621199001010112");
        assert_eq!(g[4][3], "1125");
        assert_eq!(g[5][4], "一般保障 二类", "merged cell filled down");
        assert_eq!(g[5][3], "0.3");
        assert_eq!(g.len(), 6);
    }

    #[test]
    fn xlsx_parse() {
        let bytes = sample_workbook();
        assert_eq!(
            problems(parse_file("名单.xlsx", &bytes, &defaults())),
            vec![(4, Some("身份证号"), Problem::IdNumberInvalid)]
        );
        // With the rounded ID fixed, the file imports.
        let mut g = xlsx_grid(&bytes).expect("grid");
        g[3][1] = "530621199001011238".into();
        let rows = parse_grid(&g, &defaults()).expect("valid");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].monthly_fen, 37_550);
        assert_eq!(
            (rows[0].category.as_str(), rows[0].aid_class),
            ("doudi", Some(1))
        );
        assert_eq!(rows[1].id_number.as_deref(), Some("530621199001010112"));
        assert_eq!(rows[1].change, "increase");
        assert_eq!(rows[2].row, 6);
        assert_eq!(
            (rows[2].category.as_str(), rows[2].aid_class),
            ("yiban", Some(2))
        );
        assert_eq!(rows[2].monthly_fen, 30);
        // Upper-case extension, and a workbook mistakenly named .csv.
        assert_eq!(
            parse_file("名单.XLSX", &bytes, &defaults()),
            parse_file("名单.xlsx", &bytes, &defaults())
        );
        assert_eq!(
            parse_file("名单.csv", &bytes, &defaults()),
            parse_file("名单.xlsx", &bytes, &defaults())
        );
    }

    #[test]
    fn xlsx_first_visible_sheet() {
        use rust_xlsxwriter::Workbook;
        let mut wb = Workbook::new();
        let hidden = wb.add_worksheet();
        hidden.write_string(0, 0, "配置").expect("w");
        let visible = wb.add_worksheet();
        for (col, h) in ["户主姓名", "保障人数", "月保障金额", "保障类别"]
            .iter()
            .enumerate()
        {
            visible.write_string(0, col as u16, *h).expect("w");
        }
        for (col, v) in ["张三", "2", "600", "兜底"].iter().enumerate() {
            visible.write_string(1, col as u16, *v).expect("w");
        }
        visible.set_active(true);
        wb.worksheet_from_index(0).expect("sheet").set_hidden(true);
        let bytes = wb.save_to_buffer().expect("save");
        let rows = parse_file("a.xlsx", &bytes, &defaults()).expect("valid");
        assert_eq!(rows[0].head_name, "张三");
    }

    #[test]
    fn unsupported_and_unreadable_files() {
        let file = |p: Problem| {
            Err(vec![RowError {
                row: 0,
                column: None,
                problem: p,
            }])
        };
        let cases: Vec<(&str, Vec<u8>, Problem)> = vec![
            (
                "名单.xls",
                b"\xD0\xCF\x11\xE0".to_vec(),
                Problem::UnsupportedFileType,
            ),
            (
                "名单.txt",
                CSV_TEXT.as_bytes().to_vec(),
                Problem::UnsupportedFileType,
            ),
            (
                "名单",
                CSV_TEXT.as_bytes().to_vec(),
                Problem::UnsupportedFileType,
            ),
            (
                "名单.pdf",
                b"%PDF-1.4".to_vec(),
                Problem::UnsupportedFileType,
            ),
            (
                "名单.xlsx",
                b"this is not a workbook \x00\xff".to_vec(),
                Problem::UnreadableFile,
            ),
            ("名单.xlsx", Vec::new(), Problem::UnreadableFile),
            (
                "名单.xlsx",
                CSV_TEXT.as_bytes().to_vec(),
                Problem::UnreadableFile,
            ),
            (
                "名单.xlsx",
                b"PK\x03\x04\x14\x00garbage".to_vec(),
                Problem::UnreadableFile,
            ),
            (
                "名单.csv",
                b"PK\x03\x04\x14\x00garbage".to_vec(),
                Problem::UnreadableFile,
            ),
        ];
        for (name, bytes, problem) in cases {
            assert_eq!(
                parse_file(name, &bytes, &defaults()),
                file(problem),
                "{name}"
            );
        }
        // A truncated real workbook.
        let mut bytes = sample_workbook();
        bytes.truncate(bytes.len() / 2);
        assert_eq!(
            parse_file("x.xlsx", &bytes, &defaults()),
            file(Problem::UnreadableFile)
        );
    }

    /// A minimal zip with stored (uncompressed) entries, for crafted sheets.
    fn stored_zip(files: &[(&str, &str)]) -> Vec<u8> {
        fn crc32(data: &[u8]) -> u32 {
            let mut crc = 0xFFFF_FFFFu32;
            for &b in data {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, body) in files {
            let offset = out.len() as u32;
            let (crc, size, name_len) =
                (crc32(body.as_bytes()), body.len() as u32, name.len() as u16);
            let common = |v: &mut Vec<u8>| {
                v.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
                v.extend_from_slice(&crc.to_le_bytes());
                v.extend_from_slice(&size.to_le_bytes());
                v.extend_from_slice(&size.to_le_bytes());
                v.extend_from_slice(&name_len.to_le_bytes());
                v.extend_from_slice(&0u16.to_le_bytes());
            };
            out.extend_from_slice(b"PK\x03\x04");
            common(&mut out);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(body.as_bytes());
            central.extend_from_slice(b"PK\x01\x02\x14\x00");
            common(&mut central);
            // Comment length, disk, internal and external attributes.
            central.extend_from_slice(&[0; 10]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let central_offset = out.len() as u32;
        let count = files.len() as u16;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&central_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    fn crafted_xlsx(sheet_data: &str) -> Vec<u8> {
        let sheet = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{sheet_data}</sheetData></worksheet>"
        );
        stored_zip(&[
            ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"),
            ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
            ("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"),
            ("xl/worksheets/sheet1.xml", &sheet),
        ])
    }

    #[test]
    fn zip_bombs_are_refused_before_calamine_reads_them() {
        use std::io::Write;
        // A real workbook whose shared strings are 2 MiB of one letter (about 1000:1 packed).
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("xl/sharedStrings.xml", opts).expect("start");
        w.write_all(b"<sst><si><t>").expect("write");
        w.write_all(&vec![b'A'; 2 << 20]).expect("write");
        w.write_all(b"</t></si></sst>").expect("write");
        let bomb = w.finish().expect("finish").into_inner();
        assert_eq!(
            parse_file("x.xlsx", &bomb, &defaults()),
            Err(vec![RowError::file(Problem::TooLargeUnpacked)])
        );
        let e = RowError::file(Problem::TooLargeUnpacked);
        assert!(e.message(false).contains("解压后的内容太多"));
        assert!(e.message(true).contains("unpacks to too much data"));
    }

    #[test]
    fn one_shared_string_in_many_cells_is_bounded() {
        // 40 KB once in the file, referred to by `n` cells.
        let workbook = |n: usize| {
            let long = "长".repeat(40_000 / 3);
            let cells: String = (1..=n)
                .map(|r| format!("<row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>0</v></c></row>"))
                .collect();
            let sheet = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{cells}</sheetData></worksheet>");
            let sst = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>{long}</t></si></sst>");
            stored_zip(&[
                ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"),
                ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
                ("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
                ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"),
                ("xl/sharedStrings.xml", &sst),
                ("xl/worksheets/sheet1.xml", &sheet),
            ])
        };
        assert_eq!(xlsx_grid(&workbook(10)).map(|g| g.len()), Ok(10));
        // 1,000 cells: 40 MB of copies.
        assert_eq!(
            xlsx_grid(&workbook(1000)),
            Err(RowError::file(Problem::TooLargeUnpacked))
        );
    }

    #[test]
    fn merged_areas_copy_a_bounded_amount_of_text() {
        let long = "x".repeat(1000);
        let mut grid: Vec<Vec<String>> = (0..40_000)
            .map(|_| vec![String::new(), String::new(), "k".to_owned()])
            .collect();
        grid[0][0].clone_from(&long);
        fill_merged(&mut grid, &[((0, 0), (39_999, 1))]);
        let copied: usize = grid.iter().flatten().map(String::len).sum();
        assert!(copied <= MERGE_FILL_TEXT_BYTES + 2 * 40_000, "{copied}");
        assert!(
            copied >= MERGE_FILL_TEXT_BYTES - 1000,
            "it fills up to the budget"
        );
        // A small area is filled completely.
        let mut grid = vec![
            vec!["a".to_owned(), String::new()],
            vec![String::new(), "b".to_owned()],
        ];
        fill_merged(&mut grid, &[((0, 0), (1, 0))]);
        assert_eq!(grid[1][0], "a");
    }

    #[test]
    fn crafted_workbooks_do_not_panic_or_explode() {
        let header = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>户主姓名</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>保障人数</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>金额</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>类别</t></is></c></row>";
        let data = "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>张三</t></is></c><c r=\"B2\"><v>2</v></c><c r=\"C2\"><v>600</v></c><c r=\"D2\" t=\"inlineStr\"><is><t>兜底</t></is></c></row>";
        // The hand-built zip itself is readable.
        let ok = crafted_xlsx(&format!("{header}{data}"));
        assert_eq!(
            parse_file("a.xlsx", &ok, &defaults()).map(|r| r.len()),
            Ok(1)
        );
        // A far-away cell is ignored (beyond the column cap) instead of
        // making a dense 1M × 16k range.
        let far = crafted_xlsx(&format!(
            "{header}{data}<row r=\"3\"><c r=\"XFD3\"><v>1</v></c></row>"
        ));
        assert_eq!(
            parse_file("a.xlsx", &far, &defaults()).map(|r| r.len()),
            Ok(1)
        );
        // Row beyond Excel's limit, and references that overflow calamine's
        // parser (a panic in debug builds) → unreadable, not a crash.
        for bad in [
            "<row r=\"1\"><c r=\"A4000000000\"><v>1</v></c></row>",
            "<row r=\"1\"><c r=\"A99999999999\"><v>1</v></c></row>",
            "<row r=\"99999999999\"><c><v>1</v></c></row>",
        ] {
            assert_eq!(
                xlsx_grid(&crafted_xlsx(bad)),
                Err(RowError {
                    row: 0,
                    column: None,
                    problem: Problem::UnreadableFile
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn number_formatting() {
        let cases: &[(f64, &str)] = &[
            (375.0, "375"),
            (375.5, "375.5"),
            (0.0, "0"),
            (-0.0, "0"),
            (0.1 + 0.2, "0.3"),
            (337.499_999_999_999_94, "337.5"),
            (1125.25, "1125.25"),
            (-3.0, "-3"),
            (530_621_199_001_010_112.0, "530621199001010112"),
            (1e-12, "0"),
            (f64::NAN, "NaN"),
        ];
        for &(f, want) in cases {
            assert_eq!(format_number(f), want, "{f:?}");
        }
    }

    proptest! {
        #[test]
        fn parse_grid_never_panics(
            g in proptest::collection::vec(
                proptest::collection::vec(
                    prop_oneof![
                        Just(String::new()),
                        Just("户主姓名".to_string()),
                        Just("保障人数".to_string()),
                        Just("月保障金额".to_string()),
                        Just("保障类别".to_string()),
                        Just("身份证号".to_string()),
                        Just("保障档次".to_string()),
                        Just("兜底保障一类".to_string()),
                        Just(ID_A.to_string()),
                        Just("张三".to_string()),
                        "\\PC{0,12}",
                        "[0-9０-９.,xX]{0,20}",
                    ],
                    0..9,
                ),
                0..15,
            )
        ) {
            match parse_grid(&g, &defaults()) {
                Ok(rows) => {
                    for r in rows {
                        prop_assert!((1..=20).contains(&r.persons));
                        prop_assert!(r.row >= 1 && r.row <= g.len());
                        prop_assert!(r.aid_class.is_none_or(|c| (1..=3).contains(&c)));
                    }
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    prop_assert!(errors.windows(2).all(|w| w[0].row <= w[1].row));
                }
            }
        }

        #[test]
        fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = csv_grid(&bytes);
            let _ = xlsx_grid(&bytes);
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend_from_slice(&bytes);
            let _ = xlsx_grid(&zipped);
        }

        #[test]
        fn id_check_digit(body in "[0-9]{6}(19[0-9]{2}|20[0-2][0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}") {
            let weights = [7u32, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
            let sum: u32 = body.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
            let check = char::from(b"10X98765432"[(sum % 11) as usize]);
            for c in ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'] {
                prop_assert_eq!(id_is_valid(&format!("{body}{c}")), c == check);
            }
        }
    }
}
