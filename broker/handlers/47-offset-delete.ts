// OffsetDelete: v0. Deletes committed offsets of topics the group no longer subscribes to
// (GROUP_SUBSCRIBED_TO_TOPIC otherwise); a missing group is GROUP_ID_NOT_FOUND, a non-empty group
// that does not use the consumer protocol NON_EMPTY_GROUP. Answered once the tombstones are durable.
import { errorCode } from "../protocol/errors.js";
import { offsetDeleteRequestMeta, readOffsetDeleteRequest } from "../protocol/generated/offset-delete-request.gen.js";
import { writeOffsetDeleteResponse, type OffsetDeleteResponse } from "../protocol/generated/offset-delete-response.gen.js";
import { defineHandler } from "./handler.js";

export const offsetDeleteHandler = defineHandler({
  meta: offsetDeleteRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readOffsetDeleteRequest,
  writeResponse: writeOffsetDeleteResponse,
  async handle(request, ctx) {
    const result = await ctx.broker.groups.deleteOffsets({
      groupId: request.groupId,
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })),
    });
    const response: OffsetDeleteResponse = {
      errorCode: errorCode(result.error),
      throttleTimeMs: 0,
      topics: result.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorCode(p.error) })),
      })),
    };
    return response;
  },
});
