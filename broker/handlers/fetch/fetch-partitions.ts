// Reading the partitions of one fetch in order within the response and per-partition byte limits,
// as Kafka's ReplicaManager.readFromLog does: only the first partition that returns data may
// exceed the limits (by one whole batch), so a consumer can always make progress.
import { errorCode, type KafkaErrorName } from "../../protocol/errors.js";
import type { PartitionData } from "../../protocol/generated/fetch-response.gen.js";
import type { BrokerServices } from "../../broker-services.js";

export interface PartitionToFetch {
  topic: string;
  partition: number;
  fetchOffset: bigint;
  maxBytes: number;
  currentLeaderEpoch: number;
}

export interface FetchedPartition {
  request: PartitionToFetch;
  data: PartitionData;
  bytes: number;
}

export function emptyPartitionData(partition: number, error: KafkaErrorName): PartitionData {
  return {
    partitionIndex: partition,
    errorCode: errorCode(error),
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: null,
  };
}

export async function readPartitions(
  broker: BrokerServices,
  partitions: PartitionToFetch[],
  responseMaxBytes: number,
  readCommitted: boolean,
): Promise<FetchedPartition[]> {
  const results: FetchedPartition[] = [];
  let budget = responseMaxBytes;
  let haveData = false;
  for (const request of partitions) {
    const topic = broker.metadata.topic(request.topic);
    const state = topic?.partitions[request.partition];
    const log = broker.logs.getLog(request.topic, request.partition);
    if (!topic || !state || !log) {
      results.push({ request, data: emptyPartitionData(request.partition, "UNKNOWN_TOPIC_OR_PARTITION"), bytes: 0 });
      continue;
    }
    if (request.currentLeaderEpoch >= 0 && request.currentLeaderEpoch !== state.leaderEpoch) {
      const error = request.currentLeaderEpoch < state.leaderEpoch ? "FENCED_LEADER_EPOCH" : "UNKNOWN_LEADER_EPOCH";
      results.push({ request, data: emptyPartitionData(request.partition, error), bytes: 0 });
      continue;
    }
    const maxBytes = Math.max(0, Math.min(request.maxBytes, budget));
    const read = await log.read(request.fetchOffset, maxBytes, {
      minOneMessage: !haveData,
      upperBound: readCommitted ? "lastStable" : "highWatermark",
    });
    if ("error" in read) {
      const data = emptyPartitionData(request.partition, read.error);
      data.logStartOffset = read.logStartOffset;
      data.highWatermark = log.highWatermark;
      data.lastStableOffset = log.lastStableOffset;
      results.push({ request, data, bytes: 0 });
      continue;
    }
    const bytes = read.records.length;
    if (bytes > 0) haveData = true;
    budget -= bytes;
    results.push({
      request,
      bytes,
      data: {
        ...emptyPartitionData(request.partition, "NONE"),
        highWatermark: read.highWatermark,
        lastStableOffset: read.lastStableOffset,
        logStartOffset: read.logStartOffset,
        abortedTransactions: readCommitted ? [] : null,
        records: read.records,
      },
    });
  }
  return results;
}
