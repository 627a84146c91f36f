"""Whole generated programs of a compiled model (see :mod:`simulator.engine.codegen`).

:class:`VectorProgram` assembles the numpy program (``static()``, ``init()``, ``evaluate()``
and ``save_static()`` of one model, for any ensemble size); :class:`ScalarProgram` the
Python-float program of a single run of a model without arrays (the whole time loop in one
function). Both write only generated identifiers, integers and ``repr`` of finite floats into
the source (the safety argument is in the codegen module's docstring).
"""

from __future__ import annotations

from . import builtins as B
from .codegen import Ctx, ScalarGen, Slots, Val, VecGen, build, num_text
from .components import ModelError
from .expr import Call, IfElse, Index, Str, Subscript, Var


# ---------------------------------------------------------------------------
# whole programs
# ---------------------------------------------------------------------------
class _Lines:
    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)


def _undeclared(c, v: Val, where: str, what: str = "equation") -> None:
    extra = [d for d in v.logical if d not in c.dims]
    if extra:
        declared = ", ".join(repr(d) for d in c.dims) or "none (scalar)"
        raise ModelError(f"{where}: {what} has dimension {extra[0]!r}, which is not declared on the variable "
                         f"(declared: {declared}); sum over it (sum(..., {extra[0]!r})), select one of its elements, or "
                         f"rename it")


#: element-wise helpers a merged piece's source may call
_PIECE_FUNCS = frozenset({"_maximum", "_minimum", "_exp", "_log", "_power", "_abs", "_sqrt"})


def _piece_template(src: str, target: str):
    """``(template, subscripts)`` of a piece's source: every ``name[:, i, j]`` with integer
    indices replaced by ``{k}``, the indices in ``subscripts``; None if the source has anything
    else that is an array (a bare name, a temporary, a function outside :data:`_PIECE_FUNCS`,
    an integer outside a subscript) or reads the target."""
    import io
    import tokenize

    try:
        toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    toks = [t for t in toks if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)]
    parts: list[str] = []
    subs: list[tuple[str, tuple[int, ...]]] = []
    j = 0
    while j < len(toks):
        t = toks[j]
        if t.type == tokenize.NAME:
            if t.string == target:
                return None
            nxt = toks[j + 1].string if j + 1 < len(toks) else ""
            if nxt == "(" and t.string in _PIECE_FUNCS:
                parts.append(t.string)
                j += 1
                continue
            if nxt == "[" and j + 3 < len(toks) and toks[j + 2].string == ":" and toks[j + 3].string == ",":
                k, idx = j + 4, []
                while k < len(toks) and toks[k].type == tokenize.NUMBER and toks[k].string.isdigit():
                    idx.append(int(toks[k].string))
                    if k + 1 < len(toks) and toks[k + 1].string == ",":
                        k += 2
                        continue
                    k += 1
                    break
                if idx and k < len(toks) and toks[k].string == "]" and toks[k - 1].string != ",":
                    parts.append("{" + str(len(subs)) + "}")
                    subs.append((t.string, tuple(idx)))
                    j = k + 1
                    continue
            return None
        if t.type == tokenize.NUMBER:
            if t.string.isdigit():
                return None
            parts.append(t.string)
        elif t.type == tokenize.OP and t.string in ("+", "-", "*", "/", "**", "(", ")", ","):
            parts.append(t.string)
        else:
            return None
        j += 1
    return " ".join(parts), subs


def merge_pieces(name: str, pieces: list[tuple[tuple, str]]) -> list[str]:
    """Assignments of the overrides ``(element indices, source)`` of arrayed variable ``name``,
    consecutive ones that differ only in one index, step 1, merged into one slice assignment.

    A run merges when every override has the same source up to the integer indices of its
    subscripts and each subscript moves by 1 along exactly one of its indices with the target
    element (e.g. ``x[:, 0, 1] = a[:, 0, 0] * b[:, 0, 1]``, ``x[:, 0, 2] = a[:, 0, 1] * b[:, 0, 2]``,
    ... -> ``x[:, 0, 1:18] = a[:, 0, 0:17] * b[:, 0, 1:18]``): the same element-wise operations
    on the same numbers, so the values are bit-identical; sources that read ``name`` itself or
    any value without such a subscript are never merged.
    """
    lines: list[str] = []

    def text(pid, src):
        return f"{name}[:, {', '.join(str(x) for x in pid)}] = {src}"

    j = 0
    while j < len(pieces):
        pid0, src0 = pieces[j]
        tpl0 = _piece_template(src0, name)
        run = 1
        axis = None
        deltas = None
        if tpl0 is not None:
            while j + run < len(pieces):
                pid, src = pieces[j + run]
                if len(pid) != len(pid0):
                    break
                diff = [d for d in range(len(pid)) if pid[d] != pid0[d]]
                if len(diff) != 1 or (axis is not None and diff[0] != axis) or pid[diff[0]] != pid0[diff[0]] + run:
                    break
                tpl = _piece_template(src, name)
                if tpl is None or tpl[0] != tpl0[0]:
                    break
                ds = []
                ok = True
                for (nm0, ix0), (nm, ix) in zip(tpl0[1], tpl[1]):
                    if nm != nm0 or len(ix) != len(ix0):
                        ok = False
                        break
                    ds.append(tuple((b - a) // run if (b - a) % run == 0 else None for a, b in zip(ix0, ix)))
                if not ok or any(any(x not in (0, 1) for x in d) or sum(d) != 1 for d in ds) or \
                        (deltas is not None and ds != deltas):
                    break
                axis, deltas = diff[0], ds
                run += 1
        if run == 1:
            lines.append(text(pid0, src0))
            j += 1
            continue
        tgt = [str(x) for x in pid0]
        tgt[axis] = f"{pid0[axis]}:{pid0[axis] + run}"
        args = []
        for (nm, ix), d in zip(tpl0[1], deltas):
            pos = d.index(1)
            items = [str(x) for x in ix]
            items[pos] = f"{ix[pos]}:{ix[pos] + run}"
            args.append(f"{nm}[:, {', '.join(items)}]")
        src = tpl0[0].format(*args) if args else tpl0[0]
        lines.append(f"{name}[:, {', '.join(tgt)}] = {src}")
        j += run
    return lines


class VectorProgram:
    """Generated numpy code of one compiled model (see the module docstring).

    ``factory(save)`` returns ``_make(R) -> (static, init, bind, save_static)``, ``bind(s, d)``
    the ``evaluate(t, row, i, k, rec, dbg)`` of a state array ``s`` and its derivative ``d`` (their
    views made once); ``slots.keys`` tells :func:`simulate` what to put in ``R``.
    """

    def __init__(self, cm):
        from .compiler import Noise, Pipe, Prev

        self.cm = cm
        self.slots = Slots()
        comps = cm.components
        self.names: dict[str, str] = {}
        for j, n in enumerate(comps):
            if comps[n].kind == "constant":
                self.names[n] = self.slots.get(("const", n))
            else:
                self.names[n] = f"v{j}"
        self.N = self.slots.get(("N",))
        self.Pipe, self.Prev, self.Noise = Pipe, Prev, Noise
        logical = {n: tuple(c.dims) for n, c in comps.items() if c.kind != "lookup"}
        base = {n: tuple(c.dims) for n, c in comps.items() if c.kind == "constant"}
        base.update({n: () for n in cm.timeseries})
        self.logical = logical
        self.static_set = frozenset(n for n, c in comps.items() if c.kind == "constant")
        self.static_codes: set[str] = set()
        self._temps = 0
        self.hoisted: dict[str, str] = {}
        self.static_names_extra: list[str] = []
        self.time_only: frozenset = frozenset()
        self.lazy_conds = {}
        self._lazy_counter = [0]
        # static phase
        self.static_lines = _Lines()
        lay = dict(base)
        self.static_names = []
        for item in cm.static:
            self.emit_item(item, "static", lay, self.static_lines, 2)
            if item[1] not in self.static_names:
                self.static_names.append(item[1])
        self.after_static = dict(lay)
        self.static_set = frozenset(self.static_set | set(self.static_names))
        self.static_codes = {self.names[n] for n in self.static_set}
        # init phase
        self.init_lines = _Lines()
        lay = dict(self.after_static)
        static_set = set(self.static_names)
        for n in cm.noises:
            lay[n] = tuple(comps[n].dims)
        for item in cm.init_order:
            if item[1] in static_set:
                continue
            self.emit_item(item, "init", lay, self.init_lines, 2)
        for s in cm.stocks:
            self.fill_stock(s, lay)
        # dynamic phase
        self.time_only = self._time_only()
        self.lazy_conds: dict = {}
        self._lazy_counter = [0]
        lay = dict(self.after_static)
        for s in cm.stocks:
            lay[s] = tuple(comps[s].dims)
        for n in cm.noises + cm.pipes + cm.prevs:
            lay[n] = tuple(comps[n].dims)
        self.dyn_names = []
        #: the code of each dynamic item, in evaluation order: (name, lines)
        self.dyn_chunks: list[tuple[str, list[str]]] = []
        for item in cm.dynamic:
            chunk = _Lines()
            self.emit_item(item, "dynamic", lay, chunk, 2, hoist=True)
            self.dyn_chunks.append((item[1], chunk.lines))
            if item[1] not in self.dyn_names:
                self.dyn_names.append(item[1])
        self.dyn_layouts = lay
        self.uses = self._uses()
        self.guard_codes = {cond: code for cond, code in self.lazy_conds.items()}
        self.deriv_lines = _Lines()
        self.deriv_views: list[tuple[str, str]] = []
        for s in cm.stocks:
            self.derivative(s, lay)
        self.rec_lines = _Lines()
        for p in cm.pipes + cm.prevs:
            c = comps[p]
            x = self.val(c.inp, lay)
            H = self.slots.get(("hist", p))
            row = "i" if p in cm.pipes else "i % 2"
            self.rec_lines(3, f"{H}[{row}] = {self.gen(c.inp, lay).align(x, tuple(c.dims))}")
        self.debug_names = list(cm.stocks) + self.static_names + self.dyn_names
        self._factories: dict[tuple, object] = {}
        self._sources: dict[tuple, str] = {}   # generated text per save list (shared by both variants)

    def _uses(self) -> dict[str, list[tuple[str, frozenset]]]:
        """Where each dynamic name is used by another dynamic one: ``(user, branches)``, the
        branches of lazily evaluated conditionals the use sits in (``(condition, True)`` for a
        ``then`` branch, ``(condition, False)`` for an ``else`` one)."""
        from .expr import children

        cm = self.cm
        dyn = set(self.dyn_names)
        uses: dict[str, list[tuple[str, frozenset]]] = {n: [] for n in dyn}

        def rec(node, ctx: frozenset, user: str) -> None:
            if isinstance(node, Var):
                if node.name in dyn:
                    uses[node.name].append((user, ctx))
                return
            if isinstance(node, IfElse) and node.cond in self.lazy_conds:
                rec(node.cond, ctx, user)
                rec(node.then, ctx | {(node.cond, True)}, user)
                rec(node.orelse, ctx | {(node.cond, False)}, user)
                return
            for ch in children(node):
                rec(ch, ctx, user)

        for n in self.dyn_names:
            c = cm.components[n]
            if isinstance(c, self.Pipe):
                if c.time in dyn:
                    uses[c.time].append((n, frozenset()))
                continue
            if c.kind not in ("aux", "flow"):
                continue
            p = cm.pieces.get(n)
            nodes = ([c.node] if p is None else ([p.default] if p.default is not None else []) + [x for _, x in p.overrides])
            for node in nodes:
                rec(node, frozenset(), n)
        return uses

    def guards(self, every: set[str], at_save: set[str], roots: set[str]) -> dict[str, tuple]:
        """Names computed only when a lazy condition takes one branch: ``name -> (condition, branch)``.

        A name is *guarded* when every use of it, by a name computed this step, sits in the same
        branch of a lazy conditional, directly or through users guarded by it. Roots (flows,
        recorded histories, saved variables), variables split per element and the names lazy
        conditions read are never guarded.
        """
        from .expr import names

        computed = every | at_save
        split = {n for n in self.dyn_names if sum(1 for m, _ in self.dyn_chunks if m == n) > 1}
        # names a lazy condition reads stay where they are: a guard's test reads them
        in_conds = set().union(*(names(c) for c in self.lazy_conds)) if self.lazy_conds else set()
        G: dict[str, frozenset] = {}
        for n in reversed(self.dyn_names):
            if n not in computed or n in roots or n in split or n in in_conds:
                G[n] = frozenset()
                continue
            acc = None
            for user, ctx in self.uses.get(n, ()):
                if user not in computed:
                    continue
                g = ctx | G.get(user, frozenset()) if user != n else frozenset()
                acc = g if acc is None else acc & g
            G[n] = acc or frozenset()
        out = {}
        for n, g in G.items():
            if g:
                out[n] = min(g, key=lambda cb: (repr(cb[0]), cb[1]))
        return out

    def _time_only(self) -> frozenset:
        """Dynamic auxiliaries whose value depends on time, constants and time series only."""
        cm = self.cm
        base = set(self.static_set) | {"time", "dt", "initial_time", "final_time"} | set(cm.timeseries)
        out: set[str] = set()
        for item in cm.dynamic:
            n = item[1]
            if cm.components[n].kind in ("aux", "flow") and cm.deps.get(n, set()) <= base | out:
                out.add(n)
        return frozenset(out)

    # -- emission ---------------------------------------------------------------
    def gen(self, n: str, layouts: dict, target=None, where=None, hoist=False, out=None, depth=2) -> VecGen:
        cm = self.cm
        c = cm.components.get(n)
        spill = None
        if out is not None:
            def spill(code, out=out, depth=depth):
                self._temps += 1
                name = f"t{self._temps}"
                out(depth, f"{name} = {code}")
                return name
        ctx = Ctx(model=cm.model, comps=cm.components, layouts=layouts, logical=self.logical, names=self.names,
                  slots=self.slots, where=where or cm.display(n),
                  target=tuple(c.dims) if (c is not None and target is None) else (target or ()),
                  static_names=self.static_set, hoist=self.hoist if hoist else None,
                  static_codes=self.static_codes if hoist else set(), spill=spill,
                  time_only=self.time_only if hoist else None, lazy_conds=self.lazy_conds, counter=self._lazy_counter)
        return VecGen(ctx)

    def hoist(self, code: str) -> str:
        """Compute a static sub-expression of a dynamic equation once, in the static phase."""
        name = self.hoisted.get(code)
        if name is None:
            name = f"h{len(self.hoisted)}"
            self.hoisted[code] = name
            self.static_lines(2, f"{name} = {code}")
            self.static_names_extra.append(name)
            self.static_codes.add(name)
        return name

    def val(self, n: str, layouts: dict) -> Val:
        return Val(self.names[n], layouts[n], self.logical[n])

    def emit_item(self, item, phase: str, lay: dict, out: _Lines, depth: int, hoist: bool = False) -> None:
        cm = self.cm
        n = item[1]
        c = cm.components[n]
        name = self.names[n]
        if isinstance(c, (self.Pipe, self.Prev)):
            if phase == "init":
                out(depth, f"{name} = {self.names[c.init]}")
                lay[n] = lay[c.init]
                return
            g = self.gen(n, lay)
            init = g.align(self.val(c.init, lay), tuple(c.dims))
            H = self.slots.get(("hist", n))
            shape = cm.shapes[n]
            if isinstance(c, self.Pipe):
                T = g.align(self.val(c.time, lay), tuple(c.dims))
                t0, dt = self.slots.get(("sys", "initial_time")), self.slots.get(("sys", "dt"))
                cur = "None"
                if c.time in self.static_set:
                    box = self.slots.get(("box", n))
                    out(depth, f"{name} = _pipe_static({box}, {H}, time, {T}, {t0}, {dt}, i, {init}, {shape}, {cur}, rec)")
                else:
                    out(depth, f"{name} = _pipe_out({H}, time, {T}, {t0}, {dt}, i, {init}, {shape}, {cur})")
            else:
                out(depth, f"{name} = _prev_out({H}, i, {init}, {shape})")
            lay[n] = tuple(c.dims)
            return
        if isinstance(c, self.Noise):
            Z = self.slots.get(("noise", n))
            out(depth, f"{name} = {Z}[:, {'0' if phase == 'init' else 'i'}]")
            lay[n] = tuple(c.dims)
            return
        stock = c.kind == "stock"
        if stock:
            node, pieces, what = c.initial_node, cm.init_pieces.get(n), "initial value"
        else:
            node, pieces, what = c.node, cm.pieces.get(n), "equation"
        where = cm.display(n) + (" (initial value)" if stock else "")
        g = self.gen(n, lay, where=where, hoist=hoist, out=out, depth=depth)
        if pieces is None:
            v = g.expr(node)
            _undeclared(c, v, where, what)
            v = g.to_order(v, tuple(c.dims))
            code = g.as_value(v)
            if c.kind == "flow" and c.non_negative:
                code = f"_maximum({code}, 0.0)"
            out(depth, f"{name} = {code}")
            lay[n] = v.layout
            return
        full = tuple(c.dims)
        allocated = getattr(self, "_allocated", None)
        if allocated is None:
            allocated = self._allocated = set()
        key = (phase, n)
        if item[0] == "whole" or key not in allocated:
            out(depth, f"{name} = _empty(({self.N},) + {pieces.shape})")
            allocated.add(key)
        parts = ([("default", pieces.default)] if pieces.default is not None else []) + list(pieces.overrides)
        if item[0] == "piece":
            parts = [p for p in parts if p[0] == item[2]]
        pending: list[tuple[tuple, str]] = []   # overrides: (element indices, source), merged into slices
        for pid, pnode in parts:
            v = g.expr(pnode)
            _undeclared(c, v, where, what)
            if pid == "default":
                mask = self.slots.get(("mask", phase, n), pieces.mask)
                src = g.as_value(v) if v.lit is not None else g.align(g.to_order(v, full), full)
                out(depth, f"_copyto({name}, {src}, where={mask})")
            else:
                v = g.to_order(v, full)
                if v.lit is not None:
                    src = num_text(v.lit) or g.as_value(v)
                elif v.layout:
                    src = f"{v.code}[:, {', '.join(str(pid[full.index(d)]) for d in v.layout)}]"
                else:
                    src = v.code
                if c.kind == "flow" and c.non_negative:
                    src = f"_maximum({src}, 0.0)"
                pending.append((tuple(pid), src))
        for line in merge_pieces(name, pending):
            out(depth, line)
        if pieces.default is not None and c.kind == "flow" and c.non_negative and item[0] == "whole":
            out(depth, f"_maximum({name}, 0.0, out={name})")
        lay[n] = full

    def state_split(self, flat: str, depth: int, out: _Lines) -> None:
        """Lines binding ``{flat}1`` and ``{flat}2``: the scalar and arrayed blocks of a flat state."""
        cm, N = self.cm, self.N
        if cm.n_scalar:
            out(depth, f"{flat}1 = {flat}[:{cm.n_scalar} * {N}].reshape(({cm.n_scalar}, {N}))")
        if cm.n_array:
            out(depth, f"{flat}2 = {flat}[{cm.n_scalar} * {N}:].reshape(({cm.n_array}, {N})).T")

    def stock_view(self, s: str, flat: str) -> str:
        """Code of stock ``s`` in the state ``flat`` (split by :meth:`state_split`)."""
        cm = self.cm
        sl, c = cm.slices[s], cm.components[s]
        if not c.dims:
            return f"{flat}1[{sl.start}]"
        if len(c.dims) == 1:
            return f"{flat}2[:, {sl.start}:{sl.stop}]"
        return f"{flat}2[:, {sl.start}:{sl.stop}].reshape((-1,) + {cm.shapes[s]})"

    def fill_stock(self, s: str, lay: dict) -> None:
        cm = self.cm
        c = cm.components[s]
        sl = cm.slices[s]
        g = self.gen(s, lay)
        code = g.align(self.val(s, lay), tuple(c.dims)) if lay[s] != tuple(c.dims) or not c.dims else self.names[s]
        if not c.dims:
            self.init_lines(2, f"S1[{sl.start}] = _broadcast_to({code}, ({self.N},))")
        elif len(c.dims) == 1:
            self.init_lines(2, f"S2[:, {sl.start}:{sl.stop}] = _broadcast_to({code}, ({self.N}, {sl.stop - sl.start}))")
        else:
            shape = cm.shapes[s]
            self.init_lines(2, f"S2[:, {sl.start}:{sl.stop}] = _broadcast_to({code}, ({self.N},) + {shape})"
                               f".reshape({self.N}, {sl.stop - sl.start})")

    def derivative(self, s: str, lay: dict) -> None:
        cm = self.cm
        c = cm.components[s]
        if not c.inflows and not c.outflows:
            return
        g = self.gen(s, lay)
        full = tuple(c.dims)
        sl = cm.slices[s]
        # ``d[...] = f1 + f2 - f3`` (``0.0 - f3`` without inflows), written into d in place
        if not c.dims:
            col = f"d1[{sl.start}]"
        elif len(c.dims) == 1:
            col = f"d2[:, {sl.start}:{sl.stop}]"
        else:
            col = f"_dview(d2, {sl.start}, {sl.stop}, {cm.shapes[s]})"
        terms = [("_add", g.align(self.val(f, lay), full)) for f in c.inflows] + \
                [("_subtract", g.align(self.val(f, lay), full)) for f in c.outflows]
        first_op, first = terms[0]
        dv = f"e{len(self.deriv_views)}"          # the stock's part of d: a view made once per bound array
        self.deriv_views.append((dv, col))
        if first_op == "_add" and len(terms) > 1:
            # in1 + in2 - out ...: the first two terms in one call (0.0 + in1 + ... up to the sign of a zero)
            op, code = terms[1]
            self.deriv_lines(2, f"{op}({first}, {code}, out={dv})")
            rest = terms[2:]
        else:
            self.deriv_lines(2, f"{first_op}(0.0, {first}, out={dv})")
            rest = terms[1:]
        for op, code in rest:
            self.deriv_lines(2, f"{op}({dv}, {code}, out={dv})")

    # -- assembly --------------------------------------------------------------------
    def needed(self, save: tuple[str, ...]) -> tuple[set[str], set[str]]:
        """Dynamic names computed at every evaluation, and those computed at save steps only.

        Every evaluation computes what the stocks' derivatives and the recorded histories
        (pipeline delays, ``previous``) depend on; save steps add what the saved variables depend
        on (*output-only* auxiliaries); the rest is computed only for a non-finite diagnosis.
        """
        cm = self.cm
        comps = cm.components
        dyn = set(self.dyn_names)

        def closure(roots):
            seen: set[str] = set()
            stack = [r for r in roots if r in dyn]
            while stack:
                n = stack.pop()
                if n in seen:
                    continue
                seen.add(n)
                stack.extend(x for x in cm.deps.get(n, ()) if x in dyn and x not in seen)
            return seen

        roots = [f for st in cm.stocks for f in comps[st].inflows + comps[st].outflows]
        roots += [comps[p].inp for p in cm.pipes + cm.prevs]
        every = closure(roots)
        return every, closure(save) - every

    def roots(self, save) -> set[str]:
        """What a step needs whatever its conditions: the stocks' flows, recorded inputs, saved names."""
        cm = self.cm
        comps = cm.components
        out = {f for st in cm.stocks for f in comps[st].inflows + comps[st].outflows}
        out |= {comps[p].inp for p in cm.pipes + cm.prevs}
        return out | set(save)

    def place(self, chunks: list[tuple[str, list[str]]], guards: dict, indent: int) -> list[str]:
        """Lines of ``chunks`` (in order), guarded ones moved just before their first user and
        wrapped in ``if dbg or _need(condition, branch):`` (one block for consecutive ones)."""
        order = [(n, lines, None) for n, lines in chunks if n not in guards]
        moved = [(n, lines) for n, lines in chunks if n in guards]
        for n, lines in reversed(moved):
            users = {u for u, _ in self.uses.get(n, ())}
            pos = next((j for j, (m, _, _) in enumerate(order) if m in users), len(order))
            order.insert(pos, (n, lines, guards[n]))
        out: list[str] = []
        pad = "    " * indent
        current = None
        for _n, lines, g in order:
            if g is None:
                current = None
                out += [pad + x for x in lines]
                continue
            if g != current:
                cond, branch = g
                out.append(pad + f"        if dbg or _need({self.guard_codes[cond]}, {branch}):")
                current = g
            out += [pad + "    " + x for x in lines]
        return out

    def output_plan(self, save: tuple[str, ...]) -> dict[str, str]:
        """How each saved variable is written: ``"static"`` (once, into the ``(N, T, ...)`` output),
        ``"direct"`` (one ``[:, k]`` column of the output per save), ``"block"`` (one row of a
        time-major ``(T, N, ...)`` buffer per save: contiguous writes for values with few elements)
        or ``"state"`` (a stock, read from the time-major buffer of saved states)."""
        cm = self.cm
        static = set(self.static_names)
        plan = {}
        for n in save:
            if n in static:
                plan[n] = "static"
            else:
                plan[n] = "block" if time_major(cm, n) else "direct"
        stocks = [n for n in save if cm.components[n].kind == "stock" and plan[n] == "block"]
        cols = sum(cm.sizes[n] or 1 for n in stocks)
        if len(stocks) > 1 and 2 * cols >= cm.n_state:   # one copy of the state instead of one per stock
            for n in stocks:
                plan[n] = "state"
        return plan

    def source(self, save: tuple[str, ...]) -> str:
        cm = self.cm
        L = _Lines()
        save_lines = _Lines()
        static_saves = _Lines()
        plan = self.output_plan(save)
        for n in save:
            slot = self.slots.get(("out", n))
            v = self.val(n, self.dyn_layouts if n in self.dyn_layouts else self.after_static)
            code = self.gen(n, self.dyn_layouts).align(v, tuple(cm.components[n].dims))
            if plan[n] == "static":   # the same value at every saved time: written once
                static_saves(2, f"_fill_static({slot}, {code})")
            elif plan[n] == "block":
                save_lines(3, f"{slot}[k] = {code}")
            elif plan[n] == "direct":
                save_lines(3, f"{slot}[:, k] = {code}")
        if "state" in plan.values():
            save_lines(3, f"{self.slots.get(('sblock',))}[k] = s")
        every, at_save = self.needed(save)
        L(0, "def _make(R):")
        for j in range(len(self.slots.keys)):
            L(1, f"c{j} = R[{j}]")
        cells = [self.names[n] for n in self.static_names] + self.static_names_extra
        for name in cells:
            L(1, f"{name} = None")
        L(1, "def static():")
        if cells:
            L(2, "nonlocal " + ", ".join(cells))
        L.lines += self.static_lines.lines
        L(2, "return None")
        L(1, "def init(S, time, row):")
        L(2, "i = 0")
        self.state_split("S", 2, L)
        for j, n in enumerate(cm.timeseries):
            L(2, f"{self.names[n]} = row[{j}]")
        L.lines += self.init_lines.lines
        L(2, "return None")
        # bind(s, d): the views of a state array and its derivative array, made once; evaluate() of a step
        L(1, "def bind(s, d):")
        self.state_split("s", 2, L)
        if self.deriv_lines.lines:
            self.state_split("d", 2, L)
        for st in cm.stocks:
            L(2, f"{self.names[st]} = {self.stock_view(st, 's')}")
        for dv, col in self.deriv_views:
            L(2, f"{dv} = {col}")
        E = _Lines()
        E(1, "def evaluate(t, row, i, k, rec, dbg):")
        E(2, "time = t")
        for j, n in enumerate(cm.timeseries):
            E(2, f"{self.names[n]} = row[{j}]")
        bound = len(L.lines)
        L.lines += E.lines
        guards = self.guards(every, at_save, self.roots(save))
        first, later, rest = [], [], []
        for name, lines in self.dyn_chunks:
            (first if name in every else later if name in at_save else rest).append((name, lines))
        L.lines += self.place(first, guards, 0)
        L.lines += self.deriv_lines.lines
        if self.rec_lines.lines:
            L(2, "if rec:")
            L.lines += self.rec_lines.lines
        if later:
            L(2, "if k >= 0 or dbg:")
            L.lines += self.place(later, guards, 1)
        if save_lines.lines:
            L(2, "if k >= 0:")
            L.lines += save_lines.lines
        L(2, "if dbg:")
        for _, lines in rest:
            L.lines += ["    " + x for x in lines]
        L(3, "return (" + "".join(self.names[n] + ", " for n in self.debug_names) + ")")
        L(2, "return None")
        L.lines[bound:] = ["    " + x for x in L.lines[bound:]]   # evaluate() inside bind()
        L(2, "return evaluate")
        L(1, "def save_static():")
        L.lines += static_saves.lines
        L(2, "return None")
        L(1, "return static, init, bind, save_static")
        return "\n".join(L.lines) + "\n"

    def factory(self, save: tuple[str, ...], members_innermost: bool = True):
        """The program's ``_make`` for saving ``save``. ``members_innermost``: the element-wise
        helpers allocate results with the ensemble axis fastest (``codegen._F_UFUNCS``); a
        one-member run gains nothing from that and takes the plain ufuncs (the same numbers)."""
        key = (save, members_innermost)
        f = self._factories.get(key)
        if f is None:
            src = self._sources.get(save)
            if src is None:
                src = self._sources[save] = self.source(save)
            f = build(src, "_make", plain=not members_innermost)
            self._factories[key] = f
        return f


def time_major(cm, name: str) -> bool:
    """Whether outputs of ``name`` are buffered ``(T, N, ...)`` (values with few elements: one
    row per step is then a contiguous write) rather than written ``(N, T, ...)`` directly."""
    return (cm.sizes[name] or 1) < 8


def scalar_possible(cm) -> bool:
    """Whether the scalar (Python float) variant can run ``cm``: no arrays anywhere."""
    from .expr import walk

    for c in cm.components.values():
        if c.dims or getattr(c, "elements", ()):
            return False
        node = c.node if c.kind in ("aux", "flow") else (c.initial_node if c.kind == "stock" else None)
        if node is not None:
            for x in walk(node):
                if isinstance(x, (Index, Subscript)):
                    return False
                if isinstance(x, Call) and (x.func in ("matmul", "_solve", "inverse", "identity", "rename", "shift")
                                            or (x.func in B.REDUCTIONS and len(x.args) > 1
                                                and isinstance(x.args[1], Str))):
                    return False
    return True


class ScalarProgram:
    """Generated Python-float code of a model without arrays: the whole run in one function."""

    def __init__(self, cm, method: str, save: tuple[str, ...]):
        from .compiler import Noise, Pipe, Prev

        self.cm = cm
        self.slots = Slots()
        comps = cm.components
        names: dict[str, str] = {}
        for j, n in enumerate(comps):
            c = comps[n]
            if c.kind == "constant":
                names[n] = self.slots.get(("const", n))
            elif c.kind == "stock":
                names[n] = f"s{j}"
            else:
                names[n] = f"v{j}"
        self.names = names
        ctx = Ctx(model=cm.model, comps=comps, layouts={}, logical={}, names=names, slots=self.slots)
        gen = ScalarGen(ctx)
        L = _Lines()
        L(0, "def _run(R, n_steps, stride, t0, dt):")
        body = _Lines()
        dt_slot = self.slots.get(("sys", "dt"))
        t0_slot = self.slots.get(("sys", "initial_time"))

        temps = [0]

        def item_code(n, depth, out, phase, stage_names=None):
            c = comps[n]
            nm = names[n]
            ctx.where = cm.display(n)

            def spill(code):
                temps[0] += 1
                out(depth, f"t{temps[0]} = {code}")
                return f"t{temps[0]}"
            ctx.spill = spill
            if isinstance(c, Pipe):
                if phase == "init":
                    out(depth, f"{nm} = {names[c.init]}")
                else:
                    H = self.slots.get(("hist", n))
                    out(depth, f"{nm} = _s_pipe({H}, t, {names[c.time]}, {t0_slot}, {dt_slot}, i, {names[c.init]})")
                return
            if isinstance(c, Prev):
                if phase == "init":
                    out(depth, f"{nm} = {names[c.init]}")
                return
            if isinstance(c, Noise):
                Z = self.slots.get(("noise", n))
                out(depth, f"{nm} = {Z}[{'0' if phase == 'init' else 'i'}]")
                return
            node = c.initial_node if c.kind == "stock" else c.node
            code = gen.expr(node)
            if c.kind == "flow" and c.non_negative:
                code = f"_s_max({code}, 0.0)"
            out(depth, f"{nm} = {code}")

        static = {it[1] for it in cm.static}
        for it in cm.static:
            item_code(it[1], 1, body, "static")
        body(1, "t = t0")
        body(1, "i = 0")
        for n in cm.timeseries:
            body(1, f"{names[n]} = {self.slots.get(('ts', 0, n))}[0]")
        for it in cm.init_order:
            if it[1] not in static:
                item_code(it[1], 1, body, "init")
        for s in cm.stocks:
            if comps[s].non_negative:
                body(1, f"{names[s]} = _s_max({names[s]}, 0.0)")
        for p in cm.prevs:
            body(1, f"r{cm.prevs.index(p)} = {names[p]}")
        outs = []
        for n in save:
            a = self.slots.get(("out", n))
            outs.append((a, names[n]))
        stocks = cm.stocks
        body(1, "h = dt")
        body(1, "h2 = h / 2")
        body(1, "h6 = h / 6")
        body(1, "k = 0")
        body(1, "chk = 0.0")
        body(1, "for i in range(n_steps + 1):")
        body(2, "ti = t0 + i * dt")
        body(2, "t = ti")

        def stage(depth, ts_key, stock_map):
            saved = {}
            for s in stocks:
                saved[s] = names[s]
                names[s] = stock_map[s]
            for n in cm.timeseries:
                body(depth, f"{names[n]} = {self.slots.get(('ts', ts_key, n))}[i]")
            for it in cm.dynamic:
                item_code(it[1], depth, body, "dynamic")
            ders = []
            for s in stocks:
                c = comps[s]
                if not c.inflows and not c.outflows:
                    ders.append("0.0")
                    continue
                acc = "0.0" + "".join(f" + {names[f]}" for f in c.inflows) + "".join(f" - {names[f]}" for f in c.outflows)
                ders.append(f"({acc})")
            for s in stocks:
                names[s] = saved[s]
            return ders

        ders = stage(2, 0, {s: names[s] for s in stocks})
        for p in cm.pipes:
            body(2, f"{self.slots.get(('hist', p))}.append({names[comps[p].inp]})")
        for p in cm.prevs:
            body(2, f"r{cm.prevs.index(p)} = {names[comps[p].inp]}")
        body(2, "if i % stride == 0:")
        for a, nm in outs:
            body(3, f"{a}({nm})")
        if not outs:
            body(3, "pass")
        body(2, "if i == n_steps:")
        body(3, "break")
        if method == "euler":
            for j in range(len(stocks)):
                body(2, f"d{j} = {ders[j]}")
            for j, s in enumerate(stocks):
                body(2, f"{names[s]} = {names[s]} + dt * d{j}")
        else:
            for j in range(len(stocks)):
                body(2, f"k1_{j} = {ders[j]}")
            for stage_no, (tcode, ts_key, scale, src) in enumerate(
                    [("ti + h2", 1, "h2", "k1_"), ("ti + h2", 1, "h2", "k2_"), ("ti + h", 2, "h", "k3_")]):
                m = {s: f"z{j}" for j, s in enumerate(stocks)}
                for j, s in enumerate(stocks):
                    body(2, f"z{j} = {names[s]} + {scale} * {src}{j}")
                body(2, f"t = {tcode}")
                d2 = stage(2, ts_key, m)
                for j in range(len(stocks)):
                    body(2, f"k{stage_no + 2}_{j} = {d2[j]}")
            for j, s in enumerate(stocks):
                body(2, f"{names[s]} = {names[s]} + h6 * (k1_{j} + 2 * k2_{j} + 2 * k3_{j} + k4_{j})")
        for s in stocks:
            if comps[s].non_negative:
                body(2, f"{names[s]} = _s_max({names[s]}, 0.0)")
        for p in cm.prevs:
            body(2, f"{names[p]} = r{cm.prevs.index(p)}")
        if stocks:
            body(2, "chk = chk + " + " + ".join(names[s] for s in stocks))
        body(1, "return chk")
        for j in range(len(self.slots.keys)):
            L(1, f"c{j} = R[{j}]")
        L.lines += body.lines
        self.source = "\n".join(L.lines) + "\n"
        self.run = build(self.source, "_run")
