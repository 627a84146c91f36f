"""Issue 11, no traceback ever: OS errors, non-finite runs, usage errors and bugs all end as one line, exit 2.

OS errors (disk full, a parent that is a file, a name too long, permission denied, a directory that is no
longer empty, a read-only file system, an I/O error) are injected where they happen (the machine runs
the tests as root, so permissions are simulated); each message names the path. Non-finite runs name the
scenario key, the parameter file entry or the command-line parameter that caused them.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from reliability_support import HEAD, LEVER, PARAMS, SCEN, assert_bad_input, assert_ok, cli, leftovers, write, xmile

import simulator.scenarios.apply as apply_mod
from simulator.io import outdir

BASE = SCEN / "baseline.toml"
PORT = SCEN / "port_investment.toml"


# -- OS errors --------------------------------------------------------------------------------------------

OUTPUTS = {
    "run": lambda o: ("run", BASE, "-o", o, "-q"),
    "uncertainty": lambda o: ("uncertainty", BASE, "-n", "4", "-o", o, "-q"),
    "run-xmile": lambda o: ("run-xmile", _MODEL, "-o", o),
    "compare": lambda o: ("compare", BASE, PORT, "-o", Path(str(o) + ".csv")),
    "plot": lambda o: ("plot", BASE, "-o", Path(str(o) + ".png")),
    "report": lambda o: ("report", BASE, "-o", Path(str(o) + ".html"), "--sensitivity", "none"),
    "export-xmile": lambda o: ("export-xmile", "-o", Path(str(o) + ".xmile")),
}
_MODEL = Path("/nonexistent")


@pytest.fixture(autouse=True)
def model_file(tmp_path):
    global _MODEL
    _MODEL = write(tmp_path / "model.xmile", xmile())
    yield


@pytest.mark.parametrize("command", sorted(OUTPUTS))
def test_output_under_a_file(tmp_path, command):
    blocker = write(tmp_path / "afile", "x")
    out = cli(*OUTPUTS[command](blocker / "sub" / "out"))
    assert_bad_input(out, str(blocker), "not a directory")


@pytest.mark.parametrize("command", sorted(OUTPUTS))
def test_output_name_too_long(tmp_path, command):
    out = cli(*OUTPUTS[command](tmp_path / ("n" * 300)))
    assert_bad_input(out, "file name too long")


@pytest.mark.parametrize("command", ["run", "uncertainty", "run-xmile"])
def test_output_permission_denied(tmp_path, monkeypatch, command):
    import tempfile

    def denied(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied", k.get("dir") or (a[2] if len(a) > 2 else None))

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    out = cli(*OUTPUTS[command](tmp_path / "out"))
    assert_bad_input(out, str(tmp_path / "out"), "permission denied")


@pytest.mark.parametrize("command", ["compare", "plot", "export-xmile"])
def test_file_output_permission_denied(tmp_path, monkeypatch, command):
    import tempfile

    def denied(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    assert_bad_input(cli(*OUTPUTS[command](tmp_path / "out")), str(tmp_path / "out"), "permission denied")


@pytest.mark.parametrize("code, needle", [(errno.ENOSPC, "no space left on device"), (errno.EDQUOT, "quota"),
                                          (errno.EROFS, "read-only"), (errno.EIO, "input/output error")])
def test_write_errors_name_the_output(tmp_path, monkeypatch, code, needle):
    import pandas as pd

    from simulator.io import results_files

    def fail(self, path, *a, **k):
        raise OSError(code, os.strerror(code), str(path))

    def fail_csv(path, *a, **k):   # regsim run writes its CSV without pandas
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail)
    monkeypatch.setattr(results_files, "write_csv", fail_csv)
    out = cli("run", BASE, "-o", tmp_path / "res", "-q")
    assert_bad_input(out, str(tmp_path / "res"), needle, "nothing was changed")
    assert not (tmp_path / "res").exists() and leftovers(tmp_path) == []
    out = cli("compare", BASE, PORT, "-o", tmp_path / "c.csv")
    assert_bad_input(out, str(tmp_path / "c.csv"), needle)
    assert [p.name for p in tmp_path.iterdir()] == ["model.xmile"]


def test_directory_not_empty_after_a_race(tmp_path, monkeypatch):
    def race(a, b):
        raise OSError(errno.ENOTEMPTY, "Directory not empty", str(b))

    monkeypatch.setattr(outdir, "_rename", race)
    assert_bad_input(cli("run", BASE, "-o", tmp_path / "res", "-q"), str(tmp_path / "res"), "meanwhile")
    assert leftovers(tmp_path) == []


def test_commit_permission_denied_keeps_the_old_results(tmp_path, monkeypatch):
    d = tmp_path / "res"
    assert_ok(cli("run", BASE, "-o", d, "-q"))
    before = (d / "timeseries.csv").read_bytes()
    monkeypatch.setattr(outdir, "USE_EXCHANGE", False)

    def denied(a, b):
        raise PermissionError(errno.EACCES, "Permission denied", str(a))

    monkeypatch.setattr(outdir, "_rename", denied)
    assert_bad_input(cli("run", PORT, "-o", d, "--force", "-q"), str(d), "permission denied", "unchanged")
    assert (d / "timeseries.csv").read_bytes() == before and leftovers(tmp_path) == []


@pytest.mark.parametrize("code, needle", [(errno.EACCES, "permission denied"), (errno.EIO, "input/output error"),
                                          (errno.ELOOP, "symbolic links")])
def test_read_errors_name_the_file(tmp_path, monkeypatch, code, needle):
    f = write(tmp_path / "s.toml", HEAD + LEVER)
    real = os.open

    def failing(path, *a, **k):
        if os.fspath(path) == str(f):
            raise OSError(code, os.strerror(code), os.fspath(path))
        return real(path, *a, **k)

    monkeypatch.setattr(os, "open", failing)
    assert_bad_input(cli("run", f, "-o", tmp_path / "o"), str(f), needle)


@pytest.mark.parametrize("path", ["afile/s.toml", "n" * 300 + ".toml", "missing/s.toml"])
def test_unreadable_scenario_paths(tmp_path, path):
    write(tmp_path / "afile", "x")
    f = tmp_path / path
    assert_bad_input(cli("run", f, "-o", tmp_path / "o"), str(f)[:60])
    assert_bad_input(cli("validate", f), str(f)[:60], lines=None)


def test_nul_in_a_path_on_the_command_line(tmp_path):
    assert_bad_input(cli("validate", "a\x00b"), "NUL character")
    assert_bad_input(cli("run", "a\x00b.toml"), "NUL character")


# -- non-finite runs name their cause -------------------------------------------------------------------------

def test_blow_up_names_the_lever_setting(tmp_path):
    f = write(tmp_path / "s.toml", HEAD + "[levers.port_investment]\nbudget = 1e300\nstart = 2024\nend = 2030\n")
    line = assert_bad_input(cli("run", f, "-o", tmp_path / "o"), str(f), "levers.port_investment.budget",
                            "non-finite", "default 0")
    assert "WARNING" not in line


def test_blow_up_names_the_parent_that_set_it(tmp_path):
    parent = write(tmp_path / "parent.toml", HEAD + "[levers.port_investment]\nbudget = 1e300\n")
    child = write(tmp_path / "child.toml", HEAD + "extends = 'parent.toml'\n[levers.digital_infrastructure]\n"
                                                  "budget = 50\n")
    assert_bad_input(cli("run", child, "-o", tmp_path / "o"), str(parent), "levers.port_investment.budget",
                     f"inherited by {child}")


@pytest.fixture()
def broken_params(tmp_path, monkeypatch):
    """A copy of params/ where credit_adjustment_time may be 1e-300 yr (its range widened): the smooth blows up."""
    d = tmp_path / "params"
    shutil.copytree(PARAMS, d)
    f = d / "finance.toml"
    text = f.read_text()
    text = text.replace("[credit_adjustment_time]\nvalue = 3.0\nunit = \"yr\"\nrange = [1.0, 6.0]",
                        "[credit_adjustment_time]\nvalue = 1e-300\nunit = \"yr\"\nrange = [1e-300, 6.0]", 1)
    text = text.replace("mode = 3.0\nsource = \"assumption: loan books", "mode = 1e-300\nsource = \"assumption: "
                        "loan books", 1)
    f.write_text(text)
    monkeypatch.setattr(apply_mod, "default_params_dir", lambda: d)
    return f


def test_blow_up_names_the_parameter_file_and_key(tmp_path, broken_params):
    assert_bad_input(cli("run", BASE, "-o", tmp_path / "o"), str(broken_params), "credit_adjustment_time",
                     "non-finite")
    assert_bad_input(cli("compare", BASE, PORT, "-o", tmp_path / "c.csv"), str(broken_params), "credit_adjustment_time")
    assert not (tmp_path / "o").exists() and not (tmp_path / "c.csv").exists()


def test_blow_up_in_an_ensemble_names_the_sampled_parameter(tmp_path, monkeypatch):
    """A parameter whose distribution reaches adjustment times far below dt: members blow up, the message says which."""
    d = tmp_path / "params"
    shutil.copytree(PARAMS, d)
    f = d / "labour_market.toml"
    text = f.read_text().replace("[wage_adjustment_time]\nvalue = 2.0\nunit = \"yr\"\nrange = [1.0, 4.0]\n"
                                 "distribution = \"triangular\"\nmode = 2.0",
                                 "[wage_adjustment_time]\nvalue = 2.0\nunit = \"yr\"\nrange = [1e-300, 4.0]\n"
                                 "distribution = \"lognormal\"\nmedian = 1e-299\nsigma = 0.1", 1)
    assert text != f.read_text()
    f.write_text(text)
    (d / "calibrated.toml").unlink()
    monkeypatch.setattr(apply_mod, "default_params_dir", lambda: d)
    out = cli("uncertainty", BASE, "-n", "20", "--seed", "1", "-o", tmp_path / "u", "-q")
    assert_bad_input(out, "ensemble member", str(f), "wage_adjustment_time", "narrow the parameter")
    assert not (tmp_path / "u").exists() and leftovers(tmp_path) == []


def test_blow_up_in_an_xmile_model_names_the_file_variable_and_param(tmp_path):
    f = write(tmp_path / "m.xmile", xmile("exp(a * 1000)"))
    assert_bad_input(cli("run-xmile", f, "-p", "a=1", "-o", tmp_path / "o"), str(f), "variable 'b'", "--param a")
    g = write(tmp_path / "g.xmile", xmile("1 / (a - 1)"))
    assert_bad_input(cli("run-xmile", g, "-o", tmp_path / "o2"), str(g), "variable 'b'", "non-finite")


# -- usage errors and bugs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, needle", [
    (["run"], "Missing argument 'SCENARIO'"),
    (["run", str(BASE), "--bogus"], "--bogus"),
    (["run", str(BASE), "--format", "xlsx"], "--format"),
    (["run", str(BASE), "--max-steps", "0"], "--max-steps"),
    (["uncertainty", str(BASE), "-n", "many"], "-n"),
    (["uncertainty", str(BASE), "--sampler", "magic"], "--sampler"),
    (["sensitivity", str(BASE)], "--output"),
    (["nosuchcommand"], "No such command"),
    (["--nosuchflag"], "--nosuchflag"),
    (["levers", "show"], "NAME"),
])
def test_usage_errors_are_one_line(args, needle):
    assert_bad_input(cli(*args), needle, "--help")


def test_an_unforeseen_bug_is_still_one_line(tmp_path, monkeypatch):
    import simulator.analysis

    def bug(*a, **k):
        raise TypeError("unsupported operand")

    monkeypatch.setattr(simulator.analysis, "headline_table", bug)
    out = cli("run", BASE, "-o", tmp_path / "o")
    assert_bad_input(out, "internal error", "TypeError", "REGSIM_DEBUG")
    out = cli("run", BASE, "-o", tmp_path / "o2", env={"REGSIM_DEBUG": "1"})
    assert isinstance(out.result.exception, TypeError)      # developers can see the traceback


def test_memory_and_recursion_errors_are_one_line(tmp_path, monkeypatch):
    from simulator.cli import run_cmds

    for exc in (MemoryError(), RecursionError("maximum recursion depth exceeded")):
        def boom(*a, exc=exc, **k):
            raise exc

        monkeypatch.setattr(run_cmds, "_simulate_prepared", boom)
        assert_bad_input(cli("run", BASE, "-o", tmp_path / "o"), "out of memory" if isinstance(exc, MemoryError)
                         else "nested too deeply")
