// Every API's authorization decision, in one place, after Apache Kafka's "Operations and
// Resources on Protocols" table and its KafkaApis/ControllerApis. A unit test fails when a
// registered handler (broker listeners, controller listeners) has no entry, so no API is served
// without a decision.
//
// Three kinds:
//   none      — no check (connection set-up: ApiVersions, SASL).
//   cluster   — one check of `operation` on the cluster; the handler calls
//               authorizeApiOnCluster(ctx), which reads the operation from this table, and answers
//               CLUSTER_AUTHORIZATION_FAILED when denied.
//   resources — per-resource checks inside the handler, as `checks` describes.
import type { RequestContext } from "../../handlers/handler.js";
import { AclOperation, type AclOperationCode } from "./acl-codes.js";
import { authorizeCluster } from "./request-authorization.js";

export type ApiAuthorization =
  | { readonly kind: "none"; readonly why: string }
  | { readonly kind: "cluster"; readonly operation: AclOperationCode }
  | { readonly kind: "resources"; readonly checks: string };

const none = (why: string): ApiAuthorization => ({ kind: "none", why });
const cluster = (operation: AclOperationCode): ApiAuthorization => ({ kind: "cluster", operation });
const resources = (checks: string): ApiAuthorization => ({ kind: "resources", checks });

export const API_AUTHORIZATION: ReadonlyMap<number, ApiAuthorization> = new Map<number, ApiAuthorization>([
  [0, resources("Produce: WRITE on the transactional id of a transactional batch (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED for all); WRITE on each topic (TOPIC_AUTHORIZATION_FAILED per partition)")],
  [1, resources("Fetch: from a replica (replicaId >= 0) CLUSTER_ACTION on the cluster, else READ on each topic (TOPIC_AUTHORIZATION_FAILED per partition); on a controller listener (the metadata log) CLUSTER_ACTION")],
  [2, resources("ListOffsets: DESCRIBE on each topic (TOPIC_AUTHORIZATION_FAILED per partition)")],
  [3, resources("Metadata: DESCRIBE on each topic (all topics: the others are left out; named ones: TOPIC_AUTHORIZATION_FAILED); auto-creation needs CREATE on the cluster or the topic; authorized operations filled when asked")],
  [8, resources("OffsetCommit: READ on the group (GROUP_AUTHORIZATION_FAILED), READ on each topic (TOPIC_AUTHORIZATION_FAILED per partition)")],
  [9, resources("OffsetFetch: DESCRIBE on the group (GROUP_AUTHORIZATION_FAILED), DESCRIBE on each topic (all topics: others left out; named: TOPIC_AUTHORIZATION_FAILED)")],
  [10, resources("FindCoordinator: DESCRIBE on the group (GROUP_AUTHORIZATION_FAILED) or on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED)")],
  [11, resources("JoinGroup: READ on the group (GROUP_AUTHORIZATION_FAILED)")],
  [12, resources("Heartbeat: READ on the group (GROUP_AUTHORIZATION_FAILED)")],
  [13, resources("LeaveGroup: READ on the group (GROUP_AUTHORIZATION_FAILED)")],
  [14, resources("SyncGroup: READ on the group (GROUP_AUTHORIZATION_FAILED)")],
  [15, resources("DescribeGroups: DESCRIBE on each group (GROUP_AUTHORIZATION_FAILED per group); authorized operations filled when asked")],
  [16, resources("ListGroups: DESCRIBE on the cluster lists every group, else the groups the principal may DESCRIBE")],
  [17, none("SaslHandshake: authentication itself")],
  [18, none("ApiVersions: needed before authentication")],
  [19, resources("CreateTopics: CREATE on the cluster or on each topic (TOPIC_AUTHORIZATION_FAILED per topic); configs returned only with DESCRIBE_CONFIGS on the topic")],
  [20, resources("DeleteTopics: DELETE on each topic (TOPIC_AUTHORIZATION_FAILED per topic)")],
  [21, resources("DeleteRecords: DELETE on each topic (TOPIC_AUTHORIZATION_FAILED per partition)")],
  [22, resources("InitProducerId: WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); without one IDEMPOTENT_WRITE on the cluster or WRITE on any topic (CLUSTER_AUTHORIZATION_FAILED)")],
  [23, resources("OffsetForLeaderEpoch: from a replica CLUSTER_ACTION on the cluster, else DESCRIBE on each topic (TOPIC_AUTHORIZATION_FAILED per partition)")],
  [29, cluster(AclOperation.DESCRIBE)],
  [30, cluster(AclOperation.ALTER)],
  [31, cluster(AclOperation.ALTER)],
  [32, resources("DescribeConfigs: DESCRIBE_CONFIGS on the topic (TOPIC_AUTHORIZATION_FAILED) or the cluster for broker resources (CLUSTER_AUTHORIZATION_FAILED)")],
  [33, resources("AlterConfigs: ALTER_CONFIGS on the topic (TOPIC_AUTHORIZATION_FAILED) or the cluster for broker resources (CLUSTER_AUTHORIZATION_FAILED)")],
  [35, cluster(AclOperation.DESCRIBE)],
  [36, none("SaslAuthenticate: authentication itself")],
  [37, resources("CreatePartitions: ALTER on each topic (TOPIC_AUTHORIZATION_FAILED per topic)")],
  [42, resources("DeleteGroups: DELETE on each group (GROUP_AUTHORIZATION_FAILED per group)")],
  [43, cluster(AclOperation.ALTER)],
  [44, resources("IncrementalAlterConfigs: ALTER_CONFIGS on the topic (TOPIC_AUTHORIZATION_FAILED) or the cluster for broker resources (CLUSTER_AUTHORIZATION_FAILED)")],
  [45, cluster(AclOperation.ALTER)],
  [46, cluster(AclOperation.DESCRIBE)],
  [47, resources("OffsetDelete: DELETE on the group (GROUP_AUTHORIZATION_FAILED), READ on each topic (TOPIC_AUTHORIZATION_FAILED per partition)")],
  [48, cluster(AclOperation.DESCRIBE_CONFIGS)],
  [49, cluster(AclOperation.ALTER_CONFIGS)],
  [50, cluster(AclOperation.DESCRIBE)],
  [51, cluster(AclOperation.ALTER)],
  [52, cluster(AclOperation.CLUSTER_ACTION)],
  [53, cluster(AclOperation.CLUSTER_ACTION)],
  [54, cluster(AclOperation.CLUSTER_ACTION)],
  [55, cluster(AclOperation.DESCRIBE)],
  [56, cluster(AclOperation.CLUSTER_ACTION)],
  [58, cluster(AclOperation.CLUSTER_ACTION)],
  [59, cluster(AclOperation.CLUSTER_ACTION)],
  [60, resources("DescribeCluster: no check (as Kafka); cluster authorized operations filled when asked and DESCRIBE on the cluster is allowed")],
  [62, cluster(AclOperation.CLUSTER_ACTION)],
  [63, cluster(AclOperation.CLUSTER_ACTION)],
  [67, cluster(AclOperation.CLUSTER_ACTION)],
  [68, resources("ConsumerGroupHeartbeat: READ on the group (GROUP_AUTHORIZATION_FAILED); DESCRIBE on each subscribed topic (TOPIC_AUTHORIZATION_FAILED)")],
  [69, resources("ConsumerGroupDescribe: DESCRIBE on each group (GROUP_AUTHORIZATION_FAILED per group) and on the topics its members are assigned (TOPIC_AUTHORIZATION_FAILED); authorized operations filled when asked")],
  [80, cluster(AclOperation.ALTER)],
  [81, cluster(AclOperation.ALTER)],
  [82, cluster(AclOperation.CLUSTER_ACTION)],
]);

/**
 * For APIs whose decision is one check on the cluster: whether this request's principal may do
 * the table's operation. Throws (a bug) when the table says otherwise for the API.
 */
export function authorizeApiOnCluster(ctx: RequestContext): boolean {
  const entry = API_AUTHORIZATION.get(ctx.apiKey);
  if (entry?.kind !== "cluster") throw new Error(`API ${ctx.apiKey} is not authorized by one cluster check (api-authorization.ts)`);
  return authorizeCluster(ctx, entry.operation);
}
