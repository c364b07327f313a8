#!/usr/bin/env bash
# Single entry point: bash test/tools/install.sh [tool...]
# With no tool, installs everything the compat suite needs. Prints KEY=path
# lines (one or more per tool) on stdout; silent otherwise on a warm cache.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Order matters: java-driver compiles against java-clients.
default_tools=(java-clients kafka-server confluent-kafka kcat kafkajs java-driver franz-driver)
# Named only, never by default: the Kubernetes tools (kube-tools.sh installs them
# all) take ~8-15 min cold, and the compat suite's global setup runs this script.
kube_tools=(kube-binaries etcd crictl kind helm)
all_tools=("${default_tools[@]}" kcl "${kube_tools[@]}")

usage() {
  echo "usage: bash test/tools/install.sh [${all_tools[*]}]" >&2
  exit 2
}

tools=("$@")
[ ${#tools[@]} -eq 0 ] && tools=("${default_tools[@]}")
for t in "${tools[@]}"; do
  case " ${all_tools[*]} " in *" $t "*) ;; *) usage ;; esac
done
for t in "${tools[@]}"; do
  bash "$here/$t.sh"
done
