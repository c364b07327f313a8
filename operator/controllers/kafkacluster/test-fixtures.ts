// The example cluster (examples/kafka-cluster.yaml) as the API server stores it (defaults
// filled), for the builders' unit tests.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { KafkaCluster } from "../../api/v1alpha1/kafkacluster.js";

export function exampleCluster(namespace = "kafka"): KafkaCluster {
  const c = parse(readFileSync(new URL("../../../examples/kafka-cluster.yaml", import.meta.url), "utf8")) as KafkaCluster;
  for (const p of c.spec.nodePools) p.storage.deleteClaim ??= false;
  for (const l of c.spec.listeners) {
    l.type ??= "internal";
    l.tls ??= false;
  }
  c.spec.certificateAuthorities = { cluster: { validityDays: 365, renewalDays: 30 }, clients: { validityDays: 365, renewalDays: 30 } };
  c.metadata = { ...c.metadata, namespace, uid: "0b7e2a5c-0000-4000-8000-000000000001", generation: 1 };
  return c;
}
