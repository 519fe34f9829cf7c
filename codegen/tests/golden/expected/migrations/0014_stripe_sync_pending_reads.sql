-- stripe-sync bookkeeping, eighth part: what events leave for the API to
-- read. Both were found by the sequence driver (issue 30); both event
-- paths note them here, and `stripe-sync sync` (and the worker's events
-- job, and `serve` after it commits a webhook of its own account) reads
-- them, then removes the note unless a newer event noted it again
-- meanwhile. A failure is kept in `error` and tried again next time.
--
-- * truncated_lists: an object's embedded list holds its first items only
--   (ten of a subscription's items) and says `has_more: true`. The events
--   wrote those and nothing else, so a change to an item past the first
--   page never reached the mirror. The rest is listed from the list's URL,
--   written, and the parent's items it no longer holds soft-deleted.
-- * A late event's complete list no longer soft-deletes the children a
--   newer state of the parent holds (stripe_sync._apply_object below): it
--   deletes only when the parent's stored state is older than the event.
-- * refetches: events carry whole-second times and webhooks arrive in any
--   order, so of two events of one object in the same second the later
--   arrival won, whichever Stripe made last. An event that writes an
--   object another event of its second wrote notes the object; it is read
--   again once Stripe's clock is two seconds past, dated after every event
--   of that second.
--
-- A note is data, never SQL: types, ids, the field and the URL path Stripe
-- gave (only /v1/ paths are kept).
--
-- Safe inside one transaction; every statement is idempotent.

CREATE TABLE IF NOT EXISTS stripe_sync.truncated_lists (
    account_id    text NOT NULL,
    parent_object text NOT NULL,
    parent_id     text NOT NULL,
    field         text NOT NULL,
    url           text NOT NULL,
    noted_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    error         text,
    PRIMARY KEY (account_id, parent_object, parent_id, field)
);

CREATE TABLE IF NOT EXISTS stripe_sync.refetches (
    account_id text NOT NULL,
    object     text NOT NULL,
    id         text NOT NULL,
    -- The latest second two of its events share.
    second     timestamptz NOT NULL,
    noted_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    error      text,
    PRIMARY KEY (account_id, object, id)
);

-- Events of one object and second, for the check above. It serves what
-- the index on object_id alone served, which goes: one index more on the
-- ledger would cost every event's insert.
CREATE INDEX IF NOT EXISTS events_object_created_idx ON stripe_sync.events (object_id, created);
DROP INDEX IF EXISTS stripe_sync._events_object_id_idx;

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
    children_written bigint := 0;
    stored timestamptz[];
    updated timestamptz;
    deleted timestamptz;
    -- Whether a complete list may soft-delete the children it no longer
    -- holds: only when the parent's stored state is older than this one
    -- (a late event, or one of the same second whose order is unknown and
    -- which is read again, says nothing about who left).
    delete_missing boolean;
BEGIN
    stored := stripe_sync._row_version(res.table_name, obj_id);
    delete_missing := stored[2] IS NULL AND (stored[1] IS NULL OR stored[1] < version);
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
            -- The API left items out: the rest waits for `stripe-sync sync`.
            IF NOT complete AND jsonb_typeof(lst -> 'url') = 'string' AND (lst ->> 'url') LIKE '/v1/%' THEN
                INSERT INTO stripe_sync.truncated_lists AS t (account_id, parent_object, parent_id, field, url)
                VALUES (account, res.object, obj_id, fld, lst ->> 'url')
                ON CONFLICT (account_id, parent_object, parent_id, field)
                DO UPDATE SET url = EXCLUDED.url, noted_at = clock_timestamp(), error = NULL;
            END IF;
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
                    children_written := children_written + stripe_sync._upsert(
                        (SELECT r.table_name FROM stripe_sync.sql_resources r WHERE r.object = e.item_object),
                        kids, array_fill(account, ARRAY[cardinality(kids)]),
                        array_fill(version, ARRAY[cardinality(kids)]));
                END IF;
                IF cardinality(ids) > 0 THEN
                    PERFORM stripe_sync._record_members(account, array_fill(obj_id, ARRAY[cardinality(ids)]), ids,
                                                        e.parent_object, e.position);
                END IF;
                IF complete AND e.complete AND delete_missing THEN
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
    -- Another event of this second wrote it too (this event's own ledger
    -- row is in already): read it again.
    IF n + children_deleted + children_written > 0 THEN
        IF NOT is_delete AND EXISTS (
            SELECT 1 FROM stripe_sync.events s
             WHERE s.object_id = obj_id AND s.account_id = account AND s.created = version
               AND s.outcome NOT IN ('failed', 'unattributed')
            OFFSET 1) THEN
            INSERT INTO stripe_sync.refetches AS r (account_id, object, id, second)
            VALUES (account, res.object, obj_id, version)
            ON CONFLICT (account_id, object, id)
            DO UPDATE SET second = GREATEST(r.second, EXCLUDED.second), noted_at = clock_timestamp(), error = NULL;
        END IF;
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

SELECT stripe_sync.grant_privileges();
