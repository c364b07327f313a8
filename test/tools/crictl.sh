#!/usr/bin/env bash
# crictl (the CRI command line, which kind's node image expects), by
# `go install sigs.k8s.io/cri-tools/cmd/crictl@…`. Prints CRICTL.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$TOOLS_DIR/kube/common.sh"

dest="$MILLRACE_CACHE/crictl/$CRICTL_VERSION"
build() {
  log "crictl $CRICTL_VERSION: go install"
  # The stamp cri-tools' Makefile sets; without it `crictl --version` says "unknown".
  go_install_at "$1" sigs.k8s.io/cri-tools/cmd/crictl "$CRICTL_VERSION" \
    "-X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION"
  "$1/bin/crictl" --version >&2 || die "built crictl does not run"
}
ensure_dir "$dest" build
emit CRICTL "$dest/bin/crictl"
