//! The module picture: within each crate, modules import only downward (no
//! import circle), and the crates depend on each other only as the README's
//! Layout section says. `cargo test -p stripe-sync-tests module_layers --
//! --nocapture` prints each crate's modules by layer, the lowest first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

/// A source file without its comments: a doc link to `crate::x` is not an
/// import.
fn code_of(path: &Path) -> String {
    std::fs::read_to_string(path)
        .expect("source readable")
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The code of every `.rs` file under a module's folder, comments left out.
fn folder_code(dir: &Path) -> String {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("module folder readable")
        .map(|e| e.expect("dir entry").path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            if p.is_dir() {
                folder_code(p)
            } else if p.extension().is_some_and(|e| e == "rs") {
                code_of(p)
            } else {
                String::new()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The statements of `code` that start with `keyword`, up to their `;`.
fn statements<'a>(code: &'a str, keyword: &str) -> Vec<&'a str> {
    code.match_indices(keyword)
        .filter(|(at, _)| *at == 0 || code[..*at].ends_with(char::is_whitespace))
        .map(|(at, _)| {
            let rest = &code[at + keyword.len()..];
            &rest[..rest.find(';').unwrap_or(rest.len())]
        })
        .collect()
}

/// The node of the crate root when it defines items of its own (not only
/// `mod` declarations and re-exports).
const ROOT: &str = "(crate root)";

/// The top-level modules of a crate's `src/` (one per `.rs` file, `lib.rs`
/// and `main.rs` excluded) and, for each, the other top-level modules its
/// file names through `crate::…` (in `use` trees, grouped or not, and in
/// paths), comments left out. The crate root is `lib.rs`, or `main.rs` for
/// a binary-only crate (the bench). An item the crate root re-exports
/// counts as the module that defines it; an item the root defines itself
/// makes the root a node, which imports the modules its own code names.
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(src).expect("src/ readable") {
        let path = entry.expect("dir entry").path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs") && name != "lib" && name != "main" {
            files.insert(name.to_string(), code_of(&path));
        } else if path.join("mod.rs").is_file() {
            // A module grown into a folder is one node: all its files.
            files.insert(name.to_string(), folder_code(&path));
        }
    }
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let root = code_of(
        &["lib.rs", "main.rs"]
            .iter()
            .map(|f| src.join(f))
            .find(|p| p.is_file())
            .expect("src/ has lib.rs or main.rs"),
    );
    // `pub use m::{A, b::C};` -> A and C are m's.
    let mut reexported: BTreeMap<String, String> = BTreeMap::new();
    for stmt in statements(&root, "pub use ") {
        let Some((module, items)) = stmt.trim().split_once("::") else {
            continue;
        };
        let items = items.trim().trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let item = item.split(" as ").last().unwrap_or(item);
            let name = item.rsplit("::").next().unwrap_or(item).trim();
            if !name.is_empty() && name != "self" {
                reexported.insert(name.to_string(), module.trim().to_string());
            }
        }
    }
    let root_body: String = {
        let mut body = root.clone();
        for keyword in ["pub use ", "pub mod ", "mod ", "use "] {
            for stmt in statements(&root, keyword) {
                body = body.replacen(&format!("{keyword}{stmt};"), "", 1);
            }
        }
        body
    };
    let root_defines = [
        "fn ",
        "struct ",
        "enum ",
        "const ",
        "static ",
        "type ",
        "trait ",
        "impl",
        "macro_rules!",
    ]
    .iter()
    .any(|k| root_body.contains(k));
    let target = |name: &str| -> Option<String> {
        if modules.contains(name) {
            Some(name.to_string())
        } else if let Some(m) = reexported.get(name) {
            Some(m.clone())
        } else if root_defines && name.chars().next().is_some_and(char::is_alphabetic) {
            Some(ROOT.to_string())
        } else {
            None
        }
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|(name, text)| {
            let mut named = BTreeSet::new();
            for (at, _) in text.match_indices("crate::") {
                for m in paths_at(&text[at + "crate::".len()..]) {
                    match target(&m) {
                        Some(t) if t != *name => {
                            named.insert(t);
                        }
                        _ => {}
                    }
                }
            }
            (name.clone(), named)
        })
        .collect();
    if root_defines {
        let named = modules
            .iter()
            .filter(|m| {
                root_body.contains(&format!("{m}::")) || root_body.contains(&format!("crate::{m}"))
            })
            .cloned()
            .collect();
        graph.insert(ROOT.to_string(), named);
    }
    graph
}

/// The first segments named right after `crate::`: `a` in `a::b`, and `a`,
/// `b` in `{a::x, b}`.
fn paths_at(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    if let Some(group) = rest.strip_prefix('{') {
        // Top-level items of the group: split at commas outside nested braces.
        let mut depth = 0;
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    out.push(ident(group[start..i].trim_start()));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(ident(group[start..i].trim_start()));
                    start = i + 1;
                }
                _ => {}
            }
        }
        out.into_iter().filter(|s| !s.is_empty()).collect()
    } else {
        vec![ident(rest)]
    }
}

/// The modules by layer (a module's layer is one above the highest it
/// imports), or the modules left in a circle.
fn layers(
    graph: &BTreeMap<String, BTreeSet<String>>,
) -> Result<Vec<Vec<String>>, BTreeSet<String>> {
    let mut placed: BTreeMap<String, usize> = BTreeMap::new();
    while placed.len() < graph.len() {
        let ready: Vec<(String, usize)> = graph
            .iter()
            .filter(|(m, _)| !placed.contains_key(*m))
            .filter_map(|(m, deps)| {
                deps.iter()
                    .map(|d| placed.get(d).map(|l| l + 1))
                    .try_fold(0, |acc, l| l.map(|l| acc.max(l)))
                    .map(|l| (m.clone(), l))
            })
            .collect();
        if ready.is_empty() {
            // Of the modules left, those that reach themselves.
            let left: BTreeSet<&String> =
                graph.keys().filter(|m| !placed.contains_key(*m)).collect();
            let reaches_itself = |m: &String| {
                let mut seen = BTreeSet::new();
                let mut todo: Vec<&String> = graph[m].iter().collect();
                while let Some(n) = todo.pop() {
                    if n == m {
                        return true;
                    }
                    if left.contains(n) && seen.insert(n) {
                        todo.extend(graph[n].iter());
                    }
                }
                false
            };
            return Err(left
                .iter()
                .filter(|m| reaches_itself(m))
                .map(|m| m.to_string())
                .collect());
        }
        placed.extend(ready);
    }
    let mut out = vec![Vec::new(); placed.values().max().map_or(0, |l| l + 1)];
    for (m, l) in placed {
        out[l].push(m);
    }
    Ok(out)
}

#[test]
fn no_crate_has_an_import_circle() {
    for krate in [
        "runtime",
        "cli",
        "simulator",
        "codegen",
        "embedded-pg",
        "bench",
    ] {
        let graph = imports(&root().join(krate).join("src"));
        match layers(&graph) {
            Ok(layers) => {
                println!("{krate}/src, lowest layer first:");
                for (i, layer) in layers.iter().enumerate() {
                    println!("  {i}: {}", layer.join(", "));
                }
            }
            Err(circle) => {
                let edges: Vec<String> = circle
                    .iter()
                    .map(|m| {
                        let deps: Vec<&str> = graph[m]
                            .iter()
                            .filter(|d| circle.contains(*d))
                            .map(String::as_str)
                            .collect();
                        format!("{m} -> {}", deps.join(", "))
                    })
                    .collect();
                panic!(
                    "{krate}/src has an import circle among: {}",
                    edges.join("; ")
                );
            }
        }
    }
}

#[test]
fn the_circle_check_sees_grouped_and_inline_imports() {
    assert_eq!(paths_at("store::{a, b};"), ["store"]);
    assert_eq!(
        paths_at("{backfill::{X, Y}, events, sync::Z};"),
        ["backfill", "events", "sync"]
    );
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(m, d)| (m.to_string(), d.into_iter().map(String::from).collect()))
    .collect();
    let circle = layers(&graph).unwrap_err();
    assert_eq!(circle.into_iter().collect::<Vec<_>>(), ["a", "b", "c"]);
}

/// The crates' `[dependencies]`, by package name.
fn dependencies(krate: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(krate).join("Cargo.toml")).expect("manifest");
    let mut in_deps = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
        } else if in_deps && !line.starts_with('#') && !line.is_empty() {
            if let Some((name, _)) = line.split_once([' ', '.', '=']) {
                out.push(name.trim().to_string());
            }
        }
    }
    out
}

#[test]
fn crates_depend_only_downward() {
    let lib = dependencies("runtime");
    for forbidden in [
        "stripe-sync-cli",
        "stripe-sync-simulator",
        "stripe-sync-embedded-pg",
        "clap",
        "indicatif",
    ] {
        assert!(
            !lib.iter().any(|d| d == forbidden),
            "the library depends on {forbidden}"
        );
    }
    // The simulator is an independent peer: it must not agree with the
    // library's bugs by importing them.
    assert!(!dependencies("simulator").iter().any(|d| d == "stripe-sync"));
    assert!(!dependencies("embedded-pg")
        .iter()
        .any(|d| d == "stripe-sync"));
    let codegen_dev = {
        let text = std::fs::read_to_string(root().join("codegen/Cargo.toml")).expect("manifest");
        text.split("[dev-dependencies]")
            .nth(1)
            .unwrap_or("")
            .to_string()
    };
    for heavy in [
        "stripe-sync-tests",
        "stripe-sync-simulator",
        "stripe-sync =",
    ] {
        assert!(
            !codegen_dev.contains(heavy),
            "the generator's tests link {heavy}"
        );
    }
}
