//! Columns of the header row and the cleaning of cells every reader shares.

// ---------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Name,
    Persons,
    Amount,
    Category,
    Class,
    Change,
    IdNumber,
}

impl Field {
    pub(super) const ALL: [Field; 7] = [
        Field::Name,
        Field::Persons,
        Field::Amount,
        Field::Category,
        Field::Class,
        Field::Change,
        Field::IdNumber,
    ];
    pub(super) const REQUIRED: [Field; 4] =
        [Field::Name, Field::Persons, Field::Amount, Field::Category];

    pub(super) const fn index(self) -> usize {
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
    pub(super) const fn header(self) -> &'static str {
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
    pub(super) const fn aliases(self) -> &'static [&'static str] {
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
pub(super) struct Columns([Option<usize>; 7]);

impl Columns {
    pub(super) fn from_header(row: &[String]) -> Columns {
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

    pub(super) fn get(&self, field: Field) -> Option<usize> {
        self.0.get(field.index()).copied().flatten()
    }

    /// Sort key for errors: the column's position in the file.
    pub(super) fn order(&self, column: Option<&'static str>) -> usize {
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

pub(super) fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}')
}

pub fn clean(cell: &str) -> &str {
    cell.trim_matches(is_blank)
}

/// Header text without spaces, '*' markers or a unit suffix; Latin lowercased.
pub fn normalize_header(cell: &str) -> String {
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

pub fn is_empty_row(row: &[String]) -> bool {
    row.iter().all(|c| clean(c).is_empty())
}

/// A totals row such as "合计 | | 35 | 12000".
pub(super) fn is_totals_row(row: &[String]) -> bool {
    row.iter().any(|c| {
        let s: String = c.chars().filter(|c| !is_blank(*c)).collect();
        let s = s.trim_end_matches([':', '：']);
        matches!(s, "合计" | "总计" | "小计")
    })
}

pub(super) fn cell(row: &[String], col: Option<usize>) -> &str {
    col.and_then(|i| row.get(i)).map_or("", |c| clean(c))
}
