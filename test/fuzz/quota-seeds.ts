// Client quota requests for the fuzzer: AlterClientQuotas and DescribeClientQuotas frames (v0 and
// the flexible v1) that real clients would send — and the bad entities, keys, values and filters
// the broker must refuse with Kafka's error and survive — built here rather than captured (the
// capture sessions do not manage quotas). They join the corpus as source frames, so the fuzzer
// mutates them like any other. Mutated frames may set real quotas (say, a default consumer byte
// rate of 1 byte/s) that would hold the known-data read-back for hours, as they would on Kafka:
// clearClientQuotas removes every quota before the data is read back.
import { apiCall, KafkaConnection } from "../../broker/client/kafka-connection.js";
import { peekApiKeyAndVersion, readHeader, requestHeaderVersion } from "../../broker/network/request-header.js";
import * as AlterReq from "../../broker/protocol/generated/alter-client-quotas-request.gen.js";
import * as AlterRes from "../../broker/protocol/generated/alter-client-quotas-response.gen.js";
import * as DescribeReq from "../../broker/protocol/generated/describe-client-quotas-request.gen.js";
import * as DescribeRes from "../../broker/protocol/generated/describe-client-quotas-response.gen.js";
import { Writer } from "../../broker/protocol/primitives.js";
import { requestFrame } from "../kafka/wire.js";

type Entity = [type: string, name: string | null][];
type Op = [key: string, value: number, remove?: boolean];

function alteration(entity: Entity, ...ops: Op[]): AlterReq.EntryData {
  return {
    entity: entity.map(([entityType, entityName]) => ({ entityType, entityName })),
    ops: ops.map(([key, value, remove]) => ({ key, value, remove: remove ?? false })),
  };
}

const ALTERATIONS: { entries: AlterReq.EntryData[]; validateOnly: boolean }[] = [
  // Accepted, naming only clients nobody else uses.
  { entries: [alteration([["client-id", "fuzz-quota-client"]], ["producer_byte_rate", 1048576], ["request_percentage", 200])], validateOnly: false },
  { entries: [alteration([["user", "fuzz-quota-user"], ["client-id", null]], ["consumer_byte_rate", 2048], ["controller_mutation_rate", 5.5])], validateOnly: false },
  { entries: [alteration([["ip", "192.0.2.1"]], ["connection_creation_rate", 10])], validateOnly: true },
  { entries: [alteration([["client-id", "fuzz-quota-client"]], ["producer_byte_rate", 0, true], ["nope", 0, true])], validateOnly: false },
  // Refused: each entry INVALID_REQUEST with Kafka's message.
  {
    entries: [
      alteration([], ["producer_byte_rate", 1]),
      alteration([["group", "g"]], ["producer_byte_rate", 1]),
      alteration([["user", ""]], ["producer_byte_rate", 1]),
      alteration([["user", "u"], ["ip", "192.0.2.1"]], ["producer_byte_rate", 1]),
      alteration([["client-id", "c"]], ["connection_creation_rate", 1]),
      alteration([["ip", "not a host!"]], ["connection_creation_rate", 1]),
    ],
    validateOnly: false,
  },
  {
    entries: [
      alteration([["user", "u"]], ["fetch_byte_rate", 1]),
      alteration([["client-id", "c"]], ["producer_byte_rate", 1.5]),
      alteration([["client-id", "d"]], ["request_percentage", Number.NaN]),
      alteration([["client-id", "e"]], ["consumer_byte_rate", -1]),
      alteration([["client-id", "f"]], ["producer_byte_rate", 1], ["producer_byte_rate", 2]),
      alteration([["client-id", "f"]], ["consumer_byte_rate", 1]),
    ],
    validateOnly: true,
  },
];

function component(entityType: string, matchType: number, match: string | null): DescribeReq.ComponentData {
  return { entityType, matchType, match };
}

const FILTERS: DescribeReq.DescribeClientQuotasRequest[] = [
  { components: [], strict: false },
  { components: [component("user", 0, "fuzz-quota-user"), component("client-id", 1, null)], strict: true },
  { components: [component("client-id", 2, null)], strict: false },
  { components: [component("user", 7, null)], strict: false },
  { components: [component("user", 0, null)], strict: false },
  { components: [component("", 2, null)], strict: false },
  { components: [component("group", 2, null)], strict: false },
  { components: [component("ip", 2, null), component("user", 2, null)], strict: false },
  { components: [component("user", 2, null), component("user", 1, null)], strict: false },
];

function frame(meta: { apiKey: number; flexibleMinVersion: number }, version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer();
  write(w);
  return requestFrame(meta.apiKey, version, 1, "fuzz-quota-seed", version >= meta.flexibleMinVersion, w.finish());
}

/** The seed frames, v0 and v1 of each request. */
export function quotaSeedFrames(): Buffer[] {
  const frames: Buffer[] = [];
  for (const version of [0, 1]) {
    for (const request of ALTERATIONS) {
      frames.push(frame(AlterReq.alterClientQuotasRequestMeta, version, (w) => AlterReq.writeAlterClientQuotasRequest(w, version, request)));
    }
    for (const request of FILTERS) {
      frames.push(frame(DescribeReq.describeClientQuotasRequestMeta, version, (w) => DescribeReq.writeDescribeClientQuotasRequest(w, version, request)));
    }
  }
  return frames;
}

/** Removes every client quota the broker has (whatever the mutated frames set). Returns how many entities had some. */
export async function clearClientQuotas(port: number): Promise<number> {
  const conn = await KafkaConnection.connect("127.0.0.1", port, { clientId: "fuzz-quota-reset", timeoutMs: 10_000 });
  try {
    const describe = apiCall(DescribeReq.describeClientQuotasRequestMeta, 1, DescribeReq.writeDescribeClientQuotasRequest, DescribeRes.readDescribeClientQuotasResponse);
    const found = await conn.send(describe, { components: [], strict: false }, 30_000);
    if (found.errorCode !== 0) throw new Error(`DescribeClientQuotas failed: ${found.errorCode} ${found.errorMessage}`);
    const entries = found.entries ?? [];
    if (entries.length === 0) return 0;
    const alter = apiCall(AlterReq.alterClientQuotasRequestMeta, 1, AlterReq.writeAlterClientQuotasRequest, AlterRes.readAlterClientQuotasResponse);
    const removed = await conn.send(
      alter,
      { entries: entries.map((e) => ({ entity: e.entity, ops: e.values.map((v) => ({ key: v.key, value: 0, remove: true })) })), validateOnly: false },
      30_000,
    );
    const failed = removed.entries.filter((e) => e.errorCode !== 0);
    if (failed.length > 0) throw new Error(`removing client quotas failed: ${JSON.stringify(failed.slice(0, 3))}`);
    return entries.length;
  } finally {
    conn.close();
  }
}

/**
 * Whether a (mutated) frame is an AlterClientQuotas that would set an ip quota. A connection rate
 * on 127.0.0.1 or the default ip would have the broker refuse the fuzzer's own connections —
 * it reconnects after every close, and the liveness checks use fresh connections — so such
 * frames are not sent (their refusal path is still exercised: validate-only and invalid ones go).
 */
export function setsIpQuota(frame: Buffer): boolean {
  const request = frame.subarray(4);
  const peek = peekApiKeyAndVersion(request);
  if (!peek || peek.apiKey !== AlterReq.alterClientQuotasRequestMeta.apiKey) return false;
  try {
    const { body } = readHeader(request, requestHeaderVersion(peek.apiVersion, AlterReq.alterClientQuotasRequestMeta.flexibleMinVersion));
    const r = AlterReq.readAlterClientQuotasRequest(body, peek.apiVersion);
    return !r.validateOnly && r.entries.some((e) => e.entity.some((p) => p.entityType === "ip") && e.ops.some((op) => !op.remove));
  } catch {
    return false; // Does not parse: the broker refuses it.
  }
}
