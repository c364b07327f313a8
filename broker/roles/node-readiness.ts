// Whether a node serves, by its roles, for an orchestrator's readiness probe (GET /readyz):
// a controller serves once the metadata quorum has a leader and this node has caught up with it;
// a broker serves once the controller has registered and unfenced it and its listeners are up.
// A combined node needs both. The answer names every reason it is not ready, so a probe's
// failure message says what the node waits for.
import type { BrokerRegistration } from "../metadata/metadata-image.js";

/** What readiness reads of the metadata store (narrow, so it can be evaluated on plain data). */
export interface ReadinessMetadata {
  readonly quorum: { readonly leaderId: number; readonly highWatermark: bigint };
  readonly image: { readonly brokers: ReadonlyMap<number, BrokerRegistration> };
}

/** How far start-up has come; Broker.start fills it in as each stage completes. */
export class NodeProgress {
  /** The metadata store once opened (null while it opens). */
  metadata: ReadinessMetadata | null = null;
  /** Set once start-up replayed the metadata log up to the quorum's high watermark. */
  metadataReplayed = false;
  /** Set once every broker listener is bound. */
  brokerListenersUp = false;
  /** Set when a stop begins: the node no longer takes new work. */
  stopping = false;
}

export interface Readiness {
  readonly ready: boolean;
  /** Why not, one short sentence each; empty when ready. */
  readonly reasons: readonly string[];
}

export function nodeReadiness(nodeId: number, roles: readonly string[], progress: NodeProgress): Readiness {
  const reasons: string[] = [];
  if (progress.stopping) reasons.push("the node is shutting down");
  const metadata = progress.metadata;
  if (metadata === null) {
    reasons.push("the metadata store is opening");
    return { ready: false, reasons };
  }
  if (roles.includes("controller")) reasons.push(...controllerNotReady(metadata, progress));
  if (roles.includes("broker")) reasons.push(...brokerNotReady(nodeId, metadata, progress));
  return { ready: reasons.length === 0, reasons };
}

function controllerNotReady(metadata: ReadinessMetadata, progress: NodeProgress): string[] {
  if (metadata.quorum.leaderId < 0) return ["the metadata quorum has no leader"];
  // A follower learns the high watermark from the leader's fetch responses: 0 means not yet.
  if (metadata.quorum.highWatermark <= 0n) return [`the metadata quorum's high watermark is not known yet (leader ${metadata.quorum.leaderId})`];
  if (!progress.metadataReplayed) return ["the metadata log is not replayed up to the high watermark yet"];
  return [];
}

function brokerNotReady(nodeId: number, metadata: ReadinessMetadata, progress: NodeProgress): string[] {
  const reasons: string[] = [];
  const registration = metadata.image.brokers.get(nodeId);
  if (registration === undefined) reasons.push(`broker ${nodeId} is not registered with the controller`);
  else if (registration.inControlledShutdown) reasons.push(`broker ${nodeId} is in controlled shutdown`);
  else if (registration.fenced) reasons.push(`broker ${nodeId} is fenced`);
  if (!progress.brokerListenersUp) reasons.push("the broker listeners are not up yet");
  return reasons;
}
