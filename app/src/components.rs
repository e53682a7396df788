//! Pieces shared by several pages.

use crate::error::AppError;
use crate::i18n::{self, t, tn};
use crate::state::{use_me, Storage};
use crate::{browser, session};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use photoshare_domain::problem::Problem;
use photoshare_domain::types::{Locale, Page, PhotoView, UserSummary, UserView};

#[component]
pub fn Header() -> impl IntoView {
    let me = use_me();
    let live = crate::state::use_live();
    let navigate = use_navigate();
    let log_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if session::log_out().await.is_ok() {
                me.user.set(None);
                navigate("/", Default::default());
            }
        });
    };
    let my_page = move || {
        me.user
            .with(|u| u.as_ref().map(|u| format!("/u/{}", u.handle)))
            .unwrap_or_default()
    };
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"◐"</span>
                <span class="brand-name">"PhotoShare"</span>
            </A>
            <nav class="site-nav" aria-label=move || t("Main")>
                <A href="/" attr:class="nav-link">{move || t("Recent")}</A>
                <A href="/popular" attr:class="nav-link">{move || t("Popular")}</A>
                <Show when=move || me.user.with(|u| u.is_some())>
                    <A href="/fans" attr:class="nav-link">{move || t("Fans feed")}</A>
                </Show>
                <A href="/top" attr:class="nav-link">{move || t("Top users")}</A>
                <Show when=move || me.is_admin()>
                    <A href="/admin" attr:rel="external" attr:class="nav-link" attr:data-testid="admin-link">{move || t("Admin")}</A>
                </Show>
            </nav>
            <crate::pages::search::SearchBox />
            <div class="site-actions">
                <A href="/search" attr:class="nav-link icon-link search-link" attr:data-testid="search-link" attr:aria-label=move || t("Search")>
                    <span aria-hidden="true">"⌕"</span>
                </A>
                <Show
                    when=move || me.user.with(|u| u.is_some())
                    fallback=move || {
                        view! {
                            <Show when=move || me.loaded.get()>
                                <A href="/login" attr:class="nav-link">{move || t("Log in")}</A>
                                <A href="/signup" attr:class="button primary">{move || t("Sign up")}</A>
                            </Show>
                        }
                    }
                >
                    <A href="/upload" attr:class="button primary">{move || t("Upload")}</A>
                    <A href="/notifications" attr:class="nav-link icon-link bell" attr:data-testid="bell"
                        attr:aria-label=move || match live.unread.get() {
                            0 => t("Notifications").to_owned(),
                            n => tn("Notifications ({n} unread)", n),
                        }>
                        <span aria-hidden="true">"🔔"</span>
                        <Show when=move || { live.unread.get() > 0 }>
                            <span class="bell-count" aria-hidden="true" data-testid="bell-count">
                                {move || match live.unread.get() {
                                    n if n >= 100 => "99+".to_owned(),
                                    n => n.to_string(),
                                }}
                            </span>
                        </Show>
                    </A>
                    <a href=my_page class="me-link" title=move || t("My profile")>
                        {move || {
                            me.user
                                .get()
                                .map(|u| view! { <Avatar url=u.icon_url.clone() handle=u.handle.clone() size=32 /> })
                        }}
                        <span class="who-handle" data-testid="who">{move || me.user.with(|u| u.as_ref().map(|u| format!("@{}", u.handle)))}</span>
                    </a>
                    <A href="/settings" attr:class="nav-link icon-link" attr:title=move || t("Settings")>
                        <span aria-hidden="true">"⚙"</span>
                        <span class="visually-hidden">{move || t("Settings")}</span>
                    </A>
                    <button class="link-button" on:click=log_out.clone()>{move || t("Log out")}</button>
                </Show>
            </div>
        </header>
    }
}

/// The system's own banner, on every page while photo storage is delayed or paused; it goes away
/// by itself when storage is healthy again (the page's live stream says so). Distinct from
/// admins' announcements.
#[component]
pub fn StorageBanner() -> impl IntoView {
    let storage = crate::state::use_live().storage;
    view! {
        <Show when=move || storage.get() != Storage::Ok>
            <div class="system-banner" role="status" data-testid="storage-banner">
                <span aria-hidden="true">"⏳"</span>
                {move || match storage.get() {
                    Storage::Paused => t("Photo storage is paused for maintenance — your uploads are safe and visible."),
                    _ => t("Photo storage is delayed — your uploads are safe and visible."),
                }}
            </div>
        </Show>
    }
}

/// Where this browser remembers the announcement the user folded away.
const COLLAPSED_KEY: &str = "photoshare.announcement.collapsed";

/// An admin's image announcement, on every page while one is current. The server pushes it, so a
/// new one appears without a reload. The user can fold it to one line; the fold is remembered
/// for that announcement only, so the next one arrives unfolded.
#[component]
pub fn AnnouncementBanner() -> impl IntoView {
    let current = crate::state::use_live().announcement;
    let folded_id = RwSignal::new(browser::stored(COLLAPSED_KEY));
    let folded = move || {
        current.with(|a| {
            a.as_ref()
                .is_some_and(|a| folded_id.with(|f| f.as_deref() == Some(a.id.as_str())))
        })
    };
    let toggle = move |_| {
        let id = current.with_untracked(|a| a.as_ref().map(|a| a.id.clone()));
        let fold = id.is_some() && folded_id.get_untracked() != id;
        let id = if fold { id } else { None };
        browser::store(COLLAPSED_KEY, id.as_deref());
        folded_id.set(id);
    };
    let image = move || {
        current.get().map(|a| {
            let img = view! {
                <img src=a.image_url width=a.width height=a.height alt=a.alt data-testid="announcement-image" />
            };
            match a.link {
                Some(href) => view! { <a class="announcement-link" href=href>{img}</a> }.into_any(),
                None => img.into_any(),
            }
        })
    };
    view! {
        <Show when=move || current.with(|a| a.is_some())>
            <aside class="announcement" class:folded=folded aria-label=move || t("Announcement") data-testid="announcement">
                <Show when=move || !folded()>
                    <div class="announcement-media">{image}</div>
                </Show>
                <div class="announcement-bar">
                    <Show when=folded>
                        <span class="announcement-alt" data-testid="announcement-alt">
                            {move || current.with(|a| a.as_ref().map(|a| a.alt.clone()))}
                        </span>
                    </Show>
                    <A href="/announcements" attr:class="announcement-past">{move || t("Past announcements")}</A>
                    <button
                        type="button"
                        class="announcement-toggle"
                        aria-expanded=move || (!folded()).to_string()
                        aria-label=move || if folded() { t("Show announcement") } else { t("Hide announcement") }
                        data-testid="announcement-toggle"
                        on:click=toggle
                    >
                        {move || if folded() { t("Show") } else { t("Hide") }}
                        <span aria-hidden="true">{move || if folded() { " ▾" } else { " ▴" }}</span>
                    </button>
                </div>
            </aside>
        </Show>
    }
}

/// Calls `tick` now and again every `ms` milliseconds for as long as it answers true and the
/// component that started it is on the page. Only the browser polls; `tick` must not read
/// signals, which are gone once the component is.
pub fn poll<F, Fut>(ms: u32, tick: F)
where
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = bool> + 'static,
{
    #[cfg(feature = "csr")]
    {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let stopped = Arc::new(AtomicBool::new(false));
        on_cleanup({
            let stopped = stopped.clone();
            move || stopped.store(true, Ordering::Relaxed)
        });
        leptos::task::spawn_local(async move {
            while !stopped.load(Ordering::Relaxed) && tick().await {
                gloo_timers::future::TimeoutFuture::new(ms).await;
            }
        });
    }
    #[cfg(not(feature = "csr"))]
    let _ = (ms, tick);
}

/// The language switch, on every page. A signed-in user's choice is saved with their account.
#[component]
pub fn Footer() -> impl IntoView {
    let me = use_me();
    let change = move |ev: leptos::ev::Event| {
        let Ok(l) = Locale::parse(&event_target_value(&ev)) else {
            return;
        };
        i18n::set_locale(l);
        if me.user.with_untracked(|u| u.is_some()) {
            leptos::task::spawn_local(async move {
                let change = photoshare_domain::views::ProfileChange {
                    locale: Some(l.code().to_owned()),
                    ..Default::default()
                };
                if let Ok(user) = session::update_profile(change).await {
                    me.user.set(Some(user));
                }
            });
        }
    };
    view! {
        <footer class="site-footer">
            <A href="/announcements">{move || t("Announcements")}</A>
            <label>
                <span>{move || t("Language")}</span>
                <select on:change=change data-testid="language" prop:value=move || i18n::locale().get().code()>
                    <option value="en">"English"</option>
                    <option value="ja">"日本語"</option>
                </select>
            </label>
        </footer>
    }
}

/// A user's round icon, or their initial on a colour picked from the handle.
#[component]
pub fn Avatar(url: Option<String>, handle: String, size: u32) -> impl IntoView {
    let px = size.to_string();
    match url {
        Some(src) => view! { <img class="avatar" src=src alt="" width=px.clone() height=px loading="lazy" /> }.into_any(),
        None => {
            let hue = handle.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 360;
            let initial = handle.chars().next().unwrap_or('?').to_uppercase().to_string();
            view! {
                <span
                    class="avatar avatar-initial"
                    aria-hidden="true"
                    style=format!("--avatar-hue:{hue};width:{size}px;height:{size}px;font-size:{}px", size / 2)
                >
                    {initial}
                </span>
            }
                .into_any()
        }
    }
}

/// A square thumbnail linking to the photo page. The browser picks the size it needs.
#[component]
pub fn PhotoTile(photo: PhotoView) -> impl IntoView {
    let href = format!("/p/{}", photo.id);
    let alt = alt_text(&photo);
    let srcset = format!("{} 320w, {} 1280w", photo.urls.thumb, photo.urls.large);
    let favorites = photo.favorites_count;
    view! {
        <li class="tile">
            <a href=href>
                <img
                    src=photo.urls.thumb.clone()
                    srcset=srcset
                    sizes="(max-width: 480px) 50vw, (max-width: 900px) 33vw, 240px"
                    alt=alt
                    loading="lazy"
                    decoding="async"
                    width="320"
                    height="320"
                />
                <Show when=move || { favorites > 0 }>
                    <span class="tile-badge" aria-hidden="true">"♥ " {favorites}</span>
                </Show>
            </a>
        </li>
    }
}

/// A user in a list: icon, names, fans.
#[component]
pub fn UserRow(user: UserSummary, #[prop(optional)] rank: Option<usize>) -> impl IntoView {
    let href = format!("/u/{}", user.handle);
    let name = if user.display_name.is_empty() {
        user.handle.clone()
    } else {
        user.display_name.clone()
    };
    let fans = user.fans_count;
    view! {
        <li class="user-row">
            {rank.map(|r| view! { <span class="rank">{r}</span> })}
            <a href=href>
                <Avatar url=user.icon_url.clone() handle=user.handle.clone() size=44 />
                <span class="names">
                    <span class="display-name">{name}</span>
                    <span class="handle">"@" {user.handle.clone()}</span>
                </span>
            </a>
            <span class="fans-count">{fans} " " {move || t("fans")}</span>
        </li>
    }
}

/// Every image gets alt text: the caption, or who posted it.
pub fn alt_text(photo: &PhotoView) -> String {
    if !photo.alt.is_empty() {
        photo.alt.clone()
    } else if photo.caption.is_empty() {
        t("Photo by @{n}").replace("{n}", &photo.owner)
    } else {
        photo.caption.clone()
    }
}

/// Its children for a signed-in user; for anyone else, once the session is known, `message` as a
/// link to the log-in page.
#[component]
pub fn RequireLogin(message: fn() -> &'static str, children: ChildrenFn) -> impl IntoView {
    let me = use_me();
    view! {
        <Show
            when=move || me.user.with(|u| u.is_some())
            fallback=move || view! {
                <Show when=move || me.loaded.get()>
                    <p><A href="/login">{message}</A></p>
                </Show>
            }
        >
            {children()}
        </Show>
    }
}

/// A message for a failed action, shown where the user is looking.
#[component]
pub fn ErrorMessage(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.with(|m| m.is_some())>
            <p class="error" role="alert">{move || message.get()}</p>
        </Show>
    }
}

/// What a [`Feed`] calls for a page: a server function given the cursor of the page to read
/// (`None` for the first).
pub type PageFuture<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Page<T>, AppError>>>>;

/// How a [`Feed`] reads its pages, kept for "more".
type PageLoader<T> = std::sync::Arc<dyn Fn(Option<String>) -> PageFuture<T> + Send + Sync>;

/// A keyset-paginated list read through a server function, page by page.
pub struct Feed<T: Send + Sync + 'static> {
    pub items: RwSignal<Vec<T>>,
    pub next: RwSignal<Option<String>>,
    pub loading: RwSignal<bool>,
    pub loaded_once: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    /// The last read failed because the server could not be reached.
    pub unreachable: RwSignal<bool>,
    load_page: StoredValue<PageLoader<T>>,
}

impl<T: Send + Sync + 'static> Clone for Feed<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Feed<T> {}

impl<T: Clone + Send + Sync + 'static> Feed<T> {
    /// A feed whose pages `load_page` reads (given the cursor; `None` for the first page); loads
    /// its first page.
    pub fn new<F>(load_page: impl Fn(Option<String>) -> F + Send + Sync + 'static) -> Self
    where
        F: std::future::Future<Output = Result<Page<T>, AppError>> + 'static,
    {
        let load_page = move |cursor| Box::pin(load_page(cursor)) as PageFuture<T>;
        let feed = Self {
            items: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            loading: RwSignal::new(false),
            loaded_once: RwSignal::new(false),
            error: RwSignal::new(None),
            unreachable: RwSignal::new(false),
            load_page: StoredValue::new(std::sync::Arc::new(load_page)),
        };
        feed.load(None, false);
        feed
    }

    fn load(self, cursor: Option<String>, replace: bool) {
        if self.loading.get_untracked() {
            return;
        }
        self.loading.set(true);
        let page = self.load_page.with_value(|load| load(cursor));
        leptos::task::spawn_local(async move {
            match page.await {
                Ok(page) => {
                    if replace {
                        self.items.set(page.items);
                    } else {
                        self.items.update(|v| v.extend(page.items));
                    }
                    self.next.set(page.next_cursor);
                    self.error.set(None);
                    self.unreachable.set(false);
                }
                Err(e) => {
                    self.unreachable
                        .set(matches!(e.problem(), Problem::Unreachable));
                    self.error.set(Some(e.text()));
                }
            }
            self.loading.set(false);
            self.loaded_once.set(true);
        });
    }

    pub fn load_more(self) {
        if let Some(c) = self.next.get_untracked() {
            self.load(Some(c), false);
        }
    }

    /// Reads the first page again (after new photos arrived).
    pub fn reload(self) {
        self.load(None, true);
    }

    pub fn is_empty(self) -> bool {
        self.loaded_once.get()
            && self.items.with(|v| v.is_empty())
            && self.error.with(|e| e.is_none())
    }
}

/// The end of a feed: loads the next page when it scrolls into view (infinite scroll), with a
/// button for keyboards and for browsers without IntersectionObserver.
#[component]
pub fn MoreButton<T: Clone + Send + Sync + 'static>(feed: Feed<T>) -> impl IntoView {
    let sentinel = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "csr")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        Effect::new(move |_| {
            let Some(el) = sentinel.get() else { return };
            let callback =
                Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    let visible = entries.iter().any(|e| {
                        e.dyn_into::<web_sys::IntersectionObserverEntry>()
                            .map(|e| e.is_intersecting())
                            .unwrap_or(false)
                    });
                    if visible {
                        feed.load_more();
                    }
                });
            if let Ok(observer) =
                web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref())
            {
                observer.observe(&el);
                callback.forget();
                on_cleanup(move || observer.disconnect());
            }
        });
    }
    // Offline with nothing kept of this list (the notice under the header already says why),
    // a quiet line instead of an error; the list is read again when the server is back.
    let offline = use_context::<crate::offline::Offline>().map(|o| o.offline);
    let kept_nothing = move || offline.is_some_and(|o| o.get()) && feed.unreachable.get();
    Effect::new(move |was_offline: Option<bool>| {
        let now = offline.is_some_and(|o| o.get());
        if was_offline == Some(true) && !now && feed.unreachable.get_untracked() {
            feed.error.set(None);
            feed.reload();
        }
        now
    });
    let error = Signal::derive(move || {
        if kept_nothing() {
            None
        } else {
            feed.error.get()
        }
    });
    view! {
        <div class="more" node_ref=sentinel>
            <ErrorMessage message=error />
            <Show when=kept_nothing>
                <p class="hint" data-testid="kept-nothing">
                    {move || t("Nothing of this list was kept on this device yet. It appears when you are back online.")}
                </p>
            </Show>
            <Show when=move || feed.next.with(|n| n.is_some())>
                <button class="button" disabled=move || feed.loading.get() on:click=move |_| feed.load_more()>
                    {move || if feed.loading.get() { t("Loading…") } else { t("Show more") }}
                </button>
            </Show>
        </div>
    }
}

/// A grid of photos from a feed, infinitely scrolled.
#[component]
pub fn PhotoGrid(feed: Feed<PhotoView>, empty: &'static str) -> impl IntoView {
    // The app's own grid is drawn: the server's first photos (on `/`) give way to it.
    Effect::new(move |_| {
        if feed.loaded_once.get() {
            crate::browser::first_paint_done();
        }
    });
    view! {
        <Show when=move || feed.is_empty()>
            <p class="empty">{move || t(empty)}</p>
        </Show>
        <ul class="grid" data-testid="photo-grid">
            <For each=move || feed.items.get() key=|p| p.id.clone() children=move |photo| view! { <PhotoTile photo=photo /> } />
        </ul>
        <MoreButton feed=feed />
    }
}

/// A list of users from a feed (fans, fan of, who favorited), infinitely scrolled.
#[component]
pub fn UserList(
    feed: Feed<UserSummary>,
    #[prop(default = "Nothing here yet.")] empty: &'static str,
) -> impl IntoView {
    view! {
        <Show when=move || feed.is_empty()>
            <p class="empty">{move || t(empty)}</p>
        </Show>
        <ul class="user-list" data-testid="user-list">
            <For each=move || feed.items.get() key=|u| u.handle.clone() children=move |u| view! { <UserRow user=u /> } />
        </ul>
        <MoreButton feed=feed />
    }
}

/// The state of a handle-and-password form (log in, sign up).
#[derive(Clone, Copy)]
pub struct AuthForm {
    pub handle: RwSignal<String>,
    pub password: RwSignal<String>,
    pub error: RwSignal<Option<String>>,
    pub busy: RwSignal<bool>,
}

impl AuthForm {
    pub fn new() -> Self {
        Self {
            handle: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
            error: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    /// The form's submit handler: calls `call(handle, password)`; on success the user is signed
    /// in and taken to Recent, on failure the message shows in the form.
    pub fn on_submit<F, Fut>(self, call: F) -> impl Fn(leptos::ev::SubmitEvent) + Clone + 'static
    where
        F: Fn(String, String) -> Fut + Clone + 'static,
        Fut: std::future::Future<Output = Result<UserView, AppError>> + 'static,
    {
        let me = use_me();
        let navigate = use_navigate();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (navigate, call) = (navigate.clone(), call.clone());
            self.busy.set(true);
            leptos::task::spawn_local(async move {
                match call(self.handle.get_untracked(), self.password.get_untracked()).await {
                    Ok(user) => {
                        me.set(Some(user));
                        navigate("/", Default::default());
                    }
                    Err(e) => self.error.set(Some(e.text())),
                }
                self.busy.set(false);
            });
        }
    }
}

impl Default for AuthForm {
    fn default() -> Self {
        Self::new()
    }
}

/// "N new photos", for the live update of a feed.
pub fn new_photos_label(n: i64) -> String {
    if n == 1 {
        t("1 new photo").to_owned()
    } else {
        tn("{n} new photos", n)
    }
}

/// A piece of a person's text: as written, or an `@handle` or a `#tag` to link.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Plain(String),
    Mention(String),
    Tag(String),
}

/// `text` cut into plain runs, `@handles` and `#tags` (each only where it starts a word).
fn pieces(text: &str) -> Vec<Piece> {
    use photoshare_domain::types::{is_tag_char, Handle, Tag};
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts_word = i == 0 || !is_tag_char(chars[i - 1]);
        if (c == '@' || c == '#') && starts_word {
            let word: String = chars[i + 1..]
                .iter()
                .take_while(|w| {
                    if c == '@' {
                        w.is_ascii_alphanumeric() || **w == '_'
                    } else {
                        is_tag_char(**w)
                    }
                })
                .collect();
            let piece = if c == '@' {
                Handle::parse(&word)
                    .ok()
                    .map(|h| Piece::Mention(h.to_string()))
            } else {
                Tag::parse(&word).map(|t| Piece::Tag(t.to_string()))
            };
            if let Some(piece) = piece {
                if !plain.is_empty() {
                    out.push(Piece::Plain(std::mem::take(&mut plain)));
                }
                out.push(piece);
                i += 1 + word.chars().count();
                continue;
            }
        }
        plain.push(c);
        i += 1;
    }
    if !plain.is_empty() {
        out.push(Piece::Plain(plain));
    }
    out
}

/// A caption or comment with its `@handles` linked to their pages and `#tags` to theirs.
#[component]
pub fn RichText(text: String) -> impl IntoView {
    pieces(&text)
        .into_iter()
        .map(|p| match p {
            Piece::Plain(s) => s.into_any(),
            Piece::Mention(h) => {
                let href = format!("/u/{h}");
                view! { <a class="mention" href=href>"@" {h}</a> }.into_any()
            }
            Piece::Tag(t) => {
                let href = format!("/t/{t}");
                view! { <a class="tag" href=href>"#" {t}</a> }.into_any()
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::{pieces, Piece};

    #[test]
    fn handles_and_tags_are_cut_out_where_they_start_a_word() {
        assert_eq!(
            pieces("@Aiko 見て #夕焼け! mail@x.jp a#b #"),
            [
                Piece::Mention("aiko".into()),
                Piece::Plain(" 見て ".into()),
                Piece::Tag("夕焼け".into()),
                Piece::Plain("! mail@x.jp a#b #".into()),
            ]
        );
    }
}
