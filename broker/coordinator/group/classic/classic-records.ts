// A classic group's GroupMetadata record: a snapshot of generation, protocol, leader and members
// with their subscription (metadata of the chosen protocol) and assignment. Written when a
// generation's assignment is known, when the group empties, and when a static member is replaced.
import type { GroupMetadataValue } from "../../../protocol/generated/coordinator/group-metadata-value.gen.js";
import type { CoordinatorRecord } from "../records/coordinator-record.js";
import { ClassicGroup } from "./classic-group.js";
import { ClassicMember } from "./classic-member.js";
import { EMPTY_BYTES } from "./classic-results.js";

export function groupMetadataRecord(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): CoordinatorRecord {
  const protocol = group.protocolName;
  return {
    kind: "groupMetadata",
    groupId: group.groupId,
    value: {
      protocolType: group.protocolType ?? "",
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: BigInt(group.currentStateTimestamp ?? -1),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: protocol === null ? EMPTY_BYTES : m.metadata(protocol),
        assignment: assignment.get(m.memberId) ?? EMPTY_BYTES,
      })),
    },
  };
}

/** The record of a group that has no members and no protocol yet. */
export function emptyGroupMetadataRecord(group: ClassicGroup): CoordinatorRecord {
  return {
    kind: "groupMetadata",
    groupId: group.groupId,
    value: {
      protocolType: group.protocolType ?? "",
      generation: 0,
      protocol: null,
      leader: null,
      currentStateTimestamp: BigInt(group.currentStateTimestamp ?? -1),
      members: [],
    },
  };
}

/** Rebuilds a group from its record: Stable with its members, or Empty; members must heartbeat again. */
export function classicGroupFromRecord(groupId: string, value: GroupMetadataValue, now: () => number): ClassicGroup {
  const group = new ClassicGroup(groupId, now, {
    state: value.members.length === 0 ? "Empty" : "Stable",
    generationId: value.generation,
    protocolType: value.protocolType === "" ? null : value.protocolType,
    protocolName: value.protocol,
    leaderId: value.leader,
    currentStateTimestamp: value.currentStateTimestamp === -1n ? null : Number(value.currentStateTimestamp),
  });
  for (const m of value.members) {
    const member = new ClassicMember(
      m.memberId,
      m.groupInstanceId,
      m.clientId,
      m.clientHost,
      m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout,
      m.sessionTimeout,
      value.protocolType,
      [{ name: value.protocol ?? "", metadata: m.subscription }],
    );
    member.assignment = m.assignment;
    group.add(member);
  }
  group.subscribedTopics = group.computeSubscribedTopics();
  return group;
}
