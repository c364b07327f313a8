// The coordinator's errors: every one is a Kafka error that the handlers send in-band, so the
// union below is the whole vocabulary this subsystem can answer with.
import type { KafkaErrorName } from "../../protocol/errors.js";

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
 * What a failed __consumer_offsets append means to a client. The log adapter reports plain errors,
 * so every failure becomes the retriable COORDINATOR_NOT_AVAILABLE: the client looks the
 * coordinator up again and retries, as Kafka's mapping of storage errors intends.
 */
export function writeFailureError(): GroupErrorName {
  return "COORDINATOR_NOT_AVAILABLE";
}

/** The error name carried by `err`, or UNKNOWN_SERVER_ERROR for anything unexpected. */
export function groupErrorOf(err: unknown): Exclude<GroupErrorName, "NONE"> {
  return err instanceof GroupError ? err.error : "UNKNOWN_SERVER_ERROR";
}
