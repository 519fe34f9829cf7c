//! Stripe-shaped errors: `{"error": {"type", "code", "message", "param"}}`.

use serde_json::json;

/// An error the API answers with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Stripe's error `type` (`invalid_request_error`, `api_error`, …).
    pub kind: &'static str,
    /// Stripe's error `code`.
    pub code: &'static str,
    /// A human message.
    pub message: String,
    /// The offending parameter.
    pub param: Option<String>,
}

impl ApiError {
    /// A 400 `invalid_request_error`.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status: 400,
            kind: "invalid_request_error",
            code,
            message: message.into(),
            param: None,
        }
    }

    /// A 404 `resource_missing` for `object` `id`.
    pub fn no_such(object: &str, id: &str) -> Self {
        ApiError {
            status: 404,
            kind: "invalid_request_error",
            code: "resource_missing",
            message: format!("No such {object}: '{id}'"),
            param: Some("id".into()),
        }
    }

    /// A 400 for a missing required parameter.
    pub fn missing(param: &str) -> Self {
        ApiError::invalid(
            "parameter_missing",
            format!("Missing required param: {param}."),
        )
        .with_param(param)
    }

    /// A 400 for a parameter with a bad value.
    pub fn bad_param(param: &str, message: impl Into<String>) -> Self {
        ApiError::invalid("parameter_invalid", message).with_param(param)
    }

    /// A 404 for a URL no route serves.
    pub fn unrecognized(method: &str, path: &str) -> Self {
        ApiError {
            status: 404,
            kind: "invalid_request_error",
            code: "resource_missing",
            message: format!("Unrecognized request URL ({method}: {path})."),
            param: None,
        }
    }

    /// Sets the parameter (a cursor that is not found is a 400, not a 404).
    pub fn with_param(mut self, param: &str) -> Self {
        if param == "starting_after" || param == "ending_before" {
            self.status = 400;
        }
        self.param = Some(param.to_string());
        self
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        let mut e = json!({"type": self.kind, "code": self.code, "message": self.message});
        if let Some(p) = &self.param {
            e["param"] = json!(p);
        }
        json!({ "error": e }).to_string()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}
