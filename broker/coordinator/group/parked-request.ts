// JoinGroup and SyncGroup are parked until the group moves on. If the client's connection closes
// first, its handler stops waiting; the coordinator still completes the member's wait on its own
// timeouts (rebalance, session), as Kafka does. The wait leaves nothing on the connection once
// either side settles.

import type { CloseSignal } from "../../network/close-signal.js";

export const CONNECTION_CLOSED = Symbol("connection closed");

export function untilClosed<T>(work: Promise<T>, closed: CloseSignal): Promise<T | typeof CONNECTION_CLOSED> {
  return new Promise((resolve, reject) => {
    const unsubscribe = closed.onClose(() => resolve(CONNECTION_CLOSED));
    work.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (err: unknown) => {
        unsubscribe();
        reject(err);
      },
    );
  });
}
