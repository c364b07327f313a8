#!/usr/bin/env bash
# etcd, built from go.etcd.io/etcd/server/v3 through the wrapper module
# kube/etcd (the server module replaces its sibling modules with ../ paths, so
# `go install` is refused). Prints ETCD.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$TOOLS_DIR/kube/common.sh"

mod=test/tools/kube/etcd
key="$ETCD_VERSION-$(hash_files "$mod/go.mod" "$mod/go.sum")"
dest="$MILLRACE_CACHE/etcd/$key"
build() {
  grep -q "go.etcd.io/etcd/server/v3 $ETCD_VERSION\b" "$REPO_ROOT/$mod/go.mod" \
    || die "$mod/go.mod does not require go.etcd.io/etcd/server/v3 $ETCD_VERSION: run bash test/tools/kube/regen.sh"
  log "etcd $ETCD_VERSION: go build"
  (cd "$REPO_ROOT/$mod" && go build -trimpath -ldflags "-s -w" -o "$1/bin/etcd" go.etcd.io/etcd/server/v3 >&2) \
    || die "go build of etcd $ETCD_VERSION failed (see the go output above)"
  "$1/bin/etcd" --version >/dev/null || die "built etcd does not run"
}
ensure_dir "$dest" build
emit ETCD "$dest/bin/etcd"
