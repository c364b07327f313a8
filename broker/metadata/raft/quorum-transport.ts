// Sends the quorum's requests to other voters over Kafka connections (one per peer, opened on
// first use and again after a failure) and hands back their answers as quorum responses.
import type { Logger } from "pino";
import { KafkaConnection } from "../../client/kafka-connection.js";
import type { HostPort } from "../../config/listeners.js";
import type { ClientSecuritySource } from "../../security/client-security-source.js";
import { outboundRequest } from "./raft-wire.js";
import type { RaftRequest, RaftResponse } from "./raft-types.js";

export interface QuorumTransportOptions {
  nodeId: number;
  clusterId: string;
  /** Where a peer listens: a voter (static or from the voter set), a bootstrap server (negative id), or a leader we were told of. */
  endpointOf: (id: number) => HostPort | undefined;
  requestTimeoutMs: number;
  /** How long a leader may hold a fetch that has nothing new (Kafka's quorum fetch long poll). */
  fetchMaxWaitMs: number;
  logger: Logger;
  /** How to reach the other voters' controller listener (TLS, SASL); PLAINTEXT when absent. */
  security?: ClientSecuritySource;
}

export class QuorumTransport {
  private readonly connections = new Map<number, Promise<KafkaConnection>>();
  private closed = false;

  constructor(private readonly opts: QuorumTransportOptions) {}

  /** Resolves with the peer's answer; rejects when there is none (refused, lost, timed out). */
  async send(to: number, request: RaftRequest): Promise<RaftResponse> {
    const out = outboundRequest(request, to, this.opts.clusterId, this.opts.fetchMaxWaitMs);
    const timeoutMs = this.opts.requestTimeoutMs + (request.kind === "fetch" ? this.opts.fetchMaxWaitMs : 0);
    const connection = await this.connection(to);
    return out.toRaft(await connection.send(out.call, out.body, timeoutMs));
  }

  close(): void {
    this.closed = true;
    for (const c of this.connections.values()) void c.then((conn) => conn.close(), () => undefined);
    this.connections.clear();
  }

  private connection(to: number): Promise<KafkaConnection> {
    if (this.closed) return Promise.reject(new Error("quorum transport closed"));
    const existing = this.connections.get(to);
    if (existing) return existing;
    const endpoint = this.opts.endpointOf(to);
    if (!endpoint) return Promise.reject(new Error(`no endpoint known for node ${to}`));
    const opening = KafkaConnection.connect(endpoint.host, endpoint.port, {
      clientId: `raft-client-${this.opts.nodeId}`,
      timeoutMs: this.opts.requestTimeoutMs,
      security: this.opts.security?.(),
    });
    this.connections.set(to, opening);
    opening.then(
      (conn) =>
        conn.onClose((err) => {
          if (this.connections.get(to) === opening) this.connections.delete(to);
          this.opts.logger.debug({ peer: to, err: err.message }, "quorum connection closed");
        }),
      () => {
        if (this.connections.get(to) === opening) this.connections.delete(to);
      },
    );
    return opening;
  }
}
