//! The WASM islands from the server's side: the bundle is served only when built (and built from
//! these sources), under content-hashed names with a year of caching; pages name one external
//! boot script and nothing else; the list filter works on the server alone (no JavaScript).

use std::path::Path;

use crate::both_backends;
use crate::helpers::{spawn_app, spawn_app_with, Backend, Options, TestApp};

both_backends!(
    bundle_is_served_hashed_and_cached,
    without_bundle_pages_name_no_script,
    stale_bundle_is_left_out,
    list_filter_works_without_javascript,
    hostile_filter_input_is_text_or_refused,
    island_props_hold_no_names,
    queue_filters_are_a_form_and_an_island,
);

const LONGQUAN: &str = "/v/530621103201";
/// A stand-in module carrying this build's mark, as the real one does.
fn wasm() -> Vec<u8> {
    [b"\0asm\x01\0\0\0", app::islands::BUILD_MARK.as_bytes()].concat()
}

/// A bundle as scripts/build-wasm leaves it, for this server's islands.
fn write_bundle(dir: &Path, islands: &[String]) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let js: String = islands
        .iter()
        .map(|n| format!("export function {n}(el) {{}}\n"))
        .collect();
    std::fs::write(dir.join("sunshine.js"), js).expect("js");
    std::fs::write(dir.join("sunshine_bg.wasm"), wasm()).expect("wasm");
}

async fn with_bundle(backend: Backend, islands: &[String]) -> (TestApp, tempfile::TempDir) {
    let pkg = tempfile::tempdir().expect("tempdir");
    write_bundle(pkg.path(), islands);
    let app = spawn_app_with(
        backend,
        Options {
            pkg_dir: Some(pkg.path().to_owned()),
            ..Options::default()
        },
    )
    .await;
    (app, pkg)
}

/// Every `<script …>` opening tag of a page.
fn script_tags(html: &str) -> Vec<String> {
    html.match_indices("<script")
        .map(|(i, _)| html[i..].split('>').next().unwrap_or_default().to_owned())
        .collect()
}

/// The `href`-like value after `attr="` in `tag`.
fn attr(tag: &str, attr: &str) -> String {
    let marker = format!("{attr}=\"");
    tag.split(&marker)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

async fn bundle_is_served_hashed_and_cached(backend: Backend) {
    let (app, _pkg) = with_bundle(backend, &app::web::assets::island_names()).await;
    let res = app.get(LONGQUAN).await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let html = res.text().await.expect("body");
    let tags = script_tags(&html);
    assert_eq!(tags.len(), 1, "{tags:?}");
    assert!(tags[0].contains(r#"type="module""#), "{}", tags[0]);
    let boot = attr(&tags[0], "src");
    assert!(
        boot.starts_with("/pkg/boot-") && boot.ends_with(".js"),
        "{boot}"
    );
    assert!(
        html.contains("<leptos-island"),
        "the page carries its islands"
    );
    // Pages without an island do not make the phone fetch the bundle.
    for path in ["/", "/track", "/stats"] {
        let (_, html) = app.get_text(path).await;
        assert!(!html.contains("<leptos-island"), "{path}");
        assert!(script_tags(&html).is_empty(), "{path}");
    }

    let res = app.get(&boot).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(res.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/javascript"));
    let boot_js = res.text().await.expect("boot");
    // The boot script names the two other files; both are served with the bytes built.
    let names: Vec<String> = boot_js
        .split('"')
        .filter(|s| s.starts_with("/pkg/sunshine-"))
        .map(str::to_owned)
        .collect();
    assert_eq!(names.len(), 2, "{boot_js}");
    for name in &names {
        let res = app.get(name).await;
        assert_eq!(res.status(), 200, "{name}");
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let is_wasm = name.ends_with(".wasm");
        let ty = res.headers()["content-type"]
            .to_str()
            .expect("type")
            .to_owned();
        assert_eq!(ty.starts_with("application/wasm"), is_wasm, "{name}: {ty}");
        let bytes = res.bytes().await.expect("bytes");
        if is_wasm {
            assert_eq!(&bytes[..], &wasm()[..]);
        } else {
            assert!(String::from_utf8_lossy(&bytes).contains("export function Countdown_"));
        }
    }
    // Only those names: not the unhashed files, not anything else in or outside the folder.
    let secret = std::fs::read_to_string(app.data_dir.path().join("secret.key")).expect("key");
    for path in [
        "/pkg/sunshine.js",
        "/pkg/sunshine_bg.wasm",
        "/pkg/..%2Fsecret.key",
        "/pkg/%2e%2e%2fsunshine.db",
        "/pkg/",
    ] {
        let (status, body) = app.get_text(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains(secret.trim()), "{path}");
    }
}

async fn without_bundle_pages_name_no_script(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/", LONGQUAN, "/report", "/staff/login"] {
        let res = app.get(path).await;
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .to_owned();
        assert!(!csp.contains("wasm"), "{path}: {csp}");
        let html = res.text().await.expect("body");
        assert!(script_tags(&html).is_empty(), "{path}");
    }
    assert_eq!(app.get_text("/pkg/boot-000000000000.js").await.0, 404);
}

async fn stale_bundle_is_left_out(backend: Backend) {
    // Built from other sources: the island names differ, or (same names) the fingerprint does.
    // The server starts without it.
    let (app, _pkg) = with_bundle(backend, &["Countdown_1".to_owned()]).await;
    let pkg = tempfile::tempdir().expect("tempdir");
    write_bundle(pkg.path(), &app::web::assets::island_names());
    std::fs::write(
        pkg.path().join("sunshine_bg.wasm"),
        b"\0asm\x01\0\0\0sunshine-islands:0",
    )
    .expect("wasm");
    let other = spawn_app_with(
        backend,
        Options {
            pkg_dir: Some(pkg.path().to_owned()),
            ..Options::default()
        },
    )
    .await;
    let (_, html) = other.get_text(LONGQUAN).await;
    assert!(
        script_tags(&html).is_empty(),
        "an old build's wasm is not served"
    );
    let res = app.get(LONGQUAN).await;
    assert!(!res.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .contains("wasm"));
    let html = res.text().await.expect("body");
    assert!(script_tags(&html).is_empty());
    assert!(html.contains("<h1>龙泉村</h1>"));
}

/// (total rows, rows not hidden, change kinds of the rows not hidden).
fn rows(html: &str) -> (usize, usize, Vec<String>) {
    let tags: Vec<&str> = html
        .match_indices("<tr data-change=")
        .map(|(i, _)| html[i..].split('>').next().unwrap_or_default())
        .collect();
    let shown: Vec<String> = tags
        .iter()
        .filter(|t| !t.contains(" hidden"))
        .map(|t| attr(t, "data-change"))
        .collect();
    (tags.len(), shown.len(), shown)
}

async fn list_filter_works_without_javascript(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, all) = app.get_text(LONGQUAN).await;
    assert_eq!(status, 200);
    let (total, shown, _) = rows(&all);
    assert!(total > 3, "{total}");
    assert_eq!(shown, total, "no filter, every row shows");
    assert_eq!(count_text(&all), format!("显示户数: {total} / {total}"));

    let (_, new_only) = app.get_text(&format!("{LONGQUAN}?q=&change=new")).await;
    let (t, shown, kinds) = rows(&new_only);
    assert_eq!(t, total, "hidden rows are still sent, for the islands");
    assert!(shown >= 1 && shown < total, "{shown} of {total}");
    assert!(kinds.iter().all(|k| k == "new"), "{kinds:?}");
    assert!(new_only.contains(r#"<option value="new" selected"#));
    assert_eq!(
        count_text(&new_only),
        format!("显示户数: {shown} / {total}")
    );

    // A name fragment: the surname of the first row.
    let first = all
        .split(r#"<td class="name">"#)
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("a name cell");
    let surname: String = first.chars().take(1).collect();
    let (_, by_name) = app
        .get_text(&format!("{LONGQUAN}?q={}", urlencode(&surname)))
        .await;
    let (_, shown, _) = rows(&by_name);
    let visible_names: Vec<String> = by_name
        .split("<tr data-change=")
        .skip(1)
        .filter(|r| !r.split('>').next().unwrap_or_default().contains(" hidden"))
        .filter_map(|r| r.split(r#"<td class="name">"#).nth(1))
        .filter_map(|r| r.split('<').next())
        .map(str::to_owned)
        .collect();
    assert_eq!(visible_names.len(), shown);
    assert!(shown >= 1);
    assert!(
        visible_names.iter().all(|n| n.contains(&surname)),
        "{visible_names:?}"
    );
    let with_surname = all
        .split(r#"<td class="name">"#)
        .skip(1)
        .filter(|r| r.split('<').next().unwrap_or_default().contains(&surname))
        .count();
    assert_eq!(shown, with_surname, "exactly the rows with that surname");
    let (_, nobody) = app
        .get_text(&format!("{LONGQUAN}?q={}", urlencode("查无此人")))
        .await;
    assert_eq!(rows(&nobody).1, 0);

    // The batch page has the same filter.
    let batch = all
        .split(r#"href="/p/"#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a batch link");
    let (status, page) = app.get_text(&format!("/p/{batch}?change=new")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"action="/p/"#),
        "filter form posts back to the batch page"
    );
    assert!(rows(&page).2.iter().all(|k| k == "new"));
}

/// The filter's "shown / total" line as a reader sees it (without Leptos' `<!>` markers).
fn count_text(html: &str) -> String {
    html.split(r#"filter-count">"#)
        .nth(1)
        .and_then(|r| r.split("</p>").next())
        .expect("count line")
        .replace("<!>", "")
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn hostile_filter_input_is_text_or_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, html) = app
        .get_text(&format!(
            "{LONGQUAN}?q={}&change={}",
            urlencode("\"><script>alert(1)</script>"),
            urlencode("new' OR 1=1 --")
        ))
        .await;
    assert_eq!(status, 200);
    assert!(!html.contains("<script>alert"), "markup comes back as text");
    assert!(
        html.contains("&quot;&gt;&lt;script&gt;alert(1)"),
        "escaped in the field"
    );
    assert!(
        !html.contains("OR 1=1"),
        "an unknown change kind is dropped"
    );
    assert!(!html.contains(r#"value="new" selected"#));

    // Long input is cut to 20 characters; the page still answers.
    let long = "张".repeat(1000);
    let (status, html) = app
        .get_text(&format!("{LONGQUAN}?q={}", urlencode(&long)))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"value="{}""#, "张".repeat(20))));
    assert!(!html.contains(&"张".repeat(21)));

    // Malformed query strings get the 400 page in the visitor's language.
    let (status, html) = app.get_text(&format!("{LONGQUAN}?q=a&q=b")).await;
    assert_eq!(status, 400);
    assert!(html.contains("提交的内容有误"), "{html}");
    // Bytes that are not UTF-8 are decoded lossily: a harmless search, not an error.
    let (status, html) = app.get_text(&format!("{LONGQUAN}?q=%ff")).await;
    assert_eq!(status, 200);
    assert_eq!(rows(&html).1, 0, "U+FFFD matches no name");
}

async fn island_props_hold_no_names(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, html) = app.get_text(LONGQUAN).await;
    // The village's households as the database holds them: full names, ID numbers, phones.
    let private: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT h.head_name, h.id_number, h.phone FROM households h \
         JOIN regions r ON r.id = h.village_id WHERE r.code = $1",
    )
    .bind("530621103201")
    .fetch_all(&app.db.pool)
    .await
    .expect("households");
    assert!(private.len() > 3);
    for (name, id_number, phone) in &private {
        // Full names of two characters or more never appear (masked ones keep one or two).
        if name.chars().count() >= 2 {
            assert!(
                !html.contains(name.as_str()),
                "full name {name} on the village page"
            );
        }
        for secret in [id_number, phone].into_iter().flatten() {
            assert!(
                !html.contains(secret.as_str()),
                "{secret} on the village page"
            );
        }
    }
    let names: Vec<&str> = html
        .split(r#"<td class="name">"#)
        .skip(1)
        .filter_map(|r| r.split('<').next())
        .collect();
    assert!(!names.is_empty());
    let props: Vec<&str> = html
        .split("data-props=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .collect();
    assert!(props.len() >= 2, "countdown and filter: {props:?}");
    for p in &props {
        for n in &names {
            assert!(!p.contains(n), "island props carry a name: {p}");
        }
        assert!(p.len() < 1000, "props stay small: {}", p.len());
    }
}

async fn queue_filters_are_a_form_and_an_island(backend: Backend) {
    let app = spawn_app(backend).await;
    app.login_ok("demo.admin").await;
    let (status, all) = app.get_text("/staff/complaints").await;
    assert_eq!(status, 200);
    assert!(all.contains(r#"<form method="get" action="/staff/complaints""#));
    assert!(all.contains(r#"data-component="QueueFilters_"#));
    let count = |html: &str| html.matches("<tr class=").count();
    let (_, closed) = app.get_text("/staff/complaints?status=closed").await;
    assert!(count(&closed) >= 1 && count(&closed) < count(&all));
    assert!(closed.contains(r#"<option value="closed" selected"#));
    // The filter's props hold labels and ids, never a reporter or a case text.
    let props = closed
        .split("data-props=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("props");
    assert!(props.contains("status"));
    assert!(!props.contains("举报人"));
}
