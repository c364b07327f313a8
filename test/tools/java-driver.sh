#!/usr/bin/env bash
# Compiles the Java compat driver (test/compat/drivers/java) against the cached
# Kafka client jars. Keyed by source hash and Kafka version, so an edit or a
# version bump rebuilds and everything else is a cache hit.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

lib=$(bash "$TOOLS_DIR/java-clients.sh"); lib=${lib#KAFKA_CLIENTS_LIB=}
src="test/compat/drivers/java"
key="$KAFKA_VERSION-$(hash_files "$src/Driver.java")"
dest="$MILLRACE_CACHE/java-driver/$key"
build() {
  log "java-driver: compiling against kafka-clients $KAFKA_VERSION"
  javac -Xlint:deprecation -encoding UTF-8 --release 17 -d "$1/classes" -cp "$lib/*" "$REPO_ROOT/$src/Driver.java" >&2
}
ensure_dir "$dest" build
# A classpath, not a path: java -cp "$JAVA_DRIVER_CP" dev.millrace.compat.Driver
emit JAVA_DRIVER_CP "$dest/classes:$lib/*"
