//! What the console shows of the last minutes on this node: S3 errors (the same one repeated is
//! one entry) and how many objects S3 confirmed.

use crate::db::now_micros;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// S3 errors kept for the console.
const ERRORS_KEPT: usize = 10;
/// The window of the drain rate.
const DRAIN_WINDOW: Duration = Duration::from_secs(60);

/// The last minutes, as this node saw them.
#[derive(Default)]
pub struct Recent {
    pub(super) errors: VecDeque<(i64, String)>,
    synced: VecDeque<Instant>,
}

impl Recent {
    pub(crate) fn error(&mut self, message: String) {
        // The same failure over and over is one line with the latest time, not ten.
        if let Some(last) = self.errors.front_mut().filter(|(_, m)| *m == message) {
            last.0 = now_micros();
            return;
        }
        self.errors.push_front((now_micros(), message));
        self.errors.truncate(ERRORS_KEPT);
    }

    pub(crate) fn synced(&mut self, n: usize) {
        let now = Instant::now();
        self.synced.extend(std::iter::repeat_n(now, n));
        self.prune(now);
    }

    fn prune(&mut self, now: Instant) {
        while self
            .synced
            .front()
            .is_some_and(|t| now.duration_since(*t) > DRAIN_WINDOW)
        {
            self.synced.pop_front();
        }
    }

    pub(super) fn drained_last_minute(&mut self) -> u64 {
        self.prune(Instant::now());
        self.synced.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_errors_fold_and_the_list_is_bounded() {
        let mut r = Recent::default();
        r.error("S3 unavailable: cannot connect".into());
        r.error("S3 unavailable: cannot connect".into());
        assert_eq!(r.errors.len(), 1);
        for i in 0..20 {
            r.error(format!("error {i}"));
        }
        assert_eq!(r.errors.len(), ERRORS_KEPT);
        assert_eq!(r.errors[0].1, "error 19");
    }

    #[test]
    fn drain_rate_counts_the_last_minute() {
        let mut r = Recent::default();
        r.synced(3);
        assert_eq!(r.drained_last_minute(), 3);
        r.synced
            .push_front(Instant::now() - Duration::from_secs(61));
        assert_eq!(r.drained_last_minute(), 3);
    }
}
