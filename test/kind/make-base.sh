#!/usr/bin/env bash
# Builds the kind node base image (local/kindbase:bookworm) from Debian packages and kind's own
# base files (module sigs.k8s.io/kind, images/base/files), without any container registry.
# Usage: bash test/kind/make-base.sh [--force]      (root: debootstrap and chroot)
# Prints KINDBASE_IMAGE=… on stdout. The image carries a label with the key of its inputs
# (versions, the build functions' text, unpriv-fixup); an image with the current key is kept,
# so a warm run takes a fraction of a second, and the rootfs tarball is cached under
# ~/.cache/millrace/kind/, so --force or a changed entrypoint only re-imports.
# From shared kind-offline/make-base.sh; see README.md for what changed and why.
. "$(dirname "${BASH_SOURCE[0]}")/../tools/lib.sh"
KIND_DIR=$REPO_ROOT/test/kind
. "$KIND_DIR/versions.env"
. "$TOOLS_DIR/kube/versions.env" # KIND_VERSION
. "$REPO_ROOT/test/images/debian.sh"

parse_force "$@"
[ "$(id -u)" = 0 ] || die "make-base.sh needs root (debootstrap, chroot)"
command -v jq >/dev/null || die "jq is needed (apt-get install -y jq)"
command -v go >/dev/null || die "go is needed to fetch sigs.k8s.io/kind@$KIND_VERSION (its base files)"
eval "$(bash "$TOOLS_DIR/docker.sh")"

# Cache keys: the rootfs depends on the versions, package lists and the code that builds it
# (these functions' text, so editing a comment elsewhere does not cost a debootstrap); the
# image also on the entrypoint wrapper. Computed after the functions are defined, below.
current_key() {
  "$DOCKER" image inspect -f '{{index .Config.Labels "dev.millrace.kindbase.key"}}' "$KINDBASE_IMAGE" 2>/dev/null || true
}

kind_source() {
  # Same module cache as the Go tool installers; read-only files, hence install/chmod below.
  GOFLAGS=-modcacherw GOMODCACHE="$MILLRACE_CACHE/gomod" GOTOOLCHAIN=local \
    go mod download -json "sigs.k8s.io/kind@$KIND_VERSION" | jq -er .Dir ||
    die "go mod download sigs.k8s.io/kind@$KIND_VERSION failed"
}

build_rootfs() {
  local dest=${1:?} r=$1/rootfs logf=$1/build.log src f
  src=$(kind_source)
  f=$src/images/base/files
  [ -x "$f/usr/local/bin/entrypoint" ] || [ -f "$f/usr/local/bin/entrypoint" ] ||
    die "$f/usr/local/bin/entrypoint missing: kind $KIND_VERSION's base files moved?"
  debootstrap_rootfs "$r" "$KINDBASE_SUITE" "$logf" "$KINDBASE_PACKAGES"
  in_rootfs "$r" "$logf" "apt-get install -y -q --no-install-recommends $KINDBASE_APT_PACKAGES"

  # kind's base files, laid out as its images/base/Dockerfile COPYs them.
  install -m0755 "$f"/usr/local/bin/* "$r/usr/local/bin/"
  mkdir -p "$r/kind/bin" "$r/LICENSES"
  cp -r "$f"/kind/. "$r/kind/"
  chmod -R u+w "$r/kind"
  chmod 0755 "$r/kind" "$r/kind/bin" "$r"/kind/bin/*
  install -m0644 "$f"/LICENSES/* "$r/LICENSES/"
  mkdir -p "$r/etc/containerd" "$r/etc/default" "$r/etc/sysctl.d" "$r/etc/systemd/system/kubelet.service.d"
  install -m0644 "$f/etc/crictl.yaml" "$r/etc/"
  install -m0644 "$f/etc/containerd/config.toml" "$r/etc/containerd/"
  install -m0644 "$f/etc/default/kubelet" "$r/etc/default/"
  install -m0644 "$f"/etc/sysctl.d/* "$r/etc/sysctl.d/"
  install -m0644 "$f"/etc/systemd/system/*.service "$f"/etc/systemd/system/*.slice "$r/etc/systemd/system/"
  install -m0644 "$f"/etc/systemd/system/kubelet.service.d/* "$r/etc/systemd/system/kubelet.service.d/"

  # Debian's containerd and CNI plugins where kind's units and config expect its own builds.
  local b
  for b in containerd ctr containerd-shim-runc-v2; do ln -sf "/usr/bin/$b" "$r/usr/local/bin/$b"; done
  mkdir -p "$r/opt/cni" && rm -rf "$r/opt/cni/bin" && ln -s /usr/lib/cni "$r/opt/cni/bin"

  # The clean-up and unit enablement of kind's images/base/Dockerfile.
  in_rootfs "$r" "$logf" '
    find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete
    rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* \
          /lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/sockets.target.wants/*udev* \
          /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/*
    echo "ReadKMsg=no" >> /etc/systemd/journald.conf
    systemctl enable kubelet.service containerd.service undo-mount-hacks.service
    systemctl mask systemd-binfmt.service
    mkdir -p /etc/kubernetes/manifests
    ctr oci spec | jq ".hooks.createContainer[.hooks.createContainer| length] |= . + {\"path\": \"/kind/bin/mount-product-files.sh\"}" \
      | jq "del(.process.rlimits)" > /etc/containerd/cri-base.json
    apt-get clean'
  [ -s "$r/etc/containerd/cri-base.json" ] || die "cri-base.json was not generated (log: $logf)"
  finish_rootfs "$r"
  tar -C "$r" --numeric-owner -cf "$dest/rootfs.tar" .
  rm -rf "${r:?}"
}

rootfs_key=$(printf '%s\n' "$KINDBASE_SUITE" "$KIND_VERSION" "$KINDBASE_PACKAGES" "$KINDBASE_APT_PACKAGES" \
  "$KINDBASE_REVISION" "$(declare -f build_rootfs debootstrap_rootfs in_rootfs finish_rootfs)" |
  sha256sum | cut -c1-12)
rootfs_dir=$MILLRACE_CACHE/kind/kindbase-$KINDBASE_SUITE-$KIND_VERSION-$rootfs_key

build_image() {
  ensure_dir "$rootfs_dir" build_rootfs
  # Superseded rootfs tarballs (~300 MB each) are not kept.
  find "$MILLRACE_CACHE/kind" -maxdepth 1 -name 'kindbase-*' ! -path "$rootfs_dir" -exec rm -rf {} +
  log "kindbase: docker import + build $KINDBASE_IMAGE"
  local stage0=${KINDBASE_IMAGE%%:*}:stage0 ctx old
  old=$("$DOCKER" image inspect -f '{{.Id}}' "$KINDBASE_IMAGE" 2>/dev/null || true)
  "$DOCKER" import --change 'ENV container=docker' "$rootfs_dir/rootfs.tar" "$stage0" >/dev/null
  ctx=$(mktemp -d)
  cp "$KIND_DIR/unpriv-fixup" "$ctx/"
  # `docker import --change STOPSIGNAL` is refused, so a two-step build sets it. unpriv-fixup runs
  # before kind's entrypoint: it does what --privileged would on hosts where that fails, and
  # nothing harmful where it works.
  cat >"$ctx/Dockerfile" <<DF
FROM $stage0
COPY unpriv-fixup /usr/local/bin/unpriv-fixup
ENV container=docker
STOPSIGNAL SIGRTMIN+3
LABEL dev.millrace.kindbase.key=$image_key dev.millrace.kind.version=$KIND_VERSION
ENTRYPOINT ["/usr/local/bin/unpriv-fixup", "/usr/local/bin/entrypoint", "/sbin/init"]
DF
  DOCKER_BUILDKIT=0 "$DOCKER" build -q -t "$KINDBASE_IMAGE" "$ctx" >/dev/null ||
    { rm -rf "$ctx"; die "docker build of $KINDBASE_IMAGE failed"; }
  rm -rf "$ctx"
  "$DOCKER" rmi "$stage0" >/dev/null # only the tag: the image's layers stay
  # The replaced image, once nothing tags it (a kind node image built FROM it keeps it alive).
  if [ -n "$old" ] && [ -z "$("$DOCKER" image inspect -f '{{join .RepoTags ""}}' "$old" 2>/dev/null)" ]; then
    "$DOCKER" rmi "$old" >/dev/null 2>&1 || true
  fi
}

image_key=$rootfs_key-$( (declare -f build_image; cat "$KIND_DIR/unpriv-fixup") | sha256sum | cut -c1-12)
if [ $force = 1 ] || [ "$(current_key)" != "$image_key" ]; then
  ( flock 9
    if [ $force = 1 ] || [ "$(current_key)" != "$image_key" ]; then build_image; fi
  ) 9>"$MILLRACE_CACHE/.locks/kindbase.lock"
fi
emit KINDBASE_IMAGE "$KINDBASE_IMAGE"
