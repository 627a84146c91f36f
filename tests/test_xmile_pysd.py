"""Cross-check with an independent engine: export to XMILE, run in PySD, compare.

Slow (PySD translates and imports a Python module per model). Tolerance:
``|regsim - pysd| <= 1e-9 + 1e-6*|pysd|`` with Euler at the same dt.
The lead points :func:`pysd_crosscheck` at the Heilongjiang model the same way.
"""

import pytest
from xmile_models import demo_model

from simulator import SimSettings

pytest.importorskip("pysd")

from simulator.xmile.crosscheck import pysd_crosscheck  # noqa: E402


@pytest.mark.slow
def test_pysd_runs_the_exported_demo_model_like_regsim(tmp_path):
    check = pysd_crosscheck(demo_model(), SimSettings(0, 10, 0.25, save_every=0.5), workdir=tmp_path)
    assert check.ok, check.failures
    assert len(check.max_abs) >= 15  # scalars plus one column per element
    assert (tmp_path / "demo.xmile").exists()


@pytest.mark.slow
def test_pysd_crosscheck_with_scenario_params():
    check = pysd_crosscheck(demo_model(), SimSettings(0, 6, 0.5, save_every=1), params={"rate": 0.15, "life": 12})
    assert check.ok, check.failures
