"""`curl` to the cluster's workers, for the lab's node-port test: a request to a worker's public
IP on a node port meets what the stand-in cluster's services and Calico policies make of it
(see `Kube.node_port_answers`). It answers nothing else: the test bed has no network beyond
127.0.0.1.

Errors read as curl 7.88's: `(7)` when nothing listens (the worker refuses the connection),
`(28)` when the packets are dropped and the connect timeout runs out.
"""

import urllib.parse

from .cli import Usage, parse

# What the lab's `nginx` pod serves (the start of nginx's default page).
NGINX_PAGE = ("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n"
              "<h1>Welcome to nginx!</h1>\n</body>\n</html>\n")


def run(cloud, cmd):
    try:
        positionals, opts = parse(cmd.args, with_value=("--connect-timeout", "-m", "--max-time", "-o",
                                                        "--output", "-w", "--write-out"),
                                  aliases={"--max-time": "-m", "--output": "-o", "--write-out": "-w"})
    except Usage as problem:
        return cmd.fail("curl: option: %s" % problem, code=2)
    if not positionals:
        return cmd.fail("curl: no URL specified\ncurl: try 'curl --help' for more information", code=2)
    url = positionals[0] if "://" in positionals[0] else "http://" + positionals[0]
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    timeout = float(opts.get("--connect-timeout") or opts.get("-m") or 300)
    millis = int(timeout * 1000) + 1
    # Short flags may come together (`-sS`).
    short = "".join(name[1:] for name in opts if name.startswith("-") and not name.startswith("--"))
    silent = "s" in short and "S" not in short
    cluster = cloud.cluster
    if host not in cluster.public_ips:
        return fail(cmd, silent, 7, "Failed to connect to %s port %d after 0 ms: Couldn't connect to server"
                    % (host, port))
    outcome = cluster.kube.node_port_answers(port)
    if outcome == "dropped":
        return fail(cmd, silent, 28, "Failed to connect to %s port %d after %d ms: Timeout was reached"
                    % (host, port, millis))
    if outcome == "refused":
        return fail(cmd, silent, 7, "Failed to connect to %s port %d after 3 ms: Couldn't connect to server"
                    % (host, port))
    if opts.get("-o") not in (None, "/dev/null"):
        return cmd.fail("curl: (23) this stand-in writes to stdout or /dev/null only", code=23)
    if opts.get("-o") != "/dev/null":
        cmd.out.append(NGINX_PAGE)
    if opts.get("-w"):
        cmd.out.append(opts["-w"].replace("%{http_code}", "200").replace("\\n", "\n"))
    return cmd


def fail(cmd, silent, code, message):
    """curl's failure: its message on stderr (unless `-s` without `-S`), and its exit code."""
    if not silent:
        cmd.warn("curl: (%d) %s" % (code, message))
    cmd.code = code
    return cmd
