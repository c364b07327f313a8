// The admin client's view of a cluster: bootstrap from host:port addresses, learn the brokers and
// the controller from Metadata, keep one connection per broker and reuse it, open a new one when
// it closed. Every connection uses the same ClientSecurity (TLS and/or SASL).
import type { Logger } from "pino";
import type { ClientSecurity } from "../security/client-security.js";
import { SaslAuthenticationError } from "../security/sasl/sasl-client.js";
import * as MetadataReq from "../protocol/generated/metadata-request.gen.js";
import * as MetadataRes from "../protocol/generated/metadata-response.gen.js";
import { apiCall, KafkaConnection } from "./kafka-connection.js";

const METADATA = apiCall(MetadataReq.metadataRequestMeta, 12, MetadataReq.writeMetadataRequest, MetadataRes.readMetadataResponse);

export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

export interface ClusterConnectionsOptions {
  /** "host:port" addresses to start from; any one reachable broker is enough. */
  readonly bootstrapServers: readonly string[];
  readonly clientId?: string;
  readonly security?: ClientSecurity;
  /** Bound on connecting (and authenticating) to one broker. */
  readonly connectTimeoutMs?: number;
  readonly log?: Logger;
}

/** No broker could be reached or authenticated to; `causes` holds each address's failure. */
export class ClusterUnreachableError extends Error {
  override name = "ClusterUnreachableError";
  /** A broker refused our SASL credentials: waiting will not help, unlike a broker that is down. */
  readonly authenticationFailed: boolean;
  constructor(readonly causes: readonly { address: string; error: Error }[]) {
    super(`no broker reachable: ${causes.map((c) => `${c.address} (${c.error.message})`).join("; ")}`);
    this.authenticationFailed = causes.some((c) => c.error instanceof SaslAuthenticationError);
  }
}

export function parseBrokerAddress(address: string): BrokerAddress {
  const at = address.lastIndexOf(":");
  const port = Number(address.slice(at + 1));
  const host = address.slice(0, at).replace(/^\[(.*)\]$/, "$1");
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`bad broker address "${address}": expected host:port`);
  }
  return { host, port };
}

export class ClusterConnections {
  private readonly bootstrap: readonly BrokerAddress[];
  private readonly connections = new Map<string, KafkaConnection>();
  // Callers asking at the same time share one connection attempt instead of opening one each.
  private connecting: Promise<KafkaConnection> | undefined;
  private brokers = new Map<number, BrokerAddress>();
  private controllerId = -1;
  private readonly clientId: string;
  private readonly connectTimeoutMs: number;

  constructor(private readonly options: ClusterConnectionsOptions) {
    if (options.bootstrapServers.length === 0) throw new Error("bootstrapServers is empty");
    this.bootstrap = options.bootstrapServers.map(parseBrokerAddress);
    this.clientId = options.clientId ?? "millrace-admin";
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  /** The brokers the last Metadata answer named, by node id. */
  get knownBrokers(): ReadonlyMap<number, BrokerAddress> {
    return this.brokers;
  }

  get knownControllerId(): number {
    return this.controllerId;
  }

  /**
   * A live connection to some broker: one already open if there is one (requests for the
   * controller may go to any broker, which forwards them), otherwise the first address that
   * accepts, trying the learned brokers and then the bootstrap list.
   */
  async anyBroker(timeoutMs = this.connectTimeoutMs): Promise<KafkaConnection> {
    for (const conn of this.connections.values()) if (!conn.closed) return conn;
    this.connecting ??= this.connectToFirstAnswering(Date.now() + timeoutMs).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Tries the candidates in turn, never past `deadline` (an admin call's own bound). */
  private async connectToFirstAnswering(deadline: number): Promise<KafkaConnection> {
    const causes: { address: string; error: Error }[] = [];
    for (const address of this.candidates()) {
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) {
        causes.push({ address: `${address.host}:${address.port}`, error: new Error("not tried: the call's timeout ran out") });
        break;
      }
      try {
        return await this.connectTo(address, Math.min(this.connectTimeoutMs, remainingMs));
      } catch (err) {
        causes.push({ address: `${address.host}:${address.port}`, error: err as Error });
      }
    }
    throw new ClusterUnreachableError(causes);
  }

  /** Asks any broker for the cluster's brokers and controller, and remembers them. */
  async refreshMetadata(timeoutMs: number): Promise<MetadataRes.MetadataResponse> {
    const conn = await this.anyBroker(timeoutMs);
    const response = await conn.send(METADATA, { ...MetadataReq.defaultMetadataRequest(), topics: [], allowAutoTopicCreation: false }, timeoutMs);
    this.brokers = new Map(response.brokers.map((b) => [b.nodeId, { host: b.host, port: b.port }]));
    this.controllerId = response.controllerId;
    return response;
  }

  close(): void {
    for (const conn of this.connections.values()) conn.close();
    this.connections.clear();
  }

  private candidates(): BrokerAddress[] {
    const seen = new Set<string>();
    // Bootstrap addresses first: they are what the user gave (a Service in Kubernetes); the
    // learned brokers are the fallback when those are all down.
    const all = [...this.bootstrap, ...this.brokers.values()];
    return all.filter((a) => {
      const key = `${a.host}:${a.port}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private async connectTo(address: BrokerAddress, timeoutMs: number): Promise<KafkaConnection> {
    const key = `${address.host}:${address.port}`;
    const conn = await KafkaConnection.connect(address.host, address.port, {
      clientId: this.clientId,
      timeoutMs,
      security: this.options.security,
    });
    this.connections.set(key, conn);
    this.options.log?.debug({ broker: key, clientId: this.clientId }, "admin connection open");
    conn.onClose((err) => {
      if (this.connections.get(key) === conn) this.connections.delete(key);
      this.options.log?.debug({ broker: key, err: err.message }, "admin connection closed");
    });
    return conn;
  }
}
