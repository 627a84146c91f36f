"""Sampling, sensitivity grouping, ensemble parameter blocks and calibration of parameters over two dimensions.

These tests need no engine support for arrays of several dimensions: the parameter blocks handed to
``simulate`` are checked directly; ``tests/test_nd_end_to_end.py`` runs a 2-D model once the engine has them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.calibration.core import CalibrationResult, Identifiability, free_parameters, prior_sd
from simulator.calibration.writer import format_calibrated_toml
from simulator.engine import Constant, SimSettings
from simulator.ensemble.runner import _chunk_params, _column_map, parse_output
from simulator.ensemble.sampling import marginals, sample
from simulator.ensemble.sensitivity import analyze_function, factors
from simulator.params import ParameterError, load_parameters

DIMS = {"commodity": ("agri", "industry", "services"), "sector": ("agri", "industry", "services"),
        "age": ("young", "old"), "sex": ("male", "female")}
HEAD = '[meta]\nblock = "nd"\ndescription = "2-D sampling test"\n\n'
BODY = """[scale]
value = 1.0
unit = "1"
range = [0.5, 1.5]
source = "assumption: test"

[io]
dims = ["commodity", "sector"]
unit = "1"
range = [0.0, 0.5]
distribution = "triangular"
mode = "value"
source = "assumption: test table"
free = true
[io.value]
agri = {agri = 0.10, industry = 0.05, services = 0.01}
industry = {agri = 0.15, industry = 0.30, services = 0.06}
services = {agri = 0.05, industry = 0.12, services = 0.20}

[sparse]
dims = ["commodity", "sector"]
unit = "1"
default = 0.0
distribution = "normal"
mean = "value"
sd = 0.02
range = [0.01, 0.4]
source = "assumption: sparse"
free = true
[sparse.value]
industry.agri = 0.15
services.industry = 0.12

[pop0]
dims = ["age", "sex"]
unit = "10k persons"
distribution = "uniform"
source = "data: test"
[pop0.value]
young = {male = 100.0, female = 95.0}
old = {male = 80.0, female = 110.0}
[pop0.range]
young = {male = [90.0, 110.0], female = [85.0, 105.0]}
old = {male = [70.0, 90.0], female = [100.0, 120.0]}
"""


@pytest.fixture()
def ps(tmp_path):
    f = tmp_path / "nd.toml"
    f.write_text(HEAD + BODY, encoding="utf-8")
    return load_parameters(f, dimensions=DIMS)


class FakeModel:
    """The parts of a Model the ensemble runner reads (the engine of this branch refuses 2-D constants)."""

    def __init__(self, ps):
        self.dimensions = DIMS
        self._c = {n: Constant(n, units=p.unit, dims=p.dims, value=p.array().tolist() if p.dims else float(p.value))
                   for n, p in ps.items()}

    def __contains__(self, name):
        return name in self._c

    def __getitem__(self, name):
        return self._c[name]

    def size(self, name):
        c = self._c[name]
        return len(self.dimensions[c.dims[0]]) if c.dims else None


def test_marginals_one_per_cell_sparse_cells_skipped(ps):
    m = marginals(ps, DIMS)
    cols = [x.column for x in m]
    assert cols[:10] == ["scale", "io[agri,agri]", "io[agri,industry]", "io[agri,services]", "io[industry,agri]",
                         "io[industry,industry]", "io[industry,services]", "io[services,agri]",
                         "io[services,industry]", "io[services,services]"]
    assert [x.column for x in m if x.parameter == "sparse"] == ["sparse[industry,agri]", "sparse[services,industry]"]
    assert [x.index for x in m if x.parameter == "sparse"] == [3, 7]  # flat C-order cell indices
    io_ind_agri = next(x for x in m if x.column == "io[industry,agri]")
    assert io_ind_agri.mode == 0.15 and io_ind_agri.lo == 0.0 and io_ind_agri.hi == 0.5
    pop_old_f = next(x for x in m if x.column == "pop0[old,female]")
    assert (pop_old_f.lo, pop_old_f.hi, pop_old_f.value) == (100.0, 120.0, 110.0)
    assert len(m) == 1 + 9 + 2 + 4
    # the parameters carry their element names: the same columns without the dimensions
    assert [x.column for x in marginals(ps)] == cols


@pytest.mark.parametrize("method", ["lhs", "sobol", "random"])
def test_each_cell_is_drawn_through_its_own_distribution(ps, method):
    s = sample(ps, 256, seed=3, method=method, dimensions=DIMS)
    assert s.shape == (256, 16)
    lo_hi = {"pop0[young,male]": (90, 110), "pop0[old,female]": (100, 120), "io[services,services]": (0.0, 0.5)}
    for col, (lo, hi) in lo_hi.items():
        assert s[col].min() >= lo and s[col].max() <= hi
    # triangular with its own mode: the sample median is near the cell's triangular median
    for col, mode in (("io[industry,industry]", 0.30), ("io[agri,services]", 0.01)):
        a, b, c = 0.0, 0.5, mode
        med = b - math.sqrt((b - a) * (b - c) / 2) if c < (a + b) / 2 else a + math.sqrt((b - a) * (c - a) / 2)
        assert abs(s[col].median() - med) < 0.03, col
    # truncated normal of a sparse cell centres on its value
    assert abs(s["sparse[industry,agri]"].mean() - 0.15) < 0.005
    # reproducible bit for bit
    assert s.equals(sample(ps, 256, seed=3, method=method, dimensions=DIMS))


def test_correlations_between_cells(ps):
    from scipy.stats import spearmanr

    s = sample(ps, 400, seed=1, dimensions=DIMS, correlations={("io[agri,agri]", "pop0[old,male]"): 0.7})
    r = spearmanr(s["io[agri,agri]"], s["pop0[old,male]"]).statistic
    assert 0.6 < r < 0.8
    from simulator.ensemble.sampling import SamplingError

    with pytest.raises(SamplingError, match="'sparse\\[agri,agri\\]' is not a sampled parameter"):
        sample(ps, 50, seed=1, dimensions=DIMS, correlations={("sparse[agri,agri]", "scale"): 0.3})


def test_sample_columns_become_2d_parameter_blocks(ps):
    model = FakeModel(ps)
    s = sample(ps, 5, seed=2, dimensions=DIMS)
    colmap = _column_map(model, s.columns)
    params = _chunk_params(model, colmap, s.to_numpy(), {})
    io = params["io"]
    assert io.shape == (5, 3, 3) and io.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(io[:, 1, 2], s["io[industry,services]"].to_numpy())
    sp = params["sparse"]
    assert sp.shape == (5, 3, 3)
    np.testing.assert_array_equal(sp[:, 2, 1], s["sparse[services,industry]"].to_numpy())
    assert np.all(sp[:, 0, 0] == 0.0) and np.all(sp[:, 1, 1] == 0.0)  # unlisted cells keep the default
    np.testing.assert_array_equal(params["pop0"][:, 1, 0], s["pop0[old,male]"].to_numpy())
    assert params["scale"].shape == (5,)


def test_sample_column_names_are_checked(ps):
    from simulator.ensemble.runner import EnsembleError

    model = FakeModel(ps)
    assert _column_map(model, ["io[industry, services]"])[0].index == 5
    assert _column_map(model, ["io[1,2]"])[0].index == 5
    for col, msg in (("io[agri]", "give 2 element names"), ("io", "arrayed over commodity x sector"),
                     ("io[agri,farm]", "sector has no element 'farm'"), ("pop0[old,male,x]", "give 2 element names")):
        with pytest.raises(EnsembleError, match=msg.replace("[", "\\[")):
            _column_map(model, [col])


def test_output_spec_of_a_cell():
    spec = parse_output("flows[industry, services]@2030")
    assert spec.element == "industry,services" and str(spec) == "flows[industry,services]@2030"


def test_sensitivity_treats_a_table_as_one_factor(ps):
    pytest.importorskip("SALib")
    margs = marginals(ps, DIMS)
    assert list(factors(margs, "parameter")) == ["scale", "io", "sparse", "pop0"]
    assert len(factors(margs, "element")) == 16

    def f(X):  # only io and scale matter; io through several cells
        io = X[[c for c in X.columns if c.startswith("io[")]].to_numpy()
        return X["scale"].to_numpy() * 0.2 + io @ np.linspace(1.0, 3.0, 9)

    res = analyze_function(f, margs, method="sobol", n=256, seed=4, group_by="parameter")
    t = res.table.set_index("parameter")
    assert list(t.index) == ["io", "scale", "sparse", "pop0"] and res.metadata["runs"] == 256 * (4 + 2)
    assert t.loc["io", "ST"] > 0.8 and abs(t.loc["pop0", "ST"]) < 0.05 and abs(t.loc["sparse", "ST"]) < 0.05
    assert res.metadata["groups"]["io"][0] == "io[agri,agri]" and len(res.metadata["groups"]["io"]) == 9
    per_cell = analyze_function(f, margs, method="sobol", n=256, seed=4, group_by="element")
    assert len(per_cell.table) == 16 and per_cell.metadata["runs"] == 256 * (16 + 2)
    # the grouped total index is at least that of its most important cell
    cell = per_cell.table.set_index("parameter")
    assert t.loc["io", "ST"] >= cell.loc["io[services,services]", "ST"] - 0.05


def test_free_parameters_one_per_listed_cell(ps):
    free = free_parameters(ps.free(), elements=DIMS)
    labels = [f.label for f in free]
    assert labels[:2] == ["io[agri,agri]", "io[agri,industry]"] and len(labels) == 9 + 2
    assert labels[-2:] == ["sparse[industry,agri]", "sparse[services,industry]"]
    f = next(x for x in free if x.label == "io[industry,agri]")
    assert f.index == 3 and f.prior == 0.15 and f.sd == pytest.approx(prior_sd("triangular", 0.0, 0.5, mode=0.15))
    assert next(x for x in free if x.label == "sparse[services,industry]").sd == 0.02


def _result(ps, free, est, se):
    idf = Identifiability(column_norms={}, flat=[], at_bounds=[], correlated=[], correlation=np.eye(len(free)),
                          std_errors={f.label: s for f, s in zip(free, se)}, condition_number=1.0,
                          shift={f.label: 0.1 for f in free}, sd_ratio={f.label: 0.5 for f in free})
    values = {}
    for n in {f.name for f in free}:
        values[n] = ps[n].array().copy()
    for f, e in zip(free, est):
        np.put(values[f.name], f.index, e)
    return CalibrationResult(parameters=free, estimates=np.asarray(est), values=values, cost=0.1, initial_cost=0.2,
                             prior_cost=0.01, prior_weight=0.001, success=True, message="ok", nfev=3, fit={},
                             backtest={}, series={}, identifiability=idf, settings=SimSettings(), until=None,
                             observations=[])


@pytest.mark.parametrize("lam", [0.001, 0.0])
def test_calibrated_toml_round_trips_2d_values(ps, tmp_path, lam, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    free = free_parameters(ps.free(), elements=DIMS)
    est = [min(f.hi, f.prior * 1.1 + 0.001) for f in free]
    se = [0.01 + 0.001 * i for i in range(len(free))]
    res = _result(ps, free, est, se)
    res = CalibrationResult(**{**res.__dict__, "prior_weight": lam})
    text = format_calibrated_toml(res, ps, data_files=["data/x.csv"])
    f = tmp_path / "calibrated.toml"
    f.write_text(text, encoding="utf-8")
    cal = load_parameters(f, dimensions=DIMS)
    np.testing.assert_allclose(cal["io"].array(), res.values["io"], rtol=0, atol=0)
    np.testing.assert_allclose(cal["sparse"].array(), res.values["sparse"], rtol=0, atol=0)
    assert cal["sparse"].default == 0.0 and cal["sparse"].given_mask().sum() == 2
    assert cal["io"].dims == ("commodity", "sector") and cal["io"].source.startswith("calibrated:")
    if lam > 0:
        assert cal["io"].distribution == "normal"
        assert cal["io"].shape_at(3) == {"mean": est[3], "sd": se[3]}
    else:
        assert cal["io"].distribution == "triangular" and cal["io"].shape_at(3)["mode"] == pytest.approx(est[3])
        assert cal["sparse"].shape_at(7) == {"mean": 0.12, "sd": 0.02}
    # the overlay applies on top of the priors
    over = ps.overlay(cal)
    assert over["io"].block == "nd" and over["io"].array()[1, 0] == est[3]
    with pytest.raises(ParameterError):
        load_parameters(f)  # 2-D tables need the dimensions
