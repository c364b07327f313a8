// Requests the coordinator tests send again and again.
import type { JoinGroupInput } from "../classic/classic-join.js";
import type { ConsumerHeartbeatInput } from "../consumer/consumer-heartbeat.js";
import type { OffsetCommitInput } from "../offsets/offset-types.js";
import { subscription } from "./consumer-protocol.js";

/** An OffsetCommit of one partition from outside group management (as admin tools commit). */
export function standaloneCommit(
  groupId: string,
  topic: string,
  partitionIndex: number,
  committedOffset: bigint,
  opts: { leaderEpoch?: number; metadata?: string | null } = {},
): OffsetCommitInput {
  return {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: "",
    groupInstanceId: null,
    retentionTimeMs: -1n,
    apiVersion: 9,
    topics: [{ name: topic, partitions: [{ partitionIndex, committedOffset, committedLeaderEpoch: opts.leaderEpoch ?? -1, committedMetadata: opts.metadata ?? null }] }],
  };
}

/** A KIP-848 member's first heartbeat (epoch 0), subscribed to "orders". */
export function joiningConsumer(groupId: string, memberId: string): ConsumerHeartbeatInput {
  return {
    groupId,
    memberId,
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 10_000,
    subscribedTopicNames: ["orders"],
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: [],
    clientId: "c",
    clientHost: "/127.0.0.1",
  };
}

/** A classic consumer's JoinGroup with the range assignor, subscribed to "orders". */
export function classicJoin(groupId: string, memberId = ""): JoinGroupInput {
  return {
    groupId,
    memberId,
    groupInstanceId: null,
    protocolType: "consumer",
    protocols: [{ name: "range", metadata: subscription(["orders"]) }],
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    clientId: "c",
    clientHost: "/127.0.0.1",
    requireKnownMemberId: false,
    supportsSkipAssignment: true,
    reason: null,
  };
}
