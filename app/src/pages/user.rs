//! A user's page: icon, names, bio, counts, the fan button, and their photos and favorites.

use crate::components::{Avatar, ErrorMessage, Feed, PhotoGrid, UserList};
use crate::error::AppError;
use crate::i18n::t;
use crate::pages::blocks::RelationButtons;
use crate::pages::feeds::photo_feed;
use crate::state::use_me;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use photoshare_domain::problem::Problem;
use photoshare_domain::types::{Page, ProfileView, UserSummary};
use photoshare_domain::views::{FanState, PhotoList, Relation, UserList as Users};

/// A user's public profile, as the reader sees it.
#[server(prefix = "/api/sf", endpoint = "profile", protocol = crate::sf::Sf)]
pub async fn get_profile(handle: String) -> Result<ProfileView, AppError> {
    use photoshare_domain::types::user_in_path;
    let (s, viewer) = crate::session::ssr::viewer().await?;
    Ok(s.social
        .profile(&user_in_path(&handle)?, viewer.as_ref())
        .await?)
}

/// Become (`on`) or stop being a fan of `handle`; both idempotent.
#[server(prefix = "/api/sf", endpoint = "set_fan", protocol = crate::sf::Sf)]
pub async fn set_fan(handle: String, on: bool) -> Result<FanState, AppError> {
    use photoshare_domain::types::user_in_path;
    let (s, user) = crate::session::ssr::signed_in().await?;
    Ok(s.social.set_fan(&user, &user_in_path(&handle)?, on).await?)
}

/// A page of a list of users: the top users, a user's fans or the users they are a fan of (of
/// the user `subject`), or who favorited a photo (the photo `subject`).
#[server(prefix = "/api/sf", endpoint = "users", protocol = crate::sf::Sf)]
pub async fn user_list_page(
    list: Users,
    subject: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
) -> Result<Page<UserSummary>, AppError> {
    use photoshare_domain::types::{page_request, photo_in_path, user_in_path};
    let (s, viewer) = crate::session::ssr::viewer().await?;
    let (cursor, limit) = page_request(cursor.as_deref(), limit)?;
    let subject = subject.unwrap_or_default();
    let social = &s.social;
    Ok(match list {
        Users::Top => social.top_users(viewer.as_ref(), cursor, limit).await?,
        Users::FansOf => {
            social
                .fans_of(&user_in_path(&subject)?, viewer.as_ref(), cursor, limit)
                .await?
        }
        Users::FanOf => {
            social
                .idols_of(&user_in_path(&subject)?, viewer.as_ref(), cursor, limit)
                .await?
        }
        Users::Favoriters => {
            let photo = photo_in_path(&subject)?;
            social
                .favoriters(photo, viewer.as_ref(), cursor, limit)
                .await?
        }
    })
}

/// The feed of a list of users (`subject` as for [`user_list_page`]), `limit` a page.
pub fn user_feed(list: Users, subject: Option<String>, limit: Option<u32>) -> Feed<UserSummary> {
    Feed::new(move |cursor| user_list_page(list, subject.clone(), cursor, limit))
}

#[component]
pub fn UserPage() -> impl IntoView {
    let params = use_params_map();
    let handle = move || params.read().get("handle").unwrap_or_default();
    let profile = LocalResource::new(move || {
        let h = handle();
        get_profile(h)
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">{move || t("Loading…")}</p> }>
            {move || {
                profile
                    .get()
                    .map(|result| match result {
                        Ok(p) => view! { <Profile profile=p /> }.into_any(),
                        Err(e) if matches!(e.problem(), Problem::NoSuchUser { .. }) => {
                            view! {
                                <section class="empty">
                                    <h1>{move || t("User not found")}</h1>
                                    <p>{e.text()}</p>
                                </section>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{e.text()}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Photos,
    Favorites,
    Fans,
    FanOf,
}

#[component]
fn Profile(profile: ProfileView) -> impl IntoView {
    let me = use_me();
    let handle = profile.handle.clone();
    let is_fan = RwSignal::new(profile.is_fan);
    let fans = RwSignal::new(profile.fans_count);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let tab = RwSignal::new(Tab::Photos);
    let is_me = {
        let handle = handle.clone();
        move || {
            me.user
                .with(|u| u.as_ref().is_some_and(|u| u.handle == handle))
        }
    };

    let fans_list = user_feed(Users::FansOf, Some(handle.clone()), None);
    let fan_of_list = user_feed(Users::FanOf, Some(handle.clone()), None);
    let toggle_fan = {
        let handle = handle.clone();
        move |_| {
            let on = !is_fan.get_untracked();
            let handle = handle.clone();
            busy.set(true);
            leptos::task::spawn_local(async move {
                match set_fan(handle, on).await {
                    Ok(s) => {
                        is_fan.set(s.is_fan);
                        fans.set(s.fans_count);
                        fans_list.reload();
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e.text())),
                }
                busy.set(false);
            });
        }
    };

    let relation = RwSignal::new(Relation {
        blocked: profile.blocked,
        muted: profile.muted,
    });
    // Blocking ends being their fan (and their being mine).
    let relation_changed = UnsyncCallback::new(move |r: Relation| {
        if r.blocked && is_fan.get_untracked() {
            is_fan.set(false);
            fans.update(|n| *n -= 1);
        }
    });
    let handle = StoredValue::new(handle);
    let photos = photo_feed(PhotoList::ByUser, Some(handle.get_value()));
    let favorites = photo_feed(PhotoList::FavoritesOfUser, Some(handle.get_value()));
    let name = if profile.display_name.is_empty() {
        profile.handle.clone()
    } else {
        profile.display_name.clone()
    };
    let title = format!("{name} (@{}) · PhotoShare", profile.handle);
    let signed_in = move || me.user.with(|u| u.is_some());

    view! {
        <Title text=title />
        <section class="profile">
            <header class="profile-head">
                <Avatar url=profile.icon_large_url.clone() handle=profile.handle.clone() size=112 />
                <div class="profile-names">
                    <h1 data-testid="display-name">{name}</h1>
                    <p class="handle">"@" {profile.handle.clone()}</p>
                    <p class="bio" data-testid="bio">{profile.bio.clone()}</p>
                    <ul class="counts">
                        <li><strong>{profile.photos_count}</strong> " " {move || t("photos")}</li>
                        <li><strong data-testid="fans-count">{move || fans.get()}</strong> " " {move || t("fans")}</li>
                        <li><strong>{profile.fan_of_count}</strong> " " {move || t("fan of")}</li>
                    </ul>
                    <Show
                        when=is_me.clone()
                        fallback=move || {
                            let toggle_fan = toggle_fan.clone();
                            view! {
                                <Show when=signed_in>
                                    <button
                                        class="button"
                                        class:hidden=move || relation.with(|r| r.blocked)
                                        class:primary=move || !is_fan.get()
                                        aria-pressed=move || is_fan.get().to_string()
                                        data-testid="fan-button"
                                        disabled=move || busy.get()
                                        on:click=toggle_fan.clone()
                                    >
                                        {move || if is_fan.get() { t("You are a fan") } else { t("Become a fan") }}
                                    </button>
                                    <RelationButtons handle=handle.get_value() relation=relation on_change=relation_changed />
                                </Show>
                            }
                        }
                    >
                        <A href="/settings" attr:class="button">{move || t("Edit profile")}</A>
                    </Show>
                    <ErrorMessage message=error />
                </div>
            </header>
            <div class="tabs" role="tablist">
                {[
                    (Tab::Photos, (|| t("Photos")) as fn() -> &'static str, "photos-tab"),
                    (Tab::Favorites, || t("Favorites"), "favorites-tab"),
                    (Tab::Fans, || t("Fans"), "fans-tab"),
                    (Tab::FanOf, || t("Fan of"), "fan-of-tab"),
                ]
                    .into_iter()
                    .map(|(which, label, id)| {
                        view! {
                            <button role="tab" data-testid=id aria-selected=move || (tab.get() == which).to_string() on:click=move |_| tab.set(which)>
                                {label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            {move || match tab.get() {
                Tab::Photos => view! { <PhotoGrid feed=photos empty="Nothing here yet." /> }.into_any(),
                Tab::Favorites => view! { <PhotoGrid feed=favorites empty="Nothing here yet." /> }.into_any(),
                Tab::Fans => view! { <UserList feed=fans_list /> }.into_any(),
                Tab::FanOf => view! { <UserList feed=fan_of_list /> }.into_any(),
            }}
        </section>
    }
}
