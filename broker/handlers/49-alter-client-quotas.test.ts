import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import {
  readAlterClientQuotasRequest,
  writeAlterClientQuotasRequest,
  type AlterClientQuotasRequest,
} from "../protocol/generated/alter-client-quotas-request.gen.js";
import {
  readAlterClientQuotasResponse,
  writeAlterClientQuotasResponse,
  type AlterClientQuotasResponse,
} from "../protocol/generated/alter-client-quotas-response.gen.js";
import {
  readDescribeClientQuotasResponse,
  writeDescribeClientQuotasResponse,
  type DescribeClientQuotasResponse,
} from "../protocol/generated/describe-client-quotas-response.gen.js";
import type { DescribeClientQuotasRequest } from "../protocol/generated/describe-client-quotas-request.gen.js";
import { describeClientQuotasHandler } from "./48-describe-client-quotas.js";
import { alterClientQuotasHandler } from "./49-alter-client-quotas.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

type Entry = AlterClientQuotasRequest["entries"][number];
const entry = (entity: [string, string | null][], ...ops: [string, number | null][]): Entry => ({
  entity: entity.map(([entityType, entityName]) => ({ entityType, entityName })),
  ops: ops.map(([key, value]) => ({ key, value: value ?? 0, remove: value === null })),
});

describe("AlterClientQuotas and DescribeClientQuotas", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
  });
  afterEach(() => broker.close());

  async function alter(version: number, entries: Entry[], validateOnly = false) {
    const request = roundTripRequest(writeAlterClientQuotasRequest, readAlterClientQuotasRequest, version, { entries, validateOnly });
    const response = (await alterClientQuotasHandler.handle(request, broker.context(49, version))) as AlterClientQuotasResponse;
    return roundTripResponse(writeAlterClientQuotasResponse, readAlterClientQuotasResponse, version, response).entries;
  }
  async function describeQuotas(version: number, request: DescribeClientQuotasRequest) {
    const response = (await describeClientQuotasHandler.handle(request, broker.context(48, version))) as DescribeClientQuotasResponse;
    return roundTripResponse(writeDescribeClientQuotasResponse, readDescribeClientQuotasResponse, version, response);
  }

  it("serve v0 to v1", () => {
    expect([alterClientQuotasHandler.minVersion, alterClientQuotasHandler.maxVersion]).toEqual([0, 1]);
    expect([describeClientQuotasHandler.minVersion, describeClientQuotasHandler.maxVersion]).toEqual([0, 1]);
  });

  it.each([0, 1])("sets quotas through the metadata log and describes them (v%i)", async (version) => {
    const results = await alter(version, [
      entry([["user", "alice"]], ["producer_byte_rate", 1048576], ["request_percentage", 50]),
      entry([["user", "alice"], ["client-id", null]], ["consumer_byte_rate", 2048]),
      entry([["client-id", null]], ["producer_byte_rate", 100]),
    ]);
    expect(results.map((r) => r.errorCode)).toEqual([0, 0, 0]);
    expect(results[1]!.entity).toEqual([{ entityType: "user", entityName: "alice" }, { entityType: "client-id", entityName: null }]);
    const all = await describeQuotas(version, { components: [], strict: false });
    expect(all.errorCode).toBe(0);
    expect(all.entries).toHaveLength(3);
    const alice = await describeQuotas(version, { components: [{ entityType: "user", matchType: 0, match: "alice" }], strict: true });
    expect(alice.entries).toEqual([
      { entity: [{ entityType: "user", entityName: "alice" }], values: [{ key: "producer_byte_rate", value: 1048576 }, { key: "request_percentage", value: 50 }] },
    ]);
  });

  it("answers each refused entry with INVALID_REQUEST and Kafka's message, applying the others", async () => {
    const results = await alter(1, [entry([["user", "a"]], ["producer_byte_rate", 1]), entry([["group", "g"]], ["producer_byte_rate", 1])]);
    expect(results.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [0, null],
      [errorCode("INVALID_REQUEST"), "Unhandled client quota entity type: group"],
    ]);
    expect(broker.services.metadata.image.clientQuotas.size).toBe(1);
  });

  it("validate_only checks and writes nothing", async () => {
    const results = await alter(1, [entry([["user", "a"]], ["producer_byte_rate", 1]), entry([["user", "b"]], ["nope", 1])], true);
    expect(results.map((r) => r.errorCode)).toEqual([0, errorCode("INVALID_REQUEST")]);
    expect(broker.services.metadata.image.clientQuotas.size).toBe(0);
  });

  it("removes quotas", async () => {
    await alter(1, [entry([["user", "a"]], ["producer_byte_rate", 1])]);
    await alter(1, [entry([["user", "a"]], ["producer_byte_rate", null])]);
    expect((await describeQuotas(1, { components: [], strict: false })).entries).toEqual([]);
  });

  it("refuses a bad filter with the request's error and null entries", async () => {
    const r = await describeQuotas(1, { components: [{ entityType: "user", matchType: 0, match: null }], strict: false });
    expect(r).toMatchObject({ errorCode: errorCode("INVALID_REQUEST"), errorMessage: "Request specified MATCH_TYPE_EXACT, but set match string to null.", entries: null });
  });
});
