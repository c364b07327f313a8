// OffsetCommit, OffsetFetch and OffsetDelete as the coordinator takes and answers them.
import type { GroupErrorName } from "../group-errors.js";

export interface OffsetCommitInput {
  readonly groupId: string;
  /** Classic generation, KIP-848 member epoch, or -1 for a commit outside group management. */
  readonly generationIdOrMemberEpoch: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** OffsetCommit v2–v4 only; -1 means the broker's retention. */
  readonly retentionTimeMs: bigint;
  readonly apiVersion: number;
  readonly topics: readonly {
    readonly name: string;
    readonly partitions: readonly {
      readonly partitionIndex: number;
      readonly committedOffset: bigint;
      readonly committedLeaderEpoch: number;
      readonly committedMetadata: string | null;
    }[];
  }[];
}

export type PartitionErrors = { name: string; partitions: { partitionIndex: number; error: GroupErrorName }[] }[];

export interface OffsetFetchInput {
  readonly groupId: string;
  /** OffsetFetch v9+: the KIP-848 member asking, checked against its epoch. */
  readonly memberId: string | null;
  readonly memberEpoch: number;
  /** null: every committed offset of the group. */
  readonly topics: readonly { readonly name: string; readonly partitionIndexes: readonly number[] }[] | null;
  readonly requireStable: boolean;
}

export interface FetchedOffset {
  readonly partitionIndex: number;
  readonly committedOffset: bigint;
  readonly committedLeaderEpoch: number;
  readonly metadata: string;
  readonly error: GroupErrorName;
}

export interface OffsetFetchResult {
  readonly error: GroupErrorName;
  readonly topics: { name: string; partitions: FetchedOffset[] }[];
}

export interface OffsetDeleteInput {
  readonly groupId: string;
  readonly topics: readonly { readonly name: string; readonly partitions: readonly number[] }[];
}

export interface OffsetDeleteResult {
  readonly error: GroupErrorName;
  readonly topics: PartitionErrors;
}
