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
    crate::browser::store(STORAGE_KEY, Some(l.code()));
    #[cfg(feature = "csr")]
    {
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", l.code());
        }
    }
}

const STORAGE_KEY: &str = "photoshare.locale";

/// The language this browser asks for: a remembered choice, else the browser's own languages.
pub fn browser_locale() -> Locale {
    if let Some(l) = crate::browser::stored(STORAGE_KEY).and_then(|c| Locale::parse(&c).ok()) {
        return l;
    }
    #[cfg(feature = "csr")]
    {
        if let Some(w) = web_sys::window() {
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
    translate(locale().get(), english)
}

/// The text for `english` in `locale`, untracked (the server uses it for the JSON API's errors).
pub fn translate(locale: Locale, english: &'static str) -> &'static str {
    match locale {
        Locale::En => english,
        Locale::Ja => JA
            .iter()
            .find(|(en, _)| *en == english)
            .map(|(_, ja)| *ja)
            .unwrap_or(english),
    }
}

/// A UI string looked up each time it is shown, so it follows a language switch: `|| t("…")`.
pub type Text = fn() -> &'static str;

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

/// The date and time in full, in the UI language and the browser's time zone (for `title`s).
pub fn absolute_time(rfc3339: &str) -> String {
    #[cfg(feature = "csr")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
        if !date.get_time().is_nan() {
            let locale = locale().get().code();
            return String::from(date.to_locale_string(locale, &wasm_bindgen::JsValue::UNDEFINED));
        }
    }
    rfc3339.to_owned()
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
    // Announcements
    ("Announcement", "お知らせ"),
    ("Announcements", "お知らせ一覧"),
    ("Past announcements", "過去のお知らせ"),
    ("Hide", "隠す"),
    ("Show", "表示"),
    ("Hide announcement", "お知らせを隠す"),
    ("Show announcement", "お知らせを表示"),
    ("No announcements yet.", "お知らせはまだありません。"),
    ("Current", "掲載中"),
    ("Expired", "期限切れ"),
    ("Shown until {n}", "{n} まで掲載"),
    (
        "Delete this announcement? It disappears from the banner and from this page.",
        "このお知らせを削除しますか？バナーとこのページから消えます。",
    ),
    // Reports and moderation
    ("Report", "報告"),
    ("Report this photo", "この写真を報告"),
    ("Reason", "理由"),
    ("Spam", "スパム"),
    ("Nudity or sexual content", "ヌードや性的な内容"),
    ("Violence or gore", "暴力的・残虐な内容"),
    ("Hate or harassment", "ヘイトや嫌がらせ"),
    ("Copyright", "著作権の侵害"),
    ("Something else", "その他"),
    ("Details (optional)", "詳しい説明（任意）"),
    ("Send report", "報告する"),
    ("Cancel", "キャンセル"),
    (
        "Thanks — an admin will review this photo.",
        "ご報告ありがとうございます。管理者がこの写真を確認します。",
    ),
    (
        "This photo is hidden while an admin reviews it.",
        "管理者が確認するまで、この写真は非表示になっています。",
    ),
    ("Moderation", "モデレーション"),
    ("Unhide", "再表示"),
    ("Keep (unhide)", "問題なし（再表示）"),
    (
        "Delete this photo for everyone? It is removed from the cache and from S3, and the same image cannot be uploaded again.",
        "この写真を全員に対して削除しますか？キャッシュと S3 から消去され、同じ画像は今後アップロードできなくなります。",
    ),
    ("Hidden automatically", "自動で非表示"),
    ("Hidden by an admin", "管理者が非表示"),
    ("Visible", "表示中"),
    ("Moderation queue", "確認待ちの写真"),
    ("Nothing to review.", "確認が必要なものはありません。"),
    // Admin console
    ("Admin", "管理"),
    ("Admin console", "管理コンソール"),
    ("403 — Admins only", "403 — 管理者専用"),
    (
        "The admin console is for the administrators of this PhotoShare. If you need access, ask one of them.",
        "管理コンソールは、この PhotoShare の管理者だけが使えます。利用したい場合は管理者にお問い合わせください。",
    ),
    ("Storage", "ストレージ"),
    ("Sync", "同期"),
    ("Syncing to S3", "S3 へ同期中"),
    ("Paused by an admin", "管理者が一時停止中"),
    ("Waiting after repeated S3 errors", "S3 のエラーが続いたため待機中"),
    ("S3", "S3"),
    ("Reachable", "接続できます"),
    ("Unreachable", "接続できません"),
    ("Not contacted yet", "まだ接続していません"),
    ("Bucket", "バケット"),
    ("Waiting to sync", "同期待ち"),
    ("objects", "個のオブジェクト"),
    ("Oldest unsynced", "最も古い未同期"),
    ("Synced in the last minute", "直近 1 分間に同期"),
    ("Deletions waiting for S3", "S3 での削除待ち"),
    ("Recent S3 errors", "最近の S3 エラー"),
    ("No recent errors.", "最近のエラーはありません。"),
    ("Pause sync", "同期を一時停止"),
    ("Resume sync", "同期を再開"),
    ("Retry now", "今すぐ再試行"),
    ("Cache", "キャッシュ"),
    ("Cache used", "キャッシュ使用量"),
    ("Node", "ノード"),
    ("Nodes", "ノード一覧"),
    ("Access tokens", "アクセストークン"),
    ("Where you are logged in", "ログイン中の端末"),
    ("Unknown device", "不明な端末"),
    ("This device", "この端末"),
    ("Log out everywhere else", "ほかのすべての端末からログアウト"),
    ("A photo is either public (in the feeds) or unlisted (only by its link).", "写真は「公開」（フィードに表示）か「限定公開」（リンクを知っている人だけ）のどちらかです。"),
    ("Only its owner or an administrator can change or delete a photo.", "写真を変更・削除できるのは、投稿者と管理者だけです。"),
    ("Description for people who cannot see the photo (alt text)", "写真が見えない人のための説明（代替テキスト）"),
    ("What is in the photo? e.g. A red tram crossing a snowy bridge at dusk", "写真に何が写っていますか？ 例：夕暮れの雪の橋を渡る赤い路面電車"),
    ("Without a description, people who use a screen reader will not know what the photo shows.", "説明がないと、スクリーンリーダーを使う人には写真に何が写っているか伝わりません。"),
    ("Unlisted: only people with the link see it, not the feeds", "限定公開：フィードには出さず、リンクを知っている人だけが見られます"),
    ("Unlisted", "限定公開"),
    ("Only people with the link see this photo.", "この写真はリンクを知っている人だけが見られます。"),
    ("Edit", "編集"),
    ("Delete photo", "写真を削除"),
    ("Delete this photo for good?", "この写真を完全に削除しますか？"),
    ("Yes, delete", "はい、削除します"),
    ("You cannot block or mute yourself.", "自分をブロック・ミュートすることはできません。"),
    ("You cannot do that: one of you has blocked the other.", "どちらかがもう一方をブロックしているため、できません。"),
    ("Mute", "ミュート"),
    ("Unmute", "ミュート解除"),
    ("Block", "ブロック"),
    ("Unblock", "ブロック解除"),
    ("Blocked: you no longer see each other's photos and comments, and they cannot favorite, comment on or follow yours.", "ブロック中：お互いの写真とコメントが見えなくなり、相手はあなたの写真にお気に入り・コメント・ファン登録ができません。"),
    ("Muted: their photos no longer show in your feeds.", "ミュート中：この人の写真はあなたのフィードに表示されません。"),
    ("Blocked and muted", "ブロック・ミュート"),
    ("Block or mute someone from their page.", "ブロックやミュートは、その人のページから行えます。"),
    ("Blocked", "ブロック中"),
    ("Muted", "ミュート中"),
    ("Nobody.", "いません。"),
    ("Notifications", "通知"),
    ("Notifications ({n} unread)", "通知（未読{n}件）"),
    ("{who} favorited your photo", "{who}さんがあなたの写真をお気に入りにしました"),
    ("{who} and {n} others favorited your photo", "{who}さんとほか{n}人があなたの写真をお気に入りにしました"),
    ("{who} commented on your photo", "{who}さんがあなたの写真にコメントしました"),
    ("{who} and {n} others commented on your photo", "{who}さんとほか{n}人があなたの写真にコメントしました"),
    ("{who} became your fan", "{who}さんがあなたのファンになりました"),
    ("{who} and {n} others became your fans", "{who}さんとほか{n}人があなたのファンになりました"),
    ("{who} mentioned you", "{who}さんがあなたについて書きました"),
    ("Your photo is hidden while an admin reviews it.", "管理者の確認が終わるまで、あなたの写真は非表示になっています。"),
    ("An admin removed your photo.", "管理者があなたの写真を削除しました。"),
    ("Someone favorites my photo", "写真がお気に入りにされたとき"),
    ("Someone becomes my fan", "ファンが増えたとき"),
    ("Someone comments on my photo", "写真にコメントがついたとき"),
    ("Someone mentions me", "自分について書かれたとき（@ハンドル）"),
    ("An admin hides my photo", "管理者が写真を非表示にしたとき"),
    ("An admin removes my photo", "管理者が写真を削除したとき"),
    ("Nothing yet. When someone favorites your photos, becomes your fan, comments or mentions you, it shows here.", "まだありません。写真がお気に入りにされたり、ファンが増えたり、コメントや@での言及があると、ここに表示されます。"),
    ("Notify me when", "通知を受け取るとき"),
    ("A tag is 1 to 50 letters, digits or _ (any script), like #sunset or #夕焼け.", "タグは1〜50文字の文字・数字・_（どの言語でも）です。例：#sunset、#夕焼け"),
    ("Trending tags", "話題のタグ"),
    ("Search", "検索"),
    ("Search people and photos", "人や写真を検索"),
    ("Find people by name or handle, and photos by the words in their caption or description. Any language works.", "名前やハンドルで人を、キャプションや説明の言葉で写真を探せます。どの言語でも検索できます。"),
    ("People", "人"),
    ("Nobody found. Try another spelling or fewer words.", "見つかりませんでした。別の書き方や、少ない言葉で試してください。"),
    ("No photos found. Try other words.", "写真が見つかりませんでした。別の言葉で試してください。"),
    ("Image", "画像"),
    ("Write a message", "メッセージを書く"),
    ("Upload an image", "画像をアップロード"),
    ("Message", "メッセージ"),
    ("Drawn as the banner image below; it is also the image's alt text, for screen readers.", "下のバナー画像として描かれます。スクリーンリーダー向けの画像の代替テキストにもなります。"),
    ("Kind", "種類"),
    ("Information", "お知らせ"),
    ("Warning", "警告"),
    ("Resolved", "解決済み"),
    ("Preview", "プレビュー"),
    ("This browser could not draw the image.", "このブラウザーでは画像を描けませんでした。"),
    ("You are offline.", "オフラインです。"),
    ("You see what this device kept from your last visit; photos you post are sent when the connection returns.", "この端末に残っている前回の内容を表示しています。投稿した写真は、接続が戻ると送信されます。"),
    ("Waiting to upload", "アップロード待ち"),
    ("Nothing of this list was kept on this device yet. It appears when you are back online.", "この一覧はまだこの端末に残っていません。接続が戻ると表示されます。"),
    ("Not uploaded", "アップロードされませんでした"),
    ("Discard", "破棄"),
    ("This browser could not keep the photo to send later; try again when you are online.", "このブラウザーでは写真を後で送るために保存できませんでした。オンラインのときにもう一度お試しください。"),
    ("The admin console is not built on this server (see docs/OPERATIONS.md).", "このサーバーには管理コンソールがビルドされていません（docs/OPERATIONS.md を参照）。"),
    ("Opening the admin console…", "管理コンソールを開いています…"),
    ("An Idempotency-Key is 1 to {max} visible ASCII characters (a UUID, for example).", "Idempotency-Key は、表示できる ASCII 文字 1〜{max} 文字です（たとえば UUID）。"),
    ("Search for at least one letter or digit, in at most {max} characters.", "検索する言葉を、1文字以上（文字か数字）{max}文字以内で入力してください。"),
    ("Search for users or photos (type=users or type=photos).", "検索の対象は users か photos です（type=users または type=photos）。"),
    ("Two-factor code", "2段階認証のコード"),
    ("The 6-digit code from your authenticator app, or a recovery code.", "認証アプリの6桁のコード、またはリカバリーコード。"),
    ("Two-factor sign-in", "2段階認証"),
    ("On", "オン"),
    ("Off", "オフ"),
    ("Since", "開始"),
    ("1 recovery code left", "リカバリーコードの残り：1個"),
    ("{n} recovery codes left", "リカバリーコードの残り：{n}個"),
    ("Ask for a code from an authenticator app at every log-in, so a stolen password is not enough.", "ログインのたびに認証アプリのコードを求めます。パスワードが盗まれても、それだけではログインできません。"),
    ("Your recovery codes. Keep them somewhere safe: each one logs you in once if you lose your phone. They are not shown again.", "リカバリーコードです。安全な場所に保管してください。スマートフォンをなくしたとき、それぞれ1回だけログインに使えます。再表示はされません。"),
    ("I have saved them", "保存しました"),
    ("Turn on two-factor sign-in", "2段階認証をオンにする"),
    ("Scan this code with your authenticator app, or type the key into it. Then enter the 6-digit code it shows.", "認証アプリでこのコードを読み取るか、キーを入力してください。そしてアプリに表示される6桁のコードを入力してください。"),
    ("QR code for your authenticator app", "認証アプリ用のQRコード"),
    ("Code from the app", "アプリのコード"),
    ("Turn on", "オンにする"),
    ("Code from the app, or a recovery code", "アプリのコード、またはリカバリーコード"),
    ("New recovery codes", "リカバリーコードを作り直す"),
    ("Current password (to turn it off)", "現在のパスワード（オフにするとき）"),
    ("Turn off two-factor sign-in", "2段階認証をオフにする"),
    ("Your data", "あなたのデータ"),
    ("A zip of every photo you posted, as you uploaded it, with your profile, captions, favorites, fans and comments as JSON.", "投稿したすべての写真（アップロードしたままのファイル）と、プロフィール・キャプション・お気に入り・ファン・コメントのJSONをまとめたzipです。"),
    ("Download my data", "データをダウンロード"),
    ("Delete account", "アカウントの削除"),
    ("Your photos, icon, favorites, fans, comments and sessions are deleted for good. This cannot be undone.", "写真・アイコン・お気に入り・ファン・コメント・セッションが完全に削除されます。元に戻せません。"),
    ("Type your handle to confirm", "確認のためハンドルを入力"),
    ("Delete my account", "アカウントを削除する"),
    ("Change password", "パスワードを変更"),
    ("Current password", "現在のパスワード"),
    ("New password", "新しいパスワード"),
    ("Password changed. Every other session was logged out.", "パスワードを変更しました。ほかのすべての端末はログアウトしました。"),
    ("Audit log", "監査ログ"),
    ("Show", "表示"),
    ("Everything", "すべて"),
    ("Bucket moves", "バケットの移行"),
    ("Nothing recorded yet.", "まだ記録はありません。"),
    ("command line", "コマンドライン"),
    ("For scripts and apps: send a token as “Authorization: Bearer …”. It can do what you allow it, until you revoke it.", "スクリプトやアプリ向け：トークンを「Authorization: Bearer …」として送ります。取り消すまで、許可したことができます。"),
    ("Revoke", "取り消す"),
    ("Made", "作成"),
    ("Last used", "最終使用"),
    ("never", "未使用"),
    ("Your new token. Copy it now: it is not shown again.", "新しいトークンです。今すぐコピーしてください。二度と表示されません。"),
    ("Token name", "トークンの名前"),
    ("e.g. backup script", "例：バックアップ用スクリプト"),
    ("May post and change things (write), not only read", "読むだけでなく、投稿や変更もできる（write）"),
    ("May use the admin API (admin)", "管理 API を使える（admin）"),
    ("Make a token", "トークンを作成"),
    ("Up", "稼働中"),
    ("Down", "停止"),
    ("Last heartbeat", "最終ハートビート"),
    ("S3 circuit open", "S3 への送信を停止中"),
    ("On one node only", "1 台のノードにのみ保存"),
    ("Free disk", "ディスクの空き"),
    ("Hit ratio", "ヒット率"),
    ("Hits / misses", "ヒット / ミス"),
    ("Evictions", "追い出し"),
    ("Kept for outages (pinned)", "障害時用に常時保持"),
    ("Integrity check", "整合性チェック"),
    (
        "Compares every stored object with its name, on this node and in S3.",
        "保存されたすべてのオブジェクトを、このノードと S3 の両方で名前（ハッシュ）と照合します。",
    ),
    ("Check now", "今すぐチェック"),
    ("Check and repair", "チェックして修復"),
    ("Check only", "チェックのみ"),
    (
        "Check every object and repair what can be repaired? Copies are fetched again from S3 or from this node, and broken files are moved aside.",
        "すべてのオブジェクトをチェックし、修復できるものを修復しますか？コピーは S3 またはこのノードから取り直し、壊れたファイルは別の場所へ移します。",
    ),
    ("Not run from the console on this node yet.", "このノードではまだコンソールから実行していません。"),
    ("Move to a new bucket", "新しいバケットへ移動"),
    (
        "Uploads and pages keep working during the move; nothing is removed from the old bucket.",
        "移動中もアップロードとページはそのまま使えます。古いバケットからは何も削除しません。",
    ),
    (
        "Copy every object to this bucket, verify each copy, then switch every node to it?",
        "すべてのオブジェクトをこのバケットへコピーして一つずつ検証し、すべてのノードをこのバケットに切り替えますか？",
    ),
    ("New bucket", "新しいバケット"),
    ("Move", "移動"),
    ("Moving to", "移動中："),
    ("Copied", "コピー済み"),
    ("Already there", "移動先にあったもの"),
    ("Failed", "失敗"),
    ("Switched", "切り替え"),
    ("Yes", "完了"),
    ("No: run an integrity check and try again", "未完了：整合性チェックを実行してからやり直してください"),
    ("Checking…", "チェック中…"),
    ("Started", "開始"),
    ("Finished", "終了"),
    ("Mode", "モード"),
    ("Objects checked", "チェックしたオブジェクト"),
    ("Problems", "問題"),
    ("Repaired", "修復済み"),
    ("No problems found.", "問題は見つかりませんでした。"),
    ("Lost: the only copy is missing or damaged", "消失：唯一のコピーがないか壊れています"),
    ("Damaged copies on this node", "このノード上の壊れたコピー"),
    ("Missing from this node", "このノードにないもの"),
    ("Missing from S3", "S3 にないもの"),
    ("Damaged copies in S3", "S3 上の壊れたコピー"),
    ("Files on this node nothing refers to", "どこからも参照されていないこのノードのファイル"),
    ("Objects in S3 nothing refers to", "どこからも参照されていない S3 のオブジェクト"),
    ("S3 could not be checked:", "S3 をチェックできませんでした："),
    ("Post an announcement", "お知らせを掲載"),
    (
        "It shows as an image banner on every page until it expires or another replaces it.",
        "期限が切れるか次のお知らせに替わるまで、すべてのページに画像バナーとして表示されます。",
    ),
    ("Choose an image", "画像を選ぶ"),
    ("Choose an image first.", "先に画像を選んでください。"),
    ("Preview of the chosen image", "選んだ画像のプレビュー"),
    ("Alt text", "代替テキスト"),
    (
        "What screen readers read aloud, and what shows when images are off. Describe the image, including any words in it.",
        "スクリーンリーダーが読み上げる文章で、画像を表示できないときにも表示されます。画像の内容を、画像内の文字も含めて書いてください。",
    ),
    ("Link (optional)", "リンク（任意）"),
    ("https://… or /path", "https://… または /パス"),
    (
        "Where the banner leads when clicked: a web address or a page on this site.",
        "バナーをクリックしたときの移動先：ウェブのアドレス、またはこのサイト内のページ。",
    ),
    ("Expires (optional)", "掲載期限（任意）"),
    (
        "In your local time. Leave empty to keep it up until it is replaced or deleted.",
        "お使いの地域の時刻で指定します。空欄なら、差し替えか削除まで掲載します。",
    ),
    ("Choose an expiry in the future.", "掲載期限には未来の日時を指定してください。"),
    ("Post announcement", "掲載する"),
    ("Posted.", "掲載しました。"),
    ("Users", "ユーザー"),
    ("Search by handle", "ハンドルで検索"),
    ("No users match.", "該当するユーザーはいません。"),
    ("Banned", "利用停止中"),
    ("Make admin", "管理者にする"),
    (
        "Make @{n} an admin? They will be able to moderate photos, post announcements and manage users.",
        "@{n} を管理者にしますか？写真のモデレーション、お知らせの掲載、ユーザーの管理ができるようになります。",
    ),
    ("Ban", "利用停止"),
    (
        "Ban @{n}? They can no longer log in or post.",
        "@{n} を利用停止にしますか？ログインも投稿もできなくなります。",
    ),
    ("Unban", "利用停止を解除"),
    // Durations
    ("{n} s", "{n} 秒"),
    ("{n} min", "{n} 分"),
    ("{n} h", "{n} 時間"),
    ("{n} d", "{n} 日"),
    // The problems the server and the browser report, by code (photoshare_domain::problem).
    ("A handle is {min} to {max} characters long.", "ハンドルは{min}〜{max}文字です。"),
    ("A handle starts with a letter (a–z).", "ハンドルは英字（a–z）で始めてください。"),
    ("A handle may only use letters a–z, digits and _.", "ハンドルに使えるのは英字 a–z、数字、_ だけです。"),
    ("The handle “{handle}” is reserved.", "ハンドル「{handle}」は予約されています。"),
    ("A password needs at least {min} characters.", "パスワードは{min}文字以上にしてください。"),
    ("A password has at most {max} characters.", "パスワードは{max}文字までです。"),
    ("Please write {field}.", "{field}を入力してください。"),
    ("That is too long: {field} has at most {max} characters.", "長すぎます。{field}は{max}文字までです。"),
    ("Please leave out control characters in {field}.", "{field}に制御文字は使えません。"),
    ("The form field “{name}” is not UTF-8 text; nothing was stored.", "フォームの項目「{name}」が UTF-8 のテキストではありません。何も保存していません。"),
    ("The language is one of: en, ja.", "言語は en か ja のどちらかです。"),
    ("That is not a valid {kind} id.", "{kind}のIDが正しくありません。"),
    ("That is not a sha256 content hash.", "sha256 のコンテンツハッシュではありません。"),
    ("That page cursor is not valid; start again from the first page.", "ページの位置が正しくありません。最初のページからやり直してください。"),
    ("limit is between 1 and {max}.", "limit は 1〜{max} です。"),
    ("The link must be a web address (https://…) or a path on this site (/…).", "リンクはウェブアドレス（https://…）か、このサイトのパス（/…）にしてください。"),
    ("The expiry must be a date and time like 2026-12-01T18:00:00Z (RFC 3339).", "有効期限は 2026-12-01T18:00:00Z のような日時（RFC 3339）で指定してください。"),
    ("The expiry must be in the future.", "有効期限は未来の日時にしてください。"),
    ("The image file is empty.", "画像ファイルが空です。"),
    ("That image could not be read; the file may be damaged or incomplete.", "画像を読み込めませんでした。ファイルが壊れているか、途中までしかない可能性があります。"),
    ("You cannot be your own fan.", "自分自身のファンにはなれません。"),
    ("You cannot report your own photo.", "自分の写真は報告できません。"),
    ("Admins cannot be banned.", "管理者は利用停止にできません。"),
    ("The request could not be read: {detail}", "リクエストを読み取れませんでした: {detail}"),
    ("Some of the request's values are missing or not valid: {detail}", "リクエストの値が足りないか、正しくありません: {detail}"),
    ("Send the body as JSON (content-type: application/json).", "本文は JSON（content-type: application/json）で送ってください。"),
    ("That request is larger than PhotoShare accepts.", "リクエストが PhotoShare で受け付けられる大きさを超えています。"),
    ("The handle “{handle}” is already taken.", "ハンドル「{handle}」はすでに使われています。"),
    ("You have already reported this photo; an admin will look at it.", "この写真はすでに報告済みです。管理者が確認します。"),
    ("fsck is already running; wait for its report.", "fsck はすでに実行中です。結果をお待ちください。"),
    ("A move to a new bucket is already running; wait for its report.", "新しいバケットへの移動はすでに実行中です。結果をお待ちください。"),
    ("“{bucket}” is not a valid S3 bucket name: 3 to 63 characters of a–z, 0–9, - and ., starting and ending with a letter or digit.", "「{bucket}」は S3 のバケット名として使えません。a–z、0–9、- と . の 3〜63 文字で、最初と最後は英字か数字にしてください。"),
    ("Wrong handle or password.", "ハンドルまたはパスワードが違います。"),
    ("This account has been suspended by an administrator.", "このアカウントは管理者によって利用停止されています。"),
    ("Only administrators can do that.", "その操作は管理者だけができます。"),
    ("Only its author or an administrator can delete a comment.", "コメントを削除できるのは、書いた本人か管理者だけです。"),
    ("No such access token.", "そのアクセストークンはありません。"),
    ("No such session: it may have ended already.", "そのセッションはありません。すでに終了している可能性があります。"),
    ("That access token is not valid: it was revoked or mistyped.", "このアクセストークンは無効です。取り消されたか、入力が間違っています。"),
    ("This access token may not do that: it lacks the “{scope}” scope.", "このアクセストークンではできません。「{scope}」のスコープがありません。"),
    ("That needs a signed-in session, not an access token.", "この操作には、アクセストークンではなくログインしたセッションが必要です。"),
    ("Enter the 6-digit code from your authenticator app, or one of your recovery codes.", "認証アプリの6桁のコード、またはリカバリーコードを入力してください。"),
    ("That code is not right, or it was used already. Enter the current 6-digit code from your authenticator app, or an unused recovery code.", "コードが正しくないか、すでに使われています。認証アプリの現在の6桁のコード、または未使用のリカバリーコードを入力してください。"),
    ("Administrators must turn on two-factor sign-in (in Settings) before they can use the console.", "管理者は、コンソールを使う前に（設定で）2段階認証をオンにする必要があります。"),
    ("To delete the account, type its handle “{handle}” exactly.", "アカウントを削除するには、ハンドル「{handle}」を正確に入力してください。"),
    ("Two-factor sign-in is already on.", "2段階認証はすでにオンです。"),
    ("Two-factor sign-in is not on: turn it on first.", "2段階認証はオンになっていません。先にオンにしてください。"),
    ("You are the only administrator: make someone else an administrator before you delete this account.", "管理者はあなただけです。このアカウントを削除する前に、ほかの人を管理者にしてください。"),
    ("“{scope}” is not a scope: use read, write or admin.", "「{scope}」はスコープではありません。read、write、admin のいずれかを使ってください。"),
    ("Too many tries for now. Please try again in {minutes} min.", "試行回数が多すぎます。{minutes} 分後にもう一度お試しください。"),
    ("This request came from another site, so it was refused; nothing was changed.", "別のサイトから送られたリクエストのため、受け付けませんでした。何も変更していません。"),
    ("Only PhotoShare's own nodes may call this: the cluster secret is missing or wrong.", "これは PhotoShare のノード同士だけが呼び出せます。クラスタのシークレットがないか、間違っています。"),
    ("The bytes sent do not match their sha256; nothing was stored.", "送られたデータが sha256 と一致しません。何も保存していません。"),
    ("There is no user @{handle}.", "@{handle} というユーザーはいません。"),
    ("No such photo.", "その写真はありません。"),
    ("No such comment.", "そのコメントはありません。"),
    ("No such announcement.", "そのお知らせはありません。"),
    ("No such image.", "その画像はありません。"),
    ("No such API endpoint.", "その API エンドポイントはありません。"),
    ("This endpoint does not take that method. It takes: {allowed}.", "このエンドポイントはそのメソッドを受け付けません。使えるのは {allowed} です。"),
    ("That file is not an image. Please upload a JPEG, PNG or WebP photo.", "画像ファイルではありません。JPEG、PNG、WebP の写真をアップロードしてください。"),
    ("{format} images are not accepted. Please upload a JPEG, PNG or WebP photo.", "{format} 画像は受け付けていません。JPEG、PNG、WebP の写真をアップロードしてください。"),
    ("That image uses a variant of its format PhotoShare cannot read. Please upload a JPEG, PNG or WebP photo.", "この画像は PhotoShare が読めない形式の種類です。JPEG、PNG、WebP の写真をアップロードしてください。"),
    ("That file is larger than the {max_mb} MB PhotoShare accepts.", "ファイルが大きすぎます。PhotoShare が受け付けるのは {max_mb} MB までです。"),
    ("That image is {width}×{height} pixels; PhotoShare accepts up to {max_side} pixels a side and {max_megapixels} megapixels.", "この画像は {width}×{height} ピクセルです。PhotoShare が受け付けるのは一辺 {max_side} ピクセル、{max_megapixels} メガピクセルまでです。"),
    ("That image is too large to process; PhotoShare accepts up to {max_side} pixels a side and {max_megapixels} megapixels.", "画像が大きすぎて処理できません。PhotoShare が受け付けるのは一辺 {max_side} ピクセル、{max_megapixels} メガピクセルまでです。"),
    ("Send the image as multipart/form-data with a file field named \"image\".", "画像は multipart/form-data で、\"image\" という名前のファイル欄に入れて送ってください。"),
    ("Add the image as a non-empty file field named \"image\".", "\"image\" という名前のファイル欄に、空でない画像を入れてください。"),
    ("This image was removed by an administrator and cannot be posted again.", "この画像は管理者によって削除されたため、再投稿できません。"),
    ("The server's storage is full right now; your photo was not saved. Please try again later.", "サーバーの保存領域がいっぱいのため、写真は保存されませんでした。しばらくしてからもう一度お試しください。"),
    ("This image is temporarily unavailable; please try again shortly.", "この画像は一時的に表示できません。少ししてからもう一度お試しください。"),
    ("PhotoShare is busy right now; nothing was changed. Please try again in a moment.", "PhotoShare は現在混み合っています。変更は行われていません。少ししてからもう一度お試しください。"),
    ("PhotoShare cannot be reached. Check your connection and try again.", "PhotoShare に接続できません。接続を確認して、もう一度お試しください。"),
    ("Something went wrong on our side. Please try again.", "サーバー側で問題が起きました。もう一度お試しください。"),
    ("a caption", "キャプション"),
    ("a display name", "表示名"),
    ("a bio", "自己紹介"),
    ("a comment", "コメント"),
    ("a description of the image (alt text)", "画像の説明（代替テキスト）"),
    ("a name for the token", "トークンの名前"),
    ("a reason", "理由"),
    ("photo", "写真"),
    ("user", "ユーザー"),
    ("comment", "コメント"),
    ("announcement", "お知らせ"),
];

#[cfg(test)]
mod tests {
    use super::JA;

    /// Every `t("…")`/`tn("…")` (and feed `empty="…"` text) in the app's source, and every
    /// problem's template and words, has a Japanese entry, and no entry is unused.
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
            // rustfmt may put a long string on the line after `t(`. (Written escaped, so this
            // line is not read as a call.)
            for call in ["t\x28", "tn\x28", "empty\x3d"] {
                for (i, _) in src.match_indices(call) {
                    let before = src[..i].chars().last().unwrap_or(' ');
                    let Some(rest) = src[i + call.len()..].trim_start().strip_prefix('"') else {
                        continue;
                    };
                    if before.is_alphanumeric() || before == '_' {
                        continue;
                    }
                    used.insert(rest[..rest.find('"').unwrap()].to_owned());
                }
            }
        }
        // Every problem the server or the browser can report is shown by its English template.
        used.extend(
            photoshare_domain::problem::Problem::english_texts()
                .into_iter()
                .map(str::to_owned),
        );
        let known: std::collections::BTreeSet<_> =
            JA.iter().map(|(en, _)| en.to_string()).collect();
        let missing: Vec<_> = used.difference(&known).collect();
        assert!(missing.is_empty(), "no Japanese for {missing:?}");
        let unused: Vec<_> = known.difference(&used).collect();
        assert!(unused.is_empty(), "translations nothing uses: {unused:?}");
        assert!(used.len() > 40, "only {} strings found", used.len());
    }
}
