import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ClusterUnreachableError } from "../../broker/client/index.js";
import type { KafkaCluster } from "../api/v1alpha1/kafkacluster.js";
import type { InformerCache } from "../runtime/informer-cache.js";
import { ClusterAccessError, clusterAdminProviderFromEnv, isClusterUnreachable, MtlsClusterAdminProvider, StaticClusterAdminProvider } from "./cluster-admin.js";

const log = pino({ level: "silent" });
const cluster = (namespace: string, name: string) => ({ apiVersion: "kafka.millrace.dev/v1alpha1", kind: "KafkaCluster", metadata: { namespace, name }, spec: {} }) as unknown as KafkaCluster;

/** A cache holding some Secrets (what MtlsClusterAdminProvider reads). */
function fakeCache(secrets: Record<string, Record<string, string>>): InformerCache & { registered: string[] } {
  const registered: string[] = [];
  return {
    registered,
    informersFor: (t: { kind: string }) => {
      registered.push(t.kind);
      return [];
    },
    get: (_t: unknown, ns: string, name: string) => (secrets[`${ns}/${name}`] ? { metadata: { name, namespace: ns }, data: secrets[`${ns}/${name}`] } : undefined),
  } as unknown as InformerCache & { registered: string[] };
}

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("cluster admin providers", () => {
  it("static: one reused client per cluster; an unknown cluster is a ClusterAccessError", async () => {
    const p = new StaticClusterAdminProvider({ "ns/demo": { bootstrap: "127.0.0.1:9092" } }, log);
    const a = await p.adminFor(cluster("ns", "demo"));
    expect(await p.adminFor(cluster("ns", "demo"))).toBe(a);
    const err = await p.adminFor(cluster("ns", "other")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterAccessError);
    expect(isClusterUnreachable(err)).toBe(true);
    await p.forget("ns", "demo");
    expect(await p.adminFor(cluster("ns", "demo"))).not.toBe(a);
    await p.close();
  });

  it("static: bad keys, addresses and protocols are refused with the entry named", () => {
    expect(() => new StaticClusterAdminProvider({ demo: { bootstrap: "h:1" } }, log)).toThrow(/"demo": want "namespace\/name"/);
    expect(() => new StaticClusterAdminProvider({ "ns/demo": { bootstrap: "nohost" } }, log)).toThrow(/ns\/demo: bootstrap must be "host:port"/);
    expect(() => new StaticClusterAdminProvider({ "ns/demo": { bootstrap: [] } }, log)).toThrow(/bootstrap must be/);
    expect(() => new StaticClusterAdminProvider({ "ns/demo": { bootstrap: "h:1", security: { securityProtocol: "TLS" as never } } }, log)).toThrow(/securityProtocol "TLS"/);
  });

  it("MILLRACE_CLUSTER_ACCESS_FILE: a JSON map gives a static provider, PEM files read by path; a broken file is a clear error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cluster-access-"));
    writeFileSync(join(dir, "ca.pem"), "CA PEM");
    const file = join(dir, "access.json");
    writeFileSync(file, JSON.stringify({ "ns/demo": { bootstrap: ["127.0.0.1:9093"], security: { securityProtocol: "SSL", tls: { caFile: join(dir, "ca.pem") } } } }));
    const p = clusterAdminProviderFromEnv({ MILLRACE_CLUSTER_ACCESS_FILE: file }, fakeCache({}), log);
    expect(p).toBeInstanceOf(StaticClusterAdminProvider);
    await p.adminFor(cluster("ns", "demo"));
    await p.close();
    writeFileSync(file, "[1,2]");
    expect(() => clusterAdminProviderFromEnv({ MILLRACE_CLUSTER_ACCESS_FILE: file }, fakeCache({}), log)).toThrow(/want a JSON object/);
    writeFileSync(file, "{not json");
    expect(() => clusterAdminProviderFromEnv({ MILLRACE_CLUSTER_ACCESS_FILE: file }, fakeCache({}), log)).toThrow(/MILLRACE_CLUSTER_ACCESS_FILE=.*access.json/);
    expect(clusterAdminProviderFromEnv({}, fakeCache({}), log)).toBeInstanceOf(MtlsClusterAdminProvider);
  });

  it("mTLS: needs the operator certificate Secret; a renewed certificate gives a new client", async () => {
    const secrets: Record<string, Record<string, string>> = {};
    const cache = fakeCache(secrets);
    const p = new MtlsClusterAdminProvider(cache, log);
    expect(cache.registered).toContain("Secret");
    await expect(p.adminFor(cluster("ns", "demo"))).rejects.toThrow(/ns\/demo-operator-certs does not exist yet/);
    secrets["ns/demo-operator-certs"] = { "tls.crt": b64("cert-1"), "tls.key": b64("key") };
    await expect(p.adminFor(cluster("ns", "demo"))).rejects.toThrow(/lacks ca.crt/);
    secrets["ns/demo-operator-certs"] = { "tls.crt": b64("cert-1"), "tls.key": b64("key"), "ca.crt": b64("ca") };
    const first = await p.adminFor(cluster("ns", "demo"));
    expect(await p.adminFor(cluster("ns", "demo"))).toBe(first);
    secrets["ns/demo-operator-certs"] = { "tls.crt": b64("cert-2"), "tls.key": b64("key"), "ca.crt": b64("ca") };
    expect(await p.adminFor(cluster("ns", "demo"))).not.toBe(first);
    await p.close();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("a cluster found unreachable fails adminFor at once during the cooldown, then is dialled again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const p = new StaticClusterAdminProvider({ "ns/dead": { bootstrap: "127.0.0.1:1" } }, log, { timeoutMs: 300, unreachableCooldownMs: 5_000 });
    const client = await p.adminFor(cluster("ns", "dead"));
    await expect(client.listTopics()).rejects.toBeInstanceOf(ClusterUnreachableError);
    const fast = await p.adminFor(cluster("ns", "dead")).catch((e: unknown) => e);
    expect(fast).toBeInstanceOf(ClusterAccessError);
    expect(String(fast)).toMatch(/unreachable 0 ms ago, tried again after 5000 ms: no broker reachable: 127\.0\.0\.1:1/);
    vi.setSystemTime(Date.now() + 5_000);
    expect(await p.adminFor(cluster("ns", "dead"))).toBe(client);
    await p.close();
  });
});
