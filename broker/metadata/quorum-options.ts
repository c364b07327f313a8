// The metadata quorum's settings, from Kafka's config keys: who votes (controller.quorum.voters,
// or this node alone when no quorum is configured) and the quorum's timeouts.
import type { Logger } from "pino";
import type { BrokerConfig } from "../config/index.js";
import type { HostPort } from "../config/listeners.js";
import type { QuorumNodeOptions } from "./raft/quorum-node.js";

/**
 * A quorum of this node alone, with Kafka's default timeouts: what a broker with no quorum
 * configured runs (tests open metadata stores with it).
 */
export function singleNodeQuorumOptions(nodeId: number, clusterId: string, metadataDir: string, logger: Logger): QuorumNodeOptions {
  return {
    nodeId,
    clusterId,
    metadataDir,
    voters: new Map([[nodeId, null]]),
    electionTimeoutMs: 1000,
    fetchTimeoutMs: 2000,
    electionBackoffMaxMs: 1000,
    requestTimeoutMs: 2000,
    retryBackoffMs: 20,
    logger,
  };
}

export function quorumOptionsFrom(config: BrokerConfig, clusterId: string, logger: Logger): QuorumNodeOptions {
  const voters = new Map<number, HostPort | null>();
  if (config.singleNodeQuorum) voters.set(config.nodeId, null);
  for (const v of config.controllerQuorumVoters) voters.set(v.id, { host: v.host, port: v.port });
  if (voters.size === 0) {
    throw new Error("controller.quorum.bootstrap.servers without controller.quorum.voters is not supported yet (dynamic quorums, KIP-853)");
  }
  return {
    nodeId: config.nodeId,
    clusterId,
    metadataDir: config.metadataLogDir,
    voters,
    electionTimeoutMs: config.controllerQuorumElectionTimeoutMs,
    fetchTimeoutMs: config.controllerQuorumFetchTimeoutMs,
    electionBackoffMaxMs: config.controllerQuorumElectionBackoffMaxMs,
    requestTimeoutMs: config.controllerQuorumRequestTimeoutMs,
    retryBackoffMs: config.controllerQuorumRetryBackoffMs,
    retentionBytes: config.metadataMaxRetentionBytes,
    retentionMs: config.metadataMaxRetentionMs,
    segmentBytes: config.metadataLogSegmentBytes,
    snapshotMaxBytes: config.metadataLogMaxRecordBytesBetweenSnapshots,
    snapshotIntervalMs: config.metadataLogMaxSnapshotIntervalMs,
    logger,
  };
}
