//! What went wrong, for the person who asked: a stable machine code and the values to show, never
//! an English sentence. The browser and the server turn a [`Problem`] into words in the reader's
//! language (the English template of each code is [`Problem::english`]; the catalogue of
//! translations lives with the UI's strings). Shared with the browser, so a check made there (a
//! handle that is too short) reads exactly like the one the server makes.
//!
//! On the wire a problem is its code with its values beside it:
//! `{"code": "handle_length", "min": 3, "max": 30}`.

use serde::{Deserialize, Serialize};

/// A piece of free text a person writes, named in problems about its length or characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    #[default]
    Caption,
    DisplayName,
    Bio,
    Comment,
    AltText,
    ReportReason,
    TokenName,
}

impl Field {
    /// The field as a noun in an English sentence ("Please write {field}.").
    pub fn english(self) -> &'static str {
        match self {
            Field::Caption => "a caption",
            Field::DisplayName => "a display name",
            Field::Bio => "a bio",
            Field::Comment => "a comment",
            Field::AltText => "a description of the image (alt text)",
            Field::ReportReason => "a reason",
            Field::TokenName => "a name for the token",
        }
    }

    pub const ALL: [Field; 7] = [
        Field::Caption,
        Field::DisplayName,
        Field::Bio,
        Field::Comment,
        Field::AltText,
        Field::ReportReason,
        Field::TokenName,
    ];
}

/// What an id names, in "That is not a valid {kind} id.".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    #[default]
    Photo,
    User,
    Comment,
    Announcement,
}

impl IdKind {
    pub fn english(self) -> &'static str {
        match self {
            IdKind::Photo => "photo",
            IdKind::User => "user",
            IdKind::Comment => "comment",
            IdKind::Announcement => "announcement",
        }
    }

    pub const ALL: [IdKind; 4] = [
        IdKind::Photo,
        IdKind::User,
        IdKind::Comment,
        IdKind::Announcement,
    ];
}

/// Declares [`Problem`] from one table: each variant with its values, its stable code and its
/// English template, so the code, the words and the way a problem is read back can never
/// disagree.
macro_rules! problems {
    ($(
        $(#[$doc:meta])*
        $name:ident $({ $($field:ident: $ty:ty),* })? => $code:literal, $english:literal;
    )*) => {
        /// Every way a request can be refused or fail, by code. Which HTTP status each one gets
        /// is the server's business (`server/src/http/error.rs`), not the domain's.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "code", rename_all = "snake_case", try_from = "Wire")]
        pub enum Problem {
            $($(#[$doc])* $name $({ $($field: $ty),* })?,)*
        }

        impl Problem {
            /// The stable machine code, as on the wire.
            pub fn code(&self) -> &'static str {
                match self {
                    $(Problem::$name { .. } => $code,)*
                }
            }

            /// The English sentence, with `{name}` where a value goes. It is also the key of
            /// its translations.
            pub fn english(&self) -> &'static str {
                match self {
                    $(Problem::$name { .. } => $english,)*
                }
            }

            /// The values the sentence names. A value that is itself words ([`Arg::Words`]) is
            /// translated too.
            #[allow(unused_variables)]
            pub fn args(&self) -> Vec<(&'static str, Arg)> {
                match self {
                    $(Problem::$name { $($($field),*)? } => {
                        vec![$($((stringify!($field), $field.to_arg())),*)?]
                    })*
                }
            }

            /// One problem of every code (its values the defaults), for tests that check each
            /// has a translation and a status.
            pub fn samples() -> Vec<Problem> {
                vec![$(Problem::$name { $($($field: <$ty>::default()),*)? }),*]
            }
        }

        impl TryFrom<Wire> for Problem {
            type Error = String;

            /// A value the code needs but the wire lacks reads as its default. The code is looked
            /// up in a table and the variant chosen by its index: a `match` on the strings would
            /// cost the browser's download a comparison of its own for each code.
            #[allow(unused_mut, unused_variables, unused_assignments)]
            fn try_from(mut w: Wire) -> Result<Self, String> {
                const CODES: &[&str] = &[$($code),*];
                let Some(found) = CODES.iter().position(|c| *c == w.code) else {
                    return Err(format!("unknown problem code {}", w.code));
                };
                let mut i = 0;
                $(
                    if found == i {
                        return Ok(Problem::$name { $($($field: w.$field.take().unwrap_or_default()),*)? });
                    }
                    i += 1;
                )*
                unreachable!("every code in the table has its variant")
            }
        }
    };
}

problems! {
    // Input that does not parse.
    HandleLength { min: u32, max: u32 } => "handle_length", "A handle is {min} to {max} characters long.";
    HandleStart => "handle_start", "A handle starts with a letter (a–z).";
    HandleChars => "handle_chars", "A handle may only use letters a–z, digits and _.";
    HandleReserved { handle: String } => "handle_reserved", "The handle “{handle}” is reserved.";
    PasswordShort { min: u32 } => "password_short", "A password needs at least {min} characters.";
    PasswordLong { max: u32 } => "password_long", "A password has at most {max} characters.";
    TextEmpty { field: Field } => "text_empty", "Please write {field}.";
    TextLong { field: Field, max: u32 } => "text_long", "That is too long: {field} has at most {max} characters.";
    TextControl { field: Field } => "text_control", "Please leave out control characters in {field}.";
    TextEncoding { name: String } => "text_encoding", "The form field “{name}” is not UTF-8 text; nothing was stored.";
    LocaleUnknown => "locale_unknown", "The language is one of: en, ja.";
    BadId { kind: IdKind } => "bad_id", "That is not a valid {kind} id.";
    BadHash => "bad_hash", "That is not a sha256 content hash.";
    BadTag => "bad_tag", "A tag is 1 to 50 letters, digits or _ (any script), like #sunset or #夕焼け.";
    BadSearch { max: u32 } => "bad_search", "Search for at least one letter or digit, in at most {max} characters.";
    BadIdempotencyKey { max: u32 } => "bad_idempotency_key", "An Idempotency-Key is 1 to {max} visible ASCII characters (a UUID, for example).";
    BadSearchType => "bad_search_type", "Search for users or photos (type=users or type=photos).";
    BadScope { scope: String } => "bad_scope", "“{scope}” is not a scope: use read, write or admin.";
    HashMismatch => "hash_mismatch", "The bytes sent do not match their sha256; nothing was stored.";
    BadCursor => "bad_cursor", "That page cursor is not valid; start again from the first page.";
    BadLimit { max: u32 } => "bad_limit", "limit is between 1 and {max}.";
    BadVisibility => "bad_visibility", "A photo is either public (in the feeds) or unlisted (only by its link).";
    BadLink => "bad_link", "The link must be a web address (https://…) or a path on this site (/…).";
    BadExpiry => "bad_expiry", "The expiry must be a date and time like 2026-12-01T18:00:00Z (RFC 3339).";
    ExpiryPast => "expiry_past", "The expiry must be in the future.";
    EmptyImage => "empty_image", "The image file is empty.";
    ImageUnreadable => "image_unreadable", "That image could not be read; the file may be damaged or incomplete.";
    OwnFan => "own_fan", "You cannot be your own fan.";
    OwnBlock => "own_block", "You cannot block or mute yourself.";
    OwnReport => "own_report", "You cannot report your own photo.";
    AdminNotBannable => "admin_not_bannable", "Admins cannot be banned.";
    /// A request the HTTP layer could not read (bad JSON, a missing field); the detail is the
    /// parser's own words.
    BadRequest { detail: String } => "bad_request", "The request could not be read: {detail}";
    /// The request's values (query, JSON fields) are missing or of the wrong kind.
    BadInput { detail: String } => "bad_input", "Some of the request's values are missing or not valid: {detail}";
    NotJson => "not_json", "Send the body as JSON (content-type: application/json).";
    RequestTooLarge => "request_too_large", "That request is larger than PhotoShare accepts.";


    // Already so.
    HandleTaken { handle: String } => "handle_taken", "The handle “{handle}” is already taken.";
    AlreadyReported => "already_reported", "You have already reported this photo; an admin will look at it.";
    MigrateRunning => "migrate_running", "A move to a new bucket is already running; wait for its report.";
    BadBucket { bucket: String } => "bad_bucket", "“{bucket}” is not a valid S3 bucket name: 3 to 63 characters of a–z, 0–9, - and ., starting and ending with a letter or digit.";
    FsckRunning => "fsck_running", "fsck is already running; wait for its report.";
    TwoFactorOn => "two_factor_on", "Two-factor sign-in is already on.";
    TwoFactorOff => "two_factor_off", "Two-factor sign-in is not on: turn it on first.";
    LastAdmin => "last_admin", "You are the only administrator: make someone else an administrator before you delete this account.";


    // Who may do what.
    BadCredentials => "bad_credentials", "Wrong handle or password.";
    LoginRequired => "login_required", "Please log in first.";
    BadToken => "bad_token", "That access token is not valid: it was revoked or mistyped.";
    TokenScope { scope: String } => "token_scope", "This access token may not do that: it lacks the “{scope}” scope.";
    SessionRequired => "session_required", "That needs a signed-in session, not an access token.";
    TwoFactorRequired => "two_factor_required", "Enter the 6-digit code from your authenticator app, or one of your recovery codes.";
    BadTwoFactorCode => "bad_two_factor_code", "That code is not right, or it was used already. Enter the current 6-digit code from your authenticator app, or an unused recovery code.";
    TwoFactorNeeded => "two_factor_needed", "Administrators must turn on two-factor sign-in (in Settings) before they can use the console.";
    ConfirmMismatch { handle: String } => "confirm_mismatch", "To delete the account, type its handle “{handle}” exactly.";
    Suspended => "suspended", "This account has been suspended by an administrator.";
    AdminsOnly => "admins_only", "Only administrators can do that.";
    NotCommentAuthor => "not_comment_author", "Only its author or an administrator can delete a comment.";
    BlockedUser => "blocked_user", "You cannot do that: one of you has blocked the other.";
    NotPhotoOwner => "not_photo_owner", "Only its owner or an administrator can change or delete a photo.";
    CrossSite => "cross_site", "This request came from another site, so it was refused; nothing was changed.";
    RateLimited { seconds: u64, minutes: u64 } => "rate_limited", "Too many tries for now. Please try again in {minutes} min.";
    ClusterSecret => "cluster_secret", "Only PhotoShare's own nodes may call this: the cluster secret is missing or wrong.";


    // Nothing there.
    NoSuchUser { handle: String } => "no_such_user", "There is no user @{handle}.";
    NoSuchPhoto => "no_such_photo", "No such photo.";
    NoSuchComment => "no_such_comment", "No such comment.";
    NoSuchAnnouncement => "no_such_announcement", "No such announcement.";
    NoSuchToken => "no_such_token", "No such access token.";
    NoSuchSession => "no_such_session", "No such session: it may have ended already.";
    NoSuchImage => "no_such_image", "No such image.";
    NoSuchEndpoint => "no_such_endpoint", "No such API endpoint.";
    MethodNotAllowed { allowed: String } => "method_not_allowed", "This endpoint does not take that method. It takes: {allowed}.";


    // Uploads.
    NotAnImage => "not_an_image", "That file is not an image. Please upload a JPEG, PNG or WebP photo.";
    FormatNotAccepted { format: String } => "format_not_accepted", "{format} images are not accepted. Please upload a JPEG, PNG or WebP photo.";
    FormatVariant => "format_variant", "That image uses a variant of its format PhotoShare cannot read. Please upload a JPEG, PNG or WebP photo.";
    FileTooLarge { max_mb: u64 } => "file_too_large", "That file is larger than the {max_mb} MB PhotoShare accepts.";
    ImageTooLarge { width: u32, height: u32, max_side: u32, max_megapixels: u32 } => "image_too_large", "That image is {width}×{height} pixels; PhotoShare accepts up to {max_side} pixels a side and {max_megapixels} megapixels.";
    ImageTooComplex { max_side: u32, max_megapixels: u32 } => "image_too_complex", "That image is too large to process; PhotoShare accepts up to {max_side} pixels a side and {max_megapixels} megapixels.";
    NotMultipart => "not_multipart", "Send the image as multipart/form-data with a file field named \"image\".";
    MissingImage => "missing_image", "Add the image as a non-empty file field named \"image\".";
    Blocked => "blocked", "This image was removed by an administrator and cannot be posted again.";
    StorageFull => "storage_full", "The server's storage is full right now; your photo was not saved. Please try again later.";


    // Try again later.
    Unavailable => "unavailable", "This image is temporarily unavailable; please try again shortly.";
    Busy => "busy", "PhotoShare is busy right now; nothing was changed. Please try again in a moment.";
    /// The browser could not reach the server at all.
    Unreachable => "unreachable", "PhotoShare cannot be reached. Check your connection and try again.";
    /// Anything else: the cause is in the server's log, never shown.
    Internal => "internal", "Something went wrong on our side. Please try again.";
}

/// A value as it goes into a sentence.
trait ToArg {
    fn to_arg(&self) -> Arg;
}

impl ToArg for u32 {
    fn to_arg(&self) -> Arg {
        Arg::Number((*self).into())
    }
}

impl ToArg for u64 {
    fn to_arg(&self) -> Arg {
        Arg::Number(*self)
    }
}

impl ToArg for String {
    fn to_arg(&self) -> Arg {
        Arg::Text(self.clone())
    }
}

impl ToArg for Field {
    fn to_arg(&self) -> Arg {
        Arg::Words(self.english())
    }
}

impl ToArg for IdKind {
    fn to_arg(&self) -> Arg {
        Arg::Words(self.english())
    }
}

impl Problem {
    /// The sentence in a language: `translate` maps an English template or word to that
    /// language's (the identity gives English).
    pub fn render(&self, translate: impl Fn(&'static str) -> &'static str) -> String {
        let mut out = translate(self.english()).to_owned();
        for (name, value) in self.args() {
            let value = match value {
                Arg::Number(n) => n.to_string(),
                Arg::Text(s) => s,
                Arg::Words(w) => translate(w).to_owned(),
            };
            out = out.replace(&format!("{{{name}}}"), &value);
        }
        out
    }

    /// Every English template and word a problem can show, for the translation check.
    pub fn english_texts() -> Vec<&'static str> {
        let mut texts: Vec<&'static str> =
            Problem::samples().iter().map(Problem::english).collect();
        texts.extend(Field::ALL.map(Field::english));
        texts.extend(IdKind::ALL.map(IdKind::english));
        texts.sort_unstable();
        texts.dedup();
        texts
    }
}

/// A problem as it arrives: its code and whichever values it carries. Read through this flat
/// shape rather than serde's tagged-enum reader, which costs the browser's download many times
/// more code for the same result.
#[derive(Deserialize)]
struct Wire {
    code: String,
    min: Option<u32>,
    max: Option<u32>,
    handle: Option<String>,
    field: Option<Field>,
    kind: Option<IdKind>,
    detail: Option<String>,
    allowed: Option<String>,
    format: Option<String>,
    max_mb: Option<u64>,
    width: Option<u32>,
    height: Option<u32>,
    max_side: Option<u32>,
    max_megapixels: Option<u32>,
    bucket: Option<String>,
    seconds: Option<u64>,
    minutes: Option<u64>,
    name: Option<String>,
    scope: Option<String>,
}

/// A value in a problem's sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Number(u64),
    /// Shown as it is (a handle, a file format).
    Text(String),
    /// English words that are translated like the sentence.
    Words(&'static str),
}

impl std::fmt::Display for Problem {
    /// English, for logs and for callers with no language to speak.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(|s| s))
    }
}

impl std::error::Error for Problem {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_distinct_and_round_trips() {
        let samples = Problem::samples();
        let mut codes: Vec<_> = samples.iter().map(Problem::code).collect();
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(n, codes.len(), "a code is used twice");
        assert!(n > 50, "only {n} problems");
        // Every field and kind of id, too, as the browser reads them back.
        let mut all = samples;
        all.extend(Field::ALL.map(|field| Problem::TextLong { field, max: 7 }));
        all.extend(IdKind::ALL.map(|kind| Problem::BadId { kind }));
        for p in all {
            let json = serde_json::to_value(&p).unwrap();
            assert_eq!(json["code"], p.code(), "{json}");
            assert_eq!(serde_json::from_value::<Problem>(json).unwrap(), p);
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        for p in Problem::samples() {
            let text = p.to_string();
            assert!(!text.contains('{'), "{}: {text}", p.code());
        }
        assert_eq!(
            Problem::HandleLength { min: 3, max: 30 }.to_string(),
            "A handle is 3 to 30 characters long."
        );
        assert_eq!(
            Problem::TextLong {
                field: Field::Comment,
                max: 1000
            }
            .to_string(),
            "That is too long: a comment has at most 1000 characters."
        );
    }
}
