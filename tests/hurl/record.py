#!/usr/bin/env python3
"""Records what real hurl says of each assert of the conformance suite.

Serves responses.json on 127.0.0.1, runs every assert of asserts.hurl.txt through `hurl`
(one file per assert) and writes verdicts.txt: `@RESPONSE<TAB>VERDICT<TAB>ASSERT`, where
VERDICT is hurl's exit: `pass` (0), `fail` (4, an assert failed), `error` (3, a runtime
error, such as a filter given a value it does not take) or `invalid` (2, hurl cannot parse
the file). The test suite compares labrun with these verdicts without needing hurl.

    cargo install hurl@8.0.1 --locked   # after: apt-get install libxml2-dev
                                        #   libcurl4-openssl-dev libclang-dev pkg-config
    python3 tests/hurl/record.py [--hurl PATH]
"""

import argparse
import concurrent.futures
import http.server
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading

HERE = pathlib.Path(__file__).resolve().parent
VERDICTS = {0: "pass", 4: "fail", 3: "error", 2: "invalid"}


def cases():
    """(response, captures, assert) for each assert line, in order."""
    response, captures = None, []
    for line in (HERE / "asserts.hurl.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@"):
            response, captures = line[1:].strip(), []
        elif line.startswith("capture "):
            captures.append(line[len("capture "):])
        else:
            yield response, list(captures), line


def serve(responses):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            reply = responses.get(self.path.lstrip("/"))
            if reply is None:
                self.send_error(404)
                return
            body = reply["body"].encode()
            self.send_response(reply["status"])
            for name, value in reply["headers"].items():
                for one in value if isinstance(value, list) else [value]:
                    self.send_header(name, one)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def verdict(hurl, base, work, index, case):
    response, captures, assertion = case
    text = f"GET {base}/{response}\nHTTP *\n"
    if captures:
        text += "[Captures]\n" + "\n".join(captures) + "\n"
    text += f"[Asserts]\n{assertion}\n"
    path = pathlib.Path(work) / f"case{index}.hurl"
    path.write_text(text)
    run = subprocess.run(
        [hurl, "--no-color", str(path)], capture_output=True, text=True, timeout=60
    )
    return VERDICTS.get(run.returncode, f"exit{run.returncode}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hurl", default="hurl")
    parser.add_argument("--out", default=str(HERE / "verdicts.txt"),
                        help="where to write the verdicts (default: verdicts.txt beside this file)")
    args = parser.parse_args()
    version = subprocess.run([args.hurl, "--version"], capture_output=True, text=True)
    if version.returncode != 0:
        sys.exit(f"cannot run {args.hurl}: install hurl 8.0.1 (see this file's doc)")
    responses = json.loads((HERE / "responses.json").read_text())
    server = serve(responses)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    all_cases = list(cases())
    with tempfile.TemporaryDirectory() as work:
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
            verdicts = list(
                pool.map(
                    lambda item: verdict(args.hurl, base, work, *item),
                    enumerate(all_cases),
                )
            )
    server.shutdown()
    lines = [f"# {version.stdout.splitlines()[0]}"]
    for (response, _, assertion), result in zip(all_cases, verdicts):
        lines.append(f"@{response}\t{result}\t{assertion}")
    pathlib.Path(args.out).write_text("\n".join(lines) + "\n")
    counts = {name: verdicts.count(name) for name in sorted(set(verdicts))}
    print(f"{len(verdicts)} asserts: {counts}")


if __name__ == "__main__":
    main()
