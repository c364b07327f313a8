#!/usr/bin/env bash
# Builds the product image from the repository's Dockerfile, after making sure Docker runs and the
# base images it names exist (built locally when no registry can be reached).
# Usage: bash test/images/build-millrace-image.sh
# MILLRACE_IMAGE_CONTEXT=DIR builds from another checkout (e.g. a `git worktree` of HEAD while
# the working tree holds changes that do not compile yet); default: this repository.
# Prints IMAGE=millrace:<package.json version> (also tagged millrace:dev). Docker's layer cache
# makes a rebuild with unchanged sources take seconds; the build log goes to
# ~/.cache/millrace/images/build-millrace.log and is shown only when the build fails.
. "$(dirname "${BASH_SOURCE[0]}")/../tools/lib.sh"

eval "$(bash "$TOOLS_DIR/docker.sh")"
bash "$REPO_ROOT/test/images/build-base-images.sh" >/dev/null

context=${MILLRACE_IMAGE_CONTEXT:-$REPO_ROOT}
[ -f "$context/Dockerfile" ] || die "MILLRACE_IMAGE_CONTEXT=$context has no Dockerfile"
version=$(cd "$context" && node -p 'require("./package.json").version')
IMAGE=${MILLRACE_IMAGE:-millrace:$version}
build_log=$MILLRACE_CACHE/images/build-millrace.log
mkdir -p "$(dirname "$build_log")"

args=(build --progress=plain -t "$IMAGE" -t millrace:dev)
# npm in the builder stage must trust what the host's Node trusts: on machines whose registry
# traffic goes through a TLS-intercepting proxy that is an extra CA (NODE_EXTRA_CA_CERTS).
# MILLRACE_BUILD_CA points elsewhere; the Dockerfile treats the secret as optional.
ca=${MILLRACE_BUILD_CA:-${NODE_EXTRA_CA_CERTS:-}}
if [ -n "$ca" ]; then
  [ -r "$ca" ] || die "CA bundle $ca (MILLRACE_BUILD_CA or NODE_EXTRA_CA_CERTS) is not readable"
  args+=(--secret "id=ca,src=$ca")
fi

image_id() { "$DOCKER" image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true; }
before=$(image_id)
start=$(date +%s)
# The Dockerfile uses BuildKit mounts; Debian's docker 20.10 CLI drives BuildKit itself (the
# newer CLI in /usr/local/bin would want a buildx plugin these hosts do not have).
if ! DOCKER_BUILDKIT=1 "$DOCKER" "${args[@]}" "$context" >"$build_log" 2>&1; then
  tail -n 40 "$build_log" >&2
  die "docker build failed (full log: $build_log)"
fi
# Quiet when nothing changed (every step cached, same image id). A replaced image is removed
# once no tag or container uses it, so repeated test runs do not pile up 260 MB images.
if [ "$(image_id)" != "$before" ]; then
  log "images: built $IMAGE in $(($(date +%s) - start)) s"
  if [ -n "$before" ] && [ -z "$("$DOCKER" image inspect -f '{{join .RepoTags ""}}' "$before" 2>/dev/null)" ]; then
    "$DOCKER" rmi "$before" >/dev/null 2>&1 || true
  fi
fi
emit IMAGE "$IMAGE"
