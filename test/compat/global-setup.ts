// Once per compat run: make sure every client and driver is installed (fast
// on a warm cache), then find or start the broker under test.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startBroker, targetFromEnv, type BrokerUnderTest } from './broker-under-test.js';
import { repoRoot, type Tools } from './drivers.js';
import type { CompatContext } from './context.js';

async function installTools(): Promise<Tools> {
  const child = spawn('bash', [join(repoRoot, 'test/tools/install.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const code = await new Promise<number | null>((r) => child.once('close', r));
  if (code !== 0) throw new Error(`test/tools/install.sh failed with ${code}`);
  const tools: Tools = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) tools[line.slice(0, i)] = line.slice(i + 1);
  }
  return tools;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The KafkaJS driver is TypeScript run by Node's type stripping (Node >= 24, the repo's engine).
  if (Number(process.versions.node.split('.')[0]) < 24) {
    throw new Error(`compat suite needs Node >= 24, this is ${process.version}: run it through npm (npm exec -- vitest ...) so node_modules/.bin/node comes first`);
  }
  const tools = await installTools();
  let broker: BrokerUnderTest | undefined;
  let bootstrap = process.env.COMPAT_BOOTSTRAP;
  let target = process.env.COMPAT_BOOTSTRAP ? 'external' : targetFromEnv();
  if (!bootstrap) {
    broker = await startBroker(targetFromEnv());
    bootstrap = broker.bootstrap;
    target = broker.target;
  }
  const ctx: CompatContext = { bootstrap, target, tools, brokerLog: broker?.logFile ?? null };
  project.provide('compat', ctx);
  process.stderr.write(`[compat] target=${target} bootstrap=${bootstrap}${broker ? ` log=${broker.logFile}` : ''}\n`);
  return async () => {
    await broker?.stop();
  };
}
