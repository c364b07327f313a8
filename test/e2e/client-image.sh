#!/usr/bin/env bash
# The e2e client image: our broker image (node 24, user 10001) + KafkaJS from the repository's
# node_modules + client/client.mjs. Built with Docker's legacy builder over the local broker
# image (no registry), tagged by the hash of its inputs, and loaded into the given kind nodes.
# Usage: bash test/e2e/client-image.sh BROKER_IMAGE KIND_CLUSTER NODE[,NODE…]
# Prints CLIENT_IMAGE=localhost/millrace/e2e-client:<hash> on stdout.
. "$(dirname "${BASH_SOURCE[0]}")/../tools/lib.sh"
[ $# = 3 ] || die "usage: client-image.sh BROKER_IMAGE KIND_CLUSTER NODE[,NODE…]"
base=$1 cluster=$2 nodes=$3
E2E_DIR=$REPO_ROOT/test/e2e
KAFKAJS_DIR=$REPO_ROOT/node_modules/kafkajs
[ -f "$KAFKAJS_DIR/package.json" ] || die "node_modules/kafkajs is missing: run npm ci"
eval "$(bash "$REPO_ROOT/test/kind/env.sh")" # DOCKER KIND KIND_SHIM_PATH

base_id=$("$DOCKER" image inspect -f '{{.Id}}' "$base") || die "no image $base"
key=$( (echo "$base_id"; cat "${BASH_SOURCE[0]}" "$E2E_DIR/client/client.mjs";
        cd "$KAFKAJS_DIR" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-12)
CLIENT_IMAGE=localhost/millrace/e2e-client:$key

if ! "$DOCKER" image inspect "$CLIENT_IMAGE" >/dev/null 2>&1; then
  log "e2e: building $CLIENT_IMAGE"
  ctx=$(mktemp -d)
  trap 'rm -rf "${ctx:?}"' EXIT
  mkdir -p "$ctx/node_modules"
  cp -r "$KAFKAJS_DIR" "$ctx/node_modules/kafkajs"
  cp "$E2E_DIR/client/client.mjs" "$ctx/"
  cat >"$ctx/Dockerfile" <<DF
FROM $base
COPY node_modules /opt/e2e-client/node_modules
COPY client.mjs /opt/e2e-client/client.mjs
WORKDIR /opt/e2e-client
ENV KAFKAJS_NO_PARTITIONER_WARNING=1
ENTRYPOINT ["node", "--disable-warning=TimeoutNegativeWarning", "/opt/e2e-client/client.mjs"]
CMD []
DF
  DOCKER_BUILDKIT=0 "$DOCKER" build -q -t "$CLIENT_IMAGE" "$ctx" >/dev/null || die "docker build of $CLIENT_IMAGE failed"
  # Older client images (other keys) are not needed any more.
  "$DOCKER" images --format '{{.Repository}}:{{.Tag}}' localhost/millrace/e2e-client |
    grep -vxF "$CLIENT_IMAGE" | xargs -r "$DOCKER" rmi >/dev/null 2>&1 || true
fi
# kind skips nodes that already hold this image ID.
PATH="$KIND_SHIM_PATH$PATH" "$KIND" load docker-image "$CLIENT_IMAGE" --name "$cluster" --nodes "$nodes" >&2 ||
  die "kind load docker-image $CLIENT_IMAGE failed"
emit CLIENT_IMAGE "$CLIENT_IMAGE"
