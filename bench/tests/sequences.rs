//! The sequence driver in the gate: the binary itself runs, as a user
//! would (`stripe-sync-bench sequences …`), so that its commands run as new
//! processes of it (`child-cli`).

use std::process::Command;

/// Runs `stripe-sync-bench sequences <args>` and returns its last line,
/// failing with everything it printed when it exits non-zero.
fn sequences(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_stripe-sync-bench"))
        .arg("sequences")
        .args(args)
        .output()
        .expect("the bench binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "sequences {args:?} exited {}:\n{stdout}\n{stderr}",
        out.status
    );
    print!("{stdout}");
    stdout.lines().last().unwrap_or_default().to_string()
}

/// The gate's set: every seed that found a bug, as it found it, and a few
/// seeds with every operation (processes, kills, restarts).
#[test]
fn the_gate_seeds_converge() {
    let last = sequences(&["--gate"]);
    assert!(last.ends_with(" 0 failures"), "{last}");
}

/// A wider sweep, for the slow job (`cargo test -- --ignored`).
#[test]
#[ignore = "a few minutes: run by the gate's --ignored job"]
fn a_sweep_of_seeds_converges() {
    let last = sequences(&["--from", "201", "--seeds", "20"]);
    assert!(last.starts_with("20 seeds, "), "{last}");
    assert!(last.ends_with(" 0 failures"), "{last}");
}
