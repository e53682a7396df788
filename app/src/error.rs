//! The error every server function returns: a [`Problem`] (a stable code and its values), which
//! the browser shows in the reader's language ([`AppError::text`]). Which HTTP status a problem
//! gets is the server's business (`server/src/http/error.rs`); it applies it to server functions'
//! answers as well as to the JSON API's.

use photoshare_domain::problem::Problem;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(transparent)]
#[error("{0}")]
pub struct AppError(pub Problem);

impl AppError {
    /// The problem in the UI's language (read inside a view, it follows a language switch).
    pub fn text(&self) -> String {
        say(&self.0)
    }

    pub fn problem(&self) -> &Problem {
        &self.0
    }
}

/// A problem in the UI's language (read inside a view, it follows a language switch): for checks
/// the browser makes itself before asking the server.
pub fn say(p: &Problem) -> String {
    p.render(crate::i18n::t)
}

impl From<Problem> for AppError {
    fn from(p: Problem) -> Self {
        Self(p)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        Self(match e {
            ServerFnErrorErr::Request(_) => Problem::Unreachable,
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                Problem::BadRequest { detail }
            }
            _ => Problem::Internal,
        })
    }
}

#[cfg(feature = "ssr")]
impl From<photoshare_domain::Error> for AppError {
    /// What the user is told; a fault's cause goes to the log, never to the user.
    fn from(e: photoshare_domain::Error) -> Self {
        Self(e.into_problem())
    }
}
