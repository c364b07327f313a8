// The client floor of a latency run: a Kafka-protocol server that answers a producer at once and
// stores nothing. It serves only what a producer needs (ApiVersions, Metadata, InitProducerId,
// Produce) with the codecs and version ranges of Millrace's own handlers. Every topic asked for
// exists, with `partitions` partitions led by this node. What a client measures against it is the
// client's own share of produce→ack (linger, batching, its threads, the loopback), which no broker
// can go below on the same machine. The bench runs it as a process of its own, started as a
// broker is (null-broker-main.ts).
import { createServer, type Server, type Socket } from "node:net";
import { apiVersionsHandler, apiVersionsResponse } from "../../broker/handlers/18-api-versions.js";
import { metadataHandler } from "../../broker/handlers/03-metadata.js";
import { initProducerIdHandler } from "../../broker/handlers/22-init-producer-id.js";
import { produceHandler } from "../../broker/handlers/00-produce.js";
import { HandlerRegistry } from "../../broker/handlers/registry.js";
import { FrameDecoder } from "../../broker/network/frame-decoder.js";
import { encodeResponse, peekApiKeyAndVersion, readHeader, requestHeaderVersion, responseHeaderVersion } from "../../broker/network/request-header.js";
import { ioBuffers } from "../../broker/buffer-pool.js";
import { randomUuid, type Uuid } from "../../broker/protocol/primitives.js";
import { batchViews } from "../../broker/protocol/records.js";
import { writeApiVersionsResponse } from "../../broker/protocol/generated/api-versions-response.gen.js";
import type { MetadataRequest } from "../../broker/protocol/generated/metadata-request.gen.js";
import {
  defaultMetadataResponse, defaultMetadataResponsePartition, defaultMetadataResponseTopic, type MetadataResponse,
} from "../../broker/protocol/generated/metadata-response.gen.js";
import { defaultInitProducerIdResponse } from "../../broker/protocol/generated/init-producer-id-response.gen.js";
import type { ProduceRequest } from "../../broker/protocol/generated/produce-request.gen.js";
import { defaultPartitionProduceResponse, defaultProduceResponse, type ProduceResponse } from "../../broker/protocol/generated/produce-response.gen.js";

const NODE_ID = 0;
const MAX_FRAME_BYTES = 100 << 20;

export interface NullBroker {
  bootstrap: string;
  /** Produce requests answered so far. */
  readonly produceRequests: number;
  close(): Promise<void>;
}

/** Records in a produce request's record set (the sum of its batches' counts). */
export function recordsIn(records: Buffer): number {
  let count = 0;
  for (const batch of batchViews(records)) count += batch.recordCount;
  return count;
}

class NullBrokerState {
  private readonly topicIds = new Map<string, Uuid>();
  private readonly nextOffsets = new Map<string, bigint>();
  private nextProducerId = 1000n;
  produceRequests = 0;
  /** Where this node listens, for Metadata: known once the server listens. */
  port = 0;

  constructor(private readonly partitions: number) {}

  /** The answer to one request; undefined for none (acks=0). */
  answer(apiKey: number, request: unknown): unknown {
    switch (apiKey) {
      case apiVersionsHandler.meta.apiKey:
        return apiVersionsResponse(SERVED, "NONE");
      case metadataHandler.meta.apiKey:
        return this.metadata(request as MetadataRequest);
      case initProducerIdHandler.meta.apiKey:
        return { ...defaultInitProducerIdResponse(), producerId: this.nextProducerId++ };
      default:
        return this.produce(request as ProduceRequest);
    }
  }

  private metadata(request: MetadataRequest): MetadataResponse {
    const names = request.topics === null ? [...this.topicIds.keys()] : request.topics.map((t) => t.name).filter((n): n is string => n !== null);
    const partitions = Array.from({ length: this.partitions }, (_, i) => ({
      ...defaultMetadataResponsePartition(), partitionIndex: i, leaderId: NODE_ID, leaderEpoch: 0, replicaNodes: [NODE_ID], isrNodes: [NODE_ID],
    }));
    return {
      ...defaultMetadataResponse(),
      brokers: [{ nodeId: NODE_ID, host: "127.0.0.1", port: this.port, rack: null }],
      clusterId: "null-broker",
      controllerId: NODE_ID,
      topics: names.map((name) => ({ ...defaultMetadataResponseTopic(), name, topicId: this.topicId(name), partitions })),
    };
  }

  private topicId(name: string): Uuid {
    let id = this.topicIds.get(name);
    if (!id) this.topicIds.set(name, (id = randomUuid()));
    return id;
  }

  private produce(request: ProduceRequest): ProduceResponse | undefined {
    this.produceRequests++;
    const responses = request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => {
        const key = `${t.name}\u0000${p.index}`;
        const baseOffset = this.nextOffsets.get(key) ?? 0n;
        this.nextOffsets.set(key, baseOffset + BigInt(p.records ? recordsIn(p.records) : 0));
        return { ...defaultPartitionProduceResponse(), index: p.index, baseOffset, logStartOffset: 0n };
      }),
    }));
    return request.acks === 0 ? undefined : { ...defaultProduceResponse(), responses };
  }
}

/** The four APIs a producer needs, with Millrace's codecs and version ranges. */
const SERVED = new HandlerRegistry();
for (const handler of [produceHandler, metadataHandler, apiVersionsHandler, initProducerIdHandler]) SERVED.register(handler);

function serve(socket: Socket, state: NullBrokerState): void {
  socket.setNoDelay(true);
  // Frames come from the broker's buffer pool, as in a broker, and go back once answered.
  const decoder = new FrameDecoder(MAX_FRAME_BYTES);
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      const peek = peekApiKeyAndVersion(frame);
      const handler = peek && SERVED.get(peek.apiKey);
      if (peek && handler === apiVersionsHandler && peek.apiVersion > handler.maxVersion) {
        // KIP-511: a newer client's ApiVersions gets our table in v0, and downgrades.
        const table = apiVersionsResponse(SERVED, "UNSUPPORTED_VERSION");
        for (const c of encodeResponse(peek.correlationId, 0, (w) => writeApiVersionsResponse(w, 0, table))) socket.write(c);
        continue;
      }
      if (!peek || !handler || peek.apiVersion < handler.minVersion || peek.apiVersion > handler.maxVersion) {
        socket.destroy(); // a request a producer does not send, or at a version we do not serve
        return;
      }
      const { apiKey, apiVersion, correlationId } = peek;
      const flexibleMin = handler.meta.flexibleMinVersion;
      const { body } = readHeader(frame, requestHeaderVersion(apiVersion, flexibleMin));
      const response = state.answer(apiKey, handler.readRequest(body, apiVersion));
      ioBuffers.release(frame);
      if (response === undefined) continue;
      const chunks = encodeResponse(correlationId, responseHeaderVersion(apiKey, apiVersion, flexibleMin), (w) => handler.writeResponse(w, apiVersion, response));
      for (const c of chunks) socket.write(c);
    }
  });
}

/** Starts the null broker on a free loopback port; every topic has `partitions` partitions. */
export async function startNullBroker(partitions: number): Promise<NullBroker> {
  const state = new NullBrokerState(partitions);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    serve(socket, state);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  state.port = (server.address() as { port: number }).port;
  return {
    bootstrap: `127.0.0.1:${state.port}`,
    get produceRequests() {
      return state.produceRequests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
