//! The comparison file itself, with no database: its rows checked one by one, its header found, and
//! a sorted index of the recipients' ID numbers to match it against.

use super::*;

// ---------------------------------------------------------------------------
// Rows (pure)
// ---------------------------------------------------------------------------

/// An ID number that passed the GB 11643 check: 18 ASCII characters, the check character
/// upper-case. Bytes, not a `String`: a million take 18 MB. No `Debug` or `Display`, so that it
/// cannot reach a log.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdNumber([u8; 18]);

impl IdNumber {
    /// What was typed or pasted (spaces, full-width digits, a lower-case x are tidied first).
    pub fn parse(raw: &str) -> Option<IdNumber> {
        let n = id_number::normalize(raw);
        if !id_number::is_valid(&n) {
            return None;
        }
        n.as_bytes().try_into().ok().map(IdNumber)
    }

    pub fn as_str(&self) -> &str {
        // Always ASCII (checked in `parse`).
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The first 17 digits as a number: they determine the check character, so the whole ID.
    pub fn key(&self) -> u64 {
        self.0
            .iter()
            .take(17)
            .fold(0, |k, d| k * 10 + u64::from(d.wrapping_sub(b'0')))
    }
}

/// Why a row of the file names no recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowProblem {
    IdMissing,
    IdInvalid,
    SourceMissing,
    SourceTooLong,
    FindingMissing,
    FindingTooLong,
    /// A valid number, but no current recipient in the uploader's scope has it (whether someone
    /// elsewhere does is not said).
    Unmatched,
}

impl RowProblem {
    pub const ALL: [RowProblem; 7] = [
        RowProblem::IdMissing,
        RowProblem::IdInvalid,
        RowProblem::SourceMissing,
        RowProblem::SourceTooLong,
        RowProblem::FindingMissing,
        RowProblem::FindingTooLong,
        RowProblem::Unmatched,
    ];

    /// As stored in `comparison_problems.problem`.
    pub fn code(self) -> &'static str {
        match self {
            RowProblem::IdMissing => "id_missing",
            RowProblem::IdInvalid => "id_invalid",
            RowProblem::SourceMissing => "source_missing",
            RowProblem::SourceTooLong => "source_too_long",
            RowProblem::FindingMissing => "finding_missing",
            RowProblem::FindingTooLong => "finding_too_long",
            RowProblem::Unmatched => "unmatched",
        }
    }

    pub fn parse(code: &str) -> Option<RowProblem> {
        RowProblem::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn msg(self) -> Msg {
        match self {
            RowProblem::IdMissing => Msg::ComparisonIdMissing,
            RowProblem::IdInvalid => Msg::ComparisonIdInvalid,
            RowProblem::SourceMissing => Msg::ComparisonSourceMissing,
            RowProblem::SourceTooLong => Msg::ComparisonSourceTooLong,
            RowProblem::FindingMissing => Msg::ComparisonFindingMissing,
            RowProblem::FindingTooLong => Msg::ComparisonFindingTooLong,
            RowProblem::Unmatched => Msg::ComparisonUnmatchedReason,
        }
    }
}

/// A valid row.
#[derive(Clone, PartialEq, Eq)]
pub struct Row<'a> {
    pub id: IdNumber,
    pub source: Cow<'a, str>,
    pub finding: Cow<'a, str>,
}

/// Characters that would break a line or turn text around on a staff page: control characters,
/// line and paragraph separators, and the bidirectional overrides and isolates.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text as it is stored and shown: trimmed, and every run of white space or control characters
/// one space. Borrows when there is nothing to change (the usual case).
pub fn tidy(s: &str) -> Cow<'_, str> {
    let s = clean(s);
    let mut previous_space = false;
    let untidy = s.chars().any(|c| {
        let sep = is_separator(c);
        let bad = sep && (c != ' ' || previous_space);
        previous_space = sep;
        bad
    });
    if !untidy {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for part in s.split(is_separator).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    Cow::Owned(out)
}

/// Checks one row's three cells; the first problem found is the row's reason.
pub fn check_row<'a>(id: &str, source: &'a str, finding: &'a str) -> Result<Row<'a>, RowProblem> {
    if clean(id).is_empty() {
        return Err(RowProblem::IdMissing);
    }
    let id = IdNumber::parse(id).ok_or(RowProblem::IdInvalid)?;
    let source = tidy(source);
    if source.is_empty() {
        return Err(RowProblem::SourceMissing);
    }
    if source.chars().count() > SOURCE_MAX_CHARS {
        return Err(RowProblem::SourceTooLong);
    }
    let finding = tidy(finding);
    if finding.is_empty() {
        return Err(RowProblem::FindingMissing);
    }
    if finding.chars().count() > FINDING_MAX_CHARS {
        return Err(RowProblem::FindingTooLong);
    }
    Ok(Row {
        id,
        source,
        finding,
    })
}

/// Where the three columns are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub id: usize,
    pub source: usize,
    pub finding: usize,
}

/// The columns of a header row, if it has all three (each by its most specific spelling, then
/// the leftmost).
pub fn find_columns(cells: &[&str]) -> Option<Columns> {
    let headers: Vec<String> = cells.iter().map(|c| normalize_header(c)).collect();
    let pick = |aliases: &[&str]| {
        aliases
            .iter()
            .find_map(|a| headers.iter().position(|h| h == a))
    };
    Some(Columns {
        id: pick(ID_HEADERS)?,
        source: pick(SOURCE_HEADERS)?,
        finding: pick(FINDING_HEADERS)?,
    })
}

/// The ID numbers of the recipients in scope, sorted, each leading to one household: where a
/// number is a recipient's head and a member of another recipient's case, the head's; then the
/// lowest household id.
pub struct IdIndex(Vec<(u64, i64)>);

impl IdIndex {
    /// From (key, is a case member rather than the head, household).
    pub fn new(mut entries: Vec<(u64, bool, i64)>) -> IdIndex {
        entries.sort_unstable();
        entries.dedup_by_key(|e| e.0);
        IdIndex(entries.into_iter().map(|(key, _, h)| (key, h)).collect())
    }

    pub fn get(&self, id: &IdNumber) -> Option<i64> {
        let key = id.key();
        let at = self.0.binary_search_by_key(&key, |e| e.0).ok()?;
        self.0.get(at).map(|e| e.1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

// ---------------------------------------------------------------------------
// The file
// ---------------------------------------------------------------------------

/// Why a whole file was refused (nothing is written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// From the shared spreadsheet readers: not .csv/.xlsx, unreadable, unpacks to too much, an
    /// .xlsx with more than 100,000 rows.
    Read(RowError),
    NoHeader,
    NoRows,
    TooManyRows,
}

impl FileError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            FileError::Read(e) => e.message(lang == Lang::En),
            FileError::NoHeader => lang.t(Msg::ComparisonNoHeader).to_owned(),
            FileError::NoRows => lang.t(Msg::ComparisonNoRows).to_owned(),
            FileError::TooManyRows => lang.t(Msg::ComparisonTooManyRows).to_owned(),
        }
    }
}

/// A comparison file in memory: the text of a .csv, or the cells of an .xlsx.
pub enum Sheet {
    Csv(String),
    Grid(Vec<Vec<String>>),
}

impl Sheet {
    /// By the name's extension, with the publicity import's readers (UTF-8 with or without BOM,
    /// GBK, UTF-16; .xlsx behind the zip-bomb guard).
    pub fn read(file_name: &str, bytes: Vec<u8>) -> Result<Sheet, FileError> {
        match import::file_kind(file_name, &bytes).map_err(FileError::Read)? {
            FileKind::Csv => decode_owned(bytes).map(Sheet::Csv).map_err(FileError::Read),
            FileKind::Xlsx => xlsx_grid(&bytes).map(Sheet::Grid).map_err(FileError::Read),
        }
    }

    /// Its data rows, after the header.
    pub fn rows(&self) -> Result<Rows<'_>, FileError> {
        let mut cursor = match self {
            Sheet::Csv(text) => Cursor::Csv(csv_records(text)),
            Sheet::Grid(grid) => Cursor::Grid { grid, at: 0 },
        };
        for _ in 0..HEADER_SCAN_ROWS {
            if cursor.advance()?.is_none() {
                break;
            }
            if let Some(cols) = find_columns(&cursor.cells()) {
                return Ok(Rows {
                    cursor,
                    cols,
                    data_rows: 0,
                });
            }
        }
        Err(FileError::NoHeader)
    }
}

/// Reads non-empty rows one at a time.
enum Cursor<'a> {
    Csv(CsvRecords<'a>),
    /// `at`: the index after the current row.
    Grid {
        grid: &'a [Vec<String>],
        at: usize,
    },
}

impl Cursor<'_> {
    /// Moves to the next non-empty row; its 1-based number.
    fn advance(&mut self) -> Result<Option<usize>, FileError> {
        match self {
            Cursor::Csv(records) => loop {
                match records.next_record().map_err(FileError::Read)? {
                    None => return Ok(None),
                    Some((row_no, record)) if record.iter().any(|c| !clean(c).is_empty()) => {
                        return Ok(Some(row_no))
                    }
                    Some(_) => {}
                }
            },
            Cursor::Grid { grid, at } => {
                while let Some(row) = grid.get(*at) {
                    *at += 1;
                    if !import::is_empty_row(row) {
                        return Ok(Some(*at));
                    }
                }
                Ok(None)
            }
        }
    }

    /// The cells of the current row.
    fn cells(&self) -> Vec<&str> {
        match self {
            Cursor::Csv(records) => records.record().iter().take(MAX_COLS).collect(),
            Cursor::Grid { grid, at } => at
                .checked_sub(1)
                .and_then(|i| grid.get(i))
                .map(|row| row.iter().take(MAX_COLS).map(String::as_str).collect())
                .unwrap_or_default(),
        }
    }
}

/// The data rows of a sheet.
pub struct Rows<'a> {
    cursor: Cursor<'a>,
    cols: Columns,
    data_rows: usize,
}

impl Rows<'_> {
    /// The next data row: its number, and the row checked. The header repeated (two files
    /// pasted one after the other) is skipped; more than [`MAX_ROWS`] rows refuse the file.
    #[allow(clippy::type_complexity)]
    pub fn next_row(&mut self) -> Result<Option<(usize, Result<Row<'_>, RowProblem>)>, FileError> {
        let row_no = loop {
            let Some(row_no) = self.cursor.advance()? else {
                return Ok(None);
            };
            let cells = self.cursor.cells();
            let id_cell = normalize_header(cells.get(self.cols.id).copied().unwrap_or(""));
            if !ID_HEADERS.contains(&id_cell.as_str()) {
                break row_no;
            }
        };
        self.data_rows += 1;
        if self.data_rows > MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        let cells = self.cursor.cells();
        let cell = |i: usize| cells.get(i).copied().unwrap_or("");
        Ok(Some((
            row_no,
            check_row(
                cell(self.cols.id),
                cell(self.cols.source),
                cell(self.cols.finding),
            ),
        )))
    }
}

/// What the first reading of a file found.
#[derive(Default)]
pub struct Checked {
    pub rows_total: usize,
    /// Every valid row: (row number, ID number), in file order.
    pub valid: Vec<(u32, IdNumber)>,
    pub malformed: usize,
    /// The first [`PROBLEMS_KEPT`] malformed rows.
    pub malformed_shown: Vec<(u32, RowProblem)>,
}

pub(super) fn row_u32(row_no: usize) -> u32 {
    u32::try_from(row_no).unwrap_or(u32::MAX)
}

/// Reads every row of a sheet once and checks it.
pub fn check(sheet: &Sheet) -> Result<Checked, FileError> {
    let mut rows = sheet.rows()?;
    let mut out = Checked::default();
    while let Some((row_no, checked)) = rows.next_row()? {
        out.rows_total += 1;
        match checked {
            Ok(row) => out.valid.push((row_u32(row_no), row.id)),
            Err(problem) => {
                out.malformed += 1;
                if out.malformed_shown.len() < PROBLEMS_KEPT {
                    out.malformed_shown.push((row_u32(row_no), problem));
                }
            }
        }
    }
    if out.rows_total == 0 {
        return Err(FileError::NoRows);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID_A: &str = "530621198503150022";
    const ID_X: &str = "11010519491231002X";

    #[test]
    fn rows_are_checked_with_one_reason_each() {
        let ok = check_row(ID_A, "不动产", "名下有商品房一套").expect("valid");
        assert_eq!(ok.id.as_str(), ID_A);
        assert_eq!((&*ok.source, &*ok.finding), ("不动产", "名下有商品房一套"));
        // What people paste: spaces, a lower-case x, full-width digits.
        let pasted = check_row(" 11010519491231002x ", " 车辆 ", "小型轿车\t1辆").expect("valid");
        assert_eq!(pasted.id.as_str(), ID_X);
        assert_eq!(&*pasted.finding, "小型轿车 1辆");
        let long = |n: usize| "字".repeat(n);
        let cases: Vec<(&str, String, String, RowProblem)> = vec![
            ("", "不动产".into(), "有房".into(), RowProblem::IdMissing),
            ("  ", "".into(), "".into(), RowProblem::IdMissing),
            (
                "530621198503150023",
                "不动产".into(),
                "有房".into(),
                RowProblem::IdInvalid,
            ),
            (
                "53062119850315002",
                "不动产".into(),
                "有房".into(),
                RowProblem::IdInvalid,
            ),
            // Excel turned it into a number and lost the last digits.
            (
                "5.30621E+17",
                "不动产".into(),
                "有房".into(),
                RowProblem::IdInvalid,
            ),
            (ID_A, "".into(), "有房".into(), RowProblem::SourceMissing),
            (
                ID_A,
                "\u{200b} ".into(),
                "有房".into(),
                RowProblem::SourceMissing,
            ),
            (
                ID_A,
                long(SOURCE_MAX_CHARS + 1),
                "有房".into(),
                RowProblem::SourceTooLong,
            ),
            (ID_A, "工商".into(), "".into(), RowProblem::FindingMissing),
            (
                ID_A,
                "工商".into(),
                long(FINDING_MAX_CHARS + 1),
                RowProblem::FindingTooLong,
            ),
        ];
        for (id, source, finding, want) in cases {
            assert_eq!(
                check_row(id, &source, &finding).err(),
                Some(want),
                "{id:?} {source:?} {finding:?}"
            );
        }
        assert!(check_row(ID_A, &long(SOURCE_MAX_CHARS), &long(FINDING_MAX_CHARS)).is_ok());
    }

    #[test]
    fn hostile_text_is_flattened() {
        assert!(matches!(tidy("社保"), Cow::Borrowed("社保")));
        assert!(matches!(tidy(" 社保 局 "), Cow::Borrowed("社保 局")));
        assert_eq!(tidy("a\r\nb\u{0}c"), "a b c");
        assert_eq!(tidy("殡葬\u{202e}txt.exe"), "殡葬 txt.exe");
        assert_eq!(tidy("a  \u{2028} b"), "a b");
        // Markup stays text; the page escapes it.
        assert_eq!(
            tidy("<script>alert(1)</script>"),
            "<script>alert(1)</script>"
        );
    }

    #[test]
    fn problem_codes_round_trip() {
        for p in RowProblem::ALL {
            assert_eq!(RowProblem::parse(p.code()), Some(p));
            assert!(!Lang::Zh.t(p.msg()).is_empty());
        }
        assert_eq!(RowProblem::parse("nonsense"), None);
    }

    #[test]
    fn header_columns_by_name_in_any_order() {
        assert_eq!(
            find_columns(&["身份证号", "来源", "发现"]),
            Some(Columns {
                id: 0,
                source: 1,
                finding: 2
            })
        );
        assert_eq!(
            find_columns(&["序号", "比对结果", "姓名", "公民身份号码 ", "数据来源"]),
            Some(Columns {
                id: 3,
                source: 4,
                finding: 1
            })
        );
        // The most specific spelling wins over an earlier, vaguer one.
        assert_eq!(
            find_columns(&["情况", "身份证号", "来源", "发现"]).map(|c| c.finding),
            Some(3)
        );
        assert_eq!(find_columns(&["身份证号", "来源"]), None);
        assert_eq!(find_columns(&[]), None);
    }

    fn csv(text: &str) -> Sheet {
        Sheet::read("比对.csv", text.as_bytes().to_vec()).expect("readable")
    }

    #[test]
    fn a_file_is_read_row_by_row_with_excel_row_numbers() {
        let text = format!(
            "\u{feff}县民政局信息比对结果\n\n身份证号,来源,发现\n{ID_A},不动产,有房\n\n\
             bad,车辆,有车\n身份证号,来源,发现\n{ID_X},\"工商\",\"个体户，\n经营中\"\n{ID_A},,有房\n"
        );
        let checked = check(&csv(&text)).expect("checked");
        assert_eq!(checked.rows_total, 4);
        let rows: Vec<u32> = checked.valid.iter().map(|(r, _)| *r).collect();
        assert_eq!(rows, [4, 8]);
        assert_eq!(checked.valid[1].1.as_str(), ID_X);
        assert_eq!(checked.malformed, 2);
        assert_eq!(
            checked.malformed_shown,
            [(6, RowProblem::IdInvalid), (9, RowProblem::SourceMissing)]
        );
    }

    #[test]
    fn whole_files_are_refused_with_a_reason() {
        let refused = |name: &str, bytes: &[u8]| {
            Sheet::read(name, bytes.to_vec())
                .and_then(|s| check(&s).map(|_| ()))
                .expect_err("refused")
        };
        assert!(matches!(
            refused("比对.pdf", b"%PDF-1.4"),
            FileError::Read(RowError { row: 0, .. })
        ));
        assert!(matches!(
            refused("比对.xlsx", b"not a workbook"),
            FileError::Read(_)
        ));
        assert_eq!(
            refused("比对.csv", "姓名,金额\n张三,1\n".as_bytes()),
            FileError::NoHeader
        );
        assert_eq!(
            refused("比对.csv", "身份证号,来源,发现\n\n".as_bytes()),
            FileError::NoRows
        );
        assert_eq!(
            refused("比对.csv", b"\x00\x01binary"),
            FileError::Read(RowError {
                row: 0,
                column: None,
                problem: import::Problem::UnreadableFile,
            })
        );
        let too_many = format!("身份证号,来源,发现\n{}", "x,y,z\n".repeat(MAX_ROWS + 1));
        assert_eq!(
            refused("比对.csv", too_many.as_bytes()),
            FileError::TooManyRows
        );
        for e in [
            FileError::NoHeader,
            FileError::NoRows,
            FileError::TooManyRows,
        ] {
            assert!(!e.message(Lang::Zh).is_empty());
        }
    }

    #[test]
    fn xlsx_files_are_read_too() {
        use rust_xlsxwriter::Workbook;
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["身份证号", "来源", "发现"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).expect("w");
        }
        ws.write_string(1, 0, ID_A).expect("w");
        ws.write_string(1, 1, "社保").expect("w");
        ws.write_string(1, 2, "领取城镇职工养老金").expect("w");
        ws.write_string(3, 0, "123").expect("w");
        ws.write_string(3, 1, "殡葬").expect("w");
        ws.write_string(3, 2, "已火化").expect("w");
        let bytes = wb.save_to_buffer().expect("save");
        let sheet = Sheet::read("比对.xlsx", bytes).expect("readable");
        let checked = check(&sheet).expect("checked");
        assert_eq!(checked.rows_total, 2);
        assert_eq!(checked.valid.first().map(|(r, _)| *r), Some(2));
        assert_eq!(checked.malformed_shown, [(4, RowProblem::IdInvalid)]);
        // The second reading gives the same rows with their text.
        let mut rows = sheet.rows().expect("rows");
        let (row_no, row) = rows.next_row().expect("read").expect("row");
        let row = row.expect("valid");
        assert_eq!((row_no, &*row.finding), (2, "领取城镇职工养老金"));
    }

    #[test]
    fn heads_come_before_members_then_the_lowest_household() {
        let id = |s: &str| IdNumber::parse(s).expect("valid");
        let (a, x) = (id(ID_A), id(ID_X));
        assert_eq!(a.key(), 53_062_119_850_315_002);
        assert_eq!(x.key(), 11_010_519_491_231_002);
        let index = IdIndex::new(vec![
            (a.key(), true, 9),
            (a.key(), false, 7),
            (a.key(), true, 3),
            (x.key(), true, 5),
            (x.key(), true, 4),
        ]);
        assert_eq!(index.len(), 2);
        assert_eq!(index.get(&a), Some(7));
        assert_eq!(index.get(&x), Some(4));
        assert_eq!(index.get(&id("110105194912300016")), None);
        assert_eq!(
            IdIndex::new(vec![(a.key(), true, 9), (a.key(), true, 3)]).get(&a),
            Some(3)
        );
        assert!(IdIndex::new(Vec::new()).is_empty());
    }
}
