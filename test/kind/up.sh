#!/usr/bin/env bash
# The e2e cluster: `npm run kind:up` (bash test/kind/up.sh).
# Makes sure Docker runs, the Kubernetes tools, the kind node image (env.sh: built offline by
# build-node-image.sh, or a stock kindest/node named by MILLRACE_KIND_NODE_IMAGE) and our broker
# image (test/images/build-millrace-image.sh) exist, then creates the kind cluster
# "millrace" from cluster.yaml (1 control plane + 3 workers in zone-a/b/c), or reuses a running,
# healthy one made from the current node image; loads the broker image into the workers; waits
# until every node is Ready, CoreDNS and the storage provisioner are available.
# Prints on stdout (KEY=value, nothing else):
#   KUBECONFIG=~/.cache/millrace/kind/kubeconfig-millrace   KUBECTL=…/kubectl
#   KIND_CLUSTER=millrace   MILLRACE_IMAGE=millrace:<version>
#   KIND_CREATED=1 when this run created the cluster, 0 when it reused a running one
# Progress goes to stderr. MILLRACE_KIND_CLUSTER names another cluster (same config).
. "$(dirname "${BASH_SOURCE[0]}")/../tools/lib.sh"
KIND_DIR=$REPO_ROOT/test/kind
CLUSTER=${MILLRACE_KIND_CLUSTER:-millrace}
# Bounds of the waits (seconds). Node boot + kubeadm take ~30 s here; cold containers more.
WAIT_READY=${MILLRACE_KIND_WAIT:-300}

t_start=$(date +%s)
step() { log "kind-up: $* (+$(($(date +%s) - t_start)) s)"; }

eval "$(bash "$KIND_DIR/env.sh")" # DOCKER KIND KUBECTL KINDNODE_IMAGE KIND_SHIM_PATH (offline or stock)
eval "$(bash "$REPO_ROOT/test/images/build-millrace-image.sh")"
KCFG=$MILLRACE_CACHE/kind/kubeconfig-$CLUSTER
mkdir -p "$(dirname "$KCFG")"
# kind only, with the docker shim first in PATH where `docker run --privileged` fails here.
kind_() { PATH="$KIND_SHIM_PATH$PATH" "$KIND" "$@"; }
k() { "$KUBECTL" --kubeconfig "$KCFG" "$@"; }

node_containers() { "$DOCKER" ps -a --filter "label=io.x-k8s.kind.cluster=$CLUSTER" --format '{{.Names}}'; }

# A cluster is reused when all four node containers run the current node image and the API
# server answers /readyz. Anything else (stopped nodes after a reboot, an older node image,
# a half-created cluster) is deleted and created anew.
healthy() {
  local names n want img state
  names=$(node_containers)
  [ "$(wc -w <<<"$names")" = 4 ] || return 1
  want=$("$DOCKER" image inspect -f '{{.Id}}' "$KINDNODE_IMAGE")
  for n in $names; do
    read -r img state < <("$DOCKER" inspect -f '{{.Image}} {{.State.Running}}' "$n") || return 1
    [ "$img" = "$want" ] && [ "$state" = true ] || { log "kind-up: node $n: image or state changed"; return 1; }
  done
  kind_ export kubeconfig --name "$CLUSTER" --kubeconfig "$KCFG" >/dev/null 2>&1 || return 1
  k --request-timeout=10s get --raw /readyz >/dev/null 2>&1
}

up() {
  if [ -n "$(node_containers)" ]; then
    if healthy; then
      step "reusing the running cluster $CLUSTER"
    else
      step "deleting the unhealthy or outdated cluster $CLUSTER"
      kind_ delete cluster --name "$CLUSTER" --kubeconfig "$KCFG" >&2 || die "kind delete cluster failed"
      # Node images replaced by a rebuild stay while a cluster uses them: drop them now.
      "$DOCKER" images -q -f dangling=true -f label=dev.millrace.kindnode.key | xargs -r "$DOCKER" rmi >/dev/null 2>&1 || true
    fi
  fi
  if [ -z "$(node_containers)" ]; then
    step "creating cluster $CLUSTER from $KINDNODE_IMAGE"
    echo 1 >"$CREATED_FLAG"
    rm -f "$KCFG"
    local t=$(date +%s)
    kind_ create cluster --name "$CLUSTER" --config "$KIND_DIR/cluster.yaml" --image "$KINDNODE_IMAGE" \
      --kubeconfig "$KCFG" --wait "${WAIT_READY}s" >&2 ||
      die "kind create cluster failed (logs: kind export logs --name $CLUSTER)"
    step "cluster created in $(($(date +%s) - t)) s"
  fi

  # The broker image, into the workers only (the control plane is tainted; each load copies
  # ~260 MB into a node). kind skips nodes that already have this image ID.
  local workers t
  workers=$(node_containers | grep -v -- '-control-plane$' | sort | paste -sd, -)
  t=$(date +%s)
  kind_ load docker-image "$MILLRACE_IMAGE" --name "$CLUSTER" --nodes "$workers" >&2 ||
    die "kind load docker-image $MILLRACE_IMAGE failed"
  step "kind load docker-image $MILLRACE_IMAGE: $(($(date +%s) - t)) s"

  k wait --for=condition=Ready node --all --timeout="${WAIT_READY}s" >&2 || {
    k get nodes -o wide >&2
    die "not every node became Ready within ${WAIT_READY}s"
  }
  k -n kube-system rollout status deployment/coredns --timeout="${WAIT_READY}s" >&2 ||
    die "CoreDNS did not become available within ${WAIT_READY}s"
  k -n local-path-storage rollout status deployment/local-path-provisioner --timeout="${WAIT_READY}s" >&2 ||
    die "local-path-provisioner did not become available within ${WAIT_READY}s"
  step "cluster $CLUSTER ready"
}

MILLRACE_IMAGE=$IMAGE
CREATED_FLAG=$(mktemp)
trap 'rm -f "${CREATED_FLAG:?}"' EXIT
with_lock "kind-$CLUSTER" up
emit KUBECONFIG "$KCFG"
emit KUBECTL "$KUBECTL"
emit KIND_CLUSTER "$CLUSTER"
emit MILLRACE_IMAGE "$MILLRACE_IMAGE"
emit KIND_CREATED "$([ -s "$CREATED_FLAG" ] && echo 1 || echo 0)"
