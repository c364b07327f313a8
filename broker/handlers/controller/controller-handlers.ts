// What a controller listener serves: the metadata quorum's APIs (Vote, BeginQuorumEpoch,
// EndQuorumEpoch, Fetch of the metadata log, DescribeQuorum, and KIP-853's AddRaftVoter,
// RemoveRaftVoter and UpdateRaftVoter), broker registration,
// heartbeats, ISR changes (AlterPartition) and producer id blocks (AllocateProducerIds), and ApiVersions, which is derived
// from this table — so, as in Kafka, a controller listener advertises only controller APIs.
// Like Kafka's controller it also decides the metadata changes brokers forward to it
// (controller-forwarding.ts: CreateTopics, DeleteTopics, CreatePartitions, AlterConfigs,
// IncrementalAlterConfigs, ElectLeaders, partition reassignments, AlterClientQuotas; NOT_CONTROLLER
// off the leader), answers DescribeClientQuotas from its image,
// and answers DescribeCluster for controller endpoints (admin clients with bootstrap.controllers).
// CreateAcls and DeleteAcls are forwarded changes too, DescribeAcls answers from the image, and
// Envelope (58) carries the requests brokers forward, with the client's principal (the handlers
// authorize the client, api-authorization.ts).
// Everything here must make do with the metadata side of a node (roles/controller-listeners.ts).
import { saslHandshakeHandler } from "../17-sasl-handshake.js";
import { apiVersionsHandler } from "../18-api-versions.js";
import { createTopicsHandler } from "../19-create-topics.js";
import { deleteTopicsHandler } from "../20-delete-topics.js";
import { describeAclsHandler } from "../29-describe-acls.js";
import { createAclsHandler } from "../30-create-acls.js";
import { deleteAclsHandler } from "../31-delete-acls.js";
import { alterConfigsHandler } from "../33-alter-configs.js";
import { createPartitionsHandler } from "../37-create-partitions.js";
import { electLeadersHandler } from "../43-elect-leaders.js";
import { incrementalAlterConfigsHandler } from "../44-incremental-alter-configs.js";
import { alterPartitionReassignmentsHandler } from "../45-alter-partition-reassignments.js";
import { listPartitionReassignmentsHandler } from "../46-list-partition-reassignments.js";
import { describeClientQuotasHandler } from "../48-describe-client-quotas.js";
import { alterClientQuotasHandler } from "../49-alter-client-quotas.js";
import { saslAuthenticateHandler } from "../36-sasl-authenticate.js";
import { describeUserScramCredentialsHandler } from "../50-describe-user-scram-credentials.js";
import { alterUserScramCredentialsHandler } from "../51-alter-user-scram-credentials.js";
import { describeQuorumHandler } from "../55-describe-quorum.js";
import { addRaftVoterHandler } from "../80-add-raft-voter.js";
import { removeRaftVoterHandler } from "../81-remove-raft-voter.js";
import { describeClusterControllersHandler } from "../60-describe-cluster.js";
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
import { envelopeHandler } from "./58-envelope.js";
import { updateRaftVoterHandler } from "./82-update-raft-voter.js";

const CONTROLLER_HANDLERS: ApiHandler<any, any>[] = [
  metadataFetchHandler,
  apiVersionsHandler,
  saslHandshakeHandler,
  saslAuthenticateHandler,
  describeUserScramCredentialsHandler,
  alterUserScramCredentialsHandler,
  voteHandler,
  beginQuorumEpochHandler,
  endQuorumEpochHandler,
  fetchSnapshotHandler,
  describeQuorumHandler,
  alterPartitionHandler,
  brokerRegistrationHandler,
  brokerHeartbeatHandler,
  allocateProducerIdsHandler,
  envelopeHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  createPartitionsHandler,
  alterConfigsHandler,
  describeAclsHandler,
  createAclsHandler,
  deleteAclsHandler,
  incrementalAlterConfigsHandler,
  electLeadersHandler,
  alterPartitionReassignmentsHandler,
  listPartitionReassignmentsHandler,
  describeClientQuotasHandler,
  alterClientQuotasHandler,
  describeClusterControllersHandler,
  addRaftVoterHandler,
  removeRaftVoterHandler,
  updateRaftVoterHandler,
];

export function registerControllerHandlers(registry: HandlerRegistry): void {
  for (const handler of CONTROLLER_HANDLERS) registry.register(handler);
}
