import { describe, expect, it } from "vitest";
import { planNodes } from "./node-layout.js";
import { nodePod, podAffinity, POD_HASH_ANNOTATION } from "./node-pod.js";
import { exampleCluster } from "./test-fixtures.js";

describe("nodePod", () => {
  const cluster = exampleCluster("kafka");
  const { nodes } = planNodes("demo", cluster.spec, []);
  const brokers = cluster.spec.nodePools[1]!;
  const node = nodes.find((n) => n.nodeId === 4)!;
  const build = (over: Partial<Parameters<typeof nodePod>[0]> = {}) =>
    nodePod({ clusterName: "demo", namespace: "kafka", spec: cluster.spec, pool: brokers, node, image: "millrace:0.1.0", version: "0.1.0", clusterId: "id", serverProperties: "a=b\n", ...over });

  it("is restricted: non-root 10001, no escalation, no capabilities, RuntimeDefault seccomp, read-only root with /tmp", () => {
    const pod = build();
    expect(pod.spec!.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: "OnRootMismatch", seccompProfile: { type: "RuntimeDefault" } });
    for (const c of [...pod.spec!.initContainers!, ...pod.spec!.containers]) {
      expect(c.securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
      expect(c.volumeMounts?.find((m) => m.mountPath === "/tmp")?.name).toBe("tmp");
    }
  });

  it("has a stable DNS name, formats storage first, probes the health port, mounts config, data and certificates", () => {
    const pod = build();
    expect(pod.spec).toMatchObject({ hostname: "demo-brokers-4", subdomain: "demo-nodes" });
    expect(pod.spec!.initContainers![0]!.args).toEqual(["storage", "format", "--ignore-formatted", "--cluster-id", "id", "--config", "/etc/millrace/server.properties"]);
    const broker = pod.spec!.containers[0]!;
    expect(broker.ports!.map((p) => [p.name, p.containerPort])).toEqual([
      ["replication", 9091],
      ["internal", 9093],
      ["health", 9095],
    ]);
    expect(broker.readinessProbe!.httpGet).toEqual({ path: "/readyz", port: "health" });
    expect(broker.livenessProbe!.httpGet).toEqual({ path: "/healthz", port: "health" });
    expect(broker.resources).toEqual({ requests: { cpu: "1", memory: "2Gi" }, limits: { memory: "2Gi" } });
    expect(pod.spec!.volumes!.map((v) => v.name)).toEqual(["data", "config", "node-certs", "clients-ca", "tmp"]);
    expect(pod.spec!.volumes![2]!.secret!.secretName).toBe("demo-brokers-4-certs");
  });

  it("merges the template: labels (ours win), annotations, tolerations, node selector, priority class", () => {
    const pool = {
      ...brokers,
      template: {
        metadata: { labels: { team: "data", "kafka.millrace.dev/cluster": "other" }, annotations: { a: "1" } },
        tolerations: [{ key: "dedicated", operator: "Equal", value: "kafka", effect: "NoSchedule" }],
        nodeSelector: { disk: "ssd" },
        priorityClassName: "high",
      },
    };
    const pod = build({ pool });
    expect(pod.metadata!.labels).toMatchObject({ team: "data", "kafka.millrace.dev/cluster": "demo", "kafka.millrace.dev/node-id": "4" });
    expect(pod.metadata!.annotations).toMatchObject({ a: "1" });
    expect(pod.spec).toMatchObject({ tolerations: pool.template.tolerations, nodeSelector: { disk: "ssd" }, priorityClassName: "high" });
  });

  it("a nodeport listener: HOST_IP from status.hostIP, then advertised.listeners using it, in the broker container only; part of the hash", () => {
    const value = "REPLICATION://demo-brokers-4.demo-nodes.kafka.svc:9091,EXT://$(HOST_IP):31234";
    const pod = build({ advertisedListenersEnv: value });
    expect(pod.spec!.containers[0]!.env).toEqual([
      { name: "HOST_IP", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.hostIP" } } },
      { name: "MILLRACE_ADVERTISED_LISTENERS", value },
    ]);
    expect(pod.spec!.initContainers![0]!.env).toBeUndefined();
    expect(build().spec!.containers[0]!.env).toBeUndefined();
    const otherPort = build({ advertisedListenersEnv: value.replace("31234", "31235") });
    expect(otherPort.metadata!.annotations![POD_HASH_ANNOTATION]).not.toBe(pod.metadata!.annotations![POD_HASH_ANNOTATION]);
  });

  it("the hash changes with the configuration or the template, not otherwise", () => {
    const hash = (p: ReturnType<typeof build>) => p.metadata!.annotations![POD_HASH_ANNOTATION];
    expect(hash(build())).toBe(hash(build()));
    expect(hash(build({ serverProperties: "a=c\n" }))).not.toBe(hash(build()));
    expect(hash(build({ image: "millrace:0.2.0" }))).not.toBe(hash(build()));
  });
});

describe("podAffinity", () => {
  const zoneTerm = { key: "topology.kubernetes.io/zone", operator: "In", values: ["zone-b"] };

  it("pins to the zone", () => {
    expect(podAffinity(undefined, "zone-b")).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [zoneTerm] }] } } });
  });

  it("ANDs the zone into each of the template's terms and keeps the rest", () => {
    const disk = { key: "disk", operator: "In", values: ["ssd"] };
    const anti = { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { a: "b" } } }] };
    const merged = podAffinity(
      {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [disk] }, { matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }] },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [disk] } }],
        },
        podAntiAffinity: anti,
      },
      "zone-b",
    )!;
    expect(merged.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms).toEqual([
      { matchExpressions: [disk, zoneTerm] },
      { matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }], matchExpressions: [zoneTerm] },
    ]);
    expect(merged.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(merged.podAntiAffinity).toEqual(anti);
  });

  it("without a zone: the template's affinity or none", () => {
    expect(podAffinity(undefined, undefined)).toBeUndefined();
    expect(podAffinity({}, undefined)).toBeUndefined();
  });
});
