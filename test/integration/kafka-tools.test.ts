// Kafka's own command-line tools (kafka-tools 4.4.0, run by class name) against a three-node
// Millrace cluster (test/integration/local-cluster.ts: combined nodes on racks a, b, c):
// kafka-topics --create/--describe shows replicas spread over the racks; kafka-metadata-quorum
// describe --status reports the leader and three voters; kafka-leader-election moves a partition
// back to its preferred replica. Part of the cluster suite (one cluster test at a time); its
// global setup installs the Java tools (test/tools/install.sh java-clients, cached).
import { afterAll, describe, expect, test, vi } from 'vitest';
import { LocalCluster, partitionsSeenBy } from './local-cluster.js';
import { kafkaTool } from './kafka-tool.js';

describe('Kafka tools against a 3-node cluster', () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  test('kafka-topics, kafka-metadata-quorum and kafka-leader-election', async () => {
    cluster = await LocalCluster.start(3, ['broker.heartbeat.interval.ms=200', 'broker.session.timeout.ms=2000']);
    await cluster.quorumLeader();
    const bootstrap = cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');

    const created = kafkaTool('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', bootstrap, '--create', '--topic', 'tools', '--partitions', '6', '--replication-factor', '3']);
    expect(created.status, created.stderr).toBe(0);
    // Every node replicates the topic's metadata before --describe asks any of them.
    for (const n of cluster.nodes) await vi.waitFor(() => partitionsSeenBy(n, 'tools'), { timeout: 30_000, interval: 100 });
    const described = kafkaTool('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', bootstrap, '--describe', '--topic', 'tools']);
    expect(described.status, described.stderr).toBe(0);
    const rows = described.stdout.split('\n').filter((l) => /Partition:\s*\d/.test(l));
    expect(rows).toHaveLength(6);
    const rackOf = new Map([[1, 'a'], [2, 'b'], [3, 'c']]);
    for (const row of rows) {
      const replicas = /Replicas:\s*([\d,]+)/.exec(row)![1]!.split(',').map(Number);
      expect(new Set(replicas.map((id) => rackOf.get(id))).size).toBe(3);
    }

    const quorum = kafkaTool('org.apache.kafka.tools.MetadataQuorumCommand', ['--bootstrap-server', bootstrap, 'describe', '--status']);
    expect(quorum.status, quorum.stderr).toBe(0);
    expect(quorum.stdout).toMatch(/LeaderId:\s*[123]/);
    expect(quorum.stdout).toMatch(/CurrentVoters:\s*\[.*"id":\s*1.*"id":\s*2.*"id":\s*3/s);

    // Move partition 0's leadership away (its preferred leader is killed), then elect it back.
    const before = await partitionsSeenBy(cluster.nodes[0]!, 'tools');
    const preferred = before[0]!.replicas[0]!;
    // (kill -9: a clean stop of a partition leader under this suite's load once took over 30 s —
    // an open bug in the issue notes; this test is about the tools.)
    await cluster.kill(preferred);
    const survivor = cluster.running[0]!;
    await vi.waitFor(async () => expect((await partitionsSeenBy(survivor, 'tools'))[0]!.leader).not.toBe(preferred), { timeout: 30_000, interval: 100 });
    await cluster.restart(preferred);
    await vi.waitFor(async () => expect((await partitionsSeenBy(survivor, 'tools'))[0]!.isr).toContain(preferred), { timeout: 30_000, interval: 200 });
    const elected = kafkaTool('org.apache.kafka.tools.LeaderElectionCommand', ['--bootstrap-server', bootstrap, '--election-type', 'PREFERRED', '--topic', 'tools', '--partition', '0']);
    expect(elected.status, `${elected.stdout}\n${elected.stderr}`).toBe(0);
    expect(elected.stdout).toMatch(/Successfully completed leader election \(PREFERRED\) for partitions tools-0/);
    await vi.waitFor(async () => expect((await partitionsSeenBy(survivor, 'tools'))[0]!.leader).toBe(preferred), { timeout: 30_000, interval: 100 });
  }, 300_000);
});
