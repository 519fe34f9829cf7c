-- stripe-sync bookkeeping, fourteenth part: the helpers every event calls,
-- planned once per session (issue 34).
--
-- A LANGUAGE sql function with a SET clause is never inlined, and PostgreSQL
-- plans its query again on every call: `SELECT stripe_sync._change_source()`
-- cost 35 µs more than `SELECT 1`, and each event through the SQL path calls
-- such helpers about six times (the change log's two capture triggers call
-- two each; the event's summary and head checks one each), `serve` once per
-- statement. As plpgsql they keep their plans for the session. Same
-- signatures, same results; the search path stays pinned.
--
-- Safe inside one transaction; idempotent.

-- The source a writer named for its transaction (`stripe_sync.change_source`).
CREATE OR REPLACE FUNCTION stripe_sync._change_source()
RETURNS text LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN nullif(current_setting('stripe_sync.change_source', true), '');
END
$$;

-- The events the transaction recorded, by object id (see 0018); none for
-- a backfill's or a repair's writes, which no event caused.
CREATE OR REPLACE FUNCTION stripe_sync._change_events(src text)
RETURNS jsonb LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF src IN ('backfill', 'repair') THEN
        RETURN NULL;
    END IF;
    RETURN nullif(current_setting('stripe_sync.change_events', true), '')::jsonb;
END
$$;

-- Whether an object has the head (id, object, created, deleted of the
-- types the runtime reads them with); see 0013.
CREATE OR REPLACE FUNCTION stripe_sync._head_ok(o jsonb)
RETURNS boolean LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN jsonb_typeof(o) = 'object'
       AND coalesce(jsonb_typeof(o -> 'id'), 'null') IN ('null', 'string')
       AND coalesce(jsonb_typeof(o -> 'object'), 'null') IN ('null', 'string')
       AND coalesce(jsonb_typeof(o -> 'created'), 'null') IN ('null', 'number')
       AND coalesce(jsonb_typeof(o -> 'deleted'), 'null') IN ('null', 'boolean');
END
$$;

-- The summary description of an object string, when its items have a
-- table with an owner column (all fields NULL otherwise, as 0013's NULL
-- reads to its callers).
CREATE OR REPLACE FUNCTION stripe_sync._summary_of(object text)
RETURNS stripe_sync.sql_summaries LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    found stripe_sync.sql_summaries;
BEGIN
    SELECT s.* INTO found FROM stripe_sync.sql_summaries s
      JOIN stripe_sync.sql_resources r ON r.object = s.item_object AND r.owner_column IS NOT NULL
     WHERE s.object = _summary_of.object;
    RETURN found;
END
$$;
