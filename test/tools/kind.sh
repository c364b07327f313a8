#!/usr/bin/env bash
# kind (Kubernetes in Docker), by `go install sigs.k8s.io/kind@…`. Prints KIND.
# Node images cannot be pulled here: see shared kind-offline/README.md.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$TOOLS_DIR/kube/common.sh"

dest="$MILLRACE_CACHE/kind/$KIND_VERSION"
build() {
  log "kind $KIND_VERSION: go install"
  go_install_at "$1" sigs.k8s.io/kind "$KIND_VERSION"
}
ensure_dir "$dest" build
emit KIND "$dest/bin/kind"
