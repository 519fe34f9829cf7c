-- stripe-sync bookkeeping: the schema, the tables the runtime keeps its state
-- in, and the functions the generated upserts use to read typed values out of
-- an object's JSON. Safe inside one transaction; every statement is idempotent.

CREATE SCHEMA IF NOT EXISTS stripe;

-- Typed readers for one JSON value. A value of an unexpected JSON type (for
-- example from an API version newer than the pinned one) reads as NULL rather
-- than failing the whole batch; the value itself is still in `_raw_data`.
-- They are plain SQL, so PostgreSQL inlines them, and each looks at its value
-- with one `jsonb_typeof`: the readers are most of an upsert's cost after
-- parsing the JSON itself. (Integers beyond bigint or timestamps beyond year
-- 294276 would still fail; Stripe sends neither.)
CREATE OR REPLACE FUNCTION stripe._ref_id(v jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE jsonb_typeof(v) WHEN 'string' THEN v #>> '{}' WHEN 'object' THEN v ->> 'id' END $$;
CREATE OR REPLACE FUNCTION stripe._bigint(v jsonb) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE jsonb_typeof(v) WHEN 'number' THEN v::bigint END $$;
CREATE OR REPLACE FUNCTION stripe._timestamp(v jsonb) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE jsonb_typeof(v) WHEN 'number' THEN to_timestamp(v::float8) END $$;
CREATE OR REPLACE FUNCTION stripe._numeric(v jsonb) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE jsonb_typeof(v) WHEN 'number' THEN v::numeric END $$;
CREATE OR REPLACE FUNCTION stripe._boolean(v jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE jsonb_typeof(v) WHEN 'boolean' THEN v::boolean END $$;
CREATE OR REPLACE FUNCTION stripe._jsonb(v jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(v, 'null'::jsonb) $$;

-- The event ledger: every event received, by webhook or from /v1/events, and
-- what was done with it. A second delivery of the same id is a no-op.
-- outcome: pending | applied | unchanged | stale | no_table | no_id | failed
CREATE TABLE IF NOT EXISTS stripe._events (
    id           text PRIMARY KEY,
    type         text NOT NULL,
    created      timestamptz NOT NULL,
    api_version  text,
    account_id   text NOT NULL,
    livemode     boolean,
    object_type  text,
    object_id    text,
    source       text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    outcome      text NOT NULL,
    reason       text,
    _raw_data    jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS _events_created_idx ON stripe._events (created);
CREATE INDEX IF NOT EXISTS _events_type_idx ON stripe._events (type);
CREATE INDEX IF NOT EXISTS _events_object_id_idx ON stripe._events (object_id);

-- Validly signed webhook bodies that could not be read as an event, with the reason.
CREATE TABLE IF NOT EXISTS stripe._webhook_rejections (
    id          bigserial PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now(),
    reason      text NOT NULL,
    body        text NOT NULL
);

-- Cursors: one row per (account, resource, scope). `scope` is '' for a whole
-- resource, or names a slice of it (a `created` range, a parent id).
-- status: pending | running | complete | failed
CREATE TABLE IF NOT EXISTS stripe._sync_state (
    account_id    text NOT NULL,
    resource      text NOT NULL,
    scope         text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'pending',
    cursor        jsonb NOT NULL DEFAULT '{}'::jsonb,
    high_water    timestamptz,
    run_id        bigint,
    claimed_by    text,
    claimed_until timestamptz,
    error         text,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, resource, scope)
);

-- Runs (backfills, events catch-ups) and their per-object results. A run in
-- which any object failed is recorded as failed, never as succeeded.
-- status: running | succeeded | failed | interrupted
CREATE TABLE IF NOT EXISTS stripe._sync_runs (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL,
    account_id   text NOT NULL,
    status       text NOT NULL DEFAULT 'running',
    request      jsonb NOT NULL DEFAULT '{}'::jsonb,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    fetched      bigint NOT NULL DEFAULT 0,
    written      bigint NOT NULL DEFAULT 0,
    error        text
);
CREATE INDEX IF NOT EXISTS _sync_runs_started_at_idx ON stripe._sync_runs (started_at);

-- status: running | succeeded | failed | skipped
CREATE TABLE IF NOT EXISTS stripe._sync_run_objects (
    run_id      bigint NOT NULL REFERENCES stripe._sync_runs (id) ON DELETE CASCADE,
    resource    text NOT NULL,
    status      text NOT NULL DEFAULT 'running',
    requests    bigint NOT NULL DEFAULT 0,
    fetched     bigint NOT NULL DEFAULT 0,
    written     bigint NOT NULL DEFAULT 0,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    error       text,
    PRIMARY KEY (run_id, resource)
);

-- Webhook endpoints this tool created on Stripe, one per (account, url).
CREATE TABLE IF NOT EXISTS stripe._managed_webhooks (
    id             text PRIMARY KEY,
    account_id     text NOT NULL,
    url            text NOT NULL,
    secret         text NOT NULL,
    api_version    text NOT NULL,
    enabled_events text[] NOT NULL,
    status         text NOT NULL DEFAULT 'enabled',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, url)
);
