-- stripe-sync bookkeeping, twelfth part: the change log captured in the
-- write, described after it (issue 34). 0017's triggers described each
-- change inside the writing statement: the changed properties of every row,
-- a ledger lookup for its event, and a merge with an earlier entry of the
-- same row. That cost webhook throughput about a fifth. Now the triggers
-- only capture, with one plain INSERT per statement: the row, its previous
-- `_raw_data`, and the event the transaction recorded for the object. The
-- numbering, which every reader runs (stripe_sync.sequence_changes), merges
-- a transaction's entries of one row into one, describes what changed
-- (`columns`), and forgets the previous object.
--
-- Order: entries are numbered in the order they were written (`n`), once
-- their transaction has ended before the oldest still running began. One
-- row's writes are serialized by its lock, so an entry waits while an
-- earlier entry of the same row cannot be numbered yet: a row's changes are
-- numbered in the order they were made, and each is described against the
-- row's next entry (its previous object) or, for the last, the row itself.
--
-- Safe inside one transaction; every statement is idempotent.

-- The row's `_raw_data` before an update or delete, kept until the entry is
-- numbered and described.
ALTER TABLE stripe_sync.changes ADD COLUMN IF NOT EXISTS old jsonb;

-- Unnumbered entries are found in write order; a row's second write in one
-- transaction is a second entry, merged when numbered.
DROP INDEX IF EXISTS stripe_sync.changes_unnumbered_key;
CREATE INDEX IF NOT EXISTS changes_unnumbered_idx ON stripe_sync.changes (n) WHERE seq IS NULL;
-- Positions are unique once given; entries not numbered yet stay out of
-- the index, so a capture updates one index, not two.
ALTER TABLE stripe_sync.changes DROP CONSTRAINT IF EXISTS changes_seq_key;
CREATE UNIQUE INDEX IF NOT EXISTS changes_seq_idx ON stripe_sync.changes (seq) WHERE seq IS NOT NULL;

-- The source of a transaction that names none (as 0017), and the events it
-- records: `stripe_sync.change_events` maps each object id to its newest
-- pending event, [id, source, created], for the capture triggers to read
-- without a lookup per row. Once per statement on the ledger.
CREATE OR REPLACE FUNCTION stripe_sync._note_event_source()
RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM recorded r WHERE r.outcome = 'pending') THEN
        RETURN NULL;
    END IF;
    IF coalesce(current_setting('stripe_sync.change_source', true), '') = '' THEN
        PERFORM set_config('stripe_sync.change_source', s, true)
           FROM (SELECT CASE r.source WHEN 'events' THEN 'catch_up' ELSE r.source END AS s
                   FROM recorded r WHERE r.outcome = 'pending' LIMIT 1) first;
    END IF;
    PERFORM set_config('stripe_sync.change_events', m.events::text, true)
       FROM (SELECT jsonb_object_agg(x.k, x.v) AS events
               FROM (SELECT DISTINCT ON (y.k) y.k, y.v
                       FROM (SELECT e.key AS k, e.value AS v
                               FROM jsonb_each(coalesce(nullif(current_setting('stripe_sync.change_events', true), '')::jsonb,
                                                        '{}'::jsonb)) AS e
                             UNION ALL
                             SELECT r.object_id, jsonb_build_array(r.id,
                                        CASE r.source WHEN 'events' THEN 'catch_up' ELSE r.source END,
                                        extract(epoch FROM r.created))
                               FROM recorded r
                              WHERE r.outcome = 'pending' AND r.object_id IS NOT NULL) y
                      ORDER BY y.k, (y.v ->> 2)::numeric DESC) x) m
      WHERE m.events IS NOT NULL;
    RETURN NULL;
END
$$;

-- The events the transaction recorded, by object id (see above); none for
-- a backfill's or a repair's writes, which no event caused.
CREATE OR REPLACE FUNCTION stripe_sync._change_events(src text)
RETURNS jsonb LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN src IN ('backfill', 'repair') THEN NULL
                ELSE nullif(current_setting('stripe_sync.change_events', true), '')::jsonb END
$$;

-- Rows the mirror gained: created, or deleted when the first thing known of
-- an object is its deletion.
CREATE OR REPLACE FUNCTION stripe_sync._log_inserts()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    src text := stripe_sync._change_source();
    evs jsonb := stripe_sync._change_events(src);
BEGIN
    INSERT INTO stripe_sync.changes (account_id, table_name, object_id, op, version, source, event_id)
    SELECT r._account_id, TG_TABLE_NAME, r.id,
           CASE WHEN r._deleted_at IS NULL THEN 'created' ELSE 'deleted' END, r._updated_at,
           coalesce(evs -> r.id ->> 1, src), evs -> r.id ->> 0
      FROM inserted r ORDER BY r.id;
    RETURN NULL;
END
$$;

-- Rows that changed: updated, or deleted when the row was live before,
-- with the object before the change.
CREATE OR REPLACE FUNCTION stripe_sync._log_updates()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    src text := stripe_sync._change_source();
    evs jsonb := stripe_sync._change_events(src);
BEGIN
    INSERT INTO stripe_sync.changes (account_id, table_name, object_id, op, version, source, event_id, old)
    SELECT r._account_id, TG_TABLE_NAME, r.id,
           CASE WHEN r._deleted_at IS NOT NULL AND o._deleted_at IS NULL THEN 'deleted' ELSE 'updated' END,
           r._updated_at, coalesce(evs -> r.id ->> 1, src), evs -> r.id ->> 0, o._raw_data
      FROM updated r
      JOIN previous o ON o.id = r.id
     WHERE o._raw_data IS DISTINCT FROM r._raw_data OR o._deleted_at IS DISTINCT FROM r._deleted_at
     ORDER BY r.id;
    RETURN NULL;
END
$$;

-- Numbers the entries that can be numbered (see the top), merging a
-- transaction's entries of one row into its first (the first `old`, the
-- last op, version, source and event; `created` while the first was a
-- creation not followed by a deletion), describing each, then prunes by
-- the retention. Returns the last position given. One numbering at a time.
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
