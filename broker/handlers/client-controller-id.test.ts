import { describe, expect, it } from "vitest";
import { controllerIdForClients } from "./client-controller-id.js";
import type { RequestContext } from "./handler.js";

const withLeader = (leaderId: number) => ({ broker: { metadata: { quorum: { leaderId } } } }) as unknown as RequestContext;
const alive = [{ id: 4 }, { id: 5 }, { id: 6 }];

describe("the controller id clients are told", () => {
  it("is the quorum leader when it is an alive broker (a combined node)", () => {
    expect(controllerIdForClients(withLeader(5), alive, () => 0)).toBe(5);
  });

  it("is a random alive broker when the leader is a dedicated controller, -1 with none alive", () => {
    expect(controllerIdForClients(withLeader(1), alive, () => 0)).toBe(4);
    expect(controllerIdForClients(withLeader(1), alive, () => 0.99)).toBe(6);
    expect(controllerIdForClients(withLeader(-1), alive, () => 0.5)).toBe(5);
    expect(controllerIdForClients(withLeader(1), [], () => 0)).toBe(-1);
  });
});
