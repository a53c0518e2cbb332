//! `.csv` files: UTF-8 (with or without BOM), GBK or UTF-16 text → a grid of strings.

use super::grid::*;
use super::*;

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

pub(super) fn decode_text(bytes: &[u8]) -> Result<String, RowError> {
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
pub(super) fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    }
}

/// [`decode_text`] of a buffer the caller gives up: UTF-8 (with or without BOM), the usual
/// case, becomes the text in place, without a second copy of a large file.
pub fn decode_owned(bytes: Vec<u8>) -> Result<String, RowError> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            if text.contains('\0') {
                return Err(RowError::file(Problem::UnreadableFile));
            }
            Ok(text)
        }
        Err(e) => decode_text(e.as_bytes()),
    }
}

/// The records of a decoded .csv text, read one at a time (nothing is kept), each with its row
/// number as Excel shows it: blank lines count, a line break inside quotes does not. Blank lines
/// themselves are not returned. Tab-separated when the first line says so ([`sniff_delimiter`]).
pub struct CsvRecords<'a> {
    text: &'a str,
    reader: ::csv::Reader<&'a [u8]>,
    record: ::csv::StringRecord,
    row: usize,
}

pub fn csv_records(text: &str) -> CsvRecords<'_> {
    CsvRecords {
        text,
        reader: ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(sniff_delimiter(text))
            .from_reader(text.as_bytes()),
        record: ::csv::StringRecord::new(),
        row: 0,
    }
}

impl CsvRecords<'_> {
    /// The next record and its 1-based row number; `Ok(None)` at the end.
    pub fn next_record(&mut self) -> Result<Option<(usize, &::csv::StringRecord)>, RowError> {
        let line_before = self.reader.position().line();
        match self.reader.read_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(_) => return Err(RowError::file(Problem::UnreadableFile)),
        }
        // Lines the record itself spans beyond its first (quoted newlines), plus the
        // terminator if there is one, tell where it started.
        let position = self.reader.position();
        let inner_newlines: u64 = self
            .record
            .iter()
            .map(|f| f.matches('\n').count() as u64)
            .sum();
        let at_end_without_newline = usize::try_from(position.byte())
            .is_ok_and(|b| b >= self.text.len())
            && !self.text.ends_with(['\n', '\r']);
        let terminator = u64::from(!at_end_without_newline);
        let start_line = position
            .line()
            .saturating_sub(inner_newlines)
            .saturating_sub(terminator);
        let blank_lines =
            usize::try_from(start_line.saturating_sub(line_before)).unwrap_or(usize::MAX);
        self.row = self.row.saturating_add(blank_lines).saturating_add(1);
        Ok(Some((self.row, &self.record)))
    }

    /// The record [`next_record`](Self::next_record) returned last.
    pub fn record(&self) -> &::csv::StringRecord {
        &self.record
    }
}

/// Bytes of a .csv file → grid: strips a UTF-8 BOM; if not valid UTF-8,
/// decodes as GBK (UTF-16 with a BOM is also accepted); parses with the `csv`
/// crate (flexible, no header handling). Blank lines, which the csv crate
/// skips, are kept as empty rows so that row numbers match Excel's.
pub fn csv_grid(bytes: &[u8]) -> Result<Vec<Vec<String>>, RowError> {
    let text = decode_text(bytes)?;
    let mut records = csv_records(&text);
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut budget = GridBudget::default();
    while let Some((row_no, record)) = records.next_record()? {
        let blank_lines = row_no.saturating_sub(1).saturating_sub(grid.len());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::test_support::*;

    // ---- CSV ----

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
            assert_eq!(rows[0].monthly_fen.fen(), 112_500, "{label}");
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
        assert_eq!(rows[0].monthly_fen.fen(), 112_550);
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
}
