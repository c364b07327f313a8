// ConsumerGroupDescribe: v0 (KIP-848). Group and assignment epochs, the assignor, and each member
// with its current and target assignments (topic ids and names). A missing group, or a classic
// group, is GROUP_ID_NOT_FOUND with Kafka's message. Authorized operations, when asked, are all
// group operations (no authorizer yet).
import { errorCode } from "../protocol/errors.js";
import {
  consumerGroupDescribeRequestMeta,
  readConsumerGroupDescribeRequest,
} from "../protocol/generated/consumer-group-describe-request.gen.js";
import {
  writeConsumerGroupDescribeResponse,
  type ConsumerGroupDescribeResponse,
} from "../protocol/generated/consumer-group-describe-response.gen.js";
import { ALL_GROUP_OPERATIONS } from "./15-describe-groups.js";
import { defineHandler } from "./handler.js";

const OPERATIONS_NOT_REQUESTED = -2147483648;

export const consumerGroupDescribeHandler = defineHandler({
  meta: consumerGroupDescribeRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readConsumerGroupDescribeRequest,
  writeResponse: writeConsumerGroupDescribeResponse,
  handle(request, ctx) {
    const operations = request.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : OPERATIONS_NOT_REQUESTED;
    const response: ConsumerGroupDescribeResponse = {
      throttleTimeMs: 0,
      groups: ctx.broker.groups.consumerGroupDescribe(request.groupIds).map((g) => ({
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
        authorizedOperations: operations,
      })),
    };
    return response;
  },
});
