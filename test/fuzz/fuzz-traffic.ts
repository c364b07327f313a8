// Sends mutated frames to the broker over many parallel TCP connections. Each connection is
// pipelined (up to `window` frames awaiting an answer) and reused until the broker closes it; then
// a new one is opened. A connection whose answers stop for `stallMs` is closed from our side: a
// lying size prefix makes the broker wait for bytes that never come, and a Fetch or JoinGroup may
// legitimately hold its answer — neither should slow the run down.
import { connect, type Socket } from "node:net";
import { FrameDecoder } from "../../broker/network/frame-decoder.js";
import type { MutatedFrame } from "./mutator.js";

export interface TrafficOptions {
  port: number;
  /** How many frames to send in total. */
  frames: number;
  next: () => MutatedFrame;
  connections: number;
  window: number;
  stallMs: number;
  /** Aborts the run (e.g. a failed liveness check): no more frames are sent. */
  signal?: AbortSignal;
}

export interface TrafficStats {
  sent: number;
  bytesSent: number;
  /** Responses received. */
  answered: number;
  /** Connections opened. */
  connections: number;
  /** Connections the broker closed. */
  closedByBroker: number;
  /** Connections we closed because the broker held its answers past stallMs. */
  stalled: number;
  /** Frames sent per strategy. */
  byStrategy: Map<string, number>;
  /** The last frames sent, oldest first: what to replay when something goes wrong. */
  recent: Buffer[];
}

const RECENT_FRAMES_KEPT = 512;
/** Responses are well-formed; this only bounds a confused stream. */
const MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

export async function sendFuzzTraffic(opts: TrafficOptions): Promise<TrafficStats> {
  const stats: TrafficStats = {
    sent: 0,
    bytesSent: 0,
    answered: 0,
    connections: 0,
    closedByBroker: 0,
    stalled: 0,
    byStrategy: new Map(),
    recent: [],
  };
  const budgetLeft = () => stats.sent < opts.frames && !opts.signal?.aborted;
  const take = (): MutatedFrame => {
    const frame = opts.next();
    stats.sent++;
    stats.bytesSent += frame.bytes.length;
    stats.byStrategy.set(frame.strategy, (stats.byStrategy.get(frame.strategy) ?? 0) + 1);
    stats.recent.push(frame.bytes);
    if (stats.recent.length > RECENT_FRAMES_KEPT) stats.recent.shift();
    return frame;
  };
  const lane = async () => {
    while (budgetLeft()) {
      const socket = await open(opts.port);
      if (!socket) continue;
      stats.connections++;
      await useConnection(socket, opts, stats, budgetLeft, take);
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, lane));
  return stats;
}

function open(port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.setNoDelay(true);
      resolve(socket);
    });
    // A refused or reset connect is retried by the lane; liveness checks decide if the broker is gone.
    socket.once("error", () => setTimeout(() => resolve(undefined), 20));
  });
}

/** Correlation id of a frame as sent, if the frame is long enough to carry one. */
function correlationIdOf(frame: Buffer): number | undefined {
  return frame.length >= 12 ? frame.readInt32BE(8) : undefined;
}

function useConnection(
  socket: Socket,
  opts: TrafficOptions,
  stats: TrafficStats,
  budgetLeft: () => boolean,
  take: () => MutatedFrame,
): Promise<void> {
  return new Promise((resolve) => {
    const awaiting: (number | undefined)[] = [];
    const decoder = new FrameDecoder(MAX_RESPONSE_BYTES);
    let closedByUs = false;
    let lastProgress = Date.now();
    let draining = false;

    const closeOurSide = () => {
      closedByUs = true;
      socket.destroy();
    };
    const pump = () => {
      while (!draining && !socket.destroyed && awaiting.length < opts.window && budgetLeft()) {
        const frame = take();
        // The stall clock starts when something is first awaited, not at the last answer.
        if (awaiting.length === 0) lastProgress = Date.now();
        awaiting.push(correlationIdOf(frame.bytes));
        if (!socket.write(frame.bytes)) {
          draining = true;
          socket.once("drain", () => {
            draining = false;
            pump();
          });
        }
      }
      if (!budgetLeft() && awaiting.length === 0) closeOurSide();
    };
    socket.on("data", (chunk: Buffer) => {
      lastProgress = Date.now();
      let responses: Buffer[];
      try {
        responses = decoder.push(chunk);
      } catch {
        closeOurSide();
        return;
      }
      for (const response of responses) {
        stats.answered++;
        // Answers come in request order; requests before the answered one got none (acks=0).
        const id = response.length >= 4 ? response.readInt32BE(0) : undefined;
        const at = awaiting.indexOf(id);
        awaiting.splice(0, at >= 0 ? at + 1 : 1);
      }
      pump();
    });
    const stallTimer = setInterval(() => {
      if (awaiting.length > 0 && Date.now() - lastProgress > opts.stallMs) {
        stats.stalled++;
        closeOurSide();
      }
    }, Math.max(10, opts.stallMs / 4));
    socket.on("error", () => {});
    socket.once("close", () => {
      clearInterval(stallTimer);
      if (!closedByUs) stats.closedByBroker++;
      resolve();
    });
    pump();
  });
}
