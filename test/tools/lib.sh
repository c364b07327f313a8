# Shared by the installers in this folder; sourced, never run.
# Contract of every installer: on success print KEY=path lines on stdout (and
# nothing else), so `eval "$(bash test/tools/install.sh)"` works; progress
# goes to stderr and only when something is actually installed, so a warm
# cache is silent.

set -euo pipefail

TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$TOOLS_DIR/../.." && pwd)
# shellcheck source=versions.env
. "$TOOLS_DIR/versions.env"
MILLRACE_CACHE=${MILLRACE_CACHE:-$HOME/.cache/millrace}
mkdir -p "$MILLRACE_CACHE/.locks"

log() { printf '[millrace-tools] %s\n' "$*" >&2; }
die() { printf '[millrace-tools] error: %s\n' "$*" >&2; exit 1; }
emit() { printf '%s=%s\n' "$1" "$2"; }
# parse_force ARGS...: the image builders' only option; sets force=1 for --force, 0 without it.
parse_force() {
  force=0
  for a in "$@"; do
    case $a in
      --force) force=1 ;;
      *) die "usage: $(basename "$0") [--force]" ;;
    esac
  done
}

# ensure_dir DEST BUILDER [ARGS...]
# Runs BUILDER DEST ARGS... once per DEST. A stamp file marks a finished
# install, so a crash half-way leaves no stamp and the next run starts over.
# The flock makes concurrent callers (parallel CI jobs, vitest workers) wait
# for the first one instead of building the same thing twice.
ensure_dir() {
  local dest=$1; shift
  [ -e "$dest/.millrace-complete" ] && return 0
  mkdir -p "$(dirname "$dest")"
  local lock="$MILLRACE_CACHE/.locks/$(printf '%s' "$dest" | sha256sum | cut -c1-16).lock"
  (
    flock 9
    [ -e "$dest/.millrace-complete" ] && exit 0
    rm -rf "$dest"
    mkdir -p "$dest"
    "$@" "$dest"
    touch "$dest/.millrace-complete"
  ) 9>"$lock"
}

# A process-wide lock for things that are not a cache directory (apt, npm).
with_lock() {
  local name=$1; shift
  ( flock 9; "$@" ) 9>"$MILLRACE_CACHE/.locks/$name.lock"
}

# Hash of the files that make up a build, for cache keys of things we compile.
hash_files() {
  (cd "$REPO_ROOT" && sha256sum "$@" | sha256sum | cut -c1-16)
}

mvn_cmd() {
  local args=(-B -q -Dstyle.color=never)
  if [ -n "${MILLRACE_M2_REPO:-}" ]; then args+=("-Dmaven.repo.local=$MILLRACE_M2_REPO"); fi
  mvn "${args[@]}" "$@"
}

# maven_lib DEST GAV... : resolve the artifacts and all their runtime
# dependencies into DEST/lib through a throw-away pom, which is Maven's own
# resolution (version mediation, exclusions) rather than a hand-kept list.
maven_lib() {
  local dest=$1; shift
  local deps="" gav g a v
  for gav in "$@"; do
    IFS=: read -r g a v <<<"$gav"
    deps+="<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
  done
  local work="$dest/.pom"
  mkdir -p "$work"
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.millrace.tools</groupId><artifactId>resolve</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>$deps</dependencies>
</project>
POM
  (cd "$work" && mvn_cmd dependency:copy-dependencies -DincludeScope=runtime \
     -DoutputDirectory="$dest/lib" >"$work/mvn.log" 2>&1) \
    || { cat "$work/mvn.log" >&2; die "maven could not resolve $*"; }
}
