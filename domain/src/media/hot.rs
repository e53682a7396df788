//! A small in-memory set of recently served objects, verified when they were loaded, so the
//! hottest images (the Recent grid) are served without touching the disk or the database. Least
//! recently used first out; objects larger than an eighth of the budget are never held.

use crate::types::ContentHash;
use bytes::Bytes;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

pub struct HotSet {
    budget: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    map: HashMap<ContentHash, Entry>,
    /// Last-use tick → hash, oldest first.
    order: BTreeMap<u64, ContentHash>,
    tick: u64,
    bytes: usize,
}

struct Entry {
    bytes: Bytes,
    content_type: std::sync::Arc<str>,
    tick: u64,
}

impl HotSet {
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(Inner::default()),
        }
    }

    pub fn get(&self, hash: &ContentHash) -> Option<(Bytes, std::sync::Arc<str>)> {
        let mut g = self.inner.lock().ok()?;
        let inner = &mut *g;
        inner.tick += 1;
        let tick = inner.tick;
        let e = inner.map.get_mut(hash)?;
        inner.order.remove(&e.tick);
        e.tick = tick;
        inner.order.insert(tick, *hash);
        Some((e.bytes.clone(), e.content_type.clone()))
    }

    /// Holds verified bytes.
    pub fn insert(&self, hash: ContentHash, bytes: Bytes, content_type: &str) {
        if bytes.len() > self.budget / 8 {
            return;
        }
        let Ok(mut g) = self.inner.lock() else { return };
        let inner = &mut *g;
        if inner.map.contains_key(&hash) {
            return;
        }
        inner.tick += 1;
        inner.bytes += bytes.len();
        inner.order.insert(inner.tick, hash);
        inner.map.insert(
            hash,
            Entry {
                bytes,
                content_type: content_type.into(),
                tick: inner.tick,
            },
        );
        while inner.bytes > self.budget {
            let Some((_, oldest)) = inner.order.pop_first() else {
                break;
            };
            if let Some(e) = inner.map.remove(&oldest) {
                inner.bytes -= e.bytes.len();
            }
        }
    }

    /// Drops an object (deleted, or found corrupt elsewhere).
    pub fn remove(&self, hash: &ContentHash) {
        if let Ok(mut g) = self.inner.lock() {
            if let Some(e) = g.map.remove(hash) {
                g.order.remove(&e.tick);
                g.bytes -= e.bytes.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(n: u8) -> ContentHash {
        ContentHash::from_bytes([n; 32])
    }

    #[test]
    fn keeps_the_most_recently_used_within_budget() {
        let hot = HotSet::new(800);
        for n in 0..4 {
            hot.insert(h(n), Bytes::from(vec![n; 100]), "image/jpeg");
        }
        assert!(hot.get(&h(0)).is_some()); // 0 is now the most recent
        for n in 4..10 {
            hot.insert(h(n), Bytes::from(vec![n; 100]), "image/jpeg");
        }
        // 8 × 100 bytes fit; 1, 2 (least recently used) went first; 0 stayed.
        assert!(hot.get(&h(0)).is_some());
        assert!(hot.get(&h(1)).is_none() && hot.get(&h(2)).is_none());
        assert_eq!(hot.get(&h(9)).unwrap().0.len(), 100);
        hot.insert(h(20), Bytes::from(vec![0; 101]), "image/jpeg");
        assert!(
            hot.get(&h(20)).is_none(),
            "larger than an eighth of the budget"
        );
        hot.remove(&h(9));
        assert!(hot.get(&h(9)).is_none());
    }
}
