// The controller id that Metadata (v1+) and DescribeCluster tell clients. Clients send admin
// requests there; any broker forwards them to the active controller. The quorum leader is named
// when it is an alive broker (a combined node: no forwarding hop); otherwise — a dedicated
// controller, which has no broker listener a client could use — a random alive broker, as
// Kafka's KRaft brokers always answer (MetadataCache.getRandomAliveBrokerId).
import type { AliveBroker } from "./advertised-endpoint.js";
import type { RequestContext } from "./handler.js";

export function controllerIdForClients(ctx: RequestContext, alive: readonly Pick<AliveBroker, "id">[], random: () => number = Math.random): number {
  const leaderId = ctx.broker.metadata.quorum.leaderId;
  if (alive.some((b) => b.id === leaderId)) return leaderId;
  if (alive.length === 0) return -1;
  return alive[Math.floor(random() * alive.length)]!.id;
}
