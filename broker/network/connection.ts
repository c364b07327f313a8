// One client connection: frames in, requests handled in arrival order, responses out in the same
// order. Kafka mutes a channel while a request is in flight; we do too, except between Produce
// requests: the next Produce starts as soon as the one before has queued its appends, so a client
// that sends many small requests at once (librdkafka: one per partition) is not held to one log
// write at a time. Offsets and producer state are assigned when an append is queued, so the
// records land in request order all the same. Any other request waits until every earlier answer
// is written, and with client quotas in force Produce is handled one at a time too.
// A malformed frame or an unknown API closes the connection with a log line, as Kafka does.
import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { BrokerServices } from "../broker-services.js";
import { ioBuffers } from "../buffer-pool.js";
import { apiVersionsResponse } from "../handlers/18-api-versions.js";
import { NO_RESPONSE, type ConnectionInfo, type RequestContext } from "../handlers/handler.js";
import { writeApiVersionsResponse } from "../protocol/generated/api-versions-response.gen.js";
import { KafkaError } from "../protocol/errors.js";
import { ProtocolDecodeError } from "../protocol/primitives.js";
import { ConnectionThrottle } from "../security/quotas/connection-throttle.js";
import { saslClosesAfterResponse, saslGateRefusal } from "../security/sasl/sasl-gate.js";
import { FrameDecoder, FrameTooLargeError } from "./frame-decoder.js";
import { CloseSignal } from "./close-signal.js";
import {
  encodeResponse,
  peekApiKeyAndVersion,
  readHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from "./request-header.js";

const API_VERSIONS_KEY = 18;
/**
 * Produce is the one request whose frame goes back to the pool when its handler is done: the
 * handler awaits every append, and the logs retain what they keep. Other requests' frames may
 * live on in state (group metadata, assignments) and are left to the garbage collector.
 */
const PRODUCE_KEY = 0;

type RequestPeek = ReturnType<typeof peekApiKeyAndVersion>;

export class Connection {
  private readonly decoder: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private processing = false;
  /** Produce requests started and not yet answered. */
  private pipelined = 0;
  /** Settles when every started Produce has been answered (or the connection closed). */
  private answered: Promise<void> = Promise.resolve();
  private isClosed = false;
  private readonly log: Logger;
  private readonly closeSignal = new CloseSignal();
  /** Client quotas: throttle_time_ms in responses and muting the connection for it (KIP-219). */
  private readonly throttle: ConnectionThrottle;

  constructor(
    private readonly socket: Socket,
    readonly info: ConnectionInfo,
    private readonly broker: BrokerServices,
    parentLog: Logger,
    private readonly onClose: (c: Connection) => void,
  ) {
    this.log = parentLog.child({ conn: info.id, remote: `${info.remoteAddress}:${info.remotePort}` });
    this.decoder = new FrameDecoder(broker.config.socketRequestMaxBytes);
    this.throttle = new ConnectionThrottle(broker.quotas);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.log.debug({ err: err.message }, "socket error"));
    socket.on("close", () => this.finish());
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      if (err instanceof FrameTooLargeError) {
        this.log.warn({ size: err.size, max: err.max }, "closing connection: request frame too large");
      }
      this.close();
      return;
    }
    if (frames.length === 0) return;
    this.queue.push(...frames);
    // Back-pressure: stop reading while many requests wait, as Kafka bounds queued.max.requests.
    if (this.waiting() >= this.broker.config.queuedMaxRequests) this.socket.pause();
    void this.drain();
  }

  /** Requests read and not answered yet: queued, or started Produce requests. */
  private waiting(): number {
    return this.queue.length + this.pipelined;
  }

  private resumeIfRoom(): void {
    if (this.waiting() < this.broker.config.queuedMaxRequests && this.socket.isPaused() && !this.isClosed) this.socket.resume();
  }

  private async drain(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (!this.isClosed && this.queue.length > 0) {
        const frame = this.queue.shift()!;
        const peek = peekApiKeyAndVersion(frame);
        if (this.pipelines(peek)) {
          this.startPipelined(frame, peek);
          continue;
        }
        await this.answered;
        if (this.isClosed) return;
        if (!(await this.deliver(await this.process(frame, peek)))) return;
        this.resumeIfRoom();
      }
    } finally {
      this.processing = false;
    }
  }

  /** Whether a request may start before the answers to earlier requests are written (header above). */
  private pipelines(peek: RequestPeek): boolean {
    return peek?.apiKey === PRODUCE_KEY && !this.throttle.active;
  }

  /**
   * Starts a Produce and chains its answer behind the earlier ones. `process` runs the handler
   * up to its first wait, and the produce handler queues every append before that, so the next
   * request starts after these records have their offsets.
   */
  private startPipelined(frame: Buffer, peek: RequestPeek): void {
    const answer = this.process(frame, peek);
    this.pipelined++;
    this.answered = this.answered
      .then(async () => {
        const response = await answer;
        if (!this.isClosed) await this.deliver(response);
      })
      .catch((err: unknown) => {
        this.log.error({ err }, "closing connection: answering a produce request failed");
        this.close();
      })
      .finally(() => {
        this.pipelined--;
        this.resumeIfRoom();
      });
  }

  /** Writes one request's answer; false when the connection is closing. */
  private async deliver(response: Buffer[] | null | "close"): Promise<boolean> {
    if (response === "close") {
      this.close();
      return false;
    }
    if (this.isClosed) return false;
    if (response && saslClosesAfterResponse(this.info)) {
      this.writeResponse(response);
      this.closeAfterWrites();
      return false;
    }
    if (response && !this.writeResponse(response)) await waitForDrain(this.socket, this.closeSignal);
    if (this.throttle.muted) await this.throttle.holdWhileMuted(this.socket, this.closeSignal);
    return !this.isClosed;
  }

  /**
   * Writes a response's buffers as one gathered write; false when the socket wants a drain.
   * Pooled buffers among them (records read for Fetch) go back to the pool once the socket is
   * done with them; after a failed write they are left to the garbage collector.
   */
  private writeResponse(chunks: Buffer[]): boolean {
    const pooled = pooledBuffersOf(chunks);
    const done = pooled.length === 0 ? undefined : (err?: Error | null) => {
      if (!err) for (const b of pooled) ioBuffers.release(b);
    };
    if (chunks.length === 1) return this.socket.write(chunks[0]!, done);
    this.socket.cork();
    let flowing = true;
    // Writes complete in order: the last one's callback means all of them are done.
    chunks.forEach((chunk, i) => (flowing = this.socket.write(chunk, i === chunks.length - 1 ? done : undefined)));
    this.socket.uncork();
    return flowing;
  }

  /** Handles one frame; returns the response's buffers, null for none, or "close". */
  private async process(frame: Buffer, peek: RequestPeek): Promise<Buffer[] | null | "close"> {
    if (!peek) {
      this.log.warn({ size: frame.length }, "closing connection: frame shorter than a request header");
      return "close";
    }
    const { apiKey, apiVersion, correlationId } = peek;
    const saslRefusal = saslGateRefusal(this.info, this.broker, apiKey);
    if (saslRefusal) {
      this.log.warn({ apiKey, apiVersion, correlationId, reason: saslRefusal }, "closing connection: request refused by SASL state");
      return "close";
    }
    const handler = this.broker.handlers.get(apiKey);
    if (!handler) {
      this.log.warn({ apiKey, apiVersion, correlationId }, "closing connection: unsupported API key");
      return "close";
    }
    const flexibleMin = handler.meta.flexibleMinVersion;
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === API_VERSIONS_KEY) {
        // KIP-511: answer with v0 and our table so the client can downgrade.
        const body = apiVersionsResponse(this.broker.handlers, "UNSUPPORTED_VERSION");
        return encodeResponse(correlationId, 0, (w) => writeApiVersionsResponse(w, 0, body));
      }
      this.log.warn({ api: handler.meta.name, apiVersion, correlationId }, "closing connection: unsupported API version");
      return "close";
    }
    let ctx: RequestContext;
    let request: unknown;
    try {
      const { header, body } = readHeader(frame, requestHeaderVersion(apiVersion, flexibleMin));
      ctx = {
        apiKey,
        apiVersion,
        correlationId,
        clientId: header.clientId,
        connection: this.info,
        broker: this.broker,
        log: this.log.child({ api: handler.meta.name, v: apiVersion, correlationId, clientId: header.clientId }),
        closed: this.closeSignal,
      };
      request = handler.readRequest(body, apiVersion);
    } catch (err) {
      if (err instanceof ProtocolDecodeError || err instanceof RangeError) {
        this.log.warn({ api: handler.meta.name, apiVersion, correlationId, err: err.message }, "closing connection: malformed request");
        return "close";
      }
      throw err;
    }
    let response: unknown;
    try {
      this.throttle.handlerStarting();
      const handling = handler.handle(request, ctx);
      this.throttle.handlerYielded();
      response = await handling;
    } catch (err) {
      // A KafkaError is a handler closing the connection on purpose (acks=0 produce failed, as
      // Kafka does): the client's doing, a warn line. Anything else is our bug: error, with stack.
      if (err instanceof KafkaError) ctx.log.warn({ error: err.errorName, reason: err.message }, "closing connection: request failed");
      else ctx.log.error({ err }, "closing connection: handler failed");
      return "close";
    }
    this.throttle.handlerDone(ctx, request, response, frame.length);
    // Only after a normal return: a handler that threw may have appends still running.
    if (apiKey === PRODUCE_KEY) ioBuffers.release(frame);
    if (response === NO_RESPONSE) return null;
    const headerVersion = responseHeaderVersion(apiKey, apiVersion, flexibleMin);
    return encodeResponse(correlationId, headerVersion, (w) => handler.writeResponse(w, apiVersion, response));
  }

  close(): void {
    if (this.isClosed) return;
    this.socket.destroy();
    this.finish();
  }

  /** Closes once the written responses are flushed (a failed SASL exchange's answer must reach the client). */
  private closeAfterWrites(): void {
    if (this.isClosed) return;
    this.socket.end(() => this.socket.destroy());
    this.finish();
  }

  private finish(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.queue.length = 0;
    this.closeSignal.close();
    this.onClose(this);
  }
}

function waitForDrain(socket: Socket, closed: CloseSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      socket.off("drain", done);
      unsubscribe();
      resolve();
    };
    socket.once("drain", done);
    const unsubscribe = closed.onClose(done);
  });
}

/** One view per distinct pooled buffer among `chunks` (a buffer is released once, however many views). */
function pooledBuffersOf(chunks: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const c of chunks) {
    if (ioBuffers.isPooled(c) && !out.some((o) => o.buffer === c.buffer)) out.push(c);
  }
  return out;
}
