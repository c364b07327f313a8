// FindCoordinator: v0–v6. Which broker coordinates a group: the leader of the group's
// __consumer_offsets partition (GroupCoordinator.coordinatorOf), at its address for the listener
// the request came in on — this broker's advertised one, or another broker's registered one. The
// first lookup creates __consumer_offsets through the controller (as Kafka's does); while it does
// not exist yet, the partition has no leader, or the leader is not a live broker reachable on this
// listener, the answer is COORDINATOR_NOT_AVAILABLE (retriable). v1+ carry a key type (0 group,
// 1 transaction, 2 share) and an error message ("NONE" on success, as Kafka writes it); v4+ batch
// several keys. Transaction coordinators do not exist yet (COORDINATOR_NOT_AVAILABLE, retriable);
// share groups are not supported (INVALID_REQUEST).
import { errorCode, KAFKA_ERRORS, type KafkaErrorName } from "../protocol/errors.js";
import { findCoordinatorRequestMeta, readFindCoordinatorRequest } from "../protocol/generated/find-coordinator-request.gen.js";
import { writeFindCoordinatorResponse, type Coordinator, type FindCoordinatorResponse } from "../protocol/generated/find-coordinator-response.gen.js";
import { advertisedEndpoint, aliveBrokers } from "./advertised-endpoint.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { AclOperation, authorize, ResourceType } from "../security/authorizer/request-authorization.js";

const BATCHED_VERSION = 4;
const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;

/** Kafka's Errors.message(): the exception's message, or the name for NONE. */
function message(error: KafkaErrorName): string {
  return error === "NONE" ? "NONE" : KAFKA_ERRORS[error].message;
}

async function coordinatorFor(key: string, keyType: number, ctx: RequestContext): Promise<Coordinator> {
  const refused = (error: KafkaErrorName): Coordinator => ({ key, nodeId: -1, host: "", port: -1, errorCode: errorCode(error), errorMessage: message(error) });
  if (keyType === KEY_TYPE_TRANSACTION) {
    if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key)) return refused("TRANSACTIONAL_ID_AUTHORIZATION_FAILED");
    return refused("COORDINATOR_NOT_AVAILABLE");
  }
  if (keyType !== KEY_TYPE_GROUP) return refused("INVALID_REQUEST");
  if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, key)) return refused("GROUP_AUTHORIZATION_FAILED");
  const location = await ctx.broker.groups.coordinatorOf(key);
  switch (location.kind) {
    case "unavailable":
      ctx.log.debug({ groupId: key, reason: location.reason }, "group coordinator not available");
      return refused("COORDINATOR_NOT_AVAILABLE");
    case "local": {
      const { host, port } = advertisedEndpoint(ctx);
      return { key, nodeId: ctx.broker.nodeId, host, port, errorCode: 0, errorMessage: message("NONE") };
    }
    case "remote": {
      // Kafka's getPartitionLeaderEndpoint: the leader's endpoint on this request's listener.
      const leader = aliveBrokers(ctx).find((b) => b.id === location.nodeId);
      if (!leader) return refused("COORDINATOR_NOT_AVAILABLE");
      return { key, nodeId: leader.id, host: leader.host, port: leader.port, errorCode: 0, errorMessage: message("NONE") };
    }
  }
}

export const findCoordinatorHandler = defineHandler({
  meta: findCoordinatorRequestMeta,
  minVersion: 0,
  maxVersion: 6,
  readRequest: readFindCoordinatorRequest,
  writeResponse: writeFindCoordinatorResponse,
  async handle(request, ctx): Promise<FindCoordinatorResponse> {
    if (ctx.apiVersion >= BATCHED_VERSION) {
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        nodeId: 0,
        host: "",
        port: 0,
        coordinators: await Promise.all(request.coordinatorKeys.map((key) => coordinatorFor(key, request.keyType, ctx))),
      };
    }
    const c = await coordinatorFor(request.key, request.keyType, ctx);
    return { throttleTimeMs: 0, errorCode: c.errorCode, errorMessage: c.errorMessage, nodeId: c.nodeId, host: c.host, port: c.port, coordinators: [] };
  },
});
