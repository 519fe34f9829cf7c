-- stripe-sync bookkeeping, seventh part: privileges. The mirror (schema
-- stripe) holds only mirrored data, which an app may read; everything the
-- engine keeps for itself lives in schema stripe_sync, which is never to be
-- exposed: the webhook secrets, the event ledger and its rejections, the
-- cursors, runs, accounts, work queue and workers, list memberships, the
-- registry the SQL entry points route with, the quarantine and (moved by
-- the runtime's migrate, see runtime/src/migrate.rs) sqlx's own
-- _sqlx_migrations. Each internal schema is named after its mirror
-- (stripe -> stripe_sync): two mirrors in one database share nothing.
--
-- * No SQL text is kept in a table and executed: the registry keeps data
--   only (which table an object goes to, its owner column, its embedded
--   lists); the statements are static, in generated functions
--   (stripe_sync._upsert, _delete, _row_version, _set_owner,
--   _delete_missing_owned, _record_members, _delete_missing_children),
--   which this migration creates for the pinned API version and every
--   later version's migration replaces.
-- * Nothing in stripe_sync is usable by PUBLIC: no USAGE on the schema, no
--   EXECUTE on its functions. stripe_sync.process_webhook runs as its owner
--   (SECURITY DEFINER, search_path pinned), so that the Edge Function's
--   login role may execute it and nothing else.
-- * A session setting can only tighten what process_webhook checks (the
--   tolerance, the body limit), never widen it.
-- * Roles (NOLOGIN, created where the migrating role may create roles; the
--   statements are printed by `stripe-sync migrate` otherwise):
--     stripe_sync_reader  SELECT on the mirrored tables, nothing else
--     stripe_sync_writer  what `serve`, `sync`, `backfill` and the workers
--                         need: DML on both schemas, EXECUTE on stripe_sync
--   The Edge Function's login role, stripe_sync_webhook, is created by
--   `stripe-sync supabase install`. stripe_sync.grant_privileges() (re)grants
--   each role that exists, and takes TRIGGER on the mirrored tables from
--   every role but their owner (a trigger runs as whoever writes the row,
--   and the webhook path writes as the owner); `stripe-sync migrate` calls
--   it after every run, so tables of later versions are covered too.
--
-- Existing databases keep everything: the tables move with their rows,
-- indexes, sequences and constraints (ALTER TABLE ... SET SCHEMA), under
-- their old names without the leading underscore.
--
-- Safe inside one transaction; every statement is idempotent.

CREATE SCHEMA IF NOT EXISTS stripe_sync;
REVOKE ALL ON SCHEMA stripe_sync FROM PUBLIC;

-- The entry points and helpers of 0011 and 0012 that lived in stripe (and
-- executed SQL text from the registry) go; their static successors are
-- created in stripe_sync below.
DROP FUNCTION IF EXISTS stripe.process_webhook(bytea, text);
DROP FUNCTION IF EXISTS stripe.apply_event(jsonb);
DROP FUNCTION IF EXISTS stripe.add_webhook_secret(text, text);
DROP FUNCTION IF EXISTS stripe._apply_event(jsonb, text, text, text);
DROP FUNCTION IF EXISTS stripe._apply_object(stripe._sql_resources, jsonb, text, text, timestamptz, boolean);
DROP FUNCTION IF EXISTS stripe._apply_summary(stripe._sql_summaries, jsonb, text, timestamptz, text);
DROP FUNCTION IF EXISTS stripe._event_problem(jsonb);
DROP FUNCTION IF EXISTS stripe._summary_of(text);
DROP FUNCTION IF EXISTS stripe._head_ok(jsonb);
DROP FUNCTION IF EXISTS stripe._hmac_sha256(bytea, bytea);

-- The engine's tables move, rows, indexes, sequences and constraints and
-- all, and lose their leading underscore. Where the destination exists
-- already (an earlier migration run again by hand re-created the table in
-- stripe), the re-created table goes if it is empty or is the registry
-- (which this migration refills); one holding data stops the migration
-- rather than lose or mix rows.
DO $$
DECLARE
    m text[];
    held boolean;
BEGIN
    FOREACH m SLICE 1 IN ARRAY ARRAY[
        ['_events', 'events', 'data'],
        ['_webhook_rejections', 'webhook_rejections', 'data'],
        ['_webhook_secrets', 'webhook_secrets', 'data'],
        ['_managed_webhooks', 'managed_webhooks', 'data'],
        ['_sync_state', 'sync_state', 'data'],
        ['_sync_runs', 'sync_runs', 'data'],
        ['_sync_run_objects', 'sync_run_objects', 'data'],
        ['_list_members', 'list_members', 'data'],
        ['_accounts', 'accounts', 'data'],
        ['_sync_accounts', 'sync_accounts', 'data'],
        ['_sync_work', 'sync_work', 'data'],
        ['_sync_workers', 'sync_workers', 'data'],
        ['_sql_resources', 'sql_resources', 'registry'],
        ['_sql_embedded_lists', 'sql_embedded_lists', 'registry'],
        ['_sql_event_types', 'sql_event_types', 'registry'],
        ['_sql_summaries', 'sql_summaries', 'registry']
    ] LOOP
        CONTINUE WHEN to_regclass(format('stripe.%I', m[1])) IS NULL;
        IF to_regclass(format('stripe_sync.%I', m[2])) IS NULL THEN
            EXECUTE format('ALTER TABLE stripe.%I SET SCHEMA stripe_sync', m[1]);
            EXECUTE format('ALTER TABLE stripe_sync.%I RENAME TO %I', m[1], m[2]);
        ELSE
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM stripe.%I)', m[1]) INTO held;
            IF held AND m[3] = 'data' THEN
                RAISE EXCEPTION 'both stripe.% and stripe_sync.% hold rows', m[1], m[2]
                    USING HINT = 'stripe_sync.' || m[2] || ' is the table in use; move what stripe.' || m[1]
                                 || ' holds into it (or drop it), then migrate again';
            END IF;
            EXECUTE format('DROP TABLE stripe.%I CASCADE', m[1]);
        END IF;
    END LOOP;
END
$$;

-- The registry keeps no SQL text: the statements are the generated
-- functions' (see the end of this migration).
ALTER TABLE stripe_sync.sql_resources DROP COLUMN IF EXISTS owner_set_sql, DROP COLUMN IF EXISTS owner_missing_sql;
ALTER TABLE stripe_sync.sql_embedded_lists DROP COLUMN IF EXISTS missing_sql, DROP COLUMN IF EXISTS record_sql;

-- The engine's roles; where the migrating role may not create roles, the
-- migration still succeeds and `stripe-sync migrate` prints the statements.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'stripe_sync_reader') THEN
        CREATE ROLE stripe_sync_reader NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN
    RAISE NOTICE 'role stripe_sync_reader not created (%)', SQLERRM;
END
$$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'stripe_sync_writer') THEN
        CREATE ROLE stripe_sync_writer NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN
    RAISE NOTICE 'role stripe_sync_writer not created (%)', SQLERRM;
END
$$;

-- Adds (or re-points) a secret process_webhook accepts.
CREATE OR REPLACE FUNCTION stripe_sync.add_webhook_secret(secret text, account_id text DEFAULT NULL)
RETURNS void LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO stripe_sync.webhook_secrets (secret, account_id) VALUES ($1, $2)
    ON CONFLICT ON CONSTRAINT _webhook_secrets_pkey DO UPDATE SET account_id = EXCLUDED.account_id
$$;

-- HMAC-SHA256 with pgcrypto, wherever its schema is (`extensions` on
-- Supabase), called schema-qualified.
CREATE OR REPLACE FUNCTION stripe_sync._hmac_sha256(data bytea, key bytea)
RETURNS bytea LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ext_schema name;
    mac bytea;
BEGIN
    SELECT n.nspname INTO ext_schema
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pgcrypto';
    IF ext_schema IS NULL THEN
        RAISE EXCEPTION 'stripe_sync.process_webhook needs the pgcrypto extension, which this database does not have'
            USING ERRCODE = '0A000',
                  HINT = 'CREATE EXTENSION pgcrypto WITH SCHEMA extensions; (on Supabase: Database > Extensions > pgcrypto)';
    END IF;
    EXECUTE format('SELECT %I.hmac($1, $2, %L)', ext_schema, 'sha256') INTO mac USING data, key;
    RETURN mac;
END
$$;

-- Whether an object's head (id, object, created, deleted) has the types
-- the runtime reads it with; an object that has not is skipped or refused.
CREATE OR REPLACE FUNCTION stripe_sync._head_ok(o jsonb)
RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT jsonb_typeof(o) = 'object'
       AND coalesce(jsonb_typeof(o -> 'id'), 'null') IN ('null', 'string')
       AND coalesce(jsonb_typeof(o -> 'object'), 'null') IN ('null', 'string')
       AND coalesce(jsonb_typeof(o -> 'created'), 'null') IN ('null', 'number')
       AND coalesce(jsonb_typeof(o -> 'deleted'), 'null') IN ('null', 'boolean')
$$;

-- The summary description of an object string, when its items have a
-- table with an owner column (else the summary is not applied as one).
CREATE OR REPLACE FUNCTION stripe_sync._summary_of(object text)
RETURNS stripe_sync.sql_summaries LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT s.* FROM stripe_sync.sql_summaries s
      JOIN stripe_sync.sql_resources r ON r.object = s.item_object AND r.owner_column IS NOT NULL
     WHERE s.object = $1
$$;

-- Why `ev` is not a Stripe event the runtime can read; NULL when it is.
CREATE OR REPLACE FUNCTION stripe_sync._event_problem(ev jsonb)
RETURNS text LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    obj jsonb;
    sm stripe_sync.sql_summaries;
    list jsonb;
BEGIN
    IF jsonb_typeof(ev) IS DISTINCT FROM 'object' THEN
        RETURN 'not a Stripe event: not a JSON object';
    END IF;
    IF jsonb_typeof(ev -> 'id') IS DISTINCT FROM 'string' THEN
        RETURN 'not a Stripe event: no string id';
    END IF;
    IF jsonb_typeof(ev -> 'type') IS DISTINCT FROM 'string' THEN
        RETURN 'not a Stripe event: no string type';
    END IF;
    IF jsonb_typeof(ev -> 'created') IS DISTINCT FROM 'number'
       OR (ev ->> 'created') !~ '^-?[0-9]{1,19}$'
       OR (ev ->> 'created')::numeric NOT BETWEEN -9223372036854775808 AND 9223372036854775807 THEN
        RETURN 'not a Stripe event: created is not a 64-bit integer';
    END IF;
    IF coalesce(jsonb_typeof(ev -> 'api_version'), 'null') NOT IN ('null', 'string')
       OR coalesce(jsonb_typeof(ev -> 'account'), 'null') NOT IN ('null', 'string')
       OR coalesce(jsonb_typeof(ev -> 'livemode'), 'null') NOT IN ('null', 'boolean') THEN
        RETURN 'not a Stripe event: api_version, account or livemode of the wrong type';
    END IF;
    IF jsonb_typeof(ev -> 'data') IS DISTINCT FROM 'object' OR NOT (ev -> 'data') ? 'object' THEN
        RETURN 'not a Stripe event: no data.object';
    END IF;
    obj := ev -> 'data' -> 'object';
    IF NOT stripe_sync._head_ok(obj) THEN
        RETURN format('event %s: data.object: id, object, created or deleted of the wrong type', ev ->> 'id');
    END IF;
    -- A summary (an owner's complete list of items) must name its owner and
    -- hold its list, each item with an id.
    sm := stripe_sync._summary_of(obj ->> 'object');
    IF sm.object IS NOT NULL THEN
        IF jsonb_typeof(obj -> sm.owner_field) IS DISTINCT FROM 'string' THEN
            RETURN format('event %s: data.object: a %s without a %s id', ev ->> 'id', sm.object, sm.owner_field);
        END IF;
        list := obj -> sm.list_field;
        IF list IS NULL THEN
            RETURN format('event %s: data.object: a %s without its %s list', ev ->> 'id', sm.object, sm.list_field);
        END IF;
        IF jsonb_typeof(list -> 'data') IS DISTINCT FROM 'array' THEN
            RETURN format('event %s: data.object: %s.%s has no data array', ev ->> 'id', sm.object, sm.list_field);
        END IF;
        IF EXISTS (SELECT 1 FROM jsonb_array_elements(list -> 'data') AS i (v)
                    WHERE jsonb_typeof(i.v -> 'id') IS DISTINCT FROM 'string') THEN
            RETURN format('event %s: data.object: an item of %s.%s has no id', ev ->> 'id', sm.object, sm.list_field);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- Writes one object and its embedded lists' children; returns the outcome.
CREATE OR REPLACE FUNCTION stripe_sync._apply_object(
    res stripe_sync.sql_resources, obj jsonb, obj_id text, account text,
    version timestamptz, is_delete boolean)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    fld text;
    lst jsonb;
    entries stripe_sync.sql_embedded_lists[];
    e stripe_sync.sql_embedded_lists;
    items jsonb[];
    kids text[];
    ids text[];
    complete boolean;
    n bigint;
    children_deleted bigint := 0;
    stored timestamptz[];
    updated timestamptz;
    deleted timestamptz;
BEGIN
    IF NOT is_delete AND EXISTS (SELECT 1 FROM stripe_sync.sql_embedded_lists WHERE parent_object = res.object)
       AND position('"list"' IN obj::text) > 0 THEN
        FOR fld IN SELECT l.field FROM stripe_sync.sql_embedded_lists l
                    WHERE l.parent_object = res.object
                    GROUP BY l.field ORDER BY min(l.position) LOOP
            lst := obj #> string_to_array(fld, '.');
            -- A list envelope: an object whose data, has_more and url (when
            -- present) have a list's types; anything else proves nothing.
            CONTINUE WHEN lst IS NULL OR jsonb_typeof(lst) <> 'object'
                OR (lst ? 'data' AND jsonb_typeof(lst -> 'data') <> 'array')
                OR (lst ? 'has_more' AND jsonb_typeof(lst -> 'has_more') <> 'boolean')
                OR coalesce(jsonb_typeof(lst -> 'url'), 'null') NOT IN ('null', 'string');
            complete := NOT coalesce((lst ->> 'has_more')::boolean, false);
            SELECT array_agg(l ORDER BY l.position) INTO entries
              FROM stripe_sync.sql_embedded_lists l
              JOIN stripe_sync.sql_resources r ON r.object = l.item_object
             WHERE l.parent_object = res.object AND l.field = fld;
            CONTINUE WHEN entries IS NULL;
            SELECT coalesce(array_agg(i.v ORDER BY i.n), '{}') INTO items
              FROM jsonb_array_elements(coalesce(lst -> 'data', '[]')) WITH ORDINALITY AS i (v, n)
             WHERE stripe_sync._head_ok(i.v);
            FOREACH e IN ARRAY entries LOOP
                SELECT coalesce(array_agg(x::text ORDER BY k), '{}'),
                       coalesce(array_agg(x ->> 'id' ORDER BY k) FILTER (WHERE x ->> 'id' IS NOT NULL), '{}')
                  INTO kids, ids
                  FROM unnest(items) WITH ORDINALITY AS u (x, k)
                 WHERE cardinality(entries) = 1 OR x ->> 'object' = e.item_object;
                IF cardinality(kids) > 0 THEN
                    PERFORM stripe_sync._upsert(
                        (SELECT r.table_name FROM stripe_sync.sql_resources r WHERE r.object = e.item_object),
                        kids, array_fill(account, ARRAY[cardinality(kids)]),
                        array_fill(version, ARRAY[cardinality(kids)]));
                END IF;
                IF cardinality(ids) > 0 THEN
                    PERFORM stripe_sync._record_members(account, array_fill(obj_id, ARRAY[cardinality(ids)]), ids,
                                                        e.parent_object, e.position);
                END IF;
                IF complete AND e.complete THEN
                    children_deleted := children_deleted
                        + stripe_sync._delete_missing_children(account, ARRAY[obj_id], ids, version,
                                                               e.parent_object, e.position);
                END IF;
            END LOOP;
        END LOOP;
    END IF;
    IF is_delete THEN
        n := stripe_sync._delete(res.table_name, ARRAY[obj::text], ARRAY[account], ARRAY[version]);
    ELSE
        n := stripe_sync._upsert(res.table_name, ARRAY[obj::text], ARRAY[account], ARRAY[version]);
    END IF;
    IF n + children_deleted > 0 THEN
        RETURN 'applied';
    END IF;
    stored := stripe_sync._row_version(res.table_name, obj_id);
    updated := stored[1];
    deleted := stored[2];
    IF deleted IS NOT NULL AND NOT is_delete THEN
        RETURN 'stale';
    ELSIF deleted IS NULL AND updated > version THEN
        RETURN 'stale';
    END IF;
    RETURN 'unchanged';
END
$$;

-- Writes a summary's items for their owner; a complete list soft-deletes
-- the owner's items it no longer holds, a truncated one is left pending.
CREATE OR REPLACE FUNCTION stripe_sync._apply_summary(
    sm stripe_sync.sql_summaries, obj jsonb, account text, version timestamptz, event_id text)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    res stripe_sync.sql_resources;
    owner_id text := obj ->> sm.owner_field;
    list jsonb := obj -> sm.list_field;
    items text[];
    ids text[];
    written bigint := 0;
    deleted bigint := 0;
BEGIN
    SELECT * INTO res FROM stripe_sync.sql_resources WHERE object = sm.item_object;
    SELECT coalesce(array_agg(i.v::text ORDER BY i.n), '{}'), coalesce(array_agg(i.v ->> 'id' ORDER BY i.n), '{}')
      INTO items, ids
      FROM jsonb_array_elements(list -> 'data') WITH ORDINALITY AS i (v, n);
    IF cardinality(items) > 0 THEN
        written := stripe_sync._upsert(res.table_name, items, array_fill(account, ARRAY[cardinality(items)]),
                                       array_fill(version, ARRAY[cardinality(items)]));
    END IF;
    PERFORM stripe_sync._set_owner(owner_id, ids, account, res.table_name);
    IF jsonb_typeof(list -> 'has_more') = 'boolean' AND (list ->> 'has_more')::boolean THEN
        UPDATE stripe_sync.events
           SET reason = format('pending: the list holds %s items and has more; the rest of %s''s is listed from the API by `stripe-sync sync`, and none is soft-deleted until then',
                               cardinality(items), owner_id)
         WHERE id = event_id;
    ELSE
        deleted := stripe_sync._delete_missing_owned(account, owner_id, ids, version, res.table_name);
    END IF;
    RETURN CASE WHEN written + deleted > 0 THEN 'applied' ELSE 'unchanged' END;
END
$$;

-- Records an event in _events and applies it. `source` is what the ledger
-- records (webhook, sql); `endpoint_account` the account whose own endpoint
-- signed it (an event naming no account is that account's); `platform` the
-- account whose endpoint (its own or its Connect one) received it.
CREATE OR REPLACE FUNCTION stripe_sync._apply_event(ev jsonb, source text, endpoint_account text, platform text)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    obj jsonb := ev -> 'data' -> 'object';
    ev_id text := ev ->> 'id';
    ev_type text := ev ->> 'type';
    -- A time no timestamp can hold is read as now, as the Rust path reads it.
    version timestamptz := CASE WHEN (ev ->> 'created')::bigint BETWEEN -210000000000 AND 8210298412799
                                THEN to_timestamp((ev ->> 'created')::bigint) ELSE now() END;
    obj_type text := CASE jsonb_typeof(obj -> 'object') WHEN 'string' THEN obj ->> 'object' END;
    obj_id text := CASE jsonb_typeof(obj -> 'id') WHEN 'string' THEN obj ->> 'id' END;
    account text := CASE jsonb_typeof(ev -> 'account') WHEN 'string' THEN ev ->> 'account' END;
    route stripe_sync.sql_event_types;
    res stripe_sync.sql_resources;
    sm stripe_sync.sql_summaries;
    fresh text;
    result text;
    is_delete boolean;
    revoked text;
BEGIN
    account := coalesce(account, endpoint_account);
    IF account IS NULL THEN
        -- The one account this database mirrors, once known.
        SELECT min(a.account_id) INTO account FROM stripe_sync.accounts a HAVING count(DISTINCT a.account_id) = 1;
    END IF;
    SELECT * INTO route FROM stripe_sync.sql_event_types WHERE name = ev_type;
    SELECT * INTO res FROM stripe_sync.sql_resources WHERE object = obj_type;
    IF res.object IS NULL AND route.table_name IS NOT NULL THEN
        SELECT * INTO res FROM stripe_sync.sql_resources WHERE table_name = route.table_name;
    END IF;
    is_delete := coalesce((obj -> 'deleted') = 'true'::jsonb, false) OR coalesce(route.is_delete, false);

    INSERT INTO stripe_sync.events (id, type, created, api_version, account_id, livemode, object_type, object_id, source, outcome, _raw_data)
    VALUES (ev_id, ev_type, version,
            CASE jsonb_typeof(ev -> 'api_version') WHEN 'string' THEN ev ->> 'api_version' END,
            coalesce(account, ''),
            CASE jsonb_typeof(ev -> 'livemode') WHEN 'boolean' THEN (ev ->> 'livemode')::boolean END,
            obj_type, obj_id, source, 'pending', ev)
    ON CONFLICT (id) DO UPDATE SET received_at = now(), source = EXCLUDED.source, outcome = 'pending', reason = NULL,
        account_id = EXCLUDED.account_id
    WHERE stripe_sync.events.outcome IN ('failed', 'unattributed')
    RETURNING id INTO fresh;
    IF fresh IS NULL THEN
        RETURN 'duplicate';
    END IF;

    sm := stripe_sync._summary_of(obj_type);
    IF account IS NULL THEN
        result := 'unattributed';
    ELSIF sm.object IS NOT NULL THEN
        result := stripe_sync._apply_summary(sm, obj, account, version, ev_id);
    ELSIF res.object IS NULL THEN
        result := 'no_table';
    ELSIF obj_id IS NULL THEN
        result := 'no_id';
    ELSE
        result := stripe_sync._apply_object(res, obj, obj_id, account, version, is_delete);
    END IF;
    UPDATE stripe_sync.events SET outcome = result, processed_at = now() WHERE id = ev_id;

    -- A connected account that revoked the platform's access is no longer
    -- synced (its rows stay), as `serve` marks it.
    IF ev_type = 'account.application.deauthorized' AND coalesce(account, '') <> ''
       AND NOT EXISTS (SELECT 1 FROM stripe_sync.accounts a WHERE a.account_id = account) THEN
        revoked := format('access revoked: account.application.deauthorized (%s)', ev_id);
        INSERT INTO stripe_sync.sync_accounts (account_id, key_id, connected, state, reason)
        VALUES (account,
                coalesce((SELECT a.key_id FROM stripe_sync.accounts a WHERE a.account_id = platform LIMIT 1), ''),
                true, 'revoked', revoked)
        ON CONFLICT (account_id) DO UPDATE SET state = 'revoked', reason = EXCLUDED.reason, changed_at = now()
         WHERE stripe_sync.sync_accounts.state <> 'revoked';
        UPDATE stripe_sync.sync_work SET state = 'cancelled', finished_at = now(), error = revoked
         WHERE account_id = account AND state IN ('pending', 'running');
    END IF;
    RETURN result;
END
$$;

-- Why no event may be written now, or NULL: a trigger on a table of the
-- mirror or of stripe_sync depends on a function (its own, or one in its
-- WHEN clause) that the table's owner does not own. Such a trigger was
-- planted by a role granted TRIGGER (GRANT ALL, say, after the last
-- `migrate`, which revokes it), and process_webhook writes as the owner.
-- (plpgsql: its plan is cached for the session, where a SQL function with
-- a SET clause is planned again on every call.)
CREATE OR REPLACE FUNCTION stripe_sync._foreign_trigger()
RETURNS text LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN (SELECT format('trigger %s on %s runs %s, owned by %s rather than by the table''s owner %s',
                  quote_ident(t.tgname), c.oid::regclass, p.oid::regprocedure,
                  pg_get_userbyid(p.proowner), pg_get_userbyid(c.relowner))
      FROM pg_trigger t
      JOIN pg_class c ON c.oid = t.tgrelid
      JOIN pg_depend d ON d.classid = 'pg_trigger'::regclass AND d.objid = t.oid
                      AND d.refclassid = 'pg_proc'::regclass
      JOIN pg_proc p ON p.oid = d.refobjid
     WHERE c.relnamespace IN ('stripe'::regnamespace, 'stripe_sync'::regnamespace)
       AND NOT t.tgisinternal AND p.proowner <> c.relowner
     LIMIT 1);
END
$$;

-- Refuses (SW500: a setup error, Stripe retries) while a planted trigger
-- would run as the writer; see _foreign_trigger.
CREATE OR REPLACE FUNCTION stripe_sync._refuse_foreign_triggers()
RETURNS void LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    problem text := stripe_sync._foreign_trigger();
BEGIN
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'refusing to write the mirror: %', problem USING ERRCODE = 'SW500',
            HINT = 'a trigger runs as whoever writes the row: drop it, and keep TRIGGER on the mirror to its owner (stripe-sync migrate revokes it)';
    END IF;
END
$$;

-- Records and applies an event already trusted (fetched from the API, or
-- verified by the caller). Raises SW400 for a body that is not an event.
CREATE OR REPLACE FUNCTION stripe_sync.apply_event(event jsonb)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    problem text := stripe_sync._event_problem(event);
BEGIN
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '%', problem USING ERRCODE = 'SW400';
    END IF;
    PERFORM stripe_sync._refuse_foreign_triggers();
    RETURN stripe_sync._apply_event(event, 'sql', NULL, NULL);
END
$$;


-- Keeps a signed body that is not an event (or not acceptable): `raw` its
-- bytes (hashed), `shown` the text kept.
CREATE OR REPLACE FUNCTION stripe_sync.reject_webhook(raw bytea, reason text, shown text)
RETURNS void LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO stripe_sync.webhook_rejections AS r (reason, body, body_sha256, last_received_at)
    VALUES ($2, $3, sha256($1), now())
    ON CONFLICT (body_sha256) DO UPDATE SET count = r.count + 1, last_received_at = now(), reason = EXCLUDED.reason
$$;

-- Quarantines an event (its storable JSON text `body`) and records it in
-- the ledger as 'quarantined' where the ledger can hold it, so that a
-- redelivery is a duplicate. Returns 'quarantined'.
CREATE OR REPLACE FUNCTION stripe_sync.quarantine_event(body text, source text, account text, state text, reason text)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ev jsonb;
    obj jsonb;
    ev_id text;
BEGIN
    BEGIN
        ev := body::jsonb;
    EXCEPTION WHEN OTHERS THEN
        ev := NULL;
    END;
    obj := ev -> 'data' -> 'object';
    ev_id := CASE jsonb_typeof(ev -> 'id') WHEN 'string' THEN ev ->> 'id' END;
    PERFORM stripe_sync.quarantine('event', body, source, account,
        CASE jsonb_typeof(obj -> 'object') WHEN 'string' THEN obj ->> 'object' END,
        CASE jsonb_typeof(obj -> 'id') WHEN 'string' THEN obj ->> 'id' END,
        ev_id, state, reason);
    IF ev_id IS NOT NULL AND octet_length(ev_id) <= 255 THEN
        BEGIN
            INSERT INTO stripe_sync.events (id, type, created, api_version, account_id, livemode, object_type, object_id,
                                        source, outcome, reason, processed_at, _raw_data)
            VALUES (ev_id, coalesce(ev ->> 'type', ''),
                    CASE WHEN (ev ->> 'created')::bigint BETWEEN -210000000000 AND 8210298412799
                         THEN to_timestamp((ev ->> 'created')::bigint) ELSE now() END,
                    CASE jsonb_typeof(ev -> 'api_version') WHEN 'string' THEN ev ->> 'api_version' END,
                    coalesce(account, ''),
                    CASE jsonb_typeof(ev -> 'livemode') WHEN 'boolean' THEN (ev ->> 'livemode')::boolean END,
                    left(CASE jsonb_typeof(obj -> 'object') WHEN 'string' THEN obj ->> 'object' END, 255),
                    left(CASE jsonb_typeof(obj -> 'id') WHEN 'string' THEN obj ->> 'id' END, 255),
                    source, 'quarantined', left(format('%s: %s', state, reason), 2000), now(), ev)
            ON CONFLICT (id) DO UPDATE SET outcome = 'quarantined', reason = EXCLUDED.reason, processed_at = now();
        EXCEPTION WHEN OTHERS THEN
            NULL; -- the ledger can't hold it; the quarantine keeps the whole body
        END;
    END IF;
    RETURN 'quarantined';
END
$$;

-- The account an event is attributed to, as stripe_sync._apply_event and the
-- Rust path attribute it: the event's own, else the account whose own
-- endpoint signed it, else the one account this database mirrors.
CREATE OR REPLACE FUNCTION stripe_sync.event_account(ev jsonb, endpoint_account text)
RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(CASE jsonb_typeof($1 -> 'account') WHEN 'string' THEN $1 ->> 'account' END, $2,
                    (SELECT min(a.account_id) FROM stripe_sync.accounts a HAVING count(DISTINCT a.account_id) = 1))
$$;

-- A limit process_webhook checks: `fallback`, or the session's setting
-- `name` where that is stricter (lower). A caller may tighten a check,
-- never widen it.
CREATE OR REPLACE FUNCTION stripe_sync._tightened(name text, fallback bigint)
RETURNS bigint LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    setting text := current_setting(name, true);
BEGIN
    IF setting ~ '^\s*[0-9]{1,18}\s*$' THEN
        RETURN least(fallback, btrim(setting)::bigint);
    END IF;
    RETURN fallback;
END
$$;

-- process_webhook as in 0012, where it now lives, run as its owner
-- (SECURITY DEFINER: the Edge Function's role may execute it and nothing
-- else), with limits a caller can only tighten. As before: the transaction
-- commits durably (synchronous_commit on until its end: a SET clause would
-- be undone when the function returns, before the commit); the body is made
-- storable before it is cast; an event created later than now plus the
-- tolerance is rejected; a permanent error while writing quarantines the
-- event.
CREATE OR REPLACE FUNCTION stripe_sync.process_webhook(body bytea, signature text)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    max_bytes bigint := stripe_sync._tightened('stripe_sync.max_webhook_body_bytes', 1048576);
    tolerance bigint := stripe_sync._tightened('stripe_sync.webhook_tolerance_secs', 300);
    part text;
    k text;
    v text;
    t bigint;
    v1 bytea[] := ARRAY[]::bytea[];
    v1_entries integer := 0;
    sec record;
    signed text;
    mac bytea;
    sig bytea;
    diff integer;
    hit boolean;
    matched boolean := false;
    any_secret boolean := false;
    endpoint_account text;
    platform text;
    age bigint;
    txt text;
    ev jsonb;
    problem text;
    err_state text;
    err_text text;
BEGIN
    PERFORM set_config('synchronous_commit', 'on', true);
    body := coalesce(body, ''::bytea);
    IF octet_length(body) > max_bytes THEN
        RAISE EXCEPTION 'webhook body of % bytes, over the limit of %', octet_length(body), max_bytes
            USING ERRCODE = 'SW413';
    END IF;
    IF octet_length(signature) > 4096 THEN
        RAISE EXCEPTION 'Stripe-Signature header of % bytes, over the limit of 4096', octet_length(signature)
            USING ERRCODE = 'SW401';
    END IF;
    IF signature IS NULL OR btrim(signature, E' \t\r\n') = '' THEN
        RAISE EXCEPTION 'missing Stripe-Signature header' USING ERRCODE = 'SW401';
    END IF;
    FOREACH part IN ARRAY string_to_array(signature, ',') LOOP
        part := btrim(part, E' \t\r\n');
        CONTINUE WHEN position('=' IN part) = 0;
        k := substr(part, 1, position('=' IN part) - 1);
        v := btrim(substr(part, position('=' IN part) + 1), E' \t\r\n');
        IF k = 't' THEN
            t := CASE WHEN v ~ '^[+-]?[0-9]{1,18}$' THEN v::bigint END;
        ELSIF k = 'v1' THEN
            v1_entries := v1_entries + 1;
            IF v1_entries > 8 THEN
                RAISE EXCEPTION 'Stripe-Signature header with more than 8 v1 signatures' USING ERRCODE = 'SW401';
            END IF;
            IF v ~ '^([0-9a-fA-F]{2})*$' THEN
                v1 := v1 || decode(v, 'hex');
            END IF;
        END IF;
    END LOOP;
    IF t IS NULL OR cardinality(v1) = 0 THEN
        RAISE EXCEPTION 'malformed Stripe-Signature header' USING ERRCODE = 'SW401';
    END IF;

    signed := t::text || '.';
    FOR sec IN
        SELECT w.secret, CASE WHEN w.connect THEN NULL ELSE w.account_id END AS own, w.account_id AS platform, 0 AS o, w.created_at AS at
          FROM stripe_sync.managed_webhooks w WHERE w.status = 'enabled'
        UNION ALL
        SELECT s.secret, s.account_id, s.account_id, 1, s.added_at FROM stripe_sync.webhook_secrets s
        ORDER BY 4, 5
    LOOP
        any_secret := true;
        mac := stripe_sync._hmac_sha256(convert_to(signed, 'UTF8') || body, convert_to(sec.secret, 'UTF8'));
        hit := false;
        FOREACH sig IN ARRAY v1 LOOP
            IF octet_length(sig) = octet_length(mac) THEN
                diff := 0;
                FOR i IN 0 .. octet_length(mac) - 1 LOOP
                    diff := diff | (get_byte(mac, i) # get_byte(sig, i));
                END LOOP;
                hit := hit OR diff = 0;
            END IF;
        END LOOP;
        IF hit AND NOT matched THEN
            matched := true;
            endpoint_account := sec.own;
            platform := sec.platform;
        END IF;
    END LOOP;
    IF NOT any_secret THEN
        RAISE EXCEPTION 'no webhook secret known: create a managed webhook (stripe-sync webhook create) or call stripe_sync.add_webhook_secret(''whsec_...'')'
            USING ERRCODE = 'SW500';
    END IF;
    IF NOT matched THEN
        RAISE EXCEPTION 'no signature matches the payload' USING ERRCODE = 'SW401';
    END IF;
    age := extract(epoch FROM clock_timestamp())::bigint - t;
    IF abs(age) > tolerance THEN
        RAISE EXCEPTION 'signature timestamp outside the tolerance (% s away, tolerance % s)', age, tolerance
            USING ERRCODE = 'SW401';
    END IF;

    -- Signed by Stripe from here: a body that is not an event is kept.
    BEGIN
        txt := convert_from(body, 'UTF8');
    EXCEPTION WHEN OTHERS THEN
        PERFORM stripe_sync.reject_webhook(body, 'body is not UTF-8', encode(body, 'escape'));
        RETURN 'rejected: body is not UTF-8';
    END;
    txt := stripe_sync.storable_json(txt);
    BEGIN
        ev := txt::jsonb;
    EXCEPTION WHEN program_limit_exceeded OR data_exception THEN
        -- JSON PostgreSQL can't hold (nesting past its limit, a number past
        -- numeric's): an event all the same when its head reads.
        GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_text = MESSAGE_TEXT;
        IF err_state LIKE '22P02' THEN
            problem := 'not a Stripe event: ' || err_text;
        ELSE
            RETURN stripe_sync.quarantine_event(txt, 'webhook', stripe_sync.event_account(NULL, endpoint_account),
                                                err_state, err_text);
        END IF;
    WHEN OTHERS THEN
        problem := 'not a Stripe event: ' || SQLERRM;
    END;
    problem := coalesce(problem, stripe_sync._event_problem(ev));
    IF problem IS NULL AND (ev ->> 'created')::numeric > extract(epoch FROM clock_timestamp())::bigint + tolerance THEN
        problem := format('event created later than now plus the tolerance (%s s): Stripe never sends one', tolerance);
    END IF;
    IF problem IS NOT NULL THEN
        PERFORM stripe_sync.reject_webhook(body, problem, txt);
        RETURN 'rejected: ' || problem;
    END IF;
    PERFORM stripe_sync._refuse_foreign_triggers();
    BEGIN
        RETURN stripe_sync._apply_event(ev, 'webhook', endpoint_account, platform);
    EXCEPTION WHEN data_exception OR integrity_constraint_violation OR program_limit_exceeded THEN
        GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_text = MESSAGE_TEXT;
    END;
    RETURN stripe_sync.quarantine_event(txt, 'webhook', stripe_sync.event_account(ev, endpoint_account),
                                        err_state, err_text);
END
$$;

-- (Re)grants each engine role that exists its privileges, and keeps the
-- mirrored tables' TRIGGER privilege to their owner: a trigger runs as
-- whoever writes the row, and process_webhook writes as the owner, so a
-- role granted ALL on the mirror (as Supabase's documented grants for an
-- exposed schema do) could otherwise have a webhook run its code as the
-- owner. `stripe-sync migrate` calls it after every run; a migration tool
-- other than stripe-sync's should call it after applying a migration.
CREATE OR REPLACE FUNCTION stripe_sync.grant_privileges()
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    g record;
BEGIN
    REVOKE ALL ON SCHEMA stripe_sync FROM PUBLIC;
    REVOKE ALL ON ALL FUNCTIONS IN SCHEMA stripe_sync FROM PUBLIC;
    FOR g IN
        SELECT c.oid::regclass AS rel, a.grantee
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          CROSS JOIN LATERAL aclexplode(c.relacl) a
         WHERE n.nspname = 'stripe' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
           AND a.privilege_type = 'TRIGGER' AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('REVOKE TRIGGER ON %s FROM %s', g.rel,
                       CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END);
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'stripe_sync_reader') THEN
        GRANT USAGE ON SCHEMA stripe TO stripe_sync_reader;
        GRANT SELECT ON ALL TABLES IN SCHEMA stripe TO stripe_sync_reader;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'stripe_sync_writer') THEN
        GRANT USAGE ON SCHEMA stripe, stripe_sync TO stripe_sync_writer;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA stripe, stripe_sync TO stripe_sync_writer;
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA stripe, stripe_sync TO stripe_sync_writer;
        GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA stripe_sync TO stripe_sync_writer;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'stripe_sync_webhook') THEN
        GRANT USAGE ON SCHEMA stripe_sync TO stripe_sync_webhook;
        GRANT EXECUTE ON FUNCTION stripe_sync.process_webhook(bytea, text) TO stripe_sync_webhook;
    END IF;
END
$$;

-- Functions this role creates in stripe_sync later are not PUBLIC's either.
ALTER DEFAULT PRIVILEGES IN SCHEMA stripe_sync REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
