// ConsumerGroupHeartbeat v0-1 (KIP-848; v1 adds SubscribedTopicRegex, resolved by the coordinator).
// Joins (epoch 0), heartbeats, and leaves (epoch -1; -2 for a static member leaving for a while) a
// consumer group whose assignment the broker computes; the answer carries the member epoch, the
// heartbeat interval and, when it changed or was asked for, the member's assignment. Errors come
// with a message, as Kafka's do.
import { errorCode, KAFKA_ERRORS } from "../protocol/errors.js";
import { clientHost } from "../coordinator/group/client-host.js";
import {
  consumerGroupHeartbeatRequestMeta,
  readConsumerGroupHeartbeatRequest,
} from "../protocol/generated/consumer-group-heartbeat-request.gen.js";
import {
  writeConsumerGroupHeartbeatResponse,
  type ConsumerGroupHeartbeatResponse,
} from "../protocol/generated/consumer-group-heartbeat-response.gen.js";
import { defineHandler } from "./handler.js";
import { AclOperation, authorize, authorizedNames, ResourceType } from "../security/authorizer/request-authorization.js";

export const consumerGroupHeartbeatHandler = defineHandler({
  meta: consumerGroupHeartbeatRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  servesUnstableLatest:
    "Kafka 4.x brokers serve v1 and librdkafka 2.1x and franz-go 1.2x refuse the consumer protocol without it; " +
    "our specs still mark it unstable",
  readRequest: readConsumerGroupHeartbeatRequest,
  writeResponse: writeConsumerGroupHeartbeatResponse,
  async handle(request, ctx) {
    // READ on the group; DESCRIBE on every subscribed topic (a client may not learn of topics it cannot describe).
    const refused = (error: "GROUP_AUTHORIZATION_FAILED" | "TOPIC_AUTHORIZATION_FAILED"): ConsumerGroupHeartbeatResponse =>
      ({ throttleTimeMs: 0, errorCode: errorCode(error), errorMessage: KAFKA_ERRORS[error].message, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null });
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) return refused("GROUP_AUTHORIZATION_FAILED");
    const subscribed = request.subscribedTopicNames ?? [];
    if (authorizedNames(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, subscribed).size < new Set(subscribed).size) return refused("TOPIC_AUTHORIZATION_FAILED");
    const result = await ctx.broker.groups.consumerGroupHeartbeat({
      groupId: request.groupId,
      memberId: request.memberId,
      memberEpoch: request.memberEpoch,
      instanceId: request.instanceId,
      rackId: request.rackId,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      subscribedTopicNames: request.subscribedTopicNames,
      subscribedTopicRegex: request.subscribedTopicRegex,
      serverAssignor: request.serverAssignor,
      topicPartitions: request.topicPartitions,
      clientId: ctx.clientId ?? "",
      clientHost: clientHost(ctx.connection.remoteAddress),
    });
    const failed = result.error !== "NONE";
    const response: ConsumerGroupHeartbeatResponse = {
      throttleTimeMs: 0,
      errorCode: errorCode(result.error),
      errorMessage: failed ? (result.errorMessage ?? KAFKA_ERRORS[result.error].message) : null,
      memberId: result.memberId,
      memberEpoch: result.memberEpoch,
      heartbeatIntervalMs: result.heartbeatIntervalMs,
      assignment: result.assignment && { topicPartitions: result.assignment.map((t) => ({ topicId: t.topicId, partitions: [...t.partitions] })) },
    };
    return response;
  },
});
