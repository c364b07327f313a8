#!/usr/bin/env bash
# Kubernetes binaries (kube-apiserver, kubectl, kubelet, kubeadm,
# kube-controller-manager, kube-scheduler, kube-proxy) built from the
# k8s.io/kubernetes Go module through the wrapper module kube/kubernetes
# (why a wrapper: see kube/regen.sh). Prints KUBE_BIN_DIR (all seven in it).
# Cold: ~8 min on 2 idle cores (13 min under load); warm: a stat.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$TOOLS_DIR/kube/common.sh"

mod=test/tools/kube/kubernetes
key="$KUBE_VERSION-$(hash_files "$mod/go.mod" "$mod/go.sum")"
dest="$MILLRACE_CACHE/kubernetes/$key"
cmds=(kube-apiserver kubectl kubelet kubeadm kube-controller-manager kube-scheduler kube-proxy)

build() {
  local out=$1 minor=${KUBE_VERSION#v1.} date ldflags="-s -w" p kv
  minor=${minor%%.*}
  grep -q "^require k8s.io/kubernetes $KUBE_VERSION\$\|^	k8s.io/kubernetes $KUBE_VERSION " "$REPO_ROOT/$mod/go.mod" \
    || die "$mod/go.mod does not require k8s.io/kubernetes $KUBE_VERSION: run bash test/tools/kube/regen.sh"
  log "kubernetes $KUBE_VERSION: go build of ${cmds[*]} (cold: ~8-15 min on 2 cores)"
  # The tag's date, so two builds of one version are byte-identical.
  date=$(cd "$REPO_ROOT/$mod" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes) \
    || die "cannot resolve k8s.io/kubernetes $KUBE_VERSION in $mod"
  # What hack/lib/version.sh stamps: kubeadm and kubelet refuse the default
  # v0.0.0-master version. The module zip has no git commit, hence zeros.
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    for kv in "gitVersion=$KUBE_VERSION" gitMajor=1 "gitMinor=$minor" gitTreeState=clean \
              gitCommit=0000000000000000000000000000000000000000 "buildDate=$date"; do
      ldflags+=" -X $p.$kv"
    done
  done
  # One go build for all seven, so shared packages compile once; the tags are
  # the ones upstream's release build uses (hack/lib/golang.sh).
  (cd "$REPO_ROOT/$mod" && go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ldflags" \
     -o "$out/bin/" "${cmds[@]/#/k8s.io/kubernetes/cmd/}" >&2) \
    || die "go build of Kubernetes $KUBE_VERSION failed (see the go output above)"
  local v
  v=$("$out/bin/kubeadm" version -o short) || die "built kubeadm does not run"
  [ "$v" = "$KUBE_VERSION" ] || die "built kubeadm reports version '$v', expected $KUBE_VERSION"
}
ensure_dir "$dest" build
emit KUBE_BIN_DIR "$dest/bin"
