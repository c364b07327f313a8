#!/usr/bin/env bash
# Builds the franz-go compat driver (test/compat/drivers/franz) with go build.
# The module cache lives in the millrace cache too, so a cold run measures
# the real download and the warm path never touches the network.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src="test/compat/drivers/franz"
key="$FRANZ_GO_VERSION-$(hash_files "$src/go.mod" "$src/go.sum" "$src/main.go")"
dest="$MILLRACE_CACHE/franz-driver/$key"
build() {
  log "franz-driver: go build (franz-go $FRANZ_GO_VERSION)"
  grep -q "github.com/twmb/franz-go $FRANZ_GO_VERSION\$" "$REPO_ROOT/$src/go.mod" \
    || die "$src/go.mod does not pin franz-go $FRANZ_GO_VERSION (versions.env)"
  (cd "$REPO_ROOT/$src" && GOTOOLCHAIN=local GOFLAGS=-mod=readonly GOMODCACHE="$MILLRACE_CACHE/gomod" \
     go build -trimpath -o "$1/franz-driver" . >&2)
}
ensure_dir "$dest" build
emit FRANZ_DRIVER "$dest/franz-driver"
