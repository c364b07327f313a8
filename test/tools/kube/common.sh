# Sourced by the Kubernetes tool installers (kube-binaries.sh, etcd.sh, kind.sh,
# helm.sh, crictl.sh) after ../lib.sh; never run.
# shellcheck source=versions.env
. "$TOOLS_DIR/kube/versions.env"

# Go builds of the Kubernetes tooling: the local toolchain (no toolchain
# downloads), the module cache and the build cache inside the millrace cache
# (a second machine-local build of a bumped version reuses every unchanged
# compiled package, and `go clean -cache` elsewhere does not cost a 20 min
# rebuild), and static binaries (the kind node image and kube-proxy image have
# no libc of our choosing).
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly CGO_ENABLED=0
export GOMODCACHE="$MILLRACE_CACHE/gomod" GOCACHE="$MILLRACE_CACHE/gocache"

# go_install_at DEST PACKAGE VERSION [LDFLAGS] : `go install pkg@version` into
# DEST/bin, for tools whose go.mod has no replace directives (kind, helm,
# crictl); the checksum database verifies the module. LDFLAGS adds -X stamps
# that the tool's own Makefile would set.
go_install_at() {
  local dest=$1 pkg=$2 version=$3 ldflags="-s -w ${4:-}"
  GOBIN="$dest/bin" go install -trimpath -ldflags "$ldflags" "$pkg@$version" >&2 \
    || die "go install $pkg@$version failed (see the go output above)"
}
