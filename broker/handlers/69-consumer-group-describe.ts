// ConsumerGroupDescribe: v0 (KIP-848). Group and assignment epochs, the assignor, and each member
// with its current and target assignments (topic ids and names). A missing group, or a classic
// group, is GROUP_ID_NOT_FOUND with Kafka's message. A group the principal may not DESCRIBE is
// GROUP_AUTHORIZATION_FAILED. Authorized operations are filled when asked.
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
    const denied = request.groupIds
      .filter((g) => !describable.has(g))
      .map((groupId) => ({
        errorCode: errorCode("GROUP_AUTHORIZATION_FAILED"),
        errorMessage: KAFKA_ERRORS.GROUP_AUTHORIZATION_FAILED.message,
        groupId,
        groupState: "",
        groupEpoch: 0,
        assignmentEpoch: 0,
        assignorName: "",
        members: [],
        authorizedOperations: OPERATIONS_NOT_REQUESTED,
      }));
    const response: ConsumerGroupDescribeResponse = {
      throttleTimeMs: 0,
      groups: ctx.broker.groups.consumerGroupDescribe(request.groupIds.filter((g) => describable.has(g))).map((g) => ({
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
      })).concat(denied),
    };
    return response;
  },
});
