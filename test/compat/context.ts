// What global-setup.ts hands to every compat test file.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { Tools } from './drivers.js';

export interface CompatContext {
  bootstrap: string;
  /** kafka | millrace | external (COMPAT_BOOTSTRAP) */
  target: string;
  tools: Tools;
  brokerLog: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    compat: CompatContext;
  }
}

/**
 * The compat context, or undefined when this file runs outside the compat
 * config (e.g. picked up by a plain `vitest run`), in which case the suites skip.
 */
export function compatContext(): CompatContext | undefined {
  try {
    return inject('compat');
  } catch {
    return undefined;
  }
}

/** A name no other test or run will use: topics and groups are never shared. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
