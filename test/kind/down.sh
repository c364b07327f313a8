#!/usr/bin/env bash
# Deletes the e2e cluster: `npm run kind:down` (bash test/kind/down.sh).
# Node image and broker image stay (cached); MILLRACE_KIND_CLUSTER names another cluster.
. "$(dirname "${BASH_SOURCE[0]}")/../tools/lib.sh"
CLUSTER=${MILLRACE_KIND_CLUSTER:-millrace}
eval "$(bash "$TOOLS_DIR/docker.sh")"
if [ -n "${MILLRACE_KIND_NODE_IMAGE:-}" ]; then # stock kind (see env.sh)
  KIND=$(command -v kind) || die "MILLRACE_KIND_NODE_IMAGE is set (stock kind) but no kind is on PATH"
else
  eval "$(bash "$TOOLS_DIR/kube-tools.sh" kind)"
fi
KCFG=$MILLRACE_CACHE/kind/kubeconfig-$CLUSTER
down() {
  # kind delete only removes containers (no --privileged), so no docker shim is needed.
  "$KIND" delete cluster --name "$CLUSTER" --kubeconfig "$KCFG" >&2 || die "kind delete cluster $CLUSTER failed"
  rm -f "$KCFG"
}
with_lock "kind-$CLUSTER" down
