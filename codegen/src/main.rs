//! `stripe-sync-codegen`: the command line around the generator library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

/// Generates stripe-sync's schema, migrations and registry from Stripe's OpenAPI spec.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where Stripe's spec files are looked for, and downloaded to.
#[derive(clap::Args)]
struct SourceArgs {
    /// Directory holding `<version>/spec3.json` (or `spec3.yaml`) and `<version>/fixtures3.json`.
    #[arg(
        long,
        env = "STRIPE_OPENAPI_DIR",
        default_value = "../shared/stripe-openapi"
    )]
    spec_dir: PathBuf,
    /// Where downloaded specs are kept [default: ~/.cache/stripe-sync/stripe-openapi].
    #[arg(long, env = "STRIPE_OPENAPI_CACHE")]
    cache_dir: Option<PathBuf>,
    /// Download from this origin instead of the recorded one (https://api.github.com): a mirror.
    #[arg(long, env = "STRIPE_OPENAPI_DOWNLOAD_ORIGIN")]
    download_origin: Option<String>,
}

impl SourceArgs {
    fn sources(self) -> stripe_sync_codegen::Sources {
        let mut s = stripe_sync_codegen::Sources::new(self.spec_dir);
        if let Some(c) = self.cache_dir {
            s.cache_dir = c;
        }
        s.origin = self.download_origin;
        s
    }
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated/, migrations/ and spec/schema.lock.json from every version in spec/versions.json.
    ///
    /// A version missing from --spec-dir is downloaded from the address spec/versions.json
    /// records, checked against its SHA-256 and kept in --cache-dir.
    Generate {
        #[command(flatten)]
        sources: SourceArgs,
        /// Write nothing; exit non-zero naming the files that differ from the committed ones.
        #[arg(long)]
        check: bool,
        /// The repository root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Make sure every version in spec/versions.json is on this machine: found in --spec-dir,
    /// or gathered into --cache-dir (downloaded and checked where missing). Prints the one
    /// directory to use as STRIPE_OPENAPI_DIR.
    Download {
        #[command(flatten)]
        sources: SourceArgs,
        /// The repository root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Add a new API version: write its additive migration and regenerate the Rust. Needs only the new spec.
    Bump {
        /// The new API version, e.g. 2024-04-10.
        version: String,
        /// Directory holding `<version>/spec3.json` (or `spec3.yaml`) and `<version>/fixtures3.json`.
        #[arg(
            long,
            env = "STRIPE_OPENAPI_DIR",
            default_value = "../shared/stripe-openapi"
        )]
        spec_dir: PathBuf,
        /// Where the spec can be downloaded again, recorded in spec/versions.json (`fetch` prints it).
        #[arg(long)]
        spec_url: Option<String>,
        /// Where the fixtures can be downloaded again, recorded in spec/versions.json.
        #[arg(long)]
        fixtures_url: Option<String>,
        /// The repository root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Download a spec and fixtures from github.com/stripe/openapi into a cache outside the repository.
    Fetch {
        /// The API version the downloaded spec must declare.
        version: String,
        /// The git ref (tag, branch or commit) of stripe/openapi to download.
        #[arg(long, default_value = "master")]
        git_ref: String,
        /// The cache directory; pass it to `bump --spec-dir` afterwards.
        #[arg(long)]
        cache_dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Generate {
            sources,
            check,
            root,
        } => {
            let output = stripe_sync_codegen::generate(&root, &sources.sources())?;
            if check {
                let diff = stripe_sync_codegen::differences(&root, &output, true)?;
                if !diff.is_empty() {
                    eprintln!("generated output is out of date; run `cargo run -p stripe-sync-codegen -- generate`. Differs:");
                    for p in diff {
                        eprintln!("  {}", p.display());
                    }
                    return Ok(ExitCode::FAILURE);
                }
                println!("{}", output.summary);
                println!(
                    "generated output is up to date ({} files)",
                    output.files.len()
                );
            } else {
                let changed = stripe_sync_codegen::write(&root, &output)?;
                println!("{}", output.summary);
                println!("{} of {} files changed", changed.len(), output.files.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Download { sources, root } => {
            let versions = stripe_sync_codegen::Versions::read(&root)?;
            let dir = sources.sources().gather(&root, &versions.versions)?;
            println!("{}", dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Bump {
            version,
            spec_dir,
            spec_url,
            fixtures_url,
            root,
        } => {
            let mut output = stripe_sync_codegen::bump(&root, &spec_dir, &version)?;
            if let Some(text) = output
                .files
                .get_mut(Path::new(stripe_sync_codegen::VERSIONS_FILE))
            {
                let mut versions: stripe_sync_codegen::Versions = serde_json::from_str(text)?;
                if let Some(e) = versions.versions.last_mut() {
                    e.spec_url = spec_url;
                    e.fixtures_url = fixtures_url;
                }
                *text = versions.to_json();
            }
            let changed = stripe_sync_codegen::write(&root, &output)?;
            println!("{}", output.summary);
            for p in changed
                .iter()
                .filter(|p| p.starts_with(stripe_sync_codegen::MIGRATIONS_DIR))
            {
                println!("new migration: {}", p.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Fetch {
            version,
            git_ref,
            cache_dir,
        } => {
            let dir = cache_dir
                .unwrap_or_else(stripe_sync_codegen::sources::default_cache_dir)
                .join(&version);
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let url = |path: &str| {
                format!("https://raw.githubusercontent.com/stripe/openapi/{git_ref}/{path}")
            };
            stripe_sync_codegen::sources::fetch(
                &url("openapi/fixtures3.json"),
                &dir.join("fixtures3.json"),
            )?;
            // Where a ref may hold the spec: JSON since 2024 (the newest
            // monthly version under latest/), YAML before. The first whose
            // `info.version` is the one asked for is kept.
            let candidates = [
                ("openapi/spec3.json", "spec3.json"),
                ("latest/openapi.spec3.json", "spec3.json"),
                ("openapi/spec3.yaml", "spec3.yaml"),
            ];
            let spec_dir = dir.parent().unwrap_or(Path::new("."));
            let mut found = Vec::new();
            let mut kept = None;
            for (path, file) in candidates {
                for f in stripe_sync_codegen::SPEC_FILES {
                    let _ = std::fs::remove_file(dir.join(f));
                }
                if stripe_sync_codegen::sources::fetch(&url(path), &dir.join(file)).is_err() {
                    continue;
                }
                match stripe_sync_codegen::load(spec_dir, &version, None) {
                    Ok(l) if l.api.version == version => {
                        kept = Some(url(path));
                        found.clear();
                        break;
                    }
                    Ok(l) => found.push(format!("{path} is {}", l.api.version)),
                    Err(e) => found.push(format!("{path}: {e:#}")),
                }
            }
            let Some(spec_url) = kept.filter(|_| found.is_empty()) else {
                for f in stripe_sync_codegen::SPEC_FILES {
                    let _ = std::fs::remove_file(dir.join(f));
                }
                bail!(
                    "{git_ref} of stripe/openapi holds no spec of {version} ({}); pass --git-ref with a tag or commit of {version}",
                    if found.is_empty() { "no spec file found".to_string() } else { found.join("; ") }
                );
            };
            println!("fetched {version} into {}", dir.display());
            println!(
                "next: cargo run -p stripe-sync-codegen -- bump {version} --spec-dir {} --spec-url {spec_url} --fixtures-url {}",
                dir.parent().unwrap_or(Path::new(".")).display(),
                url("openapi/fixtures3.json")
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
