//! The server's integration tests, in one binary (one link instead of one per file): the real
//! server on port 0, a fresh database (SQLite, or PostgreSQL with
//! `PHOTOSHARE_TEST_DATABASE=postgres`) and a real S3 server. nextest runs each test in its own
//! process, so tests share nothing but this binary.

mod common;

mod account;
mod admin;
mod api;
mod blocks;
mod cache;
mod cli;
mod concurrency;
mod crash;
mod delivery;
mod fsck;
mod idempotency;
mod my_photos;
mod notifications;
mod outage;
mod routes;
mod search;
mod security;
mod server_functions;
mod social;
mod sweep;
mod tools;
