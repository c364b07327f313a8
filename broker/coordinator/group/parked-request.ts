// JoinGroup and SyncGroup are parked until the group moves on. If the client's connection closes
// first, its handler stops waiting; the coordinator still completes the member's wait on its own
// timeouts (rebalance, session), as Kafka does. Only a small closure stays on the connection's
// `closed` promise, and it drops its references once either side settles.

export const CONNECTION_CLOSED = Symbol("connection closed");

export function untilClosed<T>(work: Promise<T>, closed: Promise<void>): Promise<T | typeof CONNECTION_CLOSED> {
  return new Promise((resolve, reject) => {
    let pending: { resolve: typeof resolve; reject: typeof reject } | null = { resolve, reject };
    const take = () => {
      const p = pending;
      pending = null;
      return p;
    };
    work.then(
      (value) => take()?.resolve(value),
      (err: unknown) => take()?.reject(err),
    );
    void closed.then(() => take()?.resolve(CONNECTION_CLOSED));
  });
}
