//! One page per file.

pub mod account;
pub mod admin;
pub mod announcements;
pub mod blocks;
pub mod feeds;
pub mod login;
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
