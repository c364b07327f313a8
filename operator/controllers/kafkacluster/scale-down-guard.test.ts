import { describe, expect, it } from "vitest";
import { checkBrokerRemoval, replicasHeldBy, type ReplicaCounter } from "./scale-down-guard.js";

const admin = (replicaLists: number[][]): ReplicaCounter =>
  ({
    listTopics: async (opts?: { includeInternal?: boolean }) => (opts?.includeInternal ? ["orders", "__consumer_offsets"] : ["orders"]),
    describeTopics: async (names: readonly string[]) =>
      names.map((name) => ({ name, topicId: "x", internal: name.startsWith("__"), partitions: replicaLists.map((replicas, partition) => ({ partition, leader: replicas[0]!, replicas, isr: replicas })) })),
  }) as unknown as ReplicaCounter;

describe("scale-down guard", () => {
  it("counts the replicas the leaving brokers hold, internal topics included", async () => {
    const held = await replicasHeldBy(admin([[3, 4, 5], [4, 5, 6]]), [5, 6, 7]);
    expect([...held]).toEqual([
      [5, 4],
      [6, 2],
    ]);
  });

  it("allows removing brokers without replicas", async () => {
    expect(await checkBrokerRemoval(async () => admin([[3, 4, 5]]), [6])).toEqual({ allowed: true });
    expect(await checkBrokerRemoval(async () => { throw new Error("never asked"); }, [])).toEqual({ allowed: true });
  });

  it("refuses while replicas remain, naming them", async () => {
    const v = await checkBrokerRemoval(async () => admin([[3, 6]]), [6]);
    expect(v).toEqual({ allowed: false, message: expect.stringContaining("broker 6 holds 2 replicas") });
  });

  it("refuses when the cluster cannot be asked", async () => {
    const v = await checkBrokerRemoval(async () => { throw new Error("connection refused"); }, [6]);
    expect(v.allowed).toBe(false);
    expect(!v.allowed && v.message).toContain("connection refused");
  });
});
