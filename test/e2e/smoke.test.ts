// Smoke test on the 3-zone kind cluster (test/kind): our broker image as a Pod on the zone-a
// worker with a PersistentVolumeClaim for /var/lib/millrace and a Service; a KafkaJS client Pod
// on the zone-b worker produces 10,000 records through the Service's DNS name and reads them back;
// the broker Pod is deleted and created again on the same claim, and a second client Pod finds
// the same 10,000 records. Every wait is bounded and waits on a condition; the namespace is
// created and deleted per run. `kubectl get nodes/pods` output goes to the log for the record.
import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from "vitest";
import { isNotFound, kubectlOf, runClientPod, securedContainer as container, securedPod as secured, waitFor, waitPodGone, waitPodReady } from "./kube-helpers.js";

const kind = inject("kind");
const kc = new k8s.KubeConfig();
kc.loadFromFile(kind.kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);

const ns = `millrace-e2e-${Date.now().toString(36)}-${randomBytes(2).toString("hex")}`;
const COUNT = 10_000;
const TOPIC = "e2e-smoke";
const ZONE_LABEL = "topology.kubernetes.io/zone";
const BROKER = "millrace-0";
const SERVICE = "millrace";
const CLAIM = "millrace-data";
const bootstrap = `${SERVICE}.${ns}.svc.cluster.local:9092`;

// Bounds of the waits (ms).
const POD_READY_MS = 180_000; // scheduling + volume provisioning + broker start
const CLIENT_DONE_MS = 300_000; // 10,000 records out and back on a 2-core machine running 4 nodes
const GONE_MS = 120_000;

const kubectl = kubectlOf(kind);

// ndots 1: the Service name has dots, so it is looked up as is, never with search suffixes that
// CoreDNS would forward out of the cluster.
const dnsConfig = { options: [{ name: "ndots", value: "1" }] };

function brokerPod(): k8s.V1Pod {
  return {
    metadata: { name: BROKER, labels: { app: "millrace" } },
    spec: {
      nodeSelector: { [ZONE_LABEL]: "zone-a" },
      // Without this the kubelet sets MILLRACE_PORT, MILLRACE_SERVICE_HOST, MILLRACE_PORT_9092_TCP…
      // for the Service "millrace", and the broker, which reads every MILLRACE_* variable as a
      // config key, refuses to start: "Unknown broker config 'port' (from environment variable
      // MILLRACE_PORT)" (Confluent's images have the same trap with a Service named "kafka").
      enableServiceLinks: false,
      automountServiceAccountToken: false,
      securityContext: secured,
      dnsConfig,
      terminationGracePeriodSeconds: 30,
      containers: [
        {
          name: "broker",
          image: kind.brokerImage,
          imagePullPolicy: "Never", // loaded by kind, never pulled
          env: [{ name: "MILLRACE_ADVERTISED_LISTENERS", value: `PLAINTEXT://${bootstrap}` }],
          ports: [{ name: "kafka", containerPort: 9092 }],
          readinessProbe: { tcpSocket: { port: "kafka" }, periodSeconds: 2, failureThreshold: 3 },
          securityContext: container,
          volumeMounts: [{ name: "data", mountPath: "/var/lib/millrace" }],
        },
      ],
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: CLAIM } }],
    },
  };
}

function clientPod(name: string, mode: "produce" | "verify"): k8s.V1Pod {
  return {
    metadata: { name, labels: { app: "e2e-client" } },
    spec: {
      nodeSelector: { [ZONE_LABEL]: "zone-b" },
      restartPolicy: "Never",
      enableServiceLinks: false,
      activeDeadlineSeconds: CLIENT_DONE_MS / 1000,
      automountServiceAccountToken: false,
      securityContext: secured,
      dnsConfig,
      containers: [
        {
          name: "client",
          image: kind.clientImage,
          imagePullPolicy: "Never",
          env: [
            { name: "BOOTSTRAP", value: bootstrap },
            { name: "TOPIC", value: TOPIC },
            { name: "MODE", value: mode },
            { name: "GROUP", value: `${name}-${ns}` },
            { name: "COUNT", value: String(COUNT) },
          ],
          securityContext: container,
        },
      ],
    },
  };
}

/** Runs a client Pod to completion on the zone-b worker and returns its RESULT line. */
function runClient(name: string, mode: "produce" | "verify") {
  return runClientPod(core, ns, clientPod(name, mode), CLIENT_DONE_MS + 30_000);
}

async function diagnostics(): Promise<void> {
  for (const args of [
    ["get", "pods,pvc,svc,endpointslices", "-n", ns, "-o", "wide"],
    ["describe", "pods", "-n", ns],
    ["logs", "-n", ns, BROKER, "--tail=40"],
    ["get", "events", "-n", ns, "--sort-by=.lastTimestamp"],
  ]) {
    try {
      console.log(`--- kubectl ${args.join(" ")}\n${await kubectl(...args)}`);
    } catch (err) {
      console.log(`--- kubectl ${args.join(" ")} failed: ${String(err)}`);
    }
  }
}

describe("millrace on a 3-zone kind cluster", () => {
  let firstSha = "";
  let brokerNode = "";
  let volumeName = "";

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: ns, labels: { "app.kubernetes.io/part-of": "millrace-e2e" } } } });
  });

  afterAll(async () => {
    await core.deleteNamespace({ name: ns }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    // Its PVC's volume goes with it (reclaim policy Delete: the provisioner removes the directory).
    await waitFor(`namespace ${ns} deleted`, 180_000, async () => {
      try {
        await core.readNamespace({ name: ns });
        return undefined;
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
    });
  });

  it("has a control plane and one worker in each of zone-a, zone-b, zone-c", async () => {
    console.log(`--- kubectl get nodes -L ${ZONE_LABEL}\n${await kubectl("get", "nodes", "-L", ZONE_LABEL, "-o", "wide")}`);
    const nodes = (await core.listNode()).items;
    expect(nodes).toHaveLength(4);
    const zones = nodes.map((n) => n.metadata?.labels?.[ZONE_LABEL]).filter(Boolean).sort();
    expect(zones).toEqual(["zone-a", "zone-b", "zone-c"]);
    for (const n of nodes) {
      expect(n.status?.conditions?.find((c) => c.type === "Ready")?.status, n.metadata?.name).toBe("True");
    }
  });

  it("runs the broker on the zone-a worker with a bound PersistentVolumeClaim and a Service", async () => {
    onTestFailed(diagnostics);
    await core.createNamespacedPersistentVolumeClaim({
      namespace: ns,
      body: {
        metadata: { name: CLAIM },
        // No storageClassName: the cluster's default class (local-path-provisioner, "standard").
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
    });
    await core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: SERVICE },
        spec: { selector: { app: "millrace" }, ports: [{ name: "kafka", port: 9092, targetPort: "kafka" }] },
      },
    });
    await core.createNamespacedPod({ namespace: ns, body: brokerPod() });
    const pod = await waitPodReady(core, ns, BROKER, POD_READY_MS);
    brokerNode = pod.spec?.nodeName ?? "";
    expect(brokerNode).toBe(kind.zones["zone-a"]);
    const pvc = await core.readNamespacedPersistentVolumeClaim({ name: CLAIM, namespace: ns });
    expect(pvc.status?.phase).toBe("Bound");
    volumeName = pvc.spec?.volumeName ?? "";
    const pv = await core.readPersistentVolume({ name: volumeName });
    const pinned = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.flatMap((t) => t.matchExpressions ?? []);
    expect(pinned?.some((e) => e.values?.includes(brokerNode))).toBe(true);
    console.log(`broker ${BROKER} on ${brokerNode} (${pod.status?.podIP}), volume ${volumeName} (${pv.spec?.storageClassName}), bootstrap ${bootstrap}`);
  });

  it(`produces and consumes ${COUNT} records from a client on the zone-b worker through the Service`, async () => {
    onTestFailed(diagnostics);
    const { result, node } = await runClient("client-produce", "produce");
    expect(node).toBe(kind.zones["zone-b"]);
    expect(result.problems ?? [], result.error).toEqual([]);
    expect(result.received).toBe(COUNT);
    expect(result.ok).toBe(true);
    firstSha = result.sha256 ?? "";
    expect(firstSha).toMatch(/^[0-9a-f]{64}$/);
  });

  it(`keeps the ${COUNT} records when the broker Pod is deleted and created again on the same claim`, async () => {
    onTestFailed(diagnostics);
    expect(firstSha, "the produce step did not finish").not.toBe("");
    const before = await core.readNamespacedPod({ name: BROKER, namespace: ns });
    const t0 = Date.now();
    await core.deleteNamespacedPod({ name: BROKER, namespace: ns });
    await waitPodGone(core, ns, BROKER, GONE_MS);
    console.log(`broker pod ${before.metadata?.uid} deleted in ${Date.now() - t0} ms`);
    await core.createNamespacedPod({ namespace: ns, body: brokerPod() });
    const pod = await waitPodReady(core, ns, BROKER, POD_READY_MS);
    console.log(`broker pod ${pod.metadata?.uid} Ready on ${pod.spec?.nodeName} ${Date.now() - t0} ms after the delete`);
    expect(pod.metadata?.uid).not.toBe(before.metadata?.uid);
    expect(pod.spec?.nodeName).toBe(brokerNode); // the local volume pins it there
    const pvc = await core.readNamespacedPersistentVolumeClaim({ name: CLAIM, namespace: ns });
    expect(pvc.spec?.volumeName).toBe(volumeName);

    const { result } = await runClient("client-verify", "verify");
    expect(result.problems ?? [], result.error).toEqual([]);
    expect(result.received).toBe(COUNT);
    expect(result.sha256).toBe(firstSha);
    expect(result.ok).toBe(true);
    console.log(`--- kubectl get pods -o wide -n ${ns}\n${await kubectl("get", "pods", "-n", ns, "-o", "wide")}`);
    console.log(`--- kubectl get pvc -n ${ns}\n${await kubectl("get", "pvc", "-n", ns, "-o", "wide")}`);
  });
});
