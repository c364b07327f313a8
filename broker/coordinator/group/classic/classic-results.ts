// What JoinGroup and SyncGroup answer, before the handler shapes it for a wire version.
import type { GroupErrorName } from "../group-errors.js";

export interface JoinedMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: Buffer;
}

export interface JoinGroupResult {
  readonly error: GroupErrorName;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leader: string;
  /** KIP-814: a static leader that rejoined without changes must not run the assignment again. */
  readonly skipAssignment: boolean;
  readonly memberId: string;
  /** Filled for the leader only: every member and its metadata for the chosen protocol. */
  readonly members: readonly JoinedMember[];
}

export interface SyncGroupResult {
  readonly error: GroupErrorName;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Buffer;
}

export const EMPTY_BYTES = Buffer.alloc(0);

export function joinError(error: GroupErrorName, memberId: string): JoinGroupResult {
  return { error, generationId: -1, protocolType: null, protocolName: null, leader: "", skipAssignment: false, memberId, members: [] };
}

export function syncError(error: GroupErrorName): SyncGroupResult {
  return { error, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
}
