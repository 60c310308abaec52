#!/usr/bin/env bash
# Every benchmark, one after the other, each printing its figures and its ratio or target.
# None of them is a timed test: nothing here runs in CI's test command.
#
#   bash bench/run_all.sh            # tox -e bench
#   bash bench/run_all.sh --mutation # also the mutation matrix (about 3-4 more minutes)
set -euo pipefail

cd "$(dirname "$0")/.."

mutation=()
for arg in "$@"; do
    case "$arg" in
        --mutation) mutation=(--mutation) ;;
        *) echo "usage: bash bench/run_all.sh [--mutation]" >&2; exit 2 ;;
    esac
done

echo "machine: $(nproc) cores, loadavg $(cut -d' ' -f1-3 /proc/loadavg)"

echo; echo "### reference server requests/s against a bare Starlette app"
python bench/bench_reference_rps.py

echo; echo "### generated cases/s: this suite's schemathesis layer against st run"
python bench/bench_vs_st_run.py --runs 3

echo; echo "### wall time at 0, 50 and 200 ms of added latency: the quick profile against st run"
# The longest here: at 200 ms a quick run waits minutes on its answers (about 35 minutes in all).
python bench/bench_latency.py --runs 3

echo; echo "### end-to-end wall time per profile"
python bench/bench_profiles.py --runs 3 "${mutation[@]}"

echo; echo "machine at the end: loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
