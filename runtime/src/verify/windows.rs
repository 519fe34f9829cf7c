//! The windows a verify compares: each type's top-level list cut over
//! `created` into windows of about the same number of mirrored rows (the
//! cuts are the rows' `created` quantiles), and, under a request budget, a
//! random sample of them across types.

use rand::seq::SliceRandom;
use sqlx::PgPool;
use stripe_sync_generated::{ListEndpoint, Resource};

use crate::error::Result;
use crate::listing::PAGE_SIZE;
use crate::schema::Schema;
use crate::store::table_ident;

/// Rows per window in a full verify: 20 pages, so a window's one partial
/// page costs at most 5% over the backfill's pages.
pub const FULL_WINDOW_ROWS: i64 = 2_000;

/// Rows per window in a sampled verify: 5 pages, so the sample spreads
/// over more of the account.
pub const SAMPLED_WINDOW_ROWS: i64 = 500;

/// One window of one type: the objects created in `[gte, lt)`.
#[derive(Clone, Debug)]
pub struct Window {
    /// The type.
    pub res: &'static Resource,
    /// Its top-level list.
    pub endpoint: &'static ListEndpoint,
    /// Created at or after (unix seconds; `None`: from the first).
    pub gte: Option<i64>,
    /// Created before (`None`: up to now). Both `None` when the list has no
    /// `created` filter: the window is the whole list.
    pub lt: Option<i64>,
    /// Live rows the mirror holds in it, about.
    pub rows: i64,
}

impl Window {
    /// The list pages it takes, about (at least one).
    pub fn pages(&self) -> u64 {
        ((self.rows.max(0) as u64).div_ceil(PAGE_SIZE)).max(1)
    }
}

/// A type's windows and its live rows in the mirror.
#[derive(Clone, Debug)]
pub struct TypePlan {
    /// The type.
    pub res: &'static Resource,
    /// Live rows in the mirror, for this account.
    pub rows: i64,
    /// Its windows, oldest first.
    pub windows: Vec<Window>,
}

/// Cuts `res`'s list into windows of about `per_window` of the account's
/// live rows.
pub async fn plan_type(
    schema: &Schema,
    pool: &PgPool,
    account: &str,
    res: &'static Resource,
    endpoint: &'static ListEndpoint,
    created: bool,
    per_window: i64,
) -> Result<TypePlan> {
    let table = table_ident(schema, res);
    let rows: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {table} WHERE _account_id = $1 AND _deleted_at IS NULL"
    ))
    .bind(account)
    .fetch_one(pool)
    .await?;
    let whole = |rows| Window {
        res,
        endpoint,
        gte: None,
        lt: None,
        rows,
    };
    let n = (rows + per_window - 1) / per_window.max(1);
    if !created || !res.has_created || n <= 1 {
        return Ok(TypePlan {
            res,
            rows,
            windows: vec![whole(rows)],
        });
    }
    let fractions: Vec<f64> = (1..n).map(|i| i as f64 / n as f64).collect();
    let cuts: Option<Vec<i64>> = sqlx::query_scalar(&format!(
        "SELECT percentile_disc($2::float8[]) WITHIN GROUP (ORDER BY extract(epoch FROM created)::bigint)
           FROM {table} WHERE _account_id = $1 AND _deleted_at IS NULL AND created IS NOT NULL"
    ))
    .bind(account)
    .bind(&fractions)
    .fetch_one(pool)
    .await?;
    let mut cuts = cuts.unwrap_or_default();
    cuts.dedup();
    let mut windows = Vec::with_capacity(cuts.len() + 1);
    let mut gte = None;
    let per = rows / (cuts.len() as i64 + 1);
    for c in cuts {
        windows.push(Window {
            res,
            endpoint,
            gte,
            lt: Some(c),
            rows: per,
        });
        gte = Some(c);
    }
    windows.push(Window {
        res,
        endpoint,
        gte,
        lt: None,
        rows: per,
    });
    Ok(TypePlan { res, rows, windows })
}

/// The windows a run of at most `budget` requests lists: whole types when
/// they all fit in the budget less what is kept for confirming retrieves,
/// else windows drawn at random across every type (all windows hold about
/// as many rows, so a type is sampled in proportion to its rows) until the
/// next would not fit.
pub fn sample(plans: &[TypePlan], budget: Option<u64>) -> Vec<Window> {
    let all = interleaved(plans);
    let Some(budget) = budget else { return all };
    let listing = budget.saturating_sub(reserve(budget));
    if all.iter().map(Window::pages).sum::<u64>() <= listing {
        return all;
    }
    let mut drawn = all;
    drawn.shuffle(&mut rand::thread_rng());
    let mut spent = 0;
    drawn.retain(|w| {
        let fits = spent + w.pages() <= listing;
        if fits {
            spent += w.pages();
        }
        fits
    });
    drawn
}

/// Every window, one type's after another's in turn (the first of each
/// type, then the second of each…): the windows listed at once are of
/// several types, so each endpoint's 25/s adds up to the account's budget
/// instead of one type's windows queueing on one endpoint.
fn interleaved(plans: &[TypePlan]) -> Vec<Window> {
    let longest = plans.iter().map(|p| p.windows.len()).max().unwrap_or(0);
    (0..longest)
        .flat_map(|i| plans.iter().filter_map(move |p| p.windows.get(i).cloned()))
        .collect()
}

/// Requests a budget keeps for confirming retrieves: a twentieth, at least 2.
pub fn reserve(budget: u64) -> u64 {
    (budget / 20).max(2).min(budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(object: &str, rows: i64, windows: usize) -> TypePlan {
        let res = stripe_sync_generated::resource(object).expect("a resource");
        let endpoint = &res.list_endpoints[0];
        TypePlan {
            res,
            rows,
            windows: (0..windows)
                .map(|i| Window {
                    res,
                    endpoint,
                    gte: Some(i as i64),
                    lt: Some(i as i64 + 1),
                    rows: rows / windows as i64,
                })
                .collect(),
        }
    }

    #[test]
    fn a_budget_draws_windows_that_fit_and_no_budget_takes_all() {
        let plans = [plan("customer", 5_000, 10), plan("invoice", 1_000, 2)];
        let all = sample(&plans, None);
        assert_eq!(all.len(), 12);
        let order: Vec<&str> = all.iter().take(4).map(|w| w.res.object).collect();
        assert_eq!(order, ["customer", "invoice", "customer", "invoice"]);
        assert_eq!(sample(&plans, Some(1_000)).len(), 12);
        // 60 requests: 3 kept for retrieves, 57 for pages of 5: 11 windows.
        let s = sample(&plans, Some(60));
        assert_eq!(s.len(), 11);
        assert!(s.iter().map(Window::pages).sum::<u64>() <= 57);
        assert!(sample(&plans, Some(4)).is_empty());
    }
}
