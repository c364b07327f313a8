#!/usr/bin/env bash
# franz-go's CLI, kcl. Not part of the default set: the Go module proxy
# reachable here answers 403 for github.com/twmb/kcl, so the franz driver is a
# Go program on franz-go's kgo/kadm instead (test/compat/drivers/franz).
# KCL_VERSION=latest (the default) asks the proxy for the newest version and
# caches under that resolved version.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export GOTOOLCHAIN=local GOFLAGS= GOMODCACHE="$MILLRACE_CACHE/gomod"
version=$KCL_VERSION
if [ "$version" = latest ]; then
  versions=$(cd /tmp && go list -m -versions github.com/twmb/kcl 2>&1) \
    || die "cannot list github.com/twmb/kcl versions: $versions"
  version=${versions##* }
fi
dest="$MILLRACE_CACHE/kcl/$version"
build() {
  log "kcl $version: go install"
  GOBIN="$1/bin" go install "github.com/twmb/kcl@$version" >&2
}
ensure_dir "$dest" build
emit KCL "$dest/bin/kcl"
