// Follower fetching (KIP-392) on a three-node cluster over racks a, b, c with Kafka's
// RackAwareReplicaSelector: the leader points a consumer in another broker's rack at that broker
// (preferredReadReplica, no records), the follower serves the records up to its high watermark,
// a consumer without a rack (or on a Fetch version before 11) reads from the leader only, and a
// KafkaJS consumer with rackId consumes everything by following the pointer. Part of the cluster suite.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { errorCode } from '../../broker/protocol/errors.js';
import { createTopicVia, fetchOnce, LocalCluster, partitionsSeenBy } from './local-cluster.js';

const RACK_OF = new Map([[1, 'a'], [2, 'b'], [3, 'c']]);

describe('follower fetching (client.rack)', () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  test('the leader points rack-aware consumers at the replica in their rack', async () => {
    cluster = await LocalCluster.start(3, ['replica.selector.class=org.apache.kafka.common.replica.RackAwareReplicaSelector']);
    await cluster.quorumLeader();
    const entry = cluster.nodes[0]!;
    expect(await createTopicVia(entry, 'near', 1, 3)).toBe(0);
    await vi.waitFor(async () => expect((await partitionsSeenBy(entry, 'near'))[0]!.isr).toHaveLength(3), { timeout: 30_000, interval: 100 });
    const bootstrap = cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
    const kafka = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const values = Array.from({ length: 100 }, (_, i) => `v${i}`);
    await producer.send({ topic: 'near', acks: -1, messages: values.map((value) => ({ value })) });
    await producer.disconnect();

    const { leader: leaderId } = (await partitionsSeenBy(entry, 'near'))[0]!;
    const leader = cluster.node(leaderId);
    const followerId = [1, 2, 3].find((id) => id !== leaderId)!;
    const follower = cluster.node(followerId);
    const rack = RACK_OF.get(followerId)!;

    const pointed = await fetchOnce(leader, 'near', 0, { version: 12, rackId: rack });
    expect(pointed).toMatchObject({ errorCode: 0, preferredReadReplica: followerId, values: [] });
    // In the leader's own rack, or with no rack, the leader serves the read itself.
    expect(await fetchOnce(leader, 'near', 0, { version: 12, rackId: RACK_OF.get(leaderId)! })).toMatchObject({ preferredReadReplica: -1, values });
    expect(await fetchOnce(leader, 'near', 0, { version: 12, rackId: '' })).toMatchObject({ preferredReadReplica: -1, values });
    // The follower serves up to its high watermark, which follows the leader's.
    await vi.waitFor(async () => expect((await fetchOnce(follower, 'near', 0, { version: 12, rackId: rack })).values).toEqual(values), { timeout: 10_000, interval: 100 });
    // Before v11 a consumer may only read from the leader.
    expect((await fetchOnce(follower, 'near', 0, { version: 10, rackId: '' })).errorCode).toBe(errorCode('NOT_LEADER_OR_FOLLOWER'));

    // A real client follows the pointer: from the leader alone it would get no records at all.
    const consumer = kafka.consumer({ groupId: 'near-readers', rackId: rack });
    await consumer.connect();
    await consumer.subscribe({ topics: ['near'], fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    try {
      await vi.waitFor(() => expect(seen).toHaveLength(100), { timeout: 60_000, interval: 100 });
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual(values);
  }, 300_000);
});
