// High-watermark checkpoints (Kafka's replication-offset-checkpoint) on a cluster of one dedicated
// controller and three brokers, one partition with three replicas: records the leader wrote but
// could never commit (its followers stalled) are, after a kill -9 and restart, above the high
// watermark it recovers from its checkpoint — a consumer reading from it (Fetch v12, as a
// follower-fetching consumer does) gets only the committed ones — and are cut from its log once it
// follows the leader elected meanwhile. Without the checkpoint it reopened with its high watermark
// at its log end and served them. Part of the cluster suite.
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { apiCall, KafkaConnection } from '../../broker/client/kafka-connection.js';
import { listOffsetsRequestMeta, writeListOffsetsRequest } from '../../broker/protocol/generated/list-offsets-request.gen.js';
import { readListOffsetsResponse } from '../../broker/protocol/generated/list-offsets-response.gen.js';
import { produceRequestMeta, writeProduceRequest } from '../../broker/protocol/generated/produce-request.gen.js';
import { readProduceResponse } from '../../broker/protocol/generated/produce-response.gen.js';
import { buildRecordBatch } from '../../broker/protocol/records.js';
import { readOffsetCheckpoint } from '../../broker/storage/checkpoint-file.js';
import { createTopicVia, electPreferredLeaders, fetchOnce, LocalCluster, partitionsSeenBy, RACKS, readPartition, type ClusterNode } from './local-cluster.js';

const PRODUCE = apiCall(produceRequestMeta, 9, writeProduceRequest, readProduceResponse);
const LIST_OFFSETS = apiCall(listOffsetsRequestMeta, 7, writeListOffsetsRequest, readListOffsetsResponse);
const TOPIC = 'hw';

async function withConnection<T>(node: ClusterNode, use: (conn: KafkaConnection) => Promise<T>): Promise<T> {
  const conn = await KafkaConnection.connect('127.0.0.1', node.port, { clientId: 'hw-test', timeoutMs: 2000 });
  try {
    return await use(conn);
  } finally {
    conn.close();
  }
}

/** Produces one batch of `values` to partition 0 at `node` with `acks`; the partition's error code. */
function produce(node: ClusterNode, values: string[], acks: number): Promise<number> {
  const records = buildRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v) })));
  return withConnection(node, async (conn) => {
    const res = await conn.send(PRODUCE, { transactionalId: null, acks, timeoutMs: 10_000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] }, 15_000);
    return res.responses[0]!.partitionResponses[0]!.errorCode;
  });
}

/** A consumer's ListOffsets latest at `node`: the high watermark, from a leader. */
function latestOffset(node: ClusterNode): Promise<{ errorCode: number; offset: bigint }> {
  return withConnection(node, async (conn) => {
    const res = await conn.send(
      LIST_OFFSETS,
      { replicaId: -1, isolationLevel: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }], timeoutMs: 5000 },
      5000,
    );
    const p = res.topics[0]!.partitions[0]!;
    return { errorCode: p.errorCode, offset: p.offset };
  });
}

/** A consumer's Fetch v12 of partition 0 from offset 0 at `node` (leader or not): what it answers. */
async function consumerFetch(node: ClusterNode, rackId: string): Promise<{ errorCode: number; highWatermark: bigint; values: string[] }> {
  const { errorCode, highWatermark, values } = await fetchOnce(node, TOPIC, 0, { version: 12, rackId });
  return { errorCode, highWatermark, values };
}

function checkpointedHighWatermark(node: ClusterNode): number | undefined {
  return readOffsetCheckpoint(join(node.dataDir, 'replication-offset-checkpoint')).get(`${TOPIC}-0`);
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('high watermark checkpoints', () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  test('a leader restarted after kill -9 resumes at its checkpointed high watermark, never serves its uncommitted tail, and truncates it', async () => {
    cluster = await LocalCluster.startDedicated({ controllers: 1, brokers: 3 }, [
      'broker.heartbeat.interval.ms=200',
      'broker.session.timeout.ms=4000',
      'replica.high.watermark.checkpoint.interval.ms=200',
      'auto.leader.rebalance.enable=false',
    ]);
    const [, b1, b2, b3] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode, ClusterNode];
    expect(await createTopicVia(b1, TOPIC, 1, 3)).toBe(0);
    await vi.waitFor(async () => expect((await partitionsSeenBy(b1, TOPIC))[0]!.isr).toHaveLength(3), { timeout: 30_000, interval: 100 });
    const { leader: leaderId, replicas } = (await partitionsSeenBy(b1, TOPIC))[0]!;
    // The preferred replica leads a new partition; it is asked to lead again at the end.
    expect(replicas[0]).toBe(leaderId);
    const leader = cluster.node(leaderId);
    const [f1, f2] = [b1, b2, b3].filter((n) => n.id !== leaderId) as [ClusterNode, ClusterNode];
    const leaderRack = RACKS[cluster.brokers.indexOf(leader)]!;

    const early = range('early', 10);
    expect(await produce(leader, early, -1)).toBe(0);
    await vi.waitFor(() => expect(checkpointedHighWatermark(leader)).toBe(10), { timeout: 10_000, interval: 50 });

    // The followers stall, still in the ISR. The first acks=1 write answers any fetch they had
    // waiting at the leader (so they may hold "pre" once they run again); nothing is fetched after it.
    f1.process!.child.kill('SIGSTOP');
    f2.process!.child.kill('SIGSTOP');
    try {
      expect(await produce(leader, ['pre'], 1)).toBe(0);
      const late = range('late', 5);
      expect(await produce(leader, late, 1)).toBe(0);
      expect(await latestOffset(leader)).toEqual({ errorCode: 0, offset: 10n });
      expect((await consumerFetch(leader, '')).values).toEqual(early);
      expect(checkpointedHighWatermark(leader)).toBe(10);
      await cluster.kill(leaderId);
    } finally {
      f1.process!.child.kill('SIGCONT');
    }
    // With the old leader and f2 fenced, f1 leads alone (it may have "pre": then that is committed).
    await vi.waitFor(async () => expect((await partitionsSeenBy(f1, TOPIC))[0]).toMatchObject({ leader: f1.id, isr: [f1.id] }), { timeout: 30_000, interval: 100 });
    const committed = (await readPartition(f1, TOPIC, 0)).map((r) => r.value);
    expect([early, [...early, 'pre']]).toContainEqual(committed);

    // The new leader stalls too, so the old leader comes back unable to follow anyone.
    f1.process!.child.kill('SIGSTOP');
    try {
      await cluster.restart(leaderId);
      const loaded = leader.process!.logs.find((l) => l.msg === 'log loaded' && l.topic === TOPIC);
      expect(loaded).toMatchObject({ logEndOffset: 16, highWatermark: 10 });
      // A follower-fetching consumer (v12, reading from a non-leader) sees the committed records only.
      expect(await consumerFetch(leader, leaderRack)).toEqual({ errorCode: 0, highWatermark: 10n, values: early });
    } finally {
      f1.process!.child.kill('SIGCONT');
    }

    // Back: the old leader follows f1, cuts what only it had, rejoins the ISR and leads again.
    await vi.waitFor(async () => expect([...(await partitionsSeenBy(f1, TOPIC))[0]!.isr].sort()).toEqual([leaderId, f1.id].sort()), { timeout: 30_000, interval: 100 });
    expect((await electPreferredLeaders(f1, TOPIC, [0])).get(0)).toBe(0);
    await vi.waitFor(async () => expect(await latestOffset(leader)).toEqual({ errorCode: 0, offset: BigInt(committed.length) }), { timeout: 30_000, interval: 100 });
    expect((await readPartition(leader, TOPIC, 0)).map((r) => r.value)).toEqual(committed);
    const after = range('after', 3);
    expect(await produce(leader, after, -1)).toBe(0);
    expect((await readPartition(leader, TOPIC, 0)).map((r) => r.value)).toEqual([...committed, ...after]);
    f2.process!.child.kill('SIGCONT');
  }, 300_000);
});
