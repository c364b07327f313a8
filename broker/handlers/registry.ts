// The table of API handlers. ApiVersions is answered from this table, so what we advertise is
// exactly what we serve. Registering one API key twice is a programming error and throws.
import type { ApiHandler } from "./handler.js";

export class HandlerRegistry {
  private readonly byKey = new Map<number, ApiHandler>();

  register(handler: ApiHandler<any, any>): void {
    const key = handler.meta.apiKey;
    const existing = this.byKey.get(key);
    if (existing) throw new Error(`API key ${key} (${handler.meta.name}) registered twice`);
    this.byKey.set(key, handler as ApiHandler);
  }

  get(apiKey: number): ApiHandler | undefined {
    return this.byKey.get(apiKey);
  }

  /** Every served API with its version range, ordered by key, as ApiVersions reports them. */
  supported(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.byKey.values()]
      .map((h) => ({ apiKey: h.meta.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }
}
