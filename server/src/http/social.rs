//! HTTP API v1, the social part: feeds, favorites, fans, profiles and comments.

use super::api::{feed, PageQuery};
use super::auth::{SignedIn, Viewer};
use super::error::ApiError;
use super::form;
use super::state::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use photoshare_domain::blocks::RelationKind;
use photoshare_domain::photos::Feed;
use photoshare_domain::problem::Problem;
use photoshare_domain::types::{comment_in_path, photo_in_path, user_in_path, CommentBody, Tag};
use photoshare_domain::views::ProfileChange;
use serde::Deserialize;

pub fn router(max_upload: u64) -> Router<AppState> {
    Router::new()
        .route("/photos/popular", get(popular))
        .route("/feeds/fans", get(fans_feed))
        .route(
            "/photos/{id}/favorite",
            put(|State(s), SignedIn(u), Path(p)| set_favorite(true, s, u, p))
                .delete(|State(s), SignedIn(u), Path(p)| set_favorite(false, s, u, p)),
        )
        .route("/photos/{id}/favorites", get(favoriters))
        .route("/photos/{id}/comments", get(comments).post(add_comment))
        .route(
            "/photos/{id}/comments/{comment}",
            axum::routing::delete(delete_comment),
        )
        .route("/users/top", get(top_users))
        .route("/users/{handle}", get(profile))
        .route(
            "/users/{handle}/fan",
            put(|State(s), SignedIn(u), Path(h)| set_fan(true, s, u, h))
                .delete(|State(s), SignedIn(u), Path(h)| set_fan(false, s, u, h)),
        )
        .route(
            "/users/{handle}/block",
            put(|State(s), SignedIn(u), Path(h)| set_relation(RelationKind::Block, true, s, u, h))
                .delete(|State(s), SignedIn(u), Path(h)| {
                    set_relation(RelationKind::Block, false, s, u, h)
                }),
        )
        .route(
            "/users/{handle}/mute",
            put(|State(s), SignedIn(u), Path(h)| set_relation(RelationKind::Mute, true, s, u, h))
                .delete(|State(s), SignedIn(u), Path(h)| {
                    set_relation(RelationKind::Mute, false, s, u, h)
                }),
        )
        .route("/me/blocks", get(my_blocks))
        .route("/search", get(search))
        .route("/tags/trending", get(trending_tags))
        .route("/tags/{tag}/photos", get(tag_photos))
        .route("/users/{handle}/photos", get(user_photos))
        .route("/users/{handle}/favorites", get(user_favorites))
        .route(
            "/users/{handle}/fans",
            get(|State(s), Viewer(v), Path(h), q: PageParams| fan_list(true, s, v, h, q)),
        )
        .route(
            "/users/{handle}/fan-of",
            get(|State(s), Viewer(v), Path(h), q: PageParams| fan_list(false, s, v, h, q)),
        )
        .route("/me", get(me).patch(update_me))
        .route(
            "/me/icon",
            put(set_icon).layer(form::upload_limit(max_upload)),
        )
}

type PageParams = Result<Query<PageQuery>, QueryRejection>;

async fn popular(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    query: PageParams,
) -> Result<Response, ApiError> {
    feed(&state, Feed::Popular, viewer.as_ref(), query).await
}

async fn fans_feed(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    query: PageParams,
) -> Result<Response, ApiError> {
    feed(&state, Feed::Fans(user.id), Some(&user), query).await
}

async fn user_photos(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(raw): Path<String>,
    query: PageParams,
) -> Result<Response, ApiError> {
    let id = state.services.social.id_of(&user_in_path(&raw)?).await?;
    feed(&state, Feed::By(id), viewer.as_ref(), query).await
}

async fn user_favorites(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(raw): Path<String>,
    query: PageParams,
) -> Result<Response, ApiError> {
    let id = state.services.social.id_of(&user_in_path(&raw)?).await?;
    feed(&state, Feed::FavoritesOf(id), viewer.as_ref(), query).await
}

/// PUT (`on`) or DELETE a favorite; both idempotent.
async fn set_favorite(
    on: bool,
    state: AppState,
    user: photoshare_domain::accounts::User,
    raw: String,
) -> Result<Response, ApiError> {
    let state = state
        .services
        .social
        .set_favorite(&user, photo_in_path(&raw)?, on)
        .await?;
    Ok(Json(state).into_response())
}

async fn favoriters(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(raw): Path<String>,
    query: PageParams,
) -> Result<Response, ApiError> {
    let (cursor, limit) = query?.0.parse()?;
    let page = state
        .services
        .social
        .favoriters(photo_in_path(&raw)?, viewer.as_ref(), cursor, limit)
        .await?;
    Ok(Json(page).into_response())
}

/// PUT (`on`) or DELETE being a fan; both idempotent.
async fn set_fan(
    on: bool,
    state: AppState,
    user: photoshare_domain::accounts::User,
    raw: String,
) -> Result<Response, ApiError> {
    let state = state
        .services
        .social
        .set_fan(&user, &user_in_path(&raw)?, on)
        .await?;
    Ok(Json(state).into_response())
}

/// The photos of a `#tag`, newest first.
async fn tag_photos(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(raw): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let tag = Tag::parse(&raw).ok_or(ApiError(Problem::BadTag))?;
    feed(&state, Feed::Tagged(tag), viewer.as_ref(), query).await
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

/// People (`type=users`) or photos (`type=photos`, the default) matching `q`.
async fn search(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    let (cursor, limit) = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    }
    .parse()?;
    let search = &state.services.search;
    let viewer = viewer.as_ref();
    Ok(match query.kind.as_deref().unwrap_or("photos") {
        "photos" => Json(search.photos(&query.q, viewer, cursor, limit).await?).into_response(),
        "users" => Json(search.users(&query.q, viewer, cursor, limit).await?).into_response(),
        _ => return Err(ApiError(Problem::BadSearchType)),
    })
}

async fn trending_tags(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(state.services.photos.trending_tags(10).await?).into_response())
}

/// PUT (`on`) or DELETE a block or a mute; both idempotent.
async fn set_relation(
    kind: RelationKind,
    on: bool,
    state: AppState,
    user: photoshare_domain::accounts::User,
    raw: String,
) -> Result<Response, ApiError> {
    let relation = state
        .services
        .social
        .set_relation(&user, &user_in_path(&raw)?, kind, on)
        .await?;
    Ok(Json(relation).into_response())
}

async fn my_blocks(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Response, ApiError> {
    Ok(Json(state.services.social.blocks(&user).await?).into_response())
}

async fn profile(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let profile = state
        .services
        .social
        .profile(&user_in_path(&raw)?, viewer.as_ref())
        .await?;
    Ok(Json(profile).into_response())
}

/// A user's fans (`fans`), or the users they are a fan of.
async fn fan_list(
    fans: bool,
    state: AppState,
    viewer: Option<photoshare_domain::accounts::User>,
    raw: String,
    query: PageParams,
) -> Result<Response, ApiError> {
    let (cursor, limit) = query?.0.parse()?;
    let social = &state.services.social;
    let who = user_in_path(&raw)?;
    let viewer = viewer.as_ref();
    let page = if fans {
        social.fans_of(&who, viewer, cursor, limit).await?
    } else {
        social.idols_of(&who, viewer, cursor, limit).await?
    };
    Ok(Json(page).into_response())
}

async fn top_users(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    query: PageParams,
) -> Result<Response, ApiError> {
    let (cursor, limit) = query?.0.parse()?;
    let page = state
        .services
        .social
        .top_users(viewer.as_ref(), cursor, limit)
        .await?;
    Ok(Json(page).into_response())
}

async fn me(SignedIn(user): SignedIn) -> Response {
    Json(user.view()).into_response()
}

async fn update_me(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    body: Result<Json<ProfileChange>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(change) = body?;
    let view = state
        .services
        .accounts
        .change_profile(&user, &change)
        .await?;
    Ok(Json(view).into_response())
}

async fn set_icon(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let bytes = form::image_form(form::multipart(multipart)?, state.max_upload)
        .await?
        .image;
    state.services.media.budget().check_free_space()?;
    let view = state
        .services
        .accounts
        .set_icon_bytes(&state.services.media, &user, &bytes)
        .await?;
    Ok(Json(view).into_response())
}

async fn comments(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(raw): Path<String>,
    query: PageParams,
) -> Result<Response, ApiError> {
    let (cursor, limit) = query?.0.parse()?;
    let page = state
        .services
        .social
        .comments(photo_in_path(&raw)?, viewer.as_ref(), cursor, limit)
        .await?;
    Ok(Json(page).into_response())
}

#[derive(Deserialize)]
struct NewComment {
    body: String,
}

async fn add_comment(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(raw): Path<String>,
    body: Result<Json<NewComment>, JsonRejection>,
) -> Result<Response, ApiError> {
    let photo = photo_in_path(&raw)?;
    let Json(c) = body?;
    let comment = state
        .services
        .social
        .comment(&user, photo, CommentBody::parse(&c.body)?)
        .await?;
    Ok((StatusCode::CREATED, Json(comment)).into_response())
}

async fn delete_comment(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path((raw, comment)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let photo = photo_in_path(&raw)?;
    let comment = comment_in_path(&comment)?;
    state
        .services
        .social
        .delete_comment(&user, photo, comment)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
