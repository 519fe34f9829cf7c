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

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated/, migrations/ and spec/schema.lock.json from every version in spec/versions.json.
    Generate {
        /// Directory holding `<version>/spec3.json` (or `spec3.yaml`) and `<version>/fixtures3.json`.
        #[arg(
            long,
            env = "STRIPE_OPENAPI_DIR",
            default_value = "../shared/stripe-openapi"
        )]
        spec_dir: PathBuf,
        /// Write nothing; exit non-zero naming the files that differ from the committed ones.
        #[arg(long)]
        check: bool,
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
            spec_dir,
            check,
            root,
        } => {
            let output = stripe_sync_codegen::generate(&root, &spec_dir)?;
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
        Command::Bump {
            version,
            spec_dir,
            root,
        } => {
            let output = stripe_sync_codegen::bump(&root, &spec_dir, &version)?;
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
            let dir = cache_dir.unwrap_or_else(default_cache_dir).join(&version);
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let url = |path: &str| {
                format!("https://raw.githubusercontent.com/stripe/openapi/{git_ref}/{path}")
            };
            download(&url("openapi/fixtures3.json"), &dir.join("fixtures3.json"))?;
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
            for (path, file) in candidates {
                for f in stripe_sync_codegen::SPEC_FILES {
                    let _ = std::fs::remove_file(dir.join(f));
                }
                if download(&url(path), &dir.join(file)).is_err() {
                    continue;
                }
                match stripe_sync_codegen::load(spec_dir, &version, None) {
                    Ok(l) if l.api.version == version => {
                        found.clear();
                        break;
                    }
                    Ok(l) => found.push(format!("{path} is {}", l.api.version)),
                    Err(e) => found.push(format!("{path}: {e:#}")),
                }
            }
            if !found.is_empty() || stripe_sync_codegen::spec_file(spec_dir, &version).is_err() {
                for f in stripe_sync_codegen::SPEC_FILES {
                    let _ = std::fs::remove_file(dir.join(f));
                }
                bail!(
                    "{git_ref} of stripe/openapi holds no spec of {version} ({}); pass --git-ref with a tag or commit of {version}",
                    if found.is_empty() { "no spec file found".to_string() } else { found.join("; ") }
                );
            }
            println!("fetched {version} into {}", dir.display());
            println!(
                "next: cargo run -p stripe-sync-codegen -- bump {version} --spec-dir {}",
                dir.parent().unwrap_or(Path::new(".")).display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn default_cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("stripe-sync").join("stripe-openapi")
}

/// Downloads with the system's curl, to keep an HTTP stack out of the generator.
fn download(url: &str, to: &Path) -> Result<()> {
    let status = std::process::Command::new("curl")
        .args([
            "--fail",
            "--silent",
            "--show-error",
            "--location",
            "--output",
        ])
        .arg(to)
        .arg(url)
        .status()
        .context("running curl (install curl, or download the file by hand)")?;
    if !status.success() {
        bail!("downloading {url} failed ({status})");
    }
    Ok(())
}
