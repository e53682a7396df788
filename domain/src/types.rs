//! Types that parse once, at the edge. They are shared with the browser, so the same checks that
//! protect the database also give the user an early, clear message.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

pub use crate::problem::{Field, IdKind, Problem};

/// Why a value was refused: a [`Problem`], shown to the person who typed it in their language.
pub type Invalid = Problem;

/// A user's public name in URLs: 3–30 of `a-z 0-9 _`, starting with a letter. Stored lower-case, so
/// `Alice` and `alice` are the same account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Handle(String);

impl Handle {
    pub const MIN: usize = 3;
    pub const MAX: usize = 30;
    /// Words the API's URLs use where a handle could stand (`/api/v1/users/top`).
    pub const RESERVED: [&'static str; 1] = ["top"];

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim().to_ascii_lowercase();
        let len = s.chars().count();
        if !(Self::MIN..=Self::MAX).contains(&len) {
            return Err(Problem::HandleLength {
                min: Self::MIN as u32,
                max: Self::MAX as u32,
            });
        }
        if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(Problem::HandleStart);
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(Problem::HandleChars);
        }
        if Self::RESERVED.contains(&s.as_str()) {
            return Err(Problem::HandleReserved { handle: s });
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Handle {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Self::parse(&s)
    }
}

impl From<Handle> for String {
    fn from(h: Handle) -> String {
        h.0
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password: long enough to matter, short enough not to be a denial-of-service on argon2.
/// Deliberately not `Debug`-printable and not serialisable.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN: usize = 8;
    pub const MAX: usize = 256;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let len = raw.chars().count();
        if len < Self::MIN {
            return Err(Problem::PasswordShort {
                min: Self::MIN as u32,
            });
        }
        if len > Self::MAX {
            return Err(Problem::PasswordLong {
                max: Self::MAX as u32,
            });
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A photo's caption: any script, up to 500 characters, trimmed; no control characters but newlines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Caption(String);

impl Caption {
    pub const MAX: usize = 500;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        text(raw, Field::Caption, 0, Self::MAX, true).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Caption {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Self::parse(&s)
    }
}

impl From<Caption> for String {
    fn from(c: Caption) -> String {
        c.0
    }
}

/// A `#tag`: letters of any script, digits and `_`, 1 to 50 of them, compared in lower case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag(String);

impl Tag {
    pub const MAX: usize = 50;

    /// A tag as typed (a leading `#` allowed); `None` if it is not one.
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim().trim_start_matches('#').to_lowercase();
        let n = s.chars().count();
        ((1..=Self::MAX).contains(&n) && s.chars().all(is_tag_char)).then_some(Tag(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The tags written in a text (`#` not after a tag character), each once, at most 30.
    pub fn all_in(text: &str) -> Vec<Tag> {
        let mut found: Vec<Tag> = Vec::new();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '#' && (i == 0 || !is_tag_char(chars[i - 1])) {
                let word: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| is_tag_char(**c))
                    .collect();
                i += word.chars().count();
                if let Some(tag) = Tag::parse(&word) {
                    if !found.contains(&tag) && found.len() < 30 {
                        found.push(tag);
                    }
                }
            }
            i += 1;
        }
        found
    }
}

/// Whether `c` may be part of a `#tag` or an `@handle`'s surroundings: a letter of any script, a
/// digit or `_`.
pub fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A photo's text alternative, read out by screen readers and shown when the image cannot be:
/// any script, up to 1,500 characters (as Mastodon allows), trimmed; may be empty (the caption is
/// then the fallback).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoAlt(String);

impl PhotoAlt {
    pub const MAX: usize = 1500;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        text(raw, Field::AltText, 0, Self::MAX, true).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a photo shows: in the feeds, its owner's page, tags and search (`public`), or only to who
/// has its link (`unlisted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Public,
    Unlisted,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
        }
    }

    /// `public` or `unlisted`; anything else is 422 `bad_visibility`.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "public" => Ok(Visibility::Public),
            "unlisted" => Ok(Visibility::Unlisted),
            _ => Err(Problem::BadVisibility),
        }
    }
}

/// The `Idempotency-Key` of an upload: a client's name for one photo it means to post, so that a
/// retry (after a lost answer, or from the offline queue) gets the first photo back instead of
/// making a second. 1 to [`UploadKey::MAX`] visible ASCII characters (a UUID fits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadKey(String);

impl UploadKey {
    pub const MAX: usize = 100;

    /// Anything else (empty, too long, spaces, other scripts) is 422 `bad_idempotency_key`.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let ok =
            !raw.is_empty() && raw.len() <= Self::MAX && raw.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Problem::BadIdempotencyKey {
                max: Self::MAX as u32,
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text a person writes (caption, display name, bio, comment, alt text, report reason): any
/// script, trimmed, within a length, without control characters (newlines only where
/// `multiline`).
pub(crate) fn text(
    raw: &str,
    field: Field,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<String, Problem> {
    let s = raw.trim();
    let len = s.chars().count();
    if len < min {
        return Err(Problem::TextEmpty { field });
    }
    if len > max {
        return Err(Problem::TextLong {
            field,
            max: max as u32,
        });
    }
    if s.chars()
        .any(|c| (c.is_control() && !(multiline && c == '\n')) || is_bidi_override(c))
    {
        return Err(Problem::TextControl { field });
    }
    Ok(s.to_owned())
}

/// The bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069): they can make
/// text read in an order other than it is stored (a caption or link that is not what it seems).
/// The left-to-right and right-to-left marks that mixed-script text needs stay allowed.
pub fn is_bidi_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

macro_rules! text_type {
    ($name:ident, $doc:literal, $field:expr, $min:expr, $max:expr, $multiline:expr) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, Invalid> {
                text(raw, $field, $min, $max, $multiline).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

text_type!(
    DisplayName,
    "The name a user shows beside their handle, in any script; may be empty (the handle is shown).",
    Field::DisplayName,
    0,
    50,
    false
);
text_type!(
    Bio,
    "A few lines about the user, in any script.",
    Field::Bio,
    0,
    300,
    true
);
text_type!(
    CommentBody,
    "A comment on a photo: 1 to 1000 characters, newlines allowed.",
    Field::Comment,
    1,
    1000,
    true
);

text_type!(
    TokenName,
    "What an access token is for, as its owner names it (\"backup script\").",
    Field::TokenName,
    1,
    60,
    false
);

/// The languages the UI speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "ja")]
    Ja,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Ja];

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ja => "ja",
        }
    }

    /// The best match for a language tag such as `ja-JP` or `en-GB`.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.code() == primary)
    }

    pub fn parse(raw: &str) -> Result<Locale, Invalid> {
        Locale::ALL
            .into_iter()
            .find(|l| l.code() == raw)
            .ok_or(Problem::LocaleUnknown)
    }
}

macro_rules! uuid_id {
    ($name:ident, $what:literal, $kind:expr) => {
        #[doc = concat!("The id of a ", $what, ".")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = Invalid;
            fn from_str(s: &str) -> Result<Self, Invalid> {
                Uuid::parse_str(s)
                    .map(Self)
                    .map_err(|_| Problem::BadId { kind: $kind })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(PhotoId, "photo", IdKind::Photo);
uuid_id!(UserId, "user", IdKind::User);
uuid_id!(CommentId, "comment", IdKind::Comment);

/// The sha256 of an object's bytes: its name in the cache and in S3, and its proof of integrity.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    pub fn from_bytes(b: [u8; 32]) -> Self {
        Self(b)
    }
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl FromStr for ContentHash {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let err = || Problem::BadHash;
        if s.len() != 64
            || !s
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(err());
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(|_| err())?;
        Ok(Self(out))
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({})", self.to_hex())
    }
}

/// A position in a keyset-paginated list: the last item's sort key (a time, a count, or the bits
/// of a popularity score) and its id. Opaque to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub key: i64,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}_{}", self.key, self.id.simple())
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let err = || Problem::BadCursor;
        let (t, id) = s.split_once('_').ok_or_else(err)?;
        Ok(Self {
            key: t.parse().map_err(|_| err())?,
            id: Uuid::parse_str(id).map_err(|_| err())?,
        })
    }
}

/// How many items a feed page may hold, and how many it holds when the client does not say.
pub const PAGE_DEFAULT: u32 = 24;
pub const PAGE_MAX: u32 = 100;

/// Which page of a list a client asks for: the checked cursor (none for the first page; an
/// empty one counts as none) and limit.
pub fn page_request(
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<(Option<Cursor>, u32), Problem> {
    let cursor = cursor
        .filter(|c| !c.is_empty())
        .map(Cursor::parse)
        .transpose()?;
    Ok((cursor, page_limit(limit)?))
}

/// The photo a URL names: an id that does not parse names no photo (404, not 422).
pub fn photo_in_path(raw: &str) -> Result<PhotoId, Problem> {
    raw.parse().map_err(|_| Problem::NoSuchPhoto)
}

/// The user a URL names: a handle that does not parse names no user.
pub fn user_in_path(raw: &str) -> Result<Handle, Problem> {
    Handle::parse(raw).map_err(|_| Problem::NoSuchUser {
        handle: raw.to_owned(),
    })
}

/// The comment a URL names.
pub fn comment_in_path(raw: &str) -> Result<CommentId, Problem> {
    raw.parse().map_err(|_| Problem::NoSuchComment)
}

/// Checks a client's `limit`.
pub fn page_limit(limit: Option<u32>) -> Result<u32, Invalid> {
    match limit {
        None => Ok(PAGE_DEFAULT),
        Some(n) if (1..=PAGE_MAX).contains(&n) => Ok(n),
        Some(_) => Err(Problem::BadLimit { max: PAGE_MAX }),
    }
}

/// A signed-in user, as the server knows them (the browser sees a [`UserView`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub handle: Handle,
    pub display_name: String,
    pub is_admin: bool,
    pub icon: Option<ContentHash>,
    pub locale: Option<Locale>,
}

impl User {
    pub fn view(&self) -> UserView {
        UserView {
            id: self.id.to_string(),
            handle: self.handle.to_string(),
            display_name: self.display_name.clone(),
            is_admin: self.is_admin,
            icon_url: self.icon.as_ref().map(media_url),
            locale: self.locale,
        }
    }
}

/// A signed-in user as the UI and the API show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: String,
    pub handle: String,
    pub display_name: String,
    pub is_admin: bool,
    pub icon_url: Option<String>,
    /// The UI language the user chose; `None`: follow the browser.
    pub locale: Option<Locale>,
}

/// A user's public profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub handle: String,
    pub display_name: String,
    pub bio: String,
    /// The icon, small (128 px) and large (512 px) squares.
    pub icon_url: Option<String>,
    pub icon_large_url: Option<String>,
    pub fans_count: i64,
    /// How many users this user is a fan of.
    pub fan_of_count: i64,
    pub photos_count: i64,
    /// Whether the signed-in reader is a fan of this user.
    pub is_fan: bool,
    /// RFC 3339, UTC.
    pub joined_at: String,
    /// Whether the signed-in reader has blocked this user.
    #[serde(default)]
    pub blocked: bool,
    /// Whether the signed-in reader has muted this user.
    #[serde(default)]
    pub muted: bool,
}

/// A user in a list (fans, top users, who favorited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub handle: String,
    pub display_name: String,
    pub icon_url: Option<String>,
    pub fans_count: i64,
}

/// Where a photo's sizes are served from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoUrls {
    pub original: String,
    pub large: String,
    pub thumb: String,
}

/// A photo as the UI and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoView {
    pub id: String,
    pub caption: String,
    pub owner: String,
    pub owner_display_name: String,
    pub owner_icon_url: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub width: u32,
    pub height: u32,
    pub urls: PhotoUrls,
    pub favorites_count: i64,
    pub comments_count: i64,
    /// Whether the signed-in reader has favorited it (false for anonymous readers).
    pub favorited: bool,
    /// Hidden pending review (only its owner and admins still see it).
    #[serde(default)]
    pub hidden: bool,
    /// The text alternative its owner wrote; empty if none (then the caption stands in).
    #[serde(default)]
    pub alt: String,
    #[serde(default)]
    pub visibility: Visibility,
    /// When its owner last changed the caption, alt text or visibility (RFC 3339, UTC); `null`
    /// if never.
    #[serde(default)]
    pub edited_at: Option<String>,
}

/// A comment as the UI and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: String,
    pub photo_id: String,
    pub author: String,
    pub author_display_name: String,
    pub author_icon_url: Option<String>,
    pub body: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Whether the reader may delete it (its author, or an admin).
    pub can_delete: bool,
}

/// One page of a keyset-paginated feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// The URL path media bytes are served from.
pub fn media_url(hash: &ContentHash) -> String {
    format!("/media/{hash}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_normalised_and_checked() {
        assert_eq!(Handle::parse("  Alice_1 ").unwrap().as_str(), "alice_1");
        for bad in [
            "ab",
            "1abc",
            "_abc",
            "a b c",
            "ääää",
            "abc-def",
            "Top",
            &"a".repeat(31),
        ] {
            assert!(Handle::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn upload_keys_are_visible_ascii_within_bounds() {
        let uuid = "0192f5a0-7c1e-7abc-8def-0123456789ab";
        assert_eq!(UploadKey::parse(uuid).unwrap().as_str(), uuid);
        assert!(UploadKey::parse(&"k".repeat(UploadKey::MAX)).is_ok());
        for bad in [
            "",
            " ",
            "a b",
            "キー",
            "a\tb",
            "a\nb",
            &"k".repeat(UploadKey::MAX + 1),
        ] {
            assert_eq!(
                UploadKey::parse(bad),
                Err(Problem::BadIdempotencyKey { max: 100 }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn passwords_have_bounds_and_never_print() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"x".repeat(257)).is_err());
        let p = Password::parse("correct horse").unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
    }

    #[test]
    fn captions_accept_any_script_but_not_control_chars() {
        assert_eq!(
            Caption::parse(" 夕焼け Закат ").unwrap().as_str(),
            "夕焼け Закат"
        );
        assert!(Caption::parse("a\u{0007}b").is_err());
        assert!(Caption::parse("a\u{0000}b").is_err());
        // Bidi overrides could make a caption read other than it is; marks stay allowed.
        assert!(Caption::parse("invoice\u{202E}gpj.exe").is_err());
        assert!(Caption::parse("\u{2066}x\u{2069}").is_err());
        assert!(Caption::parse("שלום \u{200F}world").is_ok());
        assert!(Caption::parse(&"é".repeat(501)).is_err());
        assert!(Caption::parse(&"é".repeat(500)).is_ok());
    }

    #[test]
    fn profile_and_comment_text_is_bounded_and_clean() {
        assert_eq!(
            DisplayName::parse("  山田 花子 ").unwrap().as_str(),
            "山田 花子"
        );
        assert_eq!(DisplayName::parse("").unwrap().as_str(), "");
        assert!(DisplayName::parse("a\nb").is_err());
        assert!(DisplayName::parse(&"x".repeat(51)).is_err());
        assert!(Bio::parse("line one\nline two").is_ok());
        assert!(Bio::parse(&"é".repeat(301)).is_err());
        assert!(CommentBody::parse("   ").is_err());
        assert!(CommentBody::parse("<script>alert(1)</script>").is_ok());
        assert!(CommentBody::parse(&"z".repeat(1001)).is_err());
    }

    #[test]
    fn locales_come_from_language_tags() {
        assert_eq!(Locale::from_tag("ja-JP"), Some(Locale::Ja));
        assert_eq!(Locale::from_tag("EN_gb"), Some(Locale::En));
        assert_eq!(Locale::from_tag("fr-FR"), None);
        assert!(Locale::parse("de").is_err());
    }

    #[test]
    fn content_hash_round_trips_and_rejects_garbage() {
        let h = ContentHash::from_bytes([0xab; 32]);
        assert_eq!(h.to_hex().parse::<ContentHash>().unwrap(), h);
        assert!("AB".repeat(32).parse::<ContentHash>().is_err());
        assert!("zz".parse::<ContentHash>().is_err());
    }

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = Cursor {
            key: 1_700_000_000_000_000,
            id: Uuid::from_u128(42),
        };
        assert_eq!(Cursor::parse(&c.encode()).unwrap(), c);
        for bad in [
            "",
            "abc",
            "12_notauuid",
            "x_00000000000000000000000000000000",
        ] {
            assert!(Cursor::parse(bad).is_err());
        }
    }

    #[test]
    fn page_limit_bounds() {
        assert_eq!(page_limit(None).unwrap(), PAGE_DEFAULT);
        assert!(page_limit(Some(0)).is_err());
        assert!(page_limit(Some(101)).is_err());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            /// Any string: a handle is refused or it is a clean, bounded, lower-case name.
            #[test]
            fn handles_are_clean_or_refused(raw in "\\PC{0,40}|[a-zA-Z0-9_ ]{0,35}") {
                if let Ok(h) = Handle::parse(&raw) {
                    let s = h.as_str();
                    prop_assert!((Handle::MIN..=Handle::MAX).contains(&s.len()));
                    prop_assert!(s.starts_with(|c: char| c.is_ascii_lowercase()));
                    prop_assert!(s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
                    let again = Handle::parse(s).unwrap();
                    prop_assert_eq!(again.as_str(), s);
                }
            }

            /// Any text: a caption or comment is refused, or trimmed, bounded and free of control
            /// and bidi-override characters (newlines only in comments).
            #[test]
            fn text_is_clean_or_refused(raw in "\\PC{0,20}[\\x00-\\x1f\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}]?\\PC{0,20}|\\PC{480,520}") {
                if let Ok(c) = Caption::parse(&raw) {
                    let s = c.as_str();
                    prop_assert!(s.chars().count() <= 500);
                    prop_assert!(!s.chars().any(|ch| ch.is_control() && ch != '\n' || is_bidi_override(ch)));
                    prop_assert_eq!(s, s.trim());
                }
                if let Ok(c) = CommentBody::parse(&raw) {
                    prop_assert!(!c.as_str().chars().any(|ch| (ch.is_control() && ch != '\n') || is_bidi_override(ch)));
                }
            }

            /// Any string: a cursor is refused or reads back as itself; any cursor round-trips.
            #[test]
            fn cursors_round_trip_or_are_refused(raw in "\\PC{0,60}", key in any::<i64>(), id in any::<u128>()) {
                if let Ok(c) = Cursor::parse(&raw) {
                    prop_assert_eq!(Cursor::parse(&c.encode()).unwrap(), c);
                }
                let c = Cursor { key, id: Uuid::from_u128(id) };
                prop_assert_eq!(Cursor::parse(&c.encode()).unwrap(), c);
            }

            /// Any string: a link is refused, or it is a web address or a local path that a
            /// browser cannot read as another site.
            #[test]
            fn links_stay_on_the_web_or_on_this_site(raw in "[/\\\\a-z:.%@ ]{0,30}|\\PC{0,30}") {
                if let Ok(l) = crate::views::Link::parse(&raw) {
                    let s = l.as_str();
                    let web = s.starts_with("https://") || s.starts_with("http://");
                    prop_assert!(web || (s.starts_with('/') && !s.starts_with("//")));
                    prop_assert!(!s.contains('\\') && !s.chars().any(char::is_whitespace));
                }
            }
        }
    }
}
