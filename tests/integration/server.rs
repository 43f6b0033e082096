//! A small stateful HTTP/1.1 server on 127.0.0.1 for the session tests, on std's
//! `TcpListener`: each path answers with a scripted reply (status, headers, body, delay), and
//! a reply may depend on the server's state — a flag a request turns on, a file the learner's
//! command creates, how many requests came before, how long ago the route was set. It records
//! every request, and stops when dropped.
//!
//! ```ignore
//! let server = Server::start();
//! server.switch("/namespaces", "created", Reply::json(200, r#"["ns"]"#), Reply::json(200, "[]"));
//! server.setter("/create", "created", Reply::status(201));
//! server.url("/namespaces") // http://127.0.0.1:PORT/namespaces
//! ```

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The query string, without `?` (empty when there is none).
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    /// Wait this long before answering at all.
    delay: Duration,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: String::new(),
            delay: Duration::ZERO,
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

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn body(mut self, body: &str) -> Self {
        self.body = body.to_owned();
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// What a route sees besides the request: the server's flags, and how many requests reached
/// this path, this one included.
pub struct Context<'a> {
    shared: &'a Shared,
    pub hit: usize,
}

impl Context<'_> {
    pub fn flag(&self, name: &str) -> bool {
        self.shared.flag(name)
    }

    pub fn set_flag(&self, name: &str, on: bool) {
        self.shared.set_flag(name, on);
    }
}

type Route = dyn Fn(&Request, &Context<'_>) -> Reply + Send + Sync;

#[derive(Default)]
struct Shared {
    routes: Mutex<HashMap<String, Arc<Route>>>,
    hits: Mutex<HashMap<String, usize>>,
    flags: Mutex<HashSet<String>>,
    requests: Mutex<Vec<Request>>,
    stop: AtomicBool,
}

impl Shared {
    fn flag(&self, name: &str) -> bool {
        lock(&self.flags).contains(name)
    }

    fn set_flag(&self, name: &str, on: bool) {
        let mut flags = lock(&self.flags);
        if on {
            flags.insert(name.to_owned());
        } else {
            flags.remove(name);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server with no routes: every path answers 404 until given one.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a test port");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared::default());
        let thread = {
            let shared = Arc::clone(&shared);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if shared.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let shared = Arc::clone(&shared);
                    thread::spawn(move || serve(stream, &shared));
                }
            })
        };
        Self {
            addr,
            shared,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `path` answers with what `route` returns.
    pub fn route_with(
        &self,
        path: &str,
        route: impl Fn(&Request, &Context<'_>) -> Reply + Send + Sync + 'static,
    ) -> &Self {
        lock(&self.shared.routes).insert(path.to_owned(), Arc::new(route));
        self
    }

    /// `path` always answers `reply`.
    pub fn route(&self, path: &str, reply: Reply) -> &Self {
        self.route_with(path, move |_, _| reply.clone())
    }

    /// The n-th request to `path` gets the n-th reply; the last one repeats.
    pub fn sequence(&self, path: &str, replies: Vec<Reply>) -> &Self {
        assert!(!replies.is_empty(), "a sequence needs a reply");
        self.route_with(path, move |_, context| {
            replies[(context.hit - 1).min(replies.len() - 1)].clone()
        })
    }

    /// `path` answers `on` while `flag` is on, `off` before.
    pub fn switch(&self, path: &str, flag: &str, on: Reply, off: Reply) -> &Self {
        let flag = flag.to_owned();
        self.route_with(path, move |_, context| {
            if context.flag(&flag) {
                on.clone()
            } else {
                off.clone()
            }
        })
    }

    /// A request to `path` turns `flag` on, and gets `reply`: the learner's action.
    pub fn setter(&self, path: &str, flag: &str, reply: Reply) -> &Self {
        let flag = flag.to_owned();
        self.route_with(path, move |_, context| {
            context.set_flag(&flag, true);
            reply.clone()
        })
    }

    /// `path` answers `on` once `file` exists, `off` before: state a shell command changes.
    pub fn when_file(&self, path: &str, file: PathBuf, on: Reply, off: Reply) -> &Self {
        self.route_with(path, move |_, _| {
            if file.exists() {
                on.clone()
            } else {
                off.clone()
            }
        })
    }

    /// `path` answers `before` until `delay` has passed from now, then `after`.
    pub fn after(&self, path: &str, delay: Duration, before: Reply, after: Reply) -> &Self {
        let flips_at = Instant::now() + delay;
        self.route_with(path, move |_, _| {
            if Instant::now() >= flips_at {
                after.clone()
            } else {
                before.clone()
            }
        })
    }

    pub fn set_flag(&self, flag: &str, on: bool) {
        self.shared.set_flag(flag, on);
    }

    /// Every request read so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.shared.requests).clone()
    }

    /// How many requests reached `path`.
    pub fn hits(&self, path: &str) -> usize {
        lock(&self.shared.hits).get(path).copied().unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A port on 127.0.0.1 where nothing listens: it was bound, then let go, so connecting to it
/// is refused.
pub fn refused_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a test port");
    listener.local_addr().expect("local address").port()
}

fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let Some(request) = read_request(&mut BufReader::new(read_half)) else {
        return;
    };
    if shared.stop.load(Ordering::SeqCst) {
        return;
    }
    let hit = {
        let mut hits = lock(&shared.hits);
        let count = hits.entry(request.path.clone()).or_insert(0);
        *count += 1;
        *count
    };
    lock(&shared.requests).push(request.clone());
    let route = lock(&shared.routes).get(&request.path).cloned();
    let reply = match route {
        Some(route) => route(&request, &Context { shared, hit }),
        None => Reply::text(404, &format!("no route for {}", request.path)),
    };
    let until = Instant::now() + reply.delay;
    while Instant::now() < until {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        thread::sleep(Duration::from_millis(10));
    }
    let _ = write_reply(stream, &reply);
}

fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let (path, query) = (path.to_owned(), query.to_owned());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
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
        path,
        query,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn write_reply(mut stream: TcpStream, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(reply.body.as_bytes())?;
    stream.flush()?;
    stream.shutdown(Shutdown::Write)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
