//! The browser's client for the JSON API (`/api/v1`): the pages' reads and actions go through the
//! same endpoints scripts and the mobile app use, so there is one implementation of each, tested
//! once. A failure comes back as an [`AppError`]: the problem the server named (its code and
//! values are in every error body), shown in the UI's language.

use crate::error::AppError;
use photoshare_domain::problem::Problem;
use serde::de::DeserializeOwned;
use serde::Serialize;

#[cfg(feature = "csr")]
async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<String>,
) -> Result<Option<T>, AppError> {
    use gloo_net::http::{Method, RequestBuilder};
    let method = match method {
        "PUT" => Method::PUT,
        "POST" => Method::POST,
        "PATCH" => Method::PATCH,
        "DELETE" => Method::DELETE,
        _ => Method::GET,
    };
    let builder = RequestBuilder::new(&format!("/api/v1{path}")).method(method);
    let request = match body {
        Some(json) => builder
            .header("content-type", "application/json")
            .body(json),
        None => builder.build(),
    }
    .map_err(|_| AppError(Problem::Internal))?;
    let response = request
        .send()
        .await
        .map_err(|_| AppError(Problem::Unreachable))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !(200..300).contains(&status) {
        let problem = serde_json::from_str::<Problem>(&text).unwrap_or(Problem::Internal);
        return Err(AppError(problem));
    }
    if status == 204 || text.is_empty() {
        return Ok(None);
    }
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|_| AppError(Problem::Internal))
}

/// Only the browser calls the API; the server build has nothing to call.
#[cfg(not(feature = "csr"))]
async fn call<T: DeserializeOwned>(
    _method: &str,
    path: &str,
    _body: Option<String>,
) -> Result<Option<T>, AppError> {
    let _ = path;
    Err(AppError(Problem::Internal))
}

fn missing() -> AppError {
    AppError(Problem::Internal)
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, AppError> {
    call("GET", path, None).await?.ok_or_else(missing)
}

/// PUT, POST, PATCH or DELETE with an optional JSON body, expecting JSON back.
pub async fn send<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&impl Serialize>,
) -> Result<T, AppError> {
    let json = body
        .map(serde_json::to_string)
        .transpose()
        .map_err(|_| AppError(Problem::Internal))?;
    call(method, path, json).await?.ok_or_else(missing)
}

/// DELETE expecting no content.
pub async fn delete(path: &str) -> Result<(), AppError> {
    act("DELETE", path).await
}

/// A POST or DELETE without a body whose answer does not matter (204 No Content, usually).
pub async fn act(method: &str, path: &str) -> Result<(), AppError> {
    call::<serde_json::Value>(method, path, None)
        .await
        .map(|_| ())
}

/// `path?cursor=…` for the next page of a list, or `path` for the first.
pub fn page_path(path: &str, cursor: Option<&str>) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    match cursor {
        Some(c) => format!("{path}{sep}cursor={c}"),
        None => path.to_owned(),
    }
}
