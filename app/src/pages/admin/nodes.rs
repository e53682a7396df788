//! The nodes card: every app node sharing the database, one line each: up or down, when it was
//! last heartbeat, its backlog, its S3 circuit and its cache (one node unless PhotoShare runs on
//! several).

use crate::format::{bytes_i, duration};
use crate::i18n::t;
use leptos::prelude::*;
use photoshare_domain::views::NodeView;

#[component]
pub(super) fn NodesCard(nodes: Memo<Option<Vec<NodeView>>>) -> AnyView {
    view! {
        <section class="card" aria-labelledby="nodes-title" data-testid="nodes-card">
            <h2 id="nodes-title">{move || t("Nodes")}</h2>
            {move || match nodes.get() {
                Some(list) => view! {
                    <ul class="events nodes">
                        {list.into_iter().map(|n| view! { <Node n=n /> }).collect_view()}
                    </ul>
                }
                .into_any(),
                None => view! { <p class="hint">{move || t("Loading…")}</p> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Node(n: NodeView) -> impl IntoView {
    let up = n.state == "up";
    let open = n.circuit == "open";
    let (seen, backlog, cache) = (n.last_seen_seconds, n.backlog_objects, n.cache_bytes);
    let facts = move || {
        format!(
            "{} {} · {} {backlog} {} · {} {}",
            t("Last heartbeat"),
            duration(seen),
            t("Waiting to sync"),
            t("objects"),
            t("Cache"),
            bytes_i(cache),
        )
    };
    view! {
        <li data-testid="node" data-state=n.state.clone()>
            <code>{n.node}</code> " "
            <span class=if up { "badge ok" } else { "badge bad" }>{move || if up { t("Up") } else { t("Down") }}</span>
            {open.then(|| view! { " " <span class="badge bad">{move || t("S3 circuit open")}</span> })}
            <br />
            <span class="hint">{facts}</span>
        </li>
    }
}
