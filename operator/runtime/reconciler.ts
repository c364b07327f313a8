// The contract between the runtime and a reconciler (controller-runtime's
// pkg/reconcile): level-based — given only a key, read the world, make it so.
// Return normally when done (optionally asking to look again after a while),
// throw to be retried with backoff, throw a TerminalError to stop retrying.
import type { Logger } from "pino";
import type { ObjectKey } from "./object-key.js";

export interface ReconcileRequest extends ObjectKey {
  /** "Kind/namespace/name" */
  key: string;
}

export interface ReconcileResult {
  /** Look at the object again after this many ms, even if nothing changes. */
  requeueAfterMs?: number;
}

export interface ReconcileContext {
  /** Bound to {controller, namespace, name}. */
  log: Logger;
  /** Aborted when the controller stops (lost leadership, shutdown): stop writing. */
  signal: AbortSignal;
}

export interface Reconciler {
  reconcile(req: ReconcileRequest, ctx: ReconcileContext): Promise<ReconcileResult | void>;
  /**
   * Called once when reconcile threw a TerminalError: the place to surface it in
   * the object's status (e.g. Ready=False with the error's reason). Errors thrown
   * here are logged, not retried.
   */
  onTerminalError?(req: ReconcileRequest, err: TerminalError, ctx: ReconcileContext): Promise<void>;
}

/**
 * An error that retrying cannot fix (an invalid spec, a refused configuration):
 * the key is forgotten until the object changes again.
 */
export class TerminalError extends Error {
  constructor(
    /** A CamelCase reason for conditions and events, e.g. "InvalidSpec". */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "TerminalError";
  }
}
