"""Issue 11, data loss: nothing regsim did not write is ever replaced, and no result is ever lost.

- ``--force`` replaces only directories carrying regsim's manifest, holding nothing else;
- ``-o`` names exactly what is written, for every command; the old "parent directory" usage fails safely;
- replacing is atomic; a replace killed between its steps leaves the old results, and the next command
  restores them and sweeps the temporaries (fault tests kill a subprocess with ``os._exit`` at each step);
- of two commands racing for the same new output the second fails cleanly (exit 2);
- a failed command leaves no partial results, and everything is checked before anything is written.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from reliability_support import (
    HEAD,
    LEVER,
    SCEN,
    assert_bad_input,
    assert_ok,
    cli,
    killed_run,
    leftovers,
    regsim,
    write,
    xmile,
)

from simulator.io import outdir
from simulator.io.outdir import MANIFEST, read_manifest


def _user_dir(d: Path) -> dict[str, bytes]:
    """A directory of the user's own files (not regsim's); returns its contents."""
    write(d / "notes.txt", "my notes\n")
    write(d / "sub" / "data.csv", "a,b\n1,2\n")
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in d.rglob("*") if p.is_file()}


def _contents(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in d.rglob("*") if p.is_file()}


# -- --force only replaces what regsim wrote -----------------------------------------------------------------

def test_force_never_replaces_a_users_directory(tmp_path):
    d = tmp_path / "mine"
    before = _user_dir(d)
    out = cli("run", SCEN / "baseline.toml", "-o", d, "--force")
    assert_bad_input(out, str(d), "not written by regsim", "never replaced")
    assert _contents(d) == before


def test_a_scenario_named_scenarios_cannot_delete_the_scenarios_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scen = tmp_path / "results" / "scenarios"   # the default target results/<name> is a user's folder
    before = _user_dir(scen)
    f = write(tmp_path / "s.toml", "name = 'scenarios'\ndescription = 'd'\n" + LEVER)
    assert_bad_input(cli("run", f, "--force"), "results/scenarios", "not written by regsim")
    assert _contents(scen) == before
    assert_bad_input(cli("run", f, "-o", tmp_path, "--force"), "not written by regsim")
    assert (tmp_path / "s.toml").exists() and _contents(scen) == before


def test_force_refuses_a_result_directory_holding_foreign_files(tmp_path):
    d = tmp_path / "res"
    assert_ok(cli("run", SCEN / "baseline.toml", "-o", d, "-q"))
    write(d / "my_analysis.xlsx", b"precious")
    out = cli("run", SCEN / "baseline.toml", "-o", d, "--force")
    assert_bad_input(out, str(d), "my_analysis.xlsx", "did not write")
    assert (d / "my_analysis.xlsx").read_bytes() == b"precious"


def test_force_replaces_a_result_directory_regsim_wrote(tmp_path):
    d = tmp_path / "res"
    assert_ok(cli("run", SCEN / "baseline.toml", "-o", d, "-q"))
    man = read_manifest(d)
    assert man["signature"] == "regsim output directory" and set(man["files"]) == {"timeseries.csv", "metadata.json"}
    assert_bad_input(cli("run", SCEN / "port_investment.toml", "-o", d), str(d), "exists", "--force")
    assert_ok(cli("run", SCEN / "port_investment.toml", "-o", d, "--force", "-q"))
    assert json.loads((d / "metadata.json").read_text())["scenario"] == "port_investment"
    assert leftovers(tmp_path) == []


def test_symlinked_output_is_refused(tmp_path):
    real = tmp_path / "real"
    assert_ok(cli("run", SCEN / "baseline.toml", "-o", real, "-q"))
    link = tmp_path / "link"
    link.symlink_to(real)
    assert_bad_input(cli("run", SCEN / "baseline.toml", "-o", link, "--force"), str(link), "symbolic link")
    assert read_manifest(real) is not None


def test_result_directories_are_never_nested(tmp_path):
    d = tmp_path / "res"
    assert_ok(cli("run", SCEN / "baseline.toml", "-o", d, "-q"))
    assert_bad_input(cli("run", SCEN / "port_investment.toml", "-o", d / "inner"), "is itself a result directory")
    assert not (d / "inner").exists()


# -- one meaning of -o -------------------------------------------------------------------------------------

def test_o_names_the_result_directory_for_every_command(tmp_path):
    runs = {
        "run": ["run", SCEN / "baseline.toml", "-q"],
        "uncertainty": ["uncertainty", SCEN / "baseline.toml", "-n", "8", "--seed", "1", "-q"],
        "run-xmile": ["run-xmile", write(tmp_path / "m.xmile", xmile())],
    }
    for name, args in runs.items():
        d = tmp_path / f"out-{name}"
        assert_ok(cli(*args, "-o", d))
        assert read_manifest(d) is not None, name           # written exactly at -o, signed
        assert (d / "metadata.json").is_file(), name
        assert not any(p.is_dir() for p in d.iterdir()), name  # not a parent of a subfolder


def test_sensitivity_o_names_the_result_directory(tmp_path):
    pytest.importorskip("SALib")
    d = tmp_path / "sens"
    assert_ok(cli("sensitivity", SCEN / "baseline.toml", "--method", "morris", "--output", "gdp_real@2030",
                  "-n", "2", "--seed", "1", "-o", d, "-q"))
    assert read_manifest(d) is not None and (d / "morris.csv").is_file()


def test_default_outputs_go_to_results_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_ok(cli("run", SCEN / "baseline.toml", "-q"))
    assert read_manifest(tmp_path / "results" / "baseline") is not None


@pytest.mark.parametrize("command", ["run", "uncertainty"])
def test_the_old_parent_usage_fails_safely(tmp_path, command):
    """``-o results`` used to mean "put it in results/<name>": with results/ holding other results it is refused."""
    results = tmp_path / "results"
    assert_ok(cli("run", SCEN / "baseline.toml", "-o", results / "baseline", "-q"))
    write(results / "readme.txt", "other results live here\n")
    before = _contents(results)
    extra = ["-n", "8"] if command == "uncertainty" else []
    for force in ([], ["--force"]):
        out = cli(command, SCEN / "port_investment.toml", *extra, "-o", results, *force)
        assert_bad_input(out, str(results), "-o names the result directory itself")
    assert _contents(results) == before


def test_validate_model_o_names_the_report_file(tmp_path):
    out = cli("validate-model", "-o", tmp_path, "--no-backtest", "--no-structural")
    assert_bad_input(out, str(tmp_path), "is a directory", ".md")


# -- file outputs --------------------------------------------------------------------------------------------

def test_file_outputs_never_replace_files_regsim_did_not_write(tmp_path):
    mine = write(tmp_path / "data.csv", "year,value\n2018,1\n")
    fig = write(tmp_path / "holiday.png", b"not a picture at all")
    out = cli("compare", SCEN / "baseline.toml", SCEN / "port_investment.toml", "-o", mine, "--force")
    assert_bad_input(out, str(mine), "does not look like")
    assert mine.read_text() == "year,value\n2018,1\n"
    assert_bad_input(cli("plot", SCEN / "baseline.toml", "-o", fig, "--force"), str(fig), "does not look like")
    assert fig.read_bytes() == b"not a picture at all"
    toml = write(tmp_path / "trade.toml", "[meta]\nblock = 'x'\n")
    assert_bad_input(cli("calibrate", "-o", toml, "-q"), str(toml), "does not look like a calibrated")
    assert_bad_input(cli("compare", SCEN / "baseline.toml", SCEN / "port_investment.toml", "-o",
                         SCEN / "baseline.toml", "--force"), "must end in .csv")


def test_file_outputs_need_force_and_replace_their_own_files(tmp_path):
    f = tmp_path / "cmp.csv"
    assert_ok(cli("compare", SCEN / "baseline.toml", SCEN / "port_investment.toml", "-o", f))
    assert_bad_input(cli("compare", SCEN / "baseline.toml", SCEN / "port_investment.toml", "-o", f), "exists",
                     "--force")
    assert_ok(cli("compare", SCEN / "baseline.toml", SCEN / "port_investment.toml", "-o", f, "--force"))
    assert [p.name for p in tmp_path.iterdir()] == ["cmp.csv"]


def test_report_figures_dir_respects_force(tmp_path):
    figs = tmp_path / "img"
    keep = write(figs / "baseline_trade_en.png", b"\x89PNG\r\n\x1a\n user's figure")
    out = cli("report", SCEN / "baseline.toml", "-o", tmp_path / "r.html", "--figures-dir", figs,
              "--figure", "trade", "--sensitivity", "none")
    assert_bad_input(out, str(keep), "exists", "--force")
    assert keep.read_bytes().endswith(b"user's figure")
    assert not (tmp_path / "r.html").exists()      # checked before anything was written


# -- failed commands leave nothing ----------------------------------------------------------------------------

def test_a_bad_baseline_is_found_before_anything_is_written(tmp_path):
    bad = write(tmp_path / "bad.toml", HEAD + "[levers.teleporter]\nbudget = 1\n")
    d = tmp_path / "out"
    assert_bad_input(cli("run", SCEN / "port_investment.toml", "--baseline", bad, "-o", d), str(bad), "teleporter")
    assert not d.exists() and leftovers(tmp_path) == []


def test_a_run_that_blows_up_leaves_no_results(tmp_path):
    f = write(tmp_path / "boom.toml", HEAD + "[levers.port_investment]\nbudget = 1e300\nstart = 2024\nend = 2030\n")
    d = tmp_path / "out"
    assert_bad_input(cli("run", f, "-o", d), str(f), "levers.port_investment.budget")
    assert not d.exists() and leftovers(tmp_path) == []


def test_a_failure_while_writing_keeps_the_old_results(tmp_path, monkeypatch):
    import errno

    import simulator.io

    d = tmp_path / "res"
    assert_ok(cli("run", SCEN / "baseline.toml", "-o", d, "-q"))
    before = _contents(d)

    def disk_full(results, directory, **kw):
        write(Path(directory) / "timeseries.csv", "scenario,variable\npartial")
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(directory) / "timeseries.csv"))

    monkeypatch.setattr(simulator.io, "write_results", disk_full)
    assert_bad_input(cli("run", SCEN / "port_investment.toml", "-o", d, "--force"), str(d), "no space left")
    assert _contents(d) == before and leftovers(tmp_path) == []


def test_an_error_between_the_renames_puts_the_old_results_back(tmp_path, monkeypatch):
    d = tmp_path / "res"
    assert_ok(cli("run", SCEN / "baseline.toml", "-o", d, "-q"))
    before = _contents(d)
    monkeypatch.setattr(outdir, "USE_EXCHANGE", False)
    real = outdir._rename
    calls = []

    def second_fails(a, b):
        calls.append((a, b))
        if len(calls) == 2:
            raise OSError(5, "Input/output error", str(b))
        real(a, b)

    monkeypatch.setattr(outdir, "_rename", second_fails)
    assert_bad_input(cli("run", SCEN / "port_investment.toml", "-o", d, "--force"), str(d), "previous results")
    assert _contents(d) == before and leftovers(tmp_path) == []


# -- kills between the steps of a replace (subprocesses killed with os._exit) ------------------------------

@pytest.fixture()
def xmile_pair(tmp_path):
    """A result directory written from one model file, and a second model whose results differ."""
    m1 = write(tmp_path / "one.xmile", xmile("a"))
    m2 = write(tmp_path / "two.xmile", xmile("a * 2"))
    d = tmp_path / "res"
    assert_ok(cli("run-xmile", m1, "-o", d))
    return d, m1, m2, _contents(d)


@pytest.mark.parametrize("mode, step, n, where", [
    ("rename", "manifest", 1, "while writing the new copy"),
    ("rename", "rename", 1, "before the first rename"),
    ("rename", "rename", 2, "between the two renames"),
    ("rename", "rmtree", 1, "after the new copy is in place, before the old one is removed"),
    ("exchange", "exchange", 1, "before the atomic exchange"),
    ("exchange", "rmtree", 1, "after the exchange, before the old copy is removed"),
])
def test_a_killed_replace_loses_nothing_and_the_next_command_repairs(tmp_path, xmile_pair, mode, step, n, where):
    d, m1, m2, before = xmile_pair
    killed = killed_run(mode, step, n, "run-xmile", m2, "-o", d, "--force")
    assert killed.returncode == 137, killed.stderr
    # at every instant either the old or the new complete result exists: under its name, or (between the two
    # renames) as the .res.old-* copy the next command puts back
    survivors = [p for p in tmp_path.iterdir() if p.name == "res" or p.name.startswith(".res.old-")]
    assert any(_contents(p) == before for p in survivors) or (d.exists() and read_manifest(d)), where
    # the next command (here one that only reads) repairs: the name is back and complete, nothing left over
    out = cli("plot", d, "-v", "s", "-o", tmp_path / "s.png")
    assert_ok(out)
    assert read_manifest(d) is not None and (d / "timeseries.csv").is_file()
    after = _contents(d)
    assert after == before or step == "rmtree", where  # a replace killed before it completed is undone
    assert leftovers(tmp_path) == [], where
    # and the interrupted command can simply be run again
    assert_ok(cli("run-xmile", m2, "-o", d, "--force"))
    assert leftovers(tmp_path) == []


def test_a_killed_regsim_run_replace_is_repaired_by_the_next_run(tmp_path):
    d = tmp_path / "res"
    assert_ok(cli("run", SCEN / "baseline.toml", "-o", d, "-q"))
    before = _contents(d)
    killed = killed_run("rename", "rename", 2, "run", SCEN / "port_investment.toml", "-o", d, "--force", "-q")
    assert killed.returncode == 137
    assert not d.exists()                                   # killed between the two renames ...
    old = [p for p in tmp_path.iterdir() if p.name.startswith(".res.old-")]
    assert len(old) == 1 and _contents(old[0]) == before    # ... the old results survive beside it
    out = cli("run", SCEN / "port_investment.toml", "-o", d, "--force", "-q")
    assert_ok(out)
    assert "restored the previous results" in out.stderr and "removed" in out.stderr
    assert json.loads((d / "metadata.json").read_text())["scenario"] == "port_investment"
    assert leftovers(tmp_path) == []


def test_temporaries_of_running_commands_are_not_swept(tmp_path):
    """A live writer's temporary directory is locked: another command's sweep leaves it alone."""
    import fcntl

    d = tmp_path / "res"
    live = tmp_path / ".res.tmp-999999-live"
    live.mkdir()
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert_ok(cli("run", SCEN / "baseline.toml", "-o", d, "-q"))
        assert live.is_dir()
    finally:
        os.close(fd)
    assert_ok(cli("run", SCEN / "baseline.toml", "-o", d, "--force", "-q"))
    assert not live.exists()


# -- concurrent writers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("when", ["while simulating", "while writing"])
def test_second_writer_of_the_same_new_output_fails_cleanly(tmp_path, monkeypatch, when):
    """The other command finishes while this one runs: this one must not replace its results.

    Finished while this one simulates: caught when the output is opened; finished while this one is writing
    its files: caught at commit time (a rename onto an existing directory is refused).
    """
    import simulator.io
    from simulator.cli import run_cmds

    d = tmp_path / "res"
    state = {"done": False}

    def competitor():
        if not state["done"]:
            state["done"] = True
            assert_ok(cli("run", SCEN / "baseline.toml", "-o", d, "-q"))

    if when == "while simulating":
        real_sim = run_cmds._simulate_prepared

        def sim(prep, seed=None):
            res = real_sim(prep, seed)
            competitor()
            return res

        monkeypatch.setattr(run_cmds, "_simulate_prepared", sim)
        needle = "exists"
    else:
        real_write = simulator.io.write_results

        def wr(*a, **k):
            out = real_write(*a, **k)
            competitor()
            return out

        monkeypatch.setattr(simulator.io, "write_results", wr)
        needle = "another command wrote it meanwhile"
    out = cli("run", SCEN / "port_investment.toml", "-o", d, "-q")
    assert_bad_input(out, str(d), needle)
    assert json.loads((d / "metadata.json").read_text())["scenario"] == "baseline"
    assert leftovers(tmp_path) == []


def test_two_processes_racing_for_one_new_output(tmp_path):
    """Real processes: exactly one wins, the other exits 2 with one line; the result is complete."""
    m = write(tmp_path / "m.xmile", xmile("a", stop="2000"))
    d = tmp_path / "res"
    results = [None, None]

    def go(i):
        results[i] = regsim("run-xmile", m, "-o", d)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join()
    codes = sorted(r.returncode for r in results)
    assert codes == [0, 2], [(r.returncode, r.stderr) for r in results]
    loser = next(r for r in results if r.returncode == 2)
    lines = loser.stderr.strip().splitlines()
    assert len(lines) == 1 and str(d) in lines[0] and "Traceback" not in loser.stderr
    assert read_manifest(d) is not None and leftovers(tmp_path) == []


def test_manifest_lists_every_file(tmp_path):
    d = tmp_path / "u"
    assert_ok(cli("uncertainty", SCEN / "baseline.toml", "-n", "8", "--seed", "2", "--parquet", "-o", d, "-q"))
    man = read_manifest(d)
    on_disk = {p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file()} - {MANIFEST}
    assert set(man["files"]) == on_disk and any(f.startswith("members/") for f in on_disk)


def test_results_of_an_older_regsim_are_not_replaced_but_explained(tmp_path):
    d = tmp_path / "baseline"
    write(d / "metadata.json", json.dumps({"regsim_version": "0.1.0", "scenario": "baseline"}))
    write(d / "timeseries.csv", "scenario,variable,dimension,year,value,unit\n")
    before = _contents(d)
    assert_bad_input(cli("run", SCEN / "baseline.toml", "-o", d, "--force"), str(d), "older regsim",
                     "move or delete it yourself")
    assert _contents(d) == before


@pytest.mark.parametrize("command", ["run", "run-xmile", "uncertainty", "sensitivity", "compare", "plot", "report",
                                     "export-xmile", "calibrate", "validate-model", ""])
def test_every_help_states_the_output_convention(command):
    out = cli(*([command] if command else []), "--help")
    assert_ok(out)
    text = " ".join(out.stdout.split())
    assert ("-o names" in text or "is replaced (that is this command's job)" in text), text


def test_help_of_the_group_states_the_output_convention():
    text = " ".join(cli("--help").stdout.split())
    assert "Every -o names exactly what the command writes" in text and "--force replaces only what regsim wrote" in text
