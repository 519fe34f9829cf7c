-- stripe-sync bookkeeping, sixth part: one object never stops a path.
--
-- * JSON PostgreSQL refuses (U+0000, a lone surrogate) is made storable by a
--   lossless escape before it is cast (stripe_sync.storable_json, the Rust
--   path's runtime/src/storable.rs statement for statement).
-- * Typed columns read an integer beyond bigint or a time beyond what a
--   timestamp holds as NULL (the value stays in _raw_data).
-- * What still can't be written (a permanent error: classes 22, 23 and 54,
--   e.g. nesting past PostgreSQL's limit or an id too long for an index)
--   is quarantined in stripe_sync.quarantine with its reason, and the path
--   goes on; `stripe-sync quarantine retry` writes it again once the cause
--   is fixed.
-- * A signed webhook body rejected again is one row with a counter.
-- * process_webhook commits durably whatever the server's default, refuses
--   an event created later than now plus the tolerance, and quarantines
--   rather than fails.
--
-- The engine's own objects that are new here live in schema stripe_sync,
-- apart from the mirrored data.
--
-- Safe inside one transaction; every statement is idempotent.

CREATE SCHEMA IF NOT EXISTS stripe_sync;

-- _sync_runs.status also takes 'abandoned' (a run whose process stopped
-- beating; see store::RunStatus). The runs not finished are read by every
-- /metrics scrape: a partial index keeps that cheap on a long history.
CREATE INDEX IF NOT EXISTS _sync_runs_running_idx ON stripe._sync_runs (id) WHERE status = 'running';

-- Typed readers that never fail a write: out of range reads as NULL.
CREATE OR REPLACE FUNCTION stripe._bigint(v jsonb) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN jsonb_typeof(v) = 'number' AND v::numeric BETWEEN -9223372036854775808 AND 9223372036854775807 THEN v::bigint END $$;
CREATE OR REPLACE FUNCTION stripe._timestamp(v jsonb) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN jsonb_typeof(v) = 'number' AND v::numeric BETWEEN -210866803200 AND 9224318015999 THEN to_timestamp(v::float8) END $$;

-- What could not be written, one row per distinct body (a second failure
-- of the same body counts an attempt). kind: event | object. source:
-- webhook | events | backfill | retry. resolved_at: set once written.
CREATE TABLE IF NOT EXISTS stripe_sync.quarantine (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL,
    source        text NOT NULL,
    account_id    text NOT NULL,
    object_type   text,
    object_id     text,
    event_id      text,
    sqlstate      text NOT NULL,
    reason        text NOT NULL,
    body          text NOT NULL,
    body_sha256   bytea NOT NULL UNIQUE,
    attempts      integer NOT NULL DEFAULT 1,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at   timestamptz
);
CREATE INDEX IF NOT EXISTS quarantine_open_idx ON stripe_sync.quarantine (id) WHERE resolved_at IS NULL;

-- Rejections: one row per body, counted.
ALTER TABLE stripe._webhook_rejections
    ADD COLUMN IF NOT EXISTS body_sha256 bytea,
    ADD COLUMN IF NOT EXISTS count bigint NOT NULL DEFAULT 1,
    ADD COLUMN IF NOT EXISTS last_received_at timestamptz;
UPDATE stripe._webhook_rejections SET body_sha256 = sha256(convert_to(body, 'UTF8')), last_received_at = received_at
 WHERE body_sha256 IS NULL;
WITH d AS (
    SELECT id, min(id) OVER w AS keep, count(*) OVER w AS n, max(received_at) OVER w AS last
      FROM stripe._webhook_rejections WINDOW w AS (PARTITION BY body_sha256)
)
UPDATE stripe._webhook_rejections r SET count = d.n, last_received_at = d.last
  FROM d WHERE r.id = d.id AND d.id = d.keep AND d.n > 1;
DELETE FROM stripe._webhook_rejections r
 USING (SELECT id, min(id) OVER (PARTITION BY body_sha256) AS keep FROM stripe._webhook_rejections) d
 WHERE r.id = d.id AND d.id <> d.keep;
ALTER TABLE stripe._webhook_rejections ALTER COLUMN body_sha256 SET NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS _webhook_rejections_body_idx ON stripe._webhook_rejections (body_sha256);

-- Keeps a signed body that is not an event (or not acceptable): `raw` its
-- bytes (hashed), `shown` the text kept.
CREATE OR REPLACE FUNCTION stripe_sync.reject_webhook(raw bytea, reason text, shown text)
RETURNS void LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO stripe._webhook_rejections AS r (reason, body, body_sha256, last_received_at)
    VALUES ($2, $3, sha256($1), now())
    ON CONFLICT (body_sha256) DO UPDATE SET count = r.count + 1, last_received_at = now(), reason = EXCLUDED.reason
$$;

-- The JSON text `txt` with U+0000, lone surrogates and U+E000 escaped by
-- U+E000 (see runtime/src/storable.rs): U+0000 -> U+E000 '0', a lone
-- surrogate \udXYZ -> U+E000 'dXYZ', U+E000 -> U+E000 U+E000. A backslash
-- in JSON text always starts an escape, so the text is split at
-- backslashes and each escape is at the start of a piece.
CREATE OR REPLACE FUNCTION stripe_sync.storable_json(txt text)
RETURNS text LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    pieces text[];
    n integer;
    piece text;
    hex text;
    rest text;
    high boolean;
    low boolean;
    escaped boolean := false;
    after_high boolean := false;
    out text[] := ARRAY[]::text[];
BEGIN
    IF txt IS NULL OR (position(U&'\E000' IN txt) = 0 AND txt !~ '\\u[0dDeE]') THEN
        RETURN txt;
    END IF;
    pieces := string_to_array(txt, '\');
    n := cardinality(pieces);
    FOR i IN 1 .. n LOOP
        piece := pieces[i];
        IF NOT escaped THEN
            out := out || piece;
            after_high := false;
            escaped := true;
            CONTINUE;
        END IF;
        IF piece = '' THEN
            out := out || piece;
            escaped := false;
            after_high := false;
            CONTINUE;
        END IF;
        hex := CASE WHEN piece ~ '^u[0-9a-fA-F]{4}' THEN lower(substr(piece, 2, 4)) END;
        high := coalesce(hex ~ '^d[89ab]', false);
        low := coalesce(hex ~ '^d[c-f]', false);
        rest := substr(piece, 6);
        IF hex = '0000' THEN
            out := out || ('ue0000' || rest);
        ELSIF hex = 'e000' THEN
            out := out || ('ue000\ue000' || rest);
        ELSIF (high AND NOT (length(piece) = 5 AND i < n AND pieces[i + 1] ~ '^u[dD][c-fC-F][0-9a-fA-F]{2}'))
              OR (low AND NOT after_high) THEN
            out := out || ('ue000' || hex || rest);
        ELSE
            out := out || piece;
        END IF;
        after_high := high AND length(piece) = 5;
    END LOOP;
    RETURN replace(array_to_string(out, '\'), U&'\E000', '\ue000\ue000');
END
$$;

-- Quarantines what could not be written; returns the quarantine row's id.
CREATE OR REPLACE FUNCTION stripe_sync.quarantine(
    kind text, body text, source text, account text, object_type text, object_id text,
    event_id text, state text, reason text)
RETURNS bigint LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO stripe_sync.quarantine AS q
        (kind, source, account_id, object_type, object_id, event_id, sqlstate, reason, body, body_sha256)
    VALUES ($1, $3, coalesce($4, ''), left($5, 200), left($6, 200), left($7, 200), $8, left($9, 2000), $2,
            sha256(convert_to($2, 'UTF8')))
    ON CONFLICT (body_sha256) DO UPDATE SET attempts = q.attempts + 1, last_seen_at = now(), resolved_at = NULL,
        sqlstate = EXCLUDED.sqlstate, reason = EXCLUDED.reason, source = EXCLUDED.source
    RETURNING id
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
            INSERT INTO stripe._events (id, type, created, api_version, account_id, livemode, object_type, object_id,
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

-- The account an event is attributed to, as stripe._apply_event and the
-- Rust path attribute it: the event's own, else the account whose own
-- endpoint signed it, else the one account this database mirrors.
CREATE OR REPLACE FUNCTION stripe_sync.event_account(ev jsonb, endpoint_account text)
RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(CASE jsonb_typeof($1 -> 'account') WHEN 'string' THEN $1 ->> 'account' END, $2,
                    (SELECT min(a.account_id) FROM stripe._accounts a HAVING count(DISTINCT a.account_id) = 1))
$$;

-- process_webhook as in 0011, and: the transaction commits durably
-- (synchronous_commit on until its end: a SET clause would be undone when
-- the function returns, before the commit); the body is made storable
-- before it is cast; an event created later than now plus the tolerance is
-- rejected; a permanent error while writing quarantines the event.
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
    problem := coalesce(problem, stripe._event_problem(ev));
    IF problem IS NULL AND (ev ->> 'created')::numeric > extract(epoch FROM clock_timestamp())::bigint + tolerance THEN
        problem := format('event created later than now plus the tolerance (%s s): Stripe never sends one', tolerance);
    END IF;
    IF problem IS NOT NULL THEN
        PERFORM stripe_sync.reject_webhook(body, problem, txt);
        RETURN 'rejected: ' || problem;
    END IF;
    BEGIN
        RETURN stripe._apply_event(ev, 'webhook', endpoint_account, platform);
    EXCEPTION WHEN data_exception OR integrity_constraint_violation OR program_limit_exceeded THEN
        GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_text = MESSAGE_TEXT;
    END;
    RETURN stripe_sync.quarantine_event(txt, 'webhook', stripe_sync.event_account(ev, endpoint_account),
                                        err_state, err_text);
END
$$;
