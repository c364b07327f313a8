#!/usr/bin/env bash
# KafkaJS is a devDependency of the repo; npm's node_modules is its cache.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

installed_version() {
  sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$REPO_ROOT/node_modules/kafkajs/package.json" 2>/dev/null | head -1
}
install_kafkajs() {
  [ "$(installed_version)" = "$KAFKAJS_VERSION" ] && return 0
  log "kafkajs $KAFKAJS_VERSION: npm install"
  # Same command as the one that put it in package.json, so re-running it
  # leaves package.json unchanged.
  (cd "$REPO_ROOT" && PATH="$REPO_ROOT/node_modules/.bin:$PATH" npm install --no-audit --no-fund --save-dev --save-exact \
     "kafkajs@$KAFKAJS_VERSION" >&2)
}
with_lock npm install_kafkajs
[ "$(installed_version)" = "$KAFKAJS_VERSION" ] || die "kafkajs $KAFKAJS_VERSION is not installed"
emit KAFKAJS_DIR "$REPO_ROOT/node_modules/kafkajs"
