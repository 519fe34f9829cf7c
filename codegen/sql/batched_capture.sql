-- stripe-sync bookkeeping, fifteenth part: the change log captured one row
-- per statement, its events found when numbered (issue 34).
--
-- 0018's capture wrote one entry row per changed row, and a trigger on the
-- ledger kept a map of the transaction's events in a setting for the
-- capture to read. On `serve`'s group commit (16 events a transaction) that
-- cost the database about 255 µs of CPU a transaction (pgbench, 4 clients,
-- 2 cores, 2026-12-07), and the ledger trigger ran with the log off too.
-- Now:
-- - each writing statement's capture is one row of stripe_sync.change_batches
--   (the rows' accounts, ids, operations, versions and previous objects as
--   arrays), not one row per object: one heap insert and no index entry;
-- - the ledger notes the transaction that recorded each event (`tx`, by
--   default; a redelivery that takes a failed event up again sets it anew),
--   and the numbering looks an entry's event up by its object and
--   transaction, so the capture reads no setting and the ledger keeps no map;
-- - a transaction that names no source still takes that of the first event
--   it records, from a row trigger that runs only then (its WHEN is false
--   whenever the writer named one, as every writer of the engine does).
-- stripe_sync.sequence_changes() first turns the batches into entries, in
-- write order, then numbers and describes them as before (0018).
--
-- Safe inside one transaction; every statement is idempotent.

ALTER TABLE stripe_sync.events ADD COLUMN IF NOT EXISTS tx xid8;
-- Set afterwards, so existing ledger rows keep NULL and the table is not rewritten.
ALTER TABLE stripe_sync.events ALTER COLUMN tx SET DEFAULT pg_current_xact_id();

-- A failed or unattributed event taken up again belongs to the transaction
-- that takes it up.
CREATE OR REPLACE FUNCTION stripe_sync._note_event_tx()
RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.tx := pg_current_xact_id();
    IF coalesce(current_setting('stripe_sync.change_source', true), '') = '' THEN
        PERFORM set_config('stripe_sync.change_source', CASE NEW.source WHEN 'events' THEN 'catch_up' ELSE NEW.source END, true);
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS stripe_sync_note_event_tx ON stripe_sync.events;
CREATE TRIGGER stripe_sync_note_event_tx BEFORE UPDATE ON stripe_sync.events FOR EACH ROW
    WHEN (NEW.outcome = 'pending' AND OLD.outcome IS DISTINCT FROM 'pending')
    EXECUTE FUNCTION stripe_sync._note_event_tx();

-- The source of a transaction that names none: its first recorded event's.
CREATE OR REPLACE FUNCTION stripe_sync._note_change_source()
RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF coalesce(current_setting('stripe_sync.change_source', true), '') = '' THEN
        PERFORM set_config('stripe_sync.change_source', CASE NEW.source WHEN 'events' THEN 'catch_up' ELSE NEW.source END, true);
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS stripe_sync_note_event_source ON stripe_sync.events;
DROP TRIGGER IF EXISTS stripe_sync_note_event_source_updates ON stripe_sync.events;
DROP FUNCTION IF EXISTS stripe_sync._note_event_source();
DROP FUNCTION IF EXISTS stripe_sync._change_events(text);
-- The capture reads the source from the batch's column default now.
DROP FUNCTION IF EXISTS stripe_sync._change_source();
DROP TRIGGER IF EXISTS stripe_sync_note_change_source ON stripe_sync.events;
CREATE TRIGGER stripe_sync_note_change_source AFTER INSERT ON stripe_sync.events FOR EACH ROW
    WHEN (NEW.outcome = 'pending' AND coalesce(current_setting('stripe_sync.change_source', true), '') = '')
    EXECUTE FUNCTION stripe_sync._note_change_source();

-- What each writing statement changed, until numbered: the transaction,
-- the write order (`n`), the table, the source its writer named, and per
-- row its account, id, operation, version and (updates) previous object.
CREATE TABLE IF NOT EXISTS stripe_sync.change_batches (
    tx          xid8 NOT NULL DEFAULT pg_current_xact_id(),
    n           bigserial NOT NULL,
    table_name  text NOT NULL,
    source      text DEFAULT nullif(current_setting('stripe_sync.change_source', true), ''),
    written_at  timestamptz NOT NULL DEFAULT now(),
    account_ids text[] NOT NULL,
    ids         text[] NOT NULL,
    ops         text[] NOT NULL,
    versions    timestamptz[] NOT NULL,
    olds        jsonb[]
);
ALTER TABLE stripe_sync.change_batches ALTER COLUMN olds SET COMPRESSION lz4;
REVOKE ALL ON stripe_sync.change_batches FROM PUBLIC;

-- Rows the mirror gained: created, or deleted when the first thing known of
-- an object is its deletion.
CREATE OR REPLACE FUNCTION stripe_sync._log_inserts()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO stripe_sync.change_batches (table_name, account_ids, ids, ops, versions)
    SELECT TG_TABLE_NAME, array_agg(r._account_id), array_agg(r.id),
           array_agg(CASE WHEN r._deleted_at IS NULL THEN 'created' ELSE 'deleted' END), array_agg(r._updated_at)
      FROM inserted r
    HAVING count(*) > 0;
    RETURN NULL;
END
$$;

-- Rows that changed: updated, or deleted when the row was live before,
-- with the object before the change.
CREATE OR REPLACE FUNCTION stripe_sync._log_updates()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO stripe_sync.change_batches (table_name, account_ids, ids, ops, versions, olds)
    SELECT TG_TABLE_NAME, array_agg(r._account_id), array_agg(r.id),
           array_agg(CASE WHEN r._deleted_at IS NOT NULL AND o._deleted_at IS NULL THEN 'deleted' ELSE 'updated' END),
           array_agg(r._updated_at), array_agg(o._raw_data)
      FROM updated r
      JOIN previous o ON o.id = r.id
     WHERE o._raw_data IS DISTINCT FROM r._raw_data OR o._deleted_at IS DISTINCT FROM r._deleted_at
    HAVING count(*) > 0;
    RETURN NULL;
END
$$;

-- Turns the batches into entries, then numbers the entries that can be
-- numbered as 0018 did (see there), and prunes by the retention. Returns
-- the last position given. One numbering at a time.
CREATE OR REPLACE FUNCTION stripe_sync.sequence_changes()
RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET jit = off SET work_mem = '64MB' AS $$
DECLARE
    head stripe_sync.change_log;
    horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
    numbered bigint;
    cut bigint;
    tbl text;
    ids text[];
    raws jsonb[];
    cur_tables text[] := '{}';
    cur_ids text[] := '{}';
    cur_raws jsonb[] := '{}';
BEGIN
    SELECT * INTO head FROM stripe_sync.change_log FOR UPDATE;
    -- The captured batches become entries, in write order, each taking
    -- the event its transaction recorded for its object (the newest), if
    -- any: a backfill's or a repair's writes have none.
    WITH b AS (DELETE FROM stripe_sync.change_batches RETURNING *)
    INSERT INTO stripe_sync.changes (tx, account_id, table_name, object_id, op, version, source, event_id, written_at, old)
    SELECT b.tx, u.account_id, b.table_name, u.id, u.op, u.version, coalesce(ev.source, b.source), ev.id, b.written_at, u.old
      FROM b
     CROSS JOIN LATERAL unnest(b.account_ids, b.ids, b.ops, b.versions, b.olds)
           WITH ORDINALITY AS u (account_id, id, op, version, old, k)
      LEFT JOIN LATERAL (SELECT e.id, CASE e.source WHEN 'events' THEN 'catch_up' ELSE e.source END AS source
                           FROM stripe_sync.events e
                          WHERE b.source IS DISTINCT FROM 'backfill' AND b.source IS DISTINCT FROM 'repair'
                            AND e.object_id = u.id AND e.tx = b.tx
                          ORDER BY e.created DESC LIMIT 1) ev ON true
     ORDER BY b.n, u.k;
    -- The rows as they are now, for the last change of each: only rows with
    -- a captured previous object, of tables of the mirror.
    FOR tbl IN
        SELECT DISTINCT c.table_name FROM stripe_sync.changes c
         WHERE c.seq IS NULL AND c.tx < horizon AND c.old IS NOT NULL
           AND to_regclass(format('stripe.%I', c.table_name)) IS NOT NULL
    LOOP
        EXECUTE format('SELECT array_agg(m.id), array_agg(m._raw_data) FROM stripe.%I m
                         WHERE m.id IN (SELECT c.object_id FROM stripe_sync.changes c
                                         WHERE c.seq IS NULL AND c.table_name = $1 AND c.old IS NOT NULL)', tbl)
           INTO ids, raws USING tbl;
        IF ids IS NOT NULL THEN
            cur_tables := cur_tables || array_fill(tbl, ARRAY[cardinality(ids)]);
            cur_ids := cur_ids || ids;
            cur_raws := cur_raws || raws;
        END IF;
    END LOOP;
    WITH waiting AS (
        -- Per row, its first entry that cannot be numbered yet.
        SELECT w.table_name, w.object_id, min(w.n) AS n
          FROM stripe_sync.changes w WHERE w.seq IS NULL AND w.tx >= horizon
         GROUP BY w.table_name, w.object_id),
    u AS (
        -- Every visible entry not numbered yet (without its previous
        -- object, read once below); `ready` when it can be numbered.
        SELECT c.n, c.tx, c.table_name, c.object_id, c.op, c.columns, c.version, c.source, c.event_id,
               c.tx < horizon AND (w.n IS NULL OR c.n < w.n) AS ready
          FROM stripe_sync.changes c
          LEFT JOIN waiting w ON w.table_name = c.table_name AND w.object_id = c.object_id
         WHERE c.seq IS NULL),
    g AS (
        -- One group per transaction and row; most hold one entry.
        SELECT u.table_name, u.object_id, u.tx, min(u.n) AS first_n, bool_and(u.ready) AS ready,
               CASE WHEN count(*) = 1 THEN min(u.op) ELSE (array_agg(u.op ORDER BY u.n))[1] END AS first_op,
               CASE WHEN count(*) = 1 THEN min(u.op) ELSE (array_agg(u.op ORDER BY u.n DESC))[1] END AS last_op,
               CASE WHEN count(*) = 1 THEN min(u.columns::text)::jsonb
                    ELSE (array_agg(u.columns ORDER BY u.n))[1] END AS columns,
               CASE WHEN count(*) = 1 THEN min(u.version)
                    ELSE (array_agg(u.version ORDER BY u.n DESC))[1] END AS version,
               CASE WHEN count(*) = 1 THEN min(u.source)
                    ELSE (array_agg(u.source ORDER BY u.n DESC) FILTER (WHERE u.source IS NOT NULL))[1] END AS source,
               CASE WHEN count(*) = 1 THEN min(u.event_id)
                    ELSE (array_agg(u.event_id ORDER BY u.n DESC) FILTER (WHERE u.event_id IS NOT NULL))[1] END AS event_id,
               count(*) AS entries
          FROM u GROUP BY u.table_name, u.object_id, u.tx),
    d AS (
        SELECT g.*, lead(g.first_n) OVER w AS next_n
          FROM g WINDOW w AS (PARTITION BY g.table_name, g.object_id ORDER BY g.first_n)),
    described AS (
        SELECT d.table_name, d.object_id, d.tx, d.first_n, d.entries,
               head.last_seq + row_number() OVER (ORDER BY d.first_n) AS seq,
               CASE WHEN d.first_op = 'created' AND d.last_op <> 'deleted' THEN 'created' ELSE d.last_op END AS op,
               CASE WHEN d.first_op = 'created' OR o.old IS NULL THEN d.columns
                    WHEN (CASE WHEN d.next_n IS NOT NULL THEN nx.old ELSE now_.raw END) IS NULL THEN NULL
                    -- What the next version set differently, then what it dropped.
                    ELSE (SELECT coalesce(jsonb_object_agg(p.k, p.change), '{}'::jsonb) FROM (
                              SELECT b.k, jsonb_build_object('old', o.old -> b.k, 'new', b.v) AS change
                                FROM jsonb_each(CASE WHEN d.next_n IS NOT NULL THEN nx.old ELSE now_.raw END) AS b (k, v)
                               WHERE (o.old -> b.k) IS DISTINCT FROM b.v
                              UNION ALL
                              SELECT a.k, jsonb_build_object('old', o.old -> a.k, 'new', NULL)
                                FROM jsonb_object_keys(o.old) AS a (k)
                               WHERE NOT (CASE WHEN d.next_n IS NOT NULL THEN nx.old ELSE now_.raw END) ? a.k) p)
               END AS columns,
               d.version, d.source, d.event_id
          FROM d
          JOIN stripe_sync.changes o ON o.n = d.first_n AND o.seq IS NULL
          LEFT JOIN stripe_sync.changes nx ON nx.n = d.next_n AND nx.seq IS NULL
          LEFT JOIN unnest(cur_tables, cur_ids, cur_raws) AS now_ (table_name, id, raw)
            ON d.next_n IS NULL AND now_.table_name = d.table_name AND now_.id = d.object_id
         WHERE d.ready),
    merged AS (
        DELETE FROM stripe_sync.changes c USING described x
         WHERE x.entries > 1 AND c.seq IS NULL AND c.tx = x.tx AND c.table_name = x.table_name
           AND c.object_id = x.object_id AND c.n > x.first_n)
    UPDATE stripe_sync.changes c
       SET seq = x.seq, op = x.op, columns = x.columns, version = x.version,
           source = x.source, event_id = x.event_id, old = NULL
      FROM described x
     WHERE c.n = x.first_n AND c.seq IS NULL;
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
