//! Rebuilds the library when a migration is added or changed: they are
//! embedded by `sqlx::migrate!`, which cargo does not track by itself.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
