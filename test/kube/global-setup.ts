// Once per kube run: build or find the Kubernetes binaries and etcd
// (test/tools/kube-tools.sh; a stat when cached, ~10-15 min on a fresh machine)
// and hand their paths to the test files.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { parseKeyValues, type KubeTools } from './api-server.js';

const repoRoot = new URL('../..', import.meta.url).pathname;

declare module 'vitest' {
  export interface ProvidedContext {
    kubeTools: KubeTools;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const child = spawn('bash', [join(repoRoot, 'test/tools/kube-tools.sh'), 'kube-binaries', 'etcd'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const code = await new Promise<number | null>((r) => child.once('close', r));
  if (code !== 0) throw new Error(`test/tools/kube-tools.sh kube-binaries etcd failed with ${code}`);
  const kv = parseKeyValues(out);
  if (!kv.KUBE_BIN_DIR || !kv.ETCD) throw new Error(`test/tools/kube-tools.sh printed no KUBE_BIN_DIR/ETCD:\n${out}`);
  project.provide('kubeTools', { KUBE_BIN_DIR: kv.KUBE_BIN_DIR, ETCD: kv.ETCD });
}
