//! Account shapes: how many objects of each type a seeded account holds
//! (the demo's small account, a real billing account's proportions at any
//! size), and how sparse child types concentrate on a few parents. Plain
//! numbers: the configuration picks them, seeding follows them.

use std::collections::BTreeMap;

/// Counts of each generated connected account
/// (`SimConfig::with_connected_accounts`): a small billing graph, cheap
/// enough to seed a thousand of.
pub fn connected_account_counts() -> BTreeMap<String, usize> {
    [
        ("product", 1),
        ("price", 1),
        ("customer", 2),
        ("subscription", 1),
        ("invoice", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Counts of `SimConfig::small_account`: the main billing graph, a few
/// hundred objects.
pub fn small_account_counts() -> BTreeMap<String, usize> {
    [
        ("product", 12),
        ("price", 24),
        ("coupon", 4),
        ("tax_rate", 3),
        ("customer", 80),
        ("payment_method", 60),
        ("tax_id", 10),
        ("subscription", 50),
        ("subscription_item", 70),
        ("invoice", 90),
        ("line_item", 140),
        ("invoiceitem", 20),
        ("payment_intent", 90),
        ("charge", 90),
        ("refund", 10),
        ("dispute", 3),
        ("payout", 6),
        ("balance_transaction", 40),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The most children of one concentrated type a single parent gets from the
/// skewed head of [`spread`] (a customer with hundreds of tax ids is not a
/// real account's shape); only when every chosen parent is full do they get more.
const MAX_PER_PARENT: usize = 25;

/// How many parents a child type concentrated on `fraction` of `parents`
/// hangs off: `ceil(fraction × parents)`, at least two when there are two
/// (so a sparse type is never a single parent's quirk), at most `parents`.
pub fn concentrated_parents(fraction: f64, parents: usize) -> usize {
    if parents == 0 || fraction.is_nan() || fraction <= 0.0 {
        return 0;
    }
    let k = (fraction.min(1.0) * parents as f64).ceil() as usize;
    k.max(2).min(parents)
}

/// How `n` children spread over `k` chosen parents, heaviest first: every
/// parent gets one, then each in turn takes half of what is left (up to
/// `MAX_PER_PARENT` in all), and anything still left goes round-robin. So
/// the extra `n − k` children make a few heavy parents: with 44 extra, the
/// first two get 23 and 12.
pub fn spread(n: usize, k: usize) -> Vec<usize> {
    let k = k.min(n);
    let mut out = vec![1; k];
    let mut rest = n - k;
    for c in out.iter_mut() {
        if rest == 0 {
            break;
        }
        let add = (rest / 2).clamp(1, MAX_PER_PARENT - 1);
        *c += add;
        rest -= add;
    }
    let mut i = 0;
    while rest > 0 && k > 0 {
        out[i % k] += 1;
        rest -= 1;
        i += 1;
    }
    out
}

/// Counts of `SimConfig::billing_account`: the shape of a real billing
/// account with `customers` customers. The main graph is dense (about 0.8
/// subscriptions, 2 invoices and 1.8 payments per customer); the
/// per-customer children are sparse, on the fractions of customers
/// [`billing_account_concentration`] gives: tax ids on 2% (two customers
/// with 12 or more, so an embedded first page of 10 has `has_more`), cards,
/// bank accounts, sources and customer balance transactions on 1%, cash
/// balance transactions on 0.5%.
pub fn billing_account_counts(customers: usize) -> BTreeMap<String, usize> {
    let n = customers;
    let scaled = |x: f64| (n as f64 * x).round() as usize;
    let products = (n / 250).max(10);
    let subscriptions = scaled(0.8);
    let invoices = 2 * n;
    let charges = scaled(1.8);
    let fractions = billing_account_concentration();
    let holders = |object: &str| concentrated_parents(fractions[object], n);
    let mut counts: BTreeMap<String, usize> = [
        ("product", products),
        ("price", 2 * products),
        ("customer", n),
        ("subscription", subscriptions),
        (
            "subscription_item",
            (subscriptions as f64 * 1.2).round() as usize,
        ),
        ("invoice", invoices),
        ("line_item", (invoices as f64 * 1.5).round() as usize),
        ("payment_intent", charges),
        ("charge", charges),
        ("refund", (charges as f64 * 0.03).round() as usize),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if n > 0 {
        let sparse = [
            // 44 beyond one each: the heaviest two customers get 23 and 12.
            ("tax_id", holders("tax_id") + 44.max(holders("tax_id") / 2)),
            ("card", holders("card") * 3 / 2),
            ("bank_account", holders("bank_account") * 3 / 2),
            ("source", holders("source") * 3 / 2),
            (
                "customer_balance_transaction",
                3 * holders("customer_balance_transaction"),
            ),
            (
                "customer_cash_balance_transaction",
                2 * holders("customer_cash_balance_transaction"),
            ),
        ];
        counts.extend(sparse.into_iter().map(|(k, v)| (k.to_string(), v)));
    }
    counts
}

/// The fraction of customers each sparse child type of
/// `SimConfig::billing_account` is concentrated on.
pub fn billing_account_concentration() -> BTreeMap<String, f64> {
    [
        ("tax_id", 0.02),
        ("card", 0.01),
        ("bank_account", 0.01),
        ("source", 0.01),
        ("customer_balance_transaction", 0.01),
        ("customer_cash_balance_transaction", 0.005),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use stripe_sync_generated::resource;

    #[test]
    fn spread_makes_a_few_heavy_parents_and_keeps_the_total() {
        assert_eq!(spread(66, 22)[..3], [23, 12, 6]);
        for (n, k) in [
            (0, 0),
            (0, 5),
            (3, 5),
            (5, 5),
            (66, 22),
            (3000, 2000),
            (400, 2),
        ] {
            let s = spread(n, k);
            assert_eq!(s.iter().sum::<usize>(), n, "{n} over {k}");
            assert_eq!(s.len(), k.min(n));
            assert!(s.iter().all(|c| *c >= 1));
        }
        // Capped while anything else can take more.
        assert!(spread(3000, 2000).iter().all(|c| *c <= MAX_PER_PARENT));
        assert_eq!(spread(400, 2), vec![200, 200]);
    }

    #[test]
    fn concentrated_parents_is_a_fraction_but_never_one_quirky_parent() {
        assert_eq!(concentrated_parents(0.02, 1000), 20);
        assert_eq!(concentrated_parents(0.02, 10), 2);
        assert_eq!(concentrated_parents(0.02, 1), 1);
        assert_eq!(concentrated_parents(0.02, 0), 0);
        assert_eq!(concentrated_parents(0.0, 100), 0);
        assert_eq!(concentrated_parents(f64::NAN, 100), 0);
        assert_eq!(concentrated_parents(3.0, 100), 100);
    }

    #[test]
    fn billing_account_counts_scale_with_customers() {
        let c = billing_account_counts(10_000);
        assert_eq!(c["customer"], 10_000);
        assert_eq!(c["product"], 40);
        assert_eq!(c["price"], 80);
        assert_eq!(c["subscription"], 8_000);
        assert_eq!(c["subscription_item"], 9_600);
        assert_eq!(c["invoice"], 20_000);
        assert_eq!(c["line_item"], 30_000);
        assert_eq!(c["charge"], 18_000);
        assert_eq!(c["payment_intent"], 18_000);
        assert_eq!(c["refund"], 540);
        // 200 customers with tax ids, the heaviest two with 12 or more.
        let holders = concentrated_parents(0.02, 10_000);
        let s = spread(c["tax_id"], holders);
        assert_eq!(s.len(), 200);
        assert!(s[1] >= 12, "{s:?}");
        assert_eq!(c["card"], 150);
        assert_eq!(c["customer_cash_balance_transaction"], 100);
        assert_eq!(billing_account_counts(0)["product"], 10);
        assert!(!billing_account_counts(0).contains_key("tax_id"));
        // Every sparse type has a fraction, and every type a resource.
        let f = billing_account_concentration();
        for o in c.keys() {
            assert!(resource(o).is_some(), "{o}");
        }
        for o in f.keys() {
            assert!(c.contains_key(o), "{o}");
        }
    }
}
