//! The nodes card: every app node sharing the database, up or down, with its backlog, its S3
//! circuit and its cache (one node unless PhotoShare runs on several).

use super::parts::{Facts, Kind, Row};
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
                Some(list) => list
                    .into_iter()
                    .map(|n| view! { <NodeFacts n=n /> })
                    .collect_view()
                    .into_any(),
                None => view! { <p class="hint">{move || t("Loading…")}</p> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

#[component]
fn NodeFacts(n: NodeView) -> impl IntoView {
    let up = n.state == "up";
    let open = n.circuit == "open";
    let seen = n.last_seen_seconds;
    let rows = vec![
        Row::new(
            || t("State"),
            move || if up { t("Up") } else { t("Down") }.to_owned(),
        )
        .kind(Kind::Badge(if up { "ok" } else { "bad" })),
        Row::new(|| t("Last heard from"), move || duration(seen)),
        Row::of(|| t("Waiting to sync"), n.backlog_objects).then(|| t("objects").to_owned()),
        Row::new(
            || t("S3 circuit"),
            move || if open { t("Open") } else { t("Closed") }.to_owned(),
        )
        .kind(Kind::Badge(if open { "bad" } else { "ok" })),
        Row::of(|| t("Cache"), bytes_i(n.cache_bytes)),
    ];
    view! {
        <h3 class="node-name" data-testid="node"><code>{n.node}</code></h3>
        <Facts rows=rows />
    }
}
