//! `https` checks against a TLS server on 127.0.0.1 with a certificate made for the test:
//! the handshake succeeds when the machine trusts the certificate (`SSL_CERT_FILE`), and each
//! way a certificate is refused has a reason a learner can act on.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::harness::Test;

/// Serves `200 ok` over TLS with `cert` until the test process ends.
fn serve(cert: &rcgen::CertifiedKey<rcgen::KeyPair>) -> SocketAddr {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(vec![cert.cert.der().clone()], key)
    .expect("a server certificate");
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").expect("a test port");
    let addr = listener.local_addr().expect("its address");
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = Arc::clone(&config);
            thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let Ok(connection) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = BufReader::new(rustls::StreamOwned::new(connection, stream));
                let mut line = String::new();
                // The request head, up to its blank line; a refused handshake ends it early.
                while tls.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    line.clear();
                }
                let _ = tls.get_mut().write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                );
                let _ = tls.get_mut().flush();
            });
        }
    });
    addr
}

fn lesson(url: &str) -> String {
    format!(
        "---\nid: tls\n---\n# TLS\n\n## Secure {{#secure}}\n\n```http {{check}}\nGET {url}\nHTTP 200\n[Asserts]\nbody == \"ok\"\n```\n"
    )
}

/// `labrun check` of a lesson that GETs `url`, trusting the certificates in `trusted` when
/// given; its output.
fn check(url: &str, trusted: Option<&str>) -> String {
    let mut test = Test::new()
        .file("tls.md", &lesson(url))
        .args(["check", "--yes", "tls.md"])
        .timeout(Duration::from_secs(30));
    if let Some(pem) = trusted {
        test = test.file("trusted.pem", pem);
        let path = test.path().join("trusted.pem");
        test = test.env("SSL_CERT_FILE", &path.display().to_string());
    }
    let out = test.run();
    format!("{}{}", out.stdout, out.stderr)
}

#[test]
fn an_https_check_passes_when_the_machine_trusts_the_certificate_and_says_why_when_not() {
    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a certificate");
    let pem = cert.cert.pem();
    let port = serve(&cert).port();
    let url = format!("https://localhost:{port}/");

    let trusted = check(&url, Some(&pem));
    assert!(trusted.contains("  ok        secure"), "{trusted}");

    let unknown = check(&url, None);
    assert!(unknown.contains("  FAIL      secure"), "{unknown}");
    assert!(
        unknown.contains(&format!(
            "TLS handshake with localhost:{port} failed: the server's certificate is signed by \
             an authority this machine does not trust"
        )),
        "{unknown}"
    );

    let wrong_name = check(&format!("https://127.0.0.1:{port}/"), Some(&pem));
    assert!(
        wrong_name.contains("the server's certificate is not valid for the host `127.0.0.1`"),
        "{wrong_name}"
    );
}

#[test]
fn an_expired_certificate_is_named_as_such() {
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("certificate params");
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    let signing_key = rcgen::KeyPair::generate().expect("a key pair");
    let cert = rcgen::CertifiedKey {
        cert: params.self_signed(&signing_key).expect("a certificate"),
        signing_key,
    };
    let port = serve(&cert).port();
    let out = check(
        &format!("https://localhost:{port}/"),
        Some(&cert.cert.pem()),
    );
    assert!(
        out.contains("the server's certificate has expired (or this machine's clock is wrong)"),
        "{out}"
    );
}
