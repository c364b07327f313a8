import { describe, expect, it } from "vitest";
import type { Uuid } from "../../../../protocol/primitives.js";
import { StaticTopics } from "../../testing/static-topics.js";
import { EMPTY_ASSIGNMENT, partitionCount, type Assignment } from "../assignment.js";
import type { AssignmentMemberSpec, GroupSpec, ServerAssignor } from "./assignor.js";
import { serverAssignors } from "./assignors.js";
import { RangeAssignor } from "./range-assignor.js";
import { UniformAssignor } from "./uniform-assignor.js";

const topics = new StaticTopics({ a: 6, b: 4, c: 3 });
const id = (name: string): Uuid => topics.id(name);

function spec(members: Record<string, { topics: string[]; current?: Assignment }>): GroupSpec {
  const specs: AssignmentMemberSpec[] = Object.entries(members).map(([memberId, m]) => ({
    memberId,
    instanceId: null,
    rackId: null,
    subscribedTopicIds: new Set(m.topics.map(id)),
    currentAssignment: m.current ?? EMPTY_ASSIGNMENT,
  }));
  const all = new Map([...topics.all()].map((t) => [t.topicId, t]));
  return { members: specs, topics: all };
}

function partitionsOf(a: Assignment | undefined, topic: string): number[] {
  return [...(a?.get(id(topic)) ?? [])].sort((x, y) => x - y);
}

/** Every subscribed partition is assigned exactly once, and only to a subscriber. */
function expectComplete(s: GroupSpec, result: Map<string, Assignment>): void {
  const seen = new Set<string>();
  for (const m of s.members) {
    for (const [topicId, ps] of result.get(m.memberId) ?? []) {
      expect(m.subscribedTopicIds.has(topicId)).toBe(true);
      for (const p of ps) {
        const key = `${topicId}:${p}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
  }
  const subscribed = new Set(s.members.flatMap((m) => [...m.subscribedTopicIds]));
  let expected = 0;
  for (const t of subscribed) expected += s.topics.get(t)!.numPartitions;
  expect(seen.size).toBe(expected);
}

describe("uniform assignor", () => {
  const uniform: ServerAssignor = new UniformAssignor();

  it("balances identical subscriptions to within one partition", () => {
    const s = spec({ m1: { topics: ["a", "b", "c"] }, m2: { topics: ["a", "b", "c"] }, m3: { topics: ["a", "b", "c"] } });
    const result = uniform.assign(s);
    expectComplete(s, result);
    expect([...result.values()].map(partitionCount).sort()).toEqual([4, 4, 5]);
  });

  it("is sticky: a new member takes only its share from the others", () => {
    const first = spec({ m1: { topics: ["a"] }, m2: { topics: ["a"] } });
    const before = uniform.assign(first);
    const s = spec({
      m1: { topics: ["a"], current: before.get("m1")! },
      m2: { topics: ["a"], current: before.get("m2")! },
      m3: { topics: ["a"] },
    });
    const after = uniform.assign(s);
    expectComplete(s, after);
    expect([...after.values()].map(partitionCount)).toEqual([2, 2, 2]);
    for (const m of ["m1", "m2"]) {
      const kept = partitionsOf(after.get(m), "a").filter((p) => partitionsOf(before.get(m), "a").includes(p));
      expect(kept).toHaveLength(2);
    }
  });

  it("keeps everything when nothing changes", () => {
    const first = spec({ m1: { topics: ["a", "b"] }, m2: { topics: ["a", "b"] } });
    const before = uniform.assign(first);
    const again = uniform.assign(spec({ m1: { topics: ["a", "b"], current: before.get("m1")! }, m2: { topics: ["a", "b"], current: before.get("m2")! } }));
    expect(again).toEqual(before);
  });

  it("gives members only topics they subscribe to, balancing what it can", () => {
    const s = spec({ m1: { topics: ["a"] }, m2: { topics: ["a", "b"] }, m3: { topics: ["b", "c"] } });
    const result = uniform.assign(s);
    expectComplete(s, result);
    const counts = [...result.values()].map(partitionCount);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it("drops partitions of topics that no longer exist or are unsubscribed", () => {
    const current = new Map([[id("a"), new Set([0, 1, 2, 3, 4, 5])], [id("b"), new Set([0])]]);
    const s = spec({ m1: { topics: ["a"], current } });
    const result = uniform.assign(s);
    expect(partitionsOf(result.get("m1"), "a")).toEqual([0, 1, 2, 3, 4, 5]);
    expect(partitionsOf(result.get("m1"), "b")).toEqual([]);
  });
});

describe("range assignor", () => {
  const range: ServerAssignor = new RangeAssignor();

  it("gives each subscriber a contiguous range per topic, co-partitioned", () => {
    const s = spec({ m1: { topics: ["a", "b"] }, m2: { topics: ["a", "b"] }, m3: { topics: ["a", "b"] } });
    const result = range.assign(s);
    expectComplete(s, result);
    expect(partitionsOf(result.get("m1"), "a")).toEqual([0, 1]);
    expect(partitionsOf(result.get("m2"), "a")).toEqual([2, 3]);
    expect(partitionsOf(result.get("m3"), "a")).toEqual([4, 5]);
    expect(partitionsOf(result.get("m1"), "b")).toEqual([0, 1]);
    expect(partitionsOf(result.get("m2"), "b")).toEqual([2]);
    expect(partitionsOf(result.get("m3"), "b")).toEqual([3]);
  });

  it("assigns each topic among its own subscribers", () => {
    const s = spec({ m1: { topics: ["a"] }, m2: { topics: ["a", "c"] } });
    const result = range.assign(s);
    expectComplete(s, result);
    expect(partitionsOf(result.get("m2"), "c")).toEqual([0, 1, 2]);
    expect(partitionsOf(result.get("m1"), "a")).toEqual([0, 1, 2]);
  });

  it("keeps previous partitions up to each member's share", () => {
    const s = spec({
      m1: { topics: ["a"], current: new Map([[id("a"), new Set([3, 4, 5])]]) },
      m2: { topics: ["a"], current: new Map([[id("a"), new Set([0, 1, 2])]]) },
      m3: { topics: ["a"] },
    });
    const result = range.assign(s);
    expectComplete(s, result);
    expect(partitionsOf(result.get("m1"), "a")).toEqual([3, 4]);
    expect(partitionsOf(result.get("m2"), "a")).toEqual([0, 1]);
    expect(partitionsOf(result.get("m3"), "a")).toEqual([2, 5]);
  });
});

describe("assignor configuration", () => {
  it("accepts names and Kafka class names, first is the default", () => {
    const assignors = serverAssignors(["org.apache.kafka.coordinator.group.assignor.RangeAssignor", "uniform"]);
    expect([...assignors.keys()]).toEqual(["range", "uniform"]);
    expect(() => serverAssignors(["sticky"])).toThrow(/unknown server assignor/);
  });
});
