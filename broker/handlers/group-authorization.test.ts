// Authorization in the group APIs: with StandardAuthorizer and no ACLs, User:ANONYMOUS is refused
// (GROUP_AUTHORIZATION_FAILED, and groups it may not describe are not listed) while the super
// user User:admin is served — over the wire codecs, as the group handler tests do.
import { describe, expect, it } from "vitest";
import { exchange, groupHandlerContext } from "../coordinator/group/testing/handler-context.js";
import { startTestCoordinator } from "../coordinator/group/testing/test-coordinator.js";
import { errorCode } from "../protocol/errors.js";
import { writeDescribeGroupsRequest } from "../protocol/generated/describe-groups-request.gen.js";
import { readDescribeGroupsResponse } from "../protocol/generated/describe-groups-response.gen.js";
import { writeFindCoordinatorRequest } from "../protocol/generated/find-coordinator-request.gen.js";
import { readFindCoordinatorResponse } from "../protocol/generated/find-coordinator-response.gen.js";
import { writeHeartbeatRequest } from "../protocol/generated/heartbeat-request.gen.js";
import { readHeartbeatResponse } from "../protocol/generated/heartbeat-response.gen.js";
import { writeListGroupsRequest } from "../protocol/generated/list-groups-request.gen.js";
import { readListGroupsResponse } from "../protocol/generated/list-groups-response.gen.js";
import { writeOffsetCommitRequest } from "../protocol/generated/offset-commit-request.gen.js";
import { readOffsetCommitResponse } from "../protocol/generated/offset-commit-response.gen.js";
import { STANDARD_AUTHORIZER_CLASS } from "../security/authorizer/authorizer-settings.js";
import { userPrincipal } from "../security/principal.js";
import { offsetCommitHandler } from "./08-offset-commit.js";
import { findCoordinatorHandler } from "./10-find-coordinator.js";
import { heartbeatHandler } from "./12-heartbeat.js";
import { describeGroupsHandler } from "./15-describe-groups.js";
import { listGroupsHandler } from "./16-list-groups.js";
import { consumerGroupDescribeHandler } from "./69-consumer-group-describe.js";
import { writeConsumerGroupDescribeRequest } from "../protocol/generated/consumer-group-describe-request.gen.js";
import { readConsumerGroupDescribeResponse } from "../protocol/generated/consumer-group-describe-response.gen.js";
import type { AclBinding } from "../metadata/metadata-image.js";
import type { Uuid } from "../protocol/primitives.js";
import { AclOperation, PatternType, PermissionType, ResourceType } from "../security/authorizer/acl-codes.js";
import { StandardAuthorizer } from "../security/authorizer/standard-authorizer.js";
import type { RequestContext } from "./handler.js";

const SECURED = { config: { "authorizer.class.name": STANDARD_AUTHORIZER_CLASS, "super.users": "User:admin" } };

describe("group APIs with an authorizer", () => {
  it("refuse a principal without group ACLs and serve a super user", async () => {
    const t = await startTestCoordinator();
    const commit = {
      groupId: "g",
      generationIdOrMemberEpoch: -1,
      memberId: "",
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }],
    };
    const admin = (apiKey: number, version: number) => {
      const ctx = groupHandlerContext(t, apiKey, version, SECURED);
      ctx.connection.session.principal = userPrincipal("admin");
      return ctx;
    };
    const anonymous = (apiKey: number, version: number) => groupHandlerContext(t, apiKey, version, SECURED);

    const denied = await exchange(offsetCommitHandler, anonymous(8, 9), writeOffsetCommitRequest, readOffsetCommitResponse, commit);
    expect(denied.topics[0]!.partitions[0]!.errorCode).toBe(errorCode("GROUP_AUTHORIZATION_FAILED"));
    const committed = await exchange(offsetCommitHandler, admin(8, 9), writeOffsetCommitRequest, readOffsetCommitResponse, commit);
    expect(committed.topics[0]!.partitions[0]!.errorCode).toBe(0);

    const heartbeat = await exchange(heartbeatHandler, anonymous(12, 4), writeHeartbeatRequest, readHeartbeatResponse, { groupId: "g", generationId: 1, memberId: "m", groupInstanceId: null });
    expect(heartbeat.errorCode).toBe(errorCode("GROUP_AUTHORIZATION_FAILED"));

    const find = await exchange(findCoordinatorHandler, anonymous(10, 3), writeFindCoordinatorRequest, readFindCoordinatorResponse, { key: "g", keyType: 0, coordinatorKeys: [] });
    expect(find.errorCode).toBe(errorCode("GROUP_AUTHORIZATION_FAILED"));
    const findTx = await exchange(findCoordinatorHandler, anonymous(10, 3), writeFindCoordinatorRequest, readFindCoordinatorResponse, { key: "tx", keyType: 1, coordinatorKeys: [] });
    expect(findTx.errorCode).toBe(errorCode("TRANSACTIONAL_ID_AUTHORIZATION_FAILED"));

    const described = await exchange(describeGroupsHandler, anonymous(15, 5), writeDescribeGroupsRequest, readDescribeGroupsResponse, { groups: ["g"], includeAuthorizedOperations: true });
    expect(described.groups[0]).toMatchObject({ groupId: "g", errorCode: errorCode("GROUP_AUTHORIZATION_FAILED") });
    const describedByAdmin = await exchange(describeGroupsHandler, admin(15, 5), writeDescribeGroupsRequest, readDescribeGroupsResponse, { groups: ["g"], includeAuthorizedOperations: true });
    expect(describedByAdmin.groups[0]).toMatchObject({ groupId: "g", errorCode: 0, authorizedOperations: (1 << 3) | (1 << 6) | (1 << 8) });

    const listed = await exchange(listGroupsHandler, anonymous(16, 5), writeListGroupsRequest, readListGroupsResponse, { statesFilter: [], typesFilter: [] });
    expect(listed.groups).toEqual([]);
    const listedByAdmin = await exchange(listGroupsHandler, admin(16, 5), writeListGroupsRequest, readListGroupsResponse, { statesFilter: [], typesFilter: [] });
    expect(listedByAdmin.groups.map((g) => g.groupId)).toEqual(["g"]);
  });

  it("ConsumerGroupDescribe hides a group whose members are assigned topics the client may not describe", async () => {
    const t = await startTestCoordinator();
    await t.coordinator.consumerGroupHeartbeat({
      groupId: "g", memberId: "m1", memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 1000,
      subscribedTopicNames: ["payments"], subscribedTopicRegex: null, serverAssignor: "range", topicPartitions: [], clientId: "c", clientHost: "/h",
    });
    const binding = (id: string, resourceType: number, resourceName: string): AclBinding => ({
      id: id as Uuid, resourceType, resourceName, patternType: PatternType.LITERAL, principal: "User:carol", host: "*", operation: AclOperation.DESCRIBE, permissionType: PermissionType.ALLOW,
    });
    const image = { acls: new Map<Uuid, AclBinding>(), aclsVersion: 1 };
    const asCarol = (): RequestContext => {
      const ctx = groupHandlerContext(t, 69, 0, SECURED);
      ctx.connection.session.principal = userPrincipal("carol");
      return { ...ctx, broker: { ...ctx.broker, authorizer: new StandardAuthorizer(image, { enabled: true, superUsers: new Set(), allowEveryoneIfNoAclFound: false }) } };
    };
    const describeG = () => exchange(consumerGroupDescribeHandler, asCarol(), writeConsumerGroupDescribeRequest, readConsumerGroupDescribeResponse, { groupIds: ["g"], includeAuthorizedOperations: false });
    expect((await describeG()).groups[0]!.errorCode).toBe(errorCode("GROUP_AUTHORIZATION_FAILED"));
    image.acls.set("a1" as Uuid, binding("a1", ResourceType.GROUP, "g"));
    image.aclsVersion++;
    expect((await describeG()).groups[0]).toMatchObject({ errorCode: errorCode("TOPIC_AUTHORIZATION_FAILED"), members: [] });
    image.acls.set("a2" as Uuid, binding("a2", ResourceType.TOPIC, "payments"));
    image.aclsVersion++;
    expect((await describeG()).groups[0]).toMatchObject({ errorCode: 0, groupId: "g", members: [expect.objectContaining({ memberId: "m1" })] });
  });
});
