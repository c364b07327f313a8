// CreatePartitions: v0–v3 (librdkafka 2.x sends v0, KafkaJS 2.2.4 v1; v2+ flexible).
// Grows a topic to `count` partitions, optionally with a replica list per new partition, which on
// this single-node broker may only name this node. Checks and messages follow KRaft's
// ReplicationControlManager.createPartitions: a topic named twice is INVALID_REQUEST, then
// unknown topic, then the count (must grow), then the assignments (one per new partition, each
// valid against the registered brokers and the topic's replication factor). validateOnly
// (v0+) stops after the checks.
// More than 10,000 additional partitions over the request's known topics fails each of them with
// POLICY_VIOLATION before anything is created, as Kafka 4 answers (checked against 4.4.0): without
// this bound one request with count=2^31-1 made the broker build partitions until it ran out of
// memory (found by the fuzzer, test/fuzz).
// Internal topics are refused with POLICY_VIOLATION: the group coordinator places each group by
// hashing over the partition count of __consumer_offsets, so growing it would move groups away
// from their committed offsets. (Kafka does not guard this; nothing legitimate needs it.)
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { createPartitionsRequestMeta, readCreatePartitionsRequest, type CreatePartitionsTopic, writeCreatePartitionsRequest } from "../protocol/generated/create-partitions-request.gen.js";
import {
  writeCreatePartitionsResponse,
  type CreatePartitionsResponse,
  type CreatePartitionsTopicResult,
  readCreatePartitionsResponse,
} from "../protocol/generated/create-partitions-response.gen.js";
import { isInternalTopic } from "../metadata/topic-names.js";
import { MAX_PARTITIONS_PER_REQUEST } from "./19-create-topics.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { manualAssignmentError } from "./placement.js";
import { withControllerMutationQuota } from "../security/quotas/controller-mutation-quota.js";
import { AclOperation, authorize, ResourceType } from "../security/authorizer/request-authorization.js";

function result(name: string, error: KafkaErrorName, message: string | null = null): CreatePartitionsTopicResult {
  return { name, errorCode: errorCode(error), errorMessage: message };
}

async function createPartitions(t: CreatePartitionsTopic, validateOnly: boolean, ctx: RequestContext): Promise<CreatePartitionsTopicResult> {
  const { broker } = ctx;
  if (!authorize(ctx, AclOperation.ALTER, ResourceType.TOPIC, t.name)) return result(t.name, "TOPIC_AUTHORIZATION_FAILED");
  const topic = broker.metadata.topic(t.name);
  if (!topic) return result(t.name, "UNKNOWN_TOPIC_OR_PARTITION");
  if (isInternalTopic(t.name)) {
    return result(
      t.name,
      "POLICY_VIOLATION",
      `Cannot add partitions to internal topic ${t.name}: its partition count decides where each group's offsets live.`,
    );
  }
  const checked = await broker.topics.createPartitions(topic, t.count, t.assignments?.map((a) => a.brokerIds) ?? null, true);
  if (!checked.ok) return result(t.name, checked.error, checked.message);
  if (t.assignments !== null) {
    const additional = t.count - topic.partitions.length;
    if (t.assignments.length !== additional) {
      return result(
        t.name,
        "INVALID_REPLICA_ASSIGNMENT",
        `Attempted to add ${additional} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.`,
      );
    }
    const replicationFactor = topic.partitions[0]?.replicas.length ?? 1;
    for (const a of t.assignments) {
      const problem = manualAssignmentError(a.brokerIds, replicationFactor, broker.metadata.usableBrokers().map((b) => b.id));
      if (problem) return result(t.name, "INVALID_REPLICA_ASSIGNMENT", problem);
    }
  }
  if (validateOnly) return result(t.name, "NONE");
  const created = await broker.topics.createPartitions(topic, t.count, t.assignments?.map((a) => a.brokerIds) ?? null);
  return created.ok ? result(t.name, "NONE") : result(t.name, created.error, created.message);
}

/** Partitions the request would add to existing topics named once, as Kafka sums them. */
function additionalPartitions(topics: CreatePartitionsTopic[], counts: Map<string, number>, ctx: RequestContext): number {
  let total = 0;
  for (const t of topics) {
    const current = ctx.broker.metadata.topic(t.name)?.partitions.length;
    if (current !== undefined && counts.get(t.name) === 1 && t.count > current) total += t.count - current;
  }
  return total;
}

const localCreatePartitionsHandler = defineHandler({
  meta: createPartitionsRequestMeta,
  minVersion: 0,
  maxVersion: 3,
  readRequest: readCreatePartitionsRequest,
  writeResponse: writeCreatePartitionsResponse,
  async handle(request, ctx): Promise<CreatePartitionsResponse> {
    const count = new Map<string, number>();
    for (const t of request.topics) count.set(t.name, (count.get(t.name) ?? 0) + 1);
    const tooMany = additionalPartitions(request.topics, count, ctx) > MAX_PARTITIONS_PER_REQUEST;
    const answered = new Set<string>();
    const results: CreatePartitionsTopicResult[] = [];
    for (const t of request.topics) {
      if (answered.has(t.name)) continue;
      answered.add(t.name);
      if ((count.get(t.name) ?? 0) > 1) results.push(result(t.name, "INVALID_REQUEST", "Duplicate topic name."));
      else if (tooMany && ctx.broker.metadata.topic(t.name)) {
        results.push(result(t.name, "POLICY_VIOLATION", "Excessively large number of additional partitions per request."));
      } else results.push(await createPartitions(t, request.validateOnly, ctx));
    }
    return { throttleTimeMs: 0, results };
  },
});

/**
 * Off the quorum leader, the request goes to the active controller (controller-forwarding.ts);
 * the client's controller_mutation_rate is applied first, where the client is known (v3+ strict).
 */
export const createPartitionsHandler = withControllerMutationQuota(
  forwardedToController(localCreatePartitionsHandler, {
    writeRequest: writeCreatePartitionsRequest,
    readResponse: readCreatePartitionsResponse,
    refused: (request) => ({ throttleTimeMs: 0, results: request.topics.map((t) => result(t.name, "NOT_CONTROLLER")) }),
  }),
  {
    strictSinceVersion: 3,
    validateOnly: (request) => request.validateOnly,
    permitsOf: (request, ctx) => {
      const added = new Map<string, number>();
      for (const t of request.topics) added.set(t.name, Math.max(0, t.count - (ctx.broker.metadata.topic(t.name)?.partitions.length ?? t.count)));
      return (response) => response.results.reduce((sum, r) => sum + (r.errorCode === 0 ? (added.get(r.name) ?? 0) : 0), 0);
    },
    throttled: (request, _version, throttleTimeMs) => ({
      throttleTimeMs,
      results: [...new Set(request.topics.map((t) => t.name))].map((name) => result(name, "THROTTLING_QUOTA_EXCEEDED", "The throttling quota has been exceeded.")),
    }),
  },
);
