//! The cache card: how full this node's cache is, its hit ratio and evictions.

use super::parts::{Facts, Kind, Row};
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
    let (pinned, pinned_bytes) = (c.pinned_objects, c.pinned_bytes);
    let rows = vec![
        Row::of(|| t("Node"), c.node).kind(Kind::Code),
        Row::of(|| t("Free disk"), bytes(c.free_disk_bytes)),
        Row::of(|| t("Hit ratio"), ratio(c.hit_ratio)),
        Row::of(|| t("Hits / misses"), format!("{} / {}", c.hits, c.misses)),
        Row::of(|| t("Evictions"), c.evictions),
        Row::new(
            || t("Kept for outages (pinned)"),
            move || format!("{pinned} {} · {}", t("objects"), bytes_i(pinned_bytes)),
        ),
    ];
    view! {
        <div class="meter">
            <progress max="100" value=share(used, c.budget_bytes) aria-label=move || t("Cache used")></progress>
            <span>{bytes(used)} " / " {bytes(c.budget_bytes)}</span>
        </div>
        <Facts rows=rows />
    }
}
