//! What every response and every state-changing request passes through: the browser security
//! headers, and the same-site check that keeps another site from acting with a user's cookie
//! (cross-site request forgery).

use super::error::ApiError;
use super::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use photoshare_domain::problem::Problem;
use photoshare_domain::throttle::ClientAddr;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Decides who is asking: the socket's peer, or behind a trusted proxy the right-most
/// `X-Forwarded-For` address that is not a trusted proxy (the left-most when all are). The
/// answer goes into the request's extensions as a [`ClientAddr`]. A request that came over HTTPS
/// (a trusted proxy's `X-Forwarded-Proto: https`) gets its session cookie marked `Secure`.
pub async fn client_addr(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let trusted = |ip: IpAddr| state.trusted_proxies.iter().any(|c| c.contains(ip));
    let via_proxy = peer.is_some_and(trusted);
    let mut client = peer;
    if via_proxy {
        let forwarded: Vec<IpAddr> = req
            .headers()
            .get_all(HeaderName::from_static("x-forwarded-for"))
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map_while(|a| a.trim().parse().ok())
            .collect();
        client = forwarded
            .iter()
            .rev()
            .find(|ip| !trusted(**ip))
            .or(forwarded.first())
            .copied()
            .or(peer);
    }
    let https = via_proxy
        && req
            .headers()
            .get(HeaderName::from_static("x-forwarded-proto"))
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    let client = client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    req.extensions_mut().insert(ClientAddr(client.clone()));
    let mut response = photoshare_domain::audit::CLIENT
        .scope(client, next.run(req))
        .await;
    if https {
        // Every Set-Cookie (HeaderMap::remove would hand back only the first).
        let cookies: Vec<HeaderValue> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .cloned()
            .collect();
        let h = response.headers_mut();
        h.remove(header::SET_COOKIE);
        for cookie in cookies {
            let secure = cookie
                .to_str()
                .ok()
                .and_then(|c| HeaderValue::from_str(&format!("{c}; Secure")).ok())
                .unwrap_or(cookie);
            h.append(header::SET_COOKIE, secure);
        }
    }
    response
}

/// A state-changing request (POST, PUT, PATCH, DELETE) from a browser must come from this site:
/// an `Origin` naming another host, or (without `Origin`) `Sec-Fetch-Site` saying `cross-site` or
/// `same-site`, is refused with 403 `cross_site` before anything runs. That covers every request
/// carrying the session cookie, and log-ins and sign-ups without one too (another site must not
/// sign a visitor in to an account of its choosing). A request with neither header is not a
/// browser's cross-site request (browsers send `Origin` on every cross-origin POST, PUT, PATCH
/// and DELETE), so scripts keep working. Node-to-node calls carry no cookie and no `Origin`.
pub async fn same_site(req: Request, next: Next) -> Response {
    let changes = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    // A token is sent by scripts, never by a browser on its own: another site's page could only
    // add the header through a preflight this server does not grant.
    let token = super::auth::bearer_secret(req.headers()).is_some();
    if changes && !token && !from_this_site(req.headers()) {
        tracing::warn!(
            method = %req.method(),
            path = req.uri().path(),
            origin = ?req.headers().get(header::ORIGIN),
            "a state-changing request from another site was refused"
        );
        return ApiError(Problem::CrossSite).into_response();
    }
    next.run(req).await
}

/// Whether a request's `Origin` (or `Sec-Fetch-Site`) says it comes from this site.
fn from_this_site(headers: &HeaderMap) -> bool {
    let text = |name: HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(origin) = text(header::ORIGIN) {
        // `scheme://host[:port]`; "null" (sandboxed frames, some redirects) is nobody's.
        let Some((_, authority)) = origin.split_once("://") else {
            return false;
        };
        let authority = authority.trim_end_matches('/');
        // The host the browser addressed, as the server or the balancer in front of it saw it.
        let hosts = [
            text(header::HOST),
            text(HeaderName::from_static("x-forwarded-host")),
        ];
        return hosts
            .into_iter()
            .flatten()
            .any(|h| h.eq_ignore_ascii_case(authority));
    }
    match text(HeaderName::from_static("sec-fetch-site")) {
        Some(site) => site == "same-origin" || site == "none",
        None => true,
    }
}

/// The browser security headers, on every response: no framing, no sniffing, referrers only to
/// this site in full; HTML gets the app's Content-Security-Policy, media a sandbox (an uploaded
/// file can never run as a page), everything else `frame-ancestors 'none'`. The service worker's
/// script gets the app's policy too: a worker runs under the policy of its script, and it fetches
/// the app's own files and API.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let media = req.uri().path().starts_with("/media/");
    let worker = req.uri().path() == "/sw.js";
    let mut response = next.run(req).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let policy = if media {
        HeaderValue::from_static("default-src 'none'; sandbox")
    } else if html || worker {
        state.csp.policy(&state.dist)
    } else {
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'")
    };
    let not_modified = response.status() == axum::http::StatusCode::NOT_MODIFIED;
    let h = response.headers_mut();
    // A 304 carries no body and no type, and the browser merges its headers into the copy it
    // kept: a policy here would replace the page's own (a reloaded page would run no script).
    if !not_modified {
        h.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The web app's Content-Security-Policy: its own scripts, styles, images and API only, no
/// inline script but Trunk's loader (allowed by its sha256, read from the built index.html, and
/// read again when that file changes), WebAssembly compiled from what it fetched itself, no
/// plugins, no framing, forms only to this site.
#[derive(Clone, Default)]
pub struct Csp {
    cached: Arc<Mutex<Option<(Vec<Option<SystemTime>>, HeaderValue)>>>,
}

impl Csp {
    /// The policy for both bundles' pages (dist/index.html and dist/admin/index.html): their
    /// inline loaders differ.
    fn policy(&self, dist: &Path) -> HeaderValue {
        let pages: [PathBuf; 2] = [dist.join("index.html"), dist.join("admin/index.html")];
        let modified: Vec<Option<SystemTime>> = pages
            .iter()
            .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
            .collect();
        if let Ok(cached) = self.cached.lock() {
            if let Some((at, value)) = cached.as_ref() {
                if *at == modified {
                    return value.clone();
                }
            }
        }
        let html: String = pages
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect();
        let value = HeaderValue::from_str(&policy_for(&html)).unwrap_or(HeaderValue::from_static(
            "default-src 'self'; frame-ancestors 'none'",
        ));
        if let Ok(mut cached) = self.cached.lock() {
            *cached = Some((modified, value.clone()));
        }
        value
    }
}

/// The policy for a page whose inline scripts are those of `html`.
pub fn policy_for(html: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut hashes = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(open_end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + open_end];
        let body_start = start + open_end + 1;
        let Some(len) = rest[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            let digest = Sha256::digest(&rest.as_bytes()[body_start..body_start + len]);
            let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
            hashes.push_str(&format!(" 'sha256-{b64}'"));
        }
        rest = &rest[body_start + len..];
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_the_inline_loader_by_its_hash_and_nothing_else_inline() {
        let html = "<head><script type=\"module\">import init from '/a.js';</script>\
                    <script src=\"/b.js\"></script></head>";
        let p = policy_for(html);
        assert!(
            p.contains("'sha256-"),
            "the inline loader is allowed by hash: {p}"
        );
        assert_eq!(p.matches("'sha256-").count(), 1, "{p}");
        assert!(!p
            .split(';')
            .any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline")));
        assert!(p.contains("frame-ancestors 'none'"));
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                HeaderName::from_static(k),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn only_this_sites_origin_passes() {
        assert!(from_this_site(&headers(&[
            ("host", "photos.example"),
            ("origin", "https://photos.example")
        ])));
        assert!(from_this_site(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000")
        ])));
        assert!(!from_this_site(&headers(&[
            ("host", "photos.example"),
            ("origin", "https://evil.example")
        ])));
        assert!(!from_this_site(&headers(&[
            ("host", "photos.example"),
            ("origin", "https://cdn.photos.example")
        ])));
        assert!(!from_this_site(&headers(&[
            ("host", "photos.example"),
            ("origin", "null")
        ])));
        assert!(from_this_site(&headers(&[
            ("host", "10.0.0.5:3000"),
            ("x-forwarded-host", "photos.example"),
            ("origin", "https://photos.example")
        ])));
        assert!(!from_this_site(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(!from_this_site(&headers(&[(
            "sec-fetch-site",
            "same-site"
        )])));
        assert!(from_this_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(from_this_site(&headers(&[])), "scripts send neither");
    }
}
