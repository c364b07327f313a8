// The operator on the 3-zone kind cluster, as a platform team would use it: `helm upgrade
// --install` of charts/millrace (the product image loaded by the global setup), then
// examples/kafka-cluster.yaml (3 controllers + 3 brokers, one of each per zone; only sizes and
// resources patched down for 2-core kind nodes) becomes Ready — timed; examples/kafka-topic.yaml
// (RF 3) gets one replica per zone, as the brokers report it; examples/kafka-user.yaml (SCRAM)
// lets a client Pod produce and consume 100,000 records over SASL_SSL with the cluster CA; a
// deleted broker Pod returns with its node id and volume and loses nothing (same digest);
// a client outside Kubernetes (this test process, KafkaJS) produces and consumes through a nodeport
// listener added to the example, at the addresses the cluster's status lists; deleting the
// KafkaCluster garbage-collects what it owns (Pods, Services, ConfigMaps, Secrets; PVCs per
// deleteClaim: the controllers' pool deletes them, the brokers' keeps them).
// Every wait is bounded; on a failure the test prints the operator's and the nodes' logs,
// `kubectl describe` and events.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as k8s from "@kubernetes/client-node";
import { Kafka, logLevel } from "kafkajs";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from "vitest";
import {
  bootstrapServiceName,
  clusterCaCertSecretName,
  dataClaimName,
  LABEL_CLUSTER,
  LABEL_NODE_ID,
  LABEL_POOL,
} from "../../operator/controllers/kafkacluster/names.js";
import { isNotFound, isPodReady, kubectlOf, runClientPod, securedContainer, securedPod, waitFor } from "./kube-helpers.js";

const kind = inject("kind");
const kc = new k8s.KubeConfig();
kc.loadFromFile(kind.kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const kubectl = kubectlOf(kind);
const execFileP = promisify(execFile);

const repoRoot = new URL("../..", import.meta.url).pathname;
const ns = `millrace-op-e2e-${Date.now().toString(36)}-${randomBytes(2).toString("hex")}`;
const OPERATOR_NS = "millrace-system";
const RELEASE = "millrace";
const GROUP = "kafka.millrace.dev";
const VERSION = "v1alpha1";
const ZONE_LABEL = "topology.kubernetes.io/zone";
const ZONES = ["zone-a", "zone-b", "zone-c"];
const COUNT = 100_000;
/** A listener for clients outside Kubernetes, added to the example: SCRAM over plaintext, one NodePort Service per broker. */
const EXTERNAL_LISTENER = { name: "external", port: 9094, type: "nodeport", authentication: { type: "scram-sha-512" } };
const EXTERNAL_COUNT = 1_000;

// Bounds of the waits (ms).
const OPERATOR_READY_MS = 300_000;
const CLUSTER_READY_MS = 600_000; // 6 Pods: volumes, certificates, storage format, quorum, unfencing
const RESOURCE_READY_MS = 120_000; // a KafkaTopic or KafkaUser on a Ready cluster
const CLIENT_DONE_MS = 900_000; // 100,000 records out and back over SASL_SSL on a 2-core machine
const BROKER_BACK_MS = 300_000;
const GC_MS = 300_000;

// The examples, as a user applies them; only what 2-core kind nodes cannot give is patched.
function example(file: string): Record<string, any> {
  return parse(readFileSync(join(repoRoot, "examples", file), "utf8")) as Record<string, any>;
}
const clusterSpec = example("kafka-cluster.yaml");
const topicSpec = example("kafka-topic.yaml");
const userSpec = example("kafka-user.yaml");
const CLUSTER: string = clusterSpec.metadata.name;
const TOPIC: string = topicSpec.metadata.name;
const USER: string = userSpec.metadata.name;
const PARTITIONS: number = topicSpec.spec.partitions;

function fitForKind(cluster: Record<string, any>): Record<string, any> {
  const patched = structuredClone(cluster);
  for (const pool of patched.spec.nodePools as Record<string, any>[]) {
    const broker = (pool.roles as string[]).includes("broker");
    pool.resources = { requests: { cpu: "100m", memory: broker ? "768Mi" : "384Mi" }, limits: { memory: broker ? "1536Mi" : "768Mi" } };
    // Both deleteClaim behaviours in one cluster: the controllers' claims go with it, the brokers' stay.
    pool.storage = { ...pool.storage, size: "1Gi", ...(broker ? {} : { deleteClaim: true }) };
  }
  patched.spec.listeners = [...patched.spec.listeners, EXTERNAL_LISTENER];
  return patched;
}

type Resource = Record<string, any>;
const plural = { KafkaCluster: "kafkaclusters", KafkaTopic: "kafkatopics", KafkaUser: "kafkausers" } as const;

async function readResource(kindName: keyof typeof plural, name: string): Promise<Resource> {
  return (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: plural[kindName], name })) as Resource;
}

async function createResource(body: Resource): Promise<Resource> {
  const kindName = body.kind as keyof typeof plural;
  return (await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: plural[kindName], body })) as Resource;
}

function condition(resource: Resource, type: string): { status?: string; reason?: string; message?: string } | undefined {
  return (resource.status?.conditions as ({ type: string; status?: string; reason?: string; message?: string })[] | undefined)?.find((c) => c.type === type);
}

/** Waits until the resource's Ready condition is True for its current generation. */
async function waitReady(kindName: keyof typeof plural, name: string, timeoutMs: number): Promise<Resource> {
  let last = "";
  return waitFor(`${kindName} ${name} Ready`, timeoutMs, async () => {
    const r = await readResource(kindName, name);
    const ready = condition(r, "Ready");
    const state = `Ready=${ready?.status} ${ready?.reason ?? ""}: ${ready?.message ?? ""}`;
    if (state !== last) console.log(`${kindName} ${name}: ${state}`);
    last = state;
    const current = r.status?.observedGeneration === undefined || r.status.observedGeneration === r.metadata.generation;
    if (ready?.status === "True" && current) return r;
    throw new Error(state);
  });
}

async function helm(...args: string[]): Promise<string> {
  const { stdout } = await execFileP("bash", [join(repoRoot, "test/tools/helm.sh")], { maxBuffer: 1024 * 1024 });
  const bin = /^HELM=(.*)$/m.exec(stdout)?.[1];
  if (!bin) throw new Error(`test/tools/helm.sh printed no HELM=: ${stdout}`);
  const out = await execFileP(bin, ["--kubeconfig", kind.kubeconfig, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return out.stdout;
}

async function diagnostics(): Promise<void> {
  const commands: string[][] = [
    ["get", "kafkaclusters,kafkatopics,kafkausers", "-n", ns, "-o", "yaml"],
    ["get", "pods,pvc,svc,configmaps,secrets,pdb,networkpolicies", "-n", ns, "-o", "wide"],
    ["describe", "pods", "-n", ns],
    ["get", "events", "-n", ns, "--sort-by=.lastTimestamp"],
    ["get", "pods", "-n", OPERATOR_NS, "-o", "wide"],
    ["logs", "-n", OPERATOR_NS, "-l", "app.kubernetes.io/name=millrace-operator", "--tail=150", "--prefix", "--all-containers"],
  ];
  try {
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: LABEL_CLUSTER });
    for (const p of pods.items) commands.push(["logs", "-n", ns, p.metadata!.name!, "--all-containers", "--prefix", "--tail=40"]);
  } catch {
    // the listing fails when the namespace is gone: nothing more to show
  }
  for (const args of commands) {
    try {
      console.log(`--- kubectl ${args.join(" ")}\n${await kubectl(...args)}`);
    } catch (err) {
      console.log(`--- kubectl ${args.join(" ")} failed: ${String(err)}`);
    }
  }
}

/** The zone of each Kubernetes node. */
async function zoneOfNodes(): Promise<Map<string, string>> {
  const nodes = (await core.listNode()).items;
  return new Map(nodes.map((n) => [n.metadata!.name!, n.metadata?.labels?.[ZONE_LABEL] ?? ""]));
}

async function clusterPods(): Promise<k8s.V1Pod[]> {
  return (await core.listNamespacedPod({ namespace: ns, labelSelector: `${LABEL_CLUSTER}=${CLUSTER}` })).items;
}

function clientPod(name: string, mode: "produce" | "verify" | "describe", credentials: { username: string; secretName: string }, bootstrap: string): k8s.V1Pod {
  return {
    metadata: { name, labels: { app: "e2e-client" } },
    spec: {
      // The client image is loaded on the zone-b worker only (global setup).
      nodeSelector: { [ZONE_LABEL]: "zone-b" },
      restartPolicy: "Never",
      enableServiceLinks: false,
      activeDeadlineSeconds: CLIENT_DONE_MS / 1000,
      automountServiceAccountToken: false,
      securityContext: securedPod,
      containers: [
        {
          name: "client",
          image: kind.clientImage,
          imagePullPolicy: "Never",
          env: [
            { name: "BOOTSTRAP", value: bootstrap },
            { name: "TOPIC", value: TOPIC },
            { name: "MODE", value: mode },
            // The user may read in groups starting with "orders-" (examples/kafka-user.yaml).
            { name: "GROUP", value: `${TOPIC}-${name}` },
            { name: "COUNT", value: String(COUNT) },
            { name: "PARTITIONS", value: String(PARTITIONS) },
            { name: "CREATE_TOPIC", value: "0" },
            { name: "READ_TIMEOUT_MS", value: "420000" },
            { name: "CA_FILE", value: "/etc/e2e/cluster-ca/ca.crt" },
            { name: "SASL_MECHANISM", value: "scram-sha-512" },
            { name: "SASL_USERNAME", value: credentials.username },
            { name: "SASL_PASSWORD", valueFrom: { secretKeyRef: { name: credentials.secretName, key: "password" } } },
          ],
          securityContext: securedContainer,
          volumeMounts: [{ name: "cluster-ca", mountPath: "/etc/e2e/cluster-ca", readOnly: true }],
        },
      ],
      volumes: [{ name: "cluster-ca", secret: { secretName: clusterCaCertSecretName(CLUSTER) } }],
    },
  };
}

describe("the operator on a 3-zone kind cluster", () => {
  let clusterUid = "";
  let bootstrap = "";
  let credentials: { username: string; secretName: string } | undefined;
  let firstSha = "";

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: ns, labels: { "app.kubernetes.io/part-of": "millrace-e2e" } } } });
  });

  afterAll(async () => {
    // The KafkaCluster first (its finalizers need the operator), then the namespace, then the chart.
    await custom
      .deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "kafkaclusters", name: CLUSTER })
      .catch((err: unknown) => {
        if (!isNotFound(err)) console.log(`deleting KafkaCluster ${CLUSTER}: ${String(err)}`);
      });
    await core.deleteNamespace({ name: ns }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    await waitFor(`namespace ${ns} deleted`, 300_000, async () => {
      try {
        await core.readNamespace({ name: ns });
        return undefined;
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
    });
    if (process.env.MILLRACE_E2E_KEEP_OPERATOR !== "1") await helm("uninstall", RELEASE, "-n", OPERATOR_NS, "--wait", "--timeout", "180s");
  });

  it("installs the chart: the operator Deployment becomes available", async () => {
    onTestFailed(diagnostics);
    const colon = kind.brokerImage.lastIndexOf(":");
    const t0 = Date.now();
    console.log(
      await helm(
        "upgrade", "--install", RELEASE, join(repoRoot, "charts/millrace"),
        "-n", OPERATOR_NS, "--create-namespace",
        "--set", `image.repository=${kind.brokerImage.slice(0, colon)}`,
        "--set", `image.tag=${kind.brokerImage.slice(colon + 1)}`,
        "--set", "image.pullPolicy=Never",
        "--wait", "--timeout", `${OPERATOR_READY_MS / 1000}s`,
      ),
    );
    const deployments = (await apps.listNamespacedDeployment({ namespace: OPERATOR_NS, labelSelector: "app.kubernetes.io/name=millrace-operator" })).items;
    expect(deployments).toHaveLength(1);
    const available = deployments[0]!.status?.conditions?.find((c) => c.type === "Available");
    expect(available?.status).toBe("True");
    console.log(`operator ${deployments[0]!.metadata?.name}: ${deployments[0]!.status?.readyReplicas} ready replicas, installed in ${Date.now() - t0} ms`);
    for (const crd of ["kafkaclusters", "kafkatopics", "kafkausers"]) expect(await kubectl("get", "crd", `${crd}.${GROUP}`, "-o", "name")).toContain(crd);
  });

  it("makes examples/kafka-cluster.yaml Ready: 3 controllers and 3 brokers, one of each per zone", async () => {
    onTestFailed(diagnostics);
    const t0 = Date.now();
    const created = await createResource(fitForKind(clusterSpec));
    clusterUid = created.metadata.uid;
    const ready = await waitReady("KafkaCluster", CLUSTER, CLUSTER_READY_MS);
    const seconds = (Date.now() - t0) / 1000;
    console.log(`KafkaCluster ${CLUSTER} Ready ${seconds.toFixed(1)} s after it was applied (clusterId ${ready.status?.clusterId})`);
    console.log(`--- kubectl get pods -o wide -n ${ns}\n${await kubectl("get", "pods", "-n", ns, "-o", "wide")}`);
    expect(ready.status?.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ready.status?.readyBrokers).toBe(3);

    const zones = await zoneOfNodes();
    const pods = await clusterPods();
    expect(pods).toHaveLength(6);
    for (const pool of ["controllers", "brokers"]) {
      const inPool = pods.filter((p) => p.metadata?.labels?.[LABEL_POOL] === pool);
      expect(inPool.map((p) => zones.get(p.spec?.nodeName ?? "")).sort(), pool).toEqual(ZONES);
      for (const p of inPool) expect(isPodReady(p), p.metadata?.name).toBe(true);
    }
    const internal = (ready.status?.listeners as { name: string; bootstrapServers: string }[] | undefined)?.find((l) => l.name === "internal");
    bootstrap = internal?.bootstrapServers ?? `${bootstrapServiceName(CLUSTER)}.${ns}.svc:9093`;
    console.log(`bootstrap of listener internal: ${bootstrap} (status: ${internal?.bootstrapServers ?? "none"})`);
  });

  it("creates examples/kafka-topic.yaml with one replica per zone and examples/kafka-user.yaml's SCRAM credentials", async () => {
    onTestFailed(diagnostics);
    expect(bootstrap, "the cluster did not become Ready").not.toBe("");
    await createResource(topicSpec);
    await createResource(userSpec);
    const topic = await waitReady("KafkaTopic", TOPIC, RESOURCE_READY_MS);
    const user = await waitReady("KafkaUser", USER, RESOURCE_READY_MS);
    console.log(`KafkaTopic ${TOPIC}: ${JSON.stringify(topic.status)}\nKafkaUser ${USER}: ${JSON.stringify(user.status)}`);
    credentials = { username: user.status?.username ?? USER, secretName: user.status?.secretName ?? USER };

    // Ask the brokers (with the user's credentials: it may describe the topic) where the replicas are.
    const { result } = await runClientPod(core, ns, clientPod("client-describe", "describe", credentials, bootstrap), 180_000);
    expect(result.ok, result.error).toBe(true);
    const zones = await zoneOfNodes();
    const pods = await clusterPods();
    const zoneOfBroker = new Map<number, string>();
    for (const b of result.brokers ?? []) {
      // A broker advertises its Pod's DNS name through the headless Service: <pod>.<service>.<ns>.svc
      const pod = pods.find((p) => p.metadata?.name === b.host.split(".")[0]);
      expect(pod, `no Pod for broker ${b.nodeId} at ${b.host}`).toBeDefined();
      expect(pod!.metadata?.labels?.[LABEL_NODE_ID]).toBe(String(b.nodeId));
      zoneOfBroker.set(b.nodeId, zones.get(pod!.spec?.nodeName ?? "") ?? "");
    }
    expect([...zoneOfBroker.values()].sort()).toEqual(ZONES);
    const partitions = result.partitions as { partition: number; replicas: number[]; isr: number[] }[];
    expect(partitions).toHaveLength(PARTITIONS);
    for (const p of partitions) {
      expect(p.replicas.map((id) => zoneOfBroker.get(id)).sort(), `partition ${p.partition} replicas ${p.replicas}`).toEqual(ZONES);
      expect([...p.isr].sort(), `partition ${p.partition} ISR`).toEqual([...p.replicas].sort());
    }
  });

  it(`produces and consumes ${COUNT} records as the KafkaUser over SASL_SSL`, async () => {
    onTestFailed(diagnostics);
    expect(credentials, "the topic and user step did not finish").toBeDefined();
    const { result } = await runClientPod(core, ns, clientPod("client-produce", "produce", credentials!, bootstrap), CLIENT_DONE_MS + 30_000);
    expect(result.problems ?? [], result.error).toEqual([]);
    expect(result.received).toBe(COUNT);
    expect(result.ok).toBe(true);
    firstSha = result.sha256 ?? "";
    expect(firstSha).toMatch(/^[0-9a-f]{64}$/);
  }, CLIENT_DONE_MS + 60_000);

  it("brings a deleted broker Pod back with its node id and volume, and loses no record", async () => {
    onTestFailed(diagnostics);
    expect(clusterUid, "the cluster was not created").not.toBe("");
    const zones = await zoneOfNodes();
    const before = (await clusterPods()).find((p) => p.metadata?.labels?.[LABEL_POOL] === "brokers" && zones.get(p.spec?.nodeName ?? "") === "zone-a");
    expect(before, "no broker Pod in zone-a").toBeDefined();
    const name = before!.metadata!.name!;
    const nodeId = before!.metadata!.labels![LABEL_NODE_ID]!;
    const claim = dataClaimName(CLUSTER, "brokers", Number(nodeId));
    const volume = (await core.readNamespacedPersistentVolumeClaim({ name: claim, namespace: ns })).spec?.volumeName;
    expect(volume).toBeTruthy();

    const t0 = Date.now();
    await core.deleteNamespacedPod({ name, namespace: ns });
    const after = await waitFor(`broker Pod ${name} back and Ready`, BROKER_BACK_MS, async () => {
      const pod = await core.readNamespacedPod({ name, namespace: ns });
      return pod.metadata?.uid !== before!.metadata?.uid && isPodReady(pod) ? pod : undefined;
    });
    console.log(`broker Pod ${name} (node ${nodeId}) Ready again ${((Date.now() - t0) / 1000).toFixed(1)} s after its deletion, on ${after.spec?.nodeName}`);
    expect(after.metadata?.labels?.[LABEL_NODE_ID]).toBe(nodeId);
    expect(after.spec?.nodeName).toBe(before!.spec?.nodeName); // its local volume pins it there
    const claimed = after.spec?.volumes?.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
    expect(claimed).toBe(claim);
    expect((await core.readNamespacedPersistentVolumeClaim({ name: claim, namespace: ns })).spec?.volumeName).toBe(volume);
    await waitReady("KafkaCluster", CLUSTER, BROKER_BACK_MS);

    // The records produced before the deletion, all of them, read again.
    expect(firstSha, "the produce step did not finish: nothing to compare").not.toBe("");
    const { result } = await runClientPod(core, ns, clientPod("client-verify", "verify", credentials!, bootstrap), CLIENT_DONE_MS + 30_000);
    expect(result.problems ?? [], result.error).toEqual([]);
    expect(result.received).toBe(COUNT);
    expect(result.sha256).toBe(firstSha);
  }, BROKER_BACK_MS * 2 + CLIENT_DONE_MS + 60_000);

  it("serves a client outside Kubernetes through the nodeport listener, at the addresses in the cluster's status", async () => {
    onTestFailed(diagnostics);
    expect(credentials, "the topic and user step did not finish").toBeDefined();
    const cluster = await readResource("KafkaCluster", CLUSTER);
    const external = (cluster.status?.listeners as { name: string; type: string; bootstrapServers: string }[]).find((l) => l.name === EXTERNAL_LISTENER.name);
    console.log(`listener ${EXTERNAL_LISTENER.name}: ${JSON.stringify(external)}`);
    expect(external?.type).toBe("nodeport");
    // One <kind node address>:<nodePort> per broker.
    const addresses = external!.bootstrapServers.split(",").filter(Boolean);
    expect(addresses).toHaveLength(3);
    const nodeAddresses = new Set((await core.listNode()).items.flatMap((n) => (n.status?.addresses ?? []).map((a) => a.address)));
    for (const a of addresses) expect(nodeAddresses.has(a.slice(0, a.lastIndexOf(":"))), `${a} is a node's address`).toBe(true);

    const secret = await core.readNamespacedSecret({ name: credentials!.secretName, namespace: ns });
    const password = Buffer.from(secret.data!.password!, "base64").toString("utf8");
    const kafka = new Kafka({
      brokers: addresses,
      clientId: "e2e-outside",
      sasl: { mechanism: "scram-sha-512", username: credentials!.username, password },
      logLevel: logLevel.NOTHING,
    });
    // Metadata through this listener names every broker by its external address: the client reaches all of them.
    const admin = kafka.admin();
    await admin.connect();
    const described = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    await admin.disconnect();
    expect(described.topics[0]!.partitions).toHaveLength(PARTITIONS);

    const marker = randomBytes(8).toString("hex");
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: EXTERNAL_COUNT }, (_, i) => ({ key: `${marker}-${i}`, value: `outside ${i}` })) });
    await producer.disconnect();

    const seen = new Set<string>();
    const consumer = kafka.consumer({ groupId: `${TOPIC}-outside-${marker}` });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? "";
        if (key.startsWith(`${marker}-`)) seen.add(key);
      },
    });
    try {
      await waitFor(`${EXTERNAL_COUNT} records read back from outside`, 180_000, async () => (seen.size === EXTERNAL_COUNT ? true : undefined));
    } finally {
      await consumer.disconnect();
    }
    expect(seen.size).toBe(EXTERNAL_COUNT);
  }, 300_000);

  it("garbage-collects everything the KafkaCluster owns when it is deleted; PVCs per deleteClaim", async () => {
    onTestFailed(diagnostics);
    expect(clusterUid, "the cluster was not created").not.toBe("");
    const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace: ns })).items.map((c) => c.metadata!.name!);
    const brokerClaims = claims.filter((c) => c.startsWith(`data-${CLUSTER}-brokers-`));
    const t0 = Date.now();
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "kafkaclusters", name: CLUSTER });
    await waitFor(`KafkaCluster ${CLUSTER} gone`, GC_MS, async () => {
      try {
        await readResource("KafkaCluster", CLUSTER);
        return undefined;
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
    });
    // Owned: an owner reference to the KafkaCluster, or its label and no owner at all. A KafkaUser's
    // Secret carries the cluster label too but belongs to the KafkaUser, which outlives the cluster.
    const ownedBy = (o: { metadata?: k8s.V1ObjectMeta }) => {
      const owners = o.metadata?.ownerReferences ?? [];
      return owners.some((r) => r.uid === clusterUid) || (owners.length === 0 && o.metadata?.labels?.[LABEL_CLUSTER] === CLUSTER);
    };
    const left = await waitFor("the KafkaCluster's Pods, Services, ConfigMaps and Secrets garbage-collected", GC_MS, async () => {
      const remaining = [
        ...(await core.listNamespacedPod({ namespace: ns })).items.filter(ownedBy).map((o) => `pod/${o.metadata?.name}`),
        ...(await core.listNamespacedService({ namespace: ns })).items.filter(ownedBy).map((o) => `service/${o.metadata?.name}`),
        ...(await core.listNamespacedConfigMap({ namespace: ns })).items.filter(ownedBy).map((o) => `configmap/${o.metadata?.name}`),
        ...(await core.listNamespacedSecret({ namespace: ns })).items.filter(ownedBy).map((o) => `secret/${o.metadata?.name}`),
        ...(await core.listNamespacedPersistentVolumeClaim({ namespace: ns })).items
          .filter((c) => c.metadata?.name?.startsWith(`data-${CLUSTER}-controllers-`))
          .map((o) => `pvc/${o.metadata?.name} (deleteClaim: true)`),
      ];
      if (remaining.length === 0) return true;
      throw new Error(`still there: ${remaining.join(", ")}`);
    });
    expect(left).toBe(true);
    console.log(`KafkaCluster ${CLUSTER} and what it owns gone ${((Date.now() - t0) / 1000).toFixed(1)} s after its deletion`);
    // deleteClaim false (the brokers' pool): the volumes stay for a cluster created again.
    const kept = (await core.listNamespacedPersistentVolumeClaim({ namespace: ns })).items.map((c) => c.metadata!.name!);
    expect(brokerClaims).toHaveLength(3);
    for (const c of brokerClaims) expect(kept).toContain(c);
  });
});
