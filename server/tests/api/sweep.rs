//! The hostile-input sweep (issue 11): hundreds of requests an attacker would try — bombs,
//! truncated, polyglot and disguised files, traversal and injection in every path parameter,
//! malformed and oversized JSON, invalid UTF-8, NUL and bidi-override characters, tampered cursors,
//! forged cookies — each answered with a clear 4xx in the API's JSON shape (never a 5xx, never a
//! panic), nothing stored, and the server healthy afterwards.

use crate::common::{png, spawn_app, TestApp};
use photoshare_domain::problem::Problem;
use photoshare_server::API_ROUTES;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::json;

/// One hostile request's outcome, for the report printed at the end.
struct Outcome {
    status: StatusCode,
}

/// Checks one answer: a 4xx with a JSON problem body. Returns it for the report.
async fn refused(what: String, r: reqwest::Response) -> Outcome {
    let status = r.status();
    let json = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let text = r.text().await.unwrap_or_default();
    assert!(
        status.is_client_error(),
        "{what}: {status}, expected a 4xx: {text}"
    );
    assert!(json, "{what}: {status} is not JSON: {text}");
    serde_json::from_str::<Problem>(&text)
        .unwrap_or_else(|e| panic!("{what}: not a problem ({e}): {text}"));
    Outcome { status }
}

/// Files that are not images PhotoShare takes, or not whole, or too large to decode.
fn hostile_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let whole_png = png(64, 48, 1);
    let jpeg = {
        let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8, y as u8, 3]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        out.into_inner()
    };
    let webp = {
        let img = image::RgbaImage::from_fn(64, 48, |x, y| image::Rgba([x as u8, y as u8, 3, 255]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::WebP).unwrap();
        out.into_inner()
    };
    // Truncated at several points.
    for (name, whole) in [("png", &whole_png), ("jpeg", &jpeg), ("webp", &webp)] {
        for cut in [
            1,
            8,
            16,
            whole.len() / 4,
            whole.len() / 2,
            whole.len() * 3 / 4,
            whole.len() - 1,
        ] {
            files.push((format!("{name} cut at {cut}"), whole[..cut].to_vec()));
        }
    }
    // Decompression bombs: a small file that claims a huge picture (a PNG whose IHDR says
    // 100,000 × 100,000, with a valid CRC; a 20,000 × 20,000 PNG of zeros, really compressed).
    let mut claims = whole_png.clone();
    claims[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    claims[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&claims[12..29]);
    claims[29..33].copy_from_slice(&crc.to_be_bytes());
    files.push(("png claiming 100000x100000".into(), claims));
    files.push(("png bomb 20000x20000".into(), png_bomb(20_000, 20_000)));
    files.push((
        "png bomb 12000x5000 (60 MP)".into(),
        png_bomb(12_000, 5_000),
    ));
    let mut jpeg_claims = jpeg.clone();
    if let Some(sof) = jpeg_claims.windows(2).position(|w| w == [0xFF, 0xC0]) {
        jpeg_claims[sof + 5..sof + 7].copy_from_slice(&60_000u16.to_be_bytes());
        jpeg_claims[sof + 7..sof + 9].copy_from_slice(&60_000u16.to_be_bytes());
    }
    files.push(("jpeg claiming 60000x60000".into(), jpeg_claims));
    // Disguised and polyglot files.
    let disguised: [(&str, &[u8]); 14] = [
        ("empty", b""),
        ("one byte", b"\xFF"),
        ("svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>"),
        ("html", b"<!doctype html><html><script>alert(document.cookie)</script></html>"),
        ("html with a png signature", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"),
        ("html with a jpeg signature", b"\xFF\xD8\xFF\xE0<html><script>alert(1)</script></html>"),
        ("gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"),
        ("gifar (gif + zip)", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;PK\x03\x04evil.class"),
        ("pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
        ("zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00"),
        ("elf", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
        ("bmp", b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x18\x00"),
        ("tiff", b"II*\x00\x08\x00\x00\x00\x00\x00"),
        ("webp header only", b"RIFF\xff\xff\xff\x7fWEBPVP8 "),
    ];
    for (name, bytes) in disguised {
        files.push((name.into(), bytes.to_vec()));
    }
    // Noise, and noise behind each signature.
    for seed in 0u8..6 {
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> (seed % 8 + 8)) as u8 ^ seed)
            .collect();
        files.push((format!("noise {seed}"), noise.clone()));
        let sig: &[u8] = match seed % 3 {
            0 => b"\x89PNG\r\n\x1a\n",
            1 => b"\xFF\xD8\xFF",
            _ => b"RIFF\x00\x10\x00\x00WEBP",
        };
        files.push((format!("signature + noise {seed}"), [sig, &noise].concat()));
    }
    files
}

/// A PNG of `w` × `h` black pixels, really compressed (a few kB for hundreds of megapixels).
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    use std::io::Write;
    let mut raw = flate2_like::Deflate::new();
    let row = vec![0u8; w as usize + 1]; // filter byte + one grey byte a pixel
    for _ in 0..h {
        raw.write_all(&row).unwrap();
    }
    let idat = raw.finish();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &idat);
    chunk(b"IEND", b"");
    out
}

/// A zlib stream of zeros as fixed-Huffman copies (258 bytes each in 13 bits): enough to make a
/// decompression bomb without another dependency.
mod flate2_like {
    /// A zlib stream of the bytes written, all of which must be zero (the bomb's pixels).
    pub struct Deflate {
        zeros: u64,
    }

    impl Deflate {
        pub fn new() -> Self {
            Self { zeros: 0 }
        }

        pub fn finish(self) -> Vec<u8> {
            // Fixed-Huffman deflate: one literal zero, then length-258 copies at distance 1.
            let mut bits = BitWriter::default();
            bits.push(1, 1); // final block
            bits.push(0b01, 2); // fixed Huffman
            let mut left = self.zeros;
            bits.literal(0);
            left -= 1;
            while left >= 258 {
                bits.copy_258();
                left -= 258;
            }
            for _ in 0..left {
                bits.literal(0);
            }
            bits.push_code(0, 7); // end of block (code 256: 7 zero bits)
            let mut out = vec![0x78, 0x01];
            out.extend(bits.finish());
            out.extend_from_slice(&adler32_zeros(self.zeros).to_be_bytes());
            out
        }
    }

    impl std::io::Write for Deflate {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            assert!(buf.iter().all(|b| *b == 0));
            self.zeros += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[derive(Default)]
    struct BitWriter {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }

    impl BitWriter {
        /// `value`'s low `n` bits, least significant first (deflate's header fields).
        fn push(&mut self, value: u64, n: u32) {
            self.acc |= value << self.n;
            self.n += n;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code, most significant bit first.
        fn push_code(&mut self, code: u64, n: u32) {
            let mut rev = 0;
            for i in 0..n {
                rev |= ((code >> i) & 1) << (n - 1 - i);
            }
            self.push(rev, n);
        }
        fn literal(&mut self, byte: u8) {
            // Literals 0–143: 8-bit codes 0x30 + value.
            self.push_code(0x30 + u64::from(byte), 8);
        }
        fn copy_258(&mut self) {
            // Length 258: code 285 (8-bit 0xC5), no extra bits; distance 1: 5-bit code 0.
            self.push_code(0xC5, 8);
            self.push_code(0, 5);
        }
        fn finish(mut self) -> Vec<u8> {
            if self.n > 0 {
                self.out.push(self.acc as u8);
            }
            self.out
        }
    }

    fn adler32_zeros(n: u64) -> u32 {
        let a = 1u64;
        let b = n % 65521;
        ((b << 16) | a) as u32
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = Form::new()
        .text("caption", "sweep")
        .part("image", Part::bytes(bytes).file_name("x.jpg"));
    let method = if path.ends_with("/icon") {
        "PUT"
    } else {
        "POST"
    };
    c.request(method.parse().unwrap(), app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn hundreds_of_hostile_inputs_get_a_clear_4xx_and_store_nothing() {
    let app = spawn_app().await;
    let user = app.signed_in("sweeper").await;
    let admin = app.admin("sweepadmin").await;
    let victim = app.post_photo(&user, png(50, 40, 9), "a real photo").await;
    let count = |sql: &'static str| {
        let url = app.database_url.clone();
        async move {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&mut c)
                .await
                .unwrap()
        }
    };
    let before = (
        count("SELECT COUNT(*) FROM photos").await,
        count("SELECT COUNT(*) FROM objects").await,
        count("SELECT COUNT(*) FROM comments").await,
        count("SELECT COUNT(*) FROM users").await,
    );
    let mut outcomes = Vec::new();

    // 1. Files, as a photo, as an icon, and as an announcement.
    for (name, bytes) in hostile_files() {
        for path in ["/api/v1/photos", "/api/v1/me/icon"] {
            let r = upload(&app, &user, path, bytes.clone()).await;
            outcomes.push(refused(format!("{path}: {name}"), r).await);
        }
        let form = Form::new()
            .text("alt", "sweep")
            .part("image", Part::bytes(bytes.clone()).file_name("x.png"));
        let r = admin
            .post(app.url("/api/v1/announcements"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        outcomes.push(refused(format!("announcement: {name}"), r).await);
    }

    // 2. Traversal, injection and bad bytes in every path parameter of every route.
    let values = [
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f%2e%2e%2f",
        "..%5C..%5Cwindows",
        "%00",
        "..%c0%af..%c0%afetc",
        "%ff%fe",
        "'%20OR%201=1--",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%E2%80%AEevil",
    ];
    for (method, route) in API_ROUTES {
        if !route.contains('{') {
            continue;
        }
        for v in values {
            let path = route
                .replace("{id}", v)
                .replace("{comment_id}", v)
                .replace("{handle}", v);
            let client = if route.contains("/admin/") {
                &admin
            } else {
                &user
            };
            let mut req = client.request(method.parse().unwrap(), app.url(&path));
            if *method != "GET" && *method != "DELETE" {
                req = req.json(&json!({ "body": "x", "reason": "x" }));
            }
            outcomes.push(refused(format!("{method} {path}"), req.send().await.unwrap()).await);
        }
    }
    // And a long one.
    let long = "a".repeat(5000);
    for path in [
        format!("/api/v1/photos/{long}"),
        format!("/api/v1/users/{long}"),
        format!("/media/{long}"),
    ] {
        outcomes.push(
            refused(
                "5000-character path parameter".into(),
                user.get(app.url(&path)).send().await.unwrap(),
            )
            .await,
        );
    }

    // 3. JSON: malformed, wrong types, deep nesting, oversized, hostile strings in fields.
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    let bodies: Vec<(&str, String)> = vec![
        ("not json", "handle=x&password=y".into()),
        ("truncated", "{\"handle\":\"abc\",".into()),
        ("wrong types", "{\"handle\":5,\"password\":[]}".into()),
        ("null", "null".into()),
        ("array", "[]".into()),
        ("deep nesting", deep),
        (
            "huge number",
            format!("{{\"handle\":{},\"password\":\"x\"}}", "9".repeat(400)),
        ),
        (
            "NUL in handle",
            "{\"handle\":\"ab\\u0000c\",\"password\":\"a long password\"}".into(),
        ),
        (
            "bidi override in handle",
            "{\"handle\":\"ab\\u202ec\",\"password\":\"a long password\"}".into(),
        ),
        (
            "SQL in handle",
            "{\"handle\":\"x' OR '1'='1\",\"password\":\"a long password\"}".into(),
        ),
        (
            "script in handle",
            "{\"handle\":\"<script>\",\"password\":\"a long password\"}".into(),
        ),
        (
            "lone surrogate",
            "{\"handle\":\"\\ud800abc\",\"password\":\"a long password\"}".into(),
        ),
        (
            "invalid UTF-8",
            String::from_utf8_lossy(b"{\"handle\":\"\xff\xfe\"}").into_owned(),
        ),
        (
            "3 MB",
            format!(
                "{{\"handle\":\"{}\",\"password\":\"x\"}}",
                "a".repeat(3_000_000)
            ),
        ),
    ];
    for (name, body) in &bodies {
        for path in ["/api/v1/accounts", "/api/v1/session"] {
            let r = app
                .client()
                .post(app.url(path))
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            outcomes.push(refused(format!("{path}: {name}"), r).await);
        }
    }
    // The account's own JSON endpoints, signed in: the same bodies, then hostile codes against an
    // enrolment that was started (nothing turns two-factor on, nothing deletes the account).
    for (name, body) in &bodies {
        for (method, path) in [
            ("POST", "/api/v1/me/2fa"),
            ("POST", "/api/v1/me/2fa/confirm"),
            ("DELETE", "/api/v1/me/2fa"),
            ("DELETE", "/api/v1/me"),
        ] {
            let r = user
                .request(method.parse().unwrap(), app.url(path))
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            outcomes.push(refused(format!("{method} {path}: {name}"), r).await);
        }
    }
    let r = user
        .post(app.url("/api/v1/me/2fa"))
        .json(&json!({ "password": "a long enough password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "an enrolment to aim at");
    let long_code = "9".repeat(100_000);
    for code in [
        "\u{0}12345",
        "123456\u{202e}",
        "' OR '1'='1",
        "<script>alert(1)</script>",
        "-12345",
        "1e5",
        "１２３４５６",
        "",
        long_code.as_str(),
    ] {
        let r = user
            .post(app.url("/api/v1/me/2fa/confirm"))
            .json(&json!({ "code": code }))
            .send()
            .await
            .unwrap();
        outcomes.push(refused(format!("2fa confirm code {:.20}", code), r).await);
        let r = user
            .delete(app.url("/api/v1/me"))
            .json(&json!({ "password": "wrong", "confirm": code, "code": code }))
            .send()
            .await
            .unwrap();
        outcomes.push(refused(format!("delete account confirm {:.20}", code), r).await);
    }
    let r = user.get(app.url("/api/v1/me/2fa")).send().await.unwrap();
    let status: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status["enabled"], false, "no hostile code turned it on");
    let raw_invalid: &[u8] = b"{\"handle\":\"\xff\xfe\xc0\xaf\",\"password\":\"a long password\"}";
    let r = app
        .client()
        .post(app.url("/api/v1/accounts"))
        .header("content-type", "application/json")
        .body(raw_invalid.to_vec())
        .send()
        .await
        .unwrap();
    outcomes.push(refused("raw invalid UTF-8 in JSON".into(), r).await);
    let comments = format!("/api/v1/photos/{}/comments", victim.id);
    for (name, body) in [
        ("NUL", json!({ "body": "a\u{0}b" })),
        ("bidi override", json!({ "body": "abc\u{202E}def" })),
        ("empty", json!({ "body": "   " })),
        ("too long", json!({ "body": "x".repeat(1001) })),
        ("wrong type", json!({ "body": 12 })),
        ("missing", json!({})),
    ] {
        let r = user
            .post(app.url(&comments))
            .json(&body)
            .send()
            .await
            .unwrap();
        outcomes.push(refused(format!("comment: {name}"), r).await);
    }
    for (name, body) in [
        ("NUL in display name", json!({ "display_name": "a\u{0}" })),
        ("bidi in bio", json!({ "bio": "\u{2066}x" })),
        ("unknown locale", json!({ "locale": "../../etc" })),
        (
            "display name too long",
            json!({ "display_name": "x".repeat(200) }),
        ),
    ] {
        let r = user
            .patch(app.url("/api/v1/me"))
            .json(&body)
            .send()
            .await
            .unwrap();
        outcomes.push(refused(format!("profile: {name}"), r).await);
    }

    // 4. Tampered cursors and limits.
    for q in [
        "cursor=AAAA",
        "cursor=%00",
        "cursor=..%2F..",
        "cursor=eyJ0IjotMX0",
        &format!("cursor={}", "A".repeat(3000)),
        "limit=0",
        "limit=-1",
        "limit=101",
        "limit=99999999999999999999",
        "limit=abc",
    ] {
        for feed in [
            "/api/v1/photos/recent",
            "/api/v1/photos/popular",
            "/api/v1/users/top",
        ] {
            let r = user
                .get(app.url(&format!("{feed}?{q}")))
                .send()
                .await
                .unwrap();
            outcomes.push(refused(format!("{feed}?{q}"), r).await);
        }
    }

    // Free-text query parameters with NUL and friends: answered, never a database error.
    for path in [
        "/api/v1/admin/users?q=%00",
        "/api/v1/admin/users?q=%E2%80%AE%00x",
        "/api/v1/admin/audit?action=%00",
        "/api/v1/admin/audit?action=user%27%20OR%201=1--",
    ] {
        let r = admin.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let page: serde_json::Value = r.json().await.unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), 0, "{path}");
    }

    // 5. Forged, expired and malformed cookies: nobody is signed in.
    for cookie in [
        "photoshare_session=forged".to_owned(),
        "photoshare_session=".to_owned(),
        format!("photoshare_session={}", "A".repeat(4000)),
        "photoshare_session=%00%ff".to_owned(),
        "photoshare_session=' OR 1=1--".to_owned(),
    ] {
        let r = reqwest::Client::new()
            .get(app.url("/api/v1/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        outcomes.push(refused(format!("cookie {}", &cookie[..cookie.len().min(40)]), r).await);
    }
    // An ended session's cookie no longer works.
    let gone = app.signed_in("leaver").await;
    gone.delete(app.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    let r = gone.get(app.url("/api/v1/me")).send().await.unwrap();
    outcomes.push(refused("ended session".into(), r).await);

    // Nothing was stored, and the server is fine.
    let after = (
        count("SELECT COUNT(*) FROM photos").await,
        count("SELECT COUNT(*) FROM objects").await,
        count("SELECT COUNT(*) FROM comments").await,
        count("SELECT COUNT(*) FROM users").await - 1, // "leaver"
    );
    assert_eq!(before, after, "hostile inputs stored nothing");
    let staging = app.dir.path().join("data/cache/staging");
    let left = std::fs::read_dir(&staging).map_or(0, |d| d.count());
    assert_eq!(left, 0, "no partial uploads left in {staging:?}");
    let r = user.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = user.get(app.url(&victim.urls.large)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the real photo is still served");

    let mut by_status = std::collections::BTreeMap::new();
    for o in &outcomes {
        *by_status.entry(o.status.as_u16()).or_insert(0) += 1;
    }
    println!(
        "{} hostile inputs, by status: {by_status:?}",
        outcomes.len()
    );
    assert!(outcomes.len() >= 200, "{} inputs", outcomes.len());
}
