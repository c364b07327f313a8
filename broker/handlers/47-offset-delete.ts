// OffsetDelete: v0. Deletes committed offsets of topics the group no longer subscribes to
// (GROUP_SUBSCRIBED_TO_TOPIC otherwise); a missing group is GROUP_ID_NOT_FOUND, a non-empty group
// that does not use the consumer protocol NON_EMPTY_GROUP. Answered once the tombstones are durable.
import { errorCode } from "../protocol/errors.js";
import { offsetDeleteRequestMeta, readOffsetDeleteRequest } from "../protocol/generated/offset-delete-request.gen.js";
import { writeOffsetDeleteResponse, type OffsetDeleteResponse } from "../protocol/generated/offset-delete-response.gen.js";
import { defineHandler } from "./handler.js";
import { AclOperation, authorize, authorizedNames, ResourceType } from "../security/authorizer/request-authorization.js";

export const offsetDeleteHandler = defineHandler({
  meta: offsetDeleteRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readOffsetDeleteRequest,
  writeResponse: writeOffsetDeleteResponse,
  async handle(request, ctx) {
    // DELETE on the group (GROUP_AUTHORIZATION_FAILED), READ on each topic (TOPIC_AUTHORIZATION_FAILED per partition).
    if (!authorize(ctx, AclOperation.DELETE, ResourceType.GROUP, request.groupId)) {
      return { errorCode: errorCode("GROUP_AUTHORIZATION_FAILED"), throttleTimeMs: 0, topics: [] } satisfies OffsetDeleteResponse;
    }
    const readable = authorizedNames(ctx, AclOperation.READ, ResourceType.TOPIC, request.topics.map((t) => t.name));
    const denied = request.topics
      .filter((t) => !readable.has(t.name))
      .map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorCode("TOPIC_AUTHORIZATION_FAILED") })) }));
    const result = await ctx.broker.groups.deleteOffsets({
      groupId: request.groupId,
      topics: request.topics.filter((t) => readable.has(t.name)).map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })),
    });
    const response: OffsetDeleteResponse = {
      errorCode: errorCode(result.error),
      throttleTimeMs: 0,
      topics: [
        ...result.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorCode(p.error) })),
        })),
        ...denied,
      ],
    };
    return response;
  },
});
