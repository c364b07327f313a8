// Idempotent producers that are forced to retry. The fault proxy lets the
// broker append a batch but keeps the acknowledgement from the client (cut
// connection, or a response held past the request timeout); the client
// resends the same producer id and sequence, and the broker must answer with
// the original offsets instead of writing the batch twice.
import { afterEach, describe, expect, test } from 'vitest';
import { expectConsumedAsProduced, expectProduced } from './checks.js';
import { compatContext, uniqueName } from './context.js';
import { CLIENTS, runDriver, type ArgValue, type Client } from './drivers.js';
import { startFaultProxy, type FaultProxy, type ResponseFault } from './fault-proxy.js';

const ctx = compatContext();
const COUNT = 20_000;

interface Case {
  name: string;
  client: Client;
  fault: (n: number) => ResponseFault;
  args?: Record<string, ArgValue>;
}

// Produce responses 3, 8, 13, 18 are swallowed and the connection cut.
const dropSome = (n: number): ResponseFault => (n % 5 === 3 && n <= 18 ? 'drop' : 'pass');

const cases: Case[] = [
  ...CLIENTS.map((client): Case => ({ name: `${client}: acknowledgements lost with the connection`, client, fault: dropSome })),
  {
    // The plain timeout path: the response arrives, but after the client gave up on it.
    name: 'java: acknowledgements late past request.timeout.ms',
    client: 'java',
    fault: (n) => (n === 4 || n === 9 ? { delayMs: 2_500 } : 'pass'),
    args: { 'request-timeout-ms': 1_000, 'delivery-timeout-ms': 60_000 },
  },
];

describe.skipIf(!ctx)('idempotent producer under injected retries', () => {
  const { bootstrap, tools } = ctx!;
  let proxy: FaultProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  for (const c of cases) {
    test(c.name, async () => {
      const topic = uniqueName(`idem-${c.client}`);
      await runDriver('franz', 'create-topic', { bootstrap, topic, partitions: 3 }, tools);
      proxy = await startFaultProxy({ upstream: bootstrap, produceResponse: c.fault });
      const p = await runDriver(
        c.client, 'produce',
        // Small batches make enough Produce requests for the faults to land on.
        { bootstrap: proxy.address, topic, count: COUNT, codec: 'lz4', seed: topic, idempotent: true, 'batch-size': 16_384, ...c.args },
        tools, 150_000,
      );
      expectProduced(p.result, COUNT);
      expect(proxy.stats.metadataRewrites, 'the client should have been steered through the proxy').toBeGreaterThan(0);
      expect(proxy.stats.dropped + proxy.stats.delayed, `faults should have been injected: ${JSON.stringify(proxy.stats)}`).toBeGreaterThan(0);

      // Read back directly from the broker, by a different client than the writer.
      const reader: Client = c.client === 'java' ? 'franz' : 'java';
      const r = await runDriver(reader, 'consume', { bootstrap, topic, count: COUNT, seed: topic, 'timeout-ms': 60_000 }, tools);
      expectConsumedAsProduced(r.result, p.result!, COUNT);
    });
  }

  // Control: the same faults without idempotence must show up as duplicates,
  // or the tests above would prove nothing.
  test('control: java without idempotence writes the retried batches twice', async () => {
    const topic = uniqueName('idem-control');
    await runDriver('franz', 'create-topic', { bootstrap, topic, partitions: 3 }, tools);
    proxy = await startFaultProxy({ upstream: bootstrap, produceResponse: dropSome });
    const p = await runDriver(
      'java', 'produce',
      { bootstrap: proxy.address, topic, count: COUNT, codec: 'lz4', seed: topic, 'no-idempotent': true, 'batch-size': 16_384 },
      tools, 150_000,
    );
    expectProduced(p.result, COUNT);
    expect(proxy.stats.dropped).toBeGreaterThan(0);
    // The log holds more records than were acknowledged; read all of them.
    const ends = await runDriver('franz', 'list-offsets', { bootstrap, topic, timestamp: 'latest' }, tools);
    const inLog = Object.values(ends.result!.partitions as Record<string, { offset: number }>).reduce((n, x) => n + x.offset, 0);
    expect(inLog).toBeGreaterThan(COUNT);
    const r = await runDriver('franz', 'consume', { bootstrap, topic, count: inLog, seed: topic, 'timeout-ms': 60_000 }, tools);
    expect(r.result!.mismatches).toBe(0);
    expect(r.result!.unique).toBe(COUNT);
    expect(r.result!.duplicates).toBe(inLog - COUNT);
  });
});
