#!/usr/bin/env bash
# Regenerates the command outputs and figure quoted in README.md (docs/examples/, docs/img/).
# Run from the repository root after `make install` (or with regsim on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
RS=${REGSIM:-.venv/bin/regsim}
out=docs/examples
mkdir -p "$out" docs/img
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$RS" run scenarios/baseline.toml -o "$tmp/baseline" | sed "s#$tmp#results#g" > "$out/run_baseline.txt"
"$RS" compare scenarios/baseline.toml scenarios/port_investment.toml scenarios/full_package.toml --uncertainty 200 --seed 1 \
    -o "$tmp/compare.csv" | sed "s#$tmp#results#g" > "$out/compare.txt"
"$RS" plot scenarios/baseline.toml scenarios/port_investment.toml scenarios/digital_infrastructure.toml \
    scenarios/full_package.toml --variables gdp_real,trade_total,employment_total,population \
    -o docs/img/quickstart.png --force > /dev/null
"$RS" plot scenarios/baseline.toml scenarios/port_investment.toml scenarios/digital_infrastructure.toml \
    scenarios/industry_transfer.toml scenarios/finance_clustering.toml --diff \
    --variables gdp_real,trade_total,employment_total,population -o docs/img/core_levers_diff.png --force > /dev/null
"$RS" levers > "$out/levers.txt"
"$RS" report scenarios/full_package.toml --compare scenarios/baseline.toml -o "$tmp/report.html" \
    --figures-dir docs/img --figure trajectories --figure trade --force -q > /dev/null
echo "wrote $out/*.txt, docs/img/quickstart.png and docs/img/core_levers_diff.png"
