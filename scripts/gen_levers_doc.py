"""Regenerate docs/levers.md (and docs/levers_returns.csv) from the parameter files and paired ensembles.

Run from the repository root after `make install`:

    .venv/bin/python scripts/gen_levers_doc.py              # ensembles (a few minutes on 2 cores) + page
    .venv/bin/python scripts/gen_levers_doc.py --from-csv   # page only, from the committed CSV

The logic lives in simulator/report/levers_doc.py (tested by tests/test_levers_doc.py).
"""

import sys

from simulator.report.levers_doc import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
