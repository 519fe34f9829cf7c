//! The documentation can't drift from the product: every shell block of the
//! README and the book (`docs/src`) preceded by the line `<!-- ci -->` runs
//! here, as written, against the simulator and a database of its own; and
//! every link between the documents points at a file and a heading that
//! exist.
//!
//! A block marked `<!-- ci: until stopped -->` ends with a command that
//! runs until it is stopped (`serve`, `--follow`): that last command runs
//! in the background and must still be running after
//! [`UNTIL_STOPPED_SECS`] seconds (it did not fail on start), then is
//! stopped with SIGTERM; its output shows with the rest on failure.
//!
//! The blocks of one document run in order in one `bash -euo pipefail`
//! script (a variable one block exports holds in the next), with
//! `stripe-sync` on `PATH` and the variables the README tells a reader to
//! set first: `DATABASE_URL`, `STRIPE_API_BASE` and `STRIPE_SECRET_KEY`.

use crate::common;

use std::path::{Path, PathBuf};

use common::simulator;
use stripe_sync_tests::TestDb;

/// The marker line before a block that CI runs.
const MARKER: &str = "<!-- ci -->";
/// The marker line before a block whose last command runs until stopped.
const UNTIL_STOPPED: &str = "<!-- ci: until stopped -->";
/// How long such a command must keep running.
const UNTIL_STOPPED_SECS: u32 = 3;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository root")
        .to_path_buf()
}

/// The README, CONTRIBUTING.md and the book's chapters.
fn documents() -> Vec<PathBuf> {
    let root = root();
    let mut docs = vec![root.join("README.md"), root.join("CONTRIBUTING.md")];
    let mut book: Vec<PathBuf> = std::fs::read_dir(root.join("docs/src"))
        .expect("docs/src")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    book.sort();
    docs.extend(book);
    docs
}

/// A block marked for CI: its first line's number, its text, and whether
/// its last command runs until stopped.
#[derive(Debug)]
struct Block {
    line: usize,
    text: String,
    until_stopped: bool,
}

impl Block {
    /// The block as the script runs it: as written, or with its last
    /// command in the background, checked alive, then stopped.
    fn script(&self) -> String {
        if !self.until_stopped {
            return self.text.clone();
        }
        let lines: Vec<&str> = self.text.lines().collect();
        // The last command's first line: a line not continuing the one
        // before, and not blank or a comment.
        let last = (0..lines.len())
            .rev()
            .find(|&i| {
                let t = lines[i].trim();
                !t.is_empty()
                    && !t.starts_with('#')
                    && (i == 0 || !lines[i - 1].trim_end().ends_with('\\'))
            })
            .unwrap_or(0);
        format!(
            "{}\n(\n{}\n) &\nlast=$!\nsleep {UNTIL_STOPPED_SECS}\n\
             kill -0 $last || {{ echo 'the last command stopped by itself' >&2; exit 1; }}\n\
             kill $last; wait $last || true",
            lines[..last].join("\n"),
            lines[last..].join("\n")
        )
    }
}

/// The marked blocks of `text`; a marker not followed by a shell block is
/// an error, so a marker can't silently stop running anything.
fn marked_blocks(text: &str) -> Result<Vec<Block>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let marker = lines[i].trim();
        if marker == MARKER || marker == UNTIL_STOPPED {
            let fence = lines.get(i + 1).copied().unwrap_or_default();
            if fence.trim() != "```sh" {
                return Err(format!(
                    "line {}: {marker} must be followed by a ```sh block",
                    i + 1
                ));
            }
            let start = i + 2;
            let end = (start..lines.len())
                .find(|&j| lines[j].trim_start().starts_with("```"))
                .ok_or_else(|| format!("line {}: the block never ends", i + 2))?;
            blocks.push(Block {
                line: start + 1,
                text: lines[start..end].join("\n"),
                until_stopped: marker == UNTIL_STOPPED,
            });
            i = end;
        }
        i += 1;
    }
    Ok(blocks)
}

/// The commands a block runs: its lines that are not blank or comments,
/// a line ending in `\` joined to the next.
fn commands(block: &str) -> usize {
    let mut n = 0;
    let mut continued = false;
    for l in block.lines() {
        let t = l.trim();
        if !continued && !t.is_empty() && !t.starts_with('#') {
            n += 1;
        }
        continued = t.ends_with('\\');
    }
    n
}

#[test]
fn markers_find_the_blocks_they_mark_and_refuse_a_marker_on_nothing() {
    let text = "intro\n<!-- ci -->\n```sh\nstripe-sync migrate\n# a comment\nstripe-sync status \\\n  --json\n```\n```sh\nnot marked\n```\n";
    let blocks = marked_blocks(text).unwrap();
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].line, 4);
    assert_eq!(commands(&blocks[0].text), 2);
    assert!(marked_blocks("<!-- ci -->\n```toml\nx = 1\n```\n").is_err());
    assert!(marked_blocks("<!-- ci -->\n```sh\nnever ends\n").is_err());
}

#[test]
fn a_block_run_until_stopped_backgrounds_its_last_command_only() {
    let text = "<!-- ci: until stopped -->\n```sh\nexport K=1   # a key\nstripe-sync serve \\\n  --listen 127.0.0.1:0   # runs until stopped\n```\n";
    let blocks = marked_blocks(text).unwrap();
    assert!(blocks[0].until_stopped);
    let script = blocks[0].script();
    assert!(
        script.starts_with("export K=1   # a key\n(\nstripe-sync serve \\\n  --listen 127.0.0.1:0   # runs until stopped\n) &\n"),
        "{script}"
    );
    assert!(script.contains("kill -0 $last ||"), "{script}");
    let plain = marked_blocks("<!-- ci -->\n```sh\nstripe-sync status\n```\n").unwrap();
    assert_eq!(plain[0].script(), "stripe-sync status");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_commands_the_docs_mark_run_against_the_simulator() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_stripe-sync"));
    let path = format!(
        "{}:{}",
        bin.parent().expect("bin dir").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("read doc");
        let name = doc
            .strip_prefix(root())
            .unwrap_or(&doc)
            .display()
            .to_string();
        let blocks = marked_blocks(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        if blocks.is_empty() {
            continue;
        }
        // Each document starts from a fresh account and database.
        let db = TestDb::new().await.expect("database");
        let sim = simulator().await;
        let mut script = String::from("set -euo pipefail\n");
        for b in &blocks {
            script.push_str(&format!(
                "echo '== {name}:{}' >&2\n{}\n",
                b.line,
                b.script()
            ));
            ran += commands(&b.text);
        }
        let mut bash = tokio::process::Command::new("bash");
        for v in common::VARS {
            bash.env_remove(v);
        }
        let out = bash
            .arg("-c")
            .arg(&script)
            .env("PATH", &path)
            .env("DATABASE_URL", &db.url)
            .env("STRIPE_API_BASE", sim.base_url())
            .env("STRIPE_SECRET_KEY", "sk_test_docs")
            .current_dir(std::env::temp_dir())
            .stdin(std::process::Stdio::null())
            .output()
            .await
            .expect("run bash");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{name}: a marked block failed ({}); the last block named below is the one:\n{stderr}\nstdout:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout)
        );
        db.drop_db().await.expect("drop database");
    }
    eprintln!("documented commands run: {ran}");
    assert!(ran >= 8, "only {ran} documented commands are marked for CI");
}

/// GitHub's and mdBook's anchor for a heading: lowercase, punctuation
/// dropped, spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a document's headings, outside code blocks.
fn anchors(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for l in text.lines() {
        if l.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced && l.starts_with('#') {
            out.push(slug(l.trim_start_matches('#')));
        }
    }
    out
}

/// The relative links of a document, outside code blocks: `(target)` of
/// `[text](target)`, with its line.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (n, l) in text.lines().enumerate() {
        if l.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut rest = l;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            let target = &after[..end];
            if !target.contains("://") && !target.starts_with("mailto:") {
                out.push((n + 1, target.to_string()));
            }
            rest = &after[end..];
        }
    }
    out
}

#[test]
fn every_link_between_the_documents_points_at_a_file_and_a_heading() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("read doc");
        let dir = doc.parent().expect("dir");
        for (line, target) in links(&text) {
            checked += 1;
            let (file, anchor) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            let path = if file.is_empty() {
                doc.clone()
            } else {
                dir.join(file)
            };
            let here = format!("{}:{line} ({target})", doc.display());
            if !path.exists() {
                broken.push(format!("{here}: no such file"));
                continue;
            }
            if let Some(a) = anchor {
                let body = std::fs::read_to_string(&path).unwrap_or_default();
                if !anchors(&body).iter().any(|x| x == a) {
                    broken.push(format!("{here}: no heading with that anchor"));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} links found");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// Each command's path (`webhook create`) and its long options, `help`
/// left out.
fn every_command() -> Vec<(String, Vec<String>)> {
    use clap::CommandFactory;
    fn walk(c: &clap::Command, path: &str, out: &mut Vec<(String, Vec<String>)>) {
        for sub in c.get_subcommands().filter(|s| s.get_name() != "help") {
            let here = format!("{path} {}", sub.get_name()).trim().to_string();
            let leaves = sub.get_subcommands().any(|s| s.get_name() != "help");
            if !leaves
                || sub
                    .get_arguments()
                    .any(|a| a.get_long().is_some_and(|l| l != "help"))
            {
                let options = sub
                    .get_arguments()
                    .filter_map(|a| a.get_long())
                    .filter(|l| *l != "help")
                    .map(str::to_string)
                    .collect();
                out.push((here.clone(), options));
            }
            walk(sub, &here, out);
        }
    }
    let mut out = Vec::new();
    walk(&stripe_sync_cli::cli::Cli::command(), "", &mut out);
    out
}

#[test]
fn every_command_and_option_is_in_the_commands_chapter() {
    let text = std::fs::read_to_string(root().join("docs/src/commands.md")).expect("commands.md");
    // The sections: a heading `## stripe-sync <path>`, and the shared options.
    let mut sections: Vec<(String, String)> = Vec::new();
    for part in text.split("\n## ").skip(1) {
        let (head, body) = part.split_once('\n').unwrap_or((part, ""));
        sections.push((head.trim().to_string(), body.to_string()));
    }
    let shared = sections
        .iter()
        .find(|(h, _)| h == "Options many commands share")
        .map(|(_, b)| b.clone())
        .expect("a section of shared options");
    let mut missing = Vec::new();
    let commands = every_command();
    for (path, options) in &commands {
        let heading = format!("stripe-sync {path}");
        let Some((_, body)) = sections.iter().find(|(h, _)| *h == heading) else {
            missing.push(format!("no section `## {heading}`"));
            continue;
        };
        for o in options {
            let named = |t: &str| {
                t.match_indices(&format!("--{o}")).any(|(i, m)| {
                    !t[i + m.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
                })
            };
            if !named(body) && !named(&shared) {
                missing.push(format!("{heading}: --{o}"));
            }
        }
    }
    assert!(commands.len() >= 18, "{} commands found", commands.len());
    assert!(
        missing.is_empty(),
        "docs/src/commands.md lacks:\n{}",
        missing.join("\n")
    );
}
