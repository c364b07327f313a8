#!/usr/bin/env bash
# Builds the kind node image local/kindnode:<KUBE_VERSION> without any container registry:
# local/kindbase:bookworm (make-base.sh) + the Kubernetes binaries (test/tools/kube-binaries.sh)
# + crictl + the images a kubeadm cluster runs, preloaded into the node's containerd the way
# `kind build node-image` does it (sleep container, containerd in the background,
# `ctr -n k8s.io images import --label=io.cri-containerd.pinned=pinned --all-platforms
# --no-unpack --digests -`, containerd stopped cleanly, `docker commit`).
# Usage: bash test/kind/build-node-image.sh [--force]          (root: chroot, the Docker socket)
# Prints KINDNODE_IMAGE=local/kindnode:v1.34.4 on stdout; progress on stderr only when building.
#
# Images, named exactly as `kubeadm config images list --kubernetes-version v1.34.4` prints:
#   kube-apiserver, kube-controller-manager, kube-scheduler   docker import of the static binary
#   kube-proxy      the binary + iptables/nftables/conntrack (apt in a chroot of debian:bookworm-slim)
#   etcd:3.6.5-0    etcd v3.6.5 from the wrapper module test/kind/etcd (regen.sh)
#   coredns:v1.12.1 go install github.com/coredns/coredns@v1.12.1
#   pause:3.10.1    pause.c, gcc -static (also tagged pause:3.10, containerd's sandbox_image)
# and for kind's default storage (/kind/manifests/default-storage.yaml): rancher
# local-path-provisioner (go install) and a busybox helper. The pod network is not kindnetd
# (not on the Go proxy) but node/millrace-podnet, a systemd service in the image (see there).
#
# Cached: an image whose label dev.millrace.kindnode.key equals the hash of all inputs is kept
# (a warm run is a few `docker image inspect`s); the Go builds and the kube-proxy rootfs are
# cached under ~/.cache/millrace/kind/.
. "$(dirname "${BASH_SOURCE[0]}")/../tools/lib.sh"
KIND_DIR=$REPO_ROOT/test/kind
. "$TOOLS_DIR/kube/common.sh" # KUBE_VERSION, KIND_VERSION; Go env (local toolchain, caches, static)
. "$KIND_DIR/versions.env"
. "$REPO_ROOT/test/images/debian.sh"

parse_force "$@"
[ "$(id -u)" = 0 ] || die "build-node-image.sh needs root (chroot, the Docker socket)"
for c in jq go gcc strip; do command -v $c >/dev/null || die "$c is needed"; done

KINDNODE_IMAGE=$KINDNODE_REPO:$KUBE_VERSION
R=registry.k8s.io

eval "$(bash "$TOOLS_DIR/docker.sh")"
eval "$(bash "$TOOLS_DIR/kube-tools.sh" kube-binaries crictl)"
eval "$(bash "$KIND_DIR/make-base.sh")"
eval "$(bash "$REPO_ROOT/test/images/build-base-images.sh")" # DEBIAN_IMAGE (kube-proxy's rootfs)

# What kubeadm will ask the kubelet to run; our pins must match it exactly.
IMAGES=$("$KUBE_BIN_DIR/kubeadm" config images list --kubernetes-version "$KUBE_VERSION") ||
  die "kubeadm config images list failed"
want_image() { # the line of kubeadm's list for a repository, e.g. want_image etcd
  printf '%s\n' "$IMAGES" | grep -E "^$R/$1:" || die "kubeadm lists no $R/$1 image:"$'\n'"$IMAGES"
}
ETCD_IMAGE=$(want_image etcd)
COREDNS_IMAGE=$(want_image coredns/coredns)
PAUSE_IMAGE=$(want_image pause)
[ "$ETCD_IMAGE" = "$R/etcd:${NODE_ETCD_VERSION#v}-0" ] ||
  die "kubeadm $KUBE_VERSION wants $ETCD_IMAGE, test/kind/versions.env has NODE_ETCD_VERSION=$NODE_ETCD_VERSION (change it, then bash test/kind/regen.sh)"
[ "$COREDNS_IMAGE" = "$R/coredns/coredns:$NODE_COREDNS_VERSION" ] ||
  die "kubeadm $KUBE_VERSION wants $COREDNS_IMAGE, test/kind/versions.env has NODE_COREDNS_VERSION=$NODE_COREDNS_VERSION"
grep -q "go.etcd.io/etcd/server/v3 $NODE_ETCD_VERSION\b" "$KIND_DIR/etcd/go.mod" ||
  die "test/kind/etcd/go.mod does not build etcd $NODE_ETCD_VERSION: run bash test/kind/regen.sh"
# containerd's sandbox image in kind's config.toml (kind replaces kubeadm's pause with it).
SANDBOX_IMAGE=$("$DOCKER" run --rm --entrypoint sed "$KINDBASE_IMAGE" -n \
  's/^ *sandbox_image *= *"\(.*\)"/\1/p' /etc/containerd/config.toml)
[ -n "$SANDBOX_IMAGE" ] || die "no sandbox_image in $KINDBASE_IMAGE's /etc/containerd/config.toml"

# --- Go builds and the pause binary, each cached in its own directory -------------------------
bin_etcd() {
  log "kindnode: etcd $NODE_ETCD_VERSION: go build (wrapper module test/kind/etcd)"
  (cd "$KIND_DIR/etcd" && go build -trimpath -ldflags "-s -w" -o "$1/bin/etcd" go.etcd.io/etcd/server/v3 >&2) ||
    die "go build of etcd $NODE_ETCD_VERSION failed (see the go output above)"
  # (Output captured first: `| grep -q` under pipefail fails when grep exits before the writer.)
  local v
  v=$("$1/bin/etcd" --version) || die "built etcd does not run"
  grep -q "^etcd Version: ${NODE_ETCD_VERSION#v}$" <<<"$v" || die "built etcd reports another version: $v"
}
bin_coredns() {
  log "kindnode: coredns $NODE_COREDNS_VERSION: go install"
  go_install_at "$1" github.com/coredns/coredns "$NODE_COREDNS_VERSION"
  local v
  v=$("$1/bin/coredns" -version) || die "built coredns does not run"
  grep -q "^CoreDNS-${NODE_COREDNS_VERSION#v}$" <<<"$v" || die "built coredns reports another version: $v"
}
bin_lpp() {
  log "kindnode: local-path-provisioner $LOCAL_PATH_PROVISIONER_VERSION: go install"
  go_install_at "$1" github.com/rancher/local-path-provisioner "$LOCAL_PATH_PROVISIONER_VERSION" \
    "-X main.VERSION=$LOCAL_PATH_PROVISIONER_VERSION"
}
bin_pause() {
  gcc -Os -static -o "$1/pause" "$KIND_DIR/pause.c" >&2 || die "gcc -static pause.c failed (libc6-dev installed?)"
  strip "$1/pause"
}
# kube-proxy's rootfs: debian:bookworm-slim (ours, docker export) + what kube-proxy execs, with
# apt in a chroot (no container networking involved); busybox-static is kept aside for the
# local-path helper image.
proxy_rootfs() {
  local dest=${1:?} r=$1/rootfs logf=$1/build.log cid
  log "kindnode: kube-proxy rootfs: $DEBIAN_IMAGE + $KUBE_PROXY_PACKAGES"
  mkdir -p "$r"
  cid=$("$DOCKER" create "$DEBIAN_IMAGE" true)
  "$DOCKER" export "$cid" | tar -C "$r" -xf - || { "$DOCKER" rm "$cid" >/dev/null; die "docker export of $DEBIAN_IMAGE failed"; }
  "$DOCKER" rm "$cid" >/dev/null
  cp /etc/resolv.conf "$r/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d" && chmod 0755 "$r/usr/sbin/policy-rc.d"
  : >"$logf"
  in_rootfs "$r" "$logf" "apt-get update -q && apt-get install -y -q --no-install-recommends $KUBE_PROXY_PACKAGES"
  install -m0755 "$r/bin/busybox" "$dest/busybox"
  finish_rootfs "$r"
  tar -C "$r" --numeric-owner -cf "$dest/rootfs.tar" .
  rm -rf "${r:?}"
}

etcd_dir=$MILLRACE_CACHE/kind/etcd/$NODE_ETCD_VERSION-$(hash_files test/kind/etcd/go.mod test/kind/etcd/go.sum)
coredns_dir=$MILLRACE_CACHE/kind/coredns/$NODE_COREDNS_VERSION
lpp_dir=$MILLRACE_CACHE/kind/local-path-provisioner/$LOCAL_PATH_PROVISIONER_VERSION
pause_dir=$MILLRACE_CACHE/kind/pause/$(hash_files test/kind/pause.c)
debian_id=$("$DOCKER" image inspect -f '{{.Id}}' "$DEBIAN_IMAGE")
proxy_key=$(printf '%s\n' "$debian_id" "$KUBE_PROXY_PACKAGES" "$KINDNODE_ROOTFS_REVISION" \
  "$(declare -f proxy_rootfs in_rootfs finish_rootfs)" | sha256sum | cut -c1-12)
proxy_dir=$MILLRACE_CACHE/kind/proxyroot-$proxy_key

# The node image's key: every input above plus this script, the node files and the base image.
kindbase_id=$("$DOCKER" image inspect -f '{{.Id}}' "$KINDBASE_IMAGE")
node_key=$( (
  printf '%s\n' "$KUBE_VERSION" "$KUBE_BIN_DIR" "$CRICTL" "$kindbase_id" "$etcd_dir" "$coredns_dir" \
    "$lpp_dir" "$pause_dir" "$proxy_dir" "$LOCAL_PATH_PROVISIONER_IMAGE" "$LOCAL_PATH_HELPER_IMAGE" "$SANDBOX_IMAGE"
  cat "${BASH_SOURCE[0]}" "$KIND_DIR"/node/*
) | sha256sum | cut -c1-16)
current_key() {
  "$DOCKER" image inspect -f '{{index .Config.Labels "dev.millrace.kindnode.key"}}' "$KINDNODE_IMAGE" 2>/dev/null || true
}
if [ $force = 0 ] && [ "$(current_key)" = "$node_key" ]; then
  emit KINDNODE_IMAGE "$KINDNODE_IMAGE"
  exit 0
fi

# import_dir DIR NAME [--change …]…: a one-layer image of DIR's content.
import_dir() {
  local dir=${1:?} name=${2:?}; shift 2
  tar -C "$dir" --numeric-owner -cf - . | "$DOCKER" import "$@" - "$name" >/dev/null ||
    die "docker import of $name failed"
}
# static_image NAME BINARY…: the binaries in /usr/local/bin, passwd/group for root and nonroot
# (65532, distroless' user), /tmp; ENTRYPOINT the first binary, as the upstream images do.
static_image() {
  local name=$1 first=$2 d; shift
  d=$(mktemp -d "$work/img.XXXXXX")
  mkdir -p "$d/usr/local/bin" "$d/etc" "$d/tmp" && chmod 1777 "$d/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$d/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$d/etc/group"
  cp "$@" "$d/usr/local/bin/"
  import_dir "$d" "$name" --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENTRYPOINT [\"/usr/local/bin/$(basename "$first")\"]"
  rm -rf "${d:?}"
}

build_node_image() {
  local t0 t name imgs old
  t0=$(date +%s)
  ensure_dir "$etcd_dir" bin_etcd
  ensure_dir "$coredns_dir" bin_coredns
  ensure_dir "$lpp_dir" bin_lpp
  ensure_dir "$pause_dir" bin_pause
  ensure_dir "$proxy_dir" proxy_rootfs
  find "$MILLRACE_CACHE/kind" -maxdepth 1 -name 'proxyroot-*' ! -path "$proxy_dir" -exec rm -rf {} +
  log "kindnode: Go builds and rootfs ready after $(($(date +%s) - t0)) s; importing images"

  work=$(mktemp -d "${TMPDIR:-/tmp}/kindnode.XXXXXX")
  name=kindnode-build-$$
  imgs=("$R/kube-apiserver:$KUBE_VERSION" "$R/kube-controller-manager:$KUBE_VERSION"
    "$R/kube-scheduler:$KUBE_VERSION" "$R/kube-proxy:$KUBE_VERSION" "$ETCD_IMAGE" "$COREDNS_IMAGE"
    "$PAUSE_IMAGE" "$SANDBOX_IMAGE" "$LOCAL_PATH_PROVISIONER_IMAGE" "$LOCAL_PATH_HELPER_IMAGE")
  # The component images are only needed for the import (the node image holds them after it):
  # removed on success and failure alike, so failed runs leave no dangling images behind.
  # shellcheck disable=SC2064 # expand now: the names are fixed
  # (`|| true` each: errexit applies inside the trap, and a failing command there would turn a
  # successful build into exit status 1.)
  trap "'$DOCKER' rm -f -v '$name' >/dev/null 2>&1 || true
        '$DOCKER' rmi ${imgs[*]@Q} '$R/kube-proxy:stage0' >/dev/null 2>&1 || true
        rm -rf '${work:?}' || true" EXIT

  "$DOCKER" rmi "${imgs[@]}" >/dev/null 2>&1 || true # left by a killed run
  static_image "$R/kube-apiserver:$KUBE_VERSION" "$KUBE_BIN_DIR/kube-apiserver"
  static_image "$R/kube-controller-manager:$KUBE_VERSION" "$KUBE_BIN_DIR/kube-controller-manager"
  static_image "$R/kube-scheduler:$KUBE_VERSION" "$KUBE_BIN_DIR/kube-scheduler"
  static_image "$ETCD_IMAGE" "$etcd_dir/bin/etcd"
  static_image "$COREDNS_IMAGE" "$coredns_dir/bin/coredns"
  static_image "$LOCAL_PATH_PROVISIONER_IMAGE" "$lpp_dir/bin/local-path-provisioner"
  # kube-proxy: Debian rootfs + the binary in a second layer.
  "$DOCKER" import "$proxy_dir/rootfs.tar" "$R/kube-proxy:stage0" >/dev/null || die "docker import of the kube-proxy rootfs failed"
  mkdir -p "$work/proxy"
  cp "$KUBE_BIN_DIR/kube-proxy" "$work/proxy/"
  printf 'FROM %s\nCOPY kube-proxy /usr/local/bin/kube-proxy\nENTRYPOINT ["/usr/local/bin/kube-proxy"]\n' \
    "$R/kube-proxy:stage0" >"$work/proxy/Dockerfile"
  DOCKER_BUILDKIT=0 "$DOCKER" build -q -t "$R/kube-proxy:$KUBE_VERSION" "$work/proxy" >/dev/null ||
    die "docker build of kube-proxy failed"
  "$DOCKER" rmi "$R/kube-proxy:stage0" >/dev/null
  # pause: the binary at /pause, user 65535 as upstream's image.
  mkdir -p "$work/pause" && cp "$pause_dir/pause" "$work/pause/"
  import_dir "$work/pause" "$PAUSE_IMAGE" --change 'ENTRYPOINT ["/pause"]' --change 'USER 65535:65535'
  [ "$SANDBOX_IMAGE" = "$PAUSE_IMAGE" ] || "$DOCKER" tag "$PAUSE_IMAGE" "$SANDBOX_IMAGE"
  # local-path helper: busybox (sh, mkdir, rm for the provisioner's setup/teardown scripts).
  mkdir -p "$work/helper/bin" "$work/helper/tmp" && chmod 1777 "$work/helper/tmp"
  cp "$proxy_dir/busybox" "$work/helper/bin/busybox"
  for a in $("$proxy_dir/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$work/helper/bin/$a"; done
  import_dir "$work/helper" "$LOCAL_PATH_HELPER_IMAGE" --change 'ENV PATH=/bin' --change 'CMD ["/bin/sh"]'
  log "kindnode: images ready after $(($(date +%s) - t0)) s; assembling $KINDNODE_IMAGE"

  # The build container, as kind's: sleep as PID 1 (no systemd), seccomp unconfined.
  "$DOCKER" run -d --name "$name" --entrypoint=sleep --security-opt seccomp=unconfined \
    "$KINDBASE_IMAGE" infinity >/dev/null || die "could not start the build container"
  for b in kubelet kubeadm kubectl; do
    "$DOCKER" cp "$KUBE_BIN_DIR/$b" "$name:/usr/bin/$b"
  done
  "$DOCKER" cp "$CRICTL" "$name:/usr/local/bin/crictl"
  "$DOCKER" cp "$KIND_DIR/node/millrace-podnet" "$name:/usr/local/bin/millrace-podnet"
  "$DOCKER" cp "$KIND_DIR/node/millrace-podnet.service" "$name:/etc/systemd/system/millrace-podnet.service"
  "$DOCKER" cp "$KIND_DIR/node/default-cni.yaml" "$name:/kind/default-cni.yaml"
  sed -e "s#@PROVISIONER_IMAGE@#$LOCAL_PATH_PROVISIONER_IMAGE#g" -e "s#@HELPER_IMAGE@#$LOCAL_PATH_HELPER_IMAGE#g" \
    "$KIND_DIR/node/default-storage.yaml" >"$work/default-storage.yaml"
  "$DOCKER" cp "$work/default-storage.yaml" "$name:/kind/default-storage.yaml"
  "$DOCKER" exec "$name" bash -ec "
    cd /usr/bin && chown root:root kubelet kubeadm kubectl && chmod 0755 kubelet kubeadm kubectl
    chown root:root /usr/local/bin/crictl /usr/local/bin/millrace-podnet
    chmod 0755 /usr/local/bin/crictl /usr/local/bin/millrace-podnet
    chmod 0644 /etc/systemd/system/millrace-podnet.service
    ln -sf /etc/systemd/system/millrace-podnet.service /etc/systemd/system/multi-user.target.wants/millrace-podnet.service
    mkdir -p /kind/manifests /etc/cni/net.d
    mv /kind/default-cni.yaml /kind/default-storage.yaml /kind/manifests/
    chmod 0644 /kind/manifests/*
    echo -n '$KUBE_VERSION' >/kind/version
    [ \"\$(kubeadm version -o short)\" = '$KUBE_VERSION' ]" || die "installing the binaries into the node failed"

  # Preload, as kind's containerdImporter does.
  "$DOCKER" exec "$name" bash -c 'nohup containerd >/tmp/containerd.log 2>&1 &'
  "$DOCKER" exec "$name" bash -c 'for i in $(seq 100); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && exit 0; sleep 0.3; done; exit 1' ||
    die "containerd did not start in the build container: $("$DOCKER" exec "$name" tail -n 20 /tmp/containerd.log)"
  t=$(date +%s)
  "$DOCKER" save "${imgs[@]}" | "$DOCKER" exec -i "$name" ctr --namespace=k8s.io images import \
    --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests - >/dev/null ||
    die "ctr images import failed"
  local have missing=""
  have=$("$DOCKER" exec "$name" ctr --namespace=k8s.io images ls -q)
  for i in "${imgs[@]}"; do grep -qxF "$i" <<<"$have" || missing+=" $i"; done
  [ -z "$missing" ] || die "not in the node's containerd after import:$missing"$'\n'"$have"
  log "kindnode: preloaded ${#imgs[@]} images in $(($(date +%s) - t)) s"
  # Stop containerd and wait for it to exit, so its metadata is consistent in the commit. PID 1
  # is sleep, which reaps nothing: an exited containerd stays a zombie, so count live ones only.
  "$DOCKER" exec "$name" bash -c 'pkill -x containerd
    for i in $(seq 150); do
      live=0
      for p in $(pgrep -x containerd); do [ "$(cut -d" " -f3 /proc/$p/stat 2>/dev/null)" = Z ] || live=1; done
      [ $live = 0 ] && exit 0
      sleep 0.2
    done; exit 1' || die "containerd did not stop in the build container within 30 s"
  "$DOCKER" exec "$name" rm -f /tmp/containerd.log

  old=$("$DOCKER" image inspect -f '{{.Id}}' "$KINDNODE_IMAGE" 2>/dev/null || true)
  "$DOCKER" commit \
    --change 'ENTRYPOINT [ "/usr/local/bin/unpriv-fixup", "/usr/local/bin/entrypoint", "/sbin/init" ]' \
    --change "LABEL dev.millrace.kindnode.key=$node_key dev.millrace.kubernetes.version=$KUBE_VERSION" \
    "$name" "$KINDNODE_IMAGE" >/dev/null || die "docker commit failed"
  if [ -n "$old" ] && [ -z "$("$DOCKER" image inspect -f '{{join .RepoTags ""}}' "$old" 2>/dev/null)" ]; then
    "$DOCKER" rmi "$old" >/dev/null 2>&1 || true # kept while a cluster's nodes still use it
  fi
  log "kindnode: built $KINDNODE_IMAGE in $(($(date +%s) - t0)) s ($("$DOCKER" image inspect -f '{{.Size}}' "$KINDNODE_IMAGE" | awk '{printf "%.0f MB", $1 / 1e6}'))"
}

( flock 9
  if [ $force = 1 ] || [ "$(current_key)" != "$node_key" ]; then build_node_image; fi
) 9>"$MILLRACE_CACHE/.locks/kindnode.lock"
emit KINDNODE_IMAGE "$KINDNODE_IMAGE"
