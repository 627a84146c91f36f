"""Fit the population block's history conditions 2019-2022 with the model itself.

Run (from the repository root; about half a minute)::

    .venv/bin/python scripts/population/fit_history.py            # writes data/drivers/hlj_*_history.csv
    .venv/bin/python scripts/population/write_parameters.py       # then: base level and TFR = their means

Year by year (2019, then 2020, ...), three numbers are solved so that the block reproduces three
sourced figures of that year exactly: the net out-migration level, the total fertility rate and a
multiplier on the death rates, against the revised year-end population
(``population_total_revised7census``), the crude birth rate and the crude death rate
(``birth_rate``, ``death_rate``; data/heilongjiang_history.csv). In 2019-2022 the block does not
depend on the economy (the migration level is the history condition), so the population block
alone is run (:func:`simulator.model.population.demography_model`, Euler, dt = 0.25). For the year
being fitted the history ends the year before and the three unknowns enter as the post-history
parameters (``net_outmigration_level_base``, ``tfr_future``, ``mortality_level_multiplier``), so
one ensemble run of four members gives the Newton step.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
YEARS = (2019, 2020, 2021, 2022)
DRIVERS = {"level": "hlj_net_outmigration_level_history", "tfr": "hlj_tfr_history",
           "mult": "hlj_death_rate_multiplier_history"}
UNITS = {"level": "1/yr", "tfr": "1", "mult": "1"}
WHAT = {"level": "net out-migration level", "tfr": "total fertility rate", "mult": "death-rate multiplier"}
NOTES = {("mult", 2019): " (below 1: the 2018-2019 crude death rates are on the pre-2020-census sample basis and were"
                         " not revised after the census)",
         ("mult", 2022): " (Dec 2022 COVID wave)",
         ("level", 2021): " (COVID-era mobility restrictions)", ("level", 2022): " (COVID-era mobility restrictions)"}


def load_targets() -> dict:
    from simulator.validation.age_structure import load_population_data

    d = load_population_data(ROOT)
    return {y: (d[(y, "population_total_revised7census")][0], d[(y, "birth_rate")][0], d[(y, "death_rate")][0])
            for y in YEARS}


def main() -> int:
    from simulator import SimSettings, simulate
    from simulator.model.build import default_parameters
    from simulator.model.population import demography_model

    targets = load_targets()
    base_model = demography_model(default_parameters())
    fitted: dict[str, dict[int, float]] = {k: {} for k in DRIVERS}
    x = np.array([0.02, 0.9, 1.0])              # level, TFR, multiplier
    for y in YEARS:
        model = base_model.with_constants({"population_history_end": float(y - 1)})
        ts = []
        for k, name in DRIVERS.items():
            xs = [v for yy in sorted(fitted[k]) for v in (yy - 1.0, yy - 1e-6)] or [1900.0, 1900.5]
            ys = [fitted[k][yy] for yy in sorted(fitted[k]) for _ in range(2)] or [0.0, 0.0]
            ts.append(replace(model[name], x=tuple(xs), y=tuple(ys)))
        model = model.replace(*ts)
        pop, cbr, cdr = targets[y]
        settings = SimSettings(2018, float(y), 0.25)

        def residuals(X, model=model, settings=settings, pop=pop, cbr=cbr, cdr=cdr):
            params = {"net_outmigration_level_base": X[:, 0], "tfr_future": X[:, 1], "mortality_level_multiplier": X[:, 2],
                      "migration_network_sensitivity": np.zeros(len(X))}
            r = simulate(model, params, settings, save=["population", "births_cumulative", "deaths_cumulative"])
            p = r["population"]
            mean = 0.5 * (p[:, -1] + p[:, -2])
            return np.stack([(p[:, -1] - pop) / pop * 100,
                             1000 * (r["births_cumulative"][:, -1] - r["births_cumulative"][:, -2]) / mean - cbr,
                             1000 * (r["deaths_cumulative"][:, -1] - r["deaths_cumulative"][:, -2]) / mean - cdr], axis=1)

        h = np.array([1e-4, 1e-3, 1e-3])
        for _ in range(8):
            X = np.vstack([x, x + np.diag(h)])
            R = residuals(X)
            J = (R[1:] - R[0]).T / h
            step = np.linalg.solve(J, -R[0])
            x = x + step
            if np.max(np.abs(step / np.maximum(np.abs(x), 1e-3))) < 1e-10:
                break
        res = residuals(x[None, :])[0]
        if np.max(np.abs(res)) > 1e-6:
            print(f"{y}: did not converge (residuals {res})", file=sys.stderr)
            return 1
        for k, v in zip(DRIVERS, x):
            fitted[k][y] = float(v)
        print(f"{y}: level {x[0]:.5f}/yr, TFR {x[1]:.4f}, death-rate multiplier {x[2]:.4f} "
              f"(population {pop:g}, CBR {cbr:g}, CDR {cdr:g} reproduced; max residual {np.max(np.abs(res)):.1e})")
    src = ("DERIVED (scripts/population/fit_history.py): year-by-year fit of the {what} (with the other two) so that the "
           "population block reproduces the year-end revised population, the crude birth rate and the crude death rate "
           "of the year (data/heilongjiang_history.csv)")
    for k, name in DRIVERS.items():
        with open(ROOT / "data" / "drivers" / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["year", "value", "unit", "source"])
            for y in YEARS:
                w.writerow([y, f"{fitted[k][y]:.6g}", UNITS[k], src.format(what=WHAT[k]) + NOTES.get((k, y), "")])
    print(f"means: level 2019-2022 {np.mean(list(fitted['level'].values())):.4f}, "
          f"TFR 2020-2022 {np.mean([fitted['tfr'][y] for y in (2020, 2021, 2022)]):.3f} "
          "(net_outmigration_level_base, tfr_future: rerun scripts/population/write_parameters.py)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
