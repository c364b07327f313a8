// RequestContexts for the group handlers' tests: a coordinator from test-coordinator.ts behind a
// minimal BrokerServices (config and the coordinator; nothing else is touched by these handlers).
import type { BrokerServices } from "../../../broker-services.js";
import { buildBrokerConfig, type StaticEntry } from "../../../config/index.js";
import type { ApiHandler, RequestContext } from "../../../handlers/handler.js";
import { NO_RESPONSE } from "../../../handlers/handler.js";
import { Reader, Writer } from "../../../protocol/primitives.js";
import { CloseSignal } from "../../../network/close-signal.js";
import { SecuritySession } from "../../../security/session.js";
import { createAuthorizer } from "../../../security/authorizer/create-authorizer.js";
import { silentLogger, type TestCoordinator } from "./test-coordinator.js";

export interface HandlerContextOptions {
  readonly config?: Readonly<Record<string, string>>;
  readonly listenerName?: string;
  readonly closed?: CloseSignal;
  readonly clientId?: string;
}

export function groupHandlerContext(t: TestCoordinator, apiKey: number, apiVersion: number, options: HandlerContextOptions = {}): RequestContext {
  const settings: Record<string, string> = { "node.id": "1", "log.dirs": "/tmp/unused", listeners: "PLAINTEXT://127.0.0.1:9092", ...options.config };
  const config = buildBrokerConfig({
    static: new Map(Object.entries(settings).map(([k, v]): [string, StaticEntry] => [k, { value: v, origin: "override", location: `test ${k}` }])),
    dynamicDefault: new Map(),
    dynamicBroker: new Map(),
  });
  const services = {
    config,
    nodeId: 1,
    groups: t.coordinator,
    boundPorts: new Map(),
    log: silentLogger,
    now: () => t.timer.now(),
    // As configured (authorizer.class.name in options.config), over no ACLs.
    authorizer: createAuthorizer(config, { acls: new Map(), aclsVersion: 0 }),
  };
  return {
    apiKey,
    apiVersion,
    correlationId: 1,
    clientId: options.clientId ?? "handler-test",
    connection: { id: 1, remoteAddress: "::ffff:127.0.0.1", remotePort: 50000, listenerName: options.listenerName ?? "PLAINTEXT", securityProtocol: "PLAINTEXT", session: new SecuritySession() },
    broker: services as unknown as BrokerServices,
    log: silentLogger,
    closed: options.closed ?? new CloseSignal(),
  };
}

/**
 * Sends a request through a handler as the wire would: written with the generated request codec,
 * decoded by the handler, handled, written with the handler's response codec and read back.
 */
export async function exchange<Req, Res>(
  handler: ApiHandler<Req, Res>,
  ctx: RequestContext,
  writeRequest: (w: Writer, version: number, request: Req) => void,
  readResponse: (r: Reader, version: number) => Res,
  request: Req,
): Promise<Res> {
  const version = ctx.apiVersion;
  const w = new Writer();
  writeRequest(w, version, request);
  const decoded = handler.readRequest(new Reader(w.finish()), version);
  const response = await handler.handle(decoded, ctx);
  if (response === NO_RESPONSE) throw new Error("handler sent no response");
  const out = new Writer();
  handler.writeResponse(out, version, response as Res);
  const r = new Reader(out.finish());
  const read = readResponse(r, version);
  if (r.remaining !== 0) throw new Error(`${r.remaining} bytes left after reading the response`);
  return read;
}
