import { describe, expect, it } from "vitest";
// The broker's own parser and validation: the text must mean to the broker what we intend.
import { brokerConfigFromMap } from "../../../broker/config/broker-config.js";
import { parseProperties } from "../../../broker/config/properties.js";
import { planNodes } from "./node-layout.js";
import { advertisedListenersFromEnv, serverProperties, STANDARD_AUTHORIZER } from "./server-properties.js";
import { exampleCluster } from "./test-fixtures.js";

const PRINCIPALS = {
  nodePrincipal: "User:CN=demo-node,O=millrace.dev",
  operatorPrincipal: "User:CN=demo-operator,O=millrace.dev",
  principalMappingRules: "RULE:^CN=([^,]+)$/$1/,DEFAULT",
};

function propertiesOf(text: string): Record<string, string> {
  const parsed = parseProperties(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return Object.fromEntries(parsed.value.map((e) => [e.key, e.value]));
}

describe("serverProperties", () => {
  const cluster = exampleCluster("kafka");
  const { nodes } = planNodes("demo", cluster.spec, []);
  const text = (nodeId: number, spec = cluster.spec) =>
    serverProperties({ clusterName: "demo", namespace: "kafka", spec, node: nodes.find((n) => n.nodeId === nodeId)!, nodes, ...PRINCIPALS });

  it("a broker: identity, rack, voters, listeners, TLS, SCRAM, authorizer, user config", () => {
    const p = propertiesOf(text(4));
    expect(p).toMatchObject({
      "node.id": "4",
      "process.roles": "broker",
      "broker.rack": "zone-b",
      "log.dirs": "/var/lib/millrace/data",
      "controller.quorum.voters":
        "0@demo-controllers-0.demo-nodes.kafka.svc:9090,1@demo-controllers-1.demo-nodes.kafka.svc:9090,2@demo-controllers-2.demo-nodes.kafka.svc:9090",
      "controller.listener.names": "CONTROLLER",
      "inter.broker.listener.name": "REPLICATION",
      listeners: "REPLICATION://:9091,INTERNAL://:9093",
      "advertised.listeners": "REPLICATION://demo-brokers-4.demo-nodes.kafka.svc:9091,INTERNAL://demo-brokers-4.demo-nodes.kafka.svc:9093",
      "listener.security.protocol.map": "CONTROLLER:SSL,REPLICATION:SSL,INTERNAL:SASL_SSL",
      "ssl.keystore.type": "PEM",
      "ssl.keystore.location": "/etc/millrace/certs/node/keystore.pem",
      "ssl.truststore.location": "/etc/millrace/certs/node/ca.crt",
      "ssl.principal.mapping.rules": PRINCIPALS.principalMappingRules,
      "listener.name.replication.ssl.client.auth": "required",
      "listener.name.internal.sasl.enabled.mechanisms": "SCRAM-SHA-512",
      "authorizer.class.name": STANDARD_AUTHORIZER,
      "super.users": "User:admin;User:CN=demo-node,O=millrace.dev;User:CN=demo-operator,O=millrace.dev",
      "millrace.health.port": "9095",
      "min.insync.replicas": "2",
      "default.replication.factor": "3",
    });
    expect(p["listener.name.internal.ssl.client.auth"]).toBeUndefined();
  });

  it("a controller-only node listens on CONTROLLER alone, with mTLS", () => {
    const p = propertiesOf(text(1));
    expect(p).toMatchObject({ "process.roles": "controller", listeners: "CONTROLLER://:9090", "listener.name.controller.ssl.client.auth": "required", "broker.rack": "zone-b" });
    expect(p["advertised.listeners"]).toBeUndefined();
    expect(p["inter.broker.listener.name"]).toBeUndefined();
  });

  it("is accepted by the broker's configuration (every node of the example)", () => {
    for (const n of nodes) {
      const c = brokerConfigFromMap(propertiesOf(text(n.nodeId)));
      expect(c.nodeId).toBe(n.nodeId);
    }
  });

  it("tls authentication trusts the clients CA on that listener; plaintext listeners stay plain", () => {
    const spec = {
      ...cluster.spec,
      listeners: [
        { name: "mtls", port: 9094, tls: true, authentication: { type: "tls" as const } },
        { name: "plain", port: 9092, tls: false },
        { name: "scram", port: 9096, tls: false, authentication: { type: "scram-sha-512" as const } },
      ],
    };
    const p = propertiesOf(text(3, spec));
    expect(p).toMatchObject({
      "listener.security.protocol.map": "CONTROLLER:SSL,REPLICATION:SSL,MTLS:SSL,PLAIN:PLAINTEXT,SCRAM:SASL_PLAINTEXT",
      "listener.name.mtls.ssl.client.auth": "required",
      "listener.name.mtls.ssl.truststore.location": "/etc/millrace/certs/clients-ca/ca.crt",
      "listener.name.scram.sasl.enabled.mechanisms": "SCRAM-SHA-512",
    });
    brokerConfigFromMap(p);
  });

  it("escapes values as java.util.Properties reads them", () => {
    const spec = { ...cluster.spec, config: { "log.cleaner.io.buffer.load.factor": "0.9", weird: " lead\\back\nline" } };
    expect(propertiesOf(text(3, spec)).weird).toBe(" lead\\back\nline");
  });

  it("refuses operator-owned keys in spec.config", () => {
    expect(() => text(3, { ...cluster.spec, config: { "log.dirs": "/x", "listener.name.a.b": "c" } })).toThrow("log.dirs, listener.name.a.b");
  });

  it("without authorization: no authorizer, no super users", () => {
    const p = propertiesOf(text(3, { ...cluster.spec, authorization: undefined }));
    expect(p["authorizer.class.name"]).toBeUndefined();
    expect(p["super.users"]).toBeUndefined();
  });
});

describe("serverProperties with external listeners", () => {
  const cluster = exampleCluster("kafka");
  const spec = { ...cluster.spec, listeners: [...cluster.spec.listeners, { name: "ext", port: 9094, type: "loadbalancer" as const, tls: true }] };
  const { nodes } = planNodes("demo", spec, []);
  const node = nodes.find((n) => n.nodeId === 3)!;
  const input = (externalAdvertised: Map<string, string>) => ({ clusterName: "demo", namespace: "kafka", spec, node, nodes, ...PRINCIPALS, externalAdvertised });

  it("a load balancer's address is advertised in the file", () => {
    const advertised = new Map([["EXT", "203.0.113.7:9094"]]);
    const p = propertiesOf(serverProperties(input(advertised)));
    expect(p["advertised.listeners"]).toBe("REPLICATION://demo-brokers-3.demo-nodes.kafka.svc:9091,INTERNAL://demo-brokers-3.demo-nodes.kafka.svc:9093,EXT://203.0.113.7:9094");
    expect(advertisedListenersFromEnv(input(advertised))).toBeUndefined();
    brokerConfigFromMap(p);
  });

  it("a nodeport's $(HOST_IP) leaves advertised.listeners to the Pod's environment, with a comment saying so", () => {
    const advertised = new Map([["EXT", "$(HOST_IP):31234"]]);
    const text = serverProperties(input(advertised));
    const p = propertiesOf(text);
    expect(p["advertised.listeners"]).toBeUndefined();
    expect(text).toContain("# advertised.listeners is set by the Pod's environment (MILLRACE_ADVERTISED_LISTENERS)");
    expect(advertisedListenersFromEnv(input(advertised))).toBe(
      "REPLICATION://demo-brokers-3.demo-nodes.kafka.svc:9091,INTERNAL://demo-brokers-3.demo-nodes.kafka.svc:9093,EXT://$(HOST_IP):31234",
    );
    // The broker accepts the file without it, and the environment's value as the kubelet expands it.
    brokerConfigFromMap(p);
    const c = brokerConfigFromMap({ ...p, "advertised.listeners": advertisedListenersFromEnv(input(advertised))!.replace("$(HOST_IP)", "10.1.2.3") });
    expect(c.nodeId).toBe(3);
  });

  it("a controller-only node never takes advertised.listeners from the environment", () => {
    const controller = nodes.find((n) => n.nodeId === 0)!;
    expect(advertisedListenersFromEnv({ ...input(new Map([["EXT", "$(HOST_IP):31234"]])), node: controller })).toBeUndefined();
  });
});
