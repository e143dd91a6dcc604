//! `echelon.http_request`: outbound HTTP for plugins granted `network`,
//! only to their `allowed_hosts`, with every redirect re-checked and the
//! request, response and time capped.
//!
//! Request (JSON): `{"method": "GET", "url": "https://api.example.com/x",
//! "headers": {"accept": "application/json"}, "body_base64": "..."}`
//! (`method` defaults to GET; `headers` and `body_base64` are optional).
//! Response (JSON): `{"status": 200, "headers": {...}, "body_base64": "..."}`.
//!
//! Proxies from the environment are not used: the allow-list is checked
//! against the host the request really connects to.

use std::collections::BTreeMap;
use std::time::Instant;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::builtins::PluginEnv;

/// An entry of `allowed_hosts`: an exact host, or `*.domain` for every
/// subdomain of `domain` (not `domain` itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPattern {
    host: String,
    wildcard: bool,
}

impl HostPattern {
    /// Parses `api.example.com`, `127.0.0.1`, `[::1]` or `*.example.com`.
    /// Schemes, ports, paths and other wildcards are refused.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        let p = pattern.trim().to_ascii_lowercase();
        let (wildcard, host) = match p.strip_prefix("*.") {
            Some(rest) => (true, rest.to_string()),
            None => (false, p.clone()),
        };
        let valid = !host.is_empty()
            && host.len() <= 253
            && (host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
                || (!wildcard && host.starts_with('[') && host.ends_with(']')))
            && !host.starts_with('.')
            && !host.ends_with('.');
        if !valid {
            return Err(format!(
                "allowed host `{pattern}` must be a host name (`api.example.com`, `127.0.0.1`) or `*.domain`, \
                 without scheme, port or path"
            ));
        }
        Ok(Self { host, wildcard })
    }

    /// Whether `host` (as in a URL, lower case) matches.
    pub fn matches(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        if self.wildcard {
            host.len() > self.host.len() + 1
                && host.ends_with(&self.host)
                && host.as_bytes()[host.len() - self.host.len() - 1] == b'.'
        } else {
            host == self.host
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    #[serde(default = "get")]
    method: String,
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body_base64: Option<String>,
}

fn get() -> String {
    "GET".into()
}

#[derive(Debug, Serialize)]
struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    body_base64: String,
}

/// Why a request did not complete.
pub(crate) enum NetError {
    /// The call's deadline passed while waiting.
    Deadline,
    /// Refused or failed, with the reason for the plugin author.
    Refused(String),
}

fn refused(m: impl Into<String>) -> NetError {
    NetError::Refused(m.into())
}

/// Checks `url` against the plugin's scheme and host rules.
fn check_url(env: &PluginEnv, url: &reqwest::Url) -> Result<(), NetError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refused(format!("`{url}`: only http and https URLs are allowed")));
    }
    let host = url
        .host_str()
        .ok_or_else(|| refused(format!("`{url}` has no host")))?;
    if env.allowed_hosts.is_empty() {
        return Err(refused(format!(
            "host `{host}` is not allowed: plugin `{}` has no allowed_hosts (add it to the manifest's \"allowed_hosts\")",
            env.module_id
        )));
    }
    if !env.allowed_hosts.iter().any(|p| p.matches(host)) {
        return Err(refused(format!(
            "host `{host}` is not in the allowed_hosts of plugin `{}`",
            env.module_id
        )));
    }
    Ok(())
}

/// Performs the request in `request` (JSON) for the plugin, before
/// `deadline`; returns the response as JSON.
pub(crate) async fn http_request(
    env: &PluginEnv,
    request: &[u8],
    deadline: Instant,
) -> Result<Vec<u8>, NetError> {
    let req: Request = serde_json::from_slice(request).map_err(|e| {
        refused(format!(
            "the request is not valid JSON of the form {{method,url,headers,body_base64}}: {e}"
        ))
    })?;
    let method = reqwest::Method::from_bytes(req.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| refused(format!("`{}` is not an HTTP method", req.method)))?;
    let mut url =
        reqwest::Url::parse(&req.url).map_err(|e| refused(format!("`{}` is not a URL: {e}", req.url)))?;
    let mut body = match &req.body_base64 {
        Some(b) => base64::engine::general_purpose::STANDARD
            .decode(b)
            .map_err(|e| refused(format!("body_base64 is not base64: {e}")))?,
        None => Vec::new(),
    };
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &req.headers {
        let n = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| refused(format!("`{name}` is not a valid header name")))?;
        let v = reqwest::header::HeaderValue::from_str(value)
            .map_err(|_| refused(format!("the value of header `{name}` is not valid")))?;
        headers.append(n, v);
    }
    let client = env
        .http
        .as_ref()
        .ok_or_else(|| refused("the runtime has no HTTP client"))?;
    let limits = &env.limits;
    let started = Instant::now();
    let mut method = method;
    let mut redirects = 0;
    let fut = async {
        loop {
            check_url(env, &url)?;
            let mut rb = client
                .request(method.clone(), url.clone())
                .headers(headers.clone());
            if !body.is_empty() {
                rb = rb.body(body.clone());
            }
            let mut resp = rb
                .send()
                .await
                .map_err(|e| refused(format!("request to `{url}` failed: {}", error_chain(&e))))?;
            let status = resp.status();
            if status.is_redirection() {
                if let Some(loc) = resp.headers().get(reqwest::header::LOCATION) {
                    redirects += 1;
                    if redirects > limits.max_http_redirects {
                        return Err(refused(format!(
                            "more than {} redirects from `{}`",
                            limits.max_http_redirects, req.url
                        )));
                    }
                    let loc = loc
                        .to_str()
                        .map_err(|_| refused("a redirect's Location is not text"))?;
                    url = url
                        .join(loc)
                        .map_err(|e| refused(format!("redirect to `{loc}` is not a URL: {e}")))?;
                    // 303 (and 301/302 for non-GET, as browsers do) become a
                    // GET without body; 307/308 keep method and body.
                    if status == reqwest::StatusCode::SEE_OTHER
                        || (matches!(status.as_u16(), 301 | 302) && method != reqwest::Method::HEAD)
                    {
                        method = reqwest::Method::GET;
                        body.clear();
                    }
                    continue;
                }
            }
            if resp
                .content_length()
                .is_some_and(|n| n > limits.max_http_response_bytes as u64)
            {
                return Err(refused(format!(
                    "the response from `{url}` is {} bytes; responses are limited to {} bytes",
                    resp.content_length().unwrap_or(0),
                    limits.max_http_response_bytes
                )));
            }
            let mut data = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| {
                refused(format!(
                    "reading the response from `{url}` failed: {}",
                    error_chain(&e)
                ))
            })? {
                if data.len() + chunk.len() > limits.max_http_response_bytes {
                    return Err(refused(format!(
                        "the response from `{url}` is over {} bytes, the response limit",
                        limits.max_http_response_bytes
                    )));
                }
                data.extend_from_slice(&chunk);
            }
            let mut out_headers = BTreeMap::new();
            for (k, v) in resp.headers() {
                let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
                out_headers
                    .entry(k.as_str().to_string())
                    .and_modify(|e: &mut String| {
                        e.push_str(", ");
                        e.push_str(&v);
                    })
                    .or_insert(v);
            }
            let response = Response {
                status: status.as_u16(),
                headers: out_headers,
                body_base64: base64::engine::general_purpose::STANDARD.encode(&data),
            };
            return serde_json::to_vec(&response)
                .map_err(|e| refused(format!("cannot encode the response: {e}")));
        }
    };
    let own_deadline = started + limits.http_timeout;
    let until = own_deadline.min(deadline);
    match tokio::time::timeout_at(until.into(), fut).await {
        Ok(r) => r,
        Err(_) if until == deadline => Err(NetError::Deadline),
        Err(_) => Err(refused(format!(
            "the request to `{}` took longer than {} ms",
            req.url,
            limits.http_timeout.as_millis()
        ))),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

/// The client every plugin's requests go through: no automatic redirects
/// (they are followed and re-checked by hand), no proxies.
pub(crate) fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("echelon/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

#[cfg(test)]
mod tests {
    use super::HostPattern;

    #[test]
    fn host_patterns() {
        let exact = HostPattern::parse("API.example.com").unwrap();
        assert!(exact.matches("api.example.com"));
        assert!(!exact.matches("x.api.example.com"));
        assert!(!exact.matches("example.com"));
        let wild = HostPattern::parse("*.example.com").unwrap();
        assert!(wild.matches("a.example.com"));
        assert!(wild.matches("a.b.example.com"));
        assert!(!wild.matches("example.com"));
        assert!(!wild.matches("badexample.com"));
        for bad in ["https://x.com", "x.com:80", "x.com/p", "*", "*.", "a*.b", ""] {
            assert!(HostPattern::parse(bad).is_err(), "{bad}");
        }
    }
}
