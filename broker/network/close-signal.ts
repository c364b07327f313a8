// A connection's end, for requests that wait on it (long-polled fetches, parked joins, a full
// socket). Waiters unsubscribe when their wait ends. A `.then` on a promise that settles only when
// the connection closes cannot be taken back: each request left one, and with it the closure of
// the handler that made it — a follower's fetch kept every record it had read alive for as long
// as the replication connection lived (~1 GiB per node after a few minutes of replicated writes).

export class CloseSignal {
  private isClosed = false;
  private readonly listeners = new Set<() => void>();

  get closed(): boolean {
    return this.isClosed;
  }

  /** Calls `listener` once when the connection closes (now, if it has); returns the unsubscribe. */
  onClose(listener: () => void): () => void {
    if (this.isClosed) {
      listener();
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Marks the connection closed and tells every waiter. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }

  /** Waiters right now (for tests: it must fall back to zero after each wait). */
  get waiterCount(): number {
    return this.listeners.size;
  }
}
