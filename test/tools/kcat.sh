#!/usr/bin/env bash
# kcat (librdkafka's CLI) from Debian; apt is the cache here, so it is only
# installed when missing.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_kcat() {
  command -v kcat >/dev/null && return 0
  log "kcat: installing from Debian"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh image may have empty package lists; update only when needed.
  if ! apt-get install -y -q kcat >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    apt-get install -y -q kcat >&2
  fi
}
with_lock apt install_kcat
command -v kcat >/dev/null || die "kcat is not installed"
emit KCAT "$(command -v kcat)"
