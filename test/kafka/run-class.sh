#!/usr/bin/env bash
# Kafka's bin/kafka-run-class.sh for the cached jars: runs one of Kafka's own
# tools by class name, installing the jars first if needed.
#
#   bash test/kafka/run-class.sh org.apache.kafka.tools.ProducerPerformance \
#     --topic t --num-records 100000 --record-size 1024 --throughput -1 \
#     --producer-props bootstrap.servers=127.0.0.1:9092 acks=all
#   bash test/kafka/run-class.sh org.apache.kafka.tools.ConsoleProducer --bootstrap-server ... --topic t
#   bash test/kafka/run-class.sh --server kafka.tools.StorageTool random-uuid
#
# --server uses the broker's classpath instead of the clients + tools one.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ "${1:-}" = "--server" ]; then
  shift
  lib=$(bash "$repo/test/tools/install.sh" kafka-server); lib=${lib#KAFKA_SERVER_LIB=}
else
  lib=$(bash "$repo/test/tools/install.sh" java-clients); lib=${lib#KAFKA_CLIENTS_LIB=}
fi
[ $# -gt 0 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
exec java ${KAFKA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel="${KAFKA_LOG_LEVEL:-warn}" \
  -Dorg.slf4j.simpleLogger.logFile=System.err -cp "$lib/*" "$@"
