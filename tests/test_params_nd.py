"""Parameters over two or more dimensions in TOML (tables keyed by element names): format, validation, hash."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.params import ParameterError, load_parameters

DIMS = {
    "commodity": ("agri", "industry", "services"),
    "sector": ("agri", "industry", "services"),
    "age": ("young", "working", "old"),
    "sex": ("male", "female"),
    "region": ("north", "south"),
}

HEAD = '[meta]\nblock = "nd"\ndescription = "multi-dimensional test block"\n\n'

# a 3x3 input-output table: commodity i used per unit of output of sector j
IO = """[io]
dims = ["commodity", "sector"]
unit = "1"
range = [0.0, 0.5]
distribution = "triangular"
mode = "value"
source = "assumption: test table"
doc = "input-output coefficients"

[io.value.agri]
agri = 0.10
industry = 0.05
services = 0.01

[io.value.industry]
agri = 0.15
industry = 0.30
services = 0.06

[io.value.services]
agri = 0.05
industry = 0.12
services = 0.20
"""
IO_ARRAY = np.array([[0.10, 0.05, 0.01], [0.15, 0.30, 0.06], [0.05, 0.12, 0.20]])

# an age x sex table, rows as inline tables, per-cell ranges as a table of [lo, hi] pairs
POP = """[pop0]
dims = ["age", "sex"]
unit = "10k persons"
distribution = "normal"
mean = "value"
sd = 5.0
source = "data: test census"

[pop0.value]
young = {male = 100.0, female = 95.0}
working = {male = 300.0, female = 290.0}
old = {male = 80.0, female = 110.0}

[pop0.range]
young = {male = [90.0, 110.0], female = [85.0, 105.0]}
working = {male = [280.0, 320.0], female = [270.0, 310.0]}
old = {male = [70.0, 90.0], female = [100.0, 120.0]}
"""


def _load(tmp_path, body, name="nd.toml", dims=DIMS, **kw):
    f = tmp_path / name
    f.write_text(HEAD + body, encoding="utf-8")
    return load_parameters(f, dimensions=dims, **kw)


def _error(tmp_path, body, dims=DIMS):
    f = tmp_path / "bad.toml"
    f.write_text(HEAD + body, encoding="utf-8")
    with pytest.raises(ParameterError) as exc:
        load_parameters(f, dimensions=dims)
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(f"{f}: "), msg
    return msg


# -- accepted -------------------------------------------------------------------------

def test_io_table_reads_in_dims_order(tmp_path):
    p = _load(tmp_path, IO)["io"]
    assert p.dims == ("commodity", "sector") and p.shape == (3, 3)
    np.testing.assert_array_equal(p.array(), IO_ARRAY)
    assert p.coords == (DIMS["commodity"], DIMS["sector"])
    assert p.value[1][0] == 0.15  # commodity industry used by sector agri
    lo, hi = p.bounds()
    assert lo.shape == hi.shape == (3, 3) and np.all(lo == 0.0) and np.all(hi == 0.5)
    assert p.mode == p.value  # mode = "value": each cell's own value
    assert p.shape_at(3) == {"mode": 0.15}  # flat C-order index 3 = (1, 0)
    assert p.cell_labels()[3] == "industry,agri" and len(p.cell_labels()) == 9
    assert p.given is None and p.given_mask().all()
    hash(p)  # frozen and hashable
    assert p.as_dict()["value"] == IO_ARRAY.tolist()


def test_key_order_in_the_file_does_not_matter(tmp_path):
    shuffled = IO.replace("[io.value.agri]\nagri = 0.10\nindustry = 0.05\nservices = 0.01",
                          "[io.value.agri]\nservices = 0.01\nagri = 0.10\nindustry = 0.05")
    a = _load(tmp_path, IO, "a.toml")
    b = _load(tmp_path, shuffled, "b.toml")
    np.testing.assert_array_equal(a["io"].array(), b["io"].array())
    assert a.hash() == b.hash()


def test_every_toml_spelling_of_the_table_is_the_same(tmp_path):
    dotted = IO.split("[io.value.agri]")[0] + "[io.value]\n" + "\n".join(
        f"{r}.{c} = {float(IO_ARRAY[i, j])!r}" for i, r in enumerate(DIMS["commodity"]) for j, c in enumerate(DIMS["sector"]))
    inline = IO.split("[io.value.agri]")[0] + "[io.value]\n" + "\n".join(
        f"{r} = {{" + ", ".join(f"{c} = {float(IO_ARRAY[i, j])!r}" for j, c in enumerate(DIMS["sector"])) + "}"
        for i, r in enumerate(DIMS["commodity"]))
    h = {_load(tmp_path, body, f"{k}.toml").hash() for k, body in (("h", IO), ("d", dotted), ("i", inline))}
    assert len(h) == 1


def test_age_sex_with_per_cell_ranges(tmp_path):
    p = _load(tmp_path, POP)["pop0"]
    assert p.shape == (3, 2)
    np.testing.assert_array_equal(p.array(), [[100, 95], [300, 290], [80, 110]])
    lo, hi = p.bounds()
    np.testing.assert_array_equal(lo, [[90, 85], [280, 270], [70, 100]])
    np.testing.assert_array_equal(hi, [[110, 105], [320, 310], [90, 120]])
    assert p.shape_at(5) == {"mean": 110.0, "sd": 5.0}


def test_range_lo_hi_tables_and_shape_tables(tmp_path):
    body = """[share]
dims = ["region", "sex"]
unit = "1"
distribution = "triangular"
source = "assumption: test"
[share.value]
north = {male = 0.5, female = 0.4}
south = {male = 0.6, female = 0.3}
[share.range_lo]
north = {male = 0.4, female = 0.3}
south = {male = 0.5, female = 0.2}
[share.range_hi]
north = {male = 0.6, female = 0.5}
south = {male = 0.7, female = 0.4}
[share.mode]
north = {male = 0.45, female = 0.4}
south = {male = 0.6, female = 0.35}
"""
    p = _load(tmp_path, body)["share"]
    assert p.bounds()[0][1, 1] == 0.2 and p.bounds()[1][0, 0] == 0.6
    assert p.shape_at(0) == {"mode": 0.45} and p.shape_at(3) == {"mode": 0.35}


def test_three_dimensions_nest_one_level_each(tmp_path):
    body = """[rate]
dims = ["region", "age", "sex"]
unit = "1/yr"
range = [0.0, 1.0]
source = "assumption: test"
[rate.value.north]
young = {male = 0.01, female = 0.02}
working = {male = 0.03, female = 0.04}
old = {male = 0.05, female = 0.06}
[rate.value.south]
young = {male = 0.11, female = 0.12}
working = {male = 0.13, female = 0.14}
old = {male = 0.15, female = 0.16}
"""
    p = _load(tmp_path, body)["rate"]
    assert p.shape == (2, 3, 2)
    assert p.array()[1, 2, 0] == 0.15
    assert p.cell_labels()[-1] == "south,old,female"


def test_one_dimension_as_a_keyed_table_equals_the_list(tmp_path):
    as_list = '[k]\ndims = "sex"\nvalue = [1.0, 2.0]\nunit = "1"\nrange = [0.0, 5.0]\nsource = "assumption: t"\n'
    as_table = '[k]\ndims = "sex"\nunit = "1"\nrange = [0.0, 5.0]\nsource = "assumption: t"\n' \
               '[k.value]\nfemale = 2.0\nmale = 1.0\n'
    a, b = _load(tmp_path, as_list, "a.toml"), _load(tmp_path, as_table, "b.toml")
    assert a["k"].value == b["k"].value == (1.0, 2.0)
    assert a.hash() == b.hash()
    # without dimensions, the list form loads as before (no element names)
    f = tmp_path / "a.toml"
    assert load_parameters(f).hash() == a.hash() and load_parameters(f)["k"].coords == ()


def test_sparse_table_with_default(tmp_path):
    body = """[io]
dims = ["commodity", "sector"]
unit = "1"
range = [0.01, 0.5]
distribution = "triangular"
mode = "value"
default = 0.0
source = "assumption: sparse test"
[io.value]
industry.agri = 0.15
industry.industry = 0.30
services.industry = 0.12
"""
    p = _load(tmp_path, body)["io"]
    expect = np.zeros((3, 3))
    expect[1, 0], expect[1, 1], expect[2, 1] = 0.15, 0.30, 0.12
    np.testing.assert_array_equal(p.array(), expect)
    assert p.default == 0.0 and p.given_mask().sum() == 3
    lo, hi = p.bounds()  # unlisted cells are fixed: range [default, default]
    assert lo[0, 0] == hi[0, 0] == 0.0 and lo[1, 0] == 0.01 and hi[1, 0] == 0.5
    d = p.as_dict()
    assert d["default"] == 0.0 and d["given"][1] == [True, True, False]
    # the default is part of the hash
    other = _load(tmp_path, body.replace("default = 0.0", "default = 0.001").replace("range = [0.01", "range = [0.01"),
                  "o.toml")
    assert other.hash() != _load(tmp_path, body, "s.toml").hash()


def test_sparse_per_cell_fields_mirror_the_listed_cells(tmp_path):
    body = """[io]
dims = ["commodity", "sector"]
unit = "1"
default = 0.0
distribution = "normal"
mean = "value"
source = "assumption: sparse test"
[io.value]
industry.agri = 0.15
services.industry = 0.12
[io.range]
industry.agri = [0.1, 0.2]
services.industry = [0.1, 0.2]
[io.sd]
industry.agri = 0.02
services.industry = 0.01
"""
    p = _load(tmp_path, body)["io"]
    assert p.shape_at(3) == {"mean": 0.15, "sd": 0.02} and p.shape_at(7) == {"mean": 0.12, "sd": 0.01}
    msg = _error(tmp_path, body.replace("services.industry = 0.01", "services.industry = 0.01\nagri.agri = 0.01"))
    assert "io.sd.agri.agri: cell not in the value table" in msg
    msg = _error(tmp_path, body.replace("services.industry = [0.1, 0.2]\n", ""))
    assert "io.range: missing cell(s) [services,industry]" in msg


def test_hash_covers_every_cell_and_the_element_names(tmp_path):
    a = _load(tmp_path, IO, "a.toml")
    b = _load(tmp_path, IO.replace("services = 0.20", "services = 0.21"), "b.toml")
    assert a.hash() != b.hash()
    renamed = {**DIMS, "sector": ("farm", "factory", "office")}
    c = _load(tmp_path, IO.replace("agri = ", "farm = ").replace("industry = ", "factory = ")
              .replace("services = ", "office = "), "c.toml", dims=renamed)
    np.testing.assert_array_equal(c["io"].array(), a["io"].array())
    assert c.hash() != a.hash()


def test_values_with_values_and_overrides(tmp_path):
    ps = _load(tmp_path, IO)
    assert ps.values()["io"].shape == (3, 3)
    new = IO_ARRAY.copy()
    new[0, 0] = 0.2
    q = ps.with_values({"io": new})
    assert q["io"].array()[0, 0] == 0.2 and q.hash() != ps.hash()
    # nested mapping keyed by element names
    keyed = {r: {c: float(IO_ARRAY[i, j]) for j, c in enumerate(DIMS["sector"])} for i, r in enumerate(DIMS["commodity"])}
    assert ps.with_values({"io": keyed}).hash() == ps.hash()
    with pytest.raises(ParameterError, match=r"io\[agri,agri\]: value 0.9 outside range \[0, 0.5\]"):
        ps.with_values({"io": np.where(np.eye(3, dtype=bool), 0.9, IO_ARRAY)})
    with pytest.raises(ParameterError, match=r"expected shape \(3, 3\)"):
        ps.with_values({"io": [0.1, 0.2, 0.3]})
    # a partial mapping changes only the cells it lists
    one = ps.with_values({"io": {"services": {"agri": 0.07}}})["io"].array()
    assert one[2, 0] == 0.07 and np.array_equal(np.delete(one.reshape(-1), 6), np.delete(IO_ARRAY.reshape(-1), 6))
    bad_key = {**keyed, "agri": {"agri": 0.1, "industri": 0.05, "services": 0.01}}
    with pytest.raises(ParameterError, match="unknown sector element 'industri' \\(did you mean 'industry'\\?\\)"):
        ps.with_values({"io": bad_key})


def test_overlay_keeps_dimensions(tmp_path):
    (tmp_path / "nd.toml").write_text(HEAD + IO, encoding="utf-8")
    cal = IO.replace("services = 0.20", "services = 0.25")
    (tmp_path / "calibrated.toml").write_text(HEAD.replace('"nd"', '"calibrated"') + cal, encoding="utf-8")
    ps = load_parameters(tmp_path, overlays=True, dimensions=DIMS)
    assert ps["io"].array()[2, 2] == 0.25 and ps["io"].block == "nd"
    assert load_parameters(tmp_path, dimensions=DIMS)["io"].array()[2, 2] == 0.20


# -- refused: one line naming the file, the key and the problem ---------------------------

BAD_CASES = [
    # element names
    (IO.replace("[io.value.industry]\nagri", "[io.value.industry]\nagrii"), "io.value.industry.agrii: unknown sector "
     "element 'agrii' (did you mean 'agri'?)"),
    (IO.replace("[io.value.servces]", "x").replace("[io.value.services]", "[io.value.servces]"),
     "io.value.servces: unknown commodity element 'servces' (did you mean 'services'?)"),
    (IO.replace("services = 0.06\n", ""), "io.value.industry: missing sector element(s) services"),
    (IO.split("[io.value.services]")[0], "io.value: missing commodity element(s) services"),
    # shapes
    (IO.replace("[io.value.agri]\nagri = 0.10\nindustry = 0.05\nservices = 0.01\n", "[io.value]\nagri = 0.10\n"),
     "io.value.agri: expected a table keyed by sector elements"),
    (IO.split("[io.value.agri]")[0] + "value = [[0.1, 0.2, 0.3], [0.1, 0.2, 0.3], [0.1, 0.2, 0.3]]\n",
     "io.value: a parameter over commodity x sector needs its value as a table keyed by commodity elements"),
    (IO.replace("agri = 0.10", "agri = {x = 0.10}"), "io.value.agri.agri: value must be a number"),
    # numbers
    (IO.replace("agri = 0.10", 'agri = "0.10"'), "io.value.agri.agri: value must be a number, got '0.10'"),
    (IO.replace("agri = 0.10", "agri = true"), "io.value.agri.agri: value must be a number, got True"),
    (IO.replace("agri = 0.10", "agri = nan"), "io.value.agri.agri: value is not finite"),
    (IO.replace("industry = 0.30", "industry = 0.7"), "io.value.industry.industry: value 0.7 outside range [0, 0.5]"),
    # dims
    (IO.replace('dims = ["commodity", "sector"]', 'dims = ["commodity", "sectr"]'),
     "io.dims: unknown dimension 'sectr' (did you mean 'sector'?"),
    (IO.replace('dims = ["commodity", "sector"]', 'dims = ["sector", "sector"]'), "io.dims: dimension 'sector' appears twice"),
    (IO.replace('dims = ["commodity", "sector"]', 'dims = []'), "io.dims: must be a dimension name"),
    (IO.replace('dims = ["commodity", "sector"]', 'dims = ["age", "sex"]'), "io.value.agri: unknown age element 'agri'"),
    # keys in the wrong order name the other dimension
    (POP.replace("[pop0.value]\nyoung = {male = 100.0, female = 95.0}",
                 "[pop0.value]\nmale = {young = 100.0}\nyoung = {male = 100.0, female = 95.0}"),
     "pop0.value.male: unknown age element 'male' ('male' is a sex element: the keys nest in dims order age, sex)"),
    # element tables at the wrong level
    ('[io]\ndims = ["commodity", "sector"]\nunit = "1"\nrange = [0.0, 0.5]\nsource = "s"\n[io.agri]\nagri = 0.1\n',
     "io.agri: unknown field (allowed:"),
    # ranges
    (IO.replace("range = [0.0, 0.5]", "range = [0.5, 0.0]"), "io.range: lo > hi at"),
    (IO.replace("range = [0.0, 0.5]", "range = [0.0]"), "io.range: must be [lo, hi] or a table"),
    (IO.replace("range = [0.0, 0.5]\n", ""), "io: missing range"),
    (POP.replace("old = {male = [70.0, 90.0], female = [100.0, 120.0]}", "old = {male = [70.0, 90.0]}"),
     "pop0.range.old: missing sex element(s) female"),
    (POP.replace("male = [90.0, 110.0]", "male = [90.0]"), "pop0.range.young.male: must be [lo, hi]"),
    (POP.replace("male = [90.0, 110.0]", "male = [101.0, 110.0]"), "pop0.value.young.male: value 100 outside range [101, 110]"),
    # shape parameters
    (IO.replace('mode = "value"', "mode = [0.1, 0.2, 0.3]"), "io.mode: a list is only for one-dimensional parameters"),
    (IO.replace('mode = "value"', 'mode = "centre"'), "io.mode: must be a number, \"value\" or a table"),
    (IO.replace('mode = "value"', "mode = 0.7"), "io.mode: 0.7 outside the range [0, 0.5] at [agri,agri], [agri,industry]"),
    (IO.replace('mode = "value"\n', ""), "io: distribution 'triangular' needs mode"),
    (POP.replace("sd = 5.0", "sd = -1.0"), "pop0.sd: must be > 0"),
    (POP.replace("sd = 5.0\n", "") + "[pop0.sd]\nyoung = {male = 1.0, female = 1.0}\n"
     "working = {male = 1.0, female = 1.0}\nold = {male = 1.0, female = 0.0}\n", "pop0.sd: must be > 0 at [old,female]"),
    (POP.replace("sd = 5.0\n", "") + "[pop0.sd]\nyoung = {male = 1.0, female = 1.0}\n"
     "working = {male = 1.0, female = 1.0}\n", "pop0.sd: missing age element(s) old"),
    # default
    (IO.replace('mode = "value"', 'mode = "value"\ndefault = "zero"'), "io.default: default must be a number"),
    ('[k]\ndims = "sex"\nvalue = [1.0, 2.0]\ndefault = 0.0\nunit = "1"\nrange = [0.0, 5.0]\nsource = "s"\n',
     "k.default: only for values given as a table"),
    # one-dimensional lists are now checked against the dimension
    ('[k]\ndims = "sex"\nvalue = [1.0, 2.0, 3.0]\nunit = "1"\nrange = [0.0, 5.0]\nsource = "s"\n',
     "k.value: must have 2 numbers, one per sex element (male, female), got 3"),
]


@pytest.mark.parametrize("body, fragment", BAD_CASES, ids=[c[1][:40] for c in BAD_CASES])
def test_bad_tables_are_refused_in_one_line(tmp_path, body, fragment):
    msg = _error(tmp_path, body)
    assert fragment in msg, msg


def test_multi_dimensional_values_need_the_models_dimensions(tmp_path):
    f = tmp_path / "nd.toml"
    f.write_text(HEAD + IO, encoding="utf-8")
    with pytest.raises(ParameterError, match=r"io.dims: a value keyed by element names of commodity x sector needs the "
                                             r"model's dimensions"):
        load_parameters(f)


def test_cli_validate_reports_bad_table_in_one_line(tmp_path):
    """A bad table refused by the loader is a clean ParameterError (the CLI turns it into exit code 2)."""
    msg = _error(tmp_path, IO.replace("agri = 0.10", "agri = 0.10\nagri_food = 0.2"))
    assert "io.value.agri.agri_food: unknown sector element 'agri_food'" in msg
