// Once per kube run: build or find the Kubernetes binaries, etcd and helm
// (test/tools/kube-tools.sh; a stat when cached, ~10-15 min on a fresh machine,
// helm ~2 min more) and hand their paths to the test files.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { parseKeyValues, type KubeTools } from './api-server.js';

const repoRoot = new URL('../..', import.meta.url).pathname;

declare module 'vitest' {
  export interface ProvidedContext {
    kubeTools: KubeTools;
    /** The helm binary (helm-chart.test.ts). */
    helm: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const child = spawn('bash', [join(repoRoot, 'test/tools/kube-tools.sh'), 'kube-binaries', 'etcd', 'helm'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const code = await new Promise<number | null>((r) => child.once('close', r));
  if (code !== 0) throw new Error(`test/tools/kube-tools.sh kube-binaries etcd helm failed with ${code}`);
  const kv = parseKeyValues(out);
  if (!kv.KUBE_BIN_DIR || !kv.ETCD || !kv.HELM) throw new Error(`test/tools/kube-tools.sh printed no KUBE_BIN_DIR/ETCD/HELM:\n${out}`);
  project.provide('kubeTools', { KUBE_BIN_DIR: kv.KUBE_BIN_DIR, ETCD: kv.ETCD });
  project.provide('helm', kv.HELM);
}
