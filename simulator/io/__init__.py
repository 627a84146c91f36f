"""Reading and writing results: long-format CSV/Parquet plus a ``metadata.json`` sidecar.

:mod:`.outdir` holds the output convention (``-o`` names what is written) and the
atomic, repairable replacement of result directories and files.
"""

from .atomic import atomic_path, atomic_write
from .outdir import (
    MANIFEST,
    OutputError,
    OutputExistsError,
    atomic_output_dir,
    atomic_output_file,
    check_output_dir,
    check_output_file,
    prepare_output_dir,
)
from .results_files import dimension_columns, read_results_dir, results_frame, write_results

__all__ = ["MANIFEST", "OutputError", "OutputExistsError", "atomic_output_dir", "atomic_output_file", "atomic_path",
           "atomic_write", "check_output_dir", "check_output_file", "dimension_columns", "prepare_output_dir", "read_results_dir",
           "results_frame", "write_results"]
