import { describe, expect, it } from "vitest";
import { withRetries } from "./admin-retry.js";
import { KafkaAdminError } from "./kafka-admin-error.js";
import { ConnectionError } from "./kafka-connection.js";

const notController = () => new KafkaAdminError("NOT_CONTROLLER", 41, "topic t: NOT_CONTROLLER");

describe("withRetries", () => {
  it("retries NOT_CONTROLLER and a lost connection until the call succeeds", async () => {
    const failures = [notController(), new ConnectionError("127.0.0.1:9092: connection closed")];
    let attempts = 0;
    const result = await withRetries("test", 2000, undefined, async () => {
      attempts++;
      const failure = failures.shift();
      if (failure) throw failure;
      return "done";
    });
    expect(result).toBe("done");
    expect(attempts).toBe(3);
  });

  it("does not retry an answer: UNKNOWN_TOPIC_OR_PARTITION is thrown at once", async () => {
    let attempts = 0;
    const err = new KafkaAdminError("UNKNOWN_TOPIC_OR_PARTITION", 3, "topic t: UNKNOWN_TOPIC_OR_PARTITION");
    await expect(
      withRetries("test", 2000, undefined, async () => {
        attempts++;
        throw err;
      }),
    ).rejects.toBe(err);
    expect(attempts).toBe(1);
  });

  it("gives up with the last error once the timeout is spent", async () => {
    let attempts = 0;
    const started = Date.now();
    await expect(
      withRetries("test", 300, undefined, async () => {
        attempts++;
        throw notController();
      }),
    ).rejects.toMatchObject({ errorName: "NOT_CONTROLLER" });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(attempts).toBeGreaterThan(1);
  });
});
