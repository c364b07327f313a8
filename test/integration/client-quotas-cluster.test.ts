// Client quotas in a 3-node cluster: kafka-configs sent to a node that is not the quorum leader
// sets a quota (AlterClientQuotas forwarded to the active controller); every node then describes
// it from its own metadata image and enforces it — a CreateTopics over controller_mutation_rate
// is refused by a non-leader node with THROTTLING_QUOTA_EXCEEDED before anything is forwarded.
// Part of the cluster suite (one cluster test at a time).
import { afterAll, describe, expect, test, vi } from 'vitest';
import { apiCall, KafkaConnection } from '../../broker/client/kafka-connection.js';
import * as CreateTopicsReq from '../../broker/protocol/generated/create-topics-request.gen.js';
import * as CreateTopicsRes from '../../broker/protocol/generated/create-topics-response.gen.js';
import * as DescribeReq from '../../broker/protocol/generated/describe-client-quotas-request.gen.js';
import * as DescribeRes from '../../broker/protocol/generated/describe-client-quotas-response.gen.js';
import { errorCode } from '../../broker/protocol/errors.js';
import { kafkaTool } from './kafka-tool.js';
import { LocalCluster, type ClusterNode } from './local-cluster.js';

const DESCRIBE = apiCall(DescribeReq.describeClientQuotasRequestMeta, 1, DescribeReq.writeDescribeClientQuotasRequest, DescribeRes.readDescribeClientQuotasResponse);
const CREATE_TOPICS = apiCall(CreateTopicsReq.createTopicsRequestMeta, 7, CreateTopicsReq.writeCreateTopicsRequest, CreateTopicsRes.readCreateTopicsResponse);

async function withConnection<T>(node: ClusterNode, clientId: string, use: (conn: KafkaConnection) => Promise<T>): Promise<T> {
  const conn = await KafkaConnection.connect('127.0.0.1', node.port, { clientId, timeoutMs: 5000 });
  try {
    return await use(conn);
  } finally {
    conn.close();
  }
}

/** The quotas `node` describes for client id `clientId`, from its own image. */
function quotasSeenBy(node: ClusterNode, clientId: string): Promise<Record<string, number>> {
  return withConnection(node, 'quota-cluster-test', async (conn) => {
    const res = await conn.send(DESCRIBE, { components: [{ entityType: 'client-id', matchType: 0, match: clientId }], strict: true }, 10_000);
    expect(res.errorCode).toBe(0);
    return Object.fromEntries((res.entries?.[0]?.values ?? []).map((v) => [v.key, v.value]));
  });
}

describe('client quotas in a 3-node cluster', () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  test('set through a non-leader, described by every node, enforced by a non-leader', async () => {
    cluster = await LocalCluster.start(3, ['broker.heartbeat.interval.ms=200', 'broker.session.timeout.ms=2000']);
    const leader = (await cluster.quorumLeader()).node;
    const other = cluster.nodes.find((n) => n.id !== leader.id)!;

    const set = kafkaTool('org.apache.kafka.tools.ConfigCommand', [
      '--bootstrap-server', `127.0.0.1:${other.port}`,
      '--alter', '--add-config', 'controller_mutation_rate=1,producer_byte_rate=1048576', '--entity-type', 'clients', '--entity-name', 'quota-admin',
    ]);
    expect(set.status, `${set.stdout}\n${set.stderr}`).toBe(0);
    for (const node of cluster.nodes) {
      await vi.waitFor(async () => expect(await quotasSeenBy(node, 'quota-admin')).toEqual({ controller_mutation_rate: 1, producer_byte_rate: 1048576 }), { timeout: 30_000, interval: 200 });
    }

    await withConnection(other, 'quota-admin', async (conn) => {
      const create = (name: string) =>
        conn.send(CREATE_TOPICS, { topics: [{ name, numPartitions: 20, replicationFactor: 3, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false }, 60_000);
      // 11 tokens: the first request (20 partitions) is accepted whole and forwarded; the second is refused here.
      const first = await create('quota-cluster-1');
      expect(first.topics[0]!.errorCode).toBe(0);
      const second = await create('quota-cluster-2');
      expect(second.topics[0]!.errorCode).toBe(errorCode('THROTTLING_QUOTA_EXCEEDED'));
      expect(second.throttleTimeMs).toBeGreaterThan(8000);
    });

    const removed = kafkaTool('org.apache.kafka.tools.ConfigCommand', [
      '--bootstrap-server', `127.0.0.1:${leader.port}`,
      '--alter', '--delete-config', 'controller_mutation_rate,producer_byte_rate', '--entity-type', 'clients', '--entity-name', 'quota-admin',
    ]);
    expect(removed.status, removed.stderr).toBe(0);
    for (const node of cluster.nodes) {
      await vi.waitFor(async () => expect(await quotasSeenBy(node, 'quota-admin')).toEqual({}), { timeout: 30_000, interval: 200 });
    }
  }, 240_000);
});
