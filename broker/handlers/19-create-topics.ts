// CreateTopics: v2–v7 (v0–v1 were dropped in Kafka 4; KafkaJS 2.2.4 sends v3, librdkafka 2.x v4,
// Java and franz-go v7).
// Checks and messages follow KRaft's ReplicationControlManager.createTopics, in its order: more
// than 10,000 partitions in one request fails every topic (POLICY_VIOLATION); a name given twice
// is INVALID_REQUEST; then per topic the name (legal, not colliding over '.'/'_', not existing),
// the configs (no null values, known keys, valid values: INVALID_CONFIG naming the key), then the
// layout. numPartitions and replicationFactor -1 take num.partitions and
// default.replication.factor. The spec calls that v4+ (KIP-464), but Kafka's broker accepts -1 in
// every version and KafkaJS sends -1 by default at v3, so we do too. On this single-node broker
// every replication factor but 1 is INVALID_REPLICATION_FACTOR ("... only 1 broker(s) are
// registered."), and manual assignments (with both counts -1) may only name this node.
// validateOnly (v1+) stops after the checks. v5+ answers with the partition count, replication
// factor and every effective topic config with its source (sensitive values null); v7+ with the
// topic id (the zero id for validateOnly, where Kafka sends a random id of a topic that will never
// exist).
import { describeTopicConfigs, validateTopicConfig } from "../config/index.js";
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { createTopicsRequestMeta, readCreateTopicsRequest, type CreatableTopic, writeCreateTopicsRequest } from "../protocol/generated/create-topics-request.gen.js";
import {
  writeCreateTopicsResponse,
  type CreatableTopicResult,
  type CreateTopicsResponse,
  readCreateTopicsResponse,
} from "../protocol/generated/create-topics-response.gen.js";
import { ZERO_UUID } from "../protocol/primitives.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { currentBrokerConfig } from "./config-resources.js";
import { manualAssignmentError, replicationFactorError } from "./placement.js";
import { withControllerMutationQuota } from "../security/quotas/controller-mutation-quota.js";
import { AclOperation, authorize, authorizeCluster, ResourceType } from "../security/authorizer/request-authorization.js";

/** Kafka's ReplicationControlManager.MAX_PARTITIONS_PER_BATCH. */
export const MAX_PARTITIONS_PER_REQUEST = 10_000;

function failure(name: string, error: KafkaErrorName, message: string | null = null): CreatableTopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode: errorCode(error),
    errorMessage: message,
    topicConfigErrorCode: 0,
    numPartitions: -1,
    replicationFactor: -1,
    configs: [],
  };
}

type Layout =
  | { ok: true; partitions: number; replicationFactor: number; assignment: number[][] | null }
  | { ok: false; error: KafkaErrorName; message: string };

/** The partition count and replication factor the topic would get, or why it cannot be placed. */
function layout(t: CreatableTopic, defaults: { numPartitions: number; replicationFactor: number }, brokers: readonly number[]): Layout {
  if (t.assignments.length > 0) {
    if (t.replicationFactor !== -1) {
      return { ok: false, error: "INVALID_REQUEST", message: "A manual partition assignment was specified, but replication factor was not set to -1." };
    }
    if (t.numPartitions !== -1) {
      return { ok: false, error: "INVALID_REQUEST", message: "A manual partition assignment was specified, but numPartitions was not set to -1." };
    }
    const seen = new Set<number>();
    let replicationFactor: number | null = null;
    for (const a of t.assignments) {
      if (seen.has(a.partitionIndex)) {
        return { ok: false, error: "INVALID_REPLICA_ASSIGNMENT", message: `Found multiple manual partition assignments for partition ${a.partitionIndex}` };
      }
      seen.add(a.partitionIndex);
      const problem = manualAssignmentError(a.brokerIds, replicationFactor, brokers);
      if (problem) return { ok: false, error: "INVALID_REPLICA_ASSIGNMENT", message: problem };
      replicationFactor = a.brokerIds.length;
    }
    for (let i = 0; i < seen.size; i++) {
      if (!seen.has(i)) {
        return { ok: false, error: "INVALID_REPLICA_ASSIGNMENT", message: "partitions should be a consecutive 0-based integer sequence" };
      }
    }
    const assignment = [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex).map((a) => a.brokerIds);
    return { ok: true, partitions: seen.size, replicationFactor: replicationFactor ?? 1, assignment };
  }
  if (t.replicationFactor < -1 || t.replicationFactor === 0) {
    return { ok: false, error: "INVALID_REPLICATION_FACTOR", message: "Replication factor must be larger than 0, or -1 to use the default value." };
  }
  if (t.numPartitions < -1 || t.numPartitions === 0) {
    return { ok: false, error: "INVALID_PARTITIONS", message: "Number of partitions was set to an invalid non-positive value." };
  }
  const partitions = t.numPartitions === -1 ? defaults.numPartitions : t.numPartitions;
  const replicationFactor = t.replicationFactor === -1 ? defaults.replicationFactor : t.replicationFactor;
  const problem = replicationFactorError(replicationFactor, brokers);
  if (problem) return { ok: false, error: "INVALID_REPLICATION_FACTOR", message: problem };
  return { ok: true, partitions, replicationFactor, assignment: null };
}

/** Partitions a request would create, as Kafka counts them before looking at anything else. */
function requestedPartitions(topics: CreatableTopic[], defaultPartitions: number): number {
  let total = 0;
  for (const t of topics) {
    if (t.assignments.length > 0) total += t.assignments.length;
    else if (t.numPartitions === -1) total += defaultPartitions;
    else if (t.numPartitions > 0) total += t.numPartitions;
  }
  return total;
}

async function createTopic(t: CreatableTopic, validateOnly: boolean, ctx: RequestContext): Promise<CreatableTopicResult> {
  const { broker } = ctx;
  // CREATE on the cluster (quietly) or on the topic, before anything about the topic is revealed.
  const mayCreate = authorizeCluster(ctx, AclOperation.CREATE, { logIfDenied: false }) || authorize(ctx, AclOperation.CREATE, ResourceType.TOPIC, t.name);
  if (!mayCreate) return failure(t.name, "TOPIC_AUTHORIZATION_FAILED");
  // Name, existence and collision first, with nothing else that could fail.
  const named = await broker.topics.createTopic(t.name, { assignment: [[broker.nodeId]] }, new Map(), true);
  if (!named.ok) return failure(t.name, named.error, named.message);

  const nulls = t.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nulls.length > 0) return failure(t.name, "INVALID_CONFIG", `Null value not supported for topic configs: ${nulls.join(",")}`);
  const configs = new Map(t.configs.map((c) => [c.name, c.value as string]));
  const brokerConfig = currentBrokerConfig(broker);
  const valid = validateTopicConfig(configs, brokerConfig);
  if (!valid.ok) return failure(t.name, valid.error.error, valid.error.message);

  const usable = broker.metadata.usableBrokers().map((b) => b.id);
  const placed = layout(t, { numPartitions: brokerConfig.numPartitions, replicationFactor: brokerConfig.defaultReplicationFactor }, usable);
  if (!placed.ok) return failure(t.name, placed.error, placed.message);

  const topicLayout = placed.assignment ? { assignment: placed.assignment } : { partitions: placed.partitions, replicationFactor: placed.replicationFactor };
  const created = await broker.topics.createTopic(t.name, topicLayout, configs, validateOnly);
  if (!created.ok) return failure(t.name, created.error, created.message);

  const described = describeTopicConfigs(configs, brokerConfig);
  // The created topic's configs are shown only to who may DESCRIBE_CONFIGS it (Kafka's topicConfigErrorCode).
  const mayDescribeConfigs = authorize(ctx, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, t.name, { logIfDenied: false });
  return {
    name: t.name,
    topicId: created.value?.topicId ?? ZERO_UUID,
    errorCode: 0,
    errorMessage: null,
    topicConfigErrorCode: mayDescribeConfigs ? 0 : errorCode("TOPIC_AUTHORIZATION_FAILED"),
    numPartitions: placed.partitions,
    replicationFactor: placed.replicationFactor,
    configs: described.ok && mayDescribeConfigs
      ? described.value.map((c) => ({
          name: c.name,
          value: c.isSensitive ? null : c.value,
          readOnly: c.readOnly,
          configSource: c.configSource,
          isSensitive: c.isSensitive,
        }))
      : [],
  };
}

const localCreateTopicsHandler = defineHandler({
  meta: createTopicsRequestMeta,
  minVersion: 2,
  maxVersion: 7,
  readRequest: readCreateTopicsRequest,
  writeResponse: writeCreateTopicsResponse,
  async handle(request, ctx): Promise<CreateTopicsResponse> {
    const { topics } = request;
    const validateOnly = ctx.apiVersion >= 1 && request.validateOnly;
    if (requestedPartitions(topics, currentBrokerConfig(ctx.broker).numPartitions) > MAX_PARTITIONS_PER_REQUEST) {
      const message = "Excessively large number of partitions per request.";
      return { throttleTimeMs: 0, topics: topics.map((t) => failure(t.name, "POLICY_VIOLATION", message)) };
    }
    const count = new Map<string, number>();
    for (const t of topics) count.set(t.name, (count.get(t.name) ?? 0) + 1);
    const answered = new Set<string>();
    const results: CreatableTopicResult[] = [];
    for (const t of topics) {
      if (answered.has(t.name)) continue;
      answered.add(t.name);
      if ((count.get(t.name) ?? 0) > 1) results.push(failure(t.name, "INVALID_REQUEST", "Duplicate topic name."));
      else results.push(await createTopic(t, validateOnly, ctx));
    }
    return { throttleTimeMs: 0, topics: results };
  },
});

/**
 * Off the quorum leader, the request goes to the active controller (controller-forwarding.ts);
 * the client's controller_mutation_rate is applied first, where the client is known (v6+ strict).
 */
export const createTopicsHandler = withControllerMutationQuota(
  forwardedToController(localCreateTopicsHandler, {
    writeRequest: writeCreateTopicsRequest,
    readResponse: readCreateTopicsResponse,
    refused: (request) => ({ throttleTimeMs: 0, topics: request.topics.map((t) => failure(t.name, "NOT_CONTROLLER")) }),
  }),
  {
    strictSinceVersion: 6,
    validateOnly: (request) => request.validateOnly,
    permitsOf: (request, ctx) => {
      const defaultPartitions = currentBrokerConfig(ctx.broker).numPartitions;
      return (response) => {
        const created = new Set(response.topics.filter((t) => t.errorCode === 0).map((t) => t.name));
        return requestedPartitions(request.topics.filter((t) => created.has(t.name)), defaultPartitions);
      };
    },
    throttled: (request, _version, throttleTimeMs) => ({
      throttleTimeMs,
      topics: [...new Set(request.topics.map((t) => t.name))].map((name) => failure(name, "THROTTLING_QUOTA_EXCEEDED", "The throttling quota has been exceeded.")),
    }),
  },
);
