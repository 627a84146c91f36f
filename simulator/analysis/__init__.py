"""Derived indicators, scenario comparison and appraisal metrics (pure pandas/numpy; no plotting)."""

from .compare import HEADLINE, KEY_YEARS, compare, headline_table, summary_metrics
from .returns import AppraisalSettings, member_returns, metric_bands, metric_units, returns_table

__all__ = ["HEADLINE", "KEY_YEARS", "AppraisalSettings", "compare", "headline_table", "member_returns", "metric_bands",
           "metric_units", "returns_table", "summary_metrics"]
