//! The region tree from the statistical division codes (统计用区划代码): 12 digits, 2 for the
//! province, 2 the prefecture, 2 the county, 3 the township, 3 the village. A code's level and
//! parent follow from its zeros, so a province's list of codes and names is enough to load its
//! tree (`sunshine regions import`).

use std::collections::HashSet;

use super::is_region_code;

/// What a code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CodeLevel {
    /// 省 (`530000000000`) and 市/州 (`530600000000`): above the tree, whose roots are counties.
    AboveCounty,
    County,
    Township,
    Village,
}

/// The level of a 12-digit code (`None` for anything else, or a code whose county part is 00).
pub fn level_of(code: &str) -> Option<CodeLevel> {
    if !is_region_code(code) {
        return None;
    }
    let zeros = |r: std::ops::Range<usize>| code[r].bytes().all(|b| b == b'0');
    if zeros(0..2) {
        return None;
    }
    Some(if zeros(4..12) {
        CodeLevel::AboveCounty
    } else if zeros(6..12) {
        CodeLevel::County
    } else if zeros(4..6) {
        // A township or village without a county part.
        return None;
    } else if zeros(9..12) {
        CodeLevel::Township
    } else if zeros(6..9) {
        return None;
    } else {
        CodeLevel::Village
    })
}

/// Whether a code above the counties is a province's (`53` and ten zeros) or a prefecture's.
pub fn upper_level(code: &str) -> &'static str {
    if code.get(2..).is_some_and(|r| r.bytes().all(|b| b == b'0')) {
        "province"
    } else {
        "prefecture"
    }
}

/// The prefecture (市、州) a county's code belongs to: its first four digits.
pub fn prefecture_of(county_code: &str) -> String {
    format!("{}00000000", county_code.get(..4).unwrap_or("0000"))
}

/// The code of the region a township or village belongs to.
pub fn parent_code(code: &str, level: CodeLevel) -> Option<String> {
    match level {
        CodeLevel::Township => Some(format!("{}000000", &code[..6])),
        CodeLevel::Village => Some(format!("{}000", &code[..9])),
        CodeLevel::County | CodeLevel::AboveCounty => None,
    }
}

/// One region to load: its code, level, parent's code and names, and the file row it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRegion {
    pub row: usize,
    pub code: String,
    pub level: CodeLevel,
    pub parent: Option<String>,
    pub name_zh: String,
    pub name_en: Option<String>,
}

/// What a file of codes and names becomes: the regions to load, parents before children, and
/// the names of the province and prefectures above them (kept beside the tree).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub regions: Vec<PlannedRegion>,
    pub above: Vec<PlannedRegion>,
}

pub const NAME_MAX: usize = 40;

/// Reads rows of `code, name[, English name]` (a first row whose first cell is not a code is a
/// header). Every problem is reported with its row; the plan is only returned when there is none.
pub fn plan<'a>(
    rows: impl IntoIterator<Item = (usize, Vec<&'a str>)>,
) -> Result<Plan, Vec<String>> {
    let mut plan = Plan::default();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for (i, (row, cells)) in rows.into_iter().enumerate() {
        let cell = |n: usize| cells.get(n).map_or("", |c| c.trim());
        let code = cell(0);
        if i == 0 && !code.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if code.is_empty() && cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(level) = level_of(code) else {
            problems.push(format!(
                "第 {row} 行：“{}”不是 12 位统计用区划代码 (row {row}: not a 12-digit division code)",
                code.chars().take(20).collect::<String>()
            ));
            continue;
        };
        if !seen.insert(code.to_owned()) {
            problems.push(format!(
                "第 {row} 行：代码 {code} 重复 (row {row}: code {code} appears twice)"
            ));
            continue;
        }
        let name = cell(1);
        let name_ok = |n: &str| n.chars().count() <= NAME_MAX && !n.chars().any(char::is_control);
        if name.is_empty() || !name_ok(name) {
            problems.push(format!(
                "第 {row} 行：名称应为 1 到 {NAME_MAX} 个字 (row {row}: the name has 1 to {NAME_MAX} characters)"
            ));
            continue;
        }
        let name_en = Some(cell(2)).filter(|n| !n.is_empty());
        if name_en.is_some_and(|n| !name_ok(n)) {
            problems.push(format!(
                "第 {row} 行：英文名称最多 {NAME_MAX} 个字符 (row {row}: the English name has at most {NAME_MAX} characters)"
            ));
            continue;
        }
        let region = PlannedRegion {
            row,
            code: code.to_owned(),
            level,
            parent: parent_code(code, level),
            name_zh: name.to_owned(),
            name_en: name_en.map(str::to_owned),
        };
        if level == CodeLevel::AboveCounty {
            plan.above.push(region);
        } else {
            plan.regions.push(region);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // Parents first (a county before its townships before their villages), file order within.
    plan.regions.sort_by_key(|r| r.level);
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_from_the_zeros() {
        assert_eq!(level_of("530000000000"), Some(CodeLevel::AboveCounty));
        assert_eq!(level_of("530600000000"), Some(CodeLevel::AboveCounty));
        assert_eq!(level_of("530621000000"), Some(CodeLevel::County));
        assert_eq!(level_of("530621103000"), Some(CodeLevel::Township));
        assert_eq!(level_of("530621103201"), Some(CodeLevel::Village));
        assert_eq!(level_of("000000000000"), None);
        assert_eq!(
            level_of("530600103000"),
            None,
            "a township without a county"
        );
        assert_eq!(
            level_of("530621000201"),
            None,
            "a village without a township"
        );
        assert_eq!(level_of("53062110320"), None);
        assert_eq!(level_of("53062110320x"), None);
        assert_eq!(
            parent_code("530621103201", CodeLevel::Village).as_deref(),
            Some("530621103000")
        );
        assert_eq!(
            parent_code("530621103000", CodeLevel::Township).as_deref(),
            Some("530621000000")
        );
    }

    fn rows(text: &str) -> Vec<(usize, Vec<&str>)> {
        text.lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.split(',').collect()))
            .collect()
    }

    #[test]
    fn a_province_file_loads_parents_first_and_skips_what_is_above_counties() {
        let p = plan(rows(
            "统计用区划代码,名称,英文名称\n530000000000,云南省\n530600000000,昭通市\n\
             530622101201,示范村\n530622101000,白鹤滩镇,Baihetan\n530622000000,巧家县,Qiaojia\n\n",
        ))
        .expect("valid");
        assert_eq!(p.above.len(), 2);
        assert_eq!(upper_level(&p.above[0].code), "province");
        assert_eq!(upper_level(&p.above[1].code), "prefecture");
        assert_eq!(prefecture_of("530622000000"), p.above[1].code);
        let codes: Vec<&str> = p.regions.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["530622000000", "530622101000", "530622101201"]);
        assert_eq!(p.regions[1].name_en.as_deref(), Some("Baihetan"));
        assert_eq!(p.regions[2].parent.as_deref(), Some("530622101000"));
        assert_eq!(p.regions[2].row, 4, "rows as the file numbers them");
    }

    #[test]
    fn every_bad_row_is_named_and_nothing_is_planned() {
        let long = "村".repeat(41);
        let text = format!(
            "530622000000,巧家县\n5306221012,短码\n530622000000,重复\n530622101000,\n530622101201,{long}\n'; DROP TABLE regions;--,x"
        );
        let problems = plan(rows(&text)).expect_err("invalid");
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].starts_with("第 2 行"));
        assert!(problems[1].contains("重复"));
        assert!(problems[2].starts_with("第 4 行") && problems[2].contains("名称"));
        assert!(problems[3].starts_with("第 5 行"));
        assert!(problems[4].starts_with("第 6 行"));
    }
}
