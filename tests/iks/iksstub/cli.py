"""What the stand-in programs ask of the stub, and the pieces their commands share.

A stand-in (`bin/ibmcloud`, `bin/docker`, ...) sends its arguments, working folder and
environment to `POST /_stub/cli`; the stub runs the command against the cloud state, reads
and writes the local files the real tool would (`~/.docker/config.json`, `~/.kube/config`,
signing keys), and answers with stdout, stderr and the exit code.
"""

import os


class Run:
    """One command: what it was given, and what it says."""

    def __init__(self, tool, args, cwd, env, stdin="", files=None):
        self.tool = tool
        self.args = list(args)
        self.cwd = cwd
        self.env = env
        self.stdin = stdin
        # Files the stand-in read where the command runs (a passphrase file given as
        # `<(...)` exists only there): path as given -> text.
        self.files = files or {}
        self.out = []
        self.err = []
        self.code = 0
        # Prompts the stand-in must ask on the terminal, then send the command again.
        self.needs = []

    def say(self, text=""):
        self.out.append(text + "\n")

    def warn(self, text):
        self.err.append(text + "\n")

    def fail(self, text, code=1):
        self.warn(text)
        self.code = code
        return self

    def home(self):
        return self.env.get("HOME") or os.path.expanduser("~")

    def path(self, name):
        """`name` as the command would open it: `~` expanded, relative to its folder."""
        if name.startswith("~"):
            name = self.home() + name[1:]
        return name if os.path.isabs(name) else os.path.join(self.cwd, name)

    def reply(self):
        return {"stdout": "".join(self.out), "stderr": "".join(self.err), "exit": self.code,
                "needs": self.needs}


class Usage(Exception):
    """Bad arguments: the message goes to stderr with exit code 2 (1 for ibmcloud)."""


def parse(args, with_value=(), aliases=None):
    """Splits `args` into positionals and options. Options in `with_value` take the next word
    (or `--name=value`); others are flags. `aliases` maps short names to long ones."""
    aliases = aliases or {}
    positionals, options = [], {}
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            positionals.extend(args[i + 1:])
            break
        if word.startswith("-") and word != "-":
            name, eq, value = word.partition("=")
            name = aliases.get(name, name)
            if name in with_value:
                if not eq:
                    i += 1
                    if i >= len(args):
                        raise Usage("flag needs an argument: %s" % word)
                    value = args[i]
                options[name] = value
            else:
                options[name] = value if eq else True
        else:
            positionals.append(word)
        i += 1
    return positionals, options


def table(rows, header):
    """Columns padded to the widest cell plus three spaces, as the IBM Cloud CLI prints."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    lines = []
    for row in [header] + rows:
        lines.append("".join(str(cell).ljust(width + 3) for cell, width in zip(row, widths)).rstrip())
    return lines


def read_file(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write_file(path, text, mode=None):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)


def failed(cmd, message):
    """The IBM Cloud CLI's way to fail: `FAILED`, then the reason."""
    cmd.say("FAILED")
    return cmd.fail(message)


def ok(cmd):
    """The IBM Cloud CLI's way to end a command that changed something."""
    cmd.say("")
    cmd.say("OK")
    return cmd
