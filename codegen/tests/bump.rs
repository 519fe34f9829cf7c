//! A later monthly version bumps with one command and no code change: a
//! `YYYY-MM-DD.release` spec3.json that adds an object, a list, an event
//! type and a field gives the next free migration number, an additive
//! migration, and output that `generate` (the `--check` of CI) reproduces.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use stripe_sync_codegen::{bump, differences, generate, write, Versions};

/// A version after any real one, so the test holds after real bumps too.
const NEXT: &str = "2999-01-01.later";

/// The newest version of the chain.
fn newest() -> String {
    Versions::read(&repo())
        .unwrap()
        .versions
        .last()
        .unwrap()
        .version
        .clone()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The newest spec, relabeled as the next month's with a new listable
/// object (`bump_probe_widget`, a name no real version will use, shaped like a climate supplier), its event type, and a
/// new customer field.
fn next_spec() -> Vec<u8> {
    let dir = stripe_sync_embedded_pg::testing::spec_dir().join(newest());
    let mut spec: Value =
        serde_json::from_slice(&std::fs::read(dir.join("spec3.json")).unwrap()).unwrap();
    spec["info"]["version"] = json!(NEXT);
    let schemas = spec["components"]["schemas"].as_object_mut().unwrap();
    let mut widget = schemas["climate.supplier"].clone();
    widget["x-resourceId"] = json!("bump_probe_widget");
    widget["properties"]["object"]["enum"] = json!(["bump_probe_widget"]);
    schemas.insert("bump_probe_widget".into(), widget);
    schemas["customer"]["properties"]
        .as_object_mut()
        .unwrap()
        .insert(
            "bump_probe_tier".into(),
            json!({"type": "string", "nullable": true}),
        );
    let list = serde_json::to_string(&spec["paths"]["/v1/climate/suppliers"])
        .unwrap()
        .replace(
            "#/components/schemas/climate.supplier",
            "#/components/schemas/bump_probe_widget",
        )
        .replace("/v1/climate/suppliers", "/v1/bump_probe_widgets");
    spec["paths"].as_object_mut().unwrap().insert(
        "/v1/bump_probe_widgets".into(),
        serde_json::from_str(&list).unwrap(),
    );
    let form = &mut spec["paths"]["/v1/webhook_endpoints"]["post"]["requestBody"]["content"]
        ["application/x-www-form-urlencoded"]["schema"]["properties"]["enabled_events"]["items"]
        ["enum"];
    form.as_array_mut()
        .unwrap()
        .push(json!("bump_probe_widget.created"));
    serde_json::to_vec(&spec).unwrap()
}

#[test]
fn a_later_monthly_version_bumps_with_one_command() {
    let tmp = std::env::temp_dir().join(format!("stripe-sync-bump-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let root = tmp.join("repo");
    for d in ["spec", "migrations", "generated/src"] {
        copy_dir(&repo().join(d), &root.join(d));
    }
    // A spec directory with the six versions of the chain and the new one.
    let specs = tmp.join("specs");
    std::fs::create_dir_all(&specs).unwrap();
    for v in Versions::read(&root).unwrap().versions {
        std::os::unix::fs::symlink(
            stripe_sync_embedded_pg::testing::spec_dir().join(&v.version),
            specs.join(&v.version),
        )
        .unwrap();
    }
    let next_dir = specs.join(NEXT);
    std::fs::create_dir_all(&next_dir).unwrap();
    std::fs::write(next_dir.join("spec3.json"), next_spec()).unwrap();
    std::fs::copy(
        stripe_sync_embedded_pg::testing::spec_dir()
            .join(newest())
            .join("fixtures3.json"),
        next_dir.join("fixtures3.json"),
    )
    .unwrap();
    let before = std::fs::read_dir(root.join("migrations")).unwrap().count();

    let output = bump(&root, &specs, NEXT).expect("bump succeeds");
    let changed = write(&root, &output).unwrap();
    let name = format!("{:04}_stripe_api_2999_01_01_later.sql", before + 1);
    let migration = std::fs::read_to_string(root.join("migrations").join(&name))
        .unwrap_or_else(|e| panic!("{name}: {e} (changed: {changed:?})"));
    assert!(
        migration.contains("CREATE TABLE IF NOT EXISTS \"stripe\".\"bump_probe_widgets\""),
        "{migration}"
    );
    assert!(
        migration.contains("ADD COLUMN IF NOT EXISTS \"bump_probe_tier\" text"),
        "{migration}"
    );
    assert!(!migration.contains("DROP"), "{migration}");
    // The SQL entry points' registry is refilled: stripe_sync.apply_event routes
    // the new object and event type as the Rust path does.
    assert!(
        migration.contains("DELETE FROM stripe_sync.sql_resources;")
            && migration.contains("INSERT INTO stripe_sync.sql_resources")
            && migration.contains("'bump_probe_widgets'")
            && migration.contains("('bump_probe_widget.created', 'bump_probe_widgets', false)"),
        "the registry refill is missing from {name}"
    );
    let versions = Versions::read(&root).unwrap();
    let last = versions.versions.last().unwrap();
    assert_eq!(last.version, NEXT);
    assert_eq!(last.migration.as_deref(), Some(name.as_str()));
    let lib = std::fs::read_to_string(root.join("generated/src/lib.rs")).unwrap();
    assert!(lib.contains(&format!("pub const API_VERSION: &str = \"{NEXT}\"")));
    let events = std::fs::read_to_string(root.join("generated/src/events.rs")).unwrap();
    assert!(events.contains("\"bump_probe_widget.created\""));
    // Every released migration is unchanged.
    for e in std::fs::read_dir(repo().join("migrations")).unwrap() {
        let e = e.unwrap();
        assert_eq!(
            std::fs::read(e.path()).unwrap(),
            std::fs::read(root.join("migrations").join(e.file_name())).unwrap(),
            "{:?} changed",
            e.file_name()
        );
    }
    // Replaying the whole chain reproduces what bump wrote (CI's `generate --check`).
    let replay =
        generate(&root, &stripe_sync_codegen::Sources::new(&specs)).expect("generate succeeds");
    let diff = differences(&root, &replay, true).unwrap();
    assert!(diff.is_empty(), "generate --check would fail: {diff:?}");
    std::fs::remove_dir_all(&tmp).unwrap();
}
