//! Search: people by handle and display name, photos by caption and alt text, in any script.
//!
//! Both engines index the same tokens, made here rather than by the engine's own parser, so a
//! query means the same on SQLite and PostgreSQL:
//!
//! * the text is folded ([`fold`]): NFKC (full-width Ｓａｔｏ and half-width ｶﾀｶﾅ become Sato and
//!   カタカナ), lower case, and accents dropped from letters outside Japanese and Chinese (é → e,
//!   but が stays が);
//! * scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar)
//!   give every character and every pair of neighbouring characters (unigrams and bigrams), so
//!   a word anywhere in a sentence is found without a dictionary: 佐藤 is found in 佐藤愛子 and in
//!   佐藤 愛子 (in an indexed text a space between such characters does not break the run, so
//!   佐藤愛子 finds 佐藤 愛子 too; in a query it separates words);
//! * other letters and digits give words (a handle's `_` separates words too).
//!
//! A query's words match as prefixes (`ai` finds aiko), its one-letter words and its CJK
//! characters exactly; every term must match. SQLite keeps the tokens in an FTS5 table (the
//! `ascii` tokenizer, which only splits them on spaces again, with prefix indexes), PostgreSQL in
//! a `tsvector` column with a GIN index; each search table maps its rows to photos or users, and
//! a row's number (`seq`) orders results newest first.

use crate::db::{Backend, Db};
use crate::problem::Problem;
use crate::social::{SummaryRow, USER_SUMMARY};
use crate::store::{select_photos, Keyset, PhotoRow, Sql};
use crate::types::{Cursor, Page, PhotoView, User, UserSummary};
use crate::Result;
use unicode_normalization::UnicodeNormalization;

/// Bump when the tokens change: every node then rebuilds the index at start-up.
pub const TOKENS_VERSION: &str = "1";
const VERSION_KEY: &str = "search_tokens_version";
/// The longest query, in characters.
pub const MAX_QUERY: usize = 200;
/// The most terms a query uses (the rest are ignored).
const MAX_TERMS: usize = 16;
/// From this many matching people on, a users search walks the most followed people in order
/// instead of sorting every match (see [`Search::users`]).
const COMMON: i64 = 2_000;
/// How many of the newest photos (from the cursor) a photo search on PostgreSQL walks before
/// it asks the GIN index instead (see [`Search::photos`]): a word in one photo of 100 or more fills
/// a page within it.
const PHOTO_WALK: i64 = 2_000;
/// A word longer than this is cut (nobody types it in full; the prefix still matches).
const MAX_WORD: usize = 64;

/// Whether `c` belongs to a script written without spaces between words.
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x3005..=0x3007 | 0x3021..=0x3029 // 々 〆 〇, Suzhou numerals
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x31F0..=0x31FF // Katakana extensions
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF // Han
        | 0x20000..=0x3FFFF) // Han, supplementary planes
}

/// The text as search compares it (see the module's notes).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkc().flat_map(char::to_lowercase) {
        // Latin, Greek and Cyrillic letters lose their accents; other scripts' marks are part
        // of their letters (Devanagari's vowel signs, the kana's voicing).
        if !matches!(c as u32, 0x00C0..=0x052F | 0x1E00..=0x1FFF) {
            out.push(c);
        } else {
            unicode_normalization::char::decompose_canonical(c, |d| {
                if !unicode_normalization::char::is_combining_mark(d) {
                    out.push(d);
                }
            });
        }
    }
    out
}

/// A piece of folded text: a word, or a run of unspaced-script characters.
enum Piece {
    Word(String),
    Run(Vec<char>),
}

/// The pieces of a folded text. In an indexed text (`join_runs`) a run of unspaced-script
/// characters goes on across a single space (佐藤 愛子 is also 佐藤愛子); in a query a space
/// separates words, as the person typing meant.
fn pieces(folded: &str, join_runs: bool) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    // Spaces seen since the run's last character: a run goes on across them.
    let mut gap = false;
    let flush_word = |word: &mut String, out: &mut Vec<Piece>| {
        if !word.is_empty() {
            out.push(Piece::Word(word.chars().take(MAX_WORD).collect()));
            word.clear();
        }
    };
    for c in folded.chars() {
        let letter = c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c);
        if unspaced(c) && letter {
            flush_word(&mut word, &mut out);
            run.push(c);
            gap = false;
        } else if letter {
            if !run.is_empty() {
                out.push(Piece::Run(std::mem::take(&mut run)));
            }
            word.push(c);
        } else {
            flush_word(&mut word, &mut out);
            if join_runs && c.is_whitespace() && !run.is_empty() && !gap {
                gap = true;
            } else if !run.is_empty() {
                out.push(Piece::Run(std::mem::take(&mut run)));
            }
        }
    }
    flush_word(&mut word, &mut out);
    if !run.is_empty() {
        out.push(Piece::Run(run));
    }
    out
}

/// The tokens a text is indexed under, each once, space-separated (as both engines store them).
pub fn index_tokens(text: &str) -> String {
    let mut tokens: Vec<String> = Vec::new();
    for piece in pieces(&fold(text), true) {
        match piece {
            Piece::Word(w) => tokens.push(w),
            Piece::Run(run) => {
                tokens.extend(run.iter().map(|c| c.to_string()));
                tokens.extend(run.windows(2).map(|w| w.iter().collect()));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    tokens.retain(|t| seen.insert(t.clone()));
    tokens.join(" ")
}

/// One term of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// Matches a token that starts with this.
    Prefix(String),
    /// Matches this token only.
    Exact(String),
}

/// The terms of a query; 422 `bad_search` if it has none or is too long.
pub fn query_terms(q: &str) -> std::result::Result<Vec<Term>, Problem> {
    let bad = || Problem::BadSearch {
        max: MAX_QUERY as u32,
    };
    if q.chars().count() > MAX_QUERY {
        return Err(bad());
    }
    let mut terms = Vec::new();
    for piece in pieces(&fold(q), false) {
        match piece {
            Piece::Word(w) if w.chars().count() == 1 => terms.push(Term::Exact(w)),
            Piece::Word(w) => terms.push(Term::Prefix(w)),
            Piece::Run(run) if run.len() == 1 => terms.push(Term::Exact(run[0].to_string())),
            Piece::Run(run) => {
                terms.extend(run.windows(2).map(|w| Term::Exact(w.iter().collect())));
            }
        }
    }
    let mut unique = Vec::new();
    for t in terms {
        if !unique.contains(&t) {
            unique.push(t);
        }
    }
    unique.truncate(MAX_TERMS);
    if unique.is_empty() {
        return Err(bad());
    }
    Ok(unique)
}

/// The query as the engine's matcher reads it. Tokens hold only letters, digits and combining
/// marks, so quoting them is enough.
fn matcher(backend: Backend, terms: &[Term]) -> String {
    let each = terms.iter().map(|t| match (backend, t) {
        (Backend::Sqlite, Term::Prefix(w)) => format!("\"{w}\"*"),
        (Backend::Sqlite, Term::Exact(w)) => format!("\"{w}\""),
        (Backend::Postgres, Term::Prefix(w)) => format!("'{w}':*"),
        (Backend::Postgres, Term::Exact(w)) => format!("'{w}'"),
    });
    let and = match backend {
        Backend::Sqlite => " AND ",
        Backend::Postgres => " & ",
    };
    each.collect::<Vec<_>>().join(and)
}

/// How [`Search::photos`] finds a page's rows.
#[derive(Debug, Clone, Copy)]
enum PhotoPlan {
    /// SQLite: FTS5, newest first.
    Fts,
    /// PostgreSQL: the photos from the cursor down to `floor`, newest first, each checked.
    Walk { floor: i64 },
    /// PostgreSQL: every match from the GIN index, sorted.
    Gin,
}

/// What is searched: photos or people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Index {
    Photos,
    Users,
}

impl Index {
    /// The mapping table and its key column.
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Index::Photos => ("photo_search", "photo_id"),
            Index::Users => ("user_search", "user_id"),
        }
    }
}

/// Within the caller's transaction: `id`'s entry in `index` becomes `text`'s tokens. An entry
/// keeps its number, so an edit does not move a photo in the results.
async fn index(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    index: Index,
    id: &str,
    text: &str,
) -> Result<()> {
    let (table, key) = index.table();
    let tokens = index_tokens(text);
    match backend {
        Backend::Postgres => {
            sqlx::query(&format!(
                "INSERT INTO {table} ({key}, tokens) VALUES ($1, array_to_tsvector(string_to_array($2, ' ')))
                 ON CONFLICT ({key}) DO UPDATE SET tokens = excluded.tokens"
            ))
            .bind(id)
            .bind(tokens)
            .execute(&mut *conn)
            .await?;
        }
        Backend::Sqlite => {
            let seq: Option<i64> =
                sqlx::query_scalar(&format!("SELECT seq FROM {table} WHERE {key} = $1"))
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            let seq = match seq {
                Some(seq) => {
                    sqlx::query(&format!("DELETE FROM {table}_fts WHERE rowid = $1"))
                        .bind(seq)
                        .execute(&mut *conn)
                        .await?;
                    seq
                }
                None => {
                    sqlx::query_scalar(&format!(
                        "INSERT INTO {table} ({key}) VALUES ($1) RETURNING seq"
                    ))
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await?
                }
            };
            sqlx::query(&format!(
                "INSERT INTO {table}_fts (rowid, tokens) VALUES ($1, $2)"
            ))
            .bind(seq)
            .bind(&tokens)
            .execute(&mut *conn)
            .await?;
            if index == Index::Users {
                // Kept beside the index too: a common users search checks rows against it.
                sqlx::query("UPDATE user_search SET tokens = $1 WHERE seq = $2")
                    .bind(tokens)
                    .bind(seq)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Within the caller's transaction: indexes a photo's caption and alt text.
pub(crate) async fn index_photo(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    id: &str,
    caption: &str,
    alt: &str,
) -> Result<()> {
    index(
        conn,
        backend,
        Index::Photos,
        id,
        &format!("{caption}\n{alt}"),
    )
    .await
}

/// Within the caller's transaction: indexes a user's handle and display name.
pub(crate) async fn index_user(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    id: &str,
    handle: &str,
    display_name: &str,
) -> Result<()> {
    index(
        conn,
        backend,
        Index::Users,
        id,
        &format!("{handle}\n{display_name}"),
    )
    .await
}

/// The search service.
#[derive(Clone)]
pub struct Search {
    db: Db,
}

impl Search {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Public photos whose caption or alt text matches `q`, newest first, as `viewer` sees them
    /// (nothing hidden, unlisted, or of a user with a block between them and `viewer`).
    ///
    /// SQLite's FTS5 hands its matches over newest first and stops at the page's end. On
    /// PostgreSQL the planner, left to itself, walks the photos backwards with the match as a
    /// filter even when the match is rare and old (“lisbon 4242” read 575,000 rows, 95 ms), so
    /// the choice is made here: first a walk over the newest [`PHOTO_WALK`] photos from the
    /// cursor (the match as a function, which no index can serve), which fills a page of any
    /// common word; when it does not, the GIN index finds every match and they are sorted.
    pub async fn photos(
        &self,
        q: &str,
        viewer: Option<&User>,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<PhotoView>> {
        let terms = query_terms(q)?;
        let keyset = Keyset::newest_first("sort_key", "sort_id");
        match self.db.backend() {
            Backend::Sqlite => {
                let rows = self
                    .photo_rows(&terms, viewer, cursor, limit, PhotoPlan::Fts)
                    .await?;
                keyset.finish(rows, limit, PhotoRow::view)
            }
            Backend::Postgres => {
                let top = match cursor {
                    Some(c) => c.key,
                    None => {
                        let max: i64 = sqlx::query_scalar(
                            "SELECT COALESCE(MAX(seq), 0) + 1 FROM photo_search",
                        )
                        .fetch_one(self.db.pool())
                        .await?;
                        max
                    }
                };
                let floor = top - PHOTO_WALK;
                let rows = self
                    .photo_rows(&terms, viewer, cursor, limit, PhotoPlan::Walk { floor })
                    .await?;
                if rows.len() > limit as usize || floor <= 0 {
                    return keyset.finish(rows, limit, PhotoRow::view);
                }
                let rows = self
                    .photo_rows(&terms, viewer, cursor, limit, PhotoPlan::Gin)
                    .await?;
                keyset.finish(rows, limit, PhotoRow::view)
            }
        }
    }

    /// The rows of a page of [`Search::photos`], found by `plan`.
    async fn photo_rows(
        &self,
        terms: &[Term],
        viewer: Option<&User>,
        cursor: Option<Cursor>,
        limit: u32,
        plan: PhotoPlan,
    ) -> Result<Vec<sqlx::any::AnyRow>> {
        let backend = self.db.backend();
        let seq = match plan {
            PhotoPlan::Fts => "f.rowid",
            PhotoPlan::Walk { .. } | PhotoPlan::Gin => "ps.seq",
        };
        let mut sql = select_photos(
            viewer,
            &format!(", {seq} AS sort_key, ps.photo_id AS sort_id"),
        )?;
        let m = sql.bind(matcher(backend, terms))?;
        sql.push(&match plan {
            PhotoPlan::Fts => format!(
                " JOIN photo_search ps ON ps.photo_id = p.id
                  JOIN photo_search_fts f ON f.rowid = ps.seq WHERE f.tokens MATCH {m}"
            ),
            PhotoPlan::Walk { .. } => format!(
                " JOIN photo_search ps ON ps.photo_id = p.id
                  WHERE ts_match_vq(ps.tokens, CAST({m} AS tsquery))"
            ),
            PhotoPlan::Gin => format!(
                " JOIN photo_search ps ON ps.photo_id = p.id
                  WHERE ps.tokens @@ CAST({m} AS tsquery)"
            ),
        });
        sql.push(" AND p.hidden_at IS NULL AND p.unlisted = 0");
        sql.no_block(viewer, "p.owner_id")?;
        if let PhotoPlan::Walk { floor } = plan {
            let f = sql.bind(floor)?;
            sql.push(&format!(" AND ps.seq >= {f}"));
        }
        // The number alone orders the results (it is unique).
        if let Some(c) = cursor {
            let k = sql.bind(c.key)?;
            sql.push(&format!(" AND {seq} < {k}"));
        }
        let n = sql.bind(i64::from(limit) + 1)?;
        // `+ 0`: the GIN plan is not to be turned into a walk by the primary key's order.
        let order = match plan {
            PhotoPlan::Gin => format!("{seq} + 0"),
            _ => seq.to_owned(),
        };
        sql.push(&format!(" ORDER BY {order} DESC LIMIT {n}"));
        sql.fetch_all(&self.db).await
    }

    /// People whose handle or display name matches `q`, the most followed first, as `viewer`
    /// sees them (nobody with a block between them).
    ///
    /// Two ways to the same page, chosen by how many people match. Few (under [`COMMON`]): the
    /// index finds them all and they are sorted. Many (佐藤 is a third of Japan's users, and
    /// sorting them all took 45 ms at 100 k users): the most followed people are read in order
    /// and each is checked against its own tokens until the page is full, which a common
    /// query does within a few hundred rows. That walk stops after a bounded number of rows
    /// (when the many matches are all among the least followed), and then the sort finishes
    /// the page, so the page is the same either way.
    pub async fn users(
        &self,
        q: &str,
        viewer: Option<&User>,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<UserSummary>> {
        let terms = query_terms(q)?;
        let (matches, indexed) = self.count_users(&terms, COMMON).await?;
        if matches >= COMMON {
            if let Some(page) = self
                .users_walking(&terms, indexed, viewer, cursor, limit)
                .await?
            {
                return Ok(page);
            }
        }
        self.users_sorting(&terms, viewer, cursor, limit).await
    }

    /// How many people match `terms`, up to `n` (the index stops counting there), and how
    /// many rows the index has (its highest `seq`), in one round trip.
    async fn count_users(&self, terms: &[Term], n: i64) -> Result<(i64, i64)> {
        let backend = self.db.backend();
        let mut sql = Sql::new("SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM ");
        let m = sql.bind(matcher(backend, terms))?;
        let limit = sql.bind(n)?;
        sql.push(&match backend {
            Backend::Sqlite => format!("user_search_fts WHERE tokens MATCH {m}"),
            Backend::Postgres => format!("user_search WHERE tokens @@ CAST({m} AS tsquery)"),
        })
        .push(&format!(
            " LIMIT {limit}) AS m), (SELECT COALESCE(MAX(seq), 0) FROM user_search)"
        ));
        Ok(sql.fetch_optional(&self.db).await?.unwrap_or((0, 0)))
    }

    /// The page by sorting every match (see [`Search::users`]).
    async fn users_sorting(
        &self,
        terms: &[Term],
        viewer: Option<&User>,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Page<UserSummary>> {
        let backend = self.db.backend();
        let keyset = Keyset::newest_first("u.fans_count", "u.id");
        let mut sql = Sql::new(format!("SELECT {USER_SUMMARY}, {} FROM ", keyset.columns()));
        let m = sql.bind(matcher(backend, terms))?;
        sql.push(&match backend {
            Backend::Sqlite => format!(
                "users u WHERE u.id IN (SELECT us.user_id FROM user_search_fts f
                    JOIN user_search us ON us.seq = f.rowid WHERE f.tokens MATCH {m})"
            ),
            // The matches first, each person then looked up by id: PostgreSQL guesses that a
            // prefix matches 2,000 people, and for so many it chose to walk every user by
            // fans count (240 ms for a name eleven people have), or to hash-join the whole
            // users table. The `OFFSET 0` fences keep the planner from undoing that order.
            Backend::Postgres => format!(
                "(SELECT us.user_id FROM user_search us
                    WHERE us.tokens @@ CAST({m} AS tsquery) OFFSET 0) m
                 CROSS JOIN LATERAL (SELECT * FROM users x WHERE x.id = m.user_id OFFSET 0) u
                 WHERE 1 = 1"
            ),
        });
        sql.no_block(viewer, "u.id")?;
        keyset.page(&mut sql, cursor, limit)?;
        let rows = sql.fetch_all(&self.db).await?;
        keyset.finish(rows, limit, SummaryRow::view)
    }

    /// The page by walking the most followed people in order (see [`Search::users`]), or
    /// `None` when the walk ended before the page was full and people are left unread.
    async fn users_walking(
        &self,
        terms: &[Term],
        indexed: i64,
        viewer: Option<&User>,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<Option<Page<UserSummary>>> {
        let backend = self.db.backend();
        let keyset = Keyset::newest_first("u.fans_count", "u.id");
        // A query matching COMMON of `indexed` people fills a page every indexed / COMMON
        // rows on average; the walk allows four times that.
        let walk = (4 * (i64::from(limit) + 1) * indexed / COMMON).clamp(500, 20_000);
        // Where the walk ends: the person `walk` rows after the cursor, if there is one.
        let mut end = Sql::new("SELECT u.fans_count, u.id FROM users u WHERE 1 = 1");
        if let Some(c) = cursor {
            let k = end.bind(c.key)?;
            let i = end.bind(c.id.to_string())?;
            end.push(&format!(" AND (u.fans_count, u.id) < ({k}, {i})"));
        }
        let off = end.bind(walk)?;
        end.push(&format!(
            " ORDER BY u.fans_count DESC, u.id DESC LIMIT 1 OFFSET {off}"
        ));
        let end: Option<(i64, String)> = end.fetch_optional(&self.db).await?;

        let mut sql = Sql::new(format!(
            "SELECT {USER_SUMMARY}, {} FROM users u JOIN user_search us ON us.user_id = u.id WHERE ",
            keyset.columns()
        ));
        match backend {
            Backend::Sqlite => {
                // The row's own tokens, space-separated: an exact term is a whole token, a
                // prefix starts one (tokens hold no spaces).
                let mut each = Vec::new();
                for t in terms {
                    let (needle, hay) = match t {
                        Term::Exact(w) => (format!(" {w} "), "' ' || us.tokens || ' '"),
                        Term::Prefix(w) => (format!(" {w}"), "' ' || us.tokens"),
                    };
                    let n = sql.bind(needle)?;
                    each.push(format!("instr({hay}, {n}) > 0"));
                }
                sql.push(&each.join(" AND "));
            }
            Backend::Postgres => {
                let m = sql.bind(matcher(backend, terms))?;
                sql.push(&format!("us.tokens @@ CAST({m} AS tsquery)"));
            }
        }
        if let Some((k, i)) = &end {
            let k = sql.bind(*k)?;
            let i = sql.bind(i.clone())?;
            sql.push(&format!(" AND (u.fans_count, u.id) >= ({k}, {i})"));
        }
        sql.no_block(viewer, "u.id")?;
        keyset.page(&mut sql, cursor, limit)?;
        let rows = sql.fetch_all(&self.db).await?;
        if rows.len() <= limit as usize && end.is_some() {
            return Ok(None);
        }
        keyset.finish(rows, limit, SummaryRow::view).map(Some)
    }

    /// Indexes what is not indexed yet (rows from before search existed), oldest first; after a
    /// change to the tokens ([`TOKENS_VERSION`]) it first empties the index. Returns the number
    /// of photos and users indexed. Safe to run on several nodes at once.
    pub async fn backfill(&self) -> Result<(u64, u64)> {
        let backend = self.db.backend();
        if self.db.setting(VERSION_KEY).await?.as_deref() != Some(TOKENS_VERSION) {
            let mut tx = self.db.begin_write().await?;
            for (table, _) in [Index::Photos.table(), Index::Users.table()] {
                sqlx::query(&format!("DELETE FROM {table}"))
                    .execute(&mut *tx)
                    .await?;
                if backend == Backend::Sqlite {
                    sqlx::query(&format!("DELETE FROM {table}_fts"))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            self.db.set_setting(VERSION_KEY, TOKENS_VERSION).await?;
        }
        let photos = self
            .backfill_one(Index::Photos, "SELECT p.id, p.caption, p.alt FROM photos p")
            .await?;
        let users = self
            .backfill_one(
                Index::Users,
                "SELECT p.id, p.handle, p.display_name FROM users p",
            )
            .await?;
        Ok((photos, users))
    }

    async fn backfill_one(&self, what: Index, select: &str) -> Result<u64> {
        let (table, key) = what.table();
        let mut done = 0;
        loop {
            let rows: Vec<(String, String, String)> = sqlx::query_as(&format!(
                "{select} WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE s.{key} = p.id)
                 ORDER BY p.created_at, p.id LIMIT 500"
            ))
            .fetch_all(self.db.pool())
            .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            let mut tx = self.db.begin_write().await?;
            for (id, a, b) in &rows {
                // Another node may have indexed it meanwhile: indexing again gives the same.
                index(&mut tx, self.db.backend(), what, id, &format!("{a}\n{b}")).await?;
            }
            tx.commit().await?;
            done += rows.len() as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(s: &str) -> Vec<String> {
        index_tokens(s).split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn folding_drops_accents_and_width_but_not_kana_marks() {
        assert_eq!(fold("Café Ｓａｔｏ"), "cafe sato");
        assert_eq!(fold("Ｍüller ŁÓDŹ"), "muller łodz");
        assert_eq!(fold("ｶﾞｲﾄﾞ"), "ガイド");
        assert_eq!(fold("がぎ"), "がぎ");
    }

    #[test]
    fn japanese_gives_unigrams_and_bigrams_across_a_space() {
        assert_eq!(
            tokens("佐藤 愛子"),
            ["佐", "藤", "愛", "子", "佐藤", "藤愛", "愛子"]
        );
        assert_eq!(tokens("東京tower!"), ["東", "京", "東京", "tower"]);
        assert_eq!(tokens("aiko_sato"), ["aiko", "sato"]);
        assert_eq!(index_tokens("  !!  "), "");
    }

    #[test]
    fn query_terms_are_prefixes_bigrams_and_exact_letters() {
        use Term::*;
        assert_eq!(
            query_terms("Sato a 佐藤愛").unwrap(),
            [
                Prefix("sato".into()),
                Exact("a".into()),
                Exact("佐藤".into()),
                Exact("藤愛".into())
            ]
        );
        assert_eq!(query_terms("藤").unwrap(), [Exact("藤".into())]);
        // A space in a query separates words, also between Japanese ones.
        assert_eq!(
            query_terms("タワー 夜景").unwrap(),
            [
                Exact("タワ".into()),
                Exact("ワー".into()),
                Exact("夜景".into())
            ]
        );
        assert!(query_terms("  #!? ").is_err());
        assert!(query_terms(&"a".repeat(MAX_QUERY + 1)).is_err());
        assert_eq!(query_terms(&"ab ".repeat(60)).unwrap().len(), 1);
    }

    #[test]
    fn matchers_quote_every_token() {
        let terms = query_terms("ai 佐藤").unwrap();
        assert_eq!(matcher(Backend::Sqlite, &terms), "\"ai\"* AND \"佐藤\"");
        assert_eq!(matcher(Backend::Postgres, &terms), "'ai':* & '佐藤'");
    }

    proptest::proptest! {
        /// Whatever is typed, the terms hold only letters, digits and marks (so quoting is safe), and
        /// a text is found by a query made of itself.
        #[test]
        fn any_text_is_found_by_itself(s in "\\PC{1,40}") {
            if let Ok(terms) = query_terms(&s) {
                let indexed: Vec<String> = tokens(&s);
                for t in &terms {
                    let (Term::Prefix(w) | Term::Exact(w)) = t;
                    proptest::prop_assert!(
                        w.chars().all(|c| c.is_alphanumeric()
                            || unicode_normalization::char::is_combining_mark(c)),
                        "{w:?}"
                    );
                    if terms.len() < MAX_TERMS {
                        proptest::prop_assert!(indexed.iter().any(|i| match t {
                            Term::Prefix(w) => i.starts_with(w.as_str()),
                            Term::Exact(w) => i == w,
                        }), "{t:?} not in {indexed:?}");
                    }
                }
            }
        }
    }
}
