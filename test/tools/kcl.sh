#!/usr/bin/env bash
# franz-go's CLI. Not part of the default set: the Go module proxy reachable
# here answers 403 for github.com/twmb/kcl, so the franz driver is a Go program
# on franz-go's kgo/kadm instead (see test/compat/drivers/franz).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dest="$MILLRACE_CACHE/kcl/$KCL_VERSION"
build() {
  log "kcl $KCL_VERSION: go install"
  GOBIN="$1/bin" GOTOOLCHAIN=local GOMODCACHE="$MILLRACE_CACHE/gomod" \
    go install "github.com/twmb/kcl@$KCL_VERSION" >&2
}
ensure_dir "$dest" build
emit KCL "$dest/bin/kcl"
