#!/usr/bin/env bash
# Docker Engine from Debian (docker.io: dockerd 20.10 + containerd + runc), started
# by hand because these hosts have no init system running services. Prints
# DOCKER=<cli>. Fast and silent when the daemon already answers.
#
# The CLI printed is Debian's /usr/bin/docker, the one built with this daemon:
# /usr/local/bin/docker on these hosts is a newer static CLI (28.x) with no
# daemon and no buildx plugin, and it sits first in PATH. Callers should run
# "$DOCKER", not whatever `docker` PATH finds.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DOCKER=/usr/bin/docker
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
# dockerd starts its own containerd and sets up iptables; 60 s is generous on 2 cores (~2 s seen).
DOCKERD_START_TIMEOUT=${DOCKERD_START_TIMEOUT:-60}

daemon_up() { "$DOCKER" info >/dev/null 2>&1; }

install_docker() {
  [ -x /usr/sbin/dockerd ] && [ -x "$DOCKER" ] && return 0
  [ "$(id -u)" = 0 ] || die "docker.io is not installed and installing it needs root"
  log "docker: installing docker.io from Debian"
  export DEBIAN_FRONTEND=noninteractive
  # Package lists may be missing or stale on a fresh machine: update only when needed.
  if ! apt-get install -y -q --no-install-recommends docker.io >/dev/null 2>&1; then
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends docker.io >&2
  fi
}

start_dockerd() {
  daemon_up && return 0
  # A pid file left by a daemon that died (or a crashed container) makes dockerd refuse to start.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  if ! pgrep -x dockerd >/dev/null; then
    log "docker: starting dockerd (log: $DOCKERD_LOG)"
    # setsid: the daemon must outlive this script, the test runner and its process group.
    setsid /usr/sbin/dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  fi
  local waited=0
  until daemon_up; do
    if [ $waited -ge $((DOCKERD_START_TIMEOUT * 5)) ]; then
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      die "dockerd did not answer within ${DOCKERD_START_TIMEOUT}s (log above, full log in $DOCKERD_LOG)"
    fi
    if ! pgrep -x dockerd >/dev/null; then
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      die "dockerd exited during start-up (log above, full log in $DOCKERD_LOG)"
    fi
    sleep 0.2; waited=$((waited + 1))
  done
}

# Warm path: one `docker info`, no lock.
if ! daemon_up; then
  with_lock apt install_docker
  with_lock dockerd start_dockerd
fi
emit DOCKER "$DOCKER"
