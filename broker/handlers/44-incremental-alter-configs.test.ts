import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import {
  readIncrementalAlterConfigsRequest,
  writeIncrementalAlterConfigsRequest,
  type AlterConfigsResource,
  type IncrementalAlterConfigsRequest,
} from "../protocol/generated/incremental-alter-configs-request.gen.js";
import {
  readIncrementalAlterConfigsResponse,
  writeIncrementalAlterConfigsResponse,
  type IncrementalAlterConfigsResponse,
} from "../protocol/generated/incremental-alter-configs-response.gen.js";
import { incrementalAlterConfigsHandler } from "./44-incremental-alter-configs.js";
import { ConfigResourceType, currentBrokerConfig } from "./config-resources.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;
const TOPIC = ConfigResourceType.TOPIC;
const BROKER = ConfigResourceType.BROKER;

type Op = [name: string, op: number, value: string | null];
function resource(resourceType: number, resourceName: string, ...ops: Op[]): AlterConfigsResource {
  return { resourceType, resourceName, configs: ops.map(([name, configOperation, value]) => ({ name, configOperation, value })) };
}
const req = (resources: AlterConfigsResource[], validateOnly = false): IncrementalAlterConfigsRequest => ({ resources, validateOnly });

describe("IncrementalAlterConfigs", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
    await broker.createTopic("t", 2, { "retention.ms": "1000", "segment.ms": "600000" });
  });
  afterEach(() => broker.close());

  async function alter(version: number, request: IncrementalAlterConfigsRequest) {
    const response = (await incrementalAlterConfigsHandler.handle(request, broker.context(44, version))) as IncrementalAlterConfigsResponse;
    return roundTripResponse(writeIncrementalAlterConfigsResponse, readIncrementalAlterConfigsResponse, version, response).responses;
  }
  const overrides = () => Object.fromEntries(broker.services.metadata.topic("t")!.configs);

  it("serves v0 to v1", () => {
    expect([incrementalAlterConfigsHandler.minVersion, incrementalAlterConfigsHandler.maxVersion]).toEqual([0, 1]);
  });

  it("sets and deletes topic keys, keeping the others, and applies them to the live logs", async () => {
    const [r] = await alter(1, req([resource(TOPIC, "t", ["retention.ms", SET, "5000"], ["segment.ms", DELETE, null], ["max.message.bytes", SET, "2048"])]));
    expect(r).toEqual({ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: "t" });
    expect(overrides()).toEqual({ "retention.ms": "5000", "max.message.bytes": "2048" });
    expect(broker.services.logs.getLog("t", 1)!.config).toMatchObject({ retentionMs: 5000, maxMessageBytes: 2048 });
  });

  it("appends to and subtracts from list keys, starting from the default", async () => {
    await alter(1, req([resource(TOPIC, "t", ["cleanup.policy", APPEND, "compact"])]));
    expect(overrides()["cleanup.policy"]).toBe("delete,compact");
    await alter(1, req([resource(TOPIC, "t", ["cleanup.policy", SUBTRACT, "delete"])]));
    expect(overrides()["cleanup.policy"]).toBe("compact");
    expect(broker.services.logs.getLog("t", 0)!.config.cleanupPolicy).toBe("compact");
    const [r] = await alter(1, req([resource(TOPIC, "t", ["retention.ms", APPEND, "1"])]));
    expect(r).toMatchObject({ errorCode: errorCode("INVALID_CONFIG"), errorMessage: "Can't APPEND to key retention.ms because its type is not LIST." });
  });

  it("changes nothing when validateOnly, or when any key is invalid", async () => {
    await alter(0, req([resource(TOPIC, "t", ["retention.ms", SET, "5000"])], true));
    const [bad] = await alter(1, req([resource(TOPIC, "t", ["retention.ms", SET, "7"], ["min.insync.replicas", SET, "zero"])]));
    expect(bad!.errorCode).toBe(errorCode("INVALID_CONFIG"));
    expect(bad!.errorMessage).toContain("min.insync.replicas");
    expect(overrides()).toEqual({ "retention.ms": "1000", "segment.ms": "600000" });
  });

  it("refuses malformed requests as Kafka's preprocessing does", async () => {
    const r = await alter(1, req([
      resource(TOPIC, "t", ["retention.ms", SET, "1"], ["retention.ms", SET, "2"]),
      resource(TOPIC, "missing", ["retention.ms", SET, "1"]),
      resource(TOPIC, "bad name", ["retention.ms", SET, "1"]),
      resource(TOPIC, "", ["retention.ms", SET, "1"]),
      resource(TOPIC, "t2", ["unknown.key", SET, "1"]),
    ]));
    expect(r.map((x) => [x.resourceName, x.errorCode, x.errorMessage])).toEqual([
      ["t", errorCode("INVALID_REQUEST"), "Error due to duplicate config keys"],
      ["missing", errorCode("UNKNOWN_TOPIC_OR_PARTITION"), "The topic 'missing' does not exist."],
      ["bad name", errorCode("INVALID_TOPIC_EXCEPTION"), expect.stringContaining("is illegal")],
      ["", errorCode("INVALID_REQUEST"), "Default topic resources are not allowed."],
      ["t2", errorCode("INVALID_CONFIG"), "Unknown topic config name: unknown.key"],
    ]);
    const [nulls, dupResourceA, dupResourceB, logger, unknownType] = await alter(1, req([
      resource(TOPIC, "t", ["retention.ms", SET, null]),
      resource(BROKER, "", ["log.retention.ms", SET, "1"]),
      resource(BROKER, "", ["log.retention.ms", SET, "2"]),
      resource(ConfigResourceType.BROKER_LOGGER, "1", ["root", SET, "DEBUG"]),
      resource(5, "x", ["a", SET, "b"]),
    ]));
    expect(nulls).toMatchObject({ errorCode: errorCode("INVALID_REQUEST"), errorMessage: "Null value not supported for : retention.ms" });
    expect(dupResourceA).toMatchObject({ errorCode: errorCode("INVALID_REQUEST"), errorMessage: "Each resource must appear at most once." });
    expect(dupResourceB!.errorCode).toBe(errorCode("INVALID_REQUEST"));
    expect(logger!.errorCode).toBe(errorCode("INVALID_REQUEST"));
    expect(unknownType).toMatchObject({ errorCode: errorCode("UNSUPPORTED_VERSION"), errorMessage: "Unknown resource type 5." });
  });

  it("stores dynamic broker configs for the cluster default and for this node", async () => {
    const nodeId = String(broker.services.nodeId);
    const r = await alter(1, req([
      resource(BROKER, "", ["log.retention.ms", SET, "3600000"]),
      resource(BROKER, nodeId, ["message.max.bytes", SET, "2000000"]),
    ]));
    expect(r.map((x) => x.errorCode)).toEqual([0, 0]);
    const image = broker.services.metadata.image.brokerConfigs;
    expect(image.get("")?.get("log.retention.ms")).toBe("3600000");
    expect(image.get(nodeId)?.get("message.max.bytes")).toBe("2000000");
    expect(currentBrokerConfig(broker.services).messageMaxBytes).toBe(2000000);
    await alter(1, req([resource(BROKER, "", ["log.retention.ms", DELETE, null])]));
    expect(image.get("")?.has("log.retention.ms")).toBe(false);
  });

  it("applies broker-level log defaults to the live logs of topics without their own override", async () => {
    await broker.createTopic("plain", 1);
    await alter(1, req([resource(BROKER, "", ["log.retention.ms", SET, "7200000"], ["log.segment.bytes", SET, "2097152"])]));
    expect(broker.services.logs.getLog("plain", 0)!.config).toMatchObject({ retentionMs: 7200000, segmentBytes: 2097152 });
    // "t" keeps its own retention.ms and takes the new segment size.
    expect(broker.services.logs.getLog("t", 0)!.config).toMatchObject({ retentionMs: 1000, segmentBytes: 2097152 });

    // A restart derives the same configs from the stored dynamic defaults.
    broker = await broker.restart();
    expect(broker.services.logs.getLog("plain", 0)!.config).toMatchObject({ retentionMs: 7200000, segmentBytes: 2097152 });

    await alter(1, req([resource(BROKER, "", ["log.retention.ms", DELETE, null])]));
    expect(broker.services.logs.getLog("plain", 0)!.config.retentionMs).toBe(7 * 24 * 3600 * 1000);
  });

  it("refuses read-only broker keys and other brokers' ids", async () => {
    const [readOnly, other] = await alter(1, req([
      resource(BROKER, String(broker.services.nodeId), ["num.partitions", SET, "3"]),
      resource(BROKER, "42", ["log.retention.ms", SET, "1"]),
    ]));
    expect(readOnly).toMatchObject({ errorCode: errorCode("INVALID_REQUEST"), errorMessage: "Cannot update these configs dynamically: Set(num.partitions)" });
    expect(other).toMatchObject({ errorCode: errorCode("INVALID_REQUEST"), errorMessage: `Unexpected broker id, expected ${broker.services.nodeId}, but received 42` });
  });

  it("keeps topic overrides across a restart", async () => {
    await alter(1, req([resource(TOPIC, "t", ["retention.ms", SET, "4242"])]));
    broker = await broker.restart();
    expect(overrides()["retention.ms"]).toBe("4242");
    expect(broker.services.logs.getLog("t", 0)!.config.retentionMs).toBe(4242);
  });

  it("round-trips the oldest and newest request versions", () => {
    const request = req([resource(TOPIC, "t", ["a", SET, "1"], ["b", DELETE, null]), resource(BROKER, "", ["c", APPEND, "x"])], true);
    for (const v of [0, 1]) expect(roundTripRequest(writeIncrementalAlterConfigsRequest, readIncrementalAlterConfigsRequest, v, request)).toEqual(request);
  });
});
