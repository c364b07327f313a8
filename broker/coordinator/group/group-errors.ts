// The coordinator's errors: every one is a Kafka error that the handlers send in-band, so the
// union below is the whole vocabulary this subsystem can answer with.
import type { KafkaErrorName } from "../../protocol/errors.js";
import { CoordinatorLogError } from "./coordinator-log.js";

const GROUP_ERROR_NAMES = [
  "NONE",
  "COORDINATOR_LOAD_IN_PROGRESS",
  "COORDINATOR_NOT_AVAILABLE",
  "NOT_COORDINATOR",
  "INVALID_GROUP_ID",
  "INVALID_REQUEST",
  "UNKNOWN_MEMBER_ID",
  "MEMBER_ID_REQUIRED",
  "ILLEGAL_GENERATION",
  "INCONSISTENT_GROUP_PROTOCOL",
  "INVALID_SESSION_TIMEOUT",
  "REBALANCE_IN_PROGRESS",
  "GROUP_MAX_SIZE_REACHED",
  "FENCED_INSTANCE_ID",
  "GROUP_ID_NOT_FOUND",
  "NON_EMPTY_GROUP",
  "GROUP_SUBSCRIBED_TO_TOPIC",
  "UNKNOWN_TOPIC_OR_PARTITION",
  "OFFSET_METADATA_TOO_LARGE",
  "FENCED_MEMBER_EPOCH",
  "STALE_MEMBER_EPOCH",
  "UNRELEASED_INSTANCE_ID",
  "UNSUPPORTED_ASSIGNOR",
  "UNSUPPORTED_VERSION",
  "UNKNOWN_SERVER_ERROR",
] as const satisfies readonly KafkaErrorName[];

export type GroupErrorName = (typeof GROUP_ERROR_NAMES)[number];

/** Thrown inside the coordinator where a whole operation fails with one Kafka error. */
export class GroupError extends Error {
  override name = "GroupError";
  constructor(
    readonly error: Exclude<GroupErrorName, "NONE">,
    message?: string,
  ) {
    super(message ?? error);
  }
}

/**
 * What a failed __consumer_offsets write means to a client, as Kafka maps storage errors for group
 * requests (GroupCoordinatorService.handleOperationException; the old GroupMetadataManager did the
 * same): leadership gone or the log offline → NOT_COORDINATOR (the client looks the coordinator up
 * again); replication too slow (REQUEST_TIMED_OUT after offsets.commit.timeout.ms), too few replicas
 * or the topic missing → COORDINATOR_NOT_AVAILABLE (retriable, also with a new lookup). Kafka never
 * sends REQUEST_TIMED_OUT for a group write, so neither do we. A GroupError (the coordinator gave
 * the partition up while the write was in flight) keeps its own error; anything else is
 * COORDINATOR_NOT_AVAILABLE.
 */
export function writeFailureError(err?: unknown): GroupErrorName {
  if (err instanceof GroupError) return err.error;
  if (!(err instanceof CoordinatorLogError)) return "COORDINATOR_NOT_AVAILABLE";
  switch (err.error) {
    case "NOT_LEADER_OR_FOLLOWER":
    case "KAFKA_STORAGE_ERROR":
    case "FENCED_LEADER_EPOCH":
      return "NOT_COORDINATOR";
    case "MESSAGE_TOO_LARGE":
    case "RECORD_LIST_TOO_LARGE":
    case "INVALID_FETCH_SIZE":
      return "UNKNOWN_SERVER_ERROR";
    default:
      // UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS(_AFTER_APPEND), REQUEST_TIMED_OUT, …
      return "COORDINATOR_NOT_AVAILABLE";
  }
}

/** The error name carried by `err`, or UNKNOWN_SERVER_ERROR for anything unexpected. */
export function groupErrorOf(err: unknown): Exclude<GroupErrorName, "NONE"> {
  return err instanceof GroupError ? err.error : "UNKNOWN_SERVER_ERROR";
}
