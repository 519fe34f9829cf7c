//! A token bucket shared by every task that talks to Stripe.
//!
//! Callers reserve a token and sleep until it is theirs: the bucket never
//! grants more than `rate` requests per second on average, with a burst of at
//! most `burst` requests, and waiters are served in arrival order.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A token bucket. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Tokens available; negative when callers have reserved future tokens.
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    /// A bucket granting `per_second` tokens a second, with a burst of a fifth
    /// of a second's worth (at least one).
    pub fn new(per_second: u32) -> Self {
        let rate = f64::from(per_second.max(1));
        let burst = (rate / 5.0).max(1.0);
        RateLimiter {
            rate,
            burst,
            state: Mutex::new(State {
                tokens: burst,
                last: Instant::now(),
            }),
        }
    }

    /// The rate, in tokens per second.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Reserves one token and returns how long the caller must wait before
    /// using it (zero when a token is available now).
    pub fn reserve(&self, now: Instant) -> Duration {
        let mut s = match self.state.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        let elapsed = now.saturating_duration_since(s.last).as_secs_f64();
        s.last = s.last.max(now);
        s.tokens = (s.tokens + elapsed * self.rate).min(self.burst);
        s.tokens -= 1.0;
        if s.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-s.tokens / self.rate)
        }
    }

    /// Waits for a token.
    pub async fn acquire(&self) {
        let wait = self.reserve(Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_paced() {
        let rl = RateLimiter::new(10); // burst 2
        let t0 = Instant::now();
        assert_eq!(rl.reserve(t0), Duration::ZERO);
        assert_eq!(rl.reserve(t0), Duration::ZERO);
        let w = rl.reserve(t0);
        assert!((w.as_secs_f64() - 0.1).abs() < 1e-6, "{w:?}");
        let w = rl.reserve(t0);
        assert!((w.as_secs_f64() - 0.2).abs() < 1e-6, "{w:?}");
    }

    #[test]
    fn refills_over_time_up_to_burst() {
        let rl = RateLimiter::new(100); // burst 20
        let t0 = Instant::now();
        for _ in 0..20 {
            assert_eq!(rl.reserve(t0), Duration::ZERO);
        }
        assert!(rl.reserve(t0) > Duration::ZERO);
        // A long pause refills only up to the burst.
        let later = t0 + Duration::from_secs(10);
        for _ in 0..20 {
            assert_eq!(rl.reserve(later), Duration::ZERO);
        }
        assert!(rl.reserve(later) > Duration::ZERO);
    }

    #[test]
    fn average_rate_is_bounded() {
        let rl = RateLimiter::new(25);
        let t0 = Instant::now();
        // 1000 reservations at once: the last must wait ~ (1000 - burst) / rate.
        let mut last = Duration::ZERO;
        for _ in 0..1000 {
            last = rl.reserve(t0);
        }
        let expected = (1000.0 - 5.0) / 25.0;
        assert!((last.as_secs_f64() - expected).abs() < 1e-6, "{last:?}");
    }
}
