//! A private, throwaway PostgreSQL for the demo and the tests: `initdb` + `pg_ctl` from
//! `PATH` or Debian's `/usr/lib/postgresql/*/bin`, in a temporary directory,
//! on a free port of 127.0.0.1, trust authentication, stopped and removed
//! when dropped.
//!
//! PostgreSQL refuses to run as root; when this process is root, the
//! binaries run as the `postgres` user (via `runuser`) and the directory is
//! handed to that user.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A running private server.
pub struct EmbeddedPg {
    dir: Option<tempfile::TempDir>,
    bin: PathBuf,
    run_as: Option<String>,
    port: u16,
    /// `synchronous_commit` on: a crash keeps every acknowledged commit.
    durable: bool,
}

/// Where `initdb`/`pg_ctl` are, or why none were found (with the fix):
/// `STRIPE_SYNC_PG_BINDIR` when set (and only there), else `PATH`, else the
/// newest `/usr/lib/postgresql/*/bin`.
pub fn find_binaries() -> Result<PathBuf, String> {
    let has_tools = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    let missing = |place: &str| {
        format!(
            "no DATABASE_URL and no PostgreSQL binaries (initdb, pg_ctl) {place}: \
             install PostgreSQL (e.g. `apt-get install postgresql`) or set DATABASE_URL=postgres://user:password@host:5432/db"
        )
    };
    if let Some(dir) = std::env::var_os("STRIPE_SYNC_PG_BINDIR") {
        let dir = PathBuf::from(dir);
        return if has_tools(&dir) {
            Ok(dir)
        } else {
            Err(missing(&format!(
                "in STRIPE_SYNC_PG_BINDIR={}",
                dir.display()
            )))
        };
    }
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if has_tools(&d) {
                return Ok(d);
            }
        }
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_tools(&bin).then_some((v, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, b)| b)
        .ok_or_else(|| missing("on PATH or in /usr/lib/postgresql/*/bin"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

impl EmbeddedPg {
    /// Initialises and starts a server; returns when it accepts connections.
    pub fn start() -> Result<EmbeddedPg, String> {
        Self::start_with(false)
    }

    /// As [`EmbeddedPg::start`], with `synchronous_commit` on: a commit is
    /// acknowledged once its WAL is written, so [`EmbeddedPg::crash_server`]
    /// keeps every acknowledged commit (`fsync` stays off: the machine
    /// does not crash, only PostgreSQL).
    pub fn start_durable() -> Result<EmbeddedPg, String> {
        Self::start_with(true)
    }

    fn start_with(durable: bool) -> Result<EmbeddedPg, String> {
        let bin = find_binaries()?;
        let run_as = if is_root() {
            Some("postgres".to_string())
        } else {
            None
        };
        let dir = tempfile::Builder::new()
            .prefix("stripe-sync-demo-pg-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        if let Some(user) = &run_as {
            let ok = Command::new("chown")
                .arg("-R")
                .arg(user)
                .arg(dir.path())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if !ok {
                return Err(format!(
                    "running as root, PostgreSQL must run as the `{user}` user, but the temporary directory could not be given to it: run as a normal user or set DATABASE_URL"
                ));
            }
        }
        let mut pg = EmbeddedPg {
            dir: Some(dir),
            bin,
            run_as,
            port: 0,
            durable,
        };
        let data = pg.data_dir();
        pg.run(
            "initdb",
            &[
                "-D",
                path_str(&data)?,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
        )?;
        // Ports can be taken between the probe and the bind: retry a few.
        let mut last = String::new();
        for _ in 0..3 {
            pg.port = free_port()?;
            match pg.start_server() {
                Ok(()) => return Ok(pg),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// Starts the server on its data directory and port (again, after
    /// [`EmbeddedPg::stop_server`]); returns when it accepts connections.
    pub fn start_server(&self) -> Result<(), String> {
        let data = self.data_dir();
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c synchronous_commit={} -c full_page_writes=off",
            self.port,
            path_str(self.root())?,
            if self.durable { "on" } else { "off" }
        );
        let log = self.root().join("server.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                path_str(&data)?,
                "-o",
                &opts,
                "-l",
                path_str(&log)?,
                "-w",
                "-t",
                "30",
                "start",
            ],
        )
        .map_err(|e| {
            format!(
                "{e}; server log: {}",
                std::fs::read_to_string(&log)
                    .unwrap_or_default()
                    .lines()
                    .last()
                    .unwrap_or("")
            )
        })
    }

    /// Stops the server as an operator's restart does (`pg_ctl -m fast`:
    /// every connection is cut, transactions in flight are rolled back,
    /// committed ones are kept) but keeps its data directory, so
    /// [`EmbeddedPg::start_server`] brings it back. For tests of what
    /// clients do while the database is down.
    pub fn stop_server(&self) -> Result<(), String> {
        self.pg_ctl_stop("fast")
    }

    /// Stops the server as a crash would (`pg_ctl -m immediate`: no
    /// shutdown checkpoint; recovery replays the WAL on the next start).
    /// Unless started with [`EmbeddedPg::start_durable`], this server runs
    /// with `synchronous_commit=off` for speed, so the last fraction of a
    /// second of commits may be lost: use it for data that is refetched
    /// anyway, not to test acknowledged writes.
    pub fn crash_server(&self) -> Result<(), String> {
        self.pg_ctl_stop("immediate")
    }

    fn pg_ctl_stop(&self, mode: &str) -> Result<(), String> {
        let data = self.data_dir();
        self.run(
            "pg_ctl",
            &["-D", path_str(&data)?, "-m", mode, "-w", "stop"],
        )
    }

    fn root(&self) -> &Path {
        self.dir
            .as_ref()
            .map(|d| d.path())
            .unwrap_or(Path::new("/"))
    }

    fn data_dir(&self) -> PathBuf {
        self.root().join("data")
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<(), String> {
        let exe = self.bin.join(tool);
        let mut cmd = match &self.run_as {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.arg("-u").arg(u).arg("--").arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let out = cmd
            .args(args)
            .current_dir(self.root())
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            Err(format!(
                "{tool} failed: {}",
                err.lines().last().unwrap_or("").trim()
            ))
        }
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A URL for database `postgres` as user `postgres` (trust auth, no password).
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server and removes its directory.
    pub fn stop(&mut self) {
        if self.dir.is_none() {
            return;
        }
        let data = self.data_dir();
        if let Some(d) = data.to_str() {
            let _ = self.run("pg_ctl", &["-D", d, "-m", "immediate", "-w", "stop"]);
        }
        if let Some(d) = self.dir.take() {
            let _ = d.close();
        }
    }
}

fn path_str(p: &Path) -> Result<&str, String> {
    p.to_str()
        .ok_or_else(|| format!("{} is not UTF-8", p.display()))
}

impl Drop for EmbeddedPg {
    fn drop(&mut self) {
        self.stop();
    }
}

impl EmbeddedPg {
    /// Keeps the server for the rest of this process's life, for a server
    /// held in a `static` (which is never dropped): a watchdog process
    /// stops it and removes its directory once this process has exited,
    /// however it exits.
    pub fn stop_at_exit(mut self) -> Result<(), String> {
        let dir = self
            .dir
            .take()
            .ok_or_else(|| "the server is already stopped".to_string())?
            .keep();
        let quote = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', "'\\''"));
        let mut stop = format!(
            "{} -D {} -m immediate -w stop",
            quote(&self.bin.join("pg_ctl")),
            quote(&dir.join("data"))
        );
        if let Some(u) = &self.run_as {
            stop = format!("runuser -u {u} -- {stop}");
        }
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
            pid = std::process::id(),
            dir = quote(&dir)
        );
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(|_| ())
            .map_err(|e| format!("cannot start the watchdog of the private PostgreSQL: {e}"))
    }
}

#[cfg(feature = "testing")]
pub mod testing;
