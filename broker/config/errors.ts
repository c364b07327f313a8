/**
 * Errors of the config subsystem. Two boundaries, two shapes:
 *  - start-up: a thrown `ConfigError` that the CLI prints on one line before exiting 1;
 *  - requests (CreateTopics, IncrementalAlterConfigs …): a returned `ConfigApiError` carrying the
 *    Kafka error name and message, because user input must never throw inside a handler.
 */

/** The Kafka errors this subsystem can answer with; the protocol error table maps names to codes. */
export type ConfigApiErrorName = "INVALID_CONFIG" | "INVALID_REQUEST";

/** Wire codes, kept here only so tests and callers without the protocol table can check them. */
export const CONFIG_API_ERROR_CODES: Readonly<Record<ConfigApiErrorName, number>> = {
  INVALID_CONFIG: 40,
  INVALID_REQUEST: 42,
};

export interface ConfigApiError {
  readonly error: ConfigApiErrorName;
  readonly errorCode: number;
  readonly message: string;
}

export function invalidConfig(message: string): ConfigApiError {
  return { error: "INVALID_CONFIG", errorCode: CONFIG_API_ERROR_CODES.INVALID_CONFIG, message };
}

export function invalidRequest(message: string): ConfigApiError {
  return { error: "INVALID_REQUEST", errorCode: CONFIG_API_ERROR_CODES.INVALID_REQUEST, message };
}

export type Result<T, E = ConfigApiError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

export function fail<E>(error: E): Result<never, E> {
  return { ok: false, error };
}

/**
 * Kafka's ConfigException(name, value, message) text. Clients and scripts match on it, so the
 * wording is Kafka's: "Invalid value V for configuration K: reason".
 */
export function invalidValueMessage(name: string, value: unknown, reason: string | undefined): string {
  const shown = value === null || value === undefined ? "null" : Array.isArray(value) ? value.join(",") : String(value);
  return `Invalid value ${shown} for configuration ${name}${reason === undefined ? "" : `: ${reason}`}`;
}

/**
 * A start-up configuration problem. `key` names the offending key when there is one; `source`
 * says where it came from (file path and line, env var, --override) so the one-line message is
 * enough to fix it.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    message: string,
    readonly key?: string,
    readonly source?: string,
  ) {
    // One line whatever the input: a value read from a file may contain escaped newlines.
    super((source === undefined ? message : `${message} (from ${source})`).replace(/\r/g, "\\r").replace(/\n/g, "\\n"));
  }
}
