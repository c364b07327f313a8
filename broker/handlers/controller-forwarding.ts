// Requests that change cluster metadata (CreateTopics, DeleteTopics, CreatePartitions,
// AlterConfigs, IncrementalAlterConfigs, ElectLeaders, partition reassignments) and DescribeQuorum
// are answered by the active controller — the metadata quorum's leader — as in KRaft, where
// brokers forward them. A broker that is not the leader sends the request on, unchanged and at the
// client's version, to the leader's controller listener (its address from
// controller.quorum.voters, as the controller channel reaches it: a dedicated controller has no
// other listener) and relays the answer. As in Kafka, the request travels inside an Envelope
// (forwarding-envelope.ts) with the client's principal and address, so the controller authorizes
// the client, not the forwarding broker; the forwarding connection's client id names the
// forwarding node (addressedNode). A forwarded request is never forwarded again, and a controller
// listener never forwards: off the leader the answer is the handler's refusal (NOT_CONTROLLER),
// and the client retries.
import { apiCall, KafkaConnection } from "../client/kafka-connection.js";
import type { HostPort } from "../config/listeners.js";
import type { ClientSecuritySource } from "../security/client-security-source.js";
import type { QuorumNode } from "../metadata/raft/quorum-node.js";
import type { Reader, Writer } from "../protocol/primitives.js";
import type { Logger } from "pino";
import type { ApiHandler, RequestContext } from "./handler.js";
import { embeddedResponse, envelopeFor, type ForwardedOrigin } from "./forwarding-envelope.js";
import { envelopeRequestMeta, writeEnvelopeRequest } from "../protocol/generated/envelope-request.gen.js";
import { readEnvelopeResponse } from "../protocol/generated/envelope-response.gen.js";

/** Client id prefix of forwarded requests (the forwarding node's id follows). */
export const FORWARDED_CLIENT_PREFIX = "millrace-forwarded-from-";

const FORWARD_TIMEOUT_MS = 60_000;
const ENVELOPE_VERSION = 0;
const ENVELOPE_CALL = apiCall(envelopeRequestMeta, ENVELOPE_VERSION, writeEnvelopeRequest, readEnvelopeResponse);

/** API keys whose handlers forward (only those may arrive inside an Envelope, as Kafka's "forwardable" APIs). */
const FORWARDABLE_API_KEYS = new Set<number>();

export function isForwardable(apiKey: number): boolean {
  return FORWARDABLE_API_KEYS.has(apiKey);
}

/** Who the client behind a request is, for the Envelope. */
function originOf(ctx: RequestContext): ForwardedOrigin {
  return { principal: ctx.connection.session.principal, host: ctx.connection.remoteAddress, clientId: ctx.clientId };
}

export class ControllerForwarder {
  private connection: { leaderId: number; conn: Promise<KafkaConnection> } | undefined;

  constructor(
    private readonly opts: {
      nodeId: number;
      quorum: Pick<QuorumNode, "leaderId">;
      /** The voters' controller listeners (controller.quorum.voters). */
      voters: Pick<ReadonlyMap<number, HostPort>, "get">;
      /** How to reach the controller listener (TLS, SASL); PLAINTEXT when absent. */
      security?: ClientSecuritySource;
      log?: Logger;
    },
  ) {}

  /** The quorum leader's controller listener, once a leader is known. */
  private leaderEndpoint(): { leaderId: number; host: string; port: number } | undefined {
    const leaderId = this.opts.quorum.leaderId;
    const endpoint = this.opts.voters.get(leaderId);
    return endpoint ? { leaderId, host: endpoint.host, port: endpoint.port } : undefined;
  }

  /**
   * Sends the request to the active controller; undefined when none is reachable or it refused.
   * With an origin (a client's request) it travels in an Envelope naming the client; without one
   * (this node's own request, e.g. creating __consumer_offsets) it is sent as this node.
   */
  async forward<Req, Res>(
    meta: { apiKey: number; flexibleMinVersion: number },
    version: number,
    writeRequest: (w: Writer, v: number, o: Req) => void,
    readResponse: (r: Reader, v: number) => Res,
    request: Req,
    origin?: ForwardedOrigin,
  ): Promise<Res | undefined> {
    const target = this.leaderEndpoint();
    if (!target || target.leaderId === this.opts.nodeId) return undefined;
    if (!this.connection || this.connection.leaderId !== target.leaderId) {
      void this.connection?.conn.then((c) => c.close(), () => undefined);
      const conn = KafkaConnection.connect(target.host, target.port, {
        clientId: `${FORWARDED_CLIENT_PREFIX}${this.opts.nodeId}`,
        timeoutMs: 5000,
        security: this.opts.security?.(),
      });
      this.connection = { leaderId: target.leaderId, conn };
      const forget = () => {
        if (this.connection?.conn === conn) this.connection = undefined;
      };
      conn.then((c) => c.onClose(forget), forget);
    }
    try {
      const conn = await this.connection.conn;
      if (!origin) return await conn.send(apiCall(meta, version, writeRequest, readResponse), request, FORWARD_TIMEOUT_MS);
      const envelope = envelopeFor(meta, version, writeRequest, request, origin);
      const answer = await conn.send(ENVELOPE_CALL, envelope, FORWARD_TIMEOUT_MS);
      return embeddedResponse(answer, meta, version, readResponse);
    } catch (err) {
      this.opts.log?.warn({ apiKey: meta.apiKey, err: (err as Error).message }, "forwarding to the active controller failed");
      return undefined;
    }
  }

  close(): void {
    void this.connection?.conn.then((c) => c.close(), () => undefined);
    this.connection = undefined;
  }
}

/**
 * The node a request was meant for: the node that forwarded it to us, or this one. Per-broker
 * config changes name that node (clients send them to the broker they configure).
 */
export function addressedNode(ctx: RequestContext): number {
  const from = ctx.clientId?.startsWith(FORWARDED_CLIENT_PREFIX) ? Number(ctx.clientId.slice(FORWARDED_CLIENT_PREFIX.length)) : NaN;
  return Number.isInteger(from) ? from : ctx.broker.nodeId;
}

/**
 * Wraps a handler so that, off the quorum leader, its requests are forwarded to the leader.
 * `refused` builds the answer when that is impossible (every entry NOT_CONTROLLER): no leader
 * reachable, a request forwarded to us already, or a controller listener (no forwarder) off the leader.
 */
export function forwardedToController<Req, Res>(
  handler: ApiHandler<Req, Res>,
  codecs: {
    writeRequest: (w: Writer, v: number, o: Req) => void;
    readResponse: (r: Reader, v: number) => Res;
    refused: (request: Req, version: number, ctx: RequestContext) => Res | Promise<Res>;
  },
): ApiHandler<Req, Res> {
  FORWARDABLE_API_KEYS.add(handler.meta.apiKey);
  return {
    ...handler,
    async handle(request, ctx) {
      const { broker } = ctx;
      if (broker.metadata.quorum.isLeader || broker.config.singleNodeQuorum) return handler.handle(request, ctx);
      if (!broker.forwarder || ctx.clientId?.startsWith(FORWARDED_CLIENT_PREFIX)) return codecs.refused(request, ctx.apiVersion, ctx);
      const response = await broker.forwarder.forward(handler.meta, ctx.apiVersion, codecs.writeRequest, codecs.readResponse, request, originOf(ctx));
      return response ?? codecs.refused(request, ctx.apiVersion, ctx);
    },
  };
}
