// A real Kubernetes API server for fast integration tests: etcd + kube-apiserver
// as two local processes, no kubelet, no nodes, no containers. Starts in a few
// seconds once the binaries are cached (test/tools/kube-tools.sh builds them).
//
//   const api = await startApiServer();
//   const kc = new KubeConfig(); kc.loadFromFile(api.kubeconfigPath);
//   ...
//   await api.stop();
//
// Nothing runs controllers unless `controllerManager: true` is asked for: then
// kube-controller-manager adds garbage collection (ownerReferences), namespace
// deletion, default service accounts, Deployment/StatefulSet -> Pod objects
// (pods never run: there is no node).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const repoRoot = new URL('../..', import.meta.url).pathname;

export interface KubeTools {
  /** Folder with kube-apiserver, kubectl, kube-controller-manager, ... */
  KUBE_BIN_DIR: string;
  /** The etcd binary. */
  ETCD: string;
}

export interface ApiServerOptions {
  /** Where the binaries are; default: $KUBE_BIN_DIR and $ETCD, else test/tools/kube-tools.sh. */
  tools?: KubeTools;
  /** Also run kube-controller-manager (garbage collector, namespace deletion, ...). Default false. */
  controllerManager?: boolean;
  /** Bound on the wait for /readyz (ms). Default 90 s: generous for a loaded 2-core machine. */
  readyTimeoutMs?: number;
  /** Keep the temp dir (logs, etcd data) after stop() for debugging. Default: $KUBE_KEEP_DIR set. */
  keepDir?: boolean;
}

export interface ApiServer {
  /** A kubeconfig (context "millrace", user "admin" in system:masters) for this server. */
  kubeconfigPath: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** Bearer token of the admin user (also in the kubeconfig). */
  token: string;
  /** PEM of the CA that signed the serving certificate (also in the kubeconfig). */
  caPem: string;
  /** The temp dir: logs (etcd.log, kube-apiserver.log, ...), certs, etcd data. */
  dir: string;
  tools: KubeTools;
  /** Run kubectl with this kubeconfig; resolves with stdout, rejects with stderr on failure. */
  kubectl(args: string[], input?: string): Promise<string>;
  /** Kill every process and remove the temp dir (unless kept). Idempotent. */
  stop(): Promise<void>;
}

/** KUBE_BIN_DIR and ETCD from the environment, or from the installers (fast when cached). */
export function findKubeTools(): KubeTools {
  if (process.env.KUBE_BIN_DIR && process.env.ETCD) {
    return { KUBE_BIN_DIR: process.env.KUBE_BIN_DIR, ETCD: process.env.ETCD };
  }
  const r = spawnSync('bash', [join(repoRoot, 'test/tools/kube-tools.sh'), 'kube-binaries', 'etcd'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`test/tools/kube-tools.sh kube-binaries etcd failed (exit ${r.status ?? r.signal})`);
  const kv = parseKeyValues(r.stdout);
  if (!kv.KUBE_BIN_DIR || !kv.ETCD) throw new Error(`test/tools/kube-tools.sh printed no KUBE_BIN_DIR/ETCD: ${r.stdout}`);
  return { KUBE_BIN_DIR: kv.KUBE_BIN_DIR, ETCD: kv.ETCD };
}

export function parseKeyValues(out: string): Record<string, string> {
  const kv: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv[line.slice(0, i)] = line.slice(i + 1);
  }
  return kv;
}

// A port the kernel just handed out on 127.0.0.1. Another process could take it
// before our child binds it: startApiServer retries the whole start on that.
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no ${file})`;
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

interface Proc {
  name: string;
  child: ChildProcess;
  log: string;
  exited: Promise<number | string>;
}

// Children die with the test process even if stop() is never reached (a crashed
// worker, a forgotten stop()): etcd and kube-apiserver would otherwise linger.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

function startProc(name: string, bin: string, args: string[], dir: string): Proc {
  const log = join(dir, `${name}.log`);
  const out = createWriteStream(log);
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  live.add(child);
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (e) => {
      out.write(`spawn error: ${e.message}\n`);
      live.delete(child);
      resolve(`spawn error ${e.message}`);
    });
    child.once('close', (code, signal) => {
      live.delete(child);
      out.end();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return { name, child, log, exited };
}

async function stopProc(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const done = await Promise.race([p.exited.then(() => true), sleep(5_000).then(() => false)]);
  if (!done) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
}

// GET url with the server's CA; resolves with [status, body] or rejects on connection errors.
function get(url: string, caPem: string, token: string): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: caPem, headers: { authorization: `Bearer ${token}` }, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve([res.statusCode ?? 0, body]));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function kubeconfig(server: string, caPem: string, token: string): string {
  // JSON is YAML: kubectl and client-node both read it.
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'millrace', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
      users: [{ name: 'admin', user: { token } }],
      contexts: [{ name: 'millrace', context: { cluster: 'millrace', user: 'admin', namespace: 'default' } }],
      'current-context': 'millrace',
    },
    null,
    2,
  );
}

class StartError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
  }
}

export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const tools = opts.tools ?? findKubeTools();
  const needed = [tools.ETCD, join(tools.KUBE_BIN_DIR, 'kube-apiserver')];
  if (opts.controllerManager) needed.push(join(tools.KUBE_BIN_DIR, 'kube-controller-manager'));
  for (const bin of needed) {
    if (!existsSync(bin)) throw new Error(`no ${bin}: build it with bash test/tools/kube-tools.sh kube-binaries etcd`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(tools, opts);
    } catch (e) {
      // A free port taken between freePort() and the bind: start again on new ports.
      if (e instanceof StartError && e.portInUse && attempt < 3) continue;
      throw e;
    }
  }
}

async function startOnce(tools: KubeTools, opts: ApiServerOptions): Promise<ApiServer> {
  const dir = await mkdtemp(join(tmpdir(), 'millrace-kube-'));
  const keepDir = opts.keepDir ?? !!process.env.KUBE_KEEP_DIR;
  const procs: Proc[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Reverse order: the API server (and controller manager) before etcd.
    for (const p of [...procs].reverse()) await stopProc(p);
    if (!keepDir) await rm(dir, { recursive: true, force: true });
  };

  try {
    const [clientPort, peerPort, securePort] = [await freePort(), await freePort(), await freePort()];
    const token = randomBytes(24).toString('hex');

    // Service-account tokens are signed with this key (required flags since 1.20).
    const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(join(dir, 'sa.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' }));
    // Static token file: token,user,uid,"groups". system:masters is cluster-admin under RBAC.
    writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`);

    // --unsafe-no-fsync: test data need not survive a power cut, and fsync on a
    // busy shared disk is what makes etcd (and so every API write) slow.
    const etcdUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    procs.push(
      startProc(
        'etcd',
        tools.ETCD,
        [
          '--name=default',
          `--data-dir=${join(dir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=default=${peerUrl}`,
          '--unsafe-no-fsync',
          '--log-level=warn',
        ],
        dir,
      ),
    );

    const server = `https://127.0.0.1:${securePort}`;
    procs.push(
      startProc(
        'kube-apiserver',
        join(tools.KUBE_BIN_DIR, 'kube-apiserver'),
        [
          `--etcd-servers=${etcdUrl}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${securePort}`,
          // No --tls-cert-file: the API server writes a self-signed CA and a serving
          // certificate for 127.0.0.1/localhost into --cert-dir (apiserver.crt holds both).
          `--cert-dir=${join(dir, 'certs')}`,
          `--token-auth-file=${join(dir, 'tokens.csv')}`,
          '--authorization-mode=RBAC',
          '--service-cluster-ip-range=10.96.0.0/16',
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${join(dir, 'sa.pub')}`,
          `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
          // Without the controller manager nothing creates the "default" ServiceAccount,
          // and the ServiceAccount admission plugin would then refuse every Pod.
          ...(opts.controllerManager ? [] : ['--disable-admission-plugins=ServiceAccount']),
          '--allow-privileged=true',
          '--profiling=false',
          '--v=1',
        ],
        dir,
      ),
    );

    const caPem = await waitReady(server, dir, token, procs, opts.readyTimeoutMs ?? 90_000);
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfig(server, caPem, token), { mode: 0o600 });

    if (opts.controllerManager) {
      procs.push(
        startProc(
          'kube-controller-manager',
          join(tools.KUBE_BIN_DIR, 'kube-controller-manager'),
          [
            `--kubeconfig=${kubeconfigPath}`,
            `--authentication-kubeconfig=${kubeconfigPath}`,
            `--authorization-kubeconfig=${kubeconfigPath}`,
            '--bind-address=127.0.0.1',
            `--secure-port=${await freePort()}`,
            `--cert-dir=${join(dir, 'kcm-certs')}`,
            `--service-account-private-key-file=${join(dir, 'sa.key')}`,
            '--use-service-account-credentials=false',
            '--leader-elect=false',
            // Node lifecycle and IPAM need nodes or cloud; the rest are the defaults.
            '--controllers=*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service-lb-controller,-route',
            '--v=1',
          ],
          dir,
        ),
      );
    }

    const kubectl = (args: string[], input?: string) => runKubectl(tools, kubeconfigPath, args, input);
    return { kubeconfigPath, server, token, caPem, dir, tools, kubectl, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function waitReady(server: string, dir: string, token: string, procs: Proc[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const crtFile = join(dir, 'certs', 'apiserver.crt');
  let last = 'not started';
  while (Date.now() < deadline) {
    for (const p of procs) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) {
        const logTail = tail(p.log);
        // The temp dir goes with the failed start: the log's tail is in the message.
        throw new StartError(
          `${p.name} exited (${p.child.exitCode ?? p.child.signalCode}) before kube-apiserver was ready; last lines of ${p.name}.log:\n${logTail}`,
          /address already in use/.test(logTail),
        );
      }
    }
    if (existsSync(crtFile)) {
      const caPem = readFileSync(crtFile, 'utf8');
      try {
        const [status, body] = await get(`${server}/readyz`, caPem, token);
        if (status === 200) return caPem;
        last = `HTTP ${status}: ${body.trim().split('\n').filter((l) => l.includes('failed')).join('; ') || body.trim()}`;
      } catch (e) {
        last = (e as Error).message;
      }
    }
    await sleep(200);
  }
  const logs = procs.map((p) => `--- last lines of ${p.name}.log:\n${tail(p.log)}`).join('\n');
  throw new Error(`kube-apiserver at ${server} not ready after ${timeoutMs} ms (last /readyz: ${last})\n${logs}`);
}

function runKubectl(tools: KubeTools, kubeconfigPath: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(tools.KUBE_BIN_DIR, 'kubectl'), [`--kubeconfig=${kubeconfigPath}`, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`kubectl ${args.join(' ')} exited ${code}: ${err.trim()}`)),
    );
    child.stdin.end(input ?? '');
  });
}
