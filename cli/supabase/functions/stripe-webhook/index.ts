// Supabase Edge Function: Stripe webhook -> stripe_sync.process_webhook().
//
// A pipe and nothing more. The signature check, the size and timestamp
// limits, the recording and the applying of the event all happen in SQL
// (stripe_sync.process_webhook, installed by stripe-sync's migrations), so this
// function needs no Stripe key and no webhook secret: add the endpoint's
// secret with SELECT stripe_sync.add_webhook_secret('whsec_...'), or let
// `stripe-sync webhook create` manage it.
//
// It connects as the role stripe_sync_webhook, which may execute
// stripe_sync.process_webhook (SECURITY DEFINER: it writes as the owner) and
// nothing else: no table, not the mirror, not the secrets. Never as the
// owner, so not over SUPABASE_DB_URL (that is the postgres role).
//
// Env: STRIPE_SYNC_DB_URL, that role's URL: `stripe-sync supabase install`
// creates the role and writes supabase/functions/stripe-webhook/.env, then
// `supabase secrets set --env-file supabase/functions/stripe-webhook/.env`.
// DATABASE_URL when it is unset (local runs); PORT (local runs).
// Deploy: supabase functions deploy stripe-webhook --no-verify-jwt
import postgres from "npm:postgres@3.4.9";

const MAX_BODY = 1048576; // 1 MiB, as `stripe-sync serve` and the SQL side
const DB_URL = Deno.env.get("STRIPE_SYNC_DB_URL") ||
  Deno.env.get("DATABASE_URL");

// One small pool per isolate, made once. prepare: false suits the
// transaction-mode pooler; the body goes over as bytea, bytes intact.
const sql = DB_URL
  ? postgres(DB_URL, {
    max: 3,
    prepare: false,
    idle_timeout: 20,
    connect_timeout: 10,
    onnotice: () => {},
  })
  : null;

// What each SQLSTATE raised by process_webhook answers; anything else is the
// database's trouble (unreachable, missing migration...): 5xx, Stripe retries.
const STATUS: Record<string, number> = {
  SW401: 400,
  SW400: 400,
  SW413: 413,
  SW500: 500,
  "0A000": 500,
};

const fail = (status: number, error: string) =>
  Response.json({ error }, { status });

async function handler(req: Request): Promise<Response> {
  if (req.method !== "POST") return fail(405, "only POST is accepted");
  if (!sql) {
    console.error(
      "stripe-webhook: 500 no database URL (STRIPE_SYNC_DB_URL, DATABASE_URL)",
    );
    return fail(
      500,
      "no database URL: run `stripe-sync supabase install`, then " +
        "`supabase secrets set --env-file supabase/functions/stripe-webhook/.env` " +
        "(it sets STRIPE_SYNC_DB_URL)",
    );
  }
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY) {
    return fail(413, `body over the limit of ${MAX_BODY} bytes`);
  }
  const body = new Uint8Array(await req.arrayBuffer()); // raw bytes: the HMAC is over them
  if (body.byteLength > MAX_BODY) {
    return fail(413, `body over the limit of ${MAX_BODY} bytes`);
  }
  const signature = req.headers.get("stripe-signature"); // null when missing: the SQL refuses it

  try {
    const [{ outcome }] =
      await sql`SELECT stripe_sync.process_webhook(${body}::bytea, ${signature}::text) AS outcome`;
    // A validly signed body that is not an event: kept in stripe_sync.webhook_rejections.
    if (String(outcome).startsWith("rejected:")) return fail(400, outcome);
    return Response.json({ received: true, outcome });
  } catch (err) {
    const code = String((err as { code?: unknown })?.code ?? "unknown");
    const known = Object.hasOwn(STATUS, code);
    const status = known ? STATUS[code] : 503;
    // One line, never the body nor a secret (code: a SQLSTATE, or the
    // driver's, e.g. ECONNREFUSED). Unexpected errors stay vague to the caller.
    console.error(
      `stripe-webhook: ${status} code ${code}: ${(err as Error)?.message}`,
    );
    return fail(
      status,
      known ? (err as Error).message : `database unavailable (${code})`,
    );
  }
}

const port = Deno.env.get("PORT");
if (port) Deno.serve({ port: Number(port) }, handler);
else Deno.serve(handler);
