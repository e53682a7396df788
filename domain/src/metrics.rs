//! Process-wide counters, rendered in the Prometheus text format by `/metrics`.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

macro_rules! counters {
    ($($field:ident => $name:literal, $help:literal;)*) => {
        /// Monotonic counters. Gauges that come from the database are passed to [`Metrics::render`].
        #[derive(Default)]
        pub struct Metrics {
            $(pub $field: AtomicU64,)*
            /// How long each PUT to S3 took, successful or not.
            pub sync_put_seconds: Histogram,
        }

        impl Metrics {
            fn render_counters(&self, out: &mut String) {
                $(
                    let _ = writeln!(out, "# HELP {} {}", $name, $help);
                    let _ = writeln!(out, "# TYPE {} counter", $name);
                    let _ = writeln!(out, "{} {}", $name, self.$field.load(Ordering::Relaxed));
                )*
            }
        }
    };
}

counters! {
    http_requests => "photoshare_http_requests_total", "HTTP requests answered.";
    uploads => "photoshare_uploads_total", "Photos accepted (acknowledged to the client).";
    upload_rejections => "photoshare_upload_rejections_total", "Uploads refused (bad input, too large, disk full).";
    sync_successes => "photoshare_sync_successes_total", "Objects confirmed by S3.";
    sync_failures => "photoshare_sync_failures_total", "Failed attempts to put an object to S3.";
    cache_hits => "photoshare_cache_hits_total", "Media reads answered from the local cache.";
    cache_misses => "photoshare_cache_misses_total", "Media reads that had to go to S3.";
    cache_evictions => "photoshare_cache_evictions_total", "Synced objects evicted from the local cache to keep its budget.";
    corrupt_objects => "photoshare_corrupt_objects_total", "Copies whose bytes did not match their sha256 (never served).";
    media_bytes_served => "photoshare_media_bytes_served_total", "Bytes of media sent to clients.";
    s3_deletes => "photoshare_s3_deletes_total", "Objects of deleted photos removed from S3.";
    reports => "photoshare_reports_total", "Photos reported by users.";
    blocked_uploads => "photoshare_blocked_uploads_total", "Uploads refused because the image is on the blocklist.";
    replicas => "photoshare_replicas_total", "Objects copied to another node (fsynced there) before the upload was acknowledged.";
    replica_shortfalls => "photoshare_replica_shortfalls_total", "Objects acknowledged with one copy because no other node took a replica in time (--replicas 2).";
    peer_fetches => "photoshare_peer_fetches_total", "Objects fetched from another node's cache (not yet in S3, or S3 down).";
}

/// Upper bounds of [`Histogram`]'s buckets, in seconds.
const BUCKETS: [f64; 10] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// A Prometheus histogram of durations.
#[derive(Default)]
pub struct Histogram {
    /// Observations at or below each bound (not cumulative; summed when rendered).
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, d: std::time::Duration) {
        let secs = d.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(d.as_micros() as u64, Ordering::Relaxed);
    }

    fn render(&self, name: &str, help: &str, out: &mut String) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += n.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}\n{name}_count {count}");
    }
}

/// Gauges read at scrape time.
pub struct Gauges {
    pub backlog_objects: i64,
    pub backlog_bytes: i64,
    pub oldest_unsynced_seconds: i64,
    pub s3_up: bool,
    pub circuit_open: bool,
    pub paused: bool,
    pub pending_deletes: i64,
    pub cache_bytes: i64,
    pub moderation_queue: i64,
    pub single_copy_objects: i64,
    pub nodes_up: i64,
}

impl Metrics {
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn render(&self, g: &Gauges) -> String {
        let mut out = String::new();
        self.render_counters(&mut out);
        self.sync_put_seconds.render(
            "photoshare_sync_put_duration_seconds",
            "Time each PUT of an object to S3 took.",
            &mut out,
        );
        let gauges: [(&str, &str, i64); 11] = [
            (
                "photoshare_sync_backlog_objects",
                "Objects waiting to reach S3.",
                g.backlog_objects,
            ),
            (
                "photoshare_sync_backlog_bytes",
                "Bytes waiting to reach S3.",
                g.backlog_bytes,
            ),
            (
                "photoshare_sync_oldest_unsynced_seconds",
                "Age of the oldest object not yet in S3.",
                g.oldest_unsynced_seconds,
            ),
            (
                "photoshare_s3_up",
                "1 if the last S3 contact succeeded.",
                g.s3_up as i64,
            ),
            (
                "photoshare_sync_circuit_open",
                "1 while the sync circuit breaker is open.",
                g.circuit_open as i64,
            ),
            (
                "photoshare_sync_paused",
                "1 while an admin has paused the sync.",
                g.paused as i64,
            ),
            (
                "photoshare_s3_pending_deletes",
                "Objects of deleted photos still to be removed from S3.",
                g.pending_deletes,
            ),
            (
                "photoshare_cache_bytes",
                "Bytes this node's local cache holds.",
                g.cache_bytes,
            ),
            (
                "photoshare_moderation_queue",
                "Photos reported or hidden, waiting for an admin.",
                g.moderation_queue,
            ),
            (
                "photoshare_single_copy_objects",
                "Objects not yet in S3 held by fewer nodes than --replicas asks.",
                g.single_copy_objects,
            ),
            (
                "photoshare_nodes_up",
                "App nodes that heartbeat within the node timeout (this one included).",
                g.nodes_up,
            ),
        ];
        for (name, help, v) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        out
    }
}
