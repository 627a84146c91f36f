"""Derived indicators and scenario comparison (pure pandas/numpy; no plotting)."""

from .compare import HEADLINE, KEY_YEARS, compare, headline_table, summary_metrics

__all__ = ["HEADLINE", "KEY_YEARS", "compare", "headline_table", "summary_metrics"]
