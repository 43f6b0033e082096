//! Sending one prepared request: redirects followed by hand, the body read up to a bound,
//! transport errors worded for a learner.
//!
//! reqwest's own redirect policy drops `Authorization` and `Cookie` on the way to another
//! origin, but it forwards every other header, a secret-bearing `X-Api-Key` included, and adds
//! a `Referer` holding the first URL (query string and all). It cannot be told per request
//! which headers are sensitive, so the client is built with `Policy::none()` and [`send`]
//! follows redirects itself.

use std::cell::Cell;
use std::error::Error as _;
use std::io;

use reqwest::header::{CONTENT_TYPE, HeaderMap, LOCATION};
use reqwest::{Client, Method, StatusCode, Url};

use super::request::Prepared;

/// Redirects followed for one request: `hurl --location`'s limit (its `--max-redirs`
/// default), so a chain hurl follows, labrun follows.
pub(super) const MAX_REDIRECTS: usize = 50;

/// A response read whole.
#[derive(Debug)]
pub(super) struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Set when a redirect led somewhere else.
    pub redirected_to: Option<Url>,
    /// From sending the request to the end of the response's body (Hurl's `duration`).
    pub elapsed: std::time::Duration,
}

/// Sends `request`, following redirects, and reads at most `max_body` bytes of body.
/// `status_seen` is set once a final status line has arrived, so that a timeout can tell a
/// server that never answered from one whose body is slow. The error is a sentence for the
/// learner.
pub(super) async fn send(
    client: &Client,
    request: &Prepared,
    max_body: usize,
    status_seen: &Cell<Option<StatusCode>>,
) -> Result<Response, String> {
    let mut url = request.url.clone();
    let mut method = request.method.clone();
    let mut body = request.body.clone();
    let mut crossed = false;
    let mut redirects = 0;
    let started = std::time::Instant::now();
    loop {
        let mut builder = client.request(method.clone(), url.clone());
        for header in &request.headers {
            // A redirect that turned the request into a bodiless GET drops its content type; a
            // request written without a body keeps the headers it was written with.
            let dropped_body =
                request.body.is_some() && body.is_none() && header.name == CONTENT_TYPE;
            if !(dropped_body || (crossed && header.sensitive)) {
                builder = builder.header(header.name.clone(), header.value.clone());
            }
        }
        if let Some(bytes) = &body {
            builder = builder.body(bytes.clone());
        }
        let mut response = builder.send().await.map_err(|e| describe(&e, &url))?;
        let status = response.status();
        if let Some(next) = redirect_target(&response, &url)? {
            redirects += 1;
            if redirects > MAX_REDIRECTS {
                return Err(format!(
                    "too many redirects (more than {MAX_REDIRECTS}); the last one was to {next}"
                ));
            }
            crossed |= origin(&next) != origin(&request.url);
            // As curl and browsers do: a 303 always, and a 301 or 302 after a POST, turn into
            // a GET without body; a 307 or 308 repeats the request as it was.
            let to_get = (status == StatusCode::SEE_OTHER && method != Method::HEAD)
                || (matches!(status.as_u16(), 301 | 302) && method == Method::POST);
            if to_get {
                method = Method::GET;
                body = None;
            }
            url = next;
            continue;
        }
        status_seen.set(Some(status));
        let redirected_to = (redirects > 0).then(|| url.clone());
        let body = read_body(&mut response, max_body, &url).await?;
        return Ok(Response {
            status,
            headers: response.headers().clone(),
            body,
            redirected_to,
            elapsed: started.elapsed(),
        });
    }
}

/// Where a 301, 302, 303, 307 or 308 response leads, resolved against `url`.
fn redirect_target(response: &reqwest::Response, url: &Url) -> Result<Option<Url>, String> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return Ok(None);
    }
    let Some(location) = response.headers().get(LOCATION) else {
        return Ok(None);
    };
    let location = String::from_utf8_lossy(location.as_bytes());
    let next = url
        .join(&location)
        .map_err(|e| format!("redirect to an invalid location `{location}`: {e}"))?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(format!("redirect to `{next}`, which is not http or https"));
    }
    Ok(Some(next))
}

fn origin(url: &Url) -> (&str, Option<&str>, Option<u16>) {
    (url.scheme(), url.host_str(), url.port_or_known_default())
}

async fn read_body(
    response: &mut reqwest::Response,
    max_body: usize,
    url: &Url,
) -> Result<Vec<u8>, String> {
    let too_large = || format!("response body larger than {}", bytes(max_body));
    // hyper's size of the body to come, not the header: a HEAD response declares the length
    // of a body it does not send.
    let expected = response.content_length();
    if expected.is_some_and(|n| n > max_body as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() > max_body => return Err(too_large()),
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => return Ok(body),
            Err(e) => return Err(broke_off(&e, url, body.len(), expected)),
        }
    }
}

/// A body that stopped coming after `got` bytes (of `expected`, when the response said), as a
/// learner should read it: who ended it and how far it got, not the OS's wording.
fn broke_off(error: &reqwest::Error, url: &Url, got: usize, expected: Option<u64>) -> String {
    let target = target(url);
    let so_far = match expected {
        Some(total) => format!("{got} of {total} bytes"),
        None => bytes(got),
    };
    match io_kind(error) {
        Some(io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted) => {
            format!("{target} reset the connection after {so_far} of the response body")
        }
        Some(io::ErrorKind::UnexpectedEof) => {
            format!("{target} closed the connection after {so_far} of the response body")
        }
        _ if sources(error).any(|e| e.to_string().contains("end of file")) => {
            format!("{target} closed the connection after {so_far} of the response body")
        }
        _ => format!(
            "connection to {target} broke off after {so_far} of the response body: {}",
            deepest(error)
        ),
    }
}

fn io_kind(error: &reqwest::Error) -> Option<io::ErrorKind> {
    sources(error).find_map(|e| e.downcast_ref::<io::Error>().map(io::Error::kind))
}

/// A transport error as a learner should read it.
fn describe(error: &reqwest::Error, url: &Url) -> String {
    let target = target(url);
    let io_kind = io_kind(error);
    let text = sources(error)
        .map(|e| e.to_string().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" / ");
    let cause = deepest(error);
    match io_kind {
        Some(io::ErrorKind::ConnectionRefused) => {
            return format!("cannot connect to {target}: connection refused");
        }
        Some(io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted) => {
            return format!("connection to {target} was reset before a response came");
        }
        _ => {}
    }
    if text.contains("dns error") {
        let host = url.host_str().unwrap_or_default();
        format!("cannot resolve host `{host}`: {cause}")
    } else if let Some(refused) = refused_certificate(error, url) {
        format!("TLS handshake with {target} failed: {refused}")
    } else if is_tls(error, url, &text) {
        format!("TLS handshake with {target} failed: {cause}")
    } else if text.contains("closed before message completed") {
        format!("{target} closed the connection without a response")
    } else if error.is_connect() {
        format!("cannot connect to {target}: {cause}")
    } else {
        format!("request to {target} failed: {cause}")
    }
}

/// Why the server's certificate was refused, in words a learner can act on; `None` when the
/// error is not a refused certificate. rustls's error sits inside `io::Error`s (two, with
/// hyper-rustls), whose `source` skips what they wrap: it is looked for with `get_ref`.
fn refused_certificate(error: &reqwest::Error, url: &Url) -> Option<String> {
    use rustls::CertificateError as Cert;
    let rustls = sources(error).find_map(|e| {
        let mut inner = e.downcast_ref::<io::Error>()?.get_ref()?;
        loop {
            if let Some(rustls) = inner.downcast_ref::<rustls::Error>() {
                return Some(rustls);
            }
            inner = inner.downcast_ref::<io::Error>()?.get_ref()?;
        }
    });
    let Some(rustls::Error::InvalidCertificate(refused)) = rustls else {
        return None;
    };
    let host = url.host_str().unwrap_or_default();
    Some(match refused {
        Cert::UnknownIssuer => "the server's certificate is signed by an authority this machine \
             does not trust (to trust a private CA, set SSL_CERT_FILE to a PEM bundle of the \
             system's certificates and yours)"
            .to_owned(),
        Cert::Expired | Cert::ExpiredContext { .. } => {
            "the server's certificate has expired (or this machine's clock is wrong)".to_owned()
        }
        Cert::NotValidYet | Cert::NotValidYetContext { .. } => {
            "the server's certificate is not valid yet (or this machine's clock is wrong)"
                .to_owned()
        }
        Cert::NotValidForName | Cert::NotValidForNameContext { .. } => {
            format!("the server's certificate is not valid for the host `{host}`")
        }
        Cert::Revoked => "the server's certificate has been revoked".to_owned(),
        other if format!("{other:?}").contains("CaUsedAsEndEntity") => {
            "the server's certificate is self-signed, and this machine does not trust \
             it (to trust it, set SSL_CERT_FILE to a PEM bundle of the system's certificates and \
             it)"
            .to_owned()
        }
        other => format!(
            "the server's certificate was refused: {}",
            rustls::Error::InvalidCertificate(other.clone())
        ),
    })
}

/// hyper-util names TCP failures `tcp connect error`; any other failure to connect to an
/// https URL happened in the TLS handshake (a certificate refused, a server that does not
/// speak TLS). rustls's own messages are matched too, for errors after connecting.
fn is_tls(error: &reqwest::Error, url: &Url, text: &str) -> bool {
    let in_handshake =
        error.is_connect() && url.scheme() == "https" && !text.contains("tcp connect error");
    in_handshake || text.contains("certificate") || text.contains("tls handshake")
}

fn sources(error: &reqwest::Error) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
    std::iter::successors(error.source(), |&e| e.source())
}

/// The innermost message of an error's chain: the most precise one.
fn deepest(error: &reqwest::Error) -> String {
    sources(error)
        .last()
        .map_or_else(|| error.to_string(), |e| e.to_string())
}

/// `host:port`, as connection errors name a server.
pub(super) fn target(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// A byte count for people: `10 MiB`, `64 KiB`, `300 bytes`.
pub(super) fn bytes(n: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    match n {
        1 => "1 byte".to_string(),
        _ if n >= MIB && n.is_multiple_of(MIB) => format!("{} MiB", n / MIB),
        _ if n >= KIB && n.is_multiple_of(KIB) => format!("{} KiB", n / KIB),
        _ => format!("{n} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_read_naturally() {
        assert_eq!(bytes(10 * 1024 * 1024), "10 MiB");
        assert_eq!(bytes(64 * 1024), "64 KiB");
        assert_eq!(bytes(300), "300 bytes");
        assert_eq!(bytes(1), "1 byte");
    }

    #[test]
    fn origins_differ_by_scheme_host_or_port() {
        let a = Url::parse("https://a.example/x").unwrap();
        let same = Url::parse("https://a.example:443/y?z").unwrap();
        assert_eq!(origin(&a), origin(&same));
        for other in [
            "http://a.example/x",
            "https://b.example/x",
            "https://a.example:8443/x",
        ] {
            assert_ne!(origin(&a), origin(&Url::parse(other).unwrap()), "{other}");
        }
    }
}
