//! Rebuilds the crate when a migration is added, changed or removed: `sqlx::migrate!` embeds
//! the files at compile time but does not tell Cargo to watch the folders.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
