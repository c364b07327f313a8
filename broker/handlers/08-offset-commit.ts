// OffsetCommit: v0–v9. Acknowledged only once the offsets are committed in __consumer_offsets
// (on a replicated partition: every in-sync replica has them).
// v0 commits outside group management (no generation, no member); v1+ carry the generation (or,
// in v9, a KIP-848 member epoch) and member id, checked against the group (ILLEGAL_GENERATION,
// UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH); generation -1 commits for a group with no members
// (admin tools, consumers using assign()). v1 carried a per-partition commit timestamp and
// v2–v4 a retention time: the timestamp is ignored (the broker's clock is used, as in Kafka),
// an explicit retention sets the offset's expiry. v6+ carry the leader epoch, v7+ the
// group.instance.id. v9+ says GROUP_ID_NOT_FOUND for a missing group where older versions say
// ILLEGAL_GENERATION. Topic ids (v10) are not in our specs yet.
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { offsetCommitRequestMeta, readOffsetCommitRequest } from "../protocol/generated/offset-commit-request.gen.js";
import { writeOffsetCommitResponse, type OffsetCommitResponse } from "../protocol/generated/offset-commit-response.gen.js";
import { defineHandler } from "./handler.js";
import { AclOperation, authorize, authorizedNames, ResourceType } from "../security/authorizer/request-authorization.js";

export const offsetCommitHandler = defineHandler({
  meta: offsetCommitRequestMeta,
  minVersion: 0,
  maxVersion: 9,
  readRequest: readOffsetCommitRequest,
  writeResponse: writeOffsetCommitResponse,
  async handle(request, ctx) {
    // READ on the group, then READ on each topic: only authorized topics reach the coordinator.
    const failAll = (error: KafkaErrorName, topics = request.topics) =>
      topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorCode(error) })) }));
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return { throttleTimeMs: 0, topics: failAll("GROUP_AUTHORIZATION_FAILED") };
    const readable = authorizedNames(ctx, AclOperation.READ, ResourceType.TOPIC, request.topics.map((t) => t.name));
    const denied = failAll("TOPIC_AUTHORIZATION_FAILED", request.topics.filter((t) => !readable.has(t.name)));
    if (denied.length === request.topics.length && denied.length > 0) return { throttleTimeMs: 0, topics: denied };
    const result = await ctx.broker.groups.commitOffsets({
      groupId: request.groupId,
      generationIdOrMemberEpoch: request.generationIdOrMemberEpoch,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      retentionTimeMs: request.retentionTimeMs,
      apiVersion: ctx.apiVersion,
      topics: request.topics.filter((t) => readable.has(t.name)),
    });
    const response: OffsetCommitResponse = {
      throttleTimeMs: 0,
      topics: result.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorCode(p.error) })),
      })).concat(denied),
    };
    return response;
  },
});
