// Checks generated codecs against byte layouts written out by hand from the Kafka protocol guide,
// so a generator bug cannot hide behind a symmetric read/write round trip.
import { describe, expect, it } from "vitest";
import { readApiVersionsRequest } from "./generated/api-versions-request.gen.js";
import { writeApiVersionsResponse } from "./generated/api-versions-response.gen.js";
import { readMetadataRequest, writeMetadataRequest } from "./generated/metadata-request.gen.js";
import { readProduceRequest, writeProduceRequest } from "./generated/produce-request.gen.js";
import { readRequestHeader } from "./generated/request-header.gen.js";
import { ProtocolDecodeError, Reader, Writer, ZERO_UUID } from "./primitives.js";

function bytes(...parts: (number[] | string)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
}

describe("generated codecs", () => {
  it("reads a flexible (v2) request header: client id stays a classic nullable string", () => {
    const frame = bytes([0, 18, 0, 3, 0, 0, 0, 7, 0, 3], "cli", [0]);
    const header = readRequestHeader(new Reader(frame), 2);
    expect(header).toEqual({ requestApiKey: 18, requestApiVersion: 3, correlationId: 7, clientId: "cli" });
  });

  it("reads ApiVersions v3 compact strings and the tagged-field section", () => {
    const body = bytes([5], "java", [4], "4.1", [0]);
    const r = new Reader(body);
    expect(readApiVersionsRequest(r, 3)).toEqual({ clientSoftwareName: "java", clientSoftwareVersion: "4.1" });
    expect(r.remaining).toBe(0);
  });

  it("writes ApiVersions v0 without tagged fields and v3 with them", () => {
    const response = {
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
    const v0 = new Writer();
    writeApiVersionsResponse(v0, 0, response);
    expect([...v0.finish()]).toEqual([0, 0, 0, 0, 0, 1, 0, 18, 0, 0, 0, 4]);
    const v3 = new Writer();
    writeApiVersionsResponse(v3, 3, response);
    // error, compact array (n+1), entry + its tags, throttle, top-level tags (none: defaults skipped)
    expect([...v3.finish()]).toEqual([0, 0, 2, 0, 18, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0]);
  });

  it("round-trips a nullable topic list in Metadata v1 and v12", () => {
    for (const v of [1, 12]) {
      const w = new Writer();
      writeMetadataRequest(w, v, {
        topics: null,
        allowAutoTopicCreation: true,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      const decoded = readMetadataRequest(new Reader(w.finish()), v);
      expect(decoded.topics).toBeNull();
    }
    const w = new Writer();
    writeMetadataRequest(w, 12, {
      topics: [{ topicId: ZERO_UUID, name: "orders" }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(readMetadataRequest(new Reader(w.finish()), 12).topics).toEqual([{ topicId: ZERO_UUID, name: "orders" }]);
  });

  it("keeps produce records as an opaque buffer and int64 as bigint", () => {
    const records = Buffer.from([1, 2, 3, 4, 5]);
    for (const v of [3, 8, 9, 11]) {
      const w = new Writer();
      writeProduceRequest(w, v, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 30000,
        topicData: [{ name: "t", partitionData: [{ index: 2, records }] }],
      });
      const decoded = readProduceRequest(new Reader(w.finish()), v);
      expect(decoded.topicData[0]!.partitionData[0]!.records).toEqual(records);
      expect(decoded.acks).toBe(-1);
    }
  });

  it("rejects a lying array length instead of allocating it", () => {
    // Metadata v1: topics array claims 2^31-1 entries in a 4-byte body.
    const body = bytes([0x7f, 0xff, 0xff, 0xff]);
    expect(() => readMetadataRequest(new Reader(body), 1)).toThrow(ProtocolDecodeError);
  });

  it("encodes varints and varlongs like Kafka's ByteUtils", () => {
    const w = new Writer();
    w.varint(-1);
    w.varint(300);
    w.varlong(-9223372036854775808n);
    const r = new Reader(w.finish());
    expect(r.varint()).toBe(-1);
    expect(r.varint()).toBe(300);
    expect(r.varlong()).toBe(-9223372036854775808n);
  });
});
