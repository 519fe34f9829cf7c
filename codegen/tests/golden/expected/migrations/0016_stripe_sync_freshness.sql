-- stripe-sync bookkeeping, tenth part: freshness (issue 33). `status` and
-- `/metrics` read, per account, the events committed in a recent window
-- (the lag from each one's `created` to its commit) and the account's last
-- committed event. This index answers both without reading the ledger.
--
-- Safe inside one transaction; idempotent. On a large ledger the index
-- takes a while to build, and holds off writes to it meanwhile.

CREATE INDEX IF NOT EXISTS events_account_processed_idx
    ON stripe_sync.events (account_id, processed_at);
