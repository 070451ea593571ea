//! Who may talk to the server: the checks every request passes before any
//! route sees it.
//!
//! The workbench holds confidential assessments, and the threat it must close
//! is a web page in the analyst's own browser (or another local user) reaching
//! loopback. So, in this order:
//!
//! 1. **Host** must be one of the names the server answers to (the bound
//!    address, `localhost`, `127.0.0.1`, `[::1]`, plus `--allow-host` names),
//!    with the bound port. A DNS-rebinding page sends its own name and gets 403.
//! 2. **Origin**, when a browser sends one, must be the server's own
//!    (`http://` + the Host it sent). A cross-site `fetch` or form gets 403.
//! 3. **POST** needs `Content-Type: application/json`: that is not a "simple"
//!    CORS type, so a cross-site request must be preflighted, and the
//!    preflight (OPTIONS with a foreign Origin) is refused by rule 2.
//! 4. **The access token**, when the server has one (always with `--public`;
//!    on loopback unless `--no-token`): `Authorization: Bearer`,
//!    `X-Demarche-Token`, `?token=` or the `HttpOnly`, `SameSite=Strict` cookie
//!    the page gets when it is first opened with `?token=`.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::Shared;
use crate::error::ApiError;

/// The `Host` values the server answers to, lower-case, with and without port
/// where that is how a browser would send them.
#[derive(Clone, Debug, Default)]
pub struct HostAllowList {
    /// `None`: any Host (a public server without `--allow-host`; the token
    /// then guards every request).
    allowed: Option<Vec<String>>,
}

impl HostAllowList {
    /// The names a server bound to `addr` answers to, plus `extra`.
    pub fn new(addr: std::net::SocketAddr, public: bool, extra: &[String]) -> Self {
        if public && extra.is_empty() {
            return HostAllowList { allowed: None };
        }
        let port = addr.port();
        let mut names: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()];
        if !addr.ip().is_unspecified() {
            names.push(match addr.ip() {
                std::net::IpAddr::V6(ip) => format!("[{ip}]"),
                ip => ip.to_string(),
            });
        }
        names.extend(extra.iter().map(|n| n.trim().to_ascii_lowercase()));
        let mut allowed = Vec::new();
        for n in names {
            allowed.push(format!("{n}:{port}"));
            if port == 80 {
                allowed.push(n);
            }
        }
        HostAllowList { allowed: Some(allowed) }
    }

    pub fn allows(&self, host: &str) -> bool {
        match &self.allowed {
            None => true,
            Some(list) => {
                let host = host.trim().to_ascii_lowercase();
                list.contains(&host)
            }
        }
    }
}

/// The name of the session cookie: per port, because browsers share cookies
/// between every port of a host.
pub fn cookie_name(port: u16) -> String {
    format!("demarche-{port}")
}

/// Every request passes here first; see the module docs for the rules.
pub async fn guard(State(st): State<Shared>, req: Request, next: Next) -> Response {
    if let Err(e) = check(&st, &req) {
        return secure_headers(e.into_response());
    }
    let set_cookie = st.config.token.as_deref().and_then(|token| {
        // The page opened with ?token=: keep it in a cookie so the page can clean
        // its URL and links (reports) work without the token in them.
        (req.method() == Method::GET && query_token(&req).is_some_and(|t| constant_time_eq(t, token)))
            .then(|| format!("{}={token}; HttpOnly; SameSite=Strict; Path=/", cookie_name(st.bound.port())))
    });
    let mut res = next.run(req).await;
    if let Some(c) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().insert(header::SET_COOKIE, c);
    }
    secure_headers(res)
}

fn secure_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}

fn check(st: &crate::api::AppState, req: &Request) -> Result<(), ApiError> {
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    if host.is_empty() {
        return Err(ApiError::bad_request("the request has no Host header"));
    }
    if !st.hosts.allows(host) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "this server does not answer to the name `{}`; open it as http://127.0.0.1:{}/ or start it with \
                 --allow-host NAME",
                truncate(host),
                st.bound.port()
            ),
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let own = format!("http://{host}");
        let same = origin.to_str().is_ok_and(|o| o.eq_ignore_ascii_case(&own));
        if !same {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "cross-origin requests are refused: only the workbench's own page may call this API",
            ));
        }
    }
    if req.method() == Method::POST && !is_json(headers) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the body as JSON with `Content-Type: application/json`",
        ));
    }
    if let Some(token) = &st.config.token {
        if !has_token(req, token, &cookie_name(st.bound.port())) {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "this server requires its access token: open the URL `demarche serve` printed (it carries \
                 ?token=…), or send `Authorization: Bearer TOKEN`",
            ));
        }
    }
    Ok(())
}

fn truncate(s: &str) -> &str {
    match s.char_indices().nth(80) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

fn query_token(req: &Request) -> Option<&str> {
    req.uri().query().unwrap_or("").split('&').find_map(|kv| kv.strip_prefix("token="))
}

fn has_token(req: &Request, token: &str, cookie: &str) -> bool {
    let eq = |given: &str| constant_time_eq(given, token);
    let headers = req.headers();
    if let Some(v) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        if v.strip_prefix("Bearer ").is_some_and(eq) {
            return true;
        }
    }
    if headers.get("x-demarche-token").and_then(|v| v.to_str().ok()).is_some_and(eq) {
        return true;
    }
    let from_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(';').filter_map(|kv| kv.trim().split_once('=')).any(|(k, v)| k == cookie && eq(v)));
    from_cookie || query_token(req).is_some_and(eq)
}

/// Compare without leaking, through timing, how much of the token matched.
fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_the_bound_names_with_the_port() {
        let l = HostAllowList::new("127.0.0.1:8470".parse().unwrap(), false, &["Workbench.Lan".into()]);
        for ok in ["127.0.0.1:8470", "localhost:8470", "LOCALHOST:8470", "[::1]:8470", "workbench.lan:8470"] {
            assert!(l.allows(ok), "{ok}");
        }
        for bad in ["evil.example", "evil.example:8470", "127.0.0.1:8471", "localhost", "127.0.0.1.evil:8470"] {
            assert!(!l.allows(bad), "{bad}");
        }
        let public = HostAllowList::new("0.0.0.0:8470".parse().unwrap(), true, &[]);
        assert!(public.allows("anything:1"), "a public server without --allow-host relies on its token");
        let port80 = HostAllowList::new("127.0.0.1:80".parse().unwrap(), false, &[]);
        assert!(port80.allows("localhost") && port80.allows("localhost:80"));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
