-- stripe-sync bookkeeping, second part. Safe inside one transaction;
-- every statement is idempotent.

-- Which parent a child was listed under, for children whose own payload does
-- not name their parent (Checkout Session, Quote and Payment Link line
-- items; credit note lines). A parent's complete embedded list
-- (`has_more: false`) then says which of them still belong to it: those
-- missing get `_deleted_at`, like children whose payload names the parent.
CREATE TABLE IF NOT EXISTS stripe._list_members (
    account_id  text NOT NULL,
    child_table text NOT NULL,
    parent_id   text NOT NULL,
    child_id    text NOT NULL,
    PRIMARY KEY (account_id, child_table, parent_id, child_id)
);

-- The requests a backfill expects to make for an object type, once it knows
-- (pages of a top-level list estimated from its first page; parents to list
-- under): what progress and ETAs are measured against. NULL: not known yet.
ALTER TABLE stripe._sync_run_objects ADD COLUMN IF NOT EXISTS expected_requests bigint;
