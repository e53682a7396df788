//! The audit log card: every admin action and security event, newest first, filtered by kind.

use crate::components::{Feed, MoreButton};
use crate::error::AppError;
use crate::i18n::{relative_time, t};
use leptos::prelude::*;
use photoshare_domain::types::Page;
use photoshare_domain::views::AuditEntry;

/// A page of the audit log (admins); `action` filters (`photo` for every `photo.…`).
#[server(prefix = "/api/sf", endpoint = "audit_log", protocol = crate::sf::Sf)]
pub async fn audit_page(
    action: String,
    cursor: Option<String>,
) -> Result<Page<AuditEntry>, AppError> {
    let (s, _) = crate::session::ssr::admin().await?;
    let (cursor, limit) = photoshare_domain::types::page_request(cursor.as_deref(), Some(20))?;
    Ok(s.audit.page(Some(&action), cursor, limit).await?)
}

/// The kinds the filter offers, as `action` prefixes.
const KINDS: [&str; 7] = [
    "",
    "user",
    "photo",
    "sync",
    "announcement",
    "token",
    "bucket",
];

/// A kind's label, in the UI's language.
fn label(kind: &str) -> &'static str {
    match kind {
        "user" => t("Users"),
        "photo" => t("Photos"),
        "sync" => t("Sync"),
        "announcement" => t("Announcements"),
        "token" => t("Access tokens"),
        "bucket" => t("Bucket moves"),
        _ => t("Everything"),
    }
}

#[component]
pub(super) fn AuditCard() -> AnyView {
    let kind = RwSignal::new(String::new());
    view! {
        <section class="card wide" aria-labelledby="audit-title" data-testid="audit-card">
            <h2 id="audit-title">{move || t("Audit log")}</h2>
            <form class="search" on:submit=|ev| ev.prevent_default()>
                <label>
                    {move || t("Show")}
                    <select data-testid="audit-filter" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {KINDS.map(|kind| view! { <option value=kind>{move || label(kind)}</option> }).collect_view()}
                    </select>
                </label>
            </form>
            {move || {
                let action = kind.get();
                let feed = Feed::new(move |cursor| audit_page(action.clone(), cursor));
                view! {
                    <Show when=move || feed.is_empty()>
                        <p class="hint">{move || t("Nothing recorded yet.")}</p>
                    </Show>
                    <ul class="events" data-testid="audit-entries">
                        <For each=move || feed.items.get() key=|e| e.id.clone() children=|e| {
                            let who = e.actor.map(|a| format!("@{a}")).unwrap_or_else(|| t("command line").to_owned());
                            view! {
                                <li data-testid="audit-entry">
                                    <code>{e.action}</code> " " <strong>{e.target}</strong> " " {e.detail}
                                    <br />
                                    <span class="hint">{who} " · " {e.address} " · " {relative_time(&e.at)}</span>
                                </li>
                            }
                        } />
                    </ul>
                    <MoreButton feed=feed />
                }
            }}
        </section>
    }
    .into_any()
}
