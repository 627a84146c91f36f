"""Where the time of an HLJ ensemble step goes: line timing of the generated ``evaluate()``.

Run with ``.venv/bin/python benchmarks/profile_step.py [--members 2000] [--top 25]``. Builds the
baseline ensemble of ``bench_ensemble.py`` (every uncertain parameter sampled by LHS, the nine
headline variables kept), compiles the model's vector program with a timer around every
statement of ``evaluate()`` (the generated code itself is unchanged; ``ast`` adds the timers),
runs one ensemble of ``--members`` members in one chunk and prints: the slowest statements, the
time by the shape of the value a statement assigns, and by the model block (component group)
of the variable. The timers add about 0.1 µs per statement; totals are wall-clock seconds of one
run, so they move with the machine's load like every other benchmark here.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def _instrument(stmts: list) -> list:
    out = []
    for s in stmts:
        if isinstance(s, ast.If):
            s.body = _instrument(s.body)
            s.orelse = _instrument(s.orelse)
        if isinstance(s, ast.Return):
            out.append(s)
            continue
        ln = s.lineno
        out.append(ast.parse(f"_tt{ln} = _pc()").body[0])
        out.append(s)
        out.append(ast.parse(f"_T[{ln}] = _T.get({ln}, 0.0) + (_pc() - _tt{ln})").body[0])
        if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name):
            out.append(ast.parse(f"_S[{ln}] = _np.shape({s.targets[0].id})").body[0])
    return out


class _Timers(ast.NodeTransformer):
    def visit_FunctionDef(self, node):
        self.generic_visit(node)
        if node.name == "evaluate":
            node.body = _instrument(node.body)
        return node


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=2000)
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()

    from bench_ensemble import hlj_case

    from simulator.engine import codegen, programs
    from simulator.engine.simulate import compiled
    from simulator.ensemble import run_ensemble, sample

    _, model, base, st, ps, names, variables = hlj_case()
    s = sample(ps, args.members, 1, include=names, dimensions=model.dimensions)
    T: dict[int, float] = {}
    S: dict[int, tuple] = {}
    src: dict[str, str] = {}

    def build(source, entry, plain=False):
        tree = ast.fix_missing_locations(_Timers().visit(ast.parse(source)))
        ns = dict(codegen.NAMESPACE, _pc=time.perf_counter, _T=T, _S=S)
        if plain:
            ns.update(codegen._F_UFUNCS)
        exec(compile(tree, "<regsim generated model, timed>", "exec"), ns)  # noqa: S102 - the engine's own code
        src["text"] = source
        return ns[entry]

    programs.build = build
    cm = compiled(model)
    cm.vector._factories.clear()
    run_ensemble(model, s.iloc[:4], base, st, variables=variables)   # compile, warm up
    T.clear()
    t0 = time.perf_counter()
    run_ensemble(model, s, base, st, variables=variables, chunk_size=args.members)
    total = time.perf_counter() - t0
    lines = src["text"].splitlines()
    prog = cm.vector
    owner = {v: k for k, v in prog.names.items()}

    def target(ln):
        text = lines[ln - 1].strip()
        return text.split(" = ")[0] if " = " in text else None

    print(f"{args.members:,} members, one chunk: run {total:.3f} s, timed statements {sum(T.values()):.3f} s "
          "(an `if` block counts its body too)")
    print()
    print("| statement time [ms] | variable | statement (first 110 characters) |")
    print("|---:|---|---|")
    for ln, v in sorted(T.items(), key=lambda kv: -kv[1])[:args.top]:
        nm = owner.get(target(ln) or "", "")
        print(f"| {1e3 * v:.1f} | {nm} | `{lines[ln - 1].strip()[:110]}` |")
    print()
    by_shape: dict[str, list] = {}
    by_group: dict[str, list] = {}
    for ln, v in T.items():
        key = str(S[ln][1:]) if ln in S else "statement without a value (in-place, if)"
        by_shape.setdefault(key, [0.0, 0])
        by_shape[key][0] += v
        by_shape[key][1] += 1
        nm = owner.get(target(ln) or "")
        if nm is not None and ln in S:
            g = getattr(cm.components[nm], "group", "") or "(engine: hidden components)"
            by_group.setdefault(g, [0.0, 0])
            by_group[g][0] += v
            by_group[g][1] += 1
    print("| value shape per member | statements | time [ms] |")
    print("|---|---:|---:|")
    for k, (v, c) in sorted(by_shape.items(), key=lambda kv: -kv[1][0]):
        print(f"| {k} | {c} | {1e3 * v:.1f} |")
    print()
    print("| model block | statements | time [ms] |")
    print("|---|---:|---:|")
    for k, (v, c) in sorted(by_group.items(), key=lambda kv: -kv[1][0]):
        print(f"| {k} | {c} | {1e3 * v:.1f} |")


if __name__ == "__main__":
    main()
