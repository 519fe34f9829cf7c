-- stripe-sync bookkeeping, thirteenth part: the SQL path's check for planted
-- triggers, done once per change of the triggers rather than on every call.
--
-- process_webhook and apply_event write as the tables' owner, so each one
-- first refuses while a trigger on the mirror runs a function the owner does
-- not own (migration 0013, `_foreign_trigger`). That check joins pg_trigger
-- with pg_depend and cost about 2.5 ms a call with the change log's 240
-- triggers per mirror: the SQL path's events/s fell to a third. Now a call
-- reads a fingerprint of pg_trigger (its rows' count, ids, functions and row
-- versions: a trigger created, dropped, or replaced in place by CREATE OR
-- REPLACE TRIGGER changes it) and runs the full check only when it differs
-- from the last one that passed. Nothing the check reads besides pg_trigger
-- can change without the owner: who owns a table or a function.
--
-- Safe inside one transaction; idempotent.

-- The fingerprint of pg_trigger the last passing check saw (one row).
CREATE TABLE IF NOT EXISTS stripe_sync.trigger_check (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    fingerprint text NOT NULL,
    checked_at  timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON stripe_sync.trigger_check FROM PUBLIC;
INSERT INTO stripe_sync.trigger_check (fingerprint) VALUES ('')
ON CONFLICT (only_row) DO NOTHING;

-- pg_trigger's rows, summed: any trigger created, dropped or rewritten in
-- the database changes it (xmin: CREATE OR REPLACE TRIGGER keeps the row's
-- oid and writes a new version of it).
-- (plpgsql: its plan is kept for the session, where a SQL function with a
-- SET clause is planned on every call: 0.15 ms more a call.)
CREATE OR REPLACE FUNCTION stripe_sync._trigger_fingerprint()
RETURNS text LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN (SELECT count(*) || ':' || coalesce(sum(oid::int8), 0) || ':' || coalesce(sum(tgfoid::int8), 0)
                   || ':' || coalesce(sum(xmin::text::int8), 0)
              FROM pg_trigger);
END
$$;

-- Refuses (SW500: a setup error, Stripe retries) while a planted trigger
-- would run as the writer; see _foreign_trigger. The full check runs only
-- when pg_trigger changed since the last that passed; a passing check
-- records what it saw unless another transaction is recording (SKIP LOCKED:
-- no call waits on another's transaction, and none can deadlock on it).
CREATE OR REPLACE FUNCTION stripe_sync._refuse_foreign_triggers()
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    seen text := stripe_sync._trigger_fingerprint();
    problem text;
BEGIN
    IF EXISTS (SELECT 1 FROM stripe_sync.trigger_check WHERE fingerprint = seen) THEN
        RETURN;
    END IF;
    problem := stripe_sync._foreign_trigger();
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'refusing to write the mirror: %', problem USING ERRCODE = 'SW500',
            HINT = 'a trigger runs as whoever writes the row: drop it, and keep TRIGGER on the mirror to its owner (stripe-sync migrate revokes it)';
    END IF;
    UPDATE stripe_sync.trigger_check SET fingerprint = seen, checked_at = now()
     WHERE only_row IN (SELECT only_row FROM stripe_sync.trigger_check FOR UPDATE SKIP LOCKED);
END
$$;
