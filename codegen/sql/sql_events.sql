-- stripe-sync bookkeeping, fifth part: Stripe's events applied inside
-- PostgreSQL, so that any thin receiver (an edge function, a serverless
-- handler, a queue consumer) can feed the mirror without `stripe-sync serve`.
--
--   SELECT stripe.process_webhook(body bytea, signature text)  -- a webhook as received
--   SELECT stripe.apply_event(event jsonb)                      -- an event already trusted
--
-- Both return the outcome, as `serve` reports it: applied, unchanged, stale,
-- duplicate, no_table, no_id, unattributed; process_webhook also returns
-- 'rejected: <why>' for a validly signed body that is not an event (kept in
-- _webhook_rejections, as `serve` keeps it). Refusals raise:
--   SW401  bad signature (missing, malformed or oversized header, no match,
--          timestamp outside the tolerance): answer 400
--   SW413  body over the size limit: answer 413
--   SW400  (apply_event) not a Stripe event: answer 400
--   SW500  no webhook secret known: answer 500 (a setup error; Stripe retries)
--   0A000  pgcrypto is not installed: answer 500
-- Any other error is the database's: answer 5xx so that Stripe retries.
--
-- The rules are the Rust path's, statement for statement: the object
-- written with the generated upsert of its table (the `>=` version rule,
-- no-op when unchanged), soft deletes, the embedded lists' children and
-- what a complete list says about membership, summary lists, the ledger's
-- duplicates and the account attribution. What needs Stripe's API cannot
-- happen here: the rest of a truncated summary list is left pending in
-- _events.reason, for `stripe-sync sync` (or a worker's events job) to list.
--
-- The object-specific part is generated from the registry the Rust upserts
-- are generated from: per table, stripe._upsert_<table> and
-- stripe._delete_<table> hold the very statements the Rust path runs
-- (functions with static SQL, so each connection plans them once), and the
-- _sql_* tables below hold the event routes, embedded lists and summaries.
-- This migration creates them for the pinned API version and every later
-- version's migration replaces them, so that a version bump updates both
-- paths.
--
-- Safe inside one transaction; every statement is idempotent.

CREATE TABLE IF NOT EXISTS stripe._sql_resources (
    object            text PRIMARY KEY,
    table_name        text NOT NULL UNIQUE,
    owner_column      text,
    owner_object      text,
    owner_set_sql     text,
    owner_missing_sql text
);

CREATE TABLE IF NOT EXISTS stripe._sql_embedded_lists (
    parent_object text NOT NULL,
    position      integer NOT NULL,
    field         text NOT NULL,
    item_object   text NOT NULL,
    complete      boolean NOT NULL,
    missing_sql   text NOT NULL,
    record_sql    text,
    PRIMARY KEY (parent_object, position)
);

CREATE TABLE IF NOT EXISTS stripe._sql_event_types (
    name       text PRIMARY KEY,
    table_name text,
    is_delete  boolean NOT NULL
);

CREATE TABLE IF NOT EXISTS stripe._sql_summaries (
    object      text PRIMARY KEY,
    owner_field text NOT NULL,
    list_field  text NOT NULL,
    item_object text NOT NULL
);

-- Endpoint secrets process_webhook accepts besides those of the managed
-- webhooks (_managed_webhooks): add one with stripe.add_webhook_secret.
-- account_id: the account whose own endpoint the secret signs for (an event
-- naming no account is that account's); NULL for a Connect endpoint's.
CREATE TABLE IF NOT EXISTS stripe._webhook_secrets (
    secret     text PRIMARY KEY,
    account_id text,
    added_at   timestamptz NOT NULL DEFAULT now()
);

-- The summaries left pending (the rest of a truncated list needs the API),
-- which `stripe-sync sync` and the workers' events jobs list.
CREATE INDEX IF NOT EXISTS _events_pending_idx ON stripe._events (account_id)
    WHERE reason LIKE 'pending:%';

-- pgcrypto computes the HMAC. Where it cannot be created (no permission, not
-- installed on the server) the migration still succeeds: apply_event works
-- and process_webhook says what is missing.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgcrypto') THEN
        BEGIN
            CREATE SCHEMA IF NOT EXISTS extensions;
            CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'pgcrypto could not be created (%): stripe.apply_event works, stripe.process_webhook needs it', SQLERRM;
        END;
    END IF;
END
$$;

-- Adds (or re-points) a secret process_webhook accepts.
CREATE OR REPLACE FUNCTION stripe.add_webhook_secret(secret text, account_id text DEFAULT NULL)
RETURNS void LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO stripe._webhook_secrets (secret, account_id) VALUES ($1, $2)
    ON CONFLICT ON CONSTRAINT _webhook_secrets_pkey DO UPDATE SET account_id = EXCLUDED.account_id
$$;

-- HMAC-SHA256 with pgcrypto, wherever its schema is (`extensions` on
-- Supabase), called schema-qualified.
CREATE OR REPLACE FUNCTION stripe._hmac_sha256(data bytea, key bytea)
RETURNS bytea LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ext_schema name;
    mac bytea;
BEGIN
    SELECT n.nspname INTO ext_schema
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pgcrypto';
    IF ext_schema IS NULL THEN
        RAISE EXCEPTION 'stripe.process_webhook needs the pgcrypto extension, which this database does not have'
            USING ERRCODE = '0A000',
                  HINT = 'CREATE EXTENSION pgcrypto WITH SCHEMA extensions; (on Supabase: Database > Extensions > pgcrypto)';
    END IF;
    EXECUTE format('SELECT %I.hmac($1, $2, %L)', ext_schema, 'sha256') INTO mac USING data, key;
    RETURN mac;
END
$$;

-- Whether an object's head (id, object, created, deleted) has the types
-- the runtime reads it with; an object that has not is skipped or refused.
CREATE OR REPLACE FUNCTION stripe._head_ok(o jsonb)
RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT jsonb_typeof(o) = 'object'
       AND coalesce(jsonb_typeof(o -> 'id'), 'null') IN ('null', 'string')
       AND coalesce(jsonb_typeof(o -> 'object'), 'null') IN ('null', 'string')
       AND coalesce(jsonb_typeof(o -> 'created'), 'null') IN ('null', 'number')
       AND coalesce(jsonb_typeof(o -> 'deleted'), 'null') IN ('null', 'boolean')
$$;

-- The summary description of an object string, when its items have a
-- table with an owner column (else the summary is not applied as one).
CREATE OR REPLACE FUNCTION stripe._summary_of(object text)
RETURNS stripe._sql_summaries LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT s.* FROM stripe._sql_summaries s
      JOIN stripe._sql_resources r ON r.object = s.item_object AND r.owner_column IS NOT NULL
     WHERE s.object = $1
$$;

-- Why `ev` is not a Stripe event the runtime can read; NULL when it is.
CREATE OR REPLACE FUNCTION stripe._event_problem(ev jsonb)
RETURNS text LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    obj jsonb;
    sm stripe._sql_summaries;
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
    IF NOT stripe._head_ok(obj) THEN
        RETURN format('event %s: data.object: id, object, created or deleted of the wrong type', ev ->> 'id');
    END IF;
    -- A summary (an owner's complete list of items) must name its owner and
    -- hold its list, each item with an id.
    sm := stripe._summary_of(obj ->> 'object');
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
CREATE OR REPLACE FUNCTION stripe._apply_object(
    res stripe._sql_resources, obj jsonb, obj_id text, account text,
    version timestamptz, is_delete boolean)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    fld text;
    lst jsonb;
    entries stripe._sql_embedded_lists[];
    e stripe._sql_embedded_lists;
    items jsonb[];
    kids text[];
    ids text[];
    complete boolean;
    n bigint;
    children_deleted bigint := 0;
    updated timestamptz;
    deleted timestamptz;
BEGIN
    IF NOT is_delete AND EXISTS (SELECT 1 FROM stripe._sql_embedded_lists WHERE parent_object = res.object)
       AND position('"list"' IN obj::text) > 0 THEN
        FOR fld IN SELECT l.field FROM stripe._sql_embedded_lists l
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
              FROM stripe._sql_embedded_lists l
              JOIN stripe._sql_resources r ON r.object = l.item_object
             WHERE l.parent_object = res.object AND l.field = fld;
            CONTINUE WHEN entries IS NULL;
            SELECT coalesce(array_agg(i.v ORDER BY i.n), '{}') INTO items
              FROM jsonb_array_elements(coalesce(lst -> 'data', '[]')) WITH ORDINALITY AS i (v, n)
             WHERE stripe._head_ok(i.v);
            FOREACH e IN ARRAY entries LOOP
                SELECT coalesce(array_agg(x::text ORDER BY k), '{}'),
                       coalesce(array_agg(x ->> 'id' ORDER BY k) FILTER (WHERE x ->> 'id' IS NOT NULL), '{}')
                  INTO kids, ids
                  FROM unnest(items) WITH ORDINALITY AS u (x, k)
                 WHERE cardinality(entries) = 1 OR x ->> 'object' = e.item_object;
                IF cardinality(kids) > 0 THEN
                    EXECUTE format('SELECT stripe.%I($1, $2, $3)',
                                   '_upsert_' || (SELECT r.table_name FROM stripe._sql_resources r WHERE r.object = e.item_object))
                      USING kids, array_fill(account, ARRAY[cardinality(kids)]),
                            array_fill(version, ARRAY[cardinality(kids)]);
                END IF;
                IF e.record_sql IS NOT NULL AND cardinality(ids) > 0 THEN
                    EXECUTE e.record_sql USING account, array_fill(obj_id, ARRAY[cardinality(ids)]), ids;
                END IF;
                IF complete AND e.complete THEN
                    EXECUTE e.missing_sql USING account, ARRAY[obj_id], ids, version;
                    GET DIAGNOSTICS n = ROW_COUNT;
                    children_deleted := children_deleted + n;
                END IF;
            END LOOP;
        END LOOP;
    END IF;
    EXECUTE format('SELECT stripe.%I($1, $2, $3)',
                   CASE WHEN is_delete THEN '_delete_' ELSE '_upsert_' END || res.table_name)
      INTO n USING ARRAY[obj::text], ARRAY[account], ARRAY[version];
    IF n + children_deleted > 0 THEN
        RETURN 'applied';
    END IF;
    EXECUTE format('SELECT _updated_at, _deleted_at FROM stripe.%I WHERE id = $1', res.table_name)
      INTO updated, deleted USING obj_id;
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
CREATE OR REPLACE FUNCTION stripe._apply_summary(
    sm stripe._sql_summaries, obj jsonb, account text, version timestamptz, event_id text)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    res stripe._sql_resources;
    owner_id text := obj ->> sm.owner_field;
    list jsonb := obj -> sm.list_field;
    items text[];
    ids text[];
    written bigint := 0;
    deleted bigint := 0;
BEGIN
    SELECT * INTO res FROM stripe._sql_resources WHERE object = sm.item_object;
    SELECT coalesce(array_agg(i.v::text ORDER BY i.n), '{}'), coalesce(array_agg(i.v ->> 'id' ORDER BY i.n), '{}')
      INTO items, ids
      FROM jsonb_array_elements(list -> 'data') WITH ORDINALITY AS i (v, n);
    IF cardinality(items) > 0 THEN
        EXECUTE format('SELECT stripe.%I($1, $2, $3)', '_upsert_' || res.table_name)
          INTO written
          USING items, array_fill(account, ARRAY[cardinality(items)]), array_fill(version, ARRAY[cardinality(items)]);
    END IF;
    EXECUTE res.owner_set_sql USING owner_id, ids, account;
    IF jsonb_typeof(list -> 'has_more') = 'boolean' AND (list ->> 'has_more')::boolean THEN
        UPDATE stripe._events
           SET reason = format('pending: the list holds %s items and has more; the rest of %s''s is listed from the API by `stripe-sync sync`, and none is soft-deleted until then',
                               cardinality(items), owner_id)
         WHERE id = event_id;
    ELSE
        EXECUTE res.owner_missing_sql USING account, owner_id, ids, version;
        GET DIAGNOSTICS deleted = ROW_COUNT;
    END IF;
    RETURN CASE WHEN written + deleted > 0 THEN 'applied' ELSE 'unchanged' END;
END
$$;

-- Records an event in _events and applies it. `source` is what the ledger
-- records (webhook, sql); `endpoint_account` the account whose own endpoint
-- signed it (an event naming no account is that account's); `platform` the
-- account whose endpoint (its own or its Connect one) received it.
CREATE OR REPLACE FUNCTION stripe._apply_event(ev jsonb, source text, endpoint_account text, platform text)
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
    route stripe._sql_event_types;
    res stripe._sql_resources;
    sm stripe._sql_summaries;
    fresh text;
    result text;
    is_delete boolean;
    revoked text;
BEGIN
    account := coalesce(account, endpoint_account);
    IF account IS NULL THEN
        -- The one account this database mirrors, once known.
        SELECT min(a.account_id) INTO account FROM stripe._accounts a HAVING count(DISTINCT a.account_id) = 1;
    END IF;
    SELECT * INTO route FROM stripe._sql_event_types WHERE name = ev_type;
    SELECT * INTO res FROM stripe._sql_resources WHERE object = obj_type;
    IF res.object IS NULL AND route.table_name IS NOT NULL THEN
        SELECT * INTO res FROM stripe._sql_resources WHERE table_name = route.table_name;
    END IF;
    is_delete := coalesce((obj -> 'deleted') = 'true'::jsonb, false) OR coalesce(route.is_delete, false);

    INSERT INTO stripe._events (id, type, created, api_version, account_id, livemode, object_type, object_id, source, outcome, _raw_data)
    VALUES (ev_id, ev_type, version,
            CASE jsonb_typeof(ev -> 'api_version') WHEN 'string' THEN ev ->> 'api_version' END,
            coalesce(account, ''),
            CASE jsonb_typeof(ev -> 'livemode') WHEN 'boolean' THEN (ev ->> 'livemode')::boolean END,
            obj_type, obj_id, source, 'pending', ev)
    ON CONFLICT (id) DO UPDATE SET received_at = now(), source = EXCLUDED.source, outcome = 'pending', reason = NULL,
        account_id = EXCLUDED.account_id
    WHERE stripe._events.outcome IN ('failed', 'unattributed')
    RETURNING id INTO fresh;
    IF fresh IS NULL THEN
        RETURN 'duplicate';
    END IF;

    sm := stripe._summary_of(obj_type);
    IF account IS NULL THEN
        result := 'unattributed';
    ELSIF sm.object IS NOT NULL THEN
        result := stripe._apply_summary(sm, obj, account, version, ev_id);
    ELSIF res.object IS NULL THEN
        result := 'no_table';
    ELSIF obj_id IS NULL THEN
        result := 'no_id';
    ELSE
        result := stripe._apply_object(res, obj, obj_id, account, version, is_delete);
    END IF;
    UPDATE stripe._events SET outcome = result, processed_at = now() WHERE id = ev_id;

    -- A connected account that revoked the platform's access is no longer
    -- synced (its rows stay), as `serve` marks it.
    IF ev_type = 'account.application.deauthorized' AND coalesce(account, '') <> ''
       AND NOT EXISTS (SELECT 1 FROM stripe._accounts a WHERE a.account_id = account) THEN
        revoked := format('access revoked: account.application.deauthorized (%s)', ev_id);
        INSERT INTO stripe._sync_accounts (account_id, key_id, connected, state, reason)
        VALUES (account,
                coalesce((SELECT a.key_id FROM stripe._accounts a WHERE a.account_id = platform LIMIT 1), ''),
                true, 'revoked', revoked)
        ON CONFLICT (account_id) DO UPDATE SET state = 'revoked', reason = EXCLUDED.reason, changed_at = now()
         WHERE stripe._sync_accounts.state <> 'revoked';
        UPDATE stripe._sync_work SET state = 'cancelled', finished_at = now(), error = revoked
         WHERE account_id = account AND state IN ('pending', 'running');
    END IF;
    RETURN result;
END
$$;

-- Records and applies an event already trusted (fetched from the API, or
-- verified by the caller). Raises SW400 for a body that is not an event.
CREATE OR REPLACE FUNCTION stripe.apply_event(event jsonb)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    problem text := stripe._event_problem(event);
BEGIN
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '%', problem USING ERRCODE = 'SW400';
    END IF;
    RETURN stripe._apply_event(event, 'sql', NULL, NULL);
END
$$;

-- Verifies a webhook's Stripe-Signature header against the endpoint
-- secrets (_managed_webhooks, _webhook_secrets) with pgcrypto's HMAC-SHA256,
-- every candidate compared in full; checks the timestamp against the
-- database clock (300 s, or the setting stripe_sync.webhook_tolerance_secs);
-- then records and applies the event. The body is bytea: a signed body is
-- verified on its bytes, whatever they hold. Limits as `serve`'s: a body of
-- at most 1 MiB (stripe_sync.max_webhook_body_bytes), a header of at most
-- 4096 bytes and 8 v1 signatures.
CREATE OR REPLACE FUNCTION stripe.process_webhook(body bytea, signature text)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    max_bytes bigint := coalesce(nullif(current_setting('stripe_sync.max_webhook_body_bytes', true), '')::bigint, 1048576);
    tolerance bigint := coalesce(nullif(current_setting('stripe_sync.webhook_tolerance_secs', true), '')::bigint, 300);
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
BEGIN
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
          FROM stripe._managed_webhooks w WHERE w.status = 'enabled'
        UNION ALL
        SELECT s.secret, s.account_id, s.account_id, 1, s.added_at FROM stripe._webhook_secrets s
        ORDER BY 4, 5
    LOOP
        any_secret := true;
        mac := stripe._hmac_sha256(convert_to(signed, 'UTF8') || body, convert_to(sec.secret, 'UTF8'));
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
        RAISE EXCEPTION 'no webhook secret known: create a managed webhook (stripe-sync webhook create) or call stripe.add_webhook_secret(''whsec_...'')'
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
        INSERT INTO stripe._webhook_rejections (reason, body) VALUES ('body is not UTF-8', encode(body, 'escape'));
        RETURN 'rejected: body is not UTF-8';
    END;
    BEGIN
        ev := txt::jsonb;
    EXCEPTION WHEN OTHERS THEN
        problem := 'not a Stripe event: ' || SQLERRM;
    END;
    problem := coalesce(problem, stripe._event_problem(ev));
    IF problem IS NOT NULL THEN
        INSERT INTO stripe._webhook_rejections (reason, body) VALUES (problem, txt);
        RETURN 'rejected: ' || problem;
    END IF;
    RETURN stripe._apply_event(ev, 'webhook', endpoint_account, platform);
END
$$;
