// The services a request handler may use. Handlers get this through RequestContext.broker;
// tests can build one with fakes. It grows as subsystems land (replication, security, …).
import type { Logger } from "pino";
import type { HandlerRegistry } from "./handlers/registry.js";
import type { BrokerConfig } from "./config/index.js";
import type { MetadataStore } from "./metadata/metadata-store.js";
import type { LogManager } from "./storage/index.js";
import type { GroupCoordinator } from "./coordinator/group/group-coordinator.js";
import type { FetchSessionCache } from "./handlers/fetch/fetch-session-cache.js";
import type { TopicAdmin } from "./topics/topic-admin.js";
import type { ClusterController } from "./metadata/controller/cluster-controller.js";
import type { ControllerForwarder } from "./handlers/controller-forwarding.js";
import type { ReplicaManager } from "./replication/replica-manager.js";
import type { ClientQuotaManager } from "./security/quotas/client-quota-manager.js";
import type { Authorizer } from "./security/authorizer/standard-authorizer.js";

export interface BrokerServices {
  readonly handlers: HandlerRegistry;
  readonly config: BrokerConfig;
  readonly nodeId: number;
  readonly clusterId: string;
  /** Topics, partitions, configs, brokers and producer-id blocks: the metadata image and its writes through the quorum. */
  readonly metadata: MetadataStore;
  /** This node's controller (registrations, heartbeats), when it has the controller role. */
  readonly controller: ClusterController | null;
  /** Sends metadata-changing requests to the active controller when this node is not it (null: never needed). */
  readonly forwarder: ControllerForwarder | null;
  /** Leader and follower state of this node's replicas (null in handler tests: every partition has one replica). */
  readonly replicas: ReplicaManager | null;
  /** Client quotas (produce/fetch byte rates, request time, topic mutations); absent where none are enforced (controller listeners, handler tests). */
  readonly quotas?: ClientQuotaManager;
  /** Where blocks of producer ids come from: the active controller (in-process or AllocateProducerIds). */
  readonly producerIds: { allocateBlock(): Promise<{ firstId: bigint; size: bigint }> };
  /** Topic changes (a broker's TopicManager waits for its logs; a controller-only node has none). */
  readonly topics: TopicAdmin;
  readonly logs: LogManager;
  readonly groups: GroupCoordinator;
  readonly fetchSessions: FetchSessionCache;
  /** Decides what each principal may do (ACLs); NO_AUTHORIZER when authorizer.class.name is empty. */
  readonly authorizer: Authorizer;
  /** Actual port of each listener by name (differs from the configured one when that is 0). */
  readonly boundPorts: ReadonlyMap<string, number>;
  readonly log: Logger;
  /** Broker-wide clock, injectable for tests. */
  readonly now: () => number;
}
