import { describe, expect, it } from "vitest";
import { addressedNode, FORWARDED_CLIENT_PREFIX, forwardedToController } from "./controller-forwarding.js";
import type { ApiHandler, RequestContext } from "./handler.js";

type Answer = { by: string };

const local: ApiHandler<string, Answer> = {
  meta: { name: "Test", apiKey: 19, minVersion: 0, maxVersion: 7, maxStableVersion: 7, flexibleMinVersion: 5 },
  minVersion: 0,
  maxVersion: 7,
  readRequest: () => "",
  writeResponse: () => undefined,
  handle: () => ({ by: "local" }),
};

function context(opts: { isLeader: boolean; singleNodeQuorum?: boolean; forwarder?: boolean; clientId?: string }): RequestContext {
  const forwarder = opts.forwarder ? { forward: async () => ({ by: "leader" }) } : null;
  return {
    connection: { remoteAddress: "10.0.0.9", session: { principal: { type: "User", name: "alice" } } },
    clientId: opts.clientId ?? "client",
    apiVersion: 7,
    broker: { nodeId: 4, forwarder, config: { singleNodeQuorum: opts.singleNodeQuorum ?? false }, metadata: { quorum: { isLeader: opts.isLeader } } },
  } as unknown as RequestContext;
}

const wrapped = forwardedToController(local, { writeRequest: () => undefined, readResponse: () => ({ by: "wire" }), refused: () => ({ by: "refused" }) });

describe("forwarding to the active controller", () => {
  it("answers on the leader and on a single-node quorum", async () => {
    expect(await wrapped.handle("r", context({ isLeader: true, forwarder: true }))).toEqual({ by: "local" });
    expect(await wrapped.handle("r", context({ isLeader: false, singleNodeQuorum: true }))).toEqual({ by: "local" });
  });

  it("forwards off the leader, but never a request forwarded already", async () => {
    expect(await wrapped.handle("r", context({ isLeader: false, forwarder: true }))).toEqual({ by: "leader" });
    expect(await wrapped.handle("r", context({ isLeader: false, forwarder: true, clientId: `${FORWARDED_CLIENT_PREFIX}5` }))).toEqual({ by: "refused" });
  });

  it("refuses on a controller listener off the leader (no forwarder there): its metadata is not the leader's to change", async () => {
    expect(await wrapped.handle("r", context({ isLeader: false }))).toEqual({ by: "refused" });
  });

  it("tells the leader which node a forwarded request was meant for", () => {
    expect(addressedNode(context({ isLeader: true, clientId: `${FORWARDED_CLIENT_PREFIX}5` }))).toBe(5);
    expect(addressedNode(context({ isLeader: true }))).toBe(4);
  });
});
