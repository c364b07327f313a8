#!/usr/bin/env bash
# Apache Kafka's broker (KRaft, kafka.Kafka) from its Maven artifacts: the
# reference broker for compat runs and benchmarks. test/kafka/ runs it.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dest="$MILLRACE_CACHE/kafka-server/$KAFKA_VERSION"
build() {
  log "kafka-server $KAFKA_VERSION: resolving from Maven Central"
  # kafka_2.13 brings kafka-server, -storage, -raft, -metadata, the coordinators
  # and StorageTool; the slf4j->log4j2 bridge is what the distribution ships
  # in libs/ but the pom does not declare.
  maven_lib "$1" \
    "org.apache.kafka:kafka_2.13:$KAFKA_VERSION" \
    "org.apache.logging.log4j:log4j-slf4j-impl:$LOG4J_VERSION"
}
ensure_dir "$dest" build
emit KAFKA_SERVER_LIB "$dest/lib"
