// One `millrace broker` process with StandardAuthorizer, super.users=User:admin and a
// SASL_PLAINTEXT listener whose PLAIN users are admin, alice and bob. With Apache Kafka's own
// tools and clients (kafka-acls, kafka-topics, console producer and consumer) and librdkafka
// (kcat): kafka-acls adds READ/WRITE for alice on a prefixed topic pattern and READ on a prefixed
// group pattern, and lists exactly those bindings; alice produces and consumes with both clients;
// bob is refused with TOPIC_AUTHORIZATION_FAILED and GROUP_AUTHORIZATION_FAILED, and the broker
// logs the denials; a DENY wins over alice's ALLOW; --remove takes effect at once. (ACL requests
// with invalid patterns: the handler tests and the broker-core fuzz test.)
// Part of the cluster suite (one broker-process test at a time on a 2-core machine).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startBroker, type BrokerProcess } from "./broker-process.js";
import { kafkaTool } from "./kafka-tool.js";

const INSTALL = resolve(import.meta.dirname, "../tools/install.sh");
const RUN_CLASS = resolve(import.meta.dirname, "../kafka/run-class.sh");
const ACL_COMMAND = "org.apache.kafka.tools.AclCommand";
const TOPICS = "org.apache.kafka.tools.TopicCommand";
const CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
const CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
const STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
const PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";
const USERS: Record<string, string> = { admin: "admin-secret", alice: "alice-secret", bob: "bob-secret" };

function javaTool(cls: string, args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("bash", [RUN_CLASS, cls, ...args], { encoding: "utf8", input, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function run(bin: string, args: string[], input = ""): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { encoding: "utf8", input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("ACLs on a broker process with StandardAuthorizer", () => {
  const dir = mkdtempSync(join(tmpdir(), "millrace-acl-it-"));
  let broker: BrokerProcess | undefined;
  let kcatBin: string;
  let bootstrap: string;
  const props = (user: string) => join(dir, `${user}.properties`);
  const acls = (...args: string[]) => kafkaTool(ACL_COMMAND, ["--bootstrap-server", bootstrap, "--command-config", props("admin"), ...args]);
  const kcat = (user: string, ...args: string[]) => [
    "-b", bootstrap, "-X", "security.protocol=sasl_plaintext", "-X", "sasl.mechanism=PLAIN", "-X", `sasl.username=${user}`, "-X", `sasl.password=${USERS[user]}`, ...args,
  ];
  const denials = (principal: string) => broker!.logs.filter((l) => l.msg === "authorization denied" && l.principal === principal);

  beforeAll(async () => {
    const installed = spawnSync("bash", [INSTALL, "kcat"], { encoding: "utf8", timeout: 300_000 });
    kcatBin = installed.stdout.match(/^KCAT=(.+)$/m)?.[1] ?? "";
    if (!kcatBin) throw new Error(`kcat install failed: ${installed.stderr}`);
    for (const [user, password] of Object.entries(USERS)) {
      writeFileSync(props(user), ["security.protocol=SASL_PLAINTEXT", "sasl.mechanism=PLAIN", `sasl.jaas.config=${PLAIN_LOGIN} required username="${user}" password="${password}";`].join("\n") + "\n");
    }
    const jaasUsers = Object.entries(USERS).map(([u, p]) => `user_${u}="${p}"`).join(" ");
    broker = await startBroker({
      overrides: [
        // PLAINTEXT stays the inter-broker listener (unused by one node); its User:ANONYMOUS has no rights.
        "listeners=PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0",
        "listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN",
        `listener.name.sasl_plaintext.plain.sasl.jaas.config=${PLAIN_LOGIN} required ${jaasUsers};`,
        `authorizer.class.name=${STANDARD_AUTHORIZER}`,
        "super.users=User:admin",
        "num.partitions=1",
      ],
    });
    const listening = broker.logs.find((l) => l.msg === "listening" && l.listener === "SASL_PLAINTEXT");
    bootstrap = `127.0.0.1:${Number(listening?.port)}`;
    for (const topic of ["orders-eu", "orders-audit", "payments"]) {
      const created = kafkaTool(TOPICS, ["--bootstrap-server", bootstrap, "--command-config", props("admin"), "--create", "--topic", topic, "--partitions", "1", "--replication-factor", "1"]);
      expect(created.status, created.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it("kafka-acls adds prefixed, literal, deny, group, transactional-id and cluster bindings and lists exactly them", () => {
    const added = [
      acls("--add", "--allow-principal", "User:alice", "--operation", "Read", "--operation", "Write", "--topic", "orders-", "--resource-pattern-type", "prefixed"),
      acls("--add", "--allow-principal", "User:alice", "--operation", "Read", "--group", "app-", "--resource-pattern-type", "prefixed"),
      acls("--add", "--deny-principal", "User:alice", "--operation", "Write", "--topic", "orders-audit"),
      acls("--add", "--allow-principal", "User:bob", "--operation", "Read", "--topic", "payments"),
      acls("--add", "--allow-principal", "User:alice", "--operation", "Write", "--transactional-id", "tx-", "--resource-pattern-type", "prefixed"),
      acls("--add", "--allow-principal", "User:alice", "--operation", "Describe", "--cluster"),
    ];
    for (const r of added) expect(r.status, r.stderr + r.stdout).toBe(0);

    const listed = acls("--list");
    expect(listed.status, listed.stderr).toBe(0);
    const bindings = listed.stdout.split("\n").filter((l) => l.includes("(principal="));
    expect(bindings).toHaveLength(7);
    expect(listed.stdout).toContain("ResourcePattern(resourceType=TOPIC, name=orders-, patternType=PREFIXED)");
    expect(listed.stdout).toContain("ResourcePattern(resourceType=GROUP, name=app-, patternType=PREFIXED)");
    expect(listed.stdout).toContain("ResourcePattern(resourceType=TRANSACTIONAL_ID, name=tx-, patternType=PREFIXED)");
    expect(listed.stdout).toContain("ResourcePattern(resourceType=CLUSTER, name=kafka-cluster, patternType=LITERAL)");
    expect(listed.stdout).toMatch(/ResourcePattern\(resourceType=TOPIC, name=orders-audit, patternType=LITERAL\)`:\s*\n\s*\(principal=User:alice, host=\*, operation=WRITE, permissionType=DENY\)/);

    const forTopic = acls("--list", "--topic", "orders-", "--resource-pattern-type", "prefixed");
    expect(forTopic.status, forTopic.stderr).toBe(0);
    expect(forTopic.stdout.split("\n").filter((l) => l.includes("(principal=")).sort()).toEqual([
      expect.stringContaining("(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)"),
      expect.stringContaining("(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW)"),
    ]);
  });

  it("alice produces and consumes with the Java clients and librdkafka", () => {
    const javaProduced = javaTool(CONSOLE_PRODUCER, ["--bootstrap-server", bootstrap, "--topic", "orders-eu", "--command-config", props("alice")], "java-1\njava-2\n");
    expect(javaProduced.status, javaProduced.stderr).toBe(0);
    const kcatProduced = run(kcatBin, kcat("alice", "-t", "orders-eu", "-P"), "kcat-1\n");
    expect(kcatProduced.status, kcatProduced.stderr).toBe(0);
    const all = ["java-1", "java-2", "kcat-1"];
    const javaRead = javaTool(CONSOLE_CONSUMER, [
      "--bootstrap-server", bootstrap, "--topic", "orders-eu", "--group", "app-readers", "--from-beginning", "--max-messages", "3", "--timeout-ms", "30000", "--command-config", props("alice"),
    ]);
    expect(javaRead.status, javaRead.stderr).toBe(0);
    expect(javaRead.stdout.trim().split("\n")).toEqual(all);
    const kcatRead = run(kcatBin, kcat("alice", "-t", "orders-eu", "-C", "-o", "beginning", "-c", "3", "-e"));
    expect(kcatRead.status, kcatRead.stderr).toBe(0);
    expect(kcatRead.stdout.trim().split("\n")).toEqual(all);
  });

  it("a DENY wins over alice's prefixed ALLOW", () => {
    const denied = run(kcatBin, kcat("alice", "-t", "orders-audit", "-P"), "nope\n");
    expect(denied.status).not.toBe(0);
    expect(denied.stderr).toContain("Topic authorization failed");
  });

  it("bob is refused with TOPIC_AUTHORIZATION_FAILED and GROUP_AUTHORIZATION_FAILED, and the broker logs the denials", async () => {
    const javaProduced = javaTool(CONSOLE_PRODUCER, ["--bootstrap-server", bootstrap, "--topic", "orders-eu", "--command-config", props("bob"), "--producer-property", "enable.idempotence=false"], "bob\n");
    expect(javaProduced.stdout + javaProduced.stderr).toMatch(/TopicAuthorizationException: Not authorized to access topics: \[orders-eu\]/);
    const kcatProduced = run(kcatBin, kcat("bob", "-t", "orders-eu", "-P"), "bob\n");
    expect(kcatProduced.status).not.toBe(0);
    expect(kcatProduced.stderr).toContain("Topic authorization failed");
    // bob may read payments, but not as a member of a group he has no ACL for.
    const grouped = javaTool(CONSOLE_CONSUMER, [
      "--bootstrap-server", bootstrap, "--topic", "payments", "--group", "bobs", "--from-beginning", "--max-messages", "1", "--timeout-ms", "20000", "--command-config", props("bob"),
    ]);
    // (The console consumer reports the error and exits, with status 0.)
    expect(grouped.stdout + grouped.stderr).toMatch(/GroupAuthorizationException: Not authorized to access group: bobs/);
    expect(grouped.stdout).toBe("");
    await vi.waitFor(() => {
      const lines = denials("User:bob");
      expect(lines.some((l) => l.resource === "Topic:LITERAL:orders-eu" && String(l.host) === "127.0.0.1" && typeof l.operation === "string")).toBe(true);
      expect(lines.some((l) => l.resource === "Group:LITERAL:bobs" && l.operation === "DESCRIBE" || l.resource === "Group:LITERAL:bobs" && l.operation === "READ")).toBe(true);
    });
  });

  it("--remove takes effect at once", () => {
    const removed = acls("--remove", "--force", "--allow-principal", "User:alice", "--operation", "Read", "--operation", "Write", "--topic", "orders-", "--resource-pattern-type", "prefixed");
    expect(removed.status, removed.stderr).toBe(0);
    const listed = acls("--list", "--topic", "orders-", "--resource-pattern-type", "prefixed");
    expect(listed.stdout).not.toContain("(principal=User:alice");
    const denied = run(kcatBin, kcat("alice", "-t", "orders-eu", "-P"), "after\n");
    expect(denied.status).not.toBe(0);
    expect(denied.stderr).toContain("Topic authorization failed");
  });
});
