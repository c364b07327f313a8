// Three combined `millrace broker` processes with StandardAuthorizer and SASL on every listener
// (as sasl-cluster.test.ts: SCRAM-SHA-512 between brokers as User:broker, PLAIN to the
// controllers as User:controller; both, and User:admin, are super users). ACLs created with
// kafka-acls through one broker — forwarded to the active controller in an Envelope naming the
// admin — hold on every broker: each lists them and each enforces them (alice may describe and
// write the topic through every node, bob is refused by every node). A client cannot create ACLs
// by going through a broker: bob's kafka-acls --add through a non-leader is refused (the
// controller authorizes the client named in the Envelope), and logged as bob's denial.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { kafkaTool } from "./kafka-tool.js";
import { LocalCluster } from "./local-cluster.js";
import { SASL_FORMAT_FLAGS, SASL_NODE_OVERRIDES, SCRAM_LOGIN } from "./sasl-cluster-settings.js";

const INSTALL = resolve(import.meta.dirname, "../tools/install.sh");
const TOPICS = "org.apache.kafka.tools.TopicCommand";
const CONFIG_COMMAND = "org.apache.kafka.tools.ConfigCommand";
const ACL_COMMAND = "org.apache.kafka.tools.AclCommand";

describe("ACLs in a 3-broker cluster", () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  it("created through one broker, hold on every broker", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-acl-cluster-"));
    const installed = spawnSync("bash", [INSTALL, "kcat"], { encoding: "utf8", timeout: 300_000 });
    const kcatBin = installed.stdout.match(/^KCAT=(.+)$/m)?.[1] ?? "";
    expect(kcatBin, installed.stderr).not.toBe("");
    const passwords: Record<string, string> = { admin: "admin-secret", alice: "alice-secret", bob: "bob-secret" };
    const properties = (user: string) => {
      const path = join(dir, `${user}.properties`);
      writeFileSync(path, ["security.protocol=SASL_PLAINTEXT", "sasl.mechanism=SCRAM-SHA-512", `sasl.jaas.config=${SCRAM_LOGIN} required username="${user}" password="${passwords[user]}";`].join("\n") + "\n");
      return path;
    };
    const kcat = (user: string, port: number, ...args: string[]) =>
      spawnSync(
        kcatBin,
        ["-b", `127.0.0.1:${port}`, "-X", "security.protocol=sasl_plaintext", "-X", "sasl.mechanism=SCRAM-SHA-512", "-X", `sasl.username=${user}`, "-X", `sasl.password=${passwords[user]}`, ...args],
        { encoding: "utf8", timeout: 60_000, input: args.includes("-P") ? `${user}-record\n` : undefined },
      );

    cluster = await LocalCluster.start(
      3,
      [
        "listener.security.protocol.map=PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
        ...SASL_NODE_OVERRIDES,
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "super.users=User:broker;User:controller;User:admin",
        "broker.heartbeat.interval.ms=200",
      ],
      { formatFlags: [...SASL_FORMAT_FLAGS] },
    );
    const nodes = cluster.nodes.filter((n): n is NonNullable<typeof n> => n !== undefined);
    expect(nodes).toHaveLength(3);
    const [n1, n2, n3] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    const admin = properties("admin");

    for (const user of ["alice", "bob"]) {
      const added = kafkaTool(CONFIG_COMMAND, [
        "--bootstrap-server", `127.0.0.1:${n1.port}`, "--command-config", admin,
        "--alter", "--add-config", `SCRAM-SHA-512=[password=${passwords[user]}]`, "--entity-type", "users", "--entity-name", user,
      ]);
      expect(added.status, added.stderr).toBe(0);
    }
    const created = kafkaTool(TOPICS, ["--bootstrap-server", `127.0.0.1:${n1.port}`, "--command-config", admin, "--create", "--topic", "ledger-eu", "--partitions", "3", "--replication-factor", "3"]);
    expect(created.status, created.stderr).toBe(0);

    // bob may DESCRIBE the cluster (kafka-acls --add lists the ACLs first), not ALTER it.
    const bobDescribes = kafkaTool(ACL_COMMAND, ["--bootstrap-server", `127.0.0.1:${n1.port}`, "--command-config", admin, "--add", "--allow-principal", "User:bob", "--operation", "Describe", "--cluster"]);
    expect(bobDescribes.status, bobDescribes.stderr + bobDescribes.stdout).toBe(0);
    // One binding through each node: at least two of them are not the quorum leader and forward
    // the request in an Envelope.
    for (const [n, operation] of [[n1, "Write"], [n2, "Describe"], [n3, "Read"]] as const) {
      const added = kafkaTool(ACL_COMMAND, [
        "--bootstrap-server", `127.0.0.1:${n.port}`, "--command-config", admin,
        "--add", "--allow-principal", "User:alice", "--operation", operation, "--topic", "ledger-", "--resource-pattern-type", "prefixed",
      ]);
      expect(added.status, added.stderr + added.stdout).toBe(0);
      // bob cannot create ACLs by going through a broker: the controller authorizes him, not the broker.
      const bobAdds = kafkaTool(ACL_COMMAND, [
        "--bootstrap-server", `127.0.0.1:${n.port}`, "--command-config", properties("bob"),
        "--add", "--allow-principal", "User:bob", "--operation", "All", "--topic", "*",
      ]);
      expect(bobAdds.stdout + bobAdds.stderr).toMatch(/ClusterAuthorizationException/);
    }

    for (const n of [n1, n2, n3]) {
      await vi.waitFor(
        () => {
          const listed = kafkaTool(ACL_COMMAND, ["--bootstrap-server", `127.0.0.1:${n.port}`, "--command-config", admin, "--list"]);
          expect(listed.status, listed.stderr).toBe(0);
          expect(listed.stdout.split("\n").filter((l) => l.includes("(principal=User:alice")).sort()).toEqual([
            expect.stringContaining("(principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)"),
            expect.stringContaining("(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)"),
            expect.stringContaining("(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW)"),
          ]);
          expect(listed.stdout).toContain("(principal=User:bob, host=*, operation=DESCRIBE, permissionType=ALLOW)");
          expect(listed.stdout).not.toContain("operation=ALL");
        },
        { timeout: 30_000, interval: 1000 },
      );
      // Every node lets alice see and write the topic, and refuses bob.
      const aliceMeta = kcat("alice", n.port, "-L", "-t", "ledger-eu", "-m", "10", "-J");
      expect(aliceMeta.status, `node ${n.id}: ${aliceMeta.stderr}`).toBe(0);
      expect(aliceMeta.stdout).toContain('"topic":"ledger-eu"');
      expect(aliceMeta.stdout).not.toContain("Topic authorization failed");
      const aliceWrites = kcat("alice", n.port, "-t", "ledger-eu", "-P");
      expect(aliceWrites.status, `node ${n.id}: ${aliceWrites.stderr}`).toBe(0);
      const bobMeta = kcat("bob", n.port, "-L", "-t", "ledger-eu", "-m", "10", "-J");
      expect(bobMeta.stdout, `node ${n.id}`).toContain("Topic authorization failed");
      const bobWrites = kcat("bob", n.port, "-t", "ledger-eu", "-P");
      expect(bobWrites.status).not.toBe(0);
      expect(bobWrites.stderr).toContain("Topic authorization failed");
    }

    // The leader handled both kafka-acls requests inside Envelopes naming the clients, and each
    // node logged its own denials of bob. The admin client sends CreateAcls to whichever broker is
    // least loaded, not to its bootstrap node, so all of bob's attempts above may have reached
    // the quorum leader itself (no Envelope): then bob tries again until one is forwarded. The
    // same holds for admin's CreateAcls: admin then adds one more (new, so logged) binding.
    let retry = 0;
    let adminRetry = 0;
    await vi.waitFor(
      () => {
        const logs = nodes.flatMap((n) => n.process?.logs ?? []);
        const forwardedCreate = logs.some((l) => l.msg === "ACL bindings created" && l.forwardedPrincipal === "User:admin");
        if (!forwardedCreate) {
          const n = nodes[adminRetry % nodes.length]!;
          kafkaTool(ACL_COMMAND, ["--bootstrap-server", `127.0.0.1:${n.port}`, "--command-config", admin, "--add", "--allow-principal", "User:alice", "--operation", "Describe", "--topic", `ledger-retry-${adminRetry++}`]);
        }
        expect(forwardedCreate, "a forwarded CreateAcls").toBe(true);
        const bobDenials = logs.filter((l) => l.msg === "authorization denied" && l.principal === "User:bob");
        const forwardedDenial = bobDenials.some((l) => l.forwardedPrincipal === "User:bob" && l.resource === "Cluster:LITERAL:kafka-cluster" && l.operation === "ALTER");
        if (!forwardedDenial) {
          const n = nodes[retry++ % nodes.length]!;
          kafkaTool(ACL_COMMAND, ["--bootstrap-server", `127.0.0.1:${n.port}`, "--command-config", properties("bob"), "--add", "--allow-principal", "User:bob", "--operation", "All", "--topic", "*"]);
        }
        expect(forwardedDenial, JSON.stringify(bobDenials.filter((l) => l.resource !== "Topic:LITERAL:ledger-eu"))).toBe(true);
        for (const n of nodes) {
          const denied = (n.process?.logs ?? []).filter((l) => l.msg === "authorization denied" && l.principal === "User:bob");
          expect(denied.length, `node ${n.id}`).toBeGreaterThan(0);
        }
      },
      { timeout: 120_000, interval: 500 },
    );
  }, 300_000);
});
