use super::*;

#[test]
fn plans_follow_the_registry() {
    let cus = resource("customer").unwrap();
    assert!(matches!(
        list_plan(cus),
        Some(ListPlan::TopLevel { created: true, .. })
    ));
    let si = resource("subscription_item").unwrap();
    match list_plan(si) {
        Some(ListPlan::Nested(NestedList { parent, param, .. })) => {
            assert_eq!(parent.object, "subscription");
            assert_eq!(param.name, "subscription");
            assert!(!param.in_path);
        }
        other => panic!("{other:?}"),
    }
    let li = resource("line_item").unwrap();
    match list_plan(li) {
        Some(ListPlan::Nested(NestedList {
            parent,
            embedded_field,
            ..
        })) => {
            assert_eq!(parent.object, "invoice");
            assert_eq!(embedded_field, Some("lines"));
        }
        other => panic!("{other:?}"),
    }
    let tax_id = resource("tax_id").unwrap();
    assert!(
        matches!(list_plan(tax_id), Some(ListPlan::Nested(NestedList { parent, .. })) if parent.object == "customer")
    );
    assert_eq!(level(cus, 0), 0);
    assert_eq!(level(si, 0), 1);
}

#[test]
fn embedded_lists_come_from_their_parents_when_the_parent_is_listed() {
    let all = select(&BackfillRequest::all()).unwrap();
    let tax_id = resource("tax_id").unwrap();
    assert!(matches!(
        source_of(tax_id, &all),
        Some(ListSource::FromParent {
            parent: "customer",
            field: "tax_ids",
            ..
        })
    ));
    for o in ["card", "bank_account", "source"] {
        assert!(
            matches!(
                source_of(resource(o).unwrap(), &all),
                Some(ListSource::FromParent {
                    parent: "customer",
                    field: "sources",
                    ..
                })
            ),
            "{o}"
        );
    }
    // Without its parent in the run, a child is listed per parent.
    let alone = select(&BackfillRequest::objects(["tax_id"])).unwrap();
    assert!(matches!(
        source_of(tax_id, &alone),
        Some(ListSource::PerParent {
            parent: "customer",
            ..
        })
    ));
    // No cheaper source: one request per customer.
    assert!(matches!(
        source_of(resource("customer_balance_transaction").unwrap(), &all),
        Some(ListSource::PerParent {
            parent: "customer",
            ..
        })
    ));
    // A list embedded by default is read without asking.
    assert!(matches!(
        source_of(resource("subscription_item").unwrap(), &all),
        Some(ListSource::FromParent {
            parent: "subscription",
            field: "items",
            ..
        })
    ));
    // Subscriptions have their own list: the filtered customer.subscriptions is never asked for.
    let cus = expansions(resource("customer").unwrap(), &all);
    assert!(cus.contains(&("expand[]".to_string(), "data.tax_ids".to_string())));
    assert!(cus.contains(&("expand[]".to_string(), "data.sources".to_string())));
    assert!(!cus.iter().any(|(_, v)| v == "data.subscriptions"));
    assert_eq!(cus.len(), 2, "{cus:?}");
    // Default-embedded lists are never asked for; treasury entries cannot be.
    assert!(expansions(resource("invoice").unwrap(), &all)
        .iter()
        .all(|(_, v)| v != "data.lines"));
    assert!(expansions(resource("treasury.transaction").unwrap(), &all).is_empty());
    // One object down, and every parent that embeds a child.
    assert_eq!(
        expansions(resource("payment_intent").unwrap(), &all),
        [(
            "expand[]".to_string(),
            "data.amount_details.line_items".to_string()
        )]
    );
    assert_eq!(
        expansions(resource("checkout.session").unwrap(), &all),
        [("expand[]".to_string(), "data.line_items".to_string())]
    );
}

#[test]
fn pages_are_estimated_from_the_range_the_first_page_covered() {
    // The first page covered 10 of 1,000 seconds: about 99 more pages.
    assert_eq!(estimate_pages(Some(1_000), Some(990), Some(0)), Some(99));
    assert_eq!(estimate_pages(Some(1_000), Some(990), None), None);
    // All objects created at once still gives an answer.
    assert_eq!(estimate_pages(Some(500), Some(500), Some(400)), Some(100));
}

#[test]
fn permission_errors_are_not_permitted_missing_endpoints_skip_other_errors_fail() {
    let api = |status| {
        Error::Stripe(crate::client::ClientError::Api {
            path: "GET /v1/issuing/cards".into(),
            status,
            error_type: "invalid_request_error".into(),
            code: None,
            message: "x".into(),
        })
    };
    assert_eq!(classify(&api(403)), ObjectStatus::NotPermitted);
    assert_eq!(classify(&api(404)), ObjectStatus::Skipped);
    assert_eq!(classify(&api(400)), ObjectStatus::Failed);
    assert_eq!(classify(&api(500)), ObjectStatus::Failed);
    assert_eq!(
        classify(&Error::InvalidPayload("x".into())),
        ObjectStatus::Failed
    );
}

#[test]
fn selection_is_in_backfill_order() {
    let sel = select(&BackfillRequest::objects([
        "subscription_items",
        "customer",
        "subscription",
    ]))
    .unwrap();
    let names: Vec<&str> = sel.iter().map(|r| r.object).collect();
    assert_eq!(names, vec!["customer", "subscription", "subscription_item"]);
    assert!(select(&BackfillRequest::objects(["nope"])).is_err());
    assert!(!select(&BackfillRequest::all()).unwrap().is_empty());
}
