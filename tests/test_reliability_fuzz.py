"""Issue 11, fuzzing: mutants of the shipped scenario and parameter files keep the promise.

Every mutant (:mod:`reliability_fuzz`: wrong types, missing and unknown keys, NaN/inf/huge numbers, NUL,
control and zero-width characters, deep nesting, wrong lengths, bad dims, encodings, truncation, flipped
bytes) must give exit 0, or exit 2 with exactly one ``regsim: error:`` line naming a file of the test --
never a traceback -- and ``validate`` must agree with ``run`` (except where ``run`` fails only while
integrating, which ``validate`` does not do). The default run checks a fixed seeded sample of 75; the
``slow`` tests another 234 (``REGSIM_FUZZ_SCALE=10`` multiplies those for a deeper local run).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from reliability_fuzz import dumps, mutants
from reliability_support import PARAMS, SCEN, cli

import simulator.scenarios.apply as apply_mod

SCENARIO_FILES = sorted(p.name for p in SCEN.glob("*.toml"))
#: REGSIM_FUZZ_SCALE=10 multiplies the slow sample for a deeper local run (the default keeps `make test` short)
SCALE = max(1, int(os.environ.get("REGSIM_FUZZ_SCALE", "1") or 1))
PARAM_FILES = sorted(p.name for p in PARAMS.glob("*.toml"))


def _check(out_run, out_val, tmp_path: Path, what: str) -> None:
    for out in (out_run, out_val):
        assert not out.crashed, f"{what}\n{out.explain()}"
        assert out.code in (0, 2), f"{what}\n{out.explain()}"
        assert "Traceback" not in out.stderr + out.stdout, f"{what}\n{out.explain()}"
    if out_run.code == 2:
        assert len(out_run.lines) == 1, f"{what}\n{out_run.explain()}"
        line = out_run.lines[0]
        assert line.startswith("regsim: error: "), f"{what}\n{out_run.explain()}"
        assert str(tmp_path) in line or "limit" in line, f"{what}: the message names no file\n{out_run.explain()}"
    else:
        stray = [ln for ln in out_run.lines if not ln.startswith(("regsim: WARNING:", "regsim: note:"))]
        assert not stray, f"{what}\n{out_run.explain()}"
    integrating = out_run.code == 2 and ("non-finite" in out_run.stderr or "blow up" in out_run.stderr)
    if not integrating:
        assert out_val.code == out_run.code, f"{what}: validate {out_val.code} but run {out_run.code}\n" \
                                             f"run: {out_run.stderr}\nvalidate: {out_val.stderr}"


def _scenario_cases(n_per_file: int, seed: int):
    cases = []
    for i, name in enumerate(SCENARIO_FILES):
        text = (SCEN / name).read_text(encoding="utf-8")
        for j, (what, data) in enumerate(mutants(text, seed * 1000 + i, n_per_file)):
            cases.append(pytest.param(name, what, data, id=f"{name}-{j}-{what}"))
    return cases


def _param_cases(n_per_file: int, seed: int):
    cases = []
    for i, name in enumerate(PARAM_FILES):
        text = (PARAMS / name).read_text(encoding="utf-8")
        for j, (what, data) in enumerate(mutants(text, seed * 1000 + 500 + i, n_per_file)):
            cases.append(pytest.param(name, what, data, id=f"{name}-{j}-{what}"))
    return cases


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("scenarios")
    for name in SCENARIO_FILES:
        shutil.copy(SCEN / name, d / name)
    return d


def _fuzz_scenario(tmp_path, scenario_dir, name, what, data):
    d = tmp_path / "scenarios"
    shutil.copytree(scenario_dir, d)
    f = d / name
    f.write_bytes(data)
    targets = [f] + ([d / "port_investment.toml"] if name == "baseline.toml" else [])  # a parent, through a child
    for i, target in enumerate(targets):
        out = tmp_path / f"out{i}"
        out_run = cli("run", target, "-o", out, "-q")
        out_val = cli("validate", target)
        _check(out_run, out_val, tmp_path, f"{name} (via {target.name}): {what}")
        if out_run.code == 2:
            assert not out.exists(), what


@pytest.mark.parametrize("name, what, data", _scenario_cases(4, seed=11))
def test_scenario_mutants(tmp_path, scenario_dir, name, what, data):
    _fuzz_scenario(tmp_path, scenario_dir, name, what, data)


@pytest.mark.slow
@pytest.mark.parametrize("name, what, data", _scenario_cases(12 * SCALE, seed=1111))
def test_scenario_mutants_many(tmp_path, scenario_dir, name, what, data):
    _fuzz_scenario(tmp_path, scenario_dir, name, what, data)


def _fuzz_params(tmp_path, monkeypatch, name, what, data):
    d = tmp_path / "params"
    shutil.copytree(PARAMS, d)
    (d / name).write_bytes(data)
    monkeypatch.setattr(apply_mod, "default_params_dir", lambda: d)
    out_run = cli("run", SCEN / "port_investment.toml", "-o", tmp_path / "out", "-q")
    out_val = cli("validate", d, SCEN / "port_investment.toml")
    _check(out_run, out_val, tmp_path, f"{name}: {what}")


@pytest.mark.parametrize("name, what, data", _param_cases(3, seed=12))
def test_parameter_mutants(tmp_path, monkeypatch, name, what, data):
    _fuzz_params(tmp_path, monkeypatch, name, what, data)


@pytest.mark.slow
@pytest.mark.parametrize("name, what, data", _param_cases(10 * SCALE, seed=1212))
def test_parameter_mutants_many(tmp_path, monkeypatch, name, what, data):
    _fuzz_params(tmp_path, monkeypatch, name, what, data)


def test_the_writer_round_trips_the_shipped_files():
    """The fuzzer's TOML writer reproduces every shipped file's document (so mutants differ only as meant)."""
    import tomllib

    for f in [*SCEN.glob("*.toml"), *PARAMS.glob("*.toml")]:
        doc = tomllib.loads(f.read_text(encoding="utf-8"))
        assert tomllib.loads(dumps(doc)) == doc, f


def test_mutants_are_reproducible_and_varied():
    text = (SCEN / "full_package.toml").read_text(encoding="utf-8")
    a = list(mutants(text, 5, 30))
    assert a == list(mutants(text, 5, 30))
    assert len({w.split(" ")[0] for w, _ in a}) >= 8
