#!/usr/bin/env bash
# Run Apache Kafka (KRaft, one combined broker+controller node) from the jars
# that test/tools/kafka-server.sh caches. Loopback only.
#
#   bash test/kafka/kafka.sh start [--dir DIR] [--port P] [--set key=value]...
#       formats DIR (a new temp dir by default), starts Kafka in the
#       background, waits until it serves, prints BOOTSTRAP=, DIR=, PID=.
#   bash test/kafka/kafka.sh stop --dir DIR
#   bash test/kafka/kafka.sh run --dir DIR --port P --controller-port C [--set k=v]...
#       formats DIR and execs Kafka in the foreground (kafka.ts uses this,
#       so the java process is its child and dies with it).
#   bash test/kafka/kafka.sh format --dir DIR --port P --controller-port C [...]
#       writes the config and formats DIR only (a later `run` skips the format).
# A node of a multi-node cluster (test/bench/cluster.ts) also takes
#   --node-id N --voters 1@127.0.0.1:C1,2@... --cluster-id ID   (defaults: 1, this node alone, random)
# and --set lines for its replication settings (they come last in server.properties, so they win).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

cmd=${1:-}; [ $# -gt 0 ] && shift
dir="" port="" cport="" heap=${KAFKA_HEAP:-1g} node_id=1 voters="" cluster_id=""
sets=()
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --controller-port) cport=$2; shift 2 ;;
    --heap) heap=$2; shift 2 ;;
    --node-id) node_id=$2; shift 2 ;;
    --voters) voters=$2; shift 2 ;;
    --cluster-id) cluster_id=$2; shift 2 ;;
    --set) sets+=("$2"); shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

lib() {
  local out
  out=$(bash "$repo/test/tools/install.sh" kafka-server)
  printf '%s\n' "${out#KAFKA_SERVER_LIB=}"
}

write_config() {
  mkdir -p "$dir/data" "$dir/logs"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$node_id
controller.quorum.voters=${voters:-$node_id@127.0.0.1:$cport}
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
# One node: every internal topic must fit on it (a cluster's --set lines raise these).
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# As in Kafka's own config/server.properties: no 3 s wait before the first rebalance.
group.initial.rebalance.delay.ms=0
PROPS
  local kv
  for kv in "${sets[@]}"; do printf '%s\n' "$kv" >>"$dir/server.properties"; done
  cat >"$dir/log4j2.properties" <<'LOG'
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.state.name = state.change.logger
logger.state.level = WARN
LOG
}

java_cmd() {
  local l; l=$(lib)
  JAVA=(java "-Xms$heap" "-Xmx$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true "-Dkafka.logs.dir=$dir/logs" \
    "-Dlog4j2.configurationFile=$dir/log4j2.properties" -cp "$l/*")
}

format() {
  [ -e "$dir/data/meta.properties" ] && return 0
  # A Kafka Uuid is 16 random bytes in unpadded base64url. The nodes of a cluster share one (--cluster-id).
  [ -n "$cluster_id" ] || cluster_id=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  java_cmd
  # "=" form: an id that starts with "-" must not be read as an option.
  "${JAVA[@]}" kafka.tools.StorageTool format --cluster-id="$cluster_id" -c "$dir/server.properties" \
    >"$dir/logs/format.log" 2>&1 || { cat "$dir/logs/format.log" >&2; exit 1; }
}

case $cmd in
  run)
    [ -n "$dir" ] && [ -n "$port" ] && [ -n "$cport" ] || { echo "run needs --dir --port --controller-port" >&2; exit 2; }
    write_config; format
    java_cmd
    exec "${JAVA[@]}" kafka.Kafka "$dir/server.properties"
    ;;
  format)
    [ -n "$dir" ] && [ -n "$port" ] && [ -n "$cport" ] || { echo "format needs --dir --port --controller-port" >&2; exit 2; }
    write_config; format
    ;;
  start)
    [ -n "$dir" ] || dir=$(mktemp -d /tmp/millrace-kafka.XXXXXX)
    [ -n "$port" ] || port=$(free_port)
    [ -n "$cport" ] || cport=$(free_port)
    write_config; format
    java_cmd
    nohup "${JAVA[@]}" kafka.Kafka "$dir/server.properties" >"$dir/logs/stdout.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/kafka.pid"
    for _ in $(seq 1 600); do
      if grep -q "Kafka Server started" "$dir/logs/server.log" 2>/dev/null; then
        printf 'BOOTSTRAP=127.0.0.1:%s\nDIR=%s\nPID=%s\n' "$port" "$dir" "$pid"
        exit 0
      fi
      kill -0 "$pid" 2>/dev/null || { tail -50 "$dir/logs/server.log" "$dir/logs/stdout.log" >&2; exit 1; }
      sleep 0.1
    done
    echo "Kafka did not start within 60 s; see $dir/logs" >&2
    kill "$pid"; exit 1
    ;;
  stop)
    [ -n "$dir" ] && [ -f "$dir/kafka.pid" ] || { echo "stop needs --dir of a started Kafka" >&2; exit 2; }
    pid=$(cat "$dir/kafka.pid")
    kill "$pid" 2>/dev/null || exit 0
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || { rm -f "$dir/kafka.pid"; exit 0; }; sleep 0.1; done
    kill -9 "$pid"; rm -f "$dir/kafka.pid"
    ;;
  *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
