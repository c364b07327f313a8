import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import {
  readAlterConfigsRequest,
  writeAlterConfigsRequest,
  type AlterConfigsRequest,
  type AlterConfigsResource,
} from "../protocol/generated/alter-configs-request.gen.js";
import { readAlterConfigsResponse, writeAlterConfigsResponse, type AlterConfigsResponse } from "../protocol/generated/alter-configs-response.gen.js";
import { alterConfigsHandler } from "./33-alter-configs.js";
import { ConfigResourceType } from "./config-resources.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

const TOPIC = ConfigResourceType.TOPIC;
const BROKER = ConfigResourceType.BROKER;

function resource(resourceType: number, resourceName: string, configs: Record<string, string | null>): AlterConfigsResource {
  return { resourceType, resourceName, configs: Object.entries(configs).map(([name, value]) => ({ name, value })) };
}
const req = (resources: AlterConfigsResource[], validateOnly = false): AlterConfigsRequest => ({ resources, validateOnly });

describe("AlterConfigs", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
    await broker.createTopic("t", 1, { "retention.ms": "1000", "segment.ms": "600000" });
  });
  afterEach(() => broker.close());

  async function alter(version: number, request: AlterConfigsRequest) {
    const response = (await alterConfigsHandler.handle(request, broker.context(33, version))) as AlterConfigsResponse;
    return roundTripResponse(writeAlterConfigsResponse, readAlterConfigsResponse, version, response).responses;
  }
  const overrides = () => Object.fromEntries(broker.services.metadata.topic("t")!.configs);

  it("serves v0 to v2", () => {
    expect([alterConfigsHandler.minVersion, alterConfigsHandler.maxVersion]).toEqual([0, 2]);
  });

  it("replaces a topic's whole override set", async () => {
    const [r] = await alter(0, req([resource(TOPIC, "t", { "max.message.bytes": "4096" })]));
    expect(r).toEqual({ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: "t" });
    expect(overrides()).toEqual({ "max.message.bytes": "4096" });
    const log = broker.services.logs.getLog("t", 0)!;
    expect(log.config.maxMessageBytes).toBe(4096);
    expect(log.config.retentionMs).toBe(7 * 24 * 3600 * 1000);
  });

  it("changes nothing when validateOnly or when a value is invalid", async () => {
    await alter(2, req([resource(TOPIC, "t", { "retention.ms": "5" })], true));
    const [bad] = await alter(2, req([resource(TOPIC, "t", { "retention.ms": "5", "cleanup.policy": "sometimes" })]));
    expect(bad!.errorCode).toBe(errorCode("INVALID_CONFIG"));
    expect(bad!.errorMessage).toContain("cleanup.policy");
    expect(overrides()).toEqual({ "retention.ms": "1000", "segment.ms": "600000" });
  });

  it("answers malformed resources as Kafka does", async () => {
    const r = await alter(2, req([
      resource(TOPIC, "t", { "retention.ms": null }),
      resource(TOPIC, "missing", { "retention.ms": "1" }),
      resource(ConfigResourceType.GROUP, "g", {}),
      resource(3, "x", {}),
      resource(BROKER, "x", {}),
    ]));
    expect(r.map((x) => [x.errorCode, x.errorMessage])).toEqual([
      [errorCode("INVALID_REQUEST"), "Null value not supported for : retention.ms"],
      [errorCode("UNKNOWN_TOPIC_OR_PARTITION"), "The topic 'missing' does not exist."],
      [errorCode("INVALID_REQUEST"), "Unexpected resource type GROUP."],
      [errorCode("UNSUPPORTED_VERSION"), "Unknown resource type 3."],
      [errorCode("INVALID_REQUEST"), "Node id must be an integer, but it is: x"],
    ]);
    const dup = await alter(2, req([resource(TOPIC, "t", {}), resource(TOPIC, "t", {})]));
    expect(dup.map((x) => x.errorMessage)).toEqual(["Each resource must appear at most once.", "Each resource must appear at most once."]);
    expect(overrides()).toEqual({ "retention.ms": "1000", "segment.ms": "600000" });
  });

  it("replaces this broker's dynamic configs", async () => {
    const nodeId = String(broker.services.nodeId);
    await alter(2, req([resource(BROKER, nodeId, { "message.max.bytes": "2000000", "log.cleaner.threads": "2" })]));
    await alter(2, req([resource(BROKER, nodeId, { "log.cleaner.threads": "3" })]));
    expect(Object.fromEntries(broker.services.metadata.image.brokerConfigs.get(nodeId)!)).toEqual({ "log.cleaner.threads": "3" });
    const [readOnly] = await alter(2, req([resource(BROKER, "", { "node.id": "4" })]));
    expect(readOnly).toMatchObject({ errorCode: errorCode("INVALID_REQUEST"), errorMessage: "Cannot update these configs dynamically: Set(node.id)" });
  });

  it("round-trips the oldest and newest request versions", () => {
    const request = req([resource(TOPIC, "t", { a: "1", b: null }), resource(BROKER, "", {})], true);
    for (const v of [0, 2]) expect(roundTripRequest(writeAlterConfigsRequest, readAlterConfigsRequest, v, request)).toEqual(request);
  });
});
