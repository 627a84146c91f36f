"""Reading input files safely: regular files only, bounded sizes, clear encoding errors.

Every file regsim reads from a user (scenarios and their ``extends`` parents,
parameter blocks, correlation and config files, metadata of results
directories, XMILE models) goes through :func:`read_bytes`, which

- refuses anything that is not a regular file (directories, FIFOs, devices
  such as ``/dev/zero``, sockets) *before* reading, and opens without blocking;
- refuses files larger than a cap (:mod:`simulator.limits`) before reading
  them, and never reads more than the cap even if the file grows meanwhile;
- turns every OS error (missing file, permission denied, a parent that is not
  a directory, a name too long) into one line naming the path.

:func:`read_text` adds strict UTF-8 decoding with messages that say what is
wrong (a byte-order mark, UTF-16, bytes that are not UTF-8, with line and
column), and :func:`load_toml` the TOML parse plus a walk over the document
(without recursion) that refuses what TOML allows but no regsim file needs:
nesting deeper than :data:`~simulator.limits.MAX_NESTING`, integers beyond 64
bits, NaN and infinity, and control or invisible (zero-width, bidi) characters
in keys and strings -- each named by file and key.

Every problem raises :class:`InputFileError` (a ``ValueError``) whose message
is one line, ``file: key: problem``.
"""

from __future__ import annotations

import codecs
import errno
import json
import math
import os
import re
import stat
import tomllib
import unicodedata
from pathlib import Path

from . import limits


class InputFileError(ValueError):
    """An input file that cannot be read or is not acceptable (message: ``file: [key: ]problem``).

    Attributes
    ----------
    path : str
        The file.
    key : str or None
        The key (dotted path) inside the file, when the problem has one.
    """

    def __init__(self, path, problem: str, key: str | None = None):
        self.path = str(path)
        self.key = key
        self.problem = problem
        super().__init__(f"{self.path}: {key}: {problem}" if key else f"{self.path}: {problem}")


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def os_problem(exc: OSError) -> str:
    """A short description of an OS error (without the path)."""
    code = getattr(exc, "errno", None)
    known = {
        errno.ENOENT: "no such file or directory",
        errno.ENOTDIR: "a parent of this path is not a directory",
        errno.EISDIR: "is a directory",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.ENAMETOOLONG: "file name too long",
        errno.ENOSPC: "no space left on device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.ENOTEMPTY: "directory not empty",
        errno.EEXIST: "already exists",
        errno.ELOOP: "too many levels of symbolic links",
        errno.EXDEV: "on another file system",
        errno.EMFILE: "too many open files",
        errno.EIO: "input/output error",
    }
    if code in known:
        return known[code]
    return (exc.strerror or str(exc) or type(exc).__name__).strip().lower()


def _kind(mode: int) -> str | None:
    for test, name in _KINDS:
        if test(mode):
            return name
    return None


def check_regular(path, *, what: str = "file", max_bytes: int | None = None) -> int:
    """Check that ``path`` is a regular file within the size cap; return its size [bytes].

    Raises
    ------
    InputFileError
        Missing, not a regular file, too large, or any OS error.
    """
    p = os.fspath(path)
    try:
        st = os.stat(p)
    except ValueError:  # embedded NUL
        raise InputFileError(repr(p), "the path contains a NUL character") from None
    except OSError as exc:
        raise InputFileError(p, os_problem(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputFileError(p, f"is a directory, not a {what}")
    kind = _kind(st.st_mode)
    if kind is not None or not stat.S_ISREG(st.st_mode):
        raise InputFileError(p, f"is {kind or 'not a regular file'}, not a {what} (regsim reads only regular files)")
    if max_bytes is not None and st.st_size > max_bytes:
        raise InputFileError(p, f"{st.st_size} bytes is more than the {max_bytes}-byte limit for a {what}"
                             f"{_env_hint(max_bytes)}")
    return st.st_size


def _env_hint(max_bytes: int) -> str:
    for name, var in limits._ENV.items():
        if name.endswith("_BYTES") and limits.limit(name) == max_bytes:
            return f" (raise it with {var})"
    return ""


def read_bytes(path, *, what: str = "file", max_bytes: int) -> bytes:
    """The contents of the regular file ``path``, at most ``max_bytes`` long.

    The file is opened non-blocking (a FIFO swapped in after the check cannot
    hang the reader) and checked again on the open descriptor.
    """
    p = os.fspath(path)
    check_regular(p, what=what, max_bytes=max_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise InputFileError(p, os_problem(exc)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputFileError(p, f"is {_kind(st.st_mode) or 'not a regular file'}, not a {what}")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise InputFileError(p, f"more than the {max_bytes}-byte limit for a {what}{_env_hint(max_bytes)}")
    except OSError as exc:
        raise InputFileError(p, os_problem(exc)) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def decode_utf8(data: bytes, path, *, what: str = "file") -> str:
    """``data`` as UTF-8 text, or an :class:`InputFileError` that says what the encoding problem is."""
    if data.startswith(codecs.BOM_UTF8):
        raise InputFileError(path, "starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM")
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if data.startswith(bom):
            raise InputFileError(path, f"is {name} text; regsim reads UTF-8: save it as UTF-8")
    head = data[:200]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        raise InputFileError(path, "looks like UTF-16 or binary data (many NUL bytes); regsim reads UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[:exc.start].decode("utf-8", errors="replace")
        line, col = _line_col(good, len(good))
        raise InputFileError(path, f"line {line}, column {col}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                             f"save the {what} as UTF-8") from None


def read_text(path, *, what: str = "file", max_bytes: int) -> str:
    """The UTF-8 text of the regular file ``path`` (see :func:`read_bytes` and :func:`decode_utf8`)."""
    return decode_utf8(read_bytes(path, what=what, max_bytes=max_bytes), path, what=what)


# -- characters ---------------------------------------------------------------------------------------------

_ALLOWED_CONTROLS = frozenset("\t\n\r")


def bad_character(ch: str) -> str | None:
    """Why ``ch`` has no place in a regsim input (control, zero-width, bidi, separators), or ``None``."""
    if ch in _ALLOWED_CONTROLS:
        return None
    cat = unicodedata.category(ch)
    if cat == "Cc":
        name = {"\x00": "NUL"}.get(ch, "")
        return f"control character U+{ord(ch):04X}" + (f" ({name})" if name else "")
    if cat == "Cf":
        return (f"invisible character U+{ord(ch):04X} ({unicodedata.name(ch, 'format character')}); "
                "zero-width and direction-control characters make names that look right but do not match")
    if cat in ("Zl", "Zp"):
        return f"line/paragraph separator U+{ord(ch):04X}"
    if cat == "Co":
        return f"private-use character U+{ord(ch):04X}"
    if 0xFDD0 <= ord(ch) <= 0xFDEF or (ord(ch) & 0xFFFE) == 0xFFFE:
        return f"non-character U+{ord(ch):04X}"
    return None


def visible(s: str) -> str:
    """``s`` with control and invisible characters written as ``\\uXXXX`` escapes."""
    return "".join(f"\\u{ord(c):04x}" if bad_character(c) or c in _ALLOWED_CONTROLS else c for c in s)


#: code points refused by :func:`bad_character` (categories Cc except tab/newline/CR, Cf, Zl, Zp, Co, and the
#: noncharacters), as ranges: a regular expression finds them fast in a 4 MB file of Chinese text. Generated
#: from Python 3.11's unicodedata; tests/test_reliability_messages.py checks it against every code point.
_BAD_RANGES = (
    (0, 8), (11, 12), (14, 31), (127, 159), (173, 173), (1536, 1541), (1564, 1564), (1757, 1757), (1807, 1807),
    (2192, 2193), (2274, 2274), (6158, 6158), (8203, 8207), (8232, 8238), (8288, 8292), (8294, 8303),
    (57344, 63743), (64976, 65007), (65279, 65279), (65529, 65531), (65534, 65535), (69821, 69821),
    (69837, 69837), (78896, 78904), (113824, 113827), (119155, 119162), (131070, 131071), (196606, 196607),
    (262142, 262143), (327678, 327679), (393214, 393215), (458750, 458751), (524286, 524287), (589822, 589823),
    (655358, 655359), (720894, 720895), (786430, 786431), (851966, 851967), (917502, 917503), (917505, 917505),
    (917536, 917631), (983038, 1114111),
)
_SUSPECT = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in _BAD_RANGES) + "]")


def _first_bad(s: str) -> tuple[int, str] | None:
    for m in _SUSPECT.finditer(s):
        why = bad_character(m.group())
        if why:
            return m.start(), why
    return None


def _toml_context(text: str, pos: int) -> str:
    """The TOML key (or table header) being written at ``pos``, for messages."""
    lines = text[:pos].split("\n")
    cur = lines[-1] + text[pos:].split("\n", 1)[0]
    header = ""
    for ln in lines[:-1]:
        s = ln.strip()
        if s.startswith("["):
            header = s.strip("[] \t")
    s = cur.strip()
    if s.startswith("["):
        return "table [" + visible(s.strip("[] \t")) + "]"
    if "=" in s:
        key = s.split("=", 1)[0].strip()
        return "key " + visible(f"{header}.{key}" if header else key)
    return "a comment or value" + (f" in [{visible(header)}]" if header else "")


def scan_text(text: str, path) -> None:
    """Refuse raw control and invisible characters anywhere in ``text`` (with line, column and key)."""
    hit = _first_bad(text)
    if hit is None:
        return
    pos, why = hit
    line, col = _line_col(text, pos)
    raise InputFileError(path, f"line {line}, column {col}: {why} (in {_toml_context(text, pos)})")


# -- TOML and JSON documents --------------------------------------------------------------------------------

def _key(path: str, k) -> str:
    if isinstance(k, int):
        return f"{path}[{k}]"
    ks = str(k)
    part = ks if ks and all(c.isalnum() or c in "_-" for c in ks) else json.dumps(ks, ensure_ascii=False)
    return f"{path}.{part}" if path else part


def check_document(doc, path, *, max_depth: int | None = None, finite: bool = True) -> None:
    """Walk a parsed TOML/JSON document (iteratively) and refuse what no regsim file needs.

    Refused, each named by its key: nesting deeper than ``max_depth``; integers
    beyond 64 bits; NaN and infinity (unless ``finite`` is false, for readers
    that check every number themselves); control and invisible characters in
    keys and strings.
    """
    max_depth = max_depth or limits.limit("MAX_NESTING")
    stack = [(doc, "", 0)]
    while stack:
        v, where, depth = stack.pop()
        if isinstance(v, (dict, list)):
            if depth >= max_depth:
                raise InputFileError(path, f"nested more than {max_depth} levels deep", key=where or None)
            if isinstance(v, dict):
                for k, x in v.items():
                    bad = _first_bad(str(k))
                    if bad is not None:
                        raise InputFileError(path, f"the key {visible(str(k))!s} contains a {bad[1]}",
                                             key=where or None)
                    if not str(k).strip():
                        raise InputFileError(path, "empty key", key=where or None)
                    stack.append((x, _key(where, k), depth + 1))
            else:
                for i, x in enumerate(v):
                    stack.append((x, _key(where, i), depth + 1))
        elif isinstance(v, bool):
            continue
        elif isinstance(v, int):
            if abs(v) > limits.MAX_INT:
                raise InputFileError(path, f"a {len(str(abs(v)))}-digit integer is too large (integers must fit "
                                     "in 64 bits)", key=where or None)
        elif isinstance(v, float):
            if finite and not math.isfinite(v):
                raise InputFileError(path, f"{v} is not a finite number (values must be finite"
                                     + ("; a literal like 1e400 overflows to infinity)" if math.isinf(v) else ")"),
                                     key=where or None)
        elif isinstance(v, str):
            bad = _first_bad(v)
            if bad is not None:
                raise InputFileError(path, f"{bad[1]} at position {bad[0] + 1} of the text", key=where or None)


def _locate_long_number(text: str) -> str:
    m = re.search(r"\d{400,}", text)
    if not m:
        return ""
    line, _ = _line_col(text, m.start())
    return f"line {line} ({_toml_context(text, m.start())}): "


def parse_toml(text: str, path, *, finite: bool = True) -> dict:
    """Parse TOML ``text`` read from ``path`` and check the document (see :func:`check_document`)."""
    scan_text(text, path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(path, f"malformed TOML: {exc}") from None
    except RecursionError:
        raise InputFileError(path, f"malformed TOML: nested deeper than {limits.limit('MAX_NESTING')} levels") from None
    except (ValueError, OverflowError, MemoryError) as exc:  # e.g. integers beyond Python's digit limit
        where = _locate_long_number(text)
        raise InputFileError(path, f"{where}number too large to read ({' '.join(str(exc).split())})") from None
    check_document(doc, path, finite=finite)
    return doc


def load_toml(path, *, what: str = "TOML file", max_bytes: int | None = None,
              finite: bool = True) -> tuple[dict, str]:
    """Read, decode, parse and check the TOML file ``path``; return ``(document, text)``.

    Raises
    ------
    InputFileError
        One line naming the file (and the key, where there is one).
    """
    text = read_text(path, what=what, max_bytes=max_bytes or limits.limit("MAX_TOML_BYTES"))
    if not text.strip():
        return {}, text
    return parse_toml(text, path, finite=finite), text


def load_json(path, *, what: str = "JSON file", max_bytes: int | None = None):
    """Read and parse the JSON file ``path`` (bounded size and nesting; NaN and infinity allowed as values)."""
    text = read_text(path, what=what, max_bytes=max_bytes or limits.limit("MAX_JSON_BYTES"))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise InputFileError(path, "not valid JSON: nested too deeply") from None
    except (ValueError, OverflowError) as exc:
        raise InputFileError(path, f"not valid JSON: {' '.join(str(exc).split())}") from None
    # results metadata may hold NaN (e.g. an undefined statistic): only structure and integers are checked
    stack = [(doc, 0)]
    max_depth = limits.limit("MAX_NESTING") * 2
    while stack:
        v, d = stack.pop()
        if isinstance(v, (dict, list)):
            if d >= max_depth:
                raise InputFileError(path, f"nested more than {max_depth} levels deep")
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return doc


def display(path) -> str:
    """``path`` as shown in messages (relative to the working directory when inside it)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)
