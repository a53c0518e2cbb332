//! Resident ID numbers (居民身份证号码, GB 11643-1999). Staff-only data: checked here, never shown
//! on a public page.

/// Collapses what people type or paste: spaces removed, full-width digits and `x` made ASCII,
/// the check character upper-case.
pub fn normalize(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'x' | 'ｘ' | 'Ｘ' => 'X',
            c => c,
        })
        .collect()
}

/// The ISO 7064 MOD 11-2 check character of an ID number's first 17 digits (`None` unless
/// `body` is exactly 17 ASCII digits).
pub fn check_char(body: &[u8]) -> Option<u8> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [u8; 11] = *b"10X98765432";
    if body.len() != 17 || !body.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK.get((sum % 11) as usize).copied()
}

/// GB 11643-1999: 17 digits + ISO 7064 MOD 11-2 check character, with a real
/// birth date (YYYYMMDD at positions 7–14, year ≥ 1900).
pub fn is_valid(id: &str) -> bool {
    let bytes = id.as_bytes();
    let (Some(body), Some(&last)) = (bytes.get(..17), bytes.get(17)) else {
        return false;
    };
    if bytes.len() != 18 || check_char(body) != Some(last) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_and_birth_date() {
        assert!(is_valid("11010519491231002X"));
        assert!(is_valid("530621198503150022"));
        assert!(!is_valid("530621198503150023"));
        assert!(!is_valid("530621198513150022"));
        assert!(!is_valid("5306211985031500"));
        assert_eq!(check_char(b"11010519491231002"), Some(b'X'));
        assert_eq!(check_char(b"53062119850315002"), Some(b'2'));
        assert_eq!(check_char(b"5306211985031500"), None);
        assert_eq!(check_char(b"5306211985031500a"), None);
        assert_eq!(normalize(" 11010519491231002x "), "11010519491231002X");
        assert_eq!(
            normalize("１１０１０５１９４９１２３１００２ｘ"),
            "11010519491231002X"
        );
    }
}
