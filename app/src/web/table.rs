//! The site's one table markup: a labelled region that scrolls sideways on a phone (the page
//! itself never does), its column heads and its rows.

use leptos::prelude::*;

use crate::i18n::{Lang, Msg};

/// A column head: its text and, where the column wants one, the head's class (`num`: figures,
/// right-aligned; `cat`, `noprint`: see the style sheet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Th(pub &'static str, pub Option<&'static str>);

impl Th {
    pub fn text(label: &'static str) -> Th {
        Th(label, None)
    }

    /// A column of figures.
    pub fn num(label: &'static str) -> Th {
        Th(label, Some("num"))
    }
}

/// The heads of columns of text, in order.
pub fn heads(lang: Lang, columns: &[Msg]) -> Vec<Th> {
    columns.iter().map(|m| Th::text(lang.t(*m))).collect()
}

/// The `<th>` cells of `heads` (a printed table, with no scrolling region, uses them alone).
pub fn head_cells(heads: Vec<Th>) -> impl IntoView {
    heads
        .into_iter()
        .map(|th| match th {
            Th(text, Some(class)) => view! { <th scope="col" class=class>{text}</th> }.into_any(),
            Th(text, None) => view! { <th scope="col">{text}</th> }.into_any(),
        })
        .collect_view()
}

/// A table in a `.table-wrap` region named `label` (focusable, so a keyboard can scroll it too),
/// with `heads` as its column heads and `children` as its rows.
#[component]
pub fn DataTable(
    label: &'static str,
    #[prop(default = "list")] class: &'static str,
    #[prop(optional)] id: Option<&'static str>,
    heads: Vec<Th>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=label>
            <table class=class id=id>
                <thead><tr>{head_cells(heads)}</tr></thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_a_labelled_region_with_its_heads_and_rows() {
        let html = view! {
            <DataTable label="名单" id="entries" heads=vec![Th::text("户主"), Th::num("人数")]>
                <tr><td>"张*明"</td><td class="num">"3"</td></tr>
            </DataTable>
        }
        .to_html();
        for part in [
            "class=\"table-wrap\"",
            "tabindex=\"0\"",
            "role=\"region\"",
            "aria-label=\"名单\"",
            "id=\"entries\"",
            "<thead><tr><th scope=\"col\">户主</th><th scope=\"col\" class=\"num\">人数</th>",
            "<tbody><tr><td>张*明</td><td class=\"num\">3</td></tr></tbody></table></div>",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
        // A head without a class has no empty class attribute.
        assert!(!html.contains("class=\"\""), "{html}");
    }

    #[test]
    fn a_table_without_an_id_has_no_id_attribute() {
        let html = view! {
            <DataTable label="x" class="list queue" heads=vec![Th::text("a")]>""</DataTable>
        }
        .to_html();
        assert!(html.contains("class=\"list queue\""), "{html}");
        assert!(!html.contains("id="), "{html}");
    }
}
