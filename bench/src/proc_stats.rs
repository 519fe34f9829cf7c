//! CPU time and memory of processes, read from /proc.

/// Clock ticks per second of /proc's CPU counters (USER_HZ, 100 on Linux).
const TICKS: f64 = 100.0;

/// User + system CPU seconds of a process, or 0 when it is gone.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let field = |i: usize| {
        rest.get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (field(11) + field(12)) / TICKS
}

/// CPU seconds, by pid, of the PostgreSQL processes that work for database
/// `db`: its backends, and the shared writers (WAL writer, checkpointer,
/// background writer, autovacuum workers) whose work its writes cause.
pub async fn postgres_cpu(pool: &sqlx::PgPool, db: &str) -> std::collections::BTreeMap<i32, f64> {
    let pids: Vec<(i32,)> = sqlx::query_as(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 OR backend_type IN \
         ('walwriter', 'checkpointer', 'background writer', 'autovacuum worker')",
    )
    .bind(db)
    .fetch_all(pool)
    .await
    .unwrap_or_default();
    pids.into_iter()
        .map(|(p,)| (p, cpu_seconds(p as u32)))
        .collect()
}

/// The CPU PostgreSQL spent between two [`postgres_cpu`] snapshots (processes
/// that started in between count from zero).
pub fn postgres_cpu_between(
    before: &std::collections::BTreeMap<i32, f64>,
    after: &std::collections::BTreeMap<i32, f64>,
) -> f64 {
    after
        .iter()
        .map(|(pid, t)| t - before.get(pid).copied().unwrap_or(0.0))
        .sum()
}

/// The peak resident set size of this process, in MiB (VmHWM).
pub fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map(|kib| kib / 1024.0)
        .unwrap_or(0.0)
}

/// A `kB` field (e.g. `VmRSS`, `VmHWM`) of `/proc/<pid>/status`, in MiB, or
/// `None` when the process is gone.
pub fn status_mib(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.strip_prefix(field).is_some_and(|r| r.starts_with(':')))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map(|kib| kib / 1024.0)
}
