//! Staff-written Markdown → HTML that is safe to insert unescaped.
//!
//! pulldown-cmark renders; ammonia then keeps only a strict allow-list (no scripts, no event
//! handlers, no styles, no iframes, only http(s)/mailto/tel links and relative ones). The
//! result is wrapped in [`SafeHtml`], the only type the views accept for `inner_html`.

use pulldown_cmark::{html, Options, Parser};

/// HTML that went through the sanitiser. The field is private: the only way to make one is
/// [`render`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Markdown → sanitised HTML.
pub fn render(markdown: &str) -> SafeHtml {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    SafeHtml(sanitiser().clean(&raw).to_string())
}

/// The first `max_chars` characters of the words of staff-written Markdown, as plain text on one
/// line (a page's search description). Markup and raw HTML are left out.
pub fn plain_text(markdown: &str, max_chars: usize) -> String {
    use pulldown_cmark::Event;
    let mut words = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => words.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => words.push(' '),
            _ => {}
        }
    }
    let one_line = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = one_line.chars().take(max_chars).collect();
    if one_line.chars().count() > max_chars {
        out.push('…');
    }
    out
}

fn sanitiser() -> ammonia::Builder<'static> {
    let tags = [
        "p",
        "br",
        "hr",
        "h2",
        "h3",
        "h4",
        "strong",
        "em",
        "del",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ];
    let mut b = ammonia::Builder::empty();
    b.add_tags(tags)
        .add_tag_attributes("a", ["href", "title"])
        .add_tag_attributes("th", ["align"])
        .add_tag_attributes("td", ["align"])
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders() {
        let h = render(
            "## 谁可以申请\n\n- 家庭人均收入低于**当地低保标准**\n\n[办事指南](/policy/apply)",
        );
        assert!(h.as_str().contains("<h2>谁可以申请</h2>"));
        assert!(h.as_str().contains("<strong>当地低保标准</strong>"));
        assert!(h
            .as_str()
            .contains(r#"<a href="/policy/apply" rel="noopener noreferrer nofollow">"#));
    }

    #[test]
    fn plain_text_for_descriptions() {
        let md = "## 谁可以申请\n\n- 家庭人均收入低于**当地低保标准**\n\n<script>x</script>\n[办事指南](/policy/apply)";
        assert_eq!(
            plain_text(md, 100),
            "谁可以申请 家庭人均收入低于当地低保标准 办事指南"
        );
        assert_eq!(plain_text(md, 5), "谁可以申请…");
    }

    #[test]
    fn hostile_html_is_removed() {
        let cases = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<p style=\"background:url(javascript:alert(1))\">x</p>",
            "<div style=\"width: expression(alert(1))\">x</div>",
            "<svg onload=alert(1)>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<form action=\"https://evil.example\"><input name=x></form>",
            "<object data=\"x.swf\"></object>",
            "<p onclick=\"alert(1)\">x</p>",
        ];
        for c in cases {
            let out = render(c);
            let lower = out.as_str().to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "javascript:",
                "<iframe",
                "style=",
                "expression(",
                "<svg",
                "onload",
                "data:text",
                "<form",
                "<input",
                "<object",
                "onclick",
            ] {
                assert!(!lower.contains(bad), "{c} → {out:?} contains {bad}");
            }
        }
    }
}
