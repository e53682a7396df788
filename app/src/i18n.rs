//! The UI's languages. Every user-visible string goes through [`t`], keyed by its English text;
//! [`JA`] holds the Japanese. A test checks that every `t("…")` in the source has a translation,
//! so a new string cannot ship half-translated.
//!
//! The language is chosen, in order: the signed-in user's saved choice, the choice remembered in
//! this browser, the browser's languages, English.

use leptos::prelude::*;
use photoshare_domain::types::Locale;

thread_local! {
    static LOCALE: RwSignal<Locale> = RwSignal::new(Locale::En);
}

/// The UI language, as a signal: reading it inside a view makes the view follow a switch.
pub fn locale() -> RwSignal<Locale> {
    LOCALE.with(|l| *l)
}

/// Switches the UI language and remembers it in this browser.
pub fn set_locale(l: Locale) {
    locale().set(l);
    #[cfg(feature = "csr")]
    {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(STORAGE_KEY, l.code());
        }
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", l.code());
        }
    }
}

#[cfg(feature = "csr")]
const STORAGE_KEY: &str = "photoshare.locale";

/// The language this browser asks for: a remembered choice, else the browser's own languages.
pub fn browser_locale() -> Locale {
    #[cfg(feature = "csr")]
    {
        let window = web_sys::window();
        let stored = window
            .as_ref()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|c| Locale::parse(&c).ok());
        if let Some(l) = stored {
            return l;
        }
        if let Some(w) = window {
            for tag in w.navigator().languages().iter() {
                if let Some(l) = tag.as_string().as_deref().and_then(Locale::from_tag) {
                    return l;
                }
            }
        }
    }
    Locale::En
}

/// The text for `english` in the current language (tracked: views re-render on a switch).
pub fn t(english: &'static str) -> &'static str {
    match locale().get() {
        Locale::En => english,
        Locale::Ja => JA
            .iter()
            .find(|(en, _)| *en == english)
            .map(|(_, ja)| *ja)
            .unwrap_or(english),
    }
}

/// [`t`] with `{n}` replaced by a number.
pub fn tn(english: &'static str, n: i64) -> String {
    t(english).replace("{n}", &n.to_string())
}

/// "3 minutes ago", "昨日": a time relative to now, in the UI language.
pub fn relative_time(rfc3339: &str) -> String {
    #[cfg(feature = "csr")]
    {
        let then = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339)).get_time();
        if !then.is_nan() {
            let secs = (then - js_sys::Date::now()) / 1000.0;
            let (value, unit) = [
                (60.0, "second"),
                (3600.0, "minute"),
                (86_400.0, "hour"),
                (86_400.0 * 30.0, "day"),
                (86_400.0 * 365.0, "month"),
            ]
            .iter()
            .zip([1.0, 60.0, 3600.0, 86_400.0, 86_400.0 * 30.0])
            .find(|((limit, _), _)| secs.abs() < *limit)
            .map(|((_, unit), div)| ((secs / div).round(), *unit))
            .unwrap_or(((secs / (86_400.0 * 365.0)).round(), "year"));
            let locales = js_sys::Array::of1(&locale().get().code().into());
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"numeric".into(), &"auto".into());
            let format = js_sys::Intl::RelativeTimeFormat::new(&locales, &options);
            return String::from(format.format(value, unit));
        }
    }
    rfc3339.get(..10).unwrap_or(rfc3339).to_owned()
}

/// Japanese for every UI string, by its English text.
pub const JA: &[(&str, &str)] = &[
    ("Recent", "新着"),
    ("Popular", "人気"),
    ("Fans feed", "ファンフィード"),
    ("Top users", "トップユーザー"),
    ("Upload", "投稿"),
    ("Log in", "ログイン"),
    ("Log out", "ログアウト"),
    ("Sign up", "新規登録"),
    ("Settings", "設定"),
    ("My profile", "マイプロフィール"),
    ("Main", "メイン"),
    ("Recent photos", "新着の写真"),
    ("Popular photos", "人気の写真"),
    (
        "New photos from the people you are a fan of",
        "ファンになった人たちの新しい写真",
    ),
    (
        "No photos yet. Be the first to post one!",
        "まだ写真がありません。最初の一枚を投稿しましょう！",
    ),
    ("Nothing here yet.", "まだ何もありません。"),
    (
        "Become a fan of people to see their photos here.",
        "ファンになると、その人の写真がここに表示されます。",
    ),
    ("Loading…", "読み込み中…"),
    ("Show more", "もっと見る"),
    ("{n} new photos", "新しい写真 {n} 件"),
    ("1 new photo", "新しい写真 1 件"),
    ("Photo by @{n}", "@{n} の写真"),
    ("Photos", "写真"),
    ("Favorites", "お気に入り"),
    ("Add to favorites", "お気に入りに追加"),
    ("Remove from favorites", "お気に入りから外す"),
    ("fans", "ファン"),
    ("fan of", "ファンになっている人"),
    ("photos", "枚の写真"),
    ("Become a fan", "ファンになる"),
    ("You are a fan", "ファンです"),
    ("Edit profile", "プロフィールを編集"),
    ("Comments", "コメント"),
    ("Add a comment", "コメントを書く"),
    ("Post comment", "コメントする"),
    ("Delete", "削除"),
    (
        "Log in to comment.",
        "コメントするにはログインしてください。",
    ),
    ("No comments yet.", "まだコメントはありません。"),
    ("Download original", "元の画像をダウンロード"),
    ("Photo not found", "写真が見つかりません"),
    (
        "This photo does not exist, or it was removed.",
        "この写真は存在しないか、削除されました。",
    ),
    ("Back to recent photos", "新着の写真に戻る"),
    ("Page not found", "ページが見つかりません"),
    (
        "There is nothing at this address.",
        "このアドレスには何もありません。",
    ),
    ("User not found", "ユーザーが見つかりません"),
    ("Post a photo", "写真を投稿"),
    (
        "Please log in to post photos.",
        "写真を投稿するにはログインしてください。",
    ),
    (
        "Drop a photo here, or tap to choose one",
        "ここに写真をドロップするか、タップして選んでください",
    ),
    (
        "JPEG, PNG or WebP, up to {n} MB.",
        "JPEG・PNG・WebP、{n} MB まで。",
    ),
    ("Caption", "キャプション"),
    (
        "Say something about it (optional)",
        "ひとこと添えましょう（任意）",
    ),
    ("Post photo", "投稿する"),
    ("Choose a photo first.", "先に写真を選んでください。"),
    (
        "That file is larger than {n} MB.",
        "ファイルが {n} MB を超えています。",
    ),
    ("Preview of the chosen photo", "選んだ写真のプレビュー"),
    ("Handle", "ハンドル"),
    ("Password", "パスワード"),
    ("Join PhotoShare", "PhotoShare に参加"),
    ("No account yet?", "アカウントをお持ちでないですか？"),
    (
        "Already have an account?",
        "すでにアカウントをお持ちですか？",
    ),
    ("Create account", "アカウントを作成"),
    ("Profile", "プロフィール"),
    ("Display name", "表示名"),
    ("Bio", "自己紹介"),
    ("Choose an icon", "アイコンを選ぶ"),
    (
        "Your icon is cropped to a square.",
        "アイコンは正方形に切り抜かれます。",
    ),
    ("Save", "保存"),
    ("Saved.", "保存しました。"),
    ("Language", "言語"),
    ("Please log in first.", "先にログインしてください。"),
    (
        "PhotoShare cannot be reached. Check your connection and try again.",
        "PhotoShare に接続できません。接続を確認して、もう一度お試しください。",
    ),
    ("Skip to content", "本文へ移動"),
    ("Fans", "ファン"),
    ("Fan of", "ファンになっている人"),
    ("Favorited by", "お気に入りした人"),
    ("Photo storage is delayed — your uploads are safe and visible.", "写真の保存が遅れています。アップロードした写真は安全で、表示されています。"),
    ("Photo storage is paused for maintenance — your uploads are safe and visible.", "メンテナンスのため写真の保存を一時停止しています。アップロードした写真は安全で、表示されています。"),
    (
        "3–30 letters, digits or _; shown as @handle.",
        "英小文字・数字・_ で 3〜30 文字。@ハンドルとして表示されます。",
    ),
    ("At least 8 characters.", "8 文字以上。"),
];

#[cfg(test)]
mod tests {
    use super::JA;

    /// Every `t("…")`/`tn("…")` (and feed `empty="…"` text) in the app's source has a Japanese
    /// entry, and no entry is unused.
    #[test]
    fn every_ui_string_has_a_japanese_translation() {
        let mut used = std::collections::BTreeSet::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let src: String = std::fs::read_to_string(&p)
                .unwrap()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for call in ["t(\"", "tn(\"", "empty=\""] {
                for (i, _) in src.match_indices(call) {
                    let rest = &src[i + call.len()..];
                    let before = src[..i].chars().last().unwrap_or(' ');
                    if before.is_alphanumeric() || before == '_' {
                        continue;
                    }
                    used.insert(rest[..rest.find('"').unwrap()].to_owned());
                }
            }
        }
        let known: std::collections::BTreeSet<_> =
            JA.iter().map(|(en, _)| en.to_string()).collect();
        let missing: Vec<_> = used.difference(&known).collect();
        assert!(missing.is_empty(), "no Japanese for {missing:?}");
        let unused: Vec<_> = known.difference(&used).collect();
        assert!(unused.is_empty(), "translations nothing uses: {unused:?}");
        assert!(used.len() > 40, "only {} strings found", used.len());
    }
}
