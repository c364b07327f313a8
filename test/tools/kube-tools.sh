#!/usr/bin/env bash
# Every Kubernetes tool the operator's tests use, in one call:
#   eval "$(bash test/tools/kube-tools.sh)"      # KUBE_BIN_DIR ETCD KIND HELM CRICTL
#   bash test/tools/kube-tools.sh etcd kube-binaries   # only some
# Kept out of install.sh's default set: a cold Kubernetes build takes ~8-15 min,
# and the compat suite runs install.sh in its global setup.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# kube-binaries first: it is the long one, and the others reuse its Go caches.
all=(kube-binaries etcd crictl kind helm)
tools=("$@")
[ ${#tools[@]} -eq 0 ] && tools=("${all[@]}")
for t in "${tools[@]}"; do
  case " ${all[*]} " in *" $t "*) ;; *) echo "usage: bash test/tools/kube-tools.sh [${all[*]}]" >&2; exit 2 ;; esac
done
for t in "${tools[@]}"; do
  bash "$here/$t.sh"
done
