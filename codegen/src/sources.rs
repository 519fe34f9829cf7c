//! Where a version's spec and fixtures come from.
//!
//! In order: the spec directory (`--spec-dir`, `STRIPE_OPENAPI_DIR`,
//! `../shared/stripe-openapi`), then for fixtures the copy the simulator
//! embeds (`simulator/fixtures/<version>/`), then the download cache, and
//! last a download from the address `spec/versions.json` records, checked
//! against its SHA-256 before it is kept. A file in the spec directory that
//! fails its checksum is an error, never silently replaced.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use crate::versions::{sha256_hex, VersionEntry, SPEC_FILES, VERSIONS_FILE};

/// Where the repository keeps the fixtures the simulator embeds.
pub const EMBEDDED_FIXTURES_DIR: &str = "simulator/fixtures";

/// The origin the recorded download addresses start with; `--download-origin`
/// replaces it (a mirror, or a test's local server).
pub const RECORDED_ORIGIN: &str = "https://api.github.com";

/// The places a version's files are looked for, and where downloads go.
#[derive(Clone, Debug)]
pub struct Sources {
    /// The directory holding `<version>/spec3.json` (or `.yaml`) and `<version>/fixtures3.json`.
    pub spec_dir: PathBuf,
    /// Where downloaded files are kept, as `<version>/<file>`.
    pub cache_dir: PathBuf,
    /// Replaces [`RECORDED_ORIGIN`] in the recorded addresses when set.
    pub origin: Option<String>,
}

/// The two files of one version, found or downloaded.
#[derive(Clone, Debug)]
pub struct VersionFiles {
    /// `spec3.json` or `spec3.yaml`.
    pub spec: PathBuf,
    /// `fixtures3.json`.
    pub fixtures: PathBuf,
}

/// Which of a version's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Spec,
    Fixtures,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Spec => "spec",
            Kind::Fixtures => "fixtures3.json",
        }
    }
}

impl Sources {
    /// Files in `spec_dir`, downloads into the user's cache from the recorded addresses.
    pub fn new(spec_dir: impl Into<PathBuf>) -> Sources {
        Sources {
            spec_dir: spec_dir.into(),
            cache_dir: default_cache_dir(),
            origin: None,
        }
    }

    /// A version's files: found where they already are, else downloaded into
    /// the cache and checked against `entry`'s checksums.
    pub fn locate(&self, root: &Path, entry: &VersionEntry) -> Result<VersionFiles> {
        Ok(VersionFiles {
            spec: self.file(root, entry, Kind::Spec)?,
            fixtures: self.file(root, entry, Kind::Fixtures)?,
        })
    }

    /// One directory holding every listed version's spec and fixtures, the
    /// layout `--spec-dir` and `STRIPE_OPENAPI_DIR` expect: the spec directory
    /// when it holds them all, else the cache, completed by copies of the files
    /// found elsewhere and by downloads.
    pub fn gather(&self, root: &Path, entries: &[VersionEntry]) -> Result<PathBuf> {
        let complete = |dir: &Path| {
            entries.iter().all(|e| {
                present(&dir.join(&e.version), Kind::Spec).is_some()
                    && present(&dir.join(&e.version), Kind::Fixtures).is_some()
            })
        };
        if complete(&self.spec_dir) {
            return Ok(self.spec_dir.clone());
        }
        for e in entries {
            let files = self.locate(root, e)?;
            let dir = self.cache_dir.join(&e.version);
            for from in [files.spec, files.fixtures] {
                let Some(name) = from.file_name() else {
                    continue;
                };
                let to = dir.join(name);
                if from != to {
                    std::fs::create_dir_all(&dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                    std::fs::copy(&from, &to).with_context(|| {
                        format!("copying {} to {}", from.display(), to.display())
                    })?;
                }
            }
        }
        Ok(self.cache_dir.clone())
    }

    fn file(&self, root: &Path, entry: &VersionEntry, kind: Kind) -> Result<PathBuf> {
        let v = &entry.version;
        let (want, url) = match kind {
            Kind::Spec => (&entry.spec_sha256, &entry.spec_url),
            Kind::Fixtures => (&entry.fixtures_sha256, &entry.fixtures_url),
        };
        // The spec directory: used as it is; a wrong file there is the user's to mend.
        if let Some(p) = present(&self.spec_dir.join(v), kind) {
            return Ok(p);
        }
        // The simulator's embedded copy, and earlier downloads: used when they check out.
        let mut kept = vec![self.cache_dir.join(v)];
        if kind == Kind::Fixtures {
            kept.insert(0, root.join(EMBEDDED_FIXTURES_DIR).join(v));
        }
        for dir in &kept {
            if let Some(p) = present(dir, kind) {
                if file_sha256(&p)? == *want {
                    return Ok(p);
                }
            }
        }
        let Some(url) = url else {
            bail!(
                "{} holds no {} of {v} and {VERSIONS_FILE} records no address to download it from: \
                 put Stripe's files for {v} there (pass --spec-dir or set STRIPE_OPENAPI_DIR to the \
                 directory holding <version>/), or add its {}_url",
                self.spec_dir.display(),
                kind.name(),
                match kind {
                    Kind::Spec => "spec",
                    Kind::Fixtures => "fixtures",
                }
            );
        };
        self.download(v, kind, url, want)
    }

    /// Downloads `url` into the cache, keeping it only if its SHA-256 is `want`.
    fn download(&self, version: &str, kind: Kind, url: &str, want: &str) -> Result<PathBuf> {
        let url = self.address(url);
        let dir = self.cache_dir.join(version);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let part = dir.join(format!("{}.part", kind.name()));
        eprintln!("downloading the {} of {version} from {url}", kind.name());
        let fetched = fetch(&url, &part);
        let bytes = fetched.and_then(|()| {
            std::fs::read(&part).with_context(|| format!("reading {}", part.display()))
        });
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                return Err(e.context(format!(
                    "no local copy of the {} of {version}: pass --spec-dir (or set STRIPE_OPENAPI_DIR) \
                     to a directory holding {version}/, or make {url} reachable",
                    kind.name()
                )));
            }
        };
        let got = sha256_hex(&bytes);
        if got != want {
            let _ = std::fs::remove_file(&part);
            bail!(
                "the {} of {version} downloaded from {url} does not match the checksum in {VERSIONS_FILE} \
                 (expected {want}, found {got}, {} bytes): it was not kept",
                kind.name(),
                bytes.len()
            );
        }
        let name = match kind {
            // Stripe's specs are JSON since 2024 and YAML before; the name says which.
            Kind::Spec if is_json(&bytes) => "spec3.json",
            Kind::Spec => "spec3.yaml",
            Kind::Fixtures => "fixtures3.json",
        };
        let path = dir.join(name);
        std::fs::rename(&part, &path)
            .with_context(|| format!("moving {} to {}", part.display(), path.display()))?;
        Ok(path)
    }

    /// `url` with [`RECORDED_ORIGIN`] replaced by the configured origin.
    fn address(&self, url: &str) -> String {
        match (&self.origin, url.strip_prefix(RECORDED_ORIGIN)) {
            (Some(origin), Some(path)) => format!("{}{path}", origin.trim_end_matches('/')),
            _ => url.to_string(),
        }
    }
}

/// `$XDG_CACHE_HOME/stripe-sync/stripe-openapi`, or under `~/.cache`.
pub fn default_cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("stripe-sync").join("stripe-openapi")
}

/// Whether a spec's bytes are JSON (its first non-blank byte is `{`).
pub fn is_json(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{')
}

fn present(dir: &Path, kind: Kind) -> Option<PathBuf> {
    let names: &[&str] = match kind {
        Kind::Spec => SPEC_FILES,
        Kind::Fixtures => &["fixtures3.json"],
    };
    names.iter().map(|f| dir.join(f)).find(|p| p.is_file())
}

fn file_sha256(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(sha256_hex(&bytes))
}

/// Downloads with the system's curl, to keep an HTTP stack out of the
/// generator. GitHub's blob API sends the file itself when asked for its raw
/// media type; `GITHUB_TOKEN`, when set, lifts its limit of 60 unauthenticated
/// requests an hour (the token goes to curl on its standard input, never on
/// a command line).
pub fn fetch(url: &str, to: &Path) -> Result<()> {
    use std::io::Write;
    let mut cmd = std::process::Command::new("curl");
    cmd.args([
        "--fail",
        "--silent",
        "--show-error",
        "--location",
        "--retry",
        "3",
        "--header",
        "Accept: application/vnd.github.raw+json",
        "--output",
    ])
    .arg(to)
    .arg(url);
    let token = std::env::var("GITHUB_TOKEN").ok().filter(|t| !t.is_empty());
    if token.is_some() {
        cmd.args(["--header", "@-"])
            .stdin(std::process::Stdio::piped());
    }
    let mut child = cmd
        .stderr(std::process::Stdio::piped())
        .spawn()
        .context("running curl (install curl, or download the file by hand)")?;
    if let (Some(t), Some(mut stdin)) = (token, child.stdin.take()) {
        stdin
            .write_all(format!("Authorization: Bearer {t}\n").as_bytes())
            .context("passing GITHUB_TOKEN to curl")?;
    }
    let out = child.wait_with_output().context("waiting for curl")?;
    if !out.status.success() {
        return Err(anyhow!(
            "downloading {url} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}
