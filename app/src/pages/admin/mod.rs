//! The admin console: storage and cache health, the app nodes, integrity checks, moving to a new bucket,
//! announcements, the moderation queue, users and the audit log. Only admins see it, and the API checks again on
//! every call, so a non-admin never receives its data.
//!
//! This file holds the page, its layout and what several cards share; each card is in its own
//! file below.

mod announce;
pub(crate) mod audit;
pub(crate) mod bucket;
mod cache;
pub(crate) mod fsck;
pub(crate) mod moderation;
mod nodes;
pub(crate) mod parts;
pub(crate) mod storage;
pub(crate) mod users;

pub use moderation::{Moderated, ModerationActions};

use crate::components::{poll, ErrorMessage, RequireLogin};
use crate::i18n::t;
use crate::state::use_me;
use announce::AnnounceCard;
use audit::AuditCard;
use bucket::BucketCard;
use cache::CacheCard;
use fsck::FsckCard;
use leptos::prelude::*;
use leptos_router::components::A;
use moderation::ModerationCard;
use nodes::NodesCard;
use parts::{Overview, OVERVIEW_POLL_MS};
use storage::StorageCard;
use users::UsersCard;

#[component]
pub fn AdminPage() -> impl IntoView {
    let me = use_me();
    view! {
        <RequireLogin message=|| t("Please log in first.")>
            <Show when=move || me.is_admin() fallback=|| view! { <Forbidden /> }>
                <Console />
            </Show>
        </RequireLogin>
    }
}

/// What a signed-in user who is not an admin sees at /admin.
#[component]
fn Forbidden() -> impl IntoView {
    view! {
        <section class="empty forbidden" data-testid="forbidden">
            <h1>{move || t("403 — Admins only")}</h1>
            <p>{move || t("The admin console is for the administrators of this PhotoShare. If you need access, ask one of them.")}</p>
            <A href="/">{move || t("Back to recent photos")}</A>
        </section>
    }
}

#[component]
fn Console() -> AnyView {
    let overview = Overview {
        data: RwSignal::new(None),
        error: RwSignal::new(None),
        forbidden: RwSignal::new(false),
    };
    poll(OVERVIEW_POLL_MS, move || overview.load());
    let storage = Memo::new(move |_| {
        overview
            .data
            .with(|o| o.as_ref().map(|o| o.storage.clone()))
    });
    let cache = Memo::new(move |_| overview.data.with(|o| o.as_ref().map(|o| o.cache.clone())));
    let fsck = Memo::new(move |_| overview.data.with(|o| o.as_ref().map(|o| o.fsck.clone())));
    let bucket_move = Memo::new(move |_| {
        overview
            .data
            .with(|o| o.as_ref().map(|o| o.bucket_move.clone()))
    });
    let nodes = Memo::new(move |_| overview.data.with(|o| o.as_ref().map(|o| o.nodes.clone())));
    let queued = Signal::derive(move || {
        overview
            .data
            .with(|o| o.as_ref().map(|o| o.moderation_queue))
    });
    view! {
        <Show when=move || !overview.forbidden.get() fallback=|| view! { <Forbidden /> }>
            <section class="admin" data-testid="admin-console">
                <h1 class="page-title">{move || t("Admin console")}</h1>
                <ErrorMessage message=overview.error />
                <div class="admin-grid">
                    <StorageCard storage=storage overview=overview />
                    <CacheCard cache=cache />
                    <NodesCard nodes=nodes />
                    <FsckCard run=fsck overview=overview />
                    <BucketCard run=bucket_move overview=overview />
                    <AnnounceCard />
                    <ModerationCard queued=queued />
                    <UsersCard />
                    <AuditCard />
                </div>
            </section>
        </Show>
    }
    .into_any()
}
