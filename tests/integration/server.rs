//! The session tests' stateful HTTP server: the one test server (`src/exec/http/test_server.rs`,
//! included here) with a router on it. Each path answers with a scripted reply (status, headers, body, delay), and
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
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

#[path = "../../src/exec/http/test_server.rs"]
mod base;

pub use base::{Reply, Request};

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

    fn answer(&self, request: &Request) -> Reply {
        let path = request.path().to_owned();
        let hit = {
            let mut hits = lock(&self.hits);
            let count = hits.entry(path.clone()).or_insert(0);
            *count += 1;
            *count
        };
        let route = lock(&self.routes).get(&path).cloned();
        match route {
            Some(route) => route(request, &Context { shared: self, hit }),
            None => Reply::text(404, &format!("no route for {path}")),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub struct Server {
    base: base::Server,
    shared: Arc<Shared>,
}

impl Server {
    /// Starts a server with no routes: every path answers 404 until given one.
    pub fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let base = {
            let shared = Arc::clone(&shared);
            base::Server::start(move |request, _| shared.answer(request))
        };
        Self { base, shared }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        self.base.url(path)
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
        self.base.requests()
    }

    /// How many requests reached `path`.
    pub fn hits(&self, path: &str) -> usize {
        lock(&self.shared.hits).get(path).copied().unwrap_or(0)
    }
}

/// A port on 127.0.0.1 where nothing listens: it was bound, then let go, so connecting to it
/// is refused.
pub fn refused_port() -> u16 {
    base::refused_addr().port()
}
