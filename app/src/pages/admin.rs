//! The admin console: storage and cache health, integrity checks, announcements, the moderation
//! queue and users. Only admins see it, and the API checks again on every call, so a non-admin
//! never receives its data.

use crate::components::{alt_text, poll, Avatar, ErrorMessage, Feed, MoreButton, RequireLogin};
use crate::format::{bytes, bytes_i, duration, query_value, ratio, share};
use crate::i18n::{absolute_time, relative_time, t, tn, Text};
use crate::pages::upload::{ChosenImage, FileHandle, UploadProgress, MAX_UPLOAD_MB};
use crate::{api, browser, use_me};
use leptos::prelude::*;
use leptos_router::components::A;
use photoshare_domain::views::{
    AdminOverview, AdminUserView, AltText, AnnouncementView, CacheStats, FsckReport, FsckRun, Link,
    ModerationItem, StorageHealth,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// How often the console reads the storage overview while it is open.
const OVERVIEW_POLL_MS: u32 = 3000;
/// How often it asks how a running integrity check is doing.
const FSCK_POLL_MS: u32 = 2000;
/// How long the user search waits for typing to pause.
const SEARCH_DEBOUNCE_MS: u32 = 300;

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

/// The overview every storage and cache figure comes from, read again every few seconds.
#[derive(Clone, Copy)]
struct Overview {
    data: RwSignal<Option<AdminOverview>>,
    error: RwSignal<Option<String>>,
    /// The server says this user is not (or no longer) an admin.
    forbidden: RwSignal<bool>,
}

impl Overview {
    /// Reads the overview; false once there is no point asking again.
    async fn load(self) -> bool {
        match api::get::<AdminOverview>("/admin/overview").await {
            Ok(o) => {
                self.data.set(Some(o));
                self.error.set(None);
                true
            }
            Err(e) if e.status == 403 => {
                self.forbidden.set(true);
                false
            }
            Err(e) => {
                self.error.set(Some(e.message));
                true
            }
        }
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
                    <FsckCard />
                    <AnnounceCard />
                    <ModerationCard queued=queued />
                    <UsersCard />
                </div>
            </section>
        </Show>
    }
    .into_any()
}

/// A labelled figure in a card's list of facts.
#[component]
fn Fact(label: Text, children: Children) -> impl IntoView {
    view! {
        <div class="fact">
            <dt>{label}</dt>
            <dd>{children()}</dd>
        </div>
    }
}

/// The sync worker's state in words, with the badge colour that goes with it.
fn sync_state(state: &str) -> (&'static str, String) {
    match state {
        "running" => ("ok", t("Syncing to S3").into()),
        "paused" => ("warn", t("Paused by an admin").into()),
        "circuit_open" => ("bad", t("Waiting after repeated S3 errors").into()),
        other => ("", other.to_owned()),
    }
}

/// Whether this node can reach S3, in words.
fn s3_state(state: &str) -> (&'static str, String) {
    match state {
        "ok" => ("ok", t("Reachable").into()),
        "unreachable" => ("bad", t("Unreachable").into()),
        "unknown" => ("", t("Not contacted yet").into()),
        other => ("", other.to_owned()),
    }
}

#[component]
fn StorageCard(storage: Memo<Option<StorageHealth>>, overview: Overview) -> AnyView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let run = move |path: &'static str| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::act("POST", path).await {
                Ok(()) => {
                    error.set(None);
                    overview.load().await;
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let paused = move || storage.with(|s| s.as_ref().is_some_and(|s| s.sync == "paused"));
    view! {
        <section class="card" aria-labelledby="storage-title" data-testid="storage-card">
            <h2 id="storage-title">{move || t("Storage")}</h2>
            {move || match storage.get() {
                Some(s) => view! { <StorageFacts s=s /> }.into_any(),
                None => view! { <p class="hint">{move || t("Loading…")}</p> }.into_any(),
            }}
            <div class="card-actions">
                <Show
                    when=paused
                    fallback=move || view! {
                        <button type="button" class="button" disabled=move || busy.get() on:click=move |_| run("/admin/sync/pause") data-testid="pause-sync">
                            {move || t("Pause sync")}
                        </button>
                    }
                >
                    <button type="button" class="button primary" disabled=move || busy.get() on:click=move |_| run("/admin/sync/resume") data-testid="resume-sync">
                        {move || t("Resume sync")}
                    </button>
                </Show>
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| run("/admin/sync/retry") data-testid="retry-sync">
                    {move || t("Retry now")}
                </button>
            </div>
            <ErrorMessage message=error />
        </section>
    }
    .into_any()
}

#[component]
fn StorageFacts(s: StorageHealth) -> impl IntoView {
    let sync = s.sync.clone();
    let s3 = s.s3.clone();
    let oldest = (s.backlog_objects > 0).then_some(s.oldest_unsynced_seconds);
    let errors = s.recent_errors.into_iter().take(10).collect::<Vec<_>>();
    view! {
        <dl class="facts">
            <Fact label=|| t("Sync")>
                {move || {
                    let (class, label) = sync_state(&sync);
                    view! { <span class=format!("badge {class}") data-testid="sync-state">{label}</span> }
                }}
            </Fact>
            <Fact label=|| t("S3")>
                {move || {
                    let (class, label) = s3_state(&s3);
                    view! { <span class=format!("badge {class}") data-testid="s3-state">{label}</span> }
                }}
            </Fact>
            <Fact label=|| t("Bucket")>
                <code>{s.bucket}</code>
            </Fact>
            <Fact label=|| t("Waiting to sync")>
                <span data-testid="backlog-objects">{s.backlog_objects}</span>
                " " {move || t("objects")} " · " {bytes_i(s.backlog_bytes)}
            </Fact>
            <Fact label=|| t("Oldest unsynced")>
                {move || oldest.map(duration).unwrap_or_else(|| "—".into())}
            </Fact>
            <Fact label=|| t("Synced in the last minute")>{s.drained_last_minute}</Fact>
            <Fact label=|| t("Deletions waiting for S3")>{s.pending_deletes}</Fact>
        </dl>
        <h3>{move || t("Recent S3 errors")}</h3>
        {if errors.is_empty() {
            view! { <p class="hint">{move || t("No recent errors.")}</p> }.into_any()
        } else {
            view! {
                <ul class="events" data-testid="recent-errors">
                    {errors
                        .into_iter()
                        .map(|e| view! { <li><Time at=e.at /> " " <span class="event-message">{e.message}</span></li> })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
    }
}

/// A moment, relative ("3 minutes ago"), in full on hover.
#[component]
fn Time(at: String) -> impl IntoView {
    let (relative, full) = (at.clone(), at.clone());
    view! { <time datetime=at title=move || absolute_time(&full)>{move || relative_time(&relative)}</time> }
}

#[component]
fn CacheCard(cache: Memo<Option<CacheStats>>) -> AnyView {
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

#[component]
fn FsckCard() -> AnyView {
    let run = RwSignal::new(None::<FsckRun>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Asks the server only while a check is running (and once at the start, to find out).
    let watching = Arc::new(AtomicBool::new(true));
    {
        let watching = watching.clone();
        poll(FSCK_POLL_MS, move || {
            let watching = watching.clone();
            async move {
                if watching.load(Ordering::Relaxed) {
                    match api::get::<FsckRun>("/admin/fsck").await {
                        Ok(r) => {
                            watching.store(r.running, Ordering::Relaxed);
                            run.set(Some(r));
                        }
                        Err(e) => {
                            watching.store(false, Ordering::Relaxed);
                            error.set(Some(e.message));
                        }
                    }
                }
                true
            }
        });
    }
    let start = move |repair: bool| {
        if repair
            && !browser::confirm(t("Check every object and repair what can be repaired? Copies are fetched again from S3 or from this node, and broken files are moved aside."))
        {
            return;
        }
        busy.set(true);
        let watching = watching.clone();
        leptos::task::spawn_local(async move {
            let body = serde_json::json!({ "repair": repair });
            match api::send::<FsckRun>("POST", "/admin/fsck", Some(&body)).await {
                Ok(r) => {
                    watching.store(r.running, Ordering::Relaxed);
                    run.set(Some(r));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let running = move || run.with(|r| r.as_ref().is_some_and(|r| r.running));
    let check = start.clone();
    view! {
        <section class="card" aria-labelledby="fsck-title" data-testid="fsck-card">
            <h2 id="fsck-title">{move || t("Integrity check")}</h2>
            <p class="hint">{move || t("Compares every stored object with its name, on this node and in S3.")}</p>
            {move || run.get().map(|r| view! { <FsckResult run=r /> })}
            <div class="card-actions">
                <button type="button" class="button" disabled=move || busy.get() || running() on:click=move |_| check(false) data-testid="fsck-check">
                    {move || t("Check now")}
                </button>
                <button type="button" class="button" disabled=move || busy.get() || running() on:click=move |_| start(true) data-testid="fsck-repair">
                    {move || t("Check and repair")}
                </button>
            </div>
            <ErrorMessage message=error />
        </section>
    }
    .into_any()
}

#[component]
fn FsckResult(run: FsckRun) -> impl IntoView {
    let Some(started) = run.started_at else {
        return view! { <p class="hint">{move || t("Not run from the console on this node yet.")}</p> }.into_any();
    };
    if run.running {
        return view! {
            <p class="status" role="status" data-testid="fsck-running">
                {move || t("Checking…")} " " <Time at=started />
            </p>
        }
        .into_any();
    }
    let repair = run.repair;
    view! {
        <dl class="facts" data-testid="fsck-result">
            <Fact label=|| t("Started")><Time at=started /></Fact>
            {run.finished_at.map(|at| view! { <Fact label=|| t("Finished")><Time at=at /></Fact> })}
            <Fact label=|| t("Mode")>{move || if repair { t("Check and repair") } else { t("Check only") }}</Fact>
            {run.report.as_ref().map(|r| {
                let (checked, problems) = (r.objects_checked, r.problems());
                view! {
                    <Fact label=|| t("Objects checked")>{checked}</Fact>
                    <Fact label=|| t("Problems")><span data-testid="fsck-problems">{problems}</span></Fact>
                }
            })}
            {run.report.as_ref().filter(|_| repair).map(|r| {
                let repaired = r.repaired;
                view! { <Fact label=|| t("Repaired")>{repaired}</Fact> }
            })}
        </dl>
        {run.report.map(|r| view! { <FsckProblems report=r /> })}
        {run.error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
        .into_any()
}

/// One row per kind of problem found, each opening to the objects' hashes.
#[component]
fn FsckProblems(report: FsckReport) -> impl IntoView {
    if report.problems() == 0 {
        return view! { <p class="ok-text" data-testid="fsck-clean">{move || t("No problems found.")}</p> }.into_any();
    }
    let kinds: [(Text, Vec<String>); 7] = [
        (
            || t("Lost: the only copy is missing or damaged"),
            report.lost,
        ),
        (|| t("Damaged copies on this node"), report.corrupt_local),
        (|| t("Missing from this node"), report.missing_local),
        (|| t("Missing from S3"), report.missing_in_s3),
        (|| t("Damaged copies in S3"), report.corrupt_in_s3),
        (
            || t("Files on this node nothing refers to"),
            report.orphaned_local,
        ),
        (
            || t("Objects in S3 nothing refers to"),
            report.orphaned_in_s3,
        ),
    ];
    view! {
        <ul class="problems" data-testid="fsck-problem-list">
            {kinds
                .into_iter()
                .filter(|(_, hashes)| !hashes.is_empty())
                .map(|(label, hashes)| {
                    view! {
                        <li>
                            <details>
                                <summary>{label} " " <span class="badge bad">{hashes.len()}</span></summary>
                                <ul class="hashes">
                                    {hashes.into_iter().map(|h| view! { <li><code>{h}</code></li> }).collect_view()}
                                </ul>
                            </details>
                        </li>
                    }
                })
                .collect_view()}
            {report.s3_error.map(|e| view! { <li class="error">{move || t("S3 could not be checked:")} " " {e}</li> })}
        </ul>
    }
        .into_any()
}

#[component]
fn AnnounceCard() -> AnyView {
    let posted = RwSignal::new(false);
    // Bumped after each post: a fresh form is an empty one, file input included.
    let generation = RwSignal::new(0u32);
    view! {
        <section class="card" aria-labelledby="announce-title" data-testid="announce-card">
            <h2 id="announce-title">{move || t("Post an announcement")}</h2>
            <p class="hint">
                {move || t("It shows as an image banner on every page until it expires or another replaces it.")} " "
                <A href="/announcements">{move || t("Past announcements")}</A>
            </p>
            <Show when=move || posted.get()>
                <p class="ok-text" role="status" data-testid="announcement-posted">{move || t("Posted.")}</p>
            </Show>
            {move || {
                generation.track();
                view! { <AnnounceForm posted=posted generation=generation /> }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn AnnounceForm(posted: RwSignal<bool>, generation: RwSignal<u32>) -> impl IntoView {
    let alt = RwSignal::new(String::new());
    let link = RwSignal::new(String::new());
    let expires = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<f64>);
    let error = RwSignal::new(None::<String>);
    let file = StoredValue::new_local(None::<FileHandle>);

    let choose = move |ev: leptos::ev::Event| {
        let Some(f) = FileHandle::from_input(&ev) else {
            return;
        };
        posted.set(false);
        error.set(None);
        if f.size() > MAX_UPLOAD_MB as f64 * 1_000_000.0 {
            error.set(Some(tn("That file is larger than {n} MB.", MAX_UPLOAD_MB)));
            return;
        }
        preview.set(f.preview_url());
        file.set_value(Some(f));
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        posted.set(false);
        let Some(f) = file.with_value(|f| f.clone()) else {
            error.set(Some(t("Choose an image first.").into()));
            return;
        };
        // The checks the server makes, before the image is sent.
        let described = match AltText::parse(&alt.get_untracked()) {
            Ok(a) => a,
            Err(e) => return error.set(Some(e.0)),
        };
        let link = link.get_untracked().trim().to_owned();
        if !link.is_empty() {
            if let Err(e) = Link::parse(&link) {
                return error.set(Some(e.0));
            }
        }
        let expires = expires.get_untracked();
        let expires_at = if expires.is_empty() {
            String::new()
        } else {
            match browser::local_to_utc(&expires) {
                Some(at) if at > browser::now_utc() => at,
                _ => return error.set(Some(t("Choose an expiry in the future.").into())),
            }
        };
        let mut fields = vec![("alt", described.as_str())];
        if !link.is_empty() {
            fields.push(("link", &link));
        }
        if !expires_at.is_empty() {
            fields.push(("expires_at", &expires_at));
        }
        error.set(None);
        progress.set(Some(0.0));
        f.send::<AnnouncementView>(
            "POST",
            "/api/v1/announcements",
            &fields,
            move |p| progress.set(Some(p)),
            move |result| {
                progress.set(None);
                match result {
                    Ok(_) => {
                        posted.set(true);
                        generation.update(|g| *g += 1);
                    }
                    Err(msg) => error.set(Some(msg)),
                }
            },
        );
    };

    view! {
        <form class="announce-form" on:submit=submit data-testid="announce-form">
            <label class="dropzone small">
                <ChosenImage preview=preview prompt=|| t("Choose an image") alt=|| t("Preview of the chosen image") />
                <input class="visually-hidden" type="file" name="image" accept="image/*" on:change=choose data-testid="announcement-file" />
            </label>
            <label>
                {move || t("Alt text")}
                <textarea name="alt" rows="2" maxlength="300" required bind:value=alt aria-describedby="announce-alt-hint" data-testid="announcement-alt-input"></textarea>
                <small class="hint" id="announce-alt-hint">
                    {move || t("What screen readers read aloud, and what shows when images are off. Describe the image, including any words in it.")}
                </small>
            </label>
            <label>
                {move || t("Link (optional)")}
                <input name="link" type="text" inputmode="url" autocomplete="off" bind:value=link placeholder=move || t("https://… or /path") aria-describedby="announce-link-hint" />
                <small class="hint" id="announce-link-hint">{move || t("Where the banner leads when clicked: a web address or a page on this site.")}</small>
            </label>
            <label>
                {move || t("Expires (optional)")}
                <input name="expires_at" type="datetime-local" bind:value=expires aria-describedby="announce-expiry-hint" />
                <small class="hint" id="announce-expiry-hint">{move || t("In your local time. Leave empty to keep it up until it is replaced or deleted.")}</small>
            </label>
            <ErrorMessage message=error />
            <UploadProgress progress=progress />
            <button class="button primary" type="submit" disabled=move || progress.with(|p| p.is_some()) data-testid="announcement-submit">
                {move || t("Post announcement")}
            </button>
        </form>
    }
}

/// What an admin did to a photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moderated {
    Hidden,
    Shown,
    Deleted,
}

/// An admin's buttons for one photo: hide, unhide, delete. In the moderation queue, "Keep"
/// (unhide) also settles the reports on a photo that is still visible.
#[component]
pub fn ModerationActions(
    photo_id: String,
    #[prop(into)] hidden: Signal<bool>,
    in_queue: bool,
    on_done: UnsyncCallback<Moderated>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = StoredValue::new(photo_id);
    let act = move |what: Moderated| {
        let id = id.get_value();
        let (method, path) = match what {
            Moderated::Hidden => ("POST", format!("/admin/photos/{id}/hide")),
            Moderated::Shown => ("POST", format!("/admin/photos/{id}/unhide")),
            Moderated::Deleted => {
                if !browser::confirm(t("Delete this photo for everyone? It is removed from the cache and from S3, and the same image cannot be uploaded again.")) {
                    return;
                }
                ("DELETE", format!("/admin/photos/{id}"))
            }
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::act(method, &path).await {
                Ok(()) => {
                    error.set(None);
                    on_done.try_run(what);
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="row-actions" role="group" aria-label=move || t("Moderation")>
            <Show when=move || !hidden.get()>
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| act(Moderated::Hidden) data-testid="hide-photo">
                    {move || t("Hide")}
                </button>
            </Show>
            <Show when=move || in_queue || hidden.get()>
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| act(Moderated::Shown) data-testid="unhide-photo">
                    {move || if in_queue { t("Keep (unhide)") } else { t("Unhide") }}
                </button>
            </Show>
            <button type="button" class="button danger" disabled=move || busy.get() on:click=move |_| act(Moderated::Deleted) data-testid="delete-photo">
                {move || t("Delete")}
            </button>
        </div>
        <ErrorMessage message=error />
    }
}

/// Why a photo in the queue is hidden, in words, with its badge colour.
fn hidden_state(hidden: Option<&str>) -> (&'static str, &'static str) {
    match hidden {
        Some("reports") => ("warn", t("Hidden automatically")),
        Some(_) => ("bad", t("Hidden by an admin")),
        None => ("ok", t("Visible")),
    }
}

#[component]
fn ModerationCard(queued: Signal<Option<i64>>) -> AnyView {
    let feed = Feed::<ModerationItem>::new("/admin/moderation?limit=20".into());
    // The overview counts the queue every few seconds; read the list again when that changes.
    Effect::new(move |before: Option<Option<i64>>| {
        let now = queued.get();
        if matches!(before, Some(Some(n)) if Some(n) != now) {
            feed.reload();
        }
        now
    });
    view! {
        <section class="card wide" aria-labelledby="moderation-title" data-testid="moderation-card">
            <h2 id="moderation-title">
                {move || t("Moderation queue")} " "
                {move || queued.get().map(|n| view! { <span class="badge" data-testid="moderation-count">{n}</span> })}
            </h2>
            <Show when=move || feed.is_empty()>
                <p class="hint" data-testid="moderation-empty">{move || t("Nothing to review.")}</p>
            </Show>
            <ul class="queue" data-testid="moderation-queue">
                <For
                    each=move || feed.items.get()
                    key=|m| (m.photo.id.clone(), m.hidden.clone(), m.reports.len())
                    children=move |m| view! { <QueueItem item=m feed=feed /> }
                />
            </ul>
            <MoreButton feed=feed />
        </section>
    }
    .into_any()
}

#[component]
fn QueueItem(item: ModerationItem, feed: Feed<ModerationItem>) -> AnyView {
    let p = item.photo;
    let alt = alt_text(&p);
    let hidden = item.hidden;
    let is_hidden = hidden.is_some();
    let badge = format!("badge {}", hidden_state(hidden.as_deref()).0);
    let state = move || hidden_state(hidden.as_deref()).1;
    view! {
        <li class="queue-item" data-testid="queue-item">
            <a class="queue-thumb" href=format!("/p/{}", p.id)>
                <img src=p.urls.thumb.clone() alt=alt width="96" height="96" loading="lazy" decoding="async" />
            </a>
            <div class="queue-body">
                <p class="queue-head">
                    <a href=format!("/u/{}", p.owner)>"@" {p.owner.clone()}</a>
                    " "
                    <span class=badge data-testid="queue-state">{state}</span>
                </p>
                <p class="queue-caption">{p.caption.clone()}</p>
                <ul class="reports">
                    {item
                        .reports
                        .into_iter()
                        .map(|r| {
                            view! {
                                <li>
                                    <strong>"@" {r.reporter}</strong> " " <Time at=r.created_at /> <br />
                                    <span class="report-reason">{r.reason}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <ModerationActions
                    photo_id=p.id.clone()
                    hidden=is_hidden
                    in_queue=true
                    on_done=UnsyncCallback::new(move |_| feed.reload())
                />
            </div>
        </li>
    }
    .into_any()
}

#[component]
fn UsersCard() -> AnyView {
    let typed = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        typed.set(value.clone());
        leptos::task::spawn_local(async move {
            sleep_ms(SEARCH_DEBOUNCE_MS).await;
            // Only the last keystroke of a burst searches.
            if typed.try_get_untracked().as_deref() == Some(value.as_str()) {
                query.set(value);
            }
        });
    };
    let search_now = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        query.set(typed.get_untracked());
    };
    view! {
        <section class="card wide" aria-labelledby="users-title" data-testid="users-card">
            <h2 id="users-title">{move || t("Users")}</h2>
            <form class="search" role="search" on:submit=search_now>
                <label>
                    {move || t("Search by handle")}
                    <input type="search" name="q" autocomplete="off" spellcheck="false" prop:value=move || typed.get() on:input=on_input data-testid="user-search" />
                </label>
            </form>
            {move || {
                let q = query.get();
                let feed = Feed::<AdminUserView>::new(
                    format!("/admin/users?q={}&limit=20", query_value(q.trim())),
                );
                view! {
                    <Show when=move || feed.is_empty()>
                        <p class="hint">{move || t("No users match.")}</p>
                    </Show>
                    <ul class="admin-users" data-testid="admin-users">
                        <For each=move || feed.items.get() key=|u| u.id.clone() children=|u| view! { <AdminUserRow user=u /> } />
                    </ul>
                    <MoreButton feed=feed />
                }
            }}
        </section>
    }
    .into_any()
}

/// Waits `ms` milliseconds (in the browser; at once elsewhere).
async fn sleep_ms(ms: u32) {
    #[cfg(feature = "csr")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "csr"))]
    let _ = ms;
}

#[component]
fn AdminUserRow(user: AdminUserView) -> AnyView {
    let u = RwSignal::new(user);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let act = move |verb: &'static str| {
        let handle = u.with_untracked(|u| u.handle.clone());
        let question = match verb {
            "promote" => Some(t("Make @{n} an admin? They will be able to moderate photos, post announcements and manage users.")),
            "ban" => Some(t("Ban @{n}? They can no longer log in or post.")),
            _ => None,
        };
        if question.is_some_and(|q| !browser::confirm(&q.replace("{n}", &handle))) {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let path = format!("/admin/users/{handle}/{verb}");
            match api::send::<AdminUserView>("POST", &path, None::<&()>).await {
                Ok(updated) => {
                    u.set(updated);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let is_admin = move || u.with(|u| u.is_admin);
    let banned = move || u.with(|u| u.banned);
    view! {
        <li class="admin-user" data-testid="admin-user">
            {move || {
                u.with(|u| {
                    let name = if u.display_name.is_empty() { u.handle.clone() } else { u.display_name.clone() };
                    view! {
                        <a class="who" href=format!("/u/{}", u.handle)>
                            <Avatar url=u.icon_url.clone() handle=u.handle.clone() size=40 />
                            <span class="names">
                                <span class="display-name">{name}</span>
                                <span class="handle">"@" {u.handle.clone()}</span>
                            </span>
                        </a>
                    }
                })
            }}
            <p class="user-facts">
                <span>{move || u.with(|u| u.photos_count)} " " {move || t("photos")}</span>
                <Show when=is_admin>
                    <span class="badge ok" data-testid="admin-badge">{move || t("Admin")}</span>
                </Show>
                <Show when=banned>
                    <span class="badge bad" data-testid="banned-badge">{move || t("Banned")}</span>
                </Show>
            </p>
            <div class="row-actions">
                <Show when=move || !is_admin()>
                    <button type="button" class="button" disabled=move || busy.get() on:click=move |_| act("promote") data-testid="promote-user">
                        {move || t("Make admin")}
                    </button>
                </Show>
                // The server refuses to ban an admin.
                <Show when=move || !is_admin() && !banned()>
                    <button type="button" class="button danger" disabled=move || busy.get() on:click=move |_| act("ban") data-testid="ban-user">
                        {move || t("Ban")}
                    </button>
                </Show>
                <Show when=banned>
                    <button type="button" class="button" disabled=move || busy.get() on:click=move |_| act("unban") data-testid="unban-user">
                        {move || t("Unban")}
                    </button>
                </Show>
            </div>
            <ErrorMessage message=error />
        </li>
    }
    .into_any()
}
