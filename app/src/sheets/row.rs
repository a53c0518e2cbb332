//! Cells and rows: each cell parsed into its typed value, each row checked, duplicates found.

use std::collections::HashMap;

use crate::domain::id_number::is_valid as id_is_valid;

use super::grid::*;
use super::*;

// ---------------------------------------------------------------------------
// Cell parsers
// ---------------------------------------------------------------------------

pub(super) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2fa1f}'
        | '\u{30000}'..='\u{323af}'
        | '〇')
}

pub(super) fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (('\u{c0}'..='\u{24f}').contains(&c) && c.is_alphabetic())
}

/// Collapses whitespace; keeps a space only between two Latin letters
/// ("John Smith"), so "张  三" becomes "张三". Middle-dot variants become '·'.
pub(super) fn normalize_name(raw: &str) -> String {
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

pub(super) fn check_name(name: &str) -> Result<(), Problem> {
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
pub(super) fn normalize_id(raw: &str) -> String {
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

/// "一类", "1类", "第一类", "２", "二档" → class 1..=3.
pub(super) fn parse_class(raw: &str) -> Option<u8> {
    let s: String = raw.chars().filter(|c| !is_blank(*c)).collect();
    let s = s.strip_suffix('档').unwrap_or(&s);
    AidClass::parse_zh(s).ok().map(AidClass::get)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ClassPart {
    Absent,
    Valid(u8),
    Invalid,
}

/// Splits a category cell that may also hold the class: "兜底保障一类",
/// "一般保障 二类", "一般/3类", "兜底（1）". `None` if no category is found.
pub(super) fn parse_category(raw: &str) -> Option<(AidCategory, ClassPart)> {
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
    pub(super) const PREFIXES: [(&str, AidCategory); 6] = [
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
pub(super) enum IdCell {
    Empty,
    Valid(String),
    Invalid,
}

/// One row's result, kept for the duplicate checks.
pub(super) struct Checked {
    row: usize,
    /// Normalised, valid name (lowercased for comparison).
    name_key: Option<String>,
    id: IdCell,
    parsed: Option<ImportRow>,
}

pub(super) fn check_row(
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
        .map_err(|_| fail(Field::Amount, Problem::AmountInvalid))
        .ok();

    let (category, aid_class) = category_and_class(cells, cols, &mut fail);
    let change = change_of(cells, cols, defaults, &mut fail);

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
                category,
                aid_class,
                change,
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

/// The row's category and class (档次): the class may stand in the category's cell (一类低保),
/// in its own column, or both when they agree.
fn category_and_class(
    cells: &[String],
    cols: &Columns,
    fail: &mut impl FnMut(Field, Problem),
) -> (Option<AidCategory>, Option<u8>) {
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
    (category, aid_class)
}

/// The row's change (新增, 停发 …); the list's default when the cell is empty.
fn change_of(
    cells: &[String],
    cols: &Columns,
    defaults: &Defaults,
    fail: &mut impl FnMut(Field, Problem),
) -> Option<ChangeKind> {
    let change_raw: String = cell(cells, cols.get(Field::Change))
        .chars()
        .filter(|c| !is_blank(*c))
        .collect();
    if change_raw.is_empty() {
        return Some(defaults.change);
    }
    ChangeKind::parse_zh(&change_raw)
        .map_err(|_| fail(Field::Change, Problem::ChangeInvalid))
        .ok()
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
    let (header_index, cols) = find_header(grid)?;
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
    find_duplicates(&checked, &mut errors);
    if errors.is_empty() {
        return Ok(checked.into_iter().filter_map(|c| c.parsed).collect());
    }
    errors.sort_by_key(|e| (e.row, cols.order(e.column)));
    Err(errors)
}

/// The header row (its index in `grid`) and the columns it names: the first row, among the
/// first [`HEADER_SCAN_ROWS`] that are not empty, naming both the name and the persons column.
/// `Err`: the file is empty, or has no such row, or the row lacks a required column.
fn find_header(grid: &[Vec<String>]) -> Result<(usize, Columns), Vec<RowError>> {
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
    Ok((header_index, cols))
}

/// Adds to `errors` every row that repeats an earlier row's ID number or, where neither has
/// one, its name.
fn find_duplicates(checked: &[Checked], errors: &mut Vec<RowError>) {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut names_without_id: HashMap<&str, usize> = HashMap::new();
    for c in checked {
        let (seen, key, field, problem) = match (&c.id, &c.name_key) {
            (IdCell::Valid(id), _) => (&mut ids, id, Field::IdNumber, Problem::DuplicateIdNumber),
            (IdCell::Empty, Some(name)) => (
                &mut names_without_id,
                name,
                Field::Name,
                Problem::DuplicateName,
            ),
            _ => continue,
        };
        if seen.insert(key.as_str(), c.row).is_some() {
            errors.push(RowError {
                row: c.row,
                column: Some(field.header()),
                problem,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::test_support::*;
    use proptest::prelude::*;
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
                    monthly_fen: Fen::from_fen(112_500),
                    category: AidCategory::General,
                    aid_class: Some(2),
                    change: ChangeKind::New,
                },
                ImportRow {
                    row: 6,
                    head_name: "李四".into(),
                    id_number: None,
                    persons: 1,
                    monthly_fen: Fen::from_fen(37_550),
                    category: AidCategory::Basic,
                    aid_class: None,
                    change: ChangeKind::New,
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
                    assert_eq!(rows[0].category.as_str(), *code, "{category:?}/{class:?}");
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
                    monthly_fen: Fen::from_fen(112_550),
                    category: AidCategory::General,
                    aid_class: Some(2),
                    change: ChangeKind::Increase,
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
                    monthly_fen: Fen::from_fen(0),
                    category: AidCategory::Basic,
                    aid_class: None,
                    change: ChangeKind::Stop,
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
                    monthly_fen: Fen::from_fen(60_000),
                    category: AidCategory::Basic,
                    aid_class: Some(3),
                    change: ChangeKind::Renew,
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
                    monthly_fen: Fen::from_fen(37_550),
                    category: AidCategory::General,
                    aid_class: None,
                    change: ChangeKind::New,
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
            assert_eq!(rows[0].change, *kind);
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
            monthly_fen: Fen::from_fen(112_500),
            category: AidCategory::General,
            aid_class: Some(2),
            change: ChangeKind::New,
        };
        let json = serde_json::to_string(&row).expect("serialize");
        assert_eq!(
            serde_json::from_str::<ImportRow>(&json).expect("deserialize"),
            row
        );
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
