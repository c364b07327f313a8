// Committed offsets survive a broker restart: a consumer group commits part of a
// topic, the broker is stopped and started again on the same data directory and
// port, and the group resumes exactly where it committed — nothing skipped,
// nothing read twice. Each client gets its own broker, so the shared one of the
// other files is never restarted under them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { freePort } from '../kafka/probe.js';
import { startBroker, type BrokerUnderTest, type Target } from './broker-under-test.js';
import { expectProduced } from './checks.js';
import { compatContext, uniqueName } from './context.js';
import { CLIENTS, runDriver, type ArgValue, type Client, type Line } from './drivers.js';

const ctx = compatContext();
const PARTITIONS = 3;
const COUNT = 3_000;
const BEFORE_RESTART = 1_200;
const COMMIT_EVERY = 300;

/** Per partition: the committed offset, which is also how many records were read there (logs start at 0). */
function committedOffsets(consumed: Line): Record<string, number> {
  expect(consumed.stopped).toBe('done');
  return consumed.committed as Record<string, number>;
}

describe.skipIf(!ctx || ctx.target === 'external')('committed offsets survive a broker restart', () => {
  const { tools, target } = ctx!;
  const work = mkdtempSync(join(tmpdir(), 'millrace-restart-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const client of CLIENTS) {
    test(client, async () => {
      const dir = join(work, client);
      const port = await freePort();
      let broker: BrokerUnderTest | undefined = await startBroker(target as Target, { dir, port });
      try {
        const topic = uniqueName(`restart-${client}`);
        const group = uniqueName(`restart-${client}`);
        const run = (command: string, args: Record<string, ArgValue> = {}) =>
          runDriver(client as Client, command, { bootstrap: broker!.bootstrap, topic, ...args }, tools);

        await run('create-topic', { partitions: PARTITIONS });
        const produced = await run('produce', { count: COUNT, seed: topic });
        expectProduced(produced.result, COUNT);

        const first = await run('consume', { group, count: BEFORE_RESTART, 'commit-every': COMMIT_EVERY, seed: topic, 'timeout-ms': 60_000 });
        expect(first.result!.mismatches).toBe(0);
        expect(first.result!.total).toBe(BEFORE_RESTART);
        const committed = committedOffsets(first.result!);
        expect(Object.values(committed).reduce((a, b) => a + b, 0)).toBe(BEFORE_RESTART);

        await broker.stop();
        broker = undefined;
        broker = await startBroker(target as Target, { dir, port });

        const second = await run('consume', { group, count: COUNT - BEFORE_RESTART, seed: topic, 'timeout-ms': 60_000 });
        expect(second.result!.mismatches).toBe(0);
        expect(second.result!.total).toBe(COUNT - BEFORE_RESTART);
        expect(second.result!.duplicates).toBe(0);
        // Each partition resumes at its committed offset and reads to the end of what was produced.
        for (const [p, acked] of Object.entries(produced.result!.partitions as Record<string, { count: number; last: number }>)) {
          const resumed = second.result!.partitions[p] as { count: number; first: number; last: number } | undefined;
          const from = committed[p] ?? 0;
          if (from === acked.count) {
            expect(resumed, `partition ${p} was read to the end before the restart`).toBeUndefined();
          } else {
            expect(resumed, `partition ${p}`).toMatchObject({ first: from, last: acked.last, count: acked.count - from });
          }
        }
      } finally {
        await broker?.stop();
      }
    });
  }
});
