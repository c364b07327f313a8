# shellcheck shell=bash
# Debian rootfs helpers shared by build-base-images.sh and test/kind/make-base.sh; sourced after
# test/tools/lib.sh, never run.

# The Debian mirror this machine's apt already uses (deb822 sources first, then sources.list).
debian_mirror() {
  local m
  m=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$m" ] || m=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${m:-http://deb.debian.org/debian}"
}

install_debootstrap() {
  command -v debootstrap >/dev/null && return 0
  [ "$(id -u)" = 0 ] || die "debootstrap is not installed and installing it needs root"
  log "installing debootstrap from Debian"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q debootstrap >/dev/null 2>&1; then
    apt-get update -q >&2
    apt-get install -y -q debootstrap >&2
  fi
}

# debootstrap_rootfs DIR SUITE LOG [PACKAGES(comma-separated)]: a minbase rootfs whose apt
# sources include -updates and -security, upgraded to them (debootstrap itself only takes the
# release), with service start-up disabled while packages install (policy-rc.d) and the host's
# resolv.conf for apt. Call finish_rootfs DIR when done installing.
debootstrap_rootfs() {
  local r=${1:?} suite=${2:?} logf=${3:?} pkgs=${4:-} mirror
  [ "$(id -u)" = 0 ] || die "debootstrap needs root"
  with_lock apt install_debootstrap
  mirror=$(debian_mirror)
  log "debootstrap $suite (minbase${pkgs:+ + $pkgs}) from $mirror"
  debootstrap --variant=minbase ${pkgs:+--include="$pkgs"} "$suite" "$r" "$mirror" >"$logf" 2>&1 ||
    { tail -n 30 "$logf" >&2; die "debootstrap failed (log: $logf)"; }
  cat >"$r/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${mirror%/debian}/debian-security $suite-security main
SOURCES
  echo 'Acquire::Languages "none";' >"$r/etc/apt/apt.conf.d/docker-no-languages"
  cp /etc/resolv.conf "$r/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
  chmod 0755 "$r/usr/sbin/policy-rc.d"
  in_rootfs "$r" "$logf" 'apt-get update -q && apt-get -y -q upgrade'
}

# in_rootfs DIR LOG SCRIPT: runs SCRIPT with sh in the rootfs, output appended to LOG.
in_rootfs() {
  local r=${1:?} logf=${2:?} script=${3:?}
  chroot "$r" env DEBIAN_FRONTEND=noninteractive sh -ec "$script" >>"$logf" 2>&1 ||
    { tail -n 30 "$logf" >&2; die "in the rootfs: '$script' failed (log: $logf)"; }
}

# finish_rootfs DIR: what every image rootfs drops — apt lists and caches, logs, the policy-rc.d
# guard, and the files Docker provides at run time (resolv.conf, hosts, hostname).
finish_rootfs() {
  local r=${1:?}
  case $(readlink -f "$r") in / | "") die "finish_rootfs: refusing to clean '$r'" ;; esac
  rm -f "$r/usr/sbin/policy-rc.d"
  : >"$r/etc/resolv.conf"; : >"$r/etc/hostname"; rm -f "$r/etc/hosts"
  rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/* "$r"/var/cache/debconf/*-old \
         "$r"/var/log/*.log "$r"/var/log/apt/* "$r"/tmp/* "$r"/root/.bash_history
  : >"$r/etc/machine-id"
}
