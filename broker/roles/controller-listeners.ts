// The listeners named in controller.listener.names, with what they serve (handlers/controller/):
// the quorum's own traffic, broker registration and heartbeats, and the metadata changes brokers
// forward to the active controller. Their services hold only the metadata side of a node: topic
// changes are metadata changes here (a broker's logs follow the image by themselves), and a
// handler that reaches for a broker service (logs, groups, replicas, …) fails loudly.
import type { Logger } from "pino";
import type { BrokerServices } from "../broker-services.js";
import type { BrokerConfig } from "../config/index.js";
import { registerControllerHandlers } from "../handlers/controller/controller-handlers.js";
import { HandlerRegistry } from "../handlers/registry.js";
import type { ClusterController } from "../metadata/controller/cluster-controller.js";
import type { MetadataStore } from "../metadata/metadata-store.js";
import { Listener } from "../network/listener.js";
import { validateTopicOverrides } from "../topics/topic-log-config.js";
import { TopicAdmin } from "../topics/topic-admin.js";
import { effectiveBrokerConfig } from "../metadata/effective-broker-config.js";
import { createAuthorizer } from "../security/authorizer/create-authorizer.js";

function notOnControllerListener<T>(what: string): T {
  return new Proxy({}, { get: (_, p) => { throw new Error(`${what}.${String(p)} is not available on a controller listener`); } }) as T;
}

/** Binds the controller listeners (none when this node has no controller role). */
export async function startControllerListeners(
  config: BrokerConfig,
  base: { clusterId: string; metadata: MetadataStore; controller: ClusterController | null; boundPorts: Map<string, number>; log: Logger },
): Promise<Listener[]> {
  const specs = config.listeners.filter((spec) => config.controllerListenerNames.includes(spec.name));
  if (specs.length === 0) return [];
  const handlers = new HandlerRegistry();
  registerControllerHandlers(handlers);
  const { metadata, log } = base;
  const current = () => effectiveBrokerConfig(config, metadata.image, config.nodeId, log);
  const services: BrokerServices = {
    handlers,
    config,
    nodeId: config.nodeId,
    clusterId: base.clusterId,
    metadata,
    controller: base.controller,
    // Requests reaching a controller listener are never forwarded: off the leader they are refused.
    forwarder: null,
    replicas: null,
    topics: new TopicAdmin({ metadata, validateConfigs: (overrides) => validateTopicOverrides(current(), overrides), log: log.child({ component: "topics" }) }),
    producerIds: notOnControllerListener("producerIds"),
    logs: notOnControllerListener("logs"),
    groups: notOnControllerListener("groups"),
    fetchSessions: notOnControllerListener("fetchSessions"),
    authorizer: createAuthorizer(config, metadata.image),
    boundPorts: base.boundPorts,
    log,
    now: Date.now,
  };
  const listeners = specs.map((spec) => new Listener(spec, services, log));
  for (const listener of listeners) base.boundPorts.set(listener.spec.name, await listener.listen());
  return listeners;
}
