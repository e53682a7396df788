//! Process-wide counters, rendered in the Prometheus text format by `/metrics`.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

macro_rules! counters {
    ($($field:ident => $name:literal, $help:literal;)*) => {
        /// Monotonic counters. Gauges that come from the database are passed to [`Metrics::render`].
        #[derive(Default)]
        pub struct Metrics {
            $(pub $field: AtomicU64,)*
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
}

/// Gauges read at scrape time.
pub struct Gauges {
    pub backlog_objects: i64,
    pub backlog_bytes: i64,
    pub oldest_unsynced_seconds: i64,
    pub s3_up: bool,
    pub circuit_open: bool,
    pub paused: bool,
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
        let gauges: [(&str, &str, i64); 6] = [
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
        ];
        for (name, help, v) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        out
    }
}
