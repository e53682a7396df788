//! How the web app's server functions travel: JSON in, JSON out, over one shared client path.
//!
//! server_fn's own `Http` protocol builds, sends and reads the request inside each server
//! function's client code, so every one of them carries its own copy of that machinery in the
//! wasm (about 4 KB each). [`Sf`] does the same job with the per-function part cut to
//! what really differs (turning the arguments into JSON and the answer back) and the rest in one
//! function ([`exchange`]) that all of them share. On the server it is exactly `Http<Json, Json>`.

use crate::error::AppError;
use photoshare_domain::problem::Problem;
use serde::de::DeserializeOwned;
use serde::Serialize;
use server_fn::client::Client;
use server_fn::codec::{FromReq, FromRes, IntoReq, IntoRes, Json};
use server_fn::error::FromServerFnError;
use server_fn::request::ClientReq;
use server_fn::response::ClientRes;
use server_fn::server::Server;
use server_fn::{Http, Protocol};
use std::future::Future;

/// The protocol every server function of the app uses (`#[server(protocol = crate::sf::Sf)]`).
pub struct Sf;

impl<Input, Output, C, S> Protocol<Input, Output, C, S, AppError> for Sf
where
    Input: IntoReq<Json, C::Request, AppError>
        + FromReq<Json, S::Request, AppError>
        + Serialize
        + Send,
    Output: IntoRes<Json, S::Response, AppError>
        + FromRes<Json, C::Response, AppError>
        + DeserializeOwned
        + Send,
    C: Client<AppError>,
    S: Server<AppError>,
{
    const METHOD: http::Method = http::Method::POST;

    fn run_server<F, Fut>(
        request: S::Request,
        server_fn: F,
    ) -> impl Future<Output = Result<S::Response, AppError>> + Send
    where
        F: Fn(Input) -> Fut + Send,
        Fut: Future<Output = Result<Output, AppError>> + Send,
    {
        <Http<Json, Json> as Protocol<Input, Output, C, S, AppError>>::run_server(
            request, server_fn,
        )
    }

    fn run_client(
        path: &str,
        input: Input,
    ) -> impl Future<Output = Result<Output, AppError>> + Send {
        let body = serde_json::to_string(&input);
        let sent = body
            .map_err(|_| AppError(Problem::Internal))
            .map(|body| exchange::<C>(path, body));
        async move {
            let text = sent?.await?;
            serde_json::from_str(&text).map_err(|_| AppError(Problem::Internal))
        }
    }
}

/// Posts `body` (JSON) to the server function at `path` and returns its answer's text, or the
/// problem it answered with. One copy for every server function.
fn exchange<C: Client<AppError>>(
    path: &str,
    body: String,
) -> std::pin::Pin<Box<dyn Future<Output = Result<String, AppError>> + Send>> {
    let request = C::Request::try_new_post(path, "application/json", "application/json", body);
    Box::pin(async move {
        let response = C::send(request?).await?;
        if (400..=599).contains(&response.status()) {
            return Err(AppError::de(response.try_into_bytes().await?));
        }
        response.try_into_string().await
    })
}
