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


@pytest.mark.slow
def test_smooth_with_an_integer_valued_initial_value_runs_in_pysd_like_regsim(tmp_path):
    """PySD keeps an integer literal's dtype for a SMTH1 state: ``SMTH1(x, 2, 1)`` with x just below 1 then
    truncated each step's change to -0.5. The writer writes stateful initial values as floats (``1.0``)."""
    from simulator.engine import Aux, Model, Stock

    m = Model("smooth_int_init", [
        Stock("s", initial=1.0, inflows=("f",), units="1"),
        Aux("f", equation="-1e-16 * s", units="1/yr"),
        Aux("x", equation="s - 2e-16", units="1"),
        Aux("y", equation="smooth(x, 2, 1) + delay1(x, 2, 1) + smooth3(x, 2, 1)", units="1"),
    ])
    check = pysd_crosscheck(m, SimSettings(0, 2, 0.25, save_every=0.25), workdir=tmp_path)
    assert check.ok, check.failures
    text = (tmp_path / "smooth_int_init.xmile").read_text(encoding="utf-8")
    assert "SMTH1(x, 2, 1.0)" in text, text[text.find("SMTH1"):text.find("SMTH1") + 40]
