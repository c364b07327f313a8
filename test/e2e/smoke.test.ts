// Smoke test on the 3-zone kind cluster (test/kind): our broker image as a Pod on the zone-a
// worker with a PersistentVolumeClaim for /var/lib/millrace and a Service; a KafkaJS client Pod
// on the zone-b worker produces 10,000 records through the Service's DNS name and reads them back;
// the broker Pod is deleted and created again on the same claim, and a second client Pod finds
// the same 10,000 records. Every wait is bounded and waits on a condition; the namespace is
// created and deleted per run. `kubectl get nodes/pods` output goes to the log for the record.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from "vitest";

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

const execFileP = promisify(execFile);
async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await execFileP(kind.kubectl, ["--kubeconfig", kind.kubeconfig, ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** Polls probe until it returns a value (not undefined); throws after timeoutMs with the last state. */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = String(err);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 1000)); // poll interval of a bounded condition wait
  }
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: number }).code === 404;
}

const secured = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: "RuntimeDefault" },
};
const container = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
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

async function waitPodReady(name: string): Promise<k8s.V1Pod> {
  return waitFor(`pod ${name} Ready`, POD_READY_MS, async () => {
    const pod = await core.readNamespacedPod({ name, namespace: ns });
    const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    return ready ? pod : undefined;
  });
}

async function waitPodGone(name: string): Promise<void> {
  await waitFor(`pod ${name} deleted`, GONE_MS, async () => {
    try {
      await core.readNamespacedPod({ name, namespace: ns });
      return undefined;
    } catch (err) {
      if (isNotFound(err)) return true;
      throw err;
    }
  });
}

interface ClientResult {
  ok: boolean;
  received?: number;
  sha256?: string;
  partitions?: Record<string, number>;
  ms?: number;
  problems?: string[];
  error?: string;
}

/** Runs a client Pod to completion on the zone-b worker and returns its RESULT line. */
async function runClient(name: string, mode: "produce" | "verify"): Promise<{ result: ClientResult; node: string }> {
  await core.createNamespacedPod({ namespace: ns, body: clientPod(name, mode) });
  const pod = await waitFor(`client pod ${name} to finish`, CLIENT_DONE_MS + 30_000, async () => {
    const p = await core.readNamespacedPod({ name, namespace: ns });
    return p.status?.phase === "Succeeded" || p.status?.phase === "Failed" ? p : undefined;
  });
  const logs = await core.readNamespacedPodLog({ name, namespace: ns });
  console.log(`--- ${name} (${pod.status?.phase}) on ${pod.spec?.nodeName}:\n${logs.trimEnd()}`);
  const line = logs.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`client ${name} printed no RESULT line (phase ${pod.status?.phase})`);
  return { result: JSON.parse(line.slice("RESULT ".length)) as ClientResult, node: pod.spec?.nodeName ?? "" };
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
    const pod = await waitPodReady(BROKER);
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
    await waitPodGone(BROKER);
    console.log(`broker pod ${before.metadata?.uid} deleted in ${Date.now() - t0} ms`);
    await core.createNamespacedPod({ namespace: ns, body: brokerPod() });
    const pod = await waitPodReady(BROKER);
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
