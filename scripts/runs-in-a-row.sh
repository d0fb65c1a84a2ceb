#!/usr/bin/env bash
# Runs `npm test` N times in a row (default 5) and stops at the first failure: the evidence that
# the suite passes every time, not once by luck. Each run appends one line to LOG (when it ended,
# run number, pass or fail, duration, test counts); a failed run's whole output is kept beside it.
#
#   scripts/runs-in-a-row.sh LOG [N]
set -uo pipefail
cd "$(dirname "$0")/.."

log=${1:?usage: scripts/runs-in-a-row.sh LOG [N]}
runs=${2:-5}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "N must be a whole number from 1, not '$runs'" >&2; exit 64; }
log=$(realpath -m "$log")
mkdir -p "$(dirname "$log")"
output=$(mktemp)
trap 'rm -f "$output"' EXIT

echo "# $(date -Iseconds) npm test $runs× in a row: commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" >>"$log"
for ((run = 1; run <= runs; run++)); do
  started=$(date +%s)
  # Every run makes its own databases and queue prefixes: a run id left in the environment would
  # have them all share one.
  env -u SHINCHOKU_TEST_RUN npm test >"$output" 2>&1
  status=$?
  seconds=$(($(date +%s) - started))
  # Each tier ends with "jest: N passed, N failed, N skipped" (test/support/summary-reporter.js).
  counts=$(awk '/^jest: [0-9]+ passed/ { p += $2; f += $4; s += $6 } END { printf "%d passed, %d failed, %d skipped", p, f, s }' "$output")
  result=$([ "$status" = 0 ] && echo pass || echo FAIL)
  printf '%s run %d/%d %s in %dm%02ds: %s\n' "$(date -Iseconds)" "$run" "$runs" "$result" $((seconds / 60)) $((seconds % 60)) "$counts" | tee -a "$log"
  if [ "$status" != 0 ]; then
    kept="$log.run$run.txt"
    cp "$output" "$kept"
    echo "# run $run failed (npm test exited $status); its output is in $kept" | tee -a "$log"
    exit 1
  fi
done
echo "# $runs of $runs runs passed" | tee -a "$log"
