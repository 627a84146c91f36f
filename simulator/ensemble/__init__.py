"""Ensembles: sampling uncertain parameters, running many members at once, summarising.

Layer: above engine / params / scenarios, below plotting and cli. SALib and
dask are imported lazily inside the functions that need them, so importing
this package stays light.

Public names
------------
- :func:`sample` -- a seeded Latin-hypercube / Sobol' / random sample of every
  uncertain parameter (a DataFrame, one column per scalar or ``name[element]``),
  with optional rank correlations (Iman-Conover);
- :func:`run_ensemble` -- simulate every sample row, in chunks, in-process or on
  Dask; returns an :class:`EnsembleResult` (quantiles, per-member values);
- :func:`paired_comparison` -- a scenario's effect against a baseline on the same sample;
- :func:`uncertain_parameters` / :func:`sampling_table` -- what an analysis samples (lever
  mechanisms included unless the policy is taken "as designed") and why the rest is left out;
- :func:`paired_returns` / :func:`return_bands` -- appraisal metrics of scenarios against a base
  for every member of a paired ensemble, and their median and 90% band;
- :func:`sensitivity` -- Sobol' indices or Morris screening of ``variable@year`` (SALib), one factor
  per parameter (arrayed parameters as SALib groups) or per element.
"""

from .compare import Comparison, paired_comparison
from .runner import (
    EXECUTORS,
    QUANTILES,
    EnsembleError,
    EnsembleResult,
    OutputSpec,
    label_quantile,
    parse_output,
    quantile_label,
    run_ensemble,
)
from .sampling import (
    METHODS,
    Marginal,
    SamplingError,
    load_correlations,
    marginals,
    member_seeds,
    parse_correlations,
    sample,
)
from .selection import AS_DESIGNED, sampling_table, uncertain_parameters
from .sensitivity import GROUP_BY, SA_METHODS, SensitivityResult, analyze_function, factors, sensitivity

__all__ = [
    "AS_DESIGNED", "sampling_table", "uncertain_parameters",
    "EXECUTORS", "GROUP_BY", "METHODS", "QUANTILES", "SA_METHODS", "Comparison", "EnsembleError", "EnsembleResult", "Marginal",
    "OutputSpec", "SamplingError", "SensitivityResult", "analyze_function", "factors", "label_quantile", "load_correlations",
    "marginals", "member_seeds", "paired_comparison", "parse_correlations", "parse_output", "quantile_label",
    "run_ensemble", "sample", "sensitivity",
]
