// The metadata quorum's settings, from Kafka's config keys: who votes (controller.quorum.voters,
// this node alone when no quorum is configured, or — with only controller.quorum.bootstrap.servers —
// the voter set in the metadata log) and the quorum's timeouts.
import type { Logger } from "pino";
import { clientSecuritySource } from "../security/client-security-source.js";
import type { BrokerConfig } from "../config/index.js";
import type { HostPort } from "../config/listeners.js";
import type { Uuid } from "../protocol/primitives.js";
import { readMetaProperties } from "./meta-properties.js";
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
  // No static voters: a dynamic quorum (KIP-853) whose voter set is in the metadata log (and in
  // the bootstrap checkpoint `storage format` wrote); the node finds the leader through
  // controller.quorum.bootstrap.servers and fetches with its metadata directory's id.
  const directoryId = readMetaProperties(config.metadataLogDir)?.directoryId;
  return {
    nodeId: config.nodeId,
    clusterId,
    metadataDir: config.metadataLogDir,
    voters,
    bootstrapServers: voters.size === 0 ? config.controllerQuorumBootstrapServers : [],
    ...(directoryId ? { directoryId: directoryId as Uuid } : {}),
    ...(config.controllerListenerNames[0] ? { controllerListenerName: config.controllerListenerNames[0] } : {}),
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
    security: clientSecuritySource(config, config.controllerListenerNames[0], logger),
    logger,
  };
}
