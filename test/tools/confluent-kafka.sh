#!/usr/bin/env bash
# librdkafka through confluent-kafka (its manylinux wheel bundles librdkafka),
# in a venv of its own so the system Python stays untouched.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dest="$MILLRACE_CACHE/confluent-kafka/$CONFLUENT_KAFKA_VERSION"
build() {
  log "confluent-kafka $CONFLUENT_KAFKA_VERSION: creating venv and installing from PyPI"
  # Built in place (not renamed afterwards): a venv hard-codes its own path.
  python3 -m venv "$1/venv"
  "$1/venv/bin/python" -m pip install -q --disable-pip-version-check \
    "confluent-kafka==$CONFLUENT_KAFKA_VERSION" >&2
  "$1/venv/bin/python" -c 'import confluent_kafka as c; print("confluent-kafka", c.version(), "librdkafka", c.libversion()[0])' \
    >"$1/versions.txt"
}
ensure_dir "$dest" build
emit CONFLUENT_KAFKA_PYTHON "$dest/venv/bin/python"
