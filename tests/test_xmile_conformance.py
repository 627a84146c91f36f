"""Conformance: every XMILE model of the SDXorg test suite against its canonical output.

Tolerance (the suite's): ``|x - y| <= 1e-5 + 1e-5*|y|`` at every canonical time,
for every canonical column. The suite is vendored in ``tests/sd-test-models``
(MIT licence, see its LICENSE) so CI never needs ``../shared``.
"""

from pathlib import Path

import pytest

from simulator.xmile.conformance import DEFAULT_ROOT, KNOWN_FAILURES, markdown, run_case, run_suite

MODELS = sorted(DEFAULT_ROOT.rglob("*.xmile"))


def test_suite_is_vendored_with_its_licence():
    assert (DEFAULT_ROOT / "LICENSE").exists()
    assert len(MODELS) == 33


@pytest.mark.parametrize("path", MODELS, ids=[str(p.relative_to(DEFAULT_ROOT / "tests")) for p in MODELS])
def test_model_conforms(path: Path):
    rel = str(path.relative_to(DEFAULT_ROOT))
    result = run_case(path, DEFAULT_ROOT)
    if rel in KNOWN_FAILURES:
        assert not result.passed, f"{rel} now passes: remove it from KNOWN_FAILURES"
        pytest.xfail(KNOWN_FAILURES[rel])
    assert result.passed, result.reason


def test_zeroled_decimals_passes_with_the_method_its_output_was_made_with():
    path = DEFAULT_ROOT / "tests/zeroled_decimals/test_zeroled_decimals.xmile"
    assert run_case(path, DEFAULT_ROOT, method="euler").passed


def test_docs_table_is_current(repo_root):
    """docs/xmile.md holds the output of `python -m simulator.xmile.conformance`."""
    table = markdown(run_suite(DEFAULT_ROOT))
    assert table in (repo_root / "docs" / "xmile.md").read_text(encoding="utf-8"), \
        "regenerate with: python -m simulator.xmile.conformance --update-docs docs/xmile.md"
