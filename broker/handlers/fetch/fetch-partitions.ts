// Reading the partitions of one fetch in order within the response and per-partition byte limits,
// as Kafka's ReplicaManager.readFromLog does: only the first partition that returns data may
// exceed the limits (by one whole batch), so a consumer can always make progress.
//
// The leading partitions whose limits together fit in the response limit (all of them in the
// usual case: 1 MiB per partition, 50 MiB per response) are read at once rather than one after
// the other, and each result is then cut to what the in-order rules allow: a read returns a
// prefix of whole batches, so cutting a larger read gives exactly the smaller one. The rest are
// read in order.
import { errorCode, type KafkaErrorName } from "../../protocol/errors.js";
import { BATCH, LOG_OVERHEAD } from "../../protocol/records.js";
import type { ReadResult } from "../../storage/log-types.js";
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

export interface ReadPartitionsOptions {
  readCommitted: boolean;
  /**
   * Fetch v11+ (KIP-392): a consumer may read from a follower, up to the follower's high
   * watermark. Older versions read from leaders only.
   */
  followerReads: boolean;
  /** The consumer's rack (client.rack), for the leader to point it at a closer replica; "" if none. */
  clientRack: string;
}

export async function readPartitions(
  broker: BrokerServices,
  partitions: PartitionToFetch[],
  responseMaxBytes: number,
  opts: ReadPartitionsOptions,
): Promise<FetchedPartition[]> {
  const { readCommitted } = opts;
  const results: FetchedPartition[] = [];
  let budget = responseMaxBytes;
  let haveData = false;
  const readOptions = (minOneMessage: boolean) =>
    ({ minOneMessage, upperBound: readCommitted ? "lastStable" : "highWatermark" }) as const;
  const logs = partitions.map((r) => broker.logs.getLog(r.topic, r.partition));
  // Read at once the leading partitions whose limits together fit in the response limit.
  const early: (Promise<ReadResult> | undefined)[] = [];
  let reserved = 0;
  for (const [i, r] of partitions.entries()) {
    reserved += Math.max(0, r.maxBytes);
    if (reserved > responseMaxBytes) break;
    early.push(logs[i]?.read(r.fetchOffset, Math.max(0, r.maxBytes), readOptions(true)));
  }
  // A read not awaited below (its partition failed a check first) must not become an unhandled rejection.
  for (const r of early) r?.catch(() => undefined);
  for (const [i, request] of partitions.entries()) {
    const topic = broker.metadata.topic(request.topic);
    const state = topic?.partitions[request.partition];
    const log = logs[i];
    if (!topic || !state || !log) {
      results.push({ request, data: emptyPartitionData(request.partition, "UNKNOWN_TOPIC_OR_PARTITION"), bytes: 0 });
      continue;
    }
    if (request.currentLeaderEpoch >= 0 && request.currentLeaderEpoch !== state.leaderEpoch) {
      const error = request.currentLeaderEpoch < state.leaderEpoch ? "FENCED_LEADER_EPOCH" : "UNKNOWN_LEADER_EPOCH";
      results.push({ request, data: emptyPartitionData(request.partition, error), bytes: 0 });
      continue;
    }
    if (state.leader !== broker.nodeId && !opts.followerReads) {
      results.push({ request, data: emptyPartitionData(request.partition, "NOT_LEADER_OR_FOLLOWER"), bytes: 0 });
      continue;
    }
    const preferred = opts.clientRack === "" ? undefined : broker.replicas?.preferredReadReplica(request.topic, request.partition, opts.clientRack, request.fetchOffset);
    if (preferred !== undefined) {
      // No records: the consumer reads them from the replica in its rack.
      const data = { ...emptyPartitionData(request.partition, "NONE"), preferredReadReplica: preferred };
      data.highWatermark = log.highWatermark;
      data.lastStableOffset = log.lastStableOffset;
      data.logStartOffset = log.logStartOffset;
      results.push({ request, data, bytes: 0 });
      continue;
    }
    const maxBytes = Math.max(0, Math.min(request.maxBytes, budget));
    const read: ReadResult = await (early[i] ?? log.read(request.fetchOffset, maxBytes, readOptions(!haveData)));
    if ("error" in read) {
      const data = emptyPartitionData(request.partition, read.error);
      data.logStartOffset = read.logStartOffset;
      data.highWatermark = log.highWatermark;
      data.lastStableOffset = log.lastStableOffset;
      results.push({ request, data, bytes: 0 });
      continue;
    }
    const records = early[i] ? wholeBatchesWithin(read.records, maxBytes, !haveData) : read.records;
    const bytes = records.length;
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
        records,
      },
    });
  }
  return results;
}

/**
 * The longest prefix of whole batches in `records` within `maxBytes`; the first batch alone when
 * none fits and `minOneMessage`. What a read with these limits would have returned.
 */
export function wholeBatchesWithin(records: Buffer, maxBytes: number, minOneMessage: boolean): Buffer {
  let end = 0;
  while (records.length - end >= LOG_OVERHEAD) {
    const size = LOG_OVERHEAD + records.readInt32BE(end + BATCH.batchLength);
    if (end + size > records.length) break; // reads return whole batches; never cut past the bytes
    if (end + size > maxBytes) {
      if (end === 0 && minOneMessage) end = Math.min(size, records.length);
      break;
    }
    end += size;
  }
  return end === records.length ? records : records.subarray(0, end);
}
