-- What each app node's local cache holds, for the cache budget: LRU eviction picks the least
-- recently read synced, unpinned objects. Per node, because every node has its own cache.
CREATE TABLE cache_entries (
    node        TEXT NOT NULL,
    hash        TEXT NOT NULL REFERENCES objects(hash),
    size        BIGINT NOT NULL,
    last_access BIGINT NOT NULL,
    PRIMARY KEY (node, hash)
);
CREATE INDEX cache_entries_lru ON cache_entries(node, last_access);

-- Objects stored before this table existed are in the cache of the node that stored them.
INSERT INTO cache_entries (node, hash, size, last_access)
SELECT node, hash, size, created_at FROM objects;
