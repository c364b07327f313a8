#!/usr/bin/env bash
# The README's test command (`npm test`) and what CI runs: builds, installs the test tools
# (cached under ~/.cache/millrace), runs every vitest suite and ends with one line
# "N passed, N failed" counted from vitest's JSON reports. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
reports=.test-reports
rm -rf "$reports" && mkdir -p "$reports"

npm run --silent build || { echo "0 passed, 1 failed"; exit 1; }

status=0
run_suite() { # name, vitest args…
  local name=$1; shift
  echo "== suite: $name"
  npx vitest run "$@" --reporter=default --reporter=json --outputFile="$reports/$name.json" || status=1
}

run_suite unit
if [ -f test/compat/vitest.config.ts ] && [ "${MILLRACE_SKIP_COMPAT:-0}" != 1 ]; then
  bash test/tools/install.sh || { echo "compat tool install failed"; status=1; }
  run_suite compat --config test/compat/vitest.config.ts
fi

node test/summarize-reports.mjs "$reports" || status=1
exit $status
