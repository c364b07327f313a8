// The broker role of a node (process.roles contains broker): partition logs, replication, group
// coordination, the broker listeners, and the broker's lifecycle with the active controller
// (registration, heartbeats, controlled shutdown). Started once the node's metadata image is
// ready; stopped in two steps so the controlled shutdown happens while the quorum still serves.
import { clientSecuritySource } from "../security/client-security-source.js";
import type { Logger } from "pino";
import type { BrokerServices } from "../broker-services.js";
import type { BrokerConfig } from "../config/index.js";
import { GroupCoordinator } from "../coordinator/group/group-coordinator.js";
import { groupCoordinatorConfigFrom } from "../coordinator/group/group-config.js";
import { topicsFromImage } from "../coordinator/group/group-topics.js";
import { coordinatorElections } from "../coordinator/offsets-topic/coordinator-elections.js";
import { OffsetsPartitionLog } from "../coordinator/offsets-topic/offsets-partition-log.js";
import { OffsetsTopic } from "../coordinator/offsets-topic/offsets-topic.js";
import { registerAllHandlers } from "../handlers/all-handlers.js";
import { ControllerForwarder } from "../handlers/controller-forwarding.js";
import { FetchSessionCache } from "../handlers/fetch/fetch-session-cache.js";
import { HandlerRegistry } from "../handlers/registry.js";
import { BrokerLifecycle } from "../metadata/broker-lifecycle.js";
import { registeredEndpoints } from "../metadata/broker-endpoints.js";
import type { ClusterController } from "../metadata/controller/cluster-controller.js";
import { ControllerChannel } from "../metadata/controller/controller-channel.js";
import type { MetadataStore } from "../metadata/metadata-store.js";
import { Listener } from "../network/listener.js";
import { ReplicaManager } from "../replication/replica-manager.js";
import type { LogManager } from "../storage/index.js";
import { openTopicLogs } from "../topics/open-topic-logs.js";
import { ClientQuotaManager } from "../security/quotas/client-quota-manager.js";
import { createAuthorizer } from "../security/authorizer/create-authorizer.js";

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

export interface BrokerRoleBase {
  config: BrokerConfig;
  clusterId: string;
  metadata: MetadataStore;
  /** This node's controller when it is a combined node (it answers the broker in-process while active). */
  controller: ClusterController | null;
  boundPorts: Map<string, number>;
  log: Logger;
  /** Called once every broker listener is bound (the health endpoint's readiness). */
  onListenersUp?: () => void;
}

export class BrokerRole {
  private constructor(
    readonly services: BrokerServices,
    private readonly listeners: Listener[],
    private readonly logs: LogManager,
    private readonly lifecycle: BrokerLifecycle,
    private readonly channel: ControllerChannel,
    private readonly replicas: ReplicaManager,
    private readonly groups: GroupCoordinator,
    private readonly forwarder: ControllerForwarder | null,
  ) {}

  get brokerEpoch(): bigint {
    return this.lifecycle.brokerEpoch;
  }

  /** Opens the logs, starts replication and groups, binds the broker listeners and waits to be unfenced. */
  static async start(base: BrokerRoleBase): Promise<BrokerRole> {
    const { config, clusterId, metadata, controller, boundPorts, log } = base;
    const { logs, topics } = await openTopicLogs(config, metadata, log, {
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      flushCheckIntervalMs: flushCheckIntervalMs(config),
      // One timer writes both checkpoints (recovery points and log start offsets), so it runs at the shorter interval.
      checkpointIntervalMs: Math.min(config.logFlushOffsetCheckpointIntervalMs, config.logFlushStartOffsetCheckpointIntervalMs),
      cleanerEnabled: config.logCleanerEnable,
      // High watermarks resume from replication-offset-checkpoint and move only by replication
      // (a one-replica partition's catches up with its log end as soon as it leads).
      replicatedHighWatermarks: true,
      highWatermarkCheckpointIntervalMs: config.replicaHighWatermarkCheckpointIntervalMs,
    });
    // The voters' controller listeners: controller.quorum.voters, or a dynamic quorum's voter set (KIP-853).
    const voters = { get: (id: number) => metadata.quorum.endpointOf(id) };
    // Node-to-node connections use the security of the listener they dial (TLS, SASL).
    const controllerSecurity = clientSecuritySource(config, config.controllerListenerNames[0], log);
    const forwarder = config.singleNodeQuorum
      ? null
      : new ControllerForwarder({ nodeId: config.nodeId, quorum: metadata.quorum, voters, security: controllerSecurity, log: log.child({ component: "forwarding" }) });
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
      voters,
      requestTimeoutMs: config.controllerQuorumRequestTimeoutMs,
      logger: log,
      security: controllerSecurity,
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
      interBrokerSecurity: clientSecuritySource(config, config.interBrokerListenerName, log),
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
      quotas: new ClientQuotaManager({ image: metadata.image, windowNum: config.quotaWindowNum, windowSizeSeconds: config.quotaWindowSizeSeconds }),
      producerIds: { allocateBlock: () => channel.allocateProducerIds(config.nodeId, lifecycle.brokerEpoch) },
      topics,
      logs,
      groups,
      fetchSessions: new FetchSessionCache(config.maxIncrementalFetchSessionCacheSlots),
      authorizer: createAuthorizer(config, metadata.image),
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
    const listeners = config.listeners.filter((spec) => !config.controllerListenerNames.includes(spec.name)).map((spec) => new Listener(spec, services, log));
    for (const listener of listeners) boundPorts.set(listener.spec.name, await listener.listen());
    base.onListenersUp?.();
    // Like Kafka, a broker counts as started once the controller has unfenced it.
    await lifecycle.start(UNFENCE_TIMEOUT_MS);
    return new BrokerRole(services, listeners, logs, lifecycle, channel, replicas, groups, forwarder);
  }

  /** Controlled shutdown with the controller, while the listeners still serve. */
  async shutDownWithController(): Promise<void> {
    await this.lifecycle.shutdown(CONTROLLED_SHUTDOWN_TIMEOUT_MS);
  }

  /** Closes the broker listeners and connections, then replication, groups and logs. */
  async close(): Promise<void> {
    await Promise.all(this.listeners.map((l) => l.close()));
    this.forwarder?.close();
    this.replicas.stop();
    this.channel.close();
    await this.groups.close();
    await this.logs.close();
  }
}
