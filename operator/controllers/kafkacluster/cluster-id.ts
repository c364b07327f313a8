// The Kafka cluster id: a 22-character Kafka Uuid, generated once and formatted into every
// node's storage. Losing it would make new nodes format a different cluster, so it is kept
// where it can be read back: status.clusterId, and the annotation CLUSTER_ID_ANNOTATION on
// every node's ConfigMap and PVC (a status can be wiped; the PVCs outlive everything).
import { randomBytes } from "node:crypto";
import type { KubeObject } from "../../runtime/resource-type.js";

export const CLUSTER_ID_ANNOTATION = "kafka.millrace.dev/cluster-id";

const KAFKA_UUID = /^[A-Za-z0-9_-]{22}$/;

/** A random Kafka Uuid as Kafka prints it (base64url, no padding; never starting with '-', as Kafka avoids). */
export function newClusterId(random: (n: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

export type ClusterIdResolution =
  | { clusterId: string; source: "status" | "annotation" | "new" }
  | { refused: string };

/**
 * Where the id comes from: status, else an annotation on a live ConfigMap or PVC, else a new
 * one — but never a new one while a PVC of the cluster exists without the annotation: that
 * volume may hold data formatted with an id we can no longer see.
 */
export function resolveClusterId(input: { statusClusterId?: string; configMaps: readonly KubeObject[]; claims: readonly KubeObject[]; generate?: () => string }): ClusterIdResolution {
  if (input.statusClusterId && KAFKA_UUID.test(input.statusClusterId)) return { clusterId: input.statusClusterId, source: "status" };
  for (const o of [...input.configMaps, ...input.claims]) {
    const id = o.metadata?.annotations?.[CLUSTER_ID_ANNOTATION];
    if (id && KAFKA_UUID.test(id)) return { clusterId: id, source: "annotation" };
  }
  if (input.claims.length > 0) {
    const names = input.claims.map((c) => c.metadata?.name).join(", ");
    return {
      refused: `the cluster id is unknown (no status.clusterId, no ${CLUSTER_ID_ANNOTATION} annotation) but volumes exist (${names}): not formatting new nodes with a new id; annotate a PVC with the id its data was formatted with`,
    };
  }
  return { clusterId: (input.generate ?? newClusterId)(), source: "new" };
}
