-- Several app nodes on one PostgreSQL (issue 10). Each node registers here and heartbeats; one
-- silent for longer than --node-timeout is down. `url` is where the other nodes reach it (empty
-- for a node alone). Which nodes hold an object is `cache_entries` (a replica is recorded there
-- in the upload's transaction), so finding an unsynced object's holders needs an index by hash.
CREATE TABLE IF NOT EXISTS nodes (
    node         TEXT PRIMARY KEY,
    url          TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    last_seen    BIGINT NOT NULL,
    -- set when it stopped cleanly (SIGTERM); NULL while it runs
    stopped_at   BIGINT NULL,
    -- 1 while this node's S3 circuit is open
    circuit_open BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS cache_entries_hash ON cache_entries(hash);
