//! stripe-sync's code generator: Stripe's OpenAPI spec → an intermediate
//! representation ([`ir`]) → Rust ([`rust`]) and SQL ([`sql`]).
//!
//! [`generate`] replays the whole chain of API versions listed in
//! `spec/versions.json` and returns every output file; [`bump`] adds one new
//! version using only the committed schema snapshot ([`lock`]) and the new spec.
//! [`versions`] reads the version list; [`sources`] finds (or downloads) each
//! version's files.

pub mod ir;
pub mod lock;
pub mod naming;
pub mod overrides;
pub mod parse;
pub mod rust;
pub mod sources;
pub mod sql;
pub mod sql_registry;
pub mod versions;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};

use crate::ir::Api;
use crate::lock::Lock;
pub use crate::sources::{Sources, VersionFiles};
pub use crate::versions::{
    migration_name, sha256_hex, VersionEntry, Versions, SPEC_FILES, VERSIONS_FILE,
};

/// The schema snapshot the next version is diffed against.
pub const LOCK_FILE: &str = "spec/schema.lock.json";
/// Where generated Rust goes, relative to the repository root.
pub const GENERATED_DIR: &str = "generated/src";
/// Where migrations go, relative to the repository root.
pub const MIGRATIONS_DIR: &str = "migrations";
/// The name of the first, hand-designed migration.
pub const BOOKKEEPING_MIGRATION: &str = "0001_stripe_sync_bookkeeping.sql";
/// Hand-designed bookkeeping migrations after the first, with their SQL.
/// Their numbers are taken, so `bump` numbers past them.
pub const LATER_BOOKKEEPING_MIGRATIONS: &[(&str, &str)] = &[
    (
        "0008_stripe_sync_membership_and_plan.sql",
        sql::MEMBERSHIP_AND_PLAN,
    ),
    ("0009_stripe_sync_accounts.sql", sql::ACCOUNTS),
    ("0010_stripe_sync_connect.sql", sql::CONNECT),
    ("0012_stripe_sync_quarantine.sql", sql::QUARANTINE),
    ("0014_stripe_sync_pending_reads.sql", sql::PENDING_READS),
    ("0015_stripe_sync_verify.sql", sql::VERIFY),
    ("0016_stripe_sync_freshness.sql", sql::FRESHNESS),
    ("0017_stripe_sync_changes.sql", sql::CHANGES),
    ("0018_stripe_sync_change_capture.sql", sql::CHANGE_CAPTURE),
    ("0019_stripe_sync_trigger_check.sql", sql::TRIGGER_CHECK),
    ("0020_stripe_sync_cached_helpers.sql", sql::CACHED_HELPERS),
    ("0021_stripe_sync_batched_capture.sql", sql::BATCHED_CAPTURE),
];

/// A spec version read from disk: its IR and fixtures.
pub struct Loaded {
    /// The IR.
    pub api: Api,
    /// `fixtures3.json`.
    pub fixtures: serde_json::Value,
}

/// The spec file of a version directory: `spec3.json` or `spec3.yaml`, whichever it holds.
pub fn spec_file(spec_dir: &Path, version: &str) -> Result<PathBuf> {
    let dir = spec_dir.join(version);
    SPEC_FILES
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            anyhow!(
                "{} holds neither spec3.json nor spec3.yaml: put Stripe's spec for {version} there \
                 (pass --spec-dir or set STRIPE_OPENAPI_DIR to the directory holding <version>/), \
                 or run `cargo run -p stripe-sync-codegen -- fetch {version}`",
                dir.display()
            )
        })
}

/// The SHA-256 of a version's spec and fixtures files.
pub fn checksums(spec_dir: &Path, version: &str) -> Result<VersionEntry> {
    let spec = spec_file(spec_dir, version)?;
    let fixtures = spec_dir.join(version).join("fixtures3.json");
    let read = |p: &Path| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
    Ok(VersionEntry {
        version: version.to_string(),
        spec_sha256: sha256_hex(&read(&spec)?),
        spec_url: None,
        fixtures_sha256: sha256_hex(&read(&fixtures)?),
        fixtures_url: None,
        migration: None,
    })
}

/// Reads and parses one version from `spec_dir`, checking its files against `expected` when given.
pub fn load(spec_dir: &Path, version: &str, expected: Option<&VersionEntry>) -> Result<Loaded> {
    let files = VersionFiles {
        spec: spec_file(spec_dir, version)?,
        fixtures: spec_dir.join(version).join("fixtures3.json"),
    };
    load_files(&files, version, expected)
}

/// Reads and parses one version's files, checking them against `expected` when given.
pub fn load_files(
    files: &VersionFiles,
    version: &str,
    expected: Option<&VersionEntry>,
) -> Result<Loaded> {
    let read = |p: &Path| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
    let spec_bytes = read(&files.spec)?;
    let fixtures_bytes = read(&files.fixtures)?;
    if let Some(e) = expected {
        for (path, want, got) in [
            (&files.spec, &e.spec_sha256, sha256_hex(&spec_bytes)),
            (
                &files.fixtures,
                &e.fixtures_sha256,
                sha256_hex(&fixtures_bytes),
            ),
        ] {
            if *want != got {
                bail!(
                    "{} does not match the checksum in {VERSIONS_FILE} (expected {want}, found {got}): \
                     it is not the file the migrations were generated from",
                    path.display()
                );
            }
        }
    }
    load_bytes(&spec_bytes, &fixtures_bytes)
        .with_context(|| format!("reading the spec of {version}"))
}

/// Parses a spec and fixtures already in memory. A spec starting with `{` is
/// JSON and read with a JSON parser (several times faster than reading JSON
/// as YAML); anything else is YAML.
pub fn load_bytes(spec: &[u8], fixtures: &[u8]) -> Result<Loaded> {
    let spec: openapiv3::OpenAPI = if sources::is_json(spec) {
        serde_json::from_slice(spec).context("parsing the spec as JSON")?
    } else {
        serde_yaml::from_slice(spec).context("parsing the spec as YAML")?
    };
    let fixtures: serde_json::Value =
        serde_json::from_slice(fixtures).context("parsing fixtures3.json")?;
    let api = parse::parse(&spec, &fixtures)?;
    Ok(Loaded { api, fixtures })
}

/// Everything `generate` writes, by path relative to the repository root.
pub struct Output {
    /// File contents by relative path.
    pub files: BTreeMap<PathBuf, String>,
    /// Counts for the summary.
    pub summary: Summary,
}

/// What a generation produced.
#[derive(Debug, Default)]
pub struct Summary {
    /// API versions, oldest first.
    pub versions: Vec<String>,
    /// Tables and their typed column counts.
    pub tables: BTreeMap<String, usize>,
    /// Typed columns over all tables.
    pub columns: usize,
    /// Event types routed.
    pub event_types: usize,
    /// Event types whose object has a table.
    pub event_types_with_table: usize,
    /// Event types any version of the chain lists.
    pub event_types_all_versions: usize,
    /// What the newest version's generation left out on purpose, with why.
    pub skipped: Vec<ir::Skipped>,
    /// Time taken.
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "API versions: {}", self.versions.join(" -> "))?;
        writeln!(f, "tables ({}):", self.tables.len())?;
        let names: Vec<String> = self
            .tables
            .iter()
            .map(|(t, c)| format!("{t} ({c})"))
            .collect();
        for chunk in names.chunks(4) {
            writeln!(f, "  {}", chunk.join(", "))?;
        }
        writeln!(
            f,
            "columns: {} typed (+5 system columns per table)",
            self.columns
        )?;
        writeln!(
            f,
            "event types: {} ({} carry an object with a table); {} over all versions",
            self.event_types, self.event_types_with_table, self.event_types_all_versions
        )?;
        if !self.skipped.is_empty() {
            writeln!(f, "skipped on purpose ({}):", self.skipped.len())?;
            for s in &self.skipped {
                writeln!(f, "  {}: {}", s.what, s.reason)?;
            }
        }
        write!(f, "time: {:.2} s", self.elapsed.as_secs_f64())
    }
}

/// Finds (or downloads) and parses every listed version, in parallel.
fn load_all(root: &Path, sources: &Sources, versions: &Versions) -> Result<Vec<Loaded>> {
    std::thread::scope(|s| {
        let handles: Vec<_> = versions
            .versions
            .iter()
            .map(|e| {
                s.spawn(move || {
                    let files = sources.locate(root, e)?;
                    load_files(&files, &e.version, Some(e))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| anyhow!("a spec parser thread panicked"))?
            })
            .collect()
    })
}

/// The next free migration number under `root/migrations`: one more than the
/// highest `NNNN_` prefix there.
pub fn next_migration_number(root: &Path) -> Result<usize> {
    let dir = root.join(MIGRATIONS_DIR);
    let mut highest = 0;
    for e in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let name = e?.file_name();
        let name = name.to_string_lossy();
        if let Some(n) = name.split('_').next().and_then(|n| n.parse::<usize>().ok()) {
            highest = highest.max(n);
        }
    }
    Ok(highest + 1)
}

/// Replays every version in `spec/versions.json` and returns all output files.
pub fn generate(root: &Path, sources: &Sources) -> Result<Output> {
    let start = Instant::now();
    let versions = Versions::read(root)?;
    if versions.versions.is_empty() {
        bail!("{VERSIONS_FILE} lists no API versions");
    }
    let loaded = load_all(root, sources, &versions)?;
    let names: Vec<String> = versions
        .versions
        .iter()
        .enumerate()
        .map(|(i, e)| e.migration_file(i))
        .collect();
    chain(&loaded, &names, start)
}

/// All output files for a chain of already parsed versions, oldest first,
/// their migrations numbered from `0002` in order.
pub fn generate_chain(loaded: &[Loaded], start: Instant) -> Result<Output> {
    let names: Vec<String> = loaded
        .iter()
        .enumerate()
        .map(|(i, l)| migration_name(i + 2, &l.api.version))
        .collect();
    chain(loaded, &names, start)
}

/// All output files for a chain of parsed versions and their migration file names.
fn chain(loaded: &[Loaded], migration_files: &[String], start: Instant) -> Result<Output> {
    let mut files = BTreeMap::new();
    files.insert(
        Path::new(MIGRATIONS_DIR).join(BOOKKEEPING_MIGRATION),
        sql::BOOKKEEPING.to_string(),
    );
    for (name, text) in LATER_BOOKKEEPING_MIGRATIONS {
        files.insert(Path::new(MIGRATIONS_DIR).join(name), text.to_string());
    }
    let mut lock = Lock::default();
    // The SQL entry points (0011) and the privileges migration (0013) carry
    // the registry of the last version before them.
    let mut before_sql_events: Option<(&Api, Lock)> = None;
    let mut before_privileges: Option<(&Api, Lock)> = None;
    for (l, name) in loaded.iter().zip(migration_files) {
        let (next, changes) = lock.apply(&l.api);
        files.insert(
            Path::new(MIGRATIONS_DIR).join(name),
            sql_registry::version_migration(name, &l.api, &next, &changes),
        );
        if !sql_registry::refills(name) {
            before_sql_events = Some((&l.api, next.clone()));
        }
        if sql_registry::before_privileges(name) {
            before_privileges = Some((&l.api, next.clone()));
        }
        lock = next;
    }
    if let Some((api, at)) = &before_sql_events {
        files.insert(
            Path::new(MIGRATIONS_DIR).join(sql_registry::SQL_EVENTS_MIGRATION),
            sql_registry::migration(api, at),
        );
    }
    if let Some((api, at)) = &before_privileges {
        files.insert(
            Path::new(MIGRATIONS_DIR).join(sql_registry::PRIVILEGES_MIGRATION),
            sql_registry::privileges_migration(api, at),
        );
    }
    let latest = &loaded.last().ok_or_else(|| anyhow!("no versions"))?.api;
    finish(files, latest, lock, start)
}

fn finish(
    mut files: BTreeMap<PathBuf, String>,
    latest: &Api,
    lock: Lock,
    start: Instant,
) -> Result<Output> {
    for (path, text) in rust::emit(latest, &lock, &lock.versions)? {
        files.insert(Path::new(GENERATED_DIR).join(path), text);
    }
    files.insert(
        PathBuf::from(LOCK_FILE),
        format!("{}\n", serde_json::to_string_pretty(&lock)?),
    );
    let summary = Summary {
        versions: lock.versions.clone(),
        tables: lock
            .tables
            .iter()
            .map(|(t, tl)| (t.clone(), tl.columns.len()))
            .collect(),
        columns: lock.tables.values().map(|t| t.columns.len()).sum(),
        event_types: latest.events.len(),
        event_types_with_table: latest
            .events
            .keys()
            .filter(|n| rust::event_route(latest, &lock, n).1.is_some())
            .count(),
        event_types_all_versions: lock.events.len(),
        skipped: latest.skipped.clone(),
        elapsed: start.elapsed(),
    };
    Ok(Output { files, summary })
}

/// Adds API `version` after the last listed one: diffs the committed snapshot
/// against the new spec, and returns the new migration, snapshot, version
/// list and Rust. Older specs are not needed.
pub fn bump(root: &Path, spec_dir: &Path, version: &str) -> Result<Output> {
    let start = Instant::now();
    let mut versions = Versions::read(root)?;
    if versions.versions.iter().any(|v| v.version == version) {
        bail!("{version} is already in {VERSIONS_FILE}");
    }
    if versions
        .versions
        .last()
        .is_some_and(|v| v.version.as_str() > version)
    {
        bail!("{version} is older than the pinned version; versions only move forward");
    }
    let lock_path = root.join(LOCK_FILE);
    let lock: Lock = serde_json::from_str(
        &std::fs::read_to_string(&lock_path)
            .with_context(|| format!("reading {}", lock_path.display()))?,
    )?;
    if lock.format < lock::FORMAT {
        bail!(
            "{LOCK_FILE} is snapshot format {} and this generator writes format {}: \
             run `generate` first to rewrite it from the listed versions, then bump",
            lock.format,
            lock::FORMAT
        );
    }
    let mut entry = checksums(spec_dir, version)?;
    let loaded = load(spec_dir, version, Some(&entry))?;
    if loaded.api.version != version {
        bail!(
            "the spec in {}/{version} says it is version {}",
            spec_dir.display(),
            loaded.api.version
        );
    }
    let (next, changes) = lock.apply(&loaded.api);
    let mut files = BTreeMap::new();
    let name = migration_name(next_migration_number(root)?, version);
    files.insert(
        Path::new(MIGRATIONS_DIR).join(&name),
        sql_registry::version_migration(&name, &loaded.api, &next, &changes),
    );
    entry.migration = Some(name);
    versions.versions.push(entry);
    files.insert(PathBuf::from(VERSIONS_FILE), versions.to_json());
    finish(files, &loaded.api, next, start)
}

/// Files under the output directories that `output` does not contain
/// (left over from an earlier generation).
pub fn stale_files(root: &Path, output: &Output) -> Result<Vec<PathBuf>> {
    let mut stale = Vec::new();
    for dir in [GENERATED_DIR, MIGRATIONS_DIR] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries {
                let p = e?.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(root)?.to_path_buf();
                    if !output.files.contains_key(&rel) {
                        stale.push(rel);
                    }
                }
            }
        }
    }
    stale.sort();
    Ok(stale)
}

/// Output files whose committed content differs, plus stale files.
pub fn differences(root: &Path, output: &Output, include_stale: bool) -> Result<Vec<PathBuf>> {
    let mut diff: Vec<PathBuf> = output
        .files
        .iter()
        .filter(|(p, text)| {
            std::fs::read_to_string(root.join(p)).ok().as_deref() != Some(text.as_str())
        })
        .map(|(p, _)| p.clone())
        .collect();
    if include_stale {
        diff.extend(stale_files(root, output)?);
    }
    Ok(diff)
}

/// Writes every output file, and removes stale generated Rust (never a migration).
pub fn write(root: &Path, output: &Output) -> Result<Vec<PathBuf>> {
    let changed = differences(root, output, false)?;
    for p in &changed {
        let full = root.join(p);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&full, &output.files[p])
            .with_context(|| format!("writing {}", full.display()))?;
    }
    for p in stale_files(root, output)? {
        if p.starts_with(GENERATED_DIR) {
            std::fs::remove_file(root.join(&p))?;
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_names_hold_no_dot_or_stray_character() {
        assert_eq!(
            migration_name(7, "2026-04-22.dahlia"),
            "0007_stripe_api_2026_04_22_dahlia.sql"
        );
        assert_eq!(
            migration_name(2, "2020-08-27"),
            "0002_stripe_api_2020_08_27.sql"
        );
    }

    #[test]
    fn next_migration_number_follows_the_highest_file() {
        let dir = tempfile_dir();
        std::fs::create_dir_all(dir.join(MIGRATIONS_DIR)).unwrap();
        for f in ["0001_a.sql", "0005_b.sql", "0003_c.sql", "README"] {
            std::fs::write(dir.join(MIGRATIONS_DIR).join(f), "").unwrap();
        }
        assert_eq!(next_migration_number(&dir).unwrap(), 6);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_json_spec_and_its_yaml_twin_give_the_same_ir() {
        let yaml = b"openapi: 3.0.0\ninfo: {title: t, version: '2030-01-01.x'}\npaths:\n  /v1/webhook_endpoints:\n    post:\n      requestBody:\n        content:\n          application/x-www-form-urlencoded:\n            schema:\n              type: object\n              properties:\n                enabled_events:\n                  type: array\n                  items: {type: string, enum: ['*', 'thing.created']}\n      responses: {}\ncomponents: {schemas: {}}\n";
        let value: serde_json::Value = serde_yaml::from_slice(yaml).unwrap();
        let json = serde_json::to_vec(&value).unwrap();
        let a = load_bytes(yaml, b"{}").unwrap().api;
        let b = load_bytes(&json, b"{}").unwrap().api;
        assert_eq!(a, b);
        assert_eq!(b.version, "2030-01-01.x");
        assert!(b.events.contains_key("thing.created"));
    }

    fn tempfile_dir() -> PathBuf {
        std::env::temp_dir().join(format!(
            "stripe-sync-codegen-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ))
    }
}
