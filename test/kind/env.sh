#!/usr/bin/env bash
# The kind tool set the e2e scripts use, in one of two modes. Prints KEY=value lines:
#   KIND=…  KUBECTL=…  KINDNODE_IMAGE=…  KIND_SHIM_PATH=…  DOCKER=…
#
# Offline (default, this project's machines): kind and kubectl built from Go modules
# (test/tools), the node image built locally (build-node-image.sh), and the docker shim where
# `docker run --privileged` fails.
# Stock (MILLRACE_KIND_NODE_IMAGE set, e.g. kindest/node:v1.34.0 on a hosted CI runner where
# images can be pulled): `kind` and `kubectl` from PATH, kind pulls that node image, no shim.
. "$(dirname "${BASH_SOURCE[0]}")/../tools/lib.sh"
KIND_DIR=$REPO_ROOT/test/kind

eval "$(bash "$TOOLS_DIR/docker.sh")"
if [ -n "${MILLRACE_KIND_NODE_IMAGE:-}" ]; then
  KIND=$(command -v kind) || die "MILLRACE_KIND_NODE_IMAGE is set (stock kind) but no kind is on PATH"
  KUBECTL=$(command -v kubectl) || die "MILLRACE_KIND_NODE_IMAGE is set (stock kind) but no kubectl is on PATH"
  KINDNODE_IMAGE=$MILLRACE_KIND_NODE_IMAGE
  KIND_SHIM_PATH=
else
  eval "$(bash "$TOOLS_DIR/kube-tools.sh" kube-binaries kind)"
  KUBECTL=$KUBE_BIN_DIR/kubectl
  eval "$(bash "$KIND_DIR/build-node-image.sh")"
  eval "$(bash "$KIND_DIR/shim-path.sh")"
fi
emit DOCKER "$DOCKER"
emit KIND "$KIND"
emit KUBECTL "$KUBECTL"
emit KINDNODE_IMAGE "$KINDNODE_IMAGE"
emit KIND_SHIM_PATH "$KIND_SHIM_PATH"
