//! My notifications: grouped per photo and day ("aiko and 3 others favorited your photo"), read
//! once seen, and which kinds I want (in settings).

use crate::components::{Avatar, ErrorMessage, RequireLogin};
use crate::error::AppError;
use crate::i18n::{relative_time, t, tn};
use crate::state::use_live;
use leptos::prelude::*;
use photoshare_domain::types::Page;
use photoshare_domain::views::{NotificationGroup, NotificationKind, NotificationSettings};

#[server(prefix = "/api/sf", endpoint = "notifications", protocol = crate::sf::Sf)]
pub async fn notification_page(
    cursor: Option<String>,
) -> Result<Page<NotificationGroup>, AppError> {
    use photoshare_domain::types::page_request;
    let (s, user) = crate::session::ssr::signed_in().await?;
    let (cursor, limit) = page_request(cursor.as_deref(), Some(30))?;
    Ok(s.notifications.page(&user, cursor, limit).await?)
}

#[server(prefix = "/api/sf", endpoint = "mark_notifications_read", protocol = crate::sf::Sf)]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.notifications.mark_read(&user).await?)
}

#[server(prefix = "/api/sf", endpoint = "notification_settings", protocol = crate::sf::Sf)]
pub async fn my_notification_settings() -> Result<NotificationSettings, AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.notifications.settings(&user).await?)
}

#[server(prefix = "/api/sf", endpoint = "set_notification_settings", protocol = crate::sf::Sf)]
pub async fn set_notification_settings(
    settings: NotificationSettings,
) -> Result<NotificationSettings, AppError> {
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.notifications.set_settings(&user, &settings).await?)
}

/// The sentence of a line: who did what.
fn sentence(g: &NotificationGroup) -> String {
    let first = g
        .actors
        .first()
        .map(|a| {
            if a.display_name.is_empty() {
                format!("@{}", a.handle)
            } else {
                a.display_name.clone()
            }
        })
        .unwrap_or_default();
    let others = g.people - 1;
    let text = match (g.kind, others > 0) {
        (NotificationKind::Favorite, false) => tn("{who} favorited your photo", others),
        (NotificationKind::Favorite, true) => {
            tn("{who} and {n} others favorited your photo", others)
        }
        (NotificationKind::Comment, false) => tn("{who} commented on your photo", others),
        (NotificationKind::Comment, true) => {
            tn("{who} and {n} others commented on your photo", others)
        }
        (NotificationKind::Fan, false) => tn("{who} became your fan", others),
        (NotificationKind::Fan, true) => tn("{who} and {n} others became your fans", others),
        (NotificationKind::Mention, _) => tn("{who} mentioned you", others),
        (NotificationKind::Hidden, _) => {
            t("Your photo is hidden while an admin reviews it.").to_owned()
        }
        (NotificationKind::Removed, _) => t("An admin removed your photo.").to_owned(),
    };
    text.replace("{who}", &first)
}

/// The labels of the kinds, for the settings.
fn kind_label(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::Favorite => t("Someone favorites my photo"),
        NotificationKind::Fan => t("Someone becomes my fan"),
        NotificationKind::Comment => t("Someone comments on my photo"),
        NotificationKind::Mention => t("Someone mentions me"),
        NotificationKind::Hidden => t("An admin hides my photo"),
        NotificationKind::Removed => t("An admin removes my photo"),
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    view! {
        <section class="settings-card" aria-labelledby="notifications-title">
            <h1 id="notifications-title">{move || t("Notifications")}</h1>
            <RequireLogin message=|| t("Please log in first.")>
                <NotificationList />
            </RequireLogin>
        </section>
    }
}

#[component]
fn NotificationList() -> impl IntoView {
    let live = use_live();
    let items = RwSignal::new(Vec::<NotificationGroup>::new());
    let next = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let load = move |cursor: Option<String>| {
        leptos::task::spawn_local(async move {
            match notification_page(cursor.clone()).await {
                Ok(page) => {
                    let first = cursor.is_none();
                    items.update(|i| {
                        if first {
                            i.clear();
                        }
                        i.extend(page.items)
                    });
                    next.set(page.next_cursor);
                    loaded.set(true);
                    // Seen: read (the lines keep their highlight until the page reloads).
                    if first && live.unread.get_untracked() > 0 {
                        let _ = mark_notifications_read().await;
                        live.unread.set(0);
                    }
                }
                Err(e) => error.set(Some(e.text())),
            }
        })
    };
    load(None);
    // News while the page is open: show it.
    Effect::new(move |before: Option<i64>| {
        let now = live.unread.get();
        if before.is_some_and(|b| now > b) {
            load(None);
        }
        now
    });
    view! {
        <ul class="notifications" data-testid="notifications">
            {move || items.get().into_iter().map(|g| {
                let text = sentence(&g);
                let href = g.photo_id.as_ref().map(|p| format!("/p/{p}")).or_else(|| {
                    g.actors.first().map(|a| format!("/u/{}", a.handle))
                });
                let at = g.latest_at.clone();
                let face = g.actors.first().cloned();
                view! {
                    <li class:unread=g.unread data-testid="notification">
                        {face.map(|a| view! { <Avatar url=a.icon_url.clone() handle=a.handle.clone() size=36 /> })}
                        <span class="what">
                            {match href {
                                Some(h) => view! { <a href=h>{text}</a> }.into_any(),
                                None => view! { <span>{text}</span> }.into_any(),
                            }}
                            <br />
                            <time class="hint" datetime=at.clone()>{relative_time(&at)}</time>
                        </span>
                        {g.photo_thumb_url.map(|src| view! { <img class="thumb" src=src alt="" loading="lazy" /> })}
                    </li>
                }
            }).collect_view()}
        </ul>
        <Show when=move || loaded.get() && items.with(Vec::is_empty)>
            <p class="hint">{move || t("Nothing yet. When someone favorites your photos, becomes your fan, comments or mentions you, it shows here.")}</p>
        </Show>
        <Show when=move || next.with(Option::is_some)>
            <button type="button" class="button" on:click=move |_| load(next.get_untracked())>{move || t("Show more")}</button>
        </Show>
        <ErrorMessage message=error />
    }
}

/// Settings: which kinds of notification I want.
#[component]
pub fn NotificationSettingsSection() -> impl IntoView {
    let off = RwSignal::new(Vec::<NotificationKind>::new());
    let error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        match my_notification_settings().await {
            Ok(s) => off.set(s.off),
            Err(e) => error.set(Some(e.text())),
        }
    });
    let toggle = move |kind: NotificationKind, on: bool| {
        off.update(|o| {
            o.retain(|k| *k != kind);
            if !on {
                o.push(kind);
            }
        });
        let settings = NotificationSettings {
            off: off.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match set_notification_settings(settings).await {
                Ok(s) => {
                    off.set(s.off);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.text())),
            }
        });
    };
    view! {
        <section class="settings-card" aria-labelledby="notify-title" data-testid="notification-settings">
            <h2 id="notify-title">{move || t("Notify me when")}</h2>
            <div class="profile-form">
                {NotificationKind::ALL.into_iter().map(|kind| view! {
                    <label class="check">
                        <input type="checkbox" prop:checked=move || off.with(|o| !o.contains(&kind))
                            on:change=move |ev| toggle(kind, event_target_checked(&ev)) />
                        {move || kind_label(kind)}
                    </label>
                }).collect_view()}
            </div>
            <ErrorMessage message=error />
        </section>
    }
}
