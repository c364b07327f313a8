// Runs one of Kafka's command-line tools by class name (test/kafka/run-class.sh, with the jars the
// cluster suite's global setup installs) and returns what it printed.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const RUN_CLASS = resolve(import.meta.dirname, '../kafka/run-class.sh');

export function kafkaTool(cls: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [RUN_CLASS, cls, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
