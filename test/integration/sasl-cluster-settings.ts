// The SASL layout the secured cluster tests share: brokers talk to each other with SCRAM-SHA-512
// (the `broker` credential bootstrapped by storage format --add-scram, with `admin` for the
// tests' tools) and reach the controllers with PLAIN (SCRAM cannot secure the controller
// listener: its credentials live in the quorum that listener carries). Not a test itself.
import { expect, vi } from "vitest";
import { kafkaTool } from "./kafka-tool.js";

export const SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule";
export const PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";
const TOPICS = "org.apache.kafka.tools.TopicCommand";

/** The node overrides for SCRAM-SHA-512 between brokers and PLAIN to the controllers. */
export const SASL_NODE_OVERRIDES: readonly string[] = [
  "listener.name.plaintext.sasl.enabled.mechanisms=SCRAM-SHA-512",
  "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
  `listener.name.plaintext.scram-sha-512.sasl.jaas.config=${SCRAM_LOGIN} required username="broker" password="broker-secret";`,
  "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
  "sasl.mechanism.controller.protocol=PLAIN",
  `listener.name.controller.plain.sasl.jaas.config=${PLAIN_LOGIN} required username="controller" password="controller-secret" user_controller="controller-secret";`,
];

/** storage format flags writing the broker's and admin's SCRAM credentials. */
export const SASL_FORMAT_FLAGS: readonly string[] = [
  "--add-scram", "SCRAM-SHA-512=[name=broker,password=broker-secret]",
  "--add-scram", "SCRAM-SHA-512=[name=admin,password=admin-secret]",
];

/** Creates a 3-partition RF 3 topic through one node and waits until another shows every ISR at 3. */
export async function createTopicWithFullIsr(topic: string, createPort: number, describePort: number, adminConfig: string): Promise<void> {
  const created = kafkaTool(TOPICS, ["--bootstrap-server", `127.0.0.1:${createPort}`, "--command-config", adminConfig, "--create", "--topic", topic, "--partitions", "3", "--replication-factor", "3"]);
  expect(created.status, created.stderr).toBe(0);
  await vi.waitFor(
    () => {
      const described = kafkaTool(TOPICS, ["--bootstrap-server", `127.0.0.1:${describePort}`, "--command-config", adminConfig, "--describe", "--topic", topic]);
      expect(described.status, described.stderr).toBe(0);
      const isrs = described.stdout.split("\n").filter((l) => /Partition:\s*\d/.test(l)).map((l) => /Isr:\s*([\d,]+)/.exec(l)?.[1]?.split(",").length);
      expect(isrs).toEqual([3, 3, 3]);
    },
    { timeout: 60_000, interval: 1000 },
  );
}
