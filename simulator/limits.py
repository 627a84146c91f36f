"""The resource limits regsim enforces on its inputs (sizes, steps, nesting).

Every file regsim reads and every run it starts is bounded, so a careless or
hostile input (``extends = "/dev/zero"``, a multi-GB file, ``dt = 1e-7``,
100 000 nested TOML arrays, a 600-level equation) fails fast with one line
instead of exhausting memory, time or the Python stack. ``docs/reliability.md``
lists the limits and the tests that check them.

Each limit can be raised for one run with an environment variable
(``REGSIM_MAX_STEPS=500000 regsim run ...``); the number of integration steps
also with ``--max-steps`` on the commands that run a model file.

This module imports nothing from the package, so every layer may use it.
"""

from __future__ import annotations

import os

#: bytes of one TOML input (scenario, ``extends`` parent, parameter block, correlations, config)
MAX_TOML_BYTES = 4 * 1024 * 1024

#: bytes of one JSON file (``metadata.json`` of a results directory)
MAX_JSON_BYTES = 64 * 1024 * 1024

#: bytes of one CSV/Parquet table read back (results, quantiles, history data)
MAX_TABLE_BYTES = 512 * 1024 * 1024

#: bytes of one XMILE model file
MAX_XMILE_BYTES = 50 * 1024 * 1024

#: integration steps of one run, ``(stop - start) / dt``
MAX_STEPS = 200_000

#: nesting of tables and arrays in a TOML or JSON document (shipped files need 3)
MAX_NESTING = 32

#: depth of one equation's expression tree (``a + a + ... + a`` with 600 terms is 600 deep)
MAX_EXPRESSION_DEPTH = 200

#: members of one ensemble (``uncertainty -n``, ``report --uncertainty``)
MAX_MEMBERS = 1_000_000

#: magnitude of an integer in an input file (TOML integers are 64-bit)
MAX_INT = 2**63 - 1

_ENV = {
    "MAX_TOML_BYTES": "REGSIM_MAX_TOML_BYTES",
    "MAX_JSON_BYTES": "REGSIM_MAX_JSON_BYTES",
    "MAX_TABLE_BYTES": "REGSIM_MAX_TABLE_BYTES",
    "MAX_XMILE_BYTES": "REGSIM_MAX_XMILE_BYTES",
    "MAX_STEPS": "REGSIM_MAX_STEPS",
    "MAX_NESTING": "REGSIM_MAX_NESTING",
    "MAX_EXPRESSION_DEPTH": "REGSIM_MAX_EXPRESSION_DEPTH",
    "MAX_MEMBERS": "REGSIM_MAX_MEMBERS",
}

#: nesting and expression depth stay below what Python's stack can take, whatever the environment says
_HARD_CAPS = {"MAX_NESTING": 200, "MAX_EXPRESSION_DEPTH": 250}


class LimitError(ValueError):
    """A limit set in the environment is not a positive integer."""


def limit(name: str) -> int:
    """The value of limit ``name`` (e.g. ``"MAX_STEPS"``), from the environment if set there.

    Raises
    ------
    LimitError
        If the environment variable is set but is not a positive integer.
    """
    default = globals()[name]
    var = _ENV.get(name)
    raw = os.environ.get(var) if var else None
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        raise LimitError(f"environment variable {var}: must be a positive integer, got {raw!r}") from None
    if value < 1:
        raise LimitError(f"environment variable {var}: must be a positive integer, got {raw!r}")
    return min(value, _HARD_CAPS.get(name, value))


def describe() -> list[tuple[str, int, str]]:
    """``(name, value in force, environment variable)`` of every limit (for docs and ``--help``)."""
    return [(n, limit(n), v) for n, v in _ENV.items()]


def tree_depth(root, children) -> int:
    """Depth of a tree (a lone root is 1), computed without recursion.

    Parameters
    ----------
    root : object
        The root node.
    children : callable
        ``children(node)`` -> iterable of child nodes.
    """
    best = 0
    stack = [(root, 1)]
    while stack:
        node, d = stack.pop()
        if d > best:
            best = d
        for c in children(node):
            stack.append((c, d + 1))
    return best


def _node_children(node):
    """Sub-expressions of an expression node: every dataclass field holding a dataclass or a tuple of them."""
    import dataclasses

    out = []
    for f in dataclasses.fields(node):
        v = getattr(node, f.name)
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            out.append(v)
        elif isinstance(v, (tuple, list)):
            out.extend(x for x in v if dataclasses.is_dataclass(x) and not isinstance(x, type))
    return out


def deepest_expression(components) -> tuple[str, int]:
    """``(component name, depth)`` of the deepest expression tree held by ``components`` (no recursion).

    Every dataclass field of a component that holds an expression node (a
    dataclass) or a tuple/dict of them is measured; equations still held as
    text are not (regsim's own model parses them itself).
    """
    import dataclasses

    best = ("", 0)
    for c in components:
        roots = []
        for f in dataclasses.fields(c):
            v = getattr(c, f.name)
            vals = v.values() if isinstance(v, dict) else v if isinstance(v, (tuple, list)) else (v,)
            roots.extend(x for x in vals if dataclasses.is_dataclass(x) and not isinstance(x, type))
        for r in roots:
            d = tree_depth(r, _node_children)
            if d > best[1]:
                best = (getattr(c, "name", "?"), d)
    return best
