"""Calibration of the Heilongjiang model from files: config, parameter files, data, history scenario.

:func:`run_calibration` is what ``regsim calibrate`` does:

1. read the target config (:mod:`.targets`) and the data files it names;
2. load the *prior* parameters -- the block files of ``params/`` without
   ``calibrated.toml``, so re-running calibration starts from the same point
   and gives the same answer;
3. apply the history scenario named in the config (``scenarios/pandemic_replay.toml``:
   the 2020-2022 border closure and other observed conditions) with
   :func:`simulator.scenarios.prepare`, so the pandemic years are reproduced by
   the shock mechanism and not by bending structural parameters;
4. estimate the parameters marked ``free = true`` (:func:`.core.calibrate`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..engine import SimSettings
from .core import CalibrationError, CalibrationOptions, CalibrationResult, calibrate, free_parameters
from .targets import CalibrationConfig, load_config, load_history, observe

__all__ = ["HistoryRun", "prepare_history", "prior_parameters", "run_calibration"]

#: files in a params directory that are not parameter blocks
NON_BLOCK_FILES = frozenset({"calibrated.toml", "calibration.toml"})


def prior_parameters(params_dir: str | Path | None = None):
    """The prior parameters: every block file of ``params_dir`` (default ``params/``) except ``calibrated.toml``."""
    from ..model import load_model_parameters as load_parameters
    from ..params import ParameterError

    if params_dir is None:
        from ..scenarios import default_params_dir

        params_dir = default_params_dir()
    d = Path(params_dir)
    if d.is_file():
        return load_parameters(d)
    if not d.is_dir():
        raise ParameterError(f"{d}: parameter directory not found")
    files = sorted(p for p in d.glob("*.toml") if p.name not in NON_BLOCK_FILES)
    if not files:
        raise ParameterError(f"{d}: no parameter files (*.toml)")
    return load_parameters(files)


@dataclass(frozen=True)
class HistoryRun:
    """The model set up for history.

    Attributes
    ----------
    model : Model
        Built from the parameters, with the history scenario's shocks applied.
    base_params : dict
        Constant overrides of the history scenario (passed to every run).
    settings : SimSettings
        From the model start to ``stop``.
    parameters : ParameterSet
        The parameters in force (priors plus the scenario's overrides).
    scenario : str or None
        Name of the history scenario.
    """

    model: object
    base_params: dict
    settings: SimSettings
    parameters: object
    scenario: str | None


def prepare_history(config: CalibrationConfig, parameters, *, stop: float, method: str | None = None,
                    dt: float | None = None) -> HistoryRun:
    """Build the model for the historical window, applying the config's history scenario."""
    if config.scenario is not None:
        from ..scenarios import prepare

        prep = prepare(config.scenario, parameters=parameters)
        st = prep.settings
        start = st.start
        settings = SimSettings(start=start, stop=max(stop, start), dt=dt or config.dt or st.dt, save_every=1.0,
                               method=method or config.method or st.method)
        return HistoryRun(prep.model, dict(prep.params), settings, prep.parameters, prep.name)
    from ..model import build_model

    model = build_model(parameters)
    settings = SimSettings(start=config.start, stop=max(stop, config.start), dt=dt or config.dt or 0.25, save_every=1.0,
                           method=method or config.method or "euler")
    return HistoryRun(model, {}, settings, parameters, None)


def run_calibration(
    config: str | Path | CalibrationConfig,
    *,
    params_dir: str | Path | None = None,
    data: Sequence[str | Path] | None = None,
    until: int | None = None,
    options: CalibrationOptions | None = None,
    progress: Callable[[int, float], None] | None = None,
    parameters=None,
    method: str | None = None,
) -> tuple[CalibrationResult, object, list[Path]]:
    """Calibrate the Heilongjiang model as the config says.

    Parameters
    ----------
    config : path or CalibrationConfig
        Target config (``calibration/targets.toml``).
    params_dir : path, optional
        Directory of prior parameter files (default: the repository's ``params/``).
    data : sequence of path, optional
        History CSV files (default: the config's ``meta.data``).
    until : int, optional
        Fit on years ``<= until`` only; later years are the back-test.
    options : CalibrationOptions, optional
        Optimiser settings (default: the defaults with the config's ``prior_weight``).
    progress : callable, optional
        ``progress(n_evaluations, cost)``.
    parameters : ParameterSet, optional
        Prior parameters (instead of reading ``params_dir``).
    method : str, optional
        Integrator override.

    Returns
    -------
    (result, parameters, data_files)
        The calibration result, the prior :class:`ParameterSet` and the data files used.
    """
    cfg = config if isinstance(config, CalibrationConfig) else load_config(config)
    files = [Path(d) for d in data] if data else list(cfg.data)
    rows = load_history(files)
    observations = [observe(t, rows, low_confidence_weight=cfg.low_confidence_weight) for t in cfg.targets]
    if not any(o.years.size for o in observations):
        raise CalibrationError(f"{cfg.path}: none of the target series has data in {', '.join(map(str, files))}")
    ps = parameters if parameters is not None else prior_parameters(params_dir)
    last = max(int(o.years.max()) for o in observations if o.years.size)
    hist = prepare_history(cfg, ps, stop=last, method=method)
    free_ps = [ps[p.name] for p in ps.free()]
    if not free_ps:
        raise CalibrationError("no parameter is marked `free = true` in the parameter files: nothing to calibrate")
    free = free_parameters(free_ps, elements=hist.model.dimensions)
    meta = {"config": str(cfg.path), "data": [str(f) for f in files], "scenario": hist.scenario,
            "parameter_hash": ps.hash()}
    if options is None:
        options = CalibrationOptions(prior_weight=cfg.prior_weight)
    result = calibrate(hist.model, observations, free, settings=hist.settings, base_params=hist.base_params,
                       until=until, options=options, progress=progress, metadata=meta)
    return result, ps, files


def with_settings(result: CalibrationResult, **kw) -> CalibrationResult:
    """A copy of ``result`` with other settings (internal helper for reports)."""
    return replace(result, settings=replace(result.settings, **kw))
