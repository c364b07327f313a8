// A listener for one entry of `listeners`, owning its connections: plain TCP for PLAINTEXT and
// SASL_PLAINTEXT, TLS for SSL and SASL_SSL (broker/security/tls: key stores, client
// authentication, certificate reload, the client certificate's principal).
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from "node:tls";
import type { Logger } from "pino";
import type { BrokerServices } from "../broker-services.js";
import { effectiveBrokerConfig } from "../metadata/effective-broker-config.js";
import { principalToString } from "../security/principal.js";
import { SecuritySession } from "../security/session.js";
import { ListenerTls } from "../security/tls/listener-tls.js";
import { Connection } from "./connection.js";
import { closedOverConnectionRate } from "../security/quotas/connection-rate-quota.js";

export interface ListenerSpec {
  name: string;
  host: string;
  port: number;
  securityProtocol: string;
}

let nextConnectionId = 1;

export class Listener {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly log: Logger;
  private readonly tls: ListenerTls | undefined;
  /** TCP sockets of a TLS listener, from accept on: closing the listener ends those still in their handshake too. */
  private readonly tlsSockets = new Set<Socket>();

  constructor(
    readonly spec: ListenerSpec,
    private readonly broker: BrokerServices,
    log: Logger,
  ) {
    this.log = log.child({ listener: spec.name });
    if (spec.securityProtocol === "SSL" || spec.securityProtocol === "SASL_SSL") {
      // Throws a TlsConfigError naming the key when the listener's TLS settings cannot be used.
      const tls = ListenerTls.create(broker.config, spec.name, this.log, () =>
        // Dynamic broker configs (listener.name.<l>.ssl.* set with kafka-configs) count too.
        effectiveBrokerConfig(broker.config, broker.metadata.image, broker.nodeId, this.log),
      );
      this.tls = tls;
      const server = createTlsServer({ ...tls.serverOptions(), noDelay: true }, (socket) => this.acceptTls(socket, tls));
      // Garbage, plaintext Kafka requests, a client that does not trust us or presents no
      // certificate when one is required: the socket is closed; the broker is not concerned.
      server.on("tlsClientError", (err: NodeJS.ErrnoException, socket: TLSSocket) => {
        this.log.info({ remote: `${socket.remoteAddress}:${socket.remotePort}`, err: err.message, code: err.code }, "TLS handshake failed: connection closed");
        socket.destroy();
      });
      server.on("connection", (raw: Socket) => {
        this.tlsSockets.add(raw);
        raw.once("close", () => this.tlsSockets.delete(raw));
      });
      this.server = server;
    } else {
      this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    }
  }

  /** Starts listening; resolves with the bound port (useful when the configured port is 0). */
  listen(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.server.once("error", reject);
      // An empty host means every interface, as in Kafka's listeners syntax.
      this.server.listen({ host: this.spec.host || undefined, port: this.spec.port }, () => {
        this.server.off("error", reject);
        const address = this.server.address();
        const port = typeof address === "object" && address ? address.port : this.spec.port;
        this.log.info({ host: this.spec.host, port, securityProtocol: this.spec.securityProtocol }, "listening");
        resolve(port);
      });
    }).then(async (port) => {
      if (this.tls) await this.tls.watch(this.server as TlsServer);
      return port;
    });
  }

  /** A TLS connection whose handshake succeeded: its principal comes from the client certificate. */
  private acceptTls(socket: TLSSocket, tls: ListenerTls): void {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const session = new SecuritySession();
    try {
      const peer = tls.peer(socket);
      session.principal = peer.principal;
      const fields = { remote, principal: principalToString(peer.principal), subject: peer.subject, tlsVersion: socket.getProtocol(), cipher: socket.getCipher().standardName };
      if (peer.subject !== null) this.log.info(fields, "TLS client authenticated by certificate");
      else this.log.debug(fields, "TLS connection established");
    } catch (err) {
      this.log.warn({ remote, err: (err as Error).message }, "TLS client refused: connection closed");
      socket.destroy();
      return;
    }
    this.accept(socket, session);
  }

  private accept(socket: Socket, session = new SecuritySession()): void {
    if (closedOverConnectionRate(socket, this.spec.name, this.broker, this.log)) return;
    const connection = new Connection(
      socket,
      {
        id: nextConnectionId++,
        remoteAddress: socket.remoteAddress ?? "",
        remotePort: socket.remotePort ?? 0,
        listenerName: this.spec.name,
        securityProtocol: this.spec.securityProtocol,
        session,
      },
      this.broker,
      this.log,
      (c) => this.connections.delete(c),
    );
    this.connections.add(connection);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    this.tls?.stop();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.close();
    for (const s of this.tlsSockets) s.destroy();
    await closed;
  }
}
