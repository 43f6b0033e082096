"""The part of YAML that Kubernetes and Calico manifests use, with the standard library only.

Reads block mappings and sequences (including `- key: value` items), plain, single- and
double-quoted scalars, flow sequences (`[TCP, UDP]`) and flow mappings (`{}`, `{a: b}`),
comments, and several documents separated by `---`. Writes the same subset back, in the
style `kubectl get -o yaml` prints. Anything else raises `YamlError` with the line number, so
a manifest the stand-ins cannot read fails loudly instead of being half-understood.
"""

import json
import re


class YamlError(Exception):
    pass


def load_all(text):
    """Every non-empty document of `text`, as Python values."""
    docs, current = [], []
    for line in text.splitlines():
        if re.match(r"^---\s*($|#)", line):
            docs.append(current)
            current = []
        elif re.match(r"^\.\.\.\s*$", line):
            continue
        else:
            current.append(line)
    docs.append(current)
    out = []
    for lines in docs:
        value = _Parser(lines).parse()
        if value is not None:
            out.append(value)
    return out


def _strip_comment(line):
    """`line` without a trailing comment (a `#` outside quotes, after a space or at the start)."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


class _Parser:
    def __init__(self, lines):
        # (line number, indent, text) for every line with content.
        self.lines = []
        for number, raw in enumerate(lines, 1):
            if "\t" in raw[: len(raw) - len(raw.lstrip())]:
                raise YamlError("line %d: a tab in the indentation" % number)
            text = _strip_comment(raw)
            if text.strip():
                self.lines.append((number, len(text) - len(text.lstrip()), text.strip()))
        self.pos = 0

    def parse(self):
        if not self.lines:
            return None
        value = self.block(self.lines[0][1])
        if self.pos < len(self.lines):
            number = self.lines[self.pos][0]
            raise YamlError("line %d: unexpected indentation" % number)
        return value

    def block(self, indent):
        number, _, text = self.lines[self.pos]
        if text == "-" or text.startswith("- "):
            return self.sequence(indent)
        if _key_of(text) is not None:
            return self.mapping(indent)
        self.pos += 1
        return scalar(text, number)

    def mapping(self, indent):
        result = {}
        while self.pos < len(self.lines):
            number, ind, text = self.lines[self.pos]
            if ind < indent:
                break
            if ind > indent:
                raise YamlError("line %d: unexpected indentation" % number)
            if text == "-" or text.startswith("- "):
                break
            key, rest = _split_key(text, number)
            self.pos += 1
            result[key] = self.value_after(rest, indent, number, allow_sequence_at_same=True)
        return result

    def sequence(self, indent):
        result = []
        while self.pos < len(self.lines):
            number, ind, text = self.lines[self.pos]
            if ind < indent or not (text == "-" or text.startswith("- ")):
                break
            if ind > indent:
                raise YamlError("line %d: unexpected indentation" % number)
            rest = text[1:].strip()
            if not rest:
                self.pos += 1
                result.append(self.nested(indent, number))
            elif _key_of(rest) is not None and not rest.startswith(("{", "[", "'", '"')):
                # `- key: value` starts a mapping whose keys line up with `key`.
                item_indent = ind + (len(text) - len(rest))
                self.lines[self.pos] = (number, item_indent, rest)
                result.append(self.mapping(item_indent))
            else:
                self.pos += 1
                result.append(scalar(rest, number))
        return result

    def value_after(self, rest, indent, number, allow_sequence_at_same):
        if rest:
            return scalar(rest, number)
        if self.pos < len(self.lines):
            _, ind, text = self.lines[self.pos]
            is_item = text == "-" or text.startswith("- ")
            if ind > indent or (allow_sequence_at_same and ind == indent and is_item):
                return self.block(ind)
        return None

    def nested(self, indent, number):
        if self.pos < len(self.lines) and self.lines[self.pos][1] > indent:
            return self.block(self.lines[self.pos][1])
        return None


def _key_of(text):
    m = re.match(r"""^("[^"]*"|'[^']*'|[^\s'"{\[][^:]*?)\s*:(\s|$)""", text)
    return m.group(1) if m else None


def _split_key(text, number):
    m = re.match(r"""^("[^"]*"|'[^']*'|[^\s'"{\[][^:]*?)\s*:(\s+(.*))?$""", text)
    if not m:
        raise YamlError("line %d: expected `key: value`" % number)
    key = m.group(1)
    if key[:1] in "'\"":
        key = key[1:-1]
    return key, (m.group(3) or "").strip()


def scalar(text, number=0):
    text = text.strip()
    if text.startswith("["):
        if not text.endswith("]"):
            raise YamlError("line %d: an unclosed flow sequence" % number)
        inner = text[1:-1].strip()
        return [scalar(part, number) for part in _split_flow(inner)] if inner else []
    if text.startswith("{"):
        if not text.endswith("}"):
            raise YamlError("line %d: an unclosed flow mapping" % number)
        inner = text[1:-1].strip()
        result = {}
        for part in _split_flow(inner) if inner else []:
            key, rest = _split_key(part, number)
            result[key] = scalar(rest, number) if rest else None
        return result
    if text.startswith('"'):
        if len(text) < 2 or not text.endswith('"'):
            raise YamlError("line %d: an unclosed double quote" % number)
        return json.loads(text)
    if text.startswith("'"):
        if len(text) < 2 or not text.endswith("'"):
            raise YamlError("line %d: an unclosed single quote" % number)
        return text[1:-1].replace("''", "'")
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if text in ("null", "Null", "NULL", "~", ""):
        return None
    if re.match(r"^-?[0-9]+$", text):
        return int(text)
    if re.match(r"^-?[0-9]+\.[0-9]+$", text):
        return float(text)
    return text


def _split_flow(text):
    parts, depth, quote, start = [], 0, None, 0
    for i, c in enumerate(text):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def dump(value, indent=0):
    """`value` as block YAML, the way `kubectl get -o yaml` shows a resource."""
    return "".join(_dump_lines(value, indent))


def _dump_lines(value, indent):
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            yield pad + "{}\n"
        for key, item in value.items():
            if isinstance(item, dict) and item:
                yield "%s%s:\n" % (pad, _plain(key))
                yield from _dump_lines(item, indent + 2)
            elif isinstance(item, list) and item:
                yield "%s%s:\n" % (pad, _plain(key))
                yield from _dump_lines(item, indent)
            else:
                yield "%s%s: %s\n" % (pad, _plain(key), _inline(item))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                lines = list(_dump_lines(item, indent + 2))
                first = lines[0]
                yield pad + "- " + first[indent + 2 :]
                for line in lines[1:]:
                    yield line
            elif isinstance(item, list) and item:
                yield pad + "-\n"
                yield from _dump_lines(item, indent + 2)
            else:
                yield "%s- %s\n" % (pad, _inline(item))
    else:
        yield pad + _inline(value) + "\n"


def _inline(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _plain(str(value))


def _plain(text):
    """`text` unquoted when YAML reads it back as the same string, else single-quoted."""
    text = str(text)
    needs_quotes = (
        text == ""
        or text != text.strip()
        or text[0] in "-?:,[]{}#&*!|>'\"%@`"
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or not isinstance(scalar(text), str)
    )
    if needs_quotes:
        return "'" + text.replace("'", "''") + "'"
    return text
