-- Deleted objects stay listed after S3 removed them (done_at set), so every node can drop its own
-- copies (disk and memory) of what another node deleted: each scans rows queued since its last look.
ALTER TABLE delete_queue ADD COLUMN queued_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE delete_queue ADD COLUMN done_at BIGINT NULL;
CREATE INDEX delete_queue_queued ON delete_queue(queued_at);
