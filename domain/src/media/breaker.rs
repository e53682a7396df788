//! The circuit breaker in front of S3: after repeated failures it stops sending work, probes on a
//! schedule, and closes when S3 answers again. Pure state; the sync worker drives it.

use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Breaker {
    threshold: u32,
    probe_every: Duration,
    consecutive_failures: u32,
    /// When the next probe is due, while the circuit is open.
    next_probe: Option<Instant>,
}

impl Breaker {
    /// Opens after `threshold` consecutive failures; then probes every `probe_every`.
    pub fn new(threshold: u32, probe_every: Duration) -> Self {
        Self {
            threshold: threshold.max(1),
            probe_every,
            consecutive_failures: 0,
            next_probe: None,
        }
    }

    pub fn is_open(&self) -> bool {
        self.next_probe.is_some()
    }

    pub fn probe_due(&self, now: Instant) -> bool {
        self.next_probe.is_some_and(|t| now >= t)
    }

    /// S3 answered: the circuit closes and the count starts again.
    pub fn record_success(&mut self) {
        self.consecutive_failures = 0;
        self.next_probe = None;
    }

    /// S3 failed (or a probe failed). Returns true if this opened the circuit.
    pub fn record_failure(&mut self, now: Instant) -> bool {
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        let was_open = self.is_open();
        if was_open || self.consecutive_failures >= self.threshold {
            self.next_probe = Some(now + self.probe_every);
        }
        !was_open && self.is_open()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_the_threshold_probes_on_schedule_and_closes_on_success() {
        let t0 = Instant::now();
        let mut b = Breaker::new(3, Duration::from_secs(5));
        assert!(!b.record_failure(t0));
        b.record_success();
        assert!(!b.record_failure(t0));
        assert!(!b.record_failure(t0));
        assert!(!b.is_open(), "a success in between resets the count");
        assert!(b.record_failure(t0), "the third failure in a row opens it");
        assert!(b.is_open());
        assert!(!b.probe_due(t0 + Duration::from_secs(4)));
        assert!(b.probe_due(t0 + Duration::from_secs(5)));
        let t1 = t0 + Duration::from_secs(5);
        assert!(!b.record_failure(t1), "a failed probe keeps it open");
        assert!(!b.probe_due(t1 + Duration::from_secs(4)));
        assert!(b.probe_due(t1 + Duration::from_secs(5)));
        b.record_success();
        assert!(!b.is_open());
    }
}
