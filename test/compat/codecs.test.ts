// Every client produces 100,000 keyed records with headers under every codec;
// a different client reads them back in a consumer group and must see the
// same bytes at the same offsets, in order, with nothing lost or repeated.
import { describe, expect, test } from 'vitest';
import { expectConsumedAsProduced, expectProduced } from './checks.js';
import { compatContext, uniqueName } from './context.js';
import { CLIENTS, CODECS, runDriver } from './drivers.js';

const ctx = compatContext();
const COUNT = 100_000;

describe.skipIf(!ctx)('codecs: 100,000 records per codec, produced by one client, consumed by another', () => {
  const { bootstrap, tools } = ctx!;
  CODECS.forEach((codec, ci) => {
    CLIENTS.forEach((producer, pi) => {
      // Rotating the reader per codec pairs each producer with all three other clients.
      const consumer = CLIENTS[(pi + 1 + (ci % 3)) % CLIENTS.length]!;
      test(`${codec}: ${producer} -> ${consumer}`, async () => {
        const topic = uniqueName(`codec-${codec}-${producer}`);
        await runDriver(producer, 'create-topic', { bootstrap, topic, partitions: 6 }, tools);
        const p = await runDriver(producer, 'produce', { bootstrap, topic, count: COUNT, codec, seed: topic }, tools);
        expectProduced(p.result, COUNT);
        expect(Object.keys(p.result!.partitions).length, 'records should spread over all 6 partitions').toBe(6);
        const c = await runDriver(
          consumer, 'consume',
          { bootstrap, topic, group: uniqueName('codec'), count: COUNT, seed: topic, 'timeout-ms': 120_000 },
          tools, 150_000,
        );
        expectConsumedAsProduced(c.result, p.result!, COUNT);
      });
    });
  });
});
