// The certificate Secrets as Kubernetes objects: the pki's desired data, the cluster's labels
// (node Secrets also carry the node's), and in each node's Secret a `keystore.pem` — key and
// certificate in one file, which is what the broker's ssl.keystore.type=PEM reads. Derived
// from tls.key + tls.crt, so it changes exactly when they do and a renewal reaches the
// mounted file (the broker re-reads it) without a restart.
import type { V1Secret } from "@kubernetes/client-node";
import type { DesiredSecret } from "../../pki/cluster-certificates.js";
import { clusterLabels, nodeCertsSecretName } from "./names.js";
import { nodeLabels } from "./node-labels.js";
import type { PlannedNode } from "./node-layout.js";

export const KEYSTORE_KEY = "keystore.pem";

export function clusterSecret(clusterName: string, namespace: string, desired: DesiredSecret, nodes: readonly PlannedNode[]): V1Secret {
  const node = nodes.find((n) => nodeCertsSecretName(clusterName, n.pool, n.nodeId) === desired.name);
  const data = { ...desired.data };
  if (node) {
    const key = data["tls.key"];
    const cert = data["tls.crt"];
    if (!key || !cert) throw new Error(`certificate Secret ${desired.name} has no tls.key/tls.crt`);
    data[KEYSTORE_KEY] = Buffer.from(pemWithNewline(Buffer.from(key, "base64").toString("utf8")) + Buffer.from(cert, "base64").toString("utf8")).toString("base64");
  }
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: desired.name, namespace, labels: node ? nodeLabels(clusterName, node) : clusterLabels(clusterName) },
    ...(desired.type ? { type: desired.type } : {}),
    data,
  };
}

function pemWithNewline(pem: string): string {
  return pem.endsWith("\n") ? pem : `${pem}\n`;
}
