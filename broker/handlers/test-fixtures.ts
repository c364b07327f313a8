// A small real broker for handler unit tests: a MetadataStore and a LogManager in a temp dir, a
// TopicManager over them and a BrokerConfig built from the same layers the CLI builds, so
// handlers run against the real services. Only what does not exist yet is faked (the group
// coordinator). Not a test itself: tests import it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import type { BrokerServices } from "../broker-services.js";
import { buildBrokerConfig, type BrokerConfig, type StaticEntry } from "../config/index.js";
import { quorumOptionsFrom } from "../metadata/quorum-options.js";
import { registeredEndpoints } from "../metadata/broker-endpoints.js";
import { uuidFromBytes } from "../protocol/primitives.js";
import { randomBytes } from "node:crypto";
import { MetadataStore } from "../metadata/metadata-store.js";
import type { TopicImage } from "../metadata/metadata-image.js";
import { Reader, Writer } from "../protocol/primitives.js";
import { buildRecordBatch } from "../protocol/records.js";
import { openTopicLogs } from "../topics/open-topic-logs.js";
import type { TopicManager } from "../topics/topic-manager.js";
import { FetchSessionCache } from "./fetch/fetch-session-cache.js";
import type { ApiHandler, ConnectionInfo, RequestContext } from "./handler.js";
import { HandlerRegistry } from "./registry.js";
import { CloseSignal } from "../network/close-signal.js";
import { SecuritySession } from "../security/session.js";
import { createAuthorizer } from "../security/authorizer/create-authorizer.js";

const TEST_CLUSTER_ID = "test-cluster-id-0000000";

export interface TestBrokerOptions {
  /** Static broker configs (as server.properties keys), on top of the test defaults. */
  readonly config?: Readonly<Record<string, string>>;
  readonly nodeId?: number;
  readonly clusterId?: string;
  /** Handlers to register, so that ApiVersions-style lookups see them. */
  readonly handlers?: readonly ApiHandler<any, any>[];
  readonly log?: Logger;
}

export interface TestBroker {
  readonly services: BrokerServices;
  /** services.topics as the broker's TopicManager (reconcile passes, listeners). */
  readonly topicManager: TopicManager;
  /** The temp directory holding metadata and log dirs; removed by close(). */
  readonly dir: string;
  readonly logDir: string;
  /** A RequestContext for one request of `apiKey` at `apiVersion`. */
  context(apiKey: number, apiVersion: number, overrides?: Partial<RequestContext>): RequestContext;
  /** Creates a topic through the TopicManager; throws if Kafka would refuse it. */
  createTopic(name: string, partitions?: number, configs?: Record<string, string>): Promise<TopicImage>;
  /** Appends records with these timestamps (one batch) and returns the batch's base offset. */
  produce(topic: string, partition: number, records: { key?: string; value?: string; timestamp?: bigint }[], leaderEpoch?: number): Promise<bigint>;
  /** Builds the services again over the same directories, as a restart would. */
  restart(): Promise<TestBroker>;
  close(): Promise<void>;
}

const CONNECTION: ConnectionInfo = {
  id: 1,
  remoteAddress: "127.0.0.1",
  remotePort: 50000,
  listenerName: "PLAINTEXT",
  securityProtocol: "PLAINTEXT",
  session: new SecuritySession(),
};

function staticLayer(entries: Record<string, string>): Map<string, StaticEntry> {
  return new Map(Object.entries(entries).map(([k, v]) => [k, { value: v, origin: "override", location: `test config ${k}` }]));
}

/** The BrokerConfig a broker started with these static settings would have. */
export function testBrokerConfig(settings: Record<string, string>): BrokerConfig {
  return buildBrokerConfig({ static: staticLayer(settings), dynamicDefault: new Map(), dynamicBroker: new Map() });
}

export async function startTestBroker(options: TestBrokerOptions = {}, existingDir?: string): Promise<TestBroker> {
  const dir = existingDir ?? mkdtempSync(join(tmpdir(), "millrace-handlers-"));
  const logDir = join(dir, "data");
  const nodeId = options.nodeId ?? 1;
  const log = options.log ?? pino({ level: "silent" });
  const config = testBrokerConfig({
    "node.id": String(nodeId),
    "log.dirs": logDir,
    listeners: "PLAINTEXT://127.0.0.1:9092",
    ...options.config,
  });
  const metadata = await MetadataStore.openReady(quorumOptionsFrom(config, options.clusterId ?? TEST_CLUSTER_ID, log));
  // What a real broker's lifecycle does at start-up: register with the controller and be unfenced.
  const brokerEpoch = await metadata.registerBroker({
    id: nodeId,
    incarnationId: uuidFromBytes(randomBytes(16)),
    endpoints: registeredEndpoints(config, new Map()),
    rack: config.brokerRack,
  });
  await metadata.setBrokerFenced(nodeId, brokerEpoch, false);
  const { logs, topics } = await openTopicLogs(config, metadata, log, { startTimers: false });
  const handlers = new HandlerRegistry();
  for (const h of options.handlers ?? []) handlers.register(h);
  const services: BrokerServices = {
    handlers,
    config,
    nodeId,
    clusterId: options.clusterId ?? TEST_CLUSTER_ID,
    metadata,
    // Handler tests run no controller: the broker registered itself directly above.
    controller: null,
    forwarder: null,
    replicas: null,
    producerIds: { allocateBlock: () => metadata.allocateProducerIdBlock() },
    topics,
    logs,
    // The group coordinator is not part of these tests; a handler that reaches for it fails loudly.
    groups: new Proxy({}, { get: (_, p) => { throw new Error(`test broker has no group coordinator (${String(p)})`); } }) as BrokerServices["groups"],
    fetchSessions: new FetchSessionCache(config.maxIncrementalFetchSessionCacheSlots),
    authorizer: createAuthorizer(config, metadata.image),
    // No listener is bound in handler tests: endpoints are what the config advertises.
    boundPorts: new Map(),
    log,
    now: Date.now,
  };

  let closed = false;
  const close = async (removeDir: boolean) => {
    if (closed) return;
    closed = true;
    await logs.close();
    await metadata.close();
    if (removeDir) rmSync(dir, { recursive: true, force: true });
  };

  const broker: TestBroker = {
    services,
    topicManager: topics,
    dir,
    logDir,
    context(apiKey, apiVersion, overrides = {}) {
      return {
        apiKey,
        apiVersion,
        correlationId: 1,
        clientId: "handler-test",
        connection: CONNECTION,
        broker: services,
        log,
        closed: new CloseSignal(),
        ...overrides,
      };
    },
    async createTopic(name, partitions = 1, configs = {}) {
      const created = await topics.createTopic(name, { partitions, replicationFactor: 1 }, new Map(Object.entries(configs)));
      if (!created.ok || !created.value) throw new Error(`createTopic ${name}: ${created.ok ? "validate only" : created.message}`);
      return created.value;
    },
    async produce(topic, partition, records, leaderEpoch) {
      const log = logs.getLog(topic, partition);
      if (!log) throw new Error(`no log ${topic}-${partition}`);
      const epoch = leaderEpoch ?? metadata.topic(topic)?.partitions[partition]?.leaderEpoch ?? 0;
      const batch = buildRecordBatch(
        records.map((r) => ({
          key: r.key === undefined ? null : Buffer.from(r.key),
          value: r.value === undefined ? null : Buffer.from(r.value),
          headers: [],
          timestamp: r.timestamp ?? BigInt(Date.now()),
        })),
        {},
      );
      const result = await log.append(batch, { leaderEpoch: epoch, origin: "client" });
      if ("error" in result) throw new Error(`produce to ${topic}-${partition}: ${result.error} ${result.message}`);
      return result.baseOffset;
    },
    async restart() {
      await close(false);
      return startTestBroker(options, dir);
    },
    close: () => close(true),
  };
  return broker;
}

/** Writes `value` with the handler's response codec at `version` and reads it back, as a client would see it. */
export function roundTripResponse<Res>(
  write: (w: Writer, version: number, value: Res) => void,
  read: (r: Reader, version: number) => Res,
  version: number,
  value: Res,
): Res {
  const w = new Writer();
  write(w, version, value);
  const r = new Reader(w.finish());
  const decoded = read(r, version);
  if (r.remaining !== 0) throw new Error(`${r.remaining} bytes left after reading the response back`);
  return decoded;
}

/** Writes a request at `version` with the client-side codec and decodes it with the handler's. */
export function roundTripRequest<Req>(
  write: (w: Writer, version: number, value: Req) => void,
  read: (r: Reader, version: number) => Req,
  version: number,
  value: Req,
): Req {
  return roundTripResponse(write, read, version, value);
}
