// Incremental fetch sessions (KIP-227). A full fetch with epoch 0 opens a session; later fetches
// carry only changed partitions and the broker answers only partitions with something new
// (data, high watermark, log start offset or an error). The cache is bounded
// (max.incremental.fetch.session.cache.slots); the least recently used session is evicted.
import { randomInt } from "node:crypto";
import type { Uuid } from "../../protocol/primitives.js";

export interface SessionPartition {
  topic: string;
  topicId: Uuid;
  partition: number;
  fetchOffset: bigint;
  maxBytes: number;
  /** What the client was last told, to decide whether an incremental response must include it. */
  lastHighWatermark: bigint;
  lastLogStartOffset: bigint;
}

export interface FetchSession {
  readonly id: number;
  /** The epoch the next request must carry. */
  nextEpoch: number;
  /** Keyed by `topicId:partition` when the session uses topic ids, else `name:partition`. */
  readonly partitions: Map<string, SessionPartition>;
  readonly usesTopicIds: boolean;
}

export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;
export const INVALID_SESSION_ID = 0;

export function partitionKey(usesTopicIds: boolean, topic: string, topicId: Uuid, partition: number): string {
  return `${usesTopicIds ? topicId : topic}:${partition}`;
}

export class FetchSessionCache {
  // Map iteration order is insertion order; touching a session re-inserts it, so the first
  // entry is always the least recently used.
  private readonly sessions = new Map<number, FetchSession>();

  constructor(private readonly maxSessions: number) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Opens a session for a full fetch; returns null when sessions are disabled (0 slots). */
  create(usesTopicIds: boolean): FetchSession | null {
    if (this.maxSessions <= 0) return null;
    while (this.sessions.size >= this.maxSessions) {
      const lru = this.sessions.keys().next().value as number;
      this.sessions.delete(lru);
    }
    let id: number;
    do id = randomInt(1, 2 ** 31 - 1);
    while (this.sessions.has(id));
    const session: FetchSession = { id, nextEpoch: 1, partitions: new Map(), usesTopicIds };
    this.sessions.set(id, session);
    return session;
  }

  /** The session for an incremental fetch, marking it recently used; undefined if unknown. */
  get(id: number): FetchSession | undefined {
    const session = this.sessions.get(id);
    if (session) {
      this.sessions.delete(id);
      this.sessions.set(id, session);
    }
    return session;
  }

  remove(id: number): void {
    this.sessions.delete(id);
  }
}
