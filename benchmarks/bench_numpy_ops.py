"""What single numpy operations cost at the sizes of an HLJ ensemble chunk (2,000 members).

Run with ``.venv/bin/python benchmarks/bench_numpy_ops.py [--members 2000]``. Times (best of 5
repeats of many calls, allocator tuned as in a simulation) the operations the generated step is
made of: element-wise arithmetic on commodity vectors (``(N, 9)``) with and without an operand
broadcast over the commodity axis, powers, the sum over a short axis (numpy's and the engine's
``builtins.sum_axes``), the batched 9 x 9 solve of the input-output block, and operations on the
cohort block's ``(N, 2, 18)`` arrays; then the same with the engine's members-innermost layout
(Fortran-ordered ensemble arrays, results allocated with ``order="F"``) and its solve by
elimination over members. Prints a markdown table in microseconds per call.
"""

from __future__ import annotations

import argparse
import timeit

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=2000)
    args = ap.parse_args()
    from simulator.engine.buffers import tune_allocator
    from simulator.engine.builtins import sum_axes

    tune_allocator()
    n = args.members
    rng = np.random.default_rng(1)
    a, b = rng.random((n, 9)), rng.random((n, 9))
    col, row = rng.random((n, 1)), rng.random((1, 9))
    a5 = rng.random((n, 5))
    x, y, z = rng.random((n, 2, 18)), rng.random((n, 2, 18)), rng.random((n, 1, 1))
    m = np.eye(9)[None] - rng.random((n, 9))[:, :, None] * (rng.random((1, 9, 9)) / 9)
    rhs = rng.random((n, 9, 1))
    v = rng.random(n)
    aF, bF = np.asfortranarray(a), np.asfortranarray(b)     # members innermost (the engine's layout)
    xF = np.asfortranarray(x)
    mF = np.asfortranarray(m)
    from simulator.engine.builtins import solve

    cases = [
        (f"({n}, 9) * ({n}, 9)", lambda: a * b, 2000),
        (f"({n}, 9) * ({n}, 1)  (broadcast over the commodity axis)", lambda: a * col, 2000),
        (f"({n}, 9) * (1, 9)", lambda: a * row, 2000),
        (f"({n},) * ({n},)", lambda: v * v, 2000),
        (f"exp ({n}, 9)", lambda: np.exp(a), 2000),
        (f"power ({n}, 9) ** ({n}, 9)", lambda: np.power(a, b), 1000),
        (f"numpy.sum ({n}, 9), last axis", lambda: np.sum(a, axis=-1), 2000),
        (f"builtins.sum_axes ({n}, 9), last axis", lambda: sum_axes(a, -1), 2000),
        (f"numpy.sum ({n}, 5), last axis", lambda: np.sum(a5, axis=-1), 2000),
        (f"builtins.sum_axes ({n}, 5), last axis", lambda: sum_axes(a5, -1), 2000),
        (f"numpy.linalg.solve ({n}, 9, 9), ({n}, 9, 1)", lambda: np.linalg.solve(m, rhs), 100),
        (f"({n}, 2, 18) * ({n}, 2, 18)", lambda: x * y, 1000),
        (f"({n}, 2, 18) * ({n}, 1, 1)", lambda: x * z, 1000),
        (f"({n}, 2, 18) + ({n}, 2, 18), out=", lambda: np.add(x, y, out=x), 1000),
        (f"members innermost: ({n}, 9) * ({n}, 9)", lambda: np.multiply(aF, bF, order="F"), 2000),
        (f"members innermost: ({n}, 9) * ({n}, 1)", lambda: np.multiply(aF, col, order="F"), 2000),
        (f"members innermost: ({n}, 9) * (1, 9)", lambda: np.multiply(aF, row, order="F"), 2000),
        (f"members innermost: ({n}, 1) * (1, 9) (result allocated members-innermost)",
         lambda: np.multiply(col, row, order="F"), 2000),
        (f"({n}, 1) * (1, 9) (numpy's default: C order)", lambda: col * row, 2000),
        (f"members innermost: builtins.sum_axes ({n}, 9), last axis", lambda: sum_axes(aF, -1), 2000),
        (f"members innermost: ({n}, 2, 18) * ({n}, 1, 1)", lambda: np.multiply(xF, z, order="F"), 1000),
        (f"members innermost: builtins.solve ({n}, 9, 9), ({n}, 9) (elimination over members)",
         lambda: solve(mF, rhs[..., 0]), 100),
    ]
    print(f"members {n:,}; best of 5 repeats")
    print()
    print("| operation | µs per call | ns per element of the result |")
    print("|---|---:|---:|")
    for name, f, k in cases:
        t = min(timeit.repeat(f, number=k, repeat=5)) / k
        size = np.size(f())
        print(f"| {name} | {1e6 * t:.1f} | {1e9 * t / size:.2f} |")


if __name__ == "__main__":
    main()
