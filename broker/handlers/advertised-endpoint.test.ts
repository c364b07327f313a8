import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { advertisedEndpoint } from "./advertised-endpoint.js";
import { startTestBroker, type TestBroker } from "./test-fixtures.js";

describe("advertisedEndpoint", () => {
  let broker: TestBroker | undefined;
  afterEach(() => broker?.close());

  it("advertises the listener's host and port", async () => {
    broker = await startTestBroker({ config: { listeners: "PLAINTEXT://127.0.0.1:9092", "advertised.listeners": "PLAINTEXT://kafka-0.example:19092" } });
    expect(advertisedEndpoint(broker.context(3, 12))).toEqual({ host: "kafka-0.example", port: 19092 });
  });

  it("advertises this machine's host name for a listener on every interface, as Kafka does", async () => {
    broker = await startTestBroker({ config: { listeners: "PLAINTEXT://:9092" } });
    expect(advertisedEndpoint(broker.context(3, 12))).toEqual({ host: hostname(), port: 9092 });
  });
});
