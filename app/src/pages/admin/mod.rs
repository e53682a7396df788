//! The admin console: storage and cache health, the app nodes, integrity checks, moving to a new bucket,
//! announcements, the moderation queue, users and the audit log. Only admins see it, and the API checks again on
//! every call, so a non-admin never receives its data.
//!
//! This file holds the page, its layout and what several cards share; each card is in its own
//! file below. None of it is in the bundle every visitor downloads: the admins' bundle (feature
//! `console`, built by Trunk from console.html) and the server have it (see
//! docs/ARCHITECTURE.md, "Two bundles").

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

use crate::components::{poll, ErrorMessage};
use crate::i18n::t;
use crate::pages::admin_page::Forbidden;
use announce::AnnounceCard;
use audit::AuditCard;
use bucket::BucketCard;
use cache::CacheCard;
use fsck::FsckCard;
use leptos::prelude::*;
use moderation::ModerationCard;
use nodes::NodesCard;
use parts::{Overview, OVERVIEW_POLL_MS};
use storage::StorageCard;
use users::UsersCard;

/// The console itself, for an admin (the gate is [`crate::pages::admin_page`]).
#[component]
pub fn Console() -> AnyView {
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
