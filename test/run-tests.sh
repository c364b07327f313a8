#!/usr/bin/env bash
# The README's test command (`npm test`) and what CI runs: builds, installs the test tools
# (cached under ~/.cache/millrace), runs every vitest suite and ends with one line
# "N passed, N failed" counted from vitest's JSON reports. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
reports="$PWD/.test-reports"
rm -rf "$reports" && mkdir -p "$reports"

npm run --silent build || { echo "0 passed, 1 failed"; exit 1; }

status=0
run_suite() { # name, vitest args…
  local name=$1; shift
  echo "== suite: $name"
  npx vitest run "$@" --reporter=default --reporter=json --outputFile="$reports/$name.json" || status=1
  # A suite that died before writing its report leaves an empty one, which the summary counts as a failure.
  [ -s "$reports/$name.json" ] || : >"$reports/$name.json"
}

run_suite unit
# Three- and four-node clusters of broker processes (quorum, replication, cluster up), one at a time.
run_suite cluster --config test/integration/cluster.vitest.config.ts
# Real Java, librdkafka (confluent-kafka, kcat), KafkaJS and franz-go clients against the built broker;
# their installers run from the suite's global setup (cached under ~/.cache/millrace).
run_suite compat --config test/compat/vitest.config.ts
# The same scenarios against `millrace cluster up`: 3 nodes, racks a,b,c, RF 3, min.insync.replicas 2.
COMPAT_TARGET=millrace-cluster run_suite compat-cluster --config test/compat/vitest.config.ts
# A real etcd + kube-apiserver (Kubernetes built from Go modules, cached; ~10 min cold, seconds warm).
run_suite kube --config test/kube/vitest.config.ts
# The product image, built from the Dockerfile over locally built base images (Docker from Debian).
run_suite images --config test/images/vitest.config.ts
# The e2e tests (the operator from its Helm chart to a 3-zone KafkaCluster, then the broker smoke
# test) on a 3-zone kind cluster built offline (test/kind: node image from Debian packages
# and Go modules, cached); the cluster is deleted afterwards unless it was already running.
run_suite e2e --config test/e2e/vitest.config.ts

node test/summarize-reports.mjs "$reports" || status=1
exit $status
