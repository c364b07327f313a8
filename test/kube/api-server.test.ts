// The lightweight real API server (api-server.ts) works the way operator tests
// will use it: @kubernetes/client-node for core objects and custom resources,
// kubectl against the same kubeconfig.
import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApiServer, type ApiServer } from './api-server.js';
import { until } from './runtime-helpers.js';

function clients(api: ApiServer) {
  const kc = new KubeConfig();
  kc.loadFromFile(api.kubeconfigPath);
  return {
    core: kc.makeApiClient(CoreV1Api),
    ext: kc.makeApiClient(ApiextensionsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.test.millrace.dev' },
  spec: {
    group: 'test.millrace.dev',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { replicas: { type: 'integer', minimum: 1 } }, required: ['replicas'] },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

describe('kube-apiserver + etcd', () => {
  let api: ApiServer;
  let startMs = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    api = await startApiServer({ tools: inject('kubeTools') });
    startMs = Date.now() - t0;
  });

  afterAll(async () => {
    const dir = api?.dir;
    await api?.stop();
    if (dir) expect(existsSync(dir), 'stop() removes the temp dir').toBe(false);
  });

  it('starts in seconds and serves the built version', async () => {
    process.stderr.write(`[kube] api server ready in ${startMs} ms at ${api.server}\n`);
    expect(startMs).toBeLessThan(60_000);
    const version = JSON.parse(await api.kubectl(['version', '-o', 'json']));
    expect(version.serverVersion.gitVersion).toMatch(/^v1\.34\.\d+$/);
    expect(version.clientVersion.gitVersion).toBe(version.serverVersion.gitVersion);
  });

  it('creates a namespace and a ConfigMap with @kubernetes/client-node', async () => {
    const { core } = clients(api);
    await core.createNamespace({ body: { metadata: { name: 'kube-test' } } });
    await core.createNamespacedConfigMap({
      namespace: 'kube-test',
      body: { metadata: { name: 'settings' }, data: { 'retention.ms': '604800000' } },
    });
    const cm = await core.readNamespacedConfigMap({ namespace: 'kube-test', name: 'settings' });
    expect(cm.data).toEqual({ 'retention.ms': '604800000' });
    // The same objects through the built kubectl.
    expect(await api.kubectl(['get', 'ns', '-o', 'name'])).toContain('namespace/kube-test');
    expect(await api.kubectl(['-n', 'kube-test', 'get', 'configmap', 'settings', '-o', 'jsonpath={.data}'])).toContain(
      '604800000',
    );
  });

  it('applies a CustomResourceDefinition and creates an instance', async () => {
    const { core, ext, custom } = clients(api);
    await core.createNamespace({ body: { metadata: { name: 'crd-test' } } });
    await ext.createCustomResourceDefinition({ body: crd });
    await until('the CRD to be Established', async () => {
      const got = await ext.readCustomResourceDefinition({ name: crd.metadata.name });
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    });
    const ref = { group: 'test.millrace.dev', version: 'v1alpha1', namespace: 'crd-test', plural: 'widgets' };
    const body = { apiVersion: 'test.millrace.dev/v1alpha1', kind: 'Widget', metadata: { name: 'w1' }, spec: { replicas: 3 } };
    // Discovery of a fresh CRD can lag Established by a moment: retry the first create.
    await until('the Widget create to succeed', async () => (await custom.createNamespacedCustomObject({ ...ref, body })) ?? true);
    const w = (await custom.getNamespacedCustomObject({ ...ref, name: 'w1' })) as { spec: { replicas: number } };
    expect(w.spec.replicas).toBe(3);

    // The schema is enforced by the real server.
    await expect(
      custom.createNamespacedCustomObject({ ...ref, body: { ...body, metadata: { name: 'bad' }, spec: { replicas: 0 } } }),
    ).rejects.toThrow(/replicas/);

    // kubectl sees the new kind through discovery.
    const out = JSON.parse(await api.kubectl(['-n', 'crd-test', 'get', 'widgets', '-o', 'json']));
    expect(out.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['w1']);
  });
});

describe('with kube-controller-manager', () => {
  let api: ApiServer;

  beforeAll(async () => {
    api = await startApiServer({ tools: inject('kubeTools'), controllerManager: true });
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('garbage-collects objects whose owner is deleted', async () => {
    const { core } = clients(api);
    await core.createNamespace({ body: { metadata: { name: 'gc-test' } } });
    // The service-account controller is running: every namespace gets "default".
    await until('the default ServiceAccount', async () =>
      (await core.readNamespacedServiceAccount({ namespace: 'gc-test', name: 'default' })) ?? undefined,
    );
    const owner = await core.createNamespacedConfigMap({ namespace: 'gc-test', body: { metadata: { name: 'owner' } } });
    await core.createNamespacedConfigMap({
      namespace: 'gc-test',
      body: {
        metadata: {
          name: 'owned',
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! }],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ namespace: 'gc-test', name: 'owner' });
    await until('the owned ConfigMap to be garbage-collected', async () => {
      const list = await core.listNamespacedConfigMap({ namespace: 'gc-test' });
      return list.items.some((c) => c.metadata?.name === 'owned') ? undefined : true;
    });
  });
});
