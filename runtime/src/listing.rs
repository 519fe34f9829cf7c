//! List paging, for everything that reads a list: the backfill's slices,
//! the events' relists and the rest of embedded lists, and `verify`.
//!
//! A [`Listing`] is one list endpoint read newest first, page by page:
//! `limit=100`, the endpoint's fixed parameters (`status=all` and the like,
//! from the registry), an optional `created` range, `expand[]`s, and the
//! `starting_after` cursor it moves itself.

use stripe_sync_generated::ListEndpoint;

use crate::client::{Page, StripeClient};
use crate::error::Result;
use crate::objects;

/// Objects per page: Stripe's most.
pub const PAGE_SIZE: u64 = 100;

/// One list, read page by page.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    path: String,
    base: Vec<(String, String)>,
    gte: Option<i64>,
    lt: Option<i64>,
    after: Option<String>,
    done: bool,
}

impl Listing {
    /// A list at `path` with these parameters (`limit=100` added unless
    /// given).
    pub fn at(path: &str, base: Vec<(String, String)>) -> Self {
        let mut base = base;
        if !base.iter().any(|(k, _)| k == "limit") {
            base.insert(0, ("limit".to_string(), PAGE_SIZE.to_string()));
        }
        Listing {
            path: path.to_string(),
            base,
            ..Default::default()
        }
    }

    /// A top-level list endpoint with its fixed parameters, as the backfill
    /// lists it.
    pub fn of(endpoint: &ListEndpoint) -> Self {
        let fixed = endpoint
            .fixed_params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Listing::at(endpoint.path, fixed)
    }

    /// Only objects created in `[gte, lt)` (unix seconds; `None`: unbounded).
    pub fn created(mut self, gte: Option<i64>, lt: Option<i64>) -> Self {
        self.gte = gte;
        self.lt = lt;
        self
    }

    /// With these `expand[]` (or other) parameters.
    pub fn with(mut self, params: &[(String, String)]) -> Self {
        self.base.extend(params.iter().cloned());
        self
    }

    /// From after this object (`None`: from the newest).
    pub fn after(mut self, after: Option<String>) -> Self {
        self.after = after;
        self
    }

    /// The cursor: the last object read.
    pub fn cursor(&self) -> Option<&str> {
        self.after.as_deref()
    }

    /// Whether the last page has been read.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query of the next page.
    pub fn query(&self) -> Vec<(String, String)> {
        let mut q = self.base.clone();
        if let Some(g) = self.gte {
            q.push(("created[gte]".into(), g.to_string()));
        }
        if let Some(l) = self.lt {
            q.push(("created[lt]".into(), l.to_string()));
        }
        if let Some(a) = &self.after {
            q.push(("starting_after".into(), a.clone()));
        }
        q
    }

    /// Reads the next page and moves the cursor past it; `None` once the
    /// list is done.
    pub async fn next_page(&mut self, client: &StripeClient) -> Result<Option<Page>> {
        if self.done {
            return Ok(None);
        }
        let page = client.list_page(&self.path, &self.query()).await?;
        self.advance(&page);
        Ok(Some(page))
    }

    /// Moves the cursor past `page` (read by the caller with [`Self::query`]).
    pub fn advance(&mut self, page: &Page) {
        let last = page
            .items
            .last()
            .and_then(|i| objects::head(i.get()).ok())
            .and_then(|h| h.id);
        self.done = !page.has_more || page.items.is_empty() || last.is_none();
        if last.is_some() {
            self.after = last;
        }
    }
}

/// Every item of a list from `starting_after` on (`None`: from the start),
/// page by page, as JSON texts.
pub async fn list_all(
    client: &StripeClient,
    path: &str,
    base: Vec<(String, String)>,
    starting_after: Option<String>,
) -> Result<Vec<String>> {
    let mut listing = Listing::at(path, base).after(starting_after);
    let mut items = Vec::new();
    while let Some(page) = listing.next_page(client).await? {
        items.extend(page.items.into_iter().map(|i| i.get().to_owned()));
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_carries_limit_range_expansions_and_cursor() {
        let l = Listing::at("/v1/customers", vec![("status".into(), "all".into())])
            .created(Some(10), Some(20))
            .with(&[("expand[]".into(), "data.tax_ids".into())])
            .after(Some("cus_1".into()));
        let q: Vec<String> = l.query().iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            q,
            [
                "limit=100",
                "status=all",
                "expand[]=data.tax_ids",
                "created[gte]=10",
                "created[lt]=20",
                "starting_after=cus_1"
            ]
        );
        let given = Listing::at("/v1/x", vec![("limit".into(), "3".into())]);
        assert_eq!(given.query(), vec![("limit".to_string(), "3".to_string())]);
    }
}
