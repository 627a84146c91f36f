"""Reading and writing results: long-format CSV/Parquet plus a ``metadata.json`` sidecar."""

from .atomic import atomic_path, atomic_write
from .results_files import atomic_output_dir, dimension_columns, read_results_dir, results_frame, write_results

__all__ = ["atomic_output_dir", "atomic_path", "atomic_write", "dimension_columns", "read_results_dir", "results_frame",
           "write_results"]
