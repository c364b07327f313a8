// The composition root of one broker process: opens storage and metadata, builds the services
// handlers use, registers the handlers and starts the listeners. `stop()` is the clean shutdown
// (connections closed, logs flushed, clean-shutdown markers written).
import { mkdirSync } from "node:fs";
import type { Logger } from "pino";
import type { BrokerServices } from "./broker-services.js";
import type { BrokerConfig } from "./config/index.js";
import { GroupCoordinator } from "./coordinator/group/group-coordinator.js";
import { groupCoordinatorConfigFrom } from "./coordinator/group/group-config.js";
import { topicsFromImage } from "./coordinator/group/group-topics.js";
import { coordinatorElections } from "./coordinator/offsets-topic/coordinator-elections.js";
import { OffsetsPartitionLog } from "./coordinator/offsets-topic/offsets-partition-log.js";
import { OffsetsTopic } from "./coordinator/offsets-topic/offsets-topic.js";
import { registerAllHandlers } from "./handlers/all-handlers.js";
import { registerControllerHandlers } from "./handlers/controller/controller-handlers.js";
import { FetchSessionCache } from "./handlers/fetch/fetch-session-cache.js";
import { HandlerRegistry } from "./handlers/registry.js";
import { ensureMetaProperties } from "./metadata/meta-properties.js";
import { MetadataStore } from "./metadata/metadata-store.js";
import { quorumOptionsFrom } from "./metadata/quorum-options.js";
import { BrokerLifecycle } from "./metadata/broker-lifecycle.js";
import { ClusterController } from "./metadata/controller/cluster-controller.js";
import { ControllerChannel } from "./metadata/controller/controller-channel.js";
import { ControllerForwarder } from "./handlers/controller-forwarding.js";
import { ReplicaManager } from "./replication/replica-manager.js";
import { registeredEndpoints } from "./metadata/broker-endpoints.js";
import { Listener } from "./network/listener.js";
import type { LogManager } from "./storage/index.js";
import { openTopicLogs } from "./topics/open-topic-logs.js";

/**
 * How often logs are checked for a due time-based flush. Kafka checks every
 * log.flush.scheduler.interval.ms (default: never); checking is cheap and flush.ms decides, so we
 * check at least every second and as often as the broker-wide flush interval asks, never below 10 ms.
 */
function flushCheckIntervalMs(config: BrokerConfig): number {
  return Math.max(10, Math.min(config.logFlushSchedulerIntervalMs, config.logFlushIntervalMs, 1_000));
}

/** How long start-up waits for the controller to unfence this broker. */
const UNFENCE_TIMEOUT_MS = 120_000;
/** How long a clean stop waits for the controller to grant the controlled shutdown. */
const CONTROLLED_SHUTDOWN_TIMEOUT_MS = 10_000;

/** The part of the broker a controller listener needs; the rest fails loudly if a handler reaches for it. */
async function startControllerListeners(
  config: BrokerConfig,
  base: { clusterId: string; metadata: MetadataStore; controller: ClusterController | null; boundPorts: Map<string, number>; log: Logger },
): Promise<Listener[]> {
  const specs = config.listeners.filter((spec) => config.controllerListenerNames.includes(spec.name));
  if (specs.length === 0) return [];
  const handlers = new HandlerRegistry();
  registerControllerHandlers(handlers);
  const notOnControllerListener = (what: string) =>
    new Proxy({}, { get: (_, p) => { throw new Error(`${what}.${String(p)} is not available on a controller listener`); } });
  const services: BrokerServices = {
    handlers,
    config,
    nodeId: config.nodeId,
    clusterId: base.clusterId,
    metadata: base.metadata,
    controller: base.controller,
    forwarder: null,
    replicas: null,
    producerIds: notOnControllerListener("producerIds") as BrokerServices["producerIds"],
    topics: notOnControllerListener("topics") as BrokerServices["topics"],
    logs: notOnControllerListener("logs") as BrokerServices["logs"],
    groups: notOnControllerListener("groups") as BrokerServices["groups"],
    fetchSessions: notOnControllerListener("fetchSessions") as BrokerServices["fetchSessions"],
    boundPorts: base.boundPorts,
    log: base.log,
    now: Date.now,
  };
  const listeners = specs.map((spec) => new Listener(spec, services, base.log));
  for (const listener of listeners) base.boundPorts.set(listener.spec.name, await listener.listen());
  return listeners;
}

export class Broker {
  private constructor(
    readonly services: BrokerServices,
    private readonly listeners: Listener[],
    private readonly logs: LogManager,
    private readonly metadata: MetadataStore,
    private readonly controller: ClusterController | null,
    private readonly lifecycle: BrokerLifecycle,
    private readonly channel: ControllerChannel,
    private readonly replicas: ReplicaManager,
    private readonly groups: GroupCoordinator,
    private readonly log: Logger,
  ) {}

  /** Ports actually bound, by listener name. */
  get ports(): ReadonlyMap<string, number> {
    return this.services.boundPorts;
  }

  static async start(config: BrokerConfig, log: Logger): Promise<Broker> {
    const started = Date.now();
    for (const dir of config.logDirs) mkdirSync(dir, { recursive: true });
    const dirs = [...new Set([...config.logDirs, config.metadataLogDir])];
    const clusterId = ensureMetaProperties(dirs, config.nodeId, { autoFormat: config.singleNodeQuorum });
    const metadata = await MetadataStore.open(quorumOptionsFrom(config, clusterId, log.child({ component: "metadata" })));
    const boundPorts = new Map<string, number>();
    // Controller listeners come up first: the quorum elects its leader and replicates over them.
    const controller = config.processRoles.includes("controller")
      ? new ClusterController({
          clusterId,
          sessionTimeoutMs: config.brokerSessionTimeoutMs,
          uncleanLeaderElectionEnable: config.uncleanLeaderElectionEnable,
          ...(config.autoLeaderRebalanceEnable
            ? { leaderRebalance: { intervalMs: config.leaderImbalanceCheckIntervalSeconds * 1000, imbalancePercentage: config.leaderImbalancePerBrokerPercentage } }
            : {}),
          metadata,
          logger: log.child({ component: "controller" }),
        })
      : null;
    controller?.start();
    const controllerListeners = await startControllerListeners(config, { clusterId, metadata, controller, boundPorts, log });
    await metadata.ready();
    const { logs, topics } = await openTopicLogs(config, metadata, log, {
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      flushCheckIntervalMs: flushCheckIntervalMs(config),
      // One timer writes both checkpoints (recovery points and log start offsets), so it runs at the shorter interval.
      checkpointIntervalMs: Math.min(config.logFlushOffsetCheckpointIntervalMs, config.logFlushStartOffsetCheckpointIntervalMs),
      cleanerEnabled: config.logCleanerEnable,
    });
    const forwarder = config.singleNodeQuorum ? null : new ControllerForwarder(config.nodeId, metadata, config.interBrokerListenerName);
    // Groups are coordinated by the leaders of their __consumer_offsets partitions, created
    // through the controller on the first FindCoordinator and loaded as leadership arrives.
    const groupsLog = log.child({ component: "group-coordinator" });
    const offsetsTopic = new OffsetsTopic({ nodeId: config.nodeId, config, metadata, topics, forwarder, logger: groupsLog });
    const groups = new GroupCoordinator({
      // An existing __consumer_offsets keeps its partition count whatever the config says now.
      config: { ...groupCoordinatorConfigFrom(config), offsetsTopicNumPartitions: offsetsTopic.partitionCount },
      log: new OffsetsPartitionLog({ nodeId: config.nodeId, metadata, logs, commitTimeoutMs: config.offsetsCommitTimeoutMs, logger: groupsLog }),
      topics: topicsFromImage(metadata.image),
      leadership: offsetsTopic,
      logger: groupsLog,
    });
    const channel = new ControllerChannel({
      nodeId: config.nodeId,
      quorum: metadata.quorum,
      local: controller,
      voters: new Map(config.controllerQuorumVoters.map((v) => [v.id, { host: v.host, port: v.port }])),
      requestTimeoutMs: config.controllerQuorumRequestTimeoutMs,
      logger: log,
    });
    const lifecycle = new BrokerLifecycle({
      nodeId: config.nodeId,
      clusterId,
      rack: config.brokerRack,
      metadata,
      channel,
      endpoints: () => registeredEndpoints(config, boundPorts),
      heartbeatIntervalMs: config.brokerHeartbeatIntervalMs,
      retryBackoffMs: Math.max(config.controllerQuorumRetryBackoffMs, 50),
      logger: log.child({ component: "broker-lifecycle" }),
    });
    const replicas = new ReplicaManager({
      nodeId: config.nodeId,
      metadata,
      logs,
      channel,
      brokerEpoch: () => lifecycle.brokerEpoch,
      interBrokerListener: config.interBrokerListenerName,
      replicaLagTimeMaxMs: config.replicaLagTimeMaxMs,
      replicaFetchWaitMaxMs: config.replicaFetchWaitMaxMs,
      replicaFetchMaxBytes: config.replicaFetchMaxBytes,
      throttle: {
        leaderRate: config.leaderReplicationThrottledRate,
        followerRate: config.followerReplicationThrottledRate,
        windowNum: config.replicationQuotaWindowNum,
        windowMs: config.replicationQuotaWindowSizeSeconds * 1000,
      },
      replicaFetchBackoffMs: config.replicaFetchBackoffMs,
      logger: log.child({ component: "replication" }),
    });
    // Roles follow the logs, which follow the metadata; group coordination follows the roles.
    topics.onReconciled(() => replicas.applyMetadata());
    replicas.start();
    const followOffsetsLeadership = coordinatorElections({ nodeId: config.nodeId, metadata, logs, groups, partitionCount: offsetsTopic.partitionCount, logger: groupsLog });
    topics.onReconciled(() => void followOffsetsLeadership());
    const handlers = new HandlerRegistry();
    registerAllHandlers(handlers);
    const services: BrokerServices = {
      handlers,
      config,
      nodeId: config.nodeId,
      clusterId,
      metadata,
      controller,
      forwarder,
      replicas,
      producerIds: { allocateBlock: () => channel.allocateProducerIds(config.nodeId, lifecycle.brokerEpoch) },
      topics,
      logs,
      groups,
      fetchSessions: new FetchSessionCache(config.maxIncrementalFetchSessionCacheSlots),
      boundPorts,
      log,
      now: Date.now,
    };
    groups.startup();
    const initialLoads = followOffsetsLeadership();
    // A single node loads its groups before it serves, as before. In a cluster a leader's load
    // waits for its followers to fetch (over listeners not open yet): its groups answer
    // COORDINATOR_LOAD_IN_PROGRESS meanwhile, as Kafka's do.
    if (config.singleNodeQuorum) await initialLoads;
    const brokerListeners = config.listeners.filter((spec) => !config.controllerListenerNames.includes(spec.name)).map((spec) => new Listener(spec, services, log));
    for (const listener of brokerListeners) boundPorts.set(listener.spec.name, await listener.listen());
    const listeners = [...controllerListeners, ...brokerListeners];
    // Like Kafka, a broker counts as started once the controller has unfenced it.
    await lifecycle.start(UNFENCE_TIMEOUT_MS);
    log.info({ nodeId: config.nodeId, clusterId, brokerEpoch: lifecycle.brokerEpoch, startupMs: Date.now() - started }, "broker started");
    return new Broker(services, listeners, logs, metadata, controller, lifecycle, channel, replicas, groups, log);
  }

  /** Clean shutdown: stop accepting, close connections, stop groups, flush and close logs. */
  async stop(): Promise<void> {
    this.log.info("broker stopping");
    // First, while the listeners still serve: controlled shutdown with the controller, then a
    // quorum leader hands over so a successor is elected at once.
    await this.lifecycle.shutdown(CONTROLLED_SHUTDOWN_TIMEOUT_MS);
    this.controller?.stop();
    await this.metadata.quorum.handOver();
    await Promise.all(this.listeners.map((l) => l.close()));
    this.services.forwarder?.close();
    this.replicas.stop();
    this.channel.close();
    await this.groups.close();
    await this.logs.close();
    await this.metadata.close();
    this.log.info("broker stopped");
  }
}
