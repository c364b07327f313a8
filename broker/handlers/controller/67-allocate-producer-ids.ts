// AllocateProducerIds: v0 (KIP-730). A broker asks the active controller for a block of producer
// ids for its idempotent producers; the block is recorded in the metadata log (ProducerIdsRecord)
// so no id is ever handed out twice, whichever node becomes controller next.
import { errorCode } from "../../protocol/errors.js";
import { allocateProducerIdsRequestMeta, readAllocateProducerIdsRequest } from "../../protocol/generated/allocate-producer-ids-request.gen.js";
import { writeAllocateProducerIdsResponse, type AllocateProducerIdsResponse } from "../../protocol/generated/allocate-producer-ids-response.gen.js";
import { defineHandler } from "../handler.js";
import { authorizeApiOnCluster } from "../../security/authorizer/api-authorization.js";

export const allocateProducerIdsHandler = defineHandler({
  meta: allocateProducerIdsRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readAllocateProducerIdsRequest,
  writeResponse: writeAllocateProducerIdsResponse,
  async handle(request, ctx): Promise<AllocateProducerIdsResponse> {
    if (!authorizeApiOnCluster(ctx)) return { throttleTimeMs: 0, errorCode: errorCode("CLUSTER_AUTHORIZATION_FAILED"), producerIdStart: -1n, producerIdLen: 0 };
    const controller = ctx.broker.controller;
    if (!controller) return { throttleTimeMs: 0, errorCode: errorCode("NOT_CONTROLLER"), producerIdStart: -1n, producerIdLen: 0 };
    const r = await controller.allocateProducerIds(request.brokerId, request.brokerEpoch);
    return { throttleTimeMs: 0, errorCode: errorCode(r.error), producerIdStart: r.firstId, producerIdLen: Number(r.size) };
  },
});
