// The composition root of one node process, by its roles (process.roles): every node opens the
// metadata store; a controller runs the ClusterController and the controller listeners
// (roles/controller-role.ts, roles/controller-listeners.ts); a broker opens its logs and serves
// clients (roles/broker-role.ts). A combined node does both. `stop()` is the clean shutdown
// (controlled shutdown, quorum hand-over, connections closed, logs flushed, clean-shutdown markers).
import { mkdirSync } from "node:fs";
import type { Logger } from "pino";
import type { BrokerServices } from "./broker-services.js";
import type { BrokerConfig } from "./config/index.js";
import { ensureMetaProperties } from "./metadata/meta-properties.js";
import { MetadataStore } from "./metadata/metadata-store.js";
import { quorumOptionsFrom } from "./metadata/quorum-options.js";
import type { ClusterController } from "./metadata/controller/cluster-controller.js";
import type { Listener } from "./network/listener.js";
import { HealthEndpoint } from "./network/health-endpoint.js";
import { NodeProgress, nodeReadiness } from "./roles/node-readiness.js";
import { BrokerRole } from "./roles/broker-role.js";
import { startControllerListeners } from "./roles/controller-listeners.js";
import { startClusterController } from "./roles/controller-role.js";
import { startBootstrapCredentialImport } from "./security/sasl/bootstrap-credentials.js";
import { checkSaslListenerSettings } from "./security/sasl/sasl-settings-check.js";

export class Broker {
  private constructor(
    private readonly boundPorts: ReadonlyMap<string, number>,
    private readonly metadata: MetadataStore,
    private readonly controller: ClusterController | null,
    private readonly controllerListeners: Listener[],
    private readonly brokerRole: BrokerRole | null,
    private readonly health: HealthEndpoint | null,
    private readonly progress: NodeProgress,
    private readonly log: Logger,
  ) {}

  /** The health endpoint's port (millrace.health.port; null when it is off). */
  get healthPort(): number | null {
    return this.health?.port ?? null;
  }

  /** Ports actually bound, by listener name. */
  get ports(): ReadonlyMap<string, number> {
    return this.boundPorts;
  }

  /** What the broker listeners' handlers use (null on a controller-only node). */
  get services(): BrokerServices | null {
    return this.brokerRole?.services ?? null;
  }

  static async start(config: BrokerConfig, log: Logger): Promise<Broker> {
    checkSaslListenerSettings(config);
    // The health endpoint comes up first, so probes see start-up's progress (503 and why) rather than refused connections.
    const progress = new NodeProgress();
    const health = config.healthPort > 0
      ? await HealthEndpoint.start(config.healthPort, { alive: () => !progress.stopping, readiness: () => nodeReadiness(config.nodeId, config.processRoles, progress) }, log.child({ component: "health" }))
      : null;
    try {
      return await Broker.startRoles(config, progress, health, log);
    } catch (err) {
      await health?.close();
      throw err;
    }
  }

  private static async startRoles(config: BrokerConfig, progress: NodeProgress, health: HealthEndpoint | null, log: Logger): Promise<Broker> {
    const started = Date.now();
    for (const dir of config.logDirs) mkdirSync(dir, { recursive: true });
    const dirs = [...new Set([...config.logDirs, config.metadataLogDir])];
    const clusterId = ensureMetaProperties(dirs, config.nodeId, { autoFormat: config.singleNodeQuorum });
    const metadata = await MetadataStore.open(quorumOptionsFrom(config, clusterId, log.child({ component: "metadata" })));
    progress.metadata = metadata;
    const boundPorts = new Map<string, number>();
    // Controller listeners come up first: the quorum elects its leader and replicates over them.
    const controller = config.processRoles.includes("controller") ? startClusterController(config, clusterId, metadata, log) : null;
    const controllerListeners = await startControllerListeners(config, { clusterId, metadata, controller, boundPorts, log });
    await metadata.ready();
    progress.metadataReplayed = true;
    await startBootstrapCredentialImport(metadata, config.metadataLogDir, log.child({ component: "sasl" }));
    const brokerRole = config.processRoles.includes("broker")
      ? await BrokerRole.start({ config, clusterId, metadata, controller, boundPorts, log, onListenersUp: () => (progress.brokerListenersUp = true) })
      : null;
    const startupMs = Date.now() - started;
    if (brokerRole) log.info({ nodeId: config.nodeId, clusterId, brokerEpoch: brokerRole.brokerEpoch, startupMs }, "broker started");
    else log.info({ nodeId: config.nodeId, clusterId, startupMs }, "controller started");
    return new Broker(boundPorts, metadata, controller, controllerListeners, brokerRole, health, progress, log);
  }

  /** Clean shutdown: controlled shutdown, quorum hand-over, then listeners, groups, logs and metadata closed. */
  async stop(): Promise<void> {
    const what = this.brokerRole ? "broker" : "controller";
    this.log.info(`${what} stopping`);
    // Probes say so at once: an orchestrator stops sending clients here while the hand-over runs.
    this.progress.stopping = true;
    // First, while the listeners still serve: controlled shutdown with the controller, then a
    // quorum leader hands over so a successor is elected at once.
    await this.brokerRole?.shutDownWithController();
    this.controller?.stop();
    await this.metadata.quorum.handOver();
    await Promise.all([...this.controllerListeners.map((l) => l.close()), this.brokerRole?.close()]);
    await this.metadata.close();
    await this.health?.close();
    this.log.info(`${what} stopped`);
  }
}
