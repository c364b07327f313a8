// The Helm chart (charts/millrace) on a real kube-apiserver: `helm install` of the default
// values (CRDs and all: the kinds exist for what follows), `helm lint --strict` passes, every
// rendering the values allow is accepted by the API server (server-side dry run), the RBAC it
// grants is what the operator needs and no more (kubectl auth can-i as the operator's
// ServiceAccount), values.schema.json refuses bad values with a message naming the key, and
// `helm upgrade` upgrades the CRDs while `helm uninstall` leaves them.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OPERATOR_POD_LABELS } from '../../operator/controllers/kafkacluster/network-policies.js';
import { startApiServer, type ApiServer } from './api-server.js';
import { until } from './runtime-helpers.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const CHART = join(repoRoot, 'charts/millrace');
const INSTALL_MANIFEST = 'examples/install/operator.yaml';
/** How examples/install/render.sh makes examples/install/operator.yaml (README's plain-kubectl install). */
const INSTALL_MANIFEST_ARGS = ['template', 'millrace', 'charts/millrace', '--namespace', 'millrace-system', '--set', 'crds.install=false'];

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: any };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// A child process to its end; the exit code is the caller's to judge (kubectl auth can-i exits 1 for "no").
function run(bin: string, args: string[], options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const manifests = (yamlText: string): Manifest[] =>
  parseAllDocuments(yamlText)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);

const byKind = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind);

const CRD_NAMES = ['kafkaclusters.kafka.millrace.dev', 'kafkatopics.kafka.millrace.dev', 'kafkausers.kafka.millrace.dev'];

describe('charts/millrace', () => {
  let api: ApiServer;
  let helmBin: string;
  // helm reads and writes nothing of the user's: its config, cache and data dirs go to the temp dir.
  let helmEnv: NodeJS.ProcessEnv;

  async function helm(args: string[]): Promise<string> {
    const r = await run(helmBin, args, { env: helmEnv });
    if (r.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  const template = (release: string, namespace: string, ...set: string[]) =>
    helm(['template', release, CHART, '--namespace', namespace, ...set.flatMap((s) => ['--set', s])]);

  // --force-conflicts: the installed release's CRDs belong to helm's field manager, and another
  // release name in their labels is a conflict (not a refusal) that a dry run may override.
  const serverDryRun = (yamlText: string) =>
    api.kubectl(['apply', '--server-side', '--field-manager=helm-chart-test', '--force-conflicts', '--dry-run=server', '-f', '-'], yamlText);
  const applyForReal = (yamlText: string) => api.kubectl(['apply', '--server-side', '--field-manager=helm-chart-test', '-f', '-'], yamlText);

  // kubectl auth can-i as a ServiceAccount (impersonation by the admin user): true for "yes".
  // `resource` is kubectl's form (pods, leases.coordination.k8s.io/<name>); a subresource
  // goes apart (kubectl reads "pods/exec" as the pod named exec).
  async function canI(serviceAccount: string, verb: string, resource: string, namespace?: string, subresource?: string): Promise<boolean> {
    const where = namespace === undefined ? ['--all-namespaces'] : ['--namespace', namespace];
    const sub = subresource ? [`--subresource=${subresource}`] : [];
    const r = await run(join(api.tools.KUBE_BIN_DIR, 'kubectl'), [`--kubeconfig=${api.kubeconfigPath}`, 'auth', 'can-i', verb, resource, ...sub, ...where, '--as', serviceAccount]);
    const answer = r.stdout.trim();
    if (answer !== 'yes' && answer !== 'no') throw new Error(`kubectl auth can-i ${verb} ${resource}: exit ${r.code}, ${r.stdout} ${r.stderr}`);
    return answer === 'yes';
  }

  // Each question answered, a few kubectl processes at a time (hundreds of them otherwise take a minute).
  async function answers<Q>(questions: Q[], ask: (q: Q) => Promise<boolean>): Promise<boolean[]> {
    const out: boolean[] = new Array(questions.length);
    let next = 0;
    const worker = async () => {
      while (next < questions.length) {
        const i = next++;
        out[i] = await ask(questions[i]!);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return out;
  }

  async function createNamespaces(...names: string[]) {
    for (const name of names) await api.kubectl(['create', 'namespace', name]);
  }

  beforeAll(async () => {
    helmBin = inject('helm');
    api = await startApiServer({ tools: inject('kubeTools') });
    helmEnv = {
      ...process.env,
      HELM_CONFIG_HOME: join(api.dir, 'helm/config'),
      HELM_CACHE_HOME: join(api.dir, 'helm/cache'),
      HELM_DATA_HOME: join(api.dir, 'helm/data'),
      KUBECONFIG: api.kubeconfigPath,
    };
    await createNamespaces('millrace-system', 'scoped-system', 'team-a', 'team-b', 'team-c', 'elsewhere');
    // The default install for real (as the README says, without --create-namespace here): the
    // CRDs exist when the rest is dry-run, and the cluster-wide RBAC is there to ask about.
    await helm(['install', 'millrace', CHART, '--namespace', 'millrace-system']);
    await api.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...CRD_NAMES.map((n) => `crd/${n}`)]);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('passes helm lint --strict, with the default values and the other switches', async () => {
    for (const set of [[], ['watchNamespaces={team-a,team-b}'], ['crds.install=false'], ['serviceAccount.create=false', 'serviceAccount.name=mine'], ['metrics.serviceMonitor.enabled=true']]) {
      const out = await helm(['lint', '--strict', CHART, ...set.flatMap((s) => ['--set', s])]);
      expect(out, set.join(' ')).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  it('renders the default install: CRDs kept on uninstall, 2 replicas of the product image, cluster-wide RBAC', async () => {
    const ms = manifests(await template('millrace', 'millrace-system'));
    for (const crd of byKind(ms, 'CustomResourceDefinition')) expect(crd.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Delete=false' });
    const [deployment] = byKind(ms, 'Deployment');
    expect(deployment!.metadata).toMatchObject({ name: 'millrace-operator', namespace: 'millrace-system' });
    expect(deployment!.spec.replicas).toBe(2);
    const pod = deployment!.spec.template;
    // The brokers' NetworkPolicies admit the operator's Pods by these labels.
    expect(pod.metadata.labels).toMatchObject(OPERATOR_POD_LABELS);
    expect(byKind(ms, 'PodDisruptionBudget')[0]!.spec).toEqual({ maxUnavailable: 1, selector: deployment!.spec.selector });
    const [container] = pod.spec.containers;
    const version = (parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { appVersion: string }).appVersion;
    expect(container.image).toBe(`millrace:${version}`);
    expect(container.command).toEqual(['node', '/opt/millrace/dist/operator/main.js']);
    expect(container.env.map((e: { name: string }) => e.name)).toEqual(['POD_NAME', 'POD_NAMESPACE', 'MILLRACE_WATCH_NAMESPACES', 'MILLRACE_LEADER_ELECT', 'MILLRACE_LOG_LEVEL', 'MILLRACE_HEALTH_PORT', 'MILLRACE_BROKER_IMAGE']);
    expect(container.env.at(-1).value).toBe(container.image);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(container.ports).toEqual([{ name: 'health', containerPort: 8081, protocol: 'TCP' }]);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    expect(byKind(ms, 'ClusterRole').map((r) => r.metadata.name)).toEqual(['millrace-operator']);
    expect(byKind(ms, 'Role').map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(['millrace-system/millrace-operator-leader-election']);
  });

  it("renders the CRDs exactly as crds/ has them (codegen writes both)", async () => {
    const rendered = byKind(manifests(await template('millrace', 'millrace-system')), 'CustomResourceDefinition');
    for (const crd of rendered) {
      const inRepo = parse(readFileSync(join(repoRoot, 'crds', `${crd.metadata.name}.yaml`), 'utf8')) as Manifest;
      expect(crd.spec, crd.metadata.name).toEqual(inRepo.spec);
      expect(crd.metadata.labels).toMatchObject(inRepo.metadata.labels as Record<string, string>);
    }
  });

  it('every rendering is accepted by the API server (server-side dry run)', async () => {
    const renderings: [string, string, string[]][] = [
      ['millrace', 'millrace-system', []],
      ['scoped', 'scoped-system', ['watchNamespaces={team-a,team-b}']],
      ['nocrds', 'millrace-system', ['crds.install=false']],
      ['ownsa', 'millrace-system', ['serviceAccount.create=false', 'serviceAccount.name=existing-operator']],
      ['single', 'millrace-system', ['replicas=1', 'leaderElection.enabled=false', 'logLevel=debug', 'metrics.service.enabled=false', 'crds.keep=false']],
    ];
    for (const [release, namespace, set] of renderings) {
      const text = await template(release, namespace, ...set);
      const kinds = manifests(text).map((m) => m.kind);
      expect(kinds, set.join(' ')).toContain('Deployment');
      const out = await serverDryRun(text);
      // One "serverside-applied (server dry run)" line per object: none was refused or skipped.
      expect(out.trim().split('\n').filter((l) => l.includes('(server dry run)'))).toHaveLength(kinds.length);
    }
  });

  it('renders what the switches ask for', async () => {
    const single = manifests(await template('millrace', 'millrace-system', 'replicas=1'));
    expect(byKind(single, 'PodDisruptionBudget')).toEqual([]);
    const noCrds = manifests(await template('millrace', 'millrace-system', 'crds.install=false'));
    expect(byKind(noCrds, 'CustomResourceDefinition')).toEqual([]);
    const notKept = manifests(await template('millrace', 'millrace-system', 'crds.keep=false'));
    for (const crd of byKind(notKept, 'CustomResourceDefinition')) expect(crd.metadata.annotations).toBeUndefined();
    const ownSa = manifests(await template('millrace', 'millrace-system', 'serviceAccount.create=false', 'serviceAccount.name=existing-operator'));
    expect(byKind(ownSa, 'ServiceAccount')).toEqual([]);
    expect(byKind(ownSa, 'Deployment')[0]!.spec.template.spec.serviceAccountName).toBe('existing-operator');
    expect(byKind(ownSa, 'ClusterRoleBinding')[0]!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'existing-operator', namespace: 'millrace-system' }]);
    const scoped = manifests(await template('scoped', 'scoped-system', 'watchNamespaces={team-a,team-b}'));
    expect(byKind(scoped, 'ClusterRole')).toEqual([]);
    expect(byKind(scoped, 'ClusterRoleBinding')).toEqual([]);
    expect(byKind(scoped, 'Role').map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual([
      'team-a/scoped-millrace-operator',
      'team-b/scoped-millrace-operator',
      'scoped-system/scoped-millrace-operator-leader-election',
    ]);
    const env = byKind(scoped, 'Deployment')[0]!.spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(env.find((e) => e.name === 'MILLRACE_WATCH_NAMESPACES')?.value).toBe('team-a,team-b');
  });

  it('a ServiceMonitor when asked, accepted once its CRD exists', async () => {
    // A stand-in for the Prometheus Operator's CRD: the kind, no schema.
    await applyForReal(
      JSON.stringify({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'servicemonitors.monitoring.coreos.com' },
        spec: {
          group: 'monitoring.coreos.com',
          scope: 'Namespaced',
          names: { kind: 'ServiceMonitor', plural: 'servicemonitors', singular: 'servicemonitor', listKind: 'ServiceMonitorList' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
        },
      }),
    );
    await api.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/servicemonitors.monitoring.coreos.com']);
    const text = await template('millrace', 'millrace-system', 'metrics.serviceMonitor.enabled=true', 'crds.install=false');
    const [monitor] = byKind(manifests(text), 'ServiceMonitor');
    expect(monitor!.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    await until('the ServiceMonitor kind to be served', async () => (await serverDryRun(text)).includes('servicemonitor.monitoring.coreos.com/millrace-operator serverside-applied'), 30_000, 500);
  });

  describe('RBAC: what the operator needs, and no more', () => {
    const WATCH_VERBS = ['get', 'list', 'watch', 'update', 'patch'];
    const OWNED_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    const OWNED: string[] = ['pods', 'persistentvolumeclaims', 'services', 'configmaps', 'secrets', 'poddisruptionbudgets.policy', 'networkpolicies.networking.k8s.io'];
    const KINDS = ['kafkaclusters', 'kafkatopics', 'kafkausers'].map((k) => `${k}.kafka.millrace.dev`);

    type Question = [verb: string, resource: string, namespace: string | undefined, subresource?: string];
    const phrase = ([verb, resource, namespace, subresource]: Question) =>
      `${verb} ${resource}${subresource ? `/${subresource}` : ''} in ${namespace ?? 'all namespaces'}`;

    // Every grant the operator needs in a namespace it watches; undefined = all namespaces.
    async function expectWatchGrants(sa: string, namespace: string | undefined) {
      const needed: Question[] = [];
      for (const kind of KINDS) {
        for (const verb of WATCH_VERBS) needed.push([verb, kind, namespace]);
        for (const verb of ['update', 'patch']) needed.push([verb, kind, namespace, 'status']);
        needed.push(['update', kind, namespace, 'finalizers']);
      }
      for (const resource of OWNED) for (const verb of OWNED_VERBS) needed.push([verb, resource, namespace]);
      for (const events of ['events', 'events.events.k8s.io']) for (const verb of ['create', 'update', 'patch']) needed.push([verb, events, namespace]);
      const yes = await answers(needed, (q) => canI(sa, ...q));
      expect(needed.filter((_, i) => !yes[i]).map(phrase), `${sa} lacks`).toEqual([]);
    }

    // Grants it must not have; each one a "no".
    async function expectRefused(sa: string, questions: Question[]) {
      const yes = await answers(questions, (q) => canI(sa, ...q));
      expect(questions.filter((_, i) => yes[i]).map(phrase), `${sa} may`).toEqual([]);
    }

    it('cluster-wide (watchNamespaces: []): everything it needs everywhere, the Lease in its namespace only', async () => {
      // Installed by helm in beforeAll.
      const sa = 'system:serviceaccount:millrace-system:millrace-operator';
      await until('the ClusterRoleBinding to take effect', () => canI(sa, 'list', 'pods', undefined), 30_000, 200);
      await expectWatchGrants(sa, undefined);
      await expectWatchGrants(sa, 'team-c');
      for (const verb of ['get', 'create', 'update']) expect(await canI(sa, verb, 'leases.coordination.k8s.io/millrace-operator', 'millrace-system'), verb).toBe(true);
      expect(await canI(sa, 'create', 'leases.coordination.k8s.io', 'millrace-system')).toBe(true);
      await expectRefused(sa, [
        ['get', 'leases.coordination.k8s.io/millrace-operator', 'elsewhere'],
        ['update', 'leases.coordination.k8s.io/another-lease', 'millrace-system'],
        ['delete', 'leases.coordination.k8s.io/millrace-operator', 'millrace-system'],
        ['list', 'leases.coordination.k8s.io', 'millrace-system'],
        ['delete', 'namespaces', undefined],
        ['create', 'namespaces', undefined],
        ['list', 'nodes', undefined],
        ['create', 'clusterroles.rbac.authorization.k8s.io', undefined],
        ['create', 'clusterrolebindings.rbac.authorization.k8s.io', undefined],
        ['create', 'roles.rbac.authorization.k8s.io', 'team-c'],
        ['create', 'rolebindings.rbac.authorization.k8s.io', 'team-c'],
        ['create', 'kafkaclusters.kafka.millrace.dev', 'team-c'],
        ['delete', 'kafkatopics.kafka.millrace.dev', 'team-c'],
        ['create', 'deployments.apps', 'team-c'],
        ['create', 'statefulsets.apps', 'team-c'],
        ['create', 'serviceaccounts', 'team-c'],
        ['create', 'pods', 'team-c', 'exec'],
        ['update', 'deployments.apps', 'millrace-system'],
        ['update', 'customresourcedefinitions.apiextensions.k8s.io', undefined],
        ['impersonate', 'users', undefined],
        ['get', 'events', 'team-c'],
        ['delete', 'events', 'team-c'],
      ]);
    });

    it('namespace-scoped (watchNamespaces: [team-a, team-b]): only those namespaces, nothing cluster-wide', async () => {
      await applyForReal(await template('scoped', 'scoped-system', 'crds.install=false', 'watchNamespaces={team-a,team-b}'));
      const sa = 'system:serviceaccount:scoped-system:scoped-millrace-operator';
      await until('the RoleBindings to take effect', async () => (await canI(sa, 'list', 'pods', 'team-a')) && (await canI(sa, 'list', 'pods', 'team-b')), 30_000, 200);
      await expectWatchGrants(sa, 'team-a');
      await expectWatchGrants(sa, 'team-b');
      for (const verb of ['get', 'create', 'update']) expect(await canI(sa, verb, 'leases.coordination.k8s.io/millrace-operator', 'scoped-system'), verb).toBe(true);
      await expectRefused(sa, [
        ['list', 'pods', undefined],
        ['list', 'kafkaclusters.kafka.millrace.dev', undefined],
        ['get', 'secrets', 'team-c'],
        ['list', 'secrets', 'default'],
        ['get', 'secrets', 'scoped-system'],
        ['list', 'kafkatopics.kafka.millrace.dev', 'team-c'],
        ['create', 'pods', 'team-c'],
        ['update', 'kafkaclusters.kafka.millrace.dev', 'team-c', 'status'],
        ['get', 'leases.coordination.k8s.io/millrace-operator', 'team-a'],
        ['delete', 'namespaces', undefined],
        ['create', 'clusterroles.rbac.authorization.k8s.io', undefined],
        ['create', 'roles.rbac.authorization.k8s.io', 'team-a'],
      ]);
    });
  });

  it('values.schema.json refuses bad values, naming the key', async () => {
    const refused: [string[], RegExp][] = [
      [['replicas=abc'], /replicas.*(got string, want integer|expected integer|invalid type)/is],
      [['replicas=0'], /replicas.*minimum/is],
      [['image.pullPolicy=Sometimes'], /pullPolicy/],
      [['watchNamespaces={Team_A}'], /watchNamespaces/],
      [['logLevel=loud'], /logLevel/],
      [['crds.install=maybe'], /crds.*install|install.*boolean/is],
      [['nodeSelecter.zone=a'], /additional properties|nodeSelecter/i],
      [['metrics.serviceMonitor.interval=often'], /interval/],
    ];
    for (const [set, message] of refused) {
      const r = await run(helmBin, ['template', 'millrace', CHART, ...set.flatMap((s) => ['--set', s])], { env: helmEnv });
      expect(r.code, set.join(' ')).not.toBe(0);
      expect(r.stderr, set.join(' ')).toMatch(/values don't meet the specifications of the schema/);
      expect(r.stderr, set.join(' ')).toMatch(message);
    }
    // Rules a schema cannot say: the templates fail with a sentence.
    const twoLeaders = await run(helmBin, ['template', 'millrace', CHART, '--set', 'leaderElection.enabled=false'], { env: helmEnv });
    expect(twoLeaders.code).not.toBe(0);
    expect(twoLeaders.stderr).toMatch(/leaderElection.enabled=false needs replicas=1/);
    const noName = await run(helmBin, ['template', 'millrace', CHART, '--set', 'serviceAccount.create=false'], { env: helmEnv });
    expect(noName.code).not.toBe(0);
    expect(noName.stderr).toMatch(/serviceAccount.name: the name of an existing ServiceAccount/);
  });

  it(`${INSTALL_MANIFEST} is the chart's current rendering`, async () => {
    const fresh = await helm(INSTALL_MANIFEST_ARGS);
    // render.sh writes a "##" header (what the file is, how it is made) above helm's output.
    const lines = readFileSync(join(repoRoot, INSTALL_MANIFEST), 'utf8').split('\n');
    const body = lines.slice(lines.findIndex((l) => !l.startsWith('##'))).join('\n');
    expect(body, `${INSTALL_MANIFEST} is stale: run bash examples/install/render.sh`).toBe(fresh);
  });

  it('helm upgrade upgrades the CRDs; helm uninstall removes the operator and leaves the CRDs', async () => {
    const annotations = async (crd: string) =>
      (JSON.parse(await api.kubectl(['get', `crd/${crd}`, '-o', 'json'])) as Manifest).metadata.annotations as Record<string, string> | undefined;
    expect((await annotations(CRD_NAMES[0]!))?.['helm.sh/resource-policy']).toBe('keep');
    // A change to the CRD templates reaches the cluster on upgrade (Helm's crds/ folder would not).
    await helm(['upgrade', 'millrace', CHART, '--namespace', 'millrace-system', '--set', 'crds.keep=false']);
    for (const crd of CRD_NAMES) expect((await annotations(crd))?.['helm.sh/resource-policy'], crd).toBeUndefined();
    // --reset-values: an upgrade given no values would reuse the release's last ones (crds.keep=false).
    await helm(['upgrade', 'millrace', CHART, '--namespace', 'millrace-system', '--reset-values']);
    for (const crd of CRD_NAMES) expect((await annotations(crd))?.['helm.sh/resource-policy'], crd).toBe('keep');

    await helm(['uninstall', 'millrace', '--namespace', 'millrace-system']);
    await until('the operator Deployment to be gone', async () => !(await api.kubectl(['get', 'deployments', '-n', 'millrace-system', '-o', 'name'])).includes('millrace-operator'), 30_000, 200);
    expect(await api.kubectl(['get', 'clusterroles', '-o', 'name'])).not.toContain('clusterrole.rbac.authorization.k8s.io/millrace-operator');
    const left = (await api.kubectl(['get', 'crds', '-o', 'name'])).trim().split('\n');
    for (const crd of CRD_NAMES) expect(left).toContain(`customresourcedefinition.apiextensions.k8s.io/${crd}`);
  });

  it("Chart.yaml's version and appVersion are package.json's version (chart and image released together)", () => {
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { version: string; appVersion: string };
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect({ version: chart.version, appVersion: chart.appVersion }).toEqual({ version, appVersion: version });
  });

  it('the Argo CD example installs this chart with server-side apply', () => {
    const app = parse(readFileSync(join(repoRoot, 'examples/argocd/millrace-operator.yaml'), 'utf8')) as Manifest;
    expect(app.kind).toBe('Application');
    expect(app.spec.source.path).toBe('charts/millrace');
    expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
  });
});
