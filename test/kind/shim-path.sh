#!/usr/bin/env bash
# Does kind need the docker shim here? Prints KIND_SHIM_PATH=<dir>: (to prefix kind's PATH with)
# when `docker run --privileged` fails on this host, KIND_SHIM_PATH= (empty) when it works.
#   eval "$(bash test/kind/shim-path.sh)"; PATH="$KIND_SHIM_PATH$PATH" kind create cluster …
# The check runs a no-op container from the kind base image (built if missing), ~0.3 s.
. "$(dirname "${BASH_SOURCE[0]}")/../tools/lib.sh"
eval "$(bash "$TOOLS_DIR/docker.sh")"
eval "$(bash "$REPO_ROOT/test/kind/make-base.sh")"
if err=$("$DOCKER" run --rm --privileged --entrypoint true "$KINDBASE_IMAGE" 2>&1); then
  emit KIND_SHIM_PATH ""
elif [[ $err == *"unable to apply caps"* ]]; then
  emit KIND_SHIM_PATH "$REPO_ROOT/test/kind/shim:"
else
  die "docker run --privileged failed for another reason than missing capabilities: $err"
fi
