#!/usr/bin/env bash
# What the registries offer now, next to what versions.env pins. One look-up
# per registry; run it by hand when bumping pins, never from tests or CI.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# Maven: let Maven itself resolve the newest 4.x through a version range.
cat >"$work/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.millrace.tools</groupId><artifactId>latest</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies><dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-clients</artifactId>
    <version>[4.0.0,5.0.0)</version></dependency></dependencies>
</project>
POM
kafka=$(cd "$work" && mvn_cmd dependency:list -DincludeArtifactIds=kafka-clients -DoutputFile="$work/list.txt" >/dev/null 2>&1 \
  && sed -n 's/.*org.apache.kafka:kafka-clients:jar:\([^:]*\):.*/\1/p' "$work/list.txt" | head -1) || true
confluent=$(python3 -m pip index versions confluent-kafka 2>/dev/null | sed -n 's/^confluent-kafka (\(.*\))$/\1/p') || true
kafkajs=$(PATH="$REPO_ROOT/node_modules/.bin:$PATH" npm view kafkajs version 2>/dev/null) || true
franz=$(cd "$work" && GOTOOLCHAIN=local GOFLAGS= GOMODCACHE="$MILLRACE_CACHE/gomod" go list -m -versions github.com/twmb/franz-go 2>/dev/null | awk '{print $NF}') || true
kcl=$(cd "$work" && GOTOOLCHAIN=local GOFLAGS= GOMODCACHE="$MILLRACE_CACHE/gomod" go list -m -versions github.com/twmb/kcl 2>&1 | head -1) || true
case $kcl in *403*) kcl="unavailable (module proxy answers 403)" ;; *) kcl=${kcl##* } ;; esac

printf '%-16s %-12s %s\n' tool pinned latest \
  kafka "$KAFKA_VERSION" "${kafka:-?}" \
  confluent-kafka "$CONFLUENT_KAFKA_VERSION" "${confluent:-?}" \
  kafkajs "$KAFKAJS_VERSION" "${kafkajs:-?}" \
  franz-go "$FRANZ_GO_VERSION" "${franz:-?}" \
  kcl "$KCL_VERSION" "${kcl:-?}"
