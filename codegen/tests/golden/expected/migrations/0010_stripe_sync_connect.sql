-- stripe-sync bookkeeping, fourth part: the accounts mirrored into this
-- database and the work queue that any number of `stripe-sync worker`
-- processes share. Safe inside one transaction; every statement is
-- idempotent.

-- Every account mirrored through the queue: the platform of each key (and
-- each of several independent keys) and its connected accounts (reached
-- with the platform's key and `Stripe-Account`). The lease is on the
-- account: a worker claims an account with FOR UPDATE SKIP LOCKED, sets
-- lease_owner/lease_until, renews it while it works and clears it when it
-- is done; a lease not renewed (its worker died) expires and the account
-- can be claimed again. One worker at a time per account is what keeps the
-- account's rate limits (its own 100/s or 25/s and 25/s per endpoint)
-- across processes.
-- state: active | revoked (access lost: 401/403 account_invalid, or
-- account.application.deauthorized) | failed (set by nothing yet; kept for
-- operators who want to park an account by hand).
CREATE TABLE IF NOT EXISTS stripe._sync_accounts (
    account_id    text PRIMARY KEY,
    key_id        text NOT NULL,
    connected     boolean NOT NULL,
    state         text NOT NULL DEFAULT 'active',
    reason        text,
    lease_owner   text,
    lease_until   timestamptz,
    discovered_at timestamptz NOT NULL DEFAULT now(),
    changed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS _sync_accounts_key_idx ON stripe._sync_accounts (key_id, state);

-- The work queue: one row per account and kind of work (`backfill`,
-- `events`). Progress inside a job lives where it always has: the
-- per-account cursors of _sync_state, so a job taken over after its worker
-- died resumes where the cursor stands.
-- state: pending | running | done | failed | cancelled
CREATE TABLE IF NOT EXISTS stripe._sync_work (
    id          bigserial PRIMARY KEY,
    account_id  text NOT NULL REFERENCES stripe._sync_accounts (account_id) ON DELETE CASCADE,
    kind        text NOT NULL,
    request     jsonb NOT NULL DEFAULT '{}'::jsonb,
    state       text NOT NULL DEFAULT 'pending',
    not_before  timestamptz NOT NULL DEFAULT now(),
    claimed_by  text,
    attempts    integer NOT NULL DEFAULT 0,
    run_id      bigint,
    error       text,
    enqueued_at timestamptz NOT NULL DEFAULT now(),
    started_at  timestamptz,
    finished_at timestamptz
);
-- At most one open job per account and kind: enqueueing twice is a no-op.
CREATE UNIQUE INDEX IF NOT EXISTS _sync_work_open_idx ON stripe._sync_work (account_id, kind)
    WHERE state IN ('pending', 'running');
CREATE INDEX IF NOT EXISTS _sync_work_account_idx ON stripe._sync_work (account_id, id);

-- Live workers (heartbeat every few seconds): the platform-wide request cap
-- is split between the workers alive.
CREATE TABLE IF NOT EXISTS stripe._sync_workers (
    id           text PRIMARY KEY,
    host         text,
    pid          integer,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
