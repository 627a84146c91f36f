"""Conformance: every XMILE file of the two in-repo suites against its reference output.

- ``tests/sd-test-models``: the non-arrayed XMILE subset of the SDXorg test suite (MIT licence,
  see its LICENSE), canonical outputs from Vensim or Stella;
- ``tests/xmile-models``: hand-written models (arrays of 1-3 dimensions, non-apply-to-all arrays,
  arrayed graphical functions, subranges, mappings, modules, builtins, delays), whose reference
  outputs ``tests/xmile-models/expected.py`` computes with plain numpy.

Tolerance (the SDXorg suite's): ``|x - y| <= 1e-5 + 1e-5*|y|`` at every reference time, for every
reference column. Every file passes, is a documented known failure, or is *refused* with an
:class:`XmileError` naming the construct: never an error, never a silent wrong or empty output.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.xmile.conformance import (
    AUTHORED_ROOT,
    DEFAULT_ROOT,
    KNOWN_FAILURES,
    run_case,
    suite_files,
    tables,
)
from simulator.xmile.equations import engine_has
from simulator.xmile.reader import engine_nd

CASES = [(p, DEFAULT_ROOT) for p in suite_files(DEFAULT_ROOT)] + [(p, AUTHORED_ROOT) for p in suite_files(AUTHORED_ROOT)]

#: hand-written models regsim refuses (with the engine it runs on: arrays of 2+ dimensions and
#: PREVIOUS need the engine of issue 12); each must be a refusal naming the construct, and pass
#: once the engine has the feature
EXPECTED_REFUSALS = {
    "mapping.xmile": "subscript mapping",
    **({} if engine_nd() else {"arrays_2d.xmile": "array", "arrays_3d.xmile": "array"}),
    **({} if engine_has("previous") else {"previous.xmile": "PREVIOUS"}),
}


def test_suites_are_in_the_repository():
    assert (DEFAULT_ROOT / "LICENSE").exists()
    assert len(suite_files(DEFAULT_ROOT)) == 33
    names = {p.name for p in suite_files(AUTHORED_ROOT)}
    assert {"arrays_1d.xmile", "arrays_2d.xmile", "arrays_3d.xmile", "modules.xmile", "builtins.xmile",
            "delays.xmile", "arrayed_gf.xmile"} <= names
    for p in suite_files(AUTHORED_ROOT):
        assert p.with_suffix(".csv").exists(), f"{p.name} has no reference output"


@pytest.mark.parametrize("path,root", CASES, ids=[str(p.relative_to(r.parent)) for p, r in CASES])
def test_model_passes_or_is_refused_naming_the_construct(path: Path, root: Path):
    rel = str(path.relative_to(root))
    result = run_case(path, root)
    assert result.status != "error", result.reason
    if rel in KNOWN_FAILURES:
        assert not result.passed, f"{rel} now passes: remove it from KNOWN_FAILURES"
        pytest.xfail(KNOWN_FAILURES[rel])
    if root == AUTHORED_ROOT and rel in EXPECTED_REFUSALS:
        if result.passed:
            pytest.fail(f"{rel} now passes: remove it from EXPECTED_REFUSALS")
        assert result.status == "refuse" and result.construct == EXPECTED_REFUSALS[rel], result.reason
        assert not re.search(r"(?<![\w'])_[a-z]", result.reason), "internal helper names never appear"
        return
    assert result.passed, f"{result.status}: {result.reason}"


def test_zeroled_decimals_passes_with_the_method_its_output_was_made_with():
    path = DEFAULT_ROOT / "tests/zeroled_decimals/test_zeroled_decimals.xmile"
    assert run_case(path, DEFAULT_ROOT, method="euler").passed


def test_authored_reference_outputs_are_those_the_numpy_script_computes(repo_root):
    r = subprocess.run([sys.executable, str(AUTHORED_ROOT / "expected.py"), "--check"], capture_output=True,
                       text=True, cwd=repo_root)
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_wrong_reference_value_is_a_failure(tmp_path):
    """The comparison can fail: one changed number in a reference output is caught."""
    import shutil

    src = AUTHORED_ROOT / "modules.xmile"
    shutil.copy(src, tmp_path / src.name)
    lines = src.with_suffix(".csv").read_text().splitlines()
    cells = lines[5].split(",")
    cells[1] = str(float(cells[1]) * 1.001 + 1e-3)
    lines[5] = ",".join(cells)
    (tmp_path / "modules.csv").write_text("\n".join(lines) + "\n")
    result = run_case(tmp_path / src.name, tmp_path)
    assert result.status == "fail" and "reference" in result.reason


def test_docs_tables_are_current(repo_root):
    """docs/xmile.md holds the output of `python -m simulator.xmile.conformance`."""
    assert tables() in (repo_root / "docs" / "xmile.md").read_text(encoding="utf-8"), \
        "regenerate with: python -m simulator.xmile.conformance --update-docs docs/xmile.md"
