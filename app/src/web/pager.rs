//! Pages of a long public list: `?page=N` (1 is the newest), a fixed number of rows a page, and
//! "newer"/"older" links — plain links a phone follows without script.

use leptos::prelude::*;
use serde::Deserialize;

use crate::error::AppError;
use crate::i18n::{Lang, Msg};

/// The deepest page a list goes to: whatever a URL asks, the rows skipped stay bounded.
pub const MAX_PAGE: u32 = 10_000;

/// The query of a paged list: `?page=N` (kept as typed, for [`Pager::parse`] to judge).
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub page: Option<String>,
}

/// Which page of a list, and how many rows a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pager {
    pub page: u32,
    pub per_page: u32,
}

impl Pager {
    /// The page a query asks for: none (or empty) is the first; otherwise a whole number from 1
    /// to [`MAX_PAGE`], or a 4xx that says so.
    pub fn parse(raw: Option<&str>, per_page: u32, lang: Lang) -> Result<Pager, AppError> {
        let page = match raw.map(str::trim) {
            None | Some("") => Some(1),
            Some(s) => s.parse::<u32>().ok().filter(|n| (1..=MAX_PAGE).contains(n)),
        };
        match page {
            Some(page) => Ok(Pager { page, per_page }),
            None => Err(AppError::invalid("page", lang.t(Msg::PageNumberRule))),
        }
    }

    /// Rows to skip before this page.
    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    /// Rows to ask the database for: one more than a page, to learn whether an older page exists.
    pub fn fetch(&self) -> i64 {
        i64::from(self.per_page) + 1
    }

    /// Cuts what was fetched to this page; whether older rows are left.
    pub fn cut<T>(&self, rows: &mut Vec<T>) -> bool {
        let page = self.per_page as usize;
        let older = rows.len() > page;
        rows.truncate(page);
        older
    }
}

/// The address of page `page` of the list at `base` (a path, perhaps with the list's filters as a
/// query). The first page is `base` itself, as linked from everywhere else, so it is one page in
/// any cache.
pub fn page_href(base: &str, page: u32) -> String {
    match (page <= 1, base.contains('?')) {
        (true, _) => base.to_owned(),
        (false, false) => format!("{base}?page={page}"),
        (false, true) => format!("{base}&page={page}"),
    }
}

/// "Newer" and "older" links under a list; nothing when the list fits on one page.
#[component]
pub fn PagerLinks(
    lang: Lang,
    #[prop(into)] base: String,
    pager: Pager,
    older: bool,
) -> impl IntoView {
    let newer = (pager.page > 1).then(|| {
        view! { <a href=page_href(&base, pager.page - 1) rel="prev">{lang.t(Msg::PageNewer)}</a> }
    });
    let older = older.then(|| {
        view! { <a href=page_href(&base, pager.page + 1) rel="next">{lang.t(Msg::PageOlder)}</a> }
    });
    (newer.is_some() || older.is_some()).then(
        || view! { <nav class="pager" aria-label=lang.t(Msg::PagesLabel)>{newer}{older}</nav> },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(raw: Option<&str>) -> Option<u32> {
        Pager::parse(raw, 50, Lang::Zh).ok().map(|p| p.page)
    }

    #[test]
    fn a_page_is_a_whole_number_from_one_to_the_deepest() {
        assert_eq!(page(None), Some(1));
        assert_eq!(page(Some("")), Some(1));
        assert_eq!(page(Some("2")), Some(2));
        assert_eq!(page(Some(" 3 ")), Some(3));
        assert_eq!(page(Some("10000")), Some(MAX_PAGE));
        for bad in [
            "0",
            "-1",
            "10001",
            "1.5",
            "abc",
            "99999999999999999999",
            "1; DROP TABLE draws",
        ] {
            assert_eq!(page(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn offsets_count_whole_pages_and_one_more_row_tells_of_an_older_page() {
        let p = Pager {
            page: 3,
            per_page: 50,
        };
        assert_eq!(p.offset(), 100);
        assert_eq!(p.fetch(), 51);
        let mut rows: Vec<u32> = (0..51).collect();
        assert!(p.cut(&mut rows));
        assert_eq!(rows.len(), 50);
        let mut rows: Vec<u32> = (0..50).collect();
        assert!(!p.cut(&mut rows));
        assert_eq!(rows.len(), 50);
        let deepest = Pager {
            page: MAX_PAGE,
            per_page: 50,
        };
        assert_eq!(deepest.offset(), 499_950);
    }

    #[test]
    fn the_first_page_is_the_bare_path() {
        assert_eq!(page_href("/draws", 1), "/draws");
        assert_eq!(page_href("/draws", 2), "/draws?page=2");
        assert_eq!(
            page_href("/staff/cases?village=1", 1),
            "/staff/cases?village=1"
        );
        assert_eq!(
            page_href("/staff/cases?village=1", 3),
            "/staff/cases?village=1&page=3"
        );
    }
}
