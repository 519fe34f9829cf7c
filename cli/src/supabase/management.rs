//! Supabase's Management API, for `supabase install --token --project`:
//! the function's secret and its deployment, as `supabase secrets set` and
//! `supabase functions deploy` make them.

use super::Function;
use crate::options::{CliError, CliResult};

/// Supabase's Management API, for one project: the function's secret and
/// its deployment, as `supabase secrets set` and `supabase functions
/// deploy` make them. The token is sent as a bearer token and never printed.
pub(super) struct ManagementApi {
    http: reqwest::Client,
    base: String,
    token: String,
    project: String,
    /// The function deployed.
    function: Function,
}

impl ManagementApi {
    pub(super) fn new(
        base: &str,
        token: &str,
        project: &str,
        function: &Function,
    ) -> CliResult<Self> {
        if project.is_empty() || !project.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(CliError::usage(format!(
                "--project {project:?} is not a project ref: the <ref> of https://<ref>.supabase.co"
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .map_err(|e| CliError::failed(format!("cannot build an HTTP client: {e}")))?;
        Ok(ManagementApi {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            project: project.to_string(),
            function: function.clone(),
        })
    }

    /// `POST /v1/projects/{ref}/secrets`: sets `name` to `value`.
    pub(super) async fn set_secret(&self, name: &str, value: &str) -> CliResult {
        let url = format!("{}/v1/projects/{}/secrets", self.base, self.project);
        let body = serde_json::json!([{ "name": name, "value": value }]);
        let r = self
            .http
            .post(&url)
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await;
        self.answer("set the function's secret", r)
            .await
            .map(|_| ())
    }

    /// `POST /v1/projects/{ref}/functions/deploy?slug=stripe-webhook`: the
    /// function's source, with JWT verification off. Its version, when said.
    pub(super) async fn deploy_function(&self) -> CliResult<Option<i64>> {
        let f = &self.function;
        let url = format!(
            "{}/v1/projects/{}/functions/deploy?slug={}",
            self.base, self.project, f.name
        );
        let metadata = serde_json::json!({
            "name": f.name, "entrypoint_path": "index.ts", "verify_jwt": false,
        });
        let part = |bytes: Vec<u8>, mime: &str| {
            reqwest::multipart::Part::bytes(bytes)
                .mime_str(mime)
                .map_err(|e| CliError::failed(format!("internal error: {e}")))
        };
        let form = reqwest::multipart::Form::new()
            .part(
                "metadata",
                part(metadata.to_string().into_bytes(), "application/json")?,
            )
            .part(
                "file",
                part(f.source.as_bytes().to_vec(), "application/typescript")?.file_name("index.ts"),
            );
        let r = self
            .http
            .post(&url)
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await;
        let v = self.answer("deploy the function", r).await?;
        Ok(v.get("version").and_then(serde_json::Value::as_i64))
    }

    /// The answer's JSON, or an error saying what failed and how to fix it.
    async fn answer(
        &self,
        what: &str,
        r: reqwest::Result<reqwest::Response>,
    ) -> CliResult<serde_json::Value> {
        let host = reqwest::Url::parse(&self.base)
            .ok()
            .and_then(|u| u.host_str().map(String::from))
            .unwrap_or_else(|| self.base.clone());
        let r = r.map_err(|e| {
            CliError::failed(format!(
                "cannot {what}: could not reach {host} ({}); the function and its .env are written: \
                 run `supabase secrets set --env-file {}` and `supabase functions deploy {} --no-verify-jwt`",
                e.without_url(),
                self.function.env_file(),
                self.function.name
            ))
        })?;
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(CliError::failed(format!(
                "cannot {what}: {host} refused the access token for project {} ({status}); \
                 create one at https://supabase.com/dashboard/account/tokens",
                self.project
            )));
        }
        if !status.is_success() {
            let said: String = text.chars().take(300).collect();
            return Err(CliError::failed(format!(
                "cannot {what}: {host} answered {status} for project {}: {said}",
                self.project
            )));
        }
        Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }
}
