"""Parsing untrusted XML safely.

A model file is data from anywhere. Before any XML parser sees it:

- its size is checked against a cap (default 50 MB) *before* it is read, so a
  1 GB file is refused without reading it;
- any document type declaration (``<!DOCTYPE``) or entity declaration
  (``<!ENTITY``) is refused: XMILE needs neither, and they are how
  "billion laughs" entity expansion and external-entity (XXE) attacks work.

Then the bytes are parsed with :mod:`defusedxml` when it is installed (it
refuses the same constructs a second time), otherwise with the standard
library's :mod:`xml.etree.ElementTree` (which never fetches external
resources).
"""

from __future__ import annotations

import codecs
import os
import re
import xml.etree.ElementTree as ET

from .errors import XmileError

#: default cap on the size of a model file [bytes]
MAX_BYTES = 50 * 1024 * 1024

_FORBIDDEN = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _decode_for_scan(data: bytes) -> str:
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                     (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    if data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        return data.decode("utf-16-le" if data[0] == 0x3C else "utf-16-be", errors="replace")
    # UTF-8 and every ASCII-compatible single-byte encoding agree on '<!DOCTYPE'
    return data.decode("latin-1")


_PREFIX_USE = re.compile(r"</?([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=")
_PREFIX_DECL = re.compile(r"xmlns:([A-Za-z_][\w.-]*)\s*=")
_ROOT_TAG = re.compile(r"<(?![?!])[A-Za-z_][\w.:-]*")


def _declare_prefixes(text: str) -> str:
    """Declare namespace prefixes used but never declared (files written by xmutil use
    ``isee:`` without declaring it) on the root element, so the XML can be read."""
    used = {a or b for a, b in _PREFIX_USE.findall(text)} - {"xml", "xmlns"}
    missing = sorted(used - set(_PREFIX_DECL.findall(text)))
    m = _ROOT_TAG.search(text)
    if not missing or m is None:
        return text
    decl = "".join(f' xmlns:{p}="urn:regsim:undeclared-prefix:{p}"' for p in missing)
    return text[:m.end()] + decl + text[m.end():]


def _fromstring(data):
    try:
        import defusedxml.ElementTree as DET
    except ImportError:  # pragma: no cover - depends on the environment
        return ET.fromstring(data)
    return DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)


def parse_bytes(data: bytes, *, source: str = "<bytes>", max_bytes: int = MAX_BYTES) -> ET.Element:
    """Parse ``data`` as XML after the safety checks; return the root element.

    Namespace prefixes used without a declaration (common in files converted
    by xmutil) are declared on the fly rather than refused.

    Raises
    ------
    XmileError
        If the data is too large, declares a DTD or entities, or is not
        well-formed XML.
    """
    if len(data) > max_bytes:
        raise XmileError(f"{source}: {len(data)} bytes exceeds the {max_bytes}-byte limit for model files",
                         construct="size")
    m = _FORBIDDEN.search(_decode_for_scan(data))
    if m:
        raise XmileError(f"{source}: refusing a file with a <!{m.group(1).upper()}> declaration "
                         "(XMILE needs none; entity expansion can be used to attack the reader)",
                         construct=m.group(1).upper())
    try:
        try:
            return _fromstring(data)
        except ET.ParseError as exc:
            if "unbound prefix" not in str(exc):
                raise
            text = _decode_for_scan(data)
            if not data.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
                text = data.decode("utf-8", errors="strict")
            text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # the declared encoding no longer applies
            return _fromstring(_declare_prefixes(text))
    except UnicodeDecodeError:
        raise XmileError(f"{source}: undeclared namespace prefixes in a file that is not UTF-8",
                         construct="xml") from None
    except ET.ParseError as exc:
        raise XmileError(f"{source}: not well-formed XML: {exc}", construct="xml") from None
    except Exception as exc:  # defusedxml's DTDForbidden, EntitiesForbidden, ...
        if type(exc).__module__.startswith("defusedxml"):
            raise XmileError(f"{source}: refused by the safe XML parser: {exc}", construct="xml") from None
        raise


def parse_file(path, *, max_bytes: int = MAX_BYTES) -> ET.Element:
    """Read and parse the XML file at ``path`` safely (see :func:`parse_bytes`)."""
    from ..inputfiles import InputFileError, check_regular, read_bytes

    path = os.fspath(path)
    try:  # regular files only: a FIFO or a device (/dev/zero) is refused before it is opened
        size = check_regular(path, what="model file")
    except InputFileError as exc:
        raise XmileError(str(exc)) from None
    if size > max_bytes:
        raise XmileError(f"{path}: {size} bytes exceeds the {max_bytes}-byte limit for model files "
                         "(pass max_bytes= to raise it)", construct="size")
    try:  # opened non-blocking, never read past the cap even if the file grows meanwhile
        data = read_bytes(path, what="model file", max_bytes=max_bytes)
    except InputFileError as exc:
        raise XmileError(str(exc), construct="size" if "limit" in exc.problem else None) from None
    return parse_bytes(data, source=path, max_bytes=max_bytes)
