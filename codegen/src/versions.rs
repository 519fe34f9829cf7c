//! `spec/versions.json`: the API versions the migrations were generated
//! from, oldest first, each with its files' checksums and download
//! addresses; and the names those versions give files.

use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The file listing the API versions the migrations were generated from.
pub const VERSIONS_FILE: &str = "spec/versions.json";

/// The ordered API versions and the checksums of their spec files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versions {
    /// Oldest first; the last is the pinned version.
    pub versions: Vec<VersionEntry>,
}

/// One API version with the SHA-256 of its files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionEntry {
    /// The API version, e.g. `2023-08-16`.
    pub version: String,
    /// SHA-256 of the spec file (`spec3.json` or `spec3.yaml`).
    pub spec_sha256: String,
    /// Where the spec file is downloaded from when no local copy is found:
    /// for the listed versions, GitHub's API address of the file's git blob
    /// in stripe/openapi (the blob ids `PROVENANCE.md` beside the specs records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_url: Option<String>,
    /// SHA-256 of `fixtures3.json`.
    pub fixtures_sha256: String,
    /// Where `fixtures3.json` is downloaded from when no local copy is found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixtures_url: Option<String>,
    /// The file name of the migration this version wrote. Absent in entries
    /// written before bookkeeping migrations could sit between versions,
    /// whose migration numbers follow the list (`0002` for the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration: Option<String>,
}

impl VersionEntry {
    /// The file name of this version's migration, given its position in the list.
    pub fn migration_file(&self, position: usize) -> String {
        self.migration
            .clone()
            .unwrap_or_else(|| migration_name(position + 2, &self.version))
    }
}

impl Versions {
    /// Reads `spec/versions.json` under `root`.
    pub fn read(root: &Path) -> Result<Versions> {
        let path = root.join(VERSIONS_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// The file's contents.
    pub fn to_json(&self) -> String {
        format!(
            "{}\n",
            serde_json::to_string_pretty(self).unwrap_or_default()
        )
    }
}

/// A version's migration file name: the number, then the version with every
/// character but ASCII letters and digits turned into `_`
/// (`0007_stripe_api_2026_04_22_dahlia.sql`), because migration tools read
/// the first `.` as the start of the extension.
pub fn migration_name(index: usize, version: &str) -> String {
    let description: String = version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{index:04}_stripe_api_{description}.sql")
}

/// The SHA-256 of `bytes`, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The spec file names Stripe has used, the one read first first: since
/// 2024 the spec is JSON (`spec3.json`), before that YAML (`spec3.yaml`).
pub const SPEC_FILES: &[&str] = &["spec3.json", "spec3.yaml"];
