// Keeps the fuzz run a test of bad input, not a load test of topic creation. A mutated
// CreateTopics or CreatePartitions can be a perfectly valid request for thousands of partitions;
// the broker must take it, and takes seconds of file work per thousand partitions (and a file
// descriptor each) — over a million frames the partition count would only grow, until the run
// measured nothing but that. So frames that would create more than MAX_PARTITIONS_CREATED are
// not sent. Requests over Kafka's 10,000-per-request limit are sent: they must be refused cheaply.
import { peekApiKeyAndVersion, readHeader, requestHeaderVersion } from "../../broker/network/request-header.js";
import { readCreatePartitionsRequest } from "../../broker/protocol/generated/create-partitions-request.gen.js";
import { readCreateTopicsRequest } from "../../broker/protocol/generated/create-topics-request.gen.js";
import { API_KEYS } from "../../broker/protocol/generated/index.gen.js";

export const MAX_PARTITIONS_CREATED = 64;
const KAFKA_MAX_PARTITIONS_PER_REQUEST = 10_000;
const CREATE_TOPICS = 19;
const CREATE_PARTITIONS = 37;

/** Partitions the frame would ask to create, if it is a CreateTopics/CreatePartitions that parses. */
function partitionsRequested(frame: Buffer): number {
  const request = frame.subarray(4);
  const peek = peekApiKeyAndVersion(request);
  if (!peek || (peek.apiKey !== CREATE_TOPICS && peek.apiKey !== CREATE_PARTITIONS)) return 0;
  const flexibleMin = API_KEYS.find((a) => a.apiKey === peek.apiKey)!.flexibleMinVersion;
  try {
    const { body } = readHeader(request, requestHeaderVersion(peek.apiVersion, flexibleMin));
    if (peek.apiKey === CREATE_TOPICS) {
      const r = readCreateTopicsRequest(body, peek.apiVersion);
      if (r.validateOnly) return 0;
      return r.topics.reduce((n, t) => n + Math.max(t.numPartitions, t.assignments.length, 1), 0);
    }
    const r = readCreatePartitionsRequest(body, peek.apiVersion);
    return r.validateOnly ? 0 : r.topics.reduce((n, t) => n + Math.max(t.count, 0), 0);
  } catch {
    return 0; // Does not parse: the broker will refuse it before creating anything.
  }
}

export function createsManyPartitions(frame: Buffer): boolean {
  const n = partitionsRequested(frame);
  return n > MAX_PARTITIONS_CREATED && n <= KAFKA_MAX_PARTITIONS_PER_REQUEST;
}
