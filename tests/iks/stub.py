#!/usr/bin/env python3
"""The IKS security lab's offline test bed: IAM, Container Registry, Vulnerability Advisor,
Key Protect and Kubernetes Service endpoints on 127.0.0.1, and the back end of the stand-in
`ibmcloud`, `docker`, `kubectl` and `calicoctl` in `bin/`. Standard library only.

    python3 tests/iks/stub.py [--port 0] [--kms-polls 2] [--scan-polls 0] ...

prints `IKS stub listening on http://127.0.0.1:PORT` once it accepts requests, then serves
until it is stopped. See tests/iks/README.md.
"""

import argparse
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Nothing written into the source tree: no __pycache__ beside the modules.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from iksstub import (  # noqa: E402
    api, cli, cli_calicoctl, cli_curl, cli_docker, cli_gpg, cli_ibmcloud, cli_kubectl, cli_skopeo)
from iksstub.cloud import Cloud  # noqa: E402

TOOLS = {
    "ibmcloud": cli_ibmcloud.run,
    "docker": cli_docker.run,
    "kubectl": cli_kubectl.run,
    "calicoctl": cli_calicoctl.run,
    "curl": cli_curl.run,
    "gpg": cli_gpg.run,
    "skopeo": cli_skopeo.run,
}


def make_handler(cloud, verbose):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "iks-stub/1"

        def log_message(self, format, *args):  # noqa: A002 (the base class's name)
            if verbose:
                sys.stderr.write("stub: " + format % args + "\n")

        def body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def send(self, status, payload, headers=None):
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            if payload is not None:
                self.send_header("Content-Type", "application/json")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data and self.command != "HEAD":
                self.wfile.write(data)

        def handle_any(self):
            body = self.body()
            if self.path.startswith("/_stub/"):
                return self.control(body)
            try:
                reply = api.handle(cloud, self.command, self.path, self.headers, body)
            except Exception as problem:  # a stub bug must show, not hang the client
                reply = api.error(500, "STUB_ERROR", "%s: %s" % (type(problem).__name__, problem))
            self.send(reply.status, reply.body, reply.headers)

        def control(self, body):
            """The stand-in CLIs' door, and the tests': no token needed."""
            if self.path == "/_stub/cli" and self.command == "POST":
                request = json.loads(body or b"{}")
                run = cli.Run(request["tool"], request.get("args", []), request.get("cwd", "/"),
                              request.get("env", {}), request.get("stdin", ""), request.get("files", {}))
                try:
                    with cloud.lock:
                        TOOLS[run.tool](cloud, run)
                except Exception as problem:  # shown as the tool's failure
                    run.fail("stand-in %s crashed: %s: %s" % (run.tool, type(problem).__name__, problem))
                return self.send(200, run.reply())
            if self.path == "/_stub/config" and self.command == "POST":
                with cloud.lock:
                    for name, value in json.loads(body or b"{}").items():
                        if not hasattr(cloud.config, name):
                            return self.send(400, {"message": "unknown setting %s" % name})
                        setattr(cloud.config, name, int(value))
                return self.send(200, vars(cloud.config))
            if self.path == "/_stub/state" and self.command == "GET":
                with cloud.lock:
                    return self.send(200, snapshot(cloud))
            return self.send(404, {"message": "no such control endpoint"})

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any

    return Handler


def snapshot(cloud):
    """The state a test may want to look at (and the token it needs to call the APIs)."""
    kube = cloud.cluster.kube
    return {
        "token": cloud.token,
        "account": cloud.account,
        "logged_in": cloud.logged_in,
        "region": cloud.region,
        "cr_region": cloud.cr_region,
        "namespaces": sorted(cloud.namespaces),
        "images": sorted(cloud.images),
        "exemptions": cloud.exemptions,
        # Each signed tag, with the fingerprints of the keys that signed it.
        "signatures": {ref: sorted(s["fingerprint"] for s in cloud.signatures.get(image["digest"], [])
                                   if s["identity"] == ref)
                       for ref, image in sorted(cloud.images.items())
                       if any(s["identity"] == ref for s in cloud.signatures.get(image["digest"], []))},
        "instances": {g: {"name": i["name"], "keys": [k["id"] for k in i["keys"]]}
                      for g, i in cloud.instances.items()},
        "cluster": {"name": cloud.cluster.name, "id": cloud.cluster.id,
                    "key_protect": cloud.cluster.key_protect, "kms_pending": cloud.cluster.kms_pending},
        "portieris": kube.portieris,
        "image_policies": sorted(kube.image_policies),
        "pods": sorted(kube.pods),
        "network_policies": sorted(kube.network_policies),
        "config": vars(cloud.config),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--account", default="0123456789abcdef0123456789abcdef")
    parser.add_argument("--api-key", default="test-api-key")
    parser.add_argument("--cluster", default="mycluster")
    parser.add_argument("--scan-polls", type=int, default=0)
    parser.add_argument("--kms-polls", type=int, default=2)
    parser.add_argument("--portieris-polls", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args()
    cloud = Cloud(account=args.account, api_key=args.api_key, cluster=args.cluster)
    cloud.config.scan_polls = args.scan_polls
    cloud.config.kms_polls = args.kms_polls
    cloud.config.portieris_polls = args.portieris_polls
    server = ThreadingHTTPServer((args.host, args.port), make_handler(cloud, args.verbose))
    server.daemon_threads = True
    print("IKS stub listening on http://%s:%d" % server.server_address[:2], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
