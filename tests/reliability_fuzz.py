"""A small seeded mutation fuzzer for regsim's input files (issue 11).

:func:`mutants` takes the text of a shipped scenario or parameter file and yields
``(description, bytes)`` variants: one structural mutation of the parsed
document (wrong types, missing and unknown keys, NaN/inf/huge numbers, NUL,
control and zero-width characters, deep nesting, wrong lengths, bad dims),
written back as TOML by :func:`dumps`, or one mutation of the raw text or
bytes (byte-order mark, UTF-16, invalid UTF-8, truncation, a flipped byte,
a duplicated line). The same seed gives the same mutants.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import tomllib
from collections.abc import Iterator

# -- a minimal TOML writer (enough for regsim's files and their mutants) ---------------------------------------

_BARE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def _key(k: str) -> str:
    return k if k and set(k) <= _BARE else _string(k)


def _string(s: str) -> str:
    out = []
    for c in s:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, _Raw):
        return v.text
    raise TypeError(type(v))


class _Raw:
    """A value written verbatim (e.g. a 400-digit integer or an overflowing literal)."""

    def __init__(self, text: str):
        self.text = text


def dumps(doc: dict) -> str:
    """TOML text for ``doc``: scalars first, then one ``[table]`` per nested table (recursively)."""
    lines: list[str] = []

    def emit(table: dict, prefix: tuple[str, ...]):
        scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
        tables = {k: v for k, v in table.items() if isinstance(v, dict)}
        if prefix and (scalars or not tables):
            lines.append("[" + ".".join(_key(p) for p in prefix) + "]")
        for k, v in scalars.items():
            lines.append(f"{_key(k)} = {_value(v)}")
        if scalars or prefix:
            lines.append("")
        for k, v in tables.items():
            emit(v, prefix + (k,))

    emit(doc, ())
    return "\n".join(lines) + "\n"


# -- mutations ------------------------------------------------------------------------------------------------

def _entries(doc) -> list[tuple[object, object, tuple]]:
    """Every ``(container, key, path)`` of the document (iterative walk)."""
    out = []
    stack = [(doc, ())]
    while stack:
        c, path = stack.pop()
        items = c.items() if isinstance(c, dict) else enumerate(c)
        for k, v in items:
            out.append((c, k, path + (k,)))
            if isinstance(v, (dict, list)):
                stack.append((v, path + (k,)))
    return out


WRONG_TYPES = ["text", True, [], {}, [1, "a"], dt.date(2020, 1, 1), {"a": 1}]
NUMBERS = [float("nan"), float("inf"), float("-inf"), 1e300, -1e300, 1e-300, 0, -1, 0.0, _Raw("9" * 400),
           _Raw("1e400"), _Raw("-1e400"), 2**63, -(2**63) - 1]
STRINGS = ["", "\x00", "a\x00b", "\x07bell", "zero\u200bwidth", "\u202eevil", "x" * 10_000, "../../etc/passwd",
           "名字", " padded "]
DIMS = ["sektor", ["sector", "sector"], 5, "", ["partner", "sector"]]


def _typo(k: str, rnd: random.Random) -> str:
    if len(k) < 2:
        return k + "x"
    i = rnd.randrange(len(k))
    return k[:i] + k[i + 1:] if rnd.random() < 0.5 else k[:i] + k[i] * 2 + k[i + 1:]


def structural(doc: dict, rnd: random.Random) -> tuple[str, dict]:
    """One structural mutation of a copy of ``doc``: ``(description, mutated document)``."""
    doc = json.loads(json.dumps(doc, default=str))  # deep copy (dates become strings: fine for mutants)
    entries = _entries(doc)
    if not entries:
        return "unchanged (empty)", doc
    c, k, path = rnd.choice(entries)
    where = ".".join(map(str, path))
    v = c[k]
    op = rnd.choice(["delete", "type", "number", "string", "rename", "unknown", "nest", "length", "dims", "empty"])
    if op == "delete":
        del c[k]
    elif op == "type":
        c[k] = rnd.choice(WRONG_TYPES)
    elif op == "number":
        c[k] = rnd.choice(NUMBERS)
    elif op == "string":
        c[k] = rnd.choice(STRINGS)
    elif op == "rename" and isinstance(c, dict):
        c[_typo(str(k), rnd)] = c.pop(k)
    elif op == "unknown" and isinstance(c, dict):
        c[rnd.choice(["extra", "budjet", "valeu", "Name", "zz_unknown"])] = rnd.choice([1, "x", 2.5])
    elif op == "nest":
        for _ in range(rnd.choice([3, 40, 200])):
            v = [v]
        c[k] = v
    elif op == "length" and isinstance(v, list):
        c[k] = v + v[:1] if v and rnd.random() < 0.5 else v[:-1]
    elif op == "dims" and isinstance(v, dict):
        v["dims"] = rnd.choice(DIMS)
    elif op == "empty" and isinstance(v, (dict, list)):
        c[k] = type(v)()
    else:
        c[k] = rnd.choice(NUMBERS + STRINGS)
        op = "value"
    return f"{op} at {where}", doc


def textual(text: str, rnd: random.Random) -> tuple[str, bytes]:
    """One mutation of the raw text or bytes."""
    data = text.encode("utf-8")
    op = rnd.choice(["bom", "utf16", "latin1", "truncate", "flip", "zerowidth", "nul", "duplicate", "crlf"])
    if op == "bom":
        return op, b"\xef\xbb\xbf" + data
    if op == "utf16":
        return op, text.encode("utf-16")
    if op == "latin1":
        i = rnd.randrange(len(data) + 1)
        return op, data[:i] + b"\xe9\xff" + data[i:]
    if op == "truncate":
        return op, data[: rnd.randrange(len(data) + 1)]
    if op == "flip":
        i = rnd.randrange(len(data))
        return op, data[:i] + bytes([data[i] ^ (1 << rnd.randrange(8))]) + data[i + 1:]
    if op == "zerowidth":
        i = rnd.randrange(len(text) + 1)
        return op, (text[:i] + rnd.choice(["\u200b", "\u200d", "\ufeff", "\u2066"]) + text[i:]).encode()
    if op == "nul":
        i = rnd.randrange(len(data) + 1)
        return op, data[:i] + b"\x00" + data[i:]
    if op == "duplicate":
        lines = text.splitlines(keepends=True)
        i = rnd.randrange(len(lines))
        return op, "".join(lines[: i + 1] + [lines[i]] + lines[i + 1:]).encode()
    return op, text.replace("\n", "\r\n").encode()


def mutants(text: str, seed: int, n: int) -> Iterator[tuple[str, bytes]]:
    """``n`` seeded mutants of a TOML file's ``text``: two structural for every textual one."""
    rnd = random.Random(seed)
    doc = tomllib.loads(text)
    for _ in range(n):
        if rnd.random() < 0.67:
            what, mutated = structural(doc, rnd)
            try:
                yield what, dumps(mutated).encode("utf-8")
            except (TypeError, UnicodeEncodeError):
                continue
        else:
            what, data = textual(text, rnd)
            yield what, data
