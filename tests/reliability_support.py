"""Helpers shared by the reliability tests (issue 11): running the CLI and checking the one-line promise.

The promise checked by :func:`assert_bad_input`: exit code 2, exactly one line
on stderr, starting ``regsim: error:``, naming the file (and the key when one
is given), and no traceback anywhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import traceback
from pathlib import Path

from click.testing import CliRunner

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCEN = ROOT / "scenarios"
PARAMS = ROOT / "params"

#: a minimal valid scenario head
HEAD = "name = 'x'\ndescription = 'a test scenario'\n"
LEVER = "[levers.port_investment]\nbudget = 100\nstart = 2024\nend = 2030\n"


class Outcome:
    """What one CLI invocation did."""

    def __init__(self, result):
        self.result = result
        self.code = result.exit_code
        self.stderr = result.stderr
        self.stdout = result.stdout
        self.lines = [ln for ln in self.stderr.strip().splitlines() if ln.strip()]
        exc = result.exception
        self.crashed = exc is not None and not isinstance(exc, SystemExit)

    def explain(self) -> str:
        tb = ""
        if self.crashed:
            tb = "".join(traceback.format_exception(self.result.exception))
        return f"exit {self.code}\nstderr:\n{self.stderr}\nstdout:\n{self.stdout[-2000:]}\n{tb}"


def cli(*args, env: dict | None = None) -> Outcome:
    """Run ``regsim ARGS`` in-process (click's CliRunner; stderr kept apart)."""
    return Outcome(CliRunner().invoke(main, [os.fspath(a) if isinstance(a, Path) else str(a) for a in args],
                                      env=env))


def assert_bad_input(out: Outcome, *needles: str, lines: int | None = 1) -> str:
    """Exit code 2, one ``regsim: error:`` line (or ``lines`` lines) containing every needle, no traceback."""
    assert not out.crashed, out.explain()
    assert out.code == 2, out.explain()
    assert "Traceback" not in out.stderr + out.stdout, out.explain()
    if lines is not None:
        assert len(out.lines) == lines, out.explain()
    last = out.lines[-1] if out.lines else ""
    assert last.startswith("regsim: error: "), out.explain()
    text = "\n".join(out.lines)
    for n in needles:
        assert str(n) in text, f"{n!r} not in the message:\n{out.explain()}"
    return last


def assert_ok(out: Outcome) -> None:
    """Exit code 0 and no traceback."""
    assert not out.crashed and out.code == 0, out.explain()


def write(path: Path, text: str | bytes) -> Path:
    """Write a file (text as UTF-8, bytes as they are); return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def xmile(eqn: str = "a", *, start: str = "0", stop: str = "10", dt: str = "1", extra: str = "") -> str:
    """A small XMILE model: constant ``a``, auxiliary ``b = eqn``, stock ``s`` fed by ``f = b``."""
    return textwrap.dedent(f"""\
        <xmile xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0" version="1.0">
        <header><vendor>test</vendor><product>test</product></header>
        <sim_specs method="Euler"><start>{start}</start><stop>{stop}</stop><dt>{dt}</dt></sim_specs>
        <model><variables>
        <aux name="a"><eqn>1</eqn></aux>
        <aux name="b"><eqn>{eqn}</eqn></aux>
        <stock name="s"><eqn>0</eqn><inflow>f</inflow></stock>
        <flow name="f"><eqn>b</eqn></flow>
        {extra}
        </variables></model></xmile>
        """)


#: run in a fresh interpreter: interrupt the Nth call of a step of the output protocol with os._exit (a kill:
#: no cleanup, no finally blocks), then run the regsim CLI with the remaining arguments
FAULT_DRIVER = textwrap.dedent("""\
    import os, sys
    import simulator.io.outdir as od
    mode, step, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    od.USE_EXCHANGE = mode == "exchange"
    calls = {"n": 0}
    def killer(orig):
        def f(*a, **k):
            calls["n"] += 1
            if calls["n"] == n:
                os._exit(137)
            return orig(*a, **k)
        return f
    if step == "rename":
        od._rename = killer(od._rename)
    elif step == "rmtree":
        od._rmtree = killer(od._rmtree)
    elif step == "exchange":
        od._exchange = killer(od._exchange)
    elif step == "manifest":
        od.write_manifest = killer(od.write_manifest)
    from simulator.cli import main
    main(sys.argv[4:], prog_name="regsim")
    """)


def killed_run(mode: str, step: str, n: int, *args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``regsim ARGS`` in a subprocess that is killed at the ``n``-th call of ``step``."""
    return subprocess.run([sys.executable, "-c", FAULT_DRIVER, mode, step, str(n), *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def regsim(*args, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``regsim ARGS`` in a subprocess."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-c", "from simulator.cli import main; main(prog_name='regsim')",
                           *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300, env=full_env)


def leftovers(directory: Path) -> list[str]:
    """Temporary names (``.X.tmp-*``, ``.X.old-*``) in ``directory``."""
    return sorted(p.name for p in directory.iterdir() if ".tmp-" in p.name or ".old-" in p.name)
