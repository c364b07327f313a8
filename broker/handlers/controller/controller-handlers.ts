// What a controller listener serves: the metadata quorum's APIs (Vote, BeginQuorumEpoch,
// EndQuorumEpoch, Fetch of the metadata log, DescribeQuorum), broker registration,
// heartbeats, ISR changes (AlterPartition) and producer id blocks (AllocateProducerIds), and ApiVersions, which is derived
// from this table — so, as in Kafka, a controller listener advertises only controller APIs.
import { apiVersionsHandler } from "../18-api-versions.js";
import { describeQuorumHandler } from "../55-describe-quorum.js";
import type { ApiHandler } from "../handler.js";
import type { HandlerRegistry } from "../registry.js";
import { metadataFetchHandler } from "./01-metadata-fetch.js";
import { voteHandler } from "./52-vote.js";
import { beginQuorumEpochHandler } from "./53-begin-quorum-epoch.js";
import { endQuorumEpochHandler } from "./54-end-quorum-epoch.js";
import { fetchSnapshotHandler } from "./59-fetch-snapshot.js";
import { alterPartitionHandler } from "./56-alter-partition.js";
import { brokerRegistrationHandler } from "./62-broker-registration.js";
import { brokerHeartbeatHandler } from "./63-broker-heartbeat.js";
import { allocateProducerIdsHandler } from "./67-allocate-producer-ids.js";

const CONTROLLER_HANDLERS: ApiHandler<any, any>[] = [
  metadataFetchHandler,
  apiVersionsHandler,
  voteHandler,
  beginQuorumEpochHandler,
  endQuorumEpochHandler,
  fetchSnapshotHandler,
  describeQuorumHandler,
  alterPartitionHandler,
  brokerRegistrationHandler,
  brokerHeartbeatHandler,
  allocateProducerIdsHandler,
];

export function registerControllerHandlers(registry: HandlerRegistry): void {
  for (const handler of CONTROLLER_HANDLERS) registry.register(handler);
}
