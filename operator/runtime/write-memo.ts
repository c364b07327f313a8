// Remembers, per object, the last body we wrote and the resourceVersion the API
// server answered with. If the live object is still at that version and we would
// write the same body again, the write already happened: the server normalized
// or pruned something (a quantity, a field the schema does not keep), and writing
// again would only bump managedFields, send a watch event and loop forever.
export class WriteMemo {
  private readonly last = new Map<string, { body: string; resourceVersion: string }>();

  /** True when body was already written and live is still the object that write produced. */
  alreadyWritten(objectId: string, body: string, liveResourceVersion: string | undefined): boolean {
    const m = this.last.get(objectId);
    return m !== undefined && liveResourceVersion !== undefined && m.body === body && m.resourceVersion === liveResourceVersion;
  }

  remember(objectId: string, body: string, resultResourceVersion: string | undefined): void {
    if (resultResourceVersion === undefined) return this.forget(objectId);
    this.last.set(objectId, { body, resourceVersion: resultResourceVersion });
    // Bounded: an operator managing very many objects just loses the memo of old ones.
    if (this.last.size > 10_000) this.last.delete(this.last.keys().next().value!);
  }

  forget(objectId: string): void {
    this.last.delete(objectId);
  }
}
