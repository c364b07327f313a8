// The KafkaCluster reconciler: reads the cluster and everything it owns from the informer
// cache, computes the desired objects with the pure builders of this folder and applies the
// differences, step by step (ensureX), then writes a status rebuilt from what exists.
// Level-based: any step may be interrupted (operator restart, lost leadership) and the next
// reconcile picks up from what it finds — node ids and the cluster id are read back from the
// live objects' labels and annotations.
import type { V1ConfigMap, V1PersistentVolumeClaim, V1Pod, V1Secret, V1Service } from "@kubernetes/client-node";
import type { KafkaClusterStatus, OperationStatus, QuorumStatus } from "../../api/v1alpha1/kafkacluster.js";
import { operatorOwnedKeysIn } from "../../api/v1alpha1/operator-owned.js";
import { desiredClusterSecrets, nodePrincipal, operatorPrincipal, PRINCIPAL_MAPPING_RULES } from "../../pki/cluster-certificates.js";
import { findCondition } from "../../runtime/conditions.js";
import { isBeingDeleted } from "../../runtime/finalizers.js";
import { formatTime } from "../../runtime/kube-time.js";
import type { Manager } from "../../runtime/manager.js";
import { isControlledBy, withControllerReference } from "../../runtime/owner-references.js";
import type { ReconcileContext, ReconcileRequest, ReconcileResult, Reconciler } from "../../runtime/reconciler.js";
import { BuiltinTypes, type KubeObject, type ResourceType } from "../../runtime/resource-type.js";
import type { ClusterAdminProvider } from "../cluster-admin.js";
import { KafkaClusterType, type KafkaClusterObject } from "../resource-types.js";
import { resolveClusterId } from "./cluster-id.js";
import { clusterSecret } from "./cluster-secrets.js";
import { LABEL_BROKER_ROLE, LABEL_CLUSTER, dataClaimName, nodeCertsSecretName, nodePodName } from "./names.js";
import { claimIsOwned, nodeClaim } from "./node-claim.js";
import { nodeConfigMap } from "./node-configmap.js";
import { liveNodeOf } from "./node-labels.js";
import { planNodes, type LiveNode, type NodeLayout, type PlannedNode } from "./node-layout.js";
import { nodePod } from "./node-pod.js";
import { desiredNetworkPolicies } from "./network-policies.js";
import { podDisruptionBudget } from "./pod-disruption-budget.js";
import { isPodReady, planRestarts, type NodePods } from "./rolling-restart.js";
import { checkBrokerRemoval } from "./scale-down-guard.js";
import { extraSubjectAltNames, nodeExternalAddresses, type NodeExternalAddresses } from "./external-addresses.js";
import { advertisedListenersFromEnv, quorumVotersValue, serverProperties } from "./server-properties.js";
import { voterChange, voterIds } from "./voter-change.js";
import { desiredServices } from "./services.js";
import { clusterStatus } from "./status.js";

export interface KafkaClusterReconcilerOptions {
  /** How the reconciler asks a cluster about its partitions (scale-down guard). */
  admin: Pick<ClusterAdminProvider, "adminFor" | "forget">;
  /** The operator's own version: the brokers' version when spec.version is empty. */
  operatorVersion: string;
  /** Image repository of the product image (`<repository>:<version>`); default "millrace". */
  imageRepository?: string;
  /** Image of clusters that set neither spec.image nor spec.version (the operator's own image, say); default `<repository>:<operatorVersion>`. */
  defaultImage?: string;
  now?: () => Date;
  /** How often to look again at a cluster that is fine (certificate renewal windows). Default 1 h. */
  resyncAfterMs?: number;
  /** How soon to look again while a cluster waits for external listeners' addresses. Default 5 s. */
  addressRetryAfterMs?: number;
  /** How soon to look again while a scale-down is blocked (replicas move without a Kubernetes event). Default 30 s. */
  blockedRetryAfterMs?: number;
}

/** What a reconcile found of the cluster's objects, read once from the cache. */
type Live<T> = T & KubeObject;
interface Observed {
  pods: Map<string, Live<V1Pod>>;
  configMaps: Map<string, Live<V1ConfigMap>>;
  claims: Map<string, Live<V1PersistentVolumeClaim>>;
  secrets: Map<string, Live<V1Secret>>;
}

type Degraded = { reason: string; message: string };

export class KafkaClusterReconciler implements Reconciler {
  private readonly now: () => Date;

  constructor(
    private readonly m: Manager,
    private readonly opts: KafkaClusterReconcilerOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  async reconcile(req: ReconcileRequest, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const cluster = this.m.cache.get<KafkaClusterObject>(KafkaClusterType, req.namespace, req.name);
    if (!cluster || isBeingDeleted(cluster)) {
      // Owned objects go with it (garbage collection); only the admin connection is ours to drop.
      await this.opts.admin.forget(req.namespace, req.name);
      return;
    }
    const observed = this.observe(cluster);

    const layout = planNodes(req.name, cluster.spec, this.liveNodes(observed));
    // While a change is refused, the status describes the nodes that exist.
    const existing = layout.nodes.filter((n) => observed.configMaps.has(n.podName));
    const refused = operatorOwnedKeysIn(cluster.spec.config);
    if (refused.length > 0) {
      return this.finish(cluster, observed, existing, cluster.status?.clusterId, [], {
        degraded: { reason: "ConfigRefused", message: `spec.config sets keys the operator manages: ${refused.join(", ")}; nothing was changed until they are removed` },
      });
    }

    const desiredVoters = quorumVotersValue(req.name, req.namespace, layout.nodes);
    const liveVoters = voterChange([...observed.configMaps.values()], desiredVoters);
    if (liveVoters !== undefined) {
      return this.finish(cluster, observed, existing, cluster.status?.clusterId, [], {
        degraded: {
          reason: "ControllerChangeRefused",
          message: `the controllers (the static metadata quorum's voters) cannot change from nodes ${voterIds(liveVoters)} to ${voterIds(desiredVoters) || "none"} on a running cluster; nothing was changed: restore the controller pools' replicas`,
        },
      });
    }
    const id = resolveClusterId({ statusClusterId: cluster.status?.clusterId, configMaps: [...observed.configMaps.values()], claims: [...observed.claims.values()] });
    if ("refused" in id) {
      return this.finish(cluster, observed, existing, undefined, [], { degraded: { reason: "ClusterIdUnknown", message: id.refused } });
    }
    if (id.source === "new") ctx.log.info({ clusterId: id.clusterId }, "new cluster id");

    // From the cache as it is now: a Service created below gets its nodePort in a later pass.
    const external = this.externalAddresses(cluster, layout.nodes, observed);
    await this.ensureCertificates(cluster, layout.nodes, external, ctx);
    await this.ensureServices(cluster, layout.nodes);
    const properties = new Map(layout.nodes.map((n) => [n.nodeId, this.serverPropertiesOf(cluster, n, layout.nodes, external.get(n.nodeId)!)]));
    await this.ensureConfigMaps(cluster, layout.nodes, id.clusterId, properties);
    await this.ensureClaims(cluster, layout.nodes, id.clusterId, observed);
    const restarts = await this.ensurePods(cluster, layout.nodes, id.clusterId, properties, external, observed, ctx);
    await this.ensurePodDisruptionBudget(cluster);
    await this.ensureNetworkPolicies(cluster);
    const removal = await this.ensureRemovedNodes(cluster, layout, observed, ctx);

    const quorum = await this.observeQuorum(cluster, layout.nodes, observed, ctx);
    const operations = removal.operation ? [...restarts.operations, removal.operation] : restarts.operations;
    const waitingForAddresses = [...external.values()].flatMap((e) => e.waiting);
    if (waitingForAddresses.length > 0) ctx.log.info({ services: waitingForAddresses }, "waiting for external addresses");
    return this.finish(cluster, observed, layout.nodes, id.clusterId, operations, {
      degraded: removal.blocked,
      progressing: restarts.waitingFor ?? removal.progressing,
      waitingForAddresses,
      quorum,
    });
  }

  // --- observe ---------------------------------------------------------------------------

  private observe(cluster: KafkaClusterObject): Observed {
    const ns = cluster.metadata!.namespace!;
    const name = cluster.metadata!.name!;
    const mine = <T extends KubeObject>(type: ResourceType) =>
      new Map(
        this.m.cache
          .list<T>(type, ns)
          .filter((o) => o.metadata?.labels?.[LABEL_CLUSTER] === name)
          .map((o) => [o.metadata!.name!, o]),
      );
    return {
      pods: mine<Live<V1Pod>>(BuiltinTypes.Pod),
      configMaps: mine<Live<V1ConfigMap>>(BuiltinTypes.ConfigMap),
      claims: mine<Live<V1PersistentVolumeClaim>>(BuiltinTypes.PersistentVolumeClaim),
      secrets: mine<Live<V1Secret>>(BuiltinTypes.Secret),
    };
  }

  /** Nodes that exist: any Pod, ConfigMap or PVC labelled with a pool and node id. */
  private liveNodes(observed: Observed): LiveNode[] {
    const out: LiveNode[] = [];
    for (const o of [...observed.pods.values(), ...observed.configMaps.values(), ...observed.claims.values()]) {
      const n = liveNodeOf(o as KubeObject);
      if (n && !out.some((x) => x.pool === n.pool && x.nodeId === n.nodeId)) out.push(n);
    }
    return out;
  }

  // --- ensure steps ----------------------------------------------------------------------

  /** Every node's external addresses (nodeport/loadbalancer listeners), from the live Services and Pods. */
  private externalAddresses(cluster: KafkaClusterObject, nodes: readonly PlannedNode[], observed: Observed): Map<number, NodeExternalAddresses> {
    const { name, namespace } = meta(cluster);
    const service = (serviceName: string) => this.m.cache.get<V1Service & KubeObject>(BuiltinTypes.Service, namespace, serviceName);
    return new Map(nodes.map((n) => [n.nodeId, nodeExternalAddresses(name, cluster.spec.listeners, n, service, observed.pods.get(n.podName))]));
  }

  private async ensureCertificates(
    cluster: KafkaClusterObject,
    nodes: readonly PlannedNode[],
    external: Map<number, NodeExternalAddresses>,
    ctx: ReconcileContext,
  ): Promise<void> {
    const { name, namespace } = meta(cluster);
    const cas = cluster.spec.certificateAuthorities ?? {};
    const desired = await desiredClusterSecrets({
      clusterName: name,
      namespace,
      clusterCa: { validityDays: cas.cluster?.validityDays ?? 365, renewalDays: cas.cluster?.renewalDays ?? 30 },
      clientsCa: { validityDays: cas.clients?.validityDays ?? 365, renewalDays: cas.clients?.renewalDays ?? 30 },
      nodes: nodes.map((n) => {
        const extra = extraSubjectAltNames(external.get(n.nodeId)!);
        return { pool: n.pool, nodeId: n.nodeId, ...(extra ? { extraSubjectAltNames: extra } : {}) };
      }),
      existing: (secretName) => this.m.cache.get<V1Secret & KubeObject>(BuiltinTypes.Secret, namespace, secretName),
      now: this.now(),
      log: ctx.log,
    });
    for (const d of desired) {
      const secret = withControllerReference(clusterSecret(name, namespace, d, nodes) as KubeObject, cluster);
      const applied = await this.m.applier.apply(BuiltinTypes.Secret, secret, this.m.cache.get(BuiltinTypes.Secret, namespace, d.name));
      if (applied.written && d.reason === "renewed") {
        await this.m.events.record(cluster, { type: "Normal", reason: "CertificateRenewed", action: "Renew", note: `Secret ${d.name}: ${d.detail ?? "renewed"}` });
      }
    }
  }

  private async ensureServices(cluster: KafkaClusterObject, nodes: readonly PlannedNode[]): Promise<void> {
    const { name, namespace } = meta(cluster);
    const desired = desiredServices(name, namespace, cluster.spec.listeners, nodes);
    await this.applyOwned(cluster, BuiltinTypes.Service, desired as KubeObject[]);
    await this.deleteOwnedExcept(cluster, BuiltinTypes.Service, new Set(desired.map((s) => s.metadata!.name!)));
  }

  private async ensureConfigMaps(cluster: KafkaClusterObject, nodes: readonly PlannedNode[], clusterId: string, properties: Map<number, string>): Promise<void> {
    const { name, namespace } = meta(cluster);
    const desired = nodes.map((n) => nodeConfigMap({ clusterName: name, namespace, node: n, clusterId, serverProperties: properties.get(n.nodeId)! }));
    await this.applyOwned(cluster, BuiltinTypes.ConfigMap, desired as KubeObject[]);
  }

  private async ensureClaims(cluster: KafkaClusterObject, nodes: readonly PlannedNode[], clusterId: string, observed: Observed): Promise<void> {
    const { name, namespace } = meta(cluster);
    for (const n of nodes) {
      const pool = cluster.spec.nodePools.find((p) => p.name === n.pool)!;
      let claim = nodeClaim({ clusterName: name, namespace, node: n, pool, clusterId }) as KubeObject;
      if (claimIsOwned(pool)) claim = withControllerReference(claim, cluster);
      await this.m.applier.apply(BuiltinTypes.PersistentVolumeClaim, claim, observed.claims.get(claim.metadata!.name!) as KubeObject | undefined);
    }
  }

  /**
   * Creates missing Pods; replaces at most one out-of-date Pod, and only when every other node
   * is Ready. A node whose external addresses are not all known yet gets no Pod (it would
   * advertise an address nobody can reach) and keeps the one it has. Returns the pending
   * restarts for status.operations.
   */
  private async ensurePods(
    cluster: KafkaClusterObject,
    nodes: readonly PlannedNode[],
    clusterId: string,
    properties: Map<number, string>,
    external: Map<number, NodeExternalAddresses>,
    observed: Observed,
    ctx: ReconcileContext,
  ): Promise<{ operations: OperationStatus[]; waitingFor?: string }> {
    const { name, namespace } = meta(cluster);
    const version = cluster.spec.version || this.opts.operatorVersion;
    const image = cluster.spec.image || (!cluster.spec.version && this.opts.defaultImage) || `${this.opts.imageRepository ?? "millrace"}:${version}`;
    const pods: NodePods[] = nodes.map((node) => {
      const pool = cluster.spec.nodePools.find((p) => p.name === node.pool)!;
      const live = observed.pods.get(node.podName);
      const addresses = external.get(node.nodeId)!;
      // Still counted (a missing Pod holds back replacements), but neither created nor replaced.
      if (addresses.waiting.length > 0 && live) return { node, desired: live, live };
      const advertisedListenersEnv = advertisedListenersFromEnv({ clusterName: name, namespace, spec: cluster.spec, node, externalAdvertised: addresses.advertised });
      const desired = withControllerReference(
        nodePod({
          clusterName: name,
          namespace,
          spec: cluster.spec,
          pool,
          node,
          image,
          version,
          clusterId,
          serverProperties: properties.get(node.nodeId)!,
          ...(advertisedListenersEnv ? { advertisedListenersEnv } : {}),
        }) as KubeObject,
        cluster,
      ) as V1Pod;
      return { node, desired, live };
    });
    const plan = planRestarts(pods);
    for (const p of plan.create) {
      if (external.get(p.node.nodeId)!.waiting.length > 0) continue;
      await this.m.applier.apply(BuiltinTypes.Pod, p.desired as KubeObject, undefined);
    }
    if (plan.replaceNow) {
      const p = plan.replaceNow;
      ctx.log.info({ pod: p.node.podName, nodeId: p.node.nodeId }, "replacing an out-of-date Pod");
      await this.m.events.record(cluster, {
        type: "Normal",
        reason: "NodeRestart",
        action: "Restart",
        note: `Pod ${p.node.podName} (node ${p.node.nodeId}) is replaced: its configuration or Pod template changed`,
      });
      await this.m.applier.delete(BuiltinTypes.Pod, namespace, p.node.podName);
    }
    const operations: OperationStatus[] = [];
    if (plan.outdated.length > 0) {
      const previous = cluster.status?.operations?.find((o) => o.type === "RollingRestart");
      operations.push({
        type: "RollingRestart",
        nodeIds: plan.outdated.map((p) => p.node.nodeId),
        reason: "the configuration or Pod template of these nodes changed; their Pods are replaced one at a time",
        startedAt: previous?.startedAt ?? formatTime(this.now().getTime()),
      });
    }
    return { operations, ...(plan.waitingFor ? { waitingFor: `rolling restart waits for ${plan.waitingFor}` } : {}) };
  }

  private async ensurePodDisruptionBudget(cluster: KafkaClusterObject): Promise<void> {
    const { name, namespace } = meta(cluster);
    await this.applyOwned(cluster, BuiltinTypes.PodDisruptionBudget, [podDisruptionBudget(name, namespace) as KubeObject]);
  }

  private async ensureNetworkPolicies(cluster: KafkaClusterObject): Promise<void> {
    const { name, namespace } = meta(cluster);
    const desired = desiredNetworkPolicies(name, namespace, cluster.spec.listeners);
    await this.applyOwned(cluster, BuiltinTypes.NetworkPolicy, desired as KubeObject[]);
    await this.deleteOwnedExcept(cluster, BuiltinTypes.NetworkPolicy, new Set(desired.map((p) => p.metadata!.name!)));
  }

  /**
   * Deletes the Pods, ConfigMaps, certificate Secrets (and owned PVCs) of nodes no longer
   * wanted — unless one of them is a broker that still holds partition replicas, or the
   * cluster cannot be asked: then nothing is removed and the cluster is Degraded.
   */
  private async ensureRemovedNodes(
    cluster: KafkaClusterObject,
    layout: NodeLayout,
    observed: Observed,
    ctx: ReconcileContext,
  ): Promise<{ blocked?: Degraded; progressing?: string; operation?: OperationStatus }> {
    const { name, namespace } = meta(cluster);
    const leaving = layout.removed
      .map((r) => {
        const podName = nodePodName(name, r.pool, r.nodeId);
        // Only what this cluster controls is deleted (a kept volume has no owner, and stays).
        const controlled = <T extends KubeObject>(o: T | undefined) => (o && isControlledBy(o, cluster) ? o : undefined);
        return {
          ...r,
          pod: controlled(observed.pods.get(podName)),
          configMap: controlled(observed.configMaps.get(podName)),
          secret: controlled(observed.secrets.get(nodeCertsSecretName(name, r.pool, r.nodeId))),
          ownedClaim: controlled(observed.claims.get(dataClaimName(name, r.pool, r.nodeId))),
        };
      })
      .filter((l) => l.pod || l.configMap || l.secret || l.ownedClaim);
    if (leaving.length === 0) return {};
    const brokers = leaving.filter((l) => (l.pod ?? l.configMap)?.metadata?.labels?.[LABEL_BROKER_ROLE] === "true").map((l) => l.nodeId);
    const verdict = await checkBrokerRemoval(() => this.opts.admin.adminFor(cluster), brokers);
    if (!verdict.allowed) {
      ctx.log.warn({ nodeIds: brokers, message: verdict.message }, "scale-down blocked");
      const previous = cluster.status?.operations?.find((o) => o.type === "ScaleDown");
      return {
        blocked: { reason: "ScaleDownBlocked", message: verdict.message },
        // The nodes wait for their partitions to move away: an operation in progress, not done.
        operation: { type: "ScaleDown", nodeIds: leaving.map((l) => l.nodeId), reason: verdict.message, startedAt: previous?.startedAt ?? formatTime(this.now().getTime()) },
      };
    }
    for (const l of leaving) {
      ctx.log.info({ nodeId: l.nodeId, pool: l.pool }, "removing node");
      const podName = nodePodName(name, l.pool, l.nodeId);
      if (l.pod) await this.m.applier.delete(BuiltinTypes.Pod, namespace, podName);
      if (l.configMap) await this.m.applier.delete(BuiltinTypes.ConfigMap, namespace, podName);
      if (l.secret) await this.m.applier.delete(BuiltinTypes.Secret, namespace, l.secret.metadata!.name!);
      if (l.ownedClaim) await this.m.applier.delete(BuiltinTypes.PersistentVolumeClaim, namespace, l.ownedClaim.metadata!.name!);
      await this.m.events.record(cluster, { type: "Normal", reason: "NodeRemoved", action: "ScaleDown", note: `node ${l.nodeId} of pool ${l.pool} removed` });
    }
    return { progressing: `removing nodes ${leaving.map((l) => l.nodeId).join(", ")}` };
  }

  // --- status ----------------------------------------------------------------------------

  /**
   * The quorum as its leader reports it, once a broker is Ready (before that the question would
   * hold a worker for the admin client's whole timeout). Unknown when the cluster cannot answer.
   */
  private async observeQuorum(cluster: KafkaClusterObject, nodes: readonly PlannedNode[], observed: Observed, ctx: ReconcileContext): Promise<QuorumStatus | undefined> {
    const brokerReady = nodes.some((n) => n.roles.includes("broker") && isPodReady(observed.pods.get(n.podName)));
    if (!brokerReady) return undefined;
    try {
      const q = await (await this.opts.admin.adminFor(cluster)).describeQuorum();
      return { leaderId: q.leaderId, leaderEpoch: q.leaderEpoch, voters: q.voters.map((v) => v.nodeId).sort((a, b) => a - b) };
    } catch (e) {
      ctx.log.debug({ err: e }, "quorum not described");
      return undefined;
    }
  }

  private async finish(
    cluster: KafkaClusterObject,
    observed: Observed,
    nodes: readonly PlannedNode[],
    clusterId: string | undefined,
    operations: OperationStatus[],
    outcome: { degraded?: Degraded; progressing?: string; waitingForAddresses?: string[]; quorum?: QuorumStatus },
  ): Promise<ReconcileResult> {
    const externalBootstrap = new Map<string, string[]>();
    for (const addresses of this.externalAddresses(cluster, nodes, observed).values()) {
      for (const [listener, address] of addresses.known) externalBootstrap.set(listener, [...(externalBootstrap.get(listener) ?? []), address]);
    }
    const status: KafkaClusterStatus = clusterStatus({
      cluster,
      clusterId: clusterId ?? cluster.status?.clusterId,
      nodes,
      livePod: (podName) => observed.pods.get(podName),
      operations,
      degraded: outcome.degraded,
      progressing: outcome.progressing,
      waitingForAddresses: outcome.waitingForAddresses,
      externalBootstrap,
      quorum: outcome.quorum,
      nowMs: this.now().getTime(),
    });
    const previous = findCondition(cluster.status?.conditions, "Degraded");
    if (outcome.degraded && (previous?.status !== "True" || previous.reason !== outcome.degraded.reason)) {
      // Once per refusal (not per reconcile): the condition holds it from then on.
      await this.m.events.record(cluster, { type: "Warning", reason: outcome.degraded.reason, action: "Reconcile", note: outcome.degraded.message });
    }
    await this.m.status.update(KafkaClusterType, cluster, status as unknown as Record<string, unknown>);
    if (outcome.degraded?.reason === "ScaleDownBlocked") return { requeueAfterMs: this.opts.blockedRetryAfterMs ?? 30_000 };
    // A nodePort reaches the cache with the Service's watch event, a load balancer's address whenever
    // the cloud assigns it: the watches bring both, this is the safety net.
    if (outcome.waitingForAddresses?.length) return { requeueAfterMs: this.opts.addressRetryAfterMs ?? 5_000 };
    return { requeueAfterMs: this.opts.resyncAfterMs ?? 3_600_000 };
  }

  // --- helpers ---------------------------------------------------------------------------

  private serverPropertiesOf(cluster: KafkaClusterObject, node: PlannedNode, nodes: readonly PlannedNode[], external: NodeExternalAddresses): string {
    const { name, namespace } = meta(cluster);
    return serverProperties({
      clusterName: name,
      namespace,
      spec: cluster.spec,
      node,
      nodes,
      nodePrincipal: nodePrincipal(name),
      operatorPrincipal: operatorPrincipal(name),
      principalMappingRules: PRINCIPAL_MAPPING_RULES,
      externalAdvertised: external.advertised,
    });
  }

  private async applyOwned(cluster: KafkaClusterObject, type: ResourceType, desired: KubeObject[]): Promise<void> {
    const namespace = meta(cluster).namespace;
    for (const d of desired) {
      const owned = withControllerReference(d, cluster);
      await this.m.applier.apply(type, owned, this.m.cache.get(type, namespace, d.metadata!.name!));
    }
  }

  /** Deletes the objects of a kind this cluster controls that are not wanted any more. */
  private async deleteOwnedExcept(cluster: KafkaClusterObject, type: ResourceType, wanted: Set<string>): Promise<void> {
    const namespace = meta(cluster).namespace;
    for (const o of this.m.cache.list(type, namespace)) {
      if (isControlledBy(o, cluster) && !wanted.has(o.metadata!.name!)) await this.m.applier.delete(type, namespace, o.metadata!.name!);
    }
  }
}

function meta(cluster: KafkaClusterObject): { name: string; namespace: string } {
  return { name: cluster.metadata!.name!, namespace: cluster.metadata!.namespace! };
}
