//! One page per file.

pub mod account;
/// The admin console's code: in the server and in the admins' bundle (feature `console`), never
/// in the bundle every visitor downloads.
#[cfg(any(feature = "console", not(feature = "csr")))]
pub mod admin;
pub mod admin_page;
pub mod announcements;
pub mod blocks;
pub mod feeds;
pub mod login;
pub mod moderate;
pub mod not_found;
pub mod notifications;
pub mod photo;
pub mod photo_edit;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod signup;
pub mod tokens;
pub mod top;
pub mod two_factor;
pub mod upload;
pub mod user;
