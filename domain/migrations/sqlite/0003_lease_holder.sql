-- Which node holds a row's lease, so a node restarting after a crash can take back its own rows at
-- once instead of waiting for the lease to run out (other nodes' leases are left alone).
ALTER TABLE sync_queue ADD COLUMN leased_by TEXT NULL;
