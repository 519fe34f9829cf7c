//! Commands run as new processes: `stripe-sync` itself (this binary's
//! hidden `child-cli`, which is the CLI's own `run`), stopped by a signal
//! at a random point or run to its end; and `serve` as a process the
//! driver restarts.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};

use super::ops::Stop;

/// How long a command may run to its end, or take to stop after SIGINT.
pub const EXIT_LIMIT: Duration = Duration::from_secs(60);

/// Where a process connects: its database, the simulator, and (for
/// `serve`) the webhook secrets.
#[derive(Clone, Debug)]
pub struct Target {
    /// The mirror's URL.
    pub database_url: String,
    /// The simulator's base URL.
    pub api_base: String,
    /// The secret key.
    pub key: String,
}

/// `stripe-sync <args>` against `t`, as a child of this process with its
/// standard error piped (read when it ends).
pub fn spawn(t: &Target, args: &[String], env: &[(&str, &str)]) -> Result<Child> {
    let mut c = Command::new(std::env::current_exe()?);
    // The simulator answers as fast as it can: no test-mode limit of 25/s.
    c.arg("child-cli")
        .args(args)
        .args(["--rate-limit", "2000"])
        .env("DATABASE_URL", &t.database_url)
        .env("STRIPE_API_BASE", &t.api_base)
        .env("STRIPE_SECRET_KEY", &t.key)
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().context("spawning stripe-sync")
}

/// Sends `signal` (`INT` or `KILL`) to `child`, if it still runs.
pub fn signal(child: &Child, signal: &str) -> Result<()> {
    let Some(pid) = child.id() else {
        return Ok(());
    };
    // `kill(1)`: no libc binding for two signals. It fails only when the
    // process has ended meanwhile (not yet waited for), which is fine.
    std::process::Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .stderr(Stdio::null())
        .status()?;
    Ok(())
}

/// Waits for `child` to end within `limit`: its exit code (`None`: ended
/// by a signal) and the last lines of its standard error.
pub async fn wait(mut child: Child, limit: Duration) -> Result<(Option<i32>, String)> {
    let mut stderr = child.stderr.take();
    let read = async move {
        let mut s = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_string(&mut s).await;
        }
        s
    };
    let (status, err) = tokio::time::timeout(limit, async { tokio::join!(child.wait(), read) })
        .await
        .map_err(|_| anyhow!("still running after {} s", limit.as_secs()))?;
    let tail: Vec<&str> = err.lines().rev().take(6).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Ok((status?.code(), tail.join("\n")))
}

/// Runs `args` on every target at once, each stopped as `stop` says, and
/// checks how each ended: run to its end, exit 0; interrupted, exit 0 or
/// 130 within [`EXIT_LIMIT`]; killed, anything.
pub async fn run_all(
    targets: &[(&'static str, Target)],
    args: &[String],
    stop: Stop,
) -> Result<()> {
    let children = spawn_all(targets, args)?;
    end_all(children, args, stop, false).await
}

/// `args` started on every target at once.
pub fn spawn_all(
    targets: &[(&'static str, Target)],
    args: &[String],
) -> Result<Vec<(&'static str, Child)>> {
    targets
        .iter()
        .map(|(name, t)| Ok((*name, spawn(t, args, &[])?)))
        .collect()
}

/// Stops `children` as `stop` says and checks how each ended (as
/// [`run_all`]; with `any_exit`, only that each ended within
/// [`EXIT_LIMIT`]: a command PostgreSQL went away under may fail).
pub async fn end_all(
    children: Vec<(&'static str, Child)>,
    args: &[String],
    stop: Stop,
    any_exit: bool,
) -> Result<()> {
    match stop {
        Stop::Finish => {}
        Stop::Interrupt(ms) | Stop::Kill(ms) => {
            tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
            let sig = if matches!(stop, Stop::Kill(_)) {
                "KILL"
            } else {
                "INT"
            };
            for (_, c) in &children {
                signal(c, sig)?;
            }
        }
    }
    let waits: Vec<_> = children
        .into_iter()
        .map(|(name, c)| (name, tokio::spawn(wait(c, EXIT_LIMIT))))
        .collect();
    for (name, w) in waits {
        let (code, err) = w
            .await?
            .with_context(|| format!("stripe-sync {} on {name}", args.join(" ")))?;
        let fine = any_exit
            || match stop {
                Stop::Finish => code == Some(0),
                Stop::Interrupt(_) => matches!(code, Some(0 | 130)),
                Stop::Kill(_) => true,
            };
        if !fine {
            bail!(
                "stripe-sync {} on {name} exited {}:\n{err}",
                args.join(" "),
                code.map_or("by a signal".to_string(), |c| c.to_string())
            );
        }
    }
    Ok(())
}

/// `serve` as a process on a fixed loopback address, restartable.
pub struct ServeProc {
    target: Target,
    listen: String,
    secrets: String,
    child: tokio::sync::Mutex<Option<Child>>,
}

impl ServeProc {
    /// Starts `serve` on a free port and waits for `/health`.
    pub async fn start(target: Target, secrets: String) -> Result<ServeProc> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let s = ServeProc {
            target,
            listen: format!("127.0.0.1:{port}"),
            secrets,
            child: tokio::sync::Mutex::new(None),
        };
        s.launch().await?;
        Ok(s)
    }

    /// Its webhook URL.
    pub fn webhook_url(&self) -> String {
        format!("http://{}/webhooks", self.listen)
    }

    async fn launch(&self) -> Result<()> {
        let args: Vec<String> = ["serve", "--listen", &self.listen]
            .map(String::from)
            .to_vec();
        let child = spawn(
            &self.target,
            &args,
            &[("STRIPE_WEBHOOK_SECRET", self.secrets.as_str())],
        )?;
        *self.child.lock().await = Some(child);
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()?;
        let t0 = std::time::Instant::now();
        loop {
            let ok = http
                .get(format!("http://{}/health", self.listen))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                return Ok(());
            }
            let mut guard = self.child.lock().await;
            if let Some(c) = guard.as_mut() {
                if let Some(status) = c.try_wait()? {
                    let c = guard.take().expect("checked");
                    let (_, err) = wait(c, Duration::from_secs(5)).await?;
                    bail!("serve exited {status} at start:\n{err}");
                }
            }
            if t0.elapsed() > EXIT_LIMIT {
                bail!("serve not healthy after {} s", EXIT_LIMIT.as_secs());
            }
            drop(guard);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops it (SIGKILL with `kill`, else SIGINT, which must end it with
    /// 0 or 130) and starts a new one on the same address.
    pub async fn restart(&self, kill: bool) -> Result<()> {
        self.stop(kill).await?;
        self.launch().await
    }

    /// Stops it as [`ServeProc::restart`] does.
    pub async fn stop(&self, kill: bool) -> Result<()> {
        let Some(child) = self.child.lock().await.take() else {
            return Ok(());
        };
        signal(&child, if kill { "KILL" } else { "INT" })?;
        let (code, err) = wait(child, EXIT_LIMIT)
            .await
            .context("serve after a signal")?;
        if !kill && !matches!(code, Some(0 | 130)) {
            bail!(
                "serve exited {} after SIGINT:\n{err}",
                code.map_or("by a signal".to_string(), |c| c.to_string())
            );
        }
        Ok(())
    }
}
