-- stripe-sync bookkeeping, eleventh part: the change log (issue 34). Every
-- real change to a mirrored row (created, updated, soft-deleted), once,
-- whichever writer made it: `serve`, the SQL path, backfill, the events
-- catch-up, workers and `verify --repair` all write through statements that
-- leave a row untouched when nothing changed (the upsert's version rule and
-- its `_raw_data IS DISTINCT FROM` guard), and two statement-level triggers
-- on every table of the mirror turn what did change into entries, in the
-- writing transaction.
--
-- Positions: an entry is numbered (`seq`) only once the transaction that
-- wrote it has ended, by stripe_sync.sequence_changes(), which every reader
-- calls: entries of transactions older than the oldest one still running
-- get the next numbers, in (transaction, insertion) order. A reader that
-- has seen position N never later finds an entry numbered N or below, so
-- "after N" misses nothing, however writers interleave. (A transaction left
-- open holds back numbering until it ends.)
--
-- Source and event: the writer names its source for the transaction
-- (`stripe_sync.change_source`: backfill, repair, webhook, catch_up; a
-- transaction that names none takes its first recorded event's); an entry
-- of an event's own object takes the event's id (and its source) from the
-- event's ledger row, which the same transaction holds pending.
--
-- Safe inside one transaction; every statement is idempotent.

CREATE TABLE IF NOT EXISTS stripe_sync.changes (
    -- The position, from 1; NULL until the writing transaction has ended
    -- and a reader numbered it.
    seq        bigint UNIQUE,
    -- Numbering order: the writing transaction, then insertion.
    tx         xid8 NOT NULL DEFAULT pg_current_xact_id(),
    n          bigserial NOT NULL,
    account_id text NOT NULL,
    table_name text NOT NULL,
    object_id  text NOT NULL,
    op         text NOT NULL CHECK (op IN ('created', 'updated', 'deleted')),
    -- Updated and deleted: each top-level property that changed,
    -- {"name": {"old": …, "new": …}}. Created: NULL (the row is the state).
    columns    jsonb,
    -- The object's version after the change (the row's _updated_at).
    version    timestamptz,
    source     text,
    event_id   text,
    written_at timestamptz NOT NULL DEFAULT now()
);
-- Entries not numbered yet, one per transaction and row: what the
-- numbering reads, and where a row's second write in its transaction merges.
CREATE UNIQUE INDEX IF NOT EXISTS changes_unnumbered_key
    ON stripe_sync.changes (tx, table_name, object_id) WHERE seq IS NULL;
CREATE INDEX IF NOT EXISTS changes_written_at_idx ON stripe_sync.changes (written_at) WHERE seq IS NOT NULL;

-- The source a writer named for its transaction (`stripe_sync.change_source`).
CREATE OR REPLACE FUNCTION stripe_sync._change_source()
RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT nullif(current_setting('stripe_sync.change_source', true), '')
$$;

-- A transaction that names no source takes that of the first event it
-- records (the SQL path: `webhook`, or `sql` for apply_event), so that the
-- rows an event writes besides its own object say where they came from.
-- Once per statement on the ledger.
CREATE OR REPLACE FUNCTION stripe_sync._note_event_source()
RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF coalesce(current_setting('stripe_sync.change_source', true), '') = '' THEN
        PERFORM set_config('stripe_sync.change_source', s, true)
           FROM (SELECT CASE r.source WHEN 'events' THEN 'catch_up' ELSE r.source END AS s
                   FROM recorded r WHERE r.outcome = 'pending' LIMIT 1) first;
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS stripe_sync_note_event_source ON stripe_sync.events;
DROP TRIGGER IF EXISTS stripe_sync_note_event_source_updates ON stripe_sync.events;
CREATE TRIGGER stripe_sync_note_event_source AFTER INSERT ON stripe_sync.events
    REFERENCING NEW TABLE AS recorded FOR EACH STATEMENT EXECUTE FUNCTION stripe_sync._note_event_source();
CREATE TRIGGER stripe_sync_note_event_source_updates AFTER UPDATE ON stripe_sync.events
    REFERENCING NEW TABLE AS recorded FOR EACH STATEMENT EXECUTE FUNCTION stripe_sync._note_event_source();

-- The numbering's head, what was pruned, and the retention.
CREATE TABLE IF NOT EXISTS stripe_sync.change_log (
    one           boolean PRIMARY KEY DEFAULT true CHECK (one),
    -- The last position given.
    last_seq      bigint NOT NULL DEFAULT 0,
    -- Every position up to this one was pruned.
    pruned_through bigint NOT NULL DEFAULT 0,
    -- Entries older than this are pruned (NULL: kept by age).
    retain_age    interval DEFAULT interval '30 days',
    -- At most this many numbered entries are kept (NULL: no limit).
    retain_rows   bigint,
    -- Whether the mirrored tables carry the triggers that write entries.
    enabled       boolean NOT NULL DEFAULT true
);
INSERT INTO stripe_sync.change_log DEFAULT VALUES ON CONFLICT DO NOTHING;

-- Named consumers and the position each acknowledged.
CREATE TABLE IF NOT EXISTS stripe_sync.change_consumers (
    name       text PRIMARY KEY,
    position   bigint NOT NULL DEFAULT 0,
    acked_at   timestamptz NOT NULL DEFAULT now()
);

-- Rows the mirror gained: created, or deleted when the first thing known
-- of an object is its deletion.
CREATE OR REPLACE FUNCTION stripe_sync._log_inserts()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    src text := stripe_sync._change_source();
BEGIN
    IF src IN ('backfill', 'repair') THEN
        INSERT INTO stripe_sync.changes (account_id, table_name, object_id, op, version, source)
        SELECT r._account_id, TG_TABLE_NAME, r.id,
               CASE WHEN r._deleted_at IS NULL THEN 'created' ELSE 'deleted' END, r._updated_at, src
          FROM inserted r ORDER BY r.id;
    ELSE
        INSERT INTO stripe_sync.changes (account_id, table_name, object_id, op, version, source, event_id)
        SELECT r._account_id, TG_TABLE_NAME, r.id,
               CASE WHEN r._deleted_at IS NULL THEN 'created' ELSE 'deleted' END, r._updated_at,
               coalesce(CASE e.source WHEN 'events' THEN 'catch_up' ELSE e.source END, src), e.id
          FROM inserted r
          LEFT JOIN LATERAL (SELECT l.id, l.source FROM stripe_sync.events l
                              WHERE l.object_id = r.id AND l.outcome = 'pending'
                              ORDER BY l.created DESC LIMIT 1) e ON true
         ORDER BY r.id;
    END IF;
    RETURN NULL;
END
$$;

-- Rows that changed: updated, or deleted when the row was live before. A
-- row its transaction already logged (written by two statements, as a
-- repair's undelete and upsert) keeps one entry: the first old values, the
-- last new ones, `created` while it was created in this transaction.
CREATE OR REPLACE FUNCTION stripe_sync._log_updates()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    src text := stripe_sync._change_source();
BEGIN
    INSERT INTO stripe_sync.changes AS c (account_id, table_name, object_id, op, columns, version, source, event_id)
    SELECT r._account_id, TG_TABLE_NAME, r.id,
           CASE WHEN r._deleted_at IS NOT NULL AND o._deleted_at IS NULL THEN 'deleted' ELSE 'updated' END,
           -- What the new version set differently, then what it dropped.
           (SELECT jsonb_object_agg(d.k, d.change) FROM (
               SELECT b.k, jsonb_build_object('old', o._raw_data -> b.k, 'new', b.v) AS change
                 FROM jsonb_each(r._raw_data) AS b (k, v)
                WHERE (o._raw_data -> b.k) IS DISTINCT FROM b.v
               UNION ALL
               SELECT a.k, jsonb_build_object('old', o._raw_data -> a.k, 'new', NULL)
                 FROM jsonb_object_keys(o._raw_data) AS a (k)
                WHERE NOT r._raw_data ? a.k) d),
           r._updated_at,
           coalesce(CASE e.source WHEN 'events' THEN 'catch_up' ELSE e.source END, src), e.id
      FROM updated r
      JOIN previous o ON o.id = r.id
      LEFT JOIN LATERAL (SELECT l.id, l.source FROM stripe_sync.events l
                          WHERE src IS DISTINCT FROM 'backfill' AND src IS DISTINCT FROM 'repair'
                            AND l.object_id = r.id AND l.outcome = 'pending'
                          ORDER BY l.created DESC LIMIT 1) e ON true
     WHERE o._raw_data IS DISTINCT FROM r._raw_data OR o._deleted_at IS DISTINCT FROM r._deleted_at
     ORDER BY r.id
    ON CONFLICT (tx, table_name, object_id) WHERE seq IS NULL DO UPDATE
       SET op = CASE WHEN c.op = 'created' AND EXCLUDED.op <> 'deleted' THEN 'created' ELSE EXCLUDED.op END,
           columns = CASE WHEN c.op = 'created' THEN NULL
                          ELSE coalesce(c.columns, '{}'::jsonb) || coalesce(
                              (SELECT jsonb_object_agg(x.k, CASE WHEN c.columns ? x.k
                                      THEN jsonb_build_object('old', c.columns -> x.k -> 'old', 'new', x.v -> 'new')
                                      ELSE x.v END)
                                 FROM jsonb_each(EXCLUDED.columns) AS x (k, v)), '{}'::jsonb) END,
           version = EXCLUDED.version,
           source = coalesce(EXCLUDED.source, c.source),
           event_id = coalesce(EXCLUDED.event_id, c.event_id);
    RETURN NULL;
END
$$;

-- Makes every table of the mirror carry the two triggers while the log is
-- enabled (stripe_sync.change_log.enabled), and none while it is not:
-- this migration's tables, and (called by `stripe-sync migrate` after every
-- run) the tables later API versions add. Identifiers only, quoted.
-- Returns how many triggers it created or dropped.
CREATE OR REPLACE FUNCTION stripe_sync.enable_change_log()
RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t record;
    added integer := 0;
BEGIN
    IF NOT (SELECT enabled FROM stripe_sync.change_log) THEN
        FOR t IN
            SELECT tg.tgname, tg.tgrelid::regclass AS rel
              FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
             WHERE c.relnamespace = 'stripe'::regnamespace
               AND tg.tgname IN ('stripe_sync_log_inserts', 'stripe_sync_log_updates')
        LOOP
            EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
            added := added + 1;
        END LOOP;
        RETURN added;
    END IF;
    FOR t IN
        SELECT c.oid::regclass AS rel, c.oid
          FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
         WHERE s.nspname = 'stripe' AND c.relkind = 'r' AND c.relname NOT LIKE '\_%'
           AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = '_raw_data')
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = t.oid AND tgname = 'stripe_sync_log_inserts') THEN
            EXECUTE format('CREATE TRIGGER stripe_sync_log_inserts AFTER INSERT ON %s '
                           'REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT '
                           'EXECUTE FUNCTION stripe_sync._log_inserts()', t.rel);
            added := added + 1;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = t.oid AND tgname = 'stripe_sync_log_updates') THEN
            EXECUTE format('CREATE TRIGGER stripe_sync_log_updates AFTER UPDATE ON %s '
                           'REFERENCING OLD TABLE AS previous NEW TABLE AS updated FOR EACH STATEMENT '
                           'EXECUTE FUNCTION stripe_sync._log_updates()', t.rel);
            added := added + 1;
        END IF;
    END LOOP;
    RETURN added;
END
$$;
SELECT stripe_sync.enable_change_log();

-- Turns the log on or off (off: no entries are written, nothing is
-- numbered away; on again: changes from then on).
CREATE OR REPLACE FUNCTION stripe_sync.set_change_log(enabled boolean)
RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE stripe_sync.change_log SET enabled = set_change_log.enabled;
    RETURN stripe_sync.enable_change_log();
END
$$;

-- Numbers the entries of ended transactions, then prunes by the retention.
-- Returns the last position given. One numbering at a time.
CREATE OR REPLACE FUNCTION stripe_sync.sequence_changes()
RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    head stripe_sync.change_log;
    horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
    numbered bigint;
    cut bigint;
BEGIN
    SELECT * INTO head FROM stripe_sync.change_log FOR UPDATE;
    WITH todo AS (
        SELECT c.n, head.last_seq + row_number() OVER (ORDER BY c.tx, c.n) AS s
          FROM stripe_sync.changes c
         WHERE c.seq IS NULL AND c.tx < horizon)
    UPDATE stripe_sync.changes c SET seq = todo.s FROM todo WHERE c.n = todo.n AND c.seq IS NULL;
    GET DIAGNOSTICS numbered = ROW_COUNT;
    head.last_seq := head.last_seq + numbered;
    -- The retention: by age, then by count.
    cut := head.pruned_through;
    IF head.retain_age IS NOT NULL THEN
        cut := greatest(cut, coalesce((SELECT max(seq) FROM stripe_sync.changes
                                        WHERE seq IS NOT NULL AND written_at < now() - head.retain_age), 0));
    END IF;
    IF head.retain_rows IS NOT NULL THEN
        cut := greatest(cut, head.last_seq - head.retain_rows);
    END IF;
    IF cut > head.pruned_through THEN
        DELETE FROM stripe_sync.changes WHERE seq IS NOT NULL AND seq <= cut;
    END IF;
    UPDATE stripe_sync.change_log SET last_seq = head.last_seq, pruned_through = cut;
    RETURN head.last_seq;
END
$$;

-- Up to max_rows entries after position `since`, in order. Refuses
-- (SW410) when entries after `since` were pruned: the reader is told, never
-- moved ahead.
CREATE OR REPLACE FUNCTION stripe_sync.changes_after(since bigint, max_rows integer DEFAULT 1000)
RETURNS SETOF stripe_sync.changes LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    pruned bigint;
BEGIN
    IF since < 0 THEN
        RAISE EXCEPTION 'positions start at 1; read from 0 for everything kept' USING ERRCODE = '22023';
    END IF;
    PERFORM stripe_sync.sequence_changes();
    SELECT pruned_through INTO pruned FROM stripe_sync.change_log;
    IF since < pruned THEN
        RAISE EXCEPTION 'the change log was pruned through position %, after position % (its retention: stripe_sync.change_log); read again from % and reconcile what was missed (stripe-sync verify)',
            pruned, since, pruned USING ERRCODE = 'SW410';
    END IF;
    RETURN QUERY SELECT * FROM stripe_sync.changes WHERE seq > since ORDER BY seq LIMIT max_rows;
END
$$;

-- A named consumer's next entries: after the position it acknowledged.
CREATE OR REPLACE FUNCTION stripe_sync.consume_changes(consumer text, max_rows integer DEFAULT 1000)
RETURNS SETOF stripe_sync.changes LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    pos bigint;
BEGIN
    INSERT INTO stripe_sync.change_consumers (name) VALUES (consumer) ON CONFLICT DO NOTHING;
    SELECT position INTO pos FROM stripe_sync.change_consumers WHERE name = consumer;
    RETURN QUERY SELECT * FROM stripe_sync.changes_after(pos, max_rows);
END
$$;

-- Records that `consumer` has handled everything through `through`.
-- Positions only move forward.
CREATE OR REPLACE FUNCTION stripe_sync.ack_changes(consumer text, through bigint)
RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    pos bigint;
BEGIN
    INSERT INTO stripe_sync.change_consumers AS c (name, position) VALUES (consumer, through)
    ON CONFLICT (name) DO UPDATE SET position = greatest(c.position, EXCLUDED.position), acked_at = now()
    RETURNING position INTO pos;
    RETURN pos;
END
$$;
