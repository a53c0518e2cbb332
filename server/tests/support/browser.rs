//! The headers a browser sends with a form of the site, set in this one place for the test
//! crates (`#[path = "…/support/browser.rs"] mod browser;`). The server refuses a form post
//! that says it came from another site (`sec-fetch-site`), so every test form goes this way.

/// `client.browser_post(url)`: a POST as a browser sends a form of the site.
pub trait BrowserExt {
    fn browser_post(&self, url: impl reqwest::IntoUrl) -> reqwest::RequestBuilder;
}

impl BrowserExt for reqwest::Client {
    fn browser_post(&self, url: impl reqwest::IntoUrl) -> reqwest::RequestBuilder {
        self.post(url)
            .header("accept", "text/html")
            .header("sec-fetch-site", "same-origin")
    }
}
