//! Feed latency at scale, through the HTTP API of the real server, on SQLite and on Postgres.
//!
//! For each engine: starts the app (`common::spawn_app_with`), signs a reader up through the API,
//! then loads 100,000 users, 1,000,000 photos, 10,000,000 favorites and about 2,000,000 fans rows
//! straight into the database with SQL (counts and `hot` kept consistent with the rows), runs
//! ANALYZE, and times every feed (first page, second page, a deep page) as the signed-in reader.
//!
//! `scripts/bench.sh feeds` runs it. Options:
//!   * an argument `sqlite` or `postgres` runs one engine (both by default; Postgres on
//!     127.0.0.1:5432, or `PHOTOSHARE_TEST_PG_URL`);
//!   * `PHOTOSHARE_BENCH_SCALE` (default 1.0) scales the row counts down for a quick try;
//!   * `PHOTOSHARE_BENCH_REQUESTS` (default 2000) timed requests per feed and page;
//!   * `PHOTOSHARE_BENCH_KEEP=1` keeps the generated databases (their location is printed).

#[path = "../tests/api/common/mod.rs"]
mod common;

use photoshare_domain::photos::hot_score;
use photoshare_domain::types::Cursor;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::{AnyConnection, Connection, Executor, Row};
use std::time::{Duration, Instant};
use support::{ms, percentile};

mod support;

const WARMUP: usize = 100;
const GOAL_P99_MS: f64 = 5.0;
const SEARCH_GOAL_P99_MS: f64 = 20.0;
const FAVORITES_PER_USER: i64 = 100;
/// Of each user's favorites, how many go to the popular set (1 photo in 100).
const POPULAR_FAVORITES_PER_USER: i64 = 10;
const FANS_PER_USER: i64 = 20;
/// Of each user's idols, how many are celebrities (1 user in 100).
const CELEBRITY_IDOLS_PER_USER: i64 = 5;
const READER_IDOLS: i64 = 50;
const READER: &str = "reader";
/// Rows per INSERT statement (and transaction) while loading.
const CHUNK: i64 = 1_000_000;
/// Distinct deep-page cursors per feed.
const DEEP_CURSORS: usize = 500;

const DAY: i64 = 86_400_000_000;
const HOT_EPOCH: i64 = 1_704_067_200_000_000;
const USER_ID: &str = "00000000-0000-7000-8000-";
const PHOTO_ID: &str = "00000000-0000-7000-9000-";
/// Nobody logs in as the generated users; this only has the shape of a real hash.
const PASSWORD_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "Postgres",
        }
    }

    /// A uuid-shaped id: `prefix` and the number `n` (an SQL expression), zero-padded to 12.
    fn id(self, prefix: &str, n: &str) -> String {
        match self {
            Engine::Sqlite => format!("printf('{prefix}%012d', {n})"),
            Engine::Postgres => format!("('{prefix}' || lpad(CAST(({n}) AS TEXT), 12, '0'))"),
        }
    }

    fn uid(self, n: &str) -> String {
        self.id(USER_ID, n)
    }

    fn pid(self, n: &str) -> String {
        self.id(PHOTO_ID, n)
    }

    /// `x` from `lo` to `hi - 1`: (a prefix for the statement, the FROM item).
    fn series(self, lo: i64, hi: i64) -> (String, String) {
        match self {
            Engine::Sqlite => (
                format!(
                    "WITH RECURSIVE s(x) AS (SELECT {lo} UNION ALL SELECT x + 1 FROM s WHERE x < {})",
                    hi - 1
                ),
                "s".into(),
            ),
            Engine::Postgres => (
                String::new(),
                format!(
                    "generate_series(CAST({lo} AS BIGINT), CAST({} AS BIGINT)) AS s(x)",
                    hi - 1
                ),
            ),
        }
    }

    fn least(self) -> &'static str {
        match self {
            Engine::Sqlite => "min",
            Engine::Postgres => "LEAST",
        }
    }

    fn real(self) -> &'static str {
        match self {
            Engine::Sqlite => "REAL",
            Engine::Postgres => "DOUBLE PRECISION",
        }
    }
}

/// How much data, and the constants that spread it. Every (user, photo) favorite pair and every
/// (fan, idol) pair is derived from its row number so that none repeats.
struct Plan {
    users: i64,
    photos: i64,
    /// Users 0.. own one photo in ten between them (about 1,000 photos each at scale 1).
    prolific: i64,
    /// Users 0.. get a quarter of all fans (about 500 fans each at scale 1).
    celebrities: i64,
    reader_favorites: i64,
    /// Newest photo time; photos are spread over the two years before it.
    now: i64,
    photo_step: i64,
}

impl Plan {
    fn new(scale: f64) -> Self {
        let users = ((100_000.0 * scale).round() as i64).max(1_000);
        let photos = ((10_000.0 * scale).round() as i64).max(100) * 100;
        let prolific = (users / 1_000).max(5);
        let celebrities = (users / 100).max(prolific);
        let now = photoshare_domain::db::now_micros() / 1_000_000 * 1_000_000;
        Self {
            users,
            photos,
            prolific,
            celebrities,
            reader_favorites: 2_400.min(photos / 2),
            now,
            photo_step: 730 * DAY / photos,
        }
    }

    fn popular_set(&self) -> i64 {
        self.photos / 100
    }

    fn favorites(&self) -> i64 {
        self.users * FAVORITES_PER_USER + self.reader_favorites
    }

    fn photo_created_at(&self, p: i64) -> i64 {
        self.now - 730 * DAY + p * self.photo_step
    }
}

/// A prime that steps through `0..m` without repeating (coprime with `m`).
fn step_for(m: i64, skip: usize) -> i64 {
    const PRIMES: [i64; 10] = [
        7_919, 104_729, 1_299_709, 15_485_863, 2_750_159, 486_187, 611_953, 746_773, 882_377,
        1_020_379,
    ];
    PRIMES
        .iter()
        .copied()
        .filter(|p| m % p != 0)
        .nth(skip)
        .expect("a coprime step")
}

async fn exec(conn: &mut AnyConnection, sql: &str) {
    conn.execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{e}\nin: {sql}"));
}

async fn exec_bound(conn: &mut AnyConnection, sql: &str, reader: &str) {
    sqlx::query(sql)
        .bind(reader)
        .execute(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{e}\nin: {sql}"));
}

/// Times each load step; the steps are printed with the total.
struct Steps {
    start: Instant,
    last: Instant,
    done: Vec<(String, Duration)>,
}

impl Steps {
    fn new() -> Self {
        let now = Instant::now();
        Self {
            start: now,
            last: now,
            done: Vec::new(),
        }
    }

    fn step(&mut self, engine: Engine, what: impl Into<String>) {
        let what = what.into();
        let d = self.last.elapsed();
        eprintln!("  {}: {what} in {:.1} s", engine.name(), d.as_secs_f64());
        self.done.push((what, d));
        self.last = Instant::now();
    }
}

/// The secondary indexes of the bulk-loaded tables, as (name, definition), so they can be dropped
/// for the load and built again after it from the schema's own definitions.
async fn secondary_indexes(conn: &mut AnyConnection, engine: Engine) -> Vec<(String, String)> {
    let sql = match engine {
        Engine::Sqlite => {
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND tbl_name IN ('users', 'photos', 'favorites', 'fans', 'photo_tags', 'notifications',
                              'photo_search', 'user_search') ORDER BY name"
        }
        Engine::Postgres => {
            "SELECT CAST(indexname AS TEXT), indexdef FROM pg_indexes WHERE schemaname = current_schema()
             AND tablename IN ('users', 'photos', 'favorites', 'fans', 'photo_tags', 'notifications',
                               'photo_search', 'user_search')
             AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname"
        }
    };
    sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
        .collect()
}

async fn create_indexes(
    conn: &mut AnyConnection,
    indexes: &[(String, String)],
    table: &str,
    steps: &mut Steps,
    engine: Engine,
) -> usize {
    let mut made = 0;
    for (name, def) in indexes {
        let on_table = def.contains(&format!(" ON {table}("))
            || def.contains(&format!(" ON {table} ("))
            || def.contains(&format!(" ON {table} USING"))
            || def.contains(&format!(" ON public.{table} USING"));
        if on_table {
            exec(conn, def).await;
            steps.step(engine, format!("index {name}"));
            made += 1;
        }
    }
    made
}

/// Loads the data. Returns the time it took and its steps.
async fn generate(engine: Engine, url: &str, plan: &Plan, reader: &str) -> Steps {
    let mut steps = Steps::new();
    let mut conn = AnyConnection::connect(url).await.unwrap();
    match engine {
        Engine::Sqlite => {
            for p in [
                "PRAGMA foreign_keys = OFF",
                "PRAGMA synchronous = OFF",
                "PRAGMA cache_size = -1000000",
                "PRAGMA temp_store = MEMORY",
            ] {
                exec(&mut conn, p).await;
            }
        }
        Engine::Postgres => {
            for s in [
                // Foreign keys are not checked while loading (every row is made to reference an
                // existing one); this needs a superuser, which the test database has.
                "SET session_replication_role = replica",
                "SET synchronous_commit = off",
                "SET maintenance_work_mem = '1GB'",
                "SET work_mem = '256MB'",
            ] {
                exec(&mut conn, s).await;
            }
        }
    }
    let indexes = secondary_indexes(&mut conn, engine).await;
    for (name, _) in &indexes {
        exec(&mut conn, &format!("DROP INDEX {name}")).await;
    }

    // Three objects every photo points at (the feed never reads their bytes).
    let hashes: Vec<String> = (1..=3).map(|n| format!("{n:064x}")).collect();
    for (i, h) in hashes.iter().enumerate() {
        exec(
            &mut conn,
            &format!(
                "INSERT INTO objects (hash, size, content_type, node, created_at, synced_at)
                 VALUES ('{h}', {}, 'image/jpeg', 'test-node', {}, {})",
                [3_000_000, 300_000, 30_000][i],
                plan.now,
                plan.now
            ),
        )
        .await;
    }

    let (u, p) = (plan.users, plan.photos);
    let (c, uc) = (plan.celebrities, plan.users - plan.celebrities);
    let least = engine.least();

    // Fans: each user is a fan of 20 others, 5 of them celebrities.
    let total = u * FANS_PER_USER;
    let (q_celeb, q_other) = (step_for(c, 0), step_for(uc, 1));
    for lo in (0..total).step_by(CHUNK as usize) {
        let (with, from) = engine.series(lo, (lo + CHUNK).min(total));
        exec(
            &mut conn,
            &format!(
                "{with} INSERT INTO fans (fan_id, idol_id, created_at)
                 SELECT {fan}, {idol}, {now} - ((u * 7 + j * 13) % 365) * {DAY} - (u % 86400) * 1000000 - j
                 FROM (SELECT u, j, CASE WHEN j < {CELEBRITY_IDOLS_PER_USER} THEN (u * 37 + j * {q_celeb}) % {c}
                                         ELSE {c} + (u * 53 + j * {q_other}) % {uc} END AS i
                       FROM (SELECT x / {FANS_PER_USER} AS u, x % {FANS_PER_USER} AS j FROM {from}) a) b
                 WHERE i <> u",
                fan = engine.uid("u"),
                idol = engine.uid("i"),
                now = plan.now,
            ),
        )
        .await;
    }
    // The reader: a fan of 5 prolific users and 45 others.
    let (with, from) = engine.series(0, READER_IDOLS);
    exec_bound(
        &mut conn,
        &format!(
            "{with} INSERT INTO fans (fan_id, idol_id, created_at)
             SELECT $1, {idol}, {now} - x * 3600000000
             FROM (SELECT x, CASE WHEN x < 5 THEN x * {pstep} ELSE {c} + (x * {q}) % {uc} END AS i FROM {from}) a",
            idol = engine.uid("i"),
            now = plan.now,
            pstep = plan.prolific / 5,
            q = step_for(uc, 2),
        ),
        reader,
    )
    .await;
    steps.step(
        engine,
        format!("{total} fans rows (+{READER_IDOLS} of the reader)"),
    );

    // Favorites: each user favorites 100 photos, 10 of them from the popular set (p % 100 = 7).
    let total = u * FAVORITES_PER_USER;
    let m = plan.popular_set();
    let (q_pop, q_rest) = (step_for(m, 0), step_for(p - m, 1));
    for lo in (0..total).step_by(CHUNK as usize) {
        let (with, from) = engine.series(lo, (lo + CHUNK).min(total));
        exec(
            &mut conn,
            &format!(
                "{with} INSERT INTO favorites (user_id, photo_id, created_at)
                 SELECT {user}, {photo}, {least}({t0} + p * {step} + ((u * 31 + j * 17) % 2592000) * 1000000, {now})
                 FROM (SELECT u, j, CASE WHEN j < {POPULAR_FAVORITES_PER_USER} THEN ((u * 41 + j * {q_pop}) % {m}) * 100 + 7
                                         ELSE (q / 99) * 100 + (q % 99) + (CASE WHEN q % 99 >= 7 THEN 1 ELSE 0 END) END AS p
                       FROM (SELECT x / {FAVORITES_PER_USER} AS u, x % {FAVORITES_PER_USER} AS j,
                                    ((x / {FAVORITES_PER_USER}) * 59 + (x % {FAVORITES_PER_USER}) * {q_rest}) % {pm} AS q
                             FROM {from}) a) b",
                user = engine.uid("u"),
                photo = engine.pid("p"),
                t0 = plan.photo_created_at(0),
                step = plan.photo_step,
                now = plan.now,
                pm = p - m,
            ),
        )
        .await;
        eprintln!(
            "  {}: favorites {}/{}",
            engine.name(),
            (lo + CHUNK).min(total),
            total
        );
    }
    let (with, from) = engine.series(0, plan.reader_favorites);
    exec_bound(
        &mut conn,
        &format!(
            "{with} INSERT INTO favorites (user_id, photo_id, created_at)
             SELECT $1, {photo}, {now} - x * 600000000 FROM {from}",
            photo = engine.pid(&format!("(x * {}) % {p}", step_for(p, 2))),
            now = plan.now,
        ),
        reader,
    )
    .await;
    steps.step(
        engine,
        format!(
            "{total} favorites (+{} of the reader)",
            plan.reader_favorites
        ),
    );

    let mut rebuilt = create_indexes(&mut conn, &indexes, "fans", &mut steps, engine).await;
    rebuilt += create_indexes(&mut conn, &indexes, "favorites", &mut steps, engine).await;

    // Counts, from the rows just loaded.
    for (table, key, from) in [
        ("fan_counts", "idol_id", "fans"),
        ("idol_counts", "fan_id", "fans"),
        ("fav_counts", "photo_id", "favorites"),
    ] {
        exec(
            &mut conn,
            &format!("CREATE TEMPORARY TABLE {table} (id TEXT PRIMARY KEY, n BIGINT NOT NULL)"),
        )
        .await;
        exec(
            &mut conn,
            &format!(
                "INSERT INTO {table} (id, n) SELECT {key}, COUNT(*) FROM {from} GROUP BY {key}"
            ),
        )
        .await;
    }
    // log2(1 + favorites), from the domain's own formula (SQLite as built by sqlx has no log2).
    exec(
        &mut conn,
        &format!(
            "CREATE TEMPORARY TABLE hot_lut (n BIGINT PRIMARY KEY, v {} NOT NULL)",
            engine.real()
        ),
    )
    .await;
    let max: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(n), 0) FROM fav_counts")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let mut tx = conn.begin().await.unwrap();
    for n in 0..=max {
        sqlx::query("INSERT INTO hot_lut (n, v) VALUES ($1, $2)")
            .bind(n)
            .bind(hot_score(n, HOT_EPOCH))
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    steps.step(engine, "counts");

    // Users, with their fans counts.
    let (with, from) = engine.series(0, u);
    exec(
        &mut conn,
        &format!(
            "{with} INSERT INTO users (id, handle, password_hash, is_admin, created_at, display_name, bio, fans_count, idols_count)
             SELECT g.id, 'user' || g.x, '{PASSWORD_HASH}', 0, g.created_at,
                    CASE WHEN g.x % 3 = 0 THEN '{SATO} ' ELSE 'User ' END || g.x, '',
                    COALESCE(a.n, 0), COALESCE(b.n, 0)
             FROM (SELECT x, {id} AS id, {t0} + x * {step} AS created_at FROM {from}) g
             LEFT JOIN fan_counts a ON a.id = g.id
             LEFT JOIN idol_counts b ON b.id = g.id",
            id = engine.uid("x"),
            t0 = plan.now - 1000 * DAY,
            step = 250 * DAY / u,
        ),
    )
    .await;
    exec_bound(
        &mut conn,
        "UPDATE users SET idols_count = (SELECT COUNT(*) FROM fans WHERE fan_id = $1),
                          fans_count = (SELECT COUNT(*) FROM fans WHERE idol_id = $1)
         WHERE id = $1",
        reader,
    )
    .await;
    steps.step(engine, format!("{u} users"));

    // Photos: one in ten by a prolific user; favorites counts and `hot` from the favorites.
    let q_owner = step_for(u, 3);
    for lo in (0..p).step_by(CHUNK as usize) {
        let (with, from) = engine.series(lo, (lo + CHUNK).min(p));
        exec(
            &mut conn,
            &format!(
                "{with} INSERT INTO photos (id, owner_id, caption, original_hash, large_hash, thumb_hash,
                                            width, height, created_at, favorites_count, comments_count, hot)
                 SELECT g.id, g.owner_id, g.caption, '{h0}', '{h1}', '{h2}', 4000, 3000, g.created_at,
                        COALESCE(c.n, 0), 0,
                        l.v + CAST(g.created_at - {HOT_EPOCH} AS {real}) / CAST({DAY} AS {real})
                 FROM (SELECT {id} AS id,
                              {owner} AS owner_id,
                              {caption} AS caption,
                              {t0} + x * {step} AS created_at
                       FROM {from}) g
                 LEFT JOIN fav_counts c ON c.id = g.id
                 JOIN hot_lut l ON l.n = COALESCE(c.n, 0)",
                h0 = hashes[0],
                h1 = hashes[1],
                h2 = hashes[2],
                real = engine.real(),
                id = engine.pid("x"),
                // The others: photo k of those not by a prolific user goes to user k·q mod users,
                // so every user has some (k counts the photos whose number is not a multiple of 10).
                owner = engine.uid(&format!(
                    "CASE WHEN x % 10 = 0 THEN (x / 10) % {} ELSE ((x - x / 10 - 1) * {q_owner}) % {u} END",
                    plan.prolific
                )),
                t0 = plan.photo_created_at(0),
                step = plan.photo_step,
                caption = caption_sql(),
            ),
        )
        .await;
    }
    steps.step(engine, format!("{p} photos"));
    search_and_tags(&mut conn, engine, plan, reader, &mut steps).await;
    rebuilt += create_indexes(&mut conn, &indexes, "users", &mut steps, engine).await;
    rebuilt += create_indexes(&mut conn, &indexes, "photos", &mut steps, engine).await;
    for table in ["photo_tags", "notifications", "photo_search", "user_search"] {
        rebuilt += create_indexes(&mut conn, &indexes, table, &mut steps, engine).await;
    }
    assert_eq!(
        rebuilt,
        indexes.len(),
        "every dropped index is built again: {indexes:?}"
    );

    match engine {
        Engine::Sqlite => {
            exec(&mut conn, "ANALYZE").await;
            // Fold the WAL into the database, as the app's checkpoints would have.
            exec(&mut conn, "PRAGMA wal_checkpoint(TRUNCATE)").await;
            // A schema change, so the app's open connections read the schema and the new
            // statistics again.
            exec(&mut conn, "CREATE TABLE bench_schema_bump (x INTEGER)").await;
            exec(&mut conn, "DROP TABLE bench_schema_bump").await;
        }
        Engine::Postgres => {
            exec(
                &mut conn,
                "VACUUM (ANALYZE) users, photos, favorites, fans, photo_tags, notifications, \
                 photo_search, user_search",
            )
            .await;
        }
    }
    steps.step(engine, "ANALYZE");
    conn.close().await.unwrap();
    steps
}

/// The display name of one user in three (the others are "User n"), followed by the number.
const SATO: &str = "佐藤 愛子";
/// The four kinds of caption, photo x having kind x % 4, each followed by x and its tag.
const CAPTIONS: [(&str, &str); 4] = [
    ("Evening light over the harbour, roll", "harbour"),
    ("港の夕暮れ、フィルム", "夕暮れ"),
    ("Morning fog on the river, frame", ""),
    ("Café terrace in Lisbon, shot", ""),
];
/// One photo in this many also carries the tag `rare`.
const RARE_EVERY: i64 = 1_000;
const NOTIFICATIONS_PER_USER: i64 = 10;
const READER_NOTIFICATIONS: i64 = 20_000;
const READER_UNREAD: i64 = 150;

/// Photo x's caption (SQL of `x`): its kind's words, x, and its tags.
fn caption_sql() -> String {
    let kinds: Vec<String> = CAPTIONS
        .iter()
        .enumerate()
        .map(|(i, (words, tag))| {
            let tag = if tag.is_empty() {
                String::new()
            } else {
                format!(" #{tag}")
            };
            format!("WHEN {i} THEN '{words} ' || x || '{tag}'")
        })
        .collect();
    format!(
        "CASE x % 4 {} END || CASE WHEN x % {RARE_EVERY} = 0 THEN ' #rare' ELSE '' END",
        kinds.join(" ")
    )
}

/// The search tokens of a text whose number is `x` (SQL): the app's own tokens of the words
/// (`search::index_tokens`), then the number, which is a token of its own.
fn tokens_sql(words: &str, x: &str) -> String {
    let t = photoshare_domain::search::index_tokens(words);
    format!("'{t} ' || {x}")
}

/// The photos' tags and search index, the users' search index, and notifications: 10 for each
/// user and 20,000 for the reader (grouped 20 a photo and day; the latest 150 unread).
async fn search_and_tags(
    conn: &mut AnyConnection,
    engine: Engine,
    plan: &Plan,
    reader: &str,
    steps: &mut Steps,
) {
    let (u, p) = (plan.users, plan.photos);
    let pid = engine.pid("x");
    for (i, (_, tag)) in CAPTIONS.iter().enumerate() {
        if tag.is_empty() {
            continue;
        }
        let (with, from) = engine.series(0, p);
        exec(
            conn,
            &format!(
                "{with} INSERT INTO photo_tags (photo_id, tag, created_at)
                 SELECT {pid}, '{tag}', {t0} + x * {step} FROM {from} WHERE x % 4 = {i}",
                t0 = plan.photo_created_at(0),
                step = plan.photo_step,
            ),
        )
        .await;
    }
    let (with, from) = engine.series(0, p);
    exec(
        conn,
        &format!(
            "{with} INSERT INTO photo_tags (photo_id, tag, created_at)
             SELECT {pid}, 'rare', {t0} + x * {step} FROM {from} WHERE x % {RARE_EVERY} = 0",
            t0 = plan.photo_created_at(0),
            step = plan.photo_step,
        ),
    )
    .await;
    steps.step(engine, "photo tags");

    // Search: photo x is row x + 1 (rows run in posting order, as the app numbers them).
    let photo_tokens: Vec<String> = CAPTIONS
        .iter()
        .enumerate()
        .map(|(i, (words, _))| format!("WHEN {i} THEN {}", tokens_sql(words, "x")))
        .collect();
    let photo_tokens = format!(
        "CASE x % 4 {} END || CASE WHEN x % {RARE_EVERY} = 0 THEN ' rare' ELSE '' END",
        photo_tokens.join(" ")
    );
    let user_seq: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM user_search")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let user_tokens = format!(
        "'user' || x || ' ' || CASE WHEN x % 3 = 0 THEN {} ELSE {} END",
        tokens_sql(SATO, "x"),
        tokens_sql("User", "x")
    );
    for lo in (0..p).step_by(CHUNK as usize) {
        let (with, from) = engine.series(lo, (lo + CHUNK).min(p));
        match engine {
            Engine::Sqlite => {
                exec(
                    conn,
                    &format!("{with} INSERT INTO photo_search (seq, photo_id) SELECT x + 1, {pid} FROM {from}"),
                )
                .await;
                exec(
                    conn,
                    &format!(
                        "{with} INSERT INTO photo_search_fts (rowid, tokens) SELECT x + 1, {photo_tokens} FROM {from}"
                    ),
                )
                .await;
            }
            Engine::Postgres => {
                exec(
                    conn,
                    &format!(
                        "INSERT INTO photo_search (seq, photo_id, tokens)
                         SELECT x + 1, {pid}, array_to_tsvector(string_to_array({photo_tokens}, ' ')) FROM {from}"
                    ),
                )
                .await;
            }
        }
    }
    let uid = engine.uid("x");
    let (with, from) = engine.series(0, u);
    match engine {
        Engine::Sqlite => {
            exec(
                conn,
                &format!(
                    "{with} INSERT INTO user_search (seq, user_id, tokens) SELECT x + {s}, {uid}, {user_tokens} FROM {from}",
                    s = user_seq + 1
                ),
            )
            .await;
            exec(
                conn,
                &format!(
                    "{with} INSERT INTO user_search_fts (rowid, tokens) SELECT x + {s}, {user_tokens} FROM {from}",
                    s = user_seq + 1
                ),
            )
            .await;
        }
        Engine::Postgres => {
            exec(
                conn,
                &format!(
                    "INSERT INTO user_search (seq, user_id, tokens)
                     SELECT x + {s}, {uid}, array_to_tsvector(string_to_array({user_tokens}, ' ')) FROM {from}",
                    s = user_seq + 1
                ),
            )
            .await;
            for t in ["photo_search", "user_search"] {
                exec(
                    conn,
                    &format!("SELECT setval('{t}_seq_seq', (SELECT MAX(seq) FROM {t}))"),
                )
                .await;
            }
        }
    }
    steps.step(engine, "search index");

    // Notifications: user n gets one a day for 10 days; the reader 20,000 over 200 days.
    let kinds = "CASE x % 3 WHEN 0 THEN 'favorite' WHEN 1 THEN 'comment' ELSE 'fan' END";
    let total = u * NOTIFICATIONS_PER_USER;
    let q = step_for(u, 0);
    for lo in (0..total).step_by(CHUNK as usize) {
        let (with, from) = engine.series(lo, (lo + CHUNK).min(total));
        exec(
            conn,
            &format!(
                "{with} INSERT INTO notifications (id, user_id, kind, actor_id, photo_id, created_at, read_at)
                 SELECT {id}, {user}, {kinds}, {actor},
                        CASE WHEN x % 3 = 2 THEN NULL ELSE {photo} END,
                        {now} - (x / {u}) * {DAY} - (x % {u}) * 100, {now}
                 FROM {from}",
                id = engine.id("00000000-0000-7000-a000-", "x"),
                user = engine.uid(&format!("x % {u}")),
                actor = engine.uid(&format!("(x * {q}) % {u}")),
                photo = engine.pid(&format!("x % {p}")),
                now = plan.now,
            ),
        )
        .await;
    }
    let (with, from) = engine.series(0, READER_NOTIFICATIONS);
    exec_bound(
        conn,
        &format!(
            "{with} INSERT INTO notifications (id, user_id, kind, actor_id, photo_id, created_at, read_at)
             SELECT {id}, $1, CASE WHEN x % 50 = 49 THEN 'fan' WHEN x % 50 = 48 THEN 'mention' ELSE 'favorite' END,
                    {actor}, CASE WHEN x % 50 = 49 THEN NULL ELSE {photo} END,
                    {now} - x * 864000000,
                    CASE WHEN x < {READER_UNREAD} THEN NULL ELSE {now} END
             FROM {from}",
            id = engine.id("00000000-0000-7000-b000-", "x"),
            actor = engine.uid(&format!("(x * {}) % {u}", step_for(u, 1))),
            photo = engine.pid(&format!("(x / 20) % {p}")),
            now = plan.now,
        ),
        reader,
    )
    .await;
    steps.step(
        engine,
        format!("{total} notifications (+{READER_NOTIFICATIONS} of the reader)"),
    );
}

/// One row of the results table.
struct Measured {
    feed: String,
    page: &'static str,
    /// The goal for p99, in ms.
    goal: f64,
    times: Vec<Duration>,
    /// The machine's 1-minute load average when the requests were done (2 cores: above 2, the
    /// figures include waiting for a core).
    load: String,
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// `requests` GETs cycling through `paths` (after a warm-up), each checked to be a non-empty page.
async fn measure(
    app: &common::TestApp,
    client: &reqwest::Client,
    paths: &[String],
    requests: usize,
) -> Vec<Duration> {
    assert!(!paths.is_empty());
    let urls: Vec<String> = paths.iter().map(|p| app.url(p)).collect();
    let mut times = Vec::with_capacity(requests);
    for i in 0..WARMUP + requests {
        let url = &urls[i % urls.len()];
        let t = Instant::now();
        let r = client.get(url).send().await.unwrap();
        let status = r.status();
        let body = r.bytes().await.unwrap();
        let d = t.elapsed();
        assert_eq!(status, 200, "{url}: {}", String::from_utf8_lossy(&body));
        let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(
            page.get("items")
                .is_none_or(|a| a.as_array().is_some_and(|a| !a.is_empty())),
            "{url} gave an empty page"
        );
        if i >= WARMUP {
            times.push(d);
        }
    }
    times.sort();
    times
}

fn cursor(key: i64, id: &str) -> String {
    Cursor {
        key,
        id: uuid::Uuid::parse_str(id).unwrap(),
    }
    .encode()
}

async fn next_cursor(app: &common::TestApp, client: &reqwest::Client, path: &str) -> String {
    let page = app.get_json(client, path).await;
    let c = page["next_cursor"]
        .as_str()
        .unwrap_or_else(|| panic!("{path} has no second page"));
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}cursor={c}")
}

/// Cursors of random rows of a query's result (`key`, `id` columns), past its first two pages.
async fn sample_cursors(
    conn: &mut AnyConnection,
    sql: &str,
    reader: &str,
    rng: &mut StdRng,
) -> Vec<String> {
    let rows = sqlx::query(sql)
        .bind(reader)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert!(rows.len() > 100, "too few rows for deep pages: {sql}");
    (0..DEEP_CURSORS)
        .map(|_| {
            let r = &rows[rng.gen_range(48..rows.len() - 24)];
            cursor(r.get::<i64, _>(0), &r.get::<String, _>(1))
        })
        .collect()
}

async fn run_engine(
    engine: Engine,
    plan: &Plan,
    requests: usize,
    keep: bool,
) -> (Steps, Vec<Measured>) {
    let app = common::spawn_app_with(|_| {}).await;
    // Dropped at the end, also when a step panics.
    let _drop_db =
        (engine == Engine::Postgres && !keep).then(|| DropDatabase(app.database_url.clone()));
    let client = app.signed_in(READER).await;
    let mut conn = AnyConnection::connect(&app.database_url).await.unwrap();
    let reader: String = sqlx::query_scalar("SELECT id FROM users WHERE handle = $1")
        .bind(READER)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();

    eprintln!("{}: generating data…", engine.name());
    let steps = generate(engine, &app.database_url, plan, &reader).await;
    eprintln!(
        "{}: generated in {:.1} s; measuring…",
        engine.name(),
        steps.start.elapsed().as_secs_f64()
    );

    let mut rng = StdRng::seed_from_u64(7);
    let mut conn = AnyConnection::connect(&app.database_url).await.unwrap();
    // Random photos from the middle 80% of the table: for deep pages of Recent, Popular and
    // (the photos of prolific users) a user's photos.
    let (lo, hi) = (plan.photos / 10, plan.photos * 9 / 10);
    let mut recent_deep = Vec::new();
    let mut popular_deep = Vec::new();
    let mut user_deep = Vec::new();
    for _ in 0..DEEP_CURSORS {
        let n = rng.gen_range(lo..hi);
        let id = format!("{PHOTO_ID}{n:012}");
        let row = sqlx::query(
            "SELECT p.created_at, p.hot, u.handle FROM photos p JOIN users u ON u.id = p.owner_id
             WHERE p.id = $1",
        )
        .bind(&id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        let (at, hot): (i64, f64) = (row.get(0), row.get(1));
        recent_deep.push(format!("/api/v1/photos/recent?cursor={}", cursor(at, &id)));
        popular_deep.push(format!(
            "/api/v1/photos/popular?cursor={}",
            cursor(hot.to_bits() as i64, &id)
        ));
        // The same position in a prolific user's photos (one photo in ten is theirs).
        let n = n / 10 * 10;
        let id = format!("{PHOTO_ID}{n:012}");
        let owner = (n / 10) % plan.prolific;
        user_deep.push(format!(
            "/api/v1/users/user{owner}/photos?cursor={}",
            cursor(plan.photo_created_at(n), &id)
        ));
    }
    let fans_deep: Vec<String> = sample_cursors(
        &mut conn,
        "SELECT p.created_at, p.id FROM photos p
         WHERE p.owner_id IN (SELECT idol_id FROM fans WHERE fan_id = $1)
         ORDER BY p.created_at DESC, p.id DESC",
        &reader,
        &mut rng,
    )
    .await
    .into_iter()
    .map(|c| format!("/api/v1/feeds/fans?cursor={c}"))
    .collect();
    let favorites_deep: Vec<String> = sample_cursors(
        &mut conn,
        "SELECT created_at, photo_id FROM favorites WHERE user_id = $1
         ORDER BY created_at DESC, photo_id DESC",
        &reader,
        &mut rng,
    )
    .await
    .into_iter()
    .map(|c| format!("/api/v1/users/{READER}/favorites?cursor={c}"))
    .collect();
    let mut top_deep = Vec::new();
    for _ in 0..DEEP_CURSORS {
        let id = format!("{USER_ID}{:012}", rng.gen_range(0..plan.users));
        let fans: i64 = sqlx::query_scalar("SELECT fans_count FROM users WHERE id = $1")
            .bind(&id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        top_deep.push(format!("/api/v1/users/top?cursor={}", cursor(fans, &id)));
    }
    conn.close().await.unwrap();

    // First pages of one user's photos: random users; second pages: the prolific users'.
    let mut user_first: Vec<String> = (0..DEEP_CURSORS)
        .map(|_| format!("/api/v1/users/user{}/photos", rng.gen_range(0..plan.users)))
        .collect();
    let mut user_second = Vec::new();
    for n in 0..plan.prolific.min(DEEP_CURSORS as i64) {
        user_second
            .push(next_cursor(&app, &client, &format!("/api/v1/users/user{n}/photos")).await);
    }

    // In the brief's order; page 2 from page 1's next_cursor.
    let mut cases: Vec<(&'static str, &'static str, Vec<String>)> = Vec::new();
    for (feed, first, deep) in [
        ("recent", "/api/v1/photos/recent".to_owned(), recent_deep),
        ("popular", "/api/v1/photos/popular".to_owned(), popular_deep),
        (
            "fans (reader's idols)",
            "/api/v1/feeds/fans".to_owned(),
            fans_deep,
        ),
        ("user's photos", String::new(), Vec::new()),
        (
            "reader's favorites",
            format!("/api/v1/users/{READER}/favorites"),
            favorites_deep,
        ),
        ("top users", "/api/v1/users/top".to_owned(), top_deep),
    ] {
        if feed == "user's photos" {
            cases.push((feed, "1 (random user)", std::mem::take(&mut user_first)));
            cases.push((feed, "2 (prolific user)", std::mem::take(&mut user_second)));
            cases.push((feed, "deep (prolific user)", std::mem::take(&mut user_deep)));
            continue;
        }
        let second = next_cursor(&app, &client, &first).await;
        cases.push((feed, "1", vec![first]));
        cases.push((feed, "2", vec![second]));
        cases.push((feed, "deep", deep));
    }

    let mut cases: Vec<(String, &'static str, Vec<String>, f64)> = cases
        .into_iter()
        .map(|(feed, page, paths)| (feed.to_owned(), page, paths, GOAL_P99_MS))
        .collect();
    cases.extend(issue_12_cases(&app, &client, plan, &mut rng).await);

    let mut results = Vec::new();
    for (feed, page, paths, goal) in cases {
        let times = measure(&app, &client, &paths, requests).await;
        eprintln!(
            "  {}: {feed}, page {page}: p50 {:.2} ms, p99 {:.2} ms",
            engine.name(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99))
        );
        results.push(Measured {
            feed,
            page,
            goal,
            times,
            load: load_average(),
        });
    }

    drop(client);
    let common::TestApp {
        running,
        dir,
        database_url,
        ..
    } = app;
    running.stop().await;
    if keep {
        let dir = dir.keep();
        eprintln!(
            "{}: kept {database_url} (data dir {})",
            engine.name(),
            dir.display()
        );
    }
    (steps, results)
}

/// Issue 12's cases: tag pages, search (photos and users, common and rare words, English and
/// Japanese), the notifications page and the unread count.
async fn issue_12_cases(
    app: &common::TestApp,
    client: &reqwest::Client,
    plan: &Plan,
    rng: &mut StdRng,
) -> Vec<(String, &'static str, Vec<String>, f64)> {
    let mut cases = Vec::new();
    let search = SEARCH_GOAL_P99_MS;
    let p = plan.photos;
    // A random photo of kind `kind` (x % 4) in the middle 80%.
    let mut pick = |kind: i64| {
        let x = rng.gen_range(p / 10..p * 9 / 10) / 4 * 4 + kind;
        (x, format!("{PHOTO_ID}{x:012}"))
    };
    let mut tag_deep = Vec::new();
    let mut search_deep = Vec::new();
    for _ in 0..DEEP_CURSORS {
        let (x, id) = pick(0);
        tag_deep.push(format!(
            "/api/v1/tags/harbour/photos?cursor={}",
            cursor(plan.photo_created_at(x), &id)
        ));
        search_deep.push(format!(
            "/api/v1/search?q=harbour&cursor={}",
            cursor(x + 1, &id)
        ));
    }
    let first = "/api/v1/tags/harbour/photos".to_owned();
    let second = next_cursor(app, client, &first).await;
    cases.push((
        "tag #harbour (1 photo in 4)".to_owned(),
        "1",
        vec![first],
        search,
    ));
    cases.push((
        "tag #harbour (1 photo in 4)".to_owned(),
        "2",
        vec![second],
        search,
    ));
    cases.push((
        "tag #harbour (1 photo in 4)".to_owned(),
        "deep",
        tag_deep,
        search,
    ));
    cases.push((
        "tag #rare (1 photo in 1,000)".to_owned(),
        "1",
        vec!["/api/v1/tags/rare/photos".to_owned()],
        search,
    ));
    let first = "/api/v1/search?q=harbour".to_owned();
    let second = next_cursor(app, client, &first).await;
    cases.push((
        "search photos “harbour” (1 in 4)".to_owned(),
        "1",
        vec![first],
        search,
    ));
    cases.push((
        "search photos “harbour” (1 in 4)".to_owned(),
        "2",
        vec![second],
        search,
    ));
    cases.push((
        "search photos “harbour” (1 in 4)".to_owned(),
        "deep",
        search_deep,
        search,
    ));
    for (q, label, what) in [
        ("%E5%A4%95%E6%9A%AE%E3%82%8C", "“夕暮れ” (1 in 4)", "photos"),
        ("lisbon+4242", "“lisbon 4242” (rare)", "photos"),
        ("harbour+4244", "“harbour 4244” (rare)", "photos"),
        ("%E4%BD%90%E8%97%A4", "“佐藤” (1 in 3)", "users"),
        ("user4242", "“user4242” (rare)", "users"),
        ("%E4%BD%90%E8%97%A4+4242", "“佐藤 4242” (rare)", "users"),
    ] {
        let path = format!("/api/v1/search?type={what}&q={q}");
        let name = format!("search {what} {label}");
        if !label.contains("(rare)") {
            let second = next_cursor(app, client, &path).await;
            cases.push((name.clone(), "1", vec![path], search));
            cases.push((name, "2", vec![second], search));
        } else {
            cases.push((name, "1", vec![path], search));
        }
    }

    // Notifications: the reader's pages, walked by their cursors.
    let mut deep = Vec::new();
    let mut at = "/api/v1/notifications".to_owned();
    for _ in 0..40 {
        let next = next_cursor(app, client, &at).await;
        let c = next.rsplit("cursor=").next().unwrap_or_default().to_owned();
        at = format!("/api/v1/notifications?cursor={c}");
        deep.push(at.clone());
    }
    let second = deep[0].clone();
    cases.push((
        "notifications (20k of the reader)".to_owned(),
        "1",
        vec!["/api/v1/notifications".to_owned()],
        GOAL_P99_MS,
    ));
    cases.push((
        "notifications (20k of the reader)".to_owned(),
        "2",
        vec![second],
        GOAL_P99_MS,
    ));
    cases.push((
        "notifications (20k of the reader)".to_owned(),
        "deep",
        deep[10..].to_vec(),
        GOAL_P99_MS,
    ));
    cases.push((
        "unread count".to_owned(),
        "-",
        vec!["/api/v1/notifications/unread".to_owned()],
        GOAL_P99_MS,
    ));
    cases
}

/// Drops the Postgres database made by `common::database_url` when dropped (here it holds
/// several GB), also when the benchmark panics.
struct DropDatabase(String);

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let url = self.0.clone();
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let (server, name) = url.rsplit_once('/').unwrap();
                let mut admin = AnyConnection::connect(&format!("{server}/postgres")).await?;
                admin
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the benchmark database {}", self.0);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let engines: Vec<Engine> = [Engine::Sqlite, Engine::Postgres]
        .into_iter()
        .filter(|e| {
            args.is_empty()
                || args.iter().any(|a| {
                    a.eq_ignore_ascii_case(e.name()) || (a == "pg" && *e == Engine::Postgres)
                })
        })
        .collect();
    assert!(
        !engines.is_empty(),
        "unknown engine {args:?}: say sqlite or postgres (or nothing for both)"
    );
    let scale: f64 = std::env::var("PHOTOSHARE_BENCH_SCALE")
        .ok()
        .map(|s| s.parse().expect("PHOTOSHARE_BENCH_SCALE is a number"))
        .unwrap_or(1.0);
    let requests: usize = std::env::var("PHOTOSHARE_BENCH_REQUESTS")
        .ok()
        .map(|s| s.parse().expect("PHOTOSHARE_BENCH_REQUESTS is a number"))
        .unwrap_or(2_000);
    let keep = std::env::var("PHOTOSHARE_BENCH_KEEP").is_ok_and(|v| v == "1");
    let plan = Plan::new(scale);

    println!(
        "# PhotoShare feed benchmarks ({} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    if scale != 1.0 {
        println!(
            "\n**SCALED DOWN: PHOTOSHARE_BENCH_SCALE={scale}; these are not the figures at full size.**"
        );
    }
    println!(
        "\nData: {} users, {} photos ({} prolific users own one in ten), {} favorites ({} per user, \
         one in ten of them to 1% of the photos), about {} fans rows ({} per user, {} of them to the \
         {} most-followed users). The reader is a fan of {READER_IDOLS} users (5 prolific) and has \
         {} favorites.",
        plan.users,
        plan.photos,
        plan.prolific,
        plan.favorites(),
        FAVORITES_PER_USER,
        plan.users * FANS_PER_USER,
        FANS_PER_USER,
        CELEBRITY_IDOLS_PER_USER,
        plan.celebrities,
        plan.reader_favorites,
    );

    let mut generated = Vec::new();
    let mut measured = Vec::new();
    for engine in engines {
        // `common::database_url` picks the engine from this variable.
        match engine {
            Engine::Postgres => std::env::set_var("PHOTOSHARE_TEST_DATABASE", "postgres"),
            Engine::Sqlite => std::env::remove_var("PHOTOSHARE_TEST_DATABASE"),
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (steps, results) = rt.block_on(run_engine(engine, &plan, requests, keep));
        generated.push((engine, steps));
        measured.push((engine, results));
    }

    println!("\n## Generating the data (SQL straight into the database, secondary indexes built after the load)");
    println!("| engine | seconds | steps (s) |");
    println!("| --- | --- | --- |");
    for (engine, steps) in &generated {
        let total: Duration = steps.done.iter().map(|(_, d)| *d).sum();
        let detail: Vec<String> = steps
            .done
            .iter()
            .map(|(what, d)| format!("{what} {:.1}", d.as_secs_f64()))
            .collect();
        println!(
            "| {} | {:.1} | {} |",
            engine.name(),
            total.as_secs_f64(),
            detail.join("; ")
        );
    }

    println!(
        "\n## Feed latency through the HTTP API (signed-in reader, one client, sequential, \
         {requests} requests after {WARMUP} warm-up, 24 items a page)"
    );
    println!(
        "Goal: p99 < {GOAL_P99_MS} ms for the feeds, the notifications page and the unread count, \
         < {SEARCH_GOAL_P99_MS} ms for search and tag pages. Page 2 uses page 1's next_cursor; deep \
         pages start at random rows past the first two pages. Load: the 1-minute load average after \
         the row's requests (above the core count, other work was competing for the CPU).\n"
    );
    println!("| engine | feed | page | p50 ms | p99 ms | requests | goal ms | met | load |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let mut missed = Vec::new();
    for (engine, results) in &measured {
        for m in results {
            let (p50, p99) = (
                ms(percentile(&m.times, 0.5)),
                ms(percentile(&m.times, 0.99)),
            );
            let ok = p99 < m.goal;
            if !ok {
                missed.push(format!("{} {} page {}", engine.name(), m.feed, m.page));
            }
            println!(
                "| {} | {} | {} | {p50:.2} | {p99:.2} | {} | {} | {} | {} |",
                engine.name(),
                m.feed,
                m.page,
                m.times.len(),
                m.goal,
                if ok { "yes" } else { "**no**" },
                m.load
            );
        }
    }
    if missed.is_empty() {
        println!("\nEvery feed met the goal.");
    } else {
        println!("\nMissed the goal: {}.", missed.join(", "));
    }
}
