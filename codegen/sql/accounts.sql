-- stripe-sync bookkeeping, third part. Safe inside one transaction; every
-- statement is idempotent.

-- The account each API key acts for, resolved once (GET /v1/account at the
-- first successful call, `webhook create`, a backfill or `sync`) and kept,
-- so that a webhook is applied with it even while Stripe's API is
-- unreachable. `key_id` names the key without revealing it: "sha256:" and
-- the first 16 hex digits of the key's SHA-256.
CREATE TABLE IF NOT EXISTS stripe._accounts (
    key_id      text PRIMARY KEY,
    account_id  text NOT NULL,
    created     bigint,
    resolved_at timestamptz NOT NULL DEFAULT now()
);

-- A managed endpoint for the connected accounts' events (`connect=true`),
-- beside the account's own endpoint for the same URL.
ALTER TABLE stripe._managed_webhooks ADD COLUMN IF NOT EXISTS connect boolean NOT NULL DEFAULT false;
ALTER TABLE stripe._managed_webhooks DROP CONSTRAINT IF EXISTS _managed_webhooks_account_id_url_key;
CREATE UNIQUE INDEX IF NOT EXISTS _managed_webhooks_account_url_kind_idx
    ON stripe._managed_webhooks (account_id, url, connect);

-- Events received before the account they belong to was known are recorded
-- with outcome 'unattributed' and account_id '', and applied once it is.
CREATE INDEX IF NOT EXISTS _events_unattributed_idx ON stripe._events (created)
    WHERE outcome = 'unattributed';
