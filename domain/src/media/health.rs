//! Health: what this node knows of S3 — whether it answered last, the circuit, the last errors,
//! how much it confirmed in the last minute — and what users are told of storage, for the pages'
//! live streams. It asks S3 only through [`Health::probe`]; everything else is memory.

use super::recent::Recent;
use super::remote::{Remote, RemoteError};
use crate::views::StorageStatus;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// How often storage health is re-read for the pages' live streams, while any page listens.
pub const STORAGE_POLL: Duration = Duration::from_secs(2);

/// What the sync side last saw of S3, for health checks and the UI.
#[derive(Debug, Clone, Default)]
pub struct RemoteStatus {
    /// `None` until S3 was first contacted.
    pub reachable: Option<bool>,
    pub last_error: Option<String>,
    /// The sync worker's circuit breaker is open: S3 is failing and is only probed.
    pub circuit_open: bool,
}

/// This node's view of S3. Clones share it.
#[derive(Clone)]
pub struct Health {
    inner: Arc<State>,
}

struct State {
    remote: Remote,
    status: Mutex<RemoteStatus>,
    /// What the console shows of the last minutes: S3 errors and confirmed objects.
    recent: Mutex<Recent>,
    /// Storage health as users see it, for the pages' live streams.
    storage: watch::Sender<Option<StorageStatus>>,
}

impl Health {
    pub fn new(remote: Remote) -> Self {
        Self {
            inner: Arc::new(State {
                remote,
                status: Mutex::new(RemoteStatus::default()),
                recent: Mutex::new(Recent::default()),
                storage: watch::channel(None).0,
            }),
        }
    }

    pub fn remote_status(&self) -> RemoteStatus {
        self.inner
            .status
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    /// Remembers how the last call to S3 went.
    pub(crate) fn note_remote(&self, outcome: std::result::Result<(), &RemoteError>) {
        if let Ok(mut s) = self.inner.status.lock() {
            match outcome {
                Ok(()) => {
                    s.reachable = Some(true);
                }
                Err(e) => {
                    s.reachable = Some(false);
                    s.last_error = Some(e.to_string());
                    self.recent().error(e.to_string());
                }
            }
        }
    }

    pub(crate) fn set_circuit_open(&self, open: bool) {
        if let Ok(mut s) = self.inner.status.lock() {
            s.circuit_open = open;
        }
    }

    /// Asks S3 whether it is there, and remembers the answer.
    pub async fn probe(&self) -> bool {
        let r = self.inner.remote.probe().await;
        self.note_remote(r.as_ref().map(|_| ()));
        r.is_ok()
    }

    pub(crate) fn recent(&self) -> MutexGuard<'_, Recent> {
        self.inner
            .recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Storage health as users see it, now and whenever it changes.
    pub fn storage_changes(&self) -> watch::Receiver<Option<StorageStatus>> {
        self.inner.storage.subscribe()
    }

    pub(crate) fn storage_watch(&self) -> &watch::Sender<Option<StorageStatus>> {
        &self.inner.storage
    }

    /// Tells the listeners what users are told of storage, if its state changed.
    pub(crate) fn publish(&self, now: StorageStatus) {
        self.inner.storage.send_if_modified(|s| {
            // The backlog figures move all the time; only the state is news to a page.
            let changed = s.is_none_or(|s| s.storage != now.storage);
            if changed {
                *s = Some(now);
            }
            changed
        });
    }
}
