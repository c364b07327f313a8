// A TCP listener for one entry of `listeners` (PLAINTEXT for now), owning its connections.
import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "pino";
import type { BrokerServices } from "../broker-services.js";
import { SecuritySession } from "../security/session.js";
import { Connection } from "./connection.js";

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

  constructor(
    readonly spec: ListenerSpec,
    private readonly broker: BrokerServices,
    log: Logger,
  ) {
    this.log = log.child({ listener: spec.name });
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  /** Starts listening; resolves with the bound port (useful when the configured port is 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      // An empty host means every interface, as in Kafka's listeners syntax.
      this.server.listen({ host: this.spec.host || undefined, port: this.spec.port }, () => {
        this.server.off("error", reject);
        const address = this.server.address();
        const port = typeof address === "object" && address ? address.port : this.spec.port;
        this.log.info({ host: this.spec.host, port }, "listening");
        resolve(port);
      });
    });
  }

  private accept(socket: Socket): void {
    const connection = new Connection(
      socket,
      {
        id: nextConnectionId++,
        remoteAddress: socket.remoteAddress ?? "",
        remotePort: socket.remotePort ?? 0,
        listenerName: this.spec.name,
        securityProtocol: this.spec.securityProtocol,
        session: new SecuritySession(),
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
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.close();
    await closed;
  }
}
