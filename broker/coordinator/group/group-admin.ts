// Group administration: ListGroups, DescribeGroups, ConsumerGroupDescribe and DeleteGroups, across
// both group types, plus removing a group from memory with the records that delete it.
import type { Logger } from "pino";
import type { Uuid } from "../../protocol/primitives.js";
import type { ClassicRebalancer } from "./classic/classic-rebalance.js";
import { EMPTY_BYTES } from "./classic/classic-results.js";
import type { Assignment } from "./consumer/assignment.js";
import type { ConsumerMembership } from "./consumer/consumer-membership.js";
import { GroupError, groupErrorOf, type GroupErrorName } from "./group-errors.js";
import type { AnyGroup, GroupRegistry } from "./group-registry.js";
import type { GroupTopics } from "./group-topics.js";
import type { OffsetManager } from "./offsets/offset-manager.js";
import type { CoordinatorRecord } from "./records/coordinator-record.js";

export interface ListedGroup {
  readonly groupId: string;
  readonly protocolType: string;
  readonly groupState: string;
  readonly groupType: string;
}

export interface DescribedClassicGroup {
  readonly groupId: string;
  readonly error: GroupErrorName;
  readonly groupState: string;
  readonly protocolType: string;
  readonly protocolData: string;
  readonly members: readonly {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    memberMetadata: Buffer;
    memberAssignment: Buffer;
  }[];
}

export interface DescribedTopicPartitions {
  readonly topicId: Uuid;
  readonly topicName: string;
  readonly partitions: number[];
}

export interface DescribedConsumerGroup {
  readonly groupId: string;
  readonly error: GroupErrorName;
  readonly errorMessage: string | null;
  readonly groupState: string;
  readonly groupEpoch: number;
  readonly assignmentEpoch: number;
  readonly assignorName: string;
  readonly members: readonly {
    memberId: string;
    instanceId: string | null;
    rackId: string | null;
    memberEpoch: number;
    clientId: string;
    clientHost: string;
    subscribedTopicNames: string[];
    subscribedTopicRegex: string | null;
    assignment: DescribedTopicPartitions[];
    targetAssignment: DescribedTopicPartitions[];
  }[];
}

export interface GroupAdminContext {
  readonly registry: GroupRegistry;
  readonly offsets: OffsetManager;
  readonly classic: ClassicRebalancer;
  readonly consumer: ConsumerMembership;
  readonly topics: GroupTopics;
  readonly defaultAssignor: string;
  readonly log: Logger;
}

export class GroupAdmin {
  constructor(private readonly ctx: GroupAdminContext) {}

  /** Filters compare case-insensitively, as Kafka 4 does; empty filters match everything. */
  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroup[] {
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(typesFilter.map((s) => s.toLowerCase()));
    const out: ListedGroup[] = [];
    for (const group of this.ctx.registry.all()) {
      if (group.isDead()) continue;
      const state = group.stateName();
      if (states.size > 0 && !states.has(state.toLowerCase())) continue;
      if (types.size > 0 && !types.has(group.type)) continue;
      out.push({ groupId: group.groupId, protocolType: group.listedProtocolType(), groupState: state, groupType: group.type });
    }
    return out;
  }

  /** A missing group, or one of the consumer type, describes as Dead with no error (as Kafka before DescribeGroups v6). */
  describeGroups(groupIds: readonly string[]): DescribedClassicGroup[] {
    return groupIds.map((groupId) => {
      const group = this.ctx.registry.get(groupId);
      if (group?.type !== "classic" || group.isDead()) {
        return { groupId, error: "NONE", groupState: "Dead", protocolType: "", protocolData: "", members: [] };
      }
      const stable = group.is("Stable");
      const protocol = group.protocolName ?? "";
      return {
        groupId,
        error: "NONE",
        groupState: group.state,
        protocolType: group.protocolType ?? "",
        // Metadata and assignments are only meaningful once the generation is stable.
        protocolData: stable ? protocol : "",
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable ? m.metadata(protocol) : EMPTY_BYTES,
          memberAssignment: stable ? m.assignment : EMPTY_BYTES,
        })),
      };
    });
  }

  consumerGroupDescribe(groupIds: readonly string[]): DescribedConsumerGroup[] {
    return groupIds.map((groupId) => {
      const group = this.ctx.registry.get(groupId);
      const notFound = (message: string): DescribedConsumerGroup => ({
        groupId,
        error: "GROUP_ID_NOT_FOUND",
        errorMessage: message,
        groupState: "",
        groupEpoch: -1,
        assignmentEpoch: -1,
        assignorName: "",
        members: [],
      });
      if (!group || group.isDead()) return notFound(`Group ${groupId} not found.`);
      if (group.type !== "consumer") return notFound(`Group ${groupId} is not a consumer group.`);
      return {
        groupId,
        error: "NONE",
        errorMessage: null,
        groupState: group.state(),
        groupEpoch: group.groupEpoch,
        assignmentEpoch: group.assignmentEpoch,
        assignorName: group.preferredServerAssignor() ?? this.ctx.defaultAssignor,
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          instanceId: m.instanceId,
          rackId: m.rackId,
          memberEpoch: m.memberEpoch,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: [...m.subscribedTopicNames],
          subscribedTopicRegex: m.subscribedTopicRegex,
          assignment: this.describeAssignment(m.assignedPartitions),
          targetAssignment: this.describeAssignment(group.targetAssignmentOf(m.memberId)),
        })),
      };
    });
  }

  private describeAssignment(a: Assignment): DescribedTopicPartitions[] {
    const out: DescribedTopicPartitions[] = [];
    for (const [topicId, partitions] of a) {
      const topic = this.ctx.topics.byId(topicId);
      if (topic) out.push({ topicId, topicName: topic.name, partitions: [...partitions].sort((x, y) => x - y) });
    }
    return out;
  }

  async deleteGroups(groupIds: readonly string[]): Promise<{ groupId: string; error: GroupErrorName }[]> {
    return Promise.all(
      groupIds.map(async (groupId) => {
        const group = this.ctx.registry.get(groupId);
        try {
          if (!group) throw new GroupError("GROUP_ID_NOT_FOUND");
          group.validateDeleteGroup();
        } catch (err) {
          return { groupId, error: groupErrorOf(err) };
        }
        const error = await this.ctx.offsets.write(groupId, this.detach(group));
        if (error === "NONE") this.ctx.log.info({ groupId }, "group deleted");
        return { groupId, error };
      }),
    );
  }

  /** Takes an empty group out of memory; returns the records deleting it and its offsets from the log. */
  detach(group: AnyGroup): CoordinatorRecord[] {
    const records: CoordinatorRecord[] = [...this.ctx.offsets.tombstonesFor(group.groupId), ...group.tombstones()];
    if (group.type === "classic") this.ctx.classic.shutdown(group, "COORDINATOR_NOT_AVAILABLE");
    else for (const memberId of group.members.keys()) this.ctx.consumer.cancelTimers(group.groupId, memberId);
    group.markDead();
    if (this.ctx.registry.get(group.groupId) === group) this.ctx.registry.delete(group.groupId);
    return records;
  }
}
