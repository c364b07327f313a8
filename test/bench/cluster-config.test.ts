// The --cluster topology as data: settings, start arguments, and parsing `cluster up`'s output.
// Run: npm exec -- vitest run --config test/bench/vitest.config.ts (the root config leaves test/bench out).
import { describe, expect, it } from "vitest";
import {
  clusterOverrides, kafkaNodeArgs, kafkaVoters, millraceClusterArgs, parseBootstrapLine, parseNodePidLine, parsePlaintextPort,
  type KafkaNodePorts,
} from "./cluster-config.js";

const nodes: KafkaNodePorts[] = [
  { id: 1, port: 40001, controllerPort: 41001 },
  { id: 2, port: 40002, controllerPort: 41002 },
  { id: 3, port: 40003, controllerPort: 41003 },
];

/** The value after each `flag` in an argument list. */
function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
}

describe("cluster settings", () => {
  it("are RF 3, min ISR 2, offsets RF 3, no rebalance delay, plus the durability mode's", () => {
    expect(clusterOverrides({ "log.flush.interval.messages": "1" })).toEqual({
      "default.replication.factor": "3",
      "min.insync.replicas": "2",
      "offsets.topic.replication.factor": "3",
      "group.initial.rebalance.delay.ms": "0",
      "log.flush.interval.messages": "1",
    });
    expect(clusterOverrides({})).not.toHaveProperty("log.flush.interval.messages");
  });
});

describe("Kafka nodes", () => {
  it("name every controller in the voters", () => {
    expect(kafkaVoters(nodes)).toBe("1@127.0.0.1:41001,2@127.0.0.1:41002,3@127.0.0.1:41003");
  });
  it("each get their own id, ports and rack, and the shared voters, cluster id, heap and settings", () => {
    const overrides = clusterOverrides({});
    const args = nodes.map((n) => kafkaNodeArgs(n, nodes, `/tmp/x/node-${n.id}`, "AAAAAAAAAAAAAAAAAAAAAA", overrides));
    expect(args.map((a) => valuesOf(a, "--node-id")[0])).toEqual(["1", "2", "3"]);
    expect(args.map((a) => valuesOf(a, "--port")[0])).toEqual(["40001", "40002", "40003"]);
    expect(args.map((a) => valuesOf(a, "--controller-port")[0])).toEqual(["41001", "41002", "41003"]);
    expect(args.map((a) => valuesOf(a, "--dir")[0])).toEqual(["/tmp/x/node-1", "/tmp/x/node-2", "/tmp/x/node-3"]);
    expect(new Set(args.map((a) => valuesOf(a, "--voters")[0]))).toEqual(new Set([kafkaVoters(nodes)]));
    expect(new Set(args.map((a) => valuesOf(a, "--cluster-id")[0]))).toEqual(new Set(["AAAAAAAAAAAAAAAAAAAAAA"]));
    expect(new Set(args.map((a) => valuesOf(a, "--heap")[0]))).toEqual(new Set(["512m"]));
    expect(args.map((a) => valuesOf(a, "--set").find((s) => s.startsWith("broker.rack=")))).toEqual(["broker.rack=a", "broker.rack=b", "broker.rack=c"]);
    for (const a of args) {
      expect(valuesOf(a, "--set")).toEqual(expect.arrayContaining([
        "default.replication.factor=3", "min.insync.replicas=2", "offsets.topic.replication.factor=3", "group.initial.rebalance.delay.ms=0",
      ]));
    }
  });
});

describe("millrace cluster up", () => {
  it("starts three combined nodes on racks a, b, c with the settings as overrides", () => {
    const args = millraceClusterArgs("/tmp/y/cluster", clusterOverrides({ "log.flush.interval.messages": "1" }));
    expect(args.slice(0, 10)).toEqual(["cluster", "up", "--brokers", "3", "--controllers", "3", "--racks", "a,b,c", "--data-dir", "/tmp/y/cluster"]);
    expect(args).not.toContain("--dedicated-controllers");
    expect(valuesOf(args, "--override")).toEqual([
      "default.replication.factor=3", "min.insync.replicas=2", "offsets.topic.replication.factor=3",
      "group.initial.rebalance.delay.ms=0", "log.flush.interval.messages=1",
    ]);
  });
  it("reports node pids on stderr and the bootstrap on stdout", () => {
    expect(parseNodePidLine("node 2 pid=12345 dir=/tmp/c/node-2 broker,controller")).toEqual({ id: 2, pid: 12345 });
    expect(parseNodePidLine("node 2 exited unexpectedly (code 1, signal null); see /tmp/c/node-2/broker.log")).toBeUndefined();
    expect(parseBootstrapLine("bootstrap=127.0.0.1:23456")).toBe("127.0.0.1:23456");
    expect(parseBootstrapLine("millrace cluster up: node 1 did not start")).toBeUndefined();
  });
  it("names node 1's port in its server.properties, once the listeners line is there", () => {
    const props = "# Written by millrace cluster up: node 1, broker,controller.\nprocess.roles=broker,controller\nnode.id=1\n" +
      "listeners=PLAINTEXT://127.0.0.1:23456,CONTROLLER://127.0.0.1:23457\ncontroller.listener.names=CONTROLLER\n";
    expect(parsePlaintextPort(props)).toBe(23456);
    expect(parsePlaintextPort("process.roles=broker,controller\nnode.id=1\n")).toBeUndefined();
    expect(parsePlaintextPort("")).toBeUndefined();
  });
});
