// OffsetFetch: v0–v9. Committed offsets (-1 with empty metadata where none). v0–v1 name every
// partition and carry errors per partition only; v2+ may ask for all of a group's offsets
// (topics null) and carry a group error; v5+ answer leader epochs; v7+ send require_stable
// (accepted: no transactional offsets are pending here yet); v8+ batch several groups; v9+ name a
// KIP-848 member and its epoch (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH). Topic ids (v10) are not in
// our specs yet.
import type { OffsetFetchInput, OffsetFetchResult } from "../coordinator/group/offsets/offset-types.js";
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { offsetFetchRequestMeta, readOffsetFetchRequest } from "../protocol/generated/offset-fetch-request.gen.js";
import {
  writeOffsetFetchResponse,
  type OffsetFetchResponse,
  type OffsetFetchResponseTopic,
} from "../protocol/generated/offset-fetch-response.gen.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { AclOperation, authorize, authorizedNames, ResourceType } from "../security/authorizer/request-authorization.js";

const GROUP_ERROR_VERSION = 2;
const BATCHED_VERSION = 8;

function topicsOf(result: OffsetFetchResult): OffsetFetchResponseTopic[] {
  return result.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      committedOffset: p.committedOffset,
      committedLeaderEpoch: p.committedLeaderEpoch,
      metadata: p.metadata,
      errorCode: errorCode(p.error),
    })),
  }));
}

/**
 * The offsets of `input` the principal may see: DESCRIBE on the group (GROUP_AUTHORIZATION_FAILED),
 * then on each topic — asked for all topics, the others are left out silently; named topics it
 * may not describe are TOPIC_AUTHORIZATION_FAILED, as in Kafka.
 */
function authorizedOffsets(input: OffsetFetchInput, ctx: RequestContext): { error: KafkaErrorName; topics: OffsetFetchResponseTopic[] } {
  if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, input.groupId)) return { error: "GROUP_AUTHORIZATION_FAILED", topics: [] };
  const { groups } = ctx.broker;
  if (input.topics === null) {
    const result = groups.fetchOffsets(input);
    const visible = authorizedNames(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, result.topics.map((t) => t.name), { logIfDenied: false });
    return { error: result.error, topics: topicsOf({ ...result, topics: result.topics.filter((t) => visible.has(t.name)) }) };
  }
  const describable = authorizedNames(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, input.topics.map((t) => t.name));
  const result = groups.fetchOffsets({ ...input, topics: input.topics.filter((t) => describable.has(t.name)) });
  const denied = input.topics
    .filter((t) => !describable.has(t.name))
    .map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: "", errorCode: errorCode("TOPIC_AUTHORIZATION_FAILED") })),
    }));
  return { error: result.error, topics: [...topicsOf(result), ...denied] };
}

export const offsetFetchHandler = defineHandler({
  meta: offsetFetchRequestMeta,
  minVersion: 0,
  maxVersion: 9,
  readRequest: readOffsetFetchRequest,
  writeResponse: writeOffsetFetchResponse,
  handle(request, ctx) {
    const v = ctx.apiVersion;
    if (v >= BATCHED_VERSION) {
      const response: OffsetFetchResponse = {
        throttleTimeMs: 0,
        topics: [],
        errorCode: 0,
        groups: request.groups.map((g) => {
          const result = authorizedOffsets(
            { groupId: g.groupId, memberId: g.memberId, memberEpoch: g.memberEpoch, topics: g.topics, requireStable: request.requireStable },
            ctx,
          );
          return { groupId: g.groupId, topics: result.topics, errorCode: errorCode(result.error) };
        }),
      };
      return response;
    }
    const result = authorizedOffsets({ groupId: request.groupId, memberId: null, memberEpoch: -1, topics: request.topics, requireStable: request.requireStable }, ctx);
    if (result.error !== "NONE" && v < GROUP_ERROR_VERSION) {
      // No group error field: every requested partition carries the error.
      const code = errorCode(result.error);
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        groups: [],
        topics: (request.topics ?? []).map((t) => ({
          name: t.name,
          partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: "", errorCode: code })),
        })),
      };
    }
    return { throttleTimeMs: 0, errorCode: errorCode(result.error), groups: [], topics: result.topics };
  },
});
