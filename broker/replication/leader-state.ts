// What the leader of a replicated partition knows of its followers (Kafka's Partition and
// Replica state on the leader): each follower's log end offset (the offset it last fetched at:
// everything before it is in its log), when it was last caught up, and from that the high
// watermark (the lowest log end among the in-sync replicas, the leader included) and the ISR
// changes to ask the controller for.
import type { PartitionState } from "../metadata/metadata-image.js";
import type { PartitionLog } from "../storage/index.js";

interface FollowerProgress {
  logEnd: bigint;
  lastCaughtUpMs: number;
}

export class LeaderState {
  private readonly followers = new Map<number, FollowerProgress>();
  /** Where this leader's epoch began: a follower must reach it to join the ISR. */
  readonly epochStartOffset: bigint;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly log: PartitionLog,
    readonly nodeId: number,
    /** The partition as the image has it now (replaced on every metadata change). */
    public state: PartitionState,
    now: number,
  ) {
    this.epochStartOffset = log.logEndOffset;
    // Followers get a full lag window from the moment we lead.
    for (const r of state.replicas) if (r !== nodeId) this.followers.set(r, { logEnd: -1n, lastCaughtUpMs: now });
    // Our own writes move a replicated partition's high watermark too: with the ISR shrunk to
    // this leader alone, nothing else would (acks=all writes then waited forever). A partition
    // with one replica keeps the log's own rule (written, or fsynced with flush.messages=1).
    this.stopWatching = log.onWritten(() => {
      if (this.state.replicas.length > 1) this.advanceHighWatermark();
    });
  }

  private readonly stopWatching: () => void;

  /** No longer the leader (or of another epoch): stop following our log's writes. */
  close(): void {
    this.stopWatching();
  }

  /** A follower's log end as last fetched (-1 before its first fetch). */
  followerLogEnd(replicaId: number): bigint {
    return this.followers.get(replicaId)?.logEnd ?? -1n;
  }

  get leaderEpoch(): number {
    return this.state.leaderEpoch;
  }

  /** A follower fetched at `fetchOffset`: its log holds everything before it. */
  recordFetch(replicaId: number, fetchOffset: bigint, now: number): void {
    let f = this.followers.get(replicaId);
    if (!f) {
      if (!this.state.replicas.includes(replicaId)) return;
      f = { logEnd: -1n, lastCaughtUpMs: now };
      this.followers.set(replicaId, f);
    }
    f.logEnd = fetchOffset;
    if (fetchOffset >= this.log.logEndOffset) f.lastCaughtUpMs = now;
    this.advanceHighWatermark();
  }

  /** The lowest log end among the ISR (the leader's: what it has written, not appends in flight). */
  advanceHighWatermark(): void {
    let hw = this.log.writtenEndOffset;
    for (const id of this.state.isr) {
      if (id === this.nodeId) continue;
      const end = this.followers.get(id)?.logEnd ?? -1n;
      if (end < hw) hw = end;
    }
    if (hw > this.log.highWatermark) this.log.updateHighWatermark(hw);
  }

  /**
   * The ISR this leader should have: followers caught up to the high watermark (and this epoch's
   * start) join; followers not caught up for `lagMaxMs` leave. Null when it is already right.
   */
  desiredIsr(now: number, lagMaxMs: number): number[] | null {
    const hw = this.log.highWatermark;
    const isr = this.state.isr.filter((id) => id === this.nodeId || now - (this.followers.get(id)?.lastCaughtUpMs ?? now) <= lagMaxMs);
    for (const id of this.state.replicas) {
      if (isr.includes(id)) continue;
      const f = this.followers.get(id);
      if (f && f.logEnd >= hw && f.logEnd >= this.epochStartOffset) isr.push(id);
    }
    const same = isr.length === this.state.isr.length && isr.every((id) => this.state.isr.includes(id));
    return same ? null : isr;
  }
}
