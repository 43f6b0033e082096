#!/usr/bin/env python3
"""Seeds the working fuzz corpora, `fuzz/work/TARGET/`, from the repository: the shipped
lessons, the lint fixtures and the docs (whole lessons; their http blocks; their fence info
strings), progress logs, and terminal text (all of these, and the escape sequences terminals
act on).

Run from the repository root: `python3 fuzz/seed.py`; fuzz/README.md tells how a run's finds
are merged into the committed corpus. Progress-log seeds come from `fuzz/seeds/progress_log/` (real logs written
by labrun) and from the JSON lines quoted in docs/progress-log.md.
"""

import hashlib
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "work"
FENCE = re.compile(r"^(```+|~~~+)(.*)$")


def put(target: str, data: bytes) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def lessons():
    """(name, text) of every Markdown lesson; a folder lesson's parts joined by NUL."""
    for base in ["lessons", "tests/fixtures/lint", "docs", "src/ui/render/fixtures"]:
        for path in sorted((ROOT / base).iterdir()):
            if path.is_dir():
                parts = sorted(path.glob("*.md"))
                if parts:
                    yield path, "\0".join(p.read_text(errors="replace") for p in parts)
                for part in parts:
                    yield part, part.read_text(errors="replace")
            elif path.suffix == ".md":
                yield path, path.read_text(errors="replace")


def blocks(text: str):
    """(info string, body) of every fenced block."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i].rstrip("\n"))
        if not m:
            i += 1
            continue
        fence, info = m.group(1), m.group(2)
        body = []
        i += 1
        while i < len(lines) and not lines[i].startswith(fence):
            body.append(lines[i])
            i += 1
        i += 1
        yield info, "".join(body)


def main() -> None:
    for _, text in lessons():
        put("lesson", text.encode())
        put("terminal_text", text.encode())
        for info, body in blocks(text):
            put("info_string", info.encode())
            if info.strip().startswith("http"):
                put("http_block", body.encode())
    docs = (ROOT / "docs" / "progress-log.md").read_text()
    lines = [l for l in docs.splitlines() if l.startswith('{"v"')]
    for line in lines:
        put("progress_log", (line + "\n").encode())
    for log in sorted((ROOT / "fuzz" / "seeds" / "progress_log").glob("*.jsonl")):
        put("progress_log", log.read_bytes())
        put("terminal_text", log.read_bytes())
    # What terminals act on: titles, erasing, hiding, C1 controls, bidirectional overrides.
    for trick in [b"\x1b]0;title\x07", b"ok\r\x1b[2Kall good", b"\x1b[8mhidden\x1b[0m",
                  "\u202etxt.exe".encode(), "\u009b31m".encode(), b"a\x08\x08b\r\n"]:
        put("terminal_text", trick)


if __name__ == "__main__":
    main()
