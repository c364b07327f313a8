// Partition reassignment (KIP-455) with Kafka's own kafka-reassign-partitions (kafka-tools 4.4.0,
// run by class name) against a three-node Millrace cluster: --execute moves two partitions (one
// of them off its leader) under a generous --throttle, --verify reports completion and lifts the
// throttles, the moved replicas hold every record and lead; a reassignment throttled to 1 kB/s
// stays in --list until --cancel returns the partition to its replicas. Part of the cluster suite.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { LocalCluster, partitionsSeenBy, readPartition, type ClusterNode } from './local-cluster.js';
import { kafkaTool } from './kafka-tool.js';

const REASSIGN = 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand';

async function topicConfigs(kafka: Kafka, topic: string): Promise<Record<string, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({ resources: [{ type: 2, name: topic }], includeSynonyms: false });
    return Object.fromEntries(resources[0]!.configEntries.filter((e) => !e.isDefault).map((e) => [e.configName, e.configValue]));
  } finally {
    await admin.disconnect();
  }
}

function reassignmentFile(partitions: { topic: string; partition: number; replicas: number[] }[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'millrace-reassign-')), 'reassignment.json');
  writeFileSync(file, JSON.stringify({ version: 1, partitions }));
  return file;
}

describe('partition reassignment with kafka-reassign-partitions', () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  test('--execute moves replicas, --verify completes, --cancel reverts', async () => {
    // Small follower fetches, so a throttled catch-up takes several rounds.
    cluster = await LocalCluster.start(3, ['broker.heartbeat.interval.ms=200', 'broker.session.timeout.ms=2000', 'replica.fetch.max.bytes=65536']);
    await cluster.quorumLeader();
    const bootstrap = cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
    const created = kafkaTool('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', bootstrap, '--create', '--topic', 'moving', '--replica-assignment', '1:2,2:3']);
    expect(created.status, created.stderr).toBe(0);
    const entry = cluster.nodes[0]!;
    await vi.waitFor(async () => expect((await partitionsSeenBy(entry, 'moving')).map((p) => p.isr.length)).toEqual([2, 2]), { timeout: 30_000, interval: 100 });

    const kafka = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = new Map<number, string[]>([[0, []], [1, []]]);
    for (let batch = 0; batch < 20; batch++) {
      const messages = Array.from({ length: 100 }, (_, i) => ({ partition: i % 2, value: `r${batch * 100 + i}-${'x'.repeat(200)}` }));
      await producer.send({ topic: 'moving', acks: -1, messages });
      for (const m of messages) sent.get(m.partition)!.push(m.value);
    }
    await producer.disconnect();

    // Partition 0 leaves its leader (1) for broker 3; partition 1 trades 2 for 1.
    const plan = reassignmentFile([
      { topic: 'moving', partition: 0, replicas: [3, 2] },
      { topic: 'moving', partition: 1, replicas: [1, 3] },
    ]);
    const executed = kafkaTool(REASSIGN, ['--bootstrap-server', bootstrap, '--reassignment-json-file', plan, '--execute', '--throttle', '50000000']);
    expect(executed.status, `${executed.stdout}\n${executed.stderr}`).toBe(0);
    expect(executed.stdout).toContain('Successfully started partition reassignments for moving-0,moving-1');
    let verified = '';
    await vi.waitFor(
      () => {
        const v = kafkaTool(REASSIGN, ['--bootstrap-server', bootstrap, '--reassignment-json-file', plan, '--verify']);
        verified = `${v.stdout}\n${v.stderr}`;
        expect(v.stdout).toContain('Reassignment of partition moving-0 is completed.');
        expect(v.stdout).toContain('Reassignment of partition moving-1 is completed.');
      },
      { timeout: 60_000, interval: 500 },
    );
    expect(verified).not.toContain('still in progress');
    // Complete: --verify lifts the throttles --execute set.
    expect(verified).toContain('Clearing broker-level throttles on brokers 1,2,3');
    expect(verified).toContain('Clearing topic-level throttles on topic moving');
    // (Every node applies the deletion once the quorum commits it; describeConfigs asks any.)
    await vi.waitFor(async () => expect(await topicConfigs(kafka, 'moving')).not.toHaveProperty('leader.replication.throttled.replicas'), { timeout: 10_000, interval: 100 });
    const after = await partitionsSeenBy(entry, 'moving');
    expect(after.map((p) => ({ replicas: p.replicas, leader: p.leader, isr: [...p.isr].sort() }))).toEqual([
      { replicas: [3, 2], leader: 3, isr: [2, 3] },
      { replicas: [1, 3], leader: 1, isr: [1, 3] },
    ]);
    // The new leaders are the moved replicas: what they serve is their own copy, complete.
    for (const p of after) {
      const leader: ClusterNode = cluster.node(p.leader);
      expect((await readPartition(leader, 'moving', p.partition)).map((r) => r.value)).toEqual(sent.get(p.partition));
    }

    // Throttled to 1 kB/s, a replica of ~200 kB in 64 kB fetches cannot catch up: the reassignment
    // is listed as ongoing (with the throttles in place), then cancelled.
    const stuck = reassignmentFile([{ topic: 'moving', partition: 1, replicas: [1, 2] }]);
    const stuckRun = kafkaTool(REASSIGN, ['--bootstrap-server', bootstrap, '--reassignment-json-file', stuck, '--execute', '--throttle', '1000']);
    expect(stuckRun.status, `${stuckRun.stdout}\n${stuckRun.stderr}`).toBe(0);
    await vi.waitFor(async () => expect((await topicConfigs(kafka, 'moving'))['follower.replication.throttled.replicas']).toContain('1:2'), { timeout: 10_000, interval: 100 });
    const listed = kafkaTool(REASSIGN, ['--bootstrap-server', bootstrap, '--list']);
    expect(listed.stdout, listed.stderr).toMatch(/moving-1: replicas: 1,2,3\. adding: 2\. removing: 3\./);
    // Still throttled a moment later: broker 2 has not caught up.
    expect((await partitionsSeenBy(entry, 'moving'))[1]!.isr).not.toContain(2);
    const cancelled = kafkaTool(REASSIGN, ['--bootstrap-server', bootstrap, '--reassignment-json-file', stuck, '--cancel']);
    expect(cancelled.status, `${cancelled.stdout}\n${cancelled.stderr}`).toBe(0);
    expect(cancelled.stdout).toMatch(/Successfully cancelled partition reassignments? for: moving-1/);
    await vi.waitFor(async () => expect((await partitionsSeenBy(entry, 'moving'))[1]!.replicas).toEqual([1, 3]), { timeout: 30_000, interval: 100 });
    expect(kafkaTool(REASSIGN, ['--bootstrap-server', bootstrap, '--list']).stdout).toContain('No partition reassignments found.');
    expect((await readPartition(cluster.node(1), 'moving', 1)).map((r) => r.value)).toEqual(sent.get(1));
  }, 300_000);
});
