//! `stripe-sync supabase install` and `uninstall`: webhooks applied inside
//! the database by `stripe_sync.process_webhook`, fed by an Edge Function that is
//! only a pipe (its source ships in this binary). The function logs in as
//! [`WEBHOOK_ROLE`], which may run `process_webhook` and nothing else: never
//! as the database's owner.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

use stripe_sync::Schema;

use crate::options::{
    engine, engine_to_migrate, migrate, outln, ApiOpts, CliError, CliResult, GlobalOpts,
};

mod management;
use management::ManagementApi;

/// The Edge Function's source, written by `install`.
pub const FUNCTION_SOURCE: &str = include_str!("../../supabase/functions/stripe-webhook/index.ts");

/// The function's name, and its directory under `supabase/functions/`.
pub const FUNCTION_NAME: &str = "stripe-webhook";

/// The login role the function of the default mirror connects as
/// ([`Function::role`] for another). `install` creates it (or sets a new
/// password on it) and calls `stripe_sync.grant_privileges()`, which lets it
/// use schema `stripe_sync` and execute `process_webhook` (a `SECURITY
/// DEFINER` function): no table, no other function.
pub const WEBHOOK_ROLE: &str = "stripe_sync_webhook";

/// The variable holding the function's database URL (as its role).
pub const DB_URL_VAR: &str = "STRIPE_SYNC_DB_URL";

/// The file `install` writes [`DB_URL_VAR`] to for the default mirror,
/// relative to the project directory ([`Function::env_file`] for another).
pub const ENV_FILE: &str = "supabase/functions/stripe-webhook/.env";

/// The Edge Function of one mirror: each schema has its own (its name, the
/// role it logs in as, and its source calling that schema's
/// `process_webhook`), so two mirrors in one project share nothing.
#[derive(Clone, Debug)]
pub struct Function {
    /// The function's slug and directory: `stripe-webhook`, or
    /// `stripe-webhook-<schema>` for another schema.
    pub name: String,
    /// The source, for the schema.
    pub source: String,
    /// The mirror it writes.
    schema: Schema,
}

impl Function {
    /// The function of `schema`'s mirror.
    pub fn of(schema: &Schema) -> Function {
        let name = if schema.is_default() {
            FUNCTION_NAME.to_string()
        } else {
            format!("{FUNCTION_NAME}-{}", schema.mirror().replace('_', "-"))
        };
        Function {
            name,
            source: schema.sql(FUNCTION_SOURCE).into_owned(),
            schema: schema.clone(),
        }
    }

    /// The login role: `<schema>_sync_webhook`.
    pub fn role(&self) -> String {
        format!("{}_webhook", self.schema.engine())
    }

    /// The engine's schema, whose `grant_privileges()` grants the role.
    pub fn engine(&self) -> &str {
        self.schema.engine()
    }

    /// The file `install` writes [`DB_URL_VAR`] to, relative to the project
    /// directory, for `supabase secrets set --env-file`.
    pub fn env_file(&self) -> String {
        format!("supabase/functions/{}/.env", self.name)
    }
}

/// `supabase` actions.
#[derive(Subcommand, Debug)]
pub enum SupabaseAction {
    /// Apply the migrations, create (or reuse) the managed webhook pointed at
    /// the function, write the function's files, and create the role it logs
    /// in as (a new password each time), ready to deploy.
    Install(InstallArgs),
    /// Delete the managed webhooks pointed at the function.
    Uninstall(UninstallArgs),
}

/// Arguments of `supabase install`.
#[derive(Args, Debug)]
pub struct InstallArgs {
    /// The function's public URL, e.g. https://<project-ref>.supabase.co/functions/v1/stripe-webhook
    #[arg(long)]
    pub function_url: String,
    /// Also create the Connect endpoint (`connect=true`) for a platform's
    /// connected accounts, pointed at the same function.
    #[arg(long)]
    pub connect: bool,
    /// The Supabase project directory the function is written under
    /// (`<dir>/supabase/functions/stripe-webhook/`).
    #[arg(long, default_value = ".")]
    pub project_dir: PathBuf,
    /// A Supabase access token (https://supabase.com/dashboard/account/tokens):
    /// with --project, install deploys the function and sets its secret
    /// through Supabase's Management API instead of printing the commands.
    #[arg(
        long,
        env = "SUPABASE_ACCESS_TOKEN",
        hide_env_values = true,
        requires = "project"
    )]
    pub token: Option<String>,
    /// The Supabase project's ref (the `<ref>` of `<ref>.supabase.co`), with --token.
    #[arg(long, requires = "token")]
    pub project: Option<String>,
    /// The Management API's base URL.
    #[arg(
        long,
        env = "SUPABASE_API_URL",
        hide_env_values = true,
        default_value = "https://api.supabase.com"
    )]
    pub management_api: String,
    /// An existing endpoint's signing secret (whsec_…), already pointed at
    /// the function: used instead of creating a managed webhook.
    #[arg(
        long,
        env = "STRIPE_WEBHOOK_SECRET",
        hide_env_values = true,
        conflicts_with = "connect"
    )]
    pub webhook_secret: Option<String>,
    /// The mirror and Stripe's API.
    #[command(flatten)]
    pub api: ApiOpts,
}

/// Arguments of `supabase uninstall`.
#[derive(Args, Debug)]
pub struct UninstallArgs {
    /// The function's public URL given to `install`.
    #[arg(long)]
    pub function_url: String,
    /// The mirror and Stripe's API.
    #[command(flatten)]
    pub api: ApiOpts,
}

fn check_url(url: &str) -> CliResult {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "{url:?} is not a URL: pass the function's public URL, \
             https://<project-ref>.supabase.co/functions/v1/{FUNCTION_NAME}"
        )))
    }
}

/// Writes the function's files under `project_dir`; returns its directory.
pub fn write_function(project_dir: &Path, f: &Function) -> CliResult<PathBuf> {
    let dir = project_dir.join("supabase").join("functions").join(&f.name);
    std::fs::create_dir_all(&dir).map_err(|e| {
        CliError::failed(format!(
            "cannot create {}: {e}; pass a writable --project-dir",
            dir.display()
        ))
    })?;
    let file = dir.join("index.ts");
    std::fs::write(&file, &f.source)
        .map_err(|e| CliError::failed(format!("cannot write {}: {e}", file.display())))?;
    Ok(dir)
}

/// Writes `STRIPE_SYNC_DB_URL=<url>` to `<dir>/.env`, readable by its owner
/// only (mode 0600 from its creation: written to a new file, then renamed
/// over the old one), and a `.gitignore` beside it when there is none.
fn write_env(dir: &Path, url: &str) -> CliResult<PathBuf> {
    let file = dir.join(".env");
    let tmp = dir.join(".env.tmp");
    let cannot = |e: std::io::Error| {
        CliError::failed(format!(
            "cannot write {}: {e}; pass a writable --project-dir",
            file.display()
        ))
    };
    let _ = std::fs::remove_file(&tmp);
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut f = o.open(&tmp).map_err(cannot)?;
    f.write_all(format!("{DB_URL_VAR}={url}\n").as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(cannot)?;
    drop(f);
    std::fs::rename(&tmp, &file).map_err(cannot)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, ".env\n.env.tmp\n")
            .map_err(|e| CliError::failed(format!("cannot write {}: {e}", ignore.display())))?;
    }
    Ok(file)
}

/// A fresh password: 32 random bytes from the OS, hex-encoded (only
/// `[0-9a-f]`, so it needs no quoting in SQL nor encoding in a URL).
fn new_password() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The user name of a Supabase pooler (Supavisor) URL ends with
/// `.<project-ref>` (`postgres.abcdefghijklmnopqrst`): the tenant, which the
/// webhook role's user name must carry too.
fn pooler_tenant(user: &str) -> Option<&str> {
    let (name, tenant) = user.rsplit_once('.')?;
    let is_ref = !tenant.is_empty()
        && tenant
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (!name.is_empty() && is_ref).then_some(tenant)
}

/// The URL the function connects with: `database_url` (the one `install` was
/// given) with user `role` (`stripe_sync_webhook.<project-ref>`
/// through Supabase's pooler, whose user names are `postgres.<project-ref>`)
/// and `password`; host, port, database and query parameters unchanged,
/// but for `user` and `password` parameters, which would override them.
fn webhook_db_url(database_url: &str, role: &str, password: &str) -> CliResult<String> {
    let invalid = || {
        CliError::usage(
            "DATABASE_URL is not a valid PostgreSQL URL: expected postgres://user:password@host:5432/db",
        )
    };
    let mut url = reqwest::Url::parse(database_url.trim()).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "postgres" | "postgresql") {
        return Err(invalid());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(CliError::usage(
            "DATABASE_URL names no host (a Unix socket?), and the Edge Function connects over the network: \
             pass the URL Supabase gives, postgresql://postgres:<password>@db.<project-ref>.supabase.co:5432/postgres",
        ));
    }
    let given_user = if url.username().is_empty() {
        url.query_pairs()
            .find(|(k, _)| k == "user")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    } else {
        url.username().to_string()
    };
    let user = match pooler_tenant(&given_user) {
        Some(tenant) => format!("{role}.{tenant}"),
        None => role.to_string(),
    };
    if let Some(query) = url.query().map(str::to_owned) {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !matches!(p.split('=').next(), Some("user" | "password")))
            .collect();
        url.set_query((!kept.is_empty()).then(|| kept.join("&")).as_deref());
    }
    url.set_fragment(None);
    url.set_username(&user).map_err(|()| invalid())?;
    url.set_password(Some(password)).map_err(|()| invalid())?;
    Ok(url.into())
}

/// The standard base64 encoding (with padding), for the SCRAM verifier.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    m.update(data);
    m.finalize().into_bytes().into()
}

/// The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802,
/// 7677; what `psql`'s `\password` sends): `CREATE ROLE … PASSWORD
/// '<verifier>'` sets the password without the password itself ever
/// reaching the server, so neither its log (`log_statement`, an error's
/// `STATEMENT:` line) nor `pg_stat_statements` can hold it. `password` must
/// be ASCII without control characters (SASLprep leaves it unchanged).
pub fn scram_sha256_verifier(password: &str, salt: &[u8], iterations: u32) -> String {
    // SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, iterations).
    let mut first = salt.to_vec();
    first.extend_from_slice(&1u32.to_be_bytes());
    let mut u = hmac_sha256(password.as_bytes(), &first);
    let mut salted = u;
    for _ in 1..iterations {
        u = hmac_sha256(password.as_bytes(), &u);
        salted.iter_mut().zip(u).for_each(|(s, x)| *s ^= x);
    }
    let stored_key = Sha256::digest(hmac_sha256(&salted, b"Client Key"));
    let server_key = hmac_sha256(&salted, b"Server Key");
    format!(
        "SCRAM-SHA-256${iterations}:{}${}:{}",
        base64(salt),
        base64(&stored_key),
        base64(&server_key)
    )
}

/// Whether a role existed before [`set_webhook_role`].
enum RoleChange {
    Created,
    Rotated,
}

fn sqlstate(e: &sqlx::Error) -> Option<String> {
    e.as_database_error()
        .and_then(|d| d.code())
        .map(|c| c.into_owned())
}

/// Creates the function's role with `password` (or sets it, when the role
/// exists: it is cluster-wide, another database may have made it) and grants
/// its privileges, in one transaction. `template_url` (the function's URL
/// with a placeholder password) goes in the message when the database user
/// may not create roles.
async fn set_webhook_role(
    pool: &PgPool,
    f: &Function,
    password: &str,
    template_url: &str,
) -> CliResult<RoleChange> {
    let role = f.role();
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let verifier = scram_sha256_verifier(password, &salt, 4096);
    // The statement is built, not bound (utility statements take no
    // parameters): only from the constant name and the verifier's base64.
    if !verifier
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=$:-".contains(&b))
    {
        return Err(CliError::failed(
            "internal error: unexpected SCRAM verifier",
        ));
    }
    // A connection of its own, whose statements sqlx never logs (not even
    // as slow): the one below carries the verifier.
    let opts = (*pool.connect_options())
        .clone()
        .disable_statement_logging();
    let user = opts.get_username().to_string();
    let mut conn = PgConnection::connect_with(&opts)
        .await
        .map_err(|e| CliError::failed(format!("cannot connect to create the role {role}: {e}")))?;
    // An install elsewhere in the cluster may create or change the role
    // between the check and the statement: then another round, a moment later.
    let mut outcome = set_role_once(&mut conn, f, &verifier, &user, template_url).await;
    for round in 1..5u64 {
        if !matches!(outcome, Err(Retry::Raced)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50 * round)).await;
        outcome = set_role_once(&mut conn, f, &verifier, &user, template_url).await;
    }
    let _ = conn.close().await;
    outcome.map_err(|r| match r {
        Retry::Raced => CliError::failed(format!(
            "cannot set the role {role}: other installs in this cluster kept changing it; run install again"
        )),
        Retry::Failed(e) => e,
    })
}

enum Retry {
    Raced,
    Failed(CliError),
}

async fn set_role_once(
    conn: &mut PgConnection,
    f: &Function,
    verifier: &str,
    user: &str,
    template_url: &str,
) -> Result<RoleChange, Retry> {
    let failed =
        |what: &str, e: sqlx::Error| Retry::Failed(CliError::failed(format!("cannot {what}: {e}")));
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| failed("begin a transaction", e))?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1)")
            .bind(f.role())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| failed("look the role up", e))?;
    let verb = if exists { "ALTER" } else { "CREATE" };
    // The role's name is a checked schema name and a constant suffix.
    let (role, engine) = (f.role(), f.engine());
    let sql = format!("{verb} ROLE {role} WITH LOGIN PASSWORD '{verifier}'");
    if let Err(e) = sqlx::raw_sql(&sql).execute(&mut *tx).await {
        // Never `{sql}` in a message: it holds the verifier.
        return Err(match sqlstate(&e).as_deref() {
            // duplicate_object, unique_violation (pg_authid): created meanwhile.
            Some("42710" | "23505") if !exists => Retry::Raced,
            // Another install in the cluster changed the role at the same
            // moment (the role is cluster-wide).
            Some("XX000") if e.to_string().contains("tuple concurrently updated") => Retry::Raced,
            Some("42501") => Retry::Failed(role_denied(f, verb, user, &e, template_url)),
            _ => failed(&format!("{} the role {role}", verb.to_lowercase()), e),
        });
    }
    sqlx::query(&format!("SELECT {engine}.grant_privileges()"))
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if e.to_string().contains("tuple concurrently updated") {
                return Retry::Raced;
            }
            Retry::Failed(CliError::failed(format!(
                "cannot grant {role} its privileges ({engine}.grant_privileges()): {e}; \
                 run install as the user that applies the migrations (the owner of schema {engine})"
            )))
        })?;
    tx.commit()
        .await
        .map_err(|e| failed("commit the role", e))?;
    Ok(if exists {
        RoleChange::Rotated
    } else {
        RoleChange::Created
    })
}

/// What to do when the database user may not create (or alter) roles.
fn role_denied(
    f: &Function,
    verb: &str,
    user: &str,
    e: &sqlx::Error,
    template_url: &str,
) -> CliError {
    let (role, engine) = (f.role(), f.engine());
    let why = e
        .as_database_error()
        .map(|d| d.message().to_string())
        .unwrap_or_default();
    let ident = format!("\"{}\"", user.replace('"', "\"\""));
    CliError::failed(format!(
        "cannot {} the role {role} the Edge Function logs in as ({why}): \
         the database user {ident} lacks the CREATEROLE privilege (and, on PostgreSQL 16 and later, \
         ADMIN OPTION on an existing {role}). The migrations, the webhook and the function are in place; \
         either have a superuser run `ALTER ROLE {ident} CREATEROLE;` and run install again, \
         or have a superuser run `{verb} ROLE {role} WITH LOGIN PASSWORD '<password>'; \
         SELECT {engine}.grant_privileges();` with a password of your choosing, \
         then `supabase secrets set {DB_URL_VAR}='{template_url}'` with that password and deploy",
        verb.to_lowercase()
    ))
}

/// Runs a `supabase` action.
pub async fn run(before: GlobalOpts, action: SupabaseAction) -> CliResult {
    match action {
        SupabaseAction::Install(a) => install(before, a).await,
        SupabaseAction::Uninstall(a) => uninstall(before, a).await,
    }
}

async fn install(before: GlobalOpts, a: InstallArgs) -> CliResult {
    check_url(&a.function_url)?;
    // Bad input is refused before anything changes.
    if a.webhook_secret
        .as_ref()
        .is_some_and(|s| !s.starts_with("whsec_"))
    {
        return Err(CliError::usage(
            "--webhook-secret takes an endpoint's signing secret, whsec_… (Dashboard > Developers > Webhooks > the endpoint > Signing secret)",
        ));
    }
    let g = before.with_api(&a.api);
    let sync = engine_to_migrate(&g, None).await?;
    let schema = sync.config().schema.clone();
    let f = Function::of(&schema);
    let role = &f.role();
    let done = async {
        // The engine connected with it: set, and a URL sqlx reads.
        let database_url = g.database_url.as_deref().unwrap_or_default();
        let password = new_password();
        // Built before anything changes: a URL the function cannot use stops here.
        let role_url = webhook_db_url(database_url, role, &password)?;
        let template_url = webhook_db_url(database_url, role, "PASSWORD")?.replacen(
            ":PASSWORD@",
            ":<password>@",
            1,
        );
        // First what needs no network: the function's file, the migrations.
        let dir = write_function(&a.project_dir, &f)?;
        outln!("function written to {}", dir.join("index.ts").display());
        migrate(sync.pool(), &schema).await?;
        outln!("migrations applied");
        match &a.webhook_secret {
            Some(secret) => {
                sync.add_webhook_secret(secret).await?;
                outln!("the endpoint's signing secret is stored; no managed webhook created");
            }
            None => {
                let w = sync.find_or_create_managed_webhook(&a.function_url).await?;
                outln!(
                    "managed webhook {} → {} (API version {}, {} event types)",
                    w.id,
                    w.url,
                    w.api_version,
                    w.enabled_events.len()
                );
                if a.connect {
                    let c = sync.find_or_create_connect_webhook(&a.function_url).await?;
                    outln!("Connect webhook {} → {}", c.id, c.url);
                }
            }
        }
        // Webhooks flow from now on; a scheduled catch-up starts here.
        sync.start_catch_up_now().await?;
        // Last: without the privilege to create roles, everything else is
        // in place and the error says how to finish.
        match set_webhook_role(sync.pool(), &f, &password, &template_url).await? {
            RoleChange::Created => outln!("role {role} created, with a new password"),
            RoleChange::Rotated => outln!(
                "role {role} given a new password (a function deployed before uses the old one until its secret is set again)"
            ),
        }
        let env = write_env(&dir, &role_url)?;
        outln!(
            "the function's database URL ({DB_URL_VAR}, as {role}) written to {}: it holds the password; never commit it (the .gitignore beside it excludes it)",
            env.display()
        );
        Ok::<_, CliError>(role_url)
    }
    .await;
    sync.close().await;
    let role_url = done?;
    let engine = f.engine();
    outln!(
        "the endpoint secrets are in {engine}.managed_webhooks, where {engine}.process_webhook reads them; \
         the function needs no Stripe key, and connects as {role}, which can run {engine}.process_webhook and nothing else"
    );
    match (&a.token, &a.project) {
        (Some(token), Some(project)) => {
            let api = ManagementApi::new(&a.management_api, token, project, &f)?;
            api.set_secret(DB_URL_VAR, &role_url).await?;
            outln!("secret {DB_URL_VAR} set on project {project}");
            let version = api.deploy_function().await?;
            outln!(
                "function {} deployed to project {project}{} (JWT not verified: the Stripe signature is the authentication)",
                f.name,
                version.map(|v| format!(", version {v}")).unwrap_or_default()
            );
            outln!("next, with the same DATABASE_URL and key:");
        }
        _ => {
            outln!("next, from {}:", a.project_dir.display());
            outln!("  supabase secrets set --env-file {}", f.env_file());
            outln!("  supabase functions deploy {} --no-verify-jwt", f.name);
            outln!("  (or install again with --token and --project: it does both)");
            outln!("then, with the same DATABASE_URL and key:");
        }
    }
    let flag = if schema.is_default() {
        String::new()
    } else {
        format!(" --schema {schema}")
    };
    outln!("  stripe-sync backfill{flag}                  # once: what exists at Stripe today");
    outln!("  stripe-sync sync --events-only{flag}        # on a schedule (every 15 min): what webhooks missed, from now on");
    Ok(())
}

async fn uninstall(before: GlobalOpts, a: UninstallArgs) -> CliResult {
    check_url(&a.function_url)?;
    let g = before.with_api(&a.api);
    let sync = engine(&g, None).await?;
    let schema = sync.config().schema.clone();
    let f = Function::of(&schema);
    let removed = async {
        let mut removed = 0;
        for w in sync.list_managed_webhooks().await? {
            if w.url == a.function_url {
                sync.delete_managed_webhook(&w.id).await?;
                outln!("deleted managed webhook {} → {}", w.id, w.url);
                removed += 1;
            }
        }
        Ok::<_, stripe_sync::Error>(removed)
    }
    .await;
    sync.close().await;
    if removed? == 0 {
        outln!("no managed webhook points at {}", a.function_url);
    }
    outln!("the mirror's data stays; to remove it as well:");
    outln!("  supabase functions delete {}", f.name);
    outln!("  supabase secrets unset {DB_URL_VAR}");
    outln!(
        "  psql \"$DATABASE_URL\" -c 'DROP SCHEMA {} CASCADE' -c 'DROP SCHEMA {} CASCADE'",
        schema.engine(),
        schema.mirror()
    );
    outln!(
        "then the function's login role (one per PostgreSQL cluster: drop it once no database uses it):"
    );
    outln!("  psql \"$DATABASE_URL\" -c 'DROP ROLE {}'", f.role());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_schema_has_its_own_function_role_and_entry_point() {
        let default = Function::of(&Schema::default());
        assert_eq!(default.name, FUNCTION_NAME);
        assert_eq!(default.role(), WEBHOOK_ROLE);
        assert_eq!(default.source, FUNCTION_SOURCE);
        assert_eq!(default.env_file(), ENV_FILE);
        let f = Function::of(&Schema::new("billing_test").unwrap());
        assert_eq!(f.name, "stripe-webhook-billing-test");
        assert_eq!(f.role(), "billing_test_sync_webhook");
        assert_eq!(
            f.env_file(),
            "supabase/functions/stripe-webhook-billing-test/.env"
        );
        assert!(f
            .source
            .contains("SELECT billing_test_sync.process_webhook("));
        assert!(!f.source.contains("stripe_sync"));
    }
    use std::str::FromStr;

    const PW: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn webhook_url_swaps_the_user_and_the_password_only() {
        let cases = [
            // Supabase's direct connection.
            (
                "postgresql://postgres:s3cret@db.abcdefghijklmnopqrst.supabase.co:5432/postgres",
                format!("postgresql://stripe_sync_webhook:{PW}@db.abcdefghijklmnopqrst.supabase.co:5432/postgres"),
            ),
            // Its pooler: the user carries the project ref.
            (
                "postgres://postgres.abcdefghijklmnopqrst:p%40ss%3Aw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres?sslmode=require",
                format!("postgres://stripe_sync_webhook.abcdefghijklmnopqrst:{PW}@aws-0-eu-west-1.pooler.supabase.com:6543/postgres?sslmode=require"),
            ),
            // No user nor password given; no port.
            (
                "postgres://127.0.0.1/mirror",
                format!("postgres://stripe_sync_webhook:{PW}@127.0.0.1/mirror"),
            ),
            // user/password parameters dropped (they would override), the rest kept as given.
            (
                "postgres://db.example:5433/x?user=postgres.abcdef&password=pw&application_name=a%20b&sslmode=verify-full#frag",
                format!("postgres://stripe_sync_webhook.abcdef:{PW}@db.example:5433/x?application_name=a%20b&sslmode=verify-full"),
            ),
            (
                "postgres://admin:pw@[::1]:5432/db?password=x",
                format!("postgres://stripe_sync_webhook:{PW}@[::1]:5432/db"),
            ),
            // A dotted name that is not a pooler's (the suffix is no project ref).
            (
                "postgres://first.Last@h/db",
                format!("postgres://stripe_sync_webhook:{PW}@h/db"),
            ),
        ];
        for (given, want) in cases {
            let got = webhook_db_url(given, WEBHOOK_ROLE, PW).unwrap();
            assert_eq!(got, want, "{given}");
            let o = sqlx::postgres::PgConnectOptions::from_str(&got).unwrap();
            assert!(o.get_username().starts_with(WEBHOOK_ROLE), "{got}");
        }
    }

    #[test]
    fn webhook_url_refuses_what_the_function_cannot_use() {
        for bad in [
            "",
            "not a url",
            "mysql://u:p@h/db",
            "postgres:///db?host=/var/run/postgresql",
            "postgres://h:notaport/db",
        ] {
            let e = webhook_db_url(bad, WEBHOOK_ROLE, PW).unwrap_err();
            assert_eq!(e.code, 2, "{bad}: {}", e.message);
            assert!(e.message.contains("postgres"), "{}", e.message);
        }
    }

    #[test]
    fn passwords_are_fresh_hex() {
        let (a, b) = (new_password(), new_password());
        assert_eq!(a.len(), 64);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }

    #[test]
    fn scram_verifier_matches_postgresql() {
        // From PostgreSQL 15: CREATE ROLE r PASSWORD '00112233445566778899aabbccddeeff'
        // (password_encryption = scram-sha-256), then rolpassword in pg_authid.
        let salt = [
            172, 123, 49, 178, 44, 43, 116, 22, 85, 195, 124, 141, 224, 72, 146, 230,
        ];
        assert_eq!(
            scram_sha256_verifier("00112233445566778899aabbccddeeff", &salt, 4096),
            "SCRAM-SHA-256$4096:rHsxsiwrdBZVw3yN4EiS5g==$xg1I/FmxeAyD77OzvdWjOZ5IrCRUaXdke9L1lQwXNiY=:AWM8YUHKVD9zipmtQ0Z/S5/21tWksire44zbcoCdpaI="
        );
    }

    #[test]
    fn base64_pads() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc);
        }
    }

    #[cfg(unix)]
    #[test]
    fn env_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("stripe-sync-env-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // An existing, world-readable file is replaced, not reused.
        std::fs::write(dir.join(".env"), "old").unwrap();
        std::fs::set_permissions(dir.join(".env"), std::fs::Permissions::from_mode(0o644)).unwrap();
        let f = write_env(&dir, "postgres://u:p@h/db").unwrap();
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "STRIPE_SYNC_DB_URL=postgres://u:p@h/db\n"
        );
        let mode = std::fs::metadata(&f).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(std::fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .lines()
            .any(|l| l == ".env"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
