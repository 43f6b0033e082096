"""The stand-in programs of `bin/`: each sends its arguments, working folder and environment to
the stub named by `IKS_STUB_URL`, prints what the stub answers and exits with its code.

When the stub says a passphrase is needed (gpg or a signing skopeo without one given), this
asks for it on the terminal, as gpg's pinentry does, and
sends the command again with it; without a terminal the command fails as docker's would.
"""

import getpass
import http.client
import json
import os
import sys
import urllib.parse


def call(url, request):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
    connection.request("POST", "/_stub/cli", json.dumps(request), {"Content-Type": "application/json"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise OSError("the stub answered %d: %s" % (response.status, body[:200]))
    return json.loads(body)


def main():
    tool, args = sys.argv[1], sys.argv[2:]
    url = os.environ.get("IKS_STUB_URL")
    if not url:
        sys.stderr.write("%s (IKS stand-in): IKS_STUB_URL is not set; start tests/iks/stub.py and "
                         "export IKS_STUB_URL=http://127.0.0.1:PORT\n" % tool)
        return 127
    stdin = ""
    if ("-f" in args and "-" in args) or ("--filename" in args and "-" in args) or "--passphrase-fd" in args:
        stdin = sys.stdin.read()
    env = dict(os.environ)
    files = {}
    for i, arg in enumerate(args):
        # A passphrase file: read here, where `<(...)` and /dev/stdin exist.
        name, eq, value = arg.partition("=")
        if name == "--sign-passphrase-file":
            path = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            try:
                with open(path, encoding="utf-8") as f:
                    files[path] = f.read()
            except OSError:
                pass
    while True:
        request = {"tool": tool, "args": args, "cwd": os.getcwd(), "env": env, "stdin": stdin,
                   "files": files}
        try:
            reply = call(url, request)
        except (OSError, ValueError) as problem:
            sys.stderr.write("%s (IKS stand-in): cannot reach the stub at %s: %s\n" % (tool, url, problem))
            return 127
        if not reply.get("needs"):
            break
        if not sys.stdin.isatty():
            sys.stderr.write("Error: error getting passphrase: the terminal is not interactive; set %s\n"
                             % " and ".join(n["env"] for n in reply["needs"]))
            return 1
        for need in reply["needs"]:
            env[need["env"]] = getpass.getpass(need["prompt"])
    sys.stdout.write(reply["stdout"])
    sys.stderr.write(reply["stderr"])
    return reply["exit"]


if __name__ == "__main__":
    sys.exit(main())
