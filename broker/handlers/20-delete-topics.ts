// DeleteTopics: v1–v6 (v0 was dropped in Kafka 4; KafkaJS 2.2.4 and librdkafka 2.x send v1).
// Topics by name; v6+ by name or by id (not both in one entry). As KRaft's controller does:
// a name or id given twice is INVALID_REQUEST ("Duplicate topic name." / "Duplicate topic id."),
// an entry with neither or both is INVALID_REQUEST, a name and an id naming the same topic is
// INVALID_REQUEST, unknown names are UNKNOWN_TOPIC_OR_PARTITION and unknown ids UNKNOWN_TOPIC_ID.
// With delete.topic.enable=false every topic fails with TOPIC_DELETION_DISABLED (v3+) or
// INVALID_REQUEST (older), as Kafka does.
// Internal topics (__consumer_offsets, __transaction_state) are refused with
// INVALID_TOPIC_EXCEPTION. Kafka's controller would delete them, losing every group's offsets;
// its own tool (kafka-topics.sh) refuses, and we refuse at the broker so that no client can.
// Results keep request order (Kafka shuffles them to hide which topics exist from unauthorized
// callers; without an authorizer there is nothing to hide).
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { deleteTopicsRequestMeta, readDeleteTopicsRequest, writeDeleteTopicsRequest } from "../protocol/generated/delete-topics-request.gen.js";
import {
  writeDeleteTopicsResponse,
  type DeletableTopicResult,
  type DeleteTopicsResponse,
  readDeleteTopicsResponse,
} from "../protocol/generated/delete-topics-response.gen.js";
import { ZERO_UUID, type Uuid } from "../protocol/primitives.js";
import type { TopicImage } from "../metadata/metadata-image.js";
import { isInternalTopic } from "../metadata/topic-names.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { withControllerMutationQuota } from "../security/quotas/controller-mutation-quota.js";
import { AclOperation, authorize, ResourceType } from "../security/authorizer/request-authorization.js";

const TOPIC_IDS_VERSION = 6;

function result(name: string | null, topicId: Uuid, error: KafkaErrorName, message: string | null = null): DeletableTopicResult {
  return { name, topicId, errorCode: errorCode(error), errorMessage: message };
}

/** One entry of the request, resolved: an answer already known, or a topic to delete. */
type Entry = { kind: "answer"; result: DeletableTopicResult } | { kind: "delete"; topic: TopicImage; byId: boolean };

async function deleteOne(ctx: RequestContext, topic: TopicImage, byId: boolean): Promise<DeletableTopicResult> {
  // DELETE on the topic; Kafka answers an unauthorized id without its name.
  if (!authorize(ctx, AclOperation.DELETE, ResourceType.TOPIC, topic.name)) return result(byId ? null : topic.name, topic.topicId, "TOPIC_AUTHORIZATION_FAILED");
  if (isInternalTopic(topic.name)) {
    return result(
      topic.name,
      topic.topicId,
      "INVALID_TOPIC_EXCEPTION",
      `Topic ${topic.name} is a kafka internal topic and is not allowed to be marked for deletion.`,
    );
  }
  // Another connection may have deleted it while this request awaited earlier deletions.
  if (!ctx.broker.metadata.topicById(topic.topicId)) return result(topic.name, topic.topicId, "UNKNOWN_TOPIC_OR_PARTITION");
  await ctx.broker.topics.deleteTopic(topic);
  return result(topic.name, topic.topicId, "NONE");
}

const localDeleteTopicsHandler = defineHandler({
  meta: deleteTopicsRequestMeta,
  minVersion: 1,
  maxVersion: 6,
  readRequest: readDeleteTopicsRequest,
  writeResponse: writeDeleteTopicsResponse,
  async handle(request, ctx): Promise<DeleteTopicsResponse> {
    const { broker, apiVersion } = ctx;
    const requested: { name: string | null; topicId: Uuid }[] =
      apiVersion >= TOPIC_IDS_VERSION ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));

    if (!broker.config.deleteTopicEnable) {
      const error = apiVersion >= 3 ? "TOPIC_DELETION_DISABLED" : "INVALID_REQUEST";
      return { throttleTimeMs: 0, responses: requested.map((t) => result(t.name, t.topicId, error)) };
    }

    const count = new Map<string, number>();
    const keyOf = (t: { name: string | null; topicId: Uuid }) => (t.name === null ? `id:${t.topicId}` : `name:${t.name}`);
    for (const t of requested) count.set(keyOf(t), (count.get(keyOf(t)) ?? 0) + 1);

    const entries: Entry[] = [];
    const answeredDuplicates = new Set<string>();
    for (const t of requested) {
      const answer = (r: DeletableTopicResult) => entries.push({ kind: "answer", result: r });
      if (t.name !== null && t.topicId !== ZERO_UUID) {
        answer(result(t.name, t.topicId, "INVALID_REQUEST", "You may not specify both topic name and topic id."));
        continue;
      }
      if (t.name === null && t.topicId === ZERO_UUID) {
        answer(result(null, ZERO_UUID, "INVALID_REQUEST", "Neither topic name nor id were specified."));
        continue;
      }
      const key = keyOf(t);
      if ((count.get(key) ?? 0) > 1) {
        // Kafka keeps duplicates in a set: one answer per duplicated name or id.
        if (!answeredDuplicates.has(key)) {
          answeredDuplicates.add(key);
          answer(t.name === null ? result(null, t.topicId, "INVALID_REQUEST", "Duplicate topic id.") : result(t.name, ZERO_UUID, "INVALID_REQUEST", "Duplicate topic name."));
        }
        continue;
      }
      if (t.name === null) {
        const topic = broker.metadata.topicById(t.topicId);
        if (topic) entries.push({ kind: "delete", topic, byId: true });
        else answer(result(null, t.topicId, "UNKNOWN_TOPIC_ID"));
      } else {
        const topic = broker.metadata.topic(t.name);
        if (topic) entries.push({ kind: "delete", topic, byId: false });
        // Whether a topic exists is told only to who may delete it.
        else if (!authorize(ctx, AclOperation.DELETE, ResourceType.TOPIC, t.name)) answer(result(t.name, ZERO_UUID, "TOPIC_AUTHORIZATION_FAILED"));
        else answer(result(t.name, ZERO_UUID, "UNKNOWN_TOPIC_OR_PARTITION"));
      }
    }

    // A name that resolves to an id also given by id: Kafka refuses the pair rather than guess.
    const byIdCount = new Map<Uuid, number>();
    for (const e of entries) if (e.kind === "delete") byIdCount.set(e.topic.topicId, (byIdCount.get(e.topic.topicId) ?? 0) + 1);

    const responses: DeletableTopicResult[] = [];
    for (const e of entries) {
      if (e.kind === "answer") responses.push(e.result);
      else if ((byIdCount.get(e.topic.topicId) ?? 0) > 1) {
        responses.push(
          result(e.byId ? null : e.topic.name, e.topic.topicId, "INVALID_REQUEST", "The provided topic name maps to an ID that was already supplied."),
        );
      } else responses.push(await deleteOne(ctx, e.topic, e.byId));
    }
    return { throttleTimeMs: 0, responses };
  },
});

/**
 * Off the quorum leader, the request goes to the active controller (controller-forwarding.ts);
 * the client's controller_mutation_rate is applied first, where the client is known (v5+ strict).
 */
export const deleteTopicsHandler = withControllerMutationQuota(
  forwardedToController(localDeleteTopicsHandler, {
    writeRequest: writeDeleteTopicsRequest,
    readResponse: readDeleteTopicsResponse,
    refused: (request, version) => ({
      throttleTimeMs: 0,
      responses: (version >= TOPIC_IDS_VERSION ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }))).map((t) =>
        result(t.name, t.topicId, "NOT_CONTROLLER"),
      ),
    }),
  }),
  {
    strictSinceVersion: 5,
    validateOnly: () => false,
    permitsOf: (_request, ctx) => {
      // Sizes now: once deleted, a topic is gone from the image.
      const sizes = new Map<string, number>();
      for (const t of ctx.broker.metadata.image.topicsByName.values()) sizes.set(t.name, t.partitions.length);
      return (response) => response.responses.reduce((sum, r) => sum + (r.errorCode === 0 && r.name !== null ? (sizes.get(r.name) ?? 0) : 0), 0);
    },
    throttled: (request, version, throttleTimeMs) => ({
      throttleTimeMs,
      responses: (version >= TOPIC_IDS_VERSION ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }))).map((t) =>
        result(t.name, t.topicId, "THROTTLING_QUOTA_EXCEEDED", "The throttling quota has been exceeded."),
      ),
    }),
  },
);
