import { describe, expect, it } from "vitest";
import { placeReplicas, rackAlternated } from "./replica-placer.js";

const sixOverThreeRacks = [
  { id: 1, rack: "a" },
  { id: 2, rack: "a" },
  { id: 3, rack: "b" },
  { id: 4, rack: "b" },
  { id: 5, rack: "c" },
  { id: 6, rack: "c" },
];

describe("replica placement", () => {
  it("arranges brokers so that neighbours are on different racks", () => {
    expect(rackAlternated(sixOverThreeRacks)).toEqual([1, 3, 5, 2, 4, 6]);
    expect(rackAlternated([{ id: 2, rack: null }, { id: 1, rack: null }])).toEqual([1, 2]);
  });

  it("spreads every partition's replicas over distinct racks and balances leaders", () => {
    for (let start = 0; start < 6; start++) {
      const placed = placeReplicas(12, 3, sixOverThreeRacks, start);
      const rackOf = new Map(sixOverThreeRacks.map((b) => [b.id, b.rack]));
      for (const replicas of placed) {
        expect(new Set(replicas).size).toBe(3);
        expect(new Set(replicas.map((id) => rackOf.get(id))).size).toBe(3);
      }
      const leaders = new Map<number, number>();
      for (const [leader] of placed) leaders.set(leader!, (leaders.get(leader!) ?? 0) + 1);
      expect([...leaders.values()]).toEqual([2, 2, 2, 2, 2, 2]);
    }
  });

  it("continues the rotation for partitions added later, and refuses an impossible factor", () => {
    const brokers = [{ id: 1, rack: "a" }, { id: 2, rack: "b" }, { id: 3, rack: "c" }];
    expect(placeReplicas(2, 2, brokers, 0, 3)).toEqual([[1, 2], [2, 3]]);
    expect(() => placeReplicas(1, 4, brokers, 0)).toThrow(/cannot place 4/);
  });
});
