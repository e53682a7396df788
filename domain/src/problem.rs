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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Caption,
    DisplayName,
    Bio,
    Comment,
    AltText,
    ReportReason,
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
        }
    }

    pub const ALL: [Field; 6] = [
        Field::Caption,
        Field::DisplayName,
        Field::Bio,
        Field::Comment,
        Field::AltText,
        Field::ReportReason,
    ];
}

/// What an id names, in "That is not a valid {kind} id.".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
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

/// Every way a request can be refused or fail, by code. Which HTTP status each one gets is the
/// server's business (`server/src/http/error.rs`), not the domain's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case", try_from = "Wire")]
pub enum Problem {
    // Input that does not parse.
    HandleLength {
        min: u32,
        max: u32,
    },
    HandleStart,
    HandleChars,
    HandleReserved {
        handle: String,
    },
    PasswordShort {
        min: u32,
    },
    PasswordLong {
        max: u32,
    },
    TextEmpty {
        field: Field,
    },
    TextLong {
        field: Field,
        max: u32,
    },
    TextControl {
        field: Field,
    },
    LocaleUnknown,
    BadId {
        kind: IdKind,
    },
    BadHash,
    BadCursor,
    BadLimit {
        max: u32,
    },
    BadLink,
    BadExpiry,
    ExpiryPast,
    EmptyImage,
    ImageUnreadable,
    OwnFan,
    OwnReport,
    AdminNotBannable,
    /// A request the HTTP layer could not read (bad JSON, a missing field); the detail is the
    /// parser's own words.
    BadRequest {
        detail: String,
    },
    /// The request's values (query, JSON fields) are missing or of the wrong kind.
    BadInput {
        detail: String,
    },
    NotJson,
    RequestTooLarge,

    // Already so.
    HandleTaken {
        handle: String,
    },
    AlreadyReported,
    FsckRunning,

    // Who may do what.
    BadCredentials,
    LoginRequired,
    Suspended,
    AdminsOnly,
    NotCommentAuthor,

    // Nothing there.
    NoSuchUser {
        handle: String,
    },
    NoSuchPhoto,
    NoSuchComment,
    NoSuchAnnouncement,
    NoSuchImage,
    NoSuchEndpoint,
    MethodNotAllowed {
        allowed: String,
    },

    // Uploads.
    NotAnImage,
    FormatNotAccepted {
        format: String,
    },
    FormatVariant,
    FileTooLarge {
        max_mb: u64,
    },
    ImageTooLarge {
        width: u32,
        height: u32,
        max_side: u32,
        max_megapixels: u32,
    },
    ImageTooComplex {
        max_side: u32,
        max_megapixels: u32,
    },
    NotMultipart,
    MissingImage,
    Blocked,
    StorageFull,

    // Try again later.
    Unavailable,
    Busy,
    /// The browser could not reach the server at all.
    Unreachable,
    /// Anything else: the cause is in the server's log, never shown.
    Internal,
}

impl Problem {
    /// The stable machine code, as on the wire.
    pub fn code(&self) -> &'static str {
        use Problem::*;
        match self {
            HandleLength { .. } => "handle_length",
            HandleStart => "handle_start",
            HandleChars => "handle_chars",
            HandleReserved { .. } => "handle_reserved",
            PasswordShort { .. } => "password_short",
            PasswordLong { .. } => "password_long",
            TextEmpty { .. } => "text_empty",
            TextLong { .. } => "text_long",
            TextControl { .. } => "text_control",
            LocaleUnknown => "locale_unknown",
            BadId { .. } => "bad_id",
            BadHash => "bad_hash",
            BadCursor => "bad_cursor",
            BadLimit { .. } => "bad_limit",
            BadLink => "bad_link",
            BadExpiry => "bad_expiry",
            ExpiryPast => "expiry_past",
            EmptyImage => "empty_image",
            ImageUnreadable => "image_unreadable",
            OwnFan => "own_fan",
            OwnReport => "own_report",
            AdminNotBannable => "admin_not_bannable",
            BadRequest { .. } => "bad_request",
            BadInput { .. } => "bad_input",
            NotJson => "not_json",
            RequestTooLarge => "request_too_large",
            HandleTaken { .. } => "handle_taken",
            AlreadyReported => "already_reported",
            FsckRunning => "fsck_running",
            BadCredentials => "bad_credentials",
            LoginRequired => "login_required",
            Suspended => "suspended",
            AdminsOnly => "admins_only",
            NotCommentAuthor => "not_comment_author",
            NoSuchUser { .. } => "no_such_user",
            NoSuchPhoto => "no_such_photo",
            NoSuchComment => "no_such_comment",
            NoSuchAnnouncement => "no_such_announcement",
            NoSuchImage => "no_such_image",
            NoSuchEndpoint => "no_such_endpoint",
            MethodNotAllowed { .. } => "method_not_allowed",
            NotAnImage => "not_an_image",
            FormatNotAccepted { .. } => "format_not_accepted",
            FormatVariant => "format_variant",
            FileTooLarge { .. } => "file_too_large",
            ImageTooLarge { .. } => "image_too_large",
            ImageTooComplex { .. } => "image_too_complex",
            NotMultipart => "not_multipart",
            MissingImage => "missing_image",
            Blocked => "blocked",
            StorageFull => "storage_full",
            Unavailable => "unavailable",
            Busy => "busy",
            Unreachable => "unreachable",
            Internal => "internal",
        }
    }

    /// The English sentence, with `{name}` where a value goes. It is also the key of its
    /// translations.
    pub fn english(&self) -> &'static str {
        use Problem::*;
        match self {
            HandleLength { .. } => "A handle is {min} to {max} characters long.",
            HandleStart => "A handle starts with a letter (a–z).",
            HandleChars => "A handle may only use letters a–z, digits and _.",
            HandleReserved { .. } => "The handle “{handle}” is reserved.",
            PasswordShort { .. } => "A password needs at least {min} characters.",
            PasswordLong { .. } => "A password has at most {max} characters.",
            TextEmpty { .. } => "Please write {field}.",
            TextLong { .. } => "That is too long: {field} has at most {max} characters.",
            TextControl { .. } => "Please leave out control characters in {field}.",
            LocaleUnknown => "The language is one of: en, ja.",
            BadId { .. } => "That is not a valid {kind} id.",
            BadHash => "That is not a sha256 content hash.",
            BadCursor => "That page cursor is not valid; start again from the first page.",
            BadLimit { .. } => "limit is between 1 and {max}.",
            BadLink => "The link must be a web address (https://…) or a path on this site (/…).",
            BadExpiry => "The expiry must be a date and time like 2026-12-01T18:00:00Z (RFC 3339).",
            ExpiryPast => "The expiry must be in the future.",
            EmptyImage => "The image file is empty.",
            ImageUnreadable => "That image could not be read; the file may be damaged or incomplete.",
            OwnFan => "You cannot be your own fan.",
            OwnReport => "You cannot report your own photo.",
            AdminNotBannable => "Admins cannot be banned.",
            BadRequest { .. } => "The request could not be read: {detail}",
            BadInput { .. } => "Some of the request's values are missing or not valid: {detail}",
            NotJson => "Send the body as JSON (content-type: application/json).",
            RequestTooLarge => "That request is larger than PhotoShare accepts.",
            HandleTaken { .. } => "The handle “{handle}” is already taken.",
            AlreadyReported => "You have already reported this photo; an admin will look at it.",
            FsckRunning => "fsck is already running; wait for its report.",
            BadCredentials => "Wrong handle or password.",
            LoginRequired => "Please log in first.",
            Suspended => "This account has been suspended by an administrator.",
            AdminsOnly => "Only administrators can do that.",
            NotCommentAuthor => "Only its author or an administrator can delete a comment.",
            NoSuchUser { .. } => "There is no user @{handle}.",
            NoSuchPhoto => "No such photo.",
            NoSuchComment => "No such comment.",
            NoSuchAnnouncement => "No such announcement.",
            NoSuchImage => "No such image.",
            NoSuchEndpoint => "No such API endpoint.",
            MethodNotAllowed { .. } => "This endpoint does not take that method. It takes: {allowed}.",
            NotAnImage => "That file is not an image. Please upload a JPEG, PNG or WebP photo.",
            FormatNotAccepted { .. } => {
                "{format} images are not accepted. Please upload a JPEG, PNG or WebP photo."
            }
            FormatVariant => "That image uses a variant of its format PhotoShare cannot read. Please upload a JPEG, PNG or WebP photo.",
            FileTooLarge { .. } => "That file is larger than the {max_mb} MB PhotoShare accepts.",
            ImageTooLarge { .. } => "That image is {width}×{height} pixels; PhotoShare accepts up to {max_side} pixels a side and {max_megapixels} megapixels.",
            ImageTooComplex { .. } => "That image is too large to process; PhotoShare accepts up to {max_side} pixels a side and {max_megapixels} megapixels.",
            NotMultipart => "Send the image as multipart/form-data with a file field named \"image\".",
            MissingImage => "Add the image as a non-empty file field named \"image\".",
            Blocked => "This image was removed by an administrator and cannot be posted again.",
            StorageFull => "The server's storage is full right now; your photo was not saved. Please try again later.",
            Unavailable => "This image is temporarily unavailable; please try again shortly.",
            Busy => "PhotoShare is busy right now; nothing was changed. Please try again in a moment.",
            Unreachable => "PhotoShare cannot be reached. Check your connection and try again.",
            Internal => "Something went wrong on our side. Please try again.",
        }
    }

    /// The values the sentence names. A value that is itself words ([`Arg::Words`]) is
    /// translated too.
    pub fn args(&self) -> Vec<(&'static str, Arg)> {
        use Arg::{Number, Text, Words};
        use Problem::*;
        match self {
            HandleLength { min, max } => vec![
                ("min", Number((*min).into())),
                ("max", Number((*max).into())),
            ],
            HandleReserved { handle } | HandleTaken { handle } | NoSuchUser { handle } => {
                vec![("handle", Text(handle.clone()))]
            }
            PasswordShort { min } => vec![("min", Number((*min).into()))],
            PasswordLong { max } | BadLimit { max } => vec![("max", Number((*max).into()))],
            TextEmpty { field } | TextControl { field } => vec![("field", Words(field.english()))],
            TextLong { field, max } => {
                vec![
                    ("field", Words(field.english())),
                    ("max", Number((*max).into())),
                ]
            }
            BadId { kind } => vec![("kind", Words(kind.english()))],
            BadRequest { detail } | BadInput { detail } => vec![("detail", Text(detail.clone()))],
            MethodNotAllowed { allowed } => vec![("allowed", Text(allowed.clone()))],
            FormatNotAccepted { format } => vec![("format", Text(format.clone()))],
            FileTooLarge { max_mb } => vec![("max_mb", Number(*max_mb))],
            ImageTooLarge {
                width,
                height,
                max_side,
                max_megapixels,
            } => vec![
                ("width", Number((*width).into())),
                ("height", Number((*height).into())),
                ("max_side", Number((*max_side).into())),
                ("max_megapixels", Number((*max_megapixels).into())),
            ],
            ImageTooComplex {
                max_side,
                max_megapixels,
            } => vec![
                ("max_side", Number((*max_side).into())),
                ("max_megapixels", Number((*max_megapixels).into())),
            ],
            _ => Vec::new(),
        }
    }

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

    /// One problem of every code, for tests that check each has a translation and a status.
    pub fn samples() -> Vec<Problem> {
        use Problem::*;
        let s = || "x".to_owned();
        let mut all = vec![
            HandleLength { min: 3, max: 30 },
            HandleStart,
            HandleChars,
            HandleReserved { handle: s() },
            PasswordShort { min: 8 },
            PasswordLong { max: 256 },
            LocaleUnknown,
            BadHash,
            BadCursor,
            BadLimit { max: 100 },
            BadLink,
            BadExpiry,
            ExpiryPast,
            EmptyImage,
            ImageUnreadable,
            OwnFan,
            OwnReport,
            AdminNotBannable,
            BadRequest { detail: s() },
            BadInput { detail: s() },
            NotJson,
            RequestTooLarge,
            HandleTaken { handle: s() },
            AlreadyReported,
            FsckRunning,
            BadCredentials,
            LoginRequired,
            Suspended,
            AdminsOnly,
            NotCommentAuthor,
            NoSuchUser { handle: s() },
            NoSuchPhoto,
            NoSuchComment,
            NoSuchAnnouncement,
            NoSuchImage,
            NoSuchEndpoint,
            MethodNotAllowed { allowed: s() },
            NotAnImage,
            FormatNotAccepted { format: s() },
            FormatVariant,
            FileTooLarge { max_mb: 1 },
            ImageTooLarge {
                width: 1,
                height: 1,
                max_side: 1,
                max_megapixels: 1,
            },
            ImageTooComplex {
                max_side: 1,
                max_megapixels: 1,
            },
            NotMultipart,
            MissingImage,
            Blocked,
            StorageFull,
            Unavailable,
            Busy,
            Unreachable,
            Internal,
        ];
        for field in Field::ALL {
            all.extend([
                TextEmpty { field },
                TextLong { field, max: 1 },
                TextControl { field },
            ]);
        }
        all.extend(IdKind::ALL.map(|kind| BadId { kind }));
        all
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
}

impl TryFrom<Wire> for Problem {
    type Error = String;

    fn try_from(w: Wire) -> Result<Self, String> {
        use Problem::*;
        let sample = Problem::samples()
            .into_iter()
            .find(|p| p.code() == w.code)
            .ok_or_else(|| format!("unknown problem code {}", w.code))?;
        let n = |v: Option<u32>| v.unwrap_or_default();
        let text = |v: Option<String>| v.unwrap_or_default();
        let field = w.field.unwrap_or(Field::Caption);
        Ok(match sample {
            HandleLength { .. } => HandleLength {
                min: n(w.min),
                max: n(w.max),
            },
            HandleReserved { .. } => HandleReserved {
                handle: text(w.handle),
            },
            HandleTaken { .. } => HandleTaken {
                handle: text(w.handle),
            },
            NoSuchUser { .. } => NoSuchUser {
                handle: text(w.handle),
            },
            PasswordShort { .. } => PasswordShort { min: n(w.min) },
            PasswordLong { .. } => PasswordLong { max: n(w.max) },
            BadLimit { .. } => BadLimit { max: n(w.max) },
            TextEmpty { .. } => TextEmpty { field },
            TextControl { .. } => TextControl { field },
            TextLong { .. } => TextLong {
                field,
                max: n(w.max),
            },
            BadId { .. } => BadId {
                kind: w.kind.unwrap_or(IdKind::Photo),
            },
            BadRequest { .. } => BadRequest {
                detail: text(w.detail),
            },
            BadInput { .. } => BadInput {
                detail: text(w.detail),
            },
            MethodNotAllowed { .. } => MethodNotAllowed {
                allowed: text(w.allowed),
            },
            FormatNotAccepted { .. } => FormatNotAccepted {
                format: text(w.format),
            },
            FileTooLarge { .. } => FileTooLarge {
                max_mb: w.max_mb.unwrap_or_default(),
            },
            ImageTooLarge { .. } => ImageTooLarge {
                width: n(w.width),
                height: n(w.height),
                max_side: n(w.max_side),
                max_megapixels: n(w.max_megapixels),
            },
            ImageTooComplex { .. } => ImageTooComplex {
                max_side: n(w.max_side),
                max_megapixels: n(w.max_megapixels),
            },
            unit => unit,
        })
    }
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
        // TextEmpty/TextLong/TextControl and BadId appear once per field or kind.
        assert_eq!(
            n - codes.len(),
            3 * (Field::ALL.len() - 1) + (IdKind::ALL.len() - 1)
        );
        for p in samples {
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
