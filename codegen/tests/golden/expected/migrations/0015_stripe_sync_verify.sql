-- stripe-sync bookkeeping, ninth part: what `stripe-sync verify` found
-- (issue 31). A verify is a run in stripe_sync.sync_runs (kind 'verify');
-- these keep what it compared per type and every difference it confirmed,
-- with the repair `--repair` made. `stripe-sync status` shows the last
-- verify of each account and type.
--
-- Data only: ids, counts, versions. Safe inside one transaction; every
-- statement is idempotent.

-- One row per run and type: what was compared and found.
CREATE TABLE IF NOT EXISTS stripe_sync.verify_objects (
    run_id      bigint NOT NULL REFERENCES stripe_sync.sync_runs (id) ON DELETE CASCADE,
    account_id  text NOT NULL,
    object      text NOT NULL,
    -- Live rows of the type in the mirror when the run planned it.
    mirror_rows bigint NOT NULL,
    windows     integer NOT NULL,
    windows_checked integer NOT NULL,
    -- Objects compared: listed by Stripe or live in the mirror, in the
    -- windows checked (children: listed in their checked parents).
    checked     bigint NOT NULL,
    missing     bigint NOT NULL,
    stale       bigint NOT NULL,
    extra       bigint NOT NULL,
    repaired    bigint NOT NULL,
    -- Candidates the budget left no request to confirm.
    unconfirmed bigint NOT NULL,
    requests    bigint NOT NULL,
    -- At 95% confidence, fewer than this share of objects differ
    -- (one-sided Clopper-Pearson over the objects checked).
    upper_bound double precision,
    finished_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, object)
);
CREATE INDEX IF NOT EXISTS verify_objects_last_idx
    ON stripe_sync.verify_objects (account_id, object, run_id DESC);

-- Every confirmed difference, and its repair.
CREATE TABLE IF NOT EXISTS stripe_sync.verify_differences (
    run_id           bigint NOT NULL REFERENCES stripe_sync.sync_runs (id) ON DELETE CASCADE,
    account_id       text NOT NULL,
    object           text NOT NULL,
    id               text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('missing', 'stale', 'extra')),
    -- The parent whose embedded list holds it (a child checked with --children).
    parent_id        text,
    detail           text NOT NULL,
    -- The row's _updated_at when found (NULL: no row).
    stored_version   timestamptz,
    found_at         timestamptz NOT NULL DEFAULT now(),
    -- The version --repair wrote, and when (NULL: not repaired).
    repaired_version timestamptz,
    repaired_at      timestamptz,
    PRIMARY KEY (run_id, object, id)
);
