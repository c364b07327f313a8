// The connection's side of client quotas (KIP-219): after each request it records what the
// request quotas count — the produce request's bytes (producer_byte_rate) and the time the
// handler ran on the event loop (request_percentage) — puts the longest throttle time owed into
// the response's throttle_time_ms (handlers that enforce their own quotas, Fetch and the topic
// mutations, have set theirs already), and mutes the connection for it: the response goes out at
// once, then nothing more is read from the socket until the time has passed, so a client that
// ignores throttle_time_ms is held all the same. acks=0 produce has no response but is muted.
//
// Request time is the synchronous part of the handler (until it first waits): Node runs handlers
// on one thread, and time spent waiting (a long-polled fetch, replication for acks=all) is not
// work, as Kafka's purgatory wait is not counted either.
import type { Socket } from "node:net";
import type { RequestContext } from "../../handlers/handler.js";
import type { CloseSignal } from "../../network/close-signal.js";
import type { ClientQuotaManager, QuotaClient } from "./client-quota-manager.js";
import { PRODUCER_BYTE_RATE, REQUEST_PERCENTAGE } from "./quota-keys.js";
import { isQuotaExempt } from "./request-quota-exemption.js";

const PRODUCE = 0;
const NANOS_PER_PERCENT = 10_000_000n;

export function quotaClientOf(ctx: RequestContext): QuotaClient {
  return { user: ctx.connection.session.principal.name, clientId: ctx.clientId ?? "" };
}

export class ConnectionThrottle {
  private startedNs = 0n;
  private handlerNs = 0n;
  private muteMs = 0;

  constructor(private readonly quotas: ClientQuotaManager | undefined) {}

  /** Whether any client quota is configured (requests are then measured one at a time). */
  get active(): boolean {
    return this.quotas !== undefined && !this.quotas.idle;
  }

  /** Before the handler runs. */
  handlerStarting(): void {
    if (this.active) this.startedNs = process.hrtime.bigint();
  }

  /** When the handler first returns control (its synchronous work is done). */
  handlerYielded(): void {
    if (this.startedNs !== 0n) this.handlerNs = process.hrtime.bigint() - this.startedNs;
  }

  /** After the handler's answer: records the request quotas, sets throttle_time_ms, arms the mute. */
  handlerDone(ctx: RequestContext, request: unknown, response: unknown, requestBytes: number): void {
    const measured = this.startedNs !== 0n;
    const handlerNs = this.handlerNs;
    this.startedNs = 0n;
    this.handlerNs = 0n;
    if (!this.quotas || this.quotas.idle) return;
    const client = quotaClientOf(ctx);
    let throttleMs = 0;
    // (Not measured: the first quota arrived while this request was in its handler.)
    if (measured && !isQuotaExempt(ctx, request)) {
      throttleMs = this.quotas.recordAndThrottleMs(REQUEST_PERCENTAGE, client, Number(handlerNs) / Number(NANOS_PER_PERCENT));
      if (ctx.apiKey === PRODUCE) throttleMs = Math.max(throttleMs, this.quotas.recordAndThrottleMs(PRODUCER_BYTE_RATE, client, requestBytes));
    }
    // Handlers that enforce their own quota (Fetch, topic mutations) have set theirs.
    const answer = response as { throttleTimeMs?: unknown } | null;
    if (answer && typeof answer === "object" && typeof answer.throttleTimeMs === "number") {
      throttleMs = Math.max(throttleMs, answer.throttleTimeMs);
      answer.throttleTimeMs = throttleMs;
    }
    if (throttleMs > 0) {
      this.muteMs = throttleMs;
      ctx.log.debug({ throttleMs, user: client.user }, "client over its quota: connection muted");
    }
  }

  /** Whether a mute is owed (checked first, so an unthrottled request costs no promise). */
  get muted(): boolean {
    return this.muteMs > 0;
  }

  /** After the response is written: holds the connection (no reads) for the mute owed. */
  async holdWhileMuted(socket: Socket, closed: CloseSignal): Promise<void> {
    const ms = this.muteMs;
    if (ms <= 0) return;
    this.muteMs = 0;
    if (closed.closed) return;
    socket.pause();
    await new Promise<void>((resolve) => {
      let unsubscribe = (): void => undefined;
      const done = (): void => {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      };
      const timer = setTimeout(done, ms);
      unsubscribe = closed.onClose(done);
    });
  }
}
