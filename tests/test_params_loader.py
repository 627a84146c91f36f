"""Tests of the parameter loader (simulator.params): format, validation, hashing."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from simulator.model import load_model_parameters
from simulator.params import ParameterError, ParameterSet, load_parameters

REPO = Path(__file__).resolve().parents[1]

GOOD = '''
[meta]
block = "demo"
description = "a demo block"

[alpha]
value = 0.5
unit = "1"
range = [0.0, 1.0]
distribution = "triangular"
mode = 0.5
source = "assumption: demo"
free = true
doc = "a scalar"

[shares]
dims = "sector"
value = [0.2, 0.8]
unit = "1"
range_lo = [0.0, 0.5]
range_hi = [0.5, 1.0]
source = "data: demo"
'''


def write(tmp_path, text, name="demo.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_shipped_parameters_load_and_are_complete():
    ps = load_model_parameters(REPO / "params")
    assert len(ps) > 100
    assert set(ps.blocks) >= {"production", "demand", "io", "competitiveness", "labour_market", "population",
                              "energy_carbon", "trade", "digital", "finance", "innovation", "levers"}
    for name, p in ps.items():
        assert p.unit and p.source, name
        lo, hi = p.bounds()
        assert np.all(lo <= p.array()) and np.all(p.array() <= hi), name
    free = ps.free()
    assert 5 <= len(free) <= 12, [p.name for p in free]


def test_good_file_parses(tmp_path):
    ps = load_parameters(write(tmp_path, GOOD))
    assert ps["alpha"].value == 0.5 and ps["alpha"].free and ps["alpha"].mode == 0.5
    assert ps["shares"].dims == ("sector",) and ps["shares"].value == (0.2, 0.8)
    vals = ps.values()
    assert vals["alpha"] == 0.5 and np.allclose(vals["shares"], [0.2, 0.8])
    assert ps.blocks == {"demo": "a demo block"}


def test_hash_is_stable_and_content_sensitive(tmp_path):
    a = load_parameters(write(tmp_path, GOOD))
    (tmp_path / "other").mkdir()
    b = load_parameters(write(tmp_path / "other", GOOD, "renamed.toml"))
    assert a.hash() == b.hash() and len(a.hash()) == 64
    c = a.with_values({"alpha": 0.6})
    assert c.hash() != a.hash() and c["alpha"].value == 0.6 and a["alpha"].value == 0.5


@pytest.mark.parametrize("mutation, fragment", [
    (lambda t: t.replace('doc = "a scalar"', 'doc = "a scalar"\nbogus = 1'), "alpha.bogus: unknown field"),
    (lambda t: t.replace('unit = "1"\nrange = [0.0, 1.0]', 'range = [0.0, 1.0]', 1), "alpha: missing unit"),
    (lambda t: t.replace('source = "assumption: demo"\n', '', 1), "alpha: missing source"),
    (lambda t: t.replace('range = [0.0, 1.0]\n', '', 1), "alpha: missing range"),
    (lambda t: t.replace('value = 0.5', 'value = 1.5', 1), "alpha: value 1.5 outside range"),
    (lambda t: t.replace('value = 0.5', 'value = nan', 1), "alpha: value is not finite"),
    (lambda t: t.replace('value = [0.2, 0.8]', 'value = [0.2, 0.4]'), "shares: value [0.2, 0.4] outside range"),
    (lambda t: t.replace('distribution = "triangular"', 'distribution = "beta"'), "alpha.distribution: unknown"),
    (lambda t: t.replace('mode = 0.5\n', ''), "needs mode"),
    (lambda t: t.replace('[alpha]', '[alpha'), "bad TOML"),
    (lambda t: t.replace('block = "demo"\n', ''), "meta.block"),
])
def test_errors_name_file_key_and_problem(tmp_path, mutation, fragment):
    p = write(tmp_path, mutation(GOOD))
    with pytest.raises(ParameterError) as exc:
        load_parameters(p)
    msg = str(exc.value)
    assert "\n" not in msg
    assert str(p) in msg
    assert fragment in msg


def test_duplicate_name_across_files(tmp_path):
    write(tmp_path, GOOD, "a.toml")
    write(tmp_path, GOOD.replace('block = "demo"', 'block = "demo2"'), "b.toml")
    with pytest.raises(ParameterError, match="alpha: duplicate parameter name"):
        load_parameters(tmp_path)


def test_missing_path_and_empty_dir(tmp_path):
    with pytest.raises(ParameterError, match="no such file"):
        load_parameters(tmp_path / "nope")
    with pytest.raises(ParameterError, match="no \\*.toml"):
        load_parameters(tmp_path)


def test_with_values_validates(tmp_path):
    ps = load_parameters(write(tmp_path, GOOD))
    with pytest.raises(ParameterError, match="outside range"):
        ps.with_values({"alpha": 2.0})
    with pytest.raises(ParameterError, match="unknown parameter"):
        ps.with_values({"beta": 0.1})
    assert ps.with_values({"alpha": 2.0}, check_range=False)["alpha"].value == 2.0
    assert isinstance(ps, ParameterSet) and "alpha" in ps and len(ps) == 2
    assert math.isclose(ps.values()["alpha"], 0.5)


def test_overlay_files_are_skipped_by_default_and_applied_on_request(tmp_path):
    write(tmp_path, GOOD, "demo.toml")
    write(tmp_path, GOOD.replace('block = "demo"', 'block = "calibrated"').replace("value = 0.5", "value = 0.7", 1)
          .split("[shares]")[0], "calibrated.toml")
    assert load_parameters(tmp_path)["alpha"].value == 0.5
    ps = load_parameters(tmp_path, overlays=True)
    assert ps["alpha"].value == 0.7 and ps["alpha"].block == "demo" and ps["shares"].value == (0.2, 0.8)
    write(tmp_path, GOOD.replace('block = "demo"', 'block = "calibrated"').replace("[alpha]", "[gamma]")
          .split("[shares]")[0], "calibrated.toml")
    with pytest.raises(ParameterError, match="gamma: overlay defines an unknown parameter"):
        load_parameters(tmp_path, overlays=True)
