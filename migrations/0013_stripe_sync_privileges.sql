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

-- The per-table functions of 0011 leave the mirror's schema.
DROP FUNCTION IF EXISTS stripe."_upsert_accounts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_accounts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_alipay_accounts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_alipay_accounts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_apple_pay_domains"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_apple_pay_domains"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_application_fee_refunds"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_application_fee_refunds"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_application_fees"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_application_fees"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_apps_secrets"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_apps_secrets"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_balance_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_balance_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_bank_accounts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_bank_accounts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_billing_alerts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_billing_alerts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_billing_credit_balance_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_billing_credit_balance_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_billing_credit_grants"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_billing_credit_grants"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_billing_meter_event_summaries"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_billing_meter_event_summaries"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_billing_meters"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_billing_meters"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_billing_portal_configurations"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_billing_portal_configurations"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_billing_portal_sessions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_billing_portal_sessions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_bitcoin_receivers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_bitcoin_receivers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_bitcoin_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_bitcoin_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_capabilities"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_capabilities"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_cards"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_cards"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_charges"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_charges"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_checkout_sessions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_checkout_sessions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_climate_orders"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_climate_orders"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_climate_products"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_climate_products"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_climate_suppliers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_climate_suppliers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_country_specs"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_country_specs"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_coupons"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_coupons"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_credit_note_line_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_credit_note_line_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_credit_notes"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_credit_notes"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_customer_balance_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_customer_balance_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_customer_cash_balance_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_customer_cash_balance_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_customers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_customers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_discounts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_discounts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_disputes"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_disputes"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_entitlements_active_entitlements"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_entitlements_active_entitlements"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_entitlements_features"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_entitlements_features"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_exchange_rates"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_exchange_rates"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_file_links"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_file_links"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_files"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_files"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_financial_connections_account_owners"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_financial_connections_account_owners"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_financial_connections_accounts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_financial_connections_accounts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_financial_connections_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_financial_connections_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_forwarding_requests"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_forwarding_requests"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_identity_verification_reports"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_identity_verification_reports"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_identity_verification_sessions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_identity_verification_sessions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_invoice_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_invoice_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_invoice_line_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_invoice_line_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_invoice_payments"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_invoice_payments"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_invoice_rendering_templates"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_invoice_rendering_templates"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_invoices"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_invoices"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_issuer_fraud_records"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_issuer_fraud_records"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_issuing_authorizations"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_issuing_authorizations"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_issuing_cardholders"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_issuing_cardholders"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_issuing_cards"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_issuing_cards"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_issuing_disputes"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_issuing_disputes"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_issuing_personalization_designs"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_issuing_personalization_designs"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_issuing_physical_bundles"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_issuing_physical_bundles"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_issuing_settlements"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_issuing_settlements"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_issuing_tokens"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_issuing_tokens"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_issuing_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_issuing_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_line_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_line_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_mandates"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_mandates"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_orders"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_orders"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_payment_attempt_records"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_payment_attempt_records"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_payment_intent_amount_details_line_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_payment_intent_amount_details_line_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_payment_intents"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_payment_intents"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_payment_links"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_payment_links"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_payment_method_configurations"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_payment_method_configurations"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_payment_method_domains"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_payment_method_domains"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_payment_methods"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_payment_methods"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_payouts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_payouts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_persons"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_persons"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_plans"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_plans"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_prices"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_prices"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_product_features"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_product_features"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_products"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_products"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_promotion_codes"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_promotion_codes"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_quotes"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_quotes"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_radar_early_fraud_warnings"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_radar_early_fraud_warnings"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_radar_value_list_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_radar_value_list_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_radar_value_lists"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_radar_value_lists"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_recipients"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_recipients"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_refunds"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_refunds"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_reporting_report_runs"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_reporting_report_runs"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_reporting_report_types"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_reporting_report_types"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_reviews"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_reviews"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_scheduled_query_runs"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_scheduled_query_runs"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_setup_attempts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_setup_attempts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_setup_intents"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_setup_intents"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_shipping_rates"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_shipping_rates"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_skus"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_skus"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_source_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_source_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_sources"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_sources"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_subscription_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_subscription_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_subscription_schedules"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_subscription_schedules"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_subscriptions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_subscriptions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_tax_calculation_line_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_tax_calculation_line_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_tax_codes"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_tax_codes"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_tax_ids"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_tax_ids"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_tax_rates"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_tax_rates"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_tax_registrations"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_tax_registrations"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_tax_transaction_line_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_tax_transaction_line_items"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_terminal_configurations"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_terminal_configurations"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_terminal_locations"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_terminal_locations"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_terminal_readers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_terminal_readers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_test_clocks"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_test_clocks"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_topups"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_topups"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_transfer_reversals"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_transfer_reversals"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_transfers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_transfers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_treasury_credit_reversals"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_treasury_credit_reversals"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_treasury_debit_reversals"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_treasury_debit_reversals"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_treasury_financial_accounts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_treasury_financial_accounts"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_treasury_inbound_transfers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_treasury_inbound_transfers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_treasury_outbound_payments"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_treasury_outbound_payments"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_treasury_outbound_transfers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_treasury_outbound_transfers"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_treasury_received_credits"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_treasury_received_credits"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_treasury_received_debits"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_treasury_received_debits"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_treasury_transaction_entries"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_treasury_transaction_entries"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_treasury_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_treasury_transactions"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_usage_record_summaries"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_usage_record_summaries"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_upsert_webhook_endpoints"(text[], text[], timestamptz[]);
DROP FUNCTION IF EXISTS stripe."_delete_webhook_endpoints"(text[], text[], timestamptz[]);

-- The registry of API version 2026-04-22.dahlia for stripe_sync.apply_event and stripe_sync.process_webhook
-- (generated from the same registry as the Rust upserts).
DELETE FROM stripe_sync.sql_embedded_lists;
DELETE FROM stripe_sync.sql_summaries;
DELETE FROM stripe_sync.sql_event_types;
DELETE FROM stripe_sync.sql_resources;
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_accounts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."accounts" AS t ("id", "business_profile", "business_type", "capabilities", "charges_enabled", "company", "controller", "country", "created", "default_currency", "details_submitted", "email", "external_accounts", "future_requirements", "groups", "individual", "metadata", "object", "payouts_enabled", "requirements", "settings", "tos_acceptance", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'business_profile'), CASE jsonb_typeof(s.r -> 'business_type') WHEN 'string' THEN s.r ->> 'business_type' END, stripe._jsonb(s.r -> 'capabilities'), stripe._boolean(s.r -> 'charges_enabled'), stripe._jsonb(s.r -> 'company'), stripe._jsonb(s.r -> 'controller'), CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'default_currency') WHEN 'string' THEN s.r ->> 'default_currency' END, stripe._boolean(s.r -> 'details_submitted'), CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, stripe._jsonb(s.r -> 'external_accounts'), stripe._jsonb(s.r -> 'future_requirements'), stripe._jsonb(s.r -> 'groups'), stripe._jsonb(s.r -> 'individual'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._boolean(s.r -> 'payouts_enabled'), stripe._jsonb(s.r -> 'requirements'), stripe._jsonb(s.r -> 'settings'), stripe._jsonb(s.r -> 'tos_acceptance'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "business_profile" = EXCLUDED."business_profile", "business_type" = EXCLUDED."business_type", "capabilities" = EXCLUDED."capabilities", "charges_enabled" = EXCLUDED."charges_enabled", "company" = EXCLUDED."company", "controller" = EXCLUDED."controller", "country" = EXCLUDED."country", "created" = EXCLUDED."created", "default_currency" = EXCLUDED."default_currency", "details_submitted" = EXCLUDED."details_submitted", "email" = EXCLUDED."email", "external_accounts" = EXCLUDED."external_accounts", "future_requirements" = EXCLUDED."future_requirements", "groups" = EXCLUDED."groups", "individual" = EXCLUDED."individual", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "payouts_enabled" = EXCLUDED."payouts_enabled", "requirements" = EXCLUDED."requirements", "settings" = EXCLUDED."settings", "tos_acceptance" = EXCLUDED."tos_acceptance", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_accounts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."accounts" AS t ("id", "business_profile", "business_type", "capabilities", "charges_enabled", "company", "controller", "country", "created", "default_currency", "details_submitted", "email", "external_accounts", "future_requirements", "groups", "individual", "metadata", "object", "payouts_enabled", "requirements", "settings", "tos_acceptance", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'business_profile'), CASE jsonb_typeof(s.r -> 'business_type') WHEN 'string' THEN s.r ->> 'business_type' END, stripe._jsonb(s.r -> 'capabilities'), stripe._boolean(s.r -> 'charges_enabled'), stripe._jsonb(s.r -> 'company'), stripe._jsonb(s.r -> 'controller'), CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'default_currency') WHEN 'string' THEN s.r ->> 'default_currency' END, stripe._boolean(s.r -> 'details_submitted'), CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, stripe._jsonb(s.r -> 'external_accounts'), stripe._jsonb(s.r -> 'future_requirements'), stripe._jsonb(s.r -> 'groups'), stripe._jsonb(s.r -> 'individual'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._boolean(s.r -> 'payouts_enabled'), stripe._jsonb(s.r -> 'requirements'), stripe._jsonb(s.r -> 'settings'), stripe._jsonb(s.r -> 'tos_acceptance'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('account', 'accounts', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_alipay_accounts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."alipay_accounts" AS t ("id", "created", "customer", "fingerprint", "livemode", "metadata", "object", "payment_amount", "payment_currency", "reusable", "used", "username", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'fingerprint') WHEN 'string' THEN s.r ->> 'fingerprint' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._bigint(s.r -> 'payment_amount'), CASE jsonb_typeof(s.r -> 'payment_currency') WHEN 'string' THEN s.r ->> 'payment_currency' END, stripe._boolean(s.r -> 'reusable'), stripe._boolean(s.r -> 'used'), CASE jsonb_typeof(s.r -> 'username') WHEN 'string' THEN s.r ->> 'username' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "customer" = EXCLUDED."customer", "fingerprint" = EXCLUDED."fingerprint", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "payment_amount" = EXCLUDED."payment_amount", "payment_currency" = EXCLUDED."payment_currency", "reusable" = EXCLUDED."reusable", "used" = EXCLUDED."used", "username" = EXCLUDED."username", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_alipay_accounts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."alipay_accounts" AS t ("id", "created", "customer", "fingerprint", "livemode", "metadata", "object", "payment_amount", "payment_currency", "reusable", "used", "username", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'fingerprint') WHEN 'string' THEN s.r ->> 'fingerprint' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._bigint(s.r -> 'payment_amount'), CASE jsonb_typeof(s.r -> 'payment_currency') WHEN 'string' THEN s.r ->> 'payment_currency' END, stripe._boolean(s.r -> 'reusable'), stripe._boolean(s.r -> 'used'), CASE jsonb_typeof(s.r -> 'username') WHEN 'string' THEN s.r ->> 'username' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('alipay_account', 'alipay_accounts', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_apple_pay_domains"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."apple_pay_domains" AS t ("id", "created", "domain_name", "livemode", "object", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'domain_name') WHEN 'string' THEN s.r ->> 'domain_name' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "domain_name" = EXCLUDED."domain_name", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_apple_pay_domains"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."apple_pay_domains" AS t ("id", "created", "domain_name", "livemode", "object", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'domain_name') WHEN 'string' THEN s.r ->> 'domain_name' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('apple_pay_domain', 'apple_pay_domains', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_application_fees"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."application_fees" AS t ("id", "account", "amount", "amount_refunded", "application", "balance_transaction", "charge", "created", "currency", "fee_source", "livemode", "object", "originating_transaction", "refunded", "refunds", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'account'), stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_refunded'), stripe._ref_id(s.r -> 'application'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._ref_id(s.r -> 'charge'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'fee_source'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'originating_transaction'), stripe._boolean(s.r -> 'refunded'), stripe._jsonb(s.r -> 'refunds'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "account" = EXCLUDED."account", "amount" = EXCLUDED."amount", "amount_refunded" = EXCLUDED."amount_refunded", "application" = EXCLUDED."application", "balance_transaction" = EXCLUDED."balance_transaction", "charge" = EXCLUDED."charge", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "fee_source" = EXCLUDED."fee_source", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "originating_transaction" = EXCLUDED."originating_transaction", "refunded" = EXCLUDED."refunded", "refunds" = EXCLUDED."refunds", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_application_fees"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."application_fees" AS t ("id", "account", "amount", "amount_refunded", "application", "balance_transaction", "charge", "created", "currency", "fee_source", "livemode", "object", "originating_transaction", "refunded", "refunds", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'account'), stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_refunded'), stripe._ref_id(s.r -> 'application'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._ref_id(s.r -> 'charge'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'fee_source'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'originating_transaction'), stripe._boolean(s.r -> 'refunded'), stripe._jsonb(s.r -> 'refunds'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('application_fee', 'application_fees', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_apps_secrets"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."apps_secrets" AS t ("id", "created", "deleted", "expires_at", "livemode", "name", "object", "payload", "scope", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._boolean(s.r -> 'deleted'), stripe._timestamp(s.r -> 'expires_at'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'payload') WHEN 'string' THEN s.r ->> 'payload' END, stripe._jsonb(s.r -> 'scope'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "deleted" = EXCLUDED."deleted", "expires_at" = EXCLUDED."expires_at", "livemode" = EXCLUDED."livemode", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "payload" = EXCLUDED."payload", "scope" = EXCLUDED."scope", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_apps_secrets"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."apps_secrets" AS t ("id", "created", "deleted", "expires_at", "livemode", "name", "object", "payload", "scope", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._boolean(s.r -> 'deleted'), stripe._timestamp(s.r -> 'expires_at'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'payload') WHEN 'string' THEN s.r ->> 'payload' END, stripe._jsonb(s.r -> 'scope'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('apps.secret', 'apps_secrets', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_balance_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."balance_transactions" AS t ("id", "amount", "available_on", "balance_type", "created", "currency", "description", "exchange_rate", "fee", "fee_details", "net", "object", "reporting_category", "source", "status", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._timestamp(s.r -> 'available_on'), CASE jsonb_typeof(s.r -> 'balance_type') WHEN 'string' THEN s.r ->> 'balance_type' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._numeric(s.r -> 'exchange_rate'), stripe._bigint(s.r -> 'fee'), stripe._jsonb(s.r -> 'fee_details'), stripe._bigint(s.r -> 'net'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'reporting_category') WHEN 'string' THEN s.r ->> 'reporting_category' END, stripe._ref_id(s.r -> 'source'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "available_on" = EXCLUDED."available_on", "balance_type" = EXCLUDED."balance_type", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "exchange_rate" = EXCLUDED."exchange_rate", "fee" = EXCLUDED."fee", "fee_details" = EXCLUDED."fee_details", "net" = EXCLUDED."net", "object" = EXCLUDED."object", "reporting_category" = EXCLUDED."reporting_category", "source" = EXCLUDED."source", "status" = EXCLUDED."status", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_balance_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."balance_transactions" AS t ("id", "amount", "available_on", "balance_type", "created", "currency", "description", "exchange_rate", "fee", "fee_details", "net", "object", "reporting_category", "source", "status", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._timestamp(s.r -> 'available_on'), CASE jsonb_typeof(s.r -> 'balance_type') WHEN 'string' THEN s.r ->> 'balance_type' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._numeric(s.r -> 'exchange_rate'), stripe._bigint(s.r -> 'fee'), stripe._jsonb(s.r -> 'fee_details'), stripe._bigint(s.r -> 'net'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'reporting_category') WHEN 'string' THEN s.r ->> 'reporting_category' END, stripe._ref_id(s.r -> 'source'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('balance_transaction', 'balance_transactions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_bank_accounts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."bank_accounts" AS t ("id", "account", "account_holder_name", "account_holder_type", "account_type", "available_payout_methods", "bank_name", "country", "currency", "customer", "default_for_currency", "fingerprint", "future_requirements", "last4", "metadata", "object", "requirements", "routing_number", "status", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'account'), CASE jsonb_typeof(s.r -> 'account_holder_name') WHEN 'string' THEN s.r ->> 'account_holder_name' END, CASE jsonb_typeof(s.r -> 'account_holder_type') WHEN 'string' THEN s.r ->> 'account_holder_type' END, CASE jsonb_typeof(s.r -> 'account_type') WHEN 'string' THEN s.r ->> 'account_type' END, stripe._jsonb(s.r -> 'available_payout_methods'), CASE jsonb_typeof(s.r -> 'bank_name') WHEN 'string' THEN s.r ->> 'bank_name' END, CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), stripe._boolean(s.r -> 'default_for_currency'), CASE jsonb_typeof(s.r -> 'fingerprint') WHEN 'string' THEN s.r ->> 'fingerprint' END, stripe._jsonb(s.r -> 'future_requirements'), CASE jsonb_typeof(s.r -> 'last4') WHEN 'string' THEN s.r ->> 'last4' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'requirements'), CASE jsonb_typeof(s.r -> 'routing_number') WHEN 'string' THEN s.r ->> 'routing_number' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "account" = EXCLUDED."account", "account_holder_name" = EXCLUDED."account_holder_name", "account_holder_type" = EXCLUDED."account_holder_type", "account_type" = EXCLUDED."account_type", "available_payout_methods" = EXCLUDED."available_payout_methods", "bank_name" = EXCLUDED."bank_name", "country" = EXCLUDED."country", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "default_for_currency" = EXCLUDED."default_for_currency", "fingerprint" = EXCLUDED."fingerprint", "future_requirements" = EXCLUDED."future_requirements", "last4" = EXCLUDED."last4", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "requirements" = EXCLUDED."requirements", "routing_number" = EXCLUDED."routing_number", "status" = EXCLUDED."status", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_bank_accounts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."bank_accounts" AS t ("id", "account", "account_holder_name", "account_holder_type", "account_type", "available_payout_methods", "bank_name", "country", "currency", "customer", "default_for_currency", "fingerprint", "future_requirements", "last4", "metadata", "object", "requirements", "routing_number", "status", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'account'), CASE jsonb_typeof(s.r -> 'account_holder_name') WHEN 'string' THEN s.r ->> 'account_holder_name' END, CASE jsonb_typeof(s.r -> 'account_holder_type') WHEN 'string' THEN s.r ->> 'account_holder_type' END, CASE jsonb_typeof(s.r -> 'account_type') WHEN 'string' THEN s.r ->> 'account_type' END, stripe._jsonb(s.r -> 'available_payout_methods'), CASE jsonb_typeof(s.r -> 'bank_name') WHEN 'string' THEN s.r ->> 'bank_name' END, CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), stripe._boolean(s.r -> 'default_for_currency'), CASE jsonb_typeof(s.r -> 'fingerprint') WHEN 'string' THEN s.r ->> 'fingerprint' END, stripe._jsonb(s.r -> 'future_requirements'), CASE jsonb_typeof(s.r -> 'last4') WHEN 'string' THEN s.r ->> 'last4' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'requirements'), CASE jsonb_typeof(s.r -> 'routing_number') WHEN 'string' THEN s.r ->> 'routing_number' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('bank_account', 'bank_accounts', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_billing_alerts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_alerts" AS t ("id", "alert_type", "livemode", "object", "status", "title", "usage_threshold", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'alert_type') WHEN 'string' THEN s.r ->> 'alert_type' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'title') WHEN 'string' THEN s.r ->> 'title' END, stripe._jsonb(s.r -> 'usage_threshold'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "alert_type" = EXCLUDED."alert_type", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "status" = EXCLUDED."status", "title" = EXCLUDED."title", "usage_threshold" = EXCLUDED."usage_threshold", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_billing_alerts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_alerts" AS t ("id", "alert_type", "livemode", "object", "status", "title", "usage_threshold", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'alert_type') WHEN 'string' THEN s.r ->> 'alert_type' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'title') WHEN 'string' THEN s.r ->> 'title' END, stripe._jsonb(s.r -> 'usage_threshold'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('billing.alert', 'billing_alerts', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_billing_credit_balance_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_credit_balance_transactions" AS t ("id", "created", "credit", "credit_grant", "debit", "effective_at", "livemode", "object", "test_clock", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'credit'), stripe._ref_id(s.r -> 'credit_grant'), stripe._jsonb(s.r -> 'debit'), stripe._timestamp(s.r -> 'effective_at'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'test_clock'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "credit" = EXCLUDED."credit", "credit_grant" = EXCLUDED."credit_grant", "debit" = EXCLUDED."debit", "effective_at" = EXCLUDED."effective_at", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "test_clock" = EXCLUDED."test_clock", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_billing_credit_balance_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_credit_balance_transactions" AS t ("id", "created", "credit", "credit_grant", "debit", "effective_at", "livemode", "object", "test_clock", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'credit'), stripe._ref_id(s.r -> 'credit_grant'), stripe._jsonb(s.r -> 'debit'), stripe._timestamp(s.r -> 'effective_at'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'test_clock'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('billing.credit_balance_transaction', 'billing_credit_balance_transactions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_billing_credit_grants"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_credit_grants" AS t ("id", "amount", "applicability_config", "category", "created", "customer", "customer_account", "effective_at", "expires_at", "livemode", "metadata", "name", "object", "priority", "test_clock", "updated", "voided_at", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'amount'), stripe._jsonb(s.r -> 'applicability_config'), CASE jsonb_typeof(s.r -> 'category') WHEN 'string' THEN s.r ->> 'category' END, stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._timestamp(s.r -> 'effective_at'), stripe._timestamp(s.r -> 'expires_at'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._bigint(s.r -> 'priority'), stripe._ref_id(s.r -> 'test_clock'), stripe._timestamp(s.r -> 'updated'), stripe._timestamp(s.r -> 'voided_at'), s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "applicability_config" = EXCLUDED."applicability_config", "category" = EXCLUDED."category", "created" = EXCLUDED."created", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "effective_at" = EXCLUDED."effective_at", "expires_at" = EXCLUDED."expires_at", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "priority" = EXCLUDED."priority", "test_clock" = EXCLUDED."test_clock", "updated" = EXCLUDED."updated", "voided_at" = EXCLUDED."voided_at", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_billing_credit_grants"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_credit_grants" AS t ("id", "amount", "applicability_config", "category", "created", "customer", "customer_account", "effective_at", "expires_at", "livemode", "metadata", "name", "object", "priority", "test_clock", "updated", "voided_at", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'amount'), stripe._jsonb(s.r -> 'applicability_config'), CASE jsonb_typeof(s.r -> 'category') WHEN 'string' THEN s.r ->> 'category' END, stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._timestamp(s.r -> 'effective_at'), stripe._timestamp(s.r -> 'expires_at'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._bigint(s.r -> 'priority'), stripe._ref_id(s.r -> 'test_clock'), stripe._timestamp(s.r -> 'updated'), stripe._timestamp(s.r -> 'voided_at'), s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u), COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('billing.credit_grant', 'billing_credit_grants', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_billing_meters"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_meters" AS t ("id", "created", "customer_mapping", "default_aggregation", "display_name", "event_name", "event_time_window", "livemode", "object", "status", "status_transitions", "updated", "value_settings", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'customer_mapping'), stripe._jsonb(s.r -> 'default_aggregation'), CASE jsonb_typeof(s.r -> 'display_name') WHEN 'string' THEN s.r ->> 'display_name' END, CASE jsonb_typeof(s.r -> 'event_name') WHEN 'string' THEN s.r ->> 'event_name' END, CASE jsonb_typeof(s.r -> 'event_time_window') WHEN 'string' THEN s.r ->> 'event_time_window' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._timestamp(s.r -> 'updated'), stripe._jsonb(s.r -> 'value_settings'), s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "customer_mapping" = EXCLUDED."customer_mapping", "default_aggregation" = EXCLUDED."default_aggregation", "display_name" = EXCLUDED."display_name", "event_name" = EXCLUDED."event_name", "event_time_window" = EXCLUDED."event_time_window", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "status" = EXCLUDED."status", "status_transitions" = EXCLUDED."status_transitions", "updated" = EXCLUDED."updated", "value_settings" = EXCLUDED."value_settings", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_billing_meters"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_meters" AS t ("id", "created", "customer_mapping", "default_aggregation", "display_name", "event_name", "event_time_window", "livemode", "object", "status", "status_transitions", "updated", "value_settings", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'customer_mapping'), stripe._jsonb(s.r -> 'default_aggregation'), CASE jsonb_typeof(s.r -> 'display_name') WHEN 'string' THEN s.r ->> 'display_name' END, CASE jsonb_typeof(s.r -> 'event_name') WHEN 'string' THEN s.r ->> 'event_name' END, CASE jsonb_typeof(s.r -> 'event_time_window') WHEN 'string' THEN s.r ->> 'event_time_window' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._timestamp(s.r -> 'updated'), stripe._jsonb(s.r -> 'value_settings'), s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u), COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('billing.meter', 'billing_meters', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_billing_meter_event_summaries"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_meter_event_summaries" AS t ("id", "aggregated_value", "end_time", "livemode", "meter", "object", "start_time", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._numeric(s.r -> 'aggregated_value'), stripe._timestamp(s.r -> 'end_time'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'meter') WHEN 'string' THEN s.r ->> 'meter' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._timestamp(s.r -> 'start_time'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "aggregated_value" = EXCLUDED."aggregated_value", "end_time" = EXCLUDED."end_time", "livemode" = EXCLUDED."livemode", "meter" = EXCLUDED."meter", "object" = EXCLUDED."object", "start_time" = EXCLUDED."start_time", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_billing_meter_event_summaries"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_meter_event_summaries" AS t ("id", "aggregated_value", "end_time", "livemode", "meter", "object", "start_time", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._numeric(s.r -> 'aggregated_value'), stripe._timestamp(s.r -> 'end_time'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'meter') WHEN 'string' THEN s.r ->> 'meter' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._timestamp(s.r -> 'start_time'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('billing.meter_event_summary', 'billing_meter_event_summaries', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_billing_portal_configurations"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_portal_configurations" AS t ("id", "active", "application", "business_profile", "created", "default_return_url", "features", "is_default", "livemode", "login_page", "metadata", "name", "object", "updated", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._ref_id(s.r -> 'application'), stripe._jsonb(s.r -> 'business_profile'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'default_return_url') WHEN 'string' THEN s.r ->> 'default_return_url' END, stripe._jsonb(s.r -> 'features'), stripe._boolean(s.r -> 'is_default'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'login_page'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._timestamp(s.r -> 'updated'), s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active" = EXCLUDED."active", "application" = EXCLUDED."application", "business_profile" = EXCLUDED."business_profile", "created" = EXCLUDED."created", "default_return_url" = EXCLUDED."default_return_url", "features" = EXCLUDED."features", "is_default" = EXCLUDED."is_default", "livemode" = EXCLUDED."livemode", "login_page" = EXCLUDED."login_page", "metadata" = EXCLUDED."metadata", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "updated" = EXCLUDED."updated", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_billing_portal_configurations"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_portal_configurations" AS t ("id", "active", "application", "business_profile", "created", "default_return_url", "features", "is_default", "livemode", "login_page", "metadata", "name", "object", "updated", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._ref_id(s.r -> 'application'), stripe._jsonb(s.r -> 'business_profile'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'default_return_url') WHEN 'string' THEN s.r ->> 'default_return_url' END, stripe._jsonb(s.r -> 'features'), stripe._boolean(s.r -> 'is_default'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'login_page'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._timestamp(s.r -> 'updated'), s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u), COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('billing_portal.configuration', 'billing_portal_configurations', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_billing_portal_sessions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_portal_sessions" AS t ("id", "configuration", "created", "customer", "customer_account", "flow", "livemode", "locale", "object", "on_behalf_of", "return_url", "url", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'configuration'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'customer') WHEN 'string' THEN s.r ->> 'customer' END, CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._jsonb(s.r -> 'flow'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'locale') WHEN 'string' THEN s.r ->> 'locale' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'on_behalf_of') WHEN 'string' THEN s.r ->> 'on_behalf_of' END, CASE jsonb_typeof(s.r -> 'return_url') WHEN 'string' THEN s.r ->> 'return_url' END, CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "configuration" = EXCLUDED."configuration", "created" = EXCLUDED."created", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "flow" = EXCLUDED."flow", "livemode" = EXCLUDED."livemode", "locale" = EXCLUDED."locale", "object" = EXCLUDED."object", "on_behalf_of" = EXCLUDED."on_behalf_of", "return_url" = EXCLUDED."return_url", "url" = EXCLUDED."url", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_billing_portal_sessions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."billing_portal_sessions" AS t ("id", "configuration", "created", "customer", "customer_account", "flow", "livemode", "locale", "object", "on_behalf_of", "return_url", "url", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'configuration'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'customer') WHEN 'string' THEN s.r ->> 'customer' END, CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._jsonb(s.r -> 'flow'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'locale') WHEN 'string' THEN s.r ->> 'locale' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'on_behalf_of') WHEN 'string' THEN s.r ->> 'on_behalf_of' END, CASE jsonb_typeof(s.r -> 'return_url') WHEN 'string' THEN s.r ->> 'return_url' END, CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('billing_portal.session', 'billing_portal_sessions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_bitcoin_receivers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."bitcoin_receivers" AS t ("id", "active", "amount", "amount_received", "bitcoin_amount", "bitcoin_amount_received", "bitcoin_uri", "created", "currency", "customer", "description", "email", "filled", "inbound_address", "livemode", "metadata", "object", "payment", "refund_address", "transactions", "uncaptured_funds", "used_for_payment", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_received'), stripe._bigint(s.r -> 'bitcoin_amount'), stripe._bigint(s.r -> 'bitcoin_amount_received'), CASE jsonb_typeof(s.r -> 'bitcoin_uri') WHEN 'string' THEN s.r ->> 'bitcoin_uri' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'customer') WHEN 'string' THEN s.r ->> 'customer' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, stripe._boolean(s.r -> 'filled'), CASE jsonb_typeof(s.r -> 'inbound_address') WHEN 'string' THEN s.r ->> 'inbound_address' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'payment') WHEN 'string' THEN s.r ->> 'payment' END, CASE jsonb_typeof(s.r -> 'refund_address') WHEN 'string' THEN s.r ->> 'refund_address' END, stripe._jsonb(s.r -> 'transactions'), stripe._boolean(s.r -> 'uncaptured_funds'), stripe._boolean(s.r -> 'used_for_payment'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active" = EXCLUDED."active", "amount" = EXCLUDED."amount", "amount_received" = EXCLUDED."amount_received", "bitcoin_amount" = EXCLUDED."bitcoin_amount", "bitcoin_amount_received" = EXCLUDED."bitcoin_amount_received", "bitcoin_uri" = EXCLUDED."bitcoin_uri", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "description" = EXCLUDED."description", "email" = EXCLUDED."email", "filled" = EXCLUDED."filled", "inbound_address" = EXCLUDED."inbound_address", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "payment" = EXCLUDED."payment", "refund_address" = EXCLUDED."refund_address", "transactions" = EXCLUDED."transactions", "uncaptured_funds" = EXCLUDED."uncaptured_funds", "used_for_payment" = EXCLUDED."used_for_payment", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_bitcoin_receivers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."bitcoin_receivers" AS t ("id", "active", "amount", "amount_received", "bitcoin_amount", "bitcoin_amount_received", "bitcoin_uri", "created", "currency", "customer", "description", "email", "filled", "inbound_address", "livemode", "metadata", "object", "payment", "refund_address", "transactions", "uncaptured_funds", "used_for_payment", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_received'), stripe._bigint(s.r -> 'bitcoin_amount'), stripe._bigint(s.r -> 'bitcoin_amount_received'), CASE jsonb_typeof(s.r -> 'bitcoin_uri') WHEN 'string' THEN s.r ->> 'bitcoin_uri' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'customer') WHEN 'string' THEN s.r ->> 'customer' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, stripe._boolean(s.r -> 'filled'), CASE jsonb_typeof(s.r -> 'inbound_address') WHEN 'string' THEN s.r ->> 'inbound_address' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'payment') WHEN 'string' THEN s.r ->> 'payment' END, CASE jsonb_typeof(s.r -> 'refund_address') WHEN 'string' THEN s.r ->> 'refund_address' END, stripe._jsonb(s.r -> 'transactions'), stripe._boolean(s.r -> 'uncaptured_funds'), stripe._boolean(s.r -> 'used_for_payment'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('bitcoin_receiver', 'bitcoin_receivers', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_bitcoin_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."bitcoin_transactions" AS t ("id", "amount", "bitcoin_amount", "created", "currency", "object", "receiver", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'bitcoin_amount'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'receiver') WHEN 'string' THEN s.r ->> 'receiver' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "bitcoin_amount" = EXCLUDED."bitcoin_amount", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "object" = EXCLUDED."object", "receiver" = EXCLUDED."receiver", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_bitcoin_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."bitcoin_transactions" AS t ("id", "amount", "bitcoin_amount", "created", "currency", "object", "receiver", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'bitcoin_amount'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'receiver') WHEN 'string' THEN s.r ->> 'receiver' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('bitcoin_transaction', 'bitcoin_transactions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_capabilities"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."capabilities" AS t ("id", "account", "future_requirements", "object", "requested", "requested_at", "requirements", "status", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'account'), stripe._jsonb(s.r -> 'future_requirements'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._boolean(s.r -> 'requested'), stripe._timestamp(s.r -> 'requested_at'), stripe._jsonb(s.r -> 'requirements'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "account" = EXCLUDED."account", "future_requirements" = EXCLUDED."future_requirements", "object" = EXCLUDED."object", "requested" = EXCLUDED."requested", "requested_at" = EXCLUDED."requested_at", "requirements" = EXCLUDED."requirements", "status" = EXCLUDED."status", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_capabilities"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."capabilities" AS t ("id", "account", "future_requirements", "object", "requested", "requested_at", "requirements", "status", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'account'), stripe._jsonb(s.r -> 'future_requirements'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._boolean(s.r -> 'requested'), stripe._timestamp(s.r -> 'requested_at'), stripe._jsonb(s.r -> 'requirements'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('capability', 'capabilities', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_cards"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."cards" AS t ("id", "account", "address_city", "address_country", "address_line1", "address_line1_check", "address_line2", "address_state", "address_zip", "address_zip_check", "allow_redisplay", "available_payout_methods", "brand", "country", "currency", "customer", "cvc_check", "default_for_currency", "dynamic_last4", "exp_month", "exp_year", "fingerprint", "funding", "iin", "last4", "metadata", "name", "networks", "object", "recipient", "regulated_status", "status", "tokenization_method", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'account'), CASE jsonb_typeof(s.r -> 'address_city') WHEN 'string' THEN s.r ->> 'address_city' END, CASE jsonb_typeof(s.r -> 'address_country') WHEN 'string' THEN s.r ->> 'address_country' END, CASE jsonb_typeof(s.r -> 'address_line1') WHEN 'string' THEN s.r ->> 'address_line1' END, CASE jsonb_typeof(s.r -> 'address_line1_check') WHEN 'string' THEN s.r ->> 'address_line1_check' END, CASE jsonb_typeof(s.r -> 'address_line2') WHEN 'string' THEN s.r ->> 'address_line2' END, CASE jsonb_typeof(s.r -> 'address_state') WHEN 'string' THEN s.r ->> 'address_state' END, CASE jsonb_typeof(s.r -> 'address_zip') WHEN 'string' THEN s.r ->> 'address_zip' END, CASE jsonb_typeof(s.r -> 'address_zip_check') WHEN 'string' THEN s.r ->> 'address_zip_check' END, CASE jsonb_typeof(s.r -> 'allow_redisplay') WHEN 'string' THEN s.r ->> 'allow_redisplay' END, stripe._jsonb(s.r -> 'available_payout_methods'), CASE jsonb_typeof(s.r -> 'brand') WHEN 'string' THEN s.r ->> 'brand' END, CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'cvc_check') WHEN 'string' THEN s.r ->> 'cvc_check' END, stripe._boolean(s.r -> 'default_for_currency'), CASE jsonb_typeof(s.r -> 'dynamic_last4') WHEN 'string' THEN s.r ->> 'dynamic_last4' END, stripe._bigint(s.r -> 'exp_month'), stripe._bigint(s.r -> 'exp_year'), CASE jsonb_typeof(s.r -> 'fingerprint') WHEN 'string' THEN s.r ->> 'fingerprint' END, CASE jsonb_typeof(s.r -> 'funding') WHEN 'string' THEN s.r ->> 'funding' END, CASE jsonb_typeof(s.r -> 'iin') WHEN 'string' THEN s.r ->> 'iin' END, CASE jsonb_typeof(s.r -> 'last4') WHEN 'string' THEN s.r ->> 'last4' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, stripe._jsonb(s.r -> 'networks'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'recipient'), CASE jsonb_typeof(s.r -> 'regulated_status') WHEN 'string' THEN s.r ->> 'regulated_status' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'tokenization_method') WHEN 'string' THEN s.r ->> 'tokenization_method' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "account" = EXCLUDED."account", "address_city" = EXCLUDED."address_city", "address_country" = EXCLUDED."address_country", "address_line1" = EXCLUDED."address_line1", "address_line1_check" = EXCLUDED."address_line1_check", "address_line2" = EXCLUDED."address_line2", "address_state" = EXCLUDED."address_state", "address_zip" = EXCLUDED."address_zip", "address_zip_check" = EXCLUDED."address_zip_check", "allow_redisplay" = EXCLUDED."allow_redisplay", "available_payout_methods" = EXCLUDED."available_payout_methods", "brand" = EXCLUDED."brand", "country" = EXCLUDED."country", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "cvc_check" = EXCLUDED."cvc_check", "default_for_currency" = EXCLUDED."default_for_currency", "dynamic_last4" = EXCLUDED."dynamic_last4", "exp_month" = EXCLUDED."exp_month", "exp_year" = EXCLUDED."exp_year", "fingerprint" = EXCLUDED."fingerprint", "funding" = EXCLUDED."funding", "iin" = EXCLUDED."iin", "last4" = EXCLUDED."last4", "metadata" = EXCLUDED."metadata", "name" = EXCLUDED."name", "networks" = EXCLUDED."networks", "object" = EXCLUDED."object", "recipient" = EXCLUDED."recipient", "regulated_status" = EXCLUDED."regulated_status", "status" = EXCLUDED."status", "tokenization_method" = EXCLUDED."tokenization_method", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_cards"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."cards" AS t ("id", "account", "address_city", "address_country", "address_line1", "address_line1_check", "address_line2", "address_state", "address_zip", "address_zip_check", "allow_redisplay", "available_payout_methods", "brand", "country", "currency", "customer", "cvc_check", "default_for_currency", "dynamic_last4", "exp_month", "exp_year", "fingerprint", "funding", "iin", "last4", "metadata", "name", "networks", "object", "recipient", "regulated_status", "status", "tokenization_method", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'account'), CASE jsonb_typeof(s.r -> 'address_city') WHEN 'string' THEN s.r ->> 'address_city' END, CASE jsonb_typeof(s.r -> 'address_country') WHEN 'string' THEN s.r ->> 'address_country' END, CASE jsonb_typeof(s.r -> 'address_line1') WHEN 'string' THEN s.r ->> 'address_line1' END, CASE jsonb_typeof(s.r -> 'address_line1_check') WHEN 'string' THEN s.r ->> 'address_line1_check' END, CASE jsonb_typeof(s.r -> 'address_line2') WHEN 'string' THEN s.r ->> 'address_line2' END, CASE jsonb_typeof(s.r -> 'address_state') WHEN 'string' THEN s.r ->> 'address_state' END, CASE jsonb_typeof(s.r -> 'address_zip') WHEN 'string' THEN s.r ->> 'address_zip' END, CASE jsonb_typeof(s.r -> 'address_zip_check') WHEN 'string' THEN s.r ->> 'address_zip_check' END, CASE jsonb_typeof(s.r -> 'allow_redisplay') WHEN 'string' THEN s.r ->> 'allow_redisplay' END, stripe._jsonb(s.r -> 'available_payout_methods'), CASE jsonb_typeof(s.r -> 'brand') WHEN 'string' THEN s.r ->> 'brand' END, CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'cvc_check') WHEN 'string' THEN s.r ->> 'cvc_check' END, stripe._boolean(s.r -> 'default_for_currency'), CASE jsonb_typeof(s.r -> 'dynamic_last4') WHEN 'string' THEN s.r ->> 'dynamic_last4' END, stripe._bigint(s.r -> 'exp_month'), stripe._bigint(s.r -> 'exp_year'), CASE jsonb_typeof(s.r -> 'fingerprint') WHEN 'string' THEN s.r ->> 'fingerprint' END, CASE jsonb_typeof(s.r -> 'funding') WHEN 'string' THEN s.r ->> 'funding' END, CASE jsonb_typeof(s.r -> 'iin') WHEN 'string' THEN s.r ->> 'iin' END, CASE jsonb_typeof(s.r -> 'last4') WHEN 'string' THEN s.r ->> 'last4' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, stripe._jsonb(s.r -> 'networks'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'recipient'), CASE jsonb_typeof(s.r -> 'regulated_status') WHEN 'string' THEN s.r ->> 'regulated_status' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'tokenization_method') WHEN 'string' THEN s.r ->> 'tokenization_method' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('card', 'cards', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_charges"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."charges" AS t ("id", "amount", "amount_captured", "amount_refunded", "application", "application_fee", "application_fee_amount", "balance_transaction", "billing_details", "calculated_statement_descriptor", "captured", "created", "currency", "customer", "description", "disputed", "failure_balance_transaction", "failure_code", "failure_message", "fraud_details", "invoice", "livemode", "metadata", "object", "on_behalf_of", "outcome", "paid", "payment_intent", "payment_method", "payment_method_details", "presentment_details", "radar_options", "receipt_email", "receipt_number", "receipt_url", "refunded", "refunds", "review", "shipping", "source_transfer", "statement_descriptor", "statement_descriptor_suffix", "status", "transfer", "transfer_data", "transfer_group", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_captured'), stripe._bigint(s.r -> 'amount_refunded'), stripe._ref_id(s.r -> 'application'), stripe._ref_id(s.r -> 'application_fee'), stripe._bigint(s.r -> 'application_fee_amount'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._jsonb(s.r -> 'billing_details'), CASE jsonb_typeof(s.r -> 'calculated_statement_descriptor') WHEN 'string' THEN s.r ->> 'calculated_statement_descriptor' END, stripe._boolean(s.r -> 'captured'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._boolean(s.r -> 'disputed'), stripe._ref_id(s.r -> 'failure_balance_transaction'), CASE jsonb_typeof(s.r -> 'failure_code') WHEN 'string' THEN s.r ->> 'failure_code' END, CASE jsonb_typeof(s.r -> 'failure_message') WHEN 'string' THEN s.r ->> 'failure_message' END, stripe._jsonb(s.r -> 'fraud_details'), stripe._ref_id(s.r -> 'invoice'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._jsonb(s.r -> 'outcome'), stripe._boolean(s.r -> 'paid'), stripe._ref_id(s.r -> 'payment_intent'), CASE jsonb_typeof(s.r -> 'payment_method') WHEN 'string' THEN s.r ->> 'payment_method' END, stripe._jsonb(s.r -> 'payment_method_details'), stripe._jsonb(s.r -> 'presentment_details'), stripe._jsonb(s.r -> 'radar_options'), CASE jsonb_typeof(s.r -> 'receipt_email') WHEN 'string' THEN s.r ->> 'receipt_email' END, CASE jsonb_typeof(s.r -> 'receipt_number') WHEN 'string' THEN s.r ->> 'receipt_number' END, CASE jsonb_typeof(s.r -> 'receipt_url') WHEN 'string' THEN s.r ->> 'receipt_url' END, stripe._boolean(s.r -> 'refunded'), stripe._jsonb(s.r -> 'refunds'), stripe._ref_id(s.r -> 'review'), stripe._jsonb(s.r -> 'shipping'), stripe._ref_id(s.r -> 'source_transfer'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'statement_descriptor_suffix') WHEN 'string' THEN s.r ->> 'statement_descriptor_suffix' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'transfer'), stripe._jsonb(s.r -> 'transfer_data'), CASE jsonb_typeof(s.r -> 'transfer_group') WHEN 'string' THEN s.r ->> 'transfer_group' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "amount_captured" = EXCLUDED."amount_captured", "amount_refunded" = EXCLUDED."amount_refunded", "application" = EXCLUDED."application", "application_fee" = EXCLUDED."application_fee", "application_fee_amount" = EXCLUDED."application_fee_amount", "balance_transaction" = EXCLUDED."balance_transaction", "billing_details" = EXCLUDED."billing_details", "calculated_statement_descriptor" = EXCLUDED."calculated_statement_descriptor", "captured" = EXCLUDED."captured", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "description" = EXCLUDED."description", "disputed" = EXCLUDED."disputed", "failure_balance_transaction" = EXCLUDED."failure_balance_transaction", "failure_code" = EXCLUDED."failure_code", "failure_message" = EXCLUDED."failure_message", "fraud_details" = EXCLUDED."fraud_details", "invoice" = EXCLUDED."invoice", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "on_behalf_of" = EXCLUDED."on_behalf_of", "outcome" = EXCLUDED."outcome", "paid" = EXCLUDED."paid", "payment_intent" = EXCLUDED."payment_intent", "payment_method" = EXCLUDED."payment_method", "payment_method_details" = EXCLUDED."payment_method_details", "presentment_details" = EXCLUDED."presentment_details", "radar_options" = EXCLUDED."radar_options", "receipt_email" = EXCLUDED."receipt_email", "receipt_number" = EXCLUDED."receipt_number", "receipt_url" = EXCLUDED."receipt_url", "refunded" = EXCLUDED."refunded", "refunds" = EXCLUDED."refunds", "review" = EXCLUDED."review", "shipping" = EXCLUDED."shipping", "source_transfer" = EXCLUDED."source_transfer", "statement_descriptor" = EXCLUDED."statement_descriptor", "statement_descriptor_suffix" = EXCLUDED."statement_descriptor_suffix", "status" = EXCLUDED."status", "transfer" = EXCLUDED."transfer", "transfer_data" = EXCLUDED."transfer_data", "transfer_group" = EXCLUDED."transfer_group", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_charges"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."charges" AS t ("id", "amount", "amount_captured", "amount_refunded", "application", "application_fee", "application_fee_amount", "balance_transaction", "billing_details", "calculated_statement_descriptor", "captured", "created", "currency", "customer", "description", "disputed", "failure_balance_transaction", "failure_code", "failure_message", "fraud_details", "invoice", "livemode", "metadata", "object", "on_behalf_of", "outcome", "paid", "payment_intent", "payment_method", "payment_method_details", "presentment_details", "radar_options", "receipt_email", "receipt_number", "receipt_url", "refunded", "refunds", "review", "shipping", "source_transfer", "statement_descriptor", "statement_descriptor_suffix", "status", "transfer", "transfer_data", "transfer_group", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_captured'), stripe._bigint(s.r -> 'amount_refunded'), stripe._ref_id(s.r -> 'application'), stripe._ref_id(s.r -> 'application_fee'), stripe._bigint(s.r -> 'application_fee_amount'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._jsonb(s.r -> 'billing_details'), CASE jsonb_typeof(s.r -> 'calculated_statement_descriptor') WHEN 'string' THEN s.r ->> 'calculated_statement_descriptor' END, stripe._boolean(s.r -> 'captured'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._boolean(s.r -> 'disputed'), stripe._ref_id(s.r -> 'failure_balance_transaction'), CASE jsonb_typeof(s.r -> 'failure_code') WHEN 'string' THEN s.r ->> 'failure_code' END, CASE jsonb_typeof(s.r -> 'failure_message') WHEN 'string' THEN s.r ->> 'failure_message' END, stripe._jsonb(s.r -> 'fraud_details'), stripe._ref_id(s.r -> 'invoice'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._jsonb(s.r -> 'outcome'), stripe._boolean(s.r -> 'paid'), stripe._ref_id(s.r -> 'payment_intent'), CASE jsonb_typeof(s.r -> 'payment_method') WHEN 'string' THEN s.r ->> 'payment_method' END, stripe._jsonb(s.r -> 'payment_method_details'), stripe._jsonb(s.r -> 'presentment_details'), stripe._jsonb(s.r -> 'radar_options'), CASE jsonb_typeof(s.r -> 'receipt_email') WHEN 'string' THEN s.r ->> 'receipt_email' END, CASE jsonb_typeof(s.r -> 'receipt_number') WHEN 'string' THEN s.r ->> 'receipt_number' END, CASE jsonb_typeof(s.r -> 'receipt_url') WHEN 'string' THEN s.r ->> 'receipt_url' END, stripe._boolean(s.r -> 'refunded'), stripe._jsonb(s.r -> 'refunds'), stripe._ref_id(s.r -> 'review'), stripe._jsonb(s.r -> 'shipping'), stripe._ref_id(s.r -> 'source_transfer'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'statement_descriptor_suffix') WHEN 'string' THEN s.r ->> 'statement_descriptor_suffix' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'transfer'), stripe._jsonb(s.r -> 'transfer_data'), CASE jsonb_typeof(s.r -> 'transfer_group') WHEN 'string' THEN s.r ->> 'transfer_group' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('charge', 'charges', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_checkout_sessions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."checkout_sessions" AS t ("id", "adaptive_pricing", "after_expiration", "allow_promotion_codes", "amount_subtotal", "amount_total", "automatic_tax", "billing_address_collection", "branding_settings", "cancel_url", "client_reference_id", "client_secret", "collected_information", "consent", "consent_collection", "created", "currency", "currency_conversion", "custom_fields", "custom_text", "customer", "customer_account", "customer_creation", "customer_details", "customer_email", "discounts", "excluded_payment_method_types", "expires_at", "integration_identifier", "invoice", "invoice_creation", "line_items", "livemode", "locale", "managed_payments", "metadata", "mode", "name_collection", "object", "optional_items", "origin_context", "payment_intent", "payment_link", "payment_method_collection", "payment_method_configuration_details", "payment_method_options", "payment_method_types", "payment_status", "permissions", "phone_number_collection", "presentment_details", "recovered_from", "redirect_on_completion", "return_url", "saved_payment_method_options", "setup_intent", "shipping", "shipping_address_collection", "shipping_cost", "shipping_details", "shipping_options", "shipping_rate", "status", "submit_type", "subscription", "success_url", "tax_id_collection", "total_details", "ui_mode", "url", "wallet_options", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'adaptive_pricing'), stripe._jsonb(s.r -> 'after_expiration'), stripe._boolean(s.r -> 'allow_promotion_codes'), stripe._bigint(s.r -> 'amount_subtotal'), stripe._bigint(s.r -> 'amount_total'), stripe._jsonb(s.r -> 'automatic_tax'), CASE jsonb_typeof(s.r -> 'billing_address_collection') WHEN 'string' THEN s.r ->> 'billing_address_collection' END, stripe._jsonb(s.r -> 'branding_settings'), CASE jsonb_typeof(s.r -> 'cancel_url') WHEN 'string' THEN s.r ->> 'cancel_url' END, CASE jsonb_typeof(s.r -> 'client_reference_id') WHEN 'string' THEN s.r ->> 'client_reference_id' END, CASE jsonb_typeof(s.r -> 'client_secret') WHEN 'string' THEN s.r ->> 'client_secret' END, stripe._jsonb(s.r -> 'collected_information'), stripe._jsonb(s.r -> 'consent'), stripe._jsonb(s.r -> 'consent_collection'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'currency_conversion'), stripe._jsonb(s.r -> 'custom_fields'), stripe._jsonb(s.r -> 'custom_text'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, CASE jsonb_typeof(s.r -> 'customer_creation') WHEN 'string' THEN s.r ->> 'customer_creation' END, stripe._jsonb(s.r -> 'customer_details'), CASE jsonb_typeof(s.r -> 'customer_email') WHEN 'string' THEN s.r ->> 'customer_email' END, stripe._jsonb(s.r -> 'discounts'), stripe._jsonb(s.r -> 'excluded_payment_method_types'), stripe._timestamp(s.r -> 'expires_at'), CASE jsonb_typeof(s.r -> 'integration_identifier') WHEN 'string' THEN s.r ->> 'integration_identifier' END, stripe._ref_id(s.r -> 'invoice'), stripe._jsonb(s.r -> 'invoice_creation'), stripe._jsonb(s.r -> 'line_items'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'locale') WHEN 'string' THEN s.r ->> 'locale' END, stripe._jsonb(s.r -> 'managed_payments'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'mode') WHEN 'string' THEN s.r ->> 'mode' END, stripe._jsonb(s.r -> 'name_collection'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'optional_items'), CASE jsonb_typeof(s.r -> 'origin_context') WHEN 'string' THEN s.r ->> 'origin_context' END, stripe._ref_id(s.r -> 'payment_intent'), stripe._ref_id(s.r -> 'payment_link'), CASE jsonb_typeof(s.r -> 'payment_method_collection') WHEN 'string' THEN s.r ->> 'payment_method_collection' END, stripe._jsonb(s.r -> 'payment_method_configuration_details'), stripe._jsonb(s.r -> 'payment_method_options'), stripe._jsonb(s.r -> 'payment_method_types'), CASE jsonb_typeof(s.r -> 'payment_status') WHEN 'string' THEN s.r ->> 'payment_status' END, stripe._jsonb(s.r -> 'permissions'), stripe._jsonb(s.r -> 'phone_number_collection'), stripe._jsonb(s.r -> 'presentment_details'), CASE jsonb_typeof(s.r -> 'recovered_from') WHEN 'string' THEN s.r ->> 'recovered_from' END, CASE jsonb_typeof(s.r -> 'redirect_on_completion') WHEN 'string' THEN s.r ->> 'redirect_on_completion' END, CASE jsonb_typeof(s.r -> 'return_url') WHEN 'string' THEN s.r ->> 'return_url' END, stripe._jsonb(s.r -> 'saved_payment_method_options'), stripe._ref_id(s.r -> 'setup_intent'), stripe._jsonb(s.r -> 'shipping'), stripe._jsonb(s.r -> 'shipping_address_collection'), stripe._jsonb(s.r -> 'shipping_cost'), stripe._jsonb(s.r -> 'shipping_details'), stripe._jsonb(s.r -> 'shipping_options'), stripe._ref_id(s.r -> 'shipping_rate'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'submit_type') WHEN 'string' THEN s.r ->> 'submit_type' END, stripe._ref_id(s.r -> 'subscription'), CASE jsonb_typeof(s.r -> 'success_url') WHEN 'string' THEN s.r ->> 'success_url' END, stripe._jsonb(s.r -> 'tax_id_collection'), stripe._jsonb(s.r -> 'total_details'), CASE jsonb_typeof(s.r -> 'ui_mode') WHEN 'string' THEN s.r ->> 'ui_mode' END, CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, stripe._jsonb(s.r -> 'wallet_options'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "adaptive_pricing" = EXCLUDED."adaptive_pricing", "after_expiration" = EXCLUDED."after_expiration", "allow_promotion_codes" = EXCLUDED."allow_promotion_codes", "amount_subtotal" = EXCLUDED."amount_subtotal", "amount_total" = EXCLUDED."amount_total", "automatic_tax" = EXCLUDED."automatic_tax", "billing_address_collection" = EXCLUDED."billing_address_collection", "branding_settings" = EXCLUDED."branding_settings", "cancel_url" = EXCLUDED."cancel_url", "client_reference_id" = EXCLUDED."client_reference_id", "client_secret" = EXCLUDED."client_secret", "collected_information" = EXCLUDED."collected_information", "consent" = EXCLUDED."consent", "consent_collection" = EXCLUDED."consent_collection", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "currency_conversion" = EXCLUDED."currency_conversion", "custom_fields" = EXCLUDED."custom_fields", "custom_text" = EXCLUDED."custom_text", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "customer_creation" = EXCLUDED."customer_creation", "customer_details" = EXCLUDED."customer_details", "customer_email" = EXCLUDED."customer_email", "discounts" = EXCLUDED."discounts", "excluded_payment_method_types" = EXCLUDED."excluded_payment_method_types", "expires_at" = EXCLUDED."expires_at", "integration_identifier" = EXCLUDED."integration_identifier", "invoice" = EXCLUDED."invoice", "invoice_creation" = EXCLUDED."invoice_creation", "line_items" = EXCLUDED."line_items", "livemode" = EXCLUDED."livemode", "locale" = EXCLUDED."locale", "managed_payments" = EXCLUDED."managed_payments", "metadata" = EXCLUDED."metadata", "mode" = EXCLUDED."mode", "name_collection" = EXCLUDED."name_collection", "object" = EXCLUDED."object", "optional_items" = EXCLUDED."optional_items", "origin_context" = EXCLUDED."origin_context", "payment_intent" = EXCLUDED."payment_intent", "payment_link" = EXCLUDED."payment_link", "payment_method_collection" = EXCLUDED."payment_method_collection", "payment_method_configuration_details" = EXCLUDED."payment_method_configuration_details", "payment_method_options" = EXCLUDED."payment_method_options", "payment_method_types" = EXCLUDED."payment_method_types", "payment_status" = EXCLUDED."payment_status", "permissions" = EXCLUDED."permissions", "phone_number_collection" = EXCLUDED."phone_number_collection", "presentment_details" = EXCLUDED."presentment_details", "recovered_from" = EXCLUDED."recovered_from", "redirect_on_completion" = EXCLUDED."redirect_on_completion", "return_url" = EXCLUDED."return_url", "saved_payment_method_options" = EXCLUDED."saved_payment_method_options", "setup_intent" = EXCLUDED."setup_intent", "shipping" = EXCLUDED."shipping", "shipping_address_collection" = EXCLUDED."shipping_address_collection", "shipping_cost" = EXCLUDED."shipping_cost", "shipping_details" = EXCLUDED."shipping_details", "shipping_options" = EXCLUDED."shipping_options", "shipping_rate" = EXCLUDED."shipping_rate", "status" = EXCLUDED."status", "submit_type" = EXCLUDED."submit_type", "subscription" = EXCLUDED."subscription", "success_url" = EXCLUDED."success_url", "tax_id_collection" = EXCLUDED."tax_id_collection", "total_details" = EXCLUDED."total_details", "ui_mode" = EXCLUDED."ui_mode", "url" = EXCLUDED."url", "wallet_options" = EXCLUDED."wallet_options", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_checkout_sessions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."checkout_sessions" AS t ("id", "adaptive_pricing", "after_expiration", "allow_promotion_codes", "amount_subtotal", "amount_total", "automatic_tax", "billing_address_collection", "branding_settings", "cancel_url", "client_reference_id", "client_secret", "collected_information", "consent", "consent_collection", "created", "currency", "currency_conversion", "custom_fields", "custom_text", "customer", "customer_account", "customer_creation", "customer_details", "customer_email", "discounts", "excluded_payment_method_types", "expires_at", "integration_identifier", "invoice", "invoice_creation", "line_items", "livemode", "locale", "managed_payments", "metadata", "mode", "name_collection", "object", "optional_items", "origin_context", "payment_intent", "payment_link", "payment_method_collection", "payment_method_configuration_details", "payment_method_options", "payment_method_types", "payment_status", "permissions", "phone_number_collection", "presentment_details", "recovered_from", "redirect_on_completion", "return_url", "saved_payment_method_options", "setup_intent", "shipping", "shipping_address_collection", "shipping_cost", "shipping_details", "shipping_options", "shipping_rate", "status", "submit_type", "subscription", "success_url", "tax_id_collection", "total_details", "ui_mode", "url", "wallet_options", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'adaptive_pricing'), stripe._jsonb(s.r -> 'after_expiration'), stripe._boolean(s.r -> 'allow_promotion_codes'), stripe._bigint(s.r -> 'amount_subtotal'), stripe._bigint(s.r -> 'amount_total'), stripe._jsonb(s.r -> 'automatic_tax'), CASE jsonb_typeof(s.r -> 'billing_address_collection') WHEN 'string' THEN s.r ->> 'billing_address_collection' END, stripe._jsonb(s.r -> 'branding_settings'), CASE jsonb_typeof(s.r -> 'cancel_url') WHEN 'string' THEN s.r ->> 'cancel_url' END, CASE jsonb_typeof(s.r -> 'client_reference_id') WHEN 'string' THEN s.r ->> 'client_reference_id' END, CASE jsonb_typeof(s.r -> 'client_secret') WHEN 'string' THEN s.r ->> 'client_secret' END, stripe._jsonb(s.r -> 'collected_information'), stripe._jsonb(s.r -> 'consent'), stripe._jsonb(s.r -> 'consent_collection'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'currency_conversion'), stripe._jsonb(s.r -> 'custom_fields'), stripe._jsonb(s.r -> 'custom_text'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, CASE jsonb_typeof(s.r -> 'customer_creation') WHEN 'string' THEN s.r ->> 'customer_creation' END, stripe._jsonb(s.r -> 'customer_details'), CASE jsonb_typeof(s.r -> 'customer_email') WHEN 'string' THEN s.r ->> 'customer_email' END, stripe._jsonb(s.r -> 'discounts'), stripe._jsonb(s.r -> 'excluded_payment_method_types'), stripe._timestamp(s.r -> 'expires_at'), CASE jsonb_typeof(s.r -> 'integration_identifier') WHEN 'string' THEN s.r ->> 'integration_identifier' END, stripe._ref_id(s.r -> 'invoice'), stripe._jsonb(s.r -> 'invoice_creation'), stripe._jsonb(s.r -> 'line_items'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'locale') WHEN 'string' THEN s.r ->> 'locale' END, stripe._jsonb(s.r -> 'managed_payments'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'mode') WHEN 'string' THEN s.r ->> 'mode' END, stripe._jsonb(s.r -> 'name_collection'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'optional_items'), CASE jsonb_typeof(s.r -> 'origin_context') WHEN 'string' THEN s.r ->> 'origin_context' END, stripe._ref_id(s.r -> 'payment_intent'), stripe._ref_id(s.r -> 'payment_link'), CASE jsonb_typeof(s.r -> 'payment_method_collection') WHEN 'string' THEN s.r ->> 'payment_method_collection' END, stripe._jsonb(s.r -> 'payment_method_configuration_details'), stripe._jsonb(s.r -> 'payment_method_options'), stripe._jsonb(s.r -> 'payment_method_types'), CASE jsonb_typeof(s.r -> 'payment_status') WHEN 'string' THEN s.r ->> 'payment_status' END, stripe._jsonb(s.r -> 'permissions'), stripe._jsonb(s.r -> 'phone_number_collection'), stripe._jsonb(s.r -> 'presentment_details'), CASE jsonb_typeof(s.r -> 'recovered_from') WHEN 'string' THEN s.r ->> 'recovered_from' END, CASE jsonb_typeof(s.r -> 'redirect_on_completion') WHEN 'string' THEN s.r ->> 'redirect_on_completion' END, CASE jsonb_typeof(s.r -> 'return_url') WHEN 'string' THEN s.r ->> 'return_url' END, stripe._jsonb(s.r -> 'saved_payment_method_options'), stripe._ref_id(s.r -> 'setup_intent'), stripe._jsonb(s.r -> 'shipping'), stripe._jsonb(s.r -> 'shipping_address_collection'), stripe._jsonb(s.r -> 'shipping_cost'), stripe._jsonb(s.r -> 'shipping_details'), stripe._jsonb(s.r -> 'shipping_options'), stripe._ref_id(s.r -> 'shipping_rate'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'submit_type') WHEN 'string' THEN s.r ->> 'submit_type' END, stripe._ref_id(s.r -> 'subscription'), CASE jsonb_typeof(s.r -> 'success_url') WHEN 'string' THEN s.r ->> 'success_url' END, stripe._jsonb(s.r -> 'tax_id_collection'), stripe._jsonb(s.r -> 'total_details'), CASE jsonb_typeof(s.r -> 'ui_mode') WHEN 'string' THEN s.r ->> 'ui_mode' END, CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, stripe._jsonb(s.r -> 'wallet_options'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('checkout.session', 'checkout_sessions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_climate_orders"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."climate_orders" AS t ("id", "amount_fees", "amount_subtotal", "amount_total", "beneficiary", "canceled_at", "cancellation_reason", "certificate", "confirmed_at", "created", "currency", "delayed_at", "delivered_at", "delivery_details", "expected_delivery_year", "livemode", "metadata", "metric_tons", "object", "product", "product_substituted_at", "status", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount_fees'), stripe._bigint(s.r -> 'amount_subtotal'), stripe._bigint(s.r -> 'amount_total'), stripe._jsonb(s.r -> 'beneficiary'), stripe._timestamp(s.r -> 'canceled_at'), CASE jsonb_typeof(s.r -> 'cancellation_reason') WHEN 'string' THEN s.r ->> 'cancellation_reason' END, CASE jsonb_typeof(s.r -> 'certificate') WHEN 'string' THEN s.r ->> 'certificate' END, stripe._timestamp(s.r -> 'confirmed_at'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._timestamp(s.r -> 'delayed_at'), stripe._timestamp(s.r -> 'delivered_at'), stripe._jsonb(s.r -> 'delivery_details'), stripe._bigint(s.r -> 'expected_delivery_year'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'metric_tons') WHEN 'string' THEN s.r ->> 'metric_tons' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'product'), stripe._timestamp(s.r -> 'product_substituted_at'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount_fees" = EXCLUDED."amount_fees", "amount_subtotal" = EXCLUDED."amount_subtotal", "amount_total" = EXCLUDED."amount_total", "beneficiary" = EXCLUDED."beneficiary", "canceled_at" = EXCLUDED."canceled_at", "cancellation_reason" = EXCLUDED."cancellation_reason", "certificate" = EXCLUDED."certificate", "confirmed_at" = EXCLUDED."confirmed_at", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "delayed_at" = EXCLUDED."delayed_at", "delivered_at" = EXCLUDED."delivered_at", "delivery_details" = EXCLUDED."delivery_details", "expected_delivery_year" = EXCLUDED."expected_delivery_year", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "metric_tons" = EXCLUDED."metric_tons", "object" = EXCLUDED."object", "product" = EXCLUDED."product", "product_substituted_at" = EXCLUDED."product_substituted_at", "status" = EXCLUDED."status", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_climate_orders"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."climate_orders" AS t ("id", "amount_fees", "amount_subtotal", "amount_total", "beneficiary", "canceled_at", "cancellation_reason", "certificate", "confirmed_at", "created", "currency", "delayed_at", "delivered_at", "delivery_details", "expected_delivery_year", "livemode", "metadata", "metric_tons", "object", "product", "product_substituted_at", "status", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount_fees'), stripe._bigint(s.r -> 'amount_subtotal'), stripe._bigint(s.r -> 'amount_total'), stripe._jsonb(s.r -> 'beneficiary'), stripe._timestamp(s.r -> 'canceled_at'), CASE jsonb_typeof(s.r -> 'cancellation_reason') WHEN 'string' THEN s.r ->> 'cancellation_reason' END, CASE jsonb_typeof(s.r -> 'certificate') WHEN 'string' THEN s.r ->> 'certificate' END, stripe._timestamp(s.r -> 'confirmed_at'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._timestamp(s.r -> 'delayed_at'), stripe._timestamp(s.r -> 'delivered_at'), stripe._jsonb(s.r -> 'delivery_details'), stripe._bigint(s.r -> 'expected_delivery_year'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'metric_tons') WHEN 'string' THEN s.r ->> 'metric_tons' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'product'), stripe._timestamp(s.r -> 'product_substituted_at'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('climate.order', 'climate_orders', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_climate_products"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."climate_products" AS t ("id", "created", "current_prices_per_metric_ton", "delivery_year", "livemode", "metric_tons_available", "name", "object", "suppliers", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'current_prices_per_metric_ton'), stripe._bigint(s.r -> 'delivery_year'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'metric_tons_available') WHEN 'string' THEN s.r ->> 'metric_tons_available' END, CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'suppliers'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "current_prices_per_metric_ton" = EXCLUDED."current_prices_per_metric_ton", "delivery_year" = EXCLUDED."delivery_year", "livemode" = EXCLUDED."livemode", "metric_tons_available" = EXCLUDED."metric_tons_available", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "suppliers" = EXCLUDED."suppliers", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_climate_products"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."climate_products" AS t ("id", "created", "current_prices_per_metric_ton", "delivery_year", "livemode", "metric_tons_available", "name", "object", "suppliers", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'current_prices_per_metric_ton'), stripe._bigint(s.r -> 'delivery_year'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'metric_tons_available') WHEN 'string' THEN s.r ->> 'metric_tons_available' END, CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'suppliers'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('climate.product', 'climate_products', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_climate_suppliers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."climate_suppliers" AS t ("id", "info_url", "livemode", "locations", "name", "object", "removal_pathway", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'info_url') WHEN 'string' THEN s.r ->> 'info_url' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'locations'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'removal_pathway') WHEN 'string' THEN s.r ->> 'removal_pathway' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "info_url" = EXCLUDED."info_url", "livemode" = EXCLUDED."livemode", "locations" = EXCLUDED."locations", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "removal_pathway" = EXCLUDED."removal_pathway", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_climate_suppliers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."climate_suppliers" AS t ("id", "info_url", "livemode", "locations", "name", "object", "removal_pathway", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'info_url') WHEN 'string' THEN s.r ->> 'info_url' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'locations'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'removal_pathway') WHEN 'string' THEN s.r ->> 'removal_pathway' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('climate.supplier', 'climate_suppliers', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_country_specs"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."country_specs" AS t ("id", "default_currency", "object", "supported_bank_account_currencies", "supported_payment_currencies", "supported_payment_methods", "supported_transfer_countries", "verification_fields", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'default_currency') WHEN 'string' THEN s.r ->> 'default_currency' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'supported_bank_account_currencies'), stripe._jsonb(s.r -> 'supported_payment_currencies'), stripe._jsonb(s.r -> 'supported_payment_methods'), stripe._jsonb(s.r -> 'supported_transfer_countries'), stripe._jsonb(s.r -> 'verification_fields'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "default_currency" = EXCLUDED."default_currency", "object" = EXCLUDED."object", "supported_bank_account_currencies" = EXCLUDED."supported_bank_account_currencies", "supported_payment_currencies" = EXCLUDED."supported_payment_currencies", "supported_payment_methods" = EXCLUDED."supported_payment_methods", "supported_transfer_countries" = EXCLUDED."supported_transfer_countries", "verification_fields" = EXCLUDED."verification_fields", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_country_specs"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."country_specs" AS t ("id", "default_currency", "object", "supported_bank_account_currencies", "supported_payment_currencies", "supported_payment_methods", "supported_transfer_countries", "verification_fields", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'default_currency') WHEN 'string' THEN s.r ->> 'default_currency' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'supported_bank_account_currencies'), stripe._jsonb(s.r -> 'supported_payment_currencies'), stripe._jsonb(s.r -> 'supported_payment_methods'), stripe._jsonb(s.r -> 'supported_transfer_countries'), stripe._jsonb(s.r -> 'verification_fields'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('country_spec', 'country_specs', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_coupons"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."coupons" AS t ("id", "amount_off", "applies_to", "created", "currency", "currency_options", "duration", "duration_in_months", "livemode", "max_redemptions", "metadata", "name", "object", "percent_off", "redeem_by", "times_redeemed", "valid", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount_off'), stripe._jsonb(s.r -> 'applies_to'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'currency_options'), CASE jsonb_typeof(s.r -> 'duration') WHEN 'string' THEN s.r ->> 'duration' END, stripe._bigint(s.r -> 'duration_in_months'), stripe._boolean(s.r -> 'livemode'), stripe._bigint(s.r -> 'max_redemptions'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._numeric(s.r -> 'percent_off'), stripe._timestamp(s.r -> 'redeem_by'), stripe._bigint(s.r -> 'times_redeemed'), stripe._boolean(s.r -> 'valid'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount_off" = EXCLUDED."amount_off", "applies_to" = EXCLUDED."applies_to", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "currency_options" = EXCLUDED."currency_options", "duration" = EXCLUDED."duration", "duration_in_months" = EXCLUDED."duration_in_months", "livemode" = EXCLUDED."livemode", "max_redemptions" = EXCLUDED."max_redemptions", "metadata" = EXCLUDED."metadata", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "percent_off" = EXCLUDED."percent_off", "redeem_by" = EXCLUDED."redeem_by", "times_redeemed" = EXCLUDED."times_redeemed", "valid" = EXCLUDED."valid", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_coupons"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."coupons" AS t ("id", "amount_off", "applies_to", "created", "currency", "currency_options", "duration", "duration_in_months", "livemode", "max_redemptions", "metadata", "name", "object", "percent_off", "redeem_by", "times_redeemed", "valid", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount_off'), stripe._jsonb(s.r -> 'applies_to'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'currency_options'), CASE jsonb_typeof(s.r -> 'duration') WHEN 'string' THEN s.r ->> 'duration' END, stripe._bigint(s.r -> 'duration_in_months'), stripe._boolean(s.r -> 'livemode'), stripe._bigint(s.r -> 'max_redemptions'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._numeric(s.r -> 'percent_off'), stripe._timestamp(s.r -> 'redeem_by'), stripe._bigint(s.r -> 'times_redeemed'), stripe._boolean(s.r -> 'valid'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('coupon', 'coupons', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_credit_notes"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."credit_notes" AS t ("id", "amount", "amount_shipping", "created", "currency", "customer", "customer_account", "customer_balance_transaction", "discount_amount", "discount_amounts", "effective_at", "invoice", "lines", "livemode", "memo", "metadata", "number", "object", "out_of_band_amount", "pdf", "post_payment_amount", "pre_payment_amount", "pretax_credit_amounts", "reason", "refund", "refunds", "shipping_cost", "status", "subtotal", "subtotal_excluding_tax", "tax_amounts", "total", "total_excluding_tax", "total_taxes", "type", "voided_at", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_shipping'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._ref_id(s.r -> 'customer_balance_transaction'), stripe._bigint(s.r -> 'discount_amount'), stripe._jsonb(s.r -> 'discount_amounts'), stripe._timestamp(s.r -> 'effective_at'), stripe._ref_id(s.r -> 'invoice'), stripe._jsonb(s.r -> 'lines'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'memo') WHEN 'string' THEN s.r ->> 'memo' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'number') WHEN 'string' THEN s.r ->> 'number' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._bigint(s.r -> 'out_of_band_amount'), CASE jsonb_typeof(s.r -> 'pdf') WHEN 'string' THEN s.r ->> 'pdf' END, stripe._bigint(s.r -> 'post_payment_amount'), stripe._bigint(s.r -> 'pre_payment_amount'), stripe._jsonb(s.r -> 'pretax_credit_amounts'), CASE jsonb_typeof(s.r -> 'reason') WHEN 'string' THEN s.r ->> 'reason' END, stripe._ref_id(s.r -> 'refund'), stripe._jsonb(s.r -> 'refunds'), stripe._jsonb(s.r -> 'shipping_cost'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._bigint(s.r -> 'subtotal'), stripe._bigint(s.r -> 'subtotal_excluding_tax'), stripe._jsonb(s.r -> 'tax_amounts'), stripe._bigint(s.r -> 'total'), stripe._bigint(s.r -> 'total_excluding_tax'), stripe._jsonb(s.r -> 'total_taxes'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, stripe._timestamp(s.r -> 'voided_at'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "amount_shipping" = EXCLUDED."amount_shipping", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "customer_balance_transaction" = EXCLUDED."customer_balance_transaction", "discount_amount" = EXCLUDED."discount_amount", "discount_amounts" = EXCLUDED."discount_amounts", "effective_at" = EXCLUDED."effective_at", "invoice" = EXCLUDED."invoice", "lines" = EXCLUDED."lines", "livemode" = EXCLUDED."livemode", "memo" = EXCLUDED."memo", "metadata" = EXCLUDED."metadata", "number" = EXCLUDED."number", "object" = EXCLUDED."object", "out_of_band_amount" = EXCLUDED."out_of_band_amount", "pdf" = EXCLUDED."pdf", "post_payment_amount" = EXCLUDED."post_payment_amount", "pre_payment_amount" = EXCLUDED."pre_payment_amount", "pretax_credit_amounts" = EXCLUDED."pretax_credit_amounts", "reason" = EXCLUDED."reason", "refund" = EXCLUDED."refund", "refunds" = EXCLUDED."refunds", "shipping_cost" = EXCLUDED."shipping_cost", "status" = EXCLUDED."status", "subtotal" = EXCLUDED."subtotal", "subtotal_excluding_tax" = EXCLUDED."subtotal_excluding_tax", "tax_amounts" = EXCLUDED."tax_amounts", "total" = EXCLUDED."total", "total_excluding_tax" = EXCLUDED."total_excluding_tax", "total_taxes" = EXCLUDED."total_taxes", "type" = EXCLUDED."type", "voided_at" = EXCLUDED."voided_at", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_credit_notes"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."credit_notes" AS t ("id", "amount", "amount_shipping", "created", "currency", "customer", "customer_account", "customer_balance_transaction", "discount_amount", "discount_amounts", "effective_at", "invoice", "lines", "livemode", "memo", "metadata", "number", "object", "out_of_band_amount", "pdf", "post_payment_amount", "pre_payment_amount", "pretax_credit_amounts", "reason", "refund", "refunds", "shipping_cost", "status", "subtotal", "subtotal_excluding_tax", "tax_amounts", "total", "total_excluding_tax", "total_taxes", "type", "voided_at", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_shipping'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._ref_id(s.r -> 'customer_balance_transaction'), stripe._bigint(s.r -> 'discount_amount'), stripe._jsonb(s.r -> 'discount_amounts'), stripe._timestamp(s.r -> 'effective_at'), stripe._ref_id(s.r -> 'invoice'), stripe._jsonb(s.r -> 'lines'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'memo') WHEN 'string' THEN s.r ->> 'memo' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'number') WHEN 'string' THEN s.r ->> 'number' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._bigint(s.r -> 'out_of_band_amount'), CASE jsonb_typeof(s.r -> 'pdf') WHEN 'string' THEN s.r ->> 'pdf' END, stripe._bigint(s.r -> 'post_payment_amount'), stripe._bigint(s.r -> 'pre_payment_amount'), stripe._jsonb(s.r -> 'pretax_credit_amounts'), CASE jsonb_typeof(s.r -> 'reason') WHEN 'string' THEN s.r ->> 'reason' END, stripe._ref_id(s.r -> 'refund'), stripe._jsonb(s.r -> 'refunds'), stripe._jsonb(s.r -> 'shipping_cost'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._bigint(s.r -> 'subtotal'), stripe._bigint(s.r -> 'subtotal_excluding_tax'), stripe._jsonb(s.r -> 'tax_amounts'), stripe._bigint(s.r -> 'total'), stripe._bigint(s.r -> 'total_excluding_tax'), stripe._jsonb(s.r -> 'total_taxes'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, stripe._timestamp(s.r -> 'voided_at'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('credit_note', 'credit_notes', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_credit_note_line_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."credit_note_line_items" AS t ("id", "amount", "amount_excluding_tax", "description", "discount_amount", "discount_amounts", "invoice_line_item", "livemode", "metadata", "object", "pretax_credit_amounts", "quantity", "tax_amounts", "tax_rates", "taxes", "type", "unit_amount", "unit_amount_decimal", "unit_amount_excluding_tax", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_excluding_tax'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._bigint(s.r -> 'discount_amount'), stripe._jsonb(s.r -> 'discount_amounts'), CASE jsonb_typeof(s.r -> 'invoice_line_item') WHEN 'string' THEN s.r ->> 'invoice_line_item' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'pretax_credit_amounts'), stripe._bigint(s.r -> 'quantity'), stripe._jsonb(s.r -> 'tax_amounts'), stripe._jsonb(s.r -> 'tax_rates'), stripe._jsonb(s.r -> 'taxes'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, stripe._bigint(s.r -> 'unit_amount'), CASE jsonb_typeof(s.r -> 'unit_amount_decimal') WHEN 'string' THEN s.r ->> 'unit_amount_decimal' END, CASE jsonb_typeof(s.r -> 'unit_amount_excluding_tax') WHEN 'string' THEN s.r ->> 'unit_amount_excluding_tax' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "amount_excluding_tax" = EXCLUDED."amount_excluding_tax", "description" = EXCLUDED."description", "discount_amount" = EXCLUDED."discount_amount", "discount_amounts" = EXCLUDED."discount_amounts", "invoice_line_item" = EXCLUDED."invoice_line_item", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "pretax_credit_amounts" = EXCLUDED."pretax_credit_amounts", "quantity" = EXCLUDED."quantity", "tax_amounts" = EXCLUDED."tax_amounts", "tax_rates" = EXCLUDED."tax_rates", "taxes" = EXCLUDED."taxes", "type" = EXCLUDED."type", "unit_amount" = EXCLUDED."unit_amount", "unit_amount_decimal" = EXCLUDED."unit_amount_decimal", "unit_amount_excluding_tax" = EXCLUDED."unit_amount_excluding_tax", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_credit_note_line_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."credit_note_line_items" AS t ("id", "amount", "amount_excluding_tax", "description", "discount_amount", "discount_amounts", "invoice_line_item", "livemode", "metadata", "object", "pretax_credit_amounts", "quantity", "tax_amounts", "tax_rates", "taxes", "type", "unit_amount", "unit_amount_decimal", "unit_amount_excluding_tax", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_excluding_tax'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._bigint(s.r -> 'discount_amount'), stripe._jsonb(s.r -> 'discount_amounts'), CASE jsonb_typeof(s.r -> 'invoice_line_item') WHEN 'string' THEN s.r ->> 'invoice_line_item' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'pretax_credit_amounts'), stripe._bigint(s.r -> 'quantity'), stripe._jsonb(s.r -> 'tax_amounts'), stripe._jsonb(s.r -> 'tax_rates'), stripe._jsonb(s.r -> 'taxes'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, stripe._bigint(s.r -> 'unit_amount'), CASE jsonb_typeof(s.r -> 'unit_amount_decimal') WHEN 'string' THEN s.r ->> 'unit_amount_decimal' END, CASE jsonb_typeof(s.r -> 'unit_amount_excluding_tax') WHEN 'string' THEN s.r ->> 'unit_amount_excluding_tax' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('credit_note_line_item', 'credit_note_line_items', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_customers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."customers" AS t ("id", "address", "balance", "business_name", "cash_balance", "created", "currency", "customer_account", "default_currency", "default_source", "delinquent", "description", "discount", "email", "individual_name", "invoice_credit_balance", "invoice_prefix", "invoice_settings", "livemode", "metadata", "name", "next_invoice_sequence", "object", "phone", "preferred_locales", "shipping", "sources", "subscriptions", "tax", "tax_exempt", "tax_ids", "test_clock", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'address'), stripe._bigint(s.r -> 'balance'), CASE jsonb_typeof(s.r -> 'business_name') WHEN 'string' THEN s.r ->> 'business_name' END, stripe._jsonb(s.r -> 'cash_balance'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, CASE jsonb_typeof(s.r -> 'default_currency') WHEN 'string' THEN s.r ->> 'default_currency' END, stripe._ref_id(s.r -> 'default_source'), stripe._boolean(s.r -> 'delinquent'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discount'), CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, CASE jsonb_typeof(s.r -> 'individual_name') WHEN 'string' THEN s.r ->> 'individual_name' END, stripe._jsonb(s.r -> 'invoice_credit_balance'), CASE jsonb_typeof(s.r -> 'invoice_prefix') WHEN 'string' THEN s.r ->> 'invoice_prefix' END, stripe._jsonb(s.r -> 'invoice_settings'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, stripe._bigint(s.r -> 'next_invoice_sequence'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'phone') WHEN 'string' THEN s.r ->> 'phone' END, stripe._jsonb(s.r -> 'preferred_locales'), stripe._jsonb(s.r -> 'shipping'), stripe._jsonb(s.r -> 'sources'), stripe._jsonb(s.r -> 'subscriptions'), stripe._jsonb(s.r -> 'tax'), CASE jsonb_typeof(s.r -> 'tax_exempt') WHEN 'string' THEN s.r ->> 'tax_exempt' END, stripe._jsonb(s.r -> 'tax_ids'), stripe._ref_id(s.r -> 'test_clock'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "address" = EXCLUDED."address", "balance" = EXCLUDED."balance", "business_name" = EXCLUDED."business_name", "cash_balance" = EXCLUDED."cash_balance", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "customer_account" = EXCLUDED."customer_account", "default_currency" = EXCLUDED."default_currency", "default_source" = EXCLUDED."default_source", "delinquent" = EXCLUDED."delinquent", "description" = EXCLUDED."description", "discount" = EXCLUDED."discount", "email" = EXCLUDED."email", "individual_name" = EXCLUDED."individual_name", "invoice_credit_balance" = EXCLUDED."invoice_credit_balance", "invoice_prefix" = EXCLUDED."invoice_prefix", "invoice_settings" = EXCLUDED."invoice_settings", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "name" = EXCLUDED."name", "next_invoice_sequence" = EXCLUDED."next_invoice_sequence", "object" = EXCLUDED."object", "phone" = EXCLUDED."phone", "preferred_locales" = EXCLUDED."preferred_locales", "shipping" = EXCLUDED."shipping", "sources" = EXCLUDED."sources", "subscriptions" = EXCLUDED."subscriptions", "tax" = EXCLUDED."tax", "tax_exempt" = EXCLUDED."tax_exempt", "tax_ids" = EXCLUDED."tax_ids", "test_clock" = EXCLUDED."test_clock", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_customers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."customers" AS t ("id", "address", "balance", "business_name", "cash_balance", "created", "currency", "customer_account", "default_currency", "default_source", "delinquent", "description", "discount", "email", "individual_name", "invoice_credit_balance", "invoice_prefix", "invoice_settings", "livemode", "metadata", "name", "next_invoice_sequence", "object", "phone", "preferred_locales", "shipping", "sources", "subscriptions", "tax", "tax_exempt", "tax_ids", "test_clock", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'address'), stripe._bigint(s.r -> 'balance'), CASE jsonb_typeof(s.r -> 'business_name') WHEN 'string' THEN s.r ->> 'business_name' END, stripe._jsonb(s.r -> 'cash_balance'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, CASE jsonb_typeof(s.r -> 'default_currency') WHEN 'string' THEN s.r ->> 'default_currency' END, stripe._ref_id(s.r -> 'default_source'), stripe._boolean(s.r -> 'delinquent'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discount'), CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, CASE jsonb_typeof(s.r -> 'individual_name') WHEN 'string' THEN s.r ->> 'individual_name' END, stripe._jsonb(s.r -> 'invoice_credit_balance'), CASE jsonb_typeof(s.r -> 'invoice_prefix') WHEN 'string' THEN s.r ->> 'invoice_prefix' END, stripe._jsonb(s.r -> 'invoice_settings'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, stripe._bigint(s.r -> 'next_invoice_sequence'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'phone') WHEN 'string' THEN s.r ->> 'phone' END, stripe._jsonb(s.r -> 'preferred_locales'), stripe._jsonb(s.r -> 'shipping'), stripe._jsonb(s.r -> 'sources'), stripe._jsonb(s.r -> 'subscriptions'), stripe._jsonb(s.r -> 'tax'), CASE jsonb_typeof(s.r -> 'tax_exempt') WHEN 'string' THEN s.r ->> 'tax_exempt' END, stripe._jsonb(s.r -> 'tax_ids'), stripe._ref_id(s.r -> 'test_clock'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('customer', 'customers', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_customer_balance_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."customer_balance_transactions" AS t ("id", "amount", "checkout_session", "created", "credit_note", "currency", "customer", "customer_account", "description", "ending_balance", "invoice", "livemode", "metadata", "object", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._ref_id(s.r -> 'checkout_session'), stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'credit_note'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._bigint(s.r -> 'ending_balance'), stripe._ref_id(s.r -> 'invoice'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "checkout_session" = EXCLUDED."checkout_session", "created" = EXCLUDED."created", "credit_note" = EXCLUDED."credit_note", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "description" = EXCLUDED."description", "ending_balance" = EXCLUDED."ending_balance", "invoice" = EXCLUDED."invoice", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_customer_balance_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."customer_balance_transactions" AS t ("id", "amount", "checkout_session", "created", "credit_note", "currency", "customer", "customer_account", "description", "ending_balance", "invoice", "livemode", "metadata", "object", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._ref_id(s.r -> 'checkout_session'), stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'credit_note'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._bigint(s.r -> 'ending_balance'), stripe._ref_id(s.r -> 'invoice'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('customer_balance_transaction', 'customer_balance_transactions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_customer_cash_balance_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."customer_cash_balance_transactions" AS t ("id", "adjusted_for_overdraft", "applied_to_payment", "created", "currency", "customer", "customer_account", "ending_balance", "funded", "livemode", "net_amount", "object", "refunded_from_payment", "transferred_to_balance", "type", "unapplied_from_payment", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'adjusted_for_overdraft'), stripe._jsonb(s.r -> 'applied_to_payment'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._bigint(s.r -> 'ending_balance'), stripe._jsonb(s.r -> 'funded'), stripe._boolean(s.r -> 'livemode'), stripe._bigint(s.r -> 'net_amount'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'refunded_from_payment'), stripe._jsonb(s.r -> 'transferred_to_balance'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, stripe._jsonb(s.r -> 'unapplied_from_payment'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "adjusted_for_overdraft" = EXCLUDED."adjusted_for_overdraft", "applied_to_payment" = EXCLUDED."applied_to_payment", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "ending_balance" = EXCLUDED."ending_balance", "funded" = EXCLUDED."funded", "livemode" = EXCLUDED."livemode", "net_amount" = EXCLUDED."net_amount", "object" = EXCLUDED."object", "refunded_from_payment" = EXCLUDED."refunded_from_payment", "transferred_to_balance" = EXCLUDED."transferred_to_balance", "type" = EXCLUDED."type", "unapplied_from_payment" = EXCLUDED."unapplied_from_payment", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_customer_cash_balance_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."customer_cash_balance_transactions" AS t ("id", "adjusted_for_overdraft", "applied_to_payment", "created", "currency", "customer", "customer_account", "ending_balance", "funded", "livemode", "net_amount", "object", "refunded_from_payment", "transferred_to_balance", "type", "unapplied_from_payment", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'adjusted_for_overdraft'), stripe._jsonb(s.r -> 'applied_to_payment'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._bigint(s.r -> 'ending_balance'), stripe._jsonb(s.r -> 'funded'), stripe._boolean(s.r -> 'livemode'), stripe._bigint(s.r -> 'net_amount'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'refunded_from_payment'), stripe._jsonb(s.r -> 'transferred_to_balance'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, stripe._jsonb(s.r -> 'unapplied_from_payment'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('customer_cash_balance_transaction', 'customer_cash_balance_transactions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_discounts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."discounts" AS t ("id", "checkout_session", "coupon", "customer", "customer_account", "end", "invoice", "invoice_item", "object", "promotion_code", "source", "start", "subscription", "subscription_item", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'checkout_session') WHEN 'string' THEN s.r ->> 'checkout_session' END, stripe._jsonb(s.r -> 'coupon'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._timestamp(s.r -> 'end'), CASE jsonb_typeof(s.r -> 'invoice') WHEN 'string' THEN s.r ->> 'invoice' END, CASE jsonb_typeof(s.r -> 'invoice_item') WHEN 'string' THEN s.r ->> 'invoice_item' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'promotion_code'), stripe._jsonb(s.r -> 'source'), stripe._timestamp(s.r -> 'start'), CASE jsonb_typeof(s.r -> 'subscription') WHEN 'string' THEN s.r ->> 'subscription' END, CASE jsonb_typeof(s.r -> 'subscription_item') WHEN 'string' THEN s.r ->> 'subscription_item' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "checkout_session" = EXCLUDED."checkout_session", "coupon" = EXCLUDED."coupon", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "end" = EXCLUDED."end", "invoice" = EXCLUDED."invoice", "invoice_item" = EXCLUDED."invoice_item", "object" = EXCLUDED."object", "promotion_code" = EXCLUDED."promotion_code", "source" = EXCLUDED."source", "start" = EXCLUDED."start", "subscription" = EXCLUDED."subscription", "subscription_item" = EXCLUDED."subscription_item", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_discounts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."discounts" AS t ("id", "checkout_session", "coupon", "customer", "customer_account", "end", "invoice", "invoice_item", "object", "promotion_code", "source", "start", "subscription", "subscription_item", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'checkout_session') WHEN 'string' THEN s.r ->> 'checkout_session' END, stripe._jsonb(s.r -> 'coupon'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._timestamp(s.r -> 'end'), CASE jsonb_typeof(s.r -> 'invoice') WHEN 'string' THEN s.r ->> 'invoice' END, CASE jsonb_typeof(s.r -> 'invoice_item') WHEN 'string' THEN s.r ->> 'invoice_item' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'promotion_code'), stripe._jsonb(s.r -> 'source'), stripe._timestamp(s.r -> 'start'), CASE jsonb_typeof(s.r -> 'subscription') WHEN 'string' THEN s.r ->> 'subscription' END, CASE jsonb_typeof(s.r -> 'subscription_item') WHEN 'string' THEN s.r ->> 'subscription_item' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('discount', 'discounts', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_disputes"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."disputes" AS t ("id", "amount", "balance_transactions", "charge", "created", "currency", "enhanced_eligibility_types", "evidence", "evidence_details", "is_charge_refundable", "livemode", "metadata", "object", "payment_intent", "payment_method_details", "reason", "status", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'balance_transactions'), stripe._ref_id(s.r -> 'charge'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'enhanced_eligibility_types'), stripe._jsonb(s.r -> 'evidence'), stripe._jsonb(s.r -> 'evidence_details'), stripe._boolean(s.r -> 'is_charge_refundable'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'payment_intent'), stripe._jsonb(s.r -> 'payment_method_details'), CASE jsonb_typeof(s.r -> 'reason') WHEN 'string' THEN s.r ->> 'reason' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "balance_transactions" = EXCLUDED."balance_transactions", "charge" = EXCLUDED."charge", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "enhanced_eligibility_types" = EXCLUDED."enhanced_eligibility_types", "evidence" = EXCLUDED."evidence", "evidence_details" = EXCLUDED."evidence_details", "is_charge_refundable" = EXCLUDED."is_charge_refundable", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "payment_intent" = EXCLUDED."payment_intent", "payment_method_details" = EXCLUDED."payment_method_details", "reason" = EXCLUDED."reason", "status" = EXCLUDED."status", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_disputes"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."disputes" AS t ("id", "amount", "balance_transactions", "charge", "created", "currency", "enhanced_eligibility_types", "evidence", "evidence_details", "is_charge_refundable", "livemode", "metadata", "object", "payment_intent", "payment_method_details", "reason", "status", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'balance_transactions'), stripe._ref_id(s.r -> 'charge'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'enhanced_eligibility_types'), stripe._jsonb(s.r -> 'evidence'), stripe._jsonb(s.r -> 'evidence_details'), stripe._boolean(s.r -> 'is_charge_refundable'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'payment_intent'), stripe._jsonb(s.r -> 'payment_method_details'), CASE jsonb_typeof(s.r -> 'reason') WHEN 'string' THEN s.r ->> 'reason' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('dispute', 'disputes', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_entitlements_active_entitlements"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."entitlements_active_entitlements" AS t ("id", "customer", "feature", "livemode", "lookup_key", "object", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'customer'), stripe._ref_id(s.r -> 'feature'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'lookup_key') WHEN 'string' THEN s.r ->> 'lookup_key' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "customer" = COALESCE(EXCLUDED."customer", t."customer"), "feature" = EXCLUDED."feature", "livemode" = EXCLUDED."livemode", "lookup_key" = EXCLUDED."lookup_key", "object" = EXCLUDED."object", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_entitlements_active_entitlements"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."entitlements_active_entitlements" AS t ("id", "customer", "feature", "livemode", "lookup_key", "object", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'customer'), stripe._ref_id(s.r -> 'feature'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'lookup_key') WHEN 'string' THEN s.r ->> 'lookup_key' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('entitlements.active_entitlement', 'entitlements_active_entitlements', 'customer', 'customer');
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_entitlements_features"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."entitlements_features" AS t ("id", "active", "livemode", "lookup_key", "metadata", "name", "object", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'lookup_key') WHEN 'string' THEN s.r ->> 'lookup_key' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active" = EXCLUDED."active", "livemode" = EXCLUDED."livemode", "lookup_key" = EXCLUDED."lookup_key", "metadata" = EXCLUDED."metadata", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_entitlements_features"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."entitlements_features" AS t ("id", "active", "livemode", "lookup_key", "metadata", "name", "object", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'lookup_key') WHEN 'string' THEN s.r ->> 'lookup_key' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('entitlements.feature', 'entitlements_features', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_exchange_rates"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."exchange_rates" AS t ("id", "object", "rates", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'rates'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "object" = EXCLUDED."object", "rates" = EXCLUDED."rates", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_exchange_rates"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."exchange_rates" AS t ("id", "object", "rates", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'rates'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('exchange_rate', 'exchange_rates', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_application_fee_refunds"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."application_fee_refunds" AS t ("id", "amount", "balance_transaction", "created", "currency", "fee", "metadata", "object", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'fee'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "balance_transaction" = EXCLUDED."balance_transaction", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "fee" = EXCLUDED."fee", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_application_fee_refunds"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."application_fee_refunds" AS t ("id", "amount", "balance_transaction", "created", "currency", "fee", "metadata", "object", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'fee'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('fee_refund', 'application_fee_refunds', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_files"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."files" AS t ("id", "created", "expires_at", "filename", "links", "object", "purpose", "size", "title", "type", "url", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._timestamp(s.r -> 'expires_at'), CASE jsonb_typeof(s.r -> 'filename') WHEN 'string' THEN s.r ->> 'filename' END, stripe._jsonb(s.r -> 'links'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'purpose') WHEN 'string' THEN s.r ->> 'purpose' END, stripe._bigint(s.r -> 'size'), CASE jsonb_typeof(s.r -> 'title') WHEN 'string' THEN s.r ->> 'title' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "expires_at" = EXCLUDED."expires_at", "filename" = EXCLUDED."filename", "links" = EXCLUDED."links", "object" = EXCLUDED."object", "purpose" = EXCLUDED."purpose", "size" = EXCLUDED."size", "title" = EXCLUDED."title", "type" = EXCLUDED."type", "url" = EXCLUDED."url", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_files"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."files" AS t ("id", "created", "expires_at", "filename", "links", "object", "purpose", "size", "title", "type", "url", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._timestamp(s.r -> 'expires_at'), CASE jsonb_typeof(s.r -> 'filename') WHEN 'string' THEN s.r ->> 'filename' END, stripe._jsonb(s.r -> 'links'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'purpose') WHEN 'string' THEN s.r ->> 'purpose' END, stripe._bigint(s.r -> 'size'), CASE jsonb_typeof(s.r -> 'title') WHEN 'string' THEN s.r ->> 'title' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('file', 'files', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_file_links"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."file_links" AS t ("id", "created", "expired", "expires_at", "file", "livemode", "metadata", "object", "url", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._boolean(s.r -> 'expired'), stripe._timestamp(s.r -> 'expires_at'), stripe._ref_id(s.r -> 'file'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "expired" = EXCLUDED."expired", "expires_at" = EXCLUDED."expires_at", "file" = EXCLUDED."file", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "url" = EXCLUDED."url", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_file_links"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."file_links" AS t ("id", "created", "expired", "expires_at", "file", "livemode", "metadata", "object", "url", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._boolean(s.r -> 'expired'), stripe._timestamp(s.r -> 'expires_at'), stripe._ref_id(s.r -> 'file'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('file_link', 'file_links', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_financial_connections_accounts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."financial_connections_accounts" AS t ("id", "account_holder", "account_numbers", "balance", "balance_refresh", "category", "created", "display_name", "institution_name", "last4", "livemode", "object", "ownership", "ownership_refresh", "permissions", "status", "subcategory", "subscriptions", "supported_payment_method_types", "transaction_refresh", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'account_holder'), stripe._jsonb(s.r -> 'account_numbers'), stripe._jsonb(s.r -> 'balance'), stripe._jsonb(s.r -> 'balance_refresh'), CASE jsonb_typeof(s.r -> 'category') WHEN 'string' THEN s.r ->> 'category' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'display_name') WHEN 'string' THEN s.r ->> 'display_name' END, CASE jsonb_typeof(s.r -> 'institution_name') WHEN 'string' THEN s.r ->> 'institution_name' END, CASE jsonb_typeof(s.r -> 'last4') WHEN 'string' THEN s.r ->> 'last4' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'ownership'), stripe._jsonb(s.r -> 'ownership_refresh'), stripe._jsonb(s.r -> 'permissions'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'subcategory') WHEN 'string' THEN s.r ->> 'subcategory' END, stripe._jsonb(s.r -> 'subscriptions'), stripe._jsonb(s.r -> 'supported_payment_method_types'), stripe._jsonb(s.r -> 'transaction_refresh'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "account_holder" = EXCLUDED."account_holder", "account_numbers" = EXCLUDED."account_numbers", "balance" = EXCLUDED."balance", "balance_refresh" = EXCLUDED."balance_refresh", "category" = EXCLUDED."category", "created" = EXCLUDED."created", "display_name" = EXCLUDED."display_name", "institution_name" = EXCLUDED."institution_name", "last4" = EXCLUDED."last4", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "ownership" = EXCLUDED."ownership", "ownership_refresh" = EXCLUDED."ownership_refresh", "permissions" = EXCLUDED."permissions", "status" = EXCLUDED."status", "subcategory" = EXCLUDED."subcategory", "subscriptions" = EXCLUDED."subscriptions", "supported_payment_method_types" = EXCLUDED."supported_payment_method_types", "transaction_refresh" = EXCLUDED."transaction_refresh", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_financial_connections_accounts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."financial_connections_accounts" AS t ("id", "account_holder", "account_numbers", "balance", "balance_refresh", "category", "created", "display_name", "institution_name", "last4", "livemode", "object", "ownership", "ownership_refresh", "permissions", "status", "subcategory", "subscriptions", "supported_payment_method_types", "transaction_refresh", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'account_holder'), stripe._jsonb(s.r -> 'account_numbers'), stripe._jsonb(s.r -> 'balance'), stripe._jsonb(s.r -> 'balance_refresh'), CASE jsonb_typeof(s.r -> 'category') WHEN 'string' THEN s.r ->> 'category' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'display_name') WHEN 'string' THEN s.r ->> 'display_name' END, CASE jsonb_typeof(s.r -> 'institution_name') WHEN 'string' THEN s.r ->> 'institution_name' END, CASE jsonb_typeof(s.r -> 'last4') WHEN 'string' THEN s.r ->> 'last4' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'ownership'), stripe._jsonb(s.r -> 'ownership_refresh'), stripe._jsonb(s.r -> 'permissions'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'subcategory') WHEN 'string' THEN s.r ->> 'subcategory' END, stripe._jsonb(s.r -> 'subscriptions'), stripe._jsonb(s.r -> 'supported_payment_method_types'), stripe._jsonb(s.r -> 'transaction_refresh'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('financial_connections.account', 'financial_connections_accounts', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_financial_connections_account_owners"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."financial_connections_account_owners" AS t ("id", "email", "name", "object", "ownership", "phone", "raw_address", "refreshed_at", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'ownership') WHEN 'string' THEN s.r ->> 'ownership' END, CASE jsonb_typeof(s.r -> 'phone') WHEN 'string' THEN s.r ->> 'phone' END, CASE jsonb_typeof(s.r -> 'raw_address') WHEN 'string' THEN s.r ->> 'raw_address' END, stripe._timestamp(s.r -> 'refreshed_at'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "email" = EXCLUDED."email", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "ownership" = EXCLUDED."ownership", "phone" = EXCLUDED."phone", "raw_address" = EXCLUDED."raw_address", "refreshed_at" = EXCLUDED."refreshed_at", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_financial_connections_account_owners"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."financial_connections_account_owners" AS t ("id", "email", "name", "object", "ownership", "phone", "raw_address", "refreshed_at", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'ownership') WHEN 'string' THEN s.r ->> 'ownership' END, CASE jsonb_typeof(s.r -> 'phone') WHEN 'string' THEN s.r ->> 'phone' END, CASE jsonb_typeof(s.r -> 'raw_address') WHEN 'string' THEN s.r ->> 'raw_address' END, stripe._timestamp(s.r -> 'refreshed_at'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('financial_connections.account_owner', 'financial_connections_account_owners', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_financial_connections_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."financial_connections_transactions" AS t ("id", "account", "amount", "currency", "description", "livemode", "object", "status", "status_transitions", "transacted_at", "transaction_refresh", "updated", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'account') WHEN 'string' THEN s.r ->> 'account' END, stripe._bigint(s.r -> 'amount'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._timestamp(s.r -> 'transacted_at'), CASE jsonb_typeof(s.r -> 'transaction_refresh') WHEN 'string' THEN s.r ->> 'transaction_refresh' END, stripe._timestamp(s.r -> 'updated'), s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "account" = EXCLUDED."account", "amount" = EXCLUDED."amount", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "status" = EXCLUDED."status", "status_transitions" = EXCLUDED."status_transitions", "transacted_at" = EXCLUDED."transacted_at", "transaction_refresh" = EXCLUDED."transaction_refresh", "updated" = EXCLUDED."updated", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_financial_connections_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."financial_connections_transactions" AS t ("id", "account", "amount", "currency", "description", "livemode", "object", "status", "status_transitions", "transacted_at", "transaction_refresh", "updated", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'account') WHEN 'string' THEN s.r ->> 'account' END, stripe._bigint(s.r -> 'amount'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._timestamp(s.r -> 'transacted_at'), CASE jsonb_typeof(s.r -> 'transaction_refresh') WHEN 'string' THEN s.r ->> 'transaction_refresh' END, stripe._timestamp(s.r -> 'updated'), s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u), COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('financial_connections.transaction', 'financial_connections_transactions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_forwarding_requests"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."forwarding_requests" AS t ("id", "created", "livemode", "metadata", "object", "payment_method", "replacements", "request_context", "request_details", "response_details", "url", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'payment_method') WHEN 'string' THEN s.r ->> 'payment_method' END, stripe._jsonb(s.r -> 'replacements'), stripe._jsonb(s.r -> 'request_context'), stripe._jsonb(s.r -> 'request_details'), stripe._jsonb(s.r -> 'response_details'), CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "payment_method" = EXCLUDED."payment_method", "replacements" = EXCLUDED."replacements", "request_context" = EXCLUDED."request_context", "request_details" = EXCLUDED."request_details", "response_details" = EXCLUDED."response_details", "url" = EXCLUDED."url", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_forwarding_requests"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."forwarding_requests" AS t ("id", "created", "livemode", "metadata", "object", "payment_method", "replacements", "request_context", "request_details", "response_details", "url", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'payment_method') WHEN 'string' THEN s.r ->> 'payment_method' END, stripe._jsonb(s.r -> 'replacements'), stripe._jsonb(s.r -> 'request_context'), stripe._jsonb(s.r -> 'request_details'), stripe._jsonb(s.r -> 'response_details'), CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('forwarding.request', 'forwarding_requests', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_identity_verification_reports"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."identity_verification_reports" AS t ("id", "client_reference_id", "created", "document", "email", "id_number", "livemode", "object", "options", "phone", "selfie", "type", "verification_flow", "verification_session", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'client_reference_id') WHEN 'string' THEN s.r ->> 'client_reference_id' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'document'), stripe._jsonb(s.r -> 'email'), stripe._jsonb(s.r -> 'id_number'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'options'), stripe._jsonb(s.r -> 'phone'), stripe._jsonb(s.r -> 'selfie'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'verification_flow') WHEN 'string' THEN s.r ->> 'verification_flow' END, CASE jsonb_typeof(s.r -> 'verification_session') WHEN 'string' THEN s.r ->> 'verification_session' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "client_reference_id" = EXCLUDED."client_reference_id", "created" = EXCLUDED."created", "document" = EXCLUDED."document", "email" = EXCLUDED."email", "id_number" = EXCLUDED."id_number", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "options" = EXCLUDED."options", "phone" = EXCLUDED."phone", "selfie" = EXCLUDED."selfie", "type" = EXCLUDED."type", "verification_flow" = EXCLUDED."verification_flow", "verification_session" = EXCLUDED."verification_session", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_identity_verification_reports"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."identity_verification_reports" AS t ("id", "client_reference_id", "created", "document", "email", "id_number", "livemode", "object", "options", "phone", "selfie", "type", "verification_flow", "verification_session", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'client_reference_id') WHEN 'string' THEN s.r ->> 'client_reference_id' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'document'), stripe._jsonb(s.r -> 'email'), stripe._jsonb(s.r -> 'id_number'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'options'), stripe._jsonb(s.r -> 'phone'), stripe._jsonb(s.r -> 'selfie'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'verification_flow') WHEN 'string' THEN s.r ->> 'verification_flow' END, CASE jsonb_typeof(s.r -> 'verification_session') WHEN 'string' THEN s.r ->> 'verification_session' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('identity.verification_report', 'identity_verification_reports', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_identity_verification_sessions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."identity_verification_sessions" AS t ("id", "client_reference_id", "client_secret", "created", "last_error", "last_verification_report", "livemode", "metadata", "object", "options", "provided_details", "redaction", "related_customer", "related_customer_account", "related_person", "status", "type", "url", "verification_flow", "verified_outputs", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'client_reference_id') WHEN 'string' THEN s.r ->> 'client_reference_id' END, CASE jsonb_typeof(s.r -> 'client_secret') WHEN 'string' THEN s.r ->> 'client_secret' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'last_error'), stripe._ref_id(s.r -> 'last_verification_report'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'options'), stripe._jsonb(s.r -> 'provided_details'), stripe._jsonb(s.r -> 'redaction'), CASE jsonb_typeof(s.r -> 'related_customer') WHEN 'string' THEN s.r ->> 'related_customer' END, CASE jsonb_typeof(s.r -> 'related_customer_account') WHEN 'string' THEN s.r ->> 'related_customer_account' END, stripe._jsonb(s.r -> 'related_person'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, CASE jsonb_typeof(s.r -> 'verification_flow') WHEN 'string' THEN s.r ->> 'verification_flow' END, stripe._jsonb(s.r -> 'verified_outputs'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "client_reference_id" = EXCLUDED."client_reference_id", "client_secret" = EXCLUDED."client_secret", "created" = EXCLUDED."created", "last_error" = EXCLUDED."last_error", "last_verification_report" = EXCLUDED."last_verification_report", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "options" = EXCLUDED."options", "provided_details" = EXCLUDED."provided_details", "redaction" = EXCLUDED."redaction", "related_customer" = EXCLUDED."related_customer", "related_customer_account" = EXCLUDED."related_customer_account", "related_person" = EXCLUDED."related_person", "status" = EXCLUDED."status", "type" = EXCLUDED."type", "url" = EXCLUDED."url", "verification_flow" = EXCLUDED."verification_flow", "verified_outputs" = EXCLUDED."verified_outputs", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_identity_verification_sessions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."identity_verification_sessions" AS t ("id", "client_reference_id", "client_secret", "created", "last_error", "last_verification_report", "livemode", "metadata", "object", "options", "provided_details", "redaction", "related_customer", "related_customer_account", "related_person", "status", "type", "url", "verification_flow", "verified_outputs", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'client_reference_id') WHEN 'string' THEN s.r ->> 'client_reference_id' END, CASE jsonb_typeof(s.r -> 'client_secret') WHEN 'string' THEN s.r ->> 'client_secret' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'last_error'), stripe._ref_id(s.r -> 'last_verification_report'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'options'), stripe._jsonb(s.r -> 'provided_details'), stripe._jsonb(s.r -> 'redaction'), CASE jsonb_typeof(s.r -> 'related_customer') WHEN 'string' THEN s.r ->> 'related_customer' END, CASE jsonb_typeof(s.r -> 'related_customer_account') WHEN 'string' THEN s.r ->> 'related_customer_account' END, stripe._jsonb(s.r -> 'related_person'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, CASE jsonb_typeof(s.r -> 'verification_flow') WHEN 'string' THEN s.r ->> 'verification_flow' END, stripe._jsonb(s.r -> 'verified_outputs'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('identity.verification_session', 'identity_verification_sessions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_invoices"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."invoices" AS t ("id", "account_country", "account_name", "account_tax_ids", "amount_due", "amount_overpaid", "amount_paid", "amount_remaining", "amount_shipping", "application", "application_fee_amount", "attempt_count", "attempted", "auto_advance", "automatic_tax", "automatically_finalizes_at", "billing_reason", "charge", "collection_method", "confirmation_secret", "created", "currency", "custom_fields", "customer", "customer_account", "customer_address", "customer_email", "customer_name", "customer_phone", "customer_shipping", "customer_tax_exempt", "customer_tax_ids", "default_payment_method", "default_source", "default_tax_rates", "description", "discount", "discounts", "due_date", "effective_at", "ending_balance", "footer", "from_invoice", "hosted_invoice_url", "invoice_pdf", "issuer", "last_finalization_error", "latest_revision", "lines", "livemode", "metadata", "next_payment_attempt", "number", "object", "on_behalf_of", "paid", "paid_out_of_band", "parent", "payment_intent", "payment_settings", "payments", "period_end", "period_start", "post_payment_credit_notes_amount", "pre_payment_credit_notes_amount", "quote", "receipt_number", "rendering", "rendering_options", "shipping_cost", "shipping_details", "starting_balance", "statement_descriptor", "status", "status_transitions", "subscription", "subscription_details", "subscription_proration_date", "subtotal", "subtotal_excluding_tax", "tax", "test_clock", "threshold_reason", "total", "total_discount_amounts", "total_excluding_tax", "total_pretax_credit_amounts", "total_tax_amounts", "total_taxes", "transfer_data", "webhooks_delivered_at", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'account_country') WHEN 'string' THEN s.r ->> 'account_country' END, CASE jsonb_typeof(s.r -> 'account_name') WHEN 'string' THEN s.r ->> 'account_name' END, stripe._jsonb(s.r -> 'account_tax_ids'), stripe._bigint(s.r -> 'amount_due'), stripe._bigint(s.r -> 'amount_overpaid'), stripe._bigint(s.r -> 'amount_paid'), stripe._bigint(s.r -> 'amount_remaining'), stripe._bigint(s.r -> 'amount_shipping'), stripe._ref_id(s.r -> 'application'), stripe._bigint(s.r -> 'application_fee_amount'), stripe._bigint(s.r -> 'attempt_count'), stripe._boolean(s.r -> 'attempted'), stripe._boolean(s.r -> 'auto_advance'), stripe._jsonb(s.r -> 'automatic_tax'), stripe._timestamp(s.r -> 'automatically_finalizes_at'), CASE jsonb_typeof(s.r -> 'billing_reason') WHEN 'string' THEN s.r ->> 'billing_reason' END, stripe._ref_id(s.r -> 'charge'), CASE jsonb_typeof(s.r -> 'collection_method') WHEN 'string' THEN s.r ->> 'collection_method' END, stripe._jsonb(s.r -> 'confirmation_secret'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'custom_fields'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._jsonb(s.r -> 'customer_address'), CASE jsonb_typeof(s.r -> 'customer_email') WHEN 'string' THEN s.r ->> 'customer_email' END, CASE jsonb_typeof(s.r -> 'customer_name') WHEN 'string' THEN s.r ->> 'customer_name' END, CASE jsonb_typeof(s.r -> 'customer_phone') WHEN 'string' THEN s.r ->> 'customer_phone' END, stripe._jsonb(s.r -> 'customer_shipping'), CASE jsonb_typeof(s.r -> 'customer_tax_exempt') WHEN 'string' THEN s.r ->> 'customer_tax_exempt' END, stripe._jsonb(s.r -> 'customer_tax_ids'), stripe._ref_id(s.r -> 'default_payment_method'), stripe._ref_id(s.r -> 'default_source'), stripe._jsonb(s.r -> 'default_tax_rates'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discount'), stripe._jsonb(s.r -> 'discounts'), stripe._timestamp(s.r -> 'due_date'), stripe._timestamp(s.r -> 'effective_at'), stripe._bigint(s.r -> 'ending_balance'), CASE jsonb_typeof(s.r -> 'footer') WHEN 'string' THEN s.r ->> 'footer' END, stripe._jsonb(s.r -> 'from_invoice'), CASE jsonb_typeof(s.r -> 'hosted_invoice_url') WHEN 'string' THEN s.r ->> 'hosted_invoice_url' END, CASE jsonb_typeof(s.r -> 'invoice_pdf') WHEN 'string' THEN s.r ->> 'invoice_pdf' END, stripe._jsonb(s.r -> 'issuer'), stripe._jsonb(s.r -> 'last_finalization_error'), stripe._ref_id(s.r -> 'latest_revision'), stripe._jsonb(s.r -> 'lines'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), stripe._timestamp(s.r -> 'next_payment_attempt'), CASE jsonb_typeof(s.r -> 'number') WHEN 'string' THEN s.r ->> 'number' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._boolean(s.r -> 'paid'), stripe._boolean(s.r -> 'paid_out_of_band'), stripe._jsonb(s.r -> 'parent'), stripe._ref_id(s.r -> 'payment_intent'), stripe._jsonb(s.r -> 'payment_settings'), stripe._jsonb(s.r -> 'payments'), stripe._timestamp(s.r -> 'period_end'), stripe._timestamp(s.r -> 'period_start'), stripe._bigint(s.r -> 'post_payment_credit_notes_amount'), stripe._bigint(s.r -> 'pre_payment_credit_notes_amount'), stripe._ref_id(s.r -> 'quote'), CASE jsonb_typeof(s.r -> 'receipt_number') WHEN 'string' THEN s.r ->> 'receipt_number' END, stripe._jsonb(s.r -> 'rendering'), stripe._jsonb(s.r -> 'rendering_options'), stripe._jsonb(s.r -> 'shipping_cost'), stripe._jsonb(s.r -> 'shipping_details'), stripe._bigint(s.r -> 'starting_balance'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._ref_id(s.r -> 'subscription'), stripe._jsonb(s.r -> 'subscription_details'), stripe._bigint(s.r -> 'subscription_proration_date'), stripe._bigint(s.r -> 'subtotal'), stripe._bigint(s.r -> 'subtotal_excluding_tax'), stripe._bigint(s.r -> 'tax'), stripe._ref_id(s.r -> 'test_clock'), stripe._jsonb(s.r -> 'threshold_reason'), stripe._bigint(s.r -> 'total'), stripe._jsonb(s.r -> 'total_discount_amounts'), stripe._bigint(s.r -> 'total_excluding_tax'), stripe._jsonb(s.r -> 'total_pretax_credit_amounts'), stripe._jsonb(s.r -> 'total_tax_amounts'), stripe._jsonb(s.r -> 'total_taxes'), stripe._jsonb(s.r -> 'transfer_data'), stripe._timestamp(s.r -> 'webhooks_delivered_at'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "account_country" = EXCLUDED."account_country", "account_name" = EXCLUDED."account_name", "account_tax_ids" = EXCLUDED."account_tax_ids", "amount_due" = EXCLUDED."amount_due", "amount_overpaid" = EXCLUDED."amount_overpaid", "amount_paid" = EXCLUDED."amount_paid", "amount_remaining" = EXCLUDED."amount_remaining", "amount_shipping" = EXCLUDED."amount_shipping", "application" = EXCLUDED."application", "application_fee_amount" = EXCLUDED."application_fee_amount", "attempt_count" = EXCLUDED."attempt_count", "attempted" = EXCLUDED."attempted", "auto_advance" = EXCLUDED."auto_advance", "automatic_tax" = EXCLUDED."automatic_tax", "automatically_finalizes_at" = EXCLUDED."automatically_finalizes_at", "billing_reason" = EXCLUDED."billing_reason", "charge" = EXCLUDED."charge", "collection_method" = EXCLUDED."collection_method", "confirmation_secret" = EXCLUDED."confirmation_secret", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "custom_fields" = EXCLUDED."custom_fields", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "customer_address" = EXCLUDED."customer_address", "customer_email" = EXCLUDED."customer_email", "customer_name" = EXCLUDED."customer_name", "customer_phone" = EXCLUDED."customer_phone", "customer_shipping" = EXCLUDED."customer_shipping", "customer_tax_exempt" = EXCLUDED."customer_tax_exempt", "customer_tax_ids" = EXCLUDED."customer_tax_ids", "default_payment_method" = EXCLUDED."default_payment_method", "default_source" = EXCLUDED."default_source", "default_tax_rates" = EXCLUDED."default_tax_rates", "description" = EXCLUDED."description", "discount" = EXCLUDED."discount", "discounts" = EXCLUDED."discounts", "due_date" = EXCLUDED."due_date", "effective_at" = EXCLUDED."effective_at", "ending_balance" = EXCLUDED."ending_balance", "footer" = EXCLUDED."footer", "from_invoice" = EXCLUDED."from_invoice", "hosted_invoice_url" = EXCLUDED."hosted_invoice_url", "invoice_pdf" = EXCLUDED."invoice_pdf", "issuer" = EXCLUDED."issuer", "last_finalization_error" = EXCLUDED."last_finalization_error", "latest_revision" = EXCLUDED."latest_revision", "lines" = EXCLUDED."lines", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "next_payment_attempt" = EXCLUDED."next_payment_attempt", "number" = EXCLUDED."number", "object" = EXCLUDED."object", "on_behalf_of" = EXCLUDED."on_behalf_of", "paid" = EXCLUDED."paid", "paid_out_of_band" = EXCLUDED."paid_out_of_band", "parent" = EXCLUDED."parent", "payment_intent" = EXCLUDED."payment_intent", "payment_settings" = EXCLUDED."payment_settings", "payments" = EXCLUDED."payments", "period_end" = EXCLUDED."period_end", "period_start" = EXCLUDED."period_start", "post_payment_credit_notes_amount" = EXCLUDED."post_payment_credit_notes_amount", "pre_payment_credit_notes_amount" = EXCLUDED."pre_payment_credit_notes_amount", "quote" = EXCLUDED."quote", "receipt_number" = EXCLUDED."receipt_number", "rendering" = EXCLUDED."rendering", "rendering_options" = EXCLUDED."rendering_options", "shipping_cost" = EXCLUDED."shipping_cost", "shipping_details" = EXCLUDED."shipping_details", "starting_balance" = EXCLUDED."starting_balance", "statement_descriptor" = EXCLUDED."statement_descriptor", "status" = EXCLUDED."status", "status_transitions" = EXCLUDED."status_transitions", "subscription" = EXCLUDED."subscription", "subscription_details" = EXCLUDED."subscription_details", "subscription_proration_date" = EXCLUDED."subscription_proration_date", "subtotal" = EXCLUDED."subtotal", "subtotal_excluding_tax" = EXCLUDED."subtotal_excluding_tax", "tax" = EXCLUDED."tax", "test_clock" = EXCLUDED."test_clock", "threshold_reason" = EXCLUDED."threshold_reason", "total" = EXCLUDED."total", "total_discount_amounts" = EXCLUDED."total_discount_amounts", "total_excluding_tax" = EXCLUDED."total_excluding_tax", "total_pretax_credit_amounts" = EXCLUDED."total_pretax_credit_amounts", "total_tax_amounts" = EXCLUDED."total_tax_amounts", "total_taxes" = EXCLUDED."total_taxes", "transfer_data" = EXCLUDED."transfer_data", "webhooks_delivered_at" = EXCLUDED."webhooks_delivered_at", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_invoices"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."invoices" AS t ("id", "account_country", "account_name", "account_tax_ids", "amount_due", "amount_overpaid", "amount_paid", "amount_remaining", "amount_shipping", "application", "application_fee_amount", "attempt_count", "attempted", "auto_advance", "automatic_tax", "automatically_finalizes_at", "billing_reason", "charge", "collection_method", "confirmation_secret", "created", "currency", "custom_fields", "customer", "customer_account", "customer_address", "customer_email", "customer_name", "customer_phone", "customer_shipping", "customer_tax_exempt", "customer_tax_ids", "default_payment_method", "default_source", "default_tax_rates", "description", "discount", "discounts", "due_date", "effective_at", "ending_balance", "footer", "from_invoice", "hosted_invoice_url", "invoice_pdf", "issuer", "last_finalization_error", "latest_revision", "lines", "livemode", "metadata", "next_payment_attempt", "number", "object", "on_behalf_of", "paid", "paid_out_of_band", "parent", "payment_intent", "payment_settings", "payments", "period_end", "period_start", "post_payment_credit_notes_amount", "pre_payment_credit_notes_amount", "quote", "receipt_number", "rendering", "rendering_options", "shipping_cost", "shipping_details", "starting_balance", "statement_descriptor", "status", "status_transitions", "subscription", "subscription_details", "subscription_proration_date", "subtotal", "subtotal_excluding_tax", "tax", "test_clock", "threshold_reason", "total", "total_discount_amounts", "total_excluding_tax", "total_pretax_credit_amounts", "total_tax_amounts", "total_taxes", "transfer_data", "webhooks_delivered_at", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'account_country') WHEN 'string' THEN s.r ->> 'account_country' END, CASE jsonb_typeof(s.r -> 'account_name') WHEN 'string' THEN s.r ->> 'account_name' END, stripe._jsonb(s.r -> 'account_tax_ids'), stripe._bigint(s.r -> 'amount_due'), stripe._bigint(s.r -> 'amount_overpaid'), stripe._bigint(s.r -> 'amount_paid'), stripe._bigint(s.r -> 'amount_remaining'), stripe._bigint(s.r -> 'amount_shipping'), stripe._ref_id(s.r -> 'application'), stripe._bigint(s.r -> 'application_fee_amount'), stripe._bigint(s.r -> 'attempt_count'), stripe._boolean(s.r -> 'attempted'), stripe._boolean(s.r -> 'auto_advance'), stripe._jsonb(s.r -> 'automatic_tax'), stripe._timestamp(s.r -> 'automatically_finalizes_at'), CASE jsonb_typeof(s.r -> 'billing_reason') WHEN 'string' THEN s.r ->> 'billing_reason' END, stripe._ref_id(s.r -> 'charge'), CASE jsonb_typeof(s.r -> 'collection_method') WHEN 'string' THEN s.r ->> 'collection_method' END, stripe._jsonb(s.r -> 'confirmation_secret'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'custom_fields'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._jsonb(s.r -> 'customer_address'), CASE jsonb_typeof(s.r -> 'customer_email') WHEN 'string' THEN s.r ->> 'customer_email' END, CASE jsonb_typeof(s.r -> 'customer_name') WHEN 'string' THEN s.r ->> 'customer_name' END, CASE jsonb_typeof(s.r -> 'customer_phone') WHEN 'string' THEN s.r ->> 'customer_phone' END, stripe._jsonb(s.r -> 'customer_shipping'), CASE jsonb_typeof(s.r -> 'customer_tax_exempt') WHEN 'string' THEN s.r ->> 'customer_tax_exempt' END, stripe._jsonb(s.r -> 'customer_tax_ids'), stripe._ref_id(s.r -> 'default_payment_method'), stripe._ref_id(s.r -> 'default_source'), stripe._jsonb(s.r -> 'default_tax_rates'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discount'), stripe._jsonb(s.r -> 'discounts'), stripe._timestamp(s.r -> 'due_date'), stripe._timestamp(s.r -> 'effective_at'), stripe._bigint(s.r -> 'ending_balance'), CASE jsonb_typeof(s.r -> 'footer') WHEN 'string' THEN s.r ->> 'footer' END, stripe._jsonb(s.r -> 'from_invoice'), CASE jsonb_typeof(s.r -> 'hosted_invoice_url') WHEN 'string' THEN s.r ->> 'hosted_invoice_url' END, CASE jsonb_typeof(s.r -> 'invoice_pdf') WHEN 'string' THEN s.r ->> 'invoice_pdf' END, stripe._jsonb(s.r -> 'issuer'), stripe._jsonb(s.r -> 'last_finalization_error'), stripe._ref_id(s.r -> 'latest_revision'), stripe._jsonb(s.r -> 'lines'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), stripe._timestamp(s.r -> 'next_payment_attempt'), CASE jsonb_typeof(s.r -> 'number') WHEN 'string' THEN s.r ->> 'number' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._boolean(s.r -> 'paid'), stripe._boolean(s.r -> 'paid_out_of_band'), stripe._jsonb(s.r -> 'parent'), stripe._ref_id(s.r -> 'payment_intent'), stripe._jsonb(s.r -> 'payment_settings'), stripe._jsonb(s.r -> 'payments'), stripe._timestamp(s.r -> 'period_end'), stripe._timestamp(s.r -> 'period_start'), stripe._bigint(s.r -> 'post_payment_credit_notes_amount'), stripe._bigint(s.r -> 'pre_payment_credit_notes_amount'), stripe._ref_id(s.r -> 'quote'), CASE jsonb_typeof(s.r -> 'receipt_number') WHEN 'string' THEN s.r ->> 'receipt_number' END, stripe._jsonb(s.r -> 'rendering'), stripe._jsonb(s.r -> 'rendering_options'), stripe._jsonb(s.r -> 'shipping_cost'), stripe._jsonb(s.r -> 'shipping_details'), stripe._bigint(s.r -> 'starting_balance'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._ref_id(s.r -> 'subscription'), stripe._jsonb(s.r -> 'subscription_details'), stripe._bigint(s.r -> 'subscription_proration_date'), stripe._bigint(s.r -> 'subtotal'), stripe._bigint(s.r -> 'subtotal_excluding_tax'), stripe._bigint(s.r -> 'tax'), stripe._ref_id(s.r -> 'test_clock'), stripe._jsonb(s.r -> 'threshold_reason'), stripe._bigint(s.r -> 'total'), stripe._jsonb(s.r -> 'total_discount_amounts'), stripe._bigint(s.r -> 'total_excluding_tax'), stripe._jsonb(s.r -> 'total_pretax_credit_amounts'), stripe._jsonb(s.r -> 'total_tax_amounts'), stripe._jsonb(s.r -> 'total_taxes'), stripe._jsonb(s.r -> 'transfer_data'), stripe._timestamp(s.r -> 'webhooks_delivered_at'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('invoice', 'invoices', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_invoice_payments"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."invoice_payments" AS t ("id", "amount_paid", "amount_requested", "created", "currency", "invoice", "is_default", "livemode", "object", "payment", "status", "status_transitions", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount_paid'), stripe._bigint(s.r -> 'amount_requested'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'invoice'), stripe._boolean(s.r -> 'is_default'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'payment'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount_paid" = EXCLUDED."amount_paid", "amount_requested" = EXCLUDED."amount_requested", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "invoice" = EXCLUDED."invoice", "is_default" = EXCLUDED."is_default", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "payment" = EXCLUDED."payment", "status" = EXCLUDED."status", "status_transitions" = EXCLUDED."status_transitions", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_invoice_payments"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."invoice_payments" AS t ("id", "amount_paid", "amount_requested", "created", "currency", "invoice", "is_default", "livemode", "object", "payment", "status", "status_transitions", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount_paid'), stripe._bigint(s.r -> 'amount_requested'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'invoice'), stripe._boolean(s.r -> 'is_default'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'payment'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('invoice_payment', 'invoice_payments', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_invoice_rendering_templates"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."invoice_rendering_templates" AS t ("id", "created", "livemode", "metadata", "nickname", "object", "status", "version", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'nickname') WHEN 'string' THEN s.r ->> 'nickname' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._bigint(s.r -> 'version'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "nickname" = EXCLUDED."nickname", "object" = EXCLUDED."object", "status" = EXCLUDED."status", "version" = EXCLUDED."version", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_invoice_rendering_templates"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."invoice_rendering_templates" AS t ("id", "created", "livemode", "metadata", "nickname", "object", "status", "version", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'nickname') WHEN 'string' THEN s.r ->> 'nickname' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._bigint(s.r -> 'version'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('invoice_rendering_template', 'invoice_rendering_templates', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_invoice_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."invoice_items" AS t ("id", "amount", "currency", "customer", "customer_account", "date", "description", "discountable", "discounts", "invoice", "livemode", "metadata", "net_amount", "object", "parent", "period", "price", "pricing", "proration", "proration_details", "quantity", "quantity_decimal", "subscription", "subscription_item", "tax_rates", "test_clock", "unit_amount", "unit_amount_decimal", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._timestamp(s.r -> 'date'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._boolean(s.r -> 'discountable'), stripe._jsonb(s.r -> 'discounts'), stripe._ref_id(s.r -> 'invoice'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), stripe._bigint(s.r -> 'net_amount'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'parent'), stripe._jsonb(s.r -> 'period'), stripe._jsonb(s.r -> 'price'), stripe._jsonb(s.r -> 'pricing'), stripe._boolean(s.r -> 'proration'), stripe._jsonb(s.r -> 'proration_details'), stripe._bigint(s.r -> 'quantity'), CASE jsonb_typeof(s.r -> 'quantity_decimal') WHEN 'string' THEN s.r ->> 'quantity_decimal' END, stripe._ref_id(s.r -> 'subscription'), CASE jsonb_typeof(s.r -> 'subscription_item') WHEN 'string' THEN s.r ->> 'subscription_item' END, stripe._jsonb(s.r -> 'tax_rates'), stripe._ref_id(s.r -> 'test_clock'), stripe._bigint(s.r -> 'unit_amount'), CASE jsonb_typeof(s.r -> 'unit_amount_decimal') WHEN 'string' THEN s.r ->> 'unit_amount_decimal' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "date" = EXCLUDED."date", "description" = EXCLUDED."description", "discountable" = EXCLUDED."discountable", "discounts" = EXCLUDED."discounts", "invoice" = EXCLUDED."invoice", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "net_amount" = EXCLUDED."net_amount", "object" = EXCLUDED."object", "parent" = EXCLUDED."parent", "period" = EXCLUDED."period", "price" = EXCLUDED."price", "pricing" = EXCLUDED."pricing", "proration" = EXCLUDED."proration", "proration_details" = EXCLUDED."proration_details", "quantity" = EXCLUDED."quantity", "quantity_decimal" = EXCLUDED."quantity_decimal", "subscription" = EXCLUDED."subscription", "subscription_item" = EXCLUDED."subscription_item", "tax_rates" = EXCLUDED."tax_rates", "test_clock" = EXCLUDED."test_clock", "unit_amount" = EXCLUDED."unit_amount", "unit_amount_decimal" = EXCLUDED."unit_amount_decimal", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_invoice_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."invoice_items" AS t ("id", "amount", "currency", "customer", "customer_account", "date", "description", "discountable", "discounts", "invoice", "livemode", "metadata", "net_amount", "object", "parent", "period", "price", "pricing", "proration", "proration_details", "quantity", "quantity_decimal", "subscription", "subscription_item", "tax_rates", "test_clock", "unit_amount", "unit_amount_decimal", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._timestamp(s.r -> 'date'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._boolean(s.r -> 'discountable'), stripe._jsonb(s.r -> 'discounts'), stripe._ref_id(s.r -> 'invoice'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), stripe._bigint(s.r -> 'net_amount'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'parent'), stripe._jsonb(s.r -> 'period'), stripe._jsonb(s.r -> 'price'), stripe._jsonb(s.r -> 'pricing'), stripe._boolean(s.r -> 'proration'), stripe._jsonb(s.r -> 'proration_details'), stripe._bigint(s.r -> 'quantity'), CASE jsonb_typeof(s.r -> 'quantity_decimal') WHEN 'string' THEN s.r ->> 'quantity_decimal' END, stripe._ref_id(s.r -> 'subscription'), CASE jsonb_typeof(s.r -> 'subscription_item') WHEN 'string' THEN s.r ->> 'subscription_item' END, stripe._jsonb(s.r -> 'tax_rates'), stripe._ref_id(s.r -> 'test_clock'), stripe._bigint(s.r -> 'unit_amount'), CASE jsonb_typeof(s.r -> 'unit_amount_decimal') WHEN 'string' THEN s.r ->> 'unit_amount_decimal' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('invoiceitem', 'invoice_items', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_issuer_fraud_records"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuer_fraud_records" AS t ("id", "actionable", "charge", "created", "fraud_type", "has_liability_shift", "livemode", "object", "post_date", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'actionable'), stripe._ref_id(s.r -> 'charge'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'fraud_type') WHEN 'string' THEN s.r ->> 'fraud_type' END, stripe._boolean(s.r -> 'has_liability_shift'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._bigint(s.r -> 'post_date'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "actionable" = EXCLUDED."actionable", "charge" = EXCLUDED."charge", "created" = EXCLUDED."created", "fraud_type" = EXCLUDED."fraud_type", "has_liability_shift" = EXCLUDED."has_liability_shift", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "post_date" = EXCLUDED."post_date", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_issuer_fraud_records"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuer_fraud_records" AS t ("id", "actionable", "charge", "created", "fraud_type", "has_liability_shift", "livemode", "object", "post_date", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'actionable'), stripe._ref_id(s.r -> 'charge'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'fraud_type') WHEN 'string' THEN s.r ->> 'fraud_type' END, stripe._boolean(s.r -> 'has_liability_shift'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._bigint(s.r -> 'post_date'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('issuer_fraud_record', 'issuer_fraud_records', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_issuing_authorizations"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_authorizations" AS t ("id", "amount", "amount_details", "approved", "authorization_method", "balance_transactions", "card", "card_presence", "cardholder", "created", "currency", "fleet", "fraud_challenges", "fuel", "livemode", "merchant_amount", "merchant_currency", "merchant_data", "metadata", "network_data", "object", "pending_request", "request_history", "status", "token", "transactions", "treasury", "verification_data", "verified_by_fraud_challenge", "wallet", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'amount_details'), stripe._boolean(s.r -> 'approved'), CASE jsonb_typeof(s.r -> 'authorization_method') WHEN 'string' THEN s.r ->> 'authorization_method' END, stripe._jsonb(s.r -> 'balance_transactions'), stripe._jsonb(s.r -> 'card'), CASE jsonb_typeof(s.r -> 'card_presence') WHEN 'string' THEN s.r ->> 'card_presence' END, stripe._ref_id(s.r -> 'cardholder'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'fleet'), stripe._jsonb(s.r -> 'fraud_challenges'), stripe._jsonb(s.r -> 'fuel'), stripe._boolean(s.r -> 'livemode'), stripe._bigint(s.r -> 'merchant_amount'), CASE jsonb_typeof(s.r -> 'merchant_currency') WHEN 'string' THEN s.r ->> 'merchant_currency' END, stripe._jsonb(s.r -> 'merchant_data'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'network_data'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'pending_request'), stripe._jsonb(s.r -> 'request_history'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'token'), stripe._jsonb(s.r -> 'transactions'), stripe._jsonb(s.r -> 'treasury'), stripe._jsonb(s.r -> 'verification_data'), stripe._boolean(s.r -> 'verified_by_fraud_challenge'), CASE jsonb_typeof(s.r -> 'wallet') WHEN 'string' THEN s.r ->> 'wallet' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "amount_details" = EXCLUDED."amount_details", "approved" = EXCLUDED."approved", "authorization_method" = EXCLUDED."authorization_method", "balance_transactions" = EXCLUDED."balance_transactions", "card" = EXCLUDED."card", "card_presence" = EXCLUDED."card_presence", "cardholder" = EXCLUDED."cardholder", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "fleet" = EXCLUDED."fleet", "fraud_challenges" = EXCLUDED."fraud_challenges", "fuel" = EXCLUDED."fuel", "livemode" = EXCLUDED."livemode", "merchant_amount" = EXCLUDED."merchant_amount", "merchant_currency" = EXCLUDED."merchant_currency", "merchant_data" = EXCLUDED."merchant_data", "metadata" = EXCLUDED."metadata", "network_data" = EXCLUDED."network_data", "object" = EXCLUDED."object", "pending_request" = EXCLUDED."pending_request", "request_history" = EXCLUDED."request_history", "status" = EXCLUDED."status", "token" = EXCLUDED."token", "transactions" = EXCLUDED."transactions", "treasury" = EXCLUDED."treasury", "verification_data" = EXCLUDED."verification_data", "verified_by_fraud_challenge" = EXCLUDED."verified_by_fraud_challenge", "wallet" = EXCLUDED."wallet", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_issuing_authorizations"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_authorizations" AS t ("id", "amount", "amount_details", "approved", "authorization_method", "balance_transactions", "card", "card_presence", "cardholder", "created", "currency", "fleet", "fraud_challenges", "fuel", "livemode", "merchant_amount", "merchant_currency", "merchant_data", "metadata", "network_data", "object", "pending_request", "request_history", "status", "token", "transactions", "treasury", "verification_data", "verified_by_fraud_challenge", "wallet", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'amount_details'), stripe._boolean(s.r -> 'approved'), CASE jsonb_typeof(s.r -> 'authorization_method') WHEN 'string' THEN s.r ->> 'authorization_method' END, stripe._jsonb(s.r -> 'balance_transactions'), stripe._jsonb(s.r -> 'card'), CASE jsonb_typeof(s.r -> 'card_presence') WHEN 'string' THEN s.r ->> 'card_presence' END, stripe._ref_id(s.r -> 'cardholder'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'fleet'), stripe._jsonb(s.r -> 'fraud_challenges'), stripe._jsonb(s.r -> 'fuel'), stripe._boolean(s.r -> 'livemode'), stripe._bigint(s.r -> 'merchant_amount'), CASE jsonb_typeof(s.r -> 'merchant_currency') WHEN 'string' THEN s.r ->> 'merchant_currency' END, stripe._jsonb(s.r -> 'merchant_data'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'network_data'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'pending_request'), stripe._jsonb(s.r -> 'request_history'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'token'), stripe._jsonb(s.r -> 'transactions'), stripe._jsonb(s.r -> 'treasury'), stripe._jsonb(s.r -> 'verification_data'), stripe._boolean(s.r -> 'verified_by_fraud_challenge'), CASE jsonb_typeof(s.r -> 'wallet') WHEN 'string' THEN s.r ->> 'wallet' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('issuing.authorization', 'issuing_authorizations', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_issuing_cards"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_cards" AS t ("id", "brand", "cancellation_reason", "cardholder", "created", "currency", "cvc", "exp_month", "exp_year", "financial_account", "last4", "latest_fraud_warning", "lifecycle_controls", "livemode", "metadata", "number", "object", "personalization_design", "replaced_by", "replacement_for", "replacement_reason", "second_line", "shipping", "spending_controls", "status", "type", "wallets", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'brand') WHEN 'string' THEN s.r ->> 'brand' END, CASE jsonb_typeof(s.r -> 'cancellation_reason') WHEN 'string' THEN s.r ->> 'cancellation_reason' END, stripe._jsonb(s.r -> 'cardholder'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'cvc') WHEN 'string' THEN s.r ->> 'cvc' END, stripe._bigint(s.r -> 'exp_month'), stripe._bigint(s.r -> 'exp_year'), CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'last4') WHEN 'string' THEN s.r ->> 'last4' END, stripe._jsonb(s.r -> 'latest_fraud_warning'), stripe._jsonb(s.r -> 'lifecycle_controls'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'number') WHEN 'string' THEN s.r ->> 'number' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'personalization_design'), stripe._ref_id(s.r -> 'replaced_by'), stripe._ref_id(s.r -> 'replacement_for'), CASE jsonb_typeof(s.r -> 'replacement_reason') WHEN 'string' THEN s.r ->> 'replacement_reason' END, CASE jsonb_typeof(s.r -> 'second_line') WHEN 'string' THEN s.r ->> 'second_line' END, stripe._jsonb(s.r -> 'shipping'), stripe._jsonb(s.r -> 'spending_controls'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, stripe._jsonb(s.r -> 'wallets'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "brand" = EXCLUDED."brand", "cancellation_reason" = EXCLUDED."cancellation_reason", "cardholder" = EXCLUDED."cardholder", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "cvc" = EXCLUDED."cvc", "exp_month" = EXCLUDED."exp_month", "exp_year" = EXCLUDED."exp_year", "financial_account" = EXCLUDED."financial_account", "last4" = EXCLUDED."last4", "latest_fraud_warning" = EXCLUDED."latest_fraud_warning", "lifecycle_controls" = EXCLUDED."lifecycle_controls", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "number" = EXCLUDED."number", "object" = EXCLUDED."object", "personalization_design" = EXCLUDED."personalization_design", "replaced_by" = EXCLUDED."replaced_by", "replacement_for" = EXCLUDED."replacement_for", "replacement_reason" = EXCLUDED."replacement_reason", "second_line" = EXCLUDED."second_line", "shipping" = EXCLUDED."shipping", "spending_controls" = EXCLUDED."spending_controls", "status" = EXCLUDED."status", "type" = EXCLUDED."type", "wallets" = EXCLUDED."wallets", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_issuing_cards"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_cards" AS t ("id", "brand", "cancellation_reason", "cardholder", "created", "currency", "cvc", "exp_month", "exp_year", "financial_account", "last4", "latest_fraud_warning", "lifecycle_controls", "livemode", "metadata", "number", "object", "personalization_design", "replaced_by", "replacement_for", "replacement_reason", "second_line", "shipping", "spending_controls", "status", "type", "wallets", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'brand') WHEN 'string' THEN s.r ->> 'brand' END, CASE jsonb_typeof(s.r -> 'cancellation_reason') WHEN 'string' THEN s.r ->> 'cancellation_reason' END, stripe._jsonb(s.r -> 'cardholder'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'cvc') WHEN 'string' THEN s.r ->> 'cvc' END, stripe._bigint(s.r -> 'exp_month'), stripe._bigint(s.r -> 'exp_year'), CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'last4') WHEN 'string' THEN s.r ->> 'last4' END, stripe._jsonb(s.r -> 'latest_fraud_warning'), stripe._jsonb(s.r -> 'lifecycle_controls'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'number') WHEN 'string' THEN s.r ->> 'number' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'personalization_design'), stripe._ref_id(s.r -> 'replaced_by'), stripe._ref_id(s.r -> 'replacement_for'), CASE jsonb_typeof(s.r -> 'replacement_reason') WHEN 'string' THEN s.r ->> 'replacement_reason' END, CASE jsonb_typeof(s.r -> 'second_line') WHEN 'string' THEN s.r ->> 'second_line' END, stripe._jsonb(s.r -> 'shipping'), stripe._jsonb(s.r -> 'spending_controls'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, stripe._jsonb(s.r -> 'wallets'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('issuing.card', 'issuing_cards', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_issuing_cardholders"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_cardholders" AS t ("id", "billing", "company", "created", "email", "individual", "livemode", "metadata", "name", "object", "phone_number", "preferred_locales", "requirements", "spending_controls", "status", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'billing'), stripe._jsonb(s.r -> 'company'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, stripe._jsonb(s.r -> 'individual'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'phone_number') WHEN 'string' THEN s.r ->> 'phone_number' END, stripe._jsonb(s.r -> 'preferred_locales'), stripe._jsonb(s.r -> 'requirements'), stripe._jsonb(s.r -> 'spending_controls'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "billing" = EXCLUDED."billing", "company" = EXCLUDED."company", "created" = EXCLUDED."created", "email" = EXCLUDED."email", "individual" = EXCLUDED."individual", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "phone_number" = EXCLUDED."phone_number", "preferred_locales" = EXCLUDED."preferred_locales", "requirements" = EXCLUDED."requirements", "spending_controls" = EXCLUDED."spending_controls", "status" = EXCLUDED."status", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_issuing_cardholders"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_cardholders" AS t ("id", "billing", "company", "created", "email", "individual", "livemode", "metadata", "name", "object", "phone_number", "preferred_locales", "requirements", "spending_controls", "status", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'billing'), stripe._jsonb(s.r -> 'company'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, stripe._jsonb(s.r -> 'individual'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'phone_number') WHEN 'string' THEN s.r ->> 'phone_number' END, stripe._jsonb(s.r -> 'preferred_locales'), stripe._jsonb(s.r -> 'requirements'), stripe._jsonb(s.r -> 'spending_controls'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('issuing.cardholder', 'issuing_cardholders', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_issuing_disputes"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_disputes" AS t ("id", "amount", "balance_transactions", "created", "currency", "evidence", "livemode", "loss_reason", "metadata", "object", "status", "transaction", "treasury", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'balance_transactions'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'evidence'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'loss_reason') WHEN 'string' THEN s.r ->> 'loss_reason' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'transaction'), stripe._jsonb(s.r -> 'treasury'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "balance_transactions" = EXCLUDED."balance_transactions", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "evidence" = EXCLUDED."evidence", "livemode" = EXCLUDED."livemode", "loss_reason" = EXCLUDED."loss_reason", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "status" = EXCLUDED."status", "transaction" = EXCLUDED."transaction", "treasury" = EXCLUDED."treasury", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_issuing_disputes"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_disputes" AS t ("id", "amount", "balance_transactions", "created", "currency", "evidence", "livemode", "loss_reason", "metadata", "object", "status", "transaction", "treasury", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'balance_transactions'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'evidence'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'loss_reason') WHEN 'string' THEN s.r ->> 'loss_reason' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'transaction'), stripe._jsonb(s.r -> 'treasury'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('issuing.dispute', 'issuing_disputes', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_issuing_personalization_designs"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_personalization_designs" AS t ("id", "card_logo", "carrier_text", "created", "livemode", "lookup_key", "metadata", "name", "object", "physical_bundle", "preferences", "rejection_reasons", "status", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'card_logo'), stripe._jsonb(s.r -> 'carrier_text'), stripe._timestamp(s.r -> 'created'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'lookup_key') WHEN 'string' THEN s.r ->> 'lookup_key' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'physical_bundle'), stripe._jsonb(s.r -> 'preferences'), stripe._jsonb(s.r -> 'rejection_reasons'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "card_logo" = EXCLUDED."card_logo", "carrier_text" = EXCLUDED."carrier_text", "created" = EXCLUDED."created", "livemode" = EXCLUDED."livemode", "lookup_key" = EXCLUDED."lookup_key", "metadata" = EXCLUDED."metadata", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "physical_bundle" = EXCLUDED."physical_bundle", "preferences" = EXCLUDED."preferences", "rejection_reasons" = EXCLUDED."rejection_reasons", "status" = EXCLUDED."status", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_issuing_personalization_designs"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_personalization_designs" AS t ("id", "card_logo", "carrier_text", "created", "livemode", "lookup_key", "metadata", "name", "object", "physical_bundle", "preferences", "rejection_reasons", "status", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'card_logo'), stripe._jsonb(s.r -> 'carrier_text'), stripe._timestamp(s.r -> 'created'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'lookup_key') WHEN 'string' THEN s.r ->> 'lookup_key' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'physical_bundle'), stripe._jsonb(s.r -> 'preferences'), stripe._jsonb(s.r -> 'rejection_reasons'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('issuing.personalization_design', 'issuing_personalization_designs', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_issuing_physical_bundles"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_physical_bundles" AS t ("id", "features", "livemode", "name", "object", "status", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'features'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "features" = EXCLUDED."features", "livemode" = EXCLUDED."livemode", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "status" = EXCLUDED."status", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_issuing_physical_bundles"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_physical_bundles" AS t ("id", "features", "livemode", "name", "object", "status", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'features'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('issuing.physical_bundle', 'issuing_physical_bundles', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_issuing_settlements"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_settlements" AS t ("id", "bin", "clearing_date", "created", "currency", "interchange_fees", "livemode", "metadata", "net_total", "network", "network_fees", "network_settlement_identifier", "object", "settlement_service", "transaction_count", "transaction_volume", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'bin') WHEN 'string' THEN s.r ->> 'bin' END, stripe._bigint(s.r -> 'clearing_date'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._bigint(s.r -> 'interchange_fees'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), stripe._bigint(s.r -> 'net_total'), CASE jsonb_typeof(s.r -> 'network') WHEN 'string' THEN s.r ->> 'network' END, stripe._bigint(s.r -> 'network_fees'), CASE jsonb_typeof(s.r -> 'network_settlement_identifier') WHEN 'string' THEN s.r ->> 'network_settlement_identifier' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'settlement_service') WHEN 'string' THEN s.r ->> 'settlement_service' END, stripe._bigint(s.r -> 'transaction_count'), stripe._bigint(s.r -> 'transaction_volume'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "bin" = EXCLUDED."bin", "clearing_date" = EXCLUDED."clearing_date", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "interchange_fees" = EXCLUDED."interchange_fees", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "net_total" = EXCLUDED."net_total", "network" = EXCLUDED."network", "network_fees" = EXCLUDED."network_fees", "network_settlement_identifier" = EXCLUDED."network_settlement_identifier", "object" = EXCLUDED."object", "settlement_service" = EXCLUDED."settlement_service", "transaction_count" = EXCLUDED."transaction_count", "transaction_volume" = EXCLUDED."transaction_volume", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_issuing_settlements"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_settlements" AS t ("id", "bin", "clearing_date", "created", "currency", "interchange_fees", "livemode", "metadata", "net_total", "network", "network_fees", "network_settlement_identifier", "object", "settlement_service", "transaction_count", "transaction_volume", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'bin') WHEN 'string' THEN s.r ->> 'bin' END, stripe._bigint(s.r -> 'clearing_date'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._bigint(s.r -> 'interchange_fees'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), stripe._bigint(s.r -> 'net_total'), CASE jsonb_typeof(s.r -> 'network') WHEN 'string' THEN s.r ->> 'network' END, stripe._bigint(s.r -> 'network_fees'), CASE jsonb_typeof(s.r -> 'network_settlement_identifier') WHEN 'string' THEN s.r ->> 'network_settlement_identifier' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'settlement_service') WHEN 'string' THEN s.r ->> 'settlement_service' END, stripe._bigint(s.r -> 'transaction_count'), stripe._bigint(s.r -> 'transaction_volume'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('issuing.settlement', 'issuing_settlements', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_issuing_tokens"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_tokens" AS t ("id", "card", "created", "device_fingerprint", "last4", "livemode", "network", "network_data", "network_updated_at", "object", "status", "wallet_provider", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'card'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'device_fingerprint') WHEN 'string' THEN s.r ->> 'device_fingerprint' END, CASE jsonb_typeof(s.r -> 'last4') WHEN 'string' THEN s.r ->> 'last4' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'network') WHEN 'string' THEN s.r ->> 'network' END, stripe._jsonb(s.r -> 'network_data'), stripe._timestamp(s.r -> 'network_updated_at'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'wallet_provider') WHEN 'string' THEN s.r ->> 'wallet_provider' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "card" = EXCLUDED."card", "created" = EXCLUDED."created", "device_fingerprint" = EXCLUDED."device_fingerprint", "last4" = EXCLUDED."last4", "livemode" = EXCLUDED."livemode", "network" = EXCLUDED."network", "network_data" = EXCLUDED."network_data", "network_updated_at" = EXCLUDED."network_updated_at", "object" = EXCLUDED."object", "status" = EXCLUDED."status", "wallet_provider" = EXCLUDED."wallet_provider", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_issuing_tokens"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_tokens" AS t ("id", "card", "created", "device_fingerprint", "last4", "livemode", "network", "network_data", "network_updated_at", "object", "status", "wallet_provider", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'card'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'device_fingerprint') WHEN 'string' THEN s.r ->> 'device_fingerprint' END, CASE jsonb_typeof(s.r -> 'last4') WHEN 'string' THEN s.r ->> 'last4' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'network') WHEN 'string' THEN s.r ->> 'network' END, stripe._jsonb(s.r -> 'network_data'), stripe._timestamp(s.r -> 'network_updated_at'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'wallet_provider') WHEN 'string' THEN s.r ->> 'wallet_provider' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('issuing.token', 'issuing_tokens', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_issuing_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_transactions" AS t ("id", "amount", "amount_details", "authorization", "balance_transaction", "card", "cardholder", "created", "currency", "dispute", "livemode", "merchant_amount", "merchant_currency", "merchant_data", "metadata", "network_data", "object", "purchase_details", "token", "treasury", "type", "wallet", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'amount_details'), stripe._ref_id(s.r -> 'authorization'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._ref_id(s.r -> 'card'), stripe._ref_id(s.r -> 'cardholder'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'dispute'), stripe._boolean(s.r -> 'livemode'), stripe._bigint(s.r -> 'merchant_amount'), CASE jsonb_typeof(s.r -> 'merchant_currency') WHEN 'string' THEN s.r ->> 'merchant_currency' END, stripe._jsonb(s.r -> 'merchant_data'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'network_data'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'purchase_details'), stripe._ref_id(s.r -> 'token'), stripe._jsonb(s.r -> 'treasury'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'wallet') WHEN 'string' THEN s.r ->> 'wallet' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "amount_details" = EXCLUDED."amount_details", "authorization" = EXCLUDED."authorization", "balance_transaction" = EXCLUDED."balance_transaction", "card" = EXCLUDED."card", "cardholder" = EXCLUDED."cardholder", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "dispute" = EXCLUDED."dispute", "livemode" = EXCLUDED."livemode", "merchant_amount" = EXCLUDED."merchant_amount", "merchant_currency" = EXCLUDED."merchant_currency", "merchant_data" = EXCLUDED."merchant_data", "metadata" = EXCLUDED."metadata", "network_data" = EXCLUDED."network_data", "object" = EXCLUDED."object", "purchase_details" = EXCLUDED."purchase_details", "token" = EXCLUDED."token", "treasury" = EXCLUDED."treasury", "type" = EXCLUDED."type", "wallet" = EXCLUDED."wallet", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_issuing_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."issuing_transactions" AS t ("id", "amount", "amount_details", "authorization", "balance_transaction", "card", "cardholder", "created", "currency", "dispute", "livemode", "merchant_amount", "merchant_currency", "merchant_data", "metadata", "network_data", "object", "purchase_details", "token", "treasury", "type", "wallet", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'amount_details'), stripe._ref_id(s.r -> 'authorization'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._ref_id(s.r -> 'card'), stripe._ref_id(s.r -> 'cardholder'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'dispute'), stripe._boolean(s.r -> 'livemode'), stripe._bigint(s.r -> 'merchant_amount'), CASE jsonb_typeof(s.r -> 'merchant_currency') WHEN 'string' THEN s.r ->> 'merchant_currency' END, stripe._jsonb(s.r -> 'merchant_data'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'network_data'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'purchase_details'), stripe._ref_id(s.r -> 'token'), stripe._jsonb(s.r -> 'treasury'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'wallet') WHEN 'string' THEN s.r ->> 'wallet' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('issuing.transaction', 'issuing_transactions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_line_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."line_items" AS t ("id", "adjustable_quantity", "amount_discount", "amount_subtotal", "amount_tax", "amount_total", "currency", "description", "discounts", "metadata", "object", "price", "product", "quantity", "taxes", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'adjustable_quantity'), stripe._bigint(s.r -> 'amount_discount'), stripe._bigint(s.r -> 'amount_subtotal'), stripe._bigint(s.r -> 'amount_tax'), stripe._bigint(s.r -> 'amount_total'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discounts'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'price'), stripe._ref_id(s.r -> 'product'), stripe._bigint(s.r -> 'quantity'), stripe._jsonb(s.r -> 'taxes'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "adjustable_quantity" = EXCLUDED."adjustable_quantity", "amount_discount" = EXCLUDED."amount_discount", "amount_subtotal" = EXCLUDED."amount_subtotal", "amount_tax" = EXCLUDED."amount_tax", "amount_total" = EXCLUDED."amount_total", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "discounts" = EXCLUDED."discounts", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "price" = EXCLUDED."price", "product" = EXCLUDED."product", "quantity" = EXCLUDED."quantity", "taxes" = EXCLUDED."taxes", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_line_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."line_items" AS t ("id", "adjustable_quantity", "amount_discount", "amount_subtotal", "amount_tax", "amount_total", "currency", "description", "discounts", "metadata", "object", "price", "product", "quantity", "taxes", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'adjustable_quantity'), stripe._bigint(s.r -> 'amount_discount'), stripe._bigint(s.r -> 'amount_subtotal'), stripe._bigint(s.r -> 'amount_tax'), stripe._bigint(s.r -> 'amount_total'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discounts'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'price'), stripe._ref_id(s.r -> 'product'), stripe._bigint(s.r -> 'quantity'), stripe._jsonb(s.r -> 'taxes'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('item', 'line_items', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_invoice_line_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."invoice_line_items" AS t ("id", "amount", "amount_excluding_tax", "currency", "description", "discount_amounts", "discountable", "discounts", "invoice", "invoice_item", "livemode", "metadata", "object", "parent", "period", "pretax_credit_amounts", "price", "pricing", "proration", "proration_details", "quantity", "quantity_decimal", "subscription", "subscription_item", "subtotal", "tax_amounts", "tax_rates", "taxes", "type", "unit_amount_excluding_tax", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_excluding_tax'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discount_amounts'), stripe._boolean(s.r -> 'discountable'), stripe._jsonb(s.r -> 'discounts'), CASE jsonb_typeof(s.r -> 'invoice') WHEN 'string' THEN s.r ->> 'invoice' END, stripe._ref_id(s.r -> 'invoice_item'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'parent'), stripe._jsonb(s.r -> 'period'), stripe._jsonb(s.r -> 'pretax_credit_amounts'), stripe._jsonb(s.r -> 'price'), stripe._jsonb(s.r -> 'pricing'), stripe._boolean(s.r -> 'proration'), stripe._jsonb(s.r -> 'proration_details'), stripe._bigint(s.r -> 'quantity'), CASE jsonb_typeof(s.r -> 'quantity_decimal') WHEN 'string' THEN s.r ->> 'quantity_decimal' END, stripe._ref_id(s.r -> 'subscription'), stripe._ref_id(s.r -> 'subscription_item'), stripe._bigint(s.r -> 'subtotal'), stripe._jsonb(s.r -> 'tax_amounts'), stripe._jsonb(s.r -> 'tax_rates'), stripe._jsonb(s.r -> 'taxes'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'unit_amount_excluding_tax') WHEN 'string' THEN s.r ->> 'unit_amount_excluding_tax' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "amount_excluding_tax" = EXCLUDED."amount_excluding_tax", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "discount_amounts" = EXCLUDED."discount_amounts", "discountable" = EXCLUDED."discountable", "discounts" = EXCLUDED."discounts", "invoice" = EXCLUDED."invoice", "invoice_item" = EXCLUDED."invoice_item", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "parent" = EXCLUDED."parent", "period" = EXCLUDED."period", "pretax_credit_amounts" = EXCLUDED."pretax_credit_amounts", "price" = EXCLUDED."price", "pricing" = EXCLUDED."pricing", "proration" = EXCLUDED."proration", "proration_details" = EXCLUDED."proration_details", "quantity" = EXCLUDED."quantity", "quantity_decimal" = EXCLUDED."quantity_decimal", "subscription" = EXCLUDED."subscription", "subscription_item" = EXCLUDED."subscription_item", "subtotal" = EXCLUDED."subtotal", "tax_amounts" = EXCLUDED."tax_amounts", "tax_rates" = EXCLUDED."tax_rates", "taxes" = EXCLUDED."taxes", "type" = EXCLUDED."type", "unit_amount_excluding_tax" = EXCLUDED."unit_amount_excluding_tax", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_invoice_line_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."invoice_line_items" AS t ("id", "amount", "amount_excluding_tax", "currency", "description", "discount_amounts", "discountable", "discounts", "invoice", "invoice_item", "livemode", "metadata", "object", "parent", "period", "pretax_credit_amounts", "price", "pricing", "proration", "proration_details", "quantity", "quantity_decimal", "subscription", "subscription_item", "subtotal", "tax_amounts", "tax_rates", "taxes", "type", "unit_amount_excluding_tax", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_excluding_tax'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discount_amounts'), stripe._boolean(s.r -> 'discountable'), stripe._jsonb(s.r -> 'discounts'), CASE jsonb_typeof(s.r -> 'invoice') WHEN 'string' THEN s.r ->> 'invoice' END, stripe._ref_id(s.r -> 'invoice_item'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'parent'), stripe._jsonb(s.r -> 'period'), stripe._jsonb(s.r -> 'pretax_credit_amounts'), stripe._jsonb(s.r -> 'price'), stripe._jsonb(s.r -> 'pricing'), stripe._boolean(s.r -> 'proration'), stripe._jsonb(s.r -> 'proration_details'), stripe._bigint(s.r -> 'quantity'), CASE jsonb_typeof(s.r -> 'quantity_decimal') WHEN 'string' THEN s.r ->> 'quantity_decimal' END, stripe._ref_id(s.r -> 'subscription'), stripe._ref_id(s.r -> 'subscription_item'), stripe._bigint(s.r -> 'subtotal'), stripe._jsonb(s.r -> 'tax_amounts'), stripe._jsonb(s.r -> 'tax_rates'), stripe._jsonb(s.r -> 'taxes'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'unit_amount_excluding_tax') WHEN 'string' THEN s.r ->> 'unit_amount_excluding_tax' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('line_item', 'invoice_line_items', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_mandates"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."mandates" AS t ("id", "customer_acceptance", "livemode", "multi_use", "object", "on_behalf_of", "payment_method", "payment_method_details", "single_use", "status", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'customer_acceptance'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'multi_use'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'on_behalf_of') WHEN 'string' THEN s.r ->> 'on_behalf_of' END, stripe._ref_id(s.r -> 'payment_method'), stripe._jsonb(s.r -> 'payment_method_details'), stripe._jsonb(s.r -> 'single_use'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "customer_acceptance" = EXCLUDED."customer_acceptance", "livemode" = EXCLUDED."livemode", "multi_use" = EXCLUDED."multi_use", "object" = EXCLUDED."object", "on_behalf_of" = EXCLUDED."on_behalf_of", "payment_method" = EXCLUDED."payment_method", "payment_method_details" = EXCLUDED."payment_method_details", "single_use" = EXCLUDED."single_use", "status" = EXCLUDED."status", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_mandates"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."mandates" AS t ("id", "customer_acceptance", "livemode", "multi_use", "object", "on_behalf_of", "payment_method", "payment_method_details", "single_use", "status", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'customer_acceptance'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'multi_use'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'on_behalf_of') WHEN 'string' THEN s.r ->> 'on_behalf_of' END, stripe._ref_id(s.r -> 'payment_method'), stripe._jsonb(s.r -> 'payment_method_details'), stripe._jsonb(s.r -> 'single_use'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('mandate', 'mandates', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_orders"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."orders" AS t ("id", "amount_subtotal", "amount_total", "application", "automatic_tax", "billing_details", "client_permissions", "client_secret", "created", "currency", "customer", "description", "discounts", "ip_address", "line_items", "livemode", "metadata", "object", "payment", "shipping_cost", "shipping_details", "status", "tax_details", "total_details", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount_subtotal'), stripe._bigint(s.r -> 'amount_total'), stripe._ref_id(s.r -> 'application'), stripe._jsonb(s.r -> 'automatic_tax'), stripe._jsonb(s.r -> 'billing_details'), stripe._jsonb(s.r -> 'client_permissions'), CASE jsonb_typeof(s.r -> 'client_secret') WHEN 'string' THEN s.r ->> 'client_secret' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discounts'), CASE jsonb_typeof(s.r -> 'ip_address') WHEN 'string' THEN s.r ->> 'ip_address' END, stripe._jsonb(s.r -> 'line_items'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'payment'), stripe._jsonb(s.r -> 'shipping_cost'), stripe._jsonb(s.r -> 'shipping_details'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'tax_details'), stripe._jsonb(s.r -> 'total_details'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount_subtotal" = EXCLUDED."amount_subtotal", "amount_total" = EXCLUDED."amount_total", "application" = EXCLUDED."application", "automatic_tax" = EXCLUDED."automatic_tax", "billing_details" = EXCLUDED."billing_details", "client_permissions" = EXCLUDED."client_permissions", "client_secret" = EXCLUDED."client_secret", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "description" = EXCLUDED."description", "discounts" = EXCLUDED."discounts", "ip_address" = EXCLUDED."ip_address", "line_items" = EXCLUDED."line_items", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "payment" = EXCLUDED."payment", "shipping_cost" = EXCLUDED."shipping_cost", "shipping_details" = EXCLUDED."shipping_details", "status" = EXCLUDED."status", "tax_details" = EXCLUDED."tax_details", "total_details" = EXCLUDED."total_details", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_orders"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."orders" AS t ("id", "amount_subtotal", "amount_total", "application", "automatic_tax", "billing_details", "client_permissions", "client_secret", "created", "currency", "customer", "description", "discounts", "ip_address", "line_items", "livemode", "metadata", "object", "payment", "shipping_cost", "shipping_details", "status", "tax_details", "total_details", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount_subtotal'), stripe._bigint(s.r -> 'amount_total'), stripe._ref_id(s.r -> 'application'), stripe._jsonb(s.r -> 'automatic_tax'), stripe._jsonb(s.r -> 'billing_details'), stripe._jsonb(s.r -> 'client_permissions'), CASE jsonb_typeof(s.r -> 'client_secret') WHEN 'string' THEN s.r ->> 'client_secret' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discounts'), CASE jsonb_typeof(s.r -> 'ip_address') WHEN 'string' THEN s.r ->> 'ip_address' END, stripe._jsonb(s.r -> 'line_items'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'payment'), stripe._jsonb(s.r -> 'shipping_cost'), stripe._jsonb(s.r -> 'shipping_details'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'tax_details'), stripe._jsonb(s.r -> 'total_details'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('order', 'orders', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_payment_attempt_records"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_attempt_records" AS t ("id", "amount", "amount_authorized", "amount_canceled", "amount_failed", "amount_guaranteed", "amount_refunded", "amount_requested", "application", "created", "customer_details", "customer_presence", "description", "livemode", "metadata", "object", "payment_method_details", "payment_record", "processor_details", "reported_by", "shipping_details", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'amount'), stripe._jsonb(s.r -> 'amount_authorized'), stripe._jsonb(s.r -> 'amount_canceled'), stripe._jsonb(s.r -> 'amount_failed'), stripe._jsonb(s.r -> 'amount_guaranteed'), stripe._jsonb(s.r -> 'amount_refunded'), stripe._jsonb(s.r -> 'amount_requested'), CASE jsonb_typeof(s.r -> 'application') WHEN 'string' THEN s.r ->> 'application' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'customer_details'), CASE jsonb_typeof(s.r -> 'customer_presence') WHEN 'string' THEN s.r ->> 'customer_presence' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'payment_method_details'), CASE jsonb_typeof(s.r -> 'payment_record') WHEN 'string' THEN s.r ->> 'payment_record' END, stripe._jsonb(s.r -> 'processor_details'), CASE jsonb_typeof(s.r -> 'reported_by') WHEN 'string' THEN s.r ->> 'reported_by' END, stripe._jsonb(s.r -> 'shipping_details'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "amount_authorized" = EXCLUDED."amount_authorized", "amount_canceled" = EXCLUDED."amount_canceled", "amount_failed" = EXCLUDED."amount_failed", "amount_guaranteed" = EXCLUDED."amount_guaranteed", "amount_refunded" = EXCLUDED."amount_refunded", "amount_requested" = EXCLUDED."amount_requested", "application" = EXCLUDED."application", "created" = EXCLUDED."created", "customer_details" = EXCLUDED."customer_details", "customer_presence" = EXCLUDED."customer_presence", "description" = EXCLUDED."description", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "payment_method_details" = EXCLUDED."payment_method_details", "payment_record" = EXCLUDED."payment_record", "processor_details" = EXCLUDED."processor_details", "reported_by" = EXCLUDED."reported_by", "shipping_details" = EXCLUDED."shipping_details", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_payment_attempt_records"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_attempt_records" AS t ("id", "amount", "amount_authorized", "amount_canceled", "amount_failed", "amount_guaranteed", "amount_refunded", "amount_requested", "application", "created", "customer_details", "customer_presence", "description", "livemode", "metadata", "object", "payment_method_details", "payment_record", "processor_details", "reported_by", "shipping_details", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'amount'), stripe._jsonb(s.r -> 'amount_authorized'), stripe._jsonb(s.r -> 'amount_canceled'), stripe._jsonb(s.r -> 'amount_failed'), stripe._jsonb(s.r -> 'amount_guaranteed'), stripe._jsonb(s.r -> 'amount_refunded'), stripe._jsonb(s.r -> 'amount_requested'), CASE jsonb_typeof(s.r -> 'application') WHEN 'string' THEN s.r ->> 'application' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'customer_details'), CASE jsonb_typeof(s.r -> 'customer_presence') WHEN 'string' THEN s.r ->> 'customer_presence' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'payment_method_details'), CASE jsonb_typeof(s.r -> 'payment_record') WHEN 'string' THEN s.r ->> 'payment_record' END, stripe._jsonb(s.r -> 'processor_details'), CASE jsonb_typeof(s.r -> 'reported_by') WHEN 'string' THEN s.r ->> 'reported_by' END, stripe._jsonb(s.r -> 'shipping_details'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('payment_attempt_record', 'payment_attempt_records', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_payment_intents"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_intents" AS t ("id", "amount", "amount_capturable", "amount_details", "amount_received", "application", "application_fee_amount", "automatic_payment_methods", "canceled_at", "cancellation_reason", "capture_method", "charges", "client_secret", "confirmation_method", "created", "currency", "customer", "customer_account", "description", "excluded_payment_method_types", "hooks", "invoice", "last_payment_error", "latest_charge", "livemode", "managed_payments", "metadata", "next_action", "object", "on_behalf_of", "payment_details", "payment_method", "payment_method_configuration_details", "payment_method_options", "payment_method_types", "presentment_details", "processing", "receipt_email", "review", "setup_future_usage", "shipping", "statement_descriptor", "statement_descriptor_suffix", "status", "transfer_data", "transfer_group", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_capturable'), stripe._jsonb(s.r -> 'amount_details'), stripe._bigint(s.r -> 'amount_received'), stripe._ref_id(s.r -> 'application'), stripe._bigint(s.r -> 'application_fee_amount'), stripe._jsonb(s.r -> 'automatic_payment_methods'), stripe._timestamp(s.r -> 'canceled_at'), CASE jsonb_typeof(s.r -> 'cancellation_reason') WHEN 'string' THEN s.r ->> 'cancellation_reason' END, CASE jsonb_typeof(s.r -> 'capture_method') WHEN 'string' THEN s.r ->> 'capture_method' END, stripe._jsonb(s.r -> 'charges'), CASE jsonb_typeof(s.r -> 'client_secret') WHEN 'string' THEN s.r ->> 'client_secret' END, CASE jsonb_typeof(s.r -> 'confirmation_method') WHEN 'string' THEN s.r ->> 'confirmation_method' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'excluded_payment_method_types'), stripe._jsonb(s.r -> 'hooks'), stripe._ref_id(s.r -> 'invoice'), stripe._jsonb(s.r -> 'last_payment_error'), stripe._ref_id(s.r -> 'latest_charge'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'managed_payments'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'next_action'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._jsonb(s.r -> 'payment_details'), stripe._ref_id(s.r -> 'payment_method'), stripe._jsonb(s.r -> 'payment_method_configuration_details'), stripe._jsonb(s.r -> 'payment_method_options'), stripe._jsonb(s.r -> 'payment_method_types'), stripe._jsonb(s.r -> 'presentment_details'), stripe._jsonb(s.r -> 'processing'), CASE jsonb_typeof(s.r -> 'receipt_email') WHEN 'string' THEN s.r ->> 'receipt_email' END, stripe._ref_id(s.r -> 'review'), CASE jsonb_typeof(s.r -> 'setup_future_usage') WHEN 'string' THEN s.r ->> 'setup_future_usage' END, stripe._jsonb(s.r -> 'shipping'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'statement_descriptor_suffix') WHEN 'string' THEN s.r ->> 'statement_descriptor_suffix' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'transfer_data'), CASE jsonb_typeof(s.r -> 'transfer_group') WHEN 'string' THEN s.r ->> 'transfer_group' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "amount_capturable" = EXCLUDED."amount_capturable", "amount_details" = EXCLUDED."amount_details", "amount_received" = EXCLUDED."amount_received", "application" = EXCLUDED."application", "application_fee_amount" = EXCLUDED."application_fee_amount", "automatic_payment_methods" = EXCLUDED."automatic_payment_methods", "canceled_at" = EXCLUDED."canceled_at", "cancellation_reason" = EXCLUDED."cancellation_reason", "capture_method" = EXCLUDED."capture_method", "charges" = EXCLUDED."charges", "client_secret" = EXCLUDED."client_secret", "confirmation_method" = EXCLUDED."confirmation_method", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "description" = EXCLUDED."description", "excluded_payment_method_types" = EXCLUDED."excluded_payment_method_types", "hooks" = EXCLUDED."hooks", "invoice" = EXCLUDED."invoice", "last_payment_error" = EXCLUDED."last_payment_error", "latest_charge" = EXCLUDED."latest_charge", "livemode" = EXCLUDED."livemode", "managed_payments" = EXCLUDED."managed_payments", "metadata" = EXCLUDED."metadata", "next_action" = EXCLUDED."next_action", "object" = EXCLUDED."object", "on_behalf_of" = EXCLUDED."on_behalf_of", "payment_details" = EXCLUDED."payment_details", "payment_method" = EXCLUDED."payment_method", "payment_method_configuration_details" = EXCLUDED."payment_method_configuration_details", "payment_method_options" = EXCLUDED."payment_method_options", "payment_method_types" = EXCLUDED."payment_method_types", "presentment_details" = EXCLUDED."presentment_details", "processing" = EXCLUDED."processing", "receipt_email" = EXCLUDED."receipt_email", "review" = EXCLUDED."review", "setup_future_usage" = EXCLUDED."setup_future_usage", "shipping" = EXCLUDED."shipping", "statement_descriptor" = EXCLUDED."statement_descriptor", "statement_descriptor_suffix" = EXCLUDED."statement_descriptor_suffix", "status" = EXCLUDED."status", "transfer_data" = EXCLUDED."transfer_data", "transfer_group" = EXCLUDED."transfer_group", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_payment_intents"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_intents" AS t ("id", "amount", "amount_capturable", "amount_details", "amount_received", "application", "application_fee_amount", "automatic_payment_methods", "canceled_at", "cancellation_reason", "capture_method", "charges", "client_secret", "confirmation_method", "created", "currency", "customer", "customer_account", "description", "excluded_payment_method_types", "hooks", "invoice", "last_payment_error", "latest_charge", "livemode", "managed_payments", "metadata", "next_action", "object", "on_behalf_of", "payment_details", "payment_method", "payment_method_configuration_details", "payment_method_options", "payment_method_types", "presentment_details", "processing", "receipt_email", "review", "setup_future_usage", "shipping", "statement_descriptor", "statement_descriptor_suffix", "status", "transfer_data", "transfer_group", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_capturable'), stripe._jsonb(s.r -> 'amount_details'), stripe._bigint(s.r -> 'amount_received'), stripe._ref_id(s.r -> 'application'), stripe._bigint(s.r -> 'application_fee_amount'), stripe._jsonb(s.r -> 'automatic_payment_methods'), stripe._timestamp(s.r -> 'canceled_at'), CASE jsonb_typeof(s.r -> 'cancellation_reason') WHEN 'string' THEN s.r ->> 'cancellation_reason' END, CASE jsonb_typeof(s.r -> 'capture_method') WHEN 'string' THEN s.r ->> 'capture_method' END, stripe._jsonb(s.r -> 'charges'), CASE jsonb_typeof(s.r -> 'client_secret') WHEN 'string' THEN s.r ->> 'client_secret' END, CASE jsonb_typeof(s.r -> 'confirmation_method') WHEN 'string' THEN s.r ->> 'confirmation_method' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'excluded_payment_method_types'), stripe._jsonb(s.r -> 'hooks'), stripe._ref_id(s.r -> 'invoice'), stripe._jsonb(s.r -> 'last_payment_error'), stripe._ref_id(s.r -> 'latest_charge'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'managed_payments'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'next_action'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._jsonb(s.r -> 'payment_details'), stripe._ref_id(s.r -> 'payment_method'), stripe._jsonb(s.r -> 'payment_method_configuration_details'), stripe._jsonb(s.r -> 'payment_method_options'), stripe._jsonb(s.r -> 'payment_method_types'), stripe._jsonb(s.r -> 'presentment_details'), stripe._jsonb(s.r -> 'processing'), CASE jsonb_typeof(s.r -> 'receipt_email') WHEN 'string' THEN s.r ->> 'receipt_email' END, stripe._ref_id(s.r -> 'review'), CASE jsonb_typeof(s.r -> 'setup_future_usage') WHEN 'string' THEN s.r ->> 'setup_future_usage' END, stripe._jsonb(s.r -> 'shipping'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'statement_descriptor_suffix') WHEN 'string' THEN s.r ->> 'statement_descriptor_suffix' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'transfer_data'), CASE jsonb_typeof(s.r -> 'transfer_group') WHEN 'string' THEN s.r ->> 'transfer_group' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('payment_intent', 'payment_intents', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_payment_intent_amount_details_line_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_intent_amount_details_line_items" AS t ("id", "discount_amount", "object", "payment_method_options", "product_code", "product_name", "quantity", "tax", "unit_cost", "unit_of_measure", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'discount_amount'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'payment_method_options'), CASE jsonb_typeof(s.r -> 'product_code') WHEN 'string' THEN s.r ->> 'product_code' END, CASE jsonb_typeof(s.r -> 'product_name') WHEN 'string' THEN s.r ->> 'product_name' END, stripe._bigint(s.r -> 'quantity'), stripe._jsonb(s.r -> 'tax'), stripe._bigint(s.r -> 'unit_cost'), CASE jsonb_typeof(s.r -> 'unit_of_measure') WHEN 'string' THEN s.r ->> 'unit_of_measure' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "discount_amount" = EXCLUDED."discount_amount", "object" = EXCLUDED."object", "payment_method_options" = EXCLUDED."payment_method_options", "product_code" = EXCLUDED."product_code", "product_name" = EXCLUDED."product_name", "quantity" = EXCLUDED."quantity", "tax" = EXCLUDED."tax", "unit_cost" = EXCLUDED."unit_cost", "unit_of_measure" = EXCLUDED."unit_of_measure", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_payment_intent_amount_details_line_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_intent_amount_details_line_items" AS t ("id", "discount_amount", "object", "payment_method_options", "product_code", "product_name", "quantity", "tax", "unit_cost", "unit_of_measure", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'discount_amount'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'payment_method_options'), CASE jsonb_typeof(s.r -> 'product_code') WHEN 'string' THEN s.r ->> 'product_code' END, CASE jsonb_typeof(s.r -> 'product_name') WHEN 'string' THEN s.r ->> 'product_name' END, stripe._bigint(s.r -> 'quantity'), stripe._jsonb(s.r -> 'tax'), stripe._bigint(s.r -> 'unit_cost'), CASE jsonb_typeof(s.r -> 'unit_of_measure') WHEN 'string' THEN s.r ->> 'unit_of_measure' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('payment_intent_amount_details_line_item', 'payment_intent_amount_details_line_items', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_payment_links"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_links" AS t ("id", "active", "after_completion", "allow_promotion_codes", "application", "application_fee_amount", "application_fee_percent", "automatic_tax", "billing_address_collection", "consent_collection", "currency", "custom_fields", "custom_text", "customer_creation", "inactive_message", "invoice_creation", "line_items", "livemode", "managed_payments", "metadata", "name_collection", "object", "on_behalf_of", "optional_items", "payment_intent_data", "payment_method_collection", "payment_method_types", "phone_number_collection", "restrictions", "shipping_address_collection", "shipping_options", "submit_type", "subscription_data", "tax_id_collection", "transfer_data", "url", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._jsonb(s.r -> 'after_completion'), stripe._boolean(s.r -> 'allow_promotion_codes'), stripe._ref_id(s.r -> 'application'), stripe._bigint(s.r -> 'application_fee_amount'), stripe._numeric(s.r -> 'application_fee_percent'), stripe._jsonb(s.r -> 'automatic_tax'), CASE jsonb_typeof(s.r -> 'billing_address_collection') WHEN 'string' THEN s.r ->> 'billing_address_collection' END, stripe._jsonb(s.r -> 'consent_collection'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'custom_fields'), stripe._jsonb(s.r -> 'custom_text'), CASE jsonb_typeof(s.r -> 'customer_creation') WHEN 'string' THEN s.r ->> 'customer_creation' END, CASE jsonb_typeof(s.r -> 'inactive_message') WHEN 'string' THEN s.r ->> 'inactive_message' END, stripe._jsonb(s.r -> 'invoice_creation'), stripe._jsonb(s.r -> 'line_items'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'managed_payments'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'name_collection'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._jsonb(s.r -> 'optional_items'), stripe._jsonb(s.r -> 'payment_intent_data'), CASE jsonb_typeof(s.r -> 'payment_method_collection') WHEN 'string' THEN s.r ->> 'payment_method_collection' END, stripe._jsonb(s.r -> 'payment_method_types'), stripe._jsonb(s.r -> 'phone_number_collection'), stripe._jsonb(s.r -> 'restrictions'), stripe._jsonb(s.r -> 'shipping_address_collection'), stripe._jsonb(s.r -> 'shipping_options'), CASE jsonb_typeof(s.r -> 'submit_type') WHEN 'string' THEN s.r ->> 'submit_type' END, stripe._jsonb(s.r -> 'subscription_data'), stripe._jsonb(s.r -> 'tax_id_collection'), stripe._jsonb(s.r -> 'transfer_data'), CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active" = EXCLUDED."active", "after_completion" = EXCLUDED."after_completion", "allow_promotion_codes" = EXCLUDED."allow_promotion_codes", "application" = EXCLUDED."application", "application_fee_amount" = EXCLUDED."application_fee_amount", "application_fee_percent" = EXCLUDED."application_fee_percent", "automatic_tax" = EXCLUDED."automatic_tax", "billing_address_collection" = EXCLUDED."billing_address_collection", "consent_collection" = EXCLUDED."consent_collection", "currency" = EXCLUDED."currency", "custom_fields" = EXCLUDED."custom_fields", "custom_text" = EXCLUDED."custom_text", "customer_creation" = EXCLUDED."customer_creation", "inactive_message" = EXCLUDED."inactive_message", "invoice_creation" = EXCLUDED."invoice_creation", "line_items" = EXCLUDED."line_items", "livemode" = EXCLUDED."livemode", "managed_payments" = EXCLUDED."managed_payments", "metadata" = EXCLUDED."metadata", "name_collection" = EXCLUDED."name_collection", "object" = EXCLUDED."object", "on_behalf_of" = EXCLUDED."on_behalf_of", "optional_items" = EXCLUDED."optional_items", "payment_intent_data" = EXCLUDED."payment_intent_data", "payment_method_collection" = EXCLUDED."payment_method_collection", "payment_method_types" = EXCLUDED."payment_method_types", "phone_number_collection" = EXCLUDED."phone_number_collection", "restrictions" = EXCLUDED."restrictions", "shipping_address_collection" = EXCLUDED."shipping_address_collection", "shipping_options" = EXCLUDED."shipping_options", "submit_type" = EXCLUDED."submit_type", "subscription_data" = EXCLUDED."subscription_data", "tax_id_collection" = EXCLUDED."tax_id_collection", "transfer_data" = EXCLUDED."transfer_data", "url" = EXCLUDED."url", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_payment_links"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_links" AS t ("id", "active", "after_completion", "allow_promotion_codes", "application", "application_fee_amount", "application_fee_percent", "automatic_tax", "billing_address_collection", "consent_collection", "currency", "custom_fields", "custom_text", "customer_creation", "inactive_message", "invoice_creation", "line_items", "livemode", "managed_payments", "metadata", "name_collection", "object", "on_behalf_of", "optional_items", "payment_intent_data", "payment_method_collection", "payment_method_types", "phone_number_collection", "restrictions", "shipping_address_collection", "shipping_options", "submit_type", "subscription_data", "tax_id_collection", "transfer_data", "url", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._jsonb(s.r -> 'after_completion'), stripe._boolean(s.r -> 'allow_promotion_codes'), stripe._ref_id(s.r -> 'application'), stripe._bigint(s.r -> 'application_fee_amount'), stripe._numeric(s.r -> 'application_fee_percent'), stripe._jsonb(s.r -> 'automatic_tax'), CASE jsonb_typeof(s.r -> 'billing_address_collection') WHEN 'string' THEN s.r ->> 'billing_address_collection' END, stripe._jsonb(s.r -> 'consent_collection'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'custom_fields'), stripe._jsonb(s.r -> 'custom_text'), CASE jsonb_typeof(s.r -> 'customer_creation') WHEN 'string' THEN s.r ->> 'customer_creation' END, CASE jsonb_typeof(s.r -> 'inactive_message') WHEN 'string' THEN s.r ->> 'inactive_message' END, stripe._jsonb(s.r -> 'invoice_creation'), stripe._jsonb(s.r -> 'line_items'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'managed_payments'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'name_collection'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._jsonb(s.r -> 'optional_items'), stripe._jsonb(s.r -> 'payment_intent_data'), CASE jsonb_typeof(s.r -> 'payment_method_collection') WHEN 'string' THEN s.r ->> 'payment_method_collection' END, stripe._jsonb(s.r -> 'payment_method_types'), stripe._jsonb(s.r -> 'phone_number_collection'), stripe._jsonb(s.r -> 'restrictions'), stripe._jsonb(s.r -> 'shipping_address_collection'), stripe._jsonb(s.r -> 'shipping_options'), CASE jsonb_typeof(s.r -> 'submit_type') WHEN 'string' THEN s.r ->> 'submit_type' END, stripe._jsonb(s.r -> 'subscription_data'), stripe._jsonb(s.r -> 'tax_id_collection'), stripe._jsonb(s.r -> 'transfer_data'), CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('payment_link', 'payment_links', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_payment_methods"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_methods" AS t ("id", "acss_debit", "affirm", "afterpay_clearpay", "alipay", "allow_redisplay", "alma", "amazon_pay", "au_becs_debit", "bacs_debit", "bancontact", "billie", "billing_details", "blik", "boleto", "card", "card_present", "cashapp", "created", "crypto", "custom", "customer", "customer_account", "customer_balance", "eps", "fpx", "giropay", "grabpay", "ideal", "interac_present", "kakao_pay", "klarna", "konbini", "kr_card", "link", "livemode", "mb_way", "metadata", "mobilepay", "multibanco", "naver_pay", "nz_bank_account", "object", "oxxo", "p24", "pay_by_bank", "payco", "paynow", "paypal", "payto", "pix", "promptpay", "radar_options", "revolut_pay", "samsung_pay", "satispay", "sepa_debit", "sofort", "sunbit", "swish", "twint", "type", "upi", "us_bank_account", "wechat_pay", "zip", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'acss_debit'), stripe._jsonb(s.r -> 'affirm'), stripe._jsonb(s.r -> 'afterpay_clearpay'), stripe._jsonb(s.r -> 'alipay'), CASE jsonb_typeof(s.r -> 'allow_redisplay') WHEN 'string' THEN s.r ->> 'allow_redisplay' END, stripe._jsonb(s.r -> 'alma'), stripe._jsonb(s.r -> 'amazon_pay'), stripe._jsonb(s.r -> 'au_becs_debit'), stripe._jsonb(s.r -> 'bacs_debit'), stripe._jsonb(s.r -> 'bancontact'), stripe._jsonb(s.r -> 'billie'), stripe._jsonb(s.r -> 'billing_details'), stripe._jsonb(s.r -> 'blik'), stripe._jsonb(s.r -> 'boleto'), stripe._jsonb(s.r -> 'card'), stripe._jsonb(s.r -> 'card_present'), stripe._jsonb(s.r -> 'cashapp'), stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'crypto'), stripe._jsonb(s.r -> 'custom'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._jsonb(s.r -> 'customer_balance'), stripe._jsonb(s.r -> 'eps'), stripe._jsonb(s.r -> 'fpx'), stripe._jsonb(s.r -> 'giropay'), stripe._jsonb(s.r -> 'grabpay'), stripe._jsonb(s.r -> 'ideal'), stripe._jsonb(s.r -> 'interac_present'), stripe._jsonb(s.r -> 'kakao_pay'), stripe._jsonb(s.r -> 'klarna'), stripe._jsonb(s.r -> 'konbini'), stripe._jsonb(s.r -> 'kr_card'), stripe._jsonb(s.r -> 'link'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'mb_way'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'mobilepay'), stripe._jsonb(s.r -> 'multibanco'), stripe._jsonb(s.r -> 'naver_pay'), stripe._jsonb(s.r -> 'nz_bank_account'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'oxxo'), stripe._jsonb(s.r -> 'p24'), stripe._jsonb(s.r -> 'pay_by_bank'), stripe._jsonb(s.r -> 'payco'), stripe._jsonb(s.r -> 'paynow'), stripe._jsonb(s.r -> 'paypal'), stripe._jsonb(s.r -> 'payto'), stripe._jsonb(s.r -> 'pix'), stripe._jsonb(s.r -> 'promptpay'), stripe._jsonb(s.r -> 'radar_options'), stripe._jsonb(s.r -> 'revolut_pay'), stripe._jsonb(s.r -> 'samsung_pay'), stripe._jsonb(s.r -> 'satispay'), stripe._jsonb(s.r -> 'sepa_debit'), stripe._jsonb(s.r -> 'sofort'), stripe._jsonb(s.r -> 'sunbit'), stripe._jsonb(s.r -> 'swish'), stripe._jsonb(s.r -> 'twint'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, stripe._jsonb(s.r -> 'upi'), stripe._jsonb(s.r -> 'us_bank_account'), stripe._jsonb(s.r -> 'wechat_pay'), stripe._jsonb(s.r -> 'zip'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "acss_debit" = EXCLUDED."acss_debit", "affirm" = EXCLUDED."affirm", "afterpay_clearpay" = EXCLUDED."afterpay_clearpay", "alipay" = EXCLUDED."alipay", "allow_redisplay" = EXCLUDED."allow_redisplay", "alma" = EXCLUDED."alma", "amazon_pay" = EXCLUDED."amazon_pay", "au_becs_debit" = EXCLUDED."au_becs_debit", "bacs_debit" = EXCLUDED."bacs_debit", "bancontact" = EXCLUDED."bancontact", "billie" = EXCLUDED."billie", "billing_details" = EXCLUDED."billing_details", "blik" = EXCLUDED."blik", "boleto" = EXCLUDED."boleto", "card" = EXCLUDED."card", "card_present" = EXCLUDED."card_present", "cashapp" = EXCLUDED."cashapp", "created" = EXCLUDED."created", "crypto" = EXCLUDED."crypto", "custom" = EXCLUDED."custom", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "customer_balance" = EXCLUDED."customer_balance", "eps" = EXCLUDED."eps", "fpx" = EXCLUDED."fpx", "giropay" = EXCLUDED."giropay", "grabpay" = EXCLUDED."grabpay", "ideal" = EXCLUDED."ideal", "interac_present" = EXCLUDED."interac_present", "kakao_pay" = EXCLUDED."kakao_pay", "klarna" = EXCLUDED."klarna", "konbini" = EXCLUDED."konbini", "kr_card" = EXCLUDED."kr_card", "link" = EXCLUDED."link", "livemode" = EXCLUDED."livemode", "mb_way" = EXCLUDED."mb_way", "metadata" = EXCLUDED."metadata", "mobilepay" = EXCLUDED."mobilepay", "multibanco" = EXCLUDED."multibanco", "naver_pay" = EXCLUDED."naver_pay", "nz_bank_account" = EXCLUDED."nz_bank_account", "object" = EXCLUDED."object", "oxxo" = EXCLUDED."oxxo", "p24" = EXCLUDED."p24", "pay_by_bank" = EXCLUDED."pay_by_bank", "payco" = EXCLUDED."payco", "paynow" = EXCLUDED."paynow", "paypal" = EXCLUDED."paypal", "payto" = EXCLUDED."payto", "pix" = EXCLUDED."pix", "promptpay" = EXCLUDED."promptpay", "radar_options" = EXCLUDED."radar_options", "revolut_pay" = EXCLUDED."revolut_pay", "samsung_pay" = EXCLUDED."samsung_pay", "satispay" = EXCLUDED."satispay", "sepa_debit" = EXCLUDED."sepa_debit", "sofort" = EXCLUDED."sofort", "sunbit" = EXCLUDED."sunbit", "swish" = EXCLUDED."swish", "twint" = EXCLUDED."twint", "type" = EXCLUDED."type", "upi" = EXCLUDED."upi", "us_bank_account" = EXCLUDED."us_bank_account", "wechat_pay" = EXCLUDED."wechat_pay", "zip" = EXCLUDED."zip", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_payment_methods"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_methods" AS t ("id", "acss_debit", "affirm", "afterpay_clearpay", "alipay", "allow_redisplay", "alma", "amazon_pay", "au_becs_debit", "bacs_debit", "bancontact", "billie", "billing_details", "blik", "boleto", "card", "card_present", "cashapp", "created", "crypto", "custom", "customer", "customer_account", "customer_balance", "eps", "fpx", "giropay", "grabpay", "ideal", "interac_present", "kakao_pay", "klarna", "konbini", "kr_card", "link", "livemode", "mb_way", "metadata", "mobilepay", "multibanco", "naver_pay", "nz_bank_account", "object", "oxxo", "p24", "pay_by_bank", "payco", "paynow", "paypal", "payto", "pix", "promptpay", "radar_options", "revolut_pay", "samsung_pay", "satispay", "sepa_debit", "sofort", "sunbit", "swish", "twint", "type", "upi", "us_bank_account", "wechat_pay", "zip", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'acss_debit'), stripe._jsonb(s.r -> 'affirm'), stripe._jsonb(s.r -> 'afterpay_clearpay'), stripe._jsonb(s.r -> 'alipay'), CASE jsonb_typeof(s.r -> 'allow_redisplay') WHEN 'string' THEN s.r ->> 'allow_redisplay' END, stripe._jsonb(s.r -> 'alma'), stripe._jsonb(s.r -> 'amazon_pay'), stripe._jsonb(s.r -> 'au_becs_debit'), stripe._jsonb(s.r -> 'bacs_debit'), stripe._jsonb(s.r -> 'bancontact'), stripe._jsonb(s.r -> 'billie'), stripe._jsonb(s.r -> 'billing_details'), stripe._jsonb(s.r -> 'blik'), stripe._jsonb(s.r -> 'boleto'), stripe._jsonb(s.r -> 'card'), stripe._jsonb(s.r -> 'card_present'), stripe._jsonb(s.r -> 'cashapp'), stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'crypto'), stripe._jsonb(s.r -> 'custom'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._jsonb(s.r -> 'customer_balance'), stripe._jsonb(s.r -> 'eps'), stripe._jsonb(s.r -> 'fpx'), stripe._jsonb(s.r -> 'giropay'), stripe._jsonb(s.r -> 'grabpay'), stripe._jsonb(s.r -> 'ideal'), stripe._jsonb(s.r -> 'interac_present'), stripe._jsonb(s.r -> 'kakao_pay'), stripe._jsonb(s.r -> 'klarna'), stripe._jsonb(s.r -> 'konbini'), stripe._jsonb(s.r -> 'kr_card'), stripe._jsonb(s.r -> 'link'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'mb_way'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'mobilepay'), stripe._jsonb(s.r -> 'multibanco'), stripe._jsonb(s.r -> 'naver_pay'), stripe._jsonb(s.r -> 'nz_bank_account'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'oxxo'), stripe._jsonb(s.r -> 'p24'), stripe._jsonb(s.r -> 'pay_by_bank'), stripe._jsonb(s.r -> 'payco'), stripe._jsonb(s.r -> 'paynow'), stripe._jsonb(s.r -> 'paypal'), stripe._jsonb(s.r -> 'payto'), stripe._jsonb(s.r -> 'pix'), stripe._jsonb(s.r -> 'promptpay'), stripe._jsonb(s.r -> 'radar_options'), stripe._jsonb(s.r -> 'revolut_pay'), stripe._jsonb(s.r -> 'samsung_pay'), stripe._jsonb(s.r -> 'satispay'), stripe._jsonb(s.r -> 'sepa_debit'), stripe._jsonb(s.r -> 'sofort'), stripe._jsonb(s.r -> 'sunbit'), stripe._jsonb(s.r -> 'swish'), stripe._jsonb(s.r -> 'twint'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, stripe._jsonb(s.r -> 'upi'), stripe._jsonb(s.r -> 'us_bank_account'), stripe._jsonb(s.r -> 'wechat_pay'), stripe._jsonb(s.r -> 'zip'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('payment_method', 'payment_methods', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_payment_method_configurations"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_method_configurations" AS t ("id", "acss_debit", "active", "affirm", "afterpay_clearpay", "alipay", "alma", "amazon_pay", "apple_pay", "application", "au_becs_debit", "bacs_debit", "bancontact", "billie", "blik", "boleto", "card", "cartes_bancaires", "cashapp", "crypto", "customer_balance", "eps", "fpx", "giropay", "google_pay", "grabpay", "ideal", "is_default", "jcb", "kakao_pay", "klarna", "konbini", "kr_card", "link", "livemode", "mb_way", "mobilepay", "multibanco", "name", "naver_pay", "nz_bank_account", "object", "oxxo", "p24", "parent", "pay_by_bank", "payco", "paynow", "paypal", "payto", "pix", "promptpay", "revolut_pay", "samsung_pay", "satispay", "sepa_debit", "sofort", "sunbit", "swish", "twint", "upi", "us_bank_account", "wechat_pay", "zip", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'acss_debit'), stripe._boolean(s.r -> 'active'), stripe._jsonb(s.r -> 'affirm'), stripe._jsonb(s.r -> 'afterpay_clearpay'), stripe._jsonb(s.r -> 'alipay'), stripe._jsonb(s.r -> 'alma'), stripe._jsonb(s.r -> 'amazon_pay'), stripe._jsonb(s.r -> 'apple_pay'), CASE jsonb_typeof(s.r -> 'application') WHEN 'string' THEN s.r ->> 'application' END, stripe._jsonb(s.r -> 'au_becs_debit'), stripe._jsonb(s.r -> 'bacs_debit'), stripe._jsonb(s.r -> 'bancontact'), stripe._jsonb(s.r -> 'billie'), stripe._jsonb(s.r -> 'blik'), stripe._jsonb(s.r -> 'boleto'), stripe._jsonb(s.r -> 'card'), stripe._jsonb(s.r -> 'cartes_bancaires'), stripe._jsonb(s.r -> 'cashapp'), stripe._jsonb(s.r -> 'crypto'), stripe._jsonb(s.r -> 'customer_balance'), stripe._jsonb(s.r -> 'eps'), stripe._jsonb(s.r -> 'fpx'), stripe._jsonb(s.r -> 'giropay'), stripe._jsonb(s.r -> 'google_pay'), stripe._jsonb(s.r -> 'grabpay'), stripe._jsonb(s.r -> 'ideal'), stripe._boolean(s.r -> 'is_default'), stripe._jsonb(s.r -> 'jcb'), stripe._jsonb(s.r -> 'kakao_pay'), stripe._jsonb(s.r -> 'klarna'), stripe._jsonb(s.r -> 'konbini'), stripe._jsonb(s.r -> 'kr_card'), stripe._jsonb(s.r -> 'link'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'mb_way'), stripe._jsonb(s.r -> 'mobilepay'), stripe._jsonb(s.r -> 'multibanco'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, stripe._jsonb(s.r -> 'naver_pay'), stripe._jsonb(s.r -> 'nz_bank_account'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'oxxo'), stripe._jsonb(s.r -> 'p24'), CASE jsonb_typeof(s.r -> 'parent') WHEN 'string' THEN s.r ->> 'parent' END, stripe._jsonb(s.r -> 'pay_by_bank'), stripe._jsonb(s.r -> 'payco'), stripe._jsonb(s.r -> 'paynow'), stripe._jsonb(s.r -> 'paypal'), stripe._jsonb(s.r -> 'payto'), stripe._jsonb(s.r -> 'pix'), stripe._jsonb(s.r -> 'promptpay'), stripe._jsonb(s.r -> 'revolut_pay'), stripe._jsonb(s.r -> 'samsung_pay'), stripe._jsonb(s.r -> 'satispay'), stripe._jsonb(s.r -> 'sepa_debit'), stripe._jsonb(s.r -> 'sofort'), stripe._jsonb(s.r -> 'sunbit'), stripe._jsonb(s.r -> 'swish'), stripe._jsonb(s.r -> 'twint'), stripe._jsonb(s.r -> 'upi'), stripe._jsonb(s.r -> 'us_bank_account'), stripe._jsonb(s.r -> 'wechat_pay'), stripe._jsonb(s.r -> 'zip'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "acss_debit" = EXCLUDED."acss_debit", "active" = EXCLUDED."active", "affirm" = EXCLUDED."affirm", "afterpay_clearpay" = EXCLUDED."afterpay_clearpay", "alipay" = EXCLUDED."alipay", "alma" = EXCLUDED."alma", "amazon_pay" = EXCLUDED."amazon_pay", "apple_pay" = EXCLUDED."apple_pay", "application" = EXCLUDED."application", "au_becs_debit" = EXCLUDED."au_becs_debit", "bacs_debit" = EXCLUDED."bacs_debit", "bancontact" = EXCLUDED."bancontact", "billie" = EXCLUDED."billie", "blik" = EXCLUDED."blik", "boleto" = EXCLUDED."boleto", "card" = EXCLUDED."card", "cartes_bancaires" = EXCLUDED."cartes_bancaires", "cashapp" = EXCLUDED."cashapp", "crypto" = EXCLUDED."crypto", "customer_balance" = EXCLUDED."customer_balance", "eps" = EXCLUDED."eps", "fpx" = EXCLUDED."fpx", "giropay" = EXCLUDED."giropay", "google_pay" = EXCLUDED."google_pay", "grabpay" = EXCLUDED."grabpay", "ideal" = EXCLUDED."ideal", "is_default" = EXCLUDED."is_default", "jcb" = EXCLUDED."jcb", "kakao_pay" = EXCLUDED."kakao_pay", "klarna" = EXCLUDED."klarna", "konbini" = EXCLUDED."konbini", "kr_card" = EXCLUDED."kr_card", "link" = EXCLUDED."link", "livemode" = EXCLUDED."livemode", "mb_way" = EXCLUDED."mb_way", "mobilepay" = EXCLUDED."mobilepay", "multibanco" = EXCLUDED."multibanco", "name" = EXCLUDED."name", "naver_pay" = EXCLUDED."naver_pay", "nz_bank_account" = EXCLUDED."nz_bank_account", "object" = EXCLUDED."object", "oxxo" = EXCLUDED."oxxo", "p24" = EXCLUDED."p24", "parent" = EXCLUDED."parent", "pay_by_bank" = EXCLUDED."pay_by_bank", "payco" = EXCLUDED."payco", "paynow" = EXCLUDED."paynow", "paypal" = EXCLUDED."paypal", "payto" = EXCLUDED."payto", "pix" = EXCLUDED."pix", "promptpay" = EXCLUDED."promptpay", "revolut_pay" = EXCLUDED."revolut_pay", "samsung_pay" = EXCLUDED."samsung_pay", "satispay" = EXCLUDED."satispay", "sepa_debit" = EXCLUDED."sepa_debit", "sofort" = EXCLUDED."sofort", "sunbit" = EXCLUDED."sunbit", "swish" = EXCLUDED."swish", "twint" = EXCLUDED."twint", "upi" = EXCLUDED."upi", "us_bank_account" = EXCLUDED."us_bank_account", "wechat_pay" = EXCLUDED."wechat_pay", "zip" = EXCLUDED."zip", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_payment_method_configurations"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_method_configurations" AS t ("id", "acss_debit", "active", "affirm", "afterpay_clearpay", "alipay", "alma", "amazon_pay", "apple_pay", "application", "au_becs_debit", "bacs_debit", "bancontact", "billie", "blik", "boleto", "card", "cartes_bancaires", "cashapp", "crypto", "customer_balance", "eps", "fpx", "giropay", "google_pay", "grabpay", "ideal", "is_default", "jcb", "kakao_pay", "klarna", "konbini", "kr_card", "link", "livemode", "mb_way", "mobilepay", "multibanco", "name", "naver_pay", "nz_bank_account", "object", "oxxo", "p24", "parent", "pay_by_bank", "payco", "paynow", "paypal", "payto", "pix", "promptpay", "revolut_pay", "samsung_pay", "satispay", "sepa_debit", "sofort", "sunbit", "swish", "twint", "upi", "us_bank_account", "wechat_pay", "zip", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'acss_debit'), stripe._boolean(s.r -> 'active'), stripe._jsonb(s.r -> 'affirm'), stripe._jsonb(s.r -> 'afterpay_clearpay'), stripe._jsonb(s.r -> 'alipay'), stripe._jsonb(s.r -> 'alma'), stripe._jsonb(s.r -> 'amazon_pay'), stripe._jsonb(s.r -> 'apple_pay'), CASE jsonb_typeof(s.r -> 'application') WHEN 'string' THEN s.r ->> 'application' END, stripe._jsonb(s.r -> 'au_becs_debit'), stripe._jsonb(s.r -> 'bacs_debit'), stripe._jsonb(s.r -> 'bancontact'), stripe._jsonb(s.r -> 'billie'), stripe._jsonb(s.r -> 'blik'), stripe._jsonb(s.r -> 'boleto'), stripe._jsonb(s.r -> 'card'), stripe._jsonb(s.r -> 'cartes_bancaires'), stripe._jsonb(s.r -> 'cashapp'), stripe._jsonb(s.r -> 'crypto'), stripe._jsonb(s.r -> 'customer_balance'), stripe._jsonb(s.r -> 'eps'), stripe._jsonb(s.r -> 'fpx'), stripe._jsonb(s.r -> 'giropay'), stripe._jsonb(s.r -> 'google_pay'), stripe._jsonb(s.r -> 'grabpay'), stripe._jsonb(s.r -> 'ideal'), stripe._boolean(s.r -> 'is_default'), stripe._jsonb(s.r -> 'jcb'), stripe._jsonb(s.r -> 'kakao_pay'), stripe._jsonb(s.r -> 'klarna'), stripe._jsonb(s.r -> 'konbini'), stripe._jsonb(s.r -> 'kr_card'), stripe._jsonb(s.r -> 'link'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'mb_way'), stripe._jsonb(s.r -> 'mobilepay'), stripe._jsonb(s.r -> 'multibanco'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, stripe._jsonb(s.r -> 'naver_pay'), stripe._jsonb(s.r -> 'nz_bank_account'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'oxxo'), stripe._jsonb(s.r -> 'p24'), CASE jsonb_typeof(s.r -> 'parent') WHEN 'string' THEN s.r ->> 'parent' END, stripe._jsonb(s.r -> 'pay_by_bank'), stripe._jsonb(s.r -> 'payco'), stripe._jsonb(s.r -> 'paynow'), stripe._jsonb(s.r -> 'paypal'), stripe._jsonb(s.r -> 'payto'), stripe._jsonb(s.r -> 'pix'), stripe._jsonb(s.r -> 'promptpay'), stripe._jsonb(s.r -> 'revolut_pay'), stripe._jsonb(s.r -> 'samsung_pay'), stripe._jsonb(s.r -> 'satispay'), stripe._jsonb(s.r -> 'sepa_debit'), stripe._jsonb(s.r -> 'sofort'), stripe._jsonb(s.r -> 'sunbit'), stripe._jsonb(s.r -> 'swish'), stripe._jsonb(s.r -> 'twint'), stripe._jsonb(s.r -> 'upi'), stripe._jsonb(s.r -> 'us_bank_account'), stripe._jsonb(s.r -> 'wechat_pay'), stripe._jsonb(s.r -> 'zip'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('payment_method_configuration', 'payment_method_configurations', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_payment_method_domains"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_method_domains" AS t ("id", "amazon_pay", "apple_pay", "created", "domain_name", "enabled", "google_pay", "klarna", "link", "livemode", "object", "paypal", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'amazon_pay'), stripe._jsonb(s.r -> 'apple_pay'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'domain_name') WHEN 'string' THEN s.r ->> 'domain_name' END, stripe._boolean(s.r -> 'enabled'), stripe._jsonb(s.r -> 'google_pay'), stripe._jsonb(s.r -> 'klarna'), stripe._jsonb(s.r -> 'link'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'paypal'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amazon_pay" = EXCLUDED."amazon_pay", "apple_pay" = EXCLUDED."apple_pay", "created" = EXCLUDED."created", "domain_name" = EXCLUDED."domain_name", "enabled" = EXCLUDED."enabled", "google_pay" = EXCLUDED."google_pay", "klarna" = EXCLUDED."klarna", "link" = EXCLUDED."link", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "paypal" = EXCLUDED."paypal", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_payment_method_domains"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payment_method_domains" AS t ("id", "amazon_pay", "apple_pay", "created", "domain_name", "enabled", "google_pay", "klarna", "link", "livemode", "object", "paypal", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'amazon_pay'), stripe._jsonb(s.r -> 'apple_pay'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'domain_name') WHEN 'string' THEN s.r ->> 'domain_name' END, stripe._boolean(s.r -> 'enabled'), stripe._jsonb(s.r -> 'google_pay'), stripe._jsonb(s.r -> 'klarna'), stripe._jsonb(s.r -> 'link'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'paypal'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('payment_method_domain', 'payment_method_domains', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_payouts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payouts" AS t ("id", "amount", "application_fee", "application_fee_amount", "arrival_date", "automatic", "balance_transaction", "created", "currency", "description", "destination", "failure_balance_transaction", "failure_code", "failure_message", "livemode", "metadata", "method", "object", "original_payout", "payout_method", "reconciliation_status", "reversed_by", "source_type", "statement_descriptor", "status", "trace_id", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._ref_id(s.r -> 'application_fee'), stripe._bigint(s.r -> 'application_fee_amount'), stripe._timestamp(s.r -> 'arrival_date'), stripe._boolean(s.r -> 'automatic'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._ref_id(s.r -> 'destination'), stripe._ref_id(s.r -> 'failure_balance_transaction'), CASE jsonb_typeof(s.r -> 'failure_code') WHEN 'string' THEN s.r ->> 'failure_code' END, CASE jsonb_typeof(s.r -> 'failure_message') WHEN 'string' THEN s.r ->> 'failure_message' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'method') WHEN 'string' THEN s.r ->> 'method' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'original_payout'), CASE jsonb_typeof(s.r -> 'payout_method') WHEN 'string' THEN s.r ->> 'payout_method' END, CASE jsonb_typeof(s.r -> 'reconciliation_status') WHEN 'string' THEN s.r ->> 'reconciliation_status' END, stripe._ref_id(s.r -> 'reversed_by'), CASE jsonb_typeof(s.r -> 'source_type') WHEN 'string' THEN s.r ->> 'source_type' END, CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'trace_id'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "application_fee" = EXCLUDED."application_fee", "application_fee_amount" = EXCLUDED."application_fee_amount", "arrival_date" = EXCLUDED."arrival_date", "automatic" = EXCLUDED."automatic", "balance_transaction" = EXCLUDED."balance_transaction", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "destination" = EXCLUDED."destination", "failure_balance_transaction" = EXCLUDED."failure_balance_transaction", "failure_code" = EXCLUDED."failure_code", "failure_message" = EXCLUDED."failure_message", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "method" = EXCLUDED."method", "object" = EXCLUDED."object", "original_payout" = EXCLUDED."original_payout", "payout_method" = EXCLUDED."payout_method", "reconciliation_status" = EXCLUDED."reconciliation_status", "reversed_by" = EXCLUDED."reversed_by", "source_type" = EXCLUDED."source_type", "statement_descriptor" = EXCLUDED."statement_descriptor", "status" = EXCLUDED."status", "trace_id" = EXCLUDED."trace_id", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_payouts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."payouts" AS t ("id", "amount", "application_fee", "application_fee_amount", "arrival_date", "automatic", "balance_transaction", "created", "currency", "description", "destination", "failure_balance_transaction", "failure_code", "failure_message", "livemode", "metadata", "method", "object", "original_payout", "payout_method", "reconciliation_status", "reversed_by", "source_type", "statement_descriptor", "status", "trace_id", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._ref_id(s.r -> 'application_fee'), stripe._bigint(s.r -> 'application_fee_amount'), stripe._timestamp(s.r -> 'arrival_date'), stripe._boolean(s.r -> 'automatic'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._ref_id(s.r -> 'destination'), stripe._ref_id(s.r -> 'failure_balance_transaction'), CASE jsonb_typeof(s.r -> 'failure_code') WHEN 'string' THEN s.r ->> 'failure_code' END, CASE jsonb_typeof(s.r -> 'failure_message') WHEN 'string' THEN s.r ->> 'failure_message' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'method') WHEN 'string' THEN s.r ->> 'method' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'original_payout'), CASE jsonb_typeof(s.r -> 'payout_method') WHEN 'string' THEN s.r ->> 'payout_method' END, CASE jsonb_typeof(s.r -> 'reconciliation_status') WHEN 'string' THEN s.r ->> 'reconciliation_status' END, stripe._ref_id(s.r -> 'reversed_by'), CASE jsonb_typeof(s.r -> 'source_type') WHEN 'string' THEN s.r ->> 'source_type' END, CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'trace_id'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('payout', 'payouts', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_persons"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."persons" AS t ("id", "account", "additional_tos_acceptances", "address", "address_kana", "address_kanji", "created", "dob", "email", "first_name", "first_name_kana", "first_name_kanji", "full_name_aliases", "future_requirements", "gender", "id_number_provided", "id_number_secondary_provided", "last_name", "last_name_kana", "last_name_kanji", "maiden_name", "metadata", "nationality", "object", "phone", "political_exposure", "registered_address", "relationship", "requirements", "ssn_last_4_provided", "us_cfpb_data", "verification", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'account') WHEN 'string' THEN s.r ->> 'account' END, stripe._jsonb(s.r -> 'additional_tos_acceptances'), stripe._jsonb(s.r -> 'address'), stripe._jsonb(s.r -> 'address_kana'), stripe._jsonb(s.r -> 'address_kanji'), stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'dob'), CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, CASE jsonb_typeof(s.r -> 'first_name') WHEN 'string' THEN s.r ->> 'first_name' END, CASE jsonb_typeof(s.r -> 'first_name_kana') WHEN 'string' THEN s.r ->> 'first_name_kana' END, CASE jsonb_typeof(s.r -> 'first_name_kanji') WHEN 'string' THEN s.r ->> 'first_name_kanji' END, stripe._jsonb(s.r -> 'full_name_aliases'), stripe._jsonb(s.r -> 'future_requirements'), CASE jsonb_typeof(s.r -> 'gender') WHEN 'string' THEN s.r ->> 'gender' END, stripe._boolean(s.r -> 'id_number_provided'), stripe._boolean(s.r -> 'id_number_secondary_provided'), CASE jsonb_typeof(s.r -> 'last_name') WHEN 'string' THEN s.r ->> 'last_name' END, CASE jsonb_typeof(s.r -> 'last_name_kana') WHEN 'string' THEN s.r ->> 'last_name_kana' END, CASE jsonb_typeof(s.r -> 'last_name_kanji') WHEN 'string' THEN s.r ->> 'last_name_kanji' END, CASE jsonb_typeof(s.r -> 'maiden_name') WHEN 'string' THEN s.r ->> 'maiden_name' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'nationality') WHEN 'string' THEN s.r ->> 'nationality' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'phone') WHEN 'string' THEN s.r ->> 'phone' END, CASE jsonb_typeof(s.r -> 'political_exposure') WHEN 'string' THEN s.r ->> 'political_exposure' END, stripe._jsonb(s.r -> 'registered_address'), stripe._jsonb(s.r -> 'relationship'), stripe._jsonb(s.r -> 'requirements'), stripe._boolean(s.r -> 'ssn_last_4_provided'), stripe._jsonb(s.r -> 'us_cfpb_data'), stripe._jsonb(s.r -> 'verification'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "account" = EXCLUDED."account", "additional_tos_acceptances" = EXCLUDED."additional_tos_acceptances", "address" = EXCLUDED."address", "address_kana" = EXCLUDED."address_kana", "address_kanji" = EXCLUDED."address_kanji", "created" = EXCLUDED."created", "dob" = EXCLUDED."dob", "email" = EXCLUDED."email", "first_name" = EXCLUDED."first_name", "first_name_kana" = EXCLUDED."first_name_kana", "first_name_kanji" = EXCLUDED."first_name_kanji", "full_name_aliases" = EXCLUDED."full_name_aliases", "future_requirements" = EXCLUDED."future_requirements", "gender" = EXCLUDED."gender", "id_number_provided" = EXCLUDED."id_number_provided", "id_number_secondary_provided" = EXCLUDED."id_number_secondary_provided", "last_name" = EXCLUDED."last_name", "last_name_kana" = EXCLUDED."last_name_kana", "last_name_kanji" = EXCLUDED."last_name_kanji", "maiden_name" = EXCLUDED."maiden_name", "metadata" = EXCLUDED."metadata", "nationality" = EXCLUDED."nationality", "object" = EXCLUDED."object", "phone" = EXCLUDED."phone", "political_exposure" = EXCLUDED."political_exposure", "registered_address" = EXCLUDED."registered_address", "relationship" = EXCLUDED."relationship", "requirements" = EXCLUDED."requirements", "ssn_last_4_provided" = EXCLUDED."ssn_last_4_provided", "us_cfpb_data" = EXCLUDED."us_cfpb_data", "verification" = EXCLUDED."verification", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_persons"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."persons" AS t ("id", "account", "additional_tos_acceptances", "address", "address_kana", "address_kanji", "created", "dob", "email", "first_name", "first_name_kana", "first_name_kanji", "full_name_aliases", "future_requirements", "gender", "id_number_provided", "id_number_secondary_provided", "last_name", "last_name_kana", "last_name_kanji", "maiden_name", "metadata", "nationality", "object", "phone", "political_exposure", "registered_address", "relationship", "requirements", "ssn_last_4_provided", "us_cfpb_data", "verification", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'account') WHEN 'string' THEN s.r ->> 'account' END, stripe._jsonb(s.r -> 'additional_tos_acceptances'), stripe._jsonb(s.r -> 'address'), stripe._jsonb(s.r -> 'address_kana'), stripe._jsonb(s.r -> 'address_kanji'), stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'dob'), CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, CASE jsonb_typeof(s.r -> 'first_name') WHEN 'string' THEN s.r ->> 'first_name' END, CASE jsonb_typeof(s.r -> 'first_name_kana') WHEN 'string' THEN s.r ->> 'first_name_kana' END, CASE jsonb_typeof(s.r -> 'first_name_kanji') WHEN 'string' THEN s.r ->> 'first_name_kanji' END, stripe._jsonb(s.r -> 'full_name_aliases'), stripe._jsonb(s.r -> 'future_requirements'), CASE jsonb_typeof(s.r -> 'gender') WHEN 'string' THEN s.r ->> 'gender' END, stripe._boolean(s.r -> 'id_number_provided'), stripe._boolean(s.r -> 'id_number_secondary_provided'), CASE jsonb_typeof(s.r -> 'last_name') WHEN 'string' THEN s.r ->> 'last_name' END, CASE jsonb_typeof(s.r -> 'last_name_kana') WHEN 'string' THEN s.r ->> 'last_name_kana' END, CASE jsonb_typeof(s.r -> 'last_name_kanji') WHEN 'string' THEN s.r ->> 'last_name_kanji' END, CASE jsonb_typeof(s.r -> 'maiden_name') WHEN 'string' THEN s.r ->> 'maiden_name' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'nationality') WHEN 'string' THEN s.r ->> 'nationality' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'phone') WHEN 'string' THEN s.r ->> 'phone' END, CASE jsonb_typeof(s.r -> 'political_exposure') WHEN 'string' THEN s.r ->> 'political_exposure' END, stripe._jsonb(s.r -> 'registered_address'), stripe._jsonb(s.r -> 'relationship'), stripe._jsonb(s.r -> 'requirements'), stripe._boolean(s.r -> 'ssn_last_4_provided'), stripe._jsonb(s.r -> 'us_cfpb_data'), stripe._jsonb(s.r -> 'verification'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('person', 'persons', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_plans"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."plans" AS t ("id", "active", "aggregate_usage", "amount", "amount_decimal", "billing_scheme", "created", "currency", "interval", "interval_count", "livemode", "metadata", "meter", "nickname", "object", "product", "tiers", "tiers_mode", "transform_usage", "trial_period_days", "usage_type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), CASE jsonb_typeof(s.r -> 'aggregate_usage') WHEN 'string' THEN s.r ->> 'aggregate_usage' END, stripe._bigint(s.r -> 'amount'), CASE jsonb_typeof(s.r -> 'amount_decimal') WHEN 'string' THEN s.r ->> 'amount_decimal' END, CASE jsonb_typeof(s.r -> 'billing_scheme') WHEN 'string' THEN s.r ->> 'billing_scheme' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'interval') WHEN 'string' THEN s.r ->> 'interval' END, stripe._bigint(s.r -> 'interval_count'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'meter') WHEN 'string' THEN s.r ->> 'meter' END, CASE jsonb_typeof(s.r -> 'nickname') WHEN 'string' THEN s.r ->> 'nickname' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'product'), stripe._jsonb(s.r -> 'tiers'), CASE jsonb_typeof(s.r -> 'tiers_mode') WHEN 'string' THEN s.r ->> 'tiers_mode' END, stripe._jsonb(s.r -> 'transform_usage'), stripe._bigint(s.r -> 'trial_period_days'), CASE jsonb_typeof(s.r -> 'usage_type') WHEN 'string' THEN s.r ->> 'usage_type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active" = EXCLUDED."active", "aggregate_usage" = EXCLUDED."aggregate_usage", "amount" = EXCLUDED."amount", "amount_decimal" = EXCLUDED."amount_decimal", "billing_scheme" = EXCLUDED."billing_scheme", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "interval" = EXCLUDED."interval", "interval_count" = EXCLUDED."interval_count", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "meter" = EXCLUDED."meter", "nickname" = EXCLUDED."nickname", "object" = EXCLUDED."object", "product" = EXCLUDED."product", "tiers" = EXCLUDED."tiers", "tiers_mode" = EXCLUDED."tiers_mode", "transform_usage" = EXCLUDED."transform_usage", "trial_period_days" = EXCLUDED."trial_period_days", "usage_type" = EXCLUDED."usage_type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_plans"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."plans" AS t ("id", "active", "aggregate_usage", "amount", "amount_decimal", "billing_scheme", "created", "currency", "interval", "interval_count", "livemode", "metadata", "meter", "nickname", "object", "product", "tiers", "tiers_mode", "transform_usage", "trial_period_days", "usage_type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), CASE jsonb_typeof(s.r -> 'aggregate_usage') WHEN 'string' THEN s.r ->> 'aggregate_usage' END, stripe._bigint(s.r -> 'amount'), CASE jsonb_typeof(s.r -> 'amount_decimal') WHEN 'string' THEN s.r ->> 'amount_decimal' END, CASE jsonb_typeof(s.r -> 'billing_scheme') WHEN 'string' THEN s.r ->> 'billing_scheme' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'interval') WHEN 'string' THEN s.r ->> 'interval' END, stripe._bigint(s.r -> 'interval_count'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'meter') WHEN 'string' THEN s.r ->> 'meter' END, CASE jsonb_typeof(s.r -> 'nickname') WHEN 'string' THEN s.r ->> 'nickname' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'product'), stripe._jsonb(s.r -> 'tiers'), CASE jsonb_typeof(s.r -> 'tiers_mode') WHEN 'string' THEN s.r ->> 'tiers_mode' END, stripe._jsonb(s.r -> 'transform_usage'), stripe._bigint(s.r -> 'trial_period_days'), CASE jsonb_typeof(s.r -> 'usage_type') WHEN 'string' THEN s.r ->> 'usage_type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('plan', 'plans', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_prices"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."prices" AS t ("id", "active", "billing_scheme", "created", "currency", "currency_options", "custom_unit_amount", "livemode", "lookup_key", "metadata", "nickname", "object", "product", "recurring", "tax_behavior", "tiers", "tiers_mode", "transform_quantity", "type", "unit_amount", "unit_amount_decimal", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), CASE jsonb_typeof(s.r -> 'billing_scheme') WHEN 'string' THEN s.r ->> 'billing_scheme' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'currency_options'), stripe._jsonb(s.r -> 'custom_unit_amount'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'lookup_key') WHEN 'string' THEN s.r ->> 'lookup_key' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'nickname') WHEN 'string' THEN s.r ->> 'nickname' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'product'), stripe._jsonb(s.r -> 'recurring'), CASE jsonb_typeof(s.r -> 'tax_behavior') WHEN 'string' THEN s.r ->> 'tax_behavior' END, stripe._jsonb(s.r -> 'tiers'), CASE jsonb_typeof(s.r -> 'tiers_mode') WHEN 'string' THEN s.r ->> 'tiers_mode' END, stripe._jsonb(s.r -> 'transform_quantity'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, stripe._bigint(s.r -> 'unit_amount'), CASE jsonb_typeof(s.r -> 'unit_amount_decimal') WHEN 'string' THEN s.r ->> 'unit_amount_decimal' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active" = EXCLUDED."active", "billing_scheme" = EXCLUDED."billing_scheme", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "currency_options" = EXCLUDED."currency_options", "custom_unit_amount" = EXCLUDED."custom_unit_amount", "livemode" = EXCLUDED."livemode", "lookup_key" = EXCLUDED."lookup_key", "metadata" = EXCLUDED."metadata", "nickname" = EXCLUDED."nickname", "object" = EXCLUDED."object", "product" = EXCLUDED."product", "recurring" = EXCLUDED."recurring", "tax_behavior" = EXCLUDED."tax_behavior", "tiers" = EXCLUDED."tiers", "tiers_mode" = EXCLUDED."tiers_mode", "transform_quantity" = EXCLUDED."transform_quantity", "type" = EXCLUDED."type", "unit_amount" = EXCLUDED."unit_amount", "unit_amount_decimal" = EXCLUDED."unit_amount_decimal", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_prices"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."prices" AS t ("id", "active", "billing_scheme", "created", "currency", "currency_options", "custom_unit_amount", "livemode", "lookup_key", "metadata", "nickname", "object", "product", "recurring", "tax_behavior", "tiers", "tiers_mode", "transform_quantity", "type", "unit_amount", "unit_amount_decimal", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), CASE jsonb_typeof(s.r -> 'billing_scheme') WHEN 'string' THEN s.r ->> 'billing_scheme' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'currency_options'), stripe._jsonb(s.r -> 'custom_unit_amount'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'lookup_key') WHEN 'string' THEN s.r ->> 'lookup_key' END, stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'nickname') WHEN 'string' THEN s.r ->> 'nickname' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'product'), stripe._jsonb(s.r -> 'recurring'), CASE jsonb_typeof(s.r -> 'tax_behavior') WHEN 'string' THEN s.r ->> 'tax_behavior' END, stripe._jsonb(s.r -> 'tiers'), CASE jsonb_typeof(s.r -> 'tiers_mode') WHEN 'string' THEN s.r ->> 'tiers_mode' END, stripe._jsonb(s.r -> 'transform_quantity'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, stripe._bigint(s.r -> 'unit_amount'), CASE jsonb_typeof(s.r -> 'unit_amount_decimal') WHEN 'string' THEN s.r ->> 'unit_amount_decimal' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('price', 'prices', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_products"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."products" AS t ("id", "active", "created", "default_price", "description", "features", "images", "livemode", "marketing_features", "metadata", "name", "object", "package_dimensions", "shippable", "statement_descriptor", "tax_code", "unit_label", "updated", "url", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'default_price'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'features'), stripe._jsonb(s.r -> 'images'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'marketing_features'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'package_dimensions'), stripe._boolean(s.r -> 'shippable'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, stripe._ref_id(s.r -> 'tax_code'), CASE jsonb_typeof(s.r -> 'unit_label') WHEN 'string' THEN s.r ->> 'unit_label' END, stripe._timestamp(s.r -> 'updated'), CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active" = EXCLUDED."active", "created" = EXCLUDED."created", "default_price" = EXCLUDED."default_price", "description" = EXCLUDED."description", "features" = EXCLUDED."features", "images" = EXCLUDED."images", "livemode" = EXCLUDED."livemode", "marketing_features" = EXCLUDED."marketing_features", "metadata" = EXCLUDED."metadata", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "package_dimensions" = EXCLUDED."package_dimensions", "shippable" = EXCLUDED."shippable", "statement_descriptor" = EXCLUDED."statement_descriptor", "tax_code" = EXCLUDED."tax_code", "unit_label" = EXCLUDED."unit_label", "updated" = EXCLUDED."updated", "url" = EXCLUDED."url", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_products"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."products" AS t ("id", "active", "created", "default_price", "description", "features", "images", "livemode", "marketing_features", "metadata", "name", "object", "package_dimensions", "shippable", "statement_descriptor", "tax_code", "unit_label", "updated", "url", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'default_price'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'features'), stripe._jsonb(s.r -> 'images'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'marketing_features'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'package_dimensions'), stripe._boolean(s.r -> 'shippable'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, stripe._ref_id(s.r -> 'tax_code'), CASE jsonb_typeof(s.r -> 'unit_label') WHEN 'string' THEN s.r ->> 'unit_label' END, stripe._timestamp(s.r -> 'updated'), CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u), COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('product', 'products', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_product_features"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."product_features" AS t ("id", "entitlement_feature", "livemode", "object", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'entitlement_feature'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "entitlement_feature" = EXCLUDED."entitlement_feature", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_product_features"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."product_features" AS t ("id", "entitlement_feature", "livemode", "object", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'entitlement_feature'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('product_feature', 'product_features', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_promotion_codes"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."promotion_codes" AS t ("id", "active", "code", "coupon", "created", "customer", "customer_account", "expires_at", "livemode", "max_redemptions", "metadata", "object", "promotion", "restrictions", "times_redeemed", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), CASE jsonb_typeof(s.r -> 'code') WHEN 'string' THEN s.r ->> 'code' END, stripe._jsonb(s.r -> 'coupon'), stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._timestamp(s.r -> 'expires_at'), stripe._boolean(s.r -> 'livemode'), stripe._bigint(s.r -> 'max_redemptions'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'promotion'), stripe._jsonb(s.r -> 'restrictions'), stripe._bigint(s.r -> 'times_redeemed'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active" = EXCLUDED."active", "code" = EXCLUDED."code", "coupon" = EXCLUDED."coupon", "created" = EXCLUDED."created", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "expires_at" = EXCLUDED."expires_at", "livemode" = EXCLUDED."livemode", "max_redemptions" = EXCLUDED."max_redemptions", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "promotion" = EXCLUDED."promotion", "restrictions" = EXCLUDED."restrictions", "times_redeemed" = EXCLUDED."times_redeemed", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_promotion_codes"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."promotion_codes" AS t ("id", "active", "code", "coupon", "created", "customer", "customer_account", "expires_at", "livemode", "max_redemptions", "metadata", "object", "promotion", "restrictions", "times_redeemed", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), CASE jsonb_typeof(s.r -> 'code') WHEN 'string' THEN s.r ->> 'code' END, stripe._jsonb(s.r -> 'coupon'), stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._timestamp(s.r -> 'expires_at'), stripe._boolean(s.r -> 'livemode'), stripe._bigint(s.r -> 'max_redemptions'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'promotion'), stripe._jsonb(s.r -> 'restrictions'), stripe._bigint(s.r -> 'times_redeemed'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('promotion_code', 'promotion_codes', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_quotes"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."quotes" AS t ("id", "amount_subtotal", "amount_total", "application", "application_fee_amount", "application_fee_percent", "automatic_tax", "collection_method", "computed", "created", "currency", "customer", "customer_account", "default_tax_rates", "description", "discounts", "expires_at", "footer", "from_quote", "header", "invoice", "invoice_settings", "line_items", "livemode", "metadata", "number", "object", "on_behalf_of", "status", "status_transitions", "subscription", "subscription_data", "subscription_schedule", "test_clock", "total_details", "transfer_data", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount_subtotal'), stripe._bigint(s.r -> 'amount_total'), stripe._ref_id(s.r -> 'application'), stripe._bigint(s.r -> 'application_fee_amount'), stripe._numeric(s.r -> 'application_fee_percent'), stripe._jsonb(s.r -> 'automatic_tax'), CASE jsonb_typeof(s.r -> 'collection_method') WHEN 'string' THEN s.r ->> 'collection_method' END, stripe._jsonb(s.r -> 'computed'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._jsonb(s.r -> 'default_tax_rates'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discounts'), stripe._timestamp(s.r -> 'expires_at'), CASE jsonb_typeof(s.r -> 'footer') WHEN 'string' THEN s.r ->> 'footer' END, stripe._jsonb(s.r -> 'from_quote'), CASE jsonb_typeof(s.r -> 'header') WHEN 'string' THEN s.r ->> 'header' END, stripe._ref_id(s.r -> 'invoice'), stripe._jsonb(s.r -> 'invoice_settings'), stripe._jsonb(s.r -> 'line_items'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'number') WHEN 'string' THEN s.r ->> 'number' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._ref_id(s.r -> 'subscription'), stripe._jsonb(s.r -> 'subscription_data'), stripe._ref_id(s.r -> 'subscription_schedule'), stripe._ref_id(s.r -> 'test_clock'), stripe._jsonb(s.r -> 'total_details'), stripe._jsonb(s.r -> 'transfer_data'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount_subtotal" = EXCLUDED."amount_subtotal", "amount_total" = EXCLUDED."amount_total", "application" = EXCLUDED."application", "application_fee_amount" = EXCLUDED."application_fee_amount", "application_fee_percent" = EXCLUDED."application_fee_percent", "automatic_tax" = EXCLUDED."automatic_tax", "collection_method" = EXCLUDED."collection_method", "computed" = EXCLUDED."computed", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "default_tax_rates" = EXCLUDED."default_tax_rates", "description" = EXCLUDED."description", "discounts" = EXCLUDED."discounts", "expires_at" = EXCLUDED."expires_at", "footer" = EXCLUDED."footer", "from_quote" = EXCLUDED."from_quote", "header" = EXCLUDED."header", "invoice" = EXCLUDED."invoice", "invoice_settings" = EXCLUDED."invoice_settings", "line_items" = EXCLUDED."line_items", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "number" = EXCLUDED."number", "object" = EXCLUDED."object", "on_behalf_of" = EXCLUDED."on_behalf_of", "status" = EXCLUDED."status", "status_transitions" = EXCLUDED."status_transitions", "subscription" = EXCLUDED."subscription", "subscription_data" = EXCLUDED."subscription_data", "subscription_schedule" = EXCLUDED."subscription_schedule", "test_clock" = EXCLUDED."test_clock", "total_details" = EXCLUDED."total_details", "transfer_data" = EXCLUDED."transfer_data", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_quotes"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."quotes" AS t ("id", "amount_subtotal", "amount_total", "application", "application_fee_amount", "application_fee_percent", "automatic_tax", "collection_method", "computed", "created", "currency", "customer", "customer_account", "default_tax_rates", "description", "discounts", "expires_at", "footer", "from_quote", "header", "invoice", "invoice_settings", "line_items", "livemode", "metadata", "number", "object", "on_behalf_of", "status", "status_transitions", "subscription", "subscription_data", "subscription_schedule", "test_clock", "total_details", "transfer_data", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount_subtotal'), stripe._bigint(s.r -> 'amount_total'), stripe._ref_id(s.r -> 'application'), stripe._bigint(s.r -> 'application_fee_amount'), stripe._numeric(s.r -> 'application_fee_percent'), stripe._jsonb(s.r -> 'automatic_tax'), CASE jsonb_typeof(s.r -> 'collection_method') WHEN 'string' THEN s.r ->> 'collection_method' END, stripe._jsonb(s.r -> 'computed'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._jsonb(s.r -> 'default_tax_rates'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discounts'), stripe._timestamp(s.r -> 'expires_at'), CASE jsonb_typeof(s.r -> 'footer') WHEN 'string' THEN s.r ->> 'footer' END, stripe._jsonb(s.r -> 'from_quote'), CASE jsonb_typeof(s.r -> 'header') WHEN 'string' THEN s.r ->> 'header' END, stripe._ref_id(s.r -> 'invoice'), stripe._jsonb(s.r -> 'invoice_settings'), stripe._jsonb(s.r -> 'line_items'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'number') WHEN 'string' THEN s.r ->> 'number' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._ref_id(s.r -> 'subscription'), stripe._jsonb(s.r -> 'subscription_data'), stripe._ref_id(s.r -> 'subscription_schedule'), stripe._ref_id(s.r -> 'test_clock'), stripe._jsonb(s.r -> 'total_details'), stripe._jsonb(s.r -> 'transfer_data'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('quote', 'quotes', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_radar_early_fraud_warnings"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."radar_early_fraud_warnings" AS t ("id", "actionable", "charge", "created", "fraud_type", "livemode", "object", "payment_intent", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'actionable'), stripe._ref_id(s.r -> 'charge'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'fraud_type') WHEN 'string' THEN s.r ->> 'fraud_type' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'payment_intent'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "actionable" = EXCLUDED."actionable", "charge" = EXCLUDED."charge", "created" = EXCLUDED."created", "fraud_type" = EXCLUDED."fraud_type", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "payment_intent" = EXCLUDED."payment_intent", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_radar_early_fraud_warnings"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."radar_early_fraud_warnings" AS t ("id", "actionable", "charge", "created", "fraud_type", "livemode", "object", "payment_intent", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'actionable'), stripe._ref_id(s.r -> 'charge'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'fraud_type') WHEN 'string' THEN s.r ->> 'fraud_type' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'payment_intent'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('radar.early_fraud_warning', 'radar_early_fraud_warnings', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_radar_value_lists"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."radar_value_lists" AS t ("id", "alias", "created", "created_by", "item_type", "list_items", "livemode", "metadata", "name", "object", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'alias') WHEN 'string' THEN s.r ->> 'alias' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'created_by') WHEN 'string' THEN s.r ->> 'created_by' END, CASE jsonb_typeof(s.r -> 'item_type') WHEN 'string' THEN s.r ->> 'item_type' END, stripe._jsonb(s.r -> 'list_items'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "alias" = EXCLUDED."alias", "created" = EXCLUDED."created", "created_by" = EXCLUDED."created_by", "item_type" = EXCLUDED."item_type", "list_items" = EXCLUDED."list_items", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_radar_value_lists"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."radar_value_lists" AS t ("id", "alias", "created", "created_by", "item_type", "list_items", "livemode", "metadata", "name", "object", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'alias') WHEN 'string' THEN s.r ->> 'alias' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'created_by') WHEN 'string' THEN s.r ->> 'created_by' END, CASE jsonb_typeof(s.r -> 'item_type') WHEN 'string' THEN s.r ->> 'item_type' END, stripe._jsonb(s.r -> 'list_items'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('radar.value_list', 'radar_value_lists', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_radar_value_list_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."radar_value_list_items" AS t ("id", "created", "created_by", "livemode", "object", "value", "value_list", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'created_by') WHEN 'string' THEN s.r ->> 'created_by' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'value') WHEN 'string' THEN s.r ->> 'value' END, CASE jsonb_typeof(s.r -> 'value_list') WHEN 'string' THEN s.r ->> 'value_list' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "created_by" = EXCLUDED."created_by", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "value" = EXCLUDED."value", "value_list" = EXCLUDED."value_list", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_radar_value_list_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."radar_value_list_items" AS t ("id", "created", "created_by", "livemode", "object", "value", "value_list", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'created_by') WHEN 'string' THEN s.r ->> 'created_by' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'value') WHEN 'string' THEN s.r ->> 'value' END, CASE jsonb_typeof(s.r -> 'value_list') WHEN 'string' THEN s.r ->> 'value_list' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('radar.value_list_item', 'radar_value_list_items', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_recipients"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."recipients" AS t ("id", "active_account", "cards", "created", "default_card", "description", "email", "livemode", "metadata", "migrated_to", "name", "object", "rolled_back_from", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'active_account'), stripe._jsonb(s.r -> 'cards'), stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'default_card'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), stripe._ref_id(s.r -> 'migrated_to'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'rolled_back_from'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active_account" = EXCLUDED."active_account", "cards" = EXCLUDED."cards", "created" = EXCLUDED."created", "default_card" = EXCLUDED."default_card", "description" = EXCLUDED."description", "email" = EXCLUDED."email", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "migrated_to" = EXCLUDED."migrated_to", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "rolled_back_from" = EXCLUDED."rolled_back_from", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_recipients"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."recipients" AS t ("id", "active_account", "cards", "created", "default_card", "description", "email", "livemode", "metadata", "migrated_to", "name", "object", "rolled_back_from", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'active_account'), stripe._jsonb(s.r -> 'cards'), stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'default_card'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'email') WHEN 'string' THEN s.r ->> 'email' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), stripe._ref_id(s.r -> 'migrated_to'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'rolled_back_from'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('recipient', 'recipients', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_refunds"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."refunds" AS t ("id", "amount", "balance_transaction", "charge", "created", "currency", "description", "destination_details", "failure_balance_transaction", "failure_reason", "instructions_email", "metadata", "next_action", "object", "payment_intent", "pending_reason", "presentment_details", "reason", "receipt_number", "source_transfer_reversal", "status", "transfer_reversal", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._ref_id(s.r -> 'charge'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'destination_details'), stripe._ref_id(s.r -> 'failure_balance_transaction'), CASE jsonb_typeof(s.r -> 'failure_reason') WHEN 'string' THEN s.r ->> 'failure_reason' END, CASE jsonb_typeof(s.r -> 'instructions_email') WHEN 'string' THEN s.r ->> 'instructions_email' END, stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'next_action'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'payment_intent'), CASE jsonb_typeof(s.r -> 'pending_reason') WHEN 'string' THEN s.r ->> 'pending_reason' END, stripe._jsonb(s.r -> 'presentment_details'), CASE jsonb_typeof(s.r -> 'reason') WHEN 'string' THEN s.r ->> 'reason' END, CASE jsonb_typeof(s.r -> 'receipt_number') WHEN 'string' THEN s.r ->> 'receipt_number' END, stripe._ref_id(s.r -> 'source_transfer_reversal'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'transfer_reversal'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "balance_transaction" = EXCLUDED."balance_transaction", "charge" = EXCLUDED."charge", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "destination_details" = EXCLUDED."destination_details", "failure_balance_transaction" = EXCLUDED."failure_balance_transaction", "failure_reason" = EXCLUDED."failure_reason", "instructions_email" = EXCLUDED."instructions_email", "metadata" = EXCLUDED."metadata", "next_action" = EXCLUDED."next_action", "object" = EXCLUDED."object", "payment_intent" = EXCLUDED."payment_intent", "pending_reason" = EXCLUDED."pending_reason", "presentment_details" = EXCLUDED."presentment_details", "reason" = EXCLUDED."reason", "receipt_number" = EXCLUDED."receipt_number", "source_transfer_reversal" = EXCLUDED."source_transfer_reversal", "status" = EXCLUDED."status", "transfer_reversal" = EXCLUDED."transfer_reversal", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_refunds"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."refunds" AS t ("id", "amount", "balance_transaction", "charge", "created", "currency", "description", "destination_details", "failure_balance_transaction", "failure_reason", "instructions_email", "metadata", "next_action", "object", "payment_intent", "pending_reason", "presentment_details", "reason", "receipt_number", "source_transfer_reversal", "status", "transfer_reversal", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._ref_id(s.r -> 'charge'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'destination_details'), stripe._ref_id(s.r -> 'failure_balance_transaction'), CASE jsonb_typeof(s.r -> 'failure_reason') WHEN 'string' THEN s.r ->> 'failure_reason' END, CASE jsonb_typeof(s.r -> 'instructions_email') WHEN 'string' THEN s.r ->> 'instructions_email' END, stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'next_action'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'payment_intent'), CASE jsonb_typeof(s.r -> 'pending_reason') WHEN 'string' THEN s.r ->> 'pending_reason' END, stripe._jsonb(s.r -> 'presentment_details'), CASE jsonb_typeof(s.r -> 'reason') WHEN 'string' THEN s.r ->> 'reason' END, CASE jsonb_typeof(s.r -> 'receipt_number') WHEN 'string' THEN s.r ->> 'receipt_number' END, stripe._ref_id(s.r -> 'source_transfer_reversal'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'transfer_reversal'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('refund', 'refunds', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_reporting_report_runs"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."reporting_report_runs" AS t ("id", "created", "error", "livemode", "object", "parameters", "report_type", "result", "status", "succeeded_at", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'error') WHEN 'string' THEN s.r ->> 'error' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'parameters'), CASE jsonb_typeof(s.r -> 'report_type') WHEN 'string' THEN s.r ->> 'report_type' END, stripe._jsonb(s.r -> 'result'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._timestamp(s.r -> 'succeeded_at'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "error" = EXCLUDED."error", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "parameters" = EXCLUDED."parameters", "report_type" = EXCLUDED."report_type", "result" = EXCLUDED."result", "status" = EXCLUDED."status", "succeeded_at" = EXCLUDED."succeeded_at", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_reporting_report_runs"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."reporting_report_runs" AS t ("id", "created", "error", "livemode", "object", "parameters", "report_type", "result", "status", "succeeded_at", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'error') WHEN 'string' THEN s.r ->> 'error' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'parameters'), CASE jsonb_typeof(s.r -> 'report_type') WHEN 'string' THEN s.r ->> 'report_type' END, stripe._jsonb(s.r -> 'result'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._timestamp(s.r -> 'succeeded_at'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('reporting.report_run', 'reporting_report_runs', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_reporting_report_types"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."reporting_report_types" AS t ("id", "data_available_end", "data_available_start", "default_columns", "livemode", "name", "object", "updated", "version", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'data_available_end'), stripe._timestamp(s.r -> 'data_available_start'), stripe._jsonb(s.r -> 'default_columns'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._timestamp(s.r -> 'updated'), stripe._bigint(s.r -> 'version'), s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "data_available_end" = EXCLUDED."data_available_end", "data_available_start" = EXCLUDED."data_available_start", "default_columns" = EXCLUDED."default_columns", "livemode" = EXCLUDED."livemode", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "updated" = EXCLUDED."updated", "version" = EXCLUDED."version", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_reporting_report_types"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."reporting_report_types" AS t ("id", "data_available_end", "data_available_start", "default_columns", "livemode", "name", "object", "updated", "version", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'data_available_end'), stripe._timestamp(s.r -> 'data_available_start'), stripe._jsonb(s.r -> 'default_columns'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._timestamp(s.r -> 'updated'), stripe._bigint(s.r -> 'version'), s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u), COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('reporting.report_type', 'reporting_report_types', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_reviews"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."reviews" AS t ("id", "billing_zip", "charge", "closed_reason", "created", "ip_address", "ip_address_location", "livemode", "object", "open", "opened_reason", "payment_intent", "reason", "session", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'billing_zip') WHEN 'string' THEN s.r ->> 'billing_zip' END, stripe._ref_id(s.r -> 'charge'), CASE jsonb_typeof(s.r -> 'closed_reason') WHEN 'string' THEN s.r ->> 'closed_reason' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'ip_address') WHEN 'string' THEN s.r ->> 'ip_address' END, stripe._jsonb(s.r -> 'ip_address_location'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._boolean(s.r -> 'open'), CASE jsonb_typeof(s.r -> 'opened_reason') WHEN 'string' THEN s.r ->> 'opened_reason' END, stripe._ref_id(s.r -> 'payment_intent'), CASE jsonb_typeof(s.r -> 'reason') WHEN 'string' THEN s.r ->> 'reason' END, stripe._jsonb(s.r -> 'session'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "billing_zip" = EXCLUDED."billing_zip", "charge" = EXCLUDED."charge", "closed_reason" = EXCLUDED."closed_reason", "created" = EXCLUDED."created", "ip_address" = EXCLUDED."ip_address", "ip_address_location" = EXCLUDED."ip_address_location", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "open" = EXCLUDED."open", "opened_reason" = EXCLUDED."opened_reason", "payment_intent" = EXCLUDED."payment_intent", "reason" = EXCLUDED."reason", "session" = EXCLUDED."session", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_reviews"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."reviews" AS t ("id", "billing_zip", "charge", "closed_reason", "created", "ip_address", "ip_address_location", "livemode", "object", "open", "opened_reason", "payment_intent", "reason", "session", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'billing_zip') WHEN 'string' THEN s.r ->> 'billing_zip' END, stripe._ref_id(s.r -> 'charge'), CASE jsonb_typeof(s.r -> 'closed_reason') WHEN 'string' THEN s.r ->> 'closed_reason' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'ip_address') WHEN 'string' THEN s.r ->> 'ip_address' END, stripe._jsonb(s.r -> 'ip_address_location'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._boolean(s.r -> 'open'), CASE jsonb_typeof(s.r -> 'opened_reason') WHEN 'string' THEN s.r ->> 'opened_reason' END, stripe._ref_id(s.r -> 'payment_intent'), CASE jsonb_typeof(s.r -> 'reason') WHEN 'string' THEN s.r ->> 'reason' END, stripe._jsonb(s.r -> 'session'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('review', 'reviews', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_scheduled_query_runs"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."scheduled_query_runs" AS t ("id", "created", "data_load_time", "error", "file", "livemode", "object", "result_available_until", "sql", "status", "title", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._timestamp(s.r -> 'data_load_time'), stripe._jsonb(s.r -> 'error'), stripe._jsonb(s.r -> 'file'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._timestamp(s.r -> 'result_available_until'), CASE jsonb_typeof(s.r -> 'sql') WHEN 'string' THEN s.r ->> 'sql' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'title') WHEN 'string' THEN s.r ->> 'title' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "data_load_time" = EXCLUDED."data_load_time", "error" = EXCLUDED."error", "file" = EXCLUDED."file", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "result_available_until" = EXCLUDED."result_available_until", "sql" = EXCLUDED."sql", "status" = EXCLUDED."status", "title" = EXCLUDED."title", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_scheduled_query_runs"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."scheduled_query_runs" AS t ("id", "created", "data_load_time", "error", "file", "livemode", "object", "result_available_until", "sql", "status", "title", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._timestamp(s.r -> 'data_load_time'), stripe._jsonb(s.r -> 'error'), stripe._jsonb(s.r -> 'file'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._timestamp(s.r -> 'result_available_until'), CASE jsonb_typeof(s.r -> 'sql') WHEN 'string' THEN s.r ->> 'sql' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'title') WHEN 'string' THEN s.r ->> 'title' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('scheduled_query_run', 'scheduled_query_runs', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_setup_attempts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."setup_attempts" AS t ("id", "application", "attach_to_self", "created", "customer", "customer_account", "flow_directions", "livemode", "object", "on_behalf_of", "payment_method", "payment_method_details", "setup_error", "setup_intent", "status", "usage", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'application'), stripe._boolean(s.r -> 'attach_to_self'), stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._jsonb(s.r -> 'flow_directions'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._ref_id(s.r -> 'payment_method'), stripe._jsonb(s.r -> 'payment_method_details'), stripe._jsonb(s.r -> 'setup_error'), stripe._ref_id(s.r -> 'setup_intent'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'usage') WHEN 'string' THEN s.r ->> 'usage' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "application" = EXCLUDED."application", "attach_to_self" = EXCLUDED."attach_to_self", "created" = EXCLUDED."created", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "flow_directions" = EXCLUDED."flow_directions", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "on_behalf_of" = EXCLUDED."on_behalf_of", "payment_method" = EXCLUDED."payment_method", "payment_method_details" = EXCLUDED."payment_method_details", "setup_error" = EXCLUDED."setup_error", "setup_intent" = EXCLUDED."setup_intent", "status" = EXCLUDED."status", "usage" = EXCLUDED."usage", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_setup_attempts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."setup_attempts" AS t ("id", "application", "attach_to_self", "created", "customer", "customer_account", "flow_directions", "livemode", "object", "on_behalf_of", "payment_method", "payment_method_details", "setup_error", "setup_intent", "status", "usage", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'application'), stripe._boolean(s.r -> 'attach_to_self'), stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._jsonb(s.r -> 'flow_directions'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._ref_id(s.r -> 'payment_method'), stripe._jsonb(s.r -> 'payment_method_details'), stripe._jsonb(s.r -> 'setup_error'), stripe._ref_id(s.r -> 'setup_intent'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'usage') WHEN 'string' THEN s.r ->> 'usage' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('setup_attempt', 'setup_attempts', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_setup_intents"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."setup_intents" AS t ("id", "application", "attach_to_self", "automatic_payment_methods", "cancellation_reason", "client_secret", "created", "customer", "customer_account", "description", "excluded_payment_method_types", "flow_directions", "last_setup_error", "latest_attempt", "livemode", "managed_payments", "mandate", "metadata", "next_action", "object", "on_behalf_of", "payment_method", "payment_method_configuration_details", "payment_method_options", "payment_method_types", "single_use_mandate", "status", "usage", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'application'), stripe._boolean(s.r -> 'attach_to_self'), stripe._jsonb(s.r -> 'automatic_payment_methods'), CASE jsonb_typeof(s.r -> 'cancellation_reason') WHEN 'string' THEN s.r ->> 'cancellation_reason' END, CASE jsonb_typeof(s.r -> 'client_secret') WHEN 'string' THEN s.r ->> 'client_secret' END, stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'excluded_payment_method_types'), stripe._jsonb(s.r -> 'flow_directions'), stripe._jsonb(s.r -> 'last_setup_error'), stripe._ref_id(s.r -> 'latest_attempt'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'managed_payments'), stripe._ref_id(s.r -> 'mandate'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'next_action'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._ref_id(s.r -> 'payment_method'), stripe._jsonb(s.r -> 'payment_method_configuration_details'), stripe._jsonb(s.r -> 'payment_method_options'), stripe._jsonb(s.r -> 'payment_method_types'), stripe._ref_id(s.r -> 'single_use_mandate'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'usage') WHEN 'string' THEN s.r ->> 'usage' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "application" = EXCLUDED."application", "attach_to_self" = EXCLUDED."attach_to_self", "automatic_payment_methods" = EXCLUDED."automatic_payment_methods", "cancellation_reason" = EXCLUDED."cancellation_reason", "client_secret" = EXCLUDED."client_secret", "created" = EXCLUDED."created", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "description" = EXCLUDED."description", "excluded_payment_method_types" = EXCLUDED."excluded_payment_method_types", "flow_directions" = EXCLUDED."flow_directions", "last_setup_error" = EXCLUDED."last_setup_error", "latest_attempt" = EXCLUDED."latest_attempt", "livemode" = EXCLUDED."livemode", "managed_payments" = EXCLUDED."managed_payments", "mandate" = EXCLUDED."mandate", "metadata" = EXCLUDED."metadata", "next_action" = EXCLUDED."next_action", "object" = EXCLUDED."object", "on_behalf_of" = EXCLUDED."on_behalf_of", "payment_method" = EXCLUDED."payment_method", "payment_method_configuration_details" = EXCLUDED."payment_method_configuration_details", "payment_method_options" = EXCLUDED."payment_method_options", "payment_method_types" = EXCLUDED."payment_method_types", "single_use_mandate" = EXCLUDED."single_use_mandate", "status" = EXCLUDED."status", "usage" = EXCLUDED."usage", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_setup_intents"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."setup_intents" AS t ("id", "application", "attach_to_self", "automatic_payment_methods", "cancellation_reason", "client_secret", "created", "customer", "customer_account", "description", "excluded_payment_method_types", "flow_directions", "last_setup_error", "latest_attempt", "livemode", "managed_payments", "mandate", "metadata", "next_action", "object", "on_behalf_of", "payment_method", "payment_method_configuration_details", "payment_method_options", "payment_method_types", "single_use_mandate", "status", "usage", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'application'), stripe._boolean(s.r -> 'attach_to_self'), stripe._jsonb(s.r -> 'automatic_payment_methods'), CASE jsonb_typeof(s.r -> 'cancellation_reason') WHEN 'string' THEN s.r ->> 'cancellation_reason' END, CASE jsonb_typeof(s.r -> 'client_secret') WHEN 'string' THEN s.r ->> 'client_secret' END, stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'excluded_payment_method_types'), stripe._jsonb(s.r -> 'flow_directions'), stripe._jsonb(s.r -> 'last_setup_error'), stripe._ref_id(s.r -> 'latest_attempt'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'managed_payments'), stripe._ref_id(s.r -> 'mandate'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'next_action'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._ref_id(s.r -> 'payment_method'), stripe._jsonb(s.r -> 'payment_method_configuration_details'), stripe._jsonb(s.r -> 'payment_method_options'), stripe._jsonb(s.r -> 'payment_method_types'), stripe._ref_id(s.r -> 'single_use_mandate'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'usage') WHEN 'string' THEN s.r ->> 'usage' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('setup_intent', 'setup_intents', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_shipping_rates"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."shipping_rates" AS t ("id", "active", "created", "delivery_estimate", "display_name", "fixed_amount", "livemode", "metadata", "object", "tax_behavior", "tax_code", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'delivery_estimate'), CASE jsonb_typeof(s.r -> 'display_name') WHEN 'string' THEN s.r ->> 'display_name' END, stripe._jsonb(s.r -> 'fixed_amount'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'tax_behavior') WHEN 'string' THEN s.r ->> 'tax_behavior' END, stripe._ref_id(s.r -> 'tax_code'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active" = EXCLUDED."active", "created" = EXCLUDED."created", "delivery_estimate" = EXCLUDED."delivery_estimate", "display_name" = EXCLUDED."display_name", "fixed_amount" = EXCLUDED."fixed_amount", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "tax_behavior" = EXCLUDED."tax_behavior", "tax_code" = EXCLUDED."tax_code", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_shipping_rates"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."shipping_rates" AS t ("id", "active", "created", "delivery_estimate", "display_name", "fixed_amount", "livemode", "metadata", "object", "tax_behavior", "tax_code", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'delivery_estimate'), CASE jsonb_typeof(s.r -> 'display_name') WHEN 'string' THEN s.r ->> 'display_name' END, stripe._jsonb(s.r -> 'fixed_amount'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'tax_behavior') WHEN 'string' THEN s.r ->> 'tax_behavior' END, stripe._ref_id(s.r -> 'tax_code'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('shipping_rate', 'shipping_rates', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_skus"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."skus" AS t ("id", "active", "attributes", "created", "currency", "image", "inventory", "livemode", "metadata", "object", "package_dimensions", "price", "product", "updated", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._jsonb(s.r -> 'attributes'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'image') WHEN 'string' THEN s.r ->> 'image' END, stripe._jsonb(s.r -> 'inventory'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'package_dimensions'), stripe._bigint(s.r -> 'price'), stripe._ref_id(s.r -> 'product'), stripe._timestamp(s.r -> 'updated'), s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active" = EXCLUDED."active", "attributes" = EXCLUDED."attributes", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "image" = EXCLUDED."image", "inventory" = EXCLUDED."inventory", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "package_dimensions" = EXCLUDED."package_dimensions", "price" = EXCLUDED."price", "product" = EXCLUDED."product", "updated" = EXCLUDED."updated", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_skus"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."skus" AS t ("id", "active", "attributes", "created", "currency", "image", "inventory", "livemode", "metadata", "object", "package_dimensions", "price", "product", "updated", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), stripe._jsonb(s.r -> 'attributes'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'image') WHEN 'string' THEN s.r ->> 'image' END, stripe._jsonb(s.r -> 'inventory'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'package_dimensions'), stripe._bigint(s.r -> 'price'), stripe._ref_id(s.r -> 'product'), stripe._timestamp(s.r -> 'updated'), s.r, s.a, COALESCE(stripe._timestamp(s.r -> 'updated'), s.u), COALESCE(stripe._timestamp(s.r -> 'updated'), s.u)
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', COALESCE(stripe._timestamp(s.r -> 'updated'), s.u) DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('sku', 'skus', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_sources"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."sources" AS t ("id", "ach_credit_transfer", "ach_debit", "acss_debit", "alipay", "allow_redisplay", "amount", "au_becs_debit", "bancontact", "card", "card_present", "client_secret", "code_verification", "created", "currency", "customer", "eps", "flow", "giropay", "ideal", "klarna", "livemode", "metadata", "multibanco", "object", "owner", "p24", "receiver", "redirect", "sepa_debit", "sofort", "source_order", "statement_descriptor", "status", "three_d_secure", "type", "usage", "wechat", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'ach_credit_transfer'), stripe._jsonb(s.r -> 'ach_debit'), stripe._jsonb(s.r -> 'acss_debit'), stripe._jsonb(s.r -> 'alipay'), CASE jsonb_typeof(s.r -> 'allow_redisplay') WHEN 'string' THEN s.r ->> 'allow_redisplay' END, stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'au_becs_debit'), stripe._jsonb(s.r -> 'bancontact'), stripe._jsonb(s.r -> 'card'), stripe._jsonb(s.r -> 'card_present'), CASE jsonb_typeof(s.r -> 'client_secret') WHEN 'string' THEN s.r ->> 'client_secret' END, stripe._jsonb(s.r -> 'code_verification'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'customer') WHEN 'string' THEN s.r ->> 'customer' END, stripe._jsonb(s.r -> 'eps'), CASE jsonb_typeof(s.r -> 'flow') WHEN 'string' THEN s.r ->> 'flow' END, stripe._jsonb(s.r -> 'giropay'), stripe._jsonb(s.r -> 'ideal'), stripe._jsonb(s.r -> 'klarna'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'multibanco'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'owner'), stripe._jsonb(s.r -> 'p24'), stripe._jsonb(s.r -> 'receiver'), stripe._jsonb(s.r -> 'redirect'), stripe._jsonb(s.r -> 'sepa_debit'), stripe._jsonb(s.r -> 'sofort'), stripe._jsonb(s.r -> 'source_order'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'three_d_secure'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'usage') WHEN 'string' THEN s.r ->> 'usage' END, stripe._jsonb(s.r -> 'wechat'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "ach_credit_transfer" = EXCLUDED."ach_credit_transfer", "ach_debit" = EXCLUDED."ach_debit", "acss_debit" = EXCLUDED."acss_debit", "alipay" = EXCLUDED."alipay", "allow_redisplay" = EXCLUDED."allow_redisplay", "amount" = EXCLUDED."amount", "au_becs_debit" = EXCLUDED."au_becs_debit", "bancontact" = EXCLUDED."bancontact", "card" = EXCLUDED."card", "card_present" = EXCLUDED."card_present", "client_secret" = EXCLUDED."client_secret", "code_verification" = EXCLUDED."code_verification", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "eps" = EXCLUDED."eps", "flow" = EXCLUDED."flow", "giropay" = EXCLUDED."giropay", "ideal" = EXCLUDED."ideal", "klarna" = EXCLUDED."klarna", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "multibanco" = EXCLUDED."multibanco", "object" = EXCLUDED."object", "owner" = EXCLUDED."owner", "p24" = EXCLUDED."p24", "receiver" = EXCLUDED."receiver", "redirect" = EXCLUDED."redirect", "sepa_debit" = EXCLUDED."sepa_debit", "sofort" = EXCLUDED."sofort", "source_order" = EXCLUDED."source_order", "statement_descriptor" = EXCLUDED."statement_descriptor", "status" = EXCLUDED."status", "three_d_secure" = EXCLUDED."three_d_secure", "type" = EXCLUDED."type", "usage" = EXCLUDED."usage", "wechat" = EXCLUDED."wechat", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_sources"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."sources" AS t ("id", "ach_credit_transfer", "ach_debit", "acss_debit", "alipay", "allow_redisplay", "amount", "au_becs_debit", "bancontact", "card", "card_present", "client_secret", "code_verification", "created", "currency", "customer", "eps", "flow", "giropay", "ideal", "klarna", "livemode", "metadata", "multibanco", "object", "owner", "p24", "receiver", "redirect", "sepa_debit", "sofort", "source_order", "statement_descriptor", "status", "three_d_secure", "type", "usage", "wechat", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'ach_credit_transfer'), stripe._jsonb(s.r -> 'ach_debit'), stripe._jsonb(s.r -> 'acss_debit'), stripe._jsonb(s.r -> 'alipay'), CASE jsonb_typeof(s.r -> 'allow_redisplay') WHEN 'string' THEN s.r ->> 'allow_redisplay' END, stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'au_becs_debit'), stripe._jsonb(s.r -> 'bancontact'), stripe._jsonb(s.r -> 'card'), stripe._jsonb(s.r -> 'card_present'), CASE jsonb_typeof(s.r -> 'client_secret') WHEN 'string' THEN s.r ->> 'client_secret' END, stripe._jsonb(s.r -> 'code_verification'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'customer') WHEN 'string' THEN s.r ->> 'customer' END, stripe._jsonb(s.r -> 'eps'), CASE jsonb_typeof(s.r -> 'flow') WHEN 'string' THEN s.r ->> 'flow' END, stripe._jsonb(s.r -> 'giropay'), stripe._jsonb(s.r -> 'ideal'), stripe._jsonb(s.r -> 'klarna'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), stripe._jsonb(s.r -> 'multibanco'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'owner'), stripe._jsonb(s.r -> 'p24'), stripe._jsonb(s.r -> 'receiver'), stripe._jsonb(s.r -> 'redirect'), stripe._jsonb(s.r -> 'sepa_debit'), stripe._jsonb(s.r -> 'sofort'), stripe._jsonb(s.r -> 'source_order'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'three_d_secure'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'usage') WHEN 'string' THEN s.r ->> 'usage' END, stripe._jsonb(s.r -> 'wechat'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('source', 'sources', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_source_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."source_transactions" AS t ("id", "ach_credit_transfer", "amount", "chf_credit_transfer", "created", "currency", "gbp_credit_transfer", "livemode", "object", "paper_check", "sepa_credit_transfer", "source", "status", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'ach_credit_transfer'), stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'chf_credit_transfer'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'gbp_credit_transfer'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'paper_check'), stripe._jsonb(s.r -> 'sepa_credit_transfer'), CASE jsonb_typeof(s.r -> 'source') WHEN 'string' THEN s.r ->> 'source' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "ach_credit_transfer" = EXCLUDED."ach_credit_transfer", "amount" = EXCLUDED."amount", "chf_credit_transfer" = EXCLUDED."chf_credit_transfer", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "gbp_credit_transfer" = EXCLUDED."gbp_credit_transfer", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "paper_check" = EXCLUDED."paper_check", "sepa_credit_transfer" = EXCLUDED."sepa_credit_transfer", "source" = EXCLUDED."source", "status" = EXCLUDED."status", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_source_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."source_transactions" AS t ("id", "ach_credit_transfer", "amount", "chf_credit_transfer", "created", "currency", "gbp_credit_transfer", "livemode", "object", "paper_check", "sepa_credit_transfer", "source", "status", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'ach_credit_transfer'), stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'chf_credit_transfer'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._jsonb(s.r -> 'gbp_credit_transfer'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'paper_check'), stripe._jsonb(s.r -> 'sepa_credit_transfer'), CASE jsonb_typeof(s.r -> 'source') WHEN 'string' THEN s.r ->> 'source' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('source_transaction', 'source_transactions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_subscriptions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."subscriptions" AS t ("id", "application", "application_fee_percent", "automatic_tax", "billing_cycle_anchor", "billing_cycle_anchor_config", "billing_mode", "billing_thresholds", "cancel_at", "cancel_at_period_end", "canceled_at", "cancellation_details", "collection_method", "created", "currency", "current_period_end", "current_period_start", "customer", "customer_account", "days_until_due", "default_payment_method", "default_source", "default_tax_rates", "description", "discount", "discounts", "ended_at", "invoice_settings", "items", "latest_invoice", "livemode", "managed_payments", "metadata", "next_pending_invoice_item_invoice", "object", "on_behalf_of", "pause_collection", "payment_settings", "pending_invoice_item_interval", "pending_setup_intent", "pending_update", "presentment_details", "schedule", "start_date", "status", "test_clock", "transfer_data", "trial_end", "trial_settings", "trial_start", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'application'), stripe._numeric(s.r -> 'application_fee_percent'), stripe._jsonb(s.r -> 'automatic_tax'), stripe._timestamp(s.r -> 'billing_cycle_anchor'), stripe._jsonb(s.r -> 'billing_cycle_anchor_config'), stripe._jsonb(s.r -> 'billing_mode'), stripe._jsonb(s.r -> 'billing_thresholds'), stripe._timestamp(s.r -> 'cancel_at'), stripe._boolean(s.r -> 'cancel_at_period_end'), stripe._timestamp(s.r -> 'canceled_at'), stripe._jsonb(s.r -> 'cancellation_details'), CASE jsonb_typeof(s.r -> 'collection_method') WHEN 'string' THEN s.r ->> 'collection_method' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._timestamp(s.r -> 'current_period_end'), stripe._timestamp(s.r -> 'current_period_start'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._bigint(s.r -> 'days_until_due'), stripe._ref_id(s.r -> 'default_payment_method'), stripe._ref_id(s.r -> 'default_source'), stripe._jsonb(s.r -> 'default_tax_rates'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discount'), stripe._jsonb(s.r -> 'discounts'), stripe._timestamp(s.r -> 'ended_at'), stripe._jsonb(s.r -> 'invoice_settings'), stripe._jsonb(s.r -> 'items'), stripe._ref_id(s.r -> 'latest_invoice'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'managed_payments'), stripe._jsonb(s.r -> 'metadata'), stripe._timestamp(s.r -> 'next_pending_invoice_item_invoice'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._jsonb(s.r -> 'pause_collection'), stripe._jsonb(s.r -> 'payment_settings'), stripe._jsonb(s.r -> 'pending_invoice_item_interval'), stripe._ref_id(s.r -> 'pending_setup_intent'), stripe._jsonb(s.r -> 'pending_update'), stripe._jsonb(s.r -> 'presentment_details'), stripe._ref_id(s.r -> 'schedule'), stripe._timestamp(s.r -> 'start_date'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'test_clock'), stripe._jsonb(s.r -> 'transfer_data'), stripe._timestamp(s.r -> 'trial_end'), stripe._jsonb(s.r -> 'trial_settings'), stripe._timestamp(s.r -> 'trial_start'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "application" = EXCLUDED."application", "application_fee_percent" = EXCLUDED."application_fee_percent", "automatic_tax" = EXCLUDED."automatic_tax", "billing_cycle_anchor" = EXCLUDED."billing_cycle_anchor", "billing_cycle_anchor_config" = EXCLUDED."billing_cycle_anchor_config", "billing_mode" = EXCLUDED."billing_mode", "billing_thresholds" = EXCLUDED."billing_thresholds", "cancel_at" = EXCLUDED."cancel_at", "cancel_at_period_end" = EXCLUDED."cancel_at_period_end", "canceled_at" = EXCLUDED."canceled_at", "cancellation_details" = EXCLUDED."cancellation_details", "collection_method" = EXCLUDED."collection_method", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "current_period_end" = EXCLUDED."current_period_end", "current_period_start" = EXCLUDED."current_period_start", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "days_until_due" = EXCLUDED."days_until_due", "default_payment_method" = EXCLUDED."default_payment_method", "default_source" = EXCLUDED."default_source", "default_tax_rates" = EXCLUDED."default_tax_rates", "description" = EXCLUDED."description", "discount" = EXCLUDED."discount", "discounts" = EXCLUDED."discounts", "ended_at" = EXCLUDED."ended_at", "invoice_settings" = EXCLUDED."invoice_settings", "items" = EXCLUDED."items", "latest_invoice" = EXCLUDED."latest_invoice", "livemode" = EXCLUDED."livemode", "managed_payments" = EXCLUDED."managed_payments", "metadata" = EXCLUDED."metadata", "next_pending_invoice_item_invoice" = EXCLUDED."next_pending_invoice_item_invoice", "object" = EXCLUDED."object", "on_behalf_of" = EXCLUDED."on_behalf_of", "pause_collection" = EXCLUDED."pause_collection", "payment_settings" = EXCLUDED."payment_settings", "pending_invoice_item_interval" = EXCLUDED."pending_invoice_item_interval", "pending_setup_intent" = EXCLUDED."pending_setup_intent", "pending_update" = EXCLUDED."pending_update", "presentment_details" = EXCLUDED."presentment_details", "schedule" = EXCLUDED."schedule", "start_date" = EXCLUDED."start_date", "status" = EXCLUDED."status", "test_clock" = EXCLUDED."test_clock", "transfer_data" = EXCLUDED."transfer_data", "trial_end" = EXCLUDED."trial_end", "trial_settings" = EXCLUDED."trial_settings", "trial_start" = EXCLUDED."trial_start", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_subscriptions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."subscriptions" AS t ("id", "application", "application_fee_percent", "automatic_tax", "billing_cycle_anchor", "billing_cycle_anchor_config", "billing_mode", "billing_thresholds", "cancel_at", "cancel_at_period_end", "canceled_at", "cancellation_details", "collection_method", "created", "currency", "current_period_end", "current_period_start", "customer", "customer_account", "days_until_due", "default_payment_method", "default_source", "default_tax_rates", "description", "discount", "discounts", "ended_at", "invoice_settings", "items", "latest_invoice", "livemode", "managed_payments", "metadata", "next_pending_invoice_item_invoice", "object", "on_behalf_of", "pause_collection", "payment_settings", "pending_invoice_item_interval", "pending_setup_intent", "pending_update", "presentment_details", "schedule", "start_date", "status", "test_clock", "transfer_data", "trial_end", "trial_settings", "trial_start", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'application'), stripe._numeric(s.r -> 'application_fee_percent'), stripe._jsonb(s.r -> 'automatic_tax'), stripe._timestamp(s.r -> 'billing_cycle_anchor'), stripe._jsonb(s.r -> 'billing_cycle_anchor_config'), stripe._jsonb(s.r -> 'billing_mode'), stripe._jsonb(s.r -> 'billing_thresholds'), stripe._timestamp(s.r -> 'cancel_at'), stripe._boolean(s.r -> 'cancel_at_period_end'), stripe._timestamp(s.r -> 'canceled_at'), stripe._jsonb(s.r -> 'cancellation_details'), CASE jsonb_typeof(s.r -> 'collection_method') WHEN 'string' THEN s.r ->> 'collection_method' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._timestamp(s.r -> 'current_period_end'), stripe._timestamp(s.r -> 'current_period_start'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._bigint(s.r -> 'days_until_due'), stripe._ref_id(s.r -> 'default_payment_method'), stripe._ref_id(s.r -> 'default_source'), stripe._jsonb(s.r -> 'default_tax_rates'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'discount'), stripe._jsonb(s.r -> 'discounts'), stripe._timestamp(s.r -> 'ended_at'), stripe._jsonb(s.r -> 'invoice_settings'), stripe._jsonb(s.r -> 'items'), stripe._ref_id(s.r -> 'latest_invoice'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'managed_payments'), stripe._jsonb(s.r -> 'metadata'), stripe._timestamp(s.r -> 'next_pending_invoice_item_invoice'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'on_behalf_of'), stripe._jsonb(s.r -> 'pause_collection'), stripe._jsonb(s.r -> 'payment_settings'), stripe._jsonb(s.r -> 'pending_invoice_item_interval'), stripe._ref_id(s.r -> 'pending_setup_intent'), stripe._jsonb(s.r -> 'pending_update'), stripe._jsonb(s.r -> 'presentment_details'), stripe._ref_id(s.r -> 'schedule'), stripe._timestamp(s.r -> 'start_date'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'test_clock'), stripe._jsonb(s.r -> 'transfer_data'), stripe._timestamp(s.r -> 'trial_end'), stripe._jsonb(s.r -> 'trial_settings'), stripe._timestamp(s.r -> 'trial_start'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('subscription', 'subscriptions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_subscription_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."subscription_items" AS t ("id", "billing_thresholds", "created", "current_period_end", "current_period_start", "discounts", "metadata", "object", "price", "quantity", "subscription", "tax_rates", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'billing_thresholds'), stripe._bigint(s.r -> 'created'), stripe._timestamp(s.r -> 'current_period_end'), stripe._timestamp(s.r -> 'current_period_start'), stripe._jsonb(s.r -> 'discounts'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'price'), stripe._bigint(s.r -> 'quantity'), CASE jsonb_typeof(s.r -> 'subscription') WHEN 'string' THEN s.r ->> 'subscription' END, stripe._jsonb(s.r -> 'tax_rates'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "billing_thresholds" = EXCLUDED."billing_thresholds", "created" = EXCLUDED."created", "current_period_end" = EXCLUDED."current_period_end", "current_period_start" = EXCLUDED."current_period_start", "discounts" = EXCLUDED."discounts", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "price" = EXCLUDED."price", "quantity" = EXCLUDED."quantity", "subscription" = EXCLUDED."subscription", "tax_rates" = EXCLUDED."tax_rates", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_subscription_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."subscription_items" AS t ("id", "billing_thresholds", "created", "current_period_end", "current_period_start", "discounts", "metadata", "object", "price", "quantity", "subscription", "tax_rates", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'billing_thresholds'), stripe._bigint(s.r -> 'created'), stripe._timestamp(s.r -> 'current_period_end'), stripe._timestamp(s.r -> 'current_period_start'), stripe._jsonb(s.r -> 'discounts'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'price'), stripe._bigint(s.r -> 'quantity'), CASE jsonb_typeof(s.r -> 'subscription') WHEN 'string' THEN s.r ->> 'subscription' END, stripe._jsonb(s.r -> 'tax_rates'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('subscription_item', 'subscription_items', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_subscription_schedules"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."subscription_schedules" AS t ("id", "application", "billing_mode", "canceled_at", "completed_at", "created", "current_phase", "customer", "customer_account", "default_settings", "end_behavior", "livemode", "metadata", "object", "phases", "released_at", "released_subscription", "status", "subscription", "test_clock", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'application'), stripe._jsonb(s.r -> 'billing_mode'), stripe._timestamp(s.r -> 'canceled_at'), stripe._timestamp(s.r -> 'completed_at'), stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'current_phase'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._jsonb(s.r -> 'default_settings'), CASE jsonb_typeof(s.r -> 'end_behavior') WHEN 'string' THEN s.r ->> 'end_behavior' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'phases'), stripe._timestamp(s.r -> 'released_at'), CASE jsonb_typeof(s.r -> 'released_subscription') WHEN 'string' THEN s.r ->> 'released_subscription' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'subscription'), stripe._ref_id(s.r -> 'test_clock'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "application" = EXCLUDED."application", "billing_mode" = EXCLUDED."billing_mode", "canceled_at" = EXCLUDED."canceled_at", "completed_at" = EXCLUDED."completed_at", "created" = EXCLUDED."created", "current_phase" = EXCLUDED."current_phase", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "default_settings" = EXCLUDED."default_settings", "end_behavior" = EXCLUDED."end_behavior", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "phases" = EXCLUDED."phases", "released_at" = EXCLUDED."released_at", "released_subscription" = EXCLUDED."released_subscription", "status" = EXCLUDED."status", "subscription" = EXCLUDED."subscription", "test_clock" = EXCLUDED."test_clock", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_subscription_schedules"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."subscription_schedules" AS t ("id", "application", "billing_mode", "canceled_at", "completed_at", "created", "current_phase", "customer", "customer_account", "default_settings", "end_behavior", "livemode", "metadata", "object", "phases", "released_at", "released_subscription", "status", "subscription", "test_clock", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._ref_id(s.r -> 'application'), stripe._jsonb(s.r -> 'billing_mode'), stripe._timestamp(s.r -> 'canceled_at'), stripe._timestamp(s.r -> 'completed_at'), stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'current_phase'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._jsonb(s.r -> 'default_settings'), CASE jsonb_typeof(s.r -> 'end_behavior') WHEN 'string' THEN s.r ->> 'end_behavior' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'phases'), stripe._timestamp(s.r -> 'released_at'), CASE jsonb_typeof(s.r -> 'released_subscription') WHEN 'string' THEN s.r ->> 'released_subscription' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'subscription'), stripe._ref_id(s.r -> 'test_clock'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('subscription_schedule', 'subscription_schedules', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_tax_calculation_line_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."tax_calculation_line_items" AS t ("id", "amount", "amount_tax", "livemode", "metadata", "object", "product", "quantity", "reference", "tax_behavior", "tax_breakdown", "tax_code", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_tax'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'product') WHEN 'string' THEN s.r ->> 'product' END, stripe._bigint(s.r -> 'quantity'), CASE jsonb_typeof(s.r -> 'reference') WHEN 'string' THEN s.r ->> 'reference' END, CASE jsonb_typeof(s.r -> 'tax_behavior') WHEN 'string' THEN s.r ->> 'tax_behavior' END, stripe._jsonb(s.r -> 'tax_breakdown'), CASE jsonb_typeof(s.r -> 'tax_code') WHEN 'string' THEN s.r ->> 'tax_code' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "amount_tax" = EXCLUDED."amount_tax", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "product" = EXCLUDED."product", "quantity" = EXCLUDED."quantity", "reference" = EXCLUDED."reference", "tax_behavior" = EXCLUDED."tax_behavior", "tax_breakdown" = EXCLUDED."tax_breakdown", "tax_code" = EXCLUDED."tax_code", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_tax_calculation_line_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."tax_calculation_line_items" AS t ("id", "amount", "amount_tax", "livemode", "metadata", "object", "product", "quantity", "reference", "tax_behavior", "tax_breakdown", "tax_code", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_tax'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'product') WHEN 'string' THEN s.r ->> 'product' END, stripe._bigint(s.r -> 'quantity'), CASE jsonb_typeof(s.r -> 'reference') WHEN 'string' THEN s.r ->> 'reference' END, CASE jsonb_typeof(s.r -> 'tax_behavior') WHEN 'string' THEN s.r ->> 'tax_behavior' END, stripe._jsonb(s.r -> 'tax_breakdown'), CASE jsonb_typeof(s.r -> 'tax_code') WHEN 'string' THEN s.r ->> 'tax_code' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('tax.calculation_line_item', 'tax_calculation_line_items', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_tax_registrations"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."tax_registrations" AS t ("id", "active_from", "country", "country_options", "created", "expires_at", "livemode", "object", "status", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'active_from'), CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, stripe._jsonb(s.r -> 'country_options'), stripe._timestamp(s.r -> 'created'), stripe._timestamp(s.r -> 'expires_at'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active_from" = EXCLUDED."active_from", "country" = EXCLUDED."country", "country_options" = EXCLUDED."country_options", "created" = EXCLUDED."created", "expires_at" = EXCLUDED."expires_at", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "status" = EXCLUDED."status", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_tax_registrations"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."tax_registrations" AS t ("id", "active_from", "country", "country_options", "created", "expires_at", "livemode", "object", "status", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'active_from'), CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, stripe._jsonb(s.r -> 'country_options'), stripe._timestamp(s.r -> 'created'), stripe._timestamp(s.r -> 'expires_at'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('tax.registration', 'tax_registrations', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_tax_transaction_line_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."tax_transaction_line_items" AS t ("id", "amount", "amount_tax", "livemode", "metadata", "object", "product", "quantity", "reference", "reversal", "tax_behavior", "tax_code", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_tax'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'product') WHEN 'string' THEN s.r ->> 'product' END, stripe._bigint(s.r -> 'quantity'), CASE jsonb_typeof(s.r -> 'reference') WHEN 'string' THEN s.r ->> 'reference' END, stripe._jsonb(s.r -> 'reversal'), CASE jsonb_typeof(s.r -> 'tax_behavior') WHEN 'string' THEN s.r ->> 'tax_behavior' END, CASE jsonb_typeof(s.r -> 'tax_code') WHEN 'string' THEN s.r ->> 'tax_code' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "amount_tax" = EXCLUDED."amount_tax", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "product" = EXCLUDED."product", "quantity" = EXCLUDED."quantity", "reference" = EXCLUDED."reference", "reversal" = EXCLUDED."reversal", "tax_behavior" = EXCLUDED."tax_behavior", "tax_code" = EXCLUDED."tax_code", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_tax_transaction_line_items"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."tax_transaction_line_items" AS t ("id", "amount", "amount_tax", "livemode", "metadata", "object", "product", "quantity", "reference", "reversal", "tax_behavior", "tax_code", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_tax'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'product') WHEN 'string' THEN s.r ->> 'product' END, stripe._bigint(s.r -> 'quantity'), CASE jsonb_typeof(s.r -> 'reference') WHEN 'string' THEN s.r ->> 'reference' END, stripe._jsonb(s.r -> 'reversal'), CASE jsonb_typeof(s.r -> 'tax_behavior') WHEN 'string' THEN s.r ->> 'tax_behavior' END, CASE jsonb_typeof(s.r -> 'tax_code') WHEN 'string' THEN s.r ->> 'tax_code' END, CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('tax.transaction_line_item', 'tax_transaction_line_items', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_tax_codes"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."tax_codes" AS t ("id", "description", "name", "object", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "description" = EXCLUDED."description", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_tax_codes"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."tax_codes" AS t ("id", "description", "name", "object", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('tax_code', 'tax_codes', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_tax_ids"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."tax_ids" AS t ("id", "country", "created", "customer", "customer_account", "livemode", "object", "owner", "type", "value", "verification", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'owner'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'value') WHEN 'string' THEN s.r ->> 'value' END, stripe._jsonb(s.r -> 'verification'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "country" = EXCLUDED."country", "created" = EXCLUDED."created", "customer" = EXCLUDED."customer", "customer_account" = EXCLUDED."customer_account", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "owner" = EXCLUDED."owner", "type" = EXCLUDED."type", "value" = EXCLUDED."value", "verification" = EXCLUDED."verification", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_tax_ids"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."tax_ids" AS t ("id", "country", "created", "customer", "customer_account", "livemode", "object", "owner", "type", "value", "verification", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, stripe._timestamp(s.r -> 'created'), stripe._ref_id(s.r -> 'customer'), CASE jsonb_typeof(s.r -> 'customer_account') WHEN 'string' THEN s.r ->> 'customer_account' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'owner'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, CASE jsonb_typeof(s.r -> 'value') WHEN 'string' THEN s.r ->> 'value' END, stripe._jsonb(s.r -> 'verification'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('tax_id', 'tax_ids', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_tax_rates"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."tax_rates" AS t ("id", "active", "country", "created", "description", "display_name", "effective_percentage", "flat_amount", "inclusive", "jurisdiction", "jurisdiction_level", "livemode", "metadata", "object", "percentage", "rate_type", "state", "tax_type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'display_name') WHEN 'string' THEN s.r ->> 'display_name' END, stripe._numeric(s.r -> 'effective_percentage'), stripe._jsonb(s.r -> 'flat_amount'), stripe._boolean(s.r -> 'inclusive'), CASE jsonb_typeof(s.r -> 'jurisdiction') WHEN 'string' THEN s.r ->> 'jurisdiction' END, CASE jsonb_typeof(s.r -> 'jurisdiction_level') WHEN 'string' THEN s.r ->> 'jurisdiction_level' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._numeric(s.r -> 'percentage'), CASE jsonb_typeof(s.r -> 'rate_type') WHEN 'string' THEN s.r ->> 'rate_type' END, CASE jsonb_typeof(s.r -> 'state') WHEN 'string' THEN s.r ->> 'state' END, CASE jsonb_typeof(s.r -> 'tax_type') WHEN 'string' THEN s.r ->> 'tax_type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active" = EXCLUDED."active", "country" = EXCLUDED."country", "created" = EXCLUDED."created", "description" = EXCLUDED."description", "display_name" = EXCLUDED."display_name", "effective_percentage" = EXCLUDED."effective_percentage", "flat_amount" = EXCLUDED."flat_amount", "inclusive" = EXCLUDED."inclusive", "jurisdiction" = EXCLUDED."jurisdiction", "jurisdiction_level" = EXCLUDED."jurisdiction_level", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "percentage" = EXCLUDED."percentage", "rate_type" = EXCLUDED."rate_type", "state" = EXCLUDED."state", "tax_type" = EXCLUDED."tax_type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_tax_rates"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."tax_rates" AS t ("id", "active", "country", "created", "description", "display_name", "effective_percentage", "flat_amount", "inclusive", "jurisdiction", "jurisdiction_level", "livemode", "metadata", "object", "percentage", "rate_type", "state", "tax_type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._boolean(s.r -> 'active'), CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'display_name') WHEN 'string' THEN s.r ->> 'display_name' END, stripe._numeric(s.r -> 'effective_percentage'), stripe._jsonb(s.r -> 'flat_amount'), stripe._boolean(s.r -> 'inclusive'), CASE jsonb_typeof(s.r -> 'jurisdiction') WHEN 'string' THEN s.r ->> 'jurisdiction' END, CASE jsonb_typeof(s.r -> 'jurisdiction_level') WHEN 'string' THEN s.r ->> 'jurisdiction_level' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._numeric(s.r -> 'percentage'), CASE jsonb_typeof(s.r -> 'rate_type') WHEN 'string' THEN s.r ->> 'rate_type' END, CASE jsonb_typeof(s.r -> 'state') WHEN 'string' THEN s.r ->> 'state' END, CASE jsonb_typeof(s.r -> 'tax_type') WHEN 'string' THEN s.r ->> 'tax_type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('tax_rate', 'tax_rates', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_terminal_configurations"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."terminal_configurations" AS t ("id", "bbpos_wisepad3", "bbpos_wisepos_e", "cellular", "is_account_default", "livemode", "name", "object", "offline", "reboot_window", "stripe_s700", "stripe_s710", "tipping", "verifone_p400", "wifi", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'bbpos_wisepad3'), stripe._jsonb(s.r -> 'bbpos_wisepos_e'), stripe._jsonb(s.r -> 'cellular'), stripe._boolean(s.r -> 'is_account_default'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'offline'), stripe._jsonb(s.r -> 'reboot_window'), stripe._jsonb(s.r -> 'stripe_s700'), stripe._jsonb(s.r -> 'stripe_s710'), stripe._jsonb(s.r -> 'tipping'), stripe._jsonb(s.r -> 'verifone_p400'), stripe._jsonb(s.r -> 'wifi'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "bbpos_wisepad3" = EXCLUDED."bbpos_wisepad3", "bbpos_wisepos_e" = EXCLUDED."bbpos_wisepos_e", "cellular" = EXCLUDED."cellular", "is_account_default" = EXCLUDED."is_account_default", "livemode" = EXCLUDED."livemode", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "offline" = EXCLUDED."offline", "reboot_window" = EXCLUDED."reboot_window", "stripe_s700" = EXCLUDED."stripe_s700", "stripe_s710" = EXCLUDED."stripe_s710", "tipping" = EXCLUDED."tipping", "verifone_p400" = EXCLUDED."verifone_p400", "wifi" = EXCLUDED."wifi", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_terminal_configurations"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."terminal_configurations" AS t ("id", "bbpos_wisepad3", "bbpos_wisepos_e", "cellular", "is_account_default", "livemode", "name", "object", "offline", "reboot_window", "stripe_s700", "stripe_s710", "tipping", "verifone_p400", "wifi", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'bbpos_wisepad3'), stripe._jsonb(s.r -> 'bbpos_wisepos_e'), stripe._jsonb(s.r -> 'cellular'), stripe._boolean(s.r -> 'is_account_default'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'offline'), stripe._jsonb(s.r -> 'reboot_window'), stripe._jsonb(s.r -> 'stripe_s700'), stripe._jsonb(s.r -> 'stripe_s710'), stripe._jsonb(s.r -> 'tipping'), stripe._jsonb(s.r -> 'verifone_p400'), stripe._jsonb(s.r -> 'wifi'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('terminal.configuration', 'terminal_configurations', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_terminal_locations"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."terminal_locations" AS t ("id", "address", "address_kana", "address_kanji", "configuration_overrides", "display_name", "display_name_kana", "display_name_kanji", "livemode", "metadata", "object", "phone", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'address'), stripe._jsonb(s.r -> 'address_kana'), stripe._jsonb(s.r -> 'address_kanji'), CASE jsonb_typeof(s.r -> 'configuration_overrides') WHEN 'string' THEN s.r ->> 'configuration_overrides' END, CASE jsonb_typeof(s.r -> 'display_name') WHEN 'string' THEN s.r ->> 'display_name' END, CASE jsonb_typeof(s.r -> 'display_name_kana') WHEN 'string' THEN s.r ->> 'display_name_kana' END, CASE jsonb_typeof(s.r -> 'display_name_kanji') WHEN 'string' THEN s.r ->> 'display_name_kanji' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'phone') WHEN 'string' THEN s.r ->> 'phone' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "address" = EXCLUDED."address", "address_kana" = EXCLUDED."address_kana", "address_kanji" = EXCLUDED."address_kanji", "configuration_overrides" = EXCLUDED."configuration_overrides", "display_name" = EXCLUDED."display_name", "display_name_kana" = EXCLUDED."display_name_kana", "display_name_kanji" = EXCLUDED."display_name_kanji", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "phone" = EXCLUDED."phone", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_terminal_locations"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."terminal_locations" AS t ("id", "address", "address_kana", "address_kanji", "configuration_overrides", "display_name", "display_name_kana", "display_name_kanji", "livemode", "metadata", "object", "phone", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'address'), stripe._jsonb(s.r -> 'address_kana'), stripe._jsonb(s.r -> 'address_kanji'), CASE jsonb_typeof(s.r -> 'configuration_overrides') WHEN 'string' THEN s.r ->> 'configuration_overrides' END, CASE jsonb_typeof(s.r -> 'display_name') WHEN 'string' THEN s.r ->> 'display_name' END, CASE jsonb_typeof(s.r -> 'display_name_kana') WHEN 'string' THEN s.r ->> 'display_name_kana' END, CASE jsonb_typeof(s.r -> 'display_name_kanji') WHEN 'string' THEN s.r ->> 'display_name_kanji' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'phone') WHEN 'string' THEN s.r ->> 'phone' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('terminal.location', 'terminal_locations', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_terminal_readers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."terminal_readers" AS t ("id", "action", "device_sw_version", "device_type", "ip_address", "label", "last_seen_at", "livemode", "location", "metadata", "object", "serial_number", "status", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'action'), CASE jsonb_typeof(s.r -> 'device_sw_version') WHEN 'string' THEN s.r ->> 'device_sw_version' END, CASE jsonb_typeof(s.r -> 'device_type') WHEN 'string' THEN s.r ->> 'device_type' END, CASE jsonb_typeof(s.r -> 'ip_address') WHEN 'string' THEN s.r ->> 'ip_address' END, CASE jsonb_typeof(s.r -> 'label') WHEN 'string' THEN s.r ->> 'label' END, stripe._timestamp(s.r -> 'last_seen_at'), stripe._boolean(s.r -> 'livemode'), stripe._ref_id(s.r -> 'location'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'serial_number') WHEN 'string' THEN s.r ->> 'serial_number' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "action" = EXCLUDED."action", "device_sw_version" = EXCLUDED."device_sw_version", "device_type" = EXCLUDED."device_type", "ip_address" = EXCLUDED."ip_address", "label" = EXCLUDED."label", "last_seen_at" = EXCLUDED."last_seen_at", "livemode" = EXCLUDED."livemode", "location" = EXCLUDED."location", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "serial_number" = EXCLUDED."serial_number", "status" = EXCLUDED."status", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_terminal_readers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."terminal_readers" AS t ("id", "action", "device_sw_version", "device_type", "ip_address", "label", "last_seen_at", "livemode", "location", "metadata", "object", "serial_number", "status", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'action'), CASE jsonb_typeof(s.r -> 'device_sw_version') WHEN 'string' THEN s.r ->> 'device_sw_version' END, CASE jsonb_typeof(s.r -> 'device_type') WHEN 'string' THEN s.r ->> 'device_type' END, CASE jsonb_typeof(s.r -> 'ip_address') WHEN 'string' THEN s.r ->> 'ip_address' END, CASE jsonb_typeof(s.r -> 'label') WHEN 'string' THEN s.r ->> 'label' END, stripe._timestamp(s.r -> 'last_seen_at'), stripe._boolean(s.r -> 'livemode'), stripe._ref_id(s.r -> 'location'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'serial_number') WHEN 'string' THEN s.r ->> 'serial_number' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('terminal.reader', 'terminal_readers', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_test_clocks"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."test_clocks" AS t ("id", "created", "deletes_after", "frozen_time", "livemode", "name", "object", "status", "status_details", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._timestamp(s.r -> 'deletes_after'), stripe._timestamp(s.r -> 'frozen_time'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_details'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "created" = EXCLUDED."created", "deletes_after" = EXCLUDED."deletes_after", "frozen_time" = EXCLUDED."frozen_time", "livemode" = EXCLUDED."livemode", "name" = EXCLUDED."name", "object" = EXCLUDED."object", "status" = EXCLUDED."status", "status_details" = EXCLUDED."status_details", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_test_clocks"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."test_clocks" AS t ("id", "created", "deletes_after", "frozen_time", "livemode", "name", "object", "status", "status_details", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._timestamp(s.r -> 'created'), stripe._timestamp(s.r -> 'deletes_after'), stripe._timestamp(s.r -> 'frozen_time'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'name') WHEN 'string' THEN s.r ->> 'name' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_details'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('test_helpers.test_clock', 'test_clocks', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_topups"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."topups" AS t ("id", "amount", "balance_transaction", "created", "currency", "description", "expected_availability_date", "failure_code", "failure_message", "livemode", "metadata", "object", "source", "statement_descriptor", "status", "transfer_group", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._bigint(s.r -> 'expected_availability_date'), CASE jsonb_typeof(s.r -> 'failure_code') WHEN 'string' THEN s.r ->> 'failure_code' END, CASE jsonb_typeof(s.r -> 'failure_message') WHEN 'string' THEN s.r ->> 'failure_message' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'source'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'transfer_group') WHEN 'string' THEN s.r ->> 'transfer_group' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "balance_transaction" = EXCLUDED."balance_transaction", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "expected_availability_date" = EXCLUDED."expected_availability_date", "failure_code" = EXCLUDED."failure_code", "failure_message" = EXCLUDED."failure_message", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "source" = EXCLUDED."source", "statement_descriptor" = EXCLUDED."statement_descriptor", "status" = EXCLUDED."status", "transfer_group" = EXCLUDED."transfer_group", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_topups"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."topups" AS t ("id", "amount", "balance_transaction", "created", "currency", "description", "expected_availability_date", "failure_code", "failure_message", "livemode", "metadata", "object", "source", "statement_descriptor", "status", "transfer_group", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._bigint(s.r -> 'expected_availability_date'), CASE jsonb_typeof(s.r -> 'failure_code') WHEN 'string' THEN s.r ->> 'failure_code' END, CASE jsonb_typeof(s.r -> 'failure_message') WHEN 'string' THEN s.r ->> 'failure_message' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'source'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'transfer_group') WHEN 'string' THEN s.r ->> 'transfer_group' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('topup', 'topups', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_transfers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."transfers" AS t ("id", "amount", "amount_reversed", "balance_transaction", "created", "currency", "description", "destination", "destination_payment", "livemode", "metadata", "object", "reversals", "reversed", "source_transaction", "source_type", "transfer_group", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_reversed'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._ref_id(s.r -> 'destination'), stripe._ref_id(s.r -> 'destination_payment'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'reversals'), stripe._boolean(s.r -> 'reversed'), stripe._ref_id(s.r -> 'source_transaction'), CASE jsonb_typeof(s.r -> 'source_type') WHEN 'string' THEN s.r ->> 'source_type' END, CASE jsonb_typeof(s.r -> 'transfer_group') WHEN 'string' THEN s.r ->> 'transfer_group' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "amount_reversed" = EXCLUDED."amount_reversed", "balance_transaction" = EXCLUDED."balance_transaction", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "destination" = EXCLUDED."destination", "destination_payment" = EXCLUDED."destination_payment", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "reversals" = EXCLUDED."reversals", "reversed" = EXCLUDED."reversed", "source_transaction" = EXCLUDED."source_transaction", "source_type" = EXCLUDED."source_type", "transfer_group" = EXCLUDED."transfer_group", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_transfers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."transfers" AS t ("id", "amount", "amount_reversed", "balance_transaction", "created", "currency", "description", "destination", "destination_payment", "livemode", "metadata", "object", "reversals", "reversed", "source_transaction", "source_type", "transfer_group", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._bigint(s.r -> 'amount_reversed'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._ref_id(s.r -> 'destination'), stripe._ref_id(s.r -> 'destination_payment'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'reversals'), stripe._boolean(s.r -> 'reversed'), stripe._ref_id(s.r -> 'source_transaction'), CASE jsonb_typeof(s.r -> 'source_type') WHEN 'string' THEN s.r ->> 'source_type' END, CASE jsonb_typeof(s.r -> 'transfer_group') WHEN 'string' THEN s.r ->> 'transfer_group' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('transfer', 'transfers', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_transfer_reversals"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."transfer_reversals" AS t ("id", "amount", "balance_transaction", "created", "currency", "destination_payment_refund", "metadata", "object", "source_refund", "transfer", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'destination_payment_refund'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'source_refund'), stripe._ref_id(s.r -> 'transfer'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "balance_transaction" = EXCLUDED."balance_transaction", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "destination_payment_refund" = EXCLUDED."destination_payment_refund", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "source_refund" = EXCLUDED."source_refund", "transfer" = EXCLUDED."transfer", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_transfer_reversals"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."transfer_reversals" AS t ("id", "amount", "balance_transaction", "created", "currency", "destination_payment_refund", "metadata", "object", "source_refund", "transfer", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._ref_id(s.r -> 'balance_transaction'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._ref_id(s.r -> 'destination_payment_refund'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'source_refund'), stripe._ref_id(s.r -> 'transfer'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('transfer_reversal', 'transfer_reversals', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_treasury_credit_reversals"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_credit_reversals" AS t ("id", "amount", "created", "currency", "financial_account", "hosted_regulatory_receipt_url", "livemode", "metadata", "network", "object", "received_credit", "status", "status_transitions", "transaction", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'network') WHEN 'string' THEN s.r ->> 'network' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'received_credit') WHEN 'string' THEN s.r ->> 'received_credit' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "financial_account" = EXCLUDED."financial_account", "hosted_regulatory_receipt_url" = EXCLUDED."hosted_regulatory_receipt_url", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "network" = EXCLUDED."network", "object" = EXCLUDED."object", "received_credit" = EXCLUDED."received_credit", "status" = EXCLUDED."status", "status_transitions" = EXCLUDED."status_transitions", "transaction" = EXCLUDED."transaction", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_treasury_credit_reversals"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_credit_reversals" AS t ("id", "amount", "created", "currency", "financial_account", "hosted_regulatory_receipt_url", "livemode", "metadata", "network", "object", "received_credit", "status", "status_transitions", "transaction", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'network') WHEN 'string' THEN s.r ->> 'network' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'received_credit') WHEN 'string' THEN s.r ->> 'received_credit' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('treasury.credit_reversal', 'treasury_credit_reversals', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_treasury_debit_reversals"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_debit_reversals" AS t ("id", "amount", "created", "currency", "financial_account", "hosted_regulatory_receipt_url", "linked_flows", "livemode", "metadata", "network", "object", "received_debit", "status", "status_transitions", "transaction", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._jsonb(s.r -> 'linked_flows'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'network') WHEN 'string' THEN s.r ->> 'network' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'received_debit') WHEN 'string' THEN s.r ->> 'received_debit' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "financial_account" = EXCLUDED."financial_account", "hosted_regulatory_receipt_url" = EXCLUDED."hosted_regulatory_receipt_url", "linked_flows" = EXCLUDED."linked_flows", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "network" = EXCLUDED."network", "object" = EXCLUDED."object", "received_debit" = EXCLUDED."received_debit", "status" = EXCLUDED."status", "status_transitions" = EXCLUDED."status_transitions", "transaction" = EXCLUDED."transaction", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_treasury_debit_reversals"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_debit_reversals" AS t ("id", "amount", "created", "currency", "financial_account", "hosted_regulatory_receipt_url", "linked_flows", "livemode", "metadata", "network", "object", "received_debit", "status", "status_transitions", "transaction", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._jsonb(s.r -> 'linked_flows'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'network') WHEN 'string' THEN s.r ->> 'network' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'received_debit') WHEN 'string' THEN s.r ->> 'received_debit' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('treasury.debit_reversal', 'treasury_debit_reversals', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_treasury_financial_accounts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_financial_accounts" AS t ("id", "active_features", "balance", "country", "created", "features", "financial_addresses", "is_default", "livemode", "metadata", "nickname", "object", "pending_features", "platform_restrictions", "restricted_features", "status", "status_details", "supported_currencies", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'active_features'), stripe._jsonb(s.r -> 'balance'), CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'features'), stripe._jsonb(s.r -> 'financial_addresses'), stripe._boolean(s.r -> 'is_default'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'nickname') WHEN 'string' THEN s.r ->> 'nickname' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'pending_features'), stripe._jsonb(s.r -> 'platform_restrictions'), stripe._jsonb(s.r -> 'restricted_features'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_details'), stripe._jsonb(s.r -> 'supported_currencies'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "active_features" = EXCLUDED."active_features", "balance" = EXCLUDED."balance", "country" = EXCLUDED."country", "created" = EXCLUDED."created", "features" = EXCLUDED."features", "financial_addresses" = EXCLUDED."financial_addresses", "is_default" = EXCLUDED."is_default", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "nickname" = EXCLUDED."nickname", "object" = EXCLUDED."object", "pending_features" = EXCLUDED."pending_features", "platform_restrictions" = EXCLUDED."platform_restrictions", "restricted_features" = EXCLUDED."restricted_features", "status" = EXCLUDED."status", "status_details" = EXCLUDED."status_details", "supported_currencies" = EXCLUDED."supported_currencies", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_treasury_financial_accounts"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_financial_accounts" AS t ("id", "active_features", "balance", "country", "created", "features", "financial_addresses", "is_default", "livemode", "metadata", "nickname", "object", "pending_features", "platform_restrictions", "restricted_features", "status", "status_details", "supported_currencies", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'active_features'), stripe._jsonb(s.r -> 'balance'), CASE jsonb_typeof(s.r -> 'country') WHEN 'string' THEN s.r ->> 'country' END, stripe._timestamp(s.r -> 'created'), stripe._jsonb(s.r -> 'features'), stripe._jsonb(s.r -> 'financial_addresses'), stripe._boolean(s.r -> 'is_default'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'nickname') WHEN 'string' THEN s.r ->> 'nickname' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'pending_features'), stripe._jsonb(s.r -> 'platform_restrictions'), stripe._jsonb(s.r -> 'restricted_features'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_details'), stripe._jsonb(s.r -> 'supported_currencies'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('treasury.financial_account', 'treasury_financial_accounts', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_treasury_inbound_transfers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_inbound_transfers" AS t ("id", "amount", "cancelable", "created", "currency", "description", "failure_details", "financial_account", "hosted_regulatory_receipt_url", "linked_flows", "livemode", "metadata", "object", "origin_payment_method", "origin_payment_method_details", "returned", "statement_descriptor", "status", "status_transitions", "transaction", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._boolean(s.r -> 'cancelable'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'failure_details'), CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._jsonb(s.r -> 'linked_flows'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'origin_payment_method') WHEN 'string' THEN s.r ->> 'origin_payment_method' END, stripe._jsonb(s.r -> 'origin_payment_method_details'), stripe._boolean(s.r -> 'returned'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "cancelable" = EXCLUDED."cancelable", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "failure_details" = EXCLUDED."failure_details", "financial_account" = EXCLUDED."financial_account", "hosted_regulatory_receipt_url" = EXCLUDED."hosted_regulatory_receipt_url", "linked_flows" = EXCLUDED."linked_flows", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "origin_payment_method" = EXCLUDED."origin_payment_method", "origin_payment_method_details" = EXCLUDED."origin_payment_method_details", "returned" = EXCLUDED."returned", "statement_descriptor" = EXCLUDED."statement_descriptor", "status" = EXCLUDED."status", "status_transitions" = EXCLUDED."status_transitions", "transaction" = EXCLUDED."transaction", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_treasury_inbound_transfers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_inbound_transfers" AS t ("id", "amount", "cancelable", "created", "currency", "description", "failure_details", "financial_account", "hosted_regulatory_receipt_url", "linked_flows", "livemode", "metadata", "object", "origin_payment_method", "origin_payment_method_details", "returned", "statement_descriptor", "status", "status_transitions", "transaction", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._boolean(s.r -> 'cancelable'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'failure_details'), CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._jsonb(s.r -> 'linked_flows'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'origin_payment_method') WHEN 'string' THEN s.r ->> 'origin_payment_method' END, stripe._jsonb(s.r -> 'origin_payment_method_details'), stripe._boolean(s.r -> 'returned'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('treasury.inbound_transfer', 'treasury_inbound_transfers', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_treasury_outbound_payments"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_outbound_payments" AS t ("id", "amount", "cancelable", "created", "currency", "customer", "description", "destination_payment_method", "destination_payment_method_details", "end_user_details", "expected_arrival_date", "financial_account", "hosted_regulatory_receipt_url", "livemode", "metadata", "object", "returned_details", "statement_descriptor", "status", "status_transitions", "tracking_details", "transaction", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._boolean(s.r -> 'cancelable'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'customer') WHEN 'string' THEN s.r ->> 'customer' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'destination_payment_method') WHEN 'string' THEN s.r ->> 'destination_payment_method' END, stripe._jsonb(s.r -> 'destination_payment_method_details'), stripe._jsonb(s.r -> 'end_user_details'), stripe._timestamp(s.r -> 'expected_arrival_date'), CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'returned_details'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._jsonb(s.r -> 'tracking_details'), stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "cancelable" = EXCLUDED."cancelable", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "customer" = EXCLUDED."customer", "description" = EXCLUDED."description", "destination_payment_method" = EXCLUDED."destination_payment_method", "destination_payment_method_details" = EXCLUDED."destination_payment_method_details", "end_user_details" = EXCLUDED."end_user_details", "expected_arrival_date" = EXCLUDED."expected_arrival_date", "financial_account" = EXCLUDED."financial_account", "hosted_regulatory_receipt_url" = EXCLUDED."hosted_regulatory_receipt_url", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "returned_details" = EXCLUDED."returned_details", "statement_descriptor" = EXCLUDED."statement_descriptor", "status" = EXCLUDED."status", "status_transitions" = EXCLUDED."status_transitions", "tracking_details" = EXCLUDED."tracking_details", "transaction" = EXCLUDED."transaction", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_treasury_outbound_payments"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_outbound_payments" AS t ("id", "amount", "cancelable", "created", "currency", "customer", "description", "destination_payment_method", "destination_payment_method_details", "end_user_details", "expected_arrival_date", "financial_account", "hosted_regulatory_receipt_url", "livemode", "metadata", "object", "returned_details", "statement_descriptor", "status", "status_transitions", "tracking_details", "transaction", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._boolean(s.r -> 'cancelable'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'customer') WHEN 'string' THEN s.r ->> 'customer' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'destination_payment_method') WHEN 'string' THEN s.r ->> 'destination_payment_method' END, stripe._jsonb(s.r -> 'destination_payment_method_details'), stripe._jsonb(s.r -> 'end_user_details'), stripe._timestamp(s.r -> 'expected_arrival_date'), CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'returned_details'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._jsonb(s.r -> 'tracking_details'), stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('treasury.outbound_payment', 'treasury_outbound_payments', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_treasury_outbound_transfers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_outbound_transfers" AS t ("id", "amount", "cancelable", "created", "currency", "description", "destination_payment_method", "destination_payment_method_details", "expected_arrival_date", "financial_account", "hosted_regulatory_receipt_url", "livemode", "metadata", "object", "returned_details", "statement_descriptor", "status", "status_transitions", "tracking_details", "transaction", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._boolean(s.r -> 'cancelable'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'destination_payment_method') WHEN 'string' THEN s.r ->> 'destination_payment_method' END, stripe._jsonb(s.r -> 'destination_payment_method_details'), stripe._timestamp(s.r -> 'expected_arrival_date'), CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'returned_details'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._jsonb(s.r -> 'tracking_details'), stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "cancelable" = EXCLUDED."cancelable", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "destination_payment_method" = EXCLUDED."destination_payment_method", "destination_payment_method_details" = EXCLUDED."destination_payment_method_details", "expected_arrival_date" = EXCLUDED."expected_arrival_date", "financial_account" = EXCLUDED."financial_account", "hosted_regulatory_receipt_url" = EXCLUDED."hosted_regulatory_receipt_url", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "returned_details" = EXCLUDED."returned_details", "statement_descriptor" = EXCLUDED."statement_descriptor", "status" = EXCLUDED."status", "status_transitions" = EXCLUDED."status_transitions", "tracking_details" = EXCLUDED."tracking_details", "transaction" = EXCLUDED."transaction", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_treasury_outbound_transfers"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_outbound_transfers" AS t ("id", "amount", "cancelable", "created", "currency", "description", "destination_payment_method", "destination_payment_method_details", "expected_arrival_date", "financial_account", "hosted_regulatory_receipt_url", "livemode", "metadata", "object", "returned_details", "statement_descriptor", "status", "status_transitions", "tracking_details", "transaction", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._boolean(s.r -> 'cancelable'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'destination_payment_method') WHEN 'string' THEN s.r ->> 'destination_payment_method' END, stripe._jsonb(s.r -> 'destination_payment_method_details'), stripe._timestamp(s.r -> 'expected_arrival_date'), CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'returned_details'), CASE jsonb_typeof(s.r -> 'statement_descriptor') WHEN 'string' THEN s.r ->> 'statement_descriptor' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), stripe._jsonb(s.r -> 'tracking_details'), stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('treasury.outbound_transfer', 'treasury_outbound_transfers', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_treasury_received_credits"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_received_credits" AS t ("id", "amount", "created", "currency", "description", "failure_code", "financial_account", "hosted_regulatory_receipt_url", "initiating_payment_method_details", "linked_flows", "livemode", "network", "object", "reversal_details", "status", "transaction", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'failure_code') WHEN 'string' THEN s.r ->> 'failure_code' END, CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._jsonb(s.r -> 'initiating_payment_method_details'), stripe._jsonb(s.r -> 'linked_flows'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'network') WHEN 'string' THEN s.r ->> 'network' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'reversal_details'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "failure_code" = EXCLUDED."failure_code", "financial_account" = EXCLUDED."financial_account", "hosted_regulatory_receipt_url" = EXCLUDED."hosted_regulatory_receipt_url", "initiating_payment_method_details" = EXCLUDED."initiating_payment_method_details", "linked_flows" = EXCLUDED."linked_flows", "livemode" = EXCLUDED."livemode", "network" = EXCLUDED."network", "object" = EXCLUDED."object", "reversal_details" = EXCLUDED."reversal_details", "status" = EXCLUDED."status", "transaction" = EXCLUDED."transaction", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_treasury_received_credits"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_received_credits" AS t ("id", "amount", "created", "currency", "description", "failure_code", "financial_account", "hosted_regulatory_receipt_url", "initiating_payment_method_details", "linked_flows", "livemode", "network", "object", "reversal_details", "status", "transaction", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'failure_code') WHEN 'string' THEN s.r ->> 'failure_code' END, CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._jsonb(s.r -> 'initiating_payment_method_details'), stripe._jsonb(s.r -> 'linked_flows'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'network') WHEN 'string' THEN s.r ->> 'network' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'reversal_details'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('treasury.received_credit', 'treasury_received_credits', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_treasury_received_debits"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_received_debits" AS t ("id", "amount", "created", "currency", "description", "failure_code", "financial_account", "hosted_regulatory_receipt_url", "initiating_payment_method_details", "linked_flows", "livemode", "network", "object", "reversal_details", "status", "transaction", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'failure_code') WHEN 'string' THEN s.r ->> 'failure_code' END, CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._jsonb(s.r -> 'initiating_payment_method_details'), stripe._jsonb(s.r -> 'linked_flows'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'network') WHEN 'string' THEN s.r ->> 'network' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'reversal_details'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "failure_code" = EXCLUDED."failure_code", "financial_account" = EXCLUDED."financial_account", "hosted_regulatory_receipt_url" = EXCLUDED."hosted_regulatory_receipt_url", "initiating_payment_method_details" = EXCLUDED."initiating_payment_method_details", "linked_flows" = EXCLUDED."linked_flows", "livemode" = EXCLUDED."livemode", "network" = EXCLUDED."network", "object" = EXCLUDED."object", "reversal_details" = EXCLUDED."reversal_details", "status" = EXCLUDED."status", "transaction" = EXCLUDED."transaction", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_treasury_received_debits"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_received_debits" AS t ("id", "amount", "created", "currency", "description", "failure_code", "financial_account", "hosted_regulatory_receipt_url", "initiating_payment_method_details", "linked_flows", "livemode", "network", "object", "reversal_details", "status", "transaction", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, CASE jsonb_typeof(s.r -> 'failure_code') WHEN 'string' THEN s.r ->> 'failure_code' END, CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'hosted_regulatory_receipt_url') WHEN 'string' THEN s.r ->> 'hosted_regulatory_receipt_url' END, stripe._jsonb(s.r -> 'initiating_payment_method_details'), stripe._jsonb(s.r -> 'linked_flows'), stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'network') WHEN 'string' THEN s.r ->> 'network' END, CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'reversal_details'), CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._ref_id(s.r -> 'transaction'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('treasury.received_debit', 'treasury_received_debits', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_treasury_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_transactions" AS t ("id", "amount", "balance_impact", "created", "currency", "description", "entries", "financial_account", "flow", "flow_details", "flow_type", "livemode", "object", "status", "status_transitions", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'balance_impact'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'entries'), CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'flow') WHEN 'string' THEN s.r ->> 'flow' END, stripe._jsonb(s.r -> 'flow_details'), CASE jsonb_typeof(s.r -> 'flow_type') WHEN 'string' THEN s.r ->> 'flow_type' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "balance_impact" = EXCLUDED."balance_impact", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "description" = EXCLUDED."description", "entries" = EXCLUDED."entries", "financial_account" = EXCLUDED."financial_account", "flow" = EXCLUDED."flow", "flow_details" = EXCLUDED."flow_details", "flow_type" = EXCLUDED."flow_type", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "status" = EXCLUDED."status", "status_transitions" = EXCLUDED."status_transitions", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_treasury_transactions"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_transactions" AS t ("id", "amount", "balance_impact", "created", "currency", "description", "entries", "financial_account", "flow", "flow_details", "flow_type", "livemode", "object", "status", "status_transitions", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._bigint(s.r -> 'amount'), stripe._jsonb(s.r -> 'balance_impact'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'entries'), CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'flow') WHEN 'string' THEN s.r ->> 'flow' END, stripe._jsonb(s.r -> 'flow_details'), CASE jsonb_typeof(s.r -> 'flow_type') WHEN 'string' THEN s.r ->> 'flow_type' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, stripe._jsonb(s.r -> 'status_transitions'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('treasury.transaction', 'treasury_transactions', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_treasury_transaction_entries"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_transaction_entries" AS t ("id", "balance_impact", "created", "currency", "effective_at", "financial_account", "flow", "flow_details", "flow_type", "livemode", "object", "transaction", "type", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'balance_impact'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._timestamp(s.r -> 'effective_at'), CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'flow') WHEN 'string' THEN s.r ->> 'flow' END, stripe._jsonb(s.r -> 'flow_details'), CASE jsonb_typeof(s.r -> 'flow_type') WHEN 'string' THEN s.r ->> 'flow_type' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'transaction'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "balance_impact" = EXCLUDED."balance_impact", "created" = EXCLUDED."created", "currency" = EXCLUDED."currency", "effective_at" = EXCLUDED."effective_at", "financial_account" = EXCLUDED."financial_account", "flow" = EXCLUDED."flow", "flow_details" = EXCLUDED."flow_details", "flow_type" = EXCLUDED."flow_type", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "transaction" = EXCLUDED."transaction", "type" = EXCLUDED."type", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_treasury_transaction_entries"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."treasury_transaction_entries" AS t ("id", "balance_impact", "created", "currency", "effective_at", "financial_account", "flow", "flow_details", "flow_type", "livemode", "object", "transaction", "type", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, stripe._jsonb(s.r -> 'balance_impact'), stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'currency') WHEN 'string' THEN s.r ->> 'currency' END, stripe._timestamp(s.r -> 'effective_at'), CASE jsonb_typeof(s.r -> 'financial_account') WHEN 'string' THEN s.r ->> 'financial_account' END, CASE jsonb_typeof(s.r -> 'flow') WHEN 'string' THEN s.r ->> 'flow' END, stripe._jsonb(s.r -> 'flow_details'), CASE jsonb_typeof(s.r -> 'flow_type') WHEN 'string' THEN s.r ->> 'flow_type' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._ref_id(s.r -> 'transaction'), CASE jsonb_typeof(s.r -> 'type') WHEN 'string' THEN s.r ->> 'type' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('treasury.transaction_entry', 'treasury_transaction_entries', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_usage_record_summaries"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."usage_record_summaries" AS t ("id", "invoice", "livemode", "object", "period", "subscription_item", "total_usage", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'invoice') WHEN 'string' THEN s.r ->> 'invoice' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'period'), CASE jsonb_typeof(s.r -> 'subscription_item') WHEN 'string' THEN s.r ->> 'subscription_item' END, stripe._bigint(s.r -> 'total_usage'), s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "invoice" = EXCLUDED."invoice", "livemode" = EXCLUDED."livemode", "object" = EXCLUDED."object", "period" = EXCLUDED."period", "subscription_item" = EXCLUDED."subscription_item", "total_usage" = EXCLUDED."total_usage", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_usage_record_summaries"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."usage_record_summaries" AS t ("id", "invoice", "livemode", "object", "period", "subscription_item", "total_usage", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'invoice') WHEN 'string' THEN s.r ->> 'invoice' END, stripe._boolean(s.r -> 'livemode'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, stripe._jsonb(s.r -> 'period'), CASE jsonb_typeof(s.r -> 'subscription_item') WHEN 'string' THEN s.r ->> 'subscription_item' END, stripe._bigint(s.r -> 'total_usage'), s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('usage_record_summary', 'usage_record_summaries', NULL, NULL);
CREATE OR REPLACE FUNCTION stripe_sync."_upsert_webhook_endpoints"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."webhook_endpoints" AS t ("id", "api_version", "application", "created", "description", "enabled_events", "livemode", "metadata", "object", "secret", "status", "url", "_raw_data", "_account_id", "_updated_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'api_version') WHEN 'string' THEN s.r ->> 'api_version' END, CASE jsonb_typeof(s.r -> 'application') WHEN 'string' THEN s.r ->> 'application' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'enabled_events'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'secret') WHEN 'string' THEN s.r ->> 'secret' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "api_version" = EXCLUDED."api_version", "application" = EXCLUDED."application", "created" = EXCLUDED."created", "description" = EXCLUDED."description", "enabled_events" = EXCLUDED."enabled_events", "livemode" = EXCLUDED."livemode", "metadata" = EXCLUDED."metadata", "object" = EXCLUDED."object", "secret" = EXCLUDED."secret", "status" = EXCLUDED."status", "url" = EXCLUDED."url", "_raw_data" = EXCLUDED."_raw_data", "_account_id" = EXCLUDED."_account_id", "_updated_at" = EXCLUDED."_updated_at", "_synced_at" = now()
WHERE t."_deleted_at" IS NULL AND t."_updated_at" <= EXCLUDED."_updated_at" AND t."_raw_data" IS DISTINCT FROM EXCLUDED."_raw_data";
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync."_delete_webhook_endpoints"(text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint;
BEGIN
INSERT INTO "stripe"."webhook_endpoints" AS t ("id", "api_version", "application", "created", "description", "enabled_events", "livemode", "metadata", "object", "secret", "status", "url", "_raw_data", "_account_id", "_updated_at", "_deleted_at")
SELECT DISTINCT ON (s.r ->> 'id') CASE jsonb_typeof(s.r -> 'id') WHEN 'string' THEN s.r ->> 'id' END, CASE jsonb_typeof(s.r -> 'api_version') WHEN 'string' THEN s.r ->> 'api_version' END, CASE jsonb_typeof(s.r -> 'application') WHEN 'string' THEN s.r ->> 'application' END, stripe._timestamp(s.r -> 'created'), CASE jsonb_typeof(s.r -> 'description') WHEN 'string' THEN s.r ->> 'description' END, stripe._jsonb(s.r -> 'enabled_events'), stripe._boolean(s.r -> 'livemode'), stripe._jsonb(s.r -> 'metadata'), CASE jsonb_typeof(s.r -> 'object') WHEN 'string' THEN s.r ->> 'object' END, CASE jsonb_typeof(s.r -> 'secret') WHEN 'string' THEN s.r ->> 'secret' END, CASE jsonb_typeof(s.r -> 'status') WHEN 'string' THEN s.r ->> 'status' END, CASE jsonb_typeof(s.r -> 'url') WHEN 'string' THEN s.r ->> 'url' END, s.r, s.a, s.u, s.u
FROM unnest($1::text[]::jsonb[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s (r, a, u, n)
WHERE s.r ->> 'id' IS NOT NULL
ORDER BY s.r ->> 'id', s.u DESC, s.n DESC
ON CONFLICT ("id") DO UPDATE SET "_raw_data" = t."_raw_data" || EXCLUDED."_raw_data", "_deleted_at" = EXCLUDED."_deleted_at", "_updated_at" = GREATEST(t."_updated_at", EXCLUDED."_updated_at"), "_synced_at" = now()
WHERE t."_deleted_at" IS NULL;
GET DIAGNOSTICS n = ROW_COUNT;
RETURN n;
END
$fn$;
INSERT INTO stripe_sync.sql_resources (object, table_name, owner_column, owner_object) VALUES ('webhook_endpoint', 'webhook_endpoints', NULL, NULL);
INSERT INTO stripe_sync.sql_embedded_lists (parent_object, position, field, item_object, complete) VALUES
('account', 0, 'external_accounts', 'bank_account', false),
('account', 1, 'external_accounts', 'card', false),
('application_fee', 0, 'refunds', 'fee_refund', true),
('charge', 0, 'refunds', 'refund', true),
('checkout.session', 0, 'line_items', 'item', true),
('credit_note', 0, 'lines', 'credit_note_line_item', true),
('customer', 0, 'sources', 'bank_account', true),
('customer', 1, 'sources', 'card', true),
('customer', 2, 'sources', 'source', true),
('customer', 3, 'subscriptions', 'subscription', false),
('customer', 4, 'tax_ids', 'tax_id', true),
('file', 0, 'links', 'file_link', true),
('invoice', 0, 'lines', 'line_item', true),
('invoice', 1, 'payments', 'invoice_payment', true),
('payment_intent', 0, 'amount_details.line_items', 'payment_intent_amount_details_line_item', true),
('payment_link', 0, 'line_items', 'item', true),
('quote', 0, 'line_items', 'item', true),
('radar.value_list', 0, 'list_items', 'radar.value_list_item', true),
('subscription', 0, 'items', 'subscription_item', true),
('transfer', 0, 'reversals', 'transfer_reversal', true),
('treasury.transaction', 0, 'entries', 'treasury.transaction_entry', true);
INSERT INTO stripe_sync.sql_event_types (name, table_name, is_delete) VALUES
('account.application.authorized', NULL, false),
('account.application.deauthorized', NULL, false),
('account.external_account.created', NULL, false),
('account.external_account.deleted', NULL, true),
('account.external_account.updated', NULL, false),
('account.updated', 'accounts', false),
('application_fee.created', 'application_fees', false),
('application_fee.refund.updated', 'application_fee_refunds', false),
('application_fee.refunded', 'application_fees', false),
('balance.available', NULL, false),
('balance_settings.updated', NULL, false),
('billing.alert.triggered', 'billing_alerts', false),
('billing.credit_grant.created', 'billing_credit_grants', false),
('billing_portal.configuration.created', 'billing_portal_configurations', false),
('billing_portal.configuration.updated', 'billing_portal_configurations', false),
('billing_portal.session.created', 'billing_portal_sessions', false),
('capability.updated', 'capabilities', false),
('cash_balance.funds_available', NULL, false),
('charge.captured', 'charges', false),
('charge.dispute.closed', 'disputes', false),
('charge.dispute.created', 'disputes', false),
('charge.dispute.funds_reinstated', 'disputes', false),
('charge.dispute.funds_withdrawn', 'disputes', false),
('charge.dispute.updated', 'disputes', false),
('charge.expired', 'charges', false),
('charge.failed', 'charges', false),
('charge.pending', 'charges', false),
('charge.refund.updated', 'refunds', false),
('charge.refunded', 'charges', false),
('charge.succeeded', 'charges', false),
('charge.updated', 'charges', false),
('checkout.session.async_payment_failed', 'checkout_sessions', false),
('checkout.session.async_payment_succeeded', 'checkout_sessions', false),
('checkout.session.completed', 'checkout_sessions', false),
('checkout.session.expired', 'checkout_sessions', false),
('climate.order.canceled', 'climate_orders', false),
('climate.order.created', 'climate_orders', false),
('climate.order.delayed', 'climate_orders', false),
('climate.order.delivered', 'climate_orders', false),
('climate.order.product_substituted', 'climate_orders', false),
('climate.product.created', 'climate_products', false),
('climate.product.pricing_updated', 'climate_products', false),
('coupon.created', 'coupons', false),
('coupon.deleted', 'coupons', true),
('coupon.updated', 'coupons', false),
('credit_note.created', 'credit_notes', false),
('credit_note.updated', 'credit_notes', false),
('credit_note.voided', 'credit_notes', false),
('customer.created', 'customers', false),
('customer.deleted', 'customers', true),
('customer.discount.created', 'discounts', false),
('customer.discount.deleted', 'discounts', true),
('customer.discount.updated', 'discounts', false),
('customer.source.created', 'sources', false),
('customer.source.deleted', 'sources', true),
('customer.source.expiring', 'sources', false),
('customer.source.updated', 'sources', false),
('customer.subscription.created', 'subscriptions', false),
('customer.subscription.deleted', 'subscriptions', true),
('customer.subscription.paused', 'subscriptions', false),
('customer.subscription.pending_update_applied', 'subscriptions', false),
('customer.subscription.pending_update_expired', 'subscriptions', false),
('customer.subscription.resumed', 'subscriptions', false),
('customer.subscription.trial_will_end', 'subscriptions', false),
('customer.subscription.updated', 'subscriptions', false),
('customer.tax_id.created', 'tax_ids', false),
('customer.tax_id.deleted', 'tax_ids', true),
('customer.tax_id.updated', 'tax_ids', false),
('customer.updated', 'customers', false),
('customer_cash_balance_transaction.created', 'customer_cash_balance_transactions', false),
('entitlements.active_entitlement_summary.updated', NULL, false),
('file.created', 'files', false),
('financial_connections.account.account_numbers_updated', 'financial_connections_accounts', false),
('financial_connections.account.created', 'financial_connections_accounts', false),
('financial_connections.account.deactivated', 'financial_connections_accounts', false),
('financial_connections.account.disconnected', 'financial_connections_accounts', false),
('financial_connections.account.reactivated', 'financial_connections_accounts', false),
('financial_connections.account.refreshed_balance', 'financial_connections_accounts', false),
('financial_connections.account.refreshed_ownership', 'financial_connections_accounts', false),
('financial_connections.account.refreshed_transactions', 'financial_connections_accounts', false),
('financial_connections.account.upcoming_account_number_expiry', 'financial_connections_accounts', false),
('identity.verification_session.canceled', 'identity_verification_sessions', false),
('identity.verification_session.created', 'identity_verification_sessions', false),
('identity.verification_session.processing', 'identity_verification_sessions', false),
('identity.verification_session.redacted', 'identity_verification_sessions', false),
('identity.verification_session.requires_input', 'identity_verification_sessions', false),
('identity.verification_session.verified', 'identity_verification_sessions', false),
('invoice.created', 'invoices', false),
('invoice.deleted', 'invoices', true),
('invoice.finalization_failed', 'invoices', false),
('invoice.finalized', 'invoices', false),
('invoice.marked_uncollectible', 'invoices', false),
('invoice.overdue', 'invoices', false),
('invoice.overpaid', 'invoices', false),
('invoice.paid', 'invoices', false),
('invoice.payment_action_required', 'invoices', false),
('invoice.payment_attempt_required', 'invoices', false),
('invoice.payment_failed', 'invoices', false),
('invoice.payment_succeeded', 'invoices', false),
('invoice.sent', 'invoices', false),
('invoice.upcoming', 'invoices', false),
('invoice.updated', 'invoices', false),
('invoice.voided', 'invoices', false),
('invoice.will_be_due', 'invoices', false),
('invoice_payment.paid', 'invoice_payments', false),
('invoiceitem.created', 'invoice_items', false),
('invoiceitem.deleted', 'invoice_items', true),
('issuing_authorization.created', 'issuing_authorizations', false),
('issuing_authorization.request', 'issuing_authorizations', false),
('issuing_authorization.updated', 'issuing_authorizations', false),
('issuing_card.created', 'issuing_cards', false),
('issuing_card.updated', 'issuing_cards', false),
('issuing_cardholder.created', 'issuing_cardholders', false),
('issuing_cardholder.updated', 'issuing_cardholders', false),
('issuing_dispute.closed', 'issuing_disputes', false),
('issuing_dispute.created', 'issuing_disputes', false),
('issuing_dispute.funds_reinstated', 'issuing_disputes', false),
('issuing_dispute.funds_rescinded', 'issuing_disputes', false),
('issuing_dispute.submitted', 'issuing_disputes', false),
('issuing_dispute.updated', 'issuing_disputes', false),
('issuing_personalization_design.activated', 'issuing_personalization_designs', false),
('issuing_personalization_design.deactivated', 'issuing_personalization_designs', false),
('issuing_personalization_design.rejected', 'issuing_personalization_designs', false),
('issuing_personalization_design.updated', 'issuing_personalization_designs', false),
('issuing_token.created', 'issuing_tokens', false),
('issuing_token.updated', 'issuing_tokens', false),
('issuing_transaction.created', 'issuing_transactions', false),
('issuing_transaction.purchase_details_receipt_updated', 'issuing_transactions', false),
('issuing_transaction.updated', 'issuing_transactions', false),
('mandate.updated', 'mandates', false),
('payment_intent.amount_capturable_updated', 'payment_intents', false),
('payment_intent.canceled', 'payment_intents', false),
('payment_intent.created', 'payment_intents', false),
('payment_intent.partially_funded', 'payment_intents', false),
('payment_intent.payment_failed', 'payment_intents', false),
('payment_intent.processing', 'payment_intents', false),
('payment_intent.requires_action', 'payment_intents', false),
('payment_intent.succeeded', 'payment_intents', false),
('payment_link.created', 'payment_links', false),
('payment_link.updated', 'payment_links', false),
('payment_method.attached', 'payment_methods', false),
('payment_method.automatically_updated', 'payment_methods', false),
('payment_method.detached', 'payment_methods', false),
('payment_method.updated', 'payment_methods', false),
('payout.canceled', 'payouts', false),
('payout.created', 'payouts', false),
('payout.failed', 'payouts', false),
('payout.paid', 'payouts', false),
('payout.reconciliation_completed', 'payouts', false),
('payout.updated', 'payouts', false),
('person.created', 'persons', false),
('person.deleted', 'persons', true),
('person.updated', 'persons', false),
('plan.created', 'plans', false),
('plan.deleted', 'plans', true),
('plan.updated', 'plans', false),
('price.created', 'prices', false),
('price.deleted', 'prices', true),
('price.updated', 'prices', false),
('product.created', 'products', false),
('product.deleted', 'products', true),
('product.updated', 'products', false),
('promotion_code.created', 'promotion_codes', false),
('promotion_code.updated', 'promotion_codes', false),
('quote.accepted', 'quotes', false),
('quote.canceled', 'quotes', false),
('quote.created', 'quotes', false),
('quote.finalized', 'quotes', false),
('radar.early_fraud_warning.created', 'radar_early_fraud_warnings', false),
('radar.early_fraud_warning.updated', 'radar_early_fraud_warnings', false),
('refund.created', 'refunds', false),
('refund.failed', 'refunds', false),
('refund.updated', 'refunds', false),
('reporting.report_run.failed', 'reporting_report_runs', false),
('reporting.report_run.succeeded', 'reporting_report_runs', false),
('reporting.report_type.updated', 'reporting_report_types', false),
('reserve.hold.created', NULL, false),
('reserve.hold.updated', NULL, false),
('reserve.plan.created', 'plans', false),
('reserve.plan.disabled', 'plans', false),
('reserve.plan.expired', 'plans', false),
('reserve.plan.updated', 'plans', false),
('reserve.release.created', NULL, false),
('review.closed', 'reviews', false),
('review.opened', 'reviews', false),
('setup_intent.canceled', 'setup_intents', false),
('setup_intent.created', 'setup_intents', false),
('setup_intent.requires_action', 'setup_intents', false),
('setup_intent.setup_failed', 'setup_intents', false),
('setup_intent.succeeded', 'setup_intents', false),
('sigma.scheduled_query_run.created', 'scheduled_query_runs', false),
('source.canceled', 'sources', false),
('source.chargeable', 'sources', false),
('source.failed', 'sources', false),
('source.mandate_notification', 'sources', false),
('source.refund_attributes_required', 'sources', false),
('source.transaction.created', 'source_transactions', false),
('source.transaction.updated', 'source_transactions', false),
('subscription_schedule.aborted', 'subscription_schedules', false),
('subscription_schedule.canceled', 'subscription_schedules', false),
('subscription_schedule.completed', 'subscription_schedules', false),
('subscription_schedule.created', 'subscription_schedules', false),
('subscription_schedule.expiring', 'subscription_schedules', false),
('subscription_schedule.released', 'subscription_schedules', false),
('subscription_schedule.updated', 'subscription_schedules', false),
('tax.settings.updated', NULL, false),
('tax_rate.created', 'tax_rates', false),
('tax_rate.updated', 'tax_rates', false),
('terminal.reader.action_failed', 'terminal_readers', false),
('terminal.reader.action_succeeded', 'terminal_readers', false),
('terminal.reader.action_updated', 'terminal_readers', false),
('test_helpers.test_clock.advancing', 'test_clocks', false),
('test_helpers.test_clock.created', 'test_clocks', false),
('test_helpers.test_clock.deleted', 'test_clocks', true),
('test_helpers.test_clock.internal_failure', 'test_clocks', false),
('test_helpers.test_clock.ready', 'test_clocks', false),
('topup.canceled', 'topups', false),
('topup.created', 'topups', false),
('topup.failed', 'topups', false),
('topup.reversed', 'topups', false),
('topup.succeeded', 'topups', false),
('transfer.created', 'transfers', false),
('transfer.reversed', 'transfers', false),
('transfer.updated', 'transfers', false),
('treasury.credit_reversal.created', 'treasury_credit_reversals', false),
('treasury.credit_reversal.posted', 'treasury_credit_reversals', false),
('treasury.debit_reversal.completed', 'treasury_debit_reversals', false),
('treasury.debit_reversal.created', 'treasury_debit_reversals', false),
('treasury.debit_reversal.initial_credit_granted', 'treasury_debit_reversals', false),
('treasury.financial_account.closed', 'treasury_financial_accounts', false),
('treasury.financial_account.created', 'treasury_financial_accounts', false),
('treasury.financial_account.features_status_updated', 'treasury_financial_accounts', false),
('treasury.inbound_transfer.canceled', 'treasury_inbound_transfers', false),
('treasury.inbound_transfer.created', 'treasury_inbound_transfers', false),
('treasury.inbound_transfer.failed', 'treasury_inbound_transfers', false),
('treasury.inbound_transfer.succeeded', 'treasury_inbound_transfers', false),
('treasury.outbound_payment.canceled', 'treasury_outbound_payments', false),
('treasury.outbound_payment.created', 'treasury_outbound_payments', false),
('treasury.outbound_payment.expected_arrival_date_updated', 'treasury_outbound_payments', false),
('treasury.outbound_payment.failed', 'treasury_outbound_payments', false),
('treasury.outbound_payment.posted', 'treasury_outbound_payments', false),
('treasury.outbound_payment.returned', 'treasury_outbound_payments', false),
('treasury.outbound_payment.tracking_details_updated', 'treasury_outbound_payments', false),
('treasury.outbound_transfer.canceled', 'treasury_outbound_transfers', false),
('treasury.outbound_transfer.created', 'treasury_outbound_transfers', false),
('treasury.outbound_transfer.expected_arrival_date_updated', 'treasury_outbound_transfers', false),
('treasury.outbound_transfer.failed', 'treasury_outbound_transfers', false),
('treasury.outbound_transfer.posted', 'treasury_outbound_transfers', false),
('treasury.outbound_transfer.returned', 'treasury_outbound_transfers', false),
('treasury.outbound_transfer.tracking_details_updated', 'treasury_outbound_transfers', false),
('treasury.received_credit.created', 'treasury_received_credits', false),
('treasury.received_credit.failed', 'treasury_received_credits', false),
('treasury.received_credit.succeeded', 'treasury_received_credits', false),
('treasury.received_debit.created', 'treasury_received_debits', false);
INSERT INTO stripe_sync.sql_summaries (object, owner_field, list_field, item_object) VALUES
('entitlements.active_entitlement_summary', 'customer', 'entitlements', 'entitlements.active_entitlement');
-- The static dispatchers: a table's statement picked by the table's name.
CREATE OR REPLACE FUNCTION stripe_sync._upsert(text, text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    CASE $1
    WHEN 'accounts' THEN RETURN stripe_sync."_upsert_accounts"($2, $3, $4);
    WHEN 'alipay_accounts' THEN RETURN stripe_sync."_upsert_alipay_accounts"($2, $3, $4);
    WHEN 'apple_pay_domains' THEN RETURN stripe_sync."_upsert_apple_pay_domains"($2, $3, $4);
    WHEN 'application_fees' THEN RETURN stripe_sync."_upsert_application_fees"($2, $3, $4);
    WHEN 'apps_secrets' THEN RETURN stripe_sync."_upsert_apps_secrets"($2, $3, $4);
    WHEN 'balance_transactions' THEN RETURN stripe_sync."_upsert_balance_transactions"($2, $3, $4);
    WHEN 'bank_accounts' THEN RETURN stripe_sync."_upsert_bank_accounts"($2, $3, $4);
    WHEN 'billing_alerts' THEN RETURN stripe_sync."_upsert_billing_alerts"($2, $3, $4);
    WHEN 'billing_credit_balance_transactions' THEN RETURN stripe_sync."_upsert_billing_credit_balance_transactions"($2, $3, $4);
    WHEN 'billing_credit_grants' THEN RETURN stripe_sync."_upsert_billing_credit_grants"($2, $3, $4);
    WHEN 'billing_meters' THEN RETURN stripe_sync."_upsert_billing_meters"($2, $3, $4);
    WHEN 'billing_meter_event_summaries' THEN RETURN stripe_sync."_upsert_billing_meter_event_summaries"($2, $3, $4);
    WHEN 'billing_portal_configurations' THEN RETURN stripe_sync."_upsert_billing_portal_configurations"($2, $3, $4);
    WHEN 'billing_portal_sessions' THEN RETURN stripe_sync."_upsert_billing_portal_sessions"($2, $3, $4);
    WHEN 'bitcoin_receivers' THEN RETURN stripe_sync."_upsert_bitcoin_receivers"($2, $3, $4);
    WHEN 'bitcoin_transactions' THEN RETURN stripe_sync."_upsert_bitcoin_transactions"($2, $3, $4);
    WHEN 'capabilities' THEN RETURN stripe_sync."_upsert_capabilities"($2, $3, $4);
    WHEN 'cards' THEN RETURN stripe_sync."_upsert_cards"($2, $3, $4);
    WHEN 'charges' THEN RETURN stripe_sync."_upsert_charges"($2, $3, $4);
    WHEN 'checkout_sessions' THEN RETURN stripe_sync."_upsert_checkout_sessions"($2, $3, $4);
    WHEN 'climate_orders' THEN RETURN stripe_sync."_upsert_climate_orders"($2, $3, $4);
    WHEN 'climate_products' THEN RETURN stripe_sync."_upsert_climate_products"($2, $3, $4);
    WHEN 'climate_suppliers' THEN RETURN stripe_sync."_upsert_climate_suppliers"($2, $3, $4);
    WHEN 'country_specs' THEN RETURN stripe_sync."_upsert_country_specs"($2, $3, $4);
    WHEN 'coupons' THEN RETURN stripe_sync."_upsert_coupons"($2, $3, $4);
    WHEN 'credit_notes' THEN RETURN stripe_sync."_upsert_credit_notes"($2, $3, $4);
    WHEN 'credit_note_line_items' THEN RETURN stripe_sync."_upsert_credit_note_line_items"($2, $3, $4);
    WHEN 'customers' THEN RETURN stripe_sync."_upsert_customers"($2, $3, $4);
    WHEN 'customer_balance_transactions' THEN RETURN stripe_sync."_upsert_customer_balance_transactions"($2, $3, $4);
    WHEN 'customer_cash_balance_transactions' THEN RETURN stripe_sync."_upsert_customer_cash_balance_transactions"($2, $3, $4);
    WHEN 'discounts' THEN RETURN stripe_sync."_upsert_discounts"($2, $3, $4);
    WHEN 'disputes' THEN RETURN stripe_sync."_upsert_disputes"($2, $3, $4);
    WHEN 'entitlements_active_entitlements' THEN RETURN stripe_sync."_upsert_entitlements_active_entitlements"($2, $3, $4);
    WHEN 'entitlements_features' THEN RETURN stripe_sync."_upsert_entitlements_features"($2, $3, $4);
    WHEN 'exchange_rates' THEN RETURN stripe_sync."_upsert_exchange_rates"($2, $3, $4);
    WHEN 'application_fee_refunds' THEN RETURN stripe_sync."_upsert_application_fee_refunds"($2, $3, $4);
    WHEN 'files' THEN RETURN stripe_sync."_upsert_files"($2, $3, $4);
    WHEN 'file_links' THEN RETURN stripe_sync."_upsert_file_links"($2, $3, $4);
    WHEN 'financial_connections_accounts' THEN RETURN stripe_sync."_upsert_financial_connections_accounts"($2, $3, $4);
    WHEN 'financial_connections_account_owners' THEN RETURN stripe_sync."_upsert_financial_connections_account_owners"($2, $3, $4);
    WHEN 'financial_connections_transactions' THEN RETURN stripe_sync."_upsert_financial_connections_transactions"($2, $3, $4);
    WHEN 'forwarding_requests' THEN RETURN stripe_sync."_upsert_forwarding_requests"($2, $3, $4);
    WHEN 'identity_verification_reports' THEN RETURN stripe_sync."_upsert_identity_verification_reports"($2, $3, $4);
    WHEN 'identity_verification_sessions' THEN RETURN stripe_sync."_upsert_identity_verification_sessions"($2, $3, $4);
    WHEN 'invoices' THEN RETURN stripe_sync."_upsert_invoices"($2, $3, $4);
    WHEN 'invoice_payments' THEN RETURN stripe_sync."_upsert_invoice_payments"($2, $3, $4);
    WHEN 'invoice_rendering_templates' THEN RETURN stripe_sync."_upsert_invoice_rendering_templates"($2, $3, $4);
    WHEN 'invoice_items' THEN RETURN stripe_sync."_upsert_invoice_items"($2, $3, $4);
    WHEN 'issuer_fraud_records' THEN RETURN stripe_sync."_upsert_issuer_fraud_records"($2, $3, $4);
    WHEN 'issuing_authorizations' THEN RETURN stripe_sync."_upsert_issuing_authorizations"($2, $3, $4);
    WHEN 'issuing_cards' THEN RETURN stripe_sync."_upsert_issuing_cards"($2, $3, $4);
    WHEN 'issuing_cardholders' THEN RETURN stripe_sync."_upsert_issuing_cardholders"($2, $3, $4);
    WHEN 'issuing_disputes' THEN RETURN stripe_sync."_upsert_issuing_disputes"($2, $3, $4);
    WHEN 'issuing_personalization_designs' THEN RETURN stripe_sync."_upsert_issuing_personalization_designs"($2, $3, $4);
    WHEN 'issuing_physical_bundles' THEN RETURN stripe_sync."_upsert_issuing_physical_bundles"($2, $3, $4);
    WHEN 'issuing_settlements' THEN RETURN stripe_sync."_upsert_issuing_settlements"($2, $3, $4);
    WHEN 'issuing_tokens' THEN RETURN stripe_sync."_upsert_issuing_tokens"($2, $3, $4);
    WHEN 'issuing_transactions' THEN RETURN stripe_sync."_upsert_issuing_transactions"($2, $3, $4);
    WHEN 'line_items' THEN RETURN stripe_sync."_upsert_line_items"($2, $3, $4);
    WHEN 'invoice_line_items' THEN RETURN stripe_sync."_upsert_invoice_line_items"($2, $3, $4);
    WHEN 'mandates' THEN RETURN stripe_sync."_upsert_mandates"($2, $3, $4);
    WHEN 'orders' THEN RETURN stripe_sync."_upsert_orders"($2, $3, $4);
    WHEN 'payment_attempt_records' THEN RETURN stripe_sync."_upsert_payment_attempt_records"($2, $3, $4);
    WHEN 'payment_intents' THEN RETURN stripe_sync."_upsert_payment_intents"($2, $3, $4);
    WHEN 'payment_intent_amount_details_line_items' THEN RETURN stripe_sync."_upsert_payment_intent_amount_details_line_items"($2, $3, $4);
    WHEN 'payment_links' THEN RETURN stripe_sync."_upsert_payment_links"($2, $3, $4);
    WHEN 'payment_methods' THEN RETURN stripe_sync."_upsert_payment_methods"($2, $3, $4);
    WHEN 'payment_method_configurations' THEN RETURN stripe_sync."_upsert_payment_method_configurations"($2, $3, $4);
    WHEN 'payment_method_domains' THEN RETURN stripe_sync."_upsert_payment_method_domains"($2, $3, $4);
    WHEN 'payouts' THEN RETURN stripe_sync."_upsert_payouts"($2, $3, $4);
    WHEN 'persons' THEN RETURN stripe_sync."_upsert_persons"($2, $3, $4);
    WHEN 'plans' THEN RETURN stripe_sync."_upsert_plans"($2, $3, $4);
    WHEN 'prices' THEN RETURN stripe_sync."_upsert_prices"($2, $3, $4);
    WHEN 'products' THEN RETURN stripe_sync."_upsert_products"($2, $3, $4);
    WHEN 'product_features' THEN RETURN stripe_sync."_upsert_product_features"($2, $3, $4);
    WHEN 'promotion_codes' THEN RETURN stripe_sync."_upsert_promotion_codes"($2, $3, $4);
    WHEN 'quotes' THEN RETURN stripe_sync."_upsert_quotes"($2, $3, $4);
    WHEN 'radar_early_fraud_warnings' THEN RETURN stripe_sync."_upsert_radar_early_fraud_warnings"($2, $3, $4);
    WHEN 'radar_value_lists' THEN RETURN stripe_sync."_upsert_radar_value_lists"($2, $3, $4);
    WHEN 'radar_value_list_items' THEN RETURN stripe_sync."_upsert_radar_value_list_items"($2, $3, $4);
    WHEN 'recipients' THEN RETURN stripe_sync."_upsert_recipients"($2, $3, $4);
    WHEN 'refunds' THEN RETURN stripe_sync."_upsert_refunds"($2, $3, $4);
    WHEN 'reporting_report_runs' THEN RETURN stripe_sync."_upsert_reporting_report_runs"($2, $3, $4);
    WHEN 'reporting_report_types' THEN RETURN stripe_sync."_upsert_reporting_report_types"($2, $3, $4);
    WHEN 'reviews' THEN RETURN stripe_sync."_upsert_reviews"($2, $3, $4);
    WHEN 'scheduled_query_runs' THEN RETURN stripe_sync."_upsert_scheduled_query_runs"($2, $3, $4);
    WHEN 'setup_attempts' THEN RETURN stripe_sync."_upsert_setup_attempts"($2, $3, $4);
    WHEN 'setup_intents' THEN RETURN stripe_sync."_upsert_setup_intents"($2, $3, $4);
    WHEN 'shipping_rates' THEN RETURN stripe_sync."_upsert_shipping_rates"($2, $3, $4);
    WHEN 'skus' THEN RETURN stripe_sync."_upsert_skus"($2, $3, $4);
    WHEN 'sources' THEN RETURN stripe_sync."_upsert_sources"($2, $3, $4);
    WHEN 'source_transactions' THEN RETURN stripe_sync."_upsert_source_transactions"($2, $3, $4);
    WHEN 'subscriptions' THEN RETURN stripe_sync."_upsert_subscriptions"($2, $3, $4);
    WHEN 'subscription_items' THEN RETURN stripe_sync."_upsert_subscription_items"($2, $3, $4);
    WHEN 'subscription_schedules' THEN RETURN stripe_sync."_upsert_subscription_schedules"($2, $3, $4);
    WHEN 'tax_calculation_line_items' THEN RETURN stripe_sync."_upsert_tax_calculation_line_items"($2, $3, $4);
    WHEN 'tax_registrations' THEN RETURN stripe_sync."_upsert_tax_registrations"($2, $3, $4);
    WHEN 'tax_transaction_line_items' THEN RETURN stripe_sync."_upsert_tax_transaction_line_items"($2, $3, $4);
    WHEN 'tax_codes' THEN RETURN stripe_sync."_upsert_tax_codes"($2, $3, $4);
    WHEN 'tax_ids' THEN RETURN stripe_sync."_upsert_tax_ids"($2, $3, $4);
    WHEN 'tax_rates' THEN RETURN stripe_sync."_upsert_tax_rates"($2, $3, $4);
    WHEN 'terminal_configurations' THEN RETURN stripe_sync."_upsert_terminal_configurations"($2, $3, $4);
    WHEN 'terminal_locations' THEN RETURN stripe_sync."_upsert_terminal_locations"($2, $3, $4);
    WHEN 'terminal_readers' THEN RETURN stripe_sync."_upsert_terminal_readers"($2, $3, $4);
    WHEN 'test_clocks' THEN RETURN stripe_sync."_upsert_test_clocks"($2, $3, $4);
    WHEN 'topups' THEN RETURN stripe_sync."_upsert_topups"($2, $3, $4);
    WHEN 'transfers' THEN RETURN stripe_sync."_upsert_transfers"($2, $3, $4);
    WHEN 'transfer_reversals' THEN RETURN stripe_sync."_upsert_transfer_reversals"($2, $3, $4);
    WHEN 'treasury_credit_reversals' THEN RETURN stripe_sync."_upsert_treasury_credit_reversals"($2, $3, $4);
    WHEN 'treasury_debit_reversals' THEN RETURN stripe_sync."_upsert_treasury_debit_reversals"($2, $3, $4);
    WHEN 'treasury_financial_accounts' THEN RETURN stripe_sync."_upsert_treasury_financial_accounts"($2, $3, $4);
    WHEN 'treasury_inbound_transfers' THEN RETURN stripe_sync."_upsert_treasury_inbound_transfers"($2, $3, $4);
    WHEN 'treasury_outbound_payments' THEN RETURN stripe_sync."_upsert_treasury_outbound_payments"($2, $3, $4);
    WHEN 'treasury_outbound_transfers' THEN RETURN stripe_sync."_upsert_treasury_outbound_transfers"($2, $3, $4);
    WHEN 'treasury_received_credits' THEN RETURN stripe_sync."_upsert_treasury_received_credits"($2, $3, $4);
    WHEN 'treasury_received_debits' THEN RETURN stripe_sync."_upsert_treasury_received_debits"($2, $3, $4);
    WHEN 'treasury_transactions' THEN RETURN stripe_sync."_upsert_treasury_transactions"($2, $3, $4);
    WHEN 'treasury_transaction_entries' THEN RETURN stripe_sync."_upsert_treasury_transaction_entries"($2, $3, $4);
    WHEN 'usage_record_summaries' THEN RETURN stripe_sync."_upsert_usage_record_summaries"($2, $3, $4);
    WHEN 'webhook_endpoints' THEN RETURN stripe_sync."_upsert_webhook_endpoints"($2, $3, $4);
    ELSE RAISE EXCEPTION 'stripe-sync: no table %', $1 USING ERRCODE = 'SW404';
    END CASE;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync._delete(text, text[], text[], timestamptz[]) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    CASE $1
    WHEN 'accounts' THEN RETURN stripe_sync."_delete_accounts"($2, $3, $4);
    WHEN 'alipay_accounts' THEN RETURN stripe_sync."_delete_alipay_accounts"($2, $3, $4);
    WHEN 'apple_pay_domains' THEN RETURN stripe_sync."_delete_apple_pay_domains"($2, $3, $4);
    WHEN 'application_fees' THEN RETURN stripe_sync."_delete_application_fees"($2, $3, $4);
    WHEN 'apps_secrets' THEN RETURN stripe_sync."_delete_apps_secrets"($2, $3, $4);
    WHEN 'balance_transactions' THEN RETURN stripe_sync."_delete_balance_transactions"($2, $3, $4);
    WHEN 'bank_accounts' THEN RETURN stripe_sync."_delete_bank_accounts"($2, $3, $4);
    WHEN 'billing_alerts' THEN RETURN stripe_sync."_delete_billing_alerts"($2, $3, $4);
    WHEN 'billing_credit_balance_transactions' THEN RETURN stripe_sync."_delete_billing_credit_balance_transactions"($2, $3, $4);
    WHEN 'billing_credit_grants' THEN RETURN stripe_sync."_delete_billing_credit_grants"($2, $3, $4);
    WHEN 'billing_meters' THEN RETURN stripe_sync."_delete_billing_meters"($2, $3, $4);
    WHEN 'billing_meter_event_summaries' THEN RETURN stripe_sync."_delete_billing_meter_event_summaries"($2, $3, $4);
    WHEN 'billing_portal_configurations' THEN RETURN stripe_sync."_delete_billing_portal_configurations"($2, $3, $4);
    WHEN 'billing_portal_sessions' THEN RETURN stripe_sync."_delete_billing_portal_sessions"($2, $3, $4);
    WHEN 'bitcoin_receivers' THEN RETURN stripe_sync."_delete_bitcoin_receivers"($2, $3, $4);
    WHEN 'bitcoin_transactions' THEN RETURN stripe_sync."_delete_bitcoin_transactions"($2, $3, $4);
    WHEN 'capabilities' THEN RETURN stripe_sync."_delete_capabilities"($2, $3, $4);
    WHEN 'cards' THEN RETURN stripe_sync."_delete_cards"($2, $3, $4);
    WHEN 'charges' THEN RETURN stripe_sync."_delete_charges"($2, $3, $4);
    WHEN 'checkout_sessions' THEN RETURN stripe_sync."_delete_checkout_sessions"($2, $3, $4);
    WHEN 'climate_orders' THEN RETURN stripe_sync."_delete_climate_orders"($2, $3, $4);
    WHEN 'climate_products' THEN RETURN stripe_sync."_delete_climate_products"($2, $3, $4);
    WHEN 'climate_suppliers' THEN RETURN stripe_sync."_delete_climate_suppliers"($2, $3, $4);
    WHEN 'country_specs' THEN RETURN stripe_sync."_delete_country_specs"($2, $3, $4);
    WHEN 'coupons' THEN RETURN stripe_sync."_delete_coupons"($2, $3, $4);
    WHEN 'credit_notes' THEN RETURN stripe_sync."_delete_credit_notes"($2, $3, $4);
    WHEN 'credit_note_line_items' THEN RETURN stripe_sync."_delete_credit_note_line_items"($2, $3, $4);
    WHEN 'customers' THEN RETURN stripe_sync."_delete_customers"($2, $3, $4);
    WHEN 'customer_balance_transactions' THEN RETURN stripe_sync."_delete_customer_balance_transactions"($2, $3, $4);
    WHEN 'customer_cash_balance_transactions' THEN RETURN stripe_sync."_delete_customer_cash_balance_transactions"($2, $3, $4);
    WHEN 'discounts' THEN RETURN stripe_sync."_delete_discounts"($2, $3, $4);
    WHEN 'disputes' THEN RETURN stripe_sync."_delete_disputes"($2, $3, $4);
    WHEN 'entitlements_active_entitlements' THEN RETURN stripe_sync."_delete_entitlements_active_entitlements"($2, $3, $4);
    WHEN 'entitlements_features' THEN RETURN stripe_sync."_delete_entitlements_features"($2, $3, $4);
    WHEN 'exchange_rates' THEN RETURN stripe_sync."_delete_exchange_rates"($2, $3, $4);
    WHEN 'application_fee_refunds' THEN RETURN stripe_sync."_delete_application_fee_refunds"($2, $3, $4);
    WHEN 'files' THEN RETURN stripe_sync."_delete_files"($2, $3, $4);
    WHEN 'file_links' THEN RETURN stripe_sync."_delete_file_links"($2, $3, $4);
    WHEN 'financial_connections_accounts' THEN RETURN stripe_sync."_delete_financial_connections_accounts"($2, $3, $4);
    WHEN 'financial_connections_account_owners' THEN RETURN stripe_sync."_delete_financial_connections_account_owners"($2, $3, $4);
    WHEN 'financial_connections_transactions' THEN RETURN stripe_sync."_delete_financial_connections_transactions"($2, $3, $4);
    WHEN 'forwarding_requests' THEN RETURN stripe_sync."_delete_forwarding_requests"($2, $3, $4);
    WHEN 'identity_verification_reports' THEN RETURN stripe_sync."_delete_identity_verification_reports"($2, $3, $4);
    WHEN 'identity_verification_sessions' THEN RETURN stripe_sync."_delete_identity_verification_sessions"($2, $3, $4);
    WHEN 'invoices' THEN RETURN stripe_sync."_delete_invoices"($2, $3, $4);
    WHEN 'invoice_payments' THEN RETURN stripe_sync."_delete_invoice_payments"($2, $3, $4);
    WHEN 'invoice_rendering_templates' THEN RETURN stripe_sync."_delete_invoice_rendering_templates"($2, $3, $4);
    WHEN 'invoice_items' THEN RETURN stripe_sync."_delete_invoice_items"($2, $3, $4);
    WHEN 'issuer_fraud_records' THEN RETURN stripe_sync."_delete_issuer_fraud_records"($2, $3, $4);
    WHEN 'issuing_authorizations' THEN RETURN stripe_sync."_delete_issuing_authorizations"($2, $3, $4);
    WHEN 'issuing_cards' THEN RETURN stripe_sync."_delete_issuing_cards"($2, $3, $4);
    WHEN 'issuing_cardholders' THEN RETURN stripe_sync."_delete_issuing_cardholders"($2, $3, $4);
    WHEN 'issuing_disputes' THEN RETURN stripe_sync."_delete_issuing_disputes"($2, $3, $4);
    WHEN 'issuing_personalization_designs' THEN RETURN stripe_sync."_delete_issuing_personalization_designs"($2, $3, $4);
    WHEN 'issuing_physical_bundles' THEN RETURN stripe_sync."_delete_issuing_physical_bundles"($2, $3, $4);
    WHEN 'issuing_settlements' THEN RETURN stripe_sync."_delete_issuing_settlements"($2, $3, $4);
    WHEN 'issuing_tokens' THEN RETURN stripe_sync."_delete_issuing_tokens"($2, $3, $4);
    WHEN 'issuing_transactions' THEN RETURN stripe_sync."_delete_issuing_transactions"($2, $3, $4);
    WHEN 'line_items' THEN RETURN stripe_sync."_delete_line_items"($2, $3, $4);
    WHEN 'invoice_line_items' THEN RETURN stripe_sync."_delete_invoice_line_items"($2, $3, $4);
    WHEN 'mandates' THEN RETURN stripe_sync."_delete_mandates"($2, $3, $4);
    WHEN 'orders' THEN RETURN stripe_sync."_delete_orders"($2, $3, $4);
    WHEN 'payment_attempt_records' THEN RETURN stripe_sync."_delete_payment_attempt_records"($2, $3, $4);
    WHEN 'payment_intents' THEN RETURN stripe_sync."_delete_payment_intents"($2, $3, $4);
    WHEN 'payment_intent_amount_details_line_items' THEN RETURN stripe_sync."_delete_payment_intent_amount_details_line_items"($2, $3, $4);
    WHEN 'payment_links' THEN RETURN stripe_sync."_delete_payment_links"($2, $3, $4);
    WHEN 'payment_methods' THEN RETURN stripe_sync."_delete_payment_methods"($2, $3, $4);
    WHEN 'payment_method_configurations' THEN RETURN stripe_sync."_delete_payment_method_configurations"($2, $3, $4);
    WHEN 'payment_method_domains' THEN RETURN stripe_sync."_delete_payment_method_domains"($2, $3, $4);
    WHEN 'payouts' THEN RETURN stripe_sync."_delete_payouts"($2, $3, $4);
    WHEN 'persons' THEN RETURN stripe_sync."_delete_persons"($2, $3, $4);
    WHEN 'plans' THEN RETURN stripe_sync."_delete_plans"($2, $3, $4);
    WHEN 'prices' THEN RETURN stripe_sync."_delete_prices"($2, $3, $4);
    WHEN 'products' THEN RETURN stripe_sync."_delete_products"($2, $3, $4);
    WHEN 'product_features' THEN RETURN stripe_sync."_delete_product_features"($2, $3, $4);
    WHEN 'promotion_codes' THEN RETURN stripe_sync."_delete_promotion_codes"($2, $3, $4);
    WHEN 'quotes' THEN RETURN stripe_sync."_delete_quotes"($2, $3, $4);
    WHEN 'radar_early_fraud_warnings' THEN RETURN stripe_sync."_delete_radar_early_fraud_warnings"($2, $3, $4);
    WHEN 'radar_value_lists' THEN RETURN stripe_sync."_delete_radar_value_lists"($2, $3, $4);
    WHEN 'radar_value_list_items' THEN RETURN stripe_sync."_delete_radar_value_list_items"($2, $3, $4);
    WHEN 'recipients' THEN RETURN stripe_sync."_delete_recipients"($2, $3, $4);
    WHEN 'refunds' THEN RETURN stripe_sync."_delete_refunds"($2, $3, $4);
    WHEN 'reporting_report_runs' THEN RETURN stripe_sync."_delete_reporting_report_runs"($2, $3, $4);
    WHEN 'reporting_report_types' THEN RETURN stripe_sync."_delete_reporting_report_types"($2, $3, $4);
    WHEN 'reviews' THEN RETURN stripe_sync."_delete_reviews"($2, $3, $4);
    WHEN 'scheduled_query_runs' THEN RETURN stripe_sync."_delete_scheduled_query_runs"($2, $3, $4);
    WHEN 'setup_attempts' THEN RETURN stripe_sync."_delete_setup_attempts"($2, $3, $4);
    WHEN 'setup_intents' THEN RETURN stripe_sync."_delete_setup_intents"($2, $3, $4);
    WHEN 'shipping_rates' THEN RETURN stripe_sync."_delete_shipping_rates"($2, $3, $4);
    WHEN 'skus' THEN RETURN stripe_sync."_delete_skus"($2, $3, $4);
    WHEN 'sources' THEN RETURN stripe_sync."_delete_sources"($2, $3, $4);
    WHEN 'source_transactions' THEN RETURN stripe_sync."_delete_source_transactions"($2, $3, $4);
    WHEN 'subscriptions' THEN RETURN stripe_sync."_delete_subscriptions"($2, $3, $4);
    WHEN 'subscription_items' THEN RETURN stripe_sync."_delete_subscription_items"($2, $3, $4);
    WHEN 'subscription_schedules' THEN RETURN stripe_sync."_delete_subscription_schedules"($2, $3, $4);
    WHEN 'tax_calculation_line_items' THEN RETURN stripe_sync."_delete_tax_calculation_line_items"($2, $3, $4);
    WHEN 'tax_registrations' THEN RETURN stripe_sync."_delete_tax_registrations"($2, $3, $4);
    WHEN 'tax_transaction_line_items' THEN RETURN stripe_sync."_delete_tax_transaction_line_items"($2, $3, $4);
    WHEN 'tax_codes' THEN RETURN stripe_sync."_delete_tax_codes"($2, $3, $4);
    WHEN 'tax_ids' THEN RETURN stripe_sync."_delete_tax_ids"($2, $3, $4);
    WHEN 'tax_rates' THEN RETURN stripe_sync."_delete_tax_rates"($2, $3, $4);
    WHEN 'terminal_configurations' THEN RETURN stripe_sync."_delete_terminal_configurations"($2, $3, $4);
    WHEN 'terminal_locations' THEN RETURN stripe_sync."_delete_terminal_locations"($2, $3, $4);
    WHEN 'terminal_readers' THEN RETURN stripe_sync."_delete_terminal_readers"($2, $3, $4);
    WHEN 'test_clocks' THEN RETURN stripe_sync."_delete_test_clocks"($2, $3, $4);
    WHEN 'topups' THEN RETURN stripe_sync."_delete_topups"($2, $3, $4);
    WHEN 'transfers' THEN RETURN stripe_sync."_delete_transfers"($2, $3, $4);
    WHEN 'transfer_reversals' THEN RETURN stripe_sync."_delete_transfer_reversals"($2, $3, $4);
    WHEN 'treasury_credit_reversals' THEN RETURN stripe_sync."_delete_treasury_credit_reversals"($2, $3, $4);
    WHEN 'treasury_debit_reversals' THEN RETURN stripe_sync."_delete_treasury_debit_reversals"($2, $3, $4);
    WHEN 'treasury_financial_accounts' THEN RETURN stripe_sync."_delete_treasury_financial_accounts"($2, $3, $4);
    WHEN 'treasury_inbound_transfers' THEN RETURN stripe_sync."_delete_treasury_inbound_transfers"($2, $3, $4);
    WHEN 'treasury_outbound_payments' THEN RETURN stripe_sync."_delete_treasury_outbound_payments"($2, $3, $4);
    WHEN 'treasury_outbound_transfers' THEN RETURN stripe_sync."_delete_treasury_outbound_transfers"($2, $3, $4);
    WHEN 'treasury_received_credits' THEN RETURN stripe_sync."_delete_treasury_received_credits"($2, $3, $4);
    WHEN 'treasury_received_debits' THEN RETURN stripe_sync."_delete_treasury_received_debits"($2, $3, $4);
    WHEN 'treasury_transactions' THEN RETURN stripe_sync."_delete_treasury_transactions"($2, $3, $4);
    WHEN 'treasury_transaction_entries' THEN RETURN stripe_sync."_delete_treasury_transaction_entries"($2, $3, $4);
    WHEN 'usage_record_summaries' THEN RETURN stripe_sync."_delete_usage_record_summaries"($2, $3, $4);
    WHEN 'webhook_endpoints' THEN RETURN stripe_sync."_delete_webhook_endpoints"($2, $3, $4);
    ELSE RAISE EXCEPTION 'stripe-sync: no table %', $1 USING ERRCODE = 'SW404';
    END CASE;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync._row_version(text, text) RETURNS timestamptz[]
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    CASE $1
    WHEN 'accounts' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."accounts" WHERE "id" = $2);
    WHEN 'alipay_accounts' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."alipay_accounts" WHERE "id" = $2);
    WHEN 'apple_pay_domains' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."apple_pay_domains" WHERE "id" = $2);
    WHEN 'application_fees' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."application_fees" WHERE "id" = $2);
    WHEN 'apps_secrets' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."apps_secrets" WHERE "id" = $2);
    WHEN 'balance_transactions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."balance_transactions" WHERE "id" = $2);
    WHEN 'bank_accounts' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."bank_accounts" WHERE "id" = $2);
    WHEN 'billing_alerts' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."billing_alerts" WHERE "id" = $2);
    WHEN 'billing_credit_balance_transactions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."billing_credit_balance_transactions" WHERE "id" = $2);
    WHEN 'billing_credit_grants' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."billing_credit_grants" WHERE "id" = $2);
    WHEN 'billing_meters' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."billing_meters" WHERE "id" = $2);
    WHEN 'billing_meter_event_summaries' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."billing_meter_event_summaries" WHERE "id" = $2);
    WHEN 'billing_portal_configurations' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."billing_portal_configurations" WHERE "id" = $2);
    WHEN 'billing_portal_sessions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."billing_portal_sessions" WHERE "id" = $2);
    WHEN 'bitcoin_receivers' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."bitcoin_receivers" WHERE "id" = $2);
    WHEN 'bitcoin_transactions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."bitcoin_transactions" WHERE "id" = $2);
    WHEN 'capabilities' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."capabilities" WHERE "id" = $2);
    WHEN 'cards' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."cards" WHERE "id" = $2);
    WHEN 'charges' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."charges" WHERE "id" = $2);
    WHEN 'checkout_sessions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."checkout_sessions" WHERE "id" = $2);
    WHEN 'climate_orders' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."climate_orders" WHERE "id" = $2);
    WHEN 'climate_products' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."climate_products" WHERE "id" = $2);
    WHEN 'climate_suppliers' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."climate_suppliers" WHERE "id" = $2);
    WHEN 'country_specs' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."country_specs" WHERE "id" = $2);
    WHEN 'coupons' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."coupons" WHERE "id" = $2);
    WHEN 'credit_notes' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."credit_notes" WHERE "id" = $2);
    WHEN 'credit_note_line_items' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."credit_note_line_items" WHERE "id" = $2);
    WHEN 'customers' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."customers" WHERE "id" = $2);
    WHEN 'customer_balance_transactions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."customer_balance_transactions" WHERE "id" = $2);
    WHEN 'customer_cash_balance_transactions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."customer_cash_balance_transactions" WHERE "id" = $2);
    WHEN 'discounts' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."discounts" WHERE "id" = $2);
    WHEN 'disputes' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."disputes" WHERE "id" = $2);
    WHEN 'entitlements_active_entitlements' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."entitlements_active_entitlements" WHERE "id" = $2);
    WHEN 'entitlements_features' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."entitlements_features" WHERE "id" = $2);
    WHEN 'exchange_rates' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."exchange_rates" WHERE "id" = $2);
    WHEN 'application_fee_refunds' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."application_fee_refunds" WHERE "id" = $2);
    WHEN 'files' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."files" WHERE "id" = $2);
    WHEN 'file_links' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."file_links" WHERE "id" = $2);
    WHEN 'financial_connections_accounts' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."financial_connections_accounts" WHERE "id" = $2);
    WHEN 'financial_connections_account_owners' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."financial_connections_account_owners" WHERE "id" = $2);
    WHEN 'financial_connections_transactions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."financial_connections_transactions" WHERE "id" = $2);
    WHEN 'forwarding_requests' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."forwarding_requests" WHERE "id" = $2);
    WHEN 'identity_verification_reports' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."identity_verification_reports" WHERE "id" = $2);
    WHEN 'identity_verification_sessions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."identity_verification_sessions" WHERE "id" = $2);
    WHEN 'invoices' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."invoices" WHERE "id" = $2);
    WHEN 'invoice_payments' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."invoice_payments" WHERE "id" = $2);
    WHEN 'invoice_rendering_templates' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."invoice_rendering_templates" WHERE "id" = $2);
    WHEN 'invoice_items' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."invoice_items" WHERE "id" = $2);
    WHEN 'issuer_fraud_records' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."issuer_fraud_records" WHERE "id" = $2);
    WHEN 'issuing_authorizations' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."issuing_authorizations" WHERE "id" = $2);
    WHEN 'issuing_cards' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."issuing_cards" WHERE "id" = $2);
    WHEN 'issuing_cardholders' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."issuing_cardholders" WHERE "id" = $2);
    WHEN 'issuing_disputes' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."issuing_disputes" WHERE "id" = $2);
    WHEN 'issuing_personalization_designs' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."issuing_personalization_designs" WHERE "id" = $2);
    WHEN 'issuing_physical_bundles' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."issuing_physical_bundles" WHERE "id" = $2);
    WHEN 'issuing_settlements' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."issuing_settlements" WHERE "id" = $2);
    WHEN 'issuing_tokens' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."issuing_tokens" WHERE "id" = $2);
    WHEN 'issuing_transactions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."issuing_transactions" WHERE "id" = $2);
    WHEN 'line_items' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."line_items" WHERE "id" = $2);
    WHEN 'invoice_line_items' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."invoice_line_items" WHERE "id" = $2);
    WHEN 'mandates' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."mandates" WHERE "id" = $2);
    WHEN 'orders' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."orders" WHERE "id" = $2);
    WHEN 'payment_attempt_records' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."payment_attempt_records" WHERE "id" = $2);
    WHEN 'payment_intents' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."payment_intents" WHERE "id" = $2);
    WHEN 'payment_intent_amount_details_line_items' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."payment_intent_amount_details_line_items" WHERE "id" = $2);
    WHEN 'payment_links' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."payment_links" WHERE "id" = $2);
    WHEN 'payment_methods' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."payment_methods" WHERE "id" = $2);
    WHEN 'payment_method_configurations' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."payment_method_configurations" WHERE "id" = $2);
    WHEN 'payment_method_domains' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."payment_method_domains" WHERE "id" = $2);
    WHEN 'payouts' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."payouts" WHERE "id" = $2);
    WHEN 'persons' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."persons" WHERE "id" = $2);
    WHEN 'plans' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."plans" WHERE "id" = $2);
    WHEN 'prices' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."prices" WHERE "id" = $2);
    WHEN 'products' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."products" WHERE "id" = $2);
    WHEN 'product_features' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."product_features" WHERE "id" = $2);
    WHEN 'promotion_codes' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."promotion_codes" WHERE "id" = $2);
    WHEN 'quotes' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."quotes" WHERE "id" = $2);
    WHEN 'radar_early_fraud_warnings' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."radar_early_fraud_warnings" WHERE "id" = $2);
    WHEN 'radar_value_lists' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."radar_value_lists" WHERE "id" = $2);
    WHEN 'radar_value_list_items' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."radar_value_list_items" WHERE "id" = $2);
    WHEN 'recipients' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."recipients" WHERE "id" = $2);
    WHEN 'refunds' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."refunds" WHERE "id" = $2);
    WHEN 'reporting_report_runs' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."reporting_report_runs" WHERE "id" = $2);
    WHEN 'reporting_report_types' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."reporting_report_types" WHERE "id" = $2);
    WHEN 'reviews' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."reviews" WHERE "id" = $2);
    WHEN 'scheduled_query_runs' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."scheduled_query_runs" WHERE "id" = $2);
    WHEN 'setup_attempts' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."setup_attempts" WHERE "id" = $2);
    WHEN 'setup_intents' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."setup_intents" WHERE "id" = $2);
    WHEN 'shipping_rates' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."shipping_rates" WHERE "id" = $2);
    WHEN 'skus' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."skus" WHERE "id" = $2);
    WHEN 'sources' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."sources" WHERE "id" = $2);
    WHEN 'source_transactions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."source_transactions" WHERE "id" = $2);
    WHEN 'subscriptions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."subscriptions" WHERE "id" = $2);
    WHEN 'subscription_items' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."subscription_items" WHERE "id" = $2);
    WHEN 'subscription_schedules' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."subscription_schedules" WHERE "id" = $2);
    WHEN 'tax_calculation_line_items' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."tax_calculation_line_items" WHERE "id" = $2);
    WHEN 'tax_registrations' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."tax_registrations" WHERE "id" = $2);
    WHEN 'tax_transaction_line_items' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."tax_transaction_line_items" WHERE "id" = $2);
    WHEN 'tax_codes' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."tax_codes" WHERE "id" = $2);
    WHEN 'tax_ids' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."tax_ids" WHERE "id" = $2);
    WHEN 'tax_rates' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."tax_rates" WHERE "id" = $2);
    WHEN 'terminal_configurations' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."terminal_configurations" WHERE "id" = $2);
    WHEN 'terminal_locations' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."terminal_locations" WHERE "id" = $2);
    WHEN 'terminal_readers' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."terminal_readers" WHERE "id" = $2);
    WHEN 'test_clocks' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."test_clocks" WHERE "id" = $2);
    WHEN 'topups' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."topups" WHERE "id" = $2);
    WHEN 'transfers' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."transfers" WHERE "id" = $2);
    WHEN 'transfer_reversals' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."transfer_reversals" WHERE "id" = $2);
    WHEN 'treasury_credit_reversals' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."treasury_credit_reversals" WHERE "id" = $2);
    WHEN 'treasury_debit_reversals' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."treasury_debit_reversals" WHERE "id" = $2);
    WHEN 'treasury_financial_accounts' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."treasury_financial_accounts" WHERE "id" = $2);
    WHEN 'treasury_inbound_transfers' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."treasury_inbound_transfers" WHERE "id" = $2);
    WHEN 'treasury_outbound_payments' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."treasury_outbound_payments" WHERE "id" = $2);
    WHEN 'treasury_outbound_transfers' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."treasury_outbound_transfers" WHERE "id" = $2);
    WHEN 'treasury_received_credits' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."treasury_received_credits" WHERE "id" = $2);
    WHEN 'treasury_received_debits' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."treasury_received_debits" WHERE "id" = $2);
    WHEN 'treasury_transactions' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."treasury_transactions" WHERE "id" = $2);
    WHEN 'treasury_transaction_entries' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."treasury_transaction_entries" WHERE "id" = $2);
    WHEN 'usage_record_summaries' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."usage_record_summaries" WHERE "id" = $2);
    WHEN 'webhook_endpoints' THEN RETURN (SELECT ARRAY["_updated_at", "_deleted_at"] FROM "stripe"."webhook_endpoints" WHERE "id" = $2);
    ELSE RAISE EXCEPTION 'stripe-sync: no table %', $1 USING ERRCODE = 'SW404';
    END CASE;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync._set_owner(text, text[], text, text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    CASE $4
    WHEN 'entitlements_active_entitlements' THEN UPDATE "stripe"."entitlements_active_entitlements" SET "customer" = $1 WHERE "id" = ANY($2::text[]) AND "_account_id" = $3 AND "customer" IS DISTINCT FROM $1;
    ELSE RAISE EXCEPTION 'stripe-sync: no table %', $4 USING ERRCODE = 'SW404';
    END CASE;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync._delete_missing_owned(text, text, text[], timestamptz, text) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint := 0;
BEGIN
    CASE $5
    WHEN 'entitlements_active_entitlements' THEN UPDATE "stripe"."entitlements_active_entitlements" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "customer" = $2 AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    ELSE RAISE EXCEPTION 'stripe-sync: no table %', $5 USING ERRCODE = 'SW404';
    END CASE;
    RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync._delete_missing_children(text, text[], text[], timestamptz, text, integer) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE n bigint := 0;
BEGIN
    CASE $5 || '/' || $6
    WHEN 'account/0' THEN UPDATE "stripe"."bank_accounts" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "account" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'account/1' THEN UPDATE "stripe"."cards" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "account" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'application_fee/0' THEN UPDATE "stripe"."application_fee_refunds" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "fee" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'charge/0' THEN UPDATE "stripe"."refunds" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "charge" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'checkout.session/0' THEN UPDATE "stripe"."line_items" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "id" IN (SELECT child_id FROM "stripe_sync"."list_members" WHERE account_id = $1 AND child_table = 'line_items' AND parent_id = ANY($2::text[])) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'credit_note/0' THEN UPDATE "stripe"."credit_note_line_items" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "id" IN (SELECT child_id FROM "stripe_sync"."list_members" WHERE account_id = $1 AND child_table = 'credit_note_line_items' AND parent_id = ANY($2::text[])) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'customer/0' THEN UPDATE "stripe"."bank_accounts" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "customer" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'customer/1' THEN UPDATE "stripe"."cards" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "customer" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'customer/2' THEN UPDATE "stripe"."sources" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "customer" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'customer/3' THEN UPDATE "stripe"."subscriptions" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "customer" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'customer/4' THEN UPDATE "stripe"."tax_ids" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "customer" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'file/0' THEN UPDATE "stripe"."file_links" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "file" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'invoice/0' THEN UPDATE "stripe"."invoice_line_items" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "invoice" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'invoice/1' THEN UPDATE "stripe"."invoice_payments" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "invoice" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'payment_intent/0' THEN UPDATE "stripe"."payment_intent_amount_details_line_items" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "id" IN (SELECT child_id FROM "stripe_sync"."list_members" WHERE account_id = $1 AND child_table = 'payment_intent_amount_details_line_items' AND parent_id = ANY($2::text[])) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'payment_link/0' THEN UPDATE "stripe"."line_items" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "id" IN (SELECT child_id FROM "stripe_sync"."list_members" WHERE account_id = $1 AND child_table = 'line_items' AND parent_id = ANY($2::text[])) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'quote/0' THEN UPDATE "stripe"."line_items" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "id" IN (SELECT child_id FROM "stripe_sync"."list_members" WHERE account_id = $1 AND child_table = 'line_items' AND parent_id = ANY($2::text[])) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'radar.value_list/0' THEN UPDATE "stripe"."radar_value_list_items" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "value_list" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'subscription/0' THEN UPDATE "stripe"."subscription_items" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "subscription" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'transfer/0' THEN UPDATE "stripe"."transfer_reversals" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "transfer" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    WHEN 'treasury.transaction/0' THEN UPDATE "stripe"."treasury_transaction_entries" SET "_deleted_at" = $4, "_synced_at" = now() WHERE "_account_id" = $1 AND "transaction" = ANY($2::text[]) AND "id" <> ALL($3::text[]) AND "_deleted_at" IS NULL AND "_updated_at" <= $4;
        GET DIAGNOSTICS n = ROW_COUNT;
    ELSE RAISE EXCEPTION 'stripe-sync: no embedded list %/%', $5, $6 USING ERRCODE = 'SW404';
    END CASE;
    RETURN n;
END
$fn$;
CREATE OR REPLACE FUNCTION stripe_sync._record_members(text, text[], text[], text, integer) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    CASE $4 || '/' || $5
    WHEN 'checkout.session/0' THEN INSERT INTO "stripe_sync"."list_members" (account_id, child_table, parent_id, child_id) SELECT $1, 'line_items', m.p, m.c FROM unnest($2::text[], $3::text[]) AS m (p, c) ON CONFLICT DO NOTHING;
    WHEN 'credit_note/0' THEN INSERT INTO "stripe_sync"."list_members" (account_id, child_table, parent_id, child_id) SELECT $1, 'credit_note_line_items', m.p, m.c FROM unnest($2::text[], $3::text[]) AS m (p, c) ON CONFLICT DO NOTHING;
    WHEN 'payment_intent/0' THEN INSERT INTO "stripe_sync"."list_members" (account_id, child_table, parent_id, child_id) SELECT $1, 'payment_intent_amount_details_line_items', m.p, m.c FROM unnest($2::text[], $3::text[]) AS m (p, c) ON CONFLICT DO NOTHING;
    WHEN 'payment_link/0' THEN INSERT INTO "stripe_sync"."list_members" (account_id, child_table, parent_id, child_id) SELECT $1, 'line_items', m.p, m.c FROM unnest($2::text[], $3::text[]) AS m (p, c) ON CONFLICT DO NOTHING;
    WHEN 'quote/0' THEN INSERT INTO "stripe_sync"."list_members" (account_id, child_table, parent_id, child_id) SELECT $1, 'line_items', m.p, m.c FROM unnest($2::text[], $3::text[]) AS m (p, c) ON CONFLICT DO NOTHING;
    ELSE NULL; -- the items name their parent: nothing to record
    END CASE;
END
$fn$;
SELECT stripe_sync.grant_privileges();
