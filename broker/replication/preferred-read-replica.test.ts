import { describe, expect, it } from "vitest";
import { preferredReadReplica } from "./preferred-read-replica.js";

describe("preferred read replica (KIP-392)", () => {
  const leader = { id: 1, rack: "a" };
  const followers = [
    { id: 2, rack: "b", logEnd: 90n },
    { id: 3, rack: "b", logEnd: 100n },
    { id: 4, rack: "c", logEnd: 10n },
  ];

  it("keeps the leader for consumers in its rack or without one", () => {
    expect(preferredReadReplica("a", 0n, leader, followers)).toBe(1);
    expect(preferredReadReplica("", 0n, leader, followers)).toBe(1);
  });

  it("picks the in-rack replica with the most of the log that holds the fetch offset", () => {
    expect(preferredReadReplica("b", 50n, leader, followers)).toBe(3);
    expect(preferredReadReplica("c", 10n, leader, followers)).toBe(4);
    // Replica 4 has not reached offset 11 yet: the leader serves it.
    expect(preferredReadReplica("c", 11n, leader, followers)).toBe(1);
    expect(preferredReadReplica("z", 0n, leader, followers)).toBe(1);
  });
});
