import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigSource, DescribeConfigType } from "../config/index.js";
import { errorCode } from "../protocol/errors.js";
import {
  readDescribeConfigsRequest,
  writeDescribeConfigsRequest,
  type DescribeConfigsRequest,
  type DescribeConfigsResource,
} from "../protocol/generated/describe-configs-request.gen.js";
import {
  readDescribeConfigsResponse,
  writeDescribeConfigsResponse,
  type DescribeConfigsResponse,
} from "../protocol/generated/describe-configs-response.gen.js";
import { describeConfigsHandler } from "./32-describe-configs.js";
import { ConfigResourceType } from "./config-resources.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

const TOPIC = ConfigResourceType.TOPIC;
const BROKER = ConfigResourceType.BROKER;

function req(resources: Partial<DescribeConfigsResource>[], includeSynonyms = false, includeDocumentation = false): DescribeConfigsRequest {
  return {
    resources: resources.map((r) => ({ resourceType: TOPIC, resourceName: "t", configurationKeys: null, ...r })),
    includeSynonyms,
    includeDocumentation,
  };
}

describe("DescribeConfigs", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker({ config: { "log.retention.hours": "48", "ssl.keystore.password": "secret" } });
    await broker.createTopic("t", 1, { "retention.ms": "1000" });
  });
  afterEach(() => broker.close());

  async function describeConfigs(version: number, request: DescribeConfigsRequest) {
    const response = (await describeConfigsHandler.handle(request, broker.context(32, version))) as DescribeConfigsResponse;
    return roundTripResponse(writeDescribeConfigsResponse, readDescribeConfigsResponse, version, response).results;
  }
  const byName = (configs: DescribeConfigsResponse["results"][number]["configs"]) => new Map(configs.map((c) => [c.name, c]));

  it("serves v1 to v4", () => {
    expect([describeConfigsHandler.minVersion, describeConfigsHandler.maxVersion]).toEqual([1, 4]);
  });

  it("describes a topic: overrides, broker-supplied defaults and built-in defaults, with sources", async () => {
    const [r] = await describeConfigs(4, req([{}]));
    expect(r).toMatchObject({ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: "t" });
    const configs = byName(r!.configs);
    expect(configs.get("retention.ms")).toMatchObject({ value: "1000", configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG, readOnly: false, isSensitive: false, synonyms: [] });
    expect(configs.get("cleanup.policy")).toMatchObject({ value: "delete", configSource: ConfigSource.DEFAULT_CONFIG, configType: DescribeConfigType.LIST });
    expect(configs.get("retention.ms")!.configType).toBe(DescribeConfigType.LONG);
    expect(configs.get("retention.ms")!.documentation).toBeNull();
  });

  it("adds synonyms (v1+) and documentation (v3+) when asked", async () => {
    const [r] = await describeConfigs(4, req([{ configurationKeys: ["retention.ms", "segment.bytes"] }], true, true));
    expect(r!.configs.map((c) => c.name).sort()).toEqual(["retention.ms", "segment.bytes"]);
    const retention = byName(r!.configs).get("retention.ms")!;
    expect(retention.synonyms[0]).toEqual({ name: "retention.ms", value: "1000", source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    expect(retention.synonyms).toContainEqual({ name: "log.retention.hours", value: "48", source: ConfigSource.STATIC_BROKER_CONFIG });
    expect(retention.documentation).toEqual(expect.any(String));
    // v1 has synonyms but neither types nor documentation: they read back as the codec's defaults.
    const [v1] = await describeConfigs(1, req([{ configurationKeys: ["retention.ms"] }], true, true));
    expect(v1!.configs[0]).toMatchObject({ configType: 0, documentation: "" });
    expect(v1!.configs[0]!.synonyms.length).toBeGreaterThan(0);
  });

  it("describes this broker with every key, hiding sensitive values", async () => {
    const [r] = await describeConfigs(4, req([{ resourceType: BROKER, resourceName: String(broker.services.nodeId) }], true));
    expect(r!.errorCode).toBe(0);
    const configs = byName(r!.configs);
    expect(configs.get("log.retention.hours")).toMatchObject({ value: "48", configSource: ConfigSource.STATIC_BROKER_CONFIG });
    expect(configs.get("ssl.keystore.password")).toMatchObject({ value: null, isSensitive: true });
    expect(configs.get("delete.topic.enable")).toMatchObject({ readOnly: true, configSource: ConfigSource.DEFAULT_CONFIG });
  });

  it("shows dynamic broker configs stored in metadata (the cluster default resource lists only those)", async () => {
    await broker.services.metadata.alterBrokerConfigs("", new Map([["log.retention.ms", "7200000"]]));
    const [cluster, node] = await describeConfigs(4, req([
      { resourceType: BROKER, resourceName: "" },
      { resourceType: BROKER, resourceName: String(broker.services.nodeId), configurationKeys: ["log.retention.ms"] },
    ]));
    expect(cluster!.configs.map((c) => [c.name, c.value, c.configSource])).toEqual([
      ["log.retention.ms", "7200000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
    ]);
    expect(node!.configs[0]).toMatchObject({ name: "log.retention.ms", value: "7200000", configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    const [topicConfigs] = await describeConfigs(4, req([{ resourceName: "t", configurationKeys: ["segment.ms", "retention.ms"] }]));
    expect(byName(topicConfigs!.configs).get("retention.ms")!.value).toBe("1000");
  });

  it("answers per-resource errors as Kafka's ConfigHelper does", async () => {
    const r = await describeConfigs(4, req([
      { resourceName: "missing" },
      { resourceName: "bad name" },
      { resourceType: BROKER, resourceName: "99" },
      { resourceType: BROKER, resourceName: "abc" },
      { resourceType: ConfigResourceType.BROKER_LOGGER, resourceName: "1" },
      { resourceType: 77, resourceName: "x" },
    ]));
    expect(r.map((x) => [x.errorCode, x.errorMessage])).toEqual([
      [errorCode("UNKNOWN_TOPIC_OR_PARTITION"), null],
      [errorCode("INVALID_TOPIC_EXCEPTION"), "Topic name bad name is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"],
      [errorCode("INVALID_REQUEST"), "Unexpected broker id, expected 1 or empty string, but received 99"],
      [errorCode("INVALID_REQUEST"), "Broker id must be an integer, but it is: abc"],
      [errorCode("INVALID_REQUEST"), "Unsupported resource type: BROKER_LOGGER"],
      [errorCode("INVALID_REQUEST"), "Unsupported resource type: UNKNOWN"],
    ]);
    expect(r.every((x) => x.configs.length === 0)).toBe(true);
  });

  it("round-trips the oldest and newest request versions", () => {
    const v1 = req([{ configurationKeys: ["a", "b"] }, { resourceType: BROKER, resourceName: "" }], true, false);
    expect(roundTripRequest(writeDescribeConfigsRequest, readDescribeConfigsRequest, 1, v1)).toEqual(v1);
    const v4 = req([{ configurationKeys: null }], true, true);
    expect(roundTripRequest(writeDescribeConfigsRequest, readDescribeConfigsRequest, 4, v4)).toEqual(v4);
  });
});
