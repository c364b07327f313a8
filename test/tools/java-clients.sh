#!/usr/bin/env bash
# Apache Kafka's Java client and its tools (console producer/consumer,
# ProducerPerformance, ...) with every runtime dependency, as one classpath dir.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dest="$MILLRACE_CACHE/java-clients/$KAFKA_VERSION"
build() {
  log "java-clients $KAFKA_VERSION: resolving from Maven Central"
  maven_lib "$1" \
    "org.apache.kafka:kafka-clients:$KAFKA_VERSION" \
    "org.apache.kafka:kafka-tools:$KAFKA_VERSION" \
    "org.slf4j:slf4j-simple:$SLF4J_VERSION"
}
ensure_dir "$dest" build
emit KAFKA_CLIENTS_LIB "$dest/lib"
