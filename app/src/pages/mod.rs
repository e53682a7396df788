//! One page per file.

pub mod login;
pub mod not_found;
pub mod photo;
pub mod recent;
pub mod signup;
pub mod upload;
