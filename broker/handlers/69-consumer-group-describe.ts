// ConsumerGroupDescribe: v0 (KIP-848). Group and assignment epochs, the assignor, and each member
// with its current and target assignments (topic ids and names). A missing group, or a classic
// group, is GROUP_ID_NOT_FOUND with Kafka's message. A group the principal may not DESCRIBE is
// GROUP_AUTHORIZATION_FAILED; one whose members are assigned topics it may not DESCRIBE is
// TOPIC_AUTHORIZATION_FAILED, as in Kafka. Authorized operations are filled when asked.
import { errorCode, KAFKA_ERRORS } from "../protocol/errors.js";
import {
  consumerGroupDescribeRequestMeta,
  readConsumerGroupDescribeRequest,
} from "../protocol/generated/consumer-group-describe-request.gen.js";
import {
  writeConsumerGroupDescribeResponse,
  type ConsumerGroupDescribeResponse,
} from "../protocol/generated/consumer-group-describe-response.gen.js";
import { defineHandler } from "./handler.js";
import type { DescribedConsumerGroup } from "../coordinator/group/group-admin.js";
import { AclOperation, authorizedNames, authorizedOperations, ResourceType } from "../security/authorizer/request-authorization.js";

const OPERATIONS_NOT_REQUESTED = -2147483648;

export const consumerGroupDescribeHandler = defineHandler({
  meta: consumerGroupDescribeRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readConsumerGroupDescribeRequest,
  writeResponse: writeConsumerGroupDescribeResponse,
  handle(request, ctx) {
    const operations = (groupId: string) =>
      request.includeAuthorizedOperations ? authorizedOperations(ctx, ResourceType.GROUP, groupId) : OPERATIONS_NOT_REQUESTED;
    const describable = authorizedNames(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, request.groupIds);
    const refused = (groupId: string, error: "GROUP_AUTHORIZATION_FAILED" | "TOPIC_AUTHORIZATION_FAILED", message: string) => ({
      errorCode: errorCode(error),
      errorMessage: message,
      groupId,
      groupState: "",
      groupEpoch: 0,
      assignmentEpoch: 0,
      assignorName: "",
      members: [],
      authorizedOperations: OPERATIONS_NOT_REQUESTED,
    });
    const denied = request.groupIds.filter((g) => !describable.has(g)).map((g) => refused(g, "GROUP_AUTHORIZATION_FAILED", KAFKA_ERRORS.GROUP_AUTHORIZATION_FAILED.message));
    // As Kafka: a group whose members are assigned topics the client may not describe is not shown.
    const hidesTopics = (g: DescribedConsumerGroup) => {
      const topics = g.members.flatMap((m) => [...m.assignment, ...m.targetAssignment].map((t) => t.topicName));
      return authorizedNames(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topics).size < new Set(topics).size;
    };
    const response: ConsumerGroupDescribeResponse = {
      throttleTimeMs: 0,
      groups: ctx.broker.groups.consumerGroupDescribe(request.groupIds.filter((g) => describable.has(g))).map((g) => hidesTopics(g)
        ? refused(g.groupId, "TOPIC_AUTHORIZATION_FAILED", "The described group uses topics that the client is not authorized to describe.")
        : {
        errorCode: errorCode(g.error),
        errorMessage: g.errorMessage,
        groupId: g.groupId,
        groupState: g.groupState,
        groupEpoch: g.groupEpoch,
        assignmentEpoch: g.assignmentEpoch,
        assignorName: g.assignorName,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          instanceId: m.instanceId,
          rackId: m.rackId,
          memberEpoch: m.memberEpoch,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: m.subscribedTopicNames,
          subscribedTopicRegex: m.subscribedTopicRegex,
          assignment: { topicPartitions: m.assignment },
          targetAssignment: { topicPartitions: m.targetAssignment },
        })),
        authorizedOperations: operations(g.groupId),
      }).concat(denied),
    };
    return response;
  },
});
