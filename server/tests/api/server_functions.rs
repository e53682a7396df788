//! Every server function, called through HTTP the way the browser calls it (a POST of its
//! arguments as JSON to `/api/sf/…`), answers with the shared view types, refuses who may not call it with the
//! right status and problem code, and none is left out: a server function the binary forgot to
//! register answers 400 "Could not find a server function", and one missing here fails the last
//! assertion.

use crate::common;

use common::{announce, png, spawn_app};
use photoshare_domain::types::{CommentView, Page, PhotoView, ProfileView, UserSummary, UserView};
use photoshare_domain::views::{
    AdminOverview, AdminUserView, AnnouncementView, FanState, FavoriteState, ModerationItem,
};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeSet;

/// The arguments as the browser sends them: a JSON object, numbers and booleans as such (but a
/// value in double quotes, such as a code of digits, as a string), and `a[b]` as the field `b` of
/// the object `a`.
fn json_args(form: &[(&str, &str)]) -> Value {
    let mut args = serde_json::Map::new();
    for (name, value) in form {
        let value = match *value {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            v if v.len() > 1 && v.starts_with('"') && v.ends_with('"') => {
                Value::from(&v[1..v.len() - 1])
            }
            v => v
                .parse::<u64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::from(v)),
        };
        match name.split_once('[') {
            Some((outer, inner)) => {
                let inner = inner.trim_end_matches(']').to_owned();
                args.entry(outer.to_owned())
                    .or_insert_with(|| Value::Object(Default::default()))
                    .as_object_mut()
                    .unwrap()
                    .insert(inner, value);
            }
            None => {
                args.insert(name.to_string(), value);
            }
        }
    }
    Value::Object(args)
}

/// Calls server functions, remembering which.
struct Caller<'a> {
    app: &'a common::TestApp,
    called: BTreeSet<String>,
}

impl Caller<'_> {
    /// POSTs `form` to the server function `name`: the status and the JSON answer.
    async fn raw(
        &mut self,
        c: &reqwest::Client,
        name: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let path = format!("/api/sf/{name}");
        let r = c
            .post(self.app.url(&path))
            .json(&json_args(form))
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        self.called.insert(path);
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// A call that must succeed, read into the type the browser reads it into.
    async fn ok<T: DeserializeOwned>(
        &mut self,
        c: &reqwest::Client,
        name: &str,
        form: &[(&str, &str)],
    ) -> T {
        let (status, body) = self.raw(c, name, form).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{name}: {e}: {body}"))
    }

    /// A call that must fail with `status` and the problem `code`.
    async fn refused(
        &mut self,
        c: &reqwest::Client,
        name: &str,
        form: &[(&str, &str)],
        status: StatusCode,
        code: &str,
    ) -> Value {
        let (got, body) = self.raw(c, name, form).await;
        assert_eq!(got, status, "{name}: {body}");
        assert_eq!(body["code"], code, "{name}: {body}");
        body
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_answers_through_http() {
    let app = spawn_app().await;
    let mut sf = Caller {
        app: &app,
        called: BTreeSet::new(),
    };
    let anon = app.client();
    let kim = app.client();

    // Session.
    let me: Option<UserView> = sf.ok(&kim, "me", &[]).await;
    assert_eq!(me, None);
    let body = sf
        .refused(
            &kim,
            "sign_up",
            &[("handle", "x"), ("password", "long enough pw")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "handle_length",
        )
        .await;
    // The problem itself, by code and values: the browser words it in the UI's language.
    assert_eq!(body["min"], 3);
    let user: UserView = sf
        .ok(
            &kim,
            "sign_up",
            &[("handle", "kim"), ("password", "long enough pw")],
        )
        .await;
    assert_eq!(user.handle, "kim");
    let me: Option<UserView> = sf.ok(&kim, "me", &[]).await;
    assert_eq!(me.unwrap().handle, "kim", "the sign-up cookie is a session");
    let () = sf.ok(&kim, "log_out", &[]).await;
    let me: Option<UserView> = sf.ok(&kim, "me", &[]).await;
    assert_eq!(me, None);
    sf.refused(
        &kim,
        "log_in",
        &[("handle", "kim"), ("password", "wrong password")],
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
    )
    .await;
    let _: UserView = sf
        .ok(
            &kim,
            "log_in",
            &[("handle", "kim"), ("password", "long enough pw")],
        )
        .await;

    // Photos and their lists.
    let lee = app.signed_in("lee").await;
    let posted = app.post_photo(&lee, png(80, 60, 2), "server fn").await;
    let id = posted.id.clone();
    let photo: Option<PhotoView> = sf.ok(&kim, "photo", &[("id", &id)]).await;
    assert_eq!(photo.unwrap().caption, "server fn");
    let none: Option<PhotoView> = sf.ok(&kim, "photo", &[("id", "nope")]).await;
    assert_eq!(none, None);
    for (list, handle) in [
        ("recent", None),
        ("popular", None),
        ("by_user", Some("lee")),
    ] {
        let mut form = vec![("list", list)];
        form.extend(handle.map(|h| ("handle", h)));
        let page: Page<PhotoView> = sf.ok(&anon, "photos", &form).await;
        assert_eq!(page.items.len(), 1, "{list}");
        assert_eq!(page.items[0].id, id, "{list}");
    }
    sf.refused(
        &anon,
        "photos",
        &[("list", "fans")],
        StatusCode::UNAUTHORIZED,
        "login_required",
    )
    .await;
    sf.refused(
        &anon,
        "photos",
        &[("list", "by_user"), ("handle", "nobody")],
        StatusCode::NOT_FOUND,
        "no_such_user",
    )
    .await;
    sf.refused(
        &anon,
        "photos",
        &[("list", "recent"), ("cursor", "garbage")],
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_cursor",
    )
    .await;

    // Favorites.
    sf.refused(
        &anon,
        "set_favorite",
        &[("photo", &id), ("on", "true")],
        StatusCode::UNAUTHORIZED,
        "login_required",
    )
    .await;
    let fav: FavoriteState = sf
        .ok(&kim, "set_favorite", &[("photo", &id), ("on", "true")])
        .await;
    assert_eq!(
        fav,
        FavoriteState {
            favorited: true,
            favorites_count: 1
        }
    );
    let favorites: Page<PhotoView> = sf
        .ok(
            &anon,
            "photos",
            &[("list", "favorites_of_user"), ("handle", "kim")],
        )
        .await;
    assert_eq!(favorites.items[0].id, id);
    let who: Page<UserSummary> = sf
        .ok(
            &anon,
            "users",
            &[("list", "favoriters"), ("subject", &id), ("limit", "12")],
        )
        .await;
    assert_eq!(who.items[0].handle, "kim");

    // Fans and profiles.
    let fan: FanState = sf
        .ok(&kim, "set_fan", &[("handle", "lee"), ("on", "true")])
        .await;
    assert_eq!(
        fan,
        FanState {
            is_fan: true,
            fans_count: 1
        }
    );
    sf.refused(
        &kim,
        "set_fan",
        &[("handle", "kim"), ("on", "true")],
        StatusCode::UNPROCESSABLE_ENTITY,
        "own_fan",
    )
    .await;
    let feed: Page<PhotoView> = sf.ok(&kim, "photos", &[("list", "fans")]).await;
    assert_eq!(feed.items[0].id, id);
    for (list, subject, who) in [
        ("top", None, "lee"),
        ("fans_of", Some("lee"), "kim"),
        ("fan_of", Some("kim"), "lee"),
    ] {
        let mut form = vec![("list", list)];
        form.extend(subject.map(|s| ("subject", s)));
        let page: Page<UserSummary> = sf.ok(&anon, "users", &form).await;
        assert_eq!(page.items[0].handle, who, "{list}");
    }
    let profile: ProfileView = sf.ok(&kim, "profile", &[("handle", "lee")]).await;
    assert!(profile.is_fan);
    assert_eq!(profile.photos_count, 1);
    sf.refused(
        &anon,
        "profile",
        &[("handle", "no such one!")],
        StatusCode::NOT_FOUND,
        "no_such_user",
    )
    .await;
    let updated: UserView = sf
        .ok(
            &kim,
            "update_profile",
            &[
                ("change[display_name]", "Kim Lee"),
                ("change[locale]", "ja"),
            ],
        )
        .await;
    assert_eq!(updated.display_name, "Kim Lee");
    let bad = sf
        .refused(
            &kim,
            "update_profile",
            &[
                ("change[display_name]", "Kim"),
                ("change[bio]", &"x".repeat(301)),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "text_long",
        )
        .await;
    assert_eq!(
        (bad["field"].as_str(), bad["max"].as_u64()),
        (Some("bio"), Some(300))
    );
    let profile: ProfileView = sf.ok(&anon, "profile", &[("handle", "kim")]).await;
    assert_eq!(
        profile.display_name, "Kim Lee",
        "a refused change changes nothing"
    );

    // Comments and reports.
    let comment: CommentView = sf
        .ok(&kim, "add_comment", &[("photo", &id), ("body", "綺麗！")])
        .await;
    sf.refused(
        &kim,
        "add_comment",
        &[("photo", &id), ("body", "   ")],
        StatusCode::UNPROCESSABLE_ENTITY,
        "text_empty",
    )
    .await;
    let comments: Page<CommentView> = sf.ok(&anon, "comments", &[("photo", &id)]).await;
    assert_eq!(
        comments.items,
        vec![CommentView {
            can_delete: false,
            ..comment.clone()
        }]
    );
    sf.refused(
        &lee,
        "delete_comment",
        &[("photo", &id), ("comment", &comment.id)],
        StatusCode::FORBIDDEN,
        "not_comment_author",
    )
    .await;
    let () = sf
        .ok(
            &kim,
            "delete_comment",
            &[("photo", &id), ("comment", &comment.id)],
        )
        .await;
    let () = sf
        .ok(&kim, "report", &[("photo", &id), ("reason", "Spam")])
        .await;
    sf.refused(
        &kim,
        "report",
        &[("photo", &id), ("reason", "Spam")],
        StatusCode::CONFLICT,
        "already_reported",
    )
    .await;

    // Announcements.
    let admin = app.admin("boss").await;
    let (status, posted) = announce(&app, &admin, png(64, 32, 9), &[("alt", "Maintenance")]).await;
    assert_eq!(status, StatusCode::CREATED, "{posted}");
    let list: Page<AnnouncementView> = sf.ok(&anon, "announcements", &[]).await;
    assert_eq!(list.items[0].alt, "Maintenance");
    let announcement = list.items[0].id.clone();
    sf.refused(
        &kim,
        "take_down",
        &[("id", &announcement)],
        StatusCode::FORBIDDEN,
        "admins_only",
    )
    .await;
    let () = sf.ok(&admin, "take_down", &[("id", &announcement)]).await;
    let list: Page<AnnouncementView> = sf.ok(&anon, "announcements", &[]).await;
    assert!(list.items.is_empty());

    // The console: admins only, every card.
    for name in ["admin_overview", "moderation_queue", "admin_users"] {
        let form: &[(&str, &str)] = if name == "admin_users" {
            &[("q", "")]
        } else {
            &[]
        };
        sf.refused(
            &anon,
            name,
            form,
            StatusCode::UNAUTHORIZED,
            "login_required",
        )
        .await;
        sf.refused(&kim, name, form, StatusCode::FORBIDDEN, "admins_only")
            .await;
    }
    let overview: AdminOverview = sf.ok(&admin, "admin_overview", &[]).await;
    assert_eq!(overview.moderation_queue, 1);
    let () = sf.ok(&admin, "control_sync", &[("action", "pause")]).await;
    let overview: AdminOverview = sf.ok(&admin, "admin_overview", &[]).await;
    assert_eq!(overview.storage.sync, "paused");
    let () = sf.ok(&admin, "control_sync", &[("action", "resume")]).await;
    let () = sf.ok(&admin, "control_sync", &[("action", "retry")]).await;
    let overview: AdminOverview = sf.ok(&admin, "admin_overview", &[]).await;
    assert_ne!(overview.storage.sync, "paused");
    let queue: Page<ModerationItem> = sf.ok(&admin, "moderation_queue", &[]).await;
    assert_eq!(queue.items[0].photo.id, id);
    let () = sf
        .ok(&admin, "moderate", &[("photo", &id), ("action", "hide")])
        .await;
    let hidden: Option<PhotoView> = sf.ok(&anon, "photo", &[("id", &id)]).await;
    assert_eq!(
        hidden, None,
        "hidden from everyone but its owner and admins"
    );
    let () = sf
        .ok(&admin, "moderate", &[("photo", &id), ("action", "unhide")])
        .await;
    let users: Page<AdminUserView> = sf.ok(&admin, "admin_users", &[("q", "le")]).await;
    assert_eq!(users.items.len(), 1);
    let () = sf
        .ok(
            &admin,
            "admin_user_action",
            &[("handle", "lee"), ("action", "ban")],
        )
        .await;
    let users: Page<AdminUserView> = sf.ok(&admin, "admin_users", &[("q", "le")]).await;
    assert!(users.items[0].banned, "the ban holds");
    sf.refused(
        &admin,
        "admin_user_action",
        &[("handle", "boss"), ("action", "ban")],
        StatusCode::UNPROCESSABLE_ENTITY,
        "admin_not_bannable",
    )
    .await;
    sf.refused(
        &kim,
        "start_fsck",
        &[("repair", "false")],
        StatusCode::FORBIDDEN,
        "admins_only",
    )
    .await;
    let () = sf.ok(&admin, "start_fsck", &[("repair", "false")]).await;
    // The console follows the check through its overview.
    let finished = loop {
        let overview: AdminOverview = sf.ok(&admin, "admin_overview", &[]).await;
        assert!(overview.fsck.started_at.is_some(), "the check started");
        if !overview.fsck.running {
            break overview.fsck;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(finished.report.unwrap().exit_code(), 0);
    let () = sf
        .ok(&admin, "moderate", &[("photo", &id), ("action", "delete")])
        .await;
    let gone: Option<PhotoView> = sf.ok(&admin, "photo", &[("id", &id)]).await;
    assert_eq!(gone, None);

    // Moving to a new bucket: admins only, a name S3 would take, one move at a time; the console
    // follows it through the overview.
    for (who, status, code) in [
        (&anon, StatusCode::UNAUTHORIZED, "login_required"),
        (&kim, StatusCode::FORBIDDEN, "admins_only"),
        (&admin, StatusCode::UNPROCESSABLE_ENTITY, "bad_bucket"),
    ] {
        let to = if code == "bad_bucket" {
            "Not A Bucket"
        } else {
            "photoshare-next"
        };
        sf.refused(who, "start_bucket_move", &[("to", to)], status, code)
            .await;
    }
    let overview: AdminOverview = sf.ok(&admin, "admin_overview", &[]).await;
    assert_eq!(
        overview.bucket_move.started_at, None,
        "refused moves never started"
    );
    let () = sf
        .ok(&admin, "start_bucket_move", &[("to", "photoshare-next")])
        .await;
    sf.refused(
        &admin,
        "start_bucket_move",
        &[("to", "photoshare-other")],
        StatusCode::CONFLICT,
        "migrate_running",
    )
    .await;
    let overview: AdminOverview = sf.ok(&admin, "admin_overview", &[]).await;
    let run = overview.bucket_move;
    assert!(run.running || run.finished_at.is_some(), "{run:?}");
    assert_eq!(run.to.as_deref(), Some("photoshare-next"));

    let all: BTreeSet<String> = photoshare_app::server_function_paths()
        .into_iter()
        .map(str::to_owned)
        .collect();
    // The audit log, admins only; the refused and the started bucket moves above are in it.
    let log: Page<photoshare_domain::views::AuditEntry> =
        sf.ok(&admin, "audit_log", &[("action", "bucket")]).await;
    assert_eq!(log.items.len(), 1);
    assert_eq!(log.items[0].target, "photoshare-next");
    sf.refused(
        &kim,
        "audit_log",
        &[("action", "")],
        StatusCode::FORBIDDEN,
        "admins_only",
    )
    .await;
    // Sessions and password, from a session.
    let sessions: Vec<photoshare_domain::views::SessionView> =
        sf.ok(&kim, "my_sessions", &[]).await;
    assert!(sessions.iter().any(|s| s.current));
    sf.refused(
        &kim,
        "end_sessions",
        &[("id", "0123456789abcdef")],
        StatusCode::NOT_FOUND,
        "no_such_session",
    )
    .await;
    let () = sf.ok(&kim, "end_sessions", &[("id", "")]).await;
    sf.refused(
        &kim,
        "change_password",
        &[("old", "wrong password"), ("new", "a newer password")],
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
    )
    .await;
    let () = sf
        .ok(
            &kim,
            "change_password",
            &[("old", "long enough pw"), ("new", "a newer password")],
        )
        .await;

    // Access tokens, from a session: made (the secret once), listed, used, revoked.
    let secret: String = sf
        .ok(
            &kim,
            "create_token",
            &[("name", "phone"), ("write", "true"), ("admin", "false")],
        )
        .await;
    assert!(secret.starts_with("pst_"));
    sf.refused(
        &kim,
        "create_token",
        &[("name", "x"), ("write", "false"), ("admin", "true")],
        StatusCode::FORBIDDEN,
        "admins_only",
    )
    .await;
    sf.refused(
        &anon,
        "my_tokens",
        &[],
        StatusCode::UNAUTHORIZED,
        "login_required",
    )
    .await;
    let mine: Vec<photoshare_domain::views::TokenView> = sf.ok(&kim, "my_tokens", &[]).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(
        mine[0].scopes,
        [
            photoshare_domain::views::Scope::Read,
            photoshare_domain::views::Scope::Write
        ]
    );
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let () = sf.ok(&kim, "revoke_token", &[("id", &mine[0].id)]).await;
    sf.refused(
        &kim,
        "revoke_token",
        &[("id", &mine[0].id)],
        StatusCode::NOT_FOUND,
        "no_such_token",
    )
    .await;

    // A photo's owner changes its text or deletes it; nobody else may.
    let mia = app.signed_in("mia").await;
    let id = app.post_photo(&mia, png(80, 60, 9), "typo").await.id;
    let change = [
        ("id", id.as_str()),
        ("change[caption]", "fixed"),
        ("change[alt]", "A test card"),
    ];
    let edited: PhotoView = sf.ok(&mia, "edit_photo", &change).await;
    assert_eq!(
        (edited.caption.as_str(), edited.alt.as_str()),
        ("fixed", "A test card")
    );
    sf.refused(
        &kim,
        "edit_photo",
        &change,
        StatusCode::FORBIDDEN,
        "not_photo_owner",
    )
    .await;
    sf.refused(
        &kim,
        "delete_photo",
        &[("id", &id)],
        StatusCode::FORBIDDEN,
        "not_photo_owner",
    )
    .await;
    let () = sf.ok(&mia, "delete_photo", &[("id", &id)]).await;
    let gone: Option<PhotoView> = sf.ok(&kim, "photo", &[("id", &id)]).await;
    assert_eq!(gone, None);

    // Block and mute, from a user's page; the list in settings.
    let r: photoshare_domain::views::Relation = sf
        .ok(
            &mia,
            "set_relation",
            &[("handle", "kim"), ("block", "false"), ("on", "true")],
        )
        .await;
    assert!(r.muted && !r.blocked);
    let list: photoshare_domain::views::BlockList = sf.ok(&mia, "my_blocks", &[]).await;
    assert_eq!(list.muted[0].handle, "kim");
    sf.refused(
        &mia,
        "set_relation",
        &[("handle", "mia"), ("block", "true"), ("on", "true")],
        StatusCode::UNPROCESSABLE_ENTITY,
        "own_block",
    )
    .await;

    // Notifications: kim's favorite of mia's photo is news for mia; read; the settings.
    let news = app.post_photo(&mia, png(80, 60, 10), "news").await.id;
    let r = kim
        .put(app.url(&format!("/api/v1/photos/{news}/favorite")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page: Page<photoshare_domain::views::NotificationGroup> =
        sf.ok(&mia, "notifications", &[]).await;
    assert_eq!(page.items[0].actors[0].handle, "kim");
    let () = sf.ok(&mia, "mark_notifications_read", &[]).await;
    let s: photoshare_domain::views::NotificationSettings =
        sf.ok(&mia, "notification_settings", &[]).await;
    assert!(s.off.is_empty());
    let r = mia
        .post(app.url("/api/sf/set_notification_settings"))
        .json(&serde_json::json!({ "settings": { "off": ["fan"] } }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    sf.called.insert("/api/sf/set_notification_settings".into());
    let s: photoshare_domain::views::NotificationSettings =
        sf.ok(&mia, "notification_settings", &[]).await;
    assert_eq!(s.off, [photoshare_domain::views::NotificationKind::Fan]);

    // Tags: a tag's photos and the trending list.
    let _ = app.post_photo(&mia, png(80, 60, 11), "#sf_tag").await;
    let tagged: Page<PhotoView> = sf
        .ok(&kim, "photos", &[("list", "tag"), ("handle", "sf_tag")])
        .await;
    assert_eq!(tagged.items.len(), 1);
    let trending: photoshare_domain::views::TrendingTags = sf.ok(&anon, "trending_tags", &[]).await;
    assert!(trending.items.iter().any(|t| t.tag == "sf_tag"));

    // Two-factor sign-in, from a session: on with the app's code, asked at log-in, new recovery
    // codes, off.
    let status: photoshare_domain::views::TwoFactorStatus = sf.ok(&kim, "my_two_factor", &[]).await;
    assert!(!status.enabled);
    sf.refused(
        &kim,
        "start_two_factor",
        &[("password", "wrong password")],
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
    )
    .await;
    let e: photoshare_domain::views::TwoFactorEnrolment = sf
        .ok(
            &kim,
            "start_two_factor",
            &[("password", "a newer password")],
        )
        .await;
    let secret = crate::account::base32_decode(&e.secret);
    let app_code = format!("\"{}\"", crate::account::code(&secret, 0));
    let codes: photoshare_domain::views::RecoveryCodes = sf
        .ok(&kim, "confirm_two_factor", &[("code", &app_code)])
        .await;
    let login = [("handle", "kim"), ("password", "a newer password")];
    sf.refused(
        &kim,
        "log_in",
        &login,
        StatusCode::UNAUTHORIZED,
        "two_factor_required",
    )
    .await;
    let _: UserView = sf
        .ok(
            &kim,
            "log_in",
            &[login[0], login[1], ("code", &codes.codes[0])],
        )
        .await;
    let fresh: Option<photoshare_domain::views::RecoveryCodes> = sf
        .ok(
            &kim,
            "change_two_factor",
            &[("password", ""), ("code", &codes.codes[1])],
        )
        .await;
    let fresh = fresh.unwrap().codes;
    assert_eq!(fresh.len(), 10);
    let off: Option<photoshare_domain::views::RecoveryCodes> = sf
        .ok(
            &kim,
            "change_two_factor",
            &[("password", "a newer password"), ("code", &fresh[0])],
        )
        .await;
    assert_eq!(off, None);
    let status: photoshare_domain::views::TwoFactorStatus = sf.ok(&kim, "my_two_factor", &[]).await;
    assert!(!status.enabled);

    // Deleting the account: the handle typed again, then gone, and signed out.
    sf.refused(
        &kim,
        "delete_account",
        &[("password", "a newer password"), ("confirm", "kimm")],
        StatusCode::UNPROCESSABLE_ENTITY,
        "confirm_mismatch",
    )
    .await;
    let () = sf
        .ok(
            &kim,
            "delete_account",
            &[("password", "a newer password"), ("confirm", "kim")],
        )
        .await;
    let me: Option<UserView> = sf.ok(&kim, "me", &[]).await;
    assert_eq!(me, None);

    assert_eq!(sf.called, all, "every server function is exercised here");
}
