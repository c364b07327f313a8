// unclean.leader.election.enable on a three-node cluster: a partition whose only in-sync replica
// died stays offline while its out-of-sync replica is back (unclean election is off by default);
// enabling it for the topic makes that replica the leader with the records it had (the ones only
// the dead replica held are lost, as the setting says), and the old leader, restarted, truncates
// its divergent tail and follows. Part of the cluster suite.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { brokersSeenBy, createTopicVia, LocalCluster, partitionsSeenBy, readPartition } from './local-cluster.js';

describe('unclean leader election', () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  test('off unless enabled; when enabled an out-of-sync replica leads', async () => {
    cluster = await LocalCluster.start(3, ['broker.heartbeat.interval.ms=200', 'broker.session.timeout.ms=2000', 'replica.lag.time.max.ms=2000']);
    await cluster.quorumLeader();
    const entry = cluster.nodes[0]!;
    expect(await createTopicVia(entry, 'fragile', 1, 2)).toBe(0);
    await vi.waitFor(async () => expect((await partitionsSeenBy(entry, 'fragile'))[0]!.isr).toHaveLength(2), { timeout: 30_000, interval: 100 });
    const [leaderId, followerId] = (await partitionsSeenBy(entry, 'fragile'))[0]!.replicas as [number, number];
    const witness = cluster.node([1, 2, 3].find((id) => id !== leaderId && id !== followerId)!);
    await vi.waitFor(async () => expect((await partitionsSeenBy(witness, 'fragile'))[0]!.leader).toBe(leaderId), { timeout: 30_000, interval: 100 });

    const kafka = new Kafka({ brokers: [`127.0.0.1:${witness.port}`], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const send = (values: string[]) => producer.send({ topic: 'fragile', acks: -1, messages: values.map((value) => ({ value })) });
    const early = Array.from({ length: 10 }, (_, i) => `early-${i}`);
    await send(early);
    // The follower stalls (SIGSTOP) and leaves the ISR; later records reach the leader only.
    // (Stalled rather than stopped: with the leader gone too, two of three voters must remain.)
    const follower = cluster.node(followerId).process!.child;
    follower.kill('SIGSTOP');
    try {
      await vi.waitFor(async () => expect((await partitionsSeenBy(witness, 'fragile'))[0]!.isr).toEqual([leaderId]), { timeout: 30_000, interval: 100 });
      await send(Array.from({ length: 10 }, (_, i) => `late-${i}`));
      await producer.disconnect();
      await cluster.kill(leaderId);
    } finally {
      follower.kill('SIGCONT');
    }
    await vi.waitFor(async () => expect((await partitionsSeenBy(witness, 'fragile'))[0]!.leader).toBe(-1), { timeout: 30_000, interval: 100 });
    await vi.waitFor(async () => expect((await brokersSeenBy(witness)).map(([id]) => id)).toContain(followerId), { timeout: 30_000, interval: 100 });
    // Back and unfenced, but out of sync: by default it does not lead.
    expect((await partitionsSeenBy(witness, 'fragile'))[0]).toMatchObject({ leader: -1, isr: [leaderId] });

    const admin = kafka.admin();
    await admin.connect();
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'fragile', configEntries: [{ name: 'unclean.leader.election.enable', value: 'true' }] }] });
    await admin.disconnect();
    await vi.waitFor(async () => expect((await partitionsSeenBy(witness, 'fragile'))[0]).toMatchObject({ leader: followerId, isr: [followerId] }), { timeout: 30_000, interval: 100 });
    expect((await readPartition(cluster.node(followerId), 'fragile', 0)).map((r) => r.value)).toEqual(early);

    // The old leader returns, drops what only it had and follows.
    await cluster.restart(leaderId);
    await vi.waitFor(async () => expect([...(await partitionsSeenBy(witness, 'fragile'))[0]!.isr].sort()).toEqual([leaderId, followerId].sort()), { timeout: 30_000, interval: 100 });
    await vi.waitFor(async () => expect((await readPartition(cluster!.node(leaderId), 'fragile', 0)).map((r) => r.value)).toEqual(early), { timeout: 10_000, interval: 100 });
  }, 300_000);
});
