#!/usr/bin/env bash
# Helm, by `go install helm.sh/helm/v<major>/cmd/helm@…`. Prints HELM.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$TOOLS_DIR/kube/common.sh"

major=${HELM_VERSION%%.*}   # v4.3.1 -> v4: the module path carries the major version
dest="$MILLRACE_CACHE/helm/$HELM_VERSION"
build() {
  log "helm $HELM_VERSION: go install"
  # Helm's Makefile stamps the full version (the source says only "v4.3").
  go_install_at "$1" "helm.sh/helm/$major/cmd/helm" "$HELM_VERSION" \
    "-X helm.sh/helm/$major/internal/version.version=$HELM_VERSION -X helm.sh/helm/$major/internal/version.gitTreeState=clean"
  "$1/bin/helm" version --short >&2 || die "built helm does not run"
}
ensure_dir "$dest" build
emit HELM "$dest/bin/helm"
