//! What announcements, reports and the admin console look like to the browser and the API. Shared
//! with the wasm front end, so plain data only.

use serde::{Deserialize, Serialize};

use crate::types::{Invalid, PhotoView};

/// An admin's image announcement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementView {
    pub id: String,
    pub image_url: String,
    pub width: u32,
    pub height: u32,
    /// The image's text for screen readers, and what the banner says when images are off.
    pub alt: String,
    /// Where the banner leads when clicked, if anywhere.
    pub link: Option<String>,
    /// The admin who posted it (`None` when posted from the command line).
    pub author: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub expires_at: Option<String>,
    /// Past its expiry: shown in the history only.
    pub expired: bool,
}

/// Why someone reported a photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub reporter: String,
    pub reason: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// What `POST /api/v1/photos/{id}/reports` answers.
/// Which list of photos a page shows (the web app's one server function for them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoList {
    Recent,
    Popular,
    /// New photos of the users the reader is a fan of.
    Fans,
    /// A user's photos (the user named beside it).
    ByUser,
    /// A user's favorites.
    FavoritesOfUser,
    /// The photos of a `#tag` (the tag named beside it).
    Tag,
}

/// Which list of users a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserList {
    /// By number of fans.
    Top,
    /// A user's fans.
    FansOf,
    /// The users a user is a fan of.
    FanOf,
    /// Who favorited a photo.
    Favoriters,
}

/// A change to one's own account (`PATCH /api/v1/me`, the settings page, the language switch):
/// only the fields given change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bio: Option<String>,
    /// The UI language, `en` or `ja`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// What a bucket migration did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrateReport {
    pub from: String,
    pub to: String,
    /// Objects copied and verified by this run.
    pub copied: usize,
    /// Objects a previous run (or the new bucket itself) already had, verified.
    pub already_there: usize,
    pub bytes: u64,
    /// Objects neither the local cache nor the old bucket could give intact.
    pub failed: Vec<(String, String)>,
    pub switched: bool,
}

/// A bucket move started from the console: the one running on this node, or the last one
/// finished here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrateRun {
    pub running: bool,
    /// The bucket it moves to.
    pub to: Option<String>,
    /// RFC 3339, UTC.
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub report: Option<MigrateReport>,
    /// Why it stopped short.
    pub error: Option<String>,
}

/// What an admin does to the sync from the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncAction {
    Pause,
    Resume,
    /// Probe S3 at once and make every queued object due.
    Retry,
}

/// What an admin does to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserAction {
    Promote,
    Ban,
    Unban,
}

/// What an admin does to a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModerationAction {
    Hide,
    /// Reviewed, keep it: visible again, its reports resolved.
    Unhide,
    /// Delete every photo of the image and blocklist it.
    Delete,
}

/// Whether the reader has favorited a photo, and its count, after marking or unmarking it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FavoriteState {
    pub favorited: bool,
    pub favorites_count: i64,
}

/// Whether the reader is a fan of a user, and the user's fans, after becoming one or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FanState {
    pub is_fan: bool,
    pub fans_count: i64,
}

/// Storage health as every user may know it (`GET /api/v1/status`, the page's banner).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageStatus {
    pub storage: StorageState,
    pub backlog_objects: i64,
    pub oldest_unsynced_seconds: i64,
}

/// What the storage banner says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StorageState {
    #[default]
    Ok,
    /// S3 is failing: uploads are kept on the server and queued.
    Degraded,
    /// An admin paused the sync and uploads are waiting.
    Paused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportOutcome {
    /// Open reports on the photo, this one included.
    pub reports: i64,
    /// The photo is now hidden pending review.
    pub hidden: bool,
}

/// A photo in the moderation queue: reported, or hidden, and not yet reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationItem {
    pub photo: PhotoView,
    pub reports: Vec<ReportView>,
    /// Why it is hidden: `reports` (automatically) or `admin`; `None` while visible.
    pub hidden: Option<String>,
}

/// A user as admins manage them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUserView {
    pub id: String,
    pub handle: String,
    pub display_name: String,
    pub icon_url: Option<String>,
    pub is_admin: bool,
    pub banned: bool,
    pub photos_count: i64,
    /// RFC 3339, UTC.
    pub joined_at: String,
}

/// One S3 error the node saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEvent {
    /// RFC 3339, UTC.
    pub at: String,
    pub message: String,
}

/// Storage health, for the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageHealth {
    /// `running`, `paused` or `circuit_open`.
    pub sync: String,
    /// `ok`, `unreachable`, or `unknown` before the first contact.
    pub s3: String,
    pub bucket: String,
    pub backlog_objects: i64,
    pub backlog_bytes: i64,
    pub oldest_unsynced_seconds: i64,
    /// Objects confirmed by S3 in the last minute, on this node.
    pub drained_last_minute: u64,
    /// Deleted objects still to be removed from S3.
    pub pending_deletes: i64,
    /// Objects not yet in S3 held by fewer nodes than `--replicas` asks (0 with one replica).
    pub single_copy_objects: i64,
    /// The latest S3 errors this node saw, newest first.
    pub recent_errors: Vec<ErrorEvent>,
}

/// This node's local cache, for the console.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheStats {
    pub node: String,
    pub bytes: i64,
    pub budget_bytes: u64,
    pub free_disk_bytes: u64,
    pub hits: u64,
    pub misses: u64,
    /// hits / (hits + misses) since the node started; `None` before any read.
    pub hit_ratio: Option<f64>,
    pub evictions: u64,
    pub pinned_objects: i64,
    pub pinned_bytes: i64,
}

/// `GET /api/v1/admin/overview`: everything the console's first screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub storage: StorageHealth,
    pub cache: CacheStats,
    /// Photos waiting in the moderation queue.
    pub moderation_queue: i64,
    /// The console's fsck: the run going on this node, else the last one finished (on any node).
    pub fsck: FsckRun,
    /// The bucket move started on this node: running, or the last one finished here.
    pub bucket_move: MigrateRun,
    /// Every app node that ever registered (one, unless several share the database).
    pub nodes: Vec<NodeView>,
}

/// One app node, as `GET /api/v1/admin/nodes` and the console show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeView {
    pub node: String,
    /// Where the other nodes reach it; empty for a node alone.
    pub url: String,
    /// `up`, or `down`: stopped, or silent for longer than the node timeout.
    pub state: String,
    pub last_seen_seconds: i64,
    /// Objects not yet in S3 of which this node holds a copy.
    pub backlog_objects: i64,
    /// Its S3 circuit: `closed`, or `open` while S3 keeps failing for it.
    pub circuit: String,
    /// Bytes in its local cache.
    pub cache_bytes: i64,
}

/// `GET /api/v1/admin/nodes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeList {
    pub items: Vec<NodeView>,
}

/// What `photoshare fsck` found, as the console reads it.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FsckReport {
    pub objects_checked: u64,
    /// Unsynced objects whose only copy (local) is missing or corrupt: data loss.
    pub lost: Vec<String>,
    /// Local copies whose bytes do not match their name (moved aside, never served).
    pub corrupt_local: Vec<String>,
    /// Objects this node should hold locally (unsynced, or recorded as cached) but does not.
    pub missing_local: Vec<String>,
    /// Synced objects S3 does not have.
    pub missing_in_s3: Vec<String>,
    /// S3 copies whose bytes do not match their name.
    pub corrupt_in_s3: Vec<String>,
    /// Cache files no database row names.
    pub orphaned_local: Vec<String>,
    /// S3 keys no database row names.
    pub orphaned_in_s3: Vec<String>,
    /// S3 could not be read, so its side was not checked.
    pub s3_error: Option<String>,
    pub repaired: u64,
}

impl FsckReport {
    pub fn problems(&self) -> usize {
        self.lost.len()
            + self.corrupt_local.len()
            + self.missing_local.len()
            + self.missing_in_s3.len()
            + self.corrupt_in_s3.len()
            + self.orphaned_local.len()
            + self.orphaned_in_s3.len()
            + usize::from(self.s3_error.is_some())
    }

    /// fsck(8)'s convention: 0 clean, 1 problems found and all repaired, 4 problems left.
    pub fn exit_code(&self) -> i32 {
        match (self.problems(), self.repaired as usize) {
            (0, _) => 0,
            (p, r) if r >= p && self.lost.is_empty() && self.s3_error.is_none() => 1,
            _ => 4,
        }
    }
}

/// `GET /api/v1/admin/fsck`: the last run started from the console, or the one running now.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FsckRun {
    pub running: bool,
    pub repair: bool,
    /// RFC 3339, UTC; `None` if fsck never ran from the console on this node.
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub report: Option<FsckReport>,
    /// Why the run could not complete.
    pub error: Option<String>,
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $field:expr, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Trimmed; 1 to `$max` characters; no control characters.
            pub fn parse(s: &str) -> Result<Self, Invalid> {
                crate::types::text(s, $field, 1, $max, false).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

bounded_text!(
    /// An announcement image's text alternative.
    AltText,
    crate::problem::Field::AltText,
    300
);
bounded_text!(
    /// Why a photo is reported.
    ReportReason,
    crate::problem::Field::ReportReason,
    500
);

/// Where an announcement leads: an `http(s)://` URL or a path on this site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link(String);

impl Link {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        let web = s.starts_with("https://") || s.starts_with("http://");
        let local = s.starts_with('/') && !s.starts_with("//");
        // Browsers read `\` as `/` in web addresses: `/\evil.example` would lead off-site.
        if !(web || local)
            || s.len() > 2000
            || s.chars().any(|c| {
                c.is_control()
                    || c.is_whitespace()
                    || c == '\\'
                    || crate::types::is_bidi_override(c)
            })
        {
            return Err(crate::problem::Problem::BadLink);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alt_text_and_reasons_are_bounded() {
        assert_eq!(
            AltText::parse("  Maintenance tonight ").unwrap().as_str(),
            "Maintenance tonight"
        );
        assert!(AltText::parse(" ").is_err());
        assert!(AltText::parse(&"a".repeat(301)).is_err());
        assert!(ReportReason::parse("spam\u{0000}").is_err());
        assert!(ReportReason::parse("スパムです").is_ok());
    }

    #[test]
    fn links_are_web_addresses_or_local_paths() {
        assert!(Link::parse("https://status.example.com/x?y=1").is_ok());
        assert!(Link::parse("/announcements").is_ok());
        for bad in [
            "javascript:alert(1)",
            "//evil.example",
            "/\\evil.example/x",
            "\\\\evil.example",
            "https://ok.example\\@evil.example",
            "/path\u{202e}txt",
            "ftp://x",
            "a b",
            "",
        ] {
            assert!(Link::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fsck_exit_codes_follow_fsck8() {
        let mut r = FsckReport::default();
        assert_eq!(r.exit_code(), 0);
        r.missing_in_s3.push("x".into());
        assert_eq!(r.exit_code(), 4);
        r.repaired = 1;
        assert_eq!(r.exit_code(), 1);
    }
}

/// What an access token may do: `read` (GET), `write` (every other method), `admin` (the admin
/// routes; for admins only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Read,
    Write,
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::problem::Problem> {
        match s {
            "read" => Ok(Scope::Read),
            "write" => Ok(Scope::Write),
            "admin" => Ok(Scope::Admin),
            other => Err(crate::problem::Problem::BadScope {
                scope: other.chars().take(40).collect(),
            }),
        }
    }
}

/// A personal access token as its owner sees it (never its secret after creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// When it was last used (to the minute); `null` if never.
    pub last_used_at: Option<String>,
}

/// `POST /api/v1/tokens`: the new token, and its secret — shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub token: TokenView,
    /// `pst_…`: send it as `Authorization: Bearer pst_…`.
    pub secret: String,
}

/// One line of the audit log (`GET /api/v1/admin/audit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    /// RFC 3339, UTC.
    pub at: String,
    /// Who did it (a handle); `null` for the command line.
    pub actor: Option<String>,
    /// `user.ban`, `photo.delete`, `sync.pause`, `token.create`, …
    pub action: String,
    /// What it was done to: a handle, a photo or announcement id, a bucket, a token's name.
    pub target: String,
    pub detail: String,
    /// The client address, or `command line`.
    pub address: String,
}

/// One of my sessions (`GET /api/v1/me/sessions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// Names it for `DELETE /api/v1/me/sessions/{id}` (not a credential).
    pub id: String,
    /// The browser and system it was started from ("Chrome on Linux", from its User-Agent; an
    /// agent that names no browser PhotoShare knows, its first 60 characters).
    pub device: String,
    /// The client address it was started from.
    pub address: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// When it was last used (to the minute).
    pub last_seen_at: String,
    /// The session of the request that asked.
    pub current: bool,
}

/// `GET /api/v1/me/2fa`: whether two-factor sign-in is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    /// RFC 3339, UTC; `null` while it is off.
    pub enabled_at: Option<String>,
    /// Recovery codes not used yet (0 while it is off).
    pub recovery_codes_left: i64,
}

/// `POST /api/v1/me/2fa`: a new secret to put in an authenticator app; on only once
/// `POST /api/v1/me/2fa/confirm` gets a code it made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorEnrolment {
    /// The secret in base32, for typing into an app by hand.
    pub secret: String,
    /// `otpauth://totp/…`, what the QR code holds.
    pub otpauth_uri: String,
    /// The QR code of `otpauth_uri`: `size` modules a side, the dark ones as an SVG path
    /// (`M x,y h1v1h-1z` each), without the quiet zone.
    pub qr_size: u32,
    pub qr_path: String,
}

/// One-time recovery codes, each good for one sign-in instead of an app's code: shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

/// `PATCH /api/v1/photos/{id}`: what to change of a photo; a field left out stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoChange {
    #[serde(default)]
    pub caption: Option<String>,
    #[serde(default)]
    pub alt: Option<String>,
    /// `public` or `unlisted`.
    #[serde(default)]
    pub visibility: Option<String>,
}

/// `PUT`/`DELETE /api/v1/users/{handle}/block` and `…/mute`: how the caller now stands to them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub blocked: bool,
    pub muted: bool,
}

/// `GET /api/v1/me/blocks`: whom the caller blocked and muted, the latest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockList {
    pub blocked: Vec<crate::types::UserSummary>,
    pub muted: Vec<crate::types::UserSummary>,
}

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Someone favorited my photo.
    Favorite,
    /// Someone became my fan.
    Fan,
    /// Someone commented on my photo.
    Comment,
    /// Someone wrote `@me` in a caption or a comment.
    Mention,
    /// An admin hid my photo pending review.
    Hidden,
    /// An admin removed my photo.
    Removed,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 6] = [
        NotificationKind::Favorite,
        NotificationKind::Fan,
        NotificationKind::Comment,
        NotificationKind::Mention,
        NotificationKind::Hidden,
        NotificationKind::Removed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Favorite => "favorite",
            NotificationKind::Fan => "fan",
            NotificationKind::Comment => "comment",
            NotificationKind::Mention => "mention",
            NotificationKind::Hidden => "hidden",
            NotificationKind::Removed => "removed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One line of the notifications page: the events of one kind about one photo (or, for new fans,
/// about me) on one day (UTC), the latest first. Mentions and admin actions are one line each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationGroup {
    pub kind: NotificationKind,
    /// The photo it is about (`null` for new fans).
    pub photo_id: Option<String>,
    /// Its thumbnail, if the photo is still there.
    pub photo_thumb_url: Option<String>,
    /// The latest people who did it (up to 3; none for an admin's action).
    pub actors: Vec<crate::types::UserSummary>,
    /// How many different people did it.
    pub people: i64,
    /// Whether any of it is unread.
    pub unread: bool,
    /// RFC 3339, UTC: the latest event of the line.
    pub latest_at: String,
}

/// `GET /api/v1/notifications/unread`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadCount {
    pub unread: i64,
}

/// `GET`/`PUT /api/v1/me/notification-settings`: the kinds the user does not want.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSettings {
    pub off: Vec<NotificationKind>,
}

/// `GET /api/v1/tags/trending`: the tags on the most photos of the last 7 days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendingTags {
    pub items: Vec<TagCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagCount {
    pub tag: String,
    /// Photos posted with it in the last 7 days.
    pub photos: i64,
}
