// The operator process (dist/operator/main.js, built by `npm run build`) against a
// real API server: it starts with KUBECONFIG, takes the Lease, serves /healthz,
// /readyz and /metrics, and on SIGTERM exits 0 having released the Lease.
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApiServer, type ApiServer } from './api-server.js';
import { kubeConfigFor, until } from './runtime-helpers.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const mainJs = `${repoRoot}dist/operator/main.js`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

describe('operator process (dist/operator/main.js)', () => {
  let api: ApiServer;
  let child: ChildProcess | undefined;
  let out = '';

  beforeAll(async () => {
    if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: run \`npm run build\` first`);
    api = await startApiServer({ tools: inject('kubeTools') });
    await kubeConfigFor(api.kubeconfigPath).makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'millrace' } } });
    // The registered controllers watch the operator's kinds: their caches sync only once the CRDs exist.
    await api.kubectl(['apply', '-f', `${repoRoot}crds`]);
    await api.kubectl(['wait', '--for', 'condition=Established', '--timeout=60s', 'crd', '--all']);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await api?.stop();
  });

  it('leads, serves its endpoints, and on SIGTERM releases the Lease and exits 0', async () => {
    const port = await freePort();
    child = spawn(process.execPath, [mainJs], {
      env: { ...process.env, KUBECONFIG: api.kubeconfigPath, POD_NAME: 'op-main-0', POD_NAMESPACE: 'millrace', MILLRACE_HEALTH_PORT: String(port), MILLRACE_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    const base = `http://127.0.0.1:${port}`;
    try {
      await until('/readyz 200', async () => (await fetch(`${base}/readyz`)).status === 200, 30_000, 100);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const coordination = kubeConfigFor(api.kubeconfigPath).makeApiClient(CoordinationV1Api);
      await until('the Lease held by op-main-0', async () => (await coordination.readNamespacedLease({ namespace: 'millrace', name: 'millrace-operator' })).spec?.holderIdentity === 'op-main-0');
      await until('leader status in /metrics', async () => /leader_election_master_status\{name="millrace-operator"\} 1/.test(await (await fetch(`${base}/metrics`)).text()));

      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running after 15 s'), 15_000))]);
      expect(code).toBe(0);
      const lease = await coordination.readNamespacedLease({ namespace: 'millrace', name: 'millrace-operator' });
      expect(lease.spec?.holderIdentity ?? '').toBe('');
      expect(out).toMatch(/"msg":"became leader"/);
      expect(out).toMatch(/"msg":"lease released"/);
    } catch (e) {
      process.stderr.write(`--- operator output:\n${out}\n`);
      throw e;
    }
  });
});
