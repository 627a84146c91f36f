"""Model validation (Sterman, *Business Dynamics* ch. 21): fit statistics, structural tests, report.

- :mod:`.stats` -- MAPE, RMSE, R², Theil's inequality statistics and decomposition;
- :mod:`.structural` -- extreme conditions, integration error, units, accounting identities;
- :mod:`.report` -- behaviour reproduction, back-test and structural summary; ``validation.md``.

Importing this package does not import scipy.optimize or matplotlib.
"""

from .stats import FitStats, fit_statistics, mape, r_squared, rmse, theil_decomposition, theil_u

__all__ = ["FitStats", "fit_statistics", "mape", "r_squared", "rmse", "theil_decomposition", "theil_u"]
