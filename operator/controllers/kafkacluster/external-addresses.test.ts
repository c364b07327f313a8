import type { V1Pod, V1Service } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { Listener } from "../../api/v1alpha1/kafkacluster.js";
import { extraSubjectAltNames, nodeExternalAddresses } from "./external-addresses.js";
import { planNodes } from "./node-layout.js";
import { exampleCluster } from "./test-fixtures.js";

describe("nodeExternalAddresses", () => {
  const cluster = exampleCluster("kafka");
  const { nodes } = planNodes("demo", cluster.spec, []);
  const broker = nodes.find((n) => n.nodeId === 4)!;
  const controller = nodes.find((n) => n.nodeId === 0)!;
  const listeners: Listener[] = [
    ...cluster.spec.listeners,
    { name: "np", port: 9094, type: "nodeport", tls: true },
    { name: "lb", port: 9095, type: "loadbalancer", tls: true },
  ];
  const services = (byName: Record<string, V1Service>) => (name: string) => byName[name];
  const nodePortService = (nodePort?: number): V1Service => ({ spec: { type: "NodePort", ports: [{ port: 9094, ...(nodePort ? { nodePort } : {}) }] } });
  const lbService = (ingress?: { ip?: string; hostname?: string }): V1Service => ({ spec: { type: "LoadBalancer", ports: [{ port: 9095 }] }, status: { loadBalancer: ingress ? { ingress: [ingress] } : {} } });
  const scheduledPod = (hostIP: string): V1Pod => ({ status: { hostIP } });

  it("waits for a nodePort and a load balancer address, naming the Services", () => {
    const a = nodeExternalAddresses("demo", listeners, broker, services({ "demo-np-4": nodePortService(), "demo-lb-4": lbService() }), undefined);
    expect(a.waiting).toEqual(["demo-np-4", "demo-lb-4"]);
    expect(a.advertised.size).toBe(0);
    expect(extraSubjectAltNames(a)).toBeUndefined();
    // A Service not in the cache yet waits too.
    expect(nodeExternalAddresses("demo", listeners, broker, services({}), undefined).waiting).toEqual(["demo-np-4", "demo-lb-4"]);
  });

  it("nodeport: advertises $(HOST_IP):nodePort; the Pod's hostIP, once scheduled, is a known address and an IP SAN", () => {
    const svc = services({ "demo-np-4": nodePortService(31234), "demo-lb-4": lbService({ ip: "203.0.113.7" }) });
    const unscheduled = nodeExternalAddresses("demo", listeners, broker, svc, undefined);
    expect(unscheduled.waiting).toEqual([]);
    expect([...unscheduled.advertised]).toEqual([
      ["NP", "$(HOST_IP):31234"],
      ["LB", "203.0.113.7:9095"],
    ]);
    expect([...unscheduled.known]).toEqual([["lb", "203.0.113.7:9095"]]);
    expect(extraSubjectAltNames(unscheduled)).toEqual({ ipAddresses: ["203.0.113.7"], dnsNames: [] });

    const scheduled = nodeExternalAddresses("demo", listeners, broker, svc, scheduledPod("10.1.2.3"));
    expect(scheduled.known.get("np")).toBe("10.1.2.3:31234");
    expect(extraSubjectAltNames(scheduled)).toEqual({ ipAddresses: ["10.1.2.3", "203.0.113.7"], dnsNames: [] });
  });

  it("loadbalancer with a hostname: a DNS SAN; an IPv6 address is bracketed", () => {
    const byHost = nodeExternalAddresses("demo", listeners.slice(0, 1).concat(listeners[2]!), broker, services({ "demo-lb-4": lbService({ hostname: "a1.elb.example.com" }) }), undefined);
    expect(byHost.advertised.get("LB")).toBe("a1.elb.example.com:9095");
    expect(extraSubjectAltNames(byHost)).toEqual({ ipAddresses: [], dnsNames: ["a1.elb.example.com"] });
    const v6 = nodeExternalAddresses("demo", [listeners[2]!], broker, services({ "demo-lb-4": lbService({ ip: "2001:db8::1" }) }), undefined);
    expect(v6.known.get("lb")).toBe("[2001:db8::1]:9095");
  });

  it("a controller-only node has no external address and waits for none", () => {
    const a = nodeExternalAddresses("demo", listeners, controller, services({}), undefined);
    expect(a).toEqual({ advertised: new Map(), known: new Map(), waiting: [], subjectAltNames: { ipAddresses: [], dnsNames: [] } });
  });
});
