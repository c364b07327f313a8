import { describe, expect, it } from "vitest";
import { registerAllHandlers } from "../../handlers/all-handlers.js";
import { registerControllerHandlers } from "../../handlers/controller/controller-handlers.js";
import { HandlerRegistry } from "../../handlers/registry.js";
import { API_AUTHORIZATION, authorizeApiOnCluster } from "./api-authorization.js";
import type { RequestContext } from "../../handlers/handler.js";

function served(register: (r: HandlerRegistry) => void): { apiKey: number; name: string }[] {
  const registry = new HandlerRegistry();
  register(registry);
  return registry.supported().map((s) => ({ apiKey: s.apiKey, name: registry.get(s.apiKey)!.meta.name }));
}

describe("API authorization table", () => {
  it("has a decision for every API a broker listener serves", () => {
    const missing = served(registerAllHandlers).filter((h) => !API_AUTHORIZATION.has(h.apiKey));
    expect(missing).toEqual([]);
  });

  it("has a decision for every API a controller listener serves (quorum, registration, forwarded changes)", () => {
    const missing = served(registerControllerHandlers).filter((h) => !API_AUTHORIZATION.has(h.apiKey));
    expect(missing).toEqual([]);
  });

  it("refuses a cluster check for an API the table authorizes otherwise (a bug, not a denial)", () => {
    expect(() => authorizeApiOnCluster({ apiKey: 0 } as RequestContext)).toThrow(/not authorized by one cluster check/);
  });
});
