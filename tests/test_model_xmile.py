"""The exported Heilongjiang model runs the same in PySD (finding 4).

PySD builds the smooth state of a ratio initialised by the integer literal ``1`` as an integer
array, so an input of 1 - 1 ulp at t0 would be truncated to 0. The model makes every smoothed ratio
exactly 1 at t0 (relative unit costs normalised by their 2018 values), so no tool can disagree.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine import SimSettings, simulate
from simulator.model import build_model


def test_smoothed_ratios_start_exactly_at_one():
    r = simulate(build_model(), settings=SimSettings(2018, 2019, 0.25, save_every=0.25))
    for name in ("unit_cost_relative", "perceived_unit_cost_relative", "tfp", "resource_factor"):
        np.testing.assert_allclose(r[name][0, 0], 1.0, rtol=0, atol=1e-14, err_msg=name)   # to rounding
    np.testing.assert_array_equal(r["value_added_demanded"][0, 0], r["value_added"][0, 0])


@pytest.mark.slow
def test_pysd_runs_the_exported_hlj_model_like_regsim(tmp_path):
    """Whole baseline 2018-2050, Euler dt 0.25: |regsim - PySD| <= 1e-9 + 1e-6 |PySD| for every column."""
    pytest.importorskip("pysd")
    from simulator.xmile.crosscheck import pysd_crosscheck

    check = pysd_crosscheck(build_model(), SimSettings(2018, 2050, 0.25, save_every=1), workdir=tmp_path)
    assert check.ok, dict(list(check.failures.items())[:10])
    assert len(check.max_abs) > 500
