"""glibc allocator settings (:func:`simulator.engine.buffers.tune_allocator`): applied once per
process, left alone on request, they remove the page faults of repeated temporaries, and results
are bit-identical with and without them.

Each check runs in a fresh interpreter: the settings are per process and the test process has
usually run simulations (and so tuned its allocator) already.
"""

import json
import os
import platform
import subprocess
import sys
import textwrap

import pytest

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
needs_glibc = pytest.mark.skipif(not GLIBC, reason="mallopt settings exist on glibc only")


def run_python(code: str, tmp_path, **env) -> dict:
    """Run ``code`` in a fresh interpreter (environment without malloc variables, plus ``env``);
    it prints one JSON object, returned."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("MALLOC_") and k != "REGSIM_MALLOC_DEFAULTS"}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env={**base, **env},
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


CALLS = """
    import json
    from simulator.engine.buffers import tune_allocator
    print(json.dumps({"first": tune_allocator(), "second": tune_allocator()}))
"""


@needs_glibc
def test_applied_once_per_process(tmp_path):
    assert run_python(CALLS, tmp_path) == {"first": True, "second": False}


@needs_glibc
@pytest.mark.parametrize("env", [{"REGSIM_MALLOC_DEFAULTS": "1"}, {"REGSIM_MALLOC_DEFAULTS": ""},
                                 {"MALLOC_TOP_PAD_": "131072"}, {"MALLOC_MMAP_THRESHOLD_": "131072"}])
def test_environment_opt_out_leaves_the_allocator_alone(tmp_path, env):
    assert run_python(CALLS, tmp_path, **env) == {"first": False, "second": False}


FAULTS = """
    import json, os, resource
    import numpy as np
    from simulator.engine.buffers import tune_allocator
    tuned = tune_allocator()
    a = np.random.default_rng(0).random((2000, 2, 18))   # 576 kB: one cohort block, 2,000 members
    b = a[::-1].copy()
    def step():
        c = a * b + a - b * 0.5
        return np.exp(c) * a
    for _ in range(20):
        step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(200):
        step()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    print(json.dumps({"tuned": tuned, "faults": faults}))
"""


@needs_glibc
def test_tuned_allocator_removes_page_faults_of_repeated_temporaries(tmp_path):
    tuned = run_python(FAULTS, tmp_path)
    default = run_python(FAULTS, tmp_path, REGSIM_MALLOC_DEFAULTS="1")
    assert tuned["tuned"] and not default["tuned"]
    # 200 steps of 576 kB temporaries: one fresh 141-page array per step is 28,000 faults
    assert tuned["faults"] < 1_000
    if default["faults"] < 10_000:
        pytest.skip(f"glibc's defaults fault little on this pattern here ({default['faults']})")
    assert tuned["faults"] * 20 < default["faults"]


ENSEMBLE = """
    import hashlib, json, sys
    import numpy as np, pandas as pd
    sys.path.insert(0, {tests!r})
    from test_engine_chunking import wide_model
    from simulator import SimSettings
    from simulator.engine.buffers import _TUNED
    from simulator.ensemble import run_ensemble
    m = wide_model(36)
    rng = np.random.default_rng(11)
    n = 2000
    samples = pd.DataFrame({{"birth": rng.uniform(0.01, 0.03, n), "death[f,a3]": rng.uniform(0.0, 0.02, n)}})
    e = run_ensemble(m, samples, settings=SimSettings(0, 4, 0.25, save_every=0.5, seed=2),
                     variables=["pop", "total", "deaths"])
    h = {{v: hashlib.sha256(np.ascontiguousarray(e.values(v)).tobytes()).hexdigest() for v in ("pop", "total", "deaths")}}
    h["spread"] = float(np.ptp(e.values("total")[:, -1]))
    h["tried"] = _TUNED[0]
    print(json.dumps(h))
"""


def test_results_are_bit_identical_with_and_without_the_settings(tmp_path):
    code = ENSEMBLE.format(tests=os.path.dirname(os.path.abspath(__file__)))
    tuned = run_python(code, tmp_path)
    default = run_python(code, tmp_path, REGSIM_MALLOC_DEFAULTS="1")
    assert tuned["tried"] and default["tried"]   # simulate() called tune_allocator in both
    assert tuned["spread"] > 0
    assert tuned == default
