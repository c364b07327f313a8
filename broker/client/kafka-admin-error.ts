// The one error type the admin client throws for an error the cluster answered with: Kafka's
// error name (as the operator reports it in conditions), the wire code and the broker's message.
import { KAFKA_ERRORS, errorName, type KafkaErrorName } from "../protocol/errors.js";

export class KafkaAdminError extends Error {
  override name = "KafkaAdminError";
  constructor(
    readonly errorName: KafkaErrorName,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  /** Whether Kafka's clients would try again (a moving controller, a leader election, a timeout). */
  get retriable(): boolean {
    return KAFKA_ERRORS[this.errorName].retriable;
  }
}

/** Throws a KafkaAdminError for a non-zero code; `what` says which resource the error is about. */
export function throwIfError(code: number, message: string | null | undefined, what: string): void {
  if (code === 0) return;
  const name = errorName(code);
  const detail = message || KAFKA_ERRORS[name].message;
  throw new KafkaAdminError(name, code, `${what}: ${name}: ${detail}`);
}
