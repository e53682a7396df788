//! The media store: the local cache first, S3 behind it, a durable queue between them.
//!
//! Write path: the caller stages bytes into the cache, [`MediaStore::keep`]s them under their
//! sha256, then records them with [`MediaStore::record`] in the same database transaction as the
//! rows that use them. S3 is never in that path; the [`sync::SyncWorker`] copies objects later.
//!
//! Read path: [`MediaStore::read`] serves a verified local copy, or fetches from S3, verifies,
//! caches and serves. Bytes that do not match their hash are never returned.
//!
//! One part a file, each adding the methods of its concern to [`MediaStore`], whose state lives
//! in `core` (which uses none of the parts); this file only names them:
//! - `objects`: the object store — keep and record (write path), read (memory, disk, S3);
//! - `entries`: this node's cache index (`cache_entries`) and batched read times;
//! - `budget`: the cache budget — eviction, pinning, the free-disk refusal;
//! - `queue`: the sync queue as people see it — state, backlog, pause, retry now, storage health;
//! - `sync`: the worker that drains the queue to S3, with its circuit `breaker`;
//! - `delete`: the delete queue and its tombstones;
//! - `health` and `recent`: what the console shows;
//! - `fsck` and `migrate`: the jobs the CLI and the console start;
//! - leaves used by the others: `cache` (the files), `hot` (the in-memory set), `remote` (S3),
//!   `imaging` and `metadata` (image processing).

pub mod breaker;
pub mod budget;
pub mod cache;
mod core;
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
pub mod sync;

pub use self::core::{MediaStore, RemoteStatus};
pub use objects::{Media, StoredObject};
pub use queue::{
    paused, set_paused, storage_status_of, sync_status, Backlog, StorageState, StorageStatus,
    SyncState, SyncStatus,
};
