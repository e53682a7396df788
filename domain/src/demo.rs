//! Demo data for a first run: a few users with generated icons and photos (made by code, nothing
//! downloaded), so a newcomer sees a living app.

use crate::error::Result;
use crate::types::{Bio, Caption, CommentBody, DisplayName, Handle, Password, PhotoId};
use crate::Services;
use image::{ImageFormat, Rgb, RgbImage};
use sha2::{Digest, Sha256};
use std::io::Cursor;

/// The password of every demo user (not of the admin, whose password is random).
pub const DEMO_PASSWORD: &str = "photoshare-demo";
const SEEDED_KEY: &str = "demo_seeded";

/// (handle, [(caption, palette seed)]) — captions in several languages, as our users write them.
const DEMO: [(&str, [&str; 3]); 4] = [
    (
        "aiko",
        [
            "夕焼けの海。今日も一日おつかれさま",
            "Morning hike above the clouds",
            "桜の季節がやってきた",
        ],
    ),
    (
        "mateo",
        [
            "Atardecer en la playa 🌅",
            "Montañas de Patagonia",
            "Café y buena luz",
        ],
    ),
    (
        "lena",
        [
            "Abendlicht über dem See",
            "Первый снег в горах",
            "Wochenende auf dem Land",
        ],
    ),
    (
        "kwame",
        [
            "Golden hour in Accra",
            "Harmattan haze over the hills",
            "Nuit d'été au bord du fleuve",
        ],
    ),
];

/// (display name, bio) of each demo user, in the order of [`DEMO`].
const PROFILES: [(&str, &str); 4] = [
    ("佐藤 愛子", "海と山が好き。週末は写真散歩 📷"),
    (
        "Mateo García",
        "Fotógrafo aficionado. Luz de la tarde y café.",
    ),
    ("Lena Wagner", "Landschaften aus den Alpen und vom See."),
    ("Kwame Mensah", "Accra ↔ Kumasi. Golden hours only."),
];

/// Who is a fan of whom (indexes into [`DEMO`]), and the comments people left (photo of user
/// `.1`, its `.2`-th, by user `.0`).
const FANS: [(usize, usize); 6] = [(0, 1), (1, 0), (2, 0), (3, 0), (0, 2), (3, 2)];
const COMMENTS: [(usize, usize, usize, &str); 4] = [
    (1, 0, 0, "¡Qué colores! 🌅"),
    (2, 0, 0, "Wunderschön."),
    (0, 1, 1, "パタゴニア、いつか行ってみたい！"),
    (3, 2, 0, "Beautiful light on the lake."),
];

/// What the first run created, to print for the operator.
pub struct Seeded {
    pub admin_handle: String,
    pub admin_password: String,
    pub users: Vec<String>,
}

/// Creates the demo users, their icons and photos, and an admin — once per database.
pub async fn seed_if_new(services: &Services) -> Result<Option<Seeded>> {
    if services.db.setting(SEEDED_KEY).await?.is_some() || services.accounts.count().await? > 0 {
        return Ok(None);
    }
    let admin_password = random_password();
    let admin_handle = Handle::parse("admin")?;
    services
        .accounts
        .sign_up(&admin_handle, &Password::parse(&admin_password)?, true)
        .await?;

    let mut users = Vec::new();
    let mut accounts = Vec::new();
    let mut photos = Vec::new();
    for (i, (handle, captions)) in DEMO.iter().enumerate() {
        let handle = Handle::parse(handle)?;
        let user = services
            .accounts
            .sign_up(&handle, &Password::parse(DEMO_PASSWORD)?, false)
            .await?;
        let icon = encode(&identicon(handle.as_str()), ImageFormat::Png);
        services
            .accounts
            .set_icon_bytes(&services.media, &user, &icon)
            .await?;
        let (name, bio) = PROFILES[i];
        services
            .accounts
            .update_profile(
                &user,
                Some(DisplayName::parse(name)?),
                Some(Bio::parse(bio)?),
                None,
            )
            .await?;
        let mut own = Vec::new();
        for (j, caption) in captions.iter().enumerate() {
            let img = landscape(1200, 900, (i * 3 + j) as u32);
            let jpeg = encode(&img, ImageFormat::Jpeg);
            let staged = services.media.objects().cache().stage_bytes(&jpeg).await?;
            let photo = services
                .photos
                .publish(
                    &user,
                    crate::photos::PhotoText::captioned(Caption::parse(caption)?),
                    staged,
                )
                .await?;
            own.push(photo.id.parse::<PhotoId>()?);
        }
        photos.push(own);
        users.push(handle.to_string());
        accounts.push(user);
    }

    // A little life: fans, favorites (so Popular differs from Recent), comments.
    for (fan, idol) in FANS {
        services
            .social
            .become_fan(&accounts[fan], &accounts[idol].handle)
            .await?;
    }
    for (i, user) in accounts.iter().enumerate() {
        for (j, own) in photos.iter().enumerate() {
            // Everyone likes the first photos best; nobody favorites their own.
            for (k, photo) in own.iter().enumerate() {
                if i != j && (k == 0 || (i + j + k) % 3 == 0) {
                    services.social.favorite(user, *photo).await?;
                }
            }
        }
    }
    for (by, of, nth, text) in COMMENTS {
        services
            .social
            .comment(&accounts[by], photos[of][nth], CommentBody::parse(text)?)
            .await?;
    }
    services.db.set_setting(SEEDED_KEY, "1").await?;
    Ok(Some(Seeded {
        admin_handle: admin_handle.to_string(),
        admin_password,
        users,
    }))
}

fn random_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

fn encode(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format)
        .expect("encoding an in-memory image cannot fail");
    out.into_inner()
}

fn palette(seed: u32) -> [[f32; 3]; 3] {
    const P: [[[f32; 3]; 3]; 6] = [
        [[255., 140., 90.], [120., 60., 140.], [30., 30., 70.]],
        [[150., 210., 255.], [240., 250., 255.], [70., 120., 90.]],
        [[255., 200., 220.], [250., 240., 245.], [140., 90., 110.]],
        [[255., 190., 80.], [230., 110., 60.], [60., 40., 40.]],
        [[120., 200., 190.], [30., 90., 120.], [10., 30., 50.]],
        [[250., 230., 160.], [190., 210., 140.], [60., 100., 60.]],
    ];
    P[seed as usize % P.len()]
}

/// A generated landscape: sky gradient, a sun, and layered hills.
pub fn landscape(w: u32, h: u32, seed: u32) -> RgbImage {
    let [top, horizon, ground] = palette(seed);
    let sun = (
        w as f32 * (0.2 + 0.6 * ((seed * 37 % 100) as f32 / 100.0)),
        h as f32 * 0.42,
    );
    let lerp = |a: [f32; 3], b: [f32; 3], t: f32| {
        Rgb([0, 1, 2].map(|i| (a[i] + (b[i] - a[i]) * t.clamp(0.0, 1.0)) as u8))
    };
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        // Nearest hills first: a pixel below a ridge belongs to that hill.
        for layer in (0..3u32).rev() {
            let phase = (seed * 13 + layer * 7) as f32;
            let ridge = h as f32 * (0.58 + 0.12 * layer as f32)
                + (fx / (90.0 + 40.0 * layer as f32) + phase).sin() * h as f32 * 0.05
                + (fx / 37.0 + phase * 1.7).sin() * h as f32 * 0.012;
            if fy > ridge {
                let shade = 0.35 + 0.25 * layer as f32;
                return lerp(horizon, ground, shade + (fy - ridge) / h as f32);
            }
        }
        let d = ((fx - sun.0).powi(2) + (fy - sun.1).powi(2)).sqrt();
        if d < h as f32 * 0.08 {
            return lerp([255., 250., 230.], horizon, d / (h as f32 * 0.08) * 0.3);
        }
        lerp(top, horizon, fy / (h as f32 * 0.6))
    })
}

/// A 5×5 mirrored identicon, coloured from the handle's hash.
pub fn identicon(handle: &str) -> RgbImage {
    let digest = Sha256::digest(handle.as_bytes());
    let fg = Rgb([digest[0] / 2 + 60, digest[1] / 2 + 60, digest[2] / 2 + 60]);
    let bg = Rgb([240, 238, 235]);
    let cell = 256 / 8;
    RgbImage::from_fn(256, 256, |x, y| {
        let (cx, cy) = (x / cell, y / cell);
        if !(1..7).contains(&cx) || !(1..7).contains(&cy) {
            return bg;
        }
        let (col, row) = ((cx - 1).min(6 - cx) as usize, (cy - 1) as usize);
        if digest[3 + row * 3 + col] % 2 == 0 {
            fg
        } else {
            bg
        }
    })
}
