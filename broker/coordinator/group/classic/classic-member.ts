// A member of a classic group: its protocols and timeouts, its current assignment, and the
// JoinGroup/SyncGroup requests it has parked while the group rebalances.
import { EMPTY_BYTES, type JoinGroupResult, type SyncGroupResult } from "./classic-results.js";

export interface ClassicProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export class ClassicMember {
  /** Completes the member's parked JoinGroup. */
  awaitingJoin: ((result: JoinGroupResult) => void) | null = null;
  /** Completes the member's parked SyncGroup. */
  awaitingSync: ((result: SyncGroupResult) => void) | null = null;
  /** Joined during the current rebalance and not yet given a generation. */
  isNew = false;
  assignment: Buffer = EMPTY_BYTES;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: readonly ClassicProtocol[],
  ) {}

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  /** The member's metadata for a protocol. */
  metadata(protocolName: string): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY_BYTES;
  }

  /** Same protocols, in the same order, with the same metadata (a rejoin that changes nothing). */
  matches(protocols: readonly ClassicProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata))
    );
  }

  /** The member's most preferred protocol among the candidates. */
  vote(candidates: ReadonlySet<string>): string | undefined {
    return this.protocols.find((p) => candidates.has(p.name))?.name;
  }

  /**
   * Members waiting in a rebalance need no heartbeat (the rebalance has its own timeouts), except
   * new members, which are dropped if they never complete their first join.
   */
  hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return false;
    return this.isAwaitingJoin || this.isAwaitingSync;
  }

  completeJoin(result: JoinGroupResult): boolean {
    const callback = this.awaitingJoin;
    if (!callback) return false;
    this.awaitingJoin = null;
    callback(result);
    return true;
  }

  completeSync(result: SyncGroupResult): boolean {
    const callback = this.awaitingSync;
    if (!callback) return false;
    this.awaitingSync = null;
    callback(result);
    return true;
  }

  /** A copy under a new member id: how a static member's restart replaces its old incarnation. */
  withMemberId(memberId: string): ClassicMember {
    const copy = new ClassicMember(
      memberId,
      this.groupInstanceId,
      this.clientId,
      this.clientHost,
      this.rebalanceTimeoutMs,
      this.sessionTimeoutMs,
      this.protocolType,
      this.protocols,
    );
    copy.assignment = this.assignment;
    return copy;
  }
}
