// The broker-wide bound on the recent-batches caches (recent-batches.ts). Each partition's cache
// has its own budget, but alone that lets a broker hold partitions × budget: after 1 GB produced
// to 100 partitions a broker kept ~900 MB resident, ~600 MB of it cached batches that no reader
// would ask for again. The shared budget evicts across all partitions, oldest entry first.
//
// Entries are kept in one list in the order they were added (every cache adds in offset order,
// so a cache's oldest entry is also its first one in this list); links make unlinking O(1).

/** An entry as the shared budget sees it. */
export interface BudgetedEntry {
  /** Bytes this entry accounts for (may move to a newer entry of the same cache: see `recharge`). */
  charge: number;
  older?: BudgetedEntry;
  newer?: BudgetedEntry;
  owner: { evictOldestFor(entry: BudgetedEntry): boolean };
}

/** 256 MiB: the 16-partition benchmark keeps its 8 MiB per partition; 100 partitions get ~2.5 MiB each. */
export const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;

export class CacheBudget {
  private oldest: BudgetedEntry | undefined;
  private newest: BudgetedEntry | undefined;
  private total = 0;

  constructor(readonly maxBytes: number = DEFAULT_CACHE_MAX_BYTES) {}

  get bytes(): number {
    return this.total;
  }

  add(entry: BudgetedEntry): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
    this.total += entry.charge;
  }

  remove(entry: BudgetedEntry): void {
    if (entry.older) entry.older.newer = entry.newer;
    else if (this.oldest === entry) this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else if (this.newest === entry) this.newest = entry.older;
    entry.older = entry.newer = undefined;
    this.total -= entry.charge;
  }

  /** Changes the bytes an entry accounts for (the newest entry sharing a buffer carries it). */
  recharge(entry: BudgetedEntry, charge: number): void {
    this.total += charge - entry.charge;
    entry.charge = charge;
  }

  /**
   * Evicts the oldest entries while over budget. Stops at an entry its cache cannot give up yet
   * (not yet written to the file: readers see in-flight data only there); the cache calls again
   * once its writes complete.
   */
  evict(): void {
    while (this.total > this.maxBytes && this.oldest) {
      if (!this.oldest.owner.evictOldestFor(this.oldest)) return;
    }
  }
}
