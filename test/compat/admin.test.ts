// Admin operations through each client's own admin API: create a topic with
// a config, find offsets by time, delete records, read and change configs.
import { describe, expect, test } from 'vitest';
import { expectProduced } from './checks.js';
import { compatContext, uniqueName } from './context.js';
import { CAPS, CLIENTS, runDriver } from './drivers.js';

const ctx = compatContext();
const COUNT = 1_000;

describe.skipIf(!ctx)('admin', () => {
  const { bootstrap, tools, target } = ctx!;
  for (const client of CLIENTS) {
    test(client, async () => {
      const topic = uniqueName(`admin-${client}`);
      const run = (command: string, args: Record<string, string | number | boolean | string[] | undefined> = {}) =>
        runDriver(client, command, { bootstrap, topic, ...args }, tools);

      await run('create-topic', { partitions: 3, config: ['retention.ms=86400000'] });
      const md = await run('metadata');
      expect(md.result!.topics[topic]).toEqual({ partitions: 3 });
      if (target !== 'external') {
        expect(md.result!.brokers.map((b: { host: string; port: number }) => `${b.host}:${b.port}`)).toContain(bootstrap);
      }

      // Record i of partition 0 carries timestamp base + i, so offsets by time are known exactly.
      const base = Date.now() - 3_600_000;
      const p = await run('produce', { count: COUNT, seed: topic, partition: 0, 'timestamp-base': base });
      expectProduced(p.result, COUNT);
      expect(p.result!.partitions['0']).toMatchObject({ count: COUNT, first: 0, last: COUNT - 1 });

      const byTime = await run('list-offsets', { timestamp: base + 500, partition: 0 });
      expect(byTime.result!.partitions['0'].offset).toBe(500);
      if (CAPS[client].listOffsetsTimestamp) expect(byTime.result!.partitions['0'].timestamp).toBe(base + 500);
      const latest = await run('list-offsets', { timestamp: 'latest' });
      expect(Object.fromEntries(Object.entries(latest.result!.partitions).map(([k, v]) => [k, (v as { offset: number }).offset])))
        .toEqual({ 0: COUNT, 1: 0, 2: 0 });

      const del = await run('delete-records', { partition: 0, offset: 300 });
      expect(del.result!.lowWatermark).toBe(300);
      const earliest = await run('list-offsets', { timestamp: 'earliest', partition: 0 });
      expect(earliest.result!.partitions['0'].offset).toBe(300);
      // Reading from the start now begins at 300, with the timestamps checked per record.
      const c = await run('consume', { count: COUNT - 300, seed: topic, 'timestamp-base': base, 'timeout-ms': 60_000 });
      expect(c.result!.mismatches).toBe(0);
      expect(c.result!.partitions['0']).toMatchObject({ count: COUNT - 300, first: 300, last: COUNT - 1 });

      const d1 = await run('describe-configs');
      expect(d1.result!.configs['retention.ms']).toBe('86400000');
      expect(d1.result!.dynamic).toContain('retention.ms');

      await run('alter-configs', { set: ['retention.ms=3600000', 'max.message.bytes=2000000'] });
      const d2 = await run('describe-configs');
      expect(d2.result!.configs['retention.ms']).toBe('3600000');
      expect(d2.result!.configs['max.message.bytes']).toBe('2000000');
      expect(d2.result!.dynamic).toEqual(expect.arrayContaining(['retention.ms', 'max.message.bytes']));

      if (CAPS[client].incrementalAlterConfigs) {
        // IncrementalAlterConfigs: removing one key leaves the others alone.
        await run('alter-configs', { delete: 'max.message.bytes' });
        const d3 = await run('describe-configs');
        expect(d3.result!.dynamic).not.toContain('max.message.bytes');
        expect(d3.result!.configs['retention.ms']).toBe('3600000');
      } else {
        // Legacy AlterConfigs replaces the whole set: what is not named goes back to its default.
        await run('alter-configs', { set: ['max.message.bytes=3000000'] });
        const d3 = await run('describe-configs');
        expect(d3.result!.configs['max.message.bytes']).toBe('3000000');
        expect(d3.result!.dynamic).not.toContain('retention.ms');
      }
    });
  }
});
