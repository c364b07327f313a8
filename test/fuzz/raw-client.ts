// A minimal Kafka client over one TCP connection, built on the broker's generated codecs: enough to
// ask ApiVersions and Metadata byte-exactly (liveness checks, topic ids for the corpus) without a
// client library's retries and caching hiding what the broker did.
import { connect, type Socket } from "node:net";
import { FrameDecoder } from "../../broker/network/frame-decoder.js";
import { readApiVersionsResponse, type ApiVersionsResponse } from "../../broker/protocol/generated/api-versions-response.gen.js";
import { writeApiVersionsRequest } from "../../broker/protocol/generated/api-versions-request.gen.js";
import { writeMetadataRequest } from "../../broker/protocol/generated/metadata-request.gen.js";
import { readMetadataResponse, type MetadataResponse } from "../../broker/protocol/generated/metadata-response.gen.js";
import { writeRequestHeader } from "../../broker/protocol/generated/request-header.gen.js";
import { Reader, Writer, ZERO_UUID } from "../../broker/protocol/primitives.js";

const API_VERSIONS = { key: 18, version: 3 };
const METADATA = { key: 3, version: 12 };

export class RawClient {
  private readonly decoder = new FrameDecoder(256 * 1024 * 1024);
  private readonly waiting: { resolve: (body: Buffer) => void; reject: (err: Error) => void }[] = [];
  private correlationId = 0;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk)) this.waiting.shift()?.resolve(frame);
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const w of this.waiting.splice(0)) w.reject(this.failure);
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("connection closed by the broker")));
  }

  static connect(port: number, host = "127.0.0.1", timeoutMs = 5_000): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => socket.destroy(new Error(`connect timed out after ${timeoutMs} ms`)), timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new RawClient(socket));
      });
      socket.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Sends one request (flexible header v2) and returns the response body after its header. */
  private async call(apiKey: number, version: number, writeBody: (w: Writer) => void, flexibleResponseHeader: boolean): Promise<Reader> {
    if (this.failure) throw this.failure;
    const correlationId = ++this.correlationId;
    const w = new Writer(128);
    w.int32(0);
    writeRequestHeader(w, 2, { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: "millrace-fuzz" });
    writeBody(w);
    const frame = w.finish();
    frame.writeInt32BE(frame.length - 4, 0);
    const body = await new Promise<Buffer>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(frame);
    });
    const r = new Reader(body);
    const echoed = r.int32();
    if (echoed !== correlationId) throw new Error(`response correlation id ${echoed}, expected ${correlationId}`);
    if (flexibleResponseHeader) r.taggedFields(() => false);
    return r;
  }

  async apiVersions(): Promise<ApiVersionsResponse> {
    const r = await this.call(API_VERSIONS.key, API_VERSIONS.version, (w) =>
      writeApiVersionsRequest(w, API_VERSIONS.version, { clientSoftwareName: "millrace-fuzz", clientSoftwareVersion: "1" }),
    // ApiVersions answers with response header v0 whatever its version (KIP-511).
    false);
    return readApiVersionsResponse(r, API_VERSIONS.version);
  }

  /** Metadata for the named topics, or for every topic when `topics` is null. */
  async metadata(topics: string[] | null): Promise<MetadataResponse> {
    const r = await this.call(METADATA.key, METADATA.version, (w) =>
      writeMetadataRequest(w, METADATA.version, {
        topics: topics?.map((name) => ({ name, topicId: ZERO_UUID })) ?? null,
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      }),
    true);
    return readMetadataResponse(r, METADATA.version);
  }

  close(): void {
    this.socket.destroy();
  }
}
