//! The one HTTP/1.1 test server: on 127.0.0.1, written on std's `TcpListener` so that it can
//! also misbehave: stall, trickle, cut a body short, send bytes that are not UTF-8 or not HTTP
//! at all. It records every request it reads, and stops when dropped.
//!
//! Test code only: the executor's unit tests use it as `exec::http::test_server`, and the
//! integration tests include this same file (`tests/integration/server.rs`), where a router of
//! scripted, stateful routes is built on it.

// Each of the two users takes part of it: the executor's tests the ways to misbehave, the
// router the paths and queries.
#![allow(dead_code)]
// Its items are `pub` for the integration tests, which include it as a module of their own.
#![allow(unreachable_pub)]

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When it was read.
    pub at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The target's path, without the query string.
    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(&self.target, |(path, _)| path)
    }

    /// The query string, without `?` (empty when there is none).
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, query)| query)
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A normal response, with `Content-Length` and `Connection: close` added.
    Response {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// These bytes as they are, then the connection is closed.
    Raw(Vec<u8>),
    /// Nothing at all for this long, then the connection is closed.
    Stall(Duration),
    /// A 200 response whose body of `total` bytes (`Content-Length` said) comes in pieces of
    /// `chunk` bytes, `delay` apart.
    Trickle {
        total: usize,
        chunk: usize,
        delay: Duration,
    },
    /// A 200 response with no `Content-Length`, whose body runs to `total` bytes.
    Endless { total: usize },
    /// Nothing for this long, then the reply.
    Delayed(Duration, Box<Reply>),
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Self::Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn json(status: u16, body: &str) -> Self {
        Self::status(status)
            .header("Content-Type", "application/json")
            .body(body)
    }

    pub fn text(status: u16, body: &str) -> Self {
        Self::status(status)
            .header("Content-Type", "text/plain")
            .body(body)
    }

    pub fn redirect(status: u16, location: &str) -> Self {
        Self::status(status).header("Location", location)
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Self::Response { headers, .. } = &mut self {
            headers.push((name.to_string(), value.to_string()));
        }
        self
    }

    pub fn body(mut self, text: impl AsRef<[u8]>) -> Self {
        if let Self::Response { body, .. } = &mut self {
            *body = text.as_ref().to_vec();
        }
        self
    }

    /// This reply, after `delay` of silence.
    pub fn delay(self, delay: Duration) -> Self {
        Self::Delayed(delay, Box::new(self))
    }
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

/// A running server. Its handler gets each request and how many came before it.
pub struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a test port");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let count = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (requests, stop) = (requests.clone(), stop.clone());
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (handler, requests, stop, count) = (
                        handler.clone(),
                        requests.clone(),
                        stop.clone(),
                        count.clone(),
                    );
                    thread::spawn(move || {
                        serve(stream, &*handler, &requests, &stop, &count);
                    });
                }
            })
        };
        Self {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    /// A server that answers every request the same way.
    pub fn always(reply: impl Fn() -> Reply + Send + Sync + 'static) -> Self {
        Self::start(move |_, _| reply())
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// An address on which nothing listens: connecting to it is refused.
pub fn refused_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a test port");
    listener.local_addr().expect("local address")
}

fn serve(
    stream: TcpStream,
    handler: &Handler,
    requests: &Mutex<Vec<Request>>,
    stop: &AtomicBool,
    count: &AtomicUsize,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    if stop.load(Ordering::SeqCst) {
        return;
    }
    let n = count.fetch_add(1, Ordering::SeqCst);
    requests
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(request.clone());
    let reply = handler(&request, n);
    let _ = write_reply(stream, reply, stop);
}

fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        target,
        headers,
        body,
        at: Instant::now(),
    })
}

fn write_reply(mut stream: TcpStream, reply: Reply, stop: &AtomicBool) -> std::io::Result<()> {
    match reply {
        Reply::Response {
            status,
            headers,
            body,
        } => {
            let mut head = format!("HTTP/1.1 {status} {}\r\n", reason_phrase(status));
            for (name, value) in &headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            stream.write_all(head.as_bytes())?;
            stream.write_all(&body)?;
        }
        Reply::Raw(bytes) => stream.write_all(&bytes)?,
        Reply::Delayed(delay, reply) => {
            sleep_unless_stopped(delay, stop);
            if stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            return write_reply(stream, *reply, stop);
        }
        Reply::Stall(duration) => sleep_unless_stopped(duration, stop),
        Reply::Trickle {
            total,
            chunk,
            delay,
        } => {
            let head =
                format!("HTTP/1.1 200 OK\r\nContent-Length: {total}\r\nConnection: close\r\n\r\n");
            stream.write_all(head.as_bytes())?;
            let mut sent = 0;
            while sent < total && !stop.load(Ordering::SeqCst) {
                let n = chunk.min(total - sent);
                stream.write_all(&vec![b'x'; n])?;
                stream.flush()?;
                sent += n;
                sleep_unless_stopped(delay, stop);
            }
        }
        Reply::Endless { total } => {
            stream.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")?;
            let piece = vec![b'y'; 64 * 1024];
            let mut sent = 0;
            while sent < total && !stop.load(Ordering::SeqCst) {
                stream.write_all(&piece)?;
                sent += piece.len();
            }
        }
    }
    stream.flush()?;
    stream.shutdown(Shutdown::Write)
}

fn sleep_unless_stopped(duration: Duration, stop: &AtomicBool) {
    let end = Instant::now() + duration;
    while Instant::now() < end && !stop.load(Ordering::SeqCst) {
        thread::sleep(Duration::from_millis(10));
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}
