// Bounded retries for admin calls: an error that a moment can fix (the controller moved, a leader
// is being elected, a broker restarted) is tried again with a growing backoff, never past the
// call's deadline. Which errors count is our list, not Kafka's `retriable` flag: for an admin
// call UNKNOWN_TOPIC_OR_PARTITION is an answer (the topic does not exist), not a transient state.
import type { Logger } from "pino";
import type { KafkaErrorName } from "../protocol/errors.js";
import { ClusterUnreachableError } from "./cluster-connections.js";
import { KafkaAdminError } from "./kafka-admin-error.js";
import { ConnectionError } from "./kafka-connection.js";

const RETRIED_ERRORS: ReadonlySet<KafkaErrorName> = new Set<KafkaErrorName>([
  "NOT_CONTROLLER",
  "LEADER_NOT_AVAILABLE",
  "REQUEST_TIMED_OUT",
  "NETWORK_EXCEPTION",
  "BROKER_NOT_AVAILABLE",
  "COORDINATOR_LOAD_IN_PROGRESS",
  "COORDINATOR_NOT_AVAILABLE",
  "THROTTLING_QUOTA_EXCEEDED",
]);

const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1000;

export function isRetriedError(err: unknown): boolean {
  if (err instanceof KafkaAdminError) return RETRIED_ERRORS.has(err.errorName);
  if (err instanceof ClusterUnreachableError) return !err.authenticationFailed;
  return err instanceof ConnectionError;
}

/** Runs `attempt` (given the time left) until it succeeds, fails for good, or `timeoutMs` pass. */
export async function withRetries<T>(what: string, timeoutMs: number, log: Logger | undefined, attempt: (remainingMs: number) => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let backoffMs = FIRST_BACKOFF_MS;
  for (let attemptNo = 1; ; attemptNo++) {
    try {
      return await attempt(Math.max(1, deadline - Date.now()));
    } catch (err) {
      const remaining = deadline - Date.now();
      if (!isRetriedError(err) || remaining <= backoffMs) throw err;
      log?.debug({ call: what, attempt: attemptNo, backoffMs, err: (err as Error).message }, "admin call failed, retrying");
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
  }
}
