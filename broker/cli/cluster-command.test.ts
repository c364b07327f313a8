import { describe, expect, it } from "vitest";
import { parseClusterArgs, planNodes, stopOrder } from "./cluster-command.js";

describe("cluster up arguments", () => {
  it("default to 3 combined nodes", () => {
    expect(parseClusterArgs([])).toEqual({ brokers: 3, controllers: 3, dedicatedControllers: false, racks: [], dataDir: undefined, overrides: [] });
  });

  it("take --dedicated-controllers, which lets controllers outnumber brokers", () => {
    const args = parseClusterArgs(["--brokers", "1", "--controllers", "3", "--dedicated-controllers", "--racks", "a, b,c"]);
    expect(args).toMatchObject({ brokers: 1, controllers: 3, dedicatedControllers: true, racks: ["a", "b", "c"] });
    expect(() => parseClusterArgs(["--brokers", "1", "--controllers", "3"])).toThrow(
      "--controllers may not exceed --brokers when controllers are combined nodes; add --dedicated-controllers for controller-only nodes",
    );
  });

  it("take --dynamic-quorum (KIP-853: bootstrap servers, the voters in the metadata log)", () => {
    expect(parseClusterArgs(["--dynamic-quorum"]).dynamicQuorum).toBe(true);
    expect(parseClusterArgs([]).dynamicQuorum).toBeUndefined();
  });

  it("refuse bad values with a clear message", () => {
    expect(() => parseClusterArgs(["--brokers", "0"])).toThrow("--brokers must be a whole number from 1 to 64, not 0");
    expect(() => parseClusterArgs(["--controllers"])).toThrow("--controllers needs a value");
    expect(() => parseClusterArgs(["--dedicated"])).toThrow("unknown argument --dedicated");
    expect(() => parseClusterArgs(["--override", "nonsense"])).toThrow("--override takes key=value, not nonsense");
  });
});

describe("cluster up node plan", () => {
  it("combined: controllers 1..M are brokers too, the rest brokers only, racks over every node", () => {
    expect(planNodes({ brokers: 4, controllers: 3, dedicatedControllers: false, racks: ["a", "b", "c"] })).toEqual([
      { id: 1, roles: "broker,controller", rack: "a" },
      { id: 2, roles: "broker,controller", rack: "b" },
      { id: 3, roles: "broker,controller", rack: "c" },
      { id: 4, roles: "broker", rack: "a" },
    ]);
  });

  it("dedicated: controllers 1..M, brokers M+1..M+N, racks over the brokers only", () => {
    const plan = planNodes({ brokers: 3, controllers: 3, dedicatedControllers: true, racks: ["a", "b", "c"] });
    expect(plan).toEqual([
      { id: 1, roles: "controller", rack: null },
      { id: 2, roles: "controller", rack: null },
      { id: 3, roles: "controller", rack: null },
      { id: 4, roles: "broker", rack: "a" },
      { id: 5, roles: "broker", rack: "b" },
      { id: 6, roles: "broker", rack: "c" },
    ]);
    expect(stopOrder(plan).map((p) => p.id)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it("stop brokers first: broker-only, then combined, then controllers", () => {
    const combined = planNodes({ brokers: 4, controllers: 2, dedicatedControllers: false, racks: [] });
    expect(stopOrder(combined).map((p) => p.id)).toEqual([4, 3, 2, 1]);
    expect(combined.every((p) => p.rack === null)).toBe(true);
  });
});
