// A loopback TCP proxy that records every request frame a client sends to the broker, byte for
// byte, under the label current when the connection was accepted (one label per client session).
// Bytes pass through unchanged both ways; the broker is told to advertise the proxy's address
// (advertised.listeners), so clients keep coming back through it after Metadata.
import { createServer, connect, type Server, type Socket } from "node:net";
import { FrameDecoder } from "../../../broker/network/frame-decoder.js";

/** Real clients never send frames near this; it only bounds what a confused stream could buffer. */
const MAX_CAPTURED_FRAME = 64 * 1024 * 1024;

export class CaptureProxy {
  /** Frames recorded per label, size prefix included, in the order they arrived per connection. */
  readonly frames = new Map<string, Buffer[]>();
  label = "unlabelled";
  upstreamPort = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<CaptureProxy> {
    let proxy: CaptureProxy | undefined;
    const server = createServer((client) => proxy!.accept(client));
    const port = await new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: "127.0.0.1", port: 0 }, () => {
        const address = server.address();
        resolve(typeof address === "object" && address ? address.port : 0);
      });
    });
    proxy = new CaptureProxy(server, port);
    return proxy;
  }

  private accept(client: Socket): void {
    const recorded = this.framesFor(this.label);
    const decoder = new FrameDecoder(MAX_CAPTURED_FRAME);
    const upstream = connect({ host: "127.0.0.1", port: this.upstreamPort });
    this.sockets.add(client).add(upstream);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on("data", (chunk: Buffer) => {
      for (const body of decoder.push(chunk)) recorded.push(withSizePrefix(body));
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    for (const s of [client, upstream]) s.on("error", closeBoth).on("close", closeBoth);
  }

  private framesFor(label: string): Buffer[] {
    let list = this.frames.get(label);
    if (!list) this.frames.set(label, (list = []));
    return list;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function withSizePrefix(body: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}
