//! The cache card: how full this node's cache is, its hit ratio and evictions.

use super::parts::Fact;
use crate::format::{bytes, bytes_i, ratio, share};
use crate::i18n::t;
use leptos::prelude::*;
use photoshare_domain::views::CacheStats;

#[component]
pub(super) fn CacheCard(cache: Memo<Option<CacheStats>>) -> AnyView {
    view! {
        <section class="card" aria-labelledby="cache-title" data-testid="cache-card">
            <h2 id="cache-title">{move || t("Cache")}</h2>
            {move || match cache.get() {
                Some(c) => view! { <CacheFacts c=c /> }.into_any(),
                None => view! { <p class="hint">{move || t("Loading…")}</p> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

#[component]
fn CacheFacts(c: CacheStats) -> impl IntoView {
    let used = c.bytes.max(0) as u64;
    let pinned = c.pinned_objects;
    view! {
        <div class="meter">
            <progress max="100" value=share(used, c.budget_bytes) aria-label=move || t("Cache used")></progress>
            <span>{bytes(used)} " / " {bytes(c.budget_bytes)}</span>
        </div>
        <dl class="facts">
            <Fact label=|| t("Node")><code>{c.node}</code></Fact>
            <Fact label=|| t("Free disk")>{bytes(c.free_disk_bytes)}</Fact>
            <Fact label=|| t("Hit ratio")>{ratio(c.hit_ratio)}</Fact>
            <Fact label=|| t("Hits / misses")>{c.hits} " / " {c.misses}</Fact>
            <Fact label=|| t("Evictions")>{c.evictions}</Fact>
            <Fact label=|| t("Kept for outages (pinned)")>
                {pinned} " " {move || t("objects")} " · " {bytes_i(c.pinned_bytes)}
            </Fact>
        </dl>
    }
}
