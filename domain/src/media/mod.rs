//! The media store: the local cache first, S3 behind it, a durable queue between them.
//!
//! Write path: the caller stages bytes into the cache, [`Objects::keep`]s them under their
//! sha256, then records them with [`Objects::record`] in the same database transaction as the
//! rows that use them, and wakes the [`SyncQueue`] after the commit. S3 is never in that path;
//! the [`sync::SyncWorker`] copies objects later.
//!
//! Read path: [`Objects::read`] serves a verified local copy, or fetches from S3, verifies,
//! caches and serves. Bytes that do not match their hash are never returned.
//!
//! [`MediaStore`] (`store.rs`) holds the focused parts, each a type with its own state, built over
//! the parts below it (no part uses `store` or a part above it):
//! - `health`: what this node knows of S3 (reachable, circuit, recent errors, the pages' storage
//!   stream);
//! - `objects` (+ `entries`, its cache index): the object store — cache + S3 read-through;
//! - `queue`: the sync queue as people see it (backlog, pause, retry, wake); `sync`: the worker
//!   that drains it to S3, with its circuit `breaker`;
//! - `delete`: the delete queue and its tombstones;
//! - `budget`: the cache budget — eviction, pinning, the free-disk refusal, the cache's figures;
//! - `fsck` and `migrate`: jobs the CLI runs and the console starts;
//! - leaves: `cache` (the files), `hot` (the in-memory set), `remote` (S3), `recent`, `imaging`
//!   and `metadata` (image processing).

pub mod breaker;
pub mod budget;
pub mod cache;
pub mod delete;
mod entries;
pub mod fsck;
pub mod health;
pub mod hot;
pub mod imaging;
pub mod metadata;
pub mod migrate;
mod objects;
mod queue;
mod recent;
pub mod remote;
mod store;
pub mod sync;

pub use health::{Health, RemoteStatus};
pub use objects::{Media, Objects, StoredObject};
pub use queue::{
    paused, set_paused, storage_status_of, sync_status, Backlog, StorageState, StorageStatus,
    SyncQueue, SyncState, SyncStatus,
};
pub use store::{HandOver, MediaStore};
