#!/bin/sh
# Regenerate params/calibrated.toml and docs/validation.md (+ docs/validation-figures/).
# Every number in docs/validation.md is printed by the second command.
# validate-model exits 1 when an acceptance limit or a structural test fails; the report is
# still written (and says so), so that status is passed on after both steps.
set -e
cd "$(dirname "$0")/.."
RS=${REGSIM:-regsim}
[ -x .venv/bin/regsim ] && [ -z "${REGSIM:-}" ] && RS=.venv/bin/regsim
"$RS" calibrate -o params/calibrated.toml
status=0
"$RS" validate-model -o docs/validation.md --force || status=$?
exit $status
