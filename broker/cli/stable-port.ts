// A free loopback port below the kernel's usual ephemeral range (32768+), for nodes whose ports
// are fixed across restarts (millrace cluster up, test clusters): a port from the ephemeral range
// may be taken by some outgoing connection's local end by the time the node binds it again
// (seen as EADDRINUSE on restart in the fault suite).
import { createServer } from "node:net";

export async function stablePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
