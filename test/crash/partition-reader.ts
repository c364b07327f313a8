// Reads a whole partition back over the wire with plain Fetch requests, built and parsed with the
// broker's own generated codecs. No consumer group and no client-side decoding or filtering: the
// batches come back exactly as the broker serves them, so the caller can check their CRCs and
// offsets as well as the records in them.
import net from "node:net";
import { FrameDecoder } from "../../broker/network/frame-decoder.js";
import { errorName } from "../../broker/protocol/errors.js";
import {
  defaultFetchPartition,
  defaultFetchRequest,
  fetchRequestMeta,
  writeFetchRequest,
} from "../../broker/protocol/generated/fetch-request.gen.js";
import { readFetchResponse, type PartitionData } from "../../broker/protocol/generated/fetch-response.gen.js";
import { writeRequestHeader } from "../../broker/protocol/generated/request-header.gen.js";
import { Reader, Writer, ZERO_UUID } from "../../broker/protocol/primitives.js";
import { batchViews, type RecordBatchView } from "../../broker/protocol/records.js";

/** v11: the newest non-flexible Fetch (request header v1, response header v0), names topics by name. */
const FETCH_VERSION = 11;
const REQUEST_HEADER_VERSION = 1;
const PARTITION_MAX_BYTES = 1024 * 1024;
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export interface PartitionContents {
  batches: RecordBatchView[];
  highWatermark: number;
  logStartOffset: number;
}

/** One connection, one request at a time. */
export class FetchConnection {
  private readonly frames = new FrameDecoder(MAX_FRAME_BYTES);
  private pending: { resolve: (frame: Buffer) => void; reject: (err: Error) => void } | undefined;
  private failure: Error | undefined;
  private correlationId = 0;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      for (const frame of this.frames.push(chunk)) {
        const waiting = this.pending;
        this.pending = undefined;
        waiting?.resolve(frame);
      }
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      this.pending?.reject(this.failure);
      this.pending = undefined;
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("connection closed by the broker")));
  }

  static async open(host: string, port: number): Promise<FetchConnection> {
    const socket = net.connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new FetchConnection(socket);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Fetches every batch of a partition from offset 0 (the test never deletes records) to its high watermark. */
  async readPartition(topic: string, partition: number): Promise<PartitionContents> {
    const batches: RecordBatchView[] = [];
    let next = 0;
    for (;;) {
      const response = await this.fetch(topic, partition, BigInt(next));
      if (response.errorCode !== 0) {
        throw new Error(`fetch ${topic}-${partition} at ${next}: ${errorName(response.errorCode)}`);
      }
      const highWatermark = Number(response.highWatermark);
      const records = response.records ?? Buffer.alloc(0);
      for (const view of batchViews(records)) {
        // Keep only batches past what we have (a fetch may start inside the batch holding `next`).
        if (Number(view.lastOffset) < next) continue;
        batches.push(view);
        next = Number(view.lastOffset) + 1;
      }
      // Nothing more although below the high watermark: the caller's checks report the shortfall.
      if (next >= highWatermark || records.length === 0) {
        return { batches, highWatermark, logStartOffset: Number(response.logStartOffset) };
      }
    }
  }

  private async fetch(topic: string, partition: number, fetchOffset: bigint): Promise<PartitionData> {
    const body = new Writer(128);
    writeFetchRequest(body, FETCH_VERSION, {
      ...defaultFetchRequest(),
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 4 * PARTITION_MAX_BYTES,
      topics: [
        {
          topic,
          topicId: ZERO_UUID,
          partitions: [{ ...defaultFetchPartition(), partition, fetchOffset, partitionMaxBytes: PARTITION_MAX_BYTES }],
        },
      ],
    });
    const reader = await this.request(fetchRequestMeta.apiKey, FETCH_VERSION, body.finish());
    const response = readFetchResponse(reader, FETCH_VERSION);
    if (response.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}: ${errorName(response.errorCode)}`);
    const data = response.responses[0]?.partitions[0];
    if (!data || data.partitionIndex !== partition) throw new Error(`fetch ${topic}-${partition}: partition missing from the response`);
    return data;
  }

  /** Sends one request and returns a reader positioned after the (v0) response header. */
  private request(apiKey: number, apiVersion: number, body: Buffer): Promise<Reader> {
    if (this.failure) return Promise.reject(this.failure);
    const correlationId = ++this.correlationId;
    const frame = new Writer(body.length + 64);
    frame.int32(0); // size, patched below
    writeRequestHeader(frame, REQUEST_HEADER_VERSION, { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: "crash-test" });
    frame.raw(body);
    const bytes = frame.finish();
    bytes.writeInt32BE(bytes.length - 4, 0);
    return new Promise<Buffer>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(bytes);
    }).then((response) => {
      const reader = new Reader(response);
      const answered = reader.int32();
      if (answered !== correlationId) throw new Error(`response for correlation id ${answered}, expected ${correlationId}`);
      return reader;
    });
  }
}
