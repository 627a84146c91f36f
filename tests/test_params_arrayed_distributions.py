"""Per-element distribution shape parameters of arrayed parameters (mode/mean/sd/median/sigma lists, "value")."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from simulator.calibration.core import free_parameters, prior_sd
from simulator.ensemble.sampling import marginals, sample
from simulator.model import load_model_parameters
from simulator.params import load_parameters
from simulator.params.loader import ParameterError

REPO = Path(__file__).resolve().parents[1]

HEAD = '[meta]\nblock = "b"\ndescription = "test block"\n\n'
ARR = """[k]
dims = "sector"
value = [1.0, 2.0, 8.0]
unit = "1"
range_lo = [0.0, 1.0, 5.0]
range_hi = [10.0, 3.0, 9.0]
source = "assumption: test"
"""


def _write(tmp_path, body: str, name: str = "b.toml") -> Path:
    f = tmp_path / name
    f.write_text(HEAD + body, encoding="utf-8")
    return f


def _load(tmp_path, body: str):
    return load_parameters(_write(tmp_path, body))


# -- loader: accepts -------------------------------------------------------------

def test_mode_list_per_element(tmp_path):
    p = _load(tmp_path, ARR + 'distribution = "triangular"\nmode = [0.5, 2.5, 6.0]\n')["k"]
    assert p.mode == (0.5, 2.5, 6.0)
    assert p.shape_at(0) == {"mode": 0.5} and p.shape_at(2) == {"mode": 6.0}
    assert p.as_dict()["mode"] == [0.5, 2.5, 6.0]
    hash(p)  # frozen and hashable


def test_mode_value_means_each_elements_value(tmp_path):
    p = _load(tmp_path, ARR + 'distribution = "triangular"\nmode = "value"\n')["k"]
    assert p.mode == p.value == (1.0, 2.0, 8.0)
    q = _load(tmp_path, ARR + 'distribution = "triangular"\nmode = [1.0, 2.0, 8.0]\n')["k"]
    assert p == q and hash(p) == hash(q)


def test_mode_value_for_a_scalar(tmp_path):
    body = ('[s]\nvalue = 0.3\nunit = "1"\nrange = [0.0, 1.0]\nsource = "assumption: x"\n'
            'distribution = "triangular"\nmode = "value"\n')
    p = _load(tmp_path, body)["s"]
    assert p.mode == 0.3 and isinstance(p.mode, float)


def test_scalar_shape_still_applies_to_every_element(tmp_path):
    body = ARR.replace("range_lo = [0.0, 1.0, 5.0]\nrange_hi = [10.0, 3.0, 9.0]\n", "range = [0.0, 10.0]\n")
    ps = _load(tmp_path, body + 'distribution = "triangular"\nmode = 2.0\n')
    p = ps["k"]
    assert p.mode == 2.0 and p.as_dict()["mode"] == 2.0
    assert [m.mode for m in marginals(ps)] == [2.0, 2.0, 2.0]


def test_normal_and_lognormal_lists(tmp_path):
    p = _load(tmp_path, ARR + 'distribution = "normal"\nmean = "value"\nsd = [1.0, 0.5, 0.25]\n')["k"]
    assert p.mean == (1.0, 2.0, 8.0) and p.sd == (1.0, 0.5, 0.25)
    assert p.shape_at(1) == {"mean": 2.0, "sd": 0.5}
    q = _load(tmp_path, ARR + 'distribution = "lognormal"\nmedian = [1.0, 2.0, 7.0]\nsigma = 0.3\n')["k"]
    assert q.median == (1.0, 2.0, 7.0) and q.sigma == 0.3
    assert q.shape_at(2) == {"median": 7.0, "sigma": 0.3}


def test_repository_parameters_load_and_arrayed_priors_use_their_values():
    ps = load_model_parameters(REPO / "params", overlays=True)
    tri = [p for _, p in ps.items() if p.dims and p.distribution == "triangular"]
    assert tri, "expected arrayed parameters with per-element triangular priors"
    for p in tri:
        assert p.mode == p.value, p.name
    # policy settings stay as they were
    levers = tomllib.loads((REPO / "params" / "levers.toml").read_text(encoding="utf-8"))
    assert not any(isinstance(t, dict) and t.get("mode") == "value" for t in levers.values())


# -- loader: refuses -------------------------------------------------------------

@pytest.mark.parametrize("extra, match", [
    ('distribution = "triangular"\nmode = [0.5, 2.5]\n', r"k\.mode: must have 3 elements"),
    ('distribution = "triangular"\nmode = [0.5, 2.5, 6.0, 7.0]\n', r"k\.mode: must have 3 elements"),
    ('distribution = "triangular"\nmode = [0.5, 4.0, 6.0]\n', r"k\.mode: .*outside range \(element\(s\) 1\)"),
    ('distribution = "triangular"\nmode = 4.0\n', r"k\.mode: .*outside range"),
    ('distribution = "triangular"\nmode = [0.5, "x", 6.0]\n', r"k\.mode: element must be a number"),
    ('distribution = "triangular"\nmode = "middle"\n', r"k\.mode: must be a number, \"value\" or a list"),
    ('distribution = "normal"\nmean = "value"\nsd = [1.0, 0.0, 1.0]\n', r"k\.sd: must be > 0.*element\(s\) 1"),
    ('distribution = "normal"\nmean = "value"\nsd = -1.0\n', r"k\.sd: must be > 0"),
    ('distribution = "normal"\nmean = "value"\nsd = "value"\n', r"k\.sd: must be a number or a list"),
    ('distribution = "lognormal"\nmedian = "value"\nsigma = [0.1, 0.2, -0.1]\n', r"k\.sigma: must be > 0"),
    ('distribution = "lognormal"\nmedian = [1.0, 0.0, 1.0]\nsigma = 0.1\n', r"k\.median: must be > 0"),
    ('distribution = "uniform"\nmode = "value"\n', r"k: field\(s\) mode not used"),
])
def test_loader_refuses(tmp_path, extra, match):
    f = _write(tmp_path, ARR + extra)
    with pytest.raises(ParameterError, match=match) as exc:
        load_parameters(f)
    msg = str(exc.value)
    assert "\n" not in msg and str(f) in msg


def test_list_shape_on_a_scalar_is_refused(tmp_path):
    body = ('[s]\nvalue = 0.3\nunit = "1"\nrange = [0.0, 1.0]\nsource = "assumption: x"\n'
            'distribution = "triangular"\nmode = [0.3]\n')
    with pytest.raises(ParameterError, match=r"s\.mode: a list is only allowed for arrayed parameters"):
        _load(tmp_path, body)


# -- samplers --------------------------------------------------------------------

ASYM = """[k]
dims = "sector"
value = [1.0, 8.0, 5.0]
unit = "1"
range = [0.0, 10.0]
distribution = "triangular"
mode = "value"
source = "assumption: test"
"""


def _tri_median(lo, hi, c):
    # median of a triangular distribution on [lo, hi] with mode c
    if c >= (lo + hi) / 2:
        return lo + math.sqrt((hi - lo) * (c - lo) / 2)
    return hi - math.sqrt((hi - lo) * (hi - c) / 2)


@pytest.mark.parametrize("method", ["lhs", "random", "sobol"])
def test_sampler_draws_element_i_with_element_i_mode(tmp_path, method):
    ps = _load(tmp_path, ASYM)
    df = sample(ps, 4096, seed=7, method=method, dimensions={"sector": ["a", "b", "c"]})
    assert list(df.columns) == ["k[a]", "k[b]", "k[c]"]
    for col, mode in zip(df.columns, (1.0, 8.0, 5.0)):
        x = df[col].to_numpy()
        assert x.min() >= 0.0 and x.max() <= 10.0
        assert abs(np.median(x) - _tri_median(0.0, 10.0, mode)) < 0.15, col
        assert abs(x.mean() - (0.0 + 10.0 + mode) / 3) < 0.15, col
        # the density peaks at the element's own mode
        hist, edges = np.histogram(x, bins=10, range=(0.0, 10.0))
        assert edges[np.argmax(hist)] <= mode <= edges[np.argmax(hist) + 1], col
    # element 0 (mode 1) and element 1 (mode 8) are skewed in opposite directions
    assert np.median(df["k[a]"]) < 4.0 < 6.0 < np.median(df["k[b]"])


def test_normal_per_element_mean_and_sd(tmp_path):
    body = ASYM.replace('distribution = "triangular"\nmode = "value"\n',
                        'distribution = "normal"\nmean = "value"\nsd = [0.5, 1.0, 2.0]\n')
    df = sample(_load(tmp_path, body), 4000, seed=3)
    assert abs(df["k[0]"].median() - 1.0) < 0.1
    assert abs(df["k[1]"].median() - 8.0) < 0.1
    assert df["k[0]"].std() < df["k[1]"].std() < df["k[2]"].std()


def test_sensitivity_mapping_uses_per_element_shape(tmp_path):
    from simulator.ensemble.sensitivity import sa_design

    ps = _load(tmp_path, ASYM)
    margs = marginals(ps)
    assert [m.mode for m in margs] == [1.0, 8.0, 5.0]
    U, X = sa_design(margs, "sobol", 256, seed=1)
    for j, m in enumerate(margs):
        np.testing.assert_allclose(X[m.column].to_numpy(), m.ppf(U[:, j]))
    assert X["k[0]"].median() < 4.0 < 6.0 < X["k[1]"].median()


# -- calibration -----------------------------------------------------------------

def test_calibration_prior_sd_per_element(tmp_path):
    body = ASYM + "free = true\n"
    ps = _load(tmp_path, body)
    fps = free_parameters(ps.free(), elements={"sector": ["a", "b", "c"]})
    assert [f.label for f in fps] == ["k[a]", "k[b]", "k[c]"]
    for f, mode in zip(fps, (1.0, 8.0, 5.0)):
        assert f.sd == pytest.approx(prior_sd("triangular", 0.0, 10.0, mode=mode))
        assert f.sd == pytest.approx(math.sqrt((0 + 100 + mode**2 - 0 - 10 * mode - 0) / 18))
    assert fps[0].sd != pytest.approx(fps[2].sd)

    body = ASYM.replace('distribution = "triangular"\nmode = "value"\n',
                        'distribution = "normal"\nmean = "value"\nsd = [0.5, 1.0, 2.0]\n') + "free = true\n"
    fps = free_parameters(_load(tmp_path, body).free())
    assert [f.sd for f in fps] == [0.5, 1.0, 2.0]


class _Idf:
    def __init__(self, se):
        self.std_errors = se


def test_writer_writes_per_element_shapes_back(tmp_path):
    from simulator.calibration.writer import _posterior_distribution

    ps = _load(tmp_path, ASYM + "free = true\n")
    p = ps["k"]
    fps = free_parameters([p])
    items = [(f, e) for f, e in zip(fps, (2.0, 7.5, 12.0))]
    # no posterior sd (plain least squares): the prior's triangular, each mode moved to its estimate (clipped)
    lines = _posterior_distribution(p, items, _Idf({}), 0.0)
    assert lines == ['distribution = "triangular"', "mode = [2.0, 7.5, 10.0]"]
    # with the prior penalty and a posterior sd per element: normal around the estimates
    se = {f.label: s for f, s in zip(fps, (0.1, 0.2, 0.3))}
    lines = _posterior_distribution(p, items[:2] + [(fps[2], 9.0)], _Idf(se), 1.0)
    assert lines == ['distribution = "normal"', "mean = [2.0, 7.5, 9.0]", "sd = [0.1, 0.2, 0.3]"]
    # the written lines load back as a valid arrayed parameter
    text = ASYM.replace('distribution = "triangular"\nmode = "value"\n', "\n".join(lines) + "\n")
    q = _load(tmp_path, text)["k"]
    assert q.mean == (2.0, 7.5, 9.0) and q.sd == (0.1, 0.2, 0.3)
    # per-element lists of a kept (non-mode) shape parameter are written as lists
    body = ASYM.replace('distribution = "triangular"\nmode = "value"\n',
                        'distribution = "lognormal"\nmedian = "value"\nsigma = [0.1, 0.2, 0.3]\n')
    p = _load(tmp_path, body)["k"]
    lines = _posterior_distribution(p, [(f, e) for f, e in zip(free_parameters([p]), (1, 8, 5))], _Idf({}), 0.0)
    assert lines == ['distribution = "lognormal"', "median = [1.0, 8.0, 5.0]", "sigma = [0.1, 0.2, 0.3]"]
