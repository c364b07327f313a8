// What every API handler declares: its key, the versions it serves, the generated codecs of its
// request and response, and a `handle` function. Handlers are thin: decode → guards → delegate → respond.
import type { CloseSignal } from "../network/close-signal.js";
import type { Logger } from "pino";
import type { Reader, Writer } from "../protocol/primitives.js";
import type { BrokerServices } from "../broker-services.js";
import type { SecuritySession } from "../security/session.js";

/** The generated `<name>Meta` constant of a request spec. */
export interface RequestMeta {
  readonly name: string;
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly maxStableVersion: number;
  readonly flexibleMinVersion: number;
}

export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly listenerName: string;
  readonly securityProtocol: string;
  /** Who the client is (principal) and how it authenticated; replaced by TLS or SASL authentication. */
  readonly session: SecuritySession;
}

export interface RequestContext {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly connection: ConnectionInfo;
  readonly broker: BrokerServices;
  readonly log: Logger;
  /** The connection's end, so long waits (fetch, join) can stop early. */
  readonly closed: CloseSignal;
}

/** Returned by a handler when Kafka sends no response (Produce with acks=0). */
export const NO_RESPONSE = Symbol("no response");

export interface ApiHandler<Req = unknown, Res = unknown> {
  readonly meta: RequestMeta;
  /** Oldest version served: the oldest a current client still sends, at least. */
  readonly minVersion: number;
  /** Newest version served; not above the spec's newest stable version unless `servesUnstableLatest`. */
  readonly maxVersion: number;
  /**
   * Why this handler serves the version the spec marks `latestVersionUnstable`. Set only when
   * released Kafka brokers serve that version and current clients need it.
   */
  readonly servesUnstableLatest?: string;
  readonly readRequest: (r: Reader, version: number) => Req;
  readonly writeResponse: (w: Writer, version: number, response: Res) => void;
  readonly handle: (request: Req, ctx: RequestContext) => Res | typeof NO_RESPONSE | Promise<Res | typeof NO_RESPONSE>;
}

/** Declares a handler; the type parameters tie the codecs to `handle`. */
export function defineHandler<Req, Res>(handler: ApiHandler<Req, Res>): ApiHandler<Req, Res> {
  const newestAllowed = handler.servesUnstableLatest ? handler.meta.maxVersion : handler.meta.maxStableVersion;
  if (handler.minVersion < handler.meta.minVersion || handler.maxVersion > newestAllowed) {
    throw new Error(
      `${handler.meta.name}: versions ${handler.minVersion}-${handler.maxVersion} outside the spec's ` +
        `${handler.meta.minVersion}-${newestAllowed}`,
    );
  }
  return handler;
}
